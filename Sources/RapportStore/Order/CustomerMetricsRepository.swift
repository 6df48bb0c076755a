import Foundation
public import RapportCore
import SQLKit

/// A client's standing as a buyer: the purchase totals kept by every order write, and the RFM score and
/// class the scheduled scoring last gave (nil before the first scoring or without orders).
public struct CustomerStanding: Hashable, Sendable {
    /// Order count, revenue, first and last order.
    public var totals: PurchaseTotals
    /// The quintile scores.
    public var rfm: RFMScore?
    /// The named class of the score.
    public var rfmClass: RFMClass?
}

/// Reads customer metrics and recomputes RFM scores.
public struct CustomerMetricsRepository: Sendable {
    let context: StoreContext

    /// Makes the repository.
    public init(context: StoreContext) { self.context = context }

    /// The standing of a contact or company the actor may see.
    public func standing(_ entity: SegmentEntity, id: String, by actor: Actor) async throws -> CustomerStanding {
        let table = entity == .contact ? "contacts" : "companies"
        let db = context.database.reader
        guard
            let row = try await db.raw(
                """
                SELECT owner_id, order_count, revenue, first_order_at, last_order_at, rfm_recency, rfm_frequency, rfm_monetary, rfm_class
                FROM \(unsafeRaw: table) WHERE id = \(bind: id) AND workspace_id = \(bind: actor.workspaceID.rawValue)
                """
            ).first(),
            try await AccessCheck.allows(db, actor, .read, entity.recordKind, owner: try row.optionalID("owner_id"))
        else { throw RecordError.notFound(entity.recordKind) }
        return try Self.standing(row)
    }

    static func standing(_ row: any SQLRow) throws -> CustomerStanding {
        var rfm: RFMScore?
        if let r = try row.optionalInt("rfm_recency"), let f = try row.optionalInt("rfm_frequency"),
            let m = try row.optionalInt("rfm_monetary")
        {
            rfm = RFMScore(recency: r, frequency: f, monetary: m)
        }
        return CustomerStanding(
            totals: try CLVProjectionRows.totals(row), rfm: rfm,
            rfmClass: try row.optionalString("rfm_class").flatMap(RFMClass.init(rawValue:)))
    }

    /// Builds the purchase tallies (`PurchaseTallyRows`) of every workspace whose tallies are not built, or
    /// are kept in a time zone the workspace no longer has (the scheduled job; it also runs as the server
    /// starts, which is when a migrated database gets them). `all` rebuilds every workspace's.
    /// - Returns: the workspaces built.
    @discardableResult
    public func tallyPurchases(all: Bool = false) async throws -> Int {
        let rows = try await context.database.reader.raw(
            """
            SELECT w.id, w.time_zone, t.time_zone AS tallied FROM workspaces w LEFT JOIN purchase_tallies t ON t.workspace_id = w.id
            """
        ).all()
        var built = 0
        for row in rows {
            let name = try row.string("time_zone")
            let tallied = try row.optionalString("tallied")
            guard all || tallied != name, let zone = TimeZone(identifier: name) else { continue }
            let workspace = try row.string("id")
            try await context.database.transaction { db in
                try await PurchaseTallyRows.rebuild(
                    db, workspace: workspace, zone: zone, dialect: context.dialect, now: context.effects.now())
            }
            built += 1
        }
        return built
    }

    /// Projects the CLV of every buying contact not projected yet (`CLVProjectionRows`): those a migration or a
    /// bulk write of the totals left without one (the scheduled job; it also runs as the server starts).
    /// - Returns: how many contacts were projected.
    @discardableResult
    public func projectCLV() async throws -> Int { try await CLVProjectionRows.fill(context.database) }

    /// Rescores every buying contact and company of every workspace by RFM quintiles (the scheduled job),
    /// writing only the rows whose score changed, in batches so writers are never held up for long.
    /// - Returns: how many rows changed.
    @discardableResult
    public func refreshRFM() async throws -> Int {
        let workspaces = try await context.database.reader.raw("SELECT id FROM workspaces").all().map { try $0.string("id") }
        var changed = 0
        for workspace in workspaces {
            for table in ["contacts", "companies"] { changed += try await refreshRFM(table: table, workspace: workspace) }
        }
        return changed
    }

    private func refreshRFM(table: String, workspace: String) async throws -> Int {
        let rows = try await context.database.reader.raw(
            """
            SELECT id, order_count, revenue, last_order_at, rfm_recency, rfm_frequency, rfm_monetary, rfm_class FROM \(unsafeRaw: table)
            WHERE workspace_id = \(bind: workspace) AND deleted_at IS NULL AND (order_count > 0 OR rfm_class IS NOT NULL)
            """
        ).all()
        var customers: [RFMCustomer] = []
        var current: [String: (RFMScore?, String?)] = [:]
        customers.reserveCapacity(rows.count)
        for row in rows {
            let id = try row.string("id")
            let standing = try Self.standing(row)
            current[id] = (standing.rfm, standing.rfmClass?.rawValue)
            if standing.totals.orderCount > 0, let last = standing.totals.lastOrderAt {
                customers.append(
                    RFMCustomer(id: id, lastOrderAt: last, orderCount: standing.totals.orderCount, revenue: standing.totals.revenue))
            }
        }
        let scores = RFMScoring.score(customers)
        var updates: [(String, RFMScore?, String?)] = []
        for (id, (oldScore, oldClass)) in current {
            let score = scores[id]
            let name = score.map { RFMClass.classify($0).rawValue }
            if score != oldScore || name != oldClass { updates.append((id, score, name)) }
        }
        updates.sort { $0.0 < $1.0 }
        for start in stride(from: 0, to: updates.count, by: 500) {
            let batch = Array(updates[start..<min(start + 500, updates.count)])
            try await context.database.transaction { db in
                for (id, score, name) in batch {
                    try await db.raw(
                        """
                        UPDATE \(unsafeRaw: table) SET rfm_recency = \(bind: score?.recency), rfm_frequency = \(bind: score?.frequency),
                            rfm_monetary = \(bind: score?.monetary), rfm_class = \(bind: name)
                        WHERE id = \(bind: id)
                        """
                    ).run()
                }
            }
        }
        return updates.count
    }
}
