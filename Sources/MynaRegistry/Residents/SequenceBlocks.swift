import MynaNumbering
import MynaDatabase

/// Issuance sequence values, reserved from the database in blocks and handed out from
/// memory (the "hi/lo" pattern). One small write reserves thousands of values, so
/// preparing registrations never waits for the database's single writer while it is
/// busy committing an earlier batch. Values of a block that a process never hands out
/// are simply never used: numbers must be unique, not dense.
actor SequenceBlocks {
    private let database: any Database
    private let blockSize: Int
    private var available: Range<UInt64> = 0..<0

    /// A block serves many requests: a bulk import asks for thousands at a time, and a
    /// reservation should come once in many batches, not once per batch.
    init(database: any Database, blockSize: Int = 65_536) {
        self.database = database
        self.blockSize = blockSize
    }

    /// `count` consecutive sequence values no one else will receive.
    func take(_ count: Int) async throws -> Range<UInt64> {
        if available.count >= count {
            let taken = available.lowerBound..<(available.lowerBound + UInt64(count))
            available = taken.upperBound..<available.upperBound
            return taken
        }
        let size = max(count * 16, blockSize)
        let block = try await database.transaction { try await Self.reserve(size, on: $0) }
        let taken = block.lowerBound..<(block.lowerBound + UInt64(count))
        available = taken.upperBound..<block.upperBound
        return taken
    }

    /// The next sequence value, with the numbering row held until the caller's
    /// transaction ends: a bulk import counts its values in memory while no one else can
    /// reserve, and stores where it got to with ``release(holding:on:)``.
    static func hold(on connection: any SQLConnection) async throws -> UInt64 {
        guard let next = try await connection.first(SQL(
            "UPDATE numbering_state SET next_sequence = next_sequence WHERE id = 1 RETURNING next_sequence"))?.int("next_sequence")
        else { throw StoreError.unexpectedColumn("next_sequence") }
        return UInt64(next)
    }

    static func release(holding next: UInt64, on connection: any SQLConnection) async throws {
        try await connection.query(SQL("UPDATE numbering_state SET next_sequence = ? WHERE id = 1", [.integer(Int64(next))]))
    }

    /// Advances the numbering state by `count` inside the caller's transaction.
    static func reserve(_ count: Int, on connection: any SQLConnection) async throws -> Range<UInt64> {
        guard let end = try await connection.first(SQL(
            "UPDATE numbering_state SET next_sequence = next_sequence + ? WHERE id = 1 RETURNING next_sequence",
            [.init(count)]))?.int("next_sequence")
        else { throw StoreError.unexpectedColumn("next_sequence") }
        guard UInt64(end) <= FeistelPermutation.domainSize else {
            throw RegistryError(.numberExhausted, "the 11-digit number space is exhausted")
        }
        return UInt64(end - count)..<UInt64(end)
    }
}
