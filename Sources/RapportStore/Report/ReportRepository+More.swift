import Foundation
public import RapportCore
import SQLKit

// Time in stage, lost reasons, forecast, managers, sources, cohorts and CLV. Each query reads only what the
// viewer may see (deals by owner, contacts by owner, orders by owner, tasks by assignee); the arithmetic is in
// RapportCore/Report/Reports+More.swift.
extension ReportRepository {
    /// Average time in each stage of the filter's pipeline over the visits that ended in the period and in the
    /// period of the same length before it, and the open deals that have stayed in their stage longer than its
    /// norm (`rotting_days`), now. Staleness does not depend on the period, so it is read once and both reports
    /// carry it.
    ///
    /// The visits of a period's whole UTC days come off the per-UTC-day rollup (`stage_visit_days`, kept by
    /// triggers, with the changes not folded yet: `stage_visit_days_current`) when the viewer sees every deal and nothing narrows them; `rollups` false (tests compare the
    /// two) counts every visit itself.
    /// - Returns: the period's report and the previous period's, in that order.
    /// - Throws: ``ValidationError`` on `pipelineId` when the pipeline does not exist.
    public func stageTime(
        period: ReportPeriod, filter: ReportFilter, by actor: Actor, rollups: Bool = true
    ) async throws -> (current: StageTimeReport, previous: StageTimeReport) {
        let db = context.database.reader
        guard let id = filter.pipelineID else { throw ValidationError("pipelineId", .required) }
        guard let pipeline = try await PipelineRepository.load(db, workspace: actor.workspaceID, ids: [id.rawValue]).first else {
            throw ValidationError("pipelineId", .unknownReference)
        }
        // Visits in this pipeline by deals the filter keeps, wherever those deals are now.
        var others = filter
        others.pipelineID = nil
        let narrowed = try await narrowing(others, .deals, db, actor: actor)
        let visible = liveDeals(narrowedBy: narrowed, actor: actor)
        // A viewer who sees every deal, with nothing narrowing them, keeps every visit but the trashed deals'
        // (a few), so the visits are counted off their index without reading each one's deal.
        let everyDeal = AccessPolicy.visibility(for: actor, of: .deal) == .everything && narrowed.isEmpty
        let (current, previous) = try await period.withPrevious {
            try await stageVisits(
                in: $0, pipeline: pipeline, visible: everyDeal ? nil : visible, rollups: rollups, db, actor: actor)
        }
        let (staleCounts, stale) = try await staleDeals(in: pipeline, visible: visible, db)
        return (
            StageTimeReport.build(pipeline: pipeline, visits: current, staleCounts: staleCounts, staleDeals: stale),
            StageTimeReport.build(pipeline: pipeline, visits: previous, staleCounts: staleCounts, staleDeals: stale)
        )
    }

