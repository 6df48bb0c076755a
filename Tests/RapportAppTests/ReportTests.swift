import Foundation
import HTTPTypes
import RapportCore
import Testing

/// Every report's numbers against the same numbers computed here, by hand, from the fixture.
@Suite struct ReportTests {
    /// A deal of the fixture: the open stages it visits in order (by index among open stages), how it
    /// ends, its amount, and the days it takes.
    struct Journey {
        var path: [Int]
        var end: String? = nil  // "won" | "lost"
        var amount: Int64
        var days: Double
    }

    static let journeys: [Journey] = [
        Journey(path: [0], amount: 100_000, days: 1),
        Journey(path: [0, 1], amount: 200_000, days: 2),
        Journey(path: [0, 2], amount: 300_000, days: 3),
        Journey(path: [0, 1], end: "won", amount: 400_000, days: 4),
        Journey(path: [0, 1, 2], end: "won", amount: 500_000, days: 10),
        Journey(path: [0, 1], end: "lost", amount: 600_000, days: 5),
    ]

    @Test func funnelAndSalesMatchAHandCount() async throws {
        let clock = TestClock()
        try await TestApp.with(effects: clock.effects) { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let pipeline = try await api.get("/api/v1/pipelines", token).data[0]
            let stages = pipeline["stages"].arrayValue
            let open = stages.filter { $0["kind"] == "open" }
            let won = stages.first { $0["kind"] == "won" }!
            let lost = stages.first { $0["kind"] == "lost" }!
            for journey in Self.journeys {
                let deal = try await api.post(
                    "/api/v1/deals", token, ["title": "Сделка", "amount": ["amount": .int(journey.amount), "currency": "RUB"]])
                for index in journey.path.dropFirst() {
                    _ = try await api.post("/api/v1/deals/\(deal.id)/move", token, ["stageId": open[index]["id"]])
                }
                clock.advance(days: journey.days)
                if journey.end == "won" { _ = try await api.post("/api/v1/deals/\(deal.id)/move", token, ["stageId": won["id"]]) }
                if journey.end == "lost" {
                    _ = try await api.post("/api/v1/deals/\(deal.id)/move", token, ["stageId": lost["id"], "lostReason": "Дорого"])
                }
                clock.advance(days: -journey.days)
            }
            clock.advance(days: 11)

            // By hand: a deal reached every open stage up to its furthest, and "won" if it was won.
            func furthest(_ journey: Journey) -> Int { journey.end == "won" ? open.count : journey.path.max()! }
            var expectedReached: [Int] = []
            for step in 0...open.count { expectedReached.append(Self.journeys.filter { furthest($0) >= step }.count) }
            func percent(_ part: Int, _ whole: Int) -> Int { whole == 0 ? 0 : Int((Double(part) * 100 / Double(whole)).rounded()) }

            let funnel = try await api.get("/api/v1/reports/funnel?pipelineId=\(pipeline["id"].stringValue!)", token)
            #expect(funnel.status == 200)
            let steps = funnel["steps"].arrayValue
            #expect(steps.count == open.count + 1)
            #expect(steps.map { $0["reached"].intValue.map(Int.init) } == expectedReached.map { $0 })
            for (index, step) in steps.enumerated() {
                let previous = index == 0 ? expectedReached[0] : expectedReached[index - 1]
                #expect(step["conversionFromPrevious"] == .int(Int64(percent(expectedReached[index], previous))))
                #expect(step["conversionFromStart"] == .int(Int64(percent(expectedReached[index], expectedReached[0]))))
            }
            #expect(funnel["lost"] == .int(Int64(Self.journeys.filter { $0.end == "lost" }.count)))
            #expect(steps.last?["stageId"] == won["id"])

            let sales = try await api.get("/api/v1/reports/sales", token)
            let wonDeals = Self.journeys.filter { $0.end == "won" }
            let lostDeals = Self.journeys.filter { $0.end == "lost" }
            #expect(sales["current"]["created"] == .int(Int64(Self.journeys.count)))
            #expect(sales["current"]["won"] == .int(Int64(wonDeals.count)))
            #expect(sales["current"]["lost"] == .int(Int64(lostDeals.count)))
            #expect(sales["current"]["winRate"] == .int(Int64(percent(wonDeals.count, wonDeals.count + lostDeals.count))))
            #expect(sales["current"]["wonRevenue"] == .int(wonDeals.reduce(0) { $0 + $1.amount }))
            let cycle = wonDeals.reduce(0.0) { $0 + $1.days } / Double(wonDeals.count)
            let days = sales["current"]["averageCycleDays"]
            let reported = days.intValue.map(Double.init) ?? { if case .double(let d) = days { d } else { -1 } }()
            #expect(reported == (cycle * 10).rounded() / 10)
            #expect(sales["previous"]["created"] == .int(0))
            #expect(sales["previous"]["winRate"] == .null)

            // The same table downloads for Excel.
            let csv = try await api.call(.get, "/api/v1/reports/sales?format=excel", token: token, validate: false)
            #expect(csv.status == 200)
            #expect(csv.headers[.contentType] == "text/csv; charset=windows-1251")
        }
    }

