/// An uploaded file as the image inspectors read it: the whole file, or the file with runs the
/// inspectors never read (PNG image data, JPEG scan data) left out by the multipart parser
/// (``FileContentRetention/imageStructure``). Offsets are always those of the whole file, and
/// `count` its full length.
///
/// Reading an omitted byte gives 0 rather than trapping: the parser's sieve keeps every byte an
/// inspector reads (a differential test and the fuzz target check that sparse and whole
/// inspection agree), and if they ever disagreed the cost must be a wrong message, never a crash.
public struct ImageBytes: Sendable, Equatable {
    /// The file's length, omitted runs included.
    public let count: Int
    private let kept: [UInt8]
    private let gaps: [Gap]

    /// An omitted run, and how many kept bytes precede it.
    private struct Gap: Sendable, Equatable {
        let range: Range<Int>
        let keptBefore: Int
    }

    /// The whole file.
    public init(_ bytes: [UInt8]) {
        count = bytes.count
        kept = bytes
        gaps = []
    }

    /// A file of which `kept` are the bytes outside `omitted` (ascending, disjoint ranges of the
    /// file's offsets), in order.
    public init(kept: [UInt8], omitted: [Range<Int>]) {
        var gaps: [Gap] = []
        var omittedBytes = 0
        for range in omitted where !range.isEmpty {
            gaps.append(Gap(range: range, keptBefore: range.lowerBound - omittedBytes))
            omittedBytes += range.count
        }
        self.count = kept.count + omittedBytes
        self.kept = kept
        self.gaps = gaps
    }

    /// Whether every byte of the file is present.
    public var isWhole: Bool { gaps.isEmpty }

    public var isEmpty: Bool { count == 0 }

    /// The byte at `offset` of the file (0 for an omitted byte). `offset` must be in `0..<count`.
    public subscript(offset: Int) -> UInt8 {
        if gaps.isEmpty { return kept[offset] }
        precondition(offset >= 0 && offset < count, "ImageBytes offset out of range")
        let index = gapIndex(atOrBefore: offset)
        guard index >= 0 else { return kept[offset] }
        let gap = gaps[index]
        if offset < gap.range.upperBound { return 0 }
        return kept[gap.keptBefore + (offset - gap.range.upperBound)]
    }

    /// The bytes at `range` of the file, omitted ones as 0.
    public subscript(range: Range<Int>) -> ArraySlice<UInt8> {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "ImageBytes range out of range")
        if gaps.isEmpty { return kept[range] }
        // Within one kept run (what the inspectors read always is): a slice of the kept bytes.
        let index = gapIndex(atOrBefore: range.lowerBound)
        let runStart = index >= 0 ? gaps[index].range.upperBound : 0
        let keptAtRunStart = index >= 0 ? gaps[index].keptBefore : 0
        let runEnd = index + 1 < gaps.count ? gaps[index + 1].range.lowerBound : count
        if range.lowerBound >= runStart && range.upperBound <= runEnd {
            let start = keptAtRunStart + (range.lowerBound - runStart)
            return kept[start..<start + range.count]
        }
        return ArraySlice(range.map { self[$0] })
    }

    /// The first `length` bytes (fewer when the file is shorter).
    public func prefix(_ length: Int) -> ArraySlice<UInt8> {
        self[0..<Swift.min(length, count)]
    }

    /// The index of the last gap starting at or before `offset`, -1 when none does (binary search).
    private func gapIndex(atOrBefore offset: Int) -> Int {
        var low = 0
        var high = gaps.count
        while low < high {
            let middle = (low + high) / 2
            if gaps[middle].range.lowerBound <= offset { low = middle + 1 } else { high = middle }
        }
        return low - 1
    }
}
