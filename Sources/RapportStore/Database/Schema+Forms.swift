extension Schema {
    /// Web forms (the definition as JSON, what a submission creates, the round-robin cursor) and their
    /// submissions with the attribution each brought; telephony calls: one row per provider call id,
    /// pointing at the call activity it updates and the call-back task it made (so repeated events
    /// never log a call or a task twice). Contacts and deals are referenced without foreign keys so
    /// purging them from the trash is not blocked by the history kept here.
    static func v13(_ dialect: Dialect, _ trigram: Bool) -> [String] {
        [
            """
            CREATE TABLE forms (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id), name TEXT NOT NULL,
                public_key TEXT NOT NULL UNIQUE, definition TEXT NOT NULL, consent_text TEXT, creates_deal BOOLEAN NOT NULL,
                pipeline_id TEXT, stage_id TEXT, creates_task BOOLEAN NOT NULL, owner_ids TEXT NOT NULL, cursor INTEGER NOT NULL,
                active BOOLEAN NOT NULL, thank_you_text TEXT, redirect_url TEXT, created_by TEXT, created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL, version BIGINT NOT NULL, deleted_at BIGINT)
            """,
            "CREATE INDEX forms_workspace ON forms (workspace_id, created_at)",
            """
            CREATE TABLE form_submissions (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id), form_id TEXT NOT NULL REFERENCES forms(id),
                contact_id TEXT, deal_id TEXT, task_id TEXT, contact_created BOOLEAN NOT NULL, payload TEXT NOT NULL,
                utm_source TEXT, utm_medium TEXT, utm_campaign TEXT, utm_content TEXT, utm_term TEXT, referrer TEXT, landing_page TEXT,
                ip TEXT, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX form_submissions_form ON form_submissions (form_id, created_at, id)",
            "CREATE INDEX form_submissions_contact ON form_submissions (contact_id)",
            """
            CREATE TABLE telephony_calls (
                workspace_id TEXT NOT NULL REFERENCES workspaces(id), call_id TEXT NOT NULL, activity_id TEXT, contact_id TEXT,
                callback_task_id TEXT, extension TEXT, status TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
                PRIMARY KEY (workspace_id, call_id))
            """,
            "CREATE INDEX telephony_calls_activity ON telephony_calls (activity_id)",
        ]
    }
}
