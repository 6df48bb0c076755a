import Foundation
import Logging
import NIOCore
import RapportCore
import RapportJobs
import SQLKit
import Testing

@testable import RapportStore

/// The sources and time-in-stage reports read whole UTC days off rollups that triggers keep (migration 23);
/// these tests hold the kept rollups to ones built afresh from the rows, and the reports read through them to
/// the reports counted from the rows, after every kind of write, over periods of local days in a zone half an
/// hour off UTC (their edges fall mid-hour) and over periods whose edges are arbitrary instants.
@Suite struct SourceAndStageRollupTests {
    static let zone = "Asia/Kolkata"

    /// The kept rollup rows with the changes not folded yet (zero rows left by records that have gone are
    /// skipped) and the same built afresh.
    static func rollups(_ db: any SQLDatabase) async throws -> (kept: [String], fresh: [String]) {
        func rows(_ sql: String) async throws -> [String] {
            try await db.raw(SQLQueryString(sql)).all().map { row in
                try ["a", "b", "c", "d", "e", "f", "g"].map { try row.decode(column: $0, as: String.self) }.joined(separator: "|")
                    + "|"
                    + [try row.decode(column: "n", as: Int64.self), try row.decode(column: "m", as: Int64.self)].map(String.init)
                    .joined(separator: "|")
            }.sorted()
        }
        let tags =
            "COALESCE(source, '') AS d, COALESCE(utm_source, '') AS e, COALESCE(utm_medium, '') AS f, COALESCE(utm_campaign, '') AS g"
        let group = "workspace_id, c, COALESCE(source, ''), COALESCE(utm_source, ''), COALESCE(utm_medium, ''), COALESCE(utm_campaign, '')"
        func kind(_ name: String, _ table: String, _ time: String, _ live: String, _ revenue: String) -> String {
            """
            SELECT workspace_id AS a, '\(name)' AS b, CAST(\(time) / 86400000 AS TEXT) AS c, \(tags), COUNT(*) AS n,
                CAST(\(revenue) AS BIGINT) AS m FROM \(table) WHERE \(live) GROUP BY \(group.replacingOccurrences(of: "c,", with: "\(time) / 86400000,"))
            """
        }
        let keptSources = try await rows(
            """
            SELECT workspace_id AS a, kind AS b, CAST(day AS TEXT) AS c, source AS d, utm_source AS e, utm_medium AS f,
                utm_campaign AS g, CAST(SUM(n) AS BIGINT) AS n, CAST(SUM(revenue) AS BIGINT) AS m FROM source_days_current
            GROUP BY workspace_id, kind, day, source, utm_source, utm_medium, utm_campaign HAVING SUM(n) <> 0 OR SUM(revenue) <> 0
            """)
        let freshSources =
            try await rows(kind("lead", "contacts", "created_at", "deleted_at IS NULL", "0"))
            + rows(kind("deal", "deals", "created_at", "deleted_at IS NULL", "0"))
            + rows(kind("order", "orders", "ordered_at", "counted", "SUM(total)"))
        let keptVisits = try await rows(
            """
            SELECT workspace_id AS a, pipeline_id AS b, stage_id AS c, CAST(day AS TEXT) AS d, '' AS e, '' AS f, '' AS g,
                CAST(SUM(visits) AS BIGINT) AS n, CAST(SUM(millis) AS BIGINT) AS m FROM stage_visit_days_current
            GROUP BY workspace_id, pipeline_id, stage_id, day HAVING SUM(visits) <> 0 OR SUM(millis) <> 0
            """)
        let freshVisits = try await rows(
            """
            SELECT h.workspace_id AS a, h.pipeline_id AS b, h.stage_id AS c, CAST(h.left_at / 86400000 AS TEXT) AS d, '' AS e, '' AS f,
                '' AS g, COUNT(*) AS n, CAST(SUM(h.left_at - h.entered_at) AS BIGINT) AS m
            FROM stage_history h WHERE h.left_at IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM deals t WHERE t.id = h.deal_id AND t.deleted_at IS NOT NULL)
            GROUP BY h.workspace_id, h.pipeline_id, h.stage_id, h.left_at / 86400000
            """)
        return (keptSources.sorted() + keptVisits, freshSources.sorted() + freshVisits)
    }

