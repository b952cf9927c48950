// ImagesMockCore's request-path pieces, in-process, each against a reference timed in the same run.
//
// multipart (issue 3): MultipartParser over a body holding four text fields and one file part of
//   --file-bytes (4 MiB) pseudo-random bytes, pushed in --chunk (64 KiB) slices, parts drained after
//   every push, then finish(): what RequestIntake does for an edits upload. Reference: a plain copy
//   loop appending the same slices into a fresh [UInt8] (the least any parser that hands the file
//   over as an array must do). Runs alternate parser / copy; medians.
// rules (issue 4, with --rules FILE): RuleMatcher(rules:) built from the scenario file, then
//   match(_:) on the benchmark's generations request (which no rule matches: the worst case when
//   every rule was evaluated in turn; the index now evaluates each distinct criterion once), against MockEngine.respond(to:) on the same request, cached, with no rules; and the
//   engine loaded with the scenario, to see the whole added cost. Timed in batches (a call is far
//   below the clock's resolution for a cheap call; --batch calls, fewer when a call is slow),
//   alternating, medians reported per call.
//
// Usage: CoreBench [--multipart-runs N] [--file-bytes N] [--chunk N] [--rules FILE]
//                  [--batches N] [--batch N] [--skip-multipart] [--json]

import ImagesMockCore

#if canImport(Glibc)
import Glibc
import BenchSupport
#endif

var multipartRuns = 31
var fileBytes = 4 * 1024 * 1024
var chunkBytes = 64 * 1024
var rulesPath: String?
var batches = 40
var batchSize = 100
var runMultipart = true
var json = false
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--multipart-runs": multipartRuns = max(1, Int(arguments.next() ?? "") ?? multipartRuns)
    case "--file-bytes": fileBytes = max(1, Int(arguments.next() ?? "") ?? fileBytes)
    case "--chunk": chunkBytes = max(1, Int(arguments.next() ?? "") ?? chunkBytes)
    case "--rules": rulesPath = arguments.next()
    case "--batches": batches = max(1, Int(arguments.next() ?? "") ?? batches)
    case "--batch": batchSize = max(1, Int(arguments.next() ?? "") ?? batchSize)
    case "--skip-multipart": runMultipart = false
    case "--json": json = true
    default:
        print("usage: CoreBench [--multipart-runs N] [--file-bytes N] [--chunk N] [--rules FILE] [--batches N] [--batch N] [--skip-multipart] [--json]")
        exit(2)
    }
}




func fail(_ message: String) -> Never {
    print("CoreBench: \(message)")
    exit(1)
}

/// Keeps results observable so the optimiser cannot drop the measured work.
var sink = 0

// MARK: - Multipart

struct MultipartFigures {
    let bodyBytes: Int
    let parserSeconds: Double
    let copySeconds: Double
    var parserGBps: Double { Double(bodyBytes) / parserSeconds / 1e9 }
    var copyGBps: Double { Double(bodyBytes) / copySeconds / 1e9 }
}

/// An edits body as curl sends it: four text fields, then the file part.
func makeMultipartBody(boundary: String, fileBytes: Int) -> [UInt8] {
    var body: [UInt8] = []
    body.reserveCapacity(fileBytes + 1024)
    for (name, value) in [("model", "gpt-image-1.5"), ("prompt", "bench"), ("quality", "low"), ("size", "1024x1024")] {
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
    }
    body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n".utf8)
    // Pseudo-random content (xorshift64*): like compressed image data, every byte value occurs,
    // CR, LF and dashes included, so the delimiter search meets candidates it must reject.
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    var produced = 0
    while produced < fileBytes {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        var word = state &* 0x2545_F491_4F6C_DD1D
        for _ in 0..<min(8, fileBytes - produced) {
            body.append(UInt8(truncatingIfNeeded: word))
            word >>= 8
            produced += 1
        }
    }
    body += Array("\r\n--\(boundary)--\r\n".utf8)
    return body
}

