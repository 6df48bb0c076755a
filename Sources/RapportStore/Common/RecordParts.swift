import Foundation
import RapportCore
import SQLKit

/// Phones and e-mails of contacts and companies (one table each, keyed by record).
enum ChannelRows {
    static func replace(
        _ db: any SQLDatabase, workspace: Workspace.ID, kind: RecordKind, id: String, phones: [Phone], emails: [Email]
    ) async throws {
        try await db.raw("DELETE FROM phones WHERE record_kind = \(bind: kind.rawValue) AND record_id = \(bind: id)").run()
        try await db.raw("DELETE FROM emails WHERE record_kind = \(bind: kind.rawValue) AND record_id = \(bind: id)").run()
        try await insert(db, workspace: workspace, kind: kind, [(id, phones, emails)])
    }

    /// Adds the phones and e-mails of new records (none stored yet), a statement per table for all of them.
    /// - Parameter prepared: the records' rows made ahead with ``sqliteRows(workspace:kind:id:phones:emails:)``.
    static func insert(
        _ db: any SQLDatabase, workspace: Workspace.ID, kind: RecordKind, _ records: [(id: String, phones: [Phone], emails: [Email])],
        prepared: (phones: [String], emails: [String])? = nil
    ) async throws {
        let phones = records.flatMap { record in record.phones.enumerated().map { (record.id, $0, $1) } }
        try await insertRows(db, into: "phones", columns: phoneColumns, phones, prepared: prepared?.phones) {
            phoneCells(workspace: workspace, kind: kind, id: $0, position: $1, $2)
        }
        let emails = records.flatMap { record in record.emails.enumerated().map { (record.id, $0, $1) } }
        try await insertRows(db, into: "emails", columns: emailColumns, emails, prepared: prepared?.emails) {
            emailCells(workspace: workspace, kind: kind, id: $0, position: $1, $2)
        }
    }

    /// A record's rows of both tables for SQLite's bulk insert (``sqliteRow(_:)``), made ahead.
    static func sqliteRows(workspace: Workspace.ID, kind: RecordKind, id: String, phones: [Phone], emails: [Email])
        -> (phones: [String], emails: [String])
    {
        (
            phones.enumerated().map { sqliteRow(phoneCells(workspace: workspace, kind: kind, id: id, position: $0, $1)) },
            emails.enumerated().map { sqliteRow(emailCells(workspace: workspace, kind: kind, id: id, position: $0, $1)) }
        )
    }

    static let phoneColumns = ["workspace_id", "record_kind", "record_id", "position", "raw", "e164", "kind"]
    static let emailColumns = ["workspace_id", "record_kind", "record_id", "position", "address", "kind"]

    static func phoneCells(workspace: Workspace.ID, kind: RecordKind, id: String, position: Int, _ phone: Phone) -> [JSONValue] {
        [
            .string(workspace.rawValue), .string(kind.rawValue), .string(id), .number(Int64(position)), .string(phone.number.raw),
            .text(phone.number.e164), .string(phone.kind.rawValue),
        ]
    }

    static func emailCells(workspace: Workspace.ID, kind: RecordKind, id: String, position: Int, _ email: Email) -> [JSONValue] {
        [
            .string(workspace.rawValue), .string(kind.rawValue), .string(id), .number(Int64(position)), .string(email.address),
            .string(email.kind.rawValue),
        ]
    }
}

/// Everything a page of records carries besides its row, loaded in one round trip.
struct RecordPartsPage {
    var phones: [String: [Phone]] = [:]
    var emails: [String: [Email]] = [:]
    var tags: [String: [String]] = [:]
    var companyLinks: [String: [CompanyLink]] = [:]