    /// The funnel reads each deal's furthest stage off its row: a step back does not undo it, reordering the
    /// pipeline's stages re-ranks the visits, and a deal moved to another pipeline counts only what it
    /// reached there.
    @Test func theFurthestStageFollowsMovesReordersAndPipelineChanges() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let created = try await api.post(
                "/api/v1/pipelines", token,
                [
                    "name": "Тендеры",
                    "stages": [
                        ["name": "Заявка", "kind": "open"], ["name": "Экспертиза", "kind": "open"], ["name": "Выигран", "kind": "won"],
                        ["name": "Проигран", "kind": "lost"],
                    ],
                ])
            let stages = created["stages"].arrayValue
            let (application, review) = (stages[0]["id"], stages[1]["id"])
            let back = try await api.post("/api/v1/deals", token, ["title": "Вперёд и назад", "pipelineId": created["id"]])
            _ = try await api.post("/api/v1/deals/\(back.id)/move", token, ["stageId": review])
            _ = try await api.post("/api/v1/deals/\(back.id)/move", token, ["stageId": application])
            let stays = try await api.post("/api/v1/deals", token, ["title": "На заявке", "pipelineId": created["id"]])
            func reached() async throws -> [JSONValue] {
                let funnel = try await api.get("/api/v1/reports/funnel?pipelineId=\(created.id)", token)
                #expect(funnel.status == 200)
                return funnel["steps"].arrayValue.map { $0["reached"] }
            }
            #expect(try await reached() == [2, 1, 0], "a step back keeps the furthest stage")

            let reordered = try await api.patch(
                "/api/v1/pipelines/\(created.id)", token,
                [
                    "version": .int(created.version),
                    "stages": [
                        ["id": review, "name": "Экспертиза", "kind": "open"], ["id": application, "name": "Заявка", "kind": "open"],
                        ["id": stages[2]["id"], "name": "Выигран", "kind": "won"],
                        ["id": stages[3]["id"], "name": "Проигран", "kind": "lost"],
                    ],
                ])
            #expect(reordered.status == 200)
            // Now "Заявка" comes second: the deal that visited both has reached it, the other one too.
            #expect(try await reached() == [2, 2, 0])

