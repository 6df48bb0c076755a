import Foundation
public import Logging
import SQLKit

/// One numbered schema change. Named by intent; listed in ``Migrations/all`` in order.
struct Migration: Sendable {
    let version: Int
    let name: String
    /// The statements, for a dialect; each migration runs in one transaction.
    let statements: @Sendable (Dialect, _ trigram: Bool) -> [String]
}

/// The schema's history and the runner that brings a database up to date.
public enum Migrations {
    /// Every migration, oldest first. Append only: never edit one that has shipped.
    static let all: [Migration] = [
        Migration(version: 1, name: "create_core_crm_schema", statements: Schema.v1),
        Migration(version: 2, name: "index_open_deals_for_the_kanban", statements: Schema.v2),
        Migration(version: 3, name: "create_saved_views", statements: Schema.v3),
        Migration(version: 4, name: "create_orders_segments_and_customer_metrics", statements: Schema.v4),
        Migration(version: 5, name: "create_win_models_and_dashboards", statements: Schema.v5),
        Migration(version: 6, name: "create_jobs", statements: Schema.v6),
        Migration(version: 7, name: "add_learned_probability_to_deals", statements: Schema.v7),
        Migration(version: 8, name: "create_imports", statements: Schema.v8),
        Migration(version: 9, name: "index_closed_deals_stage_reach_and_rfm_grid", statements: Schema.v9),
        Migration(version: 10, name: "create_webhooks_outbox_and_deliveries", statements: Schema.v10),
        Migration(version: 11, name: "index_merge_pointers_and_create_duplicate_dismissals", statements: Schema.v11),
        Migration(version: 12, name: "create_documents_and_versions", statements: Schema.v12),
        Migration(version: 13, name: "create_web_forms_and_telephony_calls", statements: Schema.v13),
        Migration(version: 14, name: "keep_each_deals_furthest_stage", statements: Schema.v14),
        Migration(version: 15, name: "keep_each_imports_field_separator", statements: Schema.v15),
        Migration(version: 16, name: "add_phone_extensions_to_users", statements: Schema.v16),
        Migration(version: 17, name: "keep_what_each_client_bought", statements: Schema.v17),
        Migration(version: 18, name: "tally_purchases_per_day", statements: Schema.v18),
        Migration(version: 19, name: "cover_the_reports_with_indexes", statements: Schema.v19),
        Migration(version: 20, name: "index_cohorts_and_keep_each_contacts_clv_projection", statements: Schema.v20),
        Migration(version: 21, name: "cover_common_contact_fields_in_the_id_check", statements: Schema.v21),
        Migration(version: 22, name: "keep_import_files_apart_from_their_progress", statements: Schema.v22),
        Migration(version: 23, name: "keep_sources_and_stage_visits_per_utc_day", statements: Schema.v23),
        Migration(version: 24, name: "let_import_documents_enter_the_search_index_in_groups", statements: Schema.v24),
        Migration(version: 25, name: "update_search_documents_in_one_trigger_and_rebuild_the_index", statements: Schema.v25),
        Migration(version: 26, name: "drop_the_search_documents_waiting_flag", statements: Schema.v26),
        Migration(version: 27, name: "append_rollup_changes_on_postgresql_and_fold_them_in_a_job", statements: Schema.v27),
    ]

    /// The newest schema version this binary knows.
    public static var latestVersion: Int { all.last?.version ?? 0 }

    /// The state of a database's schema.
    public struct Status: Sendable, Equatable {
        /// The highest finished migration.
        public var current: Int
        /// The newest this binary knows.
        public var latest: Int
        /// A migration that started and did not finish.
        public var unfinished: Int?

        /// Makes a status.
        public init(current: Int, latest: Int, unfinished: Int?) {
            self.current = current
            self.latest = latest
            self.unfinished = unfinished
        }
    }

    /// Reads the schema state without changing anything.
    public static func status(of database: Database) async throws -> Status {
        try await ensureTable(database)
        let rows = try await database.reader.raw("SELECT version, finished_at FROM schema_migrations").all()
        var current = 0
        var unfinished: Int?
        for row in rows {
            let version = try row.decode(column: "version", as: Int.self)
            if try row.decodeNil(column: "finished_at") {
                unfinished = version
            } else {
                current = max(current, version)
            }
        }
        return Status(current: current, latest: latestVersion, unfinished: unfinished)
    }

    /// Checks that the schema can be used by this binary, without migrating.
    public static func verify(_ database: Database) async throws {
        let status = try await status(of: database)
        try refuseUnsafe(status)
        if status.current < status.latest {
            throw DatabaseError.migrationsPending(current: status.current, latest: status.latest)
        }
    }

    /// Runs every pending migration, each in its own transaction. Refuses a schema newer than the binary
    /// or one left half-migrated (unless `retryUnfinished`).
    /// - Returns: the versions applied.
    @discardableResult
    public static func migrate(_ database: Database, retryUnfinished: Bool = false, logger: Logger) async throws -> [Int] {
        try await ensureTable(database)
        var status = try await status(of: database)
        if retryUnfinished, let unfinished = status.unfinished {
            try await database.transaction { db in
                try await db.raw("DELETE FROM schema_migrations WHERE version = \(bind: unfinished) AND finished_at IS NULL").run()
            }
            status.unfinished = nil
        }
        try refuseUnsafe(status)
        var applied: [Int] = []
        for migration in all where migration.version > status.current {
            logger.info("Applying migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            // The "started" mark is committed first, so a crash inside the migration leaves evidence.
            let claimed = try await database.transaction { db -> Bool in
                let row = try await db.raw(
                    "INSERT INTO schema_migrations (version, name, started_at) VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: now)) ON CONFLICT (version) DO NOTHING RETURNING version"
                ).first()
                return row != nil
            }
            // Another node is running this migration: wait for it to finish rather than race ahead.
            guard claimed else {
                try await waitForPeer(database, version: migration.version)
                continue
            }
            let trigram = database.hasTrigramSearch
            try await database.transaction { db in
                for statement in migration.statements(database.dialect, trigram) {
                    try await db.raw(SQLQueryString(statement)).run()
                }
                let finished = Int64(Date().timeIntervalSince1970 * 1000)
                try await db.raw(
                    "UPDATE schema_migrations SET finished_at = \(bind: finished) WHERE version = \(bind: migration.version)"
                ).run()
            }
            applied.append(migration.version)
        }
        return applied
    }

    private static func waitForPeer(_ database: Database, version: Int) async throws {
        for _ in 0..<1500 {
            if try await status(of: database).current >= version { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw DatabaseError.halfMigrated(version: version, name: all.first { $0.version == version }?.name ?? "unknown")
    }

    private static func refuseUnsafe(_ status: Status) throws {
        if let unfinished = status.unfinished {
            let name = all.first { $0.version == unfinished }?.name ?? "unknown"
            throw DatabaseError.halfMigrated(version: unfinished, name: name)
        }
        if status.current > status.latest {
            throw DatabaseError.schemaNewerThanBinary(database: status.current, binary: status.latest)
        }
    }

    private static func ensureTable(_ database: Database) async throws {
        try await database.transaction { db in
            try await db.raw(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY, name TEXT NOT NULL, started_at BIGINT NOT NULL, finished_at BIGINT)
                """
            ).run()
        }
    }
}
