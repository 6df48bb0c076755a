public import Foundation
public import RapportCore
import SQLKit

/// One item of a record's timeline: an activity, a stage change or an audit entry.
public enum TimelineItem: Sendable, Hashable {
    case activity(Activity)
    case stageChange(StageVisit)
    case audit(AuditEntry)

    /// When it happened.
    public var at: Date {
        switch self {
        case .activity(let activity): activity.occurredAt
        case .stageChange(let visit): visit.enteredAt
        case .audit(let entry): entry.at
        }
    }

    /// Its id (tie-breaker for equal times).
    public var id: String {
        switch self {
        case .activity(let activity): activity.id.rawValue
        case .stageChange(let visit): visit.id.rawValue
        case .audit(let entry): entry.id.rawValue
        }
    }
}

/// The whole history of a record, newest first: activities attached to it, stage changes (deals) and
/// audit entries (who changed what).
public struct TimelineRepository: Sendable {
    let context: StoreContext

    /// Makes the repository.
    public init(context: StoreContext) { self.context = context }

    /// A page of a record's timeline, after checking the actor may see the record.
    public func timeline(of record: RecordRef, limit: Int, cursor: String?, by actor: Actor) async throws -> Page<TimelineItem> {
        let db = context.database.reader
        let live = try await RecordOwners.canRead(db, record, actor: actor)
        let trashed = live ? false : try await isInTrashAndVisible(db, record, actor: actor)
        guard live || trashed else { throw RecordError.notFound(record.kind) }
        var before: (at: Int64, id: String)?
        if let cursor {
            guard let decoded = Cursor(token: cursor, sort: "-at"), case .int(let at) = decoded.value else {
                throw ValidationError("cursor", .invalidFormat)
            }
            before = (at, decoded.id)
        }
        func keyset(_ column: String, _ id: String) -> SQLQueryString {
            guard let before else { return "1 = 1" }
            return "(\(unsafeRaw: column), \(unsafeRaw: id)) < (\(bind: before.at), \(bind: before.id))"
        }
        let fetch = limit + 1
        var items: [TimelineItem] = []
        let activityColumn: String? =
            switch record.kind {
            case .contact: "contact_id"
            case .company: "company_id"
            case .deal: "deal_id"
            default: nil
            }
        if let activityColumn {
            let rows = try await db.raw(
                "SELECT * FROM activities WHERE \(unsafeRaw: activityColumn) = \(bind: record.id) AND workspace_id = \(bind: actor.workspaceID.rawValue) AND deleted_at IS NULL AND "
                    + keyset("occurred_at", "id") + " ORDER BY occurred_at DESC, id DESC LIMIT \(literal: fetch)"
            ).all()
            items += try rows.map { .activity(try ActivityRepository.decode($0)) }
        }
        if record.kind == .deal {
            let rows = try await db.raw(
                "SELECT * FROM stage_history WHERE deal_id = \(bind: record.id) AND workspace_id = \(bind: actor.workspaceID.rawValue) AND "
                    + keyset("entered_at", "id") + " ORDER BY entered_at DESC, id DESC LIMIT \(literal: fetch)"
            ).all()
            items += try rows.map { .stageChange(try DealRepository.decodeVisit($0)) }
        }
        let rows = try await db.raw(
            "SELECT * FROM audit_log WHERE record_id = \(bind: record.id) AND workspace_id = \(bind: actor.workspaceID.rawValue) AND "
                + keyset("at", "id") + " ORDER BY at DESC, id DESC LIMIT \(literal: fetch)"
        ).all()
        items += try rows.map { .audit(try AuditRows.decode($0)) }

        items.sort { ($0.at, $0.id) > ($1.at, $1.id) }
        var next: Cursor?
        if items.count > limit {
            items = Array(items.prefix(limit))
            if let last = items.last { next = Cursor(sort: "-at", value: .int(last.at.millis), id: last.id) }
        }
        return Page(items: items, nextCursor: next)
    }

    private func isInTrashAndVisible(_ db: any SQLDatabase, _ record: RecordRef, actor: Actor) async throws -> Bool {
        guard let (table, owner) = RecordOwners.table(record.kind),
            let row = try await db.raw(
                "SELECT \(unsafeRaw: owner) AS owner FROM \(unsafeRaw: table) WHERE id = \(bind: record.id) AND workspace_id = \(bind: actor.workspaceID.rawValue) AND deleted_at IS NOT NULL"
            ).first()
        else { return false }
        return try await AccessCheck.allows(db, actor, .read, record.kind, owner: try row.optionalID("owner"))
    }
}

/// Global search across contacts, companies and deals, with each list's own visibility rules.
public struct SearchRepository: Sendable {
    let context: StoreContext

    /// Makes the repository.
    public init(context: StoreContext) { self.context = context }

    /// Results of a global search.
    public struct Results: Sendable {
        public var contacts: [Contact]
        public var companies: [Company]
        public var deals: [Deal]
    }

    /// Up to `limit` matches of each kind, best first by recency.
    public func search(_ text: String, limit: Int, by actor: Actor) async throws -> Results {
        let query = SearchText.parse(text)
        guard !query.isEmpty else { throw ValidationError("q", .required) }
        let list = ListQuery(limit: limit, search: text)
        async let contacts = ContactRepository(context: context).list(list, by: actor)
        async let companies = CompanyRepository(context: context).list(list, by: actor)
        async let deals = DealRepository(context: context).list(list, by: actor)
        return Results(contacts: try await contacts.items, companies: try await companies.items, deals: try await deals.items)
    }
}

extension SearchRepository {
    /// The display names of linked records (a task's contact, an activity's deal), limited to those the
    /// actor may see: a record out of reach gets no name, so links never leak what a list would hide.
    public func titles(of refs: some Sequence<RecordRef>, by actor: Actor) async throws -> [RecordRef: String] {
        let db = context.database.reader
        var byKind: [RecordKind: [String]] = [:]
        for ref in Set(refs) { byKind[ref.kind, default: []].append(ref.id) }
        var titles: [RecordRef: String] = [:]
        for (kind, ids) in byKind {
            let (table, columns): (String, String)
            switch kind {
            case .contact: (table, columns) = ("contacts", "last_name, first_name, middle_name")
            case .company: (table, columns) = ("companies", "name")
            case .deal: (table, columns) = ("deals", "title")
            default: continue
            }
            for chunk in stride(from: 0, to: ids.count, by: 200).map({ Array(ids[$0..<min($0 + 200, ids.count)]) }) {
                let rows = try await db.raw(
                    """
                    SELECT id, \(unsafeRaw: columns) FROM \(unsafeRaw: table) r
                    WHERE r.workspace_id = \(bind: actor.workspaceID.rawValue) AND r.id IN (\(binds: chunk))
                    AND \(AccessRows.condition(AccessPolicy.visibility(for: actor, of: kind), ownerColumn: "r.owner_id"))
                    """
                ).all()
                for row in rows {
                    let id = try row.string("id")
                    let title: String
                    switch kind {
                    case .contact:
                        title =
                            PersonName(
                                lastName: try row.optionalString("last_name"), firstName: try row.optionalString("first_name"),
                                middleName: try row.optionalString("middle_name")
                            ).fullName
                    case .company: title = try row.string("name")
                    default: title = try row.string("title")
                    }
                    titles[RecordRef(kind: kind, id: id)] = title.isEmpty ? "—" : title
                }
            }
        }
        return titles
    }
}
