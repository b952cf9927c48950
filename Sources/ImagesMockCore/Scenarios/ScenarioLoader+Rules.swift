import Foundation
import Yams

extension ScenarioReader {
    static let ruleKeys = ["name", "when", "respond", "sequence", "cycle", "sequence_per", "fault", "latency", "validate"]
    static let actionKeys = ["respond", "sequence", "fault"]
    static let conditionKeys = ["endpoint", "model", "prompt", "params", "headers", "key"]
    static let matcherKeys = ["equals", "contains", "matches"]

    /// Model ids of the built-in catalog, for checking `when.model`.
    static let knownModels: [String] = ModelCatalog.builtIn.sortedModels.map(\.id)
    /// Every request parameter some model accepts on some endpoint, for checking `when.params`.
    static let knownParameters: [String] = {
        var names: Set<String> = ["model"]
        for model in ModelCatalog.builtIn.models.values {
            for parameters in model.endpoints.values { names.formUnion(parameters.keys) }
        }
        return names.sorted()
    }()

    mutating func readRules(_ node: Node) -> [Rule] {
        guard case .sequence(let sequence) = node else {
            log.report("'rules' must be a list of rules, found \(node.foundDescription)", at: node)
            return []
        }
        var rules: [Rule] = []
        // The number of the rule that took each name first (a look-up per rule, not a scan: a
        // file of 20,000 rules took 13 s to check).
        var firstRuleByName: [String: Int] = [:]
        for (index, item) in sequence.enumerated() {
            guard item.valueKind == .mapping, let view = mapping(item, what: "rule") else {
                log.report("each rule must be a mapping with 'when' and one of 'respond', 'sequence' or 'fault', found \(item.foundDescription)", at: item)
                continue
            }
            var name = "rule-\(index + 1)"
            var explicit = false
            if let nameNode = view.value("name"), let given = nonEmptyText(nameNode, "a rule's 'name'") {
                name = given
                explicit = true
            }
            if let earlier = firstRuleByName[name] {
                let place = explicit ? view.value("name") ?? item : item
                if explicit {
                    log.report("rule name '\(name)' is already used by rule \(earlier); rule names must be unique", at: place)
                } else {
                    log.report("rule \(index + 1) gets the default name '\(name)', already used by rule \(earlier); give it a 'name'", at: place)
                }
            } else {
                firstRuleByName[name] = index + 1
            }
            if var rule = readRule(view, name: name) {
                rule.isNamed = explicit
                rules.append(rule)
            }
        }
        return rules
    }

    mutating func readRule(_ view: MappingView, name: String) -> Rule? {
        let label = "rule '\(name)'"
        let suggested = checkKeys(view, allowed: Self.ruleKeys, context: "in \(label)")
        var valid = true
        var validate = true
        if let node = view.value("validate") {
            if let value = bool(node, "'validate'") { validate = value } else { valid = false }
        }
        var condition = RuleCondition()
        if let node = view.value("when") {
            if let read = readCondition(node, label: label, validate: validate) { condition = read } else { valid = false }
        }
        var latency: LatencySpec?
        if let node = view.value("latency") {
            latency = readLatency(node, context: "in 'latency' of \(label)")
            if latency == nil { valid = false }
        }

        let actionEntry = exactlyOne(of: Self.actionKeys, in: view, context: "in \(label)", suggested: suggested)
        let sequenceOptions = present(["cycle", "sequence_per"], in: view)
        let actionsFound = present(Self.actionKeys, in: view)
        if actionsFound.count == 1, actionsFound[0].key != "sequence" {
            for option in sequenceOptions {
                log.report("'\(option.key)' applies only to a 'sequence'; \(label) has '\(actionsFound[0].key)'", at: option.keyNode)
            }
        }
        // Every action given is read, so a rule with two reports the problems inside both too.
        var actions: [RuleAction?] = []
        for entry in actionsFound {
            switch entry.key {
            case "respond":
                actions.append(readResponse(entry.value, context: "in 'respond' of \(label)").map(RuleAction.respond))
            case "sequence":
                actions.append(readSequence(entry.value, view: view, label: label))
            default:
                actions.append(readFault(entry.value, context: "in 'fault' of \(label)").map(RuleAction.fault))
            }
        }
        guard actionEntry != nil, actions.count == 1, let action = actions[0] else { return nil }
        guard valid else { return nil }
        return Rule(name: name, when: condition, action: action, latency: latency, validate: validate)
    }

