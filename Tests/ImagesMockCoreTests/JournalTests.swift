import Testing
@testable import ImagesMockCore

@Suite("Journal")
struct JournalTests {
    private func entry(_ path: String) -> JournalEntry {
        JournalEntry(requestID: "req_\(path)", time: 0, method: "POST", path: path, endpoint: .generations, status: 200)
    }

    @Test func aRingKeepsTheNewestEntries() {
        let journal = Journal(capacity: 3)
        for index in 1...5 { journal.record(entry("/\(index)")) }
        #expect(journal.entries().map(\.path) == ["/3", "/4", "/5"])
        #expect(journal.entries().map(\.sequence) == [3, 4, 5])
    }

    @Test func sizeZeroKeepsNothing() {
        // The scenario docs promise "0 keeps none"; it once kept one.
        let journal = Journal(capacity: 0)
        journal.record(entry("/1"))
        #expect(journal.entries().isEmpty && journal.count == 0)
        journal.resize(capacity: 2)
        journal.record(entry("/2"))
        #expect(journal.entries().map(\.sequence) == [2])
    }

    @Test func resizingKeepsTheNewestAndGoesOn() {
        let journal = Journal(capacity: 4)
        for index in 1...6 { journal.record(entry("/\(index)")) }
        journal.resize(capacity: 2)
        #expect(journal.entries().map(\.path) == ["/5", "/6"])
        journal.record(entry("/7"))
        #expect(journal.entries().map(\.path) == ["/6", "/7"])
        journal.resize(capacity: 5)
        journal.record(entry("/8"))
        #expect(journal.entries().map(\.path) == ["/6", "/7", "/8"])
        journal.resize(capacity: 0)
        #expect(journal.entries().isEmpty)
    }
}
