import Foundation
import RapportCore
import Testing

/// The per-day purchase tallies give the same period summary as grouping the period's orders by buyer,
/// for random purchases, random whole-day periods and time zones with and without daylight saving.
@Suite struct PurchaseTallyTests {
    /// A contact's (or nobody's) order.
    struct Order {
        var id: String
        var buyer: String?
        var orderedAt: Int64
        var total: Int64
    }

    static let zones = ["Europe/Moscow", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Chatham"]

    /// 2025-01-01T00:00:00Z and two years on.
    static let start: Int64 = 1_735_689_600_000
    static let span: Int64 = 2 * 366 * PurchaseTally.dayMillis

    static func orders(_ random: inout SeededRandom, count: Int) -> [Order] {
        (0..<count).map { index in
            // Few buyers, so many buy repeatedly; some orders at the same instant; some without a buyer.
            let buyer = random.next() % 7 == 0 ? nil : "c\(random.next() % 40)"
            let at = start + Int64(random.next() % UInt64(span / 3_600_000)) * 3_600_000
            return Order(id: String(format: "o%04d", index), buyer: buyer, orderedAt: at, total: Int64(random.next() % 10_000))
        }
    }

    /// The entries of every order, the way the store keeps them: per buyer, and one by one without one.
    static func entries(_ orders: [Order], _ zone: TimeZone) -> [String: PurchaseTally.Entry] {
        var entries: [String: PurchaseTally.Entry] = [:]
        for own in Dictionary(grouping: orders.filter { $0.buyer != nil }, by: { $0.buyer! }).values {
            entries.merge(
                PurchaseTally.entries(ofBuyer: own.map { .init(id: $0.id, orderedAt: $0.orderedAt, total: $0.total) }, in: zone)
            ) { $1 }
        }
        for order in orders where order.buyer == nil {
            entries[order.id] = PurchaseTally.entry(
                ofAnonymous: .init(id: order.id, orderedAt: order.orderedAt, total: order.total), in: zone)
        }
        return entries
    }

    /// The summary read off tallies for the days `[first, end)`, as the store's query sums them.
    static func summary(_ tallies: PurchaseTally.Change, first: Int, end: Int) -> PurchaseSummary {
        var days = PurchaseTally.DayTotals()
        for (day, totals) in tallies.days where day >= first && day < end {
            days.orders += totals.orders
            days.revenue += totals.revenue
            days.buyerOrders += totals.buyerOrders
        }
        func within(_ gap: PurchaseTally.Gap) -> Int64 {
            tallies.gaps.filter { $0.key.gap == gap && $0.key.earlierDay >= first && $0.key.day < end }.values.reduce(0, +)
        }
        return PurchaseTally.summary(days: days, previousInPeriod: within(.previous), secondPreviousInPeriod: within(.secondPrevious))
    }

    /// The same period counted directly: the orders between two local midnights grouped by buyer.
    static func direct(_ orders: [Order], from: Int64, to: Int64) -> PurchaseSummary {
        let inside = orders.filter { $0.orderedAt >= from && $0.orderedAt < to }
        let perBuyer = Dictionary(grouping: inside.compactMap(\.buyer), by: { $0 }).mapValues(\.count)
        return PurchaseSummary(
            orders: inside.count, revenue: inside.map(\.total).reduce(0, +), buyers: perBuyer.count,
            repeatBuyers: perBuyer.values.filter { $0 >= 2 }.count)
    }

    @Test(arguments: zones) func aPeriodsSummaryFromTalliesEqualsGroupingItsOrders(zoneName: String) throws {
        let zone = try #require(TimeZone(identifier: zoneName))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var random = SeededRandom(seed: UInt64(zoneName.utf8.count))
        let orders = Self.orders(&random, count: 1_500)
        let tallies = PurchaseTally.change(from: [:], to: Self.entries(orders, zone))
        var checked = 0
        for _ in 0..<300 {
            // Two local midnights, found by the calendar (not by the code under test).
            let a = Date(timeIntervalSince1970: Double(Self.start + Int64(random.next() % UInt64(Self.span))) / 1000)
            let length = Int(random.next() % 400) + 1
            let from = calendar.startOfDay(for: a)
            let to = try #require(calendar.date(byAdding: .day, value: length, to: from))
            let fromMillis = Int64(from.timeIntervalSince1970 * 1000)
            let toMillis = Int64(to.timeIntervalSince1970 * 1000)
            #expect(PurchaseTally.startsDay(fromMillis, in: zone) && PurchaseTally.startsDay(toMillis, in: zone))
            #expect(!PurchaseTally.startsDay(fromMillis + 3_600_000, in: zone))
            let first = PurchaseTally.day(fromMillis, in: zone)
            let end = PurchaseTally.day(toMillis, in: zone)
            #expect(end - first == length)
            let want = Self.direct(orders, from: fromMillis, to: toMillis)
            #expect(Self.summary(tallies, first: first, end: end) == want, "\(zoneName) \(from) + \(length) days")
            if want.repeatBuyers > 0 && want.buyers > want.repeatBuyers { checked += 1 }
        }
        #expect(checked > 100, "the periods exercised buyers with one and with several orders")
    }

    @Test func changingOrdersKeepsTheTalliesAsIfBuiltAfresh() throws {
        let zone = try #require(TimeZone(identifier: "Europe/Berlin"))
        var random = SeededRandom(seed: 11)
        var orders = Self.orders(&random, count: 400)
        var kept = Self.entries(orders, zone)
        var tallies = PurchaseTally.change(from: [:], to: kept)
        for step in 0..<200 {
            // Move, re-date, re-price, drop or add an order, then refresh the way the store does: the
            // entries of the buyers involved (and of the order itself), old against new.
            let index = Int(random.next() % UInt64(orders.count))
            let before = orders[index]
            switch step % 5 {
            case 0: orders[index].buyer = random.next() % 3 == 0 ? nil : "c\(random.next() % 40)"
            case 1: orders[index].orderedAt += Int64(random.next() % 1_000) * 3_600_000 - 500 * 3_600_000
            case 2: orders[index].total = Int64(random.next() % 10_000)
            case 3: orders.remove(at: index)
            default: orders.append(Order(id: "n\(step)", buyer: "c\(random.next() % 40)", orderedAt: Self.start, total: 5))
            }
            let now = Self.entries(orders, zone)
            let change = PurchaseTally.change(from: kept, to: now)
            for (day, totals) in change.days {
                var sum = tallies.days[day] ?? .init()
                sum.orders += totals.orders
                sum.revenue += totals.revenue
                sum.buyerOrders += totals.buyerOrders
                tallies.days[day] = sum == .init() ? nil : sum
            }
            for (key, count) in change.gaps {
                let sum = (tallies.gaps[key] ?? 0) + count
                tallies.gaps[key] = sum == 0 ? nil : sum
            }
            kept = now
            #expect(tallies == PurchaseTally.change(from: [:], to: now), "step \(step) changed \(before.id)")
        }
    }

    @Test func aChangeOfNothingIsEmpty() {
        let entry = PurchaseTally.Entry(day: 10, total: 500, buyer: true, previousDay: 3, secondPreviousDay: 1)
        #expect(PurchaseTally.change(from: ["a": entry], to: ["a": entry]).isEmpty)
        var moved = entry
        moved.previousDay = 4
        let change = PurchaseTally.change(from: ["a": entry], to: ["a": moved])
        #expect(change.days.isEmpty, "same day, same total: the day's totals do not move")
        #expect(
            change.gaps == [
                .init(gap: .previous, earlierDay: 3, day: 10): -1, .init(gap: .previous, earlierDay: 4, day: 10): 1,
            ])
    }