    mutating func readSequence(_ node: Node, view: MappingView, label: String) -> RuleAction? {
        var cycle = false
        var perKey = false
        var valid = true
        if let node = view.value("cycle") {
            if let value = bool(node, "'cycle'") { cycle = value } else { valid = false }
        }
        if let node = view.value("sequence_per") {
            if let value = choice(node, "'sequence_per' value", ["rule", "key"], key: "sequence_per") { perKey = value == "key" } else { valid = false }
        }
        guard case .sequence(let items) = node, !items.isEmpty else {
            let found = node.valueKind == .list ? "an empty list" : node.foundDescription
            log.report("'sequence' must be a list of responses, one per matching request, found \(found)", at: node)
            return nil
        }
        var steps: [ResponseSpec] = []
        for (index, item) in items.enumerated() {
            if let step = readResponse(item, context: "in step \(index + 1) of 'sequence' of \(label)") { steps.append(step) } else { valid = false }
        }
        return valid ? .sequence(steps: steps, cycle: cycle, perKey: perKey) : nil
    }

    // MARK: - Conditions

    mutating func readCondition(_ node: Node, label: String, validate: Bool) -> RuleCondition? {
        guard let view = mapping(node, what: "'when'", expected: "a mapping of conditions (endpoint, model, prompt, params, headers, key)") else { return nil }
        checkKeys(view, allowed: Self.conditionKeys, context: "in 'when' of \(label)")
        var condition = RuleCondition()
        var valid = true
        let unvalidatedNote = "(a rule with 'validate: false' may name any)"
        if let node = view.value("endpoint") {
            if let items = textList(node, "'endpoint'", noun: "endpoint") {
                var endpoints: [Endpoint] = []
                for item in items {
                    if let endpoint = Endpoint(rawValue: item.text) {
                        endpoints.append(endpoint)
                        if endpoint == .variations, let asOf, asOf >= ModelCatalog.builtIn.timeline.variationsRetiredFrom {
                            // Routing answers before rules do, whatever the rule's 'validate'.
                            log.report("/v1/images/variations answers a bare 404 from \(ModelCatalog.builtIn.timeline.variationsRetiredFrom), before any rule, and this scenario's as_of is \(asOf); this condition never matches", at: item.node)
                            valid = false
                        }
                    } else {
                        reportUnknown("endpoint", item.text, known: Endpoint.allCases.map(\.rawValue), at: item.node)
                        valid = false
                    }
                }
                condition.endpoints = endpoints
            } else {
                valid = false
            }
        }
        if let node = view.value("model") {
            if let items = textList(node, "'model'", noun: "model") {
                if validate {
                    // Validation runs first, so a request naming an unknown model never reaches the rule.
                    for item in items where !Self.knownModels.contains(item.text) {
                        if let suggestion = Suggestion.closest(to: item.text, among: Self.knownModels) {
                            log.report("unknown model '\(item.text)'; did you mean '\(suggestion)'? \(unvalidatedNote)", at: item.node)
                        } else {
                            log.report("unknown model '\(item.text)'; 'images-mock models' lists the known ones \(unvalidatedNote)", at: item.node)
                        }
                        valid = false
                    }
                    if let asOf {
                        for item in items {
                            guard let model = ModelCatalog.builtIn.model(item.text), !model.isAvailable(asOf: asOf) else { continue }
                            log.report("model '\(item.text)' does not exist on this scenario's as_of (\(asOf)): requests naming it are rejected before rules \(unvalidatedNote)", at: item.node)
                            valid = false
                        }
                    }
                }
                condition.models = items.map(\.text)
            } else {
                valid = false
            }
        }
        if let node = view.value("prompt") {
            if let matcher = readMatcher(node, what: "'prompt'", context: "in 'prompt' of \(label)") { condition.prompt = matcher } else { valid = false }
        }
        if let node = view.value("params") {
            if let params = mapping(node, what: "'params'", expected: "a mapping of parameter names to values") {
                for entry in params.entries {
                    if validate, !Self.knownParameters.contains(entry.key) {
                        reportUnknownParameter(entry, note: unvalidatedNote)
                        valid = false
                    }
                    if let matcher = readMatcher(entry.value, what: "param '\(entry.key)'", context: "in param '\(entry.key)' of \(label)") {
                        condition.params[entry.key] = matcher
                    } else {
                        valid = false
                    }
                }
            } else {
                valid = false
            }
        }
        if let node = view.value("headers") {
            if let headers = mapping(node, what: "'headers'", expected: "a mapping of header names to values") {
                for entry in headers.entries {
                    guard Self.isHeaderName(entry.key) else {
                        log.report("'\(entry.key)' is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only)", at: entry.keyNode)
                        valid = false
                        continue
                    }
                    if let matcher = readMatcher(entry.value, what: "header '\(entry.key)'", context: "in header '\(entry.key)' of \(label)") {
                        condition.headers[entry.key.lowercased()] = matcher
                    } else {
                        valid = false
                    }
                }
            } else {
                valid = false
            }
        }
        if let node = view.value("key") {
            if let items = textList(node, "'key'", noun: "API key") { condition.keys = items.map(\.text) } else { valid = false }
        }
        return valid ? condition : nil
    }