            let sales = try await api.get("/api/v1/pipelines", token).data.first { $0["id"] != created["id"] }!
            let moved = try await api.patch(
                "/api/v1/deals/\(stays.id)", token, ["version": .int(stays.version), "pipelineId": sales["id"]])
            #expect(moved.status == 200)
            #expect(try await reached() == [1, 1, 0], "a deal moved away leaves this funnel")
            let salesFunnel = try await api.get("/api/v1/reports/funnel?pipelineId=\(sales["id"].stringValue!)", token)
            #expect(salesFunnel["steps"].arrayValue.first?["reached"] == 1, "and counts from its first stage in the new one")
        }
    }

    @Test func purchasesAndTheRFMGridMatchAHandCount() async throws {
        let clock = TestClock()
        try await TestApp.with(effects: clock.effects) { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            // Orders in the last 30 days (days ago, total) per client, and one older order that falls in the previous period.
            let clients: [(String, [(Double, Int64)])] = [
                ("Первый", [(1, 10_000), (5, 20_000), (40, 99_000)]),
                ("Второй", [(2, 30_000)]),
                ("Третий", [(10, 5_000), (11, 5_000), (12, 7_000)]),
                ("Четвёртый", []),
            ]
            var ids: [String: String] = [:]
            for (name, orders) in clients {
                let contact = try await api.post("/api/v1/contacts", token, ["fullName": .string(name)])
                ids[name] = contact.id
                for (daysAgo, total) in orders {
                    let at = ISO8601DateFormatter().string(from: clock.now.addingTimeInterval(-daysAgo * 86_400))
                    let order = try await api.post(
                        "/api/v1/orders", token,
                        ["contactId": .string(contact.id), "orderedAt": .string(at), "total": ["amount": .int(total), "currency": "RUB"]])
                    #expect(order.status == 201)
                }
            }
            // By hand, over the 30 days ending today (29 days back plus today, from the start of that day).
            let format = Formatting(locale: .ru, timeZoneIdentifier: "Europe/Moscow")
            let today = format.localDate(clock.now)
            let from = format.startOfDay(format.adding(days: -29, to: today))
            let recent = clients.map { ($0.0, $0.1.filter { clock.now.addingTimeInterval(-$0.0 * 86_400) >= from }) }
            let orders = recent.reduce(0) { $0 + $1.1.count }
            let revenue = recent.reduce(Int64(0)) { $0 + $1.1.reduce(0) { $0 + $1.1 } }
            let buyers = recent.filter { !$0.1.isEmpty }.count
            let repeaters = recent.filter { $0.1.count >= 2 }.count
            let report = try await api.get("/api/v1/reports/purchases", token)
            #expect(report["current"]["orders"] == .int(Int64(orders)))
            #expect(report["current"]["revenue"] == .int(revenue))
            #expect(report["current"]["buyers"] == .int(Int64(buyers)))
            #expect(report["current"]["repeatBuyers"] == .int(Int64(repeaters)))
            #expect(report["current"]["arpu"] == .int((revenue + Int64(buyers) / 2) / Int64(buyers)))
            #expect(report["current"]["averageCheck"] == .int((revenue + Int64(orders) / 2) / Int64(orders)))
            #expect(report["current"]["repeatRate"] == .int(Int64((Double(repeaters) * 100 / Double(buyers)).rounded())))
            #expect(report["previous"]["orders"] == .int(1))
            #expect(report["previous"]["revenue"] == .int(99_000))

            // The grid after scoring: every scored client in the cell of its own score.
            try await app.store.customerMetrics.refreshRFM()
            var expected: [String: (Int64, Int64)] = [:]
            for (name, list) in clients where !list.isEmpty {
                let metrics = try await api.get("/api/v1/contacts/\(ids[name]!)/metrics", token)
                let key = "\(metrics["rfm"]["recency"].intValue!)-\(metrics["rfm"]["frequency"].intValue!)"
                #expect(metrics["rfm"]["segment"].stringValue != nil)
                let lifetime = list.reduce(Int64(0)) { $0 + $1.1 }
                expected[key] = ((expected[key]?.0 ?? 0) + 1, (expected[key]?.1 ?? 0) + lifetime)
            }
            let grid = try await api.get("/api/v1/reports/rfm", token)
            var got: [String: (Int64, Int64)] = [:]
            for cell in grid.data {
                got["\(cell["recency"].intValue!)-\(cell["frequency"].intValue!)"] = (
                    cell["customers"].intValue!, cell["revenue"].intValue!
                )
            }
            #expect(got.mapValues { [$0.0, $0.1] } == expected.mapValues { [$0.0, $0.1] })
            // Equal order counts score equally (tie-aware quintiles); more orders score higher.
            let frequency = { (name: String) in
                try await api.get("/api/v1/contacts/\(ids[name]!)/metrics", token)["rfm"]["frequency"].intValue!
            }
            #expect(try await frequency("Третий") == frequency("Первый"))
            #expect(try await frequency("Третий") > frequency("Второй"))
        }
    }
}
