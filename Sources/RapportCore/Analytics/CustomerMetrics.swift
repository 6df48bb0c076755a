public import Foundation

/// What the store keeps per customer (contact or company), aggregated from counted orders.
///
/// The store updates these totals as orders are counted or uncounted; everything shown on a card is
/// derived from them by ``CustomerMetrics`` at the moment of showing.
public struct PurchaseTotals: Hashable, Sendable, Codable {
    /// How many counted orders the customer has.
    public var orderCount: Int
    /// The sum of the counted orders, in minor units of the workspace currency.
    public var revenue: Int64
    /// When the first counted order was placed; nil with no orders.
    public var firstOrderAt: Date?
    /// When the last counted order was placed; nil with no orders.
    public var lastOrderAt: Date?

    /// Makes totals.
    /// - Parameters:
    ///   - orderCount: how many counted orders.
    ///   - revenue: their sum, in minor units.
    ///   - firstOrderAt: when the first was placed.
    ///   - lastOrderAt: when the last was placed.
    public init(orderCount: Int, revenue: Int64, firstOrderAt: Date?, lastOrderAt: Date?) {
        self.orderCount = orderCount
        self.revenue = revenue
        self.firstOrderAt = firstOrderAt
        self.lastOrderAt = lastOrderAt
    }

    /// A customer who has never bought.
    public static let none = PurchaseTotals(orderCount: 0, revenue: 0, firstOrderAt: nil, lastOrderAt: nil)
}

/// The metrics shown on a card and used by segments and reports, derived from totals at a moment.
///
/// Day counts are whole days: the floor of the elapsed seconds divided by 86,400, so "today" is day 0.
///
/// **Predicted CLV** (customer lifetime value) is the historic revenue plus the revenue expected over the
/// next `horizonYears` years if the customer keeps buying as before:
///
///     predictedCLV = revenue + averageCheck × ordersPerYear × horizonYears
///
/// rounded half away from zero to the minor unit. The expected future revenue is zero when there is no
/// evidence of repeat buying (fewer than two orders, or all orders on one day) or when the customer is
/// lapsed, and it is never negative.
///
/// **Lapsed**: a repeat buyer is lapsed when more days have passed since the last order than twice their
/// average gap between orders, and at least 90 days; a one-order customer after 365 days. A customer
/// without orders is never lapsed (they never started). Between orders only the passage of time changes
/// anything, and only this: from ``lapseDays`` whole days after the last order the expected future revenue
/// (``expectedFutureRevenue``) no longer counts, so a store can keep both beside the totals and add the
/// future revenue of the clients whose lapse lies ahead (the CLV report does, over contacts).
public struct CustomerMetrics: Hashable, Sendable {
    /// How many counted orders the customer has.
    public var orderCount: Int
    /// The sum of the counted orders, in minor units; the same as ``historicCLV``.
    public var revenue: Int64
    /// Revenue divided by the order count, rounded half away from zero; nil with no orders.
    public var averageCheck: Int64?
    /// When the first counted order was placed.
    public var firstOrderAt: Date?
    /// When the last counted order was placed.
    public var lastOrderAt: Date?
    /// Whole days since the last order (0 on the day itself, and for an order dated in the future); nil
    /// with no orders.
    public var daysSinceLastOrder: Int?
    /// (orderCount − 1) ÷ (whole days between the first and the last order ÷ 365.25); nil with fewer than
    /// two orders or when they all fall within one day (no measurable rate).
    public var ordersPerYear: Double?
    /// Whole days between the first and the last order divided by (orderCount − 1); nil with fewer than
    /// two orders, 0 when they all fall within one day.
    public var averageDaysBetweenOrders: Double?
    /// The revenue so far, in minor units.
    public var historicCLV: Int64
    /// The historic revenue plus the expected revenue over the horizon; see the type's documentation.
    public var predictedCLV: Int64
    /// Whether the customer has stopped buying; see the type's documentation.
    public var isLapsed: Bool
    /// The whole days since the last order from which the customer counts as lapsed (the first whole
    /// number above the threshold: 366 after one order); nil with no orders.
    public var lapseDays: Int?
    /// When the customer lapses: ``lapseDays`` days after the last order (from that instant on,
    /// ``isLapsed`` holds); nil with no orders.
    public var lapsesAt: Date?
    /// The revenue expected over the horizon while the customer is not lapsed (never negative, 0
    /// without evidence of repeat buying): ``predictedCLV`` is the revenue plus this until ``lapsesAt``,
    /// the revenue alone from then on.
    public var expectedFutureRevenue: Int64

    private static let secondsPerDay = 86_400.0
    private static let daysPerYear = 365.25
    /// The shortest silence after which a repeat buyer counts as lapsed, however often they used to buy.
    private static let minimumLapseDays = 90.0
    /// The silence after which a customer with one order counts as lapsed.
    private static let oneOrderLapseDays = 365

