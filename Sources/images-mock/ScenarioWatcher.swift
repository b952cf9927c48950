import Foundation
import ImagesMockCore
import Logging
import Synchronization

/// `serve --watch`: polls the scenario files' modification times twice a second and reloads on a
/// change. A file that no longer loads is reported and the previous scenario stays in force.
final class ScenarioWatcher: Sendable {
    private let paths: [String]
    private let logger: Logger
    private let reload: @Sendable () throws(ScenarioLoadError) -> Scenario
    private let lastSeen: Mutex<[String: Date]>
    private let stopped = Atomic<Bool>(false)

    init(paths: [String], logger: Logger, reload: @escaping @Sendable () throws(ScenarioLoadError) -> Scenario) {
        self.paths = paths
        self.logger = logger
        self.reload = reload
        self.lastSeen = Mutex(Self.modificationDates(paths))
    }

    func start() {
        Thread.detachNewThread { [self] in
            while !stopped.load(ordering: .relaxed) {
                Thread.sleep(forTimeInterval: 0.5)
                check()
            }
        }
    }

    func stop() { stopped.store(true, ordering: .relaxed) }

    private func check() {
        let now = Self.modificationDates(paths)
        let changed = lastSeen.withLock { seen -> Bool in
            defer { seen = now }
            return seen != now
        }
        guard changed else { return }
        do {
            let scenario = try reload()
            logger.info("scenario reloaded", metadata: ["scenario": "\(scenario.name ?? "unnamed")", "rules": "\(scenario.rules.count)"])
        } catch {
            logger.error("scenario not reloaded; the previous one stays:\n\(error.problems.map(\.rendered).joined(separator: "\n"))")
        }
    }

    private static func modificationDates(_ paths: [String]) -> [String: Date] {
        var dates: [String: Date] = [:]
        for path in paths {
            dates[path] = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate]) as? Date
        }
        return dates
    }
}
