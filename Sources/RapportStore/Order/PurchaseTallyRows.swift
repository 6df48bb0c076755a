import Foundation
import RapportCore
import SQLKit

/// The per-day purchase tallies (`purchase_days`, `purchase_gaps`; see ``PurchaseTally``) and what each
/// counted order has added to them (the `tally_*` columns of `orders`), kept by the order writes and built
/// for a whole workspace by ``rebuild(_:workspace:zone:dialect:)``.
///
/// A workspace's tallies count days in the time zone `purchase_tallies` names. Until they are built there
/// (after the migration that made them, by the `purchases.tally` job) the writes leave them alone and the
/// purchases report groups the orders; when the workspace moves to another time zone, the report does the
/// same until the job builds them again in the new one.
enum PurchaseTallyRows {
    /// The time zone the workspace's tallies are kept in; nil while they are not built.
    static func zone(_ db: any SQLDatabase, workspace: String) async throws -> TimeZone? {
        guard
            let name = try await db.raw("SELECT time_zone FROM purchase_tallies WHERE workspace_id = \(bind: workspace)").first()?
                .string("time_zone")
        else { return nil }
        return TimeZone(identifier: name)
    }

    /// Marks a new workspace's (empty) tallies as built in its time zone.
    static func start(_ db: any SQLDatabase, workspace: String, timeZone: String, now: Date) async throws {
        try await db.raw(
            "INSERT INTO purchase_tallies (workspace_id, time_zone, built_at) VALUES (\(bind: workspace), \(bind: timeZone), \(bind: now.millis))"
        ).run()
    }

    /// Re-tallies a contact's orders (after a change to any of them; the caller has locked the contact's
    /// row by updating its purchase totals, so two changes of one buyer queue).
    static func refresh(_ db: any SQLDatabase, contact id: String) async throws {
        try await refresh(db, rows: try await db.raw("SELECT \(unsafeRaw: columns) FROM orders WHERE contact_id = \(bind: id)").all()) {
            PurchaseTally.entries(ofBuyer: $0, in: $1)
        }
    }

    /// Re-tallies orders that have no contact (among these ids; the others are their contacts' business).
    static func refresh(_ db: any SQLDatabase, anonymous ids: [String]) async throws {
        guard !ids.isEmpty else { return }
        let rows = try await db.raw("SELECT \(unsafeRaw: columns) FROM orders WHERE id IN \(inList(ids)) AND contact_id IS NULL").all()
        try await refresh(db, rows: rows) { purchases, zone in
            Dictionary(uniqueKeysWithValues: purchases.map { ($0.id, PurchaseTally.entry(ofAnonymous: $0, in: zone)) })
        }
    }

    private static let columns =
        "id, workspace_id, ordered_at, total, counted, tally_day, tally_total, tally_buyer, tally_previous_day, tally_second_day"

    /// Compares what the rows have added with what they add now, and writes the difference.
    private static func refresh(
        _ db: any SQLDatabase, rows: [any SQLRow], entries: ([PurchaseTally.Purchase], TimeZone) -> [String: PurchaseTally.Entry]
    ) async throws {
        guard let workspace = try rows.first?.string("workspace_id"), let zone = try await zone(db, workspace: workspace) else { return }
        var kept: [String: PurchaseTally.Entry] = [:]
        var counted: [PurchaseTally.Purchase] = []
        for row in rows {
            let id = try row.string("id")
            if let day = try row.optionalInt("tally_day") {
                kept[id] = PurchaseTally.Entry(
                    day: day, total: try row.int64("tally_total"), buyer: try row.bool("tally_buyer"),
                    previousDay: try row.optionalInt("tally_previous_day"), secondPreviousDay: try row.optionalInt("tally_second_day"))
            }
            if try row.bool("counted") {
                counted.append(PurchaseTally.Purchase(id: id, orderedAt: try row.int64("ordered_at"), total: try row.int64("total")))
            }
        }
        let due = entries(counted, zone)
        for id in Set(kept.keys).union(due.keys).sorted() where kept[id] != due[id] {
            let entry = due[id]
            try await db.raw(
                """
                UPDATE orders SET tally_day = \(nullable: entry?.day), tally_total = \(nullable: entry?.total),
                    tally_buyer = \(nullable: entry?.buyer), tally_previous_day = \(nullable: entry?.previousDay),
                    tally_second_day = \(nullable: entry?.secondPreviousDay)
                WHERE id = \(bind: id)
                """
            ).run()
        }
        try await add(db, workspace: workspace, PurchaseTally.change(from: kept, to: due))
    }

