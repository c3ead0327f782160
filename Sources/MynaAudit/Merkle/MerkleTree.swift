// A tamper-evident, append-only Merkle log in the style of Certificate Transparency.
//
// Everything here follows RFC 9162 (Certificate Transparency Version 2.0) §2.1,
// which is hash-for-hash compatible with RFC 6962 §2.1 when the hash is SHA-256.
//
// Vocabulary used throughout:
//
// - *leaf hash*: `MerkleHash.leaf(entry)`, the hash of one log entry.
// - *perfect subtree* (level `l`, index `i`): the complete binary tree over the
//   `2^l` leaves `i·2^l ..< (i+1)·2^l`. Once those leaves exist its hash never
//   changes, so it can be stored once and reused forever.
// - *tree size*: the number of leaves a root, proof or tree head speaks about.

import Crypto

// MARK: - Hashing (RFC 9162 §2.1.1)

/// The three hashes of an RFC 9162 Merkle tree over SHA-256.
///
/// Leaves and interior nodes are hashed with different one-byte prefixes
/// (RFC 9162 §2.1.1), so an interior node can never be passed off as a leaf.
public enum MerkleHash {
    /// Length in bytes of every hash in the tree (SHA-256).
    public static let byteCount = 32

    /// `MTH({}) = HASH()`: the root of the empty tree, SHA-256 of the empty string
    /// (RFC 9162 §2.1.1).
    public static let empty: [UInt8] = Array(SHA256.hash(data: [UInt8]()))

    /// `MTH({d(0)}) = HASH(0x00 || d(0))`: the hash of one log entry (RFC 9162 §2.1.1).
    public static func leaf(_ entry: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: [0x00])
        hasher.update(data: entry)
        return Array(hasher.finalize())
    }

    /// `HASH(0x01 || left || right)`: the hash of an interior node (RFC 9162 §2.1.1).
    public static func node(_ left: [UInt8], _ right: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: [0x01])
        hasher.update(data: left)
        hasher.update(data: right)
        return Array(hasher.finalize())
    }

    /// Whether `bytes` has the shape of a hash of this tree.
    static func isWellFormed(_ bytes: [UInt8]) -> Bool {
        bytes.count == byteCount
    }
}

// MARK: - Storage abstractions

/// Supplies the leaf hashes of the log, in log order.
///
/// A database-backed log implements this over its leaf table. The tree never asks
/// for leaves beyond the tree size it was asked about.
public protocol LeafHashSource: Sendable {
    /// The leaf hashes at positions `range`, in order: exactly `range.count` hashes
    /// of `MerkleHash.byteCount` bytes each.
    func leafHashes(_ range: Range<Int>) async throws -> [[UInt8]]
}

/// Remembers hashes of perfect subtrees, so that roots and proofs need not rehash
/// the leaves beneath them.
///
/// A perfect subtree's hash is immutable once its leaves exist, so entries are
/// write-once. Offers may repeat subtrees already held, and storing the same hash
/// again must succeed (e.g. `INSERT … ON CONFLICT DO NOTHING`, after checking the
/// held hash is equal). A store may decline to keep what it is offered (a store
/// that keeps nothing is valid, merely slow); it must never return a hash other
/// than the one it was given.
public protocol SubtreeStore: Sendable {
    /// The stored hash of the perfect subtree at `level` and `index`, if any.
    func subtreeHash(level: Int, index: Int) async throws -> [UInt8]?

    /// Offers hashes of complete perfect subtrees for storage.
    func store(_ subtrees: [PerfectSubtree]) async throws
}

/// The hash of a perfect subtree: the complete binary tree over the `2^level`
/// leaves starting at leaf `index · 2^level`.
public struct PerfectSubtree: Sendable, Hashable, Codable {
    /// Height above the leaves; a leaf is level 0.
    public let level: Int
    /// Position among the subtrees of the same level, counting from the left.
    public let index: Int
    /// `MTH` of the leaves the subtree covers.
    public let hash: [UInt8]

    public init(level: Int, index: Int, hash: [UInt8]) {
        self.level = level
        self.index = index
        self.hash = hash
    }

    /// The positions of the leaves beneath this subtree.
    public var leafRange: Range<Int> {
        (index << level) ..< ((index + 1) << level)
    }
}

