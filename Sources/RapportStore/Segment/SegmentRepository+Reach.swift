import RapportCore
import SQLKit

/// The rows a segment reaches beyond its own members, for the lists and reports it filters: contacts (`c`),
/// deals (`d`), orders (`o`) and tasks (`t`). A segment of contacts reaches their deals, orders and tasks; a
/// segment of companies reaches their people, deals, orders and tasks.
enum SegmentReach {
    case contacts, deals, orders, tasks

    /// The alias the conditions use for the rows.
    var alias: String {
        switch self {
        case .contacts: "c"
        case .deals: "d"
        case .orders: "o"
        case .tasks: "t"
        }
    }
}

extension SegmentRepository {
    /// A condition on `reach`'s rows: those of the segment's live members.
    /// - Throws: ``ValidationError`` on `segment` when the segment does not exist or is in the trash.
    static func condition(
        _ id: Segment.ID, reaching reach: SegmentReach, _ db: any SQLDatabase, context: StoreContext, workspace: Workspace.ID
    ) async throws -> SQLQueryString {
        guard let segment = try await load(db, ids: [id.rawValue], workspace: workspace).first, segment.deletedAt == nil else {
            throw ValidationError("segment", .unknownReference)
        }
        let membership = try await membership(db, context: context, segment)
        // The members' ids, under the compiler's own alias (`c` or `co`), which the membership refers to.
        let (table, alias) = (SegmentCompiler.table(of: segment.entity), SegmentCompiler.alias(of: segment.entity))
        let members: SQLQueryString =
            "SELECT \(unsafeRaw: alias).id FROM \(unsafeRaw: table) WHERE \(unsafeRaw: alias).workspace_id = \(bind: workspace.rawValue) AND \(unsafeRaw: alias).deleted_at IS NULL AND "
            + membership
        switch (reach, segment.entity) {
        case (.contacts, .contact):
            return membership
        case (.contacts, .company):
            return "EXISTS (SELECT 1 FROM contact_companies cc WHERE cc.contact_id = c.id AND cc.company_id IN (" + members + "))"
        case (.deals, .contact):
            return "EXISTS (SELECT 1 FROM deal_contacts dc WHERE dc.deal_id = d.id AND dc.contact_id IN (" + members + "))"
        case (.deals, .company):
            return "d.company_id IN (" + members + ")"
        case (.orders, .contact):
            return "o.contact_id IN (" + members + ")"
        case (.orders, .company):
            return "o.company_id IN (" + members + ")"
        case (.tasks, .contact):
            return "((t.related_kind = 'contact' AND t.related_id IN (" + members
                + ")) OR (t.related_kind = 'deal' AND t.related_id IN (SELECT dc.deal_id FROM deal_contacts dc WHERE dc.contact_id IN ("
                + members + "))))"
        case (.tasks, .company):
            return "((t.related_kind = 'company' AND t.related_id IN (" + members
                + ")) OR (t.related_kind = 'contact' AND t.related_id IN (SELECT cc.contact_id FROM contact_companies cc WHERE cc.company_id IN ("
                + members + "))) OR (t.related_kind = 'deal' AND t.related_id IN (SELECT dd.id FROM deals dd WHERE dd.company_id IN ("
                + members + "))))"
        }
    }
}