    private mutating func reportUnknownParameter(_ entry: MappingEntry, note: String) {
        if let suggestion = Suggestion.closest(to: entry.key, among: Self.knownParameters) {
            log.report("unknown parameter '\(entry.key)'; did you mean '\(suggestion)'? \(note)", at: entry.keyNode)
        } else {
            log.report("unknown parameter '\(entry.key)': no model accepts it, so the request would be rejected before rules \(note)", at: entry.keyNode)
        }
    }

    /// A plain value means `equals`; otherwise `{ equals | contains | matches: text }`.
    mutating func readMatcher(_ node: Node, what: String, context: String) -> TextMatcher? {
        switch node.valueKind {
        case .string, .integer, .float, .boolean:
            return text(node, what).map(TextMatcher.equals)
        case .mapping:
            guard let view = mapping(node, what: what) else { return nil }
            let suggested = checkKeys(view, allowed: Self.matcherKeys, context: context)
            guard let entry = exactlyOne(of: Self.matcherKeys, in: view, context: context, suggested: suggested),
                let value = text(entry.value, "'\(entry.key)'")
            else { return nil }
            switch entry.key {
            case "equals": return .equals(value)
            case "contains": return .contains(value)
            default:
                guard let problem = Self.regularExpressionProblem(value) else { return .matches(value) }
                log.report("invalid regular expression '\(Node.abbreviated(value))': \(problem)", at: entry.value)
                return nil
            }
        case .list, .null:
            log.report("\(what) must be text or a mapping with 'equals', 'contains' or 'matches', found \(node.foundDescription)", at: node)
            return nil
        }
    }

    /// `nil` when NSRegularExpression (which the engine matches with) compiles the pattern;
    /// otherwise the reason, in the words of Swift's regex parser when it has some.
    static func regularExpressionProblem(_ pattern: String) -> String? {
        if (try? NSRegularExpression(pattern: pattern)) != nil { return nil }
        do {
            _ = try Regex(pattern)
        } catch {
            return "\(error)"
        }
        return "NSRegularExpression cannot compile it"
    }

    /// An HTTP token (RFC 9110 §5.6.2).
    static func isHeaderName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "!#$%&'*+-.^_`|~".unicodeScalars.contains(scalar))
        }
    }
}
