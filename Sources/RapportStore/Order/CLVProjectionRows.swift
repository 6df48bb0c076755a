import Foundation
import RapportCore
import SQLKit

/// Each contact's CLV projection (`CustomerMetrics.projection`): the future revenue expected while it has
/// not lapsed (`clv_future`) and when it lapses (`clv_lapses_at`), kept beside its purchase totals by the
/// order writes so the CLV report sums them in SQL (migration 20). NULL on a buyer means not projected yet
/// (rows the migration found, or totals written in bulk): the `clv.project` job fills those and the report
/// predicts them itself meanwhile. Contacts without orders keep NULL.
enum CLVProjectionRows {
    /// Projects one contact from the totals on its row (call after writing them).
    static func refresh(_ db: any SQLDatabase, contact id: String) async throws {
        guard let row = try await db.raw("SELECT \(unsafeRaw: totalsColumns) FROM contacts WHERE id = \(bind: id)").first() else { return }
        let totals = try Self.totals(row)
        let stored = Self.stored(totals)
        try await db.raw(
            "UPDATE contacts SET clv_future = \(bind: stored.future), clv_lapses_at = \(bind: stored.lapsesAt) WHERE id = \(bind: id)"
        ).run()
    }

    /// Projects the buyers not projected yet, a batch per transaction so writers are never held up for long.
    /// - Returns: how many contacts were projected.
    static func fill(_ database: Database) async throws -> Int {
        var done = 0
        while true {
            let rows = try await database.reader.raw(
                "SELECT id, \(unsafeRaw: totalsColumns) FROM contacts WHERE clv_future IS NULL AND order_count > 0 LIMIT 500"
            ).all()
            guard !rows.isEmpty else { return done }
            let projected = try rows.map { (id: try $0.string("id"), stored: Self.stored(try Self.totals($0))) }
            try await database.transaction { db in
                // A write since the read projected the row already, from newer totals: leave it.
                for (id, stored) in projected {
                    try await db.raw(
                        """
                        UPDATE contacts SET clv_future = \(bind: stored.future), clv_lapses_at = \(bind: stored.lapsesAt)
                        WHERE id = \(bind: id) AND clv_future IS NULL
                        """
                    ).run()
                }
            }
            done += rows.count
        }
    }

    /// The purchase-total columns of a client's row, and their decoding (the card's standing reads them too).
    static let totalsColumns = "order_count, revenue, first_order_at, last_order_at"

    static func totals(_ row: any SQLRow) throws -> PurchaseTotals {
        PurchaseTotals(
            orderCount: try row.int("order_count"), revenue: try row.int64("revenue"), firstOrderAt: try row.optionalDate("first_order_at"),
            lastOrderAt: try row.optionalDate("last_order_at"))
    }

    /// The columns' values: NULL without orders; the lapse in Unix milliseconds, clamped to the column.
    static func stored(_ totals: PurchaseTotals) -> (future: Int64?, lapsesAt: Int64?) {
        guard totals.orderCount > 0 else { return (nil, nil) }
        let projection = CustomerMetrics.projection(of: totals)
        let lapsesAt = projection.lapsesAt.map { date -> Int64 in
            let millis = (date.timeIntervalSince1970 * 1000).rounded()
            // 2^63 is exactly representable; a lapse beyond the column's range never comes.
            return millis >= 9_223_372_036_854_775_808.0 ? .max : millis <= -9_223_372_036_854_775_808.0 ? .min : Int64(millis)
        }
        return (projection.expectedFutureRevenue, lapsesAt)
    }
}
