import Foundation
import RapportCore
import SQLKit
import Testing

/// The cohorts and CLV reports as the store now computes them: cohorts grouped in SQL, the CLV off the
/// projections kept on the contacts (with the contacts not projected yet predicted in Swift).
@Suite struct CohortCLVStoreTests {
    static let day = 86_400.0

    static func rub(_ amount: Int64) -> JSONValue { ["amount": .int(amount), "currency": "RUB"] }

    @Test func aContactCountsOncePerMonthHoweverManyOrdersItPlaces() async throws {
        let clock = TestClock()  // 21 September 2026, Moscow.
        try await TestApp.with(effects: clock.effects) { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let rep = crew.user("rep").id.rawValue
            // (owner, orders as UTC instants): three August orders and two September ones; one August order
            // and a September one deleted; a rep's client with two orders on one August day.
            let clients: [(String?, [String])] = [
                (
                    nil,
                    [
                        "2026-08-02T09:00:00Z", "2026-08-15T09:00:00Z", "2026-08-30T09:00:00Z", "2026-09-03T09:00:00Z",
                        "2026-09-20T09:00:00Z",
                    ]
                ),
                (nil, ["2026-08-10T09:00:00Z", "2026-09-10T09:00:00Z"]),
                (rep, ["2026-08-20T09:00:00Z", "2026-08-20T12:00:00Z"]),
            ]
            var deletable: String?
            for (index, (owner, orders)) in clients.enumerated() {
                var body: [String: JSONValue] = ["fullName": .string("Клиент \(index)")]
                if let owner { body["ownerId"] = .string(owner) }
                let contact = try await api.post("/api/v1/contacts", token, .object(body))
                for at in orders {
                    let order = try await api.post(
                        "/api/v1/orders", token, ["contactId": .string(contact.id), "orderedAt": .string(at), "total": Self.rub(1_000)])
                    #expect(order.status == 201)
                    if index == 1, at.hasPrefix("2026-09") { deletable = order.id }
                }
            }
            #expect([200, 204].contains(try await api.delete("/api/v1/orders/\(try #require(deletable))", token).status))
            let report = try await api.get("/api/v1/reports/cohorts?months=2", token)["cohorts"].arrayValue
            #expect(report.map { $0["month"] } == ["2026-08", "2026-09"])
            #expect(report.map { $0["customers"] } == [3, 0])
            #expect(report[0]["retention"].arrayValue.map { $0["customers"] } == [3, 1])
            // The owner filter narrows to the rep's client.
            let reps = try await api.get("/api/v1/reports/cohorts?months=2&ownerId=\(rep)", token)["cohorts"].arrayValue
            #expect(reps[0]["customers"] == 1)
            #expect(reps[0]["retention"].arrayValue.map { $0["customers"] } == [1, 0])
        }
    }

    @Test func theCLVReportReadsTheKeptProjectionsAndSeesLapsesAsTimePasses() async throws {
        let clock = TestClock()
        try await TestApp.with(effects: clock.effects) { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            // Orders per client: (days ago, total). The second lapses 201 days after its last order (twice its
            // 100-day gap), the third 91 days after (the floor).
            let clients: [[(Double, Int64)]] = [
                [(10, 50_000)], [(110, 300_000), (10, 300_000)], [(35, 100_000), (20, 100_000), (5, 100_001)], [(400, 20_000_000)],
            ]
            var totals: [PurchaseTotals] = []
            for (index, orders) in clients.enumerated() {
                let contact = try await api.post("/api/v1/contacts", token, ["fullName": .string("Покупатель \(index)")])
                for (daysAgo, total) in orders {
                    let at = ISO8601DateFormatter().string(from: clock.now.addingTimeInterval(-daysAgo * Self.day))
                    let body: JSONValue = ["contactId": .string(contact.id), "orderedAt": .string(at), "total": Self.rub(total)]
                    #expect(try await api.post("/api/v1/orders", token, body).status == 201)
                }
                let dates = orders.map { clock.now.addingTimeInterval(-$0.0 * Self.day) }
                totals.append(
                    PurchaseTotals(
                        orderCount: orders.count, revenue: orders.reduce(0) { $0 + $1.1 }, firstOrderAt: dates.min(),
                        lastOrderAt: dates.max()))
            }
            func report() async throws -> JSONValue { try await api.get("/api/v1/reports/clv", token).json }
            func expected() -> [JSONValue] {
                CLVReport.build(totals, now: clock.now).buckets.map { .int($0.averagePredictedCLV ?? -1) }
            }
            func averages(_ value: JSONValue) -> [JSONValue] {
                value["buckets"].arrayValue.map { $0["averagePredictedClv"] == .null ? .int(-1) : $0["averagePredictedClv"] }
            }
            let projected = try await report()
            #expect(averages(projected) == expected())
            #expect(projected["buckets"].arrayValue[2]["averagePredictedClv"] == 3_887_250)

            // As after the migration: no projections; the report predicts the contacts itself, the same.
            try await app.store.database.transaction { db in
                try await db.raw("UPDATE contacts SET clv_future = NULL, clv_lapses_at = NULL").run()
            }
            #expect(try await report() == projected)
            #expect(try await app.store.customerMetrics.projectCLV() == 4)
            #expect(try await app.store.customerMetrics.projectCLV() == 0)
            #expect(try await report() == projected)

            // Time passes without a write: the third client lapses 86 days from now (91 after its last order),
            // the second 191 days from now; each report agrees with predicting every client at that moment.
            var elapsed = 0.0
            for days in [85.5, 86.0, 190.9, 191.0, 300.0] {
                clock.advance(days: days - elapsed)
                elapsed = days
                #expect(averages(try await report()) == expected(), "day \(days)")
            }
            #expect(averages(try await report())[2] == 600_000)
        }
    }
}
