import Foundation
import RapportCore
import Testing

@Suite("Customer metrics: averages, rates, lapse, CLV")
struct CustomerMetricsTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let day: TimeInterval = 86_400

    func daysAgo(_ days: Double) -> Date { now.addingTimeInterval(-days * day) }

    func metrics(
        orders: Int, revenue: Int64, first: Date?, last: Date?, horizonYears: Int = 3
    ) -> CustomerMetrics {
        CustomerMetrics(
            totals: PurchaseTotals(orderCount: orders, revenue: revenue, firstOrderAt: first, lastOrderAt: last),
            now: now, horizonYears: horizonYears)
    }

    // MARK: No orders, one order

    @Test("A customer who never bought has zeros and no averages, and is not lapsed")
    func noOrders() {
        #expect(PurchaseTotals.none == PurchaseTotals(orderCount: 0, revenue: 0, firstOrderAt: nil, lastOrderAt: nil))
        let m = CustomerMetrics(totals: .none, now: now)
        #expect(m.orderCount == 0)
        #expect(m.revenue == 0)
        #expect(m.averageCheck == nil)
        #expect(m.firstOrderAt == nil)
        #expect(m.lastOrderAt == nil)
        #expect(m.daysSinceLastOrder == nil)
        #expect(m.ordersPerYear == nil)
        #expect(m.averageDaysBetweenOrders == nil)
        #expect(m.historicCLV == 0)
        #expect(m.predictedCLV == 0)
        #expect(m.isLapsed == false)
    }

    @Test("Totals that claim orders but have no last-order date count as no orders")
    func inconsistentTotals() {
        let m = metrics(orders: 3, revenue: 900, first: nil, last: nil)
        #expect(m.averageCheck == nil)
        #expect(m.daysSinceLastOrder == nil)
        #expect(m.ordersPerYear == nil)
        #expect(m.averageDaysBetweenOrders == nil)
        #expect(m.isLapsed == false)
        #expect(m.predictedCLV == 900)
    }

    @Test("One order: the check is the order, no rate, no predicted future revenue")
    func oneOrder() {
        let at = daysAgo(100)
        let m = metrics(orders: 1, revenue: 150_000, first: at, last: at)
        #expect(m.orderCount == 1)
        #expect(m.averageCheck == 150_000)
        #expect(m.firstOrderAt == at)
        #expect(m.lastOrderAt == at)
        #expect(m.daysSinceLastOrder == 100)
        #expect(m.ordersPerYear == nil)
        #expect(m.averageDaysBetweenOrders == nil)
        #expect(m.historicCLV == 150_000)
        #expect(m.predictedCLV == 150_000)
        #expect(m.isLapsed == false)
    }

    @Test(
        "A one-order customer lapses after 365 whole days",
        arguments: [(364.0, false), (365.0, false), (365.99, false), (366.0, true), (1000.0, true)])
    func oneOrderLapse(_ days: Double, _ lapsed: Bool) {
        let at = daysAgo(days)
        #expect(metrics(orders: 1, revenue: 100, first: at, last: at).isLapsed == lapsed)
    }

    // MARK: Days and checks

    @Test(
        "Days since the last order are the floor of elapsed days, never negative",
        arguments: [(0.0, 0), (0.99, 0), (1.0, 1), (1.5, 1), (29.999, 29), (30.0, 30), (-0.5, 0), (-3.0, 0)])
    func daysSince(_ elapsed: Double, _ expected: Int) {
        let at = daysAgo(elapsed)
        #expect(metrics(orders: 1, revenue: 1, first: at, last: at).daysSinceLastOrder == expected)
    }

    @Test(
        "The average check rounds half away from zero, exactly",
        arguments: [
            (Int64(10), 4, Int64(3)),  // 2.5
            (10, 3, 3),  // 3.33
            (8, 3, 3),  // 2.67
            (7, 3, 2),  // 2.33
            (11, 2, 6),  // 5.5
            (-10, 4, -3),  // -2.5
            (-7, 3, -2),  // -2.33
            (0, 5, 0),
            (Int64.max, 2, 4_611_686_018_427_387_904),  // 4611686018427387903.5
            (Int64.max - 1, 2, 4_611_686_018_427_387_903),
            (Int64.min, 1, Int64.min),
        ])
    func averageCheck(_ revenue: Int64, _ orders: Int, _ expected: Int64) {
        let m = metrics(orders: orders, revenue: revenue, first: daysAgo(10), last: daysAgo(5))
        #expect(m.averageCheck == expected)
        #expect(m.revenue == revenue)
        #expect(m.historicCLV == revenue)
    }

    // MARK: Repeat buyers

    @Test("A repeat buyer's rate, gap and predicted CLV follow the documented formula")
    func repeatBuyer() throws {
        // 5 orders over 292 days: 4 gaps of 73 days; 4 / (292 / 365.25) = 1461 / 292 orders a year.
        let m = metrics(orders: 5, revenue: 500_000, first: daysAgo(302), last: daysAgo(10))
        #expect(m.averageCheck == 100_000)
        #expect(m.daysSinceLastOrder == 10)
        #expect(try #require(m.averageDaysBetweenOrders) == 73)
        #expect(abs(try #require(m.ordersPerYear) - 5.003_424_657_534_246) < 1e-12)
        // Future: 100,000 × 1461/292 × 3 = 438,300,000 / 292 = 1,501,027.39… → 1,501,027.
        #expect(m.predictedCLV == 500_000 + 1_501_027)
        #expect(m.historicCLV == 500_000)
        #expect(m.isLapsed == false)
    }

    @Test("The horizon scales the future part; zero or negative horizons predict nothing more")
    func horizon() {
        let first = daysAgo(302)
        let last = daysAgo(10)
        // One year: 100,000 × 1461/292 = 500,342.47 → 500,342.
        #expect(metrics(orders: 5, revenue: 500_000, first: first, last: last, horizonYears: 1).predictedCLV == 1_000_342)
        #expect(metrics(orders: 5, revenue: 500_000, first: first, last: last, horizonYears: 0).predictedCLV == 500_000)
        #expect(metrics(orders: 5, revenue: 500_000, first: first, last: last, horizonYears: -2).predictedCLV == 500_000)
        let byDefault = CustomerMetrics(
            totals: PurchaseTotals(orderCount: 5, revenue: 500_000, firstOrderAt: first, lastOrderAt: last), now: now)
        #expect(byDefault.predictedCLV == 2_001_027)
    }

    @Test(
        "Future revenue rounds half away from zero",
        arguments: [(1, 2), (2, 3), (3, 3), (6, 4)])
    func futureRounding(_ horizon: Int, _ expected: Int64) {
        // Two orders 1461 days apart (4 years, so 0.25 orders a year), check 1: the future is horizon / 4
        // minor units: 0.25 → 0, 0.5 → 1, 0.75 → 1, 1.5 → 2; plus the historic 2.
        let m = metrics(orders: 2, revenue: 2, first: daysAgo(1471), last: daysAgo(10), horizonYears: horizon)
        #expect(m.ordersPerYear == 0.25)
        #expect(m.averageDaysBetweenOrders == 1461)
        #expect(m.predictedCLV == expected)
    }

    @Test(
        "A repeat buyer lapses after twice their average gap",
        arguments: [(146.0, false), (146.9, false), (147.0, true), (400.0, true)])
    func repeatLapse(_ silence: Double, _ lapsed: Bool) {
        // Average gap 73 days, so the threshold is 146 days (above the 90-day floor).
        let last = daysAgo(silence)
        let m = metrics(orders: 5, revenue: 500_000, first: last.addingTimeInterval(-292 * day), last: last)
        #expect(m.isLapsed == lapsed)
        // A lapsed customer is expected to bring nothing more.
        #expect((m.predictedCLV == 500_000) == lapsed)
    }

    @Test(
        "A frequent buyer is not lapsed before 90 days, however short their gap",
        arguments: [(89.0, false), (90.0, false), (90.5, false), (91.0, true)])
    func lapseFloor(_ silence: Double, _ lapsed: Bool) {
        // Average gap 10 days; twice that is far below the 90-day floor.
        let last = daysAgo(silence)
        let m = metrics(orders: 4, revenue: 40_000, first: last.addingTimeInterval(-30 * day), last: last)
        #expect(m.averageDaysBetweenOrders == 10)
        #expect(m.isLapsed == lapsed)
    }

    @Test("Orders all on one day give a zero gap, no rate and no predicted future revenue")
    func sameDayOrders() {
        let morning = daysAgo(20)
        let evening = morning.addingTimeInterval(9 * 3600)
        let m = metrics(orders: 3, revenue: 30_000, first: morning, last: evening)
        #expect(m.averageCheck == 10_000)
        #expect(m.averageDaysBetweenOrders == 0)
        #expect(m.ordersPerYear == nil)
        #expect(m.predictedCLV == 30_000)
        #expect(m.isLapsed == false)
        // The 90-day floor applies to them too.
        let old = metrics(orders: 3, revenue: 30_000, first: daysAgo(91.5), last: daysAgo(91))
        #expect(old.isLapsed == true)
    }

    @Test("Orders less than 24 hours apart count as one day")
    func underADayApart() {
        let m = metrics(orders: 2, revenue: 100, first: daysAgo(5.9), last: daysAgo(5.1))
        #expect(m.averageDaysBetweenOrders == 0)
        #expect(m.ordersPerYear == nil)
    }

    // MARK: Extremes

    @Test("Huge revenue and rates saturate instead of overflowing")
    func largeValues() {
        // Check ≈ 4.6e18 at 365.25 orders a year: the future part alone exceeds Int64.max.
        let m = metrics(orders: 2, revenue: Int64.max - 1, first: daysAgo(2), last: daysAgo(1))
        #expect(m.averageCheck == 4_611_686_018_427_387_903)
        #expect(abs((m.ordersPerYear ?? 0) - 365.25) < 1e-9)
        #expect(m.predictedCLV == Int64.max)
        #expect(m.historicCLV == Int64.max - 1)

        let many = metrics(orders: Int.max, revenue: Int64.max, first: daysAgo(11), last: daysAgo(10))
        #expect(many.averageCheck == 1)
        #expect(many.predictedCLV == Int64.max)
    }

    @Test("Realistic large values stay exact")
    func largeButRealistic() {
        // 1,000 orders of 1,000,000.00 ₽ (10^8 kopecks) over 999 days, one order a day: 365.25 a year.
        let m = metrics(orders: 1000, revenue: 100_000_000_000, first: daysAgo(1000), last: daysAgo(1))
        #expect(m.averageCheck == 100_000_000)
        #expect(abs((m.ordersPerYear ?? 0) - 365.25) < 1e-9)
        // Future: 10^8 × 365.25 × 3 = 109,575,000,000.
        #expect(m.predictedCLV == 100_000_000_000 + 109_575_000_000)
    }

    @Test("Negative net revenue (refunds) never predicts negative future revenue")
    func negativeRevenue() {
        let m = metrics(orders: 3, revenue: -3_000, first: daysAgo(60), last: daysAgo(10))
        #expect(m.averageCheck == -1_000)
        #expect(m.predictedCLV == -3_000)
    }

    @Test("Purchase totals survive a JSON round trip")
    func totalsCodable() throws {
        let totals = PurchaseTotals(
            orderCount: 7, revenue: 123_456, firstOrderAt: Date(timeIntervalSince1970: 1_700_000_000),
            lastOrderAt: Date(timeIntervalSince1970: 1_750_000_000))
        let decoded = try JSONDecoder().decode(PurchaseTotals.self, from: JSONEncoder().encode(totals))
        #expect(decoded == totals)
        #expect(try JSONDecoder().decode(PurchaseTotals.self, from: JSONEncoder().encode(PurchaseTotals.none)) == .none)
    }
}

