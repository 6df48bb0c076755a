extension Schema {
    /// Search documents an import writes wait to enter the full-text index (`indexed` false) until a group of
    /// its batches has committed, and then enter it together (``SearchRows/indexPending(_:)``). FTS5 writes a
    /// segment of the index at every commit and merges segments as they pile up; ten times fewer, larger
    /// segments cut the index's share of a million-row import from about 34 s to about 6 s (measured with
    /// the same documents alone). A waiting document is found by a scan of the waiting ones, so every
    /// committed batch is searchable, also after a crash. On PostgreSQL (pg_trgm indexes the table itself)
    /// every document is indexed.
    static func v24(_ dialect: Dialect, _ trigram: Bool) -> [String] {
        var statements = [
            "ALTER TABLE search_docs ADD COLUMN indexed BOOLEAN NOT NULL DEFAULT TRUE",
            "CREATE INDEX search_docs_pending ON search_docs (workspace_id, record_kind) WHERE NOT indexed",
        ]
        guard dialect == .sqlite else { return statements }
        statements += [
            "DROP TRIGGER search_docs_ai", "DROP TRIGGER search_docs_ad", "DROP TRIGGER search_docs_au",
            """
            CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs WHEN new.indexed
            BEGIN INSERT INTO search_fts(rowid, body) VALUES (new.id, new.body); END
            """,
            """
            CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs WHEN old.indexed
            BEGIN INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.id, old.body); END
            """,
            """
            CREATE TRIGGER search_docs_au_old AFTER UPDATE ON search_docs WHEN old.indexed
            BEGIN INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.id, old.body); END
            """,
            """
            CREATE TRIGGER search_docs_au_new AFTER UPDATE ON search_docs WHEN new.indexed
            BEGIN INSERT INTO search_fts(rowid, body) VALUES (new.id, new.body); END
            """,
        ]
        return statements
    }
}
