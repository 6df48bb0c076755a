public import Foundation

// MARK: - Time in stage

/// One stage of a pipeline in the time-in-stage report.
public struct StageTimeRow: Hashable, Sendable {
    /// The stage.
    public var stageID: Stage.ID
    /// Its name.
    public var name: String
    /// Open, won or lost.
    public var kind: StageKind
    /// The stage's norm: days a deal may stay before it counts as stale; nil without a norm.
    public var rottingDays: Int?
    /// Visits of the stage that ended in the period.
    public var visits: Int
    /// The total length of those visits, in milliseconds.
    public var totalMillis: Int64
    /// Open deals in the stage now for longer than its norm.
    public var staleDeals: Int

    /// Makes a row.
    public init(stageID: Stage.ID, name: String, kind: StageKind, rottingDays: Int?, visits: Int, totalMillis: Int64, staleDeals: Int) {
        self.stageID = stageID
        self.name = name
        self.kind = kind
        self.rottingDays = rottingDays
        self.visits = visits
        self.totalMillis = totalMillis
        self.staleDeals = staleDeals
    }

    /// The average visit in hours, one decimal (half away from zero); nil without visits.
    public var averageHours: Double? {
        visits == 0 ? nil : (Double(totalMillis) / Double(visits) / 3_600_000 * 10).rounded() / 10
    }
}

/// An open deal that has stayed in its stage longer than the stage's norm.
public struct StaleDeal: Hashable, Sendable {
    /// The deal.
    public var id: Deal.ID
    /// Its title.
    public var title: String
    /// The stage it is in.
    public var stageID: Stage.ID
    /// Whole days since it entered the stage.
    public var daysInStage: Int

    /// Makes an entry.
    public init(id: Deal.ID, title: String, stageID: Stage.ID, daysInStage: Int) {
        self.id = id
        self.title = title
        self.stageID = stageID
        self.daysInStage = daysInStage
    }
}

/// How long deals spend in each stage of a pipeline, and the open deals older than their stage's norm.
public struct StageTimeReport: Hashable, Sendable {
    /// The stages in board order.
    public var stages: [StageTimeRow]
    /// The stalest open deals first, at most ``staleListLimit``.
    public var staleDeals: [StaleDeal]

    /// The most stale deals listed.
    public static let staleListLimit = 50
    private static let millisPerDay: Int64 = 86_400_000

    /// Assembles the report in the pipeline's stage order.
    /// - Parameters:
    ///   - pipeline: the pipeline, stages in board order.
    ///   - visits: stage → (visits ended in the period, their total milliseconds).
    ///   - staleCounts: stage → open deals in it past its norm.
    ///   - staleDeals: the stalest of them, already ordered and limited.
    public static func build(
        pipeline: Pipeline, visits: [Stage.ID: (count: Int, millis: Int64)], staleCounts: [Stage.ID: Int], staleDeals: [StaleDeal]
    ) -> StageTimeReport {
        let rows = pipeline.stages.map { stage in
            StageTimeRow(
                stageID: stage.id, name: stage.name, kind: stage.kind, rottingDays: stage.rottingDays, visits: visits[stage.id]?.count ?? 0,
                totalMillis: visits[stage.id]?.millis ?? 0, staleDeals: staleCounts[stage.id] ?? 0)
        }
        return StageTimeReport(stages: rows, staleDeals: staleDeals)
    }

    /// The instant (Unix milliseconds) before which a deal that entered an open stage with this norm is stale
    /// at `now`: it has stayed strictly longer than `rottingDays` days. Nil when the stage has no norm.
    public static func staleBefore(now: Int64, rottingDays: Int?) -> Int64? {
        guard let rottingDays, rottingDays >= 0 else { return nil }
        return now - Int64(rottingDays) * millisPerDay
    }

    /// Whole days from `start` to `end` (Unix milliseconds), rounded down; 0 when `end` is earlier.
    public static func wholeDays(from start: Int64, to end: Int64) -> Int {
        Int(max(0, end - start) / millisPerDay)
    }
}

// MARK: - Lost reasons

/// The deals lost for one reason.
public struct LostReasonRow: Hashable, Sendable {
    /// The reason as most often written (trimmed); nil for deals lost without one.
    public var reason: String?
    /// Deals lost for it.
    public var deals: Int
    /// Their amount in the workspace currency, minor units.
    public var amount: Int64
    /// Percent of all the period's lost deals.
    public var share: Int
}

