extension Schema {
    /// The field separator of an import's kept text: a CSV file is kept as its own decoded text rather than
    /// rewritten with commas, so starting the import of a million-row file holds one copy of it, not the
    /// file split into records and joined again. Imports kept before this were rewritten with commas.
    static func v15(_ dialect: Dialect, _ trigram: Bool) -> [String] {
        ["ALTER TABLE imports ADD COLUMN delimiter TEXT NOT NULL DEFAULT ','"]
    }
}
