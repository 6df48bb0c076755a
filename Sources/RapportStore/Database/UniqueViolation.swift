import PostgresKit
import SQLiteKit

/// A write the database refused because a unique index already holds the value: two requests (on
/// PostgreSQL, perhaps on two nodes) checked that an e-mail or an extension was free, and both wrote it.
/// Repositories that know the index turn it into a field error; any other becomes a 409 "already exists",
/// never a 500.
public struct UniqueViolation: Error, Sendable, Equatable {
    /// PostgreSQL's name of the index, or SQLite's message naming the table and columns.
    public var constraint: String

    /// Whether the violated index is this one (by its name on PostgreSQL, by a column it covers on SQLite).
    func isOn(index: String, column: String) -> Bool { constraint == index || constraint.contains(column) }

    /// The unique violation an error from either database driver is, if it is one.
    static func from(_ error: any Error) -> UniqueViolation? {
        if let error = error as? PSQLError, error.serverInfo?[.sqlState] == "23505" {
            return UniqueViolation(constraint: error.serverInfo?[.constraintName] ?? "")
        }
        if let error = error as? SQLiteError, error.reason == .constraintUniqueFailed || error.reason == .constraintPrimaryKeyFailed {
            return UniqueViolation(constraint: error.message)
        }
        return nil
    }
}

extension Database {
    /// Whether an error says the database could not do the work now and nothing was written, so the client
    /// may simply try again: no connection was free in time (PostgreSQL's pool waits ten seconds), or
    /// PostgreSQL rolled the transaction back to break a deadlock or a serialization conflict (two writers
    /// adding to the same report rollup rows in opposite orders, for one), or SQLite stayed locked past its
    /// busy timeout.
    public static func isBusy(_ error: any Error) -> Bool {
        if error is ConnectionPoolTimeoutError { return true }
        if let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] {
            return state == "40P01" || state == "40001"
        }
        if let error = error as? SQLiteError { return error.reason == .busy || error.reason == .busyTimeout }
        return false
    }
}
