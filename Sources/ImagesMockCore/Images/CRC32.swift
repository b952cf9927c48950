/// CRC-32 as PNG (and zlib, gzip, Ethernet) define it: reflected polynomial 0xEDB88320, initial
/// value and final XOR 0xFFFFFFFF. Pure Swift, no zlib.
///
/// "Slicing by 8": eight 256-entry tables let each step fold eight input bytes with eight
/// independent lookups instead of a chain of eight dependent ones, which is what makes a 4 MB
/// PNG verify in a few milliseconds.
enum CRC32 {
    /// `tables[k * 256 + b]` is the CRC contribution of byte `b` followed by `k` zero bytes.
    static let tables: [UInt32] = {
        var tables = [UInt32](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 {
                crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
            }
            tables[byte] = crc
        }
        for byte in 0..<256 {
            var crc = tables[byte]
            for slice in 1..<8 {
                crc = (crc >> 8) ^ tables[Int(crc & 0xFF)]
                tables[slice * 256 + byte] = crc
            }
        }
        return tables
    }()

    /// The CRC-32 of `bytes[range]`; a range reaching outside `bytes` gives the CRC of the part inside.
    static func checksum(_ bytes: [UInt8], _ range: Range<Int>) -> UInt32 {
        let lower = max(range.lowerBound, 0)
        let upper = min(range.upperBound, bytes.count)
        guard lower < upper else { return 0 }
        return checksum(bytes[lower..<upper].span)
    }

    /// The CRC-32 of `bytes[range]` (a range inside the file).
    static func checksum(_ bytes: ImageBytes, _ range: Range<Int>) -> UInt32 {
        checksum(bytes[range].span)
    }

    /// The CRC-32 of all of `bytes`.
    static func checksum(_ bytes: Span<UInt8>) -> UInt32 {
        let lower = 0
        let upper = bytes.count
        guard lower < upper else { return 0 }
        let t = tables
        precondition(t.count == 2048)
        var crc: UInt32 = 0xFFFF_FFFF
        var index = lower
        while upper &- index >= 8 {
            let low = crc
                ^ (UInt32(bytes[index]) | UInt32(bytes[index &+ 1]) << 8
                    | UInt32(bytes[index &+ 2]) << 16 | UInt32(bytes[index &+ 3]) << 24)
            let high = UInt32(bytes[index &+ 4]) | UInt32(bytes[index &+ 5]) << 8
                | UInt32(bytes[index &+ 6]) << 16 | UInt32(bytes[index &+ 7]) << 24
            crc = t[1792 | Int(low & 0xFF)] ^ t[1536 | Int((low >> 8) & 0xFF)]
                ^ t[1280 | Int((low >> 16) & 0xFF)] ^ t[1024 | Int(low >> 24)]
                ^ t[768 | Int(high & 0xFF)] ^ t[512 | Int((high >> 8) & 0xFF)]
                ^ t[256 | Int((high >> 16) & 0xFF)] ^ t[Int(high >> 24)]
            index &+= 8
        }
        while index < upper {
            crc = (crc >> 8) ^ t[Int((crc ^ UInt32(bytes[index])) & 0xFF)]
            index &+= 1
        }
        return ~crc
    }
}
