public import Crypto
public import Foundation
public import MynaCore
public import MynaDatabase
public import MynaSecrets

/// The transparency log in Myna's database: a Merkle tree over salted commitments to
/// provision records and the access records of staff, oversight, agencies and apps, with
/// signed tree heads (RFC 6962 §3.5) and the proofs of RFC 9162 §2.1.
///
/// Records are *queued* inside the transaction that writes them (``enqueue(kind:recordID:record:salt:at:on:)``),
/// so a record and its place in the log commit or fail together. One sequencer turns the
/// queue into leaves and signs a new head (``sequence(limit:)``); leaves are numbered by
/// the sequencer, never by the writers, so the tree has no gaps however transactions
/// interleave. The server sequences every second (the log's maximum merge delay).
public actor TransparencyLog {
    let database: any Database
    let key: LogKey
    let clock: WallClock
    private var frontier: MerkleFrontier?

    public init(database: any Database, keys: KeyStore, clock: WallClock = .system) throws {
        self.database = database
        self.key = LogKey(privateKey: try P256.Signing.PrivateKey(rawRepresentation: try keys.bytes(.logSigning)))
        self.clock = clock
    }

    /// The key that verifies this log's tree heads (PEM SubjectPublicKeyInfo).
    public nonisolated var publicKeyPEM: String { key.publicKeyPEM }
    public nonisolated var publicKey: P256.Signing.PublicKey { key.publicKey }

    /// Queues the commitment to a record in the caller's transaction. `record` is the
    /// record's canonical bytes and `salt` its random salt; only the commitment is stored
    /// here, so the public log reveals nothing about the record.
    public static func enqueue(
        kind: String, recordID: Int, record: [UInt8], salt: [UInt8], at millis: Int64, on connection: any SQLConnection
    ) async throws {
        try await connection.query(SQL(queueInsert, try queueBinds(kind: kind, recordID: recordID, record: record, salt: salt, at: millis)))
    }

    /// The statement that queues a commitment, and its values: for a writer that puts it
    /// in one statement with the record itself (see `ProvisionRecorder`).
    public static let queueInsert = "INSERT INTO log_queue (commitment, kind, record_id, queued_at) VALUES (?, ?, ?, ?)"

    /// Queues many commitments, each made by ``queueBinds(kind:recordID:record:salt:at:)``,
    /// in the caller's transaction: one bulk insert however many people a list names.
    public static func enqueue(_ queued: [[SQLValue]], on connection: any SQLConnection) async throws {
        if queued.count == 1 {
            try await connection.query(SQL(queueInsert, queued[0]))
        } else {
            try await connection.insertMany(into: "log_queue", columns: ["commitment", "kind", "record_id", "queued_at"], rows: queued)
        }
    }

    public static func queueBinds(kind: String, recordID: Int, record: [UInt8], salt: [UInt8], at millis: Int64) throws -> [SQLValue] {
        [.blob(try RecordCommitment.commit(record: record, salt: salt)), .text(kind), .integer(Int64(recordID)), .integer(millis)]
    }

    var tree: MerkleTree { MerkleTree(leaves: DatabaseLeaves(database: database), subtrees: DatabaseSubtrees(database: database)) }

    /// Turns queued commitments into leaves (at most `limit` per call) and signs a head
    /// for the new size. With nothing queued it returns the newest head (signing the
    /// empty tree's head the first time).
    ///
    /// Two rounds may overlap (the actor is re-entered while one awaits the database, or
    /// another server shares the database): the later one finds the tree moved on,
    /// rebuilds its frontier and tries again.
    @discardableResult
    public func sequence(limit: Int = 10_000) async throws -> SignedTreeHead {
        for _ in 0..<8 {
            do {
                return try await sequenceOnce(limit: limit)
            } catch LogError.concurrentSequencer {
                try await Task.sleep(for: .milliseconds(Int.random(in: 5...50)))
            }
        }
        return try await sequenceOnce(limit: limit)
    }

    private func sequenceOnce(limit: Int) async throws -> SignedTreeHead {
        let size = try await treeSize()
        let start = try await currentFrontier(size: size)
        let now = clock.milliseconds
        let key = self.key
        do {
            let (head, updated) = try await database.transaction { connection -> (SignedTreeHead, MerkleFrontier) in
                try await connection.lock(.logSequencer)
                guard try await Self.treeSize(on: connection) == size else { throw LogError.concurrentSequencer }
                var frontier = start
                let queued = try await connection.query(SQL(
                    "SELECT id, commitment, kind, record_id FROM log_queue ORDER BY id LIMIT ?", [.init(limit)]))
                if queued.isEmpty, let head = try await Self.latestHead(on: connection), head.treeSize == UInt64(size) {
                    return (head, frontier)
                }
                var leaves: [[SQLValue]] = []
                var subtrees: [[SQLValue]] = []
                for (offset, row) in queued.enumerated() {
                    let commitment = try row.bytes("commitment")
                    let leafHash = MerkleHash.leaf(commitment)
                    for subtree in try frontier.append(leafHash: leafHash) {
                        subtrees.append([.init(subtree.level), .integer(Int64(subtree.index)), .blob(subtree.hash)])
                    }
                    leaves.append([.integer(Int64(size + offset)), .blob(leafHash), .blob(commitment), .text(try row.string("kind")),
                                   .integer(Int64(try row.int("record_id"))), .integer(now)])
                }
                for chunk in stride(from: 0, to: leaves.count, by: 500) {
                    try await connection.insertMany(
                        into: "log_leaves", columns: ["leaf_index", "leaf_hash", "commitment", "kind", "record_id", "sequenced_at"],
                        rows: Array(leaves[chunk..<min(leaves.count, chunk + 500)]))
                }
                for chunk in stride(from: 0, to: subtrees.count, by: 500) {
                    try await connection.insertMany(
                        into: "log_subtrees", columns: ["level", "idx", "hash"], rows: Array(subtrees[chunk..<min(subtrees.count, chunk + 500)]),
                        onConflict: "ON CONFLICT (level, idx) DO NOTHING")
                }
                let ids = try queued.map { SQLValue.integer(Int64(try $0.int("id"))) }
                for chunk in stride(from: 0, to: ids.count, by: 500) {
                    let slice = Array(ids[chunk..<min(ids.count, chunk + 500)])
                    try await connection.query(SQL(
                        "DELETE FROM log_queue WHERE id IN (\(Array(repeating: "?", count: slice.count).joined(separator: ", ")))", slice))
                }
                let head = try SignedTreeHead.sign(
                    treeSize: UInt64(frontier.treeSize), timestamp: UInt64(now), rootHash: frontier.rootHash, key: key)
                try await connection.query(SQL(
                    "INSERT INTO log_heads (tree_size, signed_at, root_hash, signature) VALUES (?, ?, ?, ?) ON CONFLICT (tree_size) DO NOTHING",
                    [.integer(Int64(head.treeSize)), .integer(now), .blob(head.rootHash), .blob(head.signature)]))
                return (head, frontier)
            }
            self.frontier = updated
            return head
        } catch {
            self.frontier = nil
            throw error
        }
    }

    /// The frontier for `size` leaves: the cached one, or rebuilt from the stored
    /// subtrees (O(log n) reads) outside any transaction.
    private func currentFrontier(size: Int) async throws -> MerkleFrontier {
        if let frontier, frontier.treeSize == size { return frontier }
        let rebuilt = try await tree.frontier(treeSize: size)
        frontier = rebuilt
        return rebuilt
    }

    /// The number of leaves sequenced (the last index + 1: an index lookup, not a count).
    public func treeSize() async throws -> Int {
        try await database.read { try await Self.treeSize(on: $0) }
    }

    static func treeSize(on connection: any SQLConnection) async throws -> Int {
        (try await connection.first("SELECT MAX(leaf_index) AS last FROM log_leaves")?.optionalInt("last")).map { $0 + 1 } ?? 0
    }

    /// The newest signed tree head, if any.
    public func latestHead() async throws -> SignedTreeHead? {
        try await database.read { try await Self.latestHead(on: $0) }
    }

    static func latestHead(on connection: any SQLConnection) async throws -> SignedTreeHead? {
        try await connection.first("SELECT * FROM log_heads ORDER BY tree_size DESC LIMIT 1").map { row in
            SignedTreeHead(
                treeSize: UInt64(try row.int("tree_size")), timestamp: UInt64(try row.int("signed_at")), rootHash: try row.bytes("root_hash"),
                signature: try row.bytes("signature"))
        }
    }

    /// RFC 6962 §4.4: the proof that the tree of `first` leaves is a prefix of the tree
    /// of `second` leaves.
    public func consistencyProof(first: Int, second: Int) async throws -> [[UInt8]] {
        guard first <= second else { throw LogError.reversedRange }
        guard 0 <= first, second <= (try await treeSize()) else { throw LogError.outOfRange }
        return try await tree.consistencyProof(firstSize: first, secondSize: second)
    }

    /// RFC 6962 §4.5: the leaf with this hash and its audit path in the tree of `treeSize`.
    public func inclusionProof(leafHash: [UInt8], treeSize: Int) async throws -> (leafIndex: Int, path: [[UInt8]]) {
        guard let index = try await database.read({ connection in
            try await connection.first(SQL("SELECT leaf_index FROM log_leaves WHERE leaf_hash = ?", [.blob(leafHash)]))?.int("leaf_index")
        }), index < treeSize, treeSize <= (try await self.treeSize())
        else { throw LogError.outOfRange }
        return (index, try await tree.inclusionProof(leafIndex: index, treeSize: treeSize))
    }

    /// RFC 6962 §4.6: the entries (commitments) from `start` through `end`, inclusive, at
    /// most 1,000. As RFC 6962 §4.6 lets a log, the range is cut at the tree's end: past it
    /// there is nothing, and the answer is empty.
    public func entries(start: Int, end: Int) async throws -> [[UInt8]] {
        guard start <= end else { throw LogError.reversedRange }
        guard 0 <= start else { throw LogError.outOfRange }
        // `end - start` cannot overflow (0 ≤ start ≤ end); `start + 999` could, near Int.max.
        let last = end - start < 1_000 ? end : start + 999
        return try await database.read { connection in
            try await connection.query(SQL(
                "SELECT commitment FROM log_leaves WHERE leaf_index >= ? AND leaf_index <= ? ORDER BY leaf_index",
                [.integer(Int64(start)), .integer(Int64(last))])).map { try $0.bytes("commitment") }
        }
    }

    /// Where a record stands against the log.
    public enum RecordCheck: Sendable, Hashable {
        /// Its commitment is leaf `leafIndex` of the newest signed head, of `treeSize` leaves.
        case verified(leafIndex: Int, treeSize: Int)
        /// Not in a signed head yet (the sequencer runs every second).
        case notYetLogged
        /// The record, its salt or the log does not match: it was changed, swapped or moved.
        case failed
    }

    /// Whether a record, as stored now, is the one the log committed to: its commitment
    /// (from its canonical bytes and salt) equals its leaf's, and the leaf is included in
    /// the newest signed head. A record changed, swapped or moved after it was logged fails.
    public func check(kind: String, recordID: Int, record: [UInt8], salt: [UInt8]) async throws -> RecordCheck {
        guard let leaf = try await leaf(kind: kind, recordID: recordID), let head = try await latestHead(), leaf.leafIndex < Int(head.treeSize) else {
            return .notYetLogged
        }
        guard RecordCommitment.matches(commitment: leaf.commitment, record: record, salt: salt) else { return .failed }
        let proof = try await tree.inclusionProof(leafIndex: leaf.leafIndex, treeSize: Int(head.treeSize))
        let included = head.verify(publicKey: publicKey)
            && MerkleTree.verifyInclusion(
                leafHash: MerkleHash.leaf(leaf.commitment), index: leaf.leafIndex, treeSize: Int(head.treeSize), proof: proof, root: head.rootHash)
        return included ? .verified(leafIndex: leaf.leafIndex, treeSize: Int(head.treeSize)) : .failed
    }

    public func verify(kind: String, recordID: Int, record: [UInt8], salt: [UInt8]) async throws -> Bool {
        if case .verified = try await check(kind: kind, recordID: recordID, record: record, salt: salt) { return true }
        return false
    }

    /// Recomputes the root of the newest head from the stored leaves alone, ignoring the
    /// cached subtrees: a leaf changed, removed or reordered in the database no longer
    /// yields the root the log signed.
    public func verifyLeaves() async throws -> Bool {
        guard let head = try await latestHead() else { return true }
        let size = Int(head.treeSize)
        guard try await treeSize() >= size else { return false }
        let recomputed = try await MerkleTree(leaves: DatabaseLeaves(database: database), subtrees: NoSubtrees()).rootHash(treeSize: size)
        return recomputed == head.rootHash && head.verify(publicKey: publicKey)
    }

    /// Where a record sits in the log, once sequenced.
    public func leaf(kind: String, recordID: Int) async throws -> (leafIndex: Int, commitment: [UInt8])? {
        try await database.read { connection in
            try await connection.first(SQL(
                "SELECT leaf_index, commitment FROM log_leaves WHERE kind = ? AND record_id = ?", [.text(kind), .integer(Int64(recordID))]))
                .map { (try $0.int("leaf_index"), try $0.bytes("commitment")) }
        }
    }
}

