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
