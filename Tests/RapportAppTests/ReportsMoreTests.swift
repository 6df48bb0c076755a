import Foundation
import HTTPTypes
import RapportCore
import Testing

/// Time in stage, lost reasons, forecast, managers, sources, cohorts and CLV against numbers worked out here,
/// by hand, from fixed fixtures built through the API on a test clock.
@Suite struct ReportsMoreTests {
    static let day = 86_400.0

    static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    /// A JSON number as a Double, whether it was written as an integer or not.
    static func number(_ value: JSONValue) -> Double? {
        if case .int(let n) = value { return Double(n) }
        if case .double(let d) = value { return d }
        return nil
    }

    static func rub(_ amount: Int64) -> JSONValue { ["amount": .int(amount), "currency": "RUB"] }

    // MARK: - Time in stage

    /// One step of the stage-time fixture: on `day` (from the start), `deal` is created (its first step, in the
    /// first open stage) or moved to open stage `stage` (nil: won).
    struct Step {
        var deal: String
        var day: Double
        var stage: Int?
    }

    static let steps: [Step] = [
        Step(deal: "A", day: 0, stage: 0), Step(deal: "C", day: 0, stage: 0), Step(deal: "B", day: 1, stage: 0),
        Step(deal: "B", day: 1.5, stage: 1), Step(deal: "E", day: 2, stage: 0), Step(deal: "A", day: 2.25, stage: 1),
        Step(deal: "E", day: 2.25, stage: 1), Step(deal: "E", day: 2.375, stage: 2), Step(deal: "A", day: 5.25, stage: 2),
        Step(deal: "G", day: 6, stage: 0), Step(deal: "A", day: 6.25, stage: nil), Step(deal: "F", day: 19, stage: 0),
    ]

