/// The table definitions, per migration. Types are chosen to mean the same on both engines: times are
/// BIGINT Unix milliseconds (UTC), dates are `YYYY-MM-DD` TEXT, JSON is TEXT, ids are UUIDv7 TEXT.
/// Every table carries `workspace_id` so a deployment can be sharded by workspace.
enum Schema {
    /// The kanban's column heads count and sum every open deal of a pipeline per stage (everyone's, a
    /// team's or one owner's): an index holding stage, currency, amount and owner answers that without
    /// reading the deals. Fresh statistics keep the planner from taking it for lists it does not serve.
    static func v2(_ dialect: Dialect, _ trigram: Bool) -> [String] {
        [
            "CREATE INDEX deals_board ON deals (workspace_id, pipeline_id, status, stage_id, currency, amount, owner_id) WHERE deleted_at IS NULL",
            "ANALYZE deals",
        ]
    }

    /// Saved list views: a name and the list's query string, personal or shared with the workspace.
    static func v3(_ dialect: Dialect, _ trigram: Bool) -> [String] {
        [
            """
            CREATE TABLE saved_views (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id), user_id TEXT NOT NULL REFERENCES users(id),
                entity TEXT NOT NULL, name TEXT NOT NULL, query TEXT NOT NULL, shared BOOLEAN NOT NULL, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX saved_views_owner ON saved_views (workspace_id, entity, user_id)",
        ]
    }

    /// Indexes the reports read (measured on the benchmark seed, bench/analytics.py): won and lost deals by
    /// closing time with what the sales report sums, so it reads a period's closed deals instead of every
    /// deal; each deal's stage visits with their stages, so the funnel's "furthest stage" never reads a
    /// visit row; the RFM grid's cells with revenue and owner, so it groups the scored contacts in index
    /// order instead of reading a million contact rows.
    static func v9(_ dialect: Dialect, _ trigram: Bool) -> [String] {
        [
            """
            CREATE INDEX deals_closed ON deals (workspace_id, closed_at, status, currency, amount, created_at, owner_id, pipeline_id)
            WHERE deleted_at IS NULL AND closed_at IS NOT NULL
            """,
            "CREATE INDEX stage_history_reach ON stage_history (deal_id, pipeline_id, stage_id)",
            """
            CREATE INDEX contacts_rfm_grid ON contacts (workspace_id, rfm_recency, rfm_frequency, revenue, owner_id)
            WHERE deleted_at IS NULL AND rfm_recency IS NOT NULL
            """,
            "ANALYZE deals", "ANALYZE stage_history", "ANALYZE contacts",
        ]
    }

    /// Products, orders and their lines; the customer metrics kept on contacts and companies (so a segment
    /// count over them is one indexed scan); segments and static-list members; a per-workspace counter for
    /// order numbers.
    static func v4(_ dialect: Dialect, _ trigram: Bool) -> [String] {
        var statements = [
            """
            CREATE TABLE products (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id), name TEXT NOT NULL,
                sort_name TEXT NOT NULL, sku TEXT, category TEXT, category_key TEXT, price BIGINT NOT NULL, currency TEXT NOT NULL,
                active BOOLEAN NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, version BIGINT NOT NULL,
                deleted_at BIGINT)
            """,
            "CREATE INDEX products_name ON products (workspace_id, sort_name, id) WHERE deleted_at IS NULL",
            "CREATE INDEX products_created ON products (workspace_id, created_at, id) WHERE deleted_at IS NULL",
            "CREATE UNIQUE INDEX products_sku ON products (workspace_id, sku) WHERE sku IS NOT NULL AND deleted_at IS NULL",
            """
            CREATE TABLE orders (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id), number TEXT NOT NULL,
                ordered_at BIGINT NOT NULL, status TEXT NOT NULL, counted BOOLEAN NOT NULL,
                contact_id TEXT REFERENCES contacts(id), company_id TEXT REFERENCES companies(id), deal_id TEXT REFERENCES deals(id),
                total BIGINT NOT NULL, currency TEXT NOT NULL, channel TEXT,
                source TEXT, utm_source TEXT, utm_medium TEXT, utm_campaign TEXT, utm_content TEXT, utm_term TEXT,
                referrer TEXT, landing_page TEXT, owner_id TEXT REFERENCES users(id),
                created_by TEXT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, version BIGINT NOT NULL, deleted_at BIGINT,
                UNIQUE (workspace_id, number))
            """,
            "CREATE INDEX orders_ordered ON orders (workspace_id, ordered_at, id) WHERE deleted_at IS NULL",
            "CREATE INDEX orders_created ON orders (workspace_id, created_at, id) WHERE deleted_at IS NULL",
            "CREATE INDEX orders_owner ON orders (workspace_id, owner_id, ordered_at, id) WHERE deleted_at IS NULL",
            "CREATE INDEX orders_contact ON orders (contact_id, ordered_at)",
            "CREATE INDEX orders_company ON orders (company_id, ordered_at)",
            "CREATE INDEX orders_deal ON orders (deal_id)",
            // Reports read purchases by time: counted orders with what the aggregates need, index-only.
            "CREATE INDEX orders_purchases ON orders (workspace_id, counted, ordered_at, contact_id, total)",
            "CREATE INDEX orders_trash ON orders (workspace_id, deleted_at) WHERE deleted_at IS NOT NULL",
            """
            CREATE TABLE order_lines (
                workspace_id TEXT NOT NULL, order_id TEXT NOT NULL REFERENCES orders(id), position INTEGER NOT NULL,
                product_id TEXT REFERENCES products(id), name TEXT NOT NULL, sku TEXT, quantity BIGINT NOT NULL,
                unit_price BIGINT NOT NULL, total BIGINT NOT NULL, PRIMARY KEY (order_id, position))
            """,
            "CREATE INDEX order_lines_product ON order_lines (product_id, order_id)",
            """
            CREATE TABLE segments (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id), name TEXT NOT NULL,
                sort_name TEXT NOT NULL, entity TEXT NOT NULL, kind TEXT NOT NULL, filter TEXT NOT NULL,
                owner_id TEXT REFERENCES users(id), created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
                version BIGINT NOT NULL, deleted_at BIGINT)
            """,
            "CREATE INDEX segments_name ON segments (workspace_id, sort_name, id) WHERE deleted_at IS NULL",
            "CREATE INDEX segments_created ON segments (workspace_id, created_at, id) WHERE deleted_at IS NULL",
            """
            CREATE TABLE segment_members (
                workspace_id TEXT NOT NULL, segment_id TEXT NOT NULL REFERENCES segments(id), record_id TEXT NOT NULL,
                added_at BIGINT NOT NULL, PRIMARY KEY (segment_id, record_id))
            """,
            """
            CREATE TABLE counters (
                workspace_id TEXT NOT NULL, name TEXT NOT NULL, value BIGINT NOT NULL, PRIMARY KEY (workspace_id, name))
            """,
        ]
        for table in ["contacts", "companies"] {
            statements += [
                "ALTER TABLE \(table) ADD COLUMN order_count INTEGER NOT NULL DEFAULT 0",
                "ALTER TABLE \(table) ADD COLUMN revenue BIGINT NOT NULL DEFAULT 0",
                "ALTER TABLE \(table) ADD COLUMN first_order_at BIGINT",
                "ALTER TABLE \(table) ADD COLUMN last_order_at BIGINT",
                "ALTER TABLE \(table) ADD COLUMN rfm_recency INTEGER",
                "ALTER TABLE \(table) ADD COLUMN rfm_frequency INTEGER",
                "ALTER TABLE \(table) ADD COLUMN rfm_monetary INTEGER",
                "ALTER TABLE \(table) ADD COLUMN rfm_class TEXT",
                "CREATE INDEX \(table)_purchases ON \(table) (workspace_id, order_count, last_order_at) WHERE deleted_at IS NULL",
                "CREATE INDEX \(table)_last_order ON \(table) (workspace_id, last_order_at) WHERE deleted_at IS NULL",
                "CREATE INDEX \(table)_revenue ON \(table) (workspace_id, revenue, id) WHERE deleted_at IS NULL",
                "CREATE INDEX \(table)_rfm ON \(table) (workspace_id, rfm_class) WHERE deleted_at IS NULL",
            ]
        }
        return statements
    }

    /// The learned win-probability model of each workspace (refreshed by the hourly job) and each user's
    /// dashboard (its widgets in order).
    static func v5(_ dialect: Dialect, _ trigram: Bool) -> [String] {
        [
            """
            CREATE TABLE win_models (
                workspace_id TEXT PRIMARY KEY REFERENCES workspaces(id), model TEXT NOT NULL, examples INTEGER NOT NULL,
                accuracy DOUBLE PRECISION NOT NULL, trained_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE dashboards (
                user_id TEXT PRIMARY KEY REFERENCES users(id), workspace_id TEXT NOT NULL REFERENCES workspaces(id),
                widgets TEXT NOT NULL, updated_at BIGINT NOT NULL)
            """,
        ]
    }

    /// Durable background jobs: claimed by one worker at a time under a lease (an expired lease makes a
    /// job claimable again, so a crash loses nothing), retried with backoff; `unique_key` lets every node
    /// enqueue a scheduled run and only one row exist.
    static func v6(_ dialect: Dialect, _ trigram: Bool) -> [String] {
        [
            """
            CREATE TABLE jobs (
                id TEXT PRIMARY KEY, workspace_id TEXT REFERENCES workspaces(id), kind TEXT NOT NULL, payload TEXT NOT NULL,
                status TEXT NOT NULL, attempts INTEGER NOT NULL, max_attempts INTEGER NOT NULL, run_at BIGINT NOT NULL,
                locked_by TEXT, locked_until BIGINT, progress INTEGER NOT NULL, progress_note TEXT, last_error TEXT,
                unique_key TEXT UNIQUE, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, finished_at BIGINT)
            """,
            "CREATE INDEX jobs_due ON jobs (status, run_at)",
            "CREATE INDEX jobs_workspace ON jobs (workspace_id, created_at)",
        ]
    }

    /// Each open deal's learned chance to be won (written by the hourly model job), so the forecast can
    /// weigh by it in SQL.
    static func v7(_ dialect: Dialect, _ trigram: Bool) -> [String] {
        ["ALTER TABLE deals ADD COLUMN learned_probability INTEGER"]
    }

    /// Imports: the uploaded file's text, where the run is (rows processed, committed with each batch so a
    /// crash resumes after the last whole batch), and every row's outcome (the report, and undo).
    static func v8(_ dialect: Dialect, _ trigram: Bool) -> [String] {
        [
            """
            CREATE TABLE imports (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id), user_id TEXT NOT NULL REFERENCES users(id),
                entity TEXT NOT NULL, status TEXT NOT NULL, dry_run BOOLEAN NOT NULL, policy TEXT NOT NULL, file_name TEXT,
                encoding TEXT NOT NULL, content TEXT NOT NULL, total_rows INTEGER NOT NULL, processed_rows INTEGER NOT NULL,
                created INTEGER NOT NULL, updated INTEGER NOT NULL, skipped INTEGER NOT NULL, failed INTEGER NOT NULL,
                created_at BIGINT NOT NULL, finished_at BIGINT)
            """,
            "CREATE INDEX imports_workspace ON imports (workspace_id, created_at)",
            """
            CREATE TABLE import_rows (
                import_id TEXT NOT NULL REFERENCES imports(id), row_number INTEGER NOT NULL, outcome TEXT NOT NULL, record_id TEXT,
                issues TEXT, PRIMARY KEY (import_id, row_number))
            """,
        ]
    }

    /// External-content FTS5 (SQLite) is kept in step with `search_docs` by these triggers; an update takes the
    /// old text out before it puts the new one in (migrations 1 and 26).
    static let searchDocumentTriggers = [
        "CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs BEGIN INSERT INTO search_fts(rowid, body) VALUES (new.id, new.body); END",
        "CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs BEGIN INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.id, old.body); END",
        "CREATE TRIGGER search_docs_au AFTER UPDATE ON search_docs BEGIN INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.id, old.body); INSERT INTO search_fts(rowid, body) VALUES (new.id, new.body); END",
    ]

    static func v1(_ dialect: Dialect, _ trigram: Bool) -> [String] {
        var statements = [
            """
            CREATE TABLE workspaces (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, time_zone TEXT NOT NULL, currency TEXT NOT NULL,
                locale TEXT NOT NULL, phone_region TEXT NOT NULL, created_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE teams (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id),
                name TEXT NOT NULL, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX teams_workspace ON teams (workspace_id, name)",
            """
            CREATE TABLE users (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id),
                email TEXT NOT NULL UNIQUE, name TEXT NOT NULL, password_hash TEXT NOT NULL, role TEXT NOT NULL,
                team_id TEXT REFERENCES teams(id), active BOOLEAN NOT NULL, locale TEXT,
                created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, version BIGINT NOT NULL)
            """,
            "CREATE INDEX users_workspace ON users (workspace_id, name)",
            "CREATE INDEX users_team ON users (workspace_id, team_id)",
            """
            CREATE TABLE sessions (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, user_id TEXT NOT NULL REFERENCES users(id),
                csrf_token TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL)
            """,
            "CREATE INDEX sessions_user ON sessions (user_id)",
            """
            CREATE TABLE api_tokens (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, user_id TEXT NOT NULL REFERENCES users(id),
                name TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, prefix TEXT NOT NULL,
                created_at BIGINT NOT NULL, last_used_at BIGINT, revoked_at BIGINT)
            """,
            "CREATE INDEX api_tokens_user ON api_tokens (workspace_id, user_id)",
            """
            CREATE TABLE login_throttle (
                key TEXT PRIMARY KEY, failures INTEGER NOT NULL, window_start BIGINT NOT NULL)
            """,
            """
            CREATE TABLE contacts (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id),
                last_name TEXT, first_name TEXT, middle_name TEXT, sort_name TEXT NOT NULL,
                position TEXT, city TEXT, city_key TEXT, address TEXT, birthday TEXT,
                source TEXT, utm_source TEXT, utm_medium TEXT, utm_campaign TEXT, utm_content TEXT, utm_term TEXT,
                referrer TEXT, landing_page TEXT,
                owner_id TEXT REFERENCES users(id), readiness TEXT, lifecycle TEXT NOT NULL,
                email_consent BOOLEAN, email_consent_at BIGINT, sms_consent BOOLEAN, sms_consent_at BIGINT,
                custom_fields TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
                created_by TEXT, version BIGINT NOT NULL, deleted_at BIGINT, merged_into TEXT)
            """,
            "CREATE INDEX contacts_created ON contacts (workspace_id, created_at, id) WHERE deleted_at IS NULL",
            "CREATE INDEX contacts_updated ON contacts (workspace_id, updated_at, id) WHERE deleted_at IS NULL",
            "CREATE INDEX contacts_name ON contacts (workspace_id, sort_name, id) WHERE deleted_at IS NULL",
            "CREATE INDEX contacts_owner ON contacts (workspace_id, owner_id, created_at, id) WHERE deleted_at IS NULL",
            "CREATE INDEX contacts_city ON contacts (workspace_id, city_key, created_at, id) WHERE deleted_at IS NULL",
            "CREATE INDEX contacts_lifecycle ON contacts (workspace_id, lifecycle, created_at, id) WHERE deleted_at IS NULL",
            "CREATE INDEX contacts_readiness ON contacts (workspace_id, readiness, created_at, id) WHERE deleted_at IS NULL",
            "CREATE INDEX contacts_trash ON contacts (workspace_id, deleted_at) WHERE deleted_at IS NOT NULL",
            """
            CREATE TABLE companies (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id),
                name TEXT NOT NULL, sort_name TEXT NOT NULL, inn TEXT, kpp TEXT, industry TEXT, website TEXT,
                city TEXT, city_key TEXT, addresses TEXT NOT NULL,
                source TEXT, utm_source TEXT, utm_medium TEXT, utm_campaign TEXT, utm_content TEXT, utm_term TEXT,
                referrer TEXT, landing_page TEXT, owner_id TEXT REFERENCES users(id),
                custom_fields TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
                created_by TEXT, version BIGINT NOT NULL, deleted_at BIGINT, merged_into TEXT)
            """,
            "CREATE INDEX companies_created ON companies (workspace_id, created_at, id) WHERE deleted_at IS NULL",
            "CREATE INDEX companies_updated ON companies (workspace_id, updated_at, id) WHERE deleted_at IS NULL",
            "CREATE INDEX companies_name ON companies (workspace_id, sort_name, id) WHERE deleted_at IS NULL",
            "CREATE INDEX companies_owner ON companies (workspace_id, owner_id, created_at, id) WHERE deleted_at IS NULL",
            "CREATE INDEX companies_city ON companies (workspace_id, city_key, created_at, id) WHERE deleted_at IS NULL",
            "CREATE INDEX companies_inn ON companies (workspace_id, inn)",
            "CREATE INDEX companies_trash ON companies (workspace_id, deleted_at) WHERE deleted_at IS NOT NULL",
            """
            CREATE TABLE contact_companies (
                workspace_id TEXT NOT NULL, contact_id TEXT NOT NULL REFERENCES contacts(id),
                company_id TEXT NOT NULL REFERENCES companies(id), is_primary BOOLEAN NOT NULL, position INTEGER NOT NULL,
                PRIMARY KEY (contact_id, company_id))
            """,
            "CREATE INDEX contact_companies_company ON contact_companies (company_id, contact_id)",
            // Phones and e-mails of contacts and companies in one table each: duplicate detection and the
            // telephony lookup ("who is +79123456789?") are one indexed query.
            """
            CREATE TABLE phones (
                workspace_id TEXT NOT NULL, record_kind TEXT NOT NULL, record_id TEXT NOT NULL,
                position INTEGER NOT NULL, raw TEXT NOT NULL, e164 TEXT, kind TEXT NOT NULL,
                PRIMARY KEY (record_kind, record_id, position))
            """,
            "CREATE INDEX phones_e164 ON phones (workspace_id, e164)",
            """
            CREATE TABLE emails (
                workspace_id TEXT NOT NULL, record_kind TEXT NOT NULL, record_id TEXT NOT NULL,
                position INTEGER NOT NULL, address TEXT NOT NULL, kind TEXT NOT NULL,
                PRIMARY KEY (record_kind, record_id, position))
            """,
            "CREATE INDEX emails_address ON emails (workspace_id, address)",
            """
            CREATE TABLE tags (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id), name TEXT NOT NULL,
                name_key TEXT NOT NULL, color TEXT, created_at BIGINT NOT NULL, UNIQUE (workspace_id, name_key))
            """,
            """
            CREATE TABLE record_tags (
                workspace_id TEXT NOT NULL, record_kind TEXT NOT NULL, record_id TEXT NOT NULL,
                tag_id TEXT NOT NULL REFERENCES tags(id), position INTEGER NOT NULL,
                PRIMARY KEY (record_kind, record_id, tag_id))
            """,
            "CREATE INDEX record_tags_tag ON record_tags (workspace_id, tag_id, record_kind, record_id)",
            """
            CREATE TABLE pipelines (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id), name TEXT NOT NULL,
                position INTEGER NOT NULL, created_at BIGINT NOT NULL, version BIGINT NOT NULL, deleted_at BIGINT)
            """,
            "CREATE INDEX pipelines_workspace ON pipelines (workspace_id, position)",
            """
            CREATE TABLE stages (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, pipeline_id TEXT NOT NULL REFERENCES pipelines(id),
                name TEXT NOT NULL, position INTEGER NOT NULL, kind TEXT NOT NULL, probability INTEGER NOT NULL,
                rotting_days INTEGER, archived BOOLEAN NOT NULL)
            """,
            "CREATE INDEX stages_pipeline ON stages (pipeline_id, position)",
            """
            CREATE TABLE deals (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id),
                title TEXT NOT NULL, sort_name TEXT NOT NULL, amount BIGINT NOT NULL, currency TEXT NOT NULL,
                pipeline_id TEXT NOT NULL REFERENCES pipelines(id), stage_id TEXT NOT NULL REFERENCES stages(id),
                status TEXT NOT NULL, probability INTEGER NOT NULL, probability_manual BOOLEAN NOT NULL,
                expected_close_date TEXT, owner_id TEXT REFERENCES users(id), company_id TEXT REFERENCES companies(id),
                lost_reason TEXT, closed_at BIGINT, stage_entered_at BIGINT NOT NULL,
                source TEXT, utm_source TEXT, utm_medium TEXT, utm_campaign TEXT, utm_content TEXT, utm_term TEXT,
                referrer TEXT, landing_page TEXT,
                custom_fields TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
                created_by TEXT, version BIGINT NOT NULL, deleted_at BIGINT)
            """,
            "CREATE INDEX deals_created ON deals (workspace_id, created_at, id) WHERE deleted_at IS NULL",
            "CREATE INDEX deals_updated ON deals (workspace_id, updated_at, id) WHERE deleted_at IS NULL",
            "CREATE INDEX deals_name ON deals (workspace_id, sort_name, id) WHERE deleted_at IS NULL",
            "CREATE INDEX deals_amount ON deals (workspace_id, amount, id) WHERE deleted_at IS NULL",
            "CREATE INDEX deals_owner ON deals (workspace_id, owner_id, created_at, id) WHERE deleted_at IS NULL",
            "CREATE INDEX deals_stage ON deals (workspace_id, stage_id, created_at, id) WHERE deleted_at IS NULL",
            "CREATE INDEX deals_pipeline ON deals (workspace_id, pipeline_id, status, created_at, id) WHERE deleted_at IS NULL",
            "CREATE INDEX deals_status ON deals (workspace_id, status, created_at, id) WHERE deleted_at IS NULL",
            "CREATE INDEX deals_close ON deals (workspace_id, expected_close_date, id) WHERE deleted_at IS NULL",
            "CREATE INDEX deals_company ON deals (company_id)",
            "CREATE INDEX deals_trash ON deals (workspace_id, deleted_at) WHERE deleted_at IS NOT NULL",
            """
            CREATE TABLE deal_contacts (
                workspace_id TEXT NOT NULL, deal_id TEXT NOT NULL REFERENCES deals(id),
                contact_id TEXT NOT NULL REFERENCES contacts(id), position INTEGER NOT NULL,
                PRIMARY KEY (deal_id, contact_id))
            """,
            "CREATE INDEX deal_contacts_contact ON deal_contacts (contact_id, deal_id)",
            """
            CREATE TABLE stage_history (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, deal_id TEXT NOT NULL REFERENCES deals(id),
                pipeline_id TEXT NOT NULL, stage_id TEXT NOT NULL, entered_at BIGINT NOT NULL, left_at BIGINT,
                moved_by TEXT)
            """,
            "CREATE INDEX stage_history_deal ON stage_history (deal_id, entered_at)",
            "CREATE INDEX stage_history_stage ON stage_history (workspace_id, stage_id, entered_at)",
            """
            CREATE TABLE activities (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id), kind TEXT NOT NULL,
                subject TEXT, body TEXT, occurred_at BIGINT NOT NULL,
                contact_id TEXT REFERENCES contacts(id), company_id TEXT REFERENCES companies(id),
                deal_id TEXT REFERENCES deals(id), direction TEXT, duration_seconds INTEGER, call_result TEXT,
                recording_url TEXT, author_id TEXT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
                version BIGINT NOT NULL, deleted_at BIGINT)
            """,
            "CREATE INDEX activities_contact ON activities (contact_id, occurred_at)",
            "CREATE INDEX activities_company ON activities (company_id, occurred_at)",
            "CREATE INDEX activities_deal ON activities (deal_id, occurred_at)",
            "CREATE INDEX activities_created ON activities (workspace_id, occurred_at, id)",
            """
            CREATE TABLE tasks (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id),
                title TEXT NOT NULL, kind TEXT NOT NULL, due_at BIGINT, due_key BIGINT NOT NULL, remind_at BIGINT,
                assignee_id TEXT REFERENCES users(id), related_kind TEXT, related_id TEXT, notes TEXT,
                done_at BIGINT, created_by TEXT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
                version BIGINT NOT NULL, deleted_at BIGINT)
            """,
            // due_key is due_at, or the far future for undated tasks, so "by due date" lists them last
            // and keyset pagination never meets a NULL.
            "CREATE INDEX tasks_assignee ON tasks (workspace_id, assignee_id, due_key, id) WHERE deleted_at IS NULL",
            "CREATE INDEX tasks_due ON tasks (workspace_id, due_key, id) WHERE deleted_at IS NULL",
            "CREATE INDEX tasks_created ON tasks (workspace_id, created_at, id) WHERE deleted_at IS NULL",
            "CREATE INDEX tasks_related ON tasks (related_id)",
            """
            CREATE TABLE custom_field_definitions (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id), entity TEXT NOT NULL,
                key TEXT NOT NULL, label TEXT NOT NULL, kind TEXT NOT NULL, options TEXT NOT NULL,
                required BOOLEAN NOT NULL, position INTEGER NOT NULL, created_at BIGINT NOT NULL,
                UNIQUE (workspace_id, entity, key))
            """,
            """
            CREATE TABLE audit_log (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, at BIGINT NOT NULL, actor_id TEXT,
                record_kind TEXT NOT NULL, record_id TEXT NOT NULL, action TEXT NOT NULL, changes TEXT NOT NULL)
            """,
            "CREATE INDEX audit_log_record ON audit_log (record_id, at)",
            "CREATE INDEX audit_log_workspace ON audit_log (workspace_id, at)",
            """
            CREATE TABLE idempotency_keys (
                workspace_id TEXT NOT NULL, user_id TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,
                status INTEGER, response_body TEXT, created_at BIGINT NOT NULL,
                PRIMARY KEY (workspace_id, user_id, key))
            """,
            "CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at)",
            // Search: one document per record. SQLite keeps the text in an FTS5 trigram table (substring
            // matches of 3+ characters use the index); PostgreSQL keeps it here with a pg_trgm index.
            """
            CREATE TABLE search_docs (
                id \(dialect == .sqlite ? "INTEGER PRIMARY KEY" : "BIGSERIAL PRIMARY KEY"),
                workspace_id TEXT NOT NULL, record_kind TEXT NOT NULL, record_id TEXT NOT NULL UNIQUE,
                body TEXT NOT NULL)
            """,
        ]
        switch dialect {
        case .sqlite:
            statements.append(
                "CREATE VIRTUAL TABLE search_fts USING fts5(body, content='search_docs', content_rowid='id', tokenize='trigram')"
            )
            statements += searchDocumentTriggers
        case .postgres:
            if trigram {
                statements.append("CREATE INDEX search_docs_body ON search_docs USING gin (body gin_trgm_ops)")
            }
        }
        statements.append("CREATE INDEX search_docs_workspace ON search_docs (workspace_id, record_kind)")
        return statements
    }
}
