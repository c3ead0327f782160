import MynaAudit
import Testing

/// The three ways a tree can get perfect-subtree hashes; every result must be the same.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// Filled by `MerkleFrontier.append`, as a live log would be.
    case appended
    /// Empty at first, filled by the tree as it computes.
    case lazy
    /// Keeps nothing; every subtree is recomputed from the leaves.
    case forgetful

    var testDescription: String { rawValue }

    func tree(over leafHashes: [[UInt8]]) async throws -> MerkleTree {
        switch self {
        case .appended:
            return try await appendedTree(leafHashes).0
        case .lazy:
            return MerkleTree(leaves: InMemoryLeafHashes(leafHashes), subtrees: InMemorySubtreeStore())
        case .forgetful:
            return MerkleTree(leaves: InMemoryLeafHashes(leafHashes), subtrees: ForgetfulSubtreeStore())
        }
    }
}

/// Every root and proof for tree sizes 0...130, against the reference definition.
@Suite("Store-backed tree agrees with RFC 9162 everywhere")
struct ExhaustiveTreeTests {
    static let maxSize = 130
    static let leafHashes = sampleLeafHashes(maxSize + 2)
    /// `MTH(D[n])` for n = 0...maxSize+1, by the reference definition.
    static let roots = (0 ... maxSize + 1).map { Reference.mth(leafHashes[..<$0]) }
    /// `inclusionProofs[n][m]` = `PATH(m, D[n])` by the reference definition.
    static let inclusionProofs = (0 ... maxSize).map { n in (0 ..< n).map { Reference.path($0, leafHashes[..<n]) } }
    /// `consistencyProofs[n][m]` = `PROOF(m, D[n])` by the reference definition.
    static let consistencyProofs = (0 ... maxSize).map { n in (0 ... n).map { Reference.consistency($0, leafHashes[..<n]) } }

    @Test(arguments: StoreKind.allCases, 0 ... maxSize)
    func rootAndEveryProofMatchTheReference(kind: StoreKind, size n: Int) async throws {
        let tree = try await kind.tree(over: Self.leafHashes)
        #expect(try await tree.rootHash(treeSize: n) == Self.roots[n])
        for m in 0 ..< n {
            let proof = try await tree.inclusionProof(leafIndex: m, treeSize: n)
            #expect(proof == Self.inclusionProofs[n][m], "PATH(\(m), D[\(n)])")
        }
        for m in 0 ... n {
            let proof = try await tree.consistencyProof(firstSize: m, secondSize: n)
            #expect(proof == Self.consistencyProofs[n][m], "PROOF(\(m), D[\(n)])")
        }
    }

