import Foundation
import RapportCore
import Testing

/// The reports narrowed by owner, team, pipeline and segment, and the previous period beside the funnel, time
/// in stage and lost reasons, against counts worked out here from a small fixture.
@Suite struct ReportFilterTests {
    /// A deal of the fixture: its owner, whether it is from the previous period, how it ends, its amount,
    /// and whether its contact lives in Kazan.
    struct Fixture {
        var owner: String
        var earlier = false
        var end: String?  // "won" | "lost"
        var reason: String? = nil
        var amount: Int64
        var kazan = false
    }

    static let deals: [Fixture] = [
        Fixture(owner: "rep", end: "won", amount: 100_00),
        Fixture(owner: "rep", end: "lost", reason: "Дорого", amount: 50_00, kazan: true),
        Fixture(owner: "mate", end: "won", amount: 200_00, kazan: true),
        Fixture(owner: "mate", amount: 70_00),
        Fixture(owner: "outsider", end: "lost", reason: "Долго", amount: 30_00),
        Fixture(owner: "rep", earlier: true, end: "lost", reason: "Дорого", amount: 10_00),
        Fixture(owner: "outsider", earlier: true, end: "won", amount: 40_00),
    ]

    @Test func ownerTeamPipelineAndSegmentNarrowEveryReportAndThePreviousPeriodIsBeside() async throws {
        let clock = TestClock()
        try await TestApp.with(effects: clock.effects) { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let pipeline = try await api.get("/api/v1/pipelines", token).data[0]
            let stages = pipeline["stages"].arrayValue
            let won = stages.first { $0["kind"] == "won" }!["id"]
            let lost = stages.first { $0["kind"] == "lost" }!["id"]
            let teams = try await app.store.users.teams(by: crew.actor("owner"))
            let teamA = teams.first { $0.name == "A" }!.id.rawValue
            let teamB = teams.first { $0.name == "B" }!.id.rawValue
            let kazan = try await api.post("/api/v1/contacts", token, ["lastName": "Казанская", "city": "Казань"])
            let moscow = try await api.post("/api/v1/contacts", token, ["lastName": "Московская", "city": "Москва"])
            let segment = try await api.post(
                "/api/v1/segments", token, ["name": "Казань", "filter": ["field": "city", "op": "is", "value": "Казань"]])
            #expect(segment.status == 201)

            // The earlier deals 35 days back (the previous 30-day period), the others now.
            clock.advance(days: -35)
            for deal in Self.deals.filter(\.earlier) { try await make(deal) }
            clock.advance(days: 35)
            for deal in Self.deals.filter({ !$0.earlier }) { try await make(deal) }
            func make(_ deal: Fixture) async throws {
                let made = try await api.post(
                    "/api/v1/deals", token,
                    [
                        "title": "Сделка", "amount": ["amount": .int(deal.amount), "currency": "RUB"],
                        "ownerId": .string(crew.user(deal.owner).id.rawValue), "contactIds": [deal.kazan ? kazan["id"] : moscow["id"]],
                    ])
                #expect(made.status == 201)
                if deal.end == "won" { _ = try await api.post("/api/v1/deals/\(made.id)/move", token, ["stageId": won]) }
                if deal.end == "lost" {
                    _ = try await api.post("/api/v1/deals/\(made.id)/move", token, ["stageId": lost, "lostReason": .string(deal.reason!)])
                }
            }

            // By hand, per filter: the deals of the current period it keeps.
            let team = ["rep": "A", "mate": "A", "outsider": "B"]
            let filters: [(query: String, keeps: (Fixture) -> Bool)] = [
                ("", { _ in true }),
                ("ownerId=\(crew.user("rep").id.rawValue)", { $0.owner == "rep" }),
                ("teamId=\(teamA)", { team[$0.owner] == "A" }),
                ("teamId=\(teamB)", { team[$0.owner] == "B" }),
                ("segment=\(segment.id)", { $0.kazan }),
                ("teamId=\(teamA)&segment=\(segment.id)", { team[$0.owner] == "A" && $0.kazan }),
            ]
            for (query, keeps) in filters {
                let current = Self.deals.filter { !$0.earlier && keeps($0) }
                let previous = Self.deals.filter { $0.earlier && keeps($0) }
                let sales = try await api.get("/api/v1/reports/sales?\(query)", token)
                #expect(sales.status == 200)
                #expect(sales["current"]["created"] == .int(Int64(current.count)), "\(query)")
                #expect(sales["current"]["won"] == .int(Int64(current.filter { $0.end == "won" }.count)), "\(query)")
                #expect(
                    sales["current"]["wonRevenue"] == .int(current.filter { $0.end == "won" }.reduce(0) { $0 + $1.amount }), "\(query)")
                #expect(sales["previous"]["created"] == .int(Int64(previous.count)), "\(query)")

                let funnel = try await api.get("/api/v1/reports/funnel?pipelineId=\(pipeline["id"].stringValue!)&\(query)", token)
                // Every deal starts at the first stage, so each one counts in the funnel, lost ones too.
                #expect(funnel["total"] == .int(Int64(current.count)), "\(query)")
                #expect(funnel["steps"].arrayValue.last?["reached"] == .int(Int64(current.filter { $0.end == "won" }.count)), "\(query)")
                #expect(funnel["lost"] == .int(Int64(current.filter { $0.end == "lost" }.count)), "\(query)")
                #expect(funnel["previous"]["total"] == .int(Int64(previous.count)), "\(query)")
                #expect(funnel["previous"]["lost"] == .int(Int64(previous.filter { $0.end == "lost" }.count)), "\(query)")

                let reasons = try await api.get("/api/v1/reports/lost-reasons?\(query)", token)
                #expect(reasons["deals"] == .int(Int64(current.filter { $0.end == "lost" }.count)), "\(query)")
                #expect(reasons["previous"]["deals"] == .int(Int64(previous.filter { $0.end == "lost" }.count)), "\(query)")
                let expensive = previous.filter { $0.reason == "Дорого" }.count
                #expect(
                    reasons["previous"]["reasons"].arrayValue.first { $0["reason"] == "Дорого" }?["deals"]
                        == (expensive == 0 ? nil : .int(Int64(expensive))), "\(query)")

                let sources = try await api.get("/api/v1/reports/sources?\(query)", token)
                func deals(_ rows: [JSONValue]) -> Int64 { rows.reduce(0) { $0 + ($1["deals"].intValue ?? 0) } }
                #expect(deals(sources["data"].arrayValue) == Int64(current.count), "\(query)")
                #expect(deals(sources["previous"]["data"].arrayValue) == Int64(previous.count), "\(query)")

                let forecast = try await api.get("/api/v1/reports/forecast?\(query)", token)
                #expect(forecast["total"]["deals"] == .int(Int64(current.filter { $0.end == nil }.count)), "\(query)")

                let stageTime = try await api.get("/api/v1/reports/stage-time?pipelineId=\(pipeline["id"].stringValue!)&\(query)", token)
                #expect(stageTime.status == 200)
                // Every closed deal left its first stage when it closed: one visit each, in its own period.
                let firstStage = stageTime["stages"].arrayValue.first
                #expect(firstStage?["visits"] == .int(Int64(current.filter { $0.end != nil }.count)), "\(query)")
                #expect(
                    stageTime["previous"]["stages"].arrayValue.first?["visits"] == .int(Int64(previous.filter { $0.end != nil }.count)),
                    "\(query)")
            }

            // Managers: the team picks the rows.
            let managers = try await api.get("/api/v1/reports/managers?teamId=\(teamA)", token)
            let names = Set(managers.data.compactMap { $0["userId"].stringValue })
            #expect(names.contains(crew.user("rep").id.rawValue) && names.contains(crew.user("mate").id.rawValue))
            #expect(!names.contains(crew.user("outsider").id.rawValue))

            // A malformed id is refused by the query parser; a well-formed one that names no segment by the store.
            let malformed = try await api.get("/api/v1/reports/sales?segment=nope", token)
            #expect(malformed.status == 422)
            #expect(malformed.errorFields == ["segment"])
            #expect(malformed["errors"][0]["code"] == "invalid_format")
            let unknown = try await api.get("/api/v1/reports/sales?segment=01900000-0000-7000-8000-000000000000", token)
            #expect(unknown.status == 422)
            #expect(unknown.errorFields == ["segment"])
            #expect(unknown["errors"][0]["code"] == "unknown_reference")

            // The page offers the filters and keeps them in its downloads.
            var browser = Browser(client: api.client)
            try await browser.signIn(crew.user("owner").email)
            let page = try await browser.get("/reports/sales?teamId=\(teamA)").html
            #expect(page.contains("name=\"teamId\"") && page.contains("name=\"ownerId\"") && page.contains("name=\"segment\""))
            #expect(page.contains("teamId=\(teamA)&amp;format=xlsx") || page.contains("teamId=\(teamA)&format=xlsx"))
            // The page checks the ids as the API does: a malformed one is named, not read as "nobody".
            let malformedPage = try await browser.get("/reports/sales?ownerId=nope")
            #expect(malformedPage.status == 200)
            #expect(malformedPage.html.contains("Неверный формат.") || malformedPage.html.contains("Invalid format."))
        }
    }
}

