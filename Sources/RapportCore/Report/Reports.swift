public import Foundation

/// A reporting period `[from, to)` and the period of equal length just before it, for comparison.
public struct ReportPeriod: Hashable, Sendable {
    /// The first instant in the period.
    public var from: Date
    /// The first instant after it.
    public var to: Date

    /// Makes a period; `to` before `from` is refused by the caller's validation.
    public init(from: Date, to: Date) {
        self.from = from
        self.to = to
    }

    /// The period of the same length that ends where this one starts.
    public var previous: ReportPeriod { ReportPeriod(from: from.addingTimeInterval(-to.timeIntervalSince(from)), to: from) }
}

/// One step of the sales funnel.
public struct FunnelStep: Hashable, Sendable {
    /// The stage.
    public var stageID: Stage.ID
    /// Its name.
    public var name: String
    /// Deals that reached the stage or went past it (a deal moved from the first to the third stage
    /// reached the second too).
    public var reached: Int
    /// Percent of the previous step's deals that reached this one (100 for the first step).
    public var conversionFromPrevious: Int
    /// Percent of all the period's deals that reached this one.
    public var conversionFromStart: Int
}

/// The sales funnel of a pipeline: open stages in order, then won; lost deals counted apart.
public struct FunnelReport: Hashable, Sendable {
    /// The steps, open stages in pipeline order and then the won stage(s).
    public var steps: [FunnelStep]
    /// Deals of the period that were lost.
    public var lost: Int
    /// Deals of the period.
    public var total: Int

    /// Builds the funnel from how many deals got furthest to each stage.
    /// - Parameters:
    ///   - pipeline: the pipeline, stages in order.
    ///   - furthest: stage id → number of deals whose furthest open-or-won stage it is.
    ///   - lost: number of lost deals.
    public static func build(pipeline: Pipeline, furthest: [Stage.ID: Int], lost: Int) -> FunnelReport {
        let ordered = pipeline.stages.filter { $0.kind == .open } + pipeline.stages.filter { $0.kind == .won }
        let total = furthest.values.reduce(0, +)
        var steps: [FunnelStep] = []
        var remaining = total
        var previous = total
        for stage in ordered {
            let step = FunnelStep(
                stageID: stage.id, name: stage.name, reached: remaining,
                conversionFromPrevious: percent(remaining, of: previous), conversionFromStart: percent(remaining, of: total))
            steps.append(step)
            previous = remaining
            remaining -= furthest[stage.id] ?? 0
        }
        return FunnelReport(steps: steps, lost: lost, total: total)
    }

    /// `part` as a whole percent of `whole`, rounded half up; 0 of nothing is 0.
    public static func percent(_ part: Int, of whole: Int) -> Int {
        whole == 0 ? 0 : Int((Double(part) * 100 / Double(whole)).rounded())
    }
}

/// Deals won and lost in a period.
public struct SalesSummary: Hashable, Sendable {
    /// Deals created in the period.
    public var created: Int
    /// Deals won in the period.
    public var won: Int
    /// Deals lost in the period.
    public var lost: Int
    /// Amount of the deals won (workspace currency, minor units).
    public var wonRevenue: Int64
    /// Sum of days from creation to winning over the deals won, for the average cycle.
    public var wonCycleSeconds: Double

    /// Makes a summary.
    public init(created: Int, won: Int, lost: Int, wonRevenue: Int64, wonCycleSeconds: Double) {
        self.created = created
        self.won = won
        self.lost = lost
        self.wonRevenue = wonRevenue
        self.wonCycleSeconds = wonCycleSeconds
    }

    /// Won among closed, percent; nil when nothing closed.
    public var winRate: Int? { won + lost == 0 ? nil : FunnelReport.percent(won, of: won + lost) }
    /// Average days from creation to winning, one decimal; nil when nothing was won.
    public var averageCycleDays: Double? { won == 0 ? nil : (wonCycleSeconds / Double(won) / 86_400 * 10).rounded() / 10 }
    /// Average amount of a won deal; nil when nothing was won.
    public var averageWonDeal: Int64? { won == 0 ? nil : Money.divideRounded(wonRevenue, by: Int64(won)) }
}