    @Test func timeInStageAndStaleDealsMatchAHandCount() async throws {
        let clock = TestClock()
        try await TestApp.with(effects: clock.effects) { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let pipeline = try await api.get("/api/v1/pipelines", token).data[0]
            let pipelineID = pipeline["id"].stringValue!
            let open = pipeline["stages"].arrayValue.filter { $0["kind"] == "open" }
            let won = pipeline["stages"].arrayValue.first { $0["kind"] == "won" }!
            let start = clock.now
            var ids: [String: String] = [:]
            var elapsed = 0.0
            for step in Self.steps {
                clock.advance(days: step.day - elapsed)
                elapsed = step.day
                if let id = ids[step.deal] {
                    let target = step.stage.map { open[$0]["id"] } ?? won["id"]
                    #expect(try await api.post("/api/v1/deals/\(id)/move", token, ["stageId": target]).status == 200)
                } else {
                    ids[step.deal] = try await api.post("/api/v1/deals", token, ["title": .string(step.deal), "amount": Self.rub(1_000)]).id
                }
            }
            let nowDay = 20.0
            clock.advance(days: nowDay - elapsed)

            // By hand: a visit runs from one step of a deal to its next; the stage norm is 14 days for open stages.
            struct Visit {
                var deal: String
                var stage: Int?
                var from: Double
                var to: Double
            }
            var visits: [Visit] = []
            var last: [String: Step] = [:]
            for step in Self.steps {
                if let previous = last[step.deal] {
                    visits.append(Visit(deal: step.deal, stage: previous.stage, from: previous.day, to: step.day))
                }
                last[step.deal] = step
            }
            func expectStages(_ report: API.Reply, endedAfter: Date?) {
                let stages = report["stages"].arrayValue
                #expect(stages.count == pipeline["stages"].arrayValue.count)
                for (index, stage) in open.enumerated() {
                    let row = stages.first { $0["stageId"] == stage["id"] }
                    let mine = visits.filter { visit in
                        visit.stage == index && (endedAfter.map { start.addingTimeInterval(visit.to * Self.day) >= $0 } ?? true)
                    }
                    #expect(row?["visits"] == .int(Int64(mine.count)), "stage \(index)")
                    let hours = mine.reduce(0.0) { $0 + ($1.to - $1.from) * 24 }
                    let expected = mine.isEmpty ? nil : (hours / Double(mine.count) * 10).rounded() / 10
                    #expect(row.flatMap { Self.number($0["averageHours"]) } == expected, "stage \(index)")
                }
            }

            let report = try await api.get("/api/v1/reports/stage-time?pipelineId=\(pipelineID)", token)
            #expect(report.status == 200)
            expectStages(report, endedAfter: nil)
            // s0: 12 h + 54 h + 6 h over 3; s1: 3 h + 72 h over 2 — so the decimals are really there.
            #expect(Self.number(report["stages"][1]["averageHours"]) == 37.5)

            // Stale: the deals whose last step left them in an open stage more than 14 whole days ago.
            let stale = last.values.filter { $0.stage != nil && nowDay - $0.day > 14 }.sorted { $0.day < $1.day }
            #expect(report["staleDeals"].arrayValue.map { $0["id"].stringValue! } == stale.map { ids[$0.deal]! })
            #expect(
                report["staleDeals"].arrayValue.map { $0["daysInStage"] } == stale.map { .int(Int64((nowDay - $0.day).rounded(.down))) })
            for (index, stage) in open.enumerated() {
                let row = report["stages"].arrayValue.first { $0["stageId"] == stage["id"] }
                #expect(row?["staleDeals"] == .int(Int64(stale.filter { $0.stage == index }.count)))
                #expect(row?["rottingDays"] == .int(14))
            }
            #expect(!stale.contains { $0.deal == "G" }, "exactly at the norm is not over it")

            // A period that starts on day 4 keeps only the visits that ended from that day's midnight on.
            let format = Formatting(locale: .ru, timeZoneIdentifier: "Europe/Moscow")
            let fourth = format.localDate(start.addingTimeInterval(4 * Self.day))
            let later = try await api.get("/api/v1/reports/stage-time?pipelineId=\(pipelineID)&from=\(fourth)", token)
            expectStages(later, endedAfter: format.startOfDay(fourth))
            #expect(later["stages"][0]["visits"] == .int(0))

            // A rep of another team sees none of the owner's deals.
            let outsider = try await api.get("/api/v1/reports/stage-time?pipelineId=\(pipelineID)", crew.token("outsider"))
            #expect(outsider["stages"].arrayValue.allSatisfy { $0["visits"] == .int(0) && $0["staleDeals"] == .int(0) })
            #expect(outsider["staleDeals"].arrayValue.isEmpty)

            // A deal in the trash takes its visits out of the owner's report too.
            let trashed = try #require(visits.first { $0.stage == 0 }?.deal)
            #expect(try await api.delete("/api/v1/deals/\(ids[trashed]!)", token).status == 200)
            visits.removeAll { $0.deal == trashed }
            last[trashed] = nil
            expectStages(try await api.get("/api/v1/reports/stage-time?pipelineId=\(pipelineID)", token), endedAfter: nil)

            #expect(try await api.get("/api/v1/reports/stage-time", token).errorFields == ["pipelineId"])
            let unknown = "/api/v1/reports/stage-time?pipelineId=01900000-0000-7000-8000-000000000000"
            #expect(try await api.get(unknown, token).status == 422)
            let xlsx = try await api.call(
                .get, "/api/v1/reports/stage-time?pipelineId=\(pipelineID)&format=xlsx", token: token, validate: false)
            #expect(xlsx.status == 200)
            #expect(xlsx.headers[.contentType] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        }
    }

    // MARK: - Lost reasons and forecast

