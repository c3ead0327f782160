import Crypto
import Foundation
import MynaAudit
import MynaDatabase
import MynaTestSupport
import Testing

@Suite("Transparency log in the database")
struct TransparencyLogTests {
    /// Queues `count` records the way a provision record does: inside a transaction.
    static func enqueue(_ count: Int, from start: Int = 0, on database: any Database) async throws -> [(record: [UInt8], salt: [UInt8])] {
        var made: [(record: [UInt8], salt: [UInt8])] = []
        for index in start..<start + count {
            let record = Array("record \(index)".utf8)
            let salt = RecordCommitment.newSalt()
            try await database.transaction { connection in
                try await TransparencyLog.enqueue(kind: "test", recordID: index, record: record, salt: salt, at: 0, on: connection)
            }
            made.append((record, salt))
        }
        return made
    }

    @Test("sequenced records verify against signed heads; heads are consistent; OpenSSL-style keys check them", arguments: DatabaseKind.available)
    func sequenceAndProve(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { _, environment in
            let log = try TransparencyLog(database: environment.database, keys: environment.keys, clock: environment.clock.wallClock)
            let empty = try await log.sequence()
            #expect(empty.treeSize == 0 && empty.rootHash == MerkleHash.empty && empty.verify(publicKey: log.publicKey))
            let first = try await Self.enqueue(37, on: environment.database)
            let head37 = try await log.sequence()
            #expect(head37.treeSize == 37 && head37.verify(publicKey: log.publicKey))
            let second = try await Self.enqueue(70, from: 37, on: environment.database)
            let head107 = try await log.sequence(limit: 50)  // two rounds: the limit holds
            #expect(head107.treeSize == 87)
            let head = try await log.sequence()
            let again = try await log.sequence()
            #expect(head.treeSize == 107 && again == head)  // nothing queued: same head

            for (index, entry) in (first + second).enumerated() where index % 7 == 0 {
                #expect(try await log.verify(kind: "test", recordID: index, record: entry.record, salt: entry.salt))
                let leafHash = MerkleHash.leaf(try RecordCommitment.commit(record: entry.record, salt: entry.salt))
                let (leafIndex, path) = try await log.inclusionProof(leafHash: leafHash, treeSize: 107)
                #expect(leafIndex == index)
                #expect(MerkleTree.verifyInclusion(leafHash: leafHash, index: leafIndex, treeSize: 107, proof: path, root: head.rootHash))
            }
            let consistency = try await log.consistencyProof(first: 37, second: 107)
            #expect(MerkleTree.verifyConsistency(firstSize: 37, secondSize: 107, firstRoot: head37.rootHash, secondRoot: head.rootHash, proof: consistency))
            #expect(try await log.entries(start: 0, end: 2).count == 3)
            #expect(try await log.verifyLeaves())
            // A record read back with the wrong salt or changed bytes is not the one logged.
            #expect(try await log.verify(kind: "test", recordID: 0, record: Array("record 1".utf8), salt: first[0].salt) == false)
            #expect(try await log.verify(kind: "test", recordID: 0, record: first[0].record, salt: first[1].salt) == false)

            // Rounds started together (the sequencer service and a caller) both succeed.
            _ = try await Self.enqueue(3, from: 200, on: environment.database)
            async let one = log.sequence()
            async let two = log.sequence()
            let heads = try await [one, two]
            #expect(heads.allSatisfy { $0.verify(publicKey: log.publicKey) } && heads.map(\.treeSize).max() == 110)
            _ = try await environment.database.transaction { try await $0.query("SELECT 1") }

            // A restarted log (no cached frontier) carries on from the stored subtrees.
            let restarted = try TransparencyLog(database: environment.database, keys: environment.keys, clock: environment.clock.wallClock)
            _ = try await Self.enqueue(5, from: 107, on: environment.database)
            let after = try await restarted.sequence()
            #expect(after.treeSize == 115 && after.verify(publicKey: log.publicKey))
            let proof = try await restarted.consistencyProof(first: 107, second: 115)
            #expect(MerkleTree.verifyConsistency(firstSize: 107, secondSize: 115, firstRoot: head.rootHash, secondRoot: after.rootHash, proof: proof))
        }
    }

    @Test("a leaf changed, deleted or reordered in the database is detected", arguments: DatabaseKind.available)
    func tamper(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { _, environment in
            let database = environment.database
            let log = try TransparencyLog(database: database, keys: environment.keys, clock: environment.clock.wallClock)
            _ = try await Self.enqueue(20, on: database)
            try await log.sequence()
            #expect(try await log.verifyLeaves())
            func tampered(_ statements: [SQL]) async throws -> Bool {
                let saved = try await database.read { try await $0.query("SELECT leaf_index, leaf_hash, commitment FROM log_leaves ORDER BY leaf_index") }
                for statement in statements { _ = try await database.transaction { try await $0.query(statement) } }
                let detected = try await log.verifyLeaves() == false
                _ = try await database.transaction { connection in
                    try await connection.query("DELETE FROM log_leaves")
                    for row in saved {
                        try await connection.query(SQL(
                            "INSERT INTO log_leaves (leaf_index, leaf_hash, commitment, kind, record_id, sequenced_at) VALUES (?, ?, ?, 'test', ?, 0)",
                            [.integer(Int64(try row.int("leaf_index"))), .blob(try row.bytes("leaf_hash")), .blob(try row.bytes("commitment")),
                             .integer(Int64(try row.int("leaf_index")))]))
                    }
                }
                return detected
            }
            let forged = MerkleHash.leaf(Array(repeating: 1, count: 32))
            #expect(try await tampered([SQL("UPDATE log_leaves SET leaf_hash = ? WHERE leaf_index = 4", [.blob(forged)])]))
            #expect(try await tampered([SQL("DELETE FROM log_leaves WHERE leaf_index = 19")]))
            #expect(try await tampered([
                SQL("UPDATE log_leaves SET leaf_index = 100 WHERE leaf_index = 3"), SQL("UPDATE log_leaves SET leaf_index = 3 WHERE leaf_index = 8"),
                SQL("UPDATE log_leaves SET leaf_index = 8 WHERE leaf_index = 100"),
            ]))
            #expect(try await log.verifyLeaves())  // restored
        }
    }
}
