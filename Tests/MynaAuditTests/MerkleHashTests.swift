import MynaAudit
import Testing

/// Known answers: SHA-256 facts and the RFC 6962 test vectors published with
/// Certificate Transparency implementations.
@Suite("Known answers")
struct KnownAnswerTests {
    /// `MTH(D[n])` of the first `n` CT test entries, n = 0...8.
    static let ctRoots = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ].map([UInt8].init(testHex:))

    @Test func emptyTreeRootIsSHA256OfTheEmptyString() async throws {
        let expected = [UInt8](testHex: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(MerkleHash.empty == expected)
        let (tree, _) = try await appendedTree([])
        #expect(try await tree.rootHash(treeSize: 0) == expected)
        #expect(MerkleFrontier().rootHash == expected)
    }

    @Test func leafHashOfTheEmptyEntryIsSHA256OfZeroByte() {
        #expect(MerkleHash.leaf([]).testHex == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
        #expect(MerkleHash.leaf([0x00]).testHex == "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7")
    }

    @Test func leafAndNodeHashesAreDomainSeparated() {
        let left = MerkleHash.leaf(Array("a".utf8))
        let right = MerkleHash.leaf(Array("b".utf8))
        #expect(MerkleHash.node(left, right) == sha256([0x01] + left + right))
        #expect(MerkleHash.leaf(left + right) != MerkleHash.node(left, right))
    }

    @Test("MTH of the CT test entries", arguments: 0 ... 8)
    func ctRoot(size: Int) async throws {
        let leafHashes = ctEntries.prefix(size).map(MerkleHash.leaf)
        let (tree, _) = try await appendedTree(Array(leafHashes))
        #expect(try await tree.rootHash(treeSize: size) == Self.ctRoots[size])
        #expect(Reference.mth(Array(leafHashes)) == Self.ctRoots[size])
        var frontier = MerkleFrontier()
        for leafHash in leafHashes { _ = try frontier.append(leafHash: leafHash) }
        #expect(frontier.rootHash == Self.ctRoots[size])
    }

    /// `(leaf index, tree size, PATH)` from the CT test data.
    static let ctInclusionProofs: [(Int, Int, [String])] = [
        (0, 1, []),
        (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
        (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
        (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
        (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    ]

    @Test func ctInclusionProofs() async throws {
        let leafHashes = ctEntries.map(MerkleHash.leaf)
        let (tree, _) = try await appendedTree(leafHashes)
        for (index, size, expectedHex) in Self.ctInclusionProofs {
            let expected = expectedHex.map([UInt8].init(testHex:))
            let proof = try await tree.inclusionProof(leafIndex: index, treeSize: size)
            #expect(proof == expected, "PATH(\(index), D[\(size)])")
            #expect(MerkleTree.verifyInclusion(
                leafHash: leafHashes[index], index: index, treeSize: size, proof: expected, root: Self.ctRoots[size]))
        }
    }

    /// `(first size, second size, PROOF)` from the CT test data.
    static let ctConsistencyProofs: [(Int, Int, [String])] = [
        (1, 1, []),
        (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
        (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
        (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    ]

    @Test func ctConsistencyProofs() async throws {
        let (tree, _) = try await appendedTree(ctEntries.map(MerkleHash.leaf))
        for (first, second, expectedHex) in Self.ctConsistencyProofs {
            let expected = expectedHex.map([UInt8].init(testHex:))
            let proof = try await tree.consistencyProof(firstSize: first, secondSize: second)
            #expect(proof == expected, "PROOF(\(first), D[\(second)])")
            #expect(MerkleTree.verifyConsistency(
                firstSize: first, secondSize: second,
                firstRoot: Self.ctRoots[first], secondRoot: Self.ctRoots[second], proof: expected))
        }
    }
}