/// Why a tree operation could not be carried out.
public enum MerkleTreeError: Error, Hashable, Sendable {
    /// A tree size was negative.
    case invalidTreeSize(Int)
    /// An inclusion proof was asked for a leaf outside the tree.
    case leafIndexOutOfRange(index: Int, treeSize: Int)
    /// A consistency proof needs `0 <= first <= second`.
    case invalidConsistencySizes(first: Int, second: Int)
    /// The leaf source did not deliver the hashes asked for.
    case leafHashesUnavailable(Range<Int>)
    /// A hash was not `MerkleHash.byteCount` bytes long.
    case malformedHash
    /// A store was offered a subtree hash different from the one it already holds:
    /// the leaves beneath it have changed.
    case conflictingSubtreeHash(level: Int, index: Int)
}

// MARK: - The tree

/// Computes roots and proofs of a Merkle log whose leaf hashes come from a
/// ``LeafHashSource``, reusing perfect-subtree hashes kept in a ``SubtreeStore``.
///
/// Every node the RFC 9162 algorithms touch is either a perfect subtree or a
/// "right edge" node over `start ..< treeSize`, and a right-edge node is built
/// from at most ⌈log₂ n⌉ perfect subtrees. So with every perfect subtree stored
/// (which ``MerkleFrontier/append(leafHash:)`` makes cheap), a root, an inclusion
/// proof or a consistency proof costs O(log n) store reads and hashes. A subtree
/// missing from the store is computed from the leaves beneath it and offered to
/// the store, so the work is done at most once.
///
/// Stored hashes are trusted, not rechecked against the leaves: a corrupted store
/// yields roots and proofs that verifiers reject, never a silent rewrite of
/// anything already published.
public struct MerkleTree: Sendable {
    /// Where the leaf hashes come from.
    public let leaves: any LeafHashSource
    /// Where perfect-subtree hashes are looked up and offered.
    public let subtrees: any SubtreeStore

    /// Missing subtrees up to this level (256 leaves) are computed from one batch
    /// read of their leaves; higher ones from their two children.
    static let leafBatchLevel = 8

    public init(leaves: any LeafHashSource, subtrees: any SubtreeStore) {
        self.leaves = leaves
        self.subtrees = subtrees
    }

    /// `MTH(D[0:treeSize])`, the root hash of the first `treeSize` leaves
    /// (RFC 9162 §2.1.1).
    public func rootHash(treeSize: Int) async throws -> [UInt8] {
        guard treeSize >= 0 else { throw MerkleTreeError.invalidTreeSize(treeSize) }
        return try await hash(of: 0 ..< treeSize)
    }

    /// `PATH(m, D[0:n])`, the inclusion proof of leaf `leafIndex` in the tree of
    /// the first `treeSize` leaves (RFC 9162 §2.1.3.1), ordered from the leaf up.
    public func inclusionProof(leafIndex: Int, treeSize: Int) async throws -> [[UInt8]] {
        guard leafIndex >= 0, leafIndex < treeSize else {
            throw MerkleTreeError.leafIndexOutOfRange(index: leafIndex, treeSize: treeSize)
        }
        return try await path(to: leafIndex, in: 0 ..< treeSize)
    }

    /// `PROOF(m, D[0:n])`, the proof that the tree of the first `firstSize` leaves
    /// is a prefix of the tree of the first `secondSize` (RFC 9162 §2.1.4.1).
    ///
    /// RFC 9162 defines the proof for `0 < m < n`. For `m == 0` and `m == n` the
    /// proof is empty, which is what ``verifyConsistency(firstSize:secondSize:firstRoot:secondRoot:proof:)``
    /// expects.
    public func consistencyProof(firstSize: Int, secondSize: Int) async throws -> [[UInt8]] {
        guard firstSize >= 0, firstSize <= secondSize else {
            throw MerkleTreeError.invalidConsistencySizes(first: firstSize, second: secondSize)
        }
        guard firstSize > 0, firstSize < secondSize else { return [] }
        return try await subproof(firstSize, of: 0 ..< secondSize, startsComplete: true)
    }

    /// The perfect subtrees whose hashes make up the tree of `treeSize` leaves,
    /// ready to continue appending from. Costs O(log n) store reads.
    public func frontier(treeSize: Int) async throws -> MerkleFrontier {
        guard treeSize >= 0 else { throw MerkleTreeError.invalidTreeSize(treeSize) }
        var subtrees: [PerfectSubtree] = []
        var start = 0
        for level in stride(from: Int.bitWidth - 2, through: 0, by: -1) where treeSize & (1 << level) != 0 {
            let index = start >> level
            subtrees.append(PerfectSubtree(
                level: level, index: index,
                hash: try await perfectSubtreeHash(level: level, index: index)))
            start += 1 << level
        }
        return MerkleFrontier(treeSize: treeSize, subtrees: subtrees)
    }

