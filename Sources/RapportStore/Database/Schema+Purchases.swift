extension Schema {
    /// What each client has bought: one row per client (contact or company) and product with the number of
    /// its counted orders holding that product, kept by the order writes beside the purchase totals
    /// (`CustomerMetricsRows.refresh`). A segment "bought product X" then reads the product's buyers off
    /// one index instead of every order line of X and each line's order (bench/analytics.py: two products
    /// bought by 165,000 of a million contacts went from 0.84 s of SQL to about 0.15 s). The covering index
    /// on contacts lets such a list of ids be checked (live, workspace, owner) without reading the rows.
    /// Filled here from the orders already stored.
    static func v17(_ dialect: Dialect, _ trigram: Bool) -> [String] {
        [
            """
            CREATE TABLE client_products (
                workspace_id TEXT NOT NULL, client_id TEXT NOT NULL, product_id TEXT NOT NULL, orders INTEGER NOT NULL,
                PRIMARY KEY (client_id, product_id))\(dialect == .sqlite ? " WITHOUT ROWID" : "")
            """,
            """
            INSERT INTO client_products (workspace_id, client_id, product_id, orders)
            SELECT o.workspace_id, o.contact_id, l.product_id, COUNT(DISTINCT o.id) FROM orders o JOIN order_lines l ON l.order_id = o.id
            WHERE o.counted AND o.contact_id IS NOT NULL AND l.product_id IS NOT NULL GROUP BY o.workspace_id, o.contact_id, l.product_id
            """,
            """
            INSERT INTO client_products (workspace_id, client_id, product_id, orders)
            SELECT o.workspace_id, o.company_id, l.product_id, COUNT(DISTINCT o.id) FROM orders o JOIN order_lines l ON l.order_id = o.id
            WHERE o.counted AND o.company_id IS NOT NULL AND l.product_id IS NOT NULL GROUP BY o.workspace_id, o.company_id, l.product_id
            """,
            "CREATE INDEX client_products_product ON client_products (product_id, client_id)",
            "CREATE INDEX contacts_visible ON contacts (id, workspace_id, deleted_at, owner_id)",
            "ANALYZE client_products",
            "ANALYZE contacts",
        ]
    }
}

extension Schema {
    /// Purchases tallied per calendar day (`PurchaseTally` in the core, `PurchaseTallyRows` here): day totals,
    /// and per (day, earlier day) the orders whose buyer's previous or second-previous order fell on that
    /// earlier day, with what each counted order has added kept on its row. A period's buyers and repeat
    /// buyers are then sums over its days instead of a sort of every order of the period by buyer
    /// (bench/analytics.py: a year and the year before went from 2.9 s of SQL to milliseconds). Days are
    /// counted in the workspace's time zone, which SQL cannot do, so the tallies are built by the
    /// `purchases.tally` job, not here; until then the report groups the orders as before.
    static func v18(_ dialect: Dialect, _ trigram: Bool) -> [String] {
        let rowid = dialect == .sqlite ? " WITHOUT ROWID" : ""
        return [
            "ALTER TABLE orders ADD COLUMN tally_day INTEGER",
            "ALTER TABLE orders ADD COLUMN tally_total BIGINT",
            "ALTER TABLE orders ADD COLUMN tally_buyer BOOLEAN",
            "ALTER TABLE orders ADD COLUMN tally_previous_day INTEGER",
            "ALTER TABLE orders ADD COLUMN tally_second_day INTEGER",
            """
            CREATE TABLE purchase_tallies (
                workspace_id TEXT PRIMARY KEY REFERENCES workspaces(id), time_zone TEXT NOT NULL, built_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE purchase_days (
                workspace_id TEXT NOT NULL, day INTEGER NOT NULL, orders BIGINT NOT NULL, revenue BIGINT NOT NULL,
                buyer_orders BIGINT NOT NULL, PRIMARY KEY (workspace_id, day))\(rowid)
            """,
            """
            CREATE TABLE purchase_gaps (
                workspace_id TEXT NOT NULL, gap INTEGER NOT NULL, earlier_day INTEGER NOT NULL, day INTEGER NOT NULL,
                orders BIGINT NOT NULL, PRIMARY KEY (workspace_id, gap, earlier_day, day))\(rowid)
            """,
        ]
    }
}

extension Schema {
    /// The covering check of a list of contact ids (migration 17) also carries the fields segments most
    /// often test alongside a product (city, lifecycle, readiness), so "in Kazan and bought X" checks the
    /// product's buyers without reading their rows (bench/analytics.py: 0.70 s → 0.26 s of SQL on a loaded
    /// machine).
    static func v21(_ dialect: Dialect, _ trigram: Bool) -> [String] {
        [
            "DROP INDEX contacts_visible",
            "CREATE INDEX contacts_visible ON contacts (id, workspace_id, deleted_at, owner_id, city_key, lifecycle, readiness)",
            "ANALYZE contacts",
        ]
    }
}
