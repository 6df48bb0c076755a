import Foundation
public import RapportCore
import SQLKit

/// The numbers of the reports, each one aggregate query (or two) over what the viewer may see.
public struct ReportRepository: Sendable {
    let context: StoreContext

    /// Makes the repository.
    public init(context: StoreContext) { self.context = context }

    /// The period from one calendar day to another, both included, in the workspace's time zone; by
    /// default the 30 days up to today.
    public func period(from: LocalDate?, to: LocalDate?, by actor: Actor) async throws -> ReportPeriod {
        let settings = try await WorkspaceRows.workspace(context.database.reader, actor.workspaceID)
        let format = Formatting(locale: .en, timeZoneIdentifier: settings.timeZone)
        let today = format.localDate(context.effects.now())
        let last = to ?? today
        let first = from ?? format.adding(days: -29, to: last)
        guard first <= last else { throw ValidationError("from", .outOfRange, ["max": last.description]) }
        return ReportPeriod(from: format.startOfDay(first), to: format.startOfDay(format.adding(days: 1, to: last)))
    }

    /// The sales funnel of the filter's pipeline over the deals created in a period.
    /// - Throws: ``ValidationError`` on `pipelineId` when the filter names no pipeline or one that does not exist.
    public func funnel(period: ReportPeriod, filter: ReportFilter, by actor: Actor) async throws -> FunnelReport {
        let db = context.database.reader
        guard let id = filter.pipelineID else { throw ValidationError("pipelineId", .required) }
        guard let pipeline = try await PipelineRepository.load(db, workspace: actor.workspaceID, ids: [id.rawValue]).first else {
            throw ValidationError("pipelineId", .unknownReference)
        }
        let conditions = try await deals(created: period, filter, db, actor: actor)
        // Each deal's furthest stage is kept on its row (DealRepository.refreshFurthestStage); naming the
        // stages lets the index answer one range per stage.
        let reachable = pipeline.stages.filter { $0.kind != .lost }.map(\.id.rawValue)
        let rows =
            reachable.isEmpty
            ? []
            : try await db.raw(
                "SELECT d.furthest_stage_id AS stage_id, COUNT(*) AS n FROM deals d WHERE "
                    + (conditions + ["d.furthest_stage_id IN \(inList(reachable))"]).anded() + " GROUP BY d.furthest_stage_id"
            ).all()
        var furthest: [Stage.ID: Int] = [:]
        for row in rows { furthest[try row.id("stage_id")] = try row.int("n") }
        let lost = try await db.raw("SELECT COUNT(*) AS n FROM deals d WHERE " + (conditions + ["d.status = 'lost'"]).anded()).first()
        return FunnelReport.build(pipeline: pipeline, furthest: furthest, lost: try lost?.int("n") ?? 0)
    }

    /// Deals created, won and lost in a period (won revenue in the workspace currency).
    public func sales(period: ReportPeriod, filter: ReportFilter, by actor: Actor) async throws -> SalesSummary {
        let db = context.database.reader
        let settings = try await WorkspaceRows.workspace(db, actor.workspaceID)
        let created = try await deals(created: period, filter, db, actor: actor)
        let closed = try await deals(closed: period, filter, db, actor: actor)
        let createdCount = try await db.raw("SELECT COUNT(*) AS n FROM deals d WHERE " + created.anded()).first()?.int("n") ?? 0
        let row = try await db.raw(
            """
            SELECT SUM(CASE WHEN d.status = 'won' THEN 1 ELSE 0 END) AS won, SUM(CASE WHEN d.status = 'lost' THEN 1 ELSE 0 END) AS lost,
                CAST(COALESCE(SUM(CASE WHEN d.status = 'won' AND d.currency = \(bind: settings.currency.rawValue) THEN d.amount ELSE 0 END), 0) AS BIGINT) AS revenue,
                CAST(COALESCE(SUM(CASE WHEN d.status = 'won' THEN d.closed_at - d.created_at ELSE 0 END), 0) AS BIGINT) AS cycle
            FROM deals d WHERE
            """ + closed.anded()
        ).first()
        return SalesSummary(
            created: createdCount, won: try row?.optionalInt("won") ?? 0, lost: try row?.optionalInt("lost") ?? 0,
            wonRevenue: try row?.int64("revenue") ?? 0, wonCycleSeconds: Double(try row?.int64("cycle") ?? 0) / 1000)
    }