    /// The periods checked: local days of the zone (a day, a week, a month, a year, a stretch in the past) and
    /// stretches between arbitrary instants, short and long.
    static func periods(now: Date) -> [ReportPeriod] {
        let format = Formatting(locale: .en, timeZoneIdentifier: zone)
        let today = format.localDate(now)
        var periods: [ReportPeriod] = []
        for (back, length) in [(0, 1), (0, 7), (0, 30), (0, 365), (40, 200), (400, 365)] {
            let last = format.adding(days: -back, to: today)
            let first = format.adding(days: -(length - 1), to: last)
            periods.append(ReportPeriod(from: format.startOfDay(first), to: format.startOfDay(format.adding(days: 1, to: last))))
        }
        let stretches: [(hoursBack: Double, hours: Double)] = [
            (1.25, 0.5), (50.5, 49.25), (9_362.4, 9_352.8), (2_400.001, 79.77),
        ]
        for (hoursBack, hours) in stretches {
            let from = now.addingTimeInterval(-hoursBack * 3600)
            periods.append(ReportPeriod(from: from, to: from.addingTimeInterval(hours * 3600)))
        }
        return periods
    }

    /// The kept rollups equal fresh ones, and both reports read through them equal the reports counted from
    /// the rows, over every period; then the same once the changes are folded. `counted` says whether the writes
    /// since the last check changed what the rollups count (purging records from the trash does not).
    static func check(_ app: TestApp, _ crew: Crew, pipeline: Pipeline.ID, now: Date, _ note: String, counted: Bool = true) async throws {
        let (kept, fresh) = try await rollups(app.store.database.reader)
        #expect(kept == fresh, "\(note): kept rollups")
        #expect(!kept.isEmpty, "\(note): something is kept")
        let filter = ReportFilter(pipelineID: pipeline)
        var seen = 0
        for actor in [crew.actor("owner"), crew.actor("rep")] {
            for period in periods(now: now) {
                for period in [period, period.previous] {
                    let rolled = try await app.store.reports.sources(period: period, filter: ReportFilter(), by: actor)
                    let direct = try await app.store.reports.sources(period: period, filter: ReportFilter(), by: actor, rollups: false)
                    #expect(Set(rolled) == Set(direct), "\(note): sources over \(period.from)…\(period.to) as \(actor.userID)")
                    seen += rolled.map { $0.leads + $0.deals + $0.orders }.reduce(0, +)
                    let stages = try await app.store.reports.stageTime(period: period, filter: filter, by: actor)
                    let stagesDirect = try await app.store.reports.stageTime(period: period, filter: filter, by: actor, rollups: false)
                    #expect(stages.current == stagesDirect.current, "\(note): time in stage over \(period.from)…\(period.to)")
                    #expect(stages.previous == stagesDirect.previous, "\(note): previous time in stage before \(period.from)")
                    seen += stages.current.stages.map(\.visits).reduce(0, +)
                }
            }
        }
        #expect(seen > 0, "\(note): the periods hold records")
        // On PostgreSQL what the rollups count changes as appended rows, which the fold moves into the rollups
        // without changing what they add up to; SQLite's triggers update the rollups directly.
        let folded = try await app.store.maintenance.foldRollups()
        let appended = app.store.database.dialect == .postgres && counted
        #expect((folded > 0) == appended, "\(note): \(folded) changes appended")
        #expect(try await changes(app.store.database.reader) == 0, "\(note): every change folded")
        let (foldedKept, foldedFresh) = try await rollups(app.store.database.reader)
        #expect(foldedKept == foldedFresh, "\(note): folded rollups")
    }

