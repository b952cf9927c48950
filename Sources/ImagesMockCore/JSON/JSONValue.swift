/// A JSON value as the validator needs it.
///
/// Foundation's JSON decoding loses three things the real API's answers depend on: the order of
/// an object's keys (the first unknown parameter is the one reported), whether a number was written
/// as an integer or a decimal (`1` vs `1.0` get different `invalid_type` messages), and the exact
/// digits of numbers too large for `Int` (echoed back in range errors). This type keeps all three.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
    /// Output only: bytes known to need no escaping (e.g. base64), written between quotes as they are.
    /// Lets a multi-megabyte base64 image go into a response without being scanned or copied into a `String`.
    case verbatimString([UInt8])

    /// How the real API names the JSON type of a value in `invalid_type` messages ("got an integer instead").
    public var typeDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number(let number): number.isInteger ? "an integer" : "a decimal number"
        case .string, .verbatimString: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var objectValue: JSONObject? {
        if case .object(let value) = self { return value }
        return nil
    }
}

/// A JSON number kept as written.
public struct JSONNumber: Sendable, Equatable {
    /// The number exactly as it appeared in the document, e.g. `1e3` or `99999999999999999999`.
    public let lexeme: String
    /// True when written without a fraction or exponent (Python's `json` would make it an `int`).
    public let isInteger: Bool

    public init(lexeme: String, isInteger: Bool) {
        self.lexeme = lexeme
        self.isInteger = isInteger
    }

    public init(_ value: Int) {
        self.lexeme = String(value)
        self.isInteger = true
    }

    /// The value when it is an integer that fits in `Int`.
    public var intValue: Int? { isInteger ? Int(lexeme) : nil }

    /// The value as a `Double` (integers too), for range checks of huge integers.
    public var doubleValue: Double? { Double(lexeme) }

    /// The number as Python prints it once `json.loads` made it an `int`: as written, except
    /// that `-0` is `0`.
    public var pythonIntegerText: String {
        isInteger && lexeme.hasPrefix("-") && lexeme.dropFirst().allSatisfy({ $0 == "0" }) ? "0" : lexeme
    }
}

/// A JSON object with its members in document order.
///
/// A key written twice keeps its first position and its last value, as Python's `json` does.
public struct JSONObject: Sendable, Equatable {
    public private(set) var members: [(key: String, value: JSONValue)]

    public init(_ members: [(key: String, value: JSONValue)] = []) {
        self.init(capacity: members.count)
        var builder = Builder()
        for member in members { builder.add(member.key, member.value, to: &self) }
    }

    /// An empty object with room for `capacity` members before its storage grows.
    init(capacity: Int) {
        members = []
        members.reserveCapacity(capacity)
    }

    public var keys: [String] { members.map(\.key) }
    public var isEmpty: Bool { members.isEmpty }

    public subscript(key: String) -> JSONValue? {
        get { members.first(where: { $0.key == key })?.value }
        set {
            if let index = members.firstIndex(where: { $0.key == key }) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.append((key, newValue))
            }
        }
    }

    /// Adds members one by one with the duplicate rule above, in time linear in their number:
    /// the first few keys are compared in place (a request has a handful), and past that a hash
    /// index takes over, so a hostile object of a million distinct keys costs a million look-ups,
    /// not a million squared comparisons.
    struct Builder {
        private static let linearLimit = 16
        private var index: [String: Int]?

        init() {}

        mutating func add(_ key: String, _ value: JSONValue, to object: inout JSONObject) {
            if index == nil {
                if let existing = object.members.firstIndex(where: { $0.key == key }) {
                    object.members[existing].value = value
                    return
                }
                object.members.append((key, value))
                if object.members.count > Self.linearLimit {
                    var built = [String: Int](minimumCapacity: object.members.count * 2)
                    for (position, member) in object.members.enumerated() { built[member.key] = position }
                    index = built
                }
                return
            }
            if let existing = index![key] {
                object.members[existing].value = value
            } else {
                index![key] = object.members.count
                object.members.append((key, value))
            }
        }
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByNilLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(JSONNumber(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements.map { (key: $0.0, value: $0.1) }))
    }
}