    /// Stage → (visits in the pipeline that ended in the period, their total milliseconds). `visible` are the
    /// conditions on the visit's deal; nil for every deal not in the trash, whose visits of the period's whole UTC
    /// days are read off the rollup (unless `rollups` is false) and only the two edges' visits one by one.
    private func stageVisits(
        in period: ReportPeriod, pipeline: Pipeline, visible: [SQLQueryString]?, rollups: Bool, _ db: any SQLDatabase,
        actor: Actor
    ) async throws -> [Stage.ID: (count: Int, millis: Int64)] {
        let workspace = actor.workspaceID.rawValue
        let stages = inList(pipeline.stages.map(\.id.rawValue))
        let cut = UTCDays(from: period.from.millis, to: period.to.millis)
        let rolled = visible == nil && rollups && !cut.days.isEmpty
        var visits: [Stage.ID: (count: Int, millis: Int64)] = [:]
        func add(_ rows: [any SQLRow]) throws {
            for row in rows {
                let id: Stage.ID = try row.id("stage_id")
                let previous = visits[id] ?? (0, 0)
                visits[id] = (previous.count + (try row.int("n")), previous.millis + (try row.int64("total")))
            }
        }
        if rolled {
            try add(
                try await db.raw(
                    """
                    SELECT v.stage_id AS stage_id, CAST(SUM(v.visits) AS BIGINT) AS n, CAST(SUM(v.millis) AS BIGINT) AS total
                    FROM stage_visit_days_current v WHERE v.workspace_id = \(bind: workspace) AND v.pipeline_id = \(bind: pipeline.id.rawValue)
                        AND v.stage_id IN \(stages) AND v.day >= \(bind: cut.days.lowerBound) AND v.day < \(bind: cut.days.upperBound)
                    GROUP BY v.stage_id
                    """
                ).all())
        }
        for piece in cut.fromRows(daysRolledUp: rolled) {
            // The stages named, so the index answers one range of leaving times per stage.
            let ended: [SQLQueryString] = [
                "h.workspace_id = \(bind: workspace)", "h.pipeline_id = \(bind: pipeline.id.rawValue)", "h.stage_id IN \(stages)",
                "h.left_at IS NOT NULL", "h.left_at >= \(bind: piece.lowerBound)", "h.left_at < \(bind: piece.upperBound)",
            ]
            let source: SQLQueryString
            let conditions: [SQLQueryString]
            if let visible {
                source = "stage_history h JOIN deals d ON d.id = h.deal_id"
                conditions = ended + visible
            } else {
                source = "stage_history h"
                conditions =
                    ended + [
                        "h.deal_id NOT IN (SELECT t.id FROM deals t WHERE t.workspace_id = \(bind: workspace) AND t.deleted_at IS NOT NULL)"
                    ]
            }
            try add(
                try await db.raw(
                    "SELECT h.stage_id AS stage_id, COUNT(*) AS n, CAST(COALESCE(SUM(h.left_at - h.entered_at), 0) AS BIGINT) AS total FROM "
                        + source + " WHERE " + conditions.anded() + " GROUP BY h.stage_id"
                ).all())
        }
        // Stages whose visits have all gone (to the trash) keep rows of zeros.
        return visits.filter { $0.value.count != 0 }
    }

    /// The open deals in the pipeline past their stage's norm now: a count per stage and the stalest of them.
    private func staleDeals(
        in pipeline: Pipeline, visible: [SQLQueryString], _ db: any SQLDatabase
    ) async throws -> (counts: [Stage.ID: Int], deals: [StaleDeal]) {
        // A cut-off per stage computed here, so the SQL compares plain numbers on both databases; one range of
        // the stale index per stage, the stalest of each stage merged here.
        let now = context.effects.now().millis
        var counts: [Stage.ID: Int] = [:]
        var stalest: [(enteredAt: Int64, deal: StaleDeal)] = []
        for stage in pipeline.stages where stage.kind == .open {
            guard let before = StageTimeReport.staleBefore(now: now, rottingDays: stage.rottingDays) else { continue }
            let conditions =
                visible + [
                    "d.pipeline_id = \(bind: pipeline.id.rawValue)", "d.status = 'open'", "d.stage_id = \(bind: stage.id.rawValue)",
                    "d.stage_entered_at < \(bind: before)",
                ]
            let count = try await db.raw("SELECT COUNT(*) AS n FROM deals d WHERE " + conditions.anded()).first()?.int("n") ?? 0
            guard count > 0 else { continue }
            counts[stage.id] = count
            stalest += try await db.raw(
                "SELECT d.id, d.title, d.stage_entered_at FROM deals d WHERE " + conditions.anded()
                    + " ORDER BY d.stage_entered_at, d.id LIMIT \(unsafeRaw: String(StageTimeReport.staleListLimit))"
            ).all().map {
                let entered = try $0.int64("stage_entered_at")
                return (
                    entered,
                    StaleDeal(
                        id: try $0.id("id"), title: try $0.string("title"), stageID: stage.id,
                        daysInStage: StageTimeReport.wholeDays(from: entered, to: now))
                )
            }
        }
        let deals = stalest.sorted { ($0.enteredAt, $0.deal.id.rawValue) < ($1.enteredAt, $1.deal.id.rawValue) }
            .prefix(StageTimeReport.staleListLimit).map(\.deal)
        return (counts, Array(deals))
    }