    /// Orders, revenue, buyers and repeat buyers of a period (orders of the filter's owner, team or segment).
    /// Every order of the workspace, over whole days, is read off the per-day tallies (`PurchaseTallyRows`)
    /// when they are built in the workspace's time zone; otherwise the period's orders are grouped by buyer.
    public func purchases(period: ReportPeriod, filter: ReportFilter, by actor: Actor) async throws -> PurchaseSummary {
        let db = context.database.reader
        let visibility = AccessPolicy.visibility(for: actor, of: .order)
        let narrowing = try await narrowing(filter, .orders, db, actor: actor)
        if visibility == .everything, narrowing.isEmpty {
            let settings = try await WorkspaceRows.workspace(db, actor.workspaceID)
            if let summary = try await PurchaseTallyRows.summary(
                db, workspace: actor.workspaceID.rawValue, timeZone: settings.timeZone, period: period)
            {
                return summary
            }
        }
        let conditions: [SQLQueryString] =
            [
                "o.workspace_id = \(bind: actor.workspaceID.rawValue)", "o.counted = TRUE",
                "o.ordered_at >= \(bind: period.from.millis)", "o.ordered_at < \(bind: period.to.millis)",
                AccessRows.condition(visibility, ownerColumn: "o.owner_id"),
            ] + narrowing
        // One pass: the period's orders grouped by buyer (orders without a contact form one NULL group, which
        // counts for orders and revenue but not as a buyer).
        let totals = try await db.raw(
            """
            SELECT CAST(COALESCE(SUM(b.n), 0) AS BIGINT) AS orders, CAST(COALESCE(SUM(b.revenue), 0) AS BIGINT) AS revenue,
                COUNT(b.contact_id) AS buyers,
                CAST(COALESCE(SUM(CASE WHEN b.contact_id IS NOT NULL AND b.n >= 2 THEN 1 ELSE 0 END), 0) AS BIGINT) AS repeats
            FROM (SELECT o.contact_id AS contact_id, COUNT(*) AS n, SUM(o.total) AS revenue FROM orders o WHERE
            """ + conditions.anded() + " GROUP BY o.contact_id) b"
        ).first()
        return PurchaseSummary(
            orders: try totals?.int("orders") ?? 0, revenue: try totals?.int64("revenue") ?? 0, buyers: try totals?.int("buyers") ?? 0,
            repeatBuyers: try totals?.int("repeats") ?? 0)
    }

    /// The RFM grid of the contacts the actor sees (narrowed by the filter): clients and revenue per cell.
    public func rfmGrid(filter: ReportFilter, by actor: Actor) async throws -> [RFMCell] {
        let db = context.database.reader
        let conditions: [SQLQueryString] =
            [
                "c.workspace_id = \(bind: actor.workspaceID.rawValue)", "c.deleted_at IS NULL", "c.rfm_recency IS NOT NULL",
                AccessRows.condition(AccessPolicy.visibility(for: actor, of: .contact), ownerColumn: "c.owner_id"),
            ] + (try await narrowing(filter, .contacts, db, actor: actor))
        let rows = try await db.raw(
            "SELECT c.rfm_recency AS r, c.rfm_frequency AS f, COUNT(*) AS n, CAST(SUM(c.revenue) AS BIGINT) AS revenue FROM contacts c WHERE "
                + conditions.anded() + " GROUP BY c.rfm_recency, c.rfm_frequency ORDER BY c.rfm_recency DESC, c.rfm_frequency DESC"
        ).all()
        return try rows.map {
            RFMCell(recency: try $0.int("r"), frequency: try $0.int("f"), customers: try $0.int("n"), revenue: try $0.int64("revenue"))
        }
    }

    /// Live deals the actor sees, narrowed by the filter, created in the period.
    func deals(created period: ReportPeriod, _ filter: ReportFilter, _ db: any SQLDatabase, actor: Actor) async throws -> [SQLQueryString] {
        try await liveDeals(filter, db, actor: actor) + within("d.created_at", period)
    }

    /// Live deals the actor sees, narrowed by the filter, closed (won or lost) in the period.
    func deals(closed period: ReportPeriod, _ filter: ReportFilter, _ db: any SQLDatabase, actor: Actor) async throws -> [SQLQueryString] {
        try await liveDeals(filter, db, actor: actor) + within("d.closed_at", period)
    }

    /// Live deals of the workspace that the actor sees, narrowed by the filter.
    func liveDeals(_ filter: ReportFilter, _ db: any SQLDatabase, actor: Actor) async throws -> [SQLQueryString] {
        liveDeals(narrowedBy: try await narrowing(filter, .deals, db, actor: actor), actor: actor)
    }

    /// Live deals of the workspace that the actor sees, with the filter's conditions already compiled.
    func liveDeals(narrowedBy narrowing: [SQLQueryString], actor: Actor) -> [SQLQueryString] {
        [
            "d.workspace_id = \(bind: actor.workspaceID.rawValue)", "d.deleted_at IS NULL",
            AccessRows.condition(AccessPolicy.visibility(for: actor, of: .deal), ownerColumn: "d.owner_id"),
        ] + narrowing
    }

    /// `column` within the period.
    func within(_ column: String, _ period: ReportPeriod) -> [SQLQueryString] {
        ["\(unsafeRaw: column) >= \(bind: period.from.millis)", "\(unsafeRaw: column) < \(bind: period.to.millis)"]
    }
}
