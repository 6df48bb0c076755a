import Foundation
import RapportCore
import Testing

@Suite("Cohort and CLV reports from the store's groupings")
struct CohortAndCLVReportTests {
    let months = YearMonth.last(3, endingWith: LocalDate(year: 2026, month: 9, day: 21)!)
    var boundaries: [Date] { (0...3).map { Date(timeIntervalSince1970: 1_780_000_000 + Double($0) * 30 * 86_400) } }

    @Test("A cohort counts its contacts once and each in every month it bought in, from its own month on")
    func cohortsFromMonthSets() {
        let report = CohortReport.build(
            months: months, boundaries: boundaries,
            buyers: [
                CohortBuyers(cohort: 0, months: [0, 2], contacts: 3),
                CohortBuyers(cohort: 0, months: [0], contacts: 1),
                CohortBuyers(cohort: 0, months: [0, 1, 2], contacts: 2),
                CohortBuyers(cohort: 1, months: [1], contacts: 4),
                // Bought before its first-order month only (stale totals): not a member.
                CohortBuyers(cohort: 2, months: [1], contacts: 5),
                // Its months before the cohort are ignored; it counts from month 2 on.
                CohortBuyers(cohort: 2, months: [0, 2], contacts: 1),
                // Outside the report: ignored.
                CohortBuyers(cohort: 3, months: [3], contacts: 7),
                CohortBuyers(cohort: -1, months: [0], contacts: 7),
                CohortBuyers(cohort: 1, months: [1, 5], contacts: 2),
            ])
        #expect(report.cohorts.map(\.month) == months)
        #expect(report.cohorts.map(\.start) == Array(boundaries.prefix(3)))
        #expect(report.cohorts.map(\.customers) == [6, 6, 1])
        #expect(report.cohorts.map(\.retained) == [[6, 2, 5], [6, 0], [1]])
        #expect(report.cohorts[0].percent(1) == 33)
        #expect(report.cohorts[0].percent(3) == 0)
    }

    @Test("Without months or with mismatched boundaries there are no cohorts")
    func cohortsDegenerate() {
        #expect(CohortReport.build(months: [], boundaries: [], buyers: []).cohorts.isEmpty)
        #expect(CohortReport.build(months: months, boundaries: Array(boundaries.prefix(3)), buyers: []).cohorts.isEmpty)
        let empty = CohortReport.build(months: months, boundaries: boundaries, buyers: [])
        #expect(empty.cohorts.map(\.customers) == [0, 0, 0])
        #expect(empty.cohorts.map(\.retained) == [[0, 0, 0], [0, 0], [0]])
    }

    @Test("Revenue ranges: the last lower bound at or below the revenue, the first for negative revenue")
    func ranges() {
        #expect(CLVReport.range(of: -5) == 0)
        #expect(CLVReport.range(of: 0) == 0)
        #expect(CLVReport.range(of: 99_999) == 0)
        #expect(CLVReport.range(of: 100_000) == 1)
        #expect(CLVReport.range(of: 9_999_999) == 3)
        #expect(CLVReport.range(of: 10_000_000) == 4)
        #expect(CLVReport.range(of: .max) == 4)
    }

    @Test("Store tallies and clients predicted here add up to what predicting every client gives")
    func clvTalliesMatchPredictingEachClient() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let day = 86_400.0
        let clients = [
            PurchaseTotals(orderCount: 1, revenue: 50_000, firstOrderAt: now - 10 * day, lastOrderAt: now - 10 * day),
            PurchaseTotals(orderCount: 2, revenue: 600_000, firstOrderAt: now - 110 * day, lastOrderAt: now - 10 * day),
            PurchaseTotals(orderCount: 3, revenue: 300_001, firstOrderAt: now - 35 * day, lastOrderAt: now - 5 * day),
            PurchaseTotals(orderCount: 2, revenue: 700_000, firstOrderAt: now - 300 * day, lastOrderAt: now - 250 * day),
            PurchaseTotals(orderCount: 1, revenue: 20_000_000, firstOrderAt: now - 400 * day, lastOrderAt: now - 400 * day),
        ]
        let direct = CLVReport.build(clients, now: now)
        // The store's way: per range, the revenue and the future revenue of those whose lapse is after now.
        var tallies: [Int: CLVTally] = [:]
        for totals in clients.dropFirst(2) {
            let projection = CustomerMetrics.projection(of: totals)
            let future = projection.lapsesAt.map { $0 > now } == true ? projection.expectedFutureRevenue : 0
            let range = CLVReport.range(of: totals.revenue)
            var tally = tallies[range] ?? CLVTally(range: range, customers: 0, revenue: 0, expectedFutureRevenue: 0)
            tally.customers += 1
            tally.revenue += totals.revenue
            tally.expectedFutureRevenue += future
            tallies[range] = tally
        }
        let mixed = CLVReport.build(Array(clients.prefix(2)), tallies: Array(tallies.values), now: now)
        #expect(mixed == direct)
        #expect(direct.total.customers == 5)
        // The two-order client of 600,000: 300,000 × 365.25 / 100 × 3 = 3,287,250 ahead; the one silent for 250
        // days (more than twice its 50-day gap and 90 days) adds nothing.
        #expect(direct.buckets[2].customers == 2)
        #expect(direct.buckets[2].predictedTotal == 600_000 + 3_287_250 + 700_000)
        // Tallies naming no range are ignored.
        #expect(
            CLVReport.build([], tallies: [CLVTally(range: 9, customers: 1, revenue: 1, expectedFutureRevenue: 1)], now: now).total.customers
                == 0)
    }
}