    /// The change rows waiting for the fold.
    static func changes(_ db: any SQLDatabase) async throws -> Int {
        try await db.raw("SELECT (SELECT COUNT(*) FROM source_day_changes) + (SELECT COUNT(*) FROM stage_visit_day_changes) AS n")
            .first()!.decode(column: "n", as: Int.self)
    }

    @Test func theReportsOffTheRollupsMatchTheRowsThroughEveryWrite() async throws {
        let clock = TestClock()
        try await TestApp.with(effects: clock.effects) { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let rep = crew.users["rep"]!.id.rawValue
            #expect(try await api.patch("/api/v1/workspace", token, ["timeZone": .string(Self.zone)]).status == 200)
            let pipeline = try await api.get("/api/v1/pipelines", token).data[0]
            let pipelineID = Pipeline.ID(rawValue: pipeline["id"].stringValue!)
            let stages = pipeline["stages"].arrayValue.map { $0["id"] }
            // Origins that differ only by an empty tag and a missing one are one origin.
            let origins: [JSONValue] = [
                ["source": "site", "utmSource": "yandex", "utmMedium": "cpc", "utmCampaign": "spring"],
                ["source": "site", "utmSource": "yandex", "utmMedium": "cpc", "utmCampaign": "spring", "utmTerm": ""],
                ["source": "referral", "utmSource": ""], ["source": ""], .null,
            ]
            func check(_ note: String, counted: Bool = true) async throws {
                try await Self.check(app, crew, pipeline: pipelineID, now: clock.now, note, counted: counted)
            }
            func move(_ deal: String, to stage: Int) async throws {
                let reply = try await api.post("/api/v1/deals/\(deal)/move", token, ["stageId": stages[stage]])
                #expect(reply.status == 200, "\(reply.json)")
            }
            func patch(_ path: String, _ body: [String: JSONValue]) async throws {
                var body = body
                body["version"] = .int(try await api.get(path, token).version)
                let reply = try await api.patch(path, token, .object(body))
                #expect(reply.status == 200, "\(path): \(reply.json)")
            }
            // A year and a month of leads, deals, moves and orders, at hours that fall all over the UTC day.
            var contacts: [String] = []
            var deals: [String] = []
            var orders: [String] = []
            for step in 0..<14 {
                clock.advance(days: 29.37)
                let origin = origins[step % origins.count]
                var contact: [String: JSONValue] = ["fullName": .string("Клиент \(step)")]
                var deal: [String: JSONValue] = ["title": .string("Сделка \(step)"), "amount": ["amount": 1_000, "currency": "RUB"]]
                if origin != .null {
                    contact["source"] = origin
                    deal["source"] = origin
                }
                if step % 3 == 0 {
                    contact["ownerId"] = .string(rep)
                    deal["ownerId"] = .string(rep)
                }
                contacts.append(try await api.post("/api/v1/contacts", token, .object(contact)).id)
                deals.append(try await api.post("/api/v1/deals", token, .object(deal)).id)
                for (index, id) in deals.enumerated() where index < step && (step + index) % 2 == 0 {
                    try await move(id, to: (step + index) % 3)
                }
                for hours in [0.4, 5.5, 30.25] {
                    var order: [String: JSONValue] = [
                        "contactId": .string(contacts[step]),
                        "orderedAt": .string(ISO8601DateFormatter().string(from: clock.now.addingTimeInterval(-hours * 3600))),
                        "total": ["amount": .int(Int64(step + 1) * 1_000 + Int64(hours * 10)), "currency": "RUB"],
                    ]
                    if origin != .null { order["source"] = origin }
                    if step % 3 == 0 { order["ownerId"] = .string(rep) }
                    let reply = try await api.post("/api/v1/orders", token, .object(order))
                    #expect(reply.status == 201, "\(reply.json)")
                    orders.append(reply.id)
                }
            }
            try await check("as created")

            try await patch("/api/v1/contacts/\(contacts[3])", ["source": ["source": "radio", "utmCampaign": "autumn"]])
            try await patch("/api/v1/deals/\(deals[4])", ["source": ["source": "radio"]])
            try await patch("/api/v1/orders/\(orders[5])", ["source": ["source": "radio"]])
            try await check("origins changed")

            let moved = ISO8601DateFormatter().string(from: clock.now.addingTimeInterval(-24 * 3600 * 200.3))
            try await patch("/api/v1/orders/\(orders[7])", ["orderedAt": .string(moved)])
            try await patch("/api/v1/orders/\(orders[8])", ["total": ["amount": 77_777, "currency": "RUB"]])
            try await patch("/api/v1/orders/\(orders[9])", ["status": "cancelled"])
            #expect(try await api.delete("/api/v1/orders/\(orders[10])", token).status == 200)
            try await check("orders re-dated, re-priced, cancelled and trashed")
            #expect(try await api.post("/api/v1/orders/\(orders[10])/restore", token).status == 200)
            try await check("an order restored")

            #expect(try await api.delete("/api/v1/contacts/\(contacts[2])", token).status == 200)
            #expect(try await api.delete("/api/v1/deals/\(deals[1])", token).status == 200)
            #expect(try await api.delete("/api/v1/deals/\(deals[6])", token).status == 200)
            try await check("a contact and deals with ended visits trashed")
            #expect(try await api.post("/api/v1/contacts/\(contacts[2])/restore", token).status == 200)
            #expect(try await api.post("/api/v1/deals/\(deals[6])/restore", token).status == 200)
            try await move(deals[6], to: 2)
            try await check("restored, and a restored deal moved")

            let body = try await MergeTests().mergeBody(api, token, "contacts", survivor: contacts[4], merged: [contacts[5], contacts[6]])
            #expect(try await api.post("/api/v1/contacts/merge", token, body).status == 200)
            try await check("contacts merged")

            // Written with one statement: on PostgreSQL its three rows of one origin are one change row.
            let csv = "Полное имя;Источник\r\nИмпортов Иван;import\r\nИмпортова Инна;\r\nИмпортов Олег;import\r\nИмпортова Ольга;import\r\n"
            let started = try await ContactImportTests().post(api, token, Array(csv.utf8), query: "entity=contacts&onDuplicate=skip")
            #expect(started.status == 202, "\(started.json)")
            try await ContactImportTests().runJobs(app.store)
            #expect(try await api.get("/api/v1/imports/\(started.id)", token)["created"] == 4)
            try await check("contacts imported")

            // No path of the app deletes counted rows several at a time, but the triggers must take them away.
            let visits = try await app.store.database.reader.raw(
                "SELECT COUNT(*) AS n FROM stage_history WHERE deal_id = \(bind: deals[0]) AND left_at IS NOT NULL"
            ).first()!.decode(column: "n", as: Int.self)
            #expect(visits > 1)
            let (deal, gone) = (deals[0], Array(orders[0..<3]))
            try await app.store.database.transaction { db in
                try await db.raw("DELETE FROM stage_history WHERE deal_id = \(bind: deal) AND left_at IS NOT NULL").run()
                try await db.raw("DELETE FROM orders WHERE id IN (\(bind: gone[0]), \(bind: gone[1]), \(bind: gone[2]))").run()
            }
            try await check("ended visits and orders deleted several at a time")

            let form = try await WebFormTests.makeForm(api, crew)
            let submitted = try await WebFormTests.post(
                api, form.key,
                [
                    ("contact.fullName", "Формова Фаина"), ("contact.email", "faina@example.ru"), ("deal.amount", "5 000"),
                    ("consent", "on"),
                    ("utm_source", "vk"), ("website", ""),
                ])
            #expect(submitted.status == 303, "\(submitted.body)")
            let call: JSONValue = [
                "callId": "pbx-1", "direction": "inbound", "from": "89120001122", "to": "+74950000000", "status": "missed",
            ]
            #expect(try await api.post("/api/v1/telephony/events", crew.token("admin"), call).status == 200)
            try await check("a form submitted and an unknown caller missed")

            let tenders = try await api.post(
                "/api/v1/pipelines", token,
                [
                    "name": "Тендеры",
                    "stages": [["name": "Заявка", "kind": "open"], ["name": "Да", "kind": "won"], ["name": "Нет", "kind": "lost"]],
                ])
            let application = tenders["stages"].arrayValue[0]["id"]
            #expect(try await api.post("/api/v1/deals/\(deals[8])/move", token, ["stageId": application]).status == 200)
            clock.advance(days: 0.3)
            #expect(try await api.post("/api/v1/deals/\(deals[8])/move", token, ["stageId": stages[0]]).status == 200)
            try await check("a deal moved to another pipeline and back")

            clock.advance(days: 31)
            #expect(try await app.store.maintenance.purgeTrash(olderThan: 30 * 86_400) > 0)
            try await check("the trash purged", counted: false)
        }
    }

