import RapportCore

extension Schema {
    /// The origin columns the sources rollup groups by (an absent tag is stored as '').
    static let rollupOrigin = ["source", "utm_source", "utm_medium", "utm_campaign"]
    /// The key of a `source_days` row (and of `source_day_changes`' rows).
    static let sourceDayKey = "workspace_id, kind, day, source, utm_source, utm_medium, utm_campaign"
    /// The key of a `stage_visit_days` row (and of `stage_visit_day_changes`' rows).
    static let visitDayKey = "workspace_id, pipeline_id, stage_id, day"
    /// What `source_days` counts: the table, the kind it is counted as, the time that gives its day, when a row
    /// counts (`ROW.` stands for the row), and the column summed as revenue.
    static let rollupKinds: [(table: String, kind: String, time: String, live: String, revenue: String?)] = [
        ("contacts", "lead", "created_at", "ROW.deleted_at IS NULL", nil),
        ("deals", "deal", "created_at", "ROW.deleted_at IS NULL", nil),
        ("orders", "order", "ordered_at", "ROW.counted", "total"),
    ]
}

extension Schema {
    /// Two reports kept per UTC day, so a year reads a few hundred rows instead of every record of it
    /// (bench/analytics.py on a million contacts and deals and five million orders: the sources report grouped
    /// 1.6 million orders a period, time in stage 1.2 million visits):
    /// - `source_days`: contacts created (`lead`), deals created (`deal`) and counted orders with their revenue
    ///   (`order`) per UTC day of their creation or order time and origin (source and UTM source, medium,
    ///   campaign; an absent tag is stored as '' since the report takes NULL and '' as one origin), live records only;
    /// - `stage_visit_days`: the visits that ended, per pipeline, stage and UTC day of leaving, with their total
    ///   milliseconds, but the trashed deals'.
    ///
    /// A period is its whole UTC days off these tables plus the pieces at its two edges read from the rows
    /// (``UTCDays``), so it is exact in any time zone and nothing is rebuilt when the zone changes. Triggers
    /// keep the tables in the writing transaction, whichever path writes (repositories, imports, merges, forms,
    /// telephony, archive restore, the seeder, the purge); on PostgreSQL the `ON CONFLICT DO UPDATE` increments
    /// are safe between concurrent writers. Filled here from the rows already stored.
    static func v23(_ dialect: Dialect, _ trigram: Bool) -> [String] {
        let rowid = dialect == .sqlite ? " WITHOUT ROWID" : ""
        let (origin, sourceKey, visitKey) = (rollupOrigin, sourceDayKey, visitDayKey)
        let day = "/ \(UTCDays.millis)"

        /// Adds (`sign` 1) or takes away (-1) the record `row` (`new`/`old`) when `live` holds of it.
        func source(_ kind: String, _ row: String, _ sign: Int, time: String, live: String, revenue: String?) -> String {
            let tags = origin.map { "COALESCE(\(row).\($0), '')" }.joined(separator: ", ")
            return """
                INSERT INTO source_days (\(sourceKey), n, revenue)
                SELECT \(row).workspace_id, '\(kind)', \(row).\(time) \(day), \(tags), \(sign), \(revenue.map { "\(sign) * \(row).\($0)" } ?? "0")
                WHERE \(live.replacingOccurrences(of: "ROW.", with: "\(row).")) ON CONFLICT (\(sourceKey))
                DO UPDATE SET n = source_days.n + excluded.n, revenue = source_days.revenue + excluded.revenue
                """
        }
        /// Adds or takes away the visit `row` when it has ended and its deal is not in the trash.
        func visit(_ row: String, _ sign: Int) -> String {
            """
            INSERT INTO stage_visit_days (\(visitKey), visits, millis)
            SELECT \(row).workspace_id, \(row).pipeline_id, \(row).stage_id, \(row).left_at \(day), \(sign), \(sign) * (\(row).left_at - \(row).entered_at)
            WHERE \(row).left_at IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM deals t WHERE t.id = \(row).deal_id AND t.deleted_at IS NOT NULL)
            ON CONFLICT (\(visitKey)) DO UPDATE SET visits = stage_visit_days.visits + excluded.visits, millis = stage_visit_days.millis + excluded.millis
            """
        }
        /// A deal going to the trash (-1) or coming back from it (1) takes away or adds back its ended visits.
        let dealVisits = { (sign: String) in
            """
            INSERT INTO stage_visit_days (\(visitKey), visits, millis)
            SELECT h.workspace_id, h.pipeline_id, h.stage_id, h.left_at \(day), \(sign) * COUNT(*), \(sign) * SUM(h.left_at - h.entered_at)
            FROM stage_history h WHERE h.deal_id = NEW.id AND h.left_at IS NOT NULL
            GROUP BY h.workspace_id, h.pipeline_id, h.stage_id, h.left_at \(day)
            ON CONFLICT (\(visitKey)) DO UPDATE SET visits = stage_visit_days.visits + excluded.visits, millis = stage_visit_days.millis + excluded.millis
            """
        }
        let kinds = rollupKinds
        let tracked: [String: [String]] = [
            "contacts": ["workspace_id", "created_at", "deleted_at"] + origin,
            "deals": ["workspace_id", "created_at", "deleted_at"] + origin,
            "orders": ["workspace_id", "ordered_at", "counted", "total"] + origin,
            "stage_history": ["workspace_id", "deal_id", "pipeline_id", "stage_id", "entered_at", "left_at"],
        ]
        func changed(_ table: String) -> String {
            let differ = dialect == .sqlite ? "IS NOT" : "IS DISTINCT FROM"
            return tracked[table, default: []].map { "OLD.\($0) \(differ) NEW.\($0)" }.joined(separator: " OR ")
        }

        var statements = [
            """
            CREATE TABLE source_days (
                workspace_id TEXT NOT NULL, kind TEXT NOT NULL, day BIGINT NOT NULL, source TEXT NOT NULL, utm_source TEXT NOT NULL,
                utm_medium TEXT NOT NULL, utm_campaign TEXT NOT NULL, n BIGINT NOT NULL, revenue BIGINT NOT NULL,
                PRIMARY KEY (\(sourceKey)))\(rowid)
            """,
            """
            CREATE TABLE stage_visit_days (
                workspace_id TEXT NOT NULL, pipeline_id TEXT NOT NULL, stage_id TEXT NOT NULL, day BIGINT NOT NULL,
                visits BIGINT NOT NULL, millis BIGINT NOT NULL, PRIMARY KEY (\(visitKey)))\(rowid)
            """,
        ]
        for kind in kinds {
            let tags = origin.map { "COALESCE(\($0), '')" }.joined(separator: ", ")
            statements.append(
                """
                INSERT INTO source_days (\(sourceKey), n, revenue)
                SELECT workspace_id, '\(kind.kind)', \(kind.time) \(day), \(tags), COUNT(*), \(kind.revenue.map { "SUM(\($0))" } ?? "0")
                FROM \(kind.table) WHERE \(kind.live.replacingOccurrences(of: "ROW.", with: ""))
                GROUP BY workspace_id, \(kind.time) \(day), \(tags)
                """)
        }
        statements.append(
            """
            INSERT INTO stage_visit_days (\(visitKey), visits, millis)
            SELECT h.workspace_id, h.pipeline_id, h.stage_id, h.left_at \(day), COUNT(*), SUM(h.left_at - h.entered_at)
            FROM stage_history h WHERE h.left_at IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM deals t WHERE t.id = h.deal_id AND t.deleted_at IS NOT NULL)
            GROUP BY h.workspace_id, h.pipeline_id, h.stage_id, h.left_at \(day)
            """)

        switch dialect {
        case .sqlite:
            for kind in kinds {
                let add = { (row: String, sign: Int) in
                    source(kind.kind, row, sign, time: kind.time, live: kind.live, revenue: kind.revenue)
                }
                statements += [
                    "CREATE TRIGGER source_days_\(kind.table)_insert AFTER INSERT ON \(kind.table) BEGIN \(add("NEW", 1)); END",
                    "CREATE TRIGGER source_days_\(kind.table)_delete AFTER DELETE ON \(kind.table) BEGIN \(add("OLD", -1)); END",
                    """
                    CREATE TRIGGER source_days_\(kind.table)_update AFTER UPDATE ON \(kind.table) WHEN \(changed(kind.table))
                    BEGIN \(add("OLD", -1)); \(add("NEW", 1)); END
                    """,
                ]
            }
            statements += [
                "CREATE TRIGGER stage_visit_days_insert AFTER INSERT ON stage_history BEGIN \(visit("NEW", 1)); END",
                "CREATE TRIGGER stage_visit_days_delete AFTER DELETE ON stage_history BEGIN \(visit("OLD", -1)); END",
                """
                CREATE TRIGGER stage_visit_days_update AFTER UPDATE ON stage_history WHEN \(changed("stage_history"))
                BEGIN \(visit("OLD", -1)); \(visit("NEW", 1)); END
                """,
                """
                CREATE TRIGGER stage_visit_days_trash AFTER UPDATE ON deals WHEN (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL)
                BEGIN \(dealVisits("(CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE -1 END)")); END
                """,
            ]
        case .postgres:
            /// One function per table (old row out, new row in) and two triggers: inserts and deletes, and the
            /// updates that change what the rollup counts.
            func function(_ name: String, table: String, old: String, new: String) -> [String] {
                [
                    """
                    CREATE FUNCTION \(name)() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        IF TG_OP <> 'INSERT' THEN \(old); END IF;
                        IF TG_OP <> 'DELETE' THEN \(new); END IF;
                        RETURN NULL;
                    END
                    $$
                    """,
                    "CREATE TRIGGER \(name) AFTER INSERT OR DELETE ON \(table) FOR EACH ROW EXECUTE FUNCTION \(name)()",
                    """
                    CREATE TRIGGER \(name)_update AFTER UPDATE ON \(table) FOR EACH ROW WHEN (\(changed(table)))
                    EXECUTE FUNCTION \(name)()
                    """,
                ]
            }
            for kind in kinds {
                statements += function(
                    "source_days_\(kind.table)", table: kind.table,
                    old: source(kind.kind, "OLD", -1, time: kind.time, live: kind.live, revenue: kind.revenue),
                    new: source(kind.kind, "NEW", 1, time: kind.time, live: kind.live, revenue: kind.revenue))
            }
            statements += function("stage_visit_days", table: "stage_history", old: visit("OLD", -1), new: visit("NEW", 1))
            statements += [
                """
                CREATE FUNCTION stage_visit_days_trash() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    \(dealVisits("(CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE -1 END)"));
                    RETURN NULL;
                END
                $$
                """,
                """
                CREATE TRIGGER stage_visit_days_trash AFTER UPDATE ON deals FOR EACH ROW
                WHEN ((OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL)) EXECUTE FUNCTION stage_visit_days_trash()
                """,
            ]
        }
        return statements + ["ANALYZE source_days", "ANALYZE stage_visit_days"]
    }
}