    @Test(arguments: 0 ... maxSize)
    func everyProofVerifiesAndAnyTamperingFails(size n: Int) {
        let leaves = Self.leafHashes
        let roots = Self.roots
        var forgeriesAccepted: [String] = []
        for m in 0 ..< n {
            let proof = Self.inclusionProofs[n][m]
            #expect(MerkleTree.verifyInclusion(leafHash: leaves[m], index: m, treeSize: n, proof: proof, root: roots[n]))
            forgeriesAccepted += inclusionForgeriesAccepted(leafIndex: m, treeSize: n, proof: proof)
        }
        for m in 0 ... n {
            let proof = Self.consistencyProofs[n][m]
            #expect(MerkleTree.verifyConsistency(
                firstSize: m, secondSize: n, firstRoot: roots[m], secondRoot: roots[n], proof: proof))
            forgeriesAccepted += consistencyForgeriesAccepted(firstSize: m, secondSize: n, proof: proof)
        }
        #expect(forgeriesAccepted.isEmpty, "accepted: \(forgeriesAccepted)")
    }

    /// Tampered variants of the inclusion proof `PATH(m, D[n])` that verify
    /// (there should be none).
    private func inclusionForgeriesAccepted(leafIndex m: Int, treeSize n: Int, proof: [[UInt8]]) -> [String] {
        let leaves = Self.leafHashes
        let roots = Self.roots
        var accepted: [String] = []
        func reject(_ forgery: String, leaf: [UInt8] = leaves[m], index: Int = m, size: Int = n,
                    proof: [[UInt8]] = proof, root: [UInt8] = roots[n]) {
            if MerkleTree.verifyInclusion(leafHash: leaf, index: index, treeSize: size, proof: proof, root: root) {
                accepted.append("PATH(\(m), D[\(n)]) with \(forgery)")
            }
        }

        // One bit of every element, at a position that wanders across all 256 as m and n vary.
        for element in proof.indices {
            let bit = (element * 37 + m * 11 + n * 7) % 256
            var tampered = proof
            tampered[element] = tampered[element].flippingBit(bit)
            reject("bit \(bit) of element \(element) flipped", proof: tampered)
        }
        reject("a bit of the leaf flipped", leaf: leaves[m].flippingBit(7))
        reject("another leaf", leaf: leaves[n])
        for index in [m - 1, m + 1, n] {
            reject("index \(index)", index: index)
        }
        reject("a bit of the root flipped", root: roots[n].flippingBit(100))
        // Claiming another size, with the genuine root of that size.
        for size in [n - 1, n + 1] where size > m {
            reject("size \(size) and its root", size: size, root: roots[size])
        }
        if !proof.isEmpty {
            reject("the last element dropped", proof: Array(proof.dropLast()))
        }
        if proof.count > 1 {
            reject("the elements reversed", proof: Array(proof.reversed()))
        }
        reject("an element appended", proof: proof + [roots[n]])
        return accepted
    }

    /// Tampered variants of the consistency proof `PROOF(m, D[n])` that verify
    /// (there should be none).
    private func consistencyForgeriesAccepted(firstSize m: Int, secondSize n: Int, proof: [[UInt8]]) -> [String] {
        let roots = Self.roots
        var accepted: [String] = []
        func reject(_ forgery: String, first: Int = m, second: Int = n, firstRoot: [UInt8] = roots[m],
                    secondRoot: [UInt8] = roots[n], proof: [[UInt8]] = proof) {
            if MerkleTree.verifyConsistency(
                firstSize: first, secondSize: second, firstRoot: firstRoot, secondRoot: secondRoot, proof: proof) {
                accepted.append("PROOF(\(m), D[\(n)]) with \(forgery)")
            }
        }

        // One bit of every element, at a position that wanders across all 256 as m and n vary.
        for element in proof.indices {
            let bit = (element * 53 + m * 11 + n * 7) % 256
            var tampered = proof
            tampered[element] = tampered[element].flippingBit(bit)
            reject("bit \(bit) of element \(element) flipped", proof: tampered)
        }
        reject("a bit of the first root flipped", firstRoot: roots[m].flippingBit(3))
        if m > 0 {  // the empty tree is a prefix of every tree, whatever its root
            reject("a bit of the second root flipped", secondRoot: roots[n].flippingBit(200))
        }
        reject("an element appended", proof: proof + [roots[n]])
        // For m == 0 and m == n the proof is empty and speaks of the roots alone;
        // the sizes matter when there is a proof.
        guard 0 < m, m < n else { return accepted }
        for first in [m - 1, m + 1] {
            reject("first size \(first) and its root", first: first, firstRoot: roots[first])
        }
        for second in [n - 1, n + 1] {
            reject("second size \(second) and its root", second: second, secondRoot: roots[second])
        }
        reject("the sizes swapped", first: n, second: m, firstRoot: roots[n], secondRoot: roots[m])
        reject("the last element dropped", proof: Array(proof.dropLast()))
        reject("no proof", proof: [])
        return accepted
    }
}

/// Random sizes beyond the exhaustive range, past 2^10 leaves, so subtrees above
/// the batch level are built from their children.
@Suite("Random sizes up to 1100")
struct RandomTreeTests {
    static let leafHashes = sampleLeafHashes(1100)

    @Test(arguments: [StoreKind.appended, .lazy])
    func randomProofs(kind: StoreKind) async throws {
        let leaves = Self.leafHashes
        let tree = try await kind.tree(over: leaves)
        var random = SeededGenerator(seed: 0x6D79_6E61)  // "myna"
        for _ in 0 ..< 60 {
            let n = Int.random(in: 1 ... leaves.count, using: &random)
            let m = Int.random(in: 0 ..< n, using: &random)
            let first = Int.random(in: 0 ... n, using: &random)
            let root = Reference.mth(leaves[..<n])
            let firstRoot = Reference.mth(leaves[..<first])

            #expect(try await tree.rootHash(treeSize: n) == root)

            let path = try await tree.inclusionProof(leafIndex: m, treeSize: n)
            #expect(path == Reference.path(m, leaves[..<n]))
            #expect(MerkleTree.verifyInclusion(leafHash: leaves[m], index: m, treeSize: n, proof: path, root: root))

            let proof = try await tree.consistencyProof(firstSize: first, secondSize: n)
            #expect(proof == Reference.consistency(first, leaves[..<n]))
            #expect(MerkleTree.verifyConsistency(
                firstSize: first, secondSize: n, firstRoot: firstRoot, secondRoot: root, proof: proof))
        }
    }
}

