/// The values Myna stores, the same on SQLite and PostgreSQL. Timestamps are stored as
/// integer milliseconds since the Unix epoch and dates as ISO text, so both databases
/// compare and sort them the same way.
public enum SQLValue: Sendable, Hashable {
    case integer(Int64)
    case text(String)
    case blob([UInt8])
    case real(Double)
    case null

    public init(_ value: Int) { self = .integer(Int64(value)) }
    public init(_ value: String) { self = .text(value) }
    public init(_ value: [UInt8]) { self = .blob(value) }
    public init(_ value: String?) { self = value.map(SQLValue.text) ?? .null }
    public init(_ value: Int?) { self = value.map { .integer(Int64($0)) } ?? .null }
}

/// One statement with `?` placeholders and its values. The placeholders are rewritten to
/// `$1, $2, …` for PostgreSQL; SQL text is always a literal in Myna's code and values
/// always travel as binds, never spliced into the text.
public struct SQL: Sendable, Hashable, ExpressibleByStringLiteral {
    public var text: String
    public var binds: [SQLValue]

    public init(_ text: String, _ binds: [SQLValue] = []) {
        self.text = text
        self.binds = binds
    }

    public init(stringLiteral value: String) { self.init(value) }
}

/// A row as an ordered list of named columns.
public struct SQLRow: Sendable, Hashable {
    public let names: [String]
    public let values: [SQLValue]

    public init(names: [String], values: [SQLValue]) {
        self.names = names
        self.values = values
    }

    public subscript(_ name: String) -> SQLValue {
        guard let index = names.firstIndex(of: name) else { return .null }
        return values[index]
    }

    /// Typed access that throws a storage error (not a crash) when the schema and the
    /// code disagree.
    public func int(_ name: String) throws -> Int {
        guard case .integer(let value) = self[name] else { throw StoreError.unexpectedColumn(name) }
        return Int(value)
    }

    public func string(_ name: String) throws -> String {
        guard case .text(let value) = self[name] else { throw StoreError.unexpectedColumn(name) }
        return value
    }

    public func bytes(_ name: String) throws -> [UInt8] {
        guard case .blob(let value) = self[name] else { throw StoreError.unexpectedColumn(name) }
        return value
    }

    public func optionalString(_ name: String) throws -> String? {
        if case .null = self[name] { return nil }
        return try string(name)
    }

    public func optionalInt(_ name: String) throws -> Int? {
        if case .null = self[name] { return nil }
        return try int(name)
    }

    public func optionalBytes(_ name: String) throws -> [UInt8]? {
        if case .null = self[name] { return nil }
        return try bytes(name)
    }
}