extension CustomerMetricsTests {
    @Test(
        "A customer lapses at the first whole day past the threshold, the instant the projection names",
        arguments: [
            // (orders, days between first and last, lapse day): twice the gap and 90 days; 366 after one order.
            (1, 0.0, 366), (5, 292.0, 147), (4, 30.0, 91), (2, 100.0, 201), (3, 0.5, 91), (2, 45.6, 91), (2, 46.0, 93),
        ])
    func lapseMoment(_ orders: Int, _ span: Double, _ lapseDay: Int) throws {
        let last = daysAgo(500)
        let totals = PurchaseTotals(orderCount: orders, revenue: 100_000, firstOrderAt: last - span * day, lastOrderAt: last)
        let projection = CustomerMetrics.projection(of: totals)
        let lapsesAt = try #require(projection.lapsesAt)
        #expect(lapsesAt == last + Double(lapseDay) * day)
        for moment in [lapsesAt - 1, lapsesAt, lapsesAt + 1, last, last + 10 * day] {
            let m = CustomerMetrics(totals: totals, now: moment)
            #expect(m.lapseDays == lapseDay)
            #expect(m.lapsesAt == lapsesAt)
            #expect(m.isLapsed == (moment >= lapsesAt))
            #expect(m.expectedFutureRevenue == projection.expectedFutureRevenue)
            #expect(m.predictedCLV == 100_000 + (m.isLapsed ? 0 : projection.expectedFutureRevenue))
        }
    }

    @Test("Without orders there is no lapse and no future revenue")
    func noProjection() {
        let projection = CustomerMetrics.projection(of: .none)
        #expect(projection.lapsesAt == nil)
        #expect(projection.expectedFutureRevenue == 0)
        #expect(CustomerMetrics(totals: .none, now: now).lapseDays == nil)
        // A lapsed customer still carries the future revenue it would have had.
        let lapsed = metrics(orders: 5, revenue: 500_000, first: daysAgo(692), last: daysAgo(400))
        #expect(lapsed.isLapsed)
        #expect(lapsed.expectedFutureRevenue == 1_501_027)
        #expect(lapsed.predictedCLV == 500_000)
    }
}