    /// Adds a change to the tallies, rows in key order (so concurrent writers on PostgreSQL lock them in
    /// the same order).
    private static func add(_ db: any SQLDatabase, workspace: String, _ change: PurchaseTally.Change) async throws {
        let days = change.days.sorted { $0.key < $1.key }
        if !days.isEmpty {
            try await insertRows(
                db, "INSERT INTO purchase_days (workspace_id, day, orders, revenue, buyer_orders)", columns: 5, days,
                tail: """
                     ON CONFLICT (workspace_id, day) DO UPDATE SET orders = purchase_days.orders + excluded.orders,
                    revenue = purchase_days.revenue + excluded.revenue, buyer_orders = purchase_days.buyer_orders + excluded.buyer_orders
                    """
            ) {
                "(\(bind: workspace), \(bind: $0.key), \(bind: $0.value.orders), \(bind: $0.value.revenue), \(bind: $0.value.buyerOrders))"
            }
        }
        let gaps = change.gaps.sorted { $0.key < $1.key }
        if !gaps.isEmpty {
            try await insertRows(
                db, "INSERT INTO purchase_gaps (workspace_id, gap, earlier_day, day, orders)", columns: 5, gaps,
                tail: " ON CONFLICT (workspace_id, gap, earlier_day, day) DO UPDATE SET orders = purchase_gaps.orders + excluded.orders"
            ) {
                "(\(bind: workspace), \(bind: $0.key.gap.rawValue), \(bind: $0.key.earlierDay), \(bind: $0.key.day), \(bind: $0.value))"
            }
        }
    }

    /// Builds a workspace's tallies afresh in a time zone, set-based: each counted order's day (one `CASE`
    /// over the zone's offsets), its buyer's previous days (a window over each buyer's orders), then the
    /// sums. On PostgreSQL the orders are locked against writes meanwhile, so none slips between the steps.
    static func rebuild(_ db: any SQLDatabase, workspace: String, zone: TimeZone, dialect: Dialect, now: Date) async throws {
        if dialect == .postgres { try await db.raw("LOCK TABLE orders IN SHARE MODE").run() }
        try await db.raw(
            """
            INSERT INTO purchase_tallies (workspace_id, time_zone, built_at) VALUES (\(bind: workspace), \(bind: zone.identifier), \(bind: now.millis))
            ON CONFLICT (workspace_id) DO UPDATE SET time_zone = excluded.time_zone, built_at = excluded.built_at
            """
        ).run()
        let span = try await db.raw(
            "SELECT MIN(ordered_at) AS first, MAX(ordered_at) AS last FROM orders WHERE workspace_id = \(bind: workspace) AND counted"
        ).first()
        let first = try span?.optionalInt64("first") ?? now.millis
        let last = try span?.optionalInt64("last") ?? now.millis
        let pieces = PurchaseTally.offsets(from: first, to: last + 1, in: zone)
        var offset: SQLQueryString = pieces.count > 1 ? "CASE" : ""
        for piece in pieces {
            if let until = piece.until {
                offset = offset + " WHEN ordered_at < \(unsafeRaw: String(until)) THEN \(unsafeRaw: String(piece.offset))"
            } else {
                offset = offset + (pieces.count > 1 ? " ELSE \(unsafeRaw: String(piece.offset)) END" : "\(unsafeRaw: String(piece.offset))")
            }
        }
        let local: SQLQueryString = "(ordered_at + " + offset + ")"
        // Floor division, also for instants before 1970 (SQL's `/` and `%` truncate toward zero).
        let day: SQLQueryString = "((" + local + " - ((" + local + " % 86400000) + 86400000) % 86400000) / 86400000)"
        try await db.raw(
            """
            UPDATE orders SET tally_day = CASE WHEN counted THEN
            """ + day
                + """
                 END,
                    tally_total = CASE WHEN counted THEN total END, tally_buyer = CASE WHEN counted THEN contact_id IS NOT NULL END,
                    tally_previous_day = NULL, tally_second_day = NULL
                WHERE workspace_id = \(bind: workspace)
                """
        ).run()
        try await db.raw(
            """
            UPDATE orders SET tally_previous_day = w.previous, tally_second_day = w.second
            FROM (SELECT id, LAG(tally_day, 1) OVER buyer AS previous, LAG(tally_day, 2) OVER buyer AS second
                FROM orders WHERE workspace_id = \(bind: workspace) AND counted AND contact_id IS NOT NULL
                WINDOW buyer AS (PARTITION BY contact_id ORDER BY ordered_at, id)) w
            WHERE orders.id = w.id AND w.previous IS NOT NULL
            """
        ).run()
        try await db.raw("DELETE FROM purchase_days WHERE workspace_id = \(bind: workspace)").run()
        try await db.raw(
            """
            INSERT INTO purchase_days (workspace_id, day, orders, revenue, buyer_orders)
            SELECT workspace_id, tally_day, COUNT(*), CAST(SUM(tally_total) AS BIGINT), CAST(SUM(CASE WHEN tally_buyer THEN 1 ELSE 0 END) AS BIGINT)
            FROM orders WHERE workspace_id = \(bind: workspace) AND tally_day IS NOT NULL GROUP BY workspace_id, tally_day
            """
        ).run()
        try await db.raw("DELETE FROM purchase_gaps WHERE workspace_id = \(bind: workspace)").run()
        for (gap, column) in [(PurchaseTally.Gap.previous, "tally_previous_day"), (.secondPrevious, "tally_second_day")] {
            try await db.raw(
                """
                INSERT INTO purchase_gaps (workspace_id, gap, earlier_day, day, orders)
                SELECT workspace_id, \(unsafeRaw: String(gap.rawValue)), \(unsafeRaw: column), tally_day, COUNT(*) FROM orders
                WHERE workspace_id = \(bind: workspace) AND \(unsafeRaw: column) IS NOT NULL GROUP BY workspace_id, \(unsafeRaw: column), tally_day
                """
            ).run()
        }
    }

