extension Schema {
    /// Users' phone extensions (internal PBX numbers): telephony events carrying one are handled by its
    /// user. Unique within a workspace among active users, so a deactivated employee's number can be
    /// given to a newcomer.
    static func v16(_ dialect: Dialect, _ trigram: Bool) -> [String] {
        [
            "ALTER TABLE users ADD COLUMN extension TEXT",
            "CREATE UNIQUE INDEX users_extension ON users (workspace_id, extension) WHERE active AND extension IS NOT NULL",
        ]
    }
}