    /// A little of everything the rollups count: leads and deals of two origins, deals that moved (one of them
    /// then trashed), orders (one cancelled).
    static func populate(_ api: API, _ token: String, _ clock: TestClock) async throws {
        let stages = try await api.get("/api/v1/pipelines", token).data[0]["stages"].arrayValue.map { $0["id"] }
        for step in 0..<4 {
            let origin: JSONValue = step % 2 == 0 ? ["source": "site", "utmSource": "yandex"] : ["source": "", "utmCampaign": "x"]
            let contact = try await api.post("/api/v1/contacts", token, ["fullName": .string("Клиент \(step)"), "source": origin])
            let deal = try await api.post(
                "/api/v1/deals", token, ["title": .string("Сделка \(step)"), "amount": ["amount": 1, "currency": "RUB"], "source": origin])
            clock.advance(days: 1.3)
            #expect(try await api.post("/api/v1/deals/\(deal.id)/move", token, ["stageId": stages[1]]).status == 200)
            if step == 1 { #expect(try await api.delete("/api/v1/deals/\(deal.id)", token).status == 200) }
            let order = try await api.post(
                "/api/v1/orders", token,
                [
                    "contactId": .string(contact.id), "total": ["amount": .int(Int64(step) * 100 + 1), "currency": "RUB"], "source": origin,
                    "status": step == 2 ? "cancelled" : "paid",
                ])
            #expect(order.status == 201, "\(order.json)")
        }
    }

    @Test func theMigrationFillsTheRollupsAsTheTriggersKeepThem() async throws {
        let clock = TestClock()
        try await TestApp.with(effects: clock.effects) { app, api in
            let crew = try await Crew.make(app.store)
            try await Self.populate(api, crew.token("owner"), clock)
            let kept = try await Self.rollups(app.store.database.reader)
            #expect(kept.kept == kept.fresh)
            // The migration's own filling statements, over the rows already stored.
            let fill = Schema.v23(app.store.database.dialect, false).filter { $0.hasPrefix("INSERT INTO") }
            #expect(fill.count == 4)
            try await app.store.database.transaction { db in
                for table in ["source_days", "stage_visit_days", "source_day_changes", "stage_visit_day_changes"] {
                    try await db.raw("DELETE FROM \(unsafeRaw: table)").run()
                }
                for statement in fill { try await db.raw(SQLQueryString(statement)).run() }
            }
            let filled = try await Self.rollups(app.store.database.reader)
            #expect(filled.kept == kept.kept, "filled as kept")
            #expect(filled.kept == filled.fresh)
        }
    }

    /// The reports do read the rollups: a row planted on a whole day inside the period shows in them (and not
    /// in the reports counted from the rows).
    @Test func theReportsReadTheRollupsForWholeDays() async throws {
        let clock = TestClock()
        try await TestApp.with(effects: clock.effects) { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            try await Self.populate(api, token, clock)
            let owner = crew.actor("owner")
            let now = clock.effects.now()
            let period = ReportPeriod(from: now.addingTimeInterval(-30 * 86_400), to: now)
            let day = now.millis / 86_400_000 - 10
            let pipeline = try await api.get("/api/v1/pipelines", token).data[0]
            let pipelineID = try #require(pipeline["id"].stringValue)
            let stageID = try #require(pipeline["stages"][0]["id"].stringValue)
            let workspace = owner.workspaceID.rawValue
            let before = try await app.store.reports.stageTime(
                period: period, filter: ReportFilter(pipelineID: Pipeline.ID(rawValue: pipelineID)), by: owner)
            try await app.store.database.transaction { db in
                try await db.raw(
                    """
                    INSERT INTO source_days (workspace_id, kind, day, source, utm_source, utm_medium, utm_campaign, n, revenue)
                    VALUES (\(bind: workspace), 'lead', \(bind: day), 'planted', '', '', '', 5, 0)
                    """
                ).run()
                try await db.raw(
                    """
                    INSERT INTO stage_visit_days (workspace_id, pipeline_id, stage_id, day, visits, millis)
                    VALUES (\(bind: workspace), \(bind: pipelineID), \(bind: stageID), \(bind: day), 7, 7000)
                    """
                ).run()
            }
            let planted = SourceKey(source: "planted", utmSource: nil, utmMedium: nil, utmCampaign: nil)
            let rolled = try await app.store.reports.sources(period: period, filter: ReportFilter(), by: owner)
            #expect(rolled.first { $0.key == planted }?.leads == 5)
            let direct = try await app.store.reports.sources(period: period, filter: ReportFilter(), by: owner, rollups: false)
            #expect(!direct.contains { $0.key == planted })
            let after = try await app.store.reports.stageTime(
                period: period, filter: ReportFilter(pipelineID: Pipeline.ID(rawValue: pipelineID)), by: owner)
            let visits = { (report: StageTimeReport) in report.stages.first { $0.stageID.rawValue == stageID }?.visits ?? 0 }
            #expect(visits(after.current) == visits(before.current) + 7)
        }
    }

    @Test func concurrentWritersKeepTheRollupsWhole() async throws {
        let clock = TestClock()
        try await TestApp.with(effects: clock.effects) { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            // Every writer adds to the same day and origin at once, while the rollups are folded. On PostgreSQL each
            // appends its own change rows, so none waits for another's rollup row; they still share rows elsewhere
            // (the order-number counter), and a loaded machine may answer 503 (busy: nothing written), which a
            // client sends again.
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    // The fold job is retried by the job queue when the database is busy; so is it here.
                    for _ in 0..<6 {
                        try await retryingWhenBusy { try await app.store.maintenance.foldRollups() }
                        try await Task.sleep(for: .milliseconds(20))
                    }
                }
                for index in 0..<12 {
                    group.addTask {
                        let origin: JSONValue = ["source": "site"]
                        let contact = try await api.postRetryingWhenBusy(
                            "/api/v1/contacts", token, ["fullName": .string("Гонщик \(index)"), "source": origin])
                        #expect(contact.status == 201)
                        let order = try await api.postRetryingWhenBusy(
                            "/api/v1/orders", token,
                            ["contactId": .string(contact.id), "total": ["amount": 100, "currency": "RUB"], "source": origin])
                        #expect(order.status == 201)
                    }
                }
                try await group.waitForAll()
            }
            let (kept, fresh) = try await Self.rollups(app.store.database.reader)
            #expect(kept == fresh)
            #expect(kept.contains { $0.contains("|lead|") && $0.hasSuffix("|site||||12|0") }, "\(kept)")
            try await app.store.maintenance.foldRollups()
            #expect(try await Self.changes(app.store.database.reader) == 0)
            #expect(try await Self.rollups(app.store.database.reader).kept == kept, "folded as kept")
        }
    }
}
