extension Schema {
    /// Duplicates and merge. The pointer from a merged record to its survivor is the `merged_into` column
    /// contacts and companies have had since v1; this indexes it (a card of a merged record finds its
    /// survivor, and the survivor its merged records, without a scan) and adds the pairs users marked as
    /// "not duplicates", stored with the smaller id first so the finder looks a pair up with one probe.
    static func v11(_ dialect: Dialect, _ trigram: Bool) -> [String] {
        [
            "CREATE INDEX contacts_merged_into ON contacts (merged_into) WHERE merged_into IS NOT NULL",
            "CREATE INDEX companies_merged_into ON companies (merged_into) WHERE merged_into IS NOT NULL",
            """
            CREATE TABLE duplicate_dismissals (
                workspace_id TEXT NOT NULL REFERENCES workspaces(id), record_kind TEXT NOT NULL,
                first_id TEXT NOT NULL, second_id TEXT NOT NULL, dismissed_by TEXT, dismissed_at BIGINT NOT NULL,
                PRIMARY KEY (workspace_id, record_kind, first_id, second_id))
            """,
            // Companies with the same name are found by grouping on the folded name, which the list's
            // (workspace_id, sort_name, id) index already serves.
        ]
    }
}
