public import Foundation
public import Logging

/// Where the data lives: `sqlite:PATH` (or a bare path) for the embedded default, or a
/// `postgres://` / `postgresql://` URL. The default is `<data dir>/myna.sqlite`.
public enum DatabaseLocation: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(url: String)

    public init(_ text: String?, dataDirectory: URL) throws {
        guard let text, !text.isEmpty else {
            self = .sqlite(path: dataDirectory.appendingPathComponent("myna.sqlite").path)
            return
        }
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(url: text)
        } else if text.hasPrefix("sqlite:") {
            self = .sqlite(path: String(text.dropFirst("sqlite:".count)))
        } else if !text.contains("://") {
            self = .sqlite(path: text)
        } else {
            throw StoreError.unsupportedURL
        }
    }

    /// Opens the database and brings it up to `schema` (or to `schemaVersion`, for tests
    /// of an upgrade).
    public func open(_ schema: Schema, logger: Logger, schemaVersion: Int? = nil) async throws -> any Database {
        let database: any Database
        switch self {
        case .sqlite(let path):
            try FileManager.default.createDirectory(
                at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
            database = try await SQLiteDatabase.open(path: path, logger: logger)
        case .postgres(let url):
            database = try await PostgresDatabase.connect(url: url, logger: logger)
        }
        do {
            try await schema.migrate(database, through: schemaVersion)
        } catch {
            try? await database.close()
            throw error
        }
        return database
    }

    /// A description safe for logs: PostgreSQL passwords are hidden.
    public var redacted: String {
        switch self {
        case .sqlite(let path):
            return "sqlite:\(path)"
        case .postgres(let url):
            guard var components = URLComponents(string: url) else { return "postgres://…" }
            if components.password != nil { components.password = "***" }
            return components.string ?? "postgres://…"
        }
    }
}
