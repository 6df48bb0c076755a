import RapportCore
import SQLKit

/// How a ``ReportFilter`` narrows each kind of row the reports read, in one place: deals (`d`), orders (`o`)
/// and contacts (`c`) by their owner or the owner's team, deals by pipeline, and each by a segment.
extension ReportRepository {
    /// Conditions on `subject`'s rows for the filter's owner, team, pipeline (deals only) and segment.
    /// - Throws: ``ValidationError`` on `segment` when the segment does not exist.
    func narrowing(_ filter: ReportFilter, _ subject: SegmentReach, _ db: any SQLDatabase, actor: Actor) async throws -> [SQLQueryString] {
        let owner = "\(subject.alias).owner_id"
        var conditions = owners(filter, column: owner, actor: actor)
        if subject == .deals, let pipeline = filter.pipelineID { conditions.append("d.pipeline_id = \(bind: pipeline.rawValue)") }
        if let segment = filter.segmentID {
            conditions.append(
                try await SegmentRepository.condition(segment, reaching: subject, db, context: context, workspace: actor.workspaceID))
        }
        return conditions
    }

    /// The filter's owner and team as conditions on a column holding a user id.
    func owners(_ filter: ReportFilter, column: String, actor: Actor) -> [SQLQueryString] {
        AccessRows.narrowing(owner: filter.ownerID, team: filter.teamID, column: column, workspace: actor.workspaceID)
    }
}