    /// Loads the parts of records of one kind with a single `UNION ALL` query (a list page costs two
    /// queries instead of six).
    static func load(
        _ db: any SQLDatabase, kind: RecordKind, ids: [String], channels: Bool, companyLinks: Bool
    ) async throws -> RecordPartsPage {
        var page = RecordPartsPage()
        guard !ids.isEmpty else { return page }
        var parts: [SQLQueryString] = [
            """
            SELECT 't' AS part, rt.record_id AS record_id, rt.position AS pos, t.name AS a, NULL AS b, NULL AS c
            FROM record_tags rt JOIN tags t ON t.id = rt.tag_id
            WHERE rt.record_kind = \(bind: kind.rawValue) AND rt.record_id IN \(inList(ids))
            """
        ]
        if channels {
            parts.append(
                "SELECT 'p', record_id, position, raw, e164, kind FROM phones WHERE record_kind = \(bind: kind.rawValue) AND record_id IN \(inList(ids))"
            )
            parts.append(
                "SELECT 'e', record_id, position, address, NULL, kind FROM emails WHERE record_kind = \(bind: kind.rawValue) AND record_id IN \(inList(ids))"
            )
        }
        if companyLinks {
            parts.append(
                "SELECT 'c', contact_id, position, company_id, CASE WHEN is_primary THEN '1' ELSE '0' END, NULL FROM contact_companies WHERE contact_id IN \(inList(ids))"
            )
        }
        let rows = try await db.raw(parts.joined(separator: " UNION ALL ") + " ORDER BY part, record_id, pos").all()
        for row in rows {
            let id = try row.string("record_id")
            let a = try row.string("a")
            switch try row.string("part") {
            case "t": page.tags[id, default: []].append(a)
            case "p":
                page.phones[id, default: []].append(
                    Phone(number: PhoneNumber(raw: a, e164: try row.optionalString("b")), kind: try row.enumValue("c")))
            case "e": page.emails[id, default: []].append(Email(address: a, kind: try row.enumValue("c")))
            default:
                page.companyLinks[id, default: []].append(
                    CompanyLink(companyID: Company.ID(a), isPrimary: try row.optionalString("b") == "1"))
            }
        }
        return page
    }
}

/// Tags: a workspace-wide list of names, linked to records. Using a new name creates the tag.
enum TagRows {
    static func replace(
        _ db: any SQLDatabase, context: StoreContext, workspace: Workspace.ID, kind: RecordKind, id: String,
        names: [String]
    ) async throws {
        try await db.raw("DELETE FROM record_tags WHERE record_kind = \(bind: kind.rawValue) AND record_id = \(bind: id)").run()
        try await link(db, context: context, workspace: workspace, kind: kind, [(id, names)])
    }

    /// Links records to tags by name (creating the tags that are new), one statement for all the links.
    static func link(
        _ db: any SQLDatabase, context: StoreContext, workspace: Workspace.ID, kind: RecordKind, _ records: [(id: String, names: [String])]
    ) async throws {
        var tagIDs: [String: String] = [:]
        for name in Set(records.flatMap(\.names)) {
            tagIDs[name] = try await ensure(db, context: context, workspace: workspace, name: name)
        }
        let links = records.flatMap { record in
            record.names.enumerated().compactMap { position, name in tagIDs[name].map { (record.id, $0, position) } }
        }
        try await insertRows(
            db, into: "record_tags", columns: ["workspace_id", "record_kind", "record_id", "tag_id", "position"], links,
            tail: " ON CONFLICT DO NOTHING"
        ) { id, tag, position in
            [.string(workspace.rawValue), .string(kind.rawValue), .string(id), .string(tag), .number(position)]
        }
    }

    /// The tag's id, creating the tag if it is new.
    static func ensure(_ db: any SQLDatabase, context: StoreContext, workspace: Workspace.ID, name: String) async throws
        -> String
    {
        let key = SearchText.fold(name)
        try await db.raw(
            """
            INSERT INTO tags (id, workspace_id, name, name_key, created_at)
            VALUES (\(bind: context.effects.newID()), \(bind: workspace.rawValue), \(bind: name), \(bind: key),
                    \(bind: context.effects.now().millis))
            ON CONFLICT (workspace_id, name_key) DO NOTHING
            """
        ).run()
        let row = try await db.raw(
            "SELECT id FROM tags WHERE workspace_id = \(bind: workspace.rawValue) AND name_key = \(bind: key)"
        ).first()
        guard let row else { throw StoreError.corruptValue(column: "tags.id", value: key) }
        return try row.string("id")
    }