/// Deals lost in a period grouped by reason; spellings that differ only in case or surrounding spaces are one reason.
public struct LostReasonReport: Hashable, Sendable {
    /// Reasons, most deals first (then larger amount, then by name; no reason last).
    public var reasons: [LostReasonRow]
    /// Lost deals in all.
    public var deals: Int
    /// Their amount.
    public var amount: Int64

    /// Groups the stored spellings.
    /// - Parameter spellings: each distinct stored reason with its deals and amount.
    public static func build(_ spellings: [(reason: String?, deals: Int, amount: Int64)]) -> LostReasonReport {
        struct Group {
            var deals = 0
            var amount: Int64 = 0
            var spellings: [String: Int] = [:]
        }
        var groups: [String?: Group] = [:]
        for spelling in spellings {
            let trimmed = spelling.reason?.trimmed
            let text = trimmed?.isEmpty == false ? trimmed : nil
            let key = text?.lowercased()
            var group = groups[key] ?? Group()
            group.deals += spelling.deals
            group.amount += spelling.amount
            if let text { group.spellings[text, default: 0] += spelling.deals }
            groups[key] = group
        }
        let total = groups.values.reduce(0) { $0 + $1.deals }
        let rows = groups.values.map { group in
            // The spelling used most names the group; ties go to the first in code-point order, so the name is stable.
            let name = group.spellings.min { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }?.key
            return LostReasonRow(
                reason: name, deals: group.deals, amount: group.amount, share: FunnelReport.percent(group.deals, of: total))
        }
        let sorted = rows.sorted { a, b in
            if a.deals != b.deals { return a.deals > b.deals }
            if a.amount != b.amount { return a.amount > b.amount }
            switch (a.reason, b.reason) {
            case (let x?, let y?): return x < y
            case (nil, _?): return false
            case (_?, nil): return true
            case (nil, nil): return false
            }
        }
        return LostReasonReport(reasons: sorted, deals: total, amount: groups.values.reduce(0) { $0 + $1.amount })
    }
}

// MARK: - Forecast

/// Open deals expected to close in one month.
public struct ForecastMonth: Hashable, Sendable {
    /// `YYYY-MM`; nil for deals without an expected close date.
    public var month: String?
    /// Open deals.
    public var deals: Int
    /// Their amount, minor units.
    public var amount: Int64
    /// The sum of each deal's amount × probability ÷ 100, each rounded half away from zero.
    public var weighted: Int64

    /// The same weighted by each deal's learned chance where the model has scored it (else its probability).
    public var learnedWeighted: Int64

    /// Makes a month.
    public init(month: String?, deals: Int, amount: Int64, weighted: Int64, learnedWeighted: Int64? = nil) {
        self.month = month
        self.deals = deals
        self.amount = amount
        self.weighted = weighted
        self.learnedWeighted = learnedWeighted ?? weighted
    }
}

/// The pipeline forecast: open deals by expected close month.
public struct ForecastReport: Hashable, Sendable {
    /// Months in calendar order, then the deals without a date.
    public var months: [ForecastMonth]
    /// All of them together.
    public var total: ForecastMonth

    /// Orders the months and adds them up.
    public static func build(_ months: [ForecastMonth]) -> ForecastReport {
        let sorted = months.sorted { a, b in
            switch (a.month, b.month) {
            case (let x?, let y?): x < y
            case (_?, nil): true
            default: false
            }
        }
        let total = sorted.reduce(ForecastMonth(month: nil, deals: 0, amount: 0, weighted: 0)) {
            ForecastMonth(
                month: nil, deals: $0.deals + $1.deals, amount: $0.amount + $1.amount, weighted: $0.weighted + $1.weighted,
                learnedWeighted: $0.learnedWeighted + $1.learnedWeighted)
        }
        return ForecastReport(months: sorted, total: total)
    }
}

// MARK: - Managers