@MainActor
func measureMultipart() throws -> MultipartFigures {
    let boundary = "------------------------benchb0undary4f1c9a2e"
    let contentType = "multipart/form-data; boundary=\(boundary)"
    let body = makeMultipartBody(boundary: boundary, fileBytes: fileBytes)
    let chunks: [ArraySlice<UInt8>] = stride(from: 0, to: body.count, by: chunkBytes).map {
        body[$0..<min($0 + chunkBytes, body.count)]
    }

    func parse() throws -> (parts: Int, fileBytes: Int) {
        var parser = try MultipartParser(contentType: contentType, limits: .default)
        var parts = 0
        var file = 0
        for chunk in chunks {
            try parser.push(chunk)
            while let part = parser.nextPart() {
                parts += 1
                if part.isFile { file = part.body.count }
            }
        }
        try parser.finish()
        while let part = parser.nextPart() {
            parts += 1
            if part.isFile { file = part.body.count }
        }
        return (parts, file)
    }

    func copy() -> Int {
        var copied: [UInt8] = []
        for chunk in chunks { copied.append(contentsOf: chunk) }
        return copied.count
    }

    // Checks, and untimed warm-up of both (allocator, page faults, caches).
    let check = try parse()
    guard check.parts == 5, check.fileBytes == fileBytes else {
        fail("the parser found \(check.parts) parts and a \(check.fileBytes)-byte file; expected 5 and \(fileBytes)")
    }
    guard copy() == body.count else { fail("the copy loop lost bytes") }

    var parserTimes: [Double] = []
    var copyTimes: [Double] = []
    for _ in 0..<multipartRuns {
        var started = clock.now
        sink &+= try parse().fileBytes
        parserTimes.append(seconds(clock.now - started))
        started = clock.now
        sink &+= copy()
        copyTimes.append(seconds(clock.now - started))
    }
    return MultipartFigures(bodyBytes: body.count, parserSeconds: median(parserTimes), copySeconds: median(copyTimes))
}

// MARK: - Rules

struct RuleFigures {
    let ruleCount: Int
    let matchMicroseconds: Double
    let engineMicroseconds: Double
    let engineWithRulesMicroseconds: Double
    let batchLengths: [Int]
}

