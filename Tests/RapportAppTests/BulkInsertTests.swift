import Foundation
import RapportCore
import SQLKit
import Testing

@testable import RapportStore

/// Rows inserted in bulk keep every value as given, whichever way they go: on SQLite as one JSON text that
/// SQLite takes apart (built on the writer, or made ahead row by row), on PostgreSQL as bound values.
@Suite struct BulkInsertTests {
    static let columns = ["id", "label", "count", "ratio", "flag", "note"]

    /// Texts JSON must escape, numbers at the ends of their range, and nulls where a cell is missing or not a scalar.
    static let rows: [[JSONValue]] = [
        [.int(1), .string("Quote \" backslash \\ slash / tab \t newline \n return \r"), .int(Int64.max), .double(0.1), .bool(true), .null],
        [.int(2), .string("Фёдоров Пётр 🙂 \u{1}\u{1F}"), .int(Int64.min), .double(-1e300), .bool(false), .string("")],
        [.int(3), .string("123"), .int(0), .double(2.5), .bool(true), .array([.string("not a scalar")])],
    ]

    func create(_ db: any SQLDatabase) async throws {
        try await db.raw(
            """
            CREATE TABLE bulk_probe (id BIGINT PRIMARY KEY, label TEXT NOT NULL, count BIGINT NOT NULL,
                ratio DOUBLE PRECISION NOT NULL, flag BOOLEAN NOT NULL, note TEXT)
            """
        ).run()
    }

    func stored(_ app: TestApp) async throws -> [[String]] {
        try await app.store.database.reader.raw("SELECT * FROM bulk_probe ORDER BY id").all().map { row in
            [
                String(try row.decode(column: "id", as: Int64.self)), try row.decode(column: "label", as: String.self),
                String(try row.decode(column: "count", as: Int64.self)), String(try row.decode(column: "ratio", as: Double.self)),
                String(try row.decode(column: "flag", as: Bool.self)), try row.decode(column: "note", as: String?.self) ?? "NULL",
            ]
        }
    }

    static let expected = [
        ["1", "Quote \" backslash \\ slash / tab \t newline \n return \r", String(Int64.max), "0.1", "true", "NULL"],
        ["2", "Фёдоров Пётр 🙂 \u{1}\u{1F}", String(Int64.min), "-1e+300", "false", ""],
        ["3", "123", "0", "2.5", "true", "NULL"],
    ]

    @Test func everyValueIsStoredAsGiven() async throws {
        try await TestApp.with { app, _ in
            try await app.store.database.transaction { db in
                try await create(db)
                try await insertRows(db, into: "bulk_probe", columns: Self.columns, Self.rows) { $0 }
            }
            #expect(try await stored(app) == Self.expected)
        }
    }

    /// On SQLite rows made ahead are what is stored, not the cells (which here say otherwise); PostgreSQL binds
    /// the cells and has no rows made ahead.
    @Test(.enabled(if: TestApp.postgresURL == nil)) func rowsMadeAheadAreWhatSQLiteStores() async throws {
        try await TestApp.with { app, _ in
            try await app.store.database.transaction { db in
                try await create(db)
                try await insertRows(db, into: "bulk_probe", columns: Self.columns, Self.rows, prepared: Self.rows.map(sqliteRow)) {
                    var cells = $0
                    cells[1] = .string("built on the writer")
                    return cells
                }
            }
            #expect(try await stored(app) == Self.expected)
        }
    }

    /// An `ON CONFLICT` clause applies to the rows as it does to a `VALUES` list.
    @Test func aConflictClauseUpdatesTheStoredRow() async throws {
        try await TestApp.with { app, _ in
            try await app.store.database.transaction { db in
                try await create(db)
                try await insertRows(db, into: "bulk_probe", columns: Self.columns, Self.rows) { $0 }
                let again: [[JSONValue]] = [[.int(2), .string("второй"), .int(7), .double(0), .bool(true), .string("заметка")]]
                try await insertRows(
                    db, into: "bulk_probe", columns: Self.columns, again, tail: " ON CONFLICT (id) DO UPDATE SET label = excluded.label"
                ) { $0 }
            }
            #expect(try await stored(app).map { $0[1] } == [Self.expected[0][1], "второй", "123"])
        }
    }
}
