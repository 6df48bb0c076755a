public import RapportCore
import SQLKit

/// Every record of a list view for a download: the list's filters, search, segment and sort and the
/// actor's visibility, page after page up to ``maximum`` rows. Needs the export right; each download is
/// written to the audit log with its size, on the exported record (a segment) or on the workspace.
enum ListExport {
    /// The most rows one export holds.
    static let maximum = 100_000

    static func collect<Item: Sendable>(
        _ list: ListQuery, kind: String, record: RecordRef? = nil, context: StoreContext, by actor: Actor,
        page: (ListQuery) async throws -> Page<Item>
    ) async throws -> [Item] {
        guard AccessPolicy.allows(actor, .export) else { throw RecordError.forbidden }
        var query = list
        query.limit = PageSize.maximum
        query.cursor = nil
        var items: [Item] = []
        while items.count < maximum {
            let next = try await page(query)
            items += next.items
            guard let cursor = next.nextCursor else { break }
            query.cursor = cursor.token
        }
        let count = Int64(items.count)
        let target = record ?? RecordRef(kind: .workspace, id: actor.workspaceID.rawValue)
        try await context.database.transaction { db in
            try await AuditRows.append(
                db, context: context, workspace: actor.workspaceID, actor: actor.userID, record: target, action: .export,
                changes: [FieldChange(field: kind, before: .null, after: .int(count))])
        }
        return items
    }
}

extension CompanyRepository {
    /// Every company of a list view, for a download (see ``ListExport``).
    public func export(_ list: ListQuery, by actor: Actor) async throws -> [Company] {
        try await ListExport.collect(list, kind: "companies", context: context, by: actor) { try await self.list($0, by: actor) }
    }
}

extension DealRepository {
    /// Every deal of a list view, for a download (see ``ListExport``).
    public func export(_ list: ListQuery, by actor: Actor) async throws -> [Deal] {
        try await ListExport.collect(list, kind: "deals", context: context, by: actor) { try await self.list($0, by: actor) }
    }
}
