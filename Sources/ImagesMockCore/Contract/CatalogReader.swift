/// Typed access to the catalog document with messages that name the path of a bad value.
enum CatalogReader {
    struct Object {
        let members: JSONObject
        let path: String

        init(_ members: JSONObject, path: String) {
            self.members = members
            self.path = path
        }

        var keys: [String] { members.keys }

        func value(_ key: String) -> JSONValue? { members[key] }

        private func failure(_ key: String, _ expected: String) -> ModelCatalog.LoadError {
            ModelCatalog.LoadError(message: "model catalog: \(path).\(key) must be \(expected)")
        }

        func string(_ key: String) throws(ModelCatalog.LoadError) -> String {
            guard let text = try optionalString(key) else { throw failure(key, "a string") }
            return text
        }

        func optionalString(_ key: String) throws(ModelCatalog.LoadError) -> String? {
            switch members[key] {
            case nil, .null?: return nil
            case .string(let text)?: return text
            default: throw failure(key, "a string")
            }
        }

        func int(_ key: String) throws(ModelCatalog.LoadError) -> Int {
            guard let number = try optionalInt(key) else { throw failure(key, "an integer") }
            return number
        }

        func optionalInt(_ key: String) throws(ModelCatalog.LoadError) -> Int? {
            switch members[key] {
            case nil, .null?: return nil
            case .number(let number)? where number.intValue != nil: return number.intValue
            default: throw failure(key, "an integer")
            }
        }

        func optionalDouble(_ key: String) throws(ModelCatalog.LoadError) -> Double? {
            switch members[key] {
            case nil, .null?: return nil
            case .number(let number)? where number.doubleValue != nil: return number.doubleValue
            default: throw failure(key, "a number")
            }
        }

        func optionalBool(_ key: String) throws(ModelCatalog.LoadError) -> Bool? {
            switch members[key] {
            case nil, .null?: return nil
            case .bool(let flag)?: return flag
            default: throw failure(key, "true or false")
            }
        }

        func strings(_ key: String) throws(ModelCatalog.LoadError) -> [String] {
            guard let list = try optionalStrings(key) else { throw failure(key, "a list of strings") }
            return list
        }

        func optionalStrings(_ key: String) throws(ModelCatalog.LoadError) -> [String]? {
            switch members[key] {
            case nil, .null?: return nil
            case .array(let items)?:
                var result: [String] = []
                for item in items {
                    guard case .string(let text) = item else { throw failure(key, "a list of strings") }
                    result.append(text)
                }
                return result
            default: throw failure(key, "a list of strings")
            }
        }

        func object(_ key: String) throws(ModelCatalog.LoadError) -> Object {
            guard let object = try optionalObject(key) else { throw failure(key, "an object") }
            return object
        }

        func optionalObject(_ key: String) throws(ModelCatalog.LoadError) -> Object? {
            switch members[key] {
            case nil, .null?: return nil
            case .object(let object)?: return Object(object, path: "\(path).\(key)")
            default: throw failure(key, "an object")
            }
        }

        func objects(_ key: String) throws(ModelCatalog.LoadError) -> [Object] {
            guard case .array(let items)? = members[key] else { throw failure(key, "a list of objects") }
            var result: [Object] = []
            for (index, item) in items.enumerated() {
                guard case .object(let object) = item else { throw failure("\(key)[\(index)]", "an object") }
                result.append(Object(object, path: "\(path).\(key)[\(index)]"))
            }
            return result
        }

        func date(_ key: String) throws(ModelCatalog.LoadError) -> CalendarDate {
            guard let date = try optionalDate(key) else { throw failure(key, "a date YYYY-MM-DD") }
            return date
        }

        func optionalDate(_ key: String) throws(ModelCatalog.LoadError) -> CalendarDate? {
            guard let text = try optionalString(key) else { return nil }
            guard let date = CalendarDate(text) else { throw failure(key, "a date YYYY-MM-DD") }
            return date
        }
    }
}
