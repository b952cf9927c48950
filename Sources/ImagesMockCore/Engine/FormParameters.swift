/// What arrived of a multipart body: its parts, or the first defect.
struct ReceivedUpload {
    var parts: [MultipartPart]
    var failure: MultipartError?
    var isMultipart: Bool
}

/// Turns multipart parts into the validator's parameters the way the real API reads a form.
enum FormParameters {
    /// `image[]` and `image` name the same list.
    static func baseName(_ field: String) -> Substring { field.hasSuffix("[]") ? field.dropLast(2) : field[...] }

    /// - A part with a file name is a file; `image[]` and repeated `image` parts make one list.
    /// - Bracketed text fields (`svg[reasoning][effort]`) become nested objects, as the SDK encodes them.
    /// - Parameters keep the order of their first part, so the first unknown one is the one reported.
    static func parameters(from parts: [MultipartPart]) -> RequestParameters {
        var order: [String] = []
        var files: [String: [UploadedFile]] = [:]
        var texts: [String: String] = [:]
        var objects: [String: JSONObject] = [:]

        func note(_ name: String) { if !order.contains(name) { order.append(name) } }

        for part in parts {
            if part.isFile {
                let name = part.name.hasSuffix("[]") ? String(part.name.dropLast(2)) : part.name
                note(name)
                files[name, default: []].append(
                    UploadedFile(fieldName: part.name, filename: part.filename, contentType: part.contentType, content: ImageBytes(kept: part.body, omitted: part.omitted), byteOffset: part.byteOffset))
                continue
            }
            let text = part.text ?? String(decoding: part.body, as: UTF8.self)
            if let path = bracketPath(part.name), path.count > 1 {
                note(path[0])
                var object = objects[path[0]] ?? JSONObject()
                insert(.string(text), at: path.dropFirst(), into: &object)
                objects[path[0]] = object
            } else {
                // `image[]=text` is the "image sent as text" mistake too, not an unknown `image[]`.
                let name = String(baseName(part.name))
                note(name)
                texts[name] = text
            }
        }
        let entries: [(name: String, value: ParameterValue)] = order.map { name in
            // A text part wins over files of the same name: that is the "image sent as text" mistake (row 25d).
            if let text = texts[name] { return (name, .formText(text)) }
            if let object = objects[name] { return (name, .json(.object(object))) }
            return (name, .files(files[name] ?? []))
        }
        return RequestParameters(form: .multipart, entries: entries)
    }

    /// `a[b][c]` → `["a", "b", "c"]`; `nil` when the brackets are unbalanced or empty.
    static func bracketPath(_ name: String) -> [String]? {
        guard let open = name.firstIndex(of: "["), name.hasSuffix("]") else { return nil }
        var path = [String(name[..<open])]
        var rest = name[open...]
        while !rest.isEmpty {
            guard rest.first == "[", let close = rest.firstIndex(of: "]") else { return nil }
            let key = rest[rest.index(after: rest.startIndex)..<close]
            guard !key.isEmpty, !key.contains("[") else { return nil }
            path.append(String(key))
            rest = rest[rest.index(after: close)...]
        }
        return path[0].isEmpty ? nil : path
    }

    private static func insert(_ value: JSONValue, at path: ArraySlice<String>, into object: inout JSONObject) {
        guard let key = path.first else { return }
        if path.count == 1 {
            object[key] = value
            return
        }
        var child = object[key]?.objectValue ?? JSONObject()
        insert(value, at: path.dropFirst(), into: &child)
        object[key] = .object(child)
    }
}