    /// The condition "the record has this tag" for list filters.
    static func filter(kind: RecordKind, idColumn: String, workspace: Workspace.ID, tag: String) -> SQLQueryString {
        """
        EXISTS (SELECT 1 FROM record_tags rt JOIN tags t ON t.id = rt.tag_id
                WHERE rt.record_kind = \(bind: kind.rawValue) AND rt.record_id = \(unsafeRaw: idColumn)
                AND t.workspace_id = \(bind: workspace.rawValue) AND t.name_key = \(bind: SearchText.fold(tag)))
        """
    }
}

/// Audit log writes and reads.
enum AuditRows {
    static func append(
        _ db: any SQLDatabase, context: StoreContext, workspace: Workspace.ID, actor: User.ID?, record: RecordRef,
        action: AuditAction, changes: [FieldChange]
    ) async throws {
        try await append(db, context: context, workspace: workspace, actor: actor, [(record, action, changes)])
    }

    /// Appends entries of one actor at one time, a statement for all of them (an import batch), each with its
    /// webhook events.
    /// - Parameters:
    ///   - texts: the entries' changes as JSON (``jsonText(_:)-([FieldChange])``) when the caller wrote them ahead.
    ///   - prepared: for SQLite, the entries' rows made ahead with ``cells(id:workspace:at:actor:record:action:changes:)``
    ///     and ``sqliteRow(_:)`` (an import's, with their own ids and time).
    static func append(
        _ db: any SQLDatabase, context: StoreContext, workspace: Workspace.ID, actor: User.ID?,
        _ entries: [(record: RecordRef, action: AuditAction, changes: [FieldChange])], texts: [String]? = nil,
        prepared: [String]? = nil
    ) async throws {
        let at = context.effects.now()
        let texts = texts ?? entries.map { jsonText($0.changes) }
        try await insertRows(db, into: "audit_log", columns: columns, Array(zip(entries, texts)), prepared: prepared) { entry, text in
            cells(
                id: context.effects.newID(), workspace: workspace, at: at, actor: actor, record: entry.record, action: entry.action,
                changes: text)
        }
        try await WebhookOutbox.record(db, context: context, workspace: workspace, entries)
    }

    static let columns = ["id", "workspace_id", "at", "actor_id", "record_kind", "record_id", "action", "changes"]

    static func cells(
        id: String, workspace: Workspace.ID, at: Date, actor: User.ID?, record: RecordRef, action: AuditAction, changes: String
    ) -> [JSONValue] {
        [
            .string(id), .string(workspace.rawValue), .int(at.millis), .text(actor?.rawValue), .string(record.kind.rawValue),
            .string(record.id), .string(action.rawValue), .string(changes),
        ]
    }

    static func decode(_ row: any SQLRow) throws -> AuditEntry {
        AuditEntry(
            id: try row.id("id"), workspaceID: try row.id("workspace_id"), at: try row.date("at"),
            actorID: try row.optionalID("actor_id"),
            record: RecordRef(kind: try row.enumValue("record_kind"), id: try row.string("record_id")),
            action: try row.enumValue("action"), changes: try row.json("changes", as: [FieldChange].self))
    }
}

/// The search index: one folded document per record.
enum SearchRows {
    static func index(
        _ db: any SQLDatabase, workspace: Workspace.ID, kind: RecordKind, id: String, body: String
    ) async throws {
        try await index(db, workspace: workspace, kind: kind, [(id, body)])
    }

    /// Indexes (or re-indexes) records' documents, one statement for all of them.
    /// - Parameter prepared: for SQLite, the documents' rows made ahead with ``cells(workspace:kind:id:body:)``.
    static func index(
        _ db: any SQLDatabase, workspace: Workspace.ID, kind: RecordKind, _ documents: [(id: String, body: String)],
        prepared: [String]? = nil
    ) async throws {
        try await insertRows(
            db, into: "search_docs", columns: ["workspace_id", "record_kind", "record_id", "body"], documents,
            tail: " ON CONFLICT (record_id) DO UPDATE SET body = excluded.body", prepared: prepared
        ) { id, body in cells(workspace: workspace, kind: kind, id: id, body: body) }
    }

    static func cells(workspace: Workspace.ID, kind: RecordKind, id: String, body: String) -> [JSONValue] {
        [.string(workspace.rawValue), .string(kind.rawValue), .string(id), .string(body)]
    }