/// One manager's numbers over a period.
public struct ManagerRow: Hashable, Sendable {
    /// The user.
    public var userID: User.ID
    /// Their name.
    public var name: String
    /// Deals they own that were created in the period.
    public var dealsCreated: Int = 0
    /// Deals they own that were won in the period.
    public var dealsWon: Int = 0
    /// The amount of those (workspace currency, minor units).
    public var wonRevenue: Int64 = 0
    /// The same in the previous period of equal length.
    public var previousWonRevenue: Int64 = 0
    /// Activities they logged in the period (not system entries).
    public var activities: Int = 0
    /// Tasks assigned to them and completed in the period.
    public var tasksDone: Int = 0
    /// Open tasks assigned to them whose due time has passed, now.
    public var tasksOverdue: Int = 0

    /// Makes a row with zero numbers.
    public init(userID: User.ID, name: String) {
        self.userID = userID
        self.name = name
    }

    /// Whether every number is zero.
    public var isEmpty: Bool {
        dealsCreated == 0 && dealsWon == 0 && wonRevenue == 0 && previousWonRevenue == 0 && activities == 0 && tasksDone == 0
            && tasksOverdue == 0
    }

    /// Rows ordered for the report: the larger won revenue first, then more deals won, then by name. Inactive
    /// users appear only when they have numbers.
    /// - Parameters:
    ///   - rows: one row per user the viewer may see.
    ///   - active: the ids of active users.
    public static func ranked(_ rows: [ManagerRow], active: Set<User.ID>) -> [ManagerRow] {
        rows.filter { active.contains($0.userID) || !$0.isEmpty }.sorted { a, b in
            if a.wonRevenue != b.wonRevenue { return a.wonRevenue > b.wonRevenue }
            if a.dealsWon != b.dealsWon { return a.dealsWon > b.dealsWon }
            if a.name != b.name { return a.name < b.name }
            return a.userID.rawValue < b.userID.rawValue
        }
    }
}

// MARK: - Sources

/// Where a lead, deal or order came from: the source and the UTM source, medium and campaign.
public struct SourceKey: Hashable, Sendable {
    /// The source; nil when none was recorded.
    public var source: String?
    /// `utm_source`.
    public var utmSource: String?
    /// `utm_medium`.
    public var utmMedium: String?
    /// `utm_campaign`.
    public var utmCampaign: String?

    /// Makes a key; empty texts count as absent.
    public init(source: String?, utmSource: String?, utmMedium: String?, utmCampaign: String?) {
        func clean(_ text: String?) -> String? { text.flatMap { $0.isEmpty ? nil : $0 } }
        self.source = clean(source)
        self.utmSource = clean(utmSource)
        self.utmMedium = clean(utmMedium)
        self.utmCampaign = clean(utmCampaign)
    }
}

/// Leads, deals and revenue of one source over a period.
public struct SourceRow: Hashable, Sendable {
    /// The source and UTM tags.
    public var key: SourceKey
    /// Contacts created in the period with this origin.
    public var leads: Int
    /// Deals created in the period with this origin.
    public var deals: Int
    /// Counted orders placed in the period with this origin.
    public var orders: Int
    /// Their total, minor units.
    public var revenue: Int64

    /// Merges the three counts by origin, the larger revenue first (then more deals, more leads, by name).
    /// - Parameters:
    ///   - leads: origin → contacts created.
    ///   - deals: origin → deals created.
    ///   - orders: origin → (orders, revenue).
    public static func merge(leads: [SourceKey: Int], deals: [SourceKey: Int], orders: [SourceKey: (count: Int, revenue: Int64)])
        -> [SourceRow]
    {
        let keys = Set(leads.keys).union(deals.keys).union(orders.keys)
        let rows = keys.map {
            SourceRow(
                key: $0, leads: leads[$0] ?? 0, deals: deals[$0] ?? 0, orders: orders[$0]?.count ?? 0, revenue: orders[$0]?.revenue ?? 0)
        }
        return rows.sorted { a, b in
            if a.revenue != b.revenue { return a.revenue > b.revenue }
            if a.deals != b.deals { return a.deals > b.deals }
            if a.leads != b.leads { return a.leads > b.leads }
            let x = [a.key.source, a.key.utmSource, a.key.utmMedium, a.key.utmCampaign].map { $0 ?? "" }
            let y = [b.key.source, b.key.utmSource, b.key.utmMedium, b.key.utmCampaign].map { $0 ?? "" }
            return x.lexicographicallyPrecedes(y)
        }
    }
}

