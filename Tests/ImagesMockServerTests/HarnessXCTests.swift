import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import ImagesMockCore
import ImagesMockTesting
import XCTest

/// The harness from XCTest (it imports no test framework itself, so both kinds of suites can use it).
final class HarnessXCTests: XCTestCase {
    func testWithImagesMockFromXCTest() async throws {
        let status = try await withImagesMock { mock -> Int in
            var request = URLRequest(url: URL(string: mock.apiBaseURL + "/images/generations")!)
            request.httpMethod = "POST"
            request.setValue("Bearer sk-xctest", forHTTPHeaderField: "Authorization")
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(#"{"model":"gpt-image-2","prompt":"from XCTest","n":0}"#.utf8)
            let (_, response) = try await URLSession.shared.data(for: request)
            XCTAssertEqual(mock.requests().count, 1)
            return (response as! HTTPURLResponse).statusCode
        }
        XCTAssertEqual(status, 400)
    }
}