    @Test func lostReasonsAndTheForecastMatchAHandCount() async throws {
        let clock = TestClock()
        try await TestApp.with(effects: clock.effects) { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let stages = try await api.get("/api/v1/pipelines", token).data[0]["stages"].arrayValue
            let lostStage = stages.first { $0["kind"] == "lost" }!["id"]
            let wonStage = stages.first { $0["kind"] == "won" }!["id"]
            func lose(_ token: String, _ amount: Int64, _ reason: String) async throws {
                let deal = try await api.post("/api/v1/deals", token, ["title": "Проигранная", "amount": Self.rub(amount)])
                let moved = try await api.post(
                    "/api/v1/deals/\(deal.id)/move", token, ["stageId": lostStage, "lostReason": .string(reason)])
                #expect(moved.status == 200)
            }
            // Lost long before the period: not counted.
            try await lose(token, 1_000_000, "Дорого")
            clock.advance(days: 40)
            try await lose(token, 100_000, "Дорого")
            try await lose(token, 200_000, "Дорого")
            try await lose(token, 300_000, "  дорого ")
            try await lose(token, 50_000, "Выбрали конкурента")
            try await lose(token, 70_000, "Нет бюджета")
            try await lose(token, 80_000, "нет бюджета")
            try await lose(crew.token("rep"), 5_000, "дорого")

            // By hand: «Дорого» 100 000 + 200 000 + 300 000 + 5 000 (4 deals; two spellings twice each, the
            // capitalised one sorts first), «Нет бюджета» 70 000 + 80 000 (2), «Выбрали конкурента» 50 000 (1).
            let expected: [(String, Int64, Int64)] = [
                ("Дорого", 4, 605_000), ("Нет бюджета", 2, 150_000), ("Выбрали конкурента", 1, 50_000),
            ]
            let all = expected.reduce(Int64(0)) { $0 + $1.1 }
            let report = try await api.get("/api/v1/reports/lost-reasons", token)
            #expect(report.status == 200)
            #expect(report["deals"] == .int(all))
            #expect(report["amount"] == .int(expected.reduce(0) { $0 + $1.2 }))
            let reasons = report["reasons"].arrayValue
            #expect(reasons.map { $0["reason"] } == expected.map { .string($0.0) })
            #expect(reasons.map { $0["deals"] } == expected.map { .int($0.1) })
            #expect(reasons.map { $0["amount"] } == expected.map { .int($0.2) })
            #expect(reasons.map { $0["share"] } == expected.map { .int(Int64((Double($0.1) * 100 / Double(all)).rounded())) })
            let reps = try await api.get("/api/v1/reports/lost-reasons?ownerId=\(crew.user("rep").id.rawValue)", token)
            #expect(reps["reasons"].arrayValue.map { $0["reason"] } == ["дорого"])
            #expect(reps["reasons"][0]["share"] == .int(100))

            // Forecast: open deals by expected close month (title, amount, probability or the first stage's 10, date).
            let deals: [(String, Int64, Int64?, String?)] = [
                ("owner", 100_002, 25, "2026-10-15"), ("owner", 333, nil, "2026-10-03"), ("owner", 500_000, 50, "2026-11-30"),
                ("owner", 99_999, 75, nil), ("rep", 10_000, nil, "2026-11-01"),
            ]
            for (who, amount, probability, date) in deals {
                var body: [String: JSONValue] = ["title": "Открытая", "amount": Self.rub(amount)]
                if let probability { body["probability"] = .int(probability) }
                if let date { body["expectedCloseDate"] = .string(date) }
                #expect(try await api.post("/api/v1/deals", crew.token(who), .object(body)).status == 201)
            }
            let closed = try await api.post(
                "/api/v1/deals", token, ["title": "Выигранная", "amount": Self.rub(777_777), "expectedCloseDate": "2026-10-20"])
            _ = try await api.post("/api/v1/deals/\(closed.id)/move", token, ["stageId": wonStage])

            func weighted(_ deal: (String, Int64, Int64?, String?)) -> Int64 {
                Int64((Double(deal.1) * Double(deal.2 ?? 10) / 100).rounded())
            }
            func expectForecast(_ reply: API.Reply, _ deals: [(String, Int64, Int64?, String?)]) {
                let months = Set(deals.map { $0.3.map { String($0.prefix(7)) } })
                let order = months.compactMap { $0 }.sorted().map { Optional($0) } + (months.contains(nil) ? [nil] : [])
                #expect(reply["months"].arrayValue.map { $0["month"] } == order.map { $0.map(JSONValue.string) ?? .null })
                for (index, month) in order.enumerated() {
                    let mine = deals.filter { $0.3.map { String($0.prefix(7)) } == month }
                    #expect(reply["months"][index]["deals"] == .int(Int64(mine.count)))
                    #expect(reply["months"][index]["amount"] == .int(mine.reduce(0) { $0 + $1.1 }))
                    #expect(reply["months"][index]["weighted"] == .int(mine.reduce(0) { $0 + weighted($1) }))
                }
                #expect(reply["total"]["deals"] == .int(Int64(deals.count)))
                #expect(reply["total"]["amount"] == .int(deals.reduce(0) { $0 + $1.1 }))
                #expect(reply["total"]["weighted"] == .int(deals.reduce(0) { $0 + weighted($1) }))
            }
            let forecast = try await api.get("/api/v1/reports/forecast", token)
            #expect(forecast["currency"] == "RUB")
            expectForecast(forecast, deals)
            // 100 002 × 25 % is 25 000.5: half away from zero.
            #expect(forecast["months"][0]["weighted"] == .int(25_001 + 33))
            expectForecast(
                try await api.get("/api/v1/reports/forecast?ownerId=\(crew.user("rep").id.rawValue)", token), deals.filter { $0.0 == "rep" }
            )
            let csv = try await api.call(.get, "/api/v1/reports/forecast?format=csv", token: token, validate: false)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
        }
    }

