import ArgumentParser
import Foundation
import ImagesMockCore

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check scenario files (YAML or JSON) without serving them.",
        discussion: "Prints 'FILE: ok (N rules)' for each valid file and every problem of the others as 'file:line:col: error: ...' with the source line on standard error. Exit status: 0 when every file is valid, 1 when not. The format is documented in scenarios/README.md."
    )

    @Argument(help: ArgumentHelp("Scenario files to check.", valueName: "file"))
    var files: [String]

    func run() throws {
        var failed = false
        for file in files {
            do {
                let scenario = try ScenarioLoader.load(path: file)
                let count = scenario.rules.count
                // Unbuffered like standard error, so the two streams stay in order when merged.
                FileHandle.standardOutput.write(Data("\(file): ok (\(count) rule\(count == 1 ? "" : "s"))\n".utf8))
            } catch {
                failed = true
                for problem in error.problems {
                    FileHandle.standardError.write(Data((problem.rendered + "\n").utf8))
                }
            }
        }
        if failed { throw ExitCode(1) }
    }
}