extension Schema {
    /// On PostgreSQL, writers no longer queue on the day rollups of migration 23. There every contact created
    /// on one day with one origin updated the same `source_days` row and held it until its transaction
    /// committed, so concurrent writers of a day waited on each other (an import batch held the row for the
    /// whole batch), and two multi-row writers taking rows in opposite orders could deadlock. Now the triggers
    /// only append to `source_day_changes` and `stage_visit_day_changes`, which no two writers contend for:
    /// a statement's inserts or deletes as one row per day and origin (transition tables), an update that
    /// moves a record between days, origins or the trash as its two rows. The `rollups.fold` job moves the
    /// changes into the rollups every minute (``ReportRollups/fold(_:dialect:)``), and the reports read the
    /// two together through the `source_days_current` and `stage_visit_days_current` views, so a report never
    /// waits for the fold.
    ///
    /// SQLite keeps migration 23's triggers: it has one writer at a time, so its rollup rows are never contended,
    /// and its change tables stay empty.
    static func v27(_ dialect: Dialect, _ trigram: Bool) -> [String] {
        let (sourceKey, visitKey) = (sourceDayKey, visitDayKey)
        var statements = [
            """
            CREATE TABLE source_day_changes (
                workspace_id TEXT NOT NULL, kind TEXT NOT NULL, day BIGINT NOT NULL, source TEXT NOT NULL, utm_source TEXT NOT NULL,
                utm_medium TEXT NOT NULL, utm_campaign TEXT NOT NULL, n BIGINT NOT NULL, revenue BIGINT NOT NULL)
            """,
            """
            CREATE TABLE stage_visit_day_changes (
                workspace_id TEXT NOT NULL, pipeline_id TEXT NOT NULL, stage_id TEXT NOT NULL, day BIGINT NOT NULL,
                visits BIGINT NOT NULL, millis BIGINT NOT NULL)
            """,
            """
            CREATE VIEW source_days_current AS
            SELECT \(sourceKey), n, revenue FROM source_days UNION ALL SELECT \(sourceKey), n, revenue FROM source_day_changes
            """,
            """
            CREATE VIEW stage_visit_days_current AS
            SELECT \(visitKey), visits, millis FROM stage_visit_days UNION ALL SELECT \(visitKey), visits, millis FROM stage_visit_day_changes
            """,
        ]
        guard dialect == .postgres else { return statements }

        for table in ["contacts", "deals", "orders"] {
            statements += [
                "DROP TRIGGER source_days_\(table) ON \(table)", "DROP TRIGGER source_days_\(table)_update ON \(table)",
                "DROP FUNCTION source_days_\(table)()",
            ]
        }
        statements += [
            "DROP TRIGGER stage_visit_days ON stage_history", "DROP TRIGGER stage_visit_days_update ON stage_history",
            "DROP FUNCTION stage_visit_days()", "DROP TRIGGER stage_visit_days_trash ON deals", "DROP FUNCTION stage_visit_days_trash()",
        ]

        let day = "/ \(UTCDays.millis)"
        let origin = rollupOrigin
        /// The rows of `rows` (a transition table, or `OLD`/`NEW` with `FROM` left out) that count, per day
        /// and origin, with `sign`.
        func source(_ kind: String, _ rows: String, _ sign: String, time: String, live: String, revenue: String?) -> String {
            let row = rows == "OLD" || rows == "NEW" ? rows : "r"
            let tags = origin.map { "COALESCE(\(row).\($0), '')" }.joined(separator: ", ")
            return """
                INSERT INTO source_day_changes (\(sourceKey), n, revenue)
                SELECT \(row).workspace_id, '\(kind)', \(row).\(time) \(day), \(tags), \(sign) * COUNT(*),
                    \(revenue.map { "\(sign) * COALESCE(SUM(\(row).\($0)), 0)" } ?? "0")
                \(row == "r" ? "FROM \(rows) r " : "")WHERE \(live.replacingOccurrences(of: "ROW.", with: "\(row)."))
                GROUP BY \(row).workspace_id, \(row).\(time) \(day), \(tags)
                """
        }
        /// The ended visits of `rows` whose deal is not in the trash, per stage and day, with `sign`.
        func visits(_ rows: String, _ sign: String) -> String {
            let row = rows == "OLD" || rows == "NEW" ? rows : "r"
            return """
                INSERT INTO stage_visit_day_changes (\(visitKey), visits, millis)
                SELECT \(row).workspace_id, \(row).pipeline_id, \(row).stage_id, \(row).left_at \(day), \(sign) * COUNT(*),
                    \(sign) * SUM(\(row).left_at - \(row).entered_at)
                \(row == "r" ? "FROM \(rows) r " : "")WHERE \(row).left_at IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM deals t WHERE t.id = \(row).deal_id AND t.deleted_at IS NOT NULL)
                GROUP BY \(row).workspace_id, \(row).pipeline_id, \(row).stage_id, \(row).left_at \(day)
                """
        }
        /// A function per table and three triggers: inserts and deletes once per statement, over all its rows;
        /// updates per row, only those that change what the rollup counts.
        func triggers(_ name: String, table: String, changed: [String], inserted: String, deleted: String, old: String, new: String)
            -> [String]
        {
            let differ = changed.map { "OLD.\($0) IS DISTINCT FROM NEW.\($0)" }.joined(separator: " OR ")
            return [
                """
                CREATE FUNCTION \(name)() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'INSERT' THEN \(inserted);
                    ELSIF TG_OP = 'DELETE' THEN \(deleted);
                    ELSE \(old); \(new);
                    END IF;
                    RETURN NULL;
                END
                $$
                """,
                """
                CREATE TRIGGER \(name)_insert AFTER INSERT ON \(table) REFERENCING NEW TABLE AS new_rows
                FOR EACH STATEMENT EXECUTE FUNCTION \(name)()
                """,
                """
                CREATE TRIGGER \(name)_delete AFTER DELETE ON \(table) REFERENCING OLD TABLE AS old_rows
                FOR EACH STATEMENT EXECUTE FUNCTION \(name)()
                """,
                "CREATE TRIGGER \(name)_update AFTER UPDATE ON \(table) FOR EACH ROW WHEN (\(differ)) EXECUTE FUNCTION \(name)()",
            ]
        }
        for kind in rollupKinds {
            let changed =
                ["workspace_id", kind.time, kind.table == "orders" ? "counted" : "deleted_at"] + (kind.revenue.map { [$0] } ?? [])
                + origin
            func add(_ rows: String, _ sign: String) -> String {
                source(kind.kind, rows, sign, time: kind.time, live: kind.live, revenue: kind.revenue)
            }
            statements += triggers(
                "source_day_changes_\(kind.table)", table: kind.table, changed: changed, inserted: add("new_rows", "1"),
                deleted: add("old_rows", "-1"), old: add("OLD", "-1"), new: add("NEW", "1"))
        }
        statements += triggers(
            "stage_visit_day_changes", table: "stage_history",
            changed: ["workspace_id", "deal_id", "pipeline_id", "stage_id", "entered_at", "left_at"],
            inserted: visits("new_rows", "1"), deleted: visits("old_rows", "-1"), old: visits("OLD", "-1"), new: visits("NEW", "1"))
        statements += [
            """
            CREATE FUNCTION stage_visit_day_changes_trash() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO stage_visit_day_changes (\(visitKey), visits, millis)
                SELECT h.workspace_id, h.pipeline_id, h.stage_id, h.left_at \(day), s * COUNT(*), s * SUM(h.left_at - h.entered_at)
                FROM stage_history h, (SELECT CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE -1 END AS s) x
                WHERE h.deal_id = NEW.id AND h.left_at IS NOT NULL
                GROUP BY h.workspace_id, h.pipeline_id, h.stage_id, h.left_at \(day), s;
                RETURN NULL;
            END
            $$
            """,
            """
            CREATE TRIGGER stage_visit_day_changes_trash AFTER UPDATE ON deals FOR EACH ROW
            WHEN ((OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL)) EXECUTE FUNCTION stage_visit_day_changes_trash()
            """,
        ]
        return statements
    }
}
