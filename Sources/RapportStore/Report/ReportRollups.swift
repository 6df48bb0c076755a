import RapportCore
import SQLKit

/// The reports' per-UTC-day rollups (migrations 23 and 27): on PostgreSQL their triggers append changes,
/// and this folds them into the rollup rows.
enum ReportRollups {
    /// Moves PostgreSQL's appended changes into the rollups inside the caller's transaction: each change row is
    /// taken (and deleted) by exactly one fold, rows committed meanwhile wait for the next, one fold runs at a
    /// time (a transaction-level advisory lock), and the rollup rows are taken in key order. The reports read
    /// rollups and changes together, so a fold changes no report. (SQLite writes no changes: its triggers
    /// update the rollups directly, so ``MaintenanceRepository/foldRollups()`` does not call this there.)
    /// - Returns: how many change rows were folded.
    @discardableResult
    static func fold(_ db: any SQLDatabase) async throws -> Int {
        // One fold at a time: two scanning a large backlog could otherwise take its rows in different orders.
        try await db.raw("SELECT pg_advisory_xact_lock(\(unsafeRaw: String(advisoryLock)))").run()
        return try await fold(db, into: "source_days", from: "source_day_changes", key: Schema.sourceDayKey, sums: ["n", "revenue"])
            + fold(db, into: "stage_visit_days", from: "stage_visit_day_changes", key: Schema.visitDayKey, sums: ["visits", "millis"])
    }

    /// The transaction-level advisory lock that folds take (an arbitrary constant: "rollups" in ASCII).
    static let advisoryLock: Int64 = 0x726F_6C6C_7570_73

    /// One rollup: the changes deleted and summed per key into one statement's upsert.
    private static func fold(_ db: any SQLDatabase, into rollup: String, from changes: String, key: String, sums: [String]) async throws
        -> Int
    {
        let columns = sums.joined(separator: ", ")
        let summed = sums.map { "SUM(\($0))" }.joined(separator: ", ")
        let added = sums.map { "\($0) = \(rollup).\($0) + excluded.\($0)" }.joined(separator: ", ")
        let row = try await db.raw(
            """
            WITH moved AS (DELETE FROM \(unsafeRaw: changes) RETURNING \(unsafeRaw: key), \(unsafeRaw: columns)),
            folded AS (
                INSERT INTO \(unsafeRaw: rollup) (\(unsafeRaw: key), \(unsafeRaw: columns))
                SELECT \(unsafeRaw: key), \(unsafeRaw: summed) FROM moved GROUP BY \(unsafeRaw: key) ORDER BY \(unsafeRaw: key)
                ON CONFLICT (\(unsafeRaw: key)) DO UPDATE SET \(unsafeRaw: added))
            SELECT COUNT(*) AS n FROM moved
            """
        ).first()
        return try row?.int("n") ?? 0
    }
}
