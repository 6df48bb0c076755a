extension Schema {
    /// Outgoing webhooks: the subscriptions, the outbox of events (written in the same transaction as the
    /// change that raised them), the deliveries made from it and each delivery's attempts.
    static func v10(_ dialect: Dialect, _ trigram: Bool) -> [String] {
        [
            """
            CREATE TABLE webhooks (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id), url TEXT NOT NULL, events TEXT NOT NULL,
                secret TEXT NOT NULL, active BOOLEAN NOT NULL, allow_private BOOLEAN NOT NULL, created_by TEXT REFERENCES users(id),
                created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, version BIGINT NOT NULL)
            """,
            "CREATE INDEX webhooks_workspace ON webhooks (workspace_id, active)",
            """
            CREATE TABLE webhook_events (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, event TEXT NOT NULL, occurred_at BIGINT NOT NULL, data TEXT NOT NULL,
                dispatched_at BIGINT)
            """,
            "CREATE INDEX webhook_events_pending ON webhook_events (occurred_at, id) WHERE dispatched_at IS NULL",
            """
            CREATE TABLE webhook_deliveries (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, webhook_id TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
                event_id TEXT NOT NULL, event TEXT NOT NULL, payload TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL,
                response_code INTEGER, response_excerpt TEXT, error TEXT, next_attempt_at BIGINT, delivered_at BIGINT,
                created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, UNIQUE (webhook_id, event_id))
            """,
            "CREATE INDEX webhook_deliveries_log ON webhook_deliveries (webhook_id, created_at, id)",
            """
            CREATE TABLE webhook_attempts (
                delivery_id TEXT NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE, number INTEGER NOT NULL,
                at BIGINT NOT NULL, response_code INTEGER, error TEXT, duration_ms INTEGER NOT NULL, next_attempt_at BIGINT,
                PRIMARY KEY (delivery_id, number))
            """,
        ]
    }
}
