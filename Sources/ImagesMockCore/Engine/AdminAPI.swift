import Foundation

/// The admin API under `/__admin/` (design §1): health, the journal, resets and loading a scenario.
enum AdminAPI {
    static let prefix = "/__admin/"
    static let imagesPrefix = "images/"
    /// The demo dashboard: one self-contained page (HTML, CSS and JS inline, no external assets).
    static let dashboardPage: [UInt8] = PackageResources.dashboard_html
}

extension MockEngine {
    func admin(_ request: HTTPRequest, behaviour: Behaviour) -> HTTPResponse {
        let route = String(request.path.dropFirst(AdminAPI.prefix.count))
        let refusal = adminRefusal(request)
        // HEAD is GET without the body (libmicrohttpd leaves it out and keeps its length).
        let method = request.method == "HEAD" ? "GET" : request.method
        // Liveness is open to probes (Docker HEALTHCHECK, Kubernetes) wherever the mock listens;
        // what it runs is only shown to callers the rest of the admin API would accept.
        if method == "GET", route == "health", refusal != nil {
            return json(200, ["status": "ok"])
        }
        if let refusal { return refusal }
        if method == "GET", route.hasPrefix(AdminAPI.imagesPrefix) {
            return galleryImage(String(route.dropFirst(AdminAPI.imagesPrefix.count)))
        }
        switch (method, route) {
        case ("GET", "ui"):
            return HTTPResponse(status: 200, headers: HTTPHeaders([
                ("content-type", "text/html; charset=utf-8"), ("cache-control", "no-store"),
            ]), body: AdminAPI.dashboardPage)
        case ("GET", "health"):
            return json(200, [
                "status": "ok",
                "scenario": behaviour.scenario.name.map(JSONValue.string) ?? .null,
                "rules": .number(JSONNumber(behaviour.scenario.rules.count)),
                "journal_entries": .number(JSONNumber(journal.count)),
            ])
        case ("GET", "requests"):
            let query = Self.queryItems(request.query)
            // A filter that cannot be read is a 400, not the whole journal (or, for a negative
            // limit, a trap).
            if let text = query["limit"], Int(text).map({ $0 >= 0 }) != true {
                return APIError(status: 400, message: "limit must be a whole number >= 0, got '\(text)'").response(style: .current)
            }
            if let text = query["status"], Int(text).map({ (100...599).contains($0) }) != true {
                return APIError(status: 400, message: "status must be an HTTP status code (100-599), got '\(text)'").response(style: .current)
            }
            if let text = query["endpoint"], Endpoint(rawValue: text) == nil {
                let known = Endpoint.allCases.map(\.rawValue).joined(separator: ", ")
                return APIError(status: 400, message: "endpoint must be one of \(known), got '\(text)'").response(style: .current)
            }
            let entries = journal.entries(
                endpoint: query["endpoint"].flatMap(Endpoint.init(rawValue:)), rule: query["rule"],
                status: query["status"].flatMap(Int.init), limit: query["limit"].flatMap(Int.init))
            return json(200, ["requests": .array(entries.map(\.json))])
        case ("DELETE", "requests"):
            let cleared = journal.count
            journal.clear()
            galleryImages.removeAll()
            return json(200, ["cleared": .number(JSONNumber(cleared))])
        case ("POST", "reset"):
            // No body resets everything; a body that cannot be read, or names anything but the
            // three parts with true or false, is refused rather than taken as "reset all"
            // (a typo once wiped the journal it meant to keep).
            var options: JSONObject?
            if !request.body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
                let parts = ["journal", "sequences", "buckets"]
                guard let object = (try? JSONParser.parse(request.body))?.objectValue,
                      object.members.allSatisfy({ member in
                          guard parts.contains(member.key) else { return false }
                          if case .bool = member.value { return true }
                          return false
                      })
                else {
                    return APIError(status: 400, message: "the body must be empty or a JSON object of journal, sequences and buckets, each true or false (false keeps that part)").response(style: .current)
                }
                options = object
            }
            func wanted(_ name: String) -> Bool {
                if case .bool(let flag)? = options?[name] { return flag }
                return true
            }
            reset(journal: wanted("journal"), sequences: wanted("sequences"), buckets: wanted("buckets"))
            let done = ["journal", "sequences", "buckets"].filter(wanted).map(JSONValue.string)
            return json(200, ["reset": .array(done)])
        case ("POST", "scenario"):
            let path = (configuration.scenarioDirectory as NSString).appendingPathComponent("posted-scenario.yaml")
            do {
                // Checked as bytes, as a file is: decoding first would turn bad bytes into U+FFFD.
                let scenario = configuration.overrides.applied(to: try ScenarioLoader.load(bytes: request.body, path: path))
                load(scenario)
                return json(200, ["loaded": scenario.name.map(JSONValue.string) ?? .null, "rules": .number(JSONNumber(scenario.rules.count))])
            } catch {
                // The previous scenario stays in force.
                let problems = error.problems.map { JSONValue.string($0.rendered) }
                return json(400, ["error": .object(JSONObject([
                    ("message", .string("The scenario is invalid; the previous one stays loaded.")),
                    ("type", "invalid_scenario"), ("param", .null), ("code", .null), ("problems", .array(problems)),
                ]))])
            }
        default:
            return APIError(status: 404, message: "Invalid URL (\(request.method) \(request.path))",
                            diagnosis: "Admin routes: GET /__admin/health, GET|DELETE /__admin/requests, POST /__admin/reset, POST /__admin/scenario, GET /__admin/ui, GET /__admin/images/<id>.<ext>.")
                .response(style: .current)
        }
    }

    /// An image an answer carried, from the gallery store (`<id>.<ext>`; the extension must be the image's).
    /// HEAD gets the same answer; libmicrohttpd leaves the body out and keeps its length.
    private func galleryImage(_ file: String) -> HTTPResponse {
        let parts = file.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let image = galleryImages.image(id: String(parts[0])), image.format.rawValue == parts[1] else {
            return APIError(status: 404, message: "The image '\(file)' is not in the dashboard's gallery.",
                            diagnosis: "The gallery keeps the last \(Self.galleryCapacity) images answers carried, for \(Int(Self.galleryLifetimeSeconds / 3600)) h; a journal reset clears it.")
                .response(style: .current)
        }
        return HTTPResponse(status: 200, headers: HTTPHeaders([
            ("content-type", image.format.mimeType), ("cache-control", "private, max-age=3600"),
        ]), body: image.bytes)
    }

    /// Beyond loopback the admin API needs its token; a configured token is always required.
    /// Browsers cannot put a header on a page load or an `<img>`, so `GET /__admin/ui` and
    /// `GET /__admin/images/...` also take the token as `?token=...`.
    private func adminRefusal(_ request: HTTPRequest) -> HTTPResponse? {
        guard let token = configuration.adminToken else {
            guard configuration.adminRequiresToken else { return nil }
            return APIError(status: 403, message: "The admin API is disabled: the mock listens beyond loopback and was started without --admin-token.")
                .response(style: .current)
        }
        let presented = request.headers["authorization"].flatMap { header -> String? in
            let parts = header.split(separator: " ", maxSplits: 1)
            return parts.count == 2 && parts[0].lowercased() == "bearer" ? String(parts[1]) : nil
        } ?? browserToken(request)
        guard presented == token else {
            return APIError(status: 401, message: "The admin API needs 'Authorization: Bearer <admin token>'.").response(style: .current)
        }
        return nil
    }

    private func browserToken(_ request: HTTPRequest) -> String? {
        guard request.method == "GET" || request.method == "HEAD" else { return nil }
        let route = request.path.dropFirst(AdminAPI.prefix.count)
        guard route == "ui" || route.hasPrefix(AdminAPI.imagesPrefix) else { return nil }
        return Self.queryItems(request.query)["token"]
    }

    private func json(_ status: Int, _ value: JSONValue) -> HTTPResponse {
        HTTPResponse(status: status, headers: HTTPHeaders([("content-type", "application/json")]),
                     body: JSONWriter.render(value, layout: .pretty, asciiOnly: false, trailingNewline: true))
    }

    static func queryItems(_ query: String?) -> [String: String] {
        var items: [String: String] = [:]
        for pair in (query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0) }
            if let name = parts.first { items[name] = parts.count > 1 ? parts[1] : "" }
        }
        return items
    }
}
