import RapportCore
import SQLKit
import SQLiteKit

/// Inserts rows given as cells (strings, integers, booleans, nulls) with as few statements as the engines allow.
/// In an SQLite transaction the cells are bound straight through SQLiteNIO (``SQLiteWriter``), not as SQLKit's
/// boxed values: a batch of a thousand contacts binds about seventy thousand. Elsewhere (PostgreSQL) each cell
/// is bound as SQLKit binds it (``insertRows(_:_:columns:_:tail:values:)``).
/// - Parameters:
///   - tail: an `ON CONFLICT` clause.
///   - cells: a row's values, one per column, in the columns' order.
func insertRows<Row>(
    _ db: any SQLDatabase, into table: String, columns: [String], _ rows: some Collection<Row>, tail: String = "",
    cells: (Row) -> [JSONValue]
) async throws {
    guard !rows.isEmpty else { return }
    let head = "INSERT INTO \(table) (\(columns.joined(separator: ", ")))"
    guard let writer = db as? SQLiteWriter else {
        try await insertRows(db, head, columns: columns.count, rows, tail: tail) { row in
            "(" + cells(row).map(bindCell).joined(separator: ", ") + ")"
        }
        return
    }
    let rows = Array(rows)
    let perStatement = max(1, valuesPerStatement / columns.count)
    let placeholders = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
    for start in stride(from: 0, to: rows.count, by: perStatement) {
        let chunk = rows[start..<min(start + perStatement, rows.count)]
        var binds: [SQLiteData] = []
        binds.reserveCapacity(chunk.count * columns.count)
        for row in chunk {
            for cell in cells(row) {
                switch cell {
                case .string(let text): binds.append(.text(text))
                case .int(let number): binds.append(.integer(Int(number)))
                case .double(let number): binds.append(.float(number))
                case .bool(let flag): binds.append(.integer(flag ? 1 : 0))
                default: binds.append(.null)
                }
            }
        }
        let statement = head + " VALUES " + Array(repeating: placeholders, count: chunk.count).joined(separator: ", ") + tail
        try await writer.connection.query(statement, binds) { _ in }
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
