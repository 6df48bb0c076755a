import RapportCore
import SQLKit

/// How a ``ReportFilter`` narrows each kind of row the reports read, in one place: deals (`d`), orders (`o`)
/// and contacts (`c`) by their owner or the owner's team, deals by pipeline, and each by a segment.
extension ReportRepository {
    /// The rows a report counts.
    enum Subject {
        case deals, orders, contacts

        var alias: String {
            switch self {
            case .deals: "d"
            case .orders: "o"
            case .contacts: "c"
            }
        }
    }

    /// Conditions on `subject`'s rows for the filter's owner, team, pipeline (deals only) and segment.
    /// - Throws: ``ValidationError`` on `segment` when the segment does not exist.
    func narrowing(_ filter: ReportFilter, _ subject: Subject, _ db: any SQLDatabase, actor: Actor) async throws -> [SQLQueryString] {
        let owner = "\(subject.alias).owner_id"
        var conditions = owners(filter, column: owner, actor: actor)
        if subject == .deals, let pipeline = filter.pipelineID { conditions.append("d.pipeline_id = \(bind: pipeline.rawValue)") }
        guard let id = filter.segmentID else { return conditions }
        guard let segment = try await SegmentRepository.load(db, ids: [id.rawValue], workspace: actor.workspaceID).first,
            segment.deletedAt == nil
        else { throw ValidationError("segment", .unknownReference) }
        let membership = try await SegmentRepository.membership(db, context: context, segment)
        let table = segment.entity == .contact ? "contacts" : "companies"
        let members: SQLQueryString =
            "SELECT c.id FROM \(unsafeRaw: table) c WHERE c.workspace_id = \(bind: actor.workspaceID.rawValue) AND c.deleted_at IS NULL AND "
            + membership
        switch (subject, segment.entity) {
        case (.contacts, .contact):
            conditions.append(membership)
        case (.contacts, .company):
            // The people of the segment's companies.
            conditions.append(
                "EXISTS (SELECT 1 FROM contact_companies cc WHERE cc.contact_id = c.id AND cc.company_id IN (" + members + "))")
        case (.deals, .contact):
            conditions.append("EXISTS (SELECT 1 FROM deal_contacts dc WHERE dc.deal_id = d.id AND dc.contact_id IN (" + members + "))")
        case (.deals, .company):
            conditions.append("d.company_id IN (" + members + ")")
        case (.orders, .contact):
            conditions.append("o.contact_id IN (" + members + ")")
        case (.orders, .company):
            conditions.append("o.company_id IN (" + members + ")")
        }
        return conditions
    }

    /// The filter's owner and team as conditions on a column holding a user id.
    func owners(_ filter: ReportFilter, column: String, actor: Actor) -> [SQLQueryString] {
        var conditions: [SQLQueryString] = []
        if let owner = filter.ownerID { conditions.append("\(unsafeRaw: column) = \(bind: owner.rawValue)") }
        if let team = filter.teamID {
            conditions.append(
                """
                \(unsafeRaw: column) IN (SELECT u.id FROM users u WHERE u.workspace_id = \(bind: actor.workspaceID.rawValue)
                    AND u.team_id = \(bind: team.rawValue))
                """)
        }
        return conditions
    }
}
