import ArgumentParser
import Foundation
import ImagesMockCore

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Tell what the real API would answer to a captured HTTP request, and why.",
        discussion: "FILE holds a raw request: request line, headers, blank line, body (as a proxy or 'nc -l' captures it; LF line endings in the head are tolerated). Exit status: 0 when the request would succeed, 1 when not, 2 when the file cannot be read as a request."
    )

    @Argument(help: "The captured request ('-' reads standard input).")
    var file: String

    @Option(name: .customLong("as-of"), help: "Judge it as the API was on this day (YYYY-MM-DD).")
    var asOf: String?

    @Option(name: .customLong("error-style"), help: "current or legacy wording.")
    var errorStyle: ErrorStyle = .current

    @Flag(name: .customLong("require-model"), help: "Require 'model' even before 2026-05-12.")
    var requireModel = false

    @Option(name: .customLong("max-body-bytes"), help: "The server's body limit (serve's flag of the same name): larger bodies get 413.")
    var maxBodyBytes = BodyLimits().maximumBodyBytes

    func validate() throws {
        if let asOf, CalendarDate(asOf) == nil { throw ValidationError("--as-of must be a date YYYY-MM-DD, got '\(asOf)'") }
        if maxBodyBytes < 1 { throw ValidationError("--max-body-bytes must be >= 1") }
    }

    func run() throws {
        let bytes: [UInt8]
        if file == "-" {
            bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
        } else {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else { throw Self.unreadable("cannot read '\(file)': no such file") }
            guard !isDirectory.boolValue else { throw Self.unreadable("cannot read '\(file)': it is a directory") }
            guard let data = FileManager.default.contents(atPath: file) else { throw Self.unreadable("cannot read '\(file)': permission denied") }
            bytes = Array(data)
        }
        let parsed: (request: HTTPRequest, notes: [String])
        do {
            parsed = try CapturedRequest.parse(bytes)
        } catch {
            throw Self.unreadable("\(file): \(error.message)")
        }
        let engine = MockEngine(configuration: MockConfiguration(
            validation: ValidationContext(errorStyle: errorStyle, asOf: asOf.flatMap(CalendarDate.init), requireModel: requireModel), seed: 0))
        let response = engine.respond(to: parsed.request, limits: BodyLimits(maximumBodyBytes: maxBodyBytes)).response
        print(Self.report(request: parsed.request, notes: parsed.notes, response: response))
        if !(200..<300).contains(response.status) { throw ExitCode(1) }
    }

    /// A capture that cannot be read is neither a request that would succeed (0) nor one that
    /// would fail (1): the reason alone, exit status 2.
    private static func unreadable(_ reason: String) -> ExitCode {
        FileHandle.standardError.write(Data("Error: \(reason)\n".utf8))
        return ExitCode(2)
    }

    static func report(request: HTTPRequest, notes: [String], response: HTTPResponse) -> String {
        var lines = ["\(request.method) \(request.path)  (\(request.body.count) body bytes)"]
        lines += notes.map { "note: \($0)" }
        lines.append("")
        lines.append("HTTP \(response.status)")
        for field in response.headers where ["content-type", "x-images-mock-diagnosis"].contains(field.name) {
            lines.append("\(field.name): \(field.value)")
        }
        lines.append("")
        var body = response.bodyText
        if (200..<300).contains(response.status) {
            // Images would flood the terminal: base64 payloads are summarised.
            body = body.replacingOccurrences(of: #""b64_json": "[A-Za-z0-9+/=]{64,}""#, with: #""b64_json": "<base64 image>""#, options: .regularExpression)
        }
        lines.append(body.hasSuffix("\n") ? String(body.dropLast()) : body)
        if let diagnosis = response.headers["x-images-mock-diagnosis"] {
            lines.append("")
            lines.append("Why: \(diagnosis)")
        }
        return lines.joined(separator: "\n")
    }
}