/// A segment filters every list: its own kind of record by membership, the others by what its members have.
@Suite struct SegmentReachTests {
    @Test func aSegmentFiltersTheDealTaskOrderAndContactLists() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let firm = try await api.post("/api/v1/companies", token, ["name": "Казанский завод", "city": "Казань"])
            let other = try await api.post("/api/v1/companies", token, ["name": "Московский завод", "city": "Москва"])
            let worker = try await api.post(
                "/api/v1/contacts", token, ["lastName": "Петров", "city": "Москва", "companies": [["companyId": firm["id"]]]])
            let kazan = try await api.post("/api/v1/contacts", token, ["lastName": "Сидоров", "city": "Казань"])
            let stranger = try await api.post("/api/v1/contacts", token, ["lastName": "Чужой", "city": "Москва"])
            let people = try await api.post(
                "/api/v1/segments", token, ["name": "Казанцы", "filter": ["field": "city", "op": "is", "value": "Казань"]])
            let firms = try await api.post(
                "/api/v1/segments", token,
                ["name": "Казанские компании", "entity": "company", "filter": ["field": "city", "op": "is", "value": "Казань"]])
            #expect(people.status == 201 && firms.status == 201)

            func deal(_ title: String, _ body: [String: JSONValue]) async throws -> String {
                var fields = body
                fields["title"] = .string(title)
                let made = try await api.post("/api/v1/deals", token, .object(fields))
                #expect(made.status == 201)
                return made.id
            }
            let ofFirm = try await deal("Заводу", ["companyId": firm["id"]])
            _ = try await deal("Другому заводу", ["companyId": other["id"]])
            let ofKazan = try await deal("Сидорову", ["contactIds": [kazan["id"]]])
            _ = try await deal("Чужому", ["contactIds": [stranger["id"]]])
            func task(_ title: String, _ kind: String, _ id: String) async throws -> String {
                let made = try await api.post(
                    "/api/v1/tasks", token,
                    [
                        "title": .string(title), "kind": "call", "related": ["kind": .string(kind), "id": .string(id)],
                        "dueAt": .string(ISO8601DateFormatter().string(from: Date().addingTimeInterval(2 * 86_400))),
                    ])
                #expect(made.status == 201)
                return made.id
            }
            let callKazan = try await task("Позвонить Сидорову", "contact", kazan.id)
            let callDeal = try await task("По сделке Сидорова", "deal", ofKazan)
            let callWorker = try await task("Позвонить Петрову", "contact", worker.id)
            let callFirm = try await task("Позвонить на завод", "company", firm.id)
            _ = try await task("Позвонить чужому", "contact", stranger.id)
            var orders: [String: String] = [:]
            for (name, client) in [("Сидоров", kazan.id), ("Чужой", stranger.id)] {
                let order = try await api.post(
                    "/api/v1/orders", token, ["contactId": .string(client), "total": ["amount": 1_000, "currency": "RUB"]])
                #expect(order.status == 201)
                orders[name] = order.id
            }

