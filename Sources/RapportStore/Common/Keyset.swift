import Foundation
import RapportCore
import SQLKit

/// Keyset pagination over one table: `ORDER BY sort, id` with a `(sort, id) > (cursor)` condition, so a
/// deep page costs the same as the first (no OFFSET).
struct KeysetPlan: Sendable {
    /// `contacts c`.
    let from: String
    /// The id column, `c.id`.
    let idColumn: String
    /// API sort field → SQL column. Every column listed here has an index with `id` after it.
    let sortColumns: [String: String]
    /// The default sort.
    let defaultSort: String

    /// The page of ids matching `conditions`, and the cursor of the next page.
    func page(conditions: [SQLQueryString], query: ListQuery, columns: String? = nil) throws(ValidationError) -> SQLQueryString {
        let sortParameter = query.sort ?? defaultSort
        let descending = sortParameter.hasPrefix("-")
        let field = descending ? String(sortParameter.dropFirst()) : sortParameter
        guard let column = sortColumns[field] else {
            throw ValidationError("sort", .invalidOption, ["options": sortColumns.keys.sorted().joined(separator: ", ")])
        }
        var all = conditions
        if let token = query.cursor {
            guard let cursor = Cursor(token: token, sort: sortParameter) else { throw ValidationError("cursor", .invalidFormat) }
            let op = descending ? "<" : ">"
            all.append(
                "(\(unsafeRaw: column), \(unsafeRaw: idColumn)) \(unsafeRaw: op) (\(bind: cursor.value.sqlBind), \(bind: cursor.id))")
        }
        let direction = descending ? "DESC" : "ASC"
        let selected = columns ?? "\(idColumn) AS id"
        return "SELECT \(unsafeRaw: selected), \(unsafeRaw: column) AS sort_value FROM \(unsafeRaw: from) WHERE "
            + all.anded()
            + " ORDER BY \(unsafeRaw: column) \(unsafeRaw: direction), \(unsafeRaw: idColumn) \(unsafeRaw: direction) LIMIT \(literal: query.limit + 1)"
    }

    /// The decision every searchable list makes: a search without a sort pages off the search index, best
    /// match newest first, and that page (whole rows) is the answer; a search under a sort is one more
    /// condition, added to `conditions`, and the caller pages by the sort as usual.
    func searchPage(
        _ db: any SQLDatabase, query: ListQuery, conditions: inout [SQLQueryString], kind: RecordKind, workspace: Workspace.ID,
        dialect: Dialect
    ) async throws -> ([any SQLRow], Cursor?)? {
        guard let search = query.search.map(SearchText.parse), !search.isEmpty else { return nil }
        guard query.sort != nil else {
            return try await SearchRows.page(
                db, search: search, list: query, dialect: dialect, workspace: workspace, kind: kind, table: from, idColumn: idColumn,
                conditions: conditions)
        }
        conditions.append(SearchRows.matches(search, dialect: dialect, workspace: workspace, kind: kind, idColumn: idColumn))
        return nil
    }

    /// Runs the page query returning whole rows (`alias.*` plus the sort value), so a list needs no second
    /// query for the rows it paged.
    func rows(_ db: any SQLDatabase, conditions: [SQLQueryString], query: ListQuery) async throws -> ([any SQLRow], Cursor?) {
        let alias = idColumn.split(separator: ".").first.map(String.init) ?? idColumn
        let sql = try page(conditions: conditions, query: query, columns: "\(alias).*")
        let rows = try await db.raw(sql).all()
        guard rows.count > query.limit else { return (rows, nil) }
        let last = rows[query.limit - 1]
        let next = Cursor(sort: query.sort ?? defaultSort, value: try sortValue(last), id: try last.string("id"))
        return (Array(rows.prefix(query.limit)), next)
    }

    /// Runs the page query: ids in order, and the next cursor when there are more.
    func ids(_ db: any SQLDatabase, conditions: [SQLQueryString], query: ListQuery) async throws -> ([String], Cursor?) {
        let sql = try page(conditions: conditions, query: query)
        let rows = try await db.raw(sql).all()
        var ids: [String] = []
        var next: Cursor?
        for (index, row) in rows.enumerated() {
            if index == query.limit {
                let last = rows[index - 1]
                next = Cursor(sort: query.sort ?? defaultSort, value: try sortValue(last), id: try last.string("id"))
                break
            }
            ids.append(try row.string("id"))
        }
        return (ids, next)
    }

    private func sortValue(_ row: any SQLRow) throws -> JSONValue {
        if let number = try? row.decode(column: "sort_value", as: Int64.self) { return .int(number) }
        if let text = try? row.decode(column: "sort_value", as: String.self) { return .string(text) }
        return .null
    }
}

extension JSONValue {
    /// A cursor value as a bind parameter.
    var sqlBind: any Encodable & Sendable {
        switch self {
        case .int(let value): value
        case .double(let value): value
        case .string(let value): value
        default: String?.none
        }
    }
}

/// The filters every record list shares, as SQL conditions.
enum CommonFilters {
    static func conditions(
        _ filters: ListQuery.Filters, alias: String, kind: RecordKind, workspace: Workspace.ID, dialect: Dialect,
        ownerColumn: String = "owner_id"
    ) throws(ValidationError) -> [SQLQueryString] {
        var conditions = AccessRows.narrowing(
            owner: filters.ownerID, team: filters.teamID, column: "\(alias).\(ownerColumn)", workspace: workspace)
        if let tag = filters.tag {
            conditions.append(TagRows.filter(kind: kind, idColumn: "\(alias).id", workspace: workspace, tag: tag))
        }
        let ranges: [(Date?, String, String)] = [
            (filters.createdFrom, "created_at", ">="), (filters.createdTo, "created_at", "<"),
            (filters.updatedFrom, "updated_at", ">="), (filters.updatedTo, "updated_at", "<"),
        ]
        for (date, column, op) in ranges {
            if let date { conditions.append("\(unsafeRaw: alias).\(unsafeRaw: column) \(unsafeRaw: op) \(bind: date.millis)") }
        }
        for (key, value) in filters.customFields.sorted(by: { $0.key < $1.key }) {
            guard !key.isEmpty, key.count <= 40, key.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" })
            else { throw ValidationError("customField.\(key)", .unknownField) }
            let column = "\(alias).custom_fields"
            conditions.append(
                "(" + dialect.customFieldText(key, column: column) + " = \(bind: value) OR "
                    + dialect.customFieldArrayContains(key, value: value, column: column) + ")")
        }
        return conditions
    }
}