    /// Deals lost in the period grouped by reason (amounts in the workspace currency).
    public func lostReasons(period: ReportPeriod, filter: ReportFilter, by actor: Actor) async throws -> LostReasonReport {
        let db = context.database.reader
        let settings = try await WorkspaceRows.workspace(db, actor.workspaceID)
        let conditions = try await deals(closed: period, filter, db, actor: actor) + ["d.status = 'lost'"]
        let rows = try await db.raw(
            """
            SELECT d.lost_reason AS reason, COUNT(*) AS n,
                CAST(COALESCE(SUM(CASE WHEN d.currency = \(bind: settings.currency.rawValue) THEN d.amount ELSE 0 END), 0) AS BIGINT) AS amount
            FROM deals d WHERE
            """ + conditions.anded() + " GROUP BY d.lost_reason"
        ).all()
        return LostReasonReport.build(
            try rows.map { (reason: try $0.optionalString("reason"), deals: try $0.int("n"), amount: try $0.int64("amount")) })
    }

    /// Open deals in the workspace currency by expected close month, with the probability-weighted sum.
    /// - Returns: the report and the currency it is in.
    public func forecast(filter: ReportFilter, by actor: Actor) async throws -> (ForecastReport, CurrencyCode) {
        let db = context.database.reader
        let settings = try await WorkspaceRows.workspace(db, actor.workspaceID)
        let conditions =
            try await liveDeals(filter, db, actor: actor) + ["d.status = 'open'", "d.currency = \(bind: settings.currency.rawValue)"]
        // `(amount × probability + 50) / 100` in integers is `Money.percentage` (half away from zero) for the
        // non-negative amounts and 0…100 probabilities a deal can have, rounded per deal as on the deal card.
        let rows = try await db.raw(
            """
            SELECT d.expected_close_date AS day, COUNT(*) AS n, CAST(COALESCE(SUM(d.amount), 0) AS BIGINT) AS amount,
                CAST(COALESCE(SUM((d.amount * d.probability + 50) / 100), 0) AS BIGINT) AS weighted,
                CAST(COALESCE(SUM((d.amount * COALESCE(d.learned_probability, d.probability) + 50) / 100), 0) AS BIGINT) AS learned
            FROM deals d WHERE
            """ + conditions.anded() + " GROUP BY d.expected_close_date"
        ).all()
        // Grouped by day, which the index holds in order; the months are summed here.
        var months: [String?: ForecastMonth] = [:]
        for row in rows {
            // An empty date is no date; the two land in one bucket.
            let month = try row.optionalString("day").flatMap { $0.isEmpty ? nil : String($0.prefix(7)) }
            let previous = months[month] ?? ForecastMonth(month: month, deals: 0, amount: 0, weighted: 0)
            months[month] = ForecastMonth(
                month: month, deals: previous.deals + (try row.int("n")), amount: previous.amount + (try row.int64("amount")),
                weighted: previous.weighted + (try row.int64("weighted")),
                learnedWeighted: previous.learnedWeighted + (try row.int64("learned")))
        }
        return (ForecastReport.build(Array(months.values)), settings.currency)
    }