@Suite("Frontier and stored subtrees")
struct FrontierTests {
    @Test func appendCompletesExactlyTheNewPerfectSubtrees() throws {
        var frontier = MerkleFrontier()
        var completed: Set<PerfectSubtree> = []
        for (n, leafHash) in sampleLeafHashes(300).enumerated() {
            let new = try frontier.append(leafHash: leafHash)
            // One per trailing one bit of the old size `n`.
            #expect(new.count == (~n).trailingZeroBitCount)
            for subtree in new {
                #expect(subtree.leafRange.upperBound == n + 1, "completed by leaf \(n)")
                #expect(completed.insert(subtree).inserted, "a perfect subtree is completed once")
            }
            #expect(frontier.treeSize == n + 1)
            #expect(frontier.subtrees.map(\.level) == (0 ..< Int.bitWidth).reversed().filter { (n + 1) >> $0 & 1 == 1 })
        }
        // n leaves hold n - popcount(n) perfect subtrees above the leaves.
        #expect(completed.count == 300 - 300.nonzeroBitCount)
    }

    @Test func completedSubtreesMatchTheReference() throws {
        let leaves = sampleLeafHashes(100)
        var frontier = MerkleFrontier()
        for leafHash in leaves {
            for subtree in try frontier.append(leafHash: leafHash) {
                #expect(subtree.hash == Reference.mth(leaves[subtree.leafRange]))
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func loadedFrontierEqualsTheAppendedOneAndContinues(kind: StoreKind) async throws {
        let leaves = sampleLeafHashes(140)
        let tree = try await kind.tree(over: leaves)
        var appended = MerkleFrontier()
        for n in 0 ... 130 {
            let loaded = try await tree.frontier(treeSize: n)
            #expect(loaded == appended, "size \(n)")
            #expect(loaded.rootHash == Reference.mth(leaves[..<n]))

            // Continuing from the loaded frontier is indistinguishable from never stopping.
            var resumed = loaded
            var continued = appended
            for leafHash in leaves[n ..< n + 9] {
                #expect(try resumed.append(leafHash: leafHash) == continued.append(leafHash: leafHash))
            }
            #expect(resumed == continued)
            _ = try appended.append(leafHash: leaves[n])
        }
    }

    @Test func malformedLeafHashIsRefused() {
        var frontier = MerkleFrontier()
        #expect(throws: MerkleTreeError.malformedHash) { try frontier.append(leafHash: [1, 2, 3]) }
        #expect(frontier.treeSize == 0)
    }
}

/// Work done per operation, counted at the storage boundary.
@Suite("Cost: O(log n) with stored subtrees")
struct CostTests {
    static let size = 5_003  // odd, with several set bits
    static let logSize = Int.bitWidth - size.leadingZeroBitCount  // 13

    @Test func appendedStoreServesRootsAndProofsInLogarithmicReads() async throws {
        let (appended, _) = try await appendedTree(sampleLeafHashes(Self.size))
        let leaves = CountingLeafSource(appended.leaves)
        let store = CountingSubtreeStore(appended.subtrees)
        let tree = MerkleTree(leaves: leaves, subtrees: store)

        func expectCost(_ what: String, lookups: Int, leafReads: Int, _ operation: () async throws -> Void) async throws {
            await leaves.reset()
            await store.reset()
            try await operation()
            #expect(await store.lookups <= lookups, "\(what): lookups")
            #expect(await leaves.leavesRead <= leafReads, "\(what): leaves read")
            #expect(await store.offered == 0, "\(what): nothing to compute")
        }

        try await expectCost("root", lookups: Self.logSize, leafReads: 1) {
            _ = try await tree.rootHash(treeSize: Self.size)
        }
        for index in [0, 1, 2_500, 4_095, 4_096, Self.size - 1] {
            try await expectCost("inclusion of \(index)", lookups: 2 * Self.logSize, leafReads: 2) {
                _ = try await tree.inclusionProof(leafIndex: index, treeSize: Self.size)
            }
        }
        for first in [1, 2, 1_000, 4_096, 4_097, Self.size - 1] {
            try await expectCost("consistency from \(first)", lookups: 3 * Self.logSize, leafReads: 3) {
                _ = try await tree.consistencyProof(firstSize: first, secondSize: Self.size)
            }
        }
        try await expectCost("frontier", lookups: Self.logSize, leafReads: 1) {
            _ = try await tree.frontier(treeSize: Self.size)
        }
    }

    @Test func lazyStoreComputesEachSubtreeOnce() async throws {
        let leaves = CountingLeafSource(InMemoryLeafHashes(sampleLeafHashes(Self.size)))
        let backing = InMemorySubtreeStore()
        let tree = MerkleTree(leaves: leaves, subtrees: backing)

        let root = try await tree.rootHash(treeSize: Self.size)
        #expect(await leaves.leavesRead == Self.size, "the first root reads every leaf once")
        #expect(await backing.count == Self.size - Self.size.nonzeroBitCount, "and stores every perfect subtree")

        await leaves.reset()
        #expect(try await tree.rootHash(treeSize: Self.size) == root)
        _ = try await tree.inclusionProof(leafIndex: 1_234, treeSize: Self.size)
        _ = try await tree.consistencyProof(firstSize: 777, secondSize: Self.size)
        #expect(await leaves.leavesRead <= 6, "afterwards only the odd leaf on an edge is read")
    }

    @Test func appendingStoresAtMostLogNSubtreesPerLeaf() throws {
        var frontier = MerkleFrontier()
        var total = 0
        for leafHash in sampleLeafHashes(Self.size) {
            let completed = try frontier.append(leafHash: leafHash)
            #expect(completed.count <= Self.logSize)
            total += completed.count
        }
        #expect(total == Self.size - Self.size.nonzeroBitCount, "amortised: under one per leaf")
    }
}

/// What tampering with the leaves does to roots and to proofs issued before it.
@Suite("Tamper evidence")
struct TamperEvidenceTests {
    static let size = 37
    static let honest = sampleLeafHashes(size + 5)

    /// An honest log of `size` leaves, and what it published.
    struct Published {
        let root: [UInt8]
        let proofs: [[[UInt8]]]
    }

    static func publish() async throws -> Published {
        let (tree, _) = try await appendedTree(Array(honest[..<size]))
        var proofs: [[[UInt8]]] = []
        for index in 0 ..< size {
            proofs.append(try await tree.inclusionProof(leafIndex: index, treeSize: size))
        }
        return Published(root: try await tree.rootHash(treeSize: size), proofs: proofs)
    }

    /// Rewritten history is caught: the root changes, the leaf's old proof fails
    /// against the new root, and no consistency proof links the published root to
    /// the rewritten log, even after it has grown.
    func expectDetected(_ rewritten: [[UInt8]], touching index: Int, published: Published) async throws {
        let tree = try await StoreKind.lazy.tree(over: rewritten)
        let rewrittenRoot = try await tree.rootHash(treeSize: rewritten.count)
        #expect(rewrittenRoot != published.root)
        #expect(!MerkleTree.verifyInclusion(
            leafHash: Self.honest[index], index: index, treeSize: rewritten.count,
            proof: published.proofs[index], root: rewrittenRoot))

        let grown = rewritten + Self.honest[Self.size...]
        let grownTree = try await StoreKind.lazy.tree(over: grown)
        let grownRoot = try await grownTree.rootHash(treeSize: grown.count)
        let proof = try await grownTree.consistencyProof(firstSize: Self.size, secondSize: grown.count)
        #expect(!MerkleTree.verifyConsistency(
            firstSize: Self.size, secondSize: grown.count,
            firstRoot: published.root, secondRoot: grownRoot, proof: proof))
    }

    @Test func honestGrowthIsConsistent() async throws {
        let published = try await Self.publish()
        let tree = try await StoreKind.appended.tree(over: Self.honest)
        let proof = try await tree.consistencyProof(firstSize: Self.size, secondSize: Self.honest.count)
        #expect(MerkleTree.verifyConsistency(
            firstSize: Self.size, secondSize: Self.honest.count,
            firstRoot: published.root, secondRoot: try await tree.rootHash(treeSize: Self.honest.count),
            proof: proof))
    }

    @Test func changingAnyLeafIsDetected() async throws {
        let published = try await Self.publish()
        for index in 0 ..< Self.size {
            var rewritten = Array(Self.honest[..<Self.size])
            rewritten[index] = MerkleHash.leaf(Array("forged-\(index)".utf8))
            try await expectDetected(rewritten, touching: index, published: published)
        }
    }

    @Test func deletingAnyLeafIsDetected() async throws {
        let published = try await Self.publish()
        for index in 0 ..< Self.size {
            var rewritten = Array(Self.honest[..<Self.size])
            rewritten.remove(at: index)
            // Pad back to the same size, so only the deletion can be the tell.
            rewritten.append(MerkleHash.leaf(Array("padding".utf8)))
            try await expectDetected(rewritten, touching: index, published: published)
        }
    }

    @Test func reorderingAnyTwoAdjacentLeavesIsDetected() async throws {
        let published = try await Self.publish()
        for index in 0 ..< Self.size - 1 {
            var rewritten = Array(Self.honest[..<Self.size])
            rewritten.swapAt(index, index + 1)
            try await expectDetected(rewritten, touching: index, published: published)
        }
    }

    @Test func aStoreRefusesAConflictingSubtreeHash() async throws {
        let store = InMemorySubtreeStore()
        let genuine = PerfectSubtree(level: 1, index: 0, hash: MerkleHash.leaf([1]))
        try await store.store([genuine])
        try await store.store([genuine])  // the same hash again is fine
        let forged = PerfectSubtree(level: 1, index: 0, hash: MerkleHash.leaf([2]))
        let other = PerfectSubtree(level: 1, index: 1, hash: MerkleHash.leaf([3]))
        await #expect(throws: MerkleTreeError.conflictingSubtreeHash(level: 1, index: 0)) {
            try await store.store([other, forged])
        }
        #expect(await store.subtreeHash(level: 1, index: 0) == genuine.hash)
        #expect(await store.subtreeHash(level: 1, index: 1) == nil, "a refused batch leaves no trace")
    }
}

