import Foundation
import RapportCore
import SQLKit

/// Times are stored as Unix milliseconds.
extension Date {
    var millis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
    init(millis: Int64) { self.init(timeIntervalSince1970: TimeInterval(millis) / 1000) }
}

// Optionals are read as "NULL?" then the plain type: SQLiteKit converts plain String/Int64/Bool
// directly, but decodes `Optional` through a generic `Decoder`, which made row decoding a tenth of a
// list request.
extension SQLRow {
    func string(_ column: String) throws -> String { try decode(column: column, as: String.self) }
    func optionalString(_ column: String) throws -> String? {
        try decodeNil(column: column) ? nil : decode(column: column, as: String.self)
    }
    func int(_ column: String) throws -> Int { try decode(column: column, as: Int.self) }
    func int64(_ column: String) throws -> Int64 { try decode(column: column, as: Int64.self) }
    func optionalInt(_ column: String) throws -> Int? {
        try decodeNil(column: column) ? nil : decode(column: column, as: Int.self)
    }
    func optionalInt64(_ column: String) throws -> Int64? {
        try decodeNil(column: column) ? nil : decode(column: column, as: Int64.self)
    }
    func bool(_ column: String) throws -> Bool { try decode(column: column, as: Bool.self) }
    func optionalBool(_ column: String) throws -> Bool? {
        try decodeNil(column: column) ? nil : decode(column: column, as: Bool.self)
    }
    func date(_ column: String) throws -> Date { Date(millis: try int64(column)) }
    func optionalDate(_ column: String) throws -> Date? { try optionalInt64(column).map(Date.init(millis:)) }
    func id<T>(_ column: String, as _: T.Type = T.self) throws -> Identifier<T> { Identifier(try string(column)) }
    func optionalID<T>(_ column: String, as _: T.Type = T.self) throws -> Identifier<T>? {
        try optionalString(column).map(Identifier.init(rawValue:))
    }
    func enumValue<E: RawRepresentable>(_ column: String, as _: E.Type = E.self) throws -> E where E.RawValue == String {
        let raw = try string(column)
        guard let value = E(rawValue: raw) else { throw StoreError.corruptValue(column: column, value: raw) }
        return value
    }
    func optionalEnum<E: RawRepresentable>(_ column: String, as _: E.Type = E.self) throws -> E?
    where E.RawValue == String {
        guard let raw = try optionalString(column) else { return nil }
        guard let value = E(rawValue: raw) else { throw StoreError.corruptValue(column: column, value: raw) }
        return value
    }
    func localDate(_ column: String) throws -> LocalDate? { try optionalString(column).flatMap(LocalDate.init(iso:)) }
    func json<T: Decodable>(_ column: String, as _: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(try string(column).utf8))
    }
}

/// A stored value that Rapport did not write; never expected, reported with the column.
enum StoreError: Error, CustomStringConvertible {
    case corruptValue(column: String, value: String)
    var description: String {
        switch self {
        case .corruptValue(let column, _): "Unexpected stored value in column \(column)"
        }
    }
}

/// Encodes a value as compact, key-sorted JSON for a TEXT column (sorted so equal values store equally).
func jsonText(_ value: some Encodable) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return (try? encoder.encode(value)).flatMap { String(data: $0, encoding: .utf8) } ?? "null"
}

/// Escapes `%`, `_` and `\` for a LIKE pattern used with `ESCAPE '\'`.
func likeEscaped(_ text: String) -> String {
    text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
        .replacingOccurrences(of: "_", with: "\\_")
}

extension Array where Element == SQLQueryString {
    /// Joins conditions with AND; an empty list is `TRUE`-equivalent.
    func anded() -> SQLQueryString {
        isEmpty ? "1 = 1" : "(" + joined(separator: ") AND (") + ")"
    }
}

/// Binds a list for `IN (...)`.
func inList(_ values: [String]) -> SQLQueryString {
    values.isEmpty ? "(NULL)" : "(\(binds: values))"
}

/// A long list for `IN (...)` (an import batch's thousands of e-mails): on SQLite one JSON text that SQLite
/// reads itself (`json_each`), as binding each value through SQLiteNIO cost more than the lookups; elsewhere
/// ``inList(_:)``.
func inList(_ db: any SQLDatabase, _ values: [String]) -> SQLQueryString {
    guard !values.isEmpty, db.dialect.name == "sqlite" else { return inList(values) }
    return "(SELECT value FROM json_each(\(bind: JSONValue.array(values.map(JSONValue.string)).jsonText)))"
}

extension SQLQueryString {
    /// Binds a value, or writes `NULL` for nil. SQLiteKit converts a bound String, Int64 or Bool directly but
    /// an `Optional` through a generic `Encoder`, which showed in bulk writes of rows with many empty columns.
    mutating func appendInterpolation(nullable value: (some Encodable & Sendable)?) {
        if let value { appendInterpolation(bind: value) } else { appendLiteral("NULL") }
    }
}

/// Fewer values than either engine's limit on one statement's bound values (SQLite 32,766, PostgreSQL 65,535).
let valuesPerStatement = 30_000

/// Inserts rows with as few statements as the engines allow: `head` (`INSERT INTO t (a, b)`), then each row's
/// parenthesised values from `values`, then `tail` (an `ON CONFLICT` clause). Batch writes (imports) go this
/// way instead of a statement per row.
/// - Parameter columns: the values per row, to keep each statement under the engines' limit.
func insertRows<Row>(
    _ db: any SQLDatabase, _ head: String, columns: Int, _ rows: some Collection<Row>, tail: String = "",
    values: (Row) -> SQLQueryString
) async throws {
    let rows = Array(rows)
    let perStatement = max(1, valuesPerStatement / max(1, columns))
    for start in stride(from: 0, to: rows.count, by: perStatement) {
        let chunk = rows[start..<min(start + perStatement, rows.count)]
        let statement = SQLQueryString(head + " VALUES ") + chunk.map(values).joined(separator: ", ") + SQLQueryString(tail)
        try await db.raw(statement).run()
    }
}

/// Audit changes as JSON for a TEXT column, written directly (see ``JSONValue/jsonText``); decodes as
/// `[FieldChange]`.
func jsonText(_ changes: [FieldChange]) -> String { FieldChange.jsonText(changes) }

/// A JSON value (a job's payload, an event's data) for a TEXT column, written directly.
func jsonText(_ value: JSONValue) -> String { value.jsonText }

/// Custom fields (or any JSON object) for a TEXT column, written directly (see ``JSONValue/jsonText``).
func jsonText(_ object: [String: JSONValue]) -> String { JSONValue.object(object).jsonText }