    // MARK: RFC 9162 §2.1.3.1 and §2.1.4.1, over absolute leaf ranges

    /// `PATH(m, D[range])` with `m` an absolute leaf index inside `range`.
    private func path(to leaf: Int, in range: Range<Int>) async throws -> [[UInt8]] {
        guard range.count > 1 else { return [] }
        let split = range.lowerBound + largestPowerOfTwo(below: range.count)
        if leaf < split {
            return try await path(to: leaf, in: range.lowerBound ..< split)
                + [hash(of: split ..< range.upperBound)]
        } else {
            return try await path(to: leaf, in: split ..< range.upperBound)
                + [hash(of: range.lowerBound ..< split)]
        }
    }

    /// `SUBPROOF(m, D[range], b)` with `m` counted from the start of `range`.
    private func subproof(
        _ m: Int, of range: Range<Int>, startsComplete: Bool
    ) async throws -> [[UInt8]] {
        if m == range.count {
            return startsComplete ? [] : [try await hash(of: range)]
        }
        let k = largestPowerOfTwo(below: range.count)
        let split = range.lowerBound + k
        if m <= k {
            return try await subproof(m, of: range.lowerBound ..< split, startsComplete: startsComplete)
                + [hash(of: split ..< range.upperBound)]
        } else {
            return try await subproof(m - k, of: split ..< range.upperBound, startsComplete: false)
                + [hash(of: range.lowerBound ..< split)]
        }
    }

    // MARK: Hashes of ranges and subtrees

    /// `MTH(D[range])`, by the recursive definition of RFC 9162 §2.1.1, taking
    /// perfect subtrees from the store.
    ///
    /// The ranges the RFC algorithms ask for start at a multiple of the smallest
    /// power of two not below their length, so every power-of-two range met here
    /// is an aligned perfect subtree; other ranges are split as the RFC splits them.
    private func hash(of range: Range<Int>) async throws -> [UInt8] {
        let count = range.count
        if count == 0 { return MerkleHash.empty }
        if count.nonzeroBitCount == 1, range.lowerBound % count == 0 {
            let level = count.trailingZeroBitCount
            return try await perfectSubtreeHash(level: level, index: range.lowerBound >> level)
        }
        let split = range.lowerBound + largestPowerOfTwo(below: count)
        return MerkleHash.node(
            try await hash(of: range.lowerBound ..< split),
            try await hash(of: split ..< range.upperBound))
    }

    /// The hash of the perfect subtree at `level`, `index`: from the store when it
    /// is there, otherwise computed and offered to the store.
    private func perfectSubtreeHash(level: Int, index: Int) async throws -> [UInt8] {
        if level == 0 {
            return try await leafHashes(index ..< index + 1)[0]
        }
        if let stored = try await subtrees.subtreeHash(level: level, index: index) {
            guard MerkleHash.isWellFormed(stored) else { throw MerkleTreeError.malformedHash }
            return stored
        }
        let computed: [PerfectSubtree]
        if level <= Self.leafBatchLevel {
            computed = try await computeFromLeaves(level: level, index: index)
        } else {
            let left = try await perfectSubtreeHash(level: level - 1, index: 2 * index)
            let right = try await perfectSubtreeHash(level: level - 1, index: 2 * index + 1)
            computed = [PerfectSubtree(level: level, index: index, hash: MerkleHash.node(left, right))]
        }
        try await subtrees.store(computed)
        // `computed` ends with the subtree asked for: both branches build it last.
        return computed[computed.count - 1].hash
    }

    /// Every perfect subtree at levels `1...level` beneath (`level`, `index`),
    /// computed bottom-up from one read of the leaves; the requested one is last.
    private func computeFromLeaves(level: Int, index: Int) async throws -> [PerfectSubtree] {
        var layer = try await leafHashes(PerfectSubtree(level: level, index: index, hash: []).leafRange)
        var computed: [PerfectSubtree] = []
        for height in 1 ... level {
            layer = stride(from: 0, to: layer.count, by: 2).map { MerkleHash.node(layer[$0], layer[$0 + 1]) }
            let firstIndex = index << (level - height)
            computed += layer.enumerated().map { offset, hash in
                PerfectSubtree(level: height, index: firstIndex + offset, hash: hash)
            }
        }
        return computed
    }

