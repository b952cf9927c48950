/// Finds `LF "--" boundary` in body bytes with the Boyer–Moore–Horspool skip: one table look-up per
/// window, and a window moves by up to the pattern's length (36 bytes for the SDK's 32-hex
/// boundary), so typical file content is scanned at several bytes per comparison with no
/// per-byte state and no allocation.
///
/// The pattern starts at the LF rather than the CR of the delimiter `CRLF "--" boundary` so
/// that a delimiter preceded by a bare LF is found too and can be reported as an LF-only body
/// instead of being taken as content.
struct MultipartDelimiterFinder: Sendable {
    /// `LF "--" boundary`.
    let pattern: [UInt8]
    private let shift: [UInt8]

    init(boundary: [UInt8]) {
        let pattern = [MultipartText.lf, MultipartText.dash, MultipartText.dash] + boundary
        precondition(pattern.count <= 255, "boundary too long")
        var shift = [UInt8](repeating: UInt8(pattern.count), count: 256)
        for index in 0..<pattern.count - 1 {
            shift[Int(pattern[index])] = UInt8(pattern.count - 1 - index)
        }
        self.pattern = pattern
        self.shift = shift
    }

    /// The index of the first complete match at or after `start`, if any.
    func firstMatch(in input: ArraySlice<UInt8>, from start: Int) -> Int? {
        let count = pattern.count
        let lastOffset = count - 1
        let lastByte = pattern[lastOffset]
        let end = input.endIndex
        var index = start
        while index <= end - count {
            let byte = input[index + lastOffset]
            if byte == lastByte {
                var matched = 0
                while matched < lastOffset && input[index + matched] == pattern[matched] { matched += 1 }
                if matched == lastOffset { return index }
            }
            index += Int(shift[Int(byte)])
        }
        return nil
    }

    /// Where the bytes that might still become (or precede) a delimiter begin, when the input
    /// ends without a complete match: the start of the longest suffix of `input[start...]` that
    /// is a proper prefix of the pattern, moved back over a CR right before it (the CR of a
    /// CRLF delimiter). A trailing lone CR counts too. `input.endIndex` when nothing is pending.
    func pendingStart(in input: ArraySlice<UInt8>, from start: Int) -> Int {
        let end = input.endIndex
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

    /// ``firstMatch(in:from:)`` on a span (indices from 0).
    func firstMatch(in input: Span<UInt8>, from start: Int) -> Int? {
        let count = pattern.count
        let lastOffset = count - 1
        let lastByte = pattern[lastOffset]
        let end = input.count
        var index = start
        while index <= end - count {
            let byte = input[index + lastOffset]
            if byte == lastByte {
                var matched = 0
                while matched < lastOffset && input[index + matched] == pattern[matched] { matched += 1 }
                if matched == lastOffset { return index }
            }
            index += Int(shift[Int(byte)])
        }
        return nil
    }

    /// ``pendingStart(in:from:)`` on a span (indices from 0).
    func pendingStart(in input: Span<UInt8>, from start: Int) -> Int {
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
}
