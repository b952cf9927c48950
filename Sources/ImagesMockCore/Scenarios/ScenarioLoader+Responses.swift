import Foundation
import Yams

extension ScenarioReader {
    static let responseKinds = ["error", "images", "status"]
    static let responseKeys = ["error", "message", "images", "status", "headers", "body"]
    /// What each kind of response takes besides its own key.
    static let responseExtras: [String: (keys: [String], description: String)] = [
        "error": (["message", "headers"], "an error takes 'message' and 'headers'"),
        "images": (["headers"], "images take 'headers'"),
        "status": (["headers", "body"], "a raw response takes 'headers' and 'body'"),
    ]
    static let faultKinds = ["connection_reset", "empty_response", "truncated_body", "slow_body", "stream_error"]

    /// `{ error: NAME, message?, headers? }`, `{ images: generated | path | [paths], headers? }` or
    /// `{ status: N, headers?, body? }`.
    mutating func readResponse(_ node: Node, context: String) -> ResponseSpec? {
        guard node.valueKind == .mapping, let view = mapping(node, what: "a response") else {
            var message = "expected a response \(context): a mapping with 'error', 'images' or 'status', found \(node.foundDescription)"
            if let written = node.scalarText, node.valueKind == .string {
                if NamedErrors.names.contains(written) { message += "; write { error: \(written) }" }
                if written == "generated" { message += "; write { images: generated }" }
            }
            log.report(message, at: node)
            return nil
        }
        let suggested = checkKeys(view, allowed: Self.responseKeys, context: context)
        guard let kind = exactlyOne(of: Self.responseKinds, in: view, context: context, suggested: suggested) else { return nil }
        let extras = Self.responseExtras[kind.key] ?? ([], "")
        var valid = true
        for entry in view.entries where Self.responseKeys.contains(entry.key) && entry.key != kind.key && !extras.keys.contains(entry.key)
            && !Self.responseKinds.contains(entry.key)
        {
            log.report("'\(entry.key)' does not go with '\(kind.key)' \(context) (\(extras.description))", at: entry.keyNode)
            valid = false
        }
        var headers: [String: String] = [:]
        if let node = view.value("headers") {
            if let read = readHeaders(node) { headers = read } else { valid = false }
        }
        switch kind.key {
        case "error":
            let name = choice(kind.value, "error", NamedErrors.names)
            var message: String?
            if let node = view.value("message") {
                message = nonEmptyText(node, "'message'")
                if message == nil { valid = false }
            }
            guard valid, let name else { return nil }
            return .error(name: name, message: message, headers: headers)
        case "images":
            let source = readImageSource(kind.value)
            guard valid, let source else { return nil }
            return .images(source, headers: headers)
        default:
            let status = integer(kind.value, "'status'", in: ResponseSpec.rawStatusRange)
            var body = RawBody.empty
            if let node = view.value("body") {
                switch node.valueKind {
                case .string: body = .text(node.scalarText ?? "")
                default:
                    if let json = json(node) { body = .json(json) } else { valid = false }
                }
            }
            guard valid, let status else { return nil }
            return .raw(status: status, headers: headers, body: body)
        }
    }

