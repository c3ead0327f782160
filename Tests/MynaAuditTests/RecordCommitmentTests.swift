import MynaAudit
import Testing

@Suite("Record commitments")
struct RecordCommitmentTests {
    static let record = Array("example-record".utf8)
    static let salt = [UInt8](0 ..< 32)

    /// Computed independently with Python's hashlib:
    /// sha256(b"myna-record-v1\x00" + bytes(range(32)) + b"example-record").
    @Test func knownAnswer() throws {
        let commitment = try RecordCommitment.commit(record: Self.record, salt: Self.salt)
        #expect(commitment.testHex == "c09443c8091b61b6a8d767e215e935b3d879f0989f61b5ea1a3e767d60d6ae57")
        #expect(commitment == sha256(Array("myna-record-v1".utf8) + [0x00] + Self.salt + Self.record))
        // The log's leaf hash of that entry: sha256(b"\x00" + commitment).
        #expect(MerkleHash.leaf(commitment).testHex == "063ee81dc00f83f2ed7e9e62c16111869d2a6563b3047db12fea777b65817023")
    }

    @Test func commitmentsAre32Bytes() throws {
        for length in [0, 1, 55, 64, 1000] {
            let record = [UInt8](repeating: 0x5A, count: length)
            #expect(try RecordCommitment.commit(record: record, salt: RecordCommitment.newSalt()).count == 32)
        }
    }

    @Test func differentSaltsGiveDifferentCommitments() throws {
        var seen: Set<[UInt8]> = []
        for _ in 0 ..< 100 {
            let commitment = try RecordCommitment.commit(record: Self.record, salt: RecordCommitment.newSalt())
            #expect(seen.insert(commitment).inserted)
        }
        for bit in 0 ..< 256 {
            let flipped = try RecordCommitment.commit(record: Self.record, salt: Self.salt.flippingBit(bit))
            #expect(flipped != (try RecordCommitment.commit(record: Self.record, salt: Self.salt)))
        }
    }

    @Test func differentRecordsGiveDifferentCommitments() throws {
        let records = ["", "a", "b", "ab", "ba", "123456789012", "123456789013"].map { Array($0.utf8) }
        let commitments = try records.map { try RecordCommitment.commit(record: $0, salt: Self.salt) }
        #expect(Set(commitments).count == records.count)
    }

    @Test func saltsAreFreshAndFullLength() {
        let salts = (0 ..< 100).map { _ in RecordCommitment.newSalt() }
        #expect(salts.allSatisfy { $0.count == 32 })
        #expect(Set(salts).count == salts.count)
    }

    @Test func aSaltMustBe32Bytes() {
        for length in [0, 16, 31, 33, 64] {
            #expect(throws: RecordCommitmentError.malformedSalt) {
                try RecordCommitment.commit(record: Self.record, salt: [UInt8](repeating: 1, count: length))
            }
        }
    }

    @Test func openingACommitment() throws {
        let salt = RecordCommitment.newSalt()
        let commitment = try RecordCommitment.commit(record: Self.record, salt: salt)
        #expect(RecordCommitment.matches(commitment: commitment, record: Self.record, salt: salt))
        #expect(!RecordCommitment.matches(commitment: commitment, record: Self.record + [0], salt: salt))
        #expect(!RecordCommitment.matches(commitment: commitment, record: Self.record, salt: Self.salt))
        #expect(!RecordCommitment.matches(commitment: commitment, record: Self.record, salt: []))
    }

    /// The whole path: a record is committed, logged, and proven included.
    @Test func aCommittedRecordIsProvablyInTheLog() async throws {
        let salts = (0 ..< 20).map { _ in RecordCommitment.newSalt() }
        let records = (0 ..< 20).map { Array("record-\($0)".utf8) }
        let commitments = try zip(records, salts).map { try RecordCommitment.commit(record: $0, salt: $1) }
        let (tree, _) = try await appendedTree(commitments.map(MerkleHash.leaf))
        let root = try await tree.rootHash(treeSize: 20)
        let proof = try await tree.inclusionProof(leafIndex: 13, treeSize: 20)

        // Someone shown record 13 and its salt can check it against the published root.
        let opened = try RecordCommitment.commit(record: records[13], salt: salts[13])
        #expect(MerkleTree.verifyInclusion(
            leafHash: MerkleHash.leaf(opened), index: 13, treeSize: 20, proof: proof, root: root))
    }
}
