import Crypto
import MynaAudit

// MARK: - Hex

extension Array where Element == UInt8 {
    /// Bytes from a hex string; traps on malformed test data.
    init(testHex text: String) {
        precondition(text.count.isMultiple(of: 2), "hex of odd length: \(text)")
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index ..< next], radix: 16) else { preconditionFailure("bad hex: \(text)") }
            bytes.append(byte)
            index = next
        }
        self = bytes
    }

    var testHex: String {
        map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// A copy with one bit flipped.
    func flippingBit(_ bit: Int) -> [UInt8] {
        var copy = self
        copy[bit / 8] ^= 1 << UInt8(bit % 8)
        return copy
    }
}

func sha256(_ bytes: [UInt8]) -> [UInt8] {
    Array(SHA256.hash(data: bytes))
}

// MARK: - Reference implementation

/// A literal transcription of the recursive definitions of RFC 9162 §2.1 over an
/// array of leaf hashes: slow, obviously correct, and independent of the store.
enum Reference {
    static func k(_ n: Int) -> Int {
        var k = 1
        while k * 2 < n { k *= 2 }
        return k
    }

    /// `MTH(D[n])` (§2.1.1).
    static func mth(_ leaves: ArraySlice<[UInt8]>) -> [UInt8] {
        switch leaves.count {
        case 0: return sha256([])
        case 1: return leaves[leaves.startIndex]
        default:
            let split = leaves.startIndex + k(leaves.count)
            return sha256([0x01] + mth(leaves[..<split]) + mth(leaves[split...]))
        }
    }

    static func mth(_ leaves: [[UInt8]]) -> [UInt8] { mth(leaves[...]) }

    /// `PATH(m, D[n])` (§2.1.3.1), `m` relative to the slice.
    static func path(_ m: Int, _ leaves: ArraySlice<[UInt8]>) -> [[UInt8]] {
        guard leaves.count > 1 else { return [] }
        let k = k(leaves.count)
        let split = leaves.startIndex + k
        return m < k
            ? path(m, leaves[..<split]) + [mth(leaves[split...])]
            : path(m - k, leaves[split...]) + [mth(leaves[..<split])]
    }

    /// `SUBPROOF(m, D[n], b)` (§2.1.4.1).
    static func subproof(_ m: Int, _ leaves: ArraySlice<[UInt8]>, _ complete: Bool) -> [[UInt8]] {
        let n = leaves.count
        if m == n { return complete ? [] : [mth(leaves)] }
        let k = k(n)
        let split = leaves.startIndex + k
        return m <= k
            ? subproof(m, leaves[..<split], complete) + [mth(leaves[split...])]
            : subproof(m - k, leaves[split...], false) + [mth(leaves[..<split])]
    }

    /// `PROOF(m, D[n])`, empty for the edge cases `m == 0` and `m == n`.
    static func consistency(_ m: Int, _ leaves: ArraySlice<[UInt8]>) -> [[UInt8]] {
        m == 0 || m == leaves.count ? [] : subproof(m, leaves, true)
    }
}

// MARK: - Fixtures

/// The eight entries of the RFC 6962 test vectors used across CT implementations.
let ctEntries: [[UInt8]] = [
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
].map([UInt8].init(testHex:))

/// Leaf hashes of distinct, recognisable entries.
func sampleLeafHashes(_ count: Int) -> [[UInt8]] {
    (0 ..< count).map { MerkleHash.leaf(Array("entry-\($0)".utf8)) }
}

/// A log over `leafHashes`, its subtree store filled the way an appender fills it.
func appendedTree(_ leafHashes: [[UInt8]]) async throws -> (MerkleTree, InMemorySubtreeStore) {
    let leaves = InMemoryLeafHashes()
    let store = InMemorySubtreeStore()
    var frontier = MerkleFrontier()
    for leafHash in leafHashes {
        await leaves.append(leafHash)
        try await store.store(try frontier.append(leafHash: leafHash))
    }
    return (MerkleTree(leaves: leaves, subtrees: store), store)
}

/// A store that keeps nothing: every subtree is recomputed from the leaves.
struct ForgetfulSubtreeStore: SubtreeStore {
    func subtreeHash(level: Int, index: Int) async throws -> [UInt8]? { nil }
    func store(_ subtrees: [PerfectSubtree]) async throws {}
}

/// Counts the leaf hashes read through it.
actor CountingLeafSource: LeafHashSource {
    let base: any LeafHashSource
    private(set) var leavesRead = 0

    init(_ base: any LeafHashSource) { self.base = base }

    func leafHashes(_ range: Range<Int>) async throws -> [[UInt8]] {
        leavesRead += range.count
        return try await base.leafHashes(range)
    }

    func reset() { leavesRead = 0 }
}

/// Counts lookups and offers passed through it.
actor CountingSubtreeStore: SubtreeStore {
    let base: any SubtreeStore
    private(set) var lookups = 0
    private(set) var offered = 0

    init(_ base: any SubtreeStore) { self.base = base }

    func subtreeHash(level: Int, index: Int) async throws -> [UInt8]? {
        lookups += 1
        return try await base.subtreeHash(level: level, index: index)
    }

    func store(_ subtrees: [PerfectSubtree]) async throws {
        offered += subtrees.count
        try await base.store(subtrees)
    }

    func reset() {
        lookups = 0
        offered = 0
    }
}

/// SplitMix64: a small seeded generator, so "random" cases are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