    @Test(arguments: zones) func offsetPiecesGiveTheSameDaysAsTheZone(zoneName: String) throws {
        let zone = try #require(TimeZone(identifier: zoneName))
        let pieces = PurchaseTally.offsets(from: Self.start, to: Self.start + Self.span, in: zone)
        if zoneName == "Europe/Moscow" || zoneName == "Asia/Kolkata" {
            #expect(pieces.count == 1)
        } else {
            #expect(pieces.count == 5, "two years of daylight saving: four changes")
        }
        func offset(_ millis: Int64) -> Int64 { pieces.first { $0.until.map { millis < $0 } ?? true }!.offset }
        var random = SeededRandom(seed: 5)
        var probes = (0..<2_000).map { _ in Self.start + Int64(random.next() % UInt64(Self.span)) }
        for case let until? in pieces.map(\.until) { probes += [until - 1, until, until + 1] }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        for millis in probes {
            let shifted = millis + offset(millis)
            let day = Int(
                (shifted - (((shifted % PurchaseTally.dayMillis) + PurchaseTally.dayMillis) % PurchaseTally.dayMillis))
                    / PurchaseTally.dayMillis)
            #expect(day == PurchaseTally.day(millis, in: zone))
            // And the calendar agrees on which day that is.
            let parts = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(millis) / 1000))
            var utc = Calendar(identifier: .gregorian)
            utc.timeZone = TimeZone(identifier: "UTC")!
            let midnight = try #require(utc.date(from: parts))
            #expect(Int(midnight.timeIntervalSince1970 / 86_400) == day)
        }
    }
}
