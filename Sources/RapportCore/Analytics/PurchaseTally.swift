public import Foundation

/// Purchases counted per calendar day, so that a period's orders, revenue, buyers and repeat buyers are
/// sums over a few hundred day rows instead of a grouping of every order of the period by buyer.
///
/// Each counted order is an ``Entry``: its day in the workspace's time zone, its total, whether it has a
/// buying contact, and the days of that contact's previous and second-previous counted orders. For a
/// period of whole days `[first, end)`, a contact with `k` orders in it has `k` entries there, of which
/// `k − 1` have a previous order on or after `first` and `max(k − 2, 0)` a second-previous one. So
///
///     buyers        = buying entries − entries whose previous order is in the period
///     repeat buyers = entries whose previous order is in the period − entries whose second-previous is
///
/// which needs only the counts of entries per day and per (day, earlier day): the tallies the store keeps.
/// Orders of the same contact are ranked by time, then id, so every order has one previous order.
public enum PurchaseTally {
    /// Milliseconds in a day of 24 hours.
    public static let dayMillis: Int64 = 86_400_000

    /// What one counted order adds to the tallies.
    public struct Entry: Hashable, Sendable {
        /// Its calendar day (days since 1970-01-01) in the time zone.
        public var day: Int
        /// Its total, in minor units.
        public var total: Int64
        /// Whether it has a buying contact.
        public var buyer: Bool
        /// The day of the contact's previous counted order; nil for the first (or without a contact).
        public var previousDay: Int?
        /// The day of the contact's counted order before the previous one.
        public var secondPreviousDay: Int?

        /// Makes an entry.
        public init(day: Int, total: Int64, buyer: Bool, previousDay: Int? = nil, secondPreviousDay: Int? = nil) {
            self.day = day
            self.total = total
            self.buyer = buyer
            self.previousDay = previousDay
            self.secondPreviousDay = secondPreviousDay
        }
    }

    /// One order as the tallies see it.
    public struct Purchase: Hashable, Sendable {
        /// The order's id (ranks orders placed at the same instant).
        public var id: String
        /// When it was placed, in milliseconds since 1970.
        public var orderedAt: Int64
        /// Its total, in minor units.
        public var total: Int64

        /// Makes a purchase.
        public init(id: String, orderedAt: Int64, total: Int64) {
            self.id = id
            self.orderedAt = orderedAt
            self.total = total
        }
    }

    /// The calendar day (days since 1970-01-01) an instant falls on in a time zone.
    public static func day(_ millis: Int64, in zone: TimeZone) -> Int {
        Int(floorDivision(millis + offset(millis, in: zone), dayMillis))
    }

    /// Whether an instant is the start (midnight) of a calendar day in a time zone.
    public static func startsDay(_ millis: Int64, in zone: TimeZone) -> Bool {
        let local = millis + offset(millis, in: zone)
        return local == floorDivision(local, dayMillis) * dayMillis
    }

    /// The entries of one contact's counted orders, by order id.
    public static func entries(ofBuyer purchases: [Purchase], in zone: TimeZone) -> [String: Entry] {
        let ranked = purchases.sorted { ($0.orderedAt, $0.id) < ($1.orderedAt, $1.id) }
        var entries: [String: Entry] = [:]
        var days: [Int] = []
        for purchase in ranked {
            let day = day(purchase.orderedAt, in: zone)
            entries[purchase.id] = Entry(
                day: day, total: purchase.total, buyer: true, previousDay: days.last, secondPreviousDay: days.dropLast().last)
            days.append(day)
        }
        return entries
    }

    /// The entry of a counted order without a contact.
    public static func entry(ofAnonymous purchase: Purchase, in zone: TimeZone) -> Entry {
        Entry(day: day(purchase.orderedAt, in: zone), total: purchase.total, buyer: false)
    }

    /// The totals of one day.
    public struct DayTotals: Hashable, Sendable {
        /// Counted orders.
        public var orders: Int64 = 0
        /// Their total.
        public var revenue: Int64 = 0
        /// Those with a buying contact.
        public var buyerOrders: Int64 = 0

        /// Makes totals.
        public init(orders: Int64 = 0, revenue: Int64 = 0, buyerOrders: Int64 = 0) {
            self.orders = orders
            self.revenue = revenue
            self.buyerOrders = buyerOrders
        }