@Suite("Errors and malformed input")
struct MalformedInputTests {
    @Test func invalidRequestsThrow() async throws {
        let tree = try await StoreKind.lazy.tree(over: sampleLeafHashes(10))
        await #expect(throws: MerkleTreeError.invalidTreeSize(-1)) { try await tree.rootHash(treeSize: -1) }
        await #expect(throws: MerkleTreeError.leafIndexOutOfRange(index: 10, treeSize: 10)) {
            try await tree.inclusionProof(leafIndex: 10, treeSize: 10)
        }
        await #expect(throws: MerkleTreeError.leafIndexOutOfRange(index: -1, treeSize: 10)) {
            try await tree.inclusionProof(leafIndex: -1, treeSize: 10)
        }
        await #expect(throws: MerkleTreeError.invalidConsistencySizes(first: 5, second: 4)) {
            try await tree.consistencyProof(firstSize: 5, secondSize: 4)
        }
        await #expect(throws: MerkleTreeError.leafHashesUnavailable(10 ..< 11)) {
            try await tree.rootHash(treeSize: 11)
        }
    }

    @Test func malformedStoredHashIsRefused() async throws {
        struct CorruptStore: SubtreeStore {
            func subtreeHash(level: Int, index: Int) async throws -> [UInt8]? { [0xAB] }
            func store(_ subtrees: [PerfectSubtree]) async throws {}
        }
        let tree = MerkleTree(leaves: InMemoryLeafHashes(sampleLeafHashes(4)), subtrees: CorruptStore())
        await #expect(throws: MerkleTreeError.malformedHash) { try await tree.rootHash(treeSize: 4) }
    }

    @Test func malformedLeafHashIsRefused() async throws {
        let tree = MerkleTree(leaves: InMemoryLeafHashes([[1, 2, 3], [4]]), subtrees: InMemorySubtreeStore())
        await #expect(throws: MerkleTreeError.malformedHash) { try await tree.rootHash(treeSize: 2) }
    }

    @Test func verifiersAnswerFalseToNonsense() {
        let leaves = sampleLeafHashes(8)
        let root = Reference.mth(leaves)
        let proof = Reference.path(5, leaves[...])
        #expect(MerkleTree.verifyInclusion(leafHash: leaves[5], index: 5, treeSize: 8, proof: proof, root: root))
        #expect(!MerkleTree.verifyInclusion(leafHash: leaves[5], index: -1, treeSize: 8, proof: proof, root: root))
        #expect(!MerkleTree.verifyInclusion(leafHash: leaves[5], index: 5, treeSize: 0, proof: proof, root: root))
        #expect(!MerkleTree.verifyInclusion(leafHash: leaves[5], index: 5, treeSize: 8, proof: proof, root: Array(root.dropLast())))
        #expect(!MerkleTree.verifyInclusion(leafHash: Array(leaves[5].prefix(31)), index: 5, treeSize: 8, proof: proof, root: root))
        #expect(!MerkleTree.verifyInclusion(leafHash: leaves[5], index: 5, treeSize: 8, proof: proof + [[1]], root: root))
        #expect(!MerkleTree.verifyInclusion(leafHash: leaves[5], index: 5, treeSize: 8, proof: [], root: root))

        let root6 = Reference.mth(leaves[..<6])
        let consistency = Reference.consistency(6, leaves[...])
        #expect(MerkleTree.verifyConsistency(firstSize: 6, secondSize: 8, firstRoot: root6, secondRoot: root, proof: consistency))
        #expect(!MerkleTree.verifyConsistency(firstSize: -1, secondSize: 8, firstRoot: root6, secondRoot: root, proof: consistency))
        #expect(!MerkleTree.verifyConsistency(firstSize: 6, secondSize: 8, firstRoot: [], secondRoot: root, proof: consistency))
        #expect(!MerkleTree.verifyConsistency(firstSize: 6, secondSize: 8, firstRoot: root6, secondRoot: root, proof: consistency + [[]]))
        // Equal sizes: consistent exactly when the roots agree and the proof is empty.
        #expect(MerkleTree.verifyConsistency(firstSize: 8, secondSize: 8, firstRoot: root, secondRoot: root, proof: []))
        #expect(!MerkleTree.verifyConsistency(firstSize: 8, secondSize: 8, firstRoot: root, secondRoot: root, proof: [root]))
        #expect(!MerkleTree.verifyConsistency(firstSize: 8, secondSize: 8, firstRoot: root6, secondRoot: root, proof: []))
        // The empty tree precedes everything, but only if its root really is the empty root.
        #expect(MerkleTree.verifyConsistency(firstSize: 0, secondSize: 8, firstRoot: MerkleHash.empty, secondRoot: root, proof: []))
        #expect(!MerkleTree.verifyConsistency(firstSize: 0, secondSize: 8, firstRoot: root6, secondRoot: root, proof: []))
        #expect(!MerkleTree.verifyConsistency(firstSize: 0, secondSize: 8, firstRoot: MerkleHash.empty, secondRoot: root, proof: [root]))
    }

    /// RFC 9162 verification reads the tree size only through the shape of the
    /// path, so a proof for size 8 also passes as one for size 7 against the
    /// size-8 root. Recorded so nobody relies on the proof to authenticate the
    /// size: the signed tree head binds size and root together.
    @Test func theTreeSizeIsAuthenticatedByTheTreeHeadNotTheProof() {
        let leaves = ctEntries.map(MerkleHash.leaf)
        let root8 = Reference.mth(leaves)
        let root7 = Reference.mth(leaves[..<7])
        let inclusion = Reference.path(5, leaves[...])
        #expect(MerkleTree.verifyInclusion(leafHash: leaves[5], index: 5, treeSize: 7, proof: inclusion, root: root8))
        #expect(!MerkleTree.verifyInclusion(leafHash: leaves[5], index: 5, treeSize: 7, proof: inclusion, root: root7))
        // A size whose path has another shape fails even against the genuine root.
        #expect(!MerkleTree.verifyInclusion(leafHash: leaves[5], index: 5, treeSize: 6, proof: inclusion, root: root8))
    }
}