    /// Per manager the viewer may see: deals created, deals won and won revenue (and the previous period's),
    /// activities logged, tasks done in the period and tasks overdue now. The filter's owner or team picks the
    /// managers; its pipeline and segment narrow the deals (activities and tasks are counted per manager).
    public func managers(period: ReportPeriod, filter: ReportFilter, by actor: Actor) async throws -> [ManagerRow] {
        let db = context.database.reader
        let settings = try await WorkspaceRows.workspace(db, actor.workspaceID)
        let users = try await db.raw(
            "SELECT u.id, u.name, u.active FROM users u WHERE u.workspace_id = \(bind: actor.workspaceID.rawValue) AND "
                + ([AccessRows.condition(AccessPolicy.visibility(for: actor, of: .deal), ownerColumn: "u.id")]
                + owners(filter, column: "u.id", actor: actor)).anded()
        ).all()
        var rows: [User.ID: ManagerRow] = [:]
        var active: Set<User.ID> = []
        for user in users {
            let id: User.ID = try user.id("id")
            rows[id] = ManagerRow(userID: id, name: try user.string("name"))
            if try user.bool("active") { active.insert(id) }
        }
        guard !rows.isEmpty else { return [] }
        let ids = rows.keys.map(\.rawValue)
        func counts(_ sql: SQLQueryString) async throws -> [User.ID: (n: Int, sum: Int64)] {
            var result: [User.ID: (n: Int, sum: Int64)] = [:]
            for row in try await db.raw(sql).all() {
                result[try row.id("owner")] = (try row.int("n"), try row.contains(column: "total") ? row.int64("total") : 0)
            }
            return result
        }
        let owned: [SQLQueryString] = try await liveDeals(filter, db, actor: actor) + ["d.owner_id IN \(inList(ids))"]
        let currency = settings.currency.rawValue
        let wonSQL = { (period: ReportPeriod) -> SQLQueryString in
            """
            SELECT d.owner_id AS owner, COUNT(*) AS n,
                CAST(COALESCE(SUM(CASE WHEN d.currency = \(bind: currency) THEN d.amount ELSE 0 END), 0) AS BIGINT) AS total
            FROM deals d WHERE
            """ + (owned + within("d.closed_at", period) + ["d.status = 'won'"]).anded() + " GROUP BY d.owner_id"
        }
        let created = try await counts(
            "SELECT d.owner_id AS owner, COUNT(*) AS n FROM deals d WHERE " + (owned + within("d.created_at", period)).anded()
                + " GROUP BY d.owner_id")
        let won = try await counts(wonSQL(period))
        let previousWon = try await counts(wonSQL(period.previous))
        let activities = try await counts(
            "SELECT a.author_id AS owner, COUNT(*) AS n FROM activities a WHERE "
                + ([
                    "a.workspace_id = \(bind: actor.workspaceID.rawValue)", "a.deleted_at IS NULL",
                    "a.kind <> \(bind: ActivityKind.system.rawValue)", "a.author_id IN \(inList(ids))",
                ] + within("a.occurred_at", period)).anded() + " GROUP BY a.author_id")
        let assigned: [SQLQueryString] = [
            "t.workspace_id = \(bind: actor.workspaceID.rawValue)", "t.deleted_at IS NULL", "t.assignee_id IN \(inList(ids))",
            AccessRows.condition(AccessPolicy.visibility(for: actor, of: .task), ownerColumn: "t.assignee_id"),
        ]
        let done = try await counts(
            "SELECT t.assignee_id AS owner, COUNT(*) AS n FROM tasks t WHERE " + (assigned + within("t.done_at", period)).anded()
                + " GROUP BY t.assignee_id")
        let overdue = try await counts(
            "SELECT t.assignee_id AS owner, COUNT(*) AS n FROM tasks t WHERE "
                + (assigned + [
                    "t.done_at IS NULL", "t.due_at IS NOT NULL", "t.due_at < \(bind: context.effects.now().millis)",
                ]).anded() + " GROUP BY t.assignee_id")
        for id in rows.keys {
            rows[id]?.dealsCreated = created[id]?.n ?? 0
            rows[id]?.dealsWon = won[id]?.n ?? 0
            rows[id]?.wonRevenue = won[id]?.sum ?? 0
            rows[id]?.previousWonRevenue = previousWon[id]?.sum ?? 0
            rows[id]?.activities = activities[id]?.n ?? 0
            rows[id]?.tasksDone = done[id]?.n ?? 0
            rows[id]?.tasksOverdue = overdue[id]?.n ?? 0
        }
        return ManagerRow.ranked(Array(rows.values), active: active)
    }

