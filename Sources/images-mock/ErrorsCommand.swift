import ArgumentParser
import Foundation
import ImagesMockCore

struct Errors: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "errors",
        abstract: "List the errors a scenario can answer with by name (respond: { error: NAME }).",
        discussion: "With --show NAME, prints that error's body as the server would send it, in the current or the legacy error style."
    )

    @Option(help: ArgumentHelp("Print the body of this named error.", valueName: "name"))
    var show: String?

    @Option(name: .customLong("error-style"), help: "current (platform, 2025-) or legacy (DALL·E era, 2022-2024).")
    var errorStyle: ErrorStyle = .current

    func validate() throws {
        if let show, !NamedErrors.names.contains(show) {
            throw ValidationError("no named error '\(show)'; the names are \(NamedErrors.names.joined(separator: ", "))")
        }
    }

    func run() throws {
        guard let show else {
            let width = NamedErrors.all.map(\.name.count).max() ?? 0
            for entry in NamedErrors.all {
                print("\(entry.name.padding(toLength: width + 2, withPad: " ", startingAt: 0))\(entry.summary)")
            }
            return
        }
        let context = NamedErrors.Context(style: errorStyle, model: "gpt-image-1.5", requestID: "req_0123456789abcdef0123456789abcdef", apiKey: "sk-example-key-1234")
        guard let error = NamedErrors.error(named: show, context: context) else { return }
        let response = error.response(style: errorStyle)
        print("HTTP \(response.status)")
        for field in response.headers { print("\(field.name): \(field.value)") }
        print("")
        print(String(decoding: response.body, as: UTF8.self), terminator: "")
    }
}
