extension Schema {
    /// Covering indexes for the reports the analytics benchmark showed reading table rows one by one
    /// (bench/analytics.py on a million contacts, deals and five million orders; SQL of 30 days before →
    /// after in the commit that made this):
    /// - time in stage: the visits that ended in a period, per stage, off one index (7.8 s → 32 ms);
    /// - stale deals: open deals per stage by the time they entered it (0.8 s → a few ms per stage);
    /// - lost reasons: the closed-deal index carries the reason;
    /// - forecast: open deals by expected close date with amount and probabilities;
    /// - sources: contacts, deals and orders of a period with their source and UTM tags (the list and
    ///   purchase indexes they extend keep their leading columns, so their old uses stay the same).
    static func v19(_ dialect: Dialect, _ trigram: Bool) -> [String] {
        [
            """
            CREATE INDEX stage_history_left ON stage_history (workspace_id, pipeline_id, stage_id, left_at, entered_at, deal_id)
            WHERE left_at IS NOT NULL
            """,
            """
            CREATE INDEX deals_stale ON deals (workspace_id, pipeline_id, status, stage_id, stage_entered_at, id)
            WHERE deleted_at IS NULL
            """,
            """
            CREATE INDEX deals_forecast ON deals (
                workspace_id, status, expected_close_date, currency, amount, probability, learned_probability, owner_id, pipeline_id)
            WHERE deleted_at IS NULL
            """,
            "DROP INDEX deals_closed",
            """
            CREATE INDEX deals_closed ON deals (workspace_id, closed_at, status, currency, amount, created_at, owner_id, pipeline_id, lost_reason)
            WHERE deleted_at IS NULL AND closed_at IS NOT NULL
            """,
            "DROP INDEX contacts_created",
            """
            CREATE INDEX contacts_created ON contacts (workspace_id, created_at, id, source, utm_source, utm_medium, utm_campaign, owner_id)
            WHERE deleted_at IS NULL
            """,
            "DROP INDEX deals_created",
            """
            CREATE INDEX deals_created ON deals (workspace_id, created_at, id, source, utm_source, utm_medium, utm_campaign, owner_id, pipeline_id)
            WHERE deleted_at IS NULL
            """,
            "DROP INDEX orders_purchases",
            """
            CREATE INDEX orders_purchases ON orders (
                workspace_id, counted, ordered_at, contact_id, total, source, utm_source, utm_medium, utm_campaign, owner_id)
            """,
            "ANALYZE deals", "ANALYZE stage_history", "ANALYZE contacts", "ANALYZE orders",
        ]
    }
}
