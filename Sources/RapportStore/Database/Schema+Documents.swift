extension Schema {
    /// Documents attached to contacts, companies and deals, and their numbered versions. The bytes live in
    /// the file store (content-addressed by SHA-256); a row names them by `storage_key`. `record_type` and
    /// `record_id` say which record holds the document (a merge moves documents by rewriting them).
    static func v12(_ dialect: Dialect, _ trigram: Bool) -> [String] {
        [
            """
            CREATE TABLE documents (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id), record_type TEXT NOT NULL,
                record_id TEXT NOT NULL, title TEXT NOT NULL, current_version INTEGER NOT NULL, created_by TEXT,
                created_at BIGINT NOT NULL, updated_by TEXT, updated_at BIGINT NOT NULL, deleted_at BIGINT)
            """,
            "CREATE INDEX documents_record ON documents (workspace_id, record_id, created_at, id)",
            "CREATE INDEX documents_trash ON documents (workspace_id, deleted_at) WHERE deleted_at IS NOT NULL",
            """
            CREATE TABLE document_versions (
                workspace_id TEXT NOT NULL, document_id TEXT NOT NULL REFERENCES documents(id), number INTEGER NOT NULL,
                file_name TEXT NOT NULL, media_type TEXT NOT NULL, size BIGINT NOT NULL, sha256 TEXT NOT NULL,
                storage_key TEXT NOT NULL, uploaded_by TEXT, uploaded_at BIGINT NOT NULL, PRIMARY KEY (document_id, number))
            """,
            "CREATE INDEX document_versions_key ON document_versions (workspace_id, storage_key)",
        ]
    }
}