    /// Leaf hashes from the source, checked for count and shape.
    private func leafHashes(_ range: Range<Int>) async throws -> [[UInt8]] {
        let hashes = try await leaves.leafHashes(range)
        guard hashes.count == range.count else { throw MerkleTreeError.leafHashesUnavailable(range) }
        guard hashes.allSatisfy(MerkleHash.isWellFormed) else { throw MerkleTreeError.malformedHash }
        return hashes
    }
}

// MARK: - Verification (RFC 9162 §2.1.3.2 and §2.1.4.2)

extension MerkleTree {
    /// Verifies an inclusion proof as RFC 9162 §2.1.3.2 prescribes: that the leaf
    /// with hash `leafHash` sits at `index` in the tree of `treeSize` leaves whose
    /// root is `root`.
    ///
    /// Needs no store: a client runs this on what the log sent it. Malformed input
    /// (hashes of the wrong length, an index outside the tree) yields `false`.
    ///
    /// As in every RFC 9162 verifier, the algorithm reads `treeSize` only through
    /// the shape of the path, so a proof can also pass for another size with the
    /// same shape. The size is authenticated by the signed tree head that carries
    /// `root`: take both from one verified ``SignedTreeHead``.
    public static func verifyInclusion(
        leafHash: [UInt8], index: Int, treeSize: Int, proof: [[UInt8]], root: [UInt8]
    ) -> Bool {
        guard index >= 0, index < treeSize,
              MerkleHash.isWellFormed(leafHash), MerkleHash.isWellFormed(root),
              proof.allSatisfy(MerkleHash.isWellFormed)
        else { return false }

        var fn = index
        var sn = treeSize - 1
        var r = leafHash
        for p in proof {
            if sn == 0 { return false }
            if fn & 1 == 1 || fn == sn {
                r = MerkleHash.node(p, r)
                while fn & 1 == 0, fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            } else {
                r = MerkleHash.node(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && r == root
    }

    /// Verifies a consistency proof as RFC 9162 §2.1.4.2 prescribes: that the tree
    /// of `firstSize` leaves with root `firstRoot` is a prefix of the tree of
    /// `secondSize` leaves with root `secondRoot`, i.e. the log only appended.
    ///
    /// Beyond the RFC's `0 < first < second`: equal sizes are consistent exactly
    /// when the roots are equal and the proof is empty, and the empty tree (whose
    /// root must be ``MerkleHash/empty``) is a prefix of every tree, with an empty
    /// proof. A shrinking log (`firstSize > secondSize`) is never consistent.
    public static func verifyConsistency(
        firstSize: Int, secondSize: Int, firstRoot: [UInt8], secondRoot: [UInt8], proof: [[UInt8]]
    ) -> Bool {
        guard firstSize >= 0, firstSize <= secondSize,
              MerkleHash.isWellFormed(firstRoot), MerkleHash.isWellFormed(secondRoot),
              proof.allSatisfy(MerkleHash.isWellFormed)
        else { return false }
        if firstSize == secondSize { return proof.isEmpty && firstRoot == secondRoot }
        if firstSize == 0 { return proof.isEmpty && firstRoot == MerkleHash.empty }

        // 1. An empty path proves nothing.
        guard !proof.isEmpty else { return false }
        // 2. A power-of-two first tree is itself a node of the second; its root
        //    starts the path.
        let path = firstSize.nonzeroBitCount == 1 ? [firstRoot] + proof : proof
        // 3–4.
        var fn = firstSize - 1
        var sn = secondSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        // 5–6.
        var fr = path[0]
        var sr = path[0]
        for c in path.dropFirst() {
            if sn == 0 { return false }
            if fn & 1 == 1 || fn == sn {
                fr = MerkleHash.node(c, fr)
                sr = MerkleHash.node(c, sr)
                while fn & 1 == 0, fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            } else {
                sr = MerkleHash.node(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        // 7.
        return fr == firstRoot && sr == secondRoot && sn == 0
    }
}

// MARK: - Appending

/// The right edge of a growing log: one perfect subtree per set bit of the tree
/// size, largest first. It is all an appender needs to keep in memory.
///
/// Appending a leaf completes one new perfect subtree per trailing one bit of the
/// old size, so at most ⌈log₂ n⌉ and on average one; ``append(leafHash:)`` returns
/// exactly those, for the log to store with the leaf:
///
/// ```swift
/// var frontier = try await tree.frontier(treeSize: size)   // once, at start-up
/// let leafHash = MerkleHash.leaf(entry)
/// let completed = try frontier.append(leafHash: leafHash)
/// // In one transaction: insert the leaf, then store `completed`.
/// ```
public struct MerkleFrontier: Sendable, Hashable {
    /// The number of leaves appended so far.
    public private(set) var treeSize: Int
    /// The perfect subtrees covering the leaves, left to right, strictly
    /// decreasing in level.
    public private(set) var subtrees: [PerfectSubtree]

    /// The frontier of the empty log.
    public init() {
        self.treeSize = 0
        self.subtrees = []
    }

    init(treeSize: Int, subtrees: [PerfectSubtree]) {
        self.treeSize = treeSize
        self.subtrees = subtrees
    }

    /// `MTH(D[0:treeSize])`: the perfect subtrees folded from the right, which is
    /// the RFC 9162 §2.1.1 recursion unrolled.
    public var rootHash: [UInt8] {
        guard var root = subtrees.last?.hash else { return MerkleHash.empty }
        for subtree in subtrees.dropLast().reversed() {
            root = MerkleHash.node(subtree.hash, root)
        }
        return root
    }

    /// Appends one leaf and returns the perfect subtrees of level ≥ 1 that it
    /// completed, lowest first.
    public mutating func append(leafHash: [UInt8]) throws(MerkleTreeError) -> [PerfectSubtree] {
        guard MerkleHash.isWellFormed(leafHash) else { throw .malformedHash }
        var carry = PerfectSubtree(level: 0, index: treeSize, hash: leafHash)
        var completed: [PerfectSubtree] = []
        while let left = subtrees.last, left.level == carry.level {
            subtrees.removeLast()
            carry = PerfectSubtree(
                level: carry.level + 1, index: left.index / 2,
                hash: MerkleHash.node(left.hash, carry.hash))
            completed.append(carry)
        }
        subtrees.append(carry)
        treeSize += 1
        return completed
    }
}

// MARK: - In-memory storage

/// Leaf hashes held in memory: for tests, tools and small logs.
public actor InMemoryLeafHashes: LeafHashSource {
    private var hashes: [[UInt8]]

    public init(_ hashes: [[UInt8]] = []) {
        self.hashes = hashes
    }

    /// The number of leaves held.
    public var count: Int { hashes.count }

    /// Appends one leaf hash at position `count`.
    public func append(_ leafHash: [UInt8]) {
        hashes.append(leafHash)
    }

    public func leafHashes(_ range: Range<Int>) throws -> [[UInt8]] {
        guard range.lowerBound >= 0, range.upperBound <= hashes.count else {
            throw MerkleTreeError.leafHashesUnavailable(range)
        }
        return Array(hashes[range])
    }
}

/// Perfect-subtree hashes held in memory, write-once.
public actor InMemorySubtreeStore: SubtreeStore {
    private struct Coordinate: Hashable {
        let level: Int
        let index: Int
    }

    private var hashes: [Coordinate: [UInt8]] = [:]

    public init() {}

    /// The number of subtree hashes held.
    public var count: Int { hashes.count }

    public func subtreeHash(level: Int, index: Int) -> [UInt8]? {
        hashes[Coordinate(level: level, index: index)]
    }

    /// Keeps every subtree offered; throws
    /// ``MerkleTreeError/conflictingSubtreeHash(level:index:)`` if one is already
    /// held with a different hash.
    public func store(_ subtrees: [PerfectSubtree]) throws {
        // Check everything before writing anything, so a refused batch leaves no trace.
        for subtree in subtrees {
            if let held = hashes[Coordinate(level: subtree.level, index: subtree.index)], held != subtree.hash {
                throw MerkleTreeError.conflictingSubtreeHash(level: subtree.level, index: subtree.index)
            }
        }
        for subtree in subtrees {
            hashes[Coordinate(level: subtree.level, index: subtree.index)] = subtree.hash
        }
    }
}

// MARK: - Helpers

/// The largest power of two strictly less than `n` (the RFC's `k`), for `n >= 2`.
private func largestPowerOfTwo(below n: Int) -> Int {
    precondition(n >= 2, "only a tree of two or more leaves is split")
    return 1 << (Int.bitWidth - 1 - (n - 1).leadingZeroBitCount)
}