    // MARK: - Managers

    @Test func managersMatchAHandCount() async throws {
        let clock = TestClock()
        try await TestApp.with(effects: clock.effects) { app, api in
            let crew = try await Crew.make(app.store)
            let stages = try await api.get("/api/v1/pipelines", crew.token("owner")).data[0]["stages"].arrayValue
            let wonStage = stages.first { $0["kind"] == "won" }!["id"]
            func deal(_ who: String, _ amount: Int64, won: Bool) async throws -> String {
                let deal = try await api.post("/api/v1/deals", crew.token(who), ["title": "Сделка", "amount": Self.rub(amount)])
                if won {
                    #expect(try await api.post("/api/v1/deals/\(deal.id)/move", crew.token(who), ["stageId": wonStage]).status == 200)
                }
                return deal.id
            }
            // Won 40 days ago: the previous period.
            _ = try await deal("mate", 70_000, won: true)
            clock.advance(days: 40)
            let repDeal = try await deal("rep", 150_000, won: true)
            _ = try await deal("rep", 20_000, won: false)
            let mateDeal = try await deal("mate", 10_000, won: false)
            func activity(_ who: String, _ deal: String, daysAgo: Double = 0) async throws {
                let at = Self.iso(clock.now.addingTimeInterval(-daysAgo * Self.day))
                let reply = try await api.post(
                    "/api/v1/activities", crew.token(who), ["kind": "call", "dealId": .string(deal), "occurredAt": .string(at)])
                #expect(reply.status == 201)
            }
            for _ in 0..<3 { try await activity("rep", repDeal) }
            try await activity("rep", repDeal, daysAgo: 40)
            try await activity("mate", mateDeal)
            func task(_ who: String, dueInDays: Double, done: Bool) async throws {
                let reply = try await api.post(
                    "/api/v1/tasks", crew.token(who),
                    [
                        "title": "Перезвонить", "dueAt": .string(Self.iso(clock.now.addingTimeInterval(dueInDays * Self.day))),
                        "done": .bool(done),
                    ])
                #expect(reply.status == 201)
            }
            try await task("rep", dueInDays: -1, done: false)
            try await task("rep", dueInDays: -3, done: true)
            try await task("rep", dueInDays: 1, done: false)
            try await task("mate", dueInDays: -2, done: true)

            // By hand.
            let expected: [String: [String: Int64]] = [
                "rep": [
                    "dealsCreated": 2, "dealsWon": 1, "wonRevenue": 150_000, "previousWonRevenue": 0, "activities": 3, "tasksDone": 1,
                    "tasksOverdue": 1,
                ],
                "mate": [
                    "dealsCreated": 1, "dealsWon": 0, "wonRevenue": 0, "previousWonRevenue": 70_000, "activities": 1, "tasksDone": 1,
                    "tasksOverdue": 0,
                ],
            ]
            let report = try await api.get("/api/v1/reports/managers", crew.token("owner"))
            #expect(report.status == 200)
            let rows = report.data
            #expect(rows.count == Crew.roles.count)
            for (name, numbers) in expected {
                let row = rows.first { $0["userId"] == .string(crew.user(name).id.rawValue) }
                for (key, value) in numbers { #expect(row?[key] == .int(value), "\(name).\(key)") }
            }
            for row in rows where !expected.keys.contains(where: { crew.user($0).id.rawValue == row["userId"].stringValue }) {
                #expect(row["dealsCreated"] == .int(0) && row["activities"] == .int(0) && row["tasksDone"] == .int(0))
            }
            // The largest won revenue first, then by name among equals (mate and the rest have none this period).
            #expect(rows.first?["userId"] == .string(crew.user("rep").id.rawValue))
            let rest = rows.dropFirst().map { $0["name"].stringValue! }
            #expect(rest == rest.sorted())

            // A rep sees their team (head, rep, mate, support of team A); the other team's rep only themself.
            let team = try await api.get("/api/v1/reports/managers", crew.token("rep")).data.map { $0["userId"].stringValue! }
            #expect(Set(team) == Set(["head", "rep", "mate", "support"].map { crew.user($0).id.rawValue }))
            let alone = try await api.get("/api/v1/reports/managers", crew.token("outsider")).data.map { $0["userId"].stringValue! }
            #expect(alone == [crew.user("outsider").id.rawValue])
            let excel = try await api.call(.get, "/api/v1/reports/managers?format=excel", token: crew.token("owner"), validate: false)
            #expect(excel.headers[.contentType] == "text/csv; charset=windows-1251")
        }
    }

    // MARK: - Sources

    @Test func sourcesMatchAHandCount() async throws {
        let clock = TestClock()
        try await TestApp.with(effects: clock.effects) { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let site: JSONValue = ["source": "site", "utmSource": "yandex", "utmMedium": "cpc", "utmCampaign": "spring"]
            let referral: JSONValue = ["source": "referral"]
            // Before the period: a lead, a deal and an order from the site.
            let early = try await api.post("/api/v1/contacts", token, ["fullName": "Ранний", "source": site])
            _ = try await api.post("/api/v1/deals", token, ["title": "Ранняя", "amount": Self.rub(1), "source": site])
            let earlyAt = Self.iso(clock.now)
            clock.advance(days: 40)
            let first = try await api.post("/api/v1/contacts", token, ["fullName": "Первый", "source": site])
            _ = try await api.post("/api/v1/contacts", token, ["fullName": "Второй", "source": site])
            let bare = try await api.post("/api/v1/contacts", token, ["fullName": "Без источника"])
            _ = try await api.post("/api/v1/deals", token, ["title": "С сайта", "amount": Self.rub(1), "source": site])
            _ = try await api.post("/api/v1/deals", token, ["title": "По рекомендации", "amount": Self.rub(1), "source": referral])
            func order(_ contact: String, _ total: Int64, source: JSONValue? = nil, status: String? = nil, at: String? = nil) async throws {
                var body: [String: JSONValue] = [
                    "contactId": .string(contact), "orderedAt": .string(at ?? Self.iso(clock.now)), "total": Self.rub(total),
                ]
                if let source { body["source"] = source }
                if let status { body["status"] = .string(status) }
                #expect(try await api.post("/api/v1/orders", token, .object(body)).status == 201)
            }
            try await order(first.id, 10_000, source: site)
            try await order(first.id, 999, source: site, status: "cancelled")
            try await order(bare.id, 5_000)
            try await order(early.id, 7_000, source: site, at: earlyAt)

            // By hand: site — 2 leads, 1 deal, 1 counted order of 10 000; no source — 1 lead and the 5 000 order;
            // referral — 1 deal. The larger revenue first.
            let report = try await api.get("/api/v1/reports/sources", token)
            #expect(report.status == 200)
            let rows = report.data
            #expect(rows.count == 3)
            #expect(rows.map { $0["source"] } == ["site", .null, "referral"])
            #expect(rows.map { $0["utmCampaign"] } == ["spring", .null, .null])
            #expect(rows.map { $0["leads"] } == [2, 1, 0])
            #expect(rows.map { $0["deals"] } == [1, 0, 1])
            #expect(rows.map { $0["orders"] } == [1, 1, 0])
            #expect(rows.map { $0["revenue"] } == [10_000, 5_000, 0])
            let csv = try await api.call(.get, "/api/v1/reports/sources?format=csv", token: token, validate: false)
            #expect(csv.status == 200)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
        }
    }

    // MARK: - Cohorts

    @Test func cohortsMatchAHandCount() async throws {
        let clock = TestClock()  // 21 September 2026, Moscow.
        try await TestApp.with(effects: clock.effects) { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            // Orders per client (UTC instants); "x" marks a cancelled one.
            let clients: [[(String, Bool)]] = [
                [("2026-06-10T09:00:00Z", true), ("2026-07-15T09:00:00Z", true)],  // first bought in June: no cohort
                [("2026-07-05T09:00:00Z", true), ("2026-08-20T09:00:00Z", true), ("2026-09-01T09:00:00Z", true)],
                // 00:30 on 1 August in Moscow, still July in UTC: an August client.
                [("2026-07-31T21:30:00Z", true), ("2026-09-10T09:00:00Z", true)],
                [("2026-07-10T09:00:00Z", true), ("2026-07-20T09:00:00Z", true)],
                [("2026-09-05T09:00:00Z", true)],
                [("2026-07-03T09:00:00Z", false), ("2026-08-03T09:00:00Z", true)],
            ]
            for (index, orders) in clients.enumerated() {
                let contact = try await api.post("/api/v1/contacts", token, ["fullName": .string("Клиент \(index)")])
                for (at, counted) in orders {
                    var body: [String: JSONValue] = ["contactId": .string(contact.id), "orderedAt": .string(at), "total": Self.rub(1_000)]
                    if !counted { body["status"] = "cancelled" }
                    #expect(try await api.post("/api/v1/orders", token, .object(body)).status == 201)
                }
            }
            // By hand, in Moscow months: July — clients 1 and 3 (July 2, August 1, September 1); August — clients 2
            // and 5 (August 2, September 1); September — client 4.
            let expected: [(String, Int64, [Int64])] = [("2026-07", 2, [2, 1, 1]), ("2026-08", 2, [2, 1]), ("2026-09", 1, [1])]
            let report = try await api.get("/api/v1/reports/cohorts?months=3", token)
            #expect(report.status == 200)
            #expect(report["months"] == 3)
            let cohorts = report["cohorts"].arrayValue
            #expect(cohorts.map { $0["month"] } == expected.map { .string($0.0) })
            #expect(cohorts.map { $0["customers"] } == expected.map { .int($0.1) })
            for (cohort, (_, size, retained)) in zip(cohorts, expected) {
                #expect(cohort["retention"].arrayValue.map { $0["customers"] } == retained.map(JSONValue.int))
                #expect(cohort["retention"].arrayValue.map { $0["offset"] } == retained.indices.map { .int(Int64($0)) })
                #expect(
                    cohort["retention"].arrayValue.map { $0["percent"] }
                        == retained.map { .int(Int64((Double($0) * 100 / Double(size)).rounded())) })
            }
            // Each month starts at midnight in Moscow (UTC+3).
            #expect(cohorts.first?["start"] == "2026-06-30T21:00:00Z" || cohorts.first?["start"] == "2026-06-30T21:00:00.000Z")

            // The default is twelve months: the last three as above, and now client 0 makes a June cohort of one
            // who bought again in July.
            let year = try await api.get("/api/v1/reports/cohorts", token)["cohorts"].arrayValue
            #expect(year.count == 12)
            #expect(year.first?["month"] == "2025-10")
            #expect(year.suffix(3).map { $0["customers"] } == expected.map { .int($0.1) })
            #expect(year[8]["month"] == "2026-06")
            #expect(year[8]["retention"].arrayValue.map { $0["customers"] } == [1, 1, 0, 0])
            #expect(year.dropLast(4).allSatisfy { $0["customers"] == 0 && $0["retention"].arrayValue.allSatisfy { $0["customers"] == 0 } })
            #expect(year.map { $0["retention"].arrayValue.count } == Array((1...12).reversed()).map { $0 })
            #expect(try await api.get("/api/v1/reports/cohorts?months=25", token).errorFields == ["months"])
            #expect(try await api.get("/api/v1/reports/cohorts?months=0", token).errorFields == ["months"])
            let xlsx = try await api.call(.get, "/api/v1/reports/cohorts?months=3&format=xlsx", token: token, validate: false)
            #expect(xlsx.status == 200)
        }
    }