// MARK: - Cohorts

/// A calendar month.
public struct YearMonth: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The year.
    public var year: Int
    /// The month, 1...12.
    public var month: Int

    /// Makes a month; `month` outside 1...12 carries into the year.
    public init(year: Int, month: Int) {
        let index = year * 12 + (month - 1)
        // Floor division, so months before January carry into the previous year.
        self.year = index >= 0 ? index / 12 : (index - 11) / 12
        self.month = index - self.year * 12 + 1
    }

    /// The month `offset` months later (earlier when negative).
    public func adding(months offset: Int) -> YearMonth { YearMonth(year: year, month: month + offset) }

    /// Its first day.
    public var firstDay: LocalDate { LocalDate(year: year, month: month, day: 1) ?? LocalDate(year: 1970, month: 1, day: 1)! }

    /// `YYYY-MM`.
    public var description: String {
        let digits = String(year)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits + (month < 10 ? "-0" : "-") + String(month)
    }

    /// Calendar order.
    public static func < (a: YearMonth, b: YearMonth) -> Bool { (a.year, a.month) < (b.year, b.month) }

    /// The `count` months ending with the one holding `day`, oldest first.
    public static func last(_ count: Int, endingWith day: LocalDate) -> [YearMonth] {
        let current = YearMonth(year: day.year, month: day.month)
        return (0..<max(0, count)).map { current.adding(months: $0 - count + 1) }
    }
}

/// Contacts of one cohort who bought in the same months of the report: the store counts them by their
/// set of months, so a cohort's size and its retention come from one grouping of the orders.
public struct CohortBuyers: Hashable, Sendable {
    /// The cohort (the month of the first counted order), as an index into the report's months.
    public var cohort: Int
    /// The months in which they placed counted orders, as indices into the report's months.
    public var months: Set<Int>
    /// How many contacts.
    public var contacts: Int

    /// Makes a group.
    public init(cohort: Int, months: Set<Int>, contacts: Int) {
        self.cohort = cohort
        self.months = months
        self.contacts = contacts
    }
}

/// The clients whose first purchase fell in one month, and how many of them bought in each later month.
public struct Cohort: Hashable, Sendable {
    /// The month of the first purchase.
    public var month: YearMonth
    /// When it starts (workspace time zone).
    public var start: Date
    /// Clients in the cohort.
    public var customers: Int
    /// For month offsets 0, 1, … up to the current month: clients of the cohort who bought in that month.
    public var retained: [Int]

    /// `retained[offset]` as a whole percent of the cohort.
    public func percent(_ offset: Int) -> Int {
        retained.indices.contains(offset) ? FunnelReport.percent(retained[offset], of: customers) : 0
    }
}

/// Monthly cohorts by first purchase, with retention by month offset.
public struct CohortReport: Hashable, Sendable {
    /// Cohorts, oldest first.
    public var cohorts: [Cohort]

    /// The default and largest number of months.
    public static let defaultMonths = 12
    /// The largest number of months.
    public static let maximumMonths = 24

    /// Counts cohorts and their retention.
    /// - Parameters:
    ///   - months: the cohort months, oldest first, consecutive.
    ///   - boundaries: when each month starts, and as the last element when the month after the last starts
    ///     (`months.count + 1` instants, ascending); an instant belongs to the last month starting at or before it.
    ///   - buyers: contacts whose first counted order falls in one of the months, grouped by cohort and by the
    ///     months of their counted orders. A contact counts in its cohort when it bought in the cohort's month
    ///     or later, and in each such month's retention; earlier months and indices outside the report are
    ///     ignored.
    public static func build(months: [YearMonth], boundaries: [Date], buyers: [CohortBuyers]) -> CohortReport {
        let count = months.count
        guard count > 0, boundaries.count == count + 1 else { return CohortReport(cohorts: []) }
        var members = [Int](repeating: 0, count: count)
        var retained = (0..<count).map { [Int](repeating: 0, count: count - $0) }
        for group in buyers where (0..<count).contains(group.cohort) {
            let later = group.months.filter { $0 >= group.cohort && $0 < count }
            guard !later.isEmpty else { continue }
            members[group.cohort] += group.contacts
            for month in later { retained[group.cohort][month - group.cohort] += group.contacts }
        }
        let cohorts = (0..<count).map {
            Cohort(month: months[$0], start: boundaries[$0], customers: members[$0], retained: retained[$0])
        }
        return CohortReport(cohorts: cohorts)
    }
}