    /// The summary of a period read off the tallies; nil when they cannot answer it (not built in the
    /// workspace's current time zone, or a period that does not start and end at its midnights).
    static func summary(_ db: any SQLDatabase, workspace: String, timeZone: String, period: ReportPeriod) async throws -> PurchaseSummary? {
        guard let zone = try await zone(db, workspace: workspace), zone.identifier == timeZone,
            PurchaseTally.startsDay(period.from.millis, in: zone), PurchaseTally.startsDay(period.to.millis, in: zone)
        else { return nil }
        let first = PurchaseTally.day(period.from.millis, in: zone)
        let end = PurchaseTally.day(period.to.millis, in: zone)
        let days = try await db.raw(
            """
            SELECT CAST(COALESCE(SUM(orders), 0) AS BIGINT) AS orders, CAST(COALESCE(SUM(revenue), 0) AS BIGINT) AS revenue,
                CAST(COALESCE(SUM(buyer_orders), 0) AS BIGINT) AS buyer_orders
            FROM purchase_days WHERE workspace_id = \(bind: workspace) AND day >= \(bind: first) AND day < \(bind: end)
            """
        ).first()
        var within: [PurchaseTally.Gap: Int64] = [:]
        for gap in PurchaseTally.Gap.allCases {
            // The earlier order is in the period (and so, being earlier, is the order when its day is).
            within[gap] =
                try await db.raw(
                    """
                    SELECT CAST(COALESCE(SUM(orders), 0) AS BIGINT) AS n FROM purchase_gaps
                    WHERE workspace_id = \(bind: workspace) AND gap = \(bind: gap.rawValue) AND earlier_day >= \(bind: first) AND day < \(bind: end)
                    """
                ).first()?.int64("n") ?? 0
        }
        return PurchaseTally.summary(
            days: PurchaseTally.DayTotals(
                orders: try days?.int64("orders") ?? 0, revenue: try days?.int64("revenue") ?? 0,
                buyerOrders: try days?.int64("buyer_orders") ?? 0),
            previousInPeriod: within[.previous] ?? 0, secondPreviousInPeriod: within[.secondPrevious] ?? 0)
    }
}