    /// Leads (contacts created), deals created and revenue (counted orders) of the period by source and UTM
    /// source, medium and campaign: the contact's origin for leads, the deal's for deals, the order's own for revenue.
    /// A kind the viewer sees whole, with nothing narrowing it, is read off the per-UTC-day rollup (`source_days`,
    /// kept by triggers, with the changes not folded yet: `source_days_current`) for the whole UTC days of the period and from the rows for its two edges; otherwise,
    /// or with `rollups` false (tests compare the two), every record of the period is grouped.
    public func sources(
        period: ReportPeriod, filter: ReportFilter, by actor: Actor, rollups: Bool = true
    ) async throws -> [SourceRow] {
        let db = context.database.reader
        let workspace = actor.workspaceID.rawValue
        let cut = UTCDays(from: period.from.millis, to: period.to.millis)
        typealias Tally = [SourceKey: (count: Int, revenue: Int64)]
        func add(_ key: SourceKey, _ count: Int, _ revenue: Int64, to result: inout Tally) {
            // Keys that differ only by an empty text and a NULL are one origin.
            let previous = result[key] ?? (0, 0)
            result[key] = (previous.count + count, previous.revenue + revenue)
        }
        func key(_ row: any SQLRow) throws -> SourceKey {
            SourceKey(
                source: try row.optionalString("source"), utmSource: try row.optionalString("utm_source"),
                utmMedium: try row.optionalString("utm_medium"), utmCampaign: try row.optionalString("utm_campaign"))
        }
        /// The kind's records over the period (or its edges when `whole`), grouped by origin.
        func grouped(
            _ alias: String, from table: String, time: String, conditions: [SQLQueryString], sum: String?, whole: Bool
        ) async throws -> Tally {
            let columns = ["source", "utm_source", "utm_medium", "utm_campaign"].map { "\(alias).\($0)" }.joined(separator: ", ")
            let total = sum.map { ", CAST(COALESCE(SUM(\($0)), 0) AS BIGINT) AS total" } ?? ""
            var result: Tally = [:]
            for piece in cut.fromRows(daysRolledUp: whole) {
                let rows = try await db.raw(
                    "SELECT \(unsafeRaw: columns), COUNT(*) AS n\(unsafeRaw: total) FROM \(unsafeRaw: table) \(unsafeRaw: alias) WHERE "
                        + (conditions + [
                            "\(unsafeRaw: alias).\(unsafeRaw: time) >= \(bind: piece.lowerBound)",
                            "\(unsafeRaw: alias).\(unsafeRaw: time) < \(bind: piece.upperBound)",
                        ]).anded() + " GROUP BY \(unsafeRaw: columns)"
                ).all()
                for row in rows { add(try key(row), try row.int("n"), try sum.map { _ in try row.int64("total") } ?? 0, to: &result) }
            }
            return result
        }
        let contactNarrowing = try await narrowing(filter, .contacts, db, actor: actor)
        let dealNarrowing = try await narrowing(filter, .deals, db, actor: actor)
        let orderNarrowing = try await narrowing(filter, .orders, db, actor: actor)
        func whole(_ kind: RecordKind, _ narrowing: [SQLQueryString]) -> Bool {
            rollups && !cut.days.isEmpty && AccessPolicy.visibility(for: actor, of: kind) == .everything && narrowing.isEmpty
        }
        let wholeLeads = whole(.contact, contactNarrowing)
        let wholeDeals = whole(.deal, dealNarrowing)
        let wholeOrders = whole(.order, orderNarrowing)
        var leads = try await grouped(
            "c", from: "contacts", time: "created_at",
            conditions: [
                "c.workspace_id = \(bind: workspace)", "c.deleted_at IS NULL",
                AccessRows.condition(AccessPolicy.visibility(for: actor, of: .contact), ownerColumn: "c.owner_id"),
            ] + contactNarrowing, sum: nil, whole: wholeLeads)
        var deals = try await grouped(
            "d", from: "deals", time: "created_at", conditions: liveDeals(narrowedBy: dealNarrowing, actor: actor), sum: nil,
            whole: wholeDeals)
        var orders = try await grouped(
            "o", from: "orders", time: "ordered_at",
            conditions: [
                "o.workspace_id = \(bind: workspace)", "o.counted = TRUE",
                AccessRows.condition(AccessPolicy.visibility(for: actor, of: .order), ownerColumn: "o.owner_id"),
            ] + orderNarrowing, sum: "o.total", whole: wholeOrders)
        // The whole UTC days of the kinds read whole, in one pass over the rollup's range for each kind.
        let kinds = [("lead", wholeLeads), ("deal", wholeDeals), ("order", wholeOrders)].filter(\.1).map(\.0)
        if !kinds.isEmpty {
            let rows = try await db.raw(
                """
                SELECT s.kind AS kind, s.source AS source, s.utm_source AS utm_source, s.utm_medium AS utm_medium,
                    s.utm_campaign AS utm_campaign, CAST(SUM(s.n) AS BIGINT) AS n, CAST(SUM(s.revenue) AS BIGINT) AS total
                FROM source_days_current s WHERE s.workspace_id = \(bind: workspace) AND s.kind IN \(inList(kinds))
                    AND s.day >= \(bind: cut.days.lowerBound) AND s.day < \(bind: cut.days.upperBound)
                GROUP BY s.kind, s.source, s.utm_source, s.utm_medium, s.utm_campaign
                """
            ).all()
            for row in rows {
                // Origins whose records have all gone keep a row of zeros.
                let count = try row.int("n")
                guard count != 0 else { continue }
                let revenue = try row.int64("total")
                switch try row.string("kind") {
                case "lead": add(try key(row), count, 0, to: &leads)
                case "deal": add(try key(row), count, 0, to: &deals)
                default: add(try key(row), count, revenue, to: &orders)
                }
            }
        }
        return SourceRow.merge(leads: leads.mapValues(\.count), deals: deals.mapValues(\.count), orders: orders)
    }

