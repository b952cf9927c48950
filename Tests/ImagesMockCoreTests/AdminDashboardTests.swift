import Foundation
import Testing
@testable import ImagesMockCore

private func generation(_ json: String) -> HTTPRequest {
    HTTPRequest(method: "POST", path: "/v1/images/generations",
                headers: HTTPHeaders([("Authorization", "Bearer sk-test"), ("Content-Type", "application/json"), ("Host", "mock:1")]),
                body: Array(json.utf8))
}

private func get(_ engine: MockEngine, _ target: String, headers: [(String, String)] = []) -> HTTPResponse {
    engine.respond(to: HTTPRequest(method: "GET", target: target, headers: HTTPHeaders(headers))).response
}

private func object(_ response: HTTPResponse) -> JSONObject? { (try? JSONParser.parse(response.body))?.objectValue }

private func journalImages(_ engine: MockEngine) -> [[String]] {
    guard case .array(let items)? = object(get(engine, "/__admin/requests"))?["requests"] else { return [] }
    return items.map { item in
        guard case .array(let urls)? = item.objectValue?["images"] else { return [] }
        return urls.compactMap(\.stringValue)
    }
}

@Suite("Admin dashboard")
struct AdminDashboardTests {
    @Test func dashboardPageIsOneSelfContainedHTMLPage() {
        let engine = MockEngine(configuration: MockConfiguration())
        let response = get(engine, "/__admin/ui")
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "text/html; charset=utf-8")
        let page = String(decoding: response.body, as: UTF8.self)
        #expect(page.hasPrefix("<!doctype html>"))
        #expect(page.contains("requests?limit="))
        #expect(page.contains("Authorization"))
        // No external assets: nothing is loaded from another origin.
        #expect(!page.contains("src=\"http"))
        #expect(!page.contains("href=\"http"))
        #expect(!page.contains("@import"))
        // The page is not journaled as an API request.
        #expect(engine.journal.count == 0)
    }

    @Test func base64AnswersGetImageIdsServedByTheGallery() throws {
        let engine = MockEngine(configuration: MockConfiguration(seed: 3))
        let json = #"{"model":"gpt-image-1","prompt":"otter","quality":"low","n":2,"output_format":"jpeg"}"#
        // Twice: first rendered later (pending), then straight from the placeholder cache.
        for _ in 0..<2 {
            let response = engine.respond(to: generation(json)).response
            #expect(response.status == 200)
            let data = try #require(object(response)?["data"])
            guard case .array(let items) = data else { Issue.record("data is not an array"); return }
            let returned = items.compactMap { $0.objectValue?["b64_json"]?.stringValue }.compactMap { Data(base64Encoded: $0) }
            #expect(returned.count == 2)
            let entry = try #require(engine.journal.entries().last)
            #expect(entry.images.count == 2)
            #expect(entry.images.allSatisfy { $0.hasPrefix("img-") && $0.hasSuffix(".jpeg") })
            #expect(Set(entry.images).count == 2)
            for (name, bytes) in zip(entry.images, returned) {
                let served = get(engine, "/__admin/images/\(name)")
                #expect(served.status == 200)
                #expect(served.headers["content-type"] == "image/jpeg")
                #expect(Data(served.body) == bytes)
            }
        }
        let urls = journalImages(engine)
        #expect(urls.count == 2)
        #expect(urls.allSatisfy { $0.count == 2 && $0.allSatisfy { $0.hasPrefix("/__admin/images/img-") } })
    }

    @Test func urlAnswersShareTheirIdWithTheGallery() throws {
        let engine = MockEngine(configuration: MockConfiguration())
        let response = engine.respond(to: generation(#"{"model":"dall-e-2","prompt":"whale","size":"256x256","n":2}"#)).response
        #expect(response.status == 200)
        guard case .array(let items)? = object(response)?["data"] else { Issue.record("no data"); return }
        let handedOut = items.compactMap { $0.objectValue?["url"]?.stringValue }.map { String($0.split(separator: "/").last ?? "") }
        let entry = try #require(engine.journal.entries().last)
        #expect(entry.images == handedOut)
        for name in entry.images {
            let viaURL = get(engine, "/v1/files/images/\(name)")
            let viaGallery = get(engine, "/__admin/images/\(name)")
            #expect(viaGallery.status == 200)
            #expect(viaGallery.body == viaURL.body)
        }
        guard case .array(let json)? = entry.json.objectValue?["images"] else { Issue.record("no images in json"); return }
        #expect(json.compactMap(\.stringValue) == entry.images.map { "/__admin/images/" + $0 })
    }

    @Test func errorsCarryNoImagesAndResetEmptiesTheGallery() throws {
        let engine = MockEngine(configuration: MockConfiguration())
        _ = engine.respond(to: generation(#"{"model":"gpt-image-1","prompt":"x","size":"13x13"}"#))
        #expect(engine.journal.entries().last?.images == [])
        #expect(engine.galleryImages.count == 0)
        _ = engine.respond(to: generation(#"{"model":"gpt-image-1","prompt":"x","quality":"low"}"#))
        let name = try #require(engine.journal.entries().last?.images.first)
        #expect(engine.galleryImages.count == 1)
        let stem = name.split(separator: ".")[0]
        #expect(get(engine, "/__admin/images/\(stem).webp").status == 404)
        #expect(get(engine, "/__admin/images/\(stem)").status == 404)
        #expect(get(engine, "/__admin/images/img-unknown.png").status == 404)
        #expect(engine.respond(to: HTTPRequest(method: "HEAD", target: "/__admin/images/\(name)")).response.status == 200)
        engine.reset()
        #expect(engine.galleryImages.count == 0)
        _ = engine.respond(to: generation(#"{"model":"gpt-image-1","prompt":"y","quality":"low"}"#))
        #expect(engine.galleryImages.count == 1)
        #expect(engine.respond(to: HTTPRequest(method: "DELETE", target: "/__admin/requests")).response.status == 200)
        #expect(engine.galleryImages.count == 0)
        #expect(get(engine, "/__admin/images/\(name)").status == 404)
    }

    @Test func galleryIsBounded() {
        let engine = MockEngine(configuration: MockConfiguration())
        #expect(engine.galleryImages.maximumEntries == MockEngine.galleryCapacity)
        for _ in 0..<(MockEngine.galleryCapacity / 8 + 2) {
            _ = engine.respond(to: generation(#"{"model":"gpt-image-1","prompt":"many","quality":"low","n":8}"#))
        }
        #expect(engine.galleryImages.count == MockEngine.galleryCapacity)
    }

    @Test func dashboardRoutesFollowTheAdminTokenRules() {
        let guarded = MockEngine(configuration: MockConfiguration(adminToken: "secret"))
        _ = guarded.respond(to: generation(#"{"model":"gpt-image-1","prompt":"x","quality":"low"}"#))
        let name = guarded.journal.entries().last?.images.first ?? ""
        #expect(get(guarded, "/__admin/ui").status == 401)
        #expect(get(guarded, "/__admin/ui?token=wrong").status == 401)
        #expect(get(guarded, "/__admin/ui", headers: [("Authorization", "Bearer secret")]).status == 200)
        // Browsers cannot send a header with a page load or an <img>: those two take ?token=.
        #expect(get(guarded, "/__admin/ui?token=secret").status == 200)
        #expect(get(guarded, "/__admin/images/\(name)").status == 401)
        #expect(get(guarded, "/__admin/images/\(name)?token=secret").status == 200)
        // The JSON routes still want the header.
        #expect(get(guarded, "/__admin/requests?token=secret").status == 401)
        #expect(get(guarded, "/__admin/requests", headers: [("Authorization", "Bearer secret")]).status == 200)

        let closed = MockEngine(configuration: MockConfiguration(adminRequiresToken: true))
        #expect(get(closed, "/__admin/ui").status == 403)
        #expect(get(closed, "/__admin/ui?token=anything").status == 403)
    }
}
