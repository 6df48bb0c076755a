import Foundation
public import RapportCore
import SQLKit

/// Records of a duplicate group, with the group's reasons.
public struct DuplicateSet<Record: Sendable>: Sendable {
    /// The members and why they are linked.
    public var group: DuplicateGroup
    /// The members, in the group's order (oldest first).
    public var records: [Record]
}

/// A record that looks like the one asked about, and why.
public struct DuplicateMatch<Record: Sendable>: Sendable {
    /// The similar record.
    public var record: Record
    /// Why it looks like the same client.
    public var reasons: [DuplicateReason]
}

/// Finding duplicate contacts and companies, dismissing false alarms, and merging.
///
/// The finder reads the normalized phones (E.164), e-mails and INNs through their indexes, and names of
/// contacts per company; it proposes only live records the actor may see, minus pairs dismissed as "not
/// duplicates". A merge runs in one transaction: it updates the survivor, moves everything that points at
/// the merged records to it, trashes them with a pointer to it, and writes the audit entries.
public struct DuplicateRepository: Sendable {
    let context: StoreContext

    /// Makes the repository.
    public init(context: StoreContext) { self.context = context }

    /// The most candidate pairs one reason contributes to a listing (a pathological workspace where
    /// thousands of records share one phone must not stall the page).
    static let pairLimit = 20_000
    static let cursorSort = "duplicates"

    // MARK: - Finder

    /// A page of contact duplicate groups, oldest group first.
    public func contactGroups(_ query: ListQuery, by actor: Actor) async throws -> Page<DuplicateSet<Contact>> {
        try await groups(.contact, query, by: actor) { db, ids in
            try await ContactRepository(context: context).load(db, ids: ids, workspace: actor.workspaceID)
        }
    }

    /// A page of company duplicate groups, oldest group first.
    public func companyGroups(_ query: ListQuery, by actor: Actor) async throws -> Page<DuplicateSet<Company>> {
        try await groups(.company, query, by: actor) { db, ids in
            try await CompanyRepository(context: context).load(db, ids: ids, workspace: actor.workspaceID)
        }
    }

    /// Contacts that look like this one (not found when the actor may not see it).
    public func contactMatches(of id: Contact.ID, by actor: Actor) async throws -> [DuplicateMatch<Contact>] {
        _ = try await ContactRepository(context: context).get(id, by: actor)
        return try await matches(.contact, of: id.rawValue, by: actor) { db, ids in
            try await ContactRepository(context: context).load(db, ids: ids, workspace: actor.workspaceID)
        }
    }

    /// Companies that look like this one.
    public func companyMatches(of id: Company.ID, by actor: Actor) async throws -> [DuplicateMatch<Company>] {
        _ = try await CompanyRepository(context: context).get(id, by: actor)
        return try await matches(.company, of: id.rawValue, by: actor) { db, ids in
            try await CompanyRepository(context: context).load(db, ids: ids, workspace: actor.workspaceID)
        }
    }

    private func groups<R: MergeableRecord>(
        _ kind: RecordKind, _ query: ListQuery, by actor: Actor, load: (any SQLDatabase, [String]) async throws -> [R]
    ) async throws -> Page<DuplicateSet<R>> {
        let db = context.database.reader
        var after: (Int64, String)?
        if let token = query.cursor {
            guard let cursor = Cursor(token: token, sort: Self.cursorSort), case .int(let millis) = cursor.value else {
                throw ValidationError("cursor", .invalidFormat)
            }
            after = (millis, cursor.id)
        }
        let pairs = try await candidatePairs(db, kind, only: nil, actor: actor)
        let created = try await creationTimes(db, kind, ids: Set(pairs.flatMap { [$0.first, $0.second] }))
        let dismissed = try await dismissals(db, kind, workspace: actor.workspaceID)
        var groups = DuplicateGrouping.groups(pairs, dismissed: dismissed, createdAt: created)
        if let after {
            groups = groups.filter { group in
                let key = (created[group.ids[0]]?.millis ?? 0, group.ids[0])
                return key > after
            }
        }
        let page = Array(groups.prefix(query.limit))
        let records = try await load(db, page.flatMap(\.ids))
        let byID = Dictionary(records.map { ($0.rawID, $0) }, uniquingKeysWith: { a, _ in a })
        let sets = page.map { DuplicateSet(group: $0, records: $0.ids.compactMap { byID[$0] }) }
        var next: Cursor?
        if groups.count > query.limit, let last = page.last {
            next = Cursor(sort: Self.cursorSort, value: .int(created[last.ids[0]]?.millis ?? 0), id: last.ids[0])
        }
        return Page(items: sets, nextCursor: next)
    }

