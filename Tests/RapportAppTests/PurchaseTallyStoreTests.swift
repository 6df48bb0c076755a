import Foundation
import RapportCore
import SQLKit
import Testing

/// The purchases report reads whole days off the per-day tallies the order writes keep; these tests hold
/// its numbers to a count made here from the orders, through every kind of order change, and hold the
/// kept tallies to ones built afresh.
@Suite struct PurchaseTallyStoreTests {
    static let now = Date(timeIntervalSince1970: 1_781_514_000)  // 2026-06-15T09:00:00Z, 12:00 in Moscow
    static let effects = Effects(now: { PurchaseTallyStoreTests.now }, newID: Effects.live.newID)

    /// An order as the test knows it.
    struct Placed {
        var contact: String?
        var at: Date
        var total: Int64
        var counted = true
    }

    /// Orders, revenue, buyers and repeat buyers between two instants, counted from the test's own list.
    static func count(_ orders: [String: Placed], from: Date, to: Date) -> [String: JSONValue] {
        let inside = orders.values.filter { $0.counted && $0.at >= from && $0.at < to }
        let perBuyer = Dictionary(grouping: inside.compactMap(\.contact), by: { $0 }).mapValues(\.count)
        return [
            "orders": .int(Int64(inside.count)), "revenue": .int(inside.map(\.total).reduce(0, +)),
            "buyers": .int(Int64(perBuyer.count)), "repeatBuyers": .int(Int64(perBuyer.values.filter { $0 >= 2 }.count)),
        ]
    }

    /// The report over local days `[first, last]`, both periods, against the count; and the same through the
    /// owner filter, which groups the orders instead of reading the tallies.
    static func check(
        _ api: API, _ token: String, _ orders: [String: Placed], zone: String, owner: String, _ note: String
    ) async throws {
        let format = Formatting(locale: .en, timeZoneIdentifier: zone)
        let today = format.localDate(now)
        for (back, length) in [(0, 1), (0, 7), (0, 30), (0, 365), (100, 300)] {
            let last = format.adding(days: -back, to: today)
            let first = format.adding(days: -(length - 1), to: last)
            let from = format.startOfDay(first)
            let to = format.startOfDay(format.adding(days: 1, to: last))
            let previousFrom = from.addingTimeInterval(-to.timeIntervalSince(from))
            for path in ["", "&ownerId=\(owner)"] {
                let report = try await api.get("/api/v1/reports/purchases?from=\(first)&to=\(last)\(path)", token)
                #expect(report.status == 200, "\(report.json)")
                for (key, want) in count(orders, from: from, to: to) {
                    #expect(report["current"][key] == want, "\(note): \(key) over \(first)…\(last)\(path)")
                }
                for (key, want) in count(orders, from: previousFrom, to: from) {
                    #expect(report["previous"][key] == want, "\(note): previous \(key) before \(first)\(path)")
                }
            }
        }
    }

    /// Every tally row and every order's part in them, as text, to compare kept tallies with rebuilt ones.
    static func tallies(_ db: any SQLDatabase) async throws -> [String] {
        func rows(_ sql: String, _ columns: [String]) async throws -> [String] {
            try await db.raw(SQLQueryString(sql)).all().map { row in
                try columns.map { column in
                    try row.decodeNil(column: column) ? "-" : String(try row.decode(column: column, as: Int64.self))
                }.joined(separator: ",")
            }
        }
        return try await rows(
            "SELECT day, orders, revenue, buyer_orders FROM purchase_days ORDER BY day", ["day", "orders", "revenue", "buyer_orders"])
            + rows(
                "SELECT gap, earlier_day, day, orders FROM purchase_gaps WHERE orders <> 0 ORDER BY gap, earlier_day, day",
                ["gap", "earlier_day", "day", "orders"])
            + rows(
                """
                SELECT tally_day, tally_total, CASE WHEN tally_buyer THEN 1 ELSE 0 END AS buyer, tally_previous_day, tally_second_day
                FROM orders ORDER BY id
                """, ["tally_day", "tally_total", "buyer", "tally_previous_day", "tally_second_day"]
            )
            .map { "order " + $0 }
    }

