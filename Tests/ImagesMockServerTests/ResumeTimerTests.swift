import Foundation
import Synchronization
import Testing

@testable import ImagesMockServer

@Suite("Resume timer")
struct ResumeTimerTests {
    private final class Key {}

    @Test func theHeapHandsOutKeysInDeadlineOrder() {
        var heap = DeadlineHeap()
        let keys = (0..<200).map { _ in Key() }
        let start = ContinuousClock.now
        var generator = SystemRandomNumberGenerator()
        var expected: [(ContinuousClock.Instant, ObjectIdentifier)] = []
        for key in keys {
            let deadline = start + .milliseconds(Int.random(in: 0..<50, using: &generator))
            heap.push(deadline, ObjectIdentifier(key))
            expected.append((deadline, ObjectIdentifier(key)))
        }
        var popped: [ContinuousClock.Instant] = []
        var seen = Set<ObjectIdentifier>()
        while heap.earliest != nil {
            popped.append(heap.earliest!)
            seen.insert(heap.pop())
        }
        #expect(popped == popped.sorted())
        #expect(seen == Set(expected.map(\.1)))
    }

    @Test func aNewEarliestDeadlineIsReported() {
        var heap = DeadlineHeap()
        let now = ContinuousClock.now
        let (a, b, c) = (Key(), Key(), Key())
        let first = heap.push(now + .seconds(2), ObjectIdentifier(a))
        let later = heap.push(now + .seconds(3), ObjectIdentifier(b))
        let earlier = heap.push(now + .seconds(1), ObjectIdentifier(c))
        #expect(first && !later && earlier)
        let popped = heap.pop()
        #expect(popped == ObjectIdentifier(c))
    }

    /// A later-scheduled but earlier deadline wakes the sleeping thread; every key fires once,
    /// not before its time.
    @Test func keysFireOnceAtTheirDeadlines() async throws {
        let timer = ResumeTimer()
        let fired = Mutex<[(ObjectIdentifier, ContinuousClock.Instant)]>([])
        timer.start { keys in
            let now = ContinuousClock.now
            fired.withLock { $0 += keys.map { ($0, now) } }
        }
        defer { timer.stop() }
        let slow = Key(), fast = Key()
        let scheduled = ContinuousClock.now
        timer.schedule(ObjectIdentifier(slow), after: .milliseconds(400))
        timer.schedule(ObjectIdentifier(fast), after: .milliseconds(50))
        try await Task.sleep(for: .milliseconds(700))
        let events = fired.withLock { $0 }
        #expect(events.map(\.0) == [ObjectIdentifier(fast), ObjectIdentifier(slow)])
        if events.count == 2 {
            #expect(events[0].1 - scheduled >= .milliseconds(50))
            #expect(events[0].1 - scheduled < .milliseconds(350))
            #expect(events[1].1 - scheduled >= .milliseconds(400))
        }
        withExtendedLifetime((slow, fast)) {}
    }
}