            func ids(_ path: String) async throws -> Set<String> {
                let page = try await api.get(path, token)
                #expect(page.status == 200, "\(path)")
                return Set(page.data.compactMap { $0["id"].stringValue })
            }
            #expect(try await ids("/api/v1/deals?segment=\(people.id)") == [ofKazan])
            #expect(try await ids("/api/v1/deals?segment=\(firms.id)") == [ofFirm])
            #expect(try await ids("/api/v1/tasks?segment=\(people.id)") == [callKazan, callDeal])
            #expect(try await ids("/api/v1/tasks?segment=\(firms.id)") == [callWorker, callFirm])
            #expect(try await ids("/api/v1/orders?segment=\(people.id)") == [orders["Сидоров"]!])
            #expect(try await ids("/api/v1/contacts?segment=\(firms.id)") == [worker.id], "a company segment lists its people")
            #expect(try await ids("/api/v1/companies?segment=\(firms.id)") == [firm.id])
            let missing = try await api.get("/api/v1/deals?segment=01900000-0000-7000-8000-000000000000", token)
            #expect(missing.status == 422)
            #expect(missing.errorFields == ["segment"])

            var browser = Browser(client: api.client)
            try await browser.signIn(crew.user("owner").email)
            let deals = try await browser.get("/deals/list?segment=\(people.id)").html
            #expect(deals.contains("Сидорову") && !deals.contains("Чужому"))
            let tasks = try await browser.get("/tasks?scope=team&segment=\(people.id)").html
            #expect(tasks.contains("name=\"segment\""))
            #expect(tasks.contains("Позвонить Сидорову") && tasks.contains("По сделке Сидорова"))
            #expect(!tasks.contains("Позвонить чужому") && !tasks.contains("Позвонить Петрову"), "the page lists only the segment's tasks")
        }
    }
}
