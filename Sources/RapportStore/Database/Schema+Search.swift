extension Schema {
    /// Tried and dropped: an import's search documents waited (`indexed` false) and entered the full-text
    /// index ten batches at a time, to write fewer, larger FTS5 segments. Measured on the million-row import it
    /// changed nothing (100.4 and 100.5 s before, 98.4 and 103.2 s after; FTS5's share of the CPU the same), so
    /// the import indexes each batch again and no document waits. Migration 25 replaces this migration's update
    /// triggers, which were wrong, and migration 26 removes what it added.
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

extension Schema {
    /// Migration 24's waiting documents were dropped (nothing writes `indexed` false since), so its column, its
    /// index of waiting documents and the conditions in the triggers go; the triggers are migration 1's again,
    /// the update's two steps in one trigger, in order. The full-text index is unchanged.
    static func v26(_ dialect: Dialect, _ trigram: Bool) -> [String] {
        var statements = ["DROP INDEX search_docs_pending"]
        if dialect == .sqlite {
            statements +=
                [
                    "DROP TRIGGER search_docs_ai", "DROP TRIGGER search_docs_ad", "DROP TRIGGER search_docs_au",
                ] + searchDocumentTriggers
        }
        return statements + ["ALTER TABLE search_docs DROP COLUMN indexed"]
    }
}