        var isZero: Bool { orders == 0 && revenue == 0 && buyerOrders == 0 }
    }

    /// Which earlier order a gap row counts.
    public enum Gap: Int, Hashable, Sendable, CaseIterable {
        /// The previous counted order of the same contact.
        case previous = 1
        /// The one before it.
        case secondPrevious = 2
    }

    /// A gap row's key: orders on `day` whose previous (or second-previous) order was on `earlierDay`.
    public struct GapKey: Hashable, Sendable, Comparable {
        /// Which earlier order.
        public var gap: Gap
        /// The earlier order's day.
        public var earlierDay: Int
        /// The order's day.
        public var day: Int

        /// Makes a key.
        public init(gap: Gap, earlierDay: Int, day: Int) {
            self.gap = gap
            self.earlierDay = earlierDay
            self.day = day
        }

        public static func < (lhs: GapKey, rhs: GapKey) -> Bool {
            (lhs.gap.rawValue, lhs.earlierDay, lhs.day) < (rhs.gap.rawValue, rhs.earlierDay, rhs.day)
        }
    }

    /// What to add to the tallies (negative to take away), with nothing zero left in.
    public struct Change: Hashable, Sendable {
        /// Per day.
        public var days: [Int: DayTotals] = [:]
        /// Per gap row.
        public var gaps: [GapKey: Int64] = [:]

        /// Makes an empty change.
        public init() {}

        /// Whether it changes nothing.
        public var isEmpty: Bool { days.isEmpty && gaps.isEmpty }

        /// Adds an entry (`sign` 1) or takes it away (`sign` −1).
        public mutating func add(_ entry: Entry, sign: Int64) {
            var totals = days[entry.day] ?? DayTotals()
            totals.orders += sign
            totals.revenue += sign * entry.total
            if entry.buyer { totals.buyerOrders += sign }
            days[entry.day] = totals.isZero ? nil : totals
            for (gap, earlier) in [(Gap.previous, entry.previousDay), (.secondPrevious, entry.secondPreviousDay)] {
                guard let earlier else { continue }
                let key = GapKey(gap: gap, earlierDay: earlier, day: entry.day)
                let count = (gaps[key] ?? 0) + sign
                gaps[key] = count == 0 ? nil : count
            }
        }
    }

    /// The change that replaces entries kept before with the entries now due (absent means none).
    public static func change(from old: [String: Entry], to new: [String: Entry]) -> Change {
        var change = Change()
        for (id, entry) in old where new[id] != entry { change.add(entry, sign: -1) }
        for (id, entry) in new where old[id] != entry { change.add(entry, sign: 1) }
        return change
    }

    /// The summary of a period from its tallies: the day totals summed over the period's days, and the
    /// gap counts of orders in the period whose previous (second-previous) order is in it too.
    public static func summary(days: DayTotals, previousInPeriod: Int64, secondPreviousInPeriod: Int64) -> PurchaseSummary {
        PurchaseSummary(
            orders: Int(days.orders), revenue: days.revenue, buyers: Int(days.buyerOrders - previousInPeriod),
            repeatBuyers: Int(previousInPeriod - secondPreviousInPeriod))
    }

    /// The zone's offsets from UTC over a span of time, as `(until, offset)` pieces in milliseconds: the
    /// offset holds for instants before `until`; the last piece's `until` is nil. Lets a database turn a
    /// whole table of instants into days with one `CASE`, agreeing with ``day(_:in:)``.
    public static func offsets(from start: Int64, to end: Int64, in zone: TimeZone) -> [(until: Int64?, offset: Int64)] {
        var pieces: [(until: Int64?, offset: Int64)] = []
        var current = offset(start, in: zone)
        var probe = start
        let step: Int64 = 6 * 3_600_000
        while probe < end {
            let next = min(probe + step, end)
            if offset(next, in: zone) != current {
                // The change lies in (probe, next]: find its first instant.
                var low = probe
                var high = next
                while high - low > 1 {
                    let middle = low + (high - low) / 2
                    if offset(middle, in: zone) == current { low = middle } else { high = middle }
                }
                pieces.append((high, current))
                current = offset(high, in: zone)
                probe = high
            } else {
                probe = next
            }
        }
        pieces.append((nil, current))
        return pieces
    }

    private static func offset(_ millis: Int64, in zone: TimeZone) -> Int64 {
        Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(floorDivision(millis, 1000))))) * 1000
    }

    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
