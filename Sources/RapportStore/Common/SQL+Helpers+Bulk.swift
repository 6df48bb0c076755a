import RapportCore
import SQLKit
import SQLiteKit

/// Inserts rows given as cells (strings, integers, booleans, nulls) with as few statements as the engines allow.
/// In an SQLite transaction (``SQLiteWriter``) the rows go as one JSON text that SQLite itself takes apart
/// (``sqliteRows(_:cells:)``), one statement for all of them; elsewhere (PostgreSQL) each cell is bound as
/// SQLKit binds it (``insertRows(_:_:columns:_:tail:values:)``).
/// - Parameters:
///   - tail: an `ON CONFLICT` clause.
///   - prepared: for SQLite, the rows as ``sqliteRow(_:)`` made them ahead (an import's, while the batch before
///     was written), used instead of `cells`.
///   - cells: a row's values, one per column, in the columns' order.
func insertRows<Row>(
    _ db: any SQLDatabase, into table: String, columns: [String], _ rows: some Collection<Row>, tail: String = "",
    prepared: [String]? = nil, cells: (Row) -> [JSONValue]
) async throws {
    guard !rows.isEmpty else { return }
    guard let writer = db as? SQLiteWriter else {
        let head = "INSERT INTO \(table) (\(columns.joined(separator: ", ")))"
        try await insertRows(db, head, columns: columns.count, rows, tail: tail) { row in
            "(" + cells(row).map(bindCell).joined(separator: ", ") + ")"
        }
        return
    }
    assert(prepared == nil || prepared?.count == rows.count, "one prepared row per row")
    let json: String
    if let prepared, prepared.count == rows.count {
        json = "[" + prepared.joined(separator: ",") + "]"
    } else {
        json = sqliteRows(rows, cells: cells)
    }
    try await writer.insert(into: table, columns: columns, json, tail: tail)
}

/// Rows as SQLite's bulk insert takes them: a JSON array with an array of cells per row. Strings, integers,
/// floating-point numbers and booleans (as 1 and 0) keep their type; arrays and objects are null, as a bound
/// cell would be.
func sqliteRows<Row>(_ rows: some Collection<Row>, cells: (Row) -> [JSONValue]) -> String {
    var json: [UInt8] = []
    json.reserveCapacity(rows.count * 256)
    json.append(UInt8(ascii: "["))
    for (index, row) in rows.enumerated() {
        if index > 0 { json.append(UInt8(ascii: ",")) }
        appendSQLiteRow(cells(row), to: &json)
    }
    json.append(UInt8(ascii: "]"))
    return String(decoding: json, as: UTF8.self)
}

/// One row of ``sqliteRows(_:cells:)``, made ahead: its cells as a JSON array.
func sqliteRow(_ cells: [JSONValue]) -> String {
    var json: [UInt8] = []
    // Room for a contact's row or an audit entry's (its changes escaped) without growing.
    json.reserveCapacity(1024)
    appendSQLiteRow(cells, to: &json)
    return String(decoding: json, as: UTF8.self)
}

private func appendSQLiteRow(_ cells: [JSONValue], to json: inout [UInt8]) {
    json.append(UInt8(ascii: "["))
    for (column, cell) in cells.enumerated() {
        if column > 0 { json.append(UInt8(ascii: ",")) }
        switch cell {
        case .array, .object: json += "null".utf8
        default: cell.write(to: &json)
        }
    }
    json.append(UInt8(ascii: "]"))
}

extension SQLiteWriter {
    /// Inserts rows given as ``sqliteRows(_:cells:)`` with one statement: SQLite reads the JSON (`jsonb_each`)
    /// and each cell by its position, so one text is bound instead of every value through SQLiteNIO, whose
    /// binding and statement parsing cost more than SQLite's own inserts in an import.
    /// - Parameter tail: an `ON CONFLICT` clause (after `WHERE true`, which SQLite needs to tell it from a join).
    func insert(into table: String, columns: [String], _ rows: String, tail: String = "") async throws {
        let values = columns.indices.map { "value ->> \($0)" }.joined(separator: ", ")
        let statement = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) SELECT \(values) FROM jsonb_each(?) WHERE true\(tail)"
        try await connection.query(statement, [.text(rows)]) { _ in }
    }
}

/// A cell bound as its own value (PostgreSQL, and restored archives); null, arrays and objects are `NULL`.
func bindCell(_ value: JSONValue) -> SQLQueryString {
    switch value {
    case .string(let text): "\(bind: text)"
    case .int(let number): "\(bind: number)"
    case .double(let number): "\(bind: number)"
    case .bool(let flag): "\(bind: flag)"
    default: "NULL"
    }
}

extension JSONValue {
    /// A text cell, or null.
    static func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
    /// An integer cell, or null.
    static func number(_ value: Int64?) -> JSONValue { value.map(JSONValue.int) ?? .null }
    /// An integer cell.
    static func number(_ value: Int) -> JSONValue { .int(Int64(value)) }
    /// A boolean cell, or null.
    static func flag(_ value: Bool?) -> JSONValue { value.map(JSONValue.bool) ?? .null }
}