// MARK: - CLV

/// Clients whose historic revenue falls in one range.
public struct CLVBucket: Hashable, Sendable {
    /// The lowest revenue in the range, minor units.
    public var lower: Int64
    /// The first revenue above it; nil for the open top range.
    public var upper: Int64?
    /// Clients in the range.
    public var customers: Int = 0
    /// Their historic revenue.
    public var revenue: Int64 = 0
    /// The sum of their predicted CLVs (saturating).
    public var predictedTotal: Int64 = 0

    /// The average predicted CLV, rounded half away from zero; nil without clients.
    public var averagePredictedCLV: Int64? { customers == 0 ? nil : Money.divideRounded(predictedTotal, by: Int64(customers)) }
}

/// The distribution of clients by historic revenue, with the average predicted CLV per range.
public struct CLVReport: Hashable, Sendable {
    /// The ranges, lowest first.
    public var buckets: [CLVBucket]
    /// All clients with orders.
    public var total: CLVBucket

    /// The lower bounds of the ranges in minor units: 0, 1 000, 5 000, 20 000 and 100 000 in major units.
    public static let lowerBounds: [Int64] = [0, 100_000, 500_000, 2_000_000, 10_000_000]

    /// The range a historic revenue falls in: the last whose lower bound is at or below it (the first for a
    /// negative revenue).
    public static func range(of revenue: Int64) -> Int { lowerBounds.lastIndex { $0 <= revenue } ?? 0 }

    /// Buckets clients and predicts each one's CLV with ``CustomerMetrics``.
    /// - Parameters:
    ///   - customers: the totals of clients with orders, predicted here.
    ///   - tallies: clients already summed per range by the store (the future revenue of those not lapsed
    ///     at `now`, as ``CustomerMetrics/expectedFutureRevenue`` gives it).
    ///   - now: the moment of the prediction.
    public static func build(_ customers: [PurchaseTotals], tallies: [CLVTally] = [], now: Date) -> CLVReport {
        var buckets = lowerBounds.indices.map {
            CLVBucket(lower: lowerBounds[$0], upper: $0 + 1 < lowerBounds.count ? lowerBounds[$0 + 1] : nil)
        }
        var total = CLVBucket(lower: 0, upper: nil)
        for tally in tallies where buckets.indices.contains(tally.range) {
            let predicted = CLVBucket.saturating(tally.revenue, tally.expectedFutureRevenue)
            buckets[tally.range].add(customers: tally.customers, revenue: tally.revenue, predicted: predicted)
            total.add(customers: tally.customers, revenue: tally.revenue, predicted: predicted)
        }
        for totals in customers {
            let predicted = CustomerMetrics(totals: totals, now: now).predictedCLV
            buckets[range(of: totals.revenue)].add(customers: 1, revenue: totals.revenue, predicted: predicted)
            total.add(customers: 1, revenue: totals.revenue, predicted: predicted)
        }
        return CLVReport(buckets: buckets, total: total)
    }
}

/// Clients of one revenue range summed by the store.
public struct CLVTally: Hashable, Sendable {
    /// The range, an index into ``CLVReport/lowerBounds`` (see ``CLVReport/range(of:)``).
    public var range: Int
    /// How many clients.
    public var customers: Int
    /// Their historic revenue.
    public var revenue: Int64
    /// The expected future revenue of those of them not lapsed at the report's moment.
    public var expectedFutureRevenue: Int64

    /// Makes a tally.
    public init(range: Int, customers: Int, revenue: Int64, expectedFutureRevenue: Int64) {
        self.range = range
        self.customers = customers
        self.revenue = revenue
        self.expectedFutureRevenue = expectedFutureRevenue
    }
}

extension CLVBucket {
    fileprivate mutating func add(customers count: Int, revenue: Int64, predicted: Int64) {
        customers += count
        self.revenue = Self.saturating(self.revenue, revenue)
        predictedTotal = Self.saturating(predictedTotal, predicted)
    }

    fileprivate static func saturating(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? .max : .min) : sum
    }
}