public enum LogError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Past the tree: no such size, or no such leaf in it.
    case outOfRange
    /// A range that ends before it starts (`second < first`, `end < start`).
    case reversedRange
    case concurrentSequencer

    public var description: String {
        switch self {
        case .outOfRange: "the log has no such entry or size"
        case .reversedRange: "the range ends before it starts"
        case .concurrentSequencer: "another sequencer moved the log on; try again"
        }
    }
}

/// The log's leaf hashes, read from `log_leaves`.
struct DatabaseLeaves: LeafHashSource {
    let database: any Database

    func leafHashes(_ range: Range<Int>) async throws -> [[UInt8]] {
        try await database.read { connection in
            try await connection.query(SQL(
                "SELECT leaf_hash FROM log_leaves WHERE leaf_index >= ? AND leaf_index < ? ORDER BY leaf_index",
                [.integer(Int64(range.lowerBound)), .integer(Int64(range.upperBound))])).map { try $0.bytes("leaf_hash") }
        }
    }
}

/// A store that keeps nothing: every root is computed from the leaves.
struct NoSubtrees: SubtreeStore {
    func subtreeHash(level: Int, index: Int) async throws -> [UInt8]? { nil }
    func store(_ subtrees: [PerfectSubtree]) async throws {}
}

/// Perfect-subtree hashes in `log_subtrees`, written once.
struct DatabaseSubtrees: SubtreeStore {
    let database: any Database

    func subtreeHash(level: Int, index: Int) async throws -> [UInt8]? {
        try await database.read { connection in
            try await connection.first(SQL(
                "SELECT hash FROM log_subtrees WHERE level = ? AND idx = ?", [.init(level), .integer(Int64(index))]))?.bytes("hash")
        }
    }

    func store(_ subtrees: [PerfectSubtree]) async throws {
        guard !subtrees.isEmpty else { return }
        try await database.transaction { connection in
            try await connection.insertMany(
                into: "log_subtrees", columns: ["level", "idx", "hash"],
                rows: subtrees.map { [.init($0.level), .integer(Int64($0.index)), .blob($0.hash)] }, onConflict: "ON CONFLICT (level, idx) DO NOTHING")
        }
    }
}

extension AdvisoryLock {
    /// The log's sequencer: one server at a time appends leaves.
    static let logSequencer = AdvisoryLock("log-sequencer", key: 4_242_424_243)
}