    /// Derives the metrics.
    /// - Parameters:
    ///   - totals: the stored totals; a non-positive order count or a missing last-order date means no orders.
    ///   - now: the moment the metrics describe.
    ///   - horizonYears: how many years ahead the predicted CLV looks (negative counts as 0).
    public init(totals: PurchaseTotals, now: Date, horizonYears: Int = 3) {
        let hasOrders = totals.orderCount > 0 && totals.lastOrderAt != nil
        orderCount = max(0, totals.orderCount)
        revenue = totals.revenue
        historicCLV = totals.revenue
        firstOrderAt = totals.firstOrderAt
        lastOrderAt = totals.lastOrderAt
        averageCheck = hasOrders ? Self.divideRounded(totals.revenue, by: Int64(totals.orderCount)) : nil
        daysSinceLastOrder = hasOrders ? totals.lastOrderAt.map { max(0, Self.wholeDays(from: $0, to: now)) } : nil

        var ordersPerYear: Double?
        var averageGap: Double?
        var future: (gaps: Double, span: Double)?
        if hasOrders, totals.orderCount >= 2, let first = totals.firstOrderAt, let last = totals.lastOrderAt {
            let span = Double(max(0, Self.wholeDays(from: first, to: last)))
            let gaps = Double(totals.orderCount - 1)
            averageGap = span / gaps
            if span > 0 {
                ordersPerYear = gaps / (span / Self.daysPerYear)
                future = (gaps, span)
            }
        }
        self.ordersPerYear = ordersPerYear
        averageDaysBetweenOrders = averageGap

        // Whole days are integers, so "more than the threshold" is "at least its floor plus one".
        var lapseDays: Int?
        if let last = totals.lastOrderAt, hasOrders {
            let threshold = averageGap.map { max(2 * $0, Self.minimumLapseDays) } ?? Double(Self.oneOrderLapseDays)
            // The gap is at most the clamped span (1e15 days), so the floor fits.
            let days = Int(threshold.rounded(.down)) + 1
            lapseDays = days
            lapsesAt = last.addingTimeInterval(Double(days) * Self.secondsPerDay)
        } else {
            lapsesAt = nil
        }
        self.lapseDays = lapseDays
        var lapsed = false
        if let days = daysSinceLastOrder, let lapseDays { lapsed = days >= lapseDays }
        isLapsed = lapsed

        var expected: Int64 = 0
        if let future, let averageCheck, horizonYears > 0 {
            // averageCheck × ordersPerYear × horizon, arranged as one division of (usually exact) products so
            // the half-way cases round the way the formula says: 365.25 = 1461 / 4.
            let numerator = Double(averageCheck) * future.gaps * Double(horizonYears) * 1461
            expected = max(0, Self.saturatingMinorUnits(numerator / (4 * future.span)))
        }
        expectedFutureRevenue = expected
        predictedCLV = Self.saturatingSum(totals.revenue, lapsed ? 0 : expected)
    }

    /// Whole days from `start` to `end`: the floor of the seconds between them over 86,400 (negative when
    /// `end` is earlier).
    private static func wholeDays(from start: Date, to end: Date) -> Int {
        let days = (end.timeIntervalSince(start) / secondsPerDay).rounded(.down)
        // A date decoded from garbage could be astronomically far; clamp rather than trap.
        return Int(max(-1e15, min(1e15, days)))
    }

    /// `value / divisor` rounded half away from zero, exactly (no floating point).
    private static func divideRounded(_ value: Int64, by divisor: Int64) -> Int64 {
        let quotient = value / divisor
        let remainder = value % divisor
        // |remainder| < divisor ≤ Int64.max, so twice it fits in UInt64.
        guard remainder.magnitude * 2 >= divisor.magnitude else { return quotient }
        return quotient + (value < 0 ? -1 : 1)
    }

    /// A statistical estimate in minor units, rounded half away from zero and saturated to the Int64 range.
    private static func saturatingMinorUnits(_ value: Double) -> Int64 {
        guard value.isFinite else { return value > 0 ? .max : 0 }
        let rounded = value.rounded(.toNearestOrAwayFromZero)
        // 2^63 is exactly representable; anything at or beyond it does not fit.
        if rounded >= 9_223_372_036_854_775_808.0 { return .max }
        if rounded < -9_223_372_036_854_775_808.0 { return .min }
        return Int64(rounded)
    }

    /// `a + b`, sticking at the Int64 bounds instead of trapping.
    private static func saturatingSum(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard overflow else { return sum }
        return b > 0 ? .max : .min
    }
}

extension CustomerMetrics {
    /// What a store keeps beside the totals to sum predicted CLVs at any later moment: the expected future
    /// revenue and when the customer lapses (neither depends on the moment; nil lapse without orders). At a
    /// moment before `lapsesAt` the predicted CLV is the revenue plus the future revenue, from it on the
    /// revenue alone.
    public static func projection(of totals: PurchaseTotals) -> (expectedFutureRevenue: Int64, lapsesAt: Date?) {
        let metrics = CustomerMetrics(totals: totals, now: totals.lastOrderAt ?? Date(timeIntervalSince1970: 0))
        return (metrics.expectedFutureRevenue, metrics.lapsesAt)
    }
}
