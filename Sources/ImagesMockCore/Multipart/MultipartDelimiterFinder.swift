/// Finds `LF "--" boundary` in body bytes with the Boyer–Moore–Horspool skip: one table look-up per
/// window, and a window moves by up to the pattern's length (35 bytes for the SDK's 32-hex
/// boundary), so typical file content is scanned at several bytes per comparison with no
/// per-byte state and no allocation.
///
/// The pattern starts at the LF rather than the CR of the delimiter `CRLF "--" boundary` so
/// that a delimiter preceded by a bare LF is found too and can be reported as an LF-only body
/// instead of being taken as content.
///
/// One Horspool scan is a single dependency chain (position → byte → shift → position), so it
/// runs at the latency of two dependent loads per window, not at the core's throughput. Long
/// inputs are therefore cut into four contiguous lanes scanned in one loop, a step of each per
/// iteration, so the four chains overlap: about three times the single scan on random file
/// bytes. More lanes gained nothing (they no longer fit in the registers). A vectorisable test
/// of 64 windows at a time (first byte LF and last byte matching) was slower than the lanes:
/// safe Swift gets only SSE2 auto-vectorisation out of it on the default x86-64 target.
struct MultipartDelimiterFinder: Sendable {
    /// `LF "--" boundary`.
    let pattern: [UInt8]
    /// The Horspool shift for each byte at a window's end, except 0 for the pattern's last byte:
    /// the loop then tests the value it loads anyway instead of comparing the byte as well, which
    /// keeps the four lanes within the registers. Always 256 entries, checked where it is used so
    /// that the compiler drops the per-look-up bounds check. Not an `InlineArray`: reading one
    /// copied all 256 bytes per call (per look-up when subscripted) with Swift 6.3.
    private let shift: [UInt8]
    /// The real shift for the pattern's last byte, taken after a window ending in it fails.
    private let lastByteShift: Int

    /// Below this many windows, one lane: splitting costs more than the overlap gains.
    static let laneThreshold = 512

    init(boundary: [UInt8]) {
        let pattern = [MultipartText.lf, MultipartText.dash, MultipartText.dash] + boundary
        precondition(pattern.count <= 255, "boundary too long")
        var shift = [UInt8](repeating: UInt8(pattern.count), count: 256)
        for index in 0..<pattern.count - 1 {
            shift[Int(pattern[index])] = UInt8(pattern.count - 1 - index)
        }
        let lastByte = Int(pattern[pattern.count - 1])
        self.lastByteShift = Int(shift[lastByte])
        shift[lastByte] = 0
        self.pattern = pattern
        self.shift = shift
    }

    /// The index of the first complete match at or after `start`, if any.
    func firstMatch(in input: Span<UInt8>, from start: Int) -> Int? {
        precondition(start >= 0 && start <= input.count, "start out of range")
        // Windows are tracked by their last byte: the byte that is looked up.
        let lastOffset = pattern.count - 1
        let first = start + lastOffset
        let last = input.count - 1
        guard first <= last else { return nil }
        let end = last - first < Self.laneThreshold
            ? scan(input, from: first, through: last)
            : scanInLanes(input, from: first, through: last)
        return end.map { $0 - lastOffset }
    }

    /// The index of the first complete match at or after `start` (an index of `input`), if any.
    func firstMatch(in input: ArraySlice<UInt8>, from start: Int) -> Int? {
        firstMatch(in: input.span, from: start - input.startIndex).map { $0 + input.startIndex }
    }