    @Test func theReportOffTheTalliesMatchesTheOrdersThroughEveryChange() async throws {
        try await TestApp.with(effects: Self.effects) { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let owner = crew.users["owner"]!.id.rawValue
            var people: [String] = []
            for name in ["Антонов Антон", "Борисова Бэлла", "Васильев Вадим"] {
                people.append(try await api.post("/api/v1/contacts", token, ["fullName": .string(name), "ownerId": .string(owner)]).id)
            }
            // Orders of a company alone have no buying contact.
            let company = try await api.post("/api/v1/companies", token, ["name": "ООО Ромашка", "ownerId": .string(owner)]).id
            var orders: [String: Placed] = [:]
            var versions: [String: Int64] = [:]
            // (buyer index or nil, hours ago, total): same-day pairs, orders just before and after midnight,
            // orders without a buyer, and old ones that reach the previous periods.
            let plan: [(Int?, Double, Int64)] = [
                (0, 1, 1_000), (0, 2, 2_000), (0, 30, 3_000), (0, 24 * 40, 4_000), (0, 24 * 500, 5_000),
                (1, 12.5, 6_000), (1, 11.5, 7_000), (1, 24 * 200, 8_000), (1, 24 * 370, 9_000),
                (2, 24 * 6, 10_000), (nil, 3, 11_000), (nil, 24 * 100, 12_000), (2, 24 * 366, 13_000), (2, 24 * 730, 14_000),
            ]
            for (buyer, hours, total) in plan {
                let at = Self.now.addingTimeInterval(-hours * 3600)
                var body: [String: JSONValue] = [
                    "orderedAt": .string(ISO8601DateFormatter().string(from: at)), "total": ["amount": .int(total), "currency": "RUB"],
                    "ownerId": .string(owner),
                ]
                if let buyer { body["contactId"] = .string(people[buyer]) } else { body["companyId"] = .string(company) }
                let order = try await api.post("/api/v1/orders", token, .object(body))
                #expect(order.status == 201, "\(order.json)")
                orders[order.id] = Placed(contact: buyer.map { people[$0] }, at: at, total: total)
                versions[order.id] = order.version
            }
            try await Self.check(api, token, orders, zone: "Europe/Moscow", owner: owner, "as placed")

            // Each change, then the same check.
            let ids = orders.keys.sorted { orders[$0]!.at > orders[$1]!.at }
            func patch(_ id: String, _ body: [String: JSONValue]) async throws {
                var body = body
                body["version"] = .int(versions[id]!)
                let reply = try await api.patch("/api/v1/orders/\(id)", token, .object(body))
                #expect(reply.status == 200, "\(reply.json)")
                versions[id] = reply.version
            }
            try await patch(ids[0], ["contactId": .string(people[2])])
            orders[ids[0]]!.contact = people[2]
            try await Self.check(api, token, orders, zone: "Europe/Moscow", owner: owner, "moved to another buyer")
            try await patch(ids[1], ["contactId": .null, "companyId": .string(company)])
            orders[ids[1]]!.contact = nil
            try await Self.check(api, token, orders, zone: "Europe/Moscow", owner: owner, "left without a buyer")
            try await patch(ids[4], ["contactId": .string(people[0])])
            orders[ids[4]]!.contact = people[0]
            try await Self.check(api, token, orders, zone: "Europe/Moscow", owner: owner, "an anonymous order given a buyer")
            try await patch(ids[2], ["status": "cancelled"])
            orders[ids[2]]!.counted = false
            try await Self.check(api, token, orders, zone: "Europe/Moscow", owner: owner, "cancelled")
            try await patch(ids[2], ["status": "paid"])
            orders[ids[2]]!.counted = true
            let earlier = Self.now.addingTimeInterval(-24 * 3600 * 45)
            try await patch(
                ids[3], ["orderedAt": .string(ISO8601DateFormatter().string(from: earlier)), "total": ["amount": 50, "currency": "RUB"]])
            orders[ids[3]]!.at = earlier
            orders[ids[3]]!.total = 50
            try await Self.check(api, token, orders, zone: "Europe/Moscow", owner: owner, "paid again, one re-dated and re-priced")
            #expect(try await api.delete("/api/v1/orders/\(ids[5])", token).status == 200)
            orders[ids[5]]!.counted = false
            try await Self.check(api, token, orders, zone: "Europe/Moscow", owner: owner, "trashed")
            #expect(try await api.post("/api/v1/orders/\(ids[5])/restore", token).status == 200)
            orders[ids[5]]!.counted = true
            try await Self.check(api, token, orders, zone: "Europe/Moscow", owner: owner, "restored")

            // A purged person's purchases stay in the books without a buyer.
            #expect(try await api.delete("/api/v1/contacts/\(people[1])", token).status == 200)
            #expect(try await app.store.maintenance.purgeTrash(olderThan: -1) >= 1)
            for (id, order) in orders where order.contact == people[1] { orders[id]!.contact = nil }
            try await Self.check(api, token, orders, zone: "Europe/Moscow", owner: owner, "a buyer purged")

            // What the writes kept is what a fresh build makes.
            let kept = try await Self.tallies(app.store.database.reader)
            #expect(kept.contains { $0.hasPrefix("order ") } && kept.contains { !$0.hasPrefix("order") })
            #expect(try await app.store.customerMetrics.tallyPurchases() == 0, "already built in the workspace's zone")
            #expect(try await app.store.customerMetrics.tallyPurchases(all: true) == 1)
            #expect(try await Self.tallies(app.store.database.reader) == kept)

            // And the report does read them: a day total nudged by hand shows.
            let today = "/api/v1/reports/purchases?from=2026-06-15&to=2026-06-15"
            let before = try #require(try await api.get(today, token)["current"]["orders"].intValue)
            try await app.store.database.transaction { db in
                try await db.raw("UPDATE purchase_days SET orders = orders + 1000").run()
            }
            #expect(try await api.get(today, token)["current"]["orders"].intValue == before + 1000)
        }
    }