    /// Monthly cohorts of the contacts the viewer sees by the month of their first counted order, over the last
    /// `months` months (the current one included, workspace time zone), with how many bought in each later month.
    /// The month boundaries are computed here and bucket the orders in SQL; each contact of the window's
    /// cohorts becomes the set of months it bought in (a bit per month), and only the number of contacts per
    /// cohort and set comes back.
    public func cohorts(months count: Int, filter: ReportFilter, by actor: Actor) async throws -> CohortReport {
        let db = context.database.reader
        let settings = try await WorkspaceRows.workspace(db, actor.workspaceID)
        let format = Formatting(locale: .en, timeZoneIdentifier: settings.timeZone)
        let months = YearMonth.last(count, endingWith: format.localDate(context.effects.now()))
        guard let last = months.last, !months.isEmpty else { return CohortReport.build(months: [], boundaries: [], buyers: []) }
        let boundaries = months.map { format.startOfDay($0.firstDay) } + [format.startOfDay(last.adding(months: 1).firstDay)]
        let starts = boundaries.map(\.millis)
        let start = starts[0]
        let end = starts[starts.count - 1]
        // The month an instant falls in: the last one starting at or before it (the WHERE keeps [start, end)).
        func month(_ column: String, as value: (Int) -> String) -> SQLQueryString {
            var sql: SQLQueryString = "CASE"
            for index in months.indices.reversed() {
                sql = sql + " WHEN \(unsafeRaw: column) >= \(bind: starts[index]) THEN \(unsafeRaw: value(index))"
            }
            return sql + " END"
        }
        // Per contact of the window's cohorts, the months of its counted orders as bits (a correlated sum over
        // its few orders, so nothing but the final grouping is sorted); NULL without orders in the window.
        let bought: SQLQueryString =
            "(SELECT SUM(DISTINCT " + month("o.ordered_at") { String(1 << $0) } + ") FROM orders o WHERE "
            + ([
                "o.contact_id = c.id", "o.workspace_id = \(bind: actor.workspaceID.rawValue)", "o.counted = TRUE", "o.deleted_at IS NULL",
                "o.ordered_at >= \(bind: start)", "o.ordered_at < \(bind: end)",
            ] as [SQLQueryString]).anded() + ")"
        // The purchase totals span the contact's counted orders (kept by every order write), so one whose last
        // order falls in the month of its first bought in that month alone: most contacts, read off the index.
        let monthOfFirst: SQLQueryString =
            "CASE WHEN c.last_order_at < " + month("c.first_order_at") { String(starts[$0 + 1]) } + " THEN "
            + month("c.first_order_at") { String(1 << $0) } + " ELSE " + bought + " END"
        let contacts: SQLQueryString =
            "SELECT " + month("c.first_order_at") { String($0) } + " AS cohort, " + monthOfFirst + " AS mask FROM contacts c WHERE "
            + ([
                "c.workspace_id = \(bind: actor.workspaceID.rawValue)", "c.deleted_at IS NULL",
                "c.first_order_at >= \(bind: start)", "c.first_order_at < \(bind: end)",
                AccessRows.condition(AccessPolicy.visibility(for: actor, of: .contact), ownerColumn: "c.owner_id"),
            ] + (try await narrowing(filter, .contacts, db, actor: actor))).anded()
        let rows = try await db.raw(
            "SELECT m.cohort AS cohort, CAST(m.mask AS BIGINT) AS mask, COUNT(*) AS n FROM (" + contacts + ") m GROUP BY m.cohort, m.mask"
        ).all()
        let buyers = try rows.map { row in
            let mask = try row.optionalInt64("mask") ?? 0
            return CohortBuyers(
                cohort: try row.int("cohort"), months: Set(months.indices.filter { mask & (1 << $0) != 0 }), contacts: try row.int("n"))
        }
        return CohortReport.build(months: months, boundaries: boundaries, buyers: buyers)
    }

