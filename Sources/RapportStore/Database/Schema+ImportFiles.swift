extension Schema {
    /// An import's kept file in a table of its own, in parts. SQLite writes a whole row again on every update,
    /// so the progress counters of `imports`, updated with each batch, wrote the file again with them: a batch
    /// of a million-row import copied its 140 MB text into the write-ahead log, and the cost of a batch grew with
    /// the file. In parts of a few megabytes cut between records, an import reads its file a part at a time.
    static func v22(_ dialect: Dialect, _ trigram: Bool) -> [String] {
        [
            """
            CREATE TABLE import_files (
                import_id TEXT NOT NULL REFERENCES imports(id), part INTEGER NOT NULL, content TEXT NOT NULL,
                PRIMARY KEY (import_id, part))
            """,
            "INSERT INTO import_files (import_id, part, content) SELECT id, 0, content FROM imports",
            "UPDATE imports SET content = ''",
        ]
    }
}