    /// Orders written at the same moment by several requests (several nodes on PostgreSQL) for the same
    /// buyers and days: no update of a shared day row is lost and none deadlocks.
    @Test func concurrentOrdersKeepTheTalliesWhole() async throws {
        try await TestApp.with(effects: Self.effects) { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let owner = crew.users["owner"]!.id.rawValue
            var people: [String] = []
            for index in 0..<4 {
                people.append(try await api.post("/api/v1/contacts", token, ["fullName": .string("Покупатель \(index)")]).id)
            }
            // In waves of four: order numbers come from one counter row, so the writes queue on it, and a
            // whole suite running beside this one on PostgreSQL must not leave a request waiting past the
            // connection pool's timeout.
            var placed: [String: Placed] = [:]
            for wave in stride(from: 0, to: 24, by: 4) {
                placed.merge(
                    try await withThrowingTaskGroup(of: (String, Placed).self) { group in
                        for index in wave..<(wave + 4) {
                            let at = Self.now.addingTimeInterval(-Double(index % 3) * 86_400 - Double(index) * 60)
                            let contact = people[index % people.count]
                            group.addTask {
                                let order = try await api.post(
                                    "/api/v1/orders", token,
                                    [
                                        "contactId": .string(contact), "orderedAt": .string(ISO8601DateFormatter().string(from: at)),
                                        "total": ["amount": .int(Int64(100 + index)), "currency": "RUB"], "ownerId": .string(owner),
                                    ])
                                #expect(order.status == 201, "\(order.json)")
                                return (order.id, Placed(contact: contact, at: at, total: Int64(100 + index)))
                            }
                        }
                        return try await group.reduce(into: [String: Placed]()) { $0[$1.0] = $1.1 }
                    }
                ) { $1 }
            }
            #expect(placed.count == 24)
            try await Self.check(api, token, placed, zone: "Europe/Moscow", owner: owner, "written concurrently")
            let kept = try await Self.tallies(app.store.database.reader)
            #expect(try await app.store.customerMetrics.tallyPurchases(all: true) == 1)
            #expect(try await Self.tallies(app.store.database.reader) == kept)
        }
    }

    @Test func aNewTimeZoneIsCountedFromTheOrdersUntilTheTalliesAreBuiltInIt() async throws {
        try await TestApp.with(effects: Self.effects) { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let owner = crew.users["owner"]!.id.rawValue
            let buyer = try await api.post("/api/v1/contacts", token, ["fullName": "Антонов Антон", "ownerId": .string(owner)]).id
            var orders: [String: Placed] = [:]
            // 03:00–04:00 UTC is the early morning in Moscow and still the evening before in New York, so days
            // differ between the zones; November is winter time in New York, June summer time.
            let hoursAgo: [Double] = [13.5, 12.5, 6, 5.5, 78, 756.5, 4_806]
            for hours in hoursAgo {
                let at = Self.now.addingTimeInterval(-hours * 3600)
                let order = try await api.post(
                    "/api/v1/orders", token,
                    [
                        "contactId": .string(buyer), "orderedAt": .string(ISO8601DateFormatter().string(from: at)),
                        "total": ["amount": 1_000, "currency": "RUB"], "ownerId": .string(owner),
                    ])
                orders[order.id] = Placed(contact: buyer, at: at, total: 1_000)
            }
            try await Self.check(api, token, orders, zone: "Europe/Moscow", owner: owner, "in Moscow")
            let moved = try await api.patch("/api/v1/workspace", token, ["timeZone": "America/New_York"])
            #expect(moved.status == 200, "\(moved.json)")
            let tallied = {
                try await app.store.database.reader.raw("SELECT time_zone FROM purchase_tallies").first()?.decode(
                    column: "time_zone", as: String.self)
            }
            #expect(try await tallied() == "Europe/Moscow")
            try await Self.check(api, token, orders, zone: "America/New_York", owner: owner, "in New York, counted from the orders")
            #expect(try await app.store.customerMetrics.tallyPurchases() == 1)
            #expect(try await tallied() == "America/New_York")
            try await Self.check(api, token, orders, zone: "America/New_York", owner: owner, "in New York, off the new tallies")
        }
    }
}