    private func matches<R: MergeableRecord>(
        _ kind: RecordKind, of id: String, by actor: Actor, load: (any SQLDatabase, [String]) async throws -> [R]
    ) async throws -> [DuplicateMatch<R>] {
        let db = context.database.reader
        let pairs = try await candidatePairs(db, kind, only: id, actor: actor)
        let dismissed = try await dismissals(db, kind, workspace: actor.workspaceID)
        var reasons: [String: Set<DuplicateReason>] = [:]
        for pair in pairs where !dismissed.contains(pair.key) && pair.first != pair.second {
            let other = pair.first == id ? pair.second : pair.first
            guard other != id, pair.first == id || pair.second == id else { continue }
            reasons[other, default: []].insert(pair.reason)
        }
        let records = try await load(db, Array(reasons.keys)).sorted { ($0.createdAt, $0.rawID) < ($1.createdAt, $1.rawID) }
        return records.map { DuplicateMatch(record: $0, reasons: (reasons[$0.rawID] ?? []).sorted()) }
    }

    /// Candidate pairs of live records the actor may see, for every reason; with `only`, the pairs of that
    /// one record.
    private func candidatePairs(_ db: any SQLDatabase, _ kind: RecordKind, only: String?, actor: Actor) async throws -> [DuplicatePair] {
        var pairs: [DuplicatePair] = []
        for (sql, reason) in pairQueries(kind, only: only, actor: actor) {
            for row in try await db.raw(sql + " LIMIT \(literal: Self.pairLimit)").all() {
                pairs.append(DuplicatePair(try row.string("a"), try row.string("b"), reason: reason))
            }
        }
        if kind == .contact {
            pairs += try await similarNames(db, only: only, live: Self.live(kind, actor), workspace: actor.workspaceID.rawValue)
        }
        return pairs
    }

    /// Both records live and visible to the actor (aliases `r1`, `r2`).
    static func live(_ kind: RecordKind, _ actor: Actor) -> SQLQueryString {
        let visibility = AccessPolicy.visibility(for: actor, of: kind)
        return "r1.deleted_at IS NULL AND r2.deleted_at IS NULL AND "
            + AccessRows.condition(visibility, ownerColumn: "r1.owner_id") + " AND "
            + AccessRows.condition(visibility, ownerColumn: "r2.owner_id")
    }

    /// The indexed self-joins that find pairs sharing a value: phones by E.164 (`phones_e164`), e-mails
    /// (`emails_address`), and for companies the INN (`companies_inn`) and the folded name
    /// (`companies_name`). Each pair comes once when listing everything, both ways when asking about one record.
    /// `CROSS JOIN` makes SQLite keep the written order, so the value index drives and the records are read
    /// by id; without it, on few rows or a team's visibility, it may start from the records and scan them.
    /// PostgreSQL treats it as an inner join and plans by its statistics.
    func pairQueries(_ kind: RecordKind, only: String?, actor: Actor) -> [(SQLQueryString, DuplicateReason)] {
        let table = kind == .contact ? "contacts" : "companies"
        let live = Self.live(kind, actor)
        let workspace = actor.workspaceID.rawValue
        let order = only == nil ? ">" : "<>"
        var queries: [(SQLQueryString, DuplicateReason)] = []
        for (channel, column, reason) in [("phones", "e164", DuplicateReason.samePhone), ("emails", "address", .sameEmail)] {
            var sql: SQLQueryString = """
                SELECT x1.record_id AS a, x2.record_id AS b
                FROM \(unsafeRaw: channel) x1 CROSS JOIN \(unsafeRaw: channel) x2 CROSS JOIN \(unsafeRaw: table) r1 CROSS JOIN \(unsafeRaw: table) r2
                WHERE x1.workspace_id = \(bind: workspace) AND x1.record_kind = \(bind: kind.rawValue) AND x1.\(unsafeRaw: column) IS NOT NULL
                    AND x2.workspace_id = x1.workspace_id AND x2.\(unsafeRaw: column) = x1.\(unsafeRaw: column)
                    AND x2.record_kind = x1.record_kind AND x2.record_id \(unsafeRaw: order) x1.record_id
                    AND r1.id = x1.record_id AND r2.id = x2.record_id AND 
                """
            sql = sql + live
            if let only { sql = sql + " AND x1.record_id = \(bind: only)" }
            queries.append((sql, reason))
        }
        guard kind == .company else { return queries }
        for (column, reason) in [("inn", DuplicateReason.sameINN), ("sort_name", .similarName)] {
            var sql: SQLQueryString = """
                SELECT r1.id AS a, r2.id AS b FROM companies r1 CROSS JOIN companies r2
                WHERE r1.workspace_id = \(bind: workspace) AND r1.\(unsafeRaw: column) IS NOT NULL AND r1.\(unsafeRaw: column) <> ''
                    AND r2.workspace_id = r1.workspace_id AND r2.\(unsafeRaw: column) = r1.\(unsafeRaw: column) AND r2.id \(unsafeRaw: order) r1.id
                    AND 
                """
            sql = sql + live
            if let only { sql = sql + " AND r1.id = \(bind: only)" }
            queries.append((sql, reason))
        }
        return queries
    }