@MainActor
func measureRules(path: String) throws -> RuleFigures {
    let scenario = try ScenarioLoader.load(path: path)
    let requestBody = Array(#"{"model":"gpt-image-1.5","prompt":"bench","size":"1024x1024","quality":"low"}"#.utf8)
    let headers = HTTPHeaders([("Authorization", "Bearer sk-bench"), ("Content-Type", "application/json")])
    let request = HTTPRequest(method: "POST", path: "/v1/images/generations", headers: headers, body: requestBody)

    // The matcher as the engine builds it, on the input the engine builds for this request.
    let matcher = RuleMatcher(rules: scenario.rules)
    guard let object = try JSONParser.parse(requestBody).objectValue else { fail("the request body is not an object") }
    let input = MatchInput(endpoint: .generations, parameters: RequestParameters(json: object), headers: headers,
                           key: "sk-bench", defaultModel: "gpt-image-1.5")
    if case .matched(let index) = matcher.match(input) {
        fail("rule \(scenario.rules[index].name) matches the benchmark request; none may")
    }

    let plain = MockEngine(configuration: MockConfiguration(seed: 1), scenario: Scenario())
    let scripted = MockEngine(configuration: MockConfiguration(seed: 1), scenario: scenario)
    // The first call renders and caches the image; every timed call is a cache hit.
    for engine in [plain, scripted] {
        let plan = engine.respond(to: request)
        guard plan.response.status == 200 else {
            fail("the engine answered \(plan.response.status): \(plan.response.bodyText.prefix(300))")
        }
    }

    /// Microseconds per call over `count` calls.
    func timeBatch(_ count: Int, _ body: () -> Int) -> Double {
        let started = clock.now
        for _ in 0..<count { sink &+= body() }
        return seconds(clock.now - started) / Double(count) * 1e6
    }
    /// Calls per batch: `--batch`, or about `--batch` × 20 µs of work, so that a slow call (a
    /// thousand rules can take a millisecond) does not stretch the run; at least 5.
    func batchLength(_ body: () -> Int) -> Int {
        let estimate = timeBatch(5, body)
        return max(5, min(batchSize, Int(Double(batchSize) * 20 / max(estimate, 0.001))))
    }
    func matchOnce() -> Int {
        if case .unmatched(let nearest) = matcher.match(input) { return nearest?.matchedCriteria ?? 0 }
        return 1
    }
    func plainOnce() -> Int { plain.respond(to: request).response.body.count }
    func scriptedOnce() -> Int { scripted.respond(to: request).response.body.count }

    // Untimed warm-up, then batches alternate so drift in the machine's load hits all three alike.
    let matchBatch = batchLength(matchOnce)
    let plainBatch = batchLength(plainOnce)
    let scriptedBatch = batchLength(scriptedOnce)
    var match: [Double] = []
    var engine: [Double] = []
    var engineWithRules: [Double] = []
    for _ in 0..<batches {
        match.append(timeBatch(matchBatch, matchOnce))
        engine.append(timeBatch(plainBatch, plainOnce))
        engineWithRules.append(timeBatch(scriptedBatch, scriptedOnce))
    }
    return RuleFigures(ruleCount: matcher.count, matchMicroseconds: median(match), engineMicroseconds: median(engine),
                       engineWithRulesMicroseconds: median(engineWithRules), batchLengths: [matchBatch, plainBatch, scriptedBatch])
}

// MARK: - Output


let multipart = runMultipart ? try measureMultipart() : nil
let rules = try rulesPath.map { try measureRules(path: $0) }

if json {
    var members: [String] = []
    if let multipart {
        members.append("\"multipart\": {\"body_bytes\": \(multipart.bodyBytes), \"file_bytes\": \(fileBytes), "
            + "\"chunk_bytes\": \(chunkBytes), \"runs\": \(multipartRuns), \"parser_ms\": \(multipart.parserSeconds * 1e3), "
            + "\"copy_ms\": \(multipart.copySeconds * 1e3), \"parser_gbps\": \(multipart.parserGBps), "
            + "\"copy_gbps\": \(multipart.copyGBps)}")
    }
    if let rules {
        members.append("\"rules\": {\"rule_count\": \(rules.ruleCount), \"match_us\": \(rules.matchMicroseconds), "
            + "\"engine_us\": \(rules.engineMicroseconds), \"engine_with_rules_us\": \(rules.engineWithRulesMicroseconds), "
            + "\"batches\": \(batches), \"calls_per_batch\": \(rules.batchLengths)}")
    }
    print("{\n  " + members.joined(separator: ",\n  ") + "\n}")
} else {
    if let multipart {
        print("multipart: \(multipart.bodyBytes)-byte body in \(chunkBytes)-byte pushes: parser \(fixed(multipart.parserGBps, 2)) GB/s "
            + "(\(fixed(multipart.parserSeconds * 1e3, 3)) ms), copy loop \(fixed(multipart.copyGBps, 2)) GB/s "
            + "(\(fixed(multipart.copySeconds * 1e3, 3)) ms), ratio \(fixed(multipart.parserGBps / multipart.copyGBps, 2)) "
            + "(medians of \(multipartRuns))")
    }
    if let rules {
        print("rules: \(rules.ruleCount) rules, match \(fixed(rules.matchMicroseconds, 2)) µs per request; "
            + "engine (cached generation) \(fixed(rules.engineMicroseconds, 2)) µs without rules, "
            + "\(fixed(rules.engineWithRulesMicroseconds, 2)) µs with them; "
            + "match / engine \(fixed(rules.matchMicroseconds / rules.engineMicroseconds * 100, 1)) %")
    }
}
if sink == 42 { print("") }
