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

extension Schema {
    /// Migration 24 split the update trigger in two, and SQLite runs a table's triggers for one event newest
    /// first: the new text was added to the full-text index before the old was taken out, and taking it out
    /// then removed the words both texts share (an edited contact was no longer found by its unchanged
    /// surname). One trigger again, its two steps in order, each for the documents it concerns; then the
    /// index is rebuilt from the documents, which mends what an edit under migration 24 broke (the waiting
    /// documents are let in first, as a rebuild reads every document).
    static func v25(_ dialect: Dialect, _ trigram: Bool) -> [String] {
        guard dialect == .sqlite else { return [] }
        return [
            "DROP TRIGGER search_docs_au_old", "DROP TRIGGER search_docs_au_new",
            """
            CREATE TRIGGER search_docs_au AFTER UPDATE ON search_docs BEGIN
                INSERT INTO search_fts(search_fts, rowid, body) SELECT 'delete', old.id, old.body WHERE old.indexed;
                INSERT INTO search_fts(rowid, body) SELECT new.id, new.body WHERE new.indexed;
            END
            """,
            "UPDATE search_docs SET indexed = TRUE WHERE NOT indexed",
            "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
        ]
    }
}
