extension Schema {
    /// What the cohorts and CLV reports read (bench/analytics.py, 1,000,000 contacts and 5,000,000 orders).
    ///
    /// Cohorts: the contacts whose first counted order falls in the window, in first-order order with last
    /// order, id and owner (a contact whose last order is in its first month bought in that month alone), and
    /// each contact's orders with what the report tests (counted, deleted, workspace) for the others — so the
    /// report walks about a hundred thousand contacts off one index, and the orders of the few that bought
    /// again, instead of every order of the window and each one's row. The wider orders index replaces `orders_contact`, whose columns
    /// lead it, so the contact's order list reads it as before. `deleted_at` sits in the contacts index
    /// although its condition is the index's own: SQLite counts an index as covering only when it holds
    /// every column the query names.
    ///
    /// CLV: each contact's predicted CLV beyond its revenue (`CustomerMetrics.expectedFutureRevenue`) and
    /// the moment it lapses (`lapsesAt`), kept by the order writes (`CustomerMetricsRows.refresh`), so the
    /// report reads a covering index, one range per revenue range, adding the future revenue of those whose
    /// lapse is still ahead, exactly as of the request. They are computed in Swift, so the `clv.project` job fills
    /// them for the contacts this migration finds (`contacts_clv_missing` lists them); until then the
    /// report predicts those contacts itself, as before.
    static func v20(_ dialect: Dialect, _ trigram: Bool) -> [String] {
        [
            "ALTER TABLE contacts ADD COLUMN clv_future BIGINT",
            "ALTER TABLE contacts ADD COLUMN clv_lapses_at BIGINT",
            """
            CREATE INDEX contacts_first_order ON contacts (workspace_id, first_order_at, last_order_at, id, owner_id, deleted_at)
            WHERE deleted_at IS NULL AND first_order_at IS NOT NULL
            """,
            "DROP INDEX orders_contact",
            "CREATE INDEX orders_contact_purchases ON orders (contact_id, ordered_at, counted, deleted_at, workspace_id)",
            """
            CREATE INDEX contacts_clv ON contacts (workspace_id, revenue, clv_future, clv_lapses_at, owner_id, order_count, deleted_at)
            WHERE deleted_at IS NULL AND order_count > 0
            """,
            "CREATE INDEX contacts_clv_missing ON contacts (workspace_id) WHERE clv_future IS NULL AND order_count > 0",
            "ANALYZE contacts",
            "ANALYZE orders",
        ]
    }
}