/// What clients bought in a period.
public struct PurchaseSummary: Hashable, Sendable {
    /// Counted orders placed in the period.
    public var orders: Int
    /// Their total.
    public var revenue: Int64
    /// Distinct buying contacts.
    public var buyers: Int
    /// Buyers with two or more orders in the period.
    public var repeatBuyers: Int

    /// Makes a summary.
    public init(orders: Int, revenue: Int64, buyers: Int, repeatBuyers: Int) {
        self.orders = orders
        self.revenue = revenue
        self.buyers = buyers
        self.repeatBuyers = repeatBuyers
    }

    /// Average revenue per buying user (revenue ÷ buyers); nil without buyers.
    public var arpu: Int64? { buyers == 0 ? nil : Money.divideRounded(revenue, by: Int64(buyers)) }
    /// Average check (revenue ÷ orders); nil without orders.
    public var averageCheck: Int64? { orders == 0 ? nil : Money.divideRounded(revenue, by: Int64(orders)) }
    /// Percent of buyers who bought more than once.
    public var repeatRate: Int { FunnelReport.percent(repeatBuyers, of: buyers) }
}

/// One cell of the RFM grid: how many clients have this recency and frequency score, and their revenue.
public struct RFMCell: Hashable, Sendable {
    /// Recency score 1…5.
    public var recency: Int
    /// Frequency score 1…5.
    public var frequency: Int
    /// Clients in the cell.
    public var customers: Int
    /// Their lifetime revenue.
    public var revenue: Int64
    /// The named class of the cell.
    public var rfmClass: RFMClass { RFMClass.classify(recency: recency, frequency: frequency) }

    /// Makes a cell.
    public init(recency: Int, frequency: Int, customers: Int, revenue: Int64) {
        self.recency = recency
        self.frequency = frequency
        self.customers = customers
        self.revenue = revenue
    }
}

extension Money {
    /// `amount ÷ count` in minor units, rounded half away from zero.
    public static func divideRounded(_ amount: Int64, by count: Int64) -> Int64 {
        guard count != 0 else { return 0 }
        let quotient = amount / count
        let remainder = amount % count
        if abs(remainder) * 2 >= abs(count) { return quotient + ((amount < 0) != (count < 0) ? -1 : 1) }
        return quotient
    }
}

/// What a report is narrowed to, beyond what its viewer may see: a pipeline (deal reports), an owner, an
/// owner's team, and a segment (deals of its clients, orders of its clients, or its contacts). Every part
/// is optional; the parts given all hold.
public struct ReportFilter: Hashable, Sendable {
    /// Deals of this pipeline.
    public var pipelineID: Pipeline.ID?
    /// Records owned by this user.
    public var ownerID: User.ID?
    /// Records owned by a member of this team.
    public var teamID: Team.ID?
    /// Records of this segment's clients.
    public var segmentID: Segment.ID?

    /// Makes a filter.
    public init(pipelineID: Pipeline.ID? = nil, ownerID: User.ID? = nil, teamID: Team.ID? = nil, segmentID: Segment.ID? = nil) {
        self.pipelineID = pipelineID
        self.ownerID = ownerID
        self.teamID = teamID
        self.segmentID = segmentID
    }

    /// The report narrowing of a list query's filters (its pipeline, owner, team and segment), so the API and
    /// the pages read a report's filter from the same checked parameters.
    public init(_ filters: ListQuery.Filters) {
        self.init(pipelineID: filters.pipelineID, ownerID: filters.ownerID, teamID: filters.teamID, segmentID: filters.segmentID)
    }

    /// No narrowing.
    public static let none = ReportFilter()
}

extension ReportPeriod {
    /// A report over this period and over the period of the same length before it, in that order: what every
    /// report with a period shows side by side.
    public func withPrevious<Report>(_ report: (ReportPeriod) async throws -> Report) async rethrows -> (Report, Report) {
        (try await report(self), try await report(previous))
    }
}
