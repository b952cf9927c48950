/// Finds which of many byte strings ("needles") occur in a text, in one pass over it, instead of
/// one substring search per needle: 1,000 rules with `contains` criteria on the prompt cost one
/// walk of the prompt, not 1,000.
///
/// A byte trie: the root's children sit in a dense 256-entry table (most start positions stop
/// there), deeper edges in one open-addressing table keyed by (node, byte). From every start
/// position the text is walked down the trie; each node that ends a needle reports its atom.
/// A class: the request path passes it around without copying its five arrays.
final class NeedleScanner: Sendable {
    /// The root's child per byte; 0 = none (the root is node 0 and never anyone's child).
    private let rootChildren: [Int32]
    /// Deeper edges, open addressing with linear probing: `edgeKeys` holds `node << 8 | byte`
    /// (never 0, since such nodes are ≥ 1), 0 marks an empty slot; `edgeChildren` the child.
    private let edgeKeys: [UInt64]
    private let edgeChildren: [Int32]
    private let edgeShift: UInt64
    private let edgeMask: Int
    /// The atom proven by the needle ending at each node, or -1.
    private let nodeAtoms: [Int32]
    /// No needle fits in a shorter text.
    private let shortestNeedle: Int
    /// Needles are stored with ASCII letters lower-cased, and the text is lower-cased as it is
    /// read (for the case-insensitive literals of `(?i)` regexes).
    let foldsCase: Bool

    /// `needles`: distinct, non-empty byte strings (lower-cased when `foldsCase`), each with the
    /// atom it proves.
    init(needles: [(bytes: [UInt8], atom: Int32)], foldsCase: Bool) {
        self.foldsCase = foldsCase
        var root = [Int32](repeating: 0, count: 256)
        var edges: [UInt64: Int32] = [:]
        var atoms: [Int32] = [-1]
        var shortest = Int.max
        for needle in needles {
            precondition(!needle.bytes.isEmpty, "an empty needle is a presence test, not a scan")
            shortest = min(shortest, needle.bytes.count)
            var node: Int32 = 0
            for byte in needle.bytes {
                if node == 0 {
                    if root[Int(byte)] == 0 {
                        root[Int(byte)] = Int32(atoms.count)
                        atoms.append(-1)
                    }
                    node = root[Int(byte)]
                } else {
                    let key = UInt64(node) << 8 | UInt64(byte)
                    if let child = edges[key] {
                        node = child
                    } else {
                        let child = Int32(atoms.count)
                        atoms.append(-1)
                        edges[key] = child
                        node = child
                    }
                }
            }
            atoms[Int(node)] = needle.atom
        }
        // At most half full, so probes stay short.
        var bits: UInt64 = 1
        while (1 << bits) < edges.count * 2 { bits += 1 }
        var keys = [UInt64](repeating: 0, count: 1 << bits)
        var children = [Int32](repeating: 0, count: 1 << bits)
        let shift = 64 - bits
        let mask = (1 << Int(bits)) - 1
        for (key, child) in edges {
            var slot = Self.slot(key, shift: shift)
            while keys[slot] != 0 { slot = (slot + 1) & mask }
            keys[slot] = key
            children[slot] = child
        }
        rootChildren = root
        edgeKeys = keys
        edgeChildren = children
        edgeShift = shift
        edgeMask = mask
        nodeAtoms = atoms
        shortestNeedle = needles.isEmpty ? Int.max : shortest
    }

    /// Fibonacci hashing: the key's well-mixed high bits pick the slot.
    private static func slot(_ key: UInt64, shift: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    private func child(of node: Int32, byte: UInt8) -> Int32 {
        let key = UInt64(node) << 8 | UInt64(byte)
        var slot = Self.slot(key, shift: edgeShift)
        while true {
            let found = edgeKeys[slot]
            if found == key { return edgeChildren[slot] }
            if found == 0 { return 0 }
            slot = (slot + 1) & edgeMask
        }
    }

    /// Appends to `found` the atom of every needle occurring in `text` (once per occurrence; the
    /// caller ignores repeats). Returns whether the text has a byte beyond ASCII, which only a
    /// case-folding scanner looks for (and then reads the whole text).
    func scan(_ text: String, into found: inout [Int32]) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            let count = bytes.count
            var beyondASCII = false
            if foldsCase {
                for byte in bytes where byte >= 0x80 {
                    beyondASCII = true
                    break
                }
            }
            guard count >= shortestNeedle else { return beyondASCII }
            var start = 0
            while start <= count - shortestNeedle {
                defer { start += 1 }
                var node = rootChildren[Int(read(bytes[start]))]
                var position = start
                while node != 0 {
                    let atom = nodeAtoms[Int(node)]
                    if atom >= 0 { found.append(atom) }
                    position += 1
                    guard position < count else { break }
                    node = child(of: node, byte: read(bytes[position]))
                }
            }
            return beyondASCII
        }
    }

    /// A text byte as the needles are stored.
    @inline(__always)
    private func read(_ byte: UInt8) -> UInt8 {
        foldsCase && byte &- 0x41 < 26 ? byte | 0x20 : byte
    }
}