    static func matches(
        _ query: SearchText.Query, dialect: Dialect, workspace: Workspace.ID, kind: RecordKind, idColumn: String
    ) -> SQLQueryString {
        let terms = query.digits == nil ? query.terms : []
        let short = terms.filter { $0.count < 3 }
        var conditions: [SQLQueryString] = [
            "d.workspace_id = \(bind: workspace.rawValue)", "d.record_kind = \(bind: kind.rawValue)",
        ]
        switch dialect {
        case .sqlite:
            // Trigram FTS: every quoted term of 3+ characters matches as a substring, from the index.
            if let match = ftsMatch(query) {
                conditions.append("d.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH \(bind: match))")
            }
        case .postgres:
            conditions += likeConditions(query, column: "d.body")
        }
        for term in short {
            // One- and two-letter terms cannot use a trigram index: matched at word starts by a scan of
            // the rows the other terms left.
            conditions.append(
                "(d.body LIKE \(bind: likeEscaped(term) + "%") ESCAPE '\\' OR d.body LIKE \(bind: "% " + likeEscaped(term) + "%") ESCAPE '\\')"
            )
        }
        return "\(unsafeRaw: idColumn) IN (SELECT d.record_id FROM search_docs d WHERE " + conditions.anded() + ")"
    }

    /// The FTS5 query for a search: every word of 3+ characters (AND), or any of a phone fragment's digit
    /// alternatives (OR); nil when nothing can use the index.
    static func ftsMatch(_ query: SearchText.Query) -> String? {
        func quoted(_ term: String) -> String { "\"" + term.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        if query.digits != nil { return query.digitAlternatives.map(quoted).joined(separator: " OR ") }
        let indexed = query.terms.filter { $0.count >= 3 }
        return indexed.isEmpty ? nil : indexed.map(quoted).joined(separator: " AND ")
    }

    /// `LIKE` conditions for the same search (PostgreSQL, where pg_trgm indexes them).
    static func likeConditions(_ query: SearchText.Query, column: String) -> [SQLQueryString] {
        func like(_ term: String) -> SQLQueryString { "\(unsafeRaw: column) LIKE \(bind: "%" + likeEscaped(term) + "%") ESCAPE '\\'" }
        if query.digits != nil { return ["(" + query.digitAlternatives.map(like).joined(separator: " OR ") + ")"] }
        return query.terms.filter { $0.count >= 3 }.map(like)
    }

    /// The sort name of search pages: newest match first (by search document), which the index serves
    /// in order, so a page of a common word costs the same as a rare one.
    static let matchSort = "-match"

    /// A page of records matching a search (whole rows), newest match first, read straight off the search
    /// index and stopped after one page (a list sorted by another field must find every match first).
    /// - Parameters:
    ///   - table: the record table with the alias the `conditions` use, e.g. `contacts c`.
    ///   - idColumn: the record id column, e.g. `c.id`.
    static func page(
        _ db: any SQLDatabase, search: SearchText.Query, list: ListQuery, dialect: Dialect, workspace: Workspace.ID,
        kind: RecordKind, table: String, idColumn: String, conditions: [SQLQueryString]
    ) async throws -> ([any SQLRow], Cursor?) {
        let terms = search.digits == nil ? search.terms : []
        var all =
            conditions + [
                "sd.workspace_id = \(bind: workspace.rawValue)", "sd.record_kind = \(bind: kind.rawValue)",
            ]
        for term in terms where term.count < 3 {
            all.append(
                "(sd.body LIKE \(bind: likeEscaped(term) + "%") ESCAPE '\\' OR sd.body LIKE \(bind: "% " + likeEscaped(term) + "%") ESCAPE '\\')"
            )
        }
        let source: SQLQueryString
        let docColumn: String
        switch (dialect, ftsMatch(search)) {
        case (.sqlite, let match?):
            source = "search_fts JOIN search_docs sd ON sd.id = search_fts.rowid"
            all.append("search_fts MATCH \(bind: match)")
            docColumn = "search_fts.rowid"
        default:
            source = "search_docs sd"
            all += likeConditions(search, column: "sd.body")
            docColumn = "sd.id"
        }
        if let token = list.cursor {
            guard let cursor = Cursor(token: token, sort: matchSort), case .int(let doc) = cursor.value else {
                throw ValidationError("cursor", .invalidFormat)
            }
            all.append("\(unsafeRaw: docColumn) < \(bind: doc)")
        }
        let alias = idColumn.split(separator: ".").first.map(String.init) ?? idColumn
        let rows = try await db.raw(
            "SELECT \(unsafeRaw: alias).*, \(unsafeRaw: docColumn) AS doc FROM " + source
                + " JOIN \(unsafeRaw: table) ON \(unsafeRaw: idColumn) = sd.record_id WHERE " + all.anded()
                + " ORDER BY \(unsafeRaw: docColumn) DESC LIMIT \(literal: list.limit + 1)"
        ).all()
        guard rows.count > list.limit else { return (rows, nil) }
        let last = rows[list.limit - 1]
        let next = Cursor(sort: matchSort, value: .int(try last.int64("doc")), id: try last.string("id"))
        return (Array(rows.prefix(list.limit)), next)
    }

    static func remove(_ db: any SQLDatabase, id: String) async throws {
        try await db.raw("DELETE FROM search_docs WHERE record_id = \(bind: id)").run()
    }
}

/// Access checks against stored ownership.
enum AccessRows {
    /// The SQL condition for a visibility on an owner column.
    static func condition(_ visibility: Visibility, ownerColumn: String) -> SQLQueryString {
        switch visibility {
        case .nothing: return "1 = 0"
        case .everything: return "1 = 1"
        case .owned(let user): return "\(unsafeRaw: ownerColumn) = \(bind: user.rawValue)"
        case .team(let team, let user):
            return
                "(\(unsafeRaw: ownerColumn) = \(bind: user.rawValue) OR \(unsafeRaw: ownerColumn) IN (SELECT id FROM users WHERE team_id = \(bind: team.rawValue)))"
        }
    }

