import Foundation

/// Calls back with the keys whose deadlines have passed, from one thread of its own.
///
/// Delayed answers and paced bodies suspend their connection and need it resumed later. With a
/// libdispatch timer per connection, a burst of 10,000 delayed requests kept libdispatch's manager
/// and worker threads switching for each one (a sixth of the server's CPU in the burst benchmark);
/// here the deadlines sit in one heap and everything due is handed over in one batch, so
/// libmicrohttpd's threads are woken once for many connections.
final class ResumeTimer: @unchecked Sendable {
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var deadlines = DeadlineHeap()
    private var fire: (@Sendable ([ObjectIdentifier]) -> Void)?
    private var stopped = false

    /// Starts the thread. `fire` receives the due keys, outside the timer's lock, on that thread;
    /// it is held until ``stop()``.
    func start(fire: @escaping @Sendable ([ObjectIdentifier]) -> Void) {
        condition.lock()
        self.fire = fire
        condition.unlock()
        let thread = Thread { [self] in run() }
        thread.name = "images-mock.resume"
        thread.start()
    }

    func schedule(_ key: ObjectIdentifier, after delay: Duration) {
        let deadline = ContinuousClock.now + delay
        condition.lock()
        let earliest = deadlines.push(deadline, key)
        // The thread sleeps until the earliest deadline: only a new earliest one needs to wake it.
        if earliest { condition.signal() }
        condition.unlock()
    }

    /// Ends the thread; keys still waiting are dropped (the server resumes every suspended
    /// connection itself when it stops).
    func stop() {
        condition.lock()
        stopped = true
        fire = nil
        condition.signal()
        condition.unlock()
    }

    private func run() {
        condition.lock()
        while !stopped {
            guard let next = deadlines.earliest else {
                condition.wait()
                continue
            }
            let now = ContinuousClock.now
            guard next <= now else {
                let wait = now.duration(to: next)
                let seconds = Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18
                _ = condition.wait(until: Date(timeIntervalSinceNow: seconds))
                continue
            }
            var due: [ObjectIdentifier] = []
            while let earliest = deadlines.earliest, earliest <= now { due.append(deadlines.pop()) }
            let fire = self.fire
            condition.unlock()
            fire?(due)
            condition.lock()
        }
        condition.unlock()
    }
}

/// A binary min-heap of (deadline, key).
struct DeadlineHeap {
    private var items: [(deadline: ContinuousClock.Instant, key: ObjectIdentifier)] = []

    var earliest: ContinuousClock.Instant? { items.first?.deadline }
    var count: Int { items.count }

    /// Adds an entry; true when it is now the earliest.
    @discardableResult
    mutating func push(_ deadline: ContinuousClock.Instant, _ key: ObjectIdentifier) -> Bool {
        items.append((deadline, key))
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child].deadline < items[parent].deadline else { break }
            items.swapAt(child, parent)
            child = parent
        }
        return child == 0
    }

    /// Removes and returns the key of the earliest entry (the heap must not be empty).
    mutating func pop() -> ObjectIdentifier {
        let key = items[0].key
        let last = items.removeLast()
        guard !items.isEmpty else { return key }
        items[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < items.count && items[left].deadline < items[smallest].deadline { smallest = left }
            if right < items.count && items[right].deadline < items[smallest].deadline { smallest = right }
            guard smallest != parent else { break }
            items.swapAt(parent, smallest)
            parent = smallest
        }
        return key
    }
}