    /// Where the bytes that might still become (or precede) a delimiter begin, when the input
    /// ends without a complete match: the start of the longest suffix of `input[start...]` that
    /// is a proper prefix of the pattern, moved back over a CR right before it (the CR of a
    /// CRLF delimiter). A trailing lone CR counts too. `input.count` when nothing is pending.
    func pendingStart(in input: Span<UInt8>, from start: Int) -> Int {
        precondition(start >= 0 && start <= input.count, "start out of range")
        let end = input.count
        var pending = end
        var candidate = Swift.max(start, end - (pattern.count - 1))
        while candidate < end {
            if input[candidate] == MultipartText.lf {
                var matched = 1
                while candidate + matched < end && input[candidate + matched] == pattern[matched] { matched += 1 }
                if candidate + matched == end { pending = candidate; break }
            }
            candidate += 1
        }
        if pending > start && input[pending - 1] == MultipartText.cr { pending -= 1 }
        return pending
    }

    /// `pendingStart(in:from:)` with indices of `input`; `input.endIndex` when nothing is pending.
    func pendingStart(in input: ArraySlice<UInt8>, from start: Int) -> Int {
        pendingStart(in: input.span, from: start - input.startIndex) + input.startIndex
    }

    /// Whether the window ending at `end` (whose last byte is known to match) is the pattern.
    private func endsMatch(_ input: Span<UInt8>, at end: Int) -> Bool {
        let lastOffset = pattern.count - 1
        let start = end - lastOffset
        var matched = 0
        while matched < lastOffset && input[start + matched] == pattern[matched] { matched += 1 }
        return matched == lastOffset
    }

    /// The end of the first match whose end is in `first...last`, one window at a time.
    private func scan(_ input: Span<UInt8>, from first: Int, through last: Int) -> Int? {
        let shift = self.shift.span
        precondition(shift.count == 256)
        var end = first
        while end <= last {
            var step = Int(shift[Int(input[end])])
            if step == 0 {
                if endsMatch(input, at: end) { return end }
                step = lastByteShift
            }
            end &+= step
        }
        return nil
    }

    /// `scan` with the window ends split into four contiguous lanes advanced together. Each lane
    /// finds its own first match; the answer is the first lane's that has one, so a match ends
    /// the lanes after it but the lanes before it must still be finished.
    private func scanInLanes(_ input: Span<UInt8>, from first: Int, through last: Int) -> Int? {
        let shift = self.shift.span
        precondition(shift.count == 256)
        let quarter = (last - first + 1) / 4
        let start1 = first + quarter, start2 = start1 + quarter, start3 = start2 + quarter
        var end0 = first, end1 = start1, end2 = start2, end3 = start3
        while end0 < start1 && end1 < start2 && end2 < start3 && end3 <= last {
            var step0 = Int(shift[Int(input[end0])]), step1 = Int(shift[Int(input[end1])])
            var step2 = Int(shift[Int(input[end2])]), step3 = Int(shift[Int(input[end3])])
            if step0 == 0 || step1 == 0 || step2 == 0 || step3 == 0 {
                if step0 == 0 {
                    if endsMatch(input, at: end0) { return end0 }
                    step0 = lastByteShift
                }
                if step1 == 0 {
                    if endsMatch(input, at: end1) { return scan(input, from: end0, through: start1 - 1) ?? end1 }
                    step1 = lastByteShift
                }
                if step2 == 0 {
                    if endsMatch(input, at: end2) {
                        return scan(input, from: end0, through: start1 - 1)
                            ?? scan(input, from: end1, through: start2 - 1) ?? end2
                    }
                    step2 = lastByteShift
                }
                if step3 == 0 {
                    if endsMatch(input, at: end3) {
                        return scan(input, from: end0, through: start1 - 1)
                            ?? scan(input, from: end1, through: start2 - 1)
                            ?? scan(input, from: end2, through: start3 - 1) ?? end3
                    }
                    step3 = lastByteShift
                }
            }
            end0 &+= step0
            end1 &+= step1
            end2 &+= step2
            end3 &+= step3
        }
        // A lane reached its end; the others are near theirs (their steps are alike).
        return scan(input, from: end0, through: start1 - 1)
            ?? scan(input, from: end1, through: start2 - 1)
            ?? scan(input, from: end2, through: start3 - 1)
            ?? scan(input, from: end3, through: last)
    }
}