    /// Conditions narrowing a column holding a user id to one user and to the members of one team of the
    /// workspace: the owner and team filters of lists and reports.
    static func narrowing(owner: User.ID?, team: Team.ID?, column: String, workspace: Workspace.ID) -> [SQLQueryString] {
        var conditions: [SQLQueryString] = []
        if let owner { conditions.append("\(unsafeRaw: column) = \(bind: owner.rawValue)") }
        if let team {
            conditions.append(
                """
                \(unsafeRaw: column) IN (SELECT u.id FROM users u WHERE u.workspace_id = \(bind: workspace.rawValue)
                    AND u.team_id = \(bind: team.rawValue))
                """)
        }
        return conditions
    }

    /// The team of a user, and whether the user is an active member of the workspace.
    static func member(_ db: any SQLDatabase, user: User.ID, workspace: Workspace.ID) async throws -> (team: Team.ID?, active: Bool)? {
        guard
            let row = try await db.raw(
                "SELECT team_id, active FROM users WHERE id = \(bind: user.rawValue) AND workspace_id = \(bind: workspace.rawValue)"
            ).first()
        else { return nil }
        return (try row.optionalID("team_id"), try row.bool("active"))
    }

    /// Ownership of a would-be record owned by `owner`; reports an unknown or inactive owner as a field issue.
    static func ownership(
        _ db: any SQLDatabase, owner: User.ID?, workspace: Workspace.ID, field: String
    ) async throws -> (Ownership, [FieldIssue]) {
        guard let owner else { return (Ownership(workspaceID: workspace, ownerID: nil, ownerTeamID: nil), []) }
        guard let member = try await member(db, user: owner, workspace: workspace), member.active else {
            return (Ownership(workspaceID: workspace, ownerID: owner, ownerTeamID: nil), [FieldIssue(field, .unknownReference)])
        }
        return (Ownership(workspaceID: workspace, ownerID: owner, ownerTeamID: member.team), [])
    }

    /// Ids among `ids` that are live records of `table` in the workspace.
    static func existing(_ db: any SQLDatabase, table: String, ids: [String], workspace: Workspace.ID) async throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        let rows = try await db.raw(
            "SELECT id FROM \(unsafeRaw: table) WHERE workspace_id = \(bind: workspace.rawValue) AND deleted_at IS NULL AND id IN \(inList(ids))"
        ).all()
        return Set(try rows.map { try $0.string("id") })
    }
}