    // MARK: - CLV

    @Test func theCLVDistributionMatchesAHandCount() async throws {
        let clock = TestClock()
        try await TestApp.with(effects: clock.effects) { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            // Orders per client: (days ago, total).
            let clients: [[(Double, Int64)]] = [
                [(10, 50_000)],
                [(110, 300_000), (10, 300_000)],
                [(35, 100_000), (20, 100_000), (5, 100_001)],
                [(400, 20_000_000)],
                [],
            ]
            for (index, orders) in clients.enumerated() {
                let contact = try await api.post("/api/v1/contacts", token, ["fullName": .string("Покупатель \(index)")])
                for (daysAgo, total) in orders {
                    let at = Self.iso(clock.now.addingTimeInterval(-daysAgo * Self.day))
                    #expect(
                        try await api.post(
                            "/api/v1/orders", token, ["contactId": .string(contact.id), "orderedAt": .string(at), "total": Self.rub(total)]
                        ).status == 201)
                }
            }
            // By hand: predicted CLV = revenue + average check × orders per year × 3, where orders per year is
            // (orders − 1) ÷ (days from first to last ÷ 365.25); nothing is added for one order or a lapsed client
            // (silent for more than twice the usual gap and 90 days). Averages round half away from zero.
            func predicted(_ orders: [(Double, Int64)]) -> Int64 {
                let revenue = orders.reduce(Int64(0)) { $0 + $1.1 }
                guard orders.count >= 2 else { return revenue }
                let span = orders.map(\.0).max()! - orders.map(\.0).min()!
                let gap = span / Double(orders.count - 1)
                guard orders.map(\.0).min()! <= max(2 * gap, 90) else { return revenue }
                let check = (Double(revenue) / Double(orders.count)).rounded()
                return revenue + Int64((check * Double(orders.count - 1) / (span / 365.25) * 3).rounded())
            }
            let bounds: [Int64] = [0, 100_000, 500_000, 2_000_000, 10_000_000]
            let buyers = clients.filter { !$0.isEmpty }
            let report = try await api.get("/api/v1/reports/clv", token)
            #expect(report.status == 200)
            #expect(report["customers"] == .int(Int64(buyers.count)))
            #expect(report["revenue"] == .int(buyers.reduce(0) { $0 + $1.reduce(0) { $0 + $1.1 } }))
            let all = buyers.reduce(Int64(0)) { $0 + predicted($1) }
            #expect(report["averagePredictedClv"] == .int(Int64((Double(all) / Double(buyers.count)).rounded())))
            let buckets = report["buckets"].arrayValue
            #expect(buckets.map { $0["from"] } == bounds.map(JSONValue.int))
            #expect(buckets.map { $0["to"] } == bounds.dropFirst().map(JSONValue.int) + [.null])
            for (index, bucket) in buckets.enumerated() {
                let upper = index + 1 < bounds.count ? bounds[index + 1] : .max
                let mine = buyers.filter { (bounds[index]..<upper).contains($0.reduce(0) { $0 + $1.1 }) }
                #expect(bucket["customers"] == .int(Int64(mine.count)), "bucket \(index)")
                #expect(bucket["revenue"] == .int(mine.reduce(0) { $0 + $1.reduce(0) { $0 + $1.1 } }), "bucket \(index)")
                let sum = mine.reduce(Int64(0)) { $0 + predicted($1) }
                let average: JSONValue = mine.isEmpty ? .null : .int(Int64((Double(sum) / Double(mine.count)).rounded()))
                #expect(bucket["averagePredictedClv"] == average, "bucket \(index)")
            }
            // The two-order client: 300 000 × (1 ÷ (100 ÷ 365.25)) × 3 = 3 287 250 on top of 600 000.
            #expect(buckets[2]["averagePredictedClv"] == 3_887_250)
            let csv = try await api.call(.get, "/api/v1/reports/clv?format=csv", token: token, validate: false)
            #expect(csv.status == 200)
        }
    }

    // MARK: - Pure arithmetic

    @Test func lostReasonsGroupIgnoringCaseAndSpaces() {
        let report = LostReasonReport.build([
            (reason: "Дорого", deals: 1, amount: 10), (reason: " ДОРОГО", deals: 2, amount: 20), (reason: nil, deals: 1, amount: 5),
            (reason: "  ", deals: 1, amount: 1), (reason: "Сроки", deals: 3, amount: 7),
        ])
        #expect(report.reasons.map(\.reason) == ["ДОРОГО", "Сроки", nil])
        #expect(report.reasons.map(\.deals) == [3, 3, 2])
        #expect(report.reasons.map(\.amount) == [30, 7, 6])
        #expect(report.reasons.map(\.share) == [38, 38, 25])
        #expect(report.deals == 8)
    }

    @Test func monthsCarryAcrossYears() {
        #expect(YearMonth(year: 2026, month: 1).adding(months: -1).description == "2025-12")
        #expect(YearMonth(year: 2026, month: 12).adding(months: 1).description == "2027-01")
        #expect(YearMonth(year: 2026, month: 3).adding(months: -27).description == "2023-12")
        let day = LocalDate(year: 2026, month: 2, day: 28)!
        #expect(YearMonth.last(3, endingWith: day).map(\.description) == ["2025-12", "2026-01", "2026-02"])
    }
}