    /// Contacts the viewer sees that have bought, by historic revenue range, with the average predicted CLV:
    /// the revenue plus the future revenue of those whose lapse is still ahead, summed per range off the
    /// projections kept on the rows (`CLVProjectionRows`); contacts not projected yet are predicted here.
    public func clv(filter: ReportFilter, by actor: Actor) async throws -> CLVReport {
        let db = context.database.reader
        let now = context.effects.now()
        let conditions: [SQLQueryString] =
            [
                "c.workspace_id = \(bind: actor.workspaceID.rawValue)", "c.deleted_at IS NULL", "c.order_count > 0",
                AccessRows.condition(AccessPolicy.visibility(for: actor, of: .contact), ownerColumn: "c.owner_id"),
            ] + (try await narrowing(filter, .contacts, db, actor: actor))
        // One range of the covering index per revenue range (the first also takes negative revenue, as
        // CLVReport.range(of:) does), summed without a sort; the scan counts the buyers not projected yet too,
        // and only when there are some are their totals read (after the migration, until clv.project has run).
        let bounds = CLVReport.lowerBounds
        let parts: [SQLQueryString] = bounds.indices.map { index in
            var range: [SQLQueryString] = []
            if index > 0 { range.append("c.revenue >= \(bind: bounds[index])") }
            if index + 1 < bounds.count { range.append("c.revenue < \(bind: bounds[index + 1])") }
            return "SELECT \(unsafeRaw: String(index))"
                + """
                 AS bucket, COUNT(c.clv_future) AS n, COUNT(*) AS buyers,
                    CAST(COALESCE(SUM(CASE WHEN c.clv_future IS NOT NULL THEN c.revenue ELSE 0 END), 0) AS BIGINT) AS revenue,
                    CAST(COALESCE(SUM(CASE WHEN c.clv_lapses_at > \(bind: now.millis) THEN c.clv_future ELSE 0 END), 0) AS BIGINT) AS future
                FROM contacts c WHERE
                """ + (conditions + range).anded()
        }
        let rows = try await db.raw(parts.joined(separator: " UNION ALL ")).all()
        var tallies: [CLVTally] = []
        var missing = false
        for row in rows {
            let projected = try row.int("n")
            if try row.int("buyers") > projected { missing = true }
            tallies.append(
                CLVTally(
                    range: try row.int("bucket"), customers: projected, revenue: try row.int64("revenue"),
                    expectedFutureRevenue: try row.int64("future")))
        }
        let unprojected =
            missing
            ? try await db.raw(
                "SELECT \(unsafeRaw: CLVProjectionRows.totalsColumns) FROM contacts c WHERE "
                    + (conditions + ["c.clv_future IS NULL"]).anded()
            ).all().map(CLVProjectionRows.totals) : []
        return CLVReport.build(unprojected, tallies: tallies, now: now)
    }
}