    /// Header names are kept as written; values may be numbers in YAML and are kept as text.
    mutating func readHeaders(_ node: Node) -> [String: String]? {
        guard let view = mapping(node, what: "'headers'", expected: "a mapping of header names to values") else { return nil }
        var headers: [String: String] = [:]
        var valid = true
        for entry in view.entries {
            guard Self.isHeaderName(entry.key) else {
                log.report("'\(entry.key)' is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only)", at: entry.keyNode)
                valid = false
                continue
            }
            guard let value = text(entry.value, "header '\(entry.key)'") else {
                valid = false
                continue
            }
            guard !value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
                log.report("header '\(entry.key)' must be one line (no line breaks or NUL characters)", at: entry.value)
                valid = false
                continue
            }
            headers[entry.key] = value
        }
        return valid ? headers : nil
    }

    /// `generated`, one path, or a non-empty list of paths.
    mutating func readImageSource(_ node: Node) -> ImageSource? {
        switch node {
        case .sequence(let items):
            guard !items.isEmpty else {
                log.report("'images' lists no file; write 'generated' or give at least one path", at: node)
                return nil
            }
            var images: [CannedImage] = []
            var valid = true
            for item in items {
                guard let path = nonEmptyText(item, "an image path") else {
                    valid = false
                    continue
                }
                if let image = cannedImage(path, at: item) { images.append(image) } else { valid = false }
            }
            return valid ? .canned(images) : nil
        default:
            guard node.valueKind == .string, let written = node.scalarText, !written.isEmpty else {
                log.report("'images' must be 'generated', an image path or a list of paths, found \(node.foundDescription)", at: node)
                return nil
            }
            if written == "generated" { return .generated }
            return cannedImage(written, at: node).map { .canned([$0]) }
        }
    }

    // MARK: - Faults

    /// `{ kind, probability?, bytes?, interval_ms? }`; bytes and interval_ms belong to slow_body.
    mutating func readFault(_ node: Node, context: String) -> FaultSpec? {
        guard let view = mapping(node, what: "'fault'", expected: "a mapping such as { kind: connection_reset }") else { return nil }
        let suggested = checkKeys(view, allowed: ["kind", "probability", "bytes", "interval_ms"], context: context)
        var valid = true
        var probability = 1.0
        if let node = view.value("probability") {
            if let value = number(node, "'probability'", atLeast: 0, atMost: 1) { probability = value } else { valid = false }
        }
        guard let kindNode = view.value("kind") else {
            if !suggested.contains("kind") {
                log.report("missing key 'kind' \(context) (one of \(Self.faultKinds.joined(separator: ", ")))", at: node)
            }
            return nil
        }
        guard let kindName = choice(kindNode, "fault kind", Self.faultKinds, key: "kind") else { return nil }
        if kindName != "slow_body" {
            for option in present(["bytes", "interval_ms"], in: view) {
                log.report("'\(option.key)' applies only to kind 'slow_body'", at: option.keyNode)
                valid = false
            }
        }
        let kind: FaultSpec.Kind
        switch kindName {
        case "connection_reset": kind = .connectionReset
        case "empty_response": kind = .emptyResponse
        case "truncated_body": kind = .truncatedBody
        case "stream_error": kind = .streamError
        default:
            var bytes = 64
            var interval = 100
            if let node = view.value("bytes") {
                if let value = integer(node, "'bytes'", in: FaultSpec.slowBodyBytesRange) { bytes = value } else { valid = false }
            }
            if let node = view.value("interval_ms") {
                if let value = integer(node, "'interval_ms'", in: FaultSpec.slowBodyIntervalRange) { interval = value } else { valid = false }
            }
            kind = .slowBody(bytes: bytes, intervalMilliseconds: interval)
        }
        return valid ? FaultSpec(kind: kind, probability: probability) : nil
    }

    // MARK: - JSON bodies

    /// A YAML value as JSON: mappings keep their key order; numbers keep their digits where JSON
    /// can write them; YAML-only values (`.inf`, `.nan`) are reported.
    mutating func json(_ node: Node) -> JSONValue? {
        guard jsonValuesLeft > 0 else { return nil }
        jsonValuesLeft -= 1
        if jsonValuesLeft == 0 {
            log.report("this body expands to more than 1,000,000 values (YAML aliases repeat what they name); write it out smaller", at: node)
            return nil
        }
        switch node {
        case .mapping:
            guard let view = mapping(node, what: "'body'") else { return nil }
            var object = JSONObject()
            var members = JSONObject.Builder()
            var valid = true
            for entry in view.entries {
                if let value = json(entry.value) { members.add(entry.key, value, to: &object) } else { valid = false }
                if jsonValuesLeft == 0 { return nil }
            }
            return valid ? .object(object) : nil
        case .sequence(let items):
            var array: [JSONValue] = []
            var valid = true
            for item in items {
                if let value = json(item) { array.append(value) } else { valid = false }
                if jsonValuesLeft == 0 { return nil }
            }
            return valid ? .array(array) : nil
        default:
            let written = node.scalarText ?? ""
            switch node.valueKind {
            case .null: return .null
            case .boolean: return .bool(node.bool ?? false)
            case .integer:
                if let value = node.int { return .number(JSONNumber(value)) }
                let digits = written.filter { $0 != "_" }
                if Self.isJSONNumber(digits) { return .number(JSONNumber(lexeme: digits, isInteger: true)) }
                log.report("the number \(written) cannot be written in JSON; quote it to send a string", at: node)
                return nil
            case .float:
                guard let value = node.float, value.isFinite else {
                    log.report("JSON has no infinity or NaN, found \(written); quote it to send a string", at: node)
                    return nil
                }
                let lexeme = Self.isJSONNumber(written) ? written : "\(value)"
                return .number(JSONNumber(lexeme: lexeme, isInteger: false))
            default:
                return .string(written)
            }
        }
    }

    /// The JSON number grammar (RFC 8259 §6).
    static func isJSONNumber(_ text: String) -> Bool {
        text.wholeMatch(of: /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/) != nil
    }
}