    /// Contacts of one company with near-identical names: names are read per company and compared in Core.
    private func similarNames(_ db: any SQLDatabase, only: String?, live: SQLQueryString, workspace: String) async throws
        -> [DuplicatePair]
    {
        var sql: SQLQueryString = """
            SELECT l2.company_id AS company_id, r2.id AS id, r2.last_name AS last_name, r2.first_name AS first_name,
                r2.middle_name AS middle_name
            FROM contact_companies l2 JOIN contacts r2 ON r2.id = l2.contact_id
            JOIN contacts r1 ON r1.id = r2.id
            WHERE l2.workspace_id = \(bind: workspace) AND 
            """
        sql = sql + live
        if let only {
            sql = sql + " AND l2.company_id IN (SELECT company_id FROM contact_companies WHERE contact_id = \(bind: only))"
        }
        var companies: [String: [(id: String, words: [String])]] = [:]
        for row in try await db.raw(sql + " ORDER BY l2.company_id, r2.id LIMIT \(literal: Self.pairLimit * 5)").all() {
            let name = PersonName(
                lastName: try row.optionalString("last_name"), firstName: try row.optionalString("first_name"),
                middleName: try row.optionalString("middle_name"))
            companies[try row.string("company_id"), default: []].append((try row.string("id"), NameSimilarity.words(name)))
        }
        var pairs = DuplicateGrouping.similarNames(companies.keys.sorted().compactMap { companies[$0] })
        if let only { pairs = pairs.filter { $0.first == only || $0.second == only } }
        return pairs
    }

    private func creationTimes(_ db: any SQLDatabase, _ kind: RecordKind, ids: Set<String>) async throws -> [String: Date] {
        let table = kind == .contact ? "contacts" : "companies"
        var result: [String: Date] = [:]
        let all = ids.sorted()
        for start in stride(from: 0, to: all.count, by: 500) {
            let chunk = Array(all[start..<min(start + 500, all.count)])
            for row in try await db.raw("SELECT id, created_at FROM \(unsafeRaw: table) WHERE id IN \(inList(chunk))").all() {
                result[try row.string("id")] = try row.date("created_at")
            }
        }
        return result
    }

    private func dismissals(_ db: any SQLDatabase, _ kind: RecordKind, workspace: Workspace.ID) async throws -> Set<PairKey> {
        let rows = try await db.raw(
            """
            SELECT first_id, second_id FROM duplicate_dismissals
            WHERE workspace_id = \(bind: workspace.rawValue) AND record_kind = \(bind: kind.rawValue)
            """
        ).all()
        return Set(try rows.map { PairKey(try $0.string("first_id"), try $0.string("second_id")) })
    }

    // MARK: - Dismiss

    /// Marks records as "not duplicates" of each other (every pair among them), so the finder stops
    /// proposing them. Needs the right to change each record; audited on each.
    /// - Parameter ids: two to ten records of one kind.
    public func dismiss(_ kind: RecordKind, ids: [String], by actor: Actor) async throws {
        var issues = FieldIssues()
        let unique = Array(Set(ids)).sorted()
        if unique.count < 2 { issues.add("ids", .required) }
        if unique.count > MergeRules.maximumMerged + 1 { issues.add("ids", .outOfRange, ["max": String(MergeRules.maximumMerged + 1)]) }
        try issues.throwIfAny()
        try await context.database.transaction { db in
            // Locked in id order (as merges lock), reported by the position the client gave.
            let position = Dictionary(ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
            for id in unique {
                try await lock(db, kind, id, field: "ids[\(position[id] ?? 0)]", actor: actor)
            }
            let now = context.effects.now().millis
            for (i, a) in unique.enumerated() {
                for b in unique[(i + 1)...] {
                    try await db.raw(
                        """
                        INSERT INTO duplicate_dismissals (workspace_id, record_kind, first_id, second_id, dismissed_by, dismissed_at)
                        VALUES (\(bind: actor.workspaceID.rawValue), \(bind: kind.rawValue), \(bind: a), \(bind: b),
                                \(bind: actor.userID.rawValue), \(bind: now))
                        ON CONFLICT DO NOTHING
                        """
                    ).run()
                }
            }
            for id in unique {
                try await AuditRows.append(
                    db, context: context, workspace: actor.workspaceID, actor: actor.userID, record: RecordRef(kind: kind, id: id),
                    action: .update,
                    changes: [
                        FieldChange(field: "notDuplicateOf", before: .null, after: .array(unique.filter { $0 != id }.map(JSONValue.string)))
                    ])
            }
        }
    }
}

/// Contacts and companies: the records that can be merged.
protocol MergeableRecord: StoredRecord {
    var createdAt: Date { get }
}

extension Contact: MergeableRecord {}
extension Company: MergeableRecord {}

extension DuplicateRepository {
    /// Locks a record for a merge or dismissal: it must exist in the workspace, be visible and in use, and
    /// be changeable by the actor (else forbidden); a missing one is named as a field (`mergedIds[1]`)
    /// rather than as a 404 of the URL.
    @discardableResult
    func lock(_ db: any SQLDatabase, _ kind: RecordKind, _ id: String, field: String, actor: Actor) async throws -> any MergeableRecord {
        do {
            if kind == .company {
                return try await CompanyRepository(context: context).lockForWrite(db, Company.ID(id), actor: actor, operation: .update)
            }
            return try await ContactRepository(context: context).lockForWrite(db, Contact.ID(id), actor: actor, operation: .update)
        } catch RecordError.notFound {
            throw ValidationError(field, .unknownReference)
        }
    }
}
