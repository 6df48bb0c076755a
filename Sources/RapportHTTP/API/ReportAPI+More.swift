import Foundation
import Hummingbird
import RapportCore
import RapportStore

/// `/api/v1/reports/…`: time in stage, lost reasons, forecast, managers, sources, cohorts and CLV. Like the
/// other reports they answer JSON, or with `format=csv|excel|xlsx` download their table. Time in stage, lost
/// reasons, managers and sources take a `from`/`to` period; the forecast looks ahead, cohorts take `months`,
/// and CLV is over all time, so those three take no period.
extension ReportAPI {
    func registerMore(on group: RouterGroup<AppRequestContext>) {
        group.get("reports/stage-time") { request, context in
            let options = try await options(request, context)
            let (period, filter, actor) = (options.period, options.filter, options.actor)
            let (report, previous) = try await store.reports.stageTime(period: period, filter: filter, by: actor)
            return try respond(
                StageTimeBody(report, previous: previous, pipeline: filter.pipelineID, period: period), format: options.format,
                table: ReportTables.stageTime(report, previous, t: Lang(locale: context.locale)))
        }
        group.get("reports/lost-reasons") { request, context in
            let options = try await options(request, context)
            let (period, filter, actor) = (options.period, options.filter, options.actor)
            let (report, previous) = try await period.withPrevious {
                try await store.reports.lostReasons(period: $0, filter: filter, by: actor)
            }
            return try respond(
                LostReasonsBody(report, previous: previous, period: period), format: options.format,
                table: ReportTables.lostReasons(report, previous, t: Lang(locale: context.locale)))
        }
        group.get("reports/forecast") { request, context in
            let options = try await options(request, context, period: false)
            let (report, currency) = try await store.reports.forecast(filter: options.filter, by: options.actor)
            return try respond(
                ForecastBody(report, currency: currency), format: options.format,
                table: ReportTables.forecast(report, t: Lang(locale: context.locale)))
        }
        group.get("reports/managers") { request, context in
            let options = try await options(request, context)
            let rows = try await store.reports.managers(period: options.period, filter: options.filter, by: options.actor)
            return try respond(
                ManagersBody(rows, period: options.period), format: options.format,
                table: ReportTables.managers(rows, t: Lang(locale: context.locale)))
        }
        group.get("reports/sources") { request, context in
            let options = try await options(request, context)
            let (period, filter, actor) = (options.period, options.filter, options.actor)
            let (rows, previous) = try await period.withPrevious { try await store.reports.sources(period: $0, filter: filter, by: actor) }
            return try respond(
                SourcesBody(rows, previous: previous, period: period), format: options.format,
                table: ReportTables.sources(rows, previous, t: Lang(locale: context.locale)))
        }
        group.get("reports/cohorts") { request, context in
            let options = try await options(request, context, period: false)
            let report = try await store.reports.cohorts(months: options.months, filter: options.filter, by: options.actor)
            return try respond(
                CohortsBody(report), format: options.format, table: ReportTables.cohorts(report, t: Lang(locale: context.locale)))
        }
        group.get("reports/clv") { request, context in
            let options = try await options(request, context, period: false)
            let report = try await store.reports.clv(filter: options.filter, by: options.actor)
            return try respond(
                CLVBody(report), format: options.format, table: ReportTables.clv(report, t: Lang(locale: context.locale)))
        }
    }
}

// MARK: - Tables

extension ReportTables {
    static func stageTime(_ report: StageTimeReport, _ previous: StageTimeReport, t: Lang) -> Table {
        let earlier = Dictionary(previous.stages.map { ($0.stageID, $0.averageHours) }, uniquingKeysWith: { first, _ in first })
        func hours(_ value: Double?) -> TableCell { value.map { .decimal(Int64(($0 * 10).rounded()), fractionDigits: 1) } ?? .empty }
        return Table(
            title: t("Time in stage", "Время на этапах"),
            columns: [
                t("Stage", "Этап"), t("Visits", "Прохождений"), t("Average time, hours", "Среднее время, ч"),
                t("Norm, days", "Норма, дней"), t("Open deals over the norm", "Открытых сделок сверх нормы"),
                t("Average time, hours, previous period", "Среднее время, ч, прошлый период"),
            ],
            rows: report.stages.map {
                [
                    .text($0.name), .integer(Int64($0.visits)), hours($0.averageHours),
                    $0.rottingDays.map { .integer(Int64($0)) } ?? .empty, .integer(Int64($0.staleDeals)), hours(earlier[$0.stageID] ?? nil),
                ]
            })
    }

    static func lostReasons(_ report: LostReasonReport, _ previous: LostReasonReport, t: Lang) -> Table {
        let earlier = Dictionary(previous.reasons.map { ($0.reason, $0.deals) }, uniquingKeysWith: +)
        return Table(
            title: t("Lost reasons", "Причины проигрыша"),
            columns: [
                t("Reason", "Причина"), t("Deals", "Сделки"), t("Amount", "Сумма"), t("Share, %", "Доля, %"),
                t("Deals, previous period", "Сделки, прошлый период"),
            ],
            rows: report.reasons.map {
                [
                    .text($0.reason ?? t("(none)", "(не указана)")), .integer(Int64($0.deals)), .decimal($0.amount, fractionDigits: 2),
                    .integer(Int64($0.share)), .integer(Int64(earlier[$0.reason] ?? 0)),
                ]
            } + [
                [
                    .text(t("Total", "Итого")), .integer(Int64(report.deals)), .decimal(report.amount, fractionDigits: 2), .empty,
                    .integer(Int64(previous.deals)),
                ]
            ])
    }

    static func forecast(_ report: ForecastReport, t: Lang) -> Table {
        let format = Formatting(locale: t.locale, timeZoneIdentifier: "UTC")
        func name(_ month: String?) -> String {
            guard let month, let day = LocalDate(iso: month + "-01") else { return month ?? t("No date", "Без даты") }
            return format.monthTitle(year: day.year, month: day.month)
        }
        func row(_ name: String, _ month: ForecastMonth) -> [TableCell] {
            [
                .text(name), .integer(Int64(month.deals)), .decimal(month.amount, fractionDigits: 2),
                .decimal(month.weighted, fractionDigits: 2), .decimal(month.learnedWeighted, fractionDigits: 2),
            ]
        }
        return Table(
            title: t("Forecast", "Прогноз"),
            columns: [
                t("Expected close", "Ожидаемое закрытие"), t("Deals", "Сделки"), t("Amount", "Сумма"), t("Weighted", "Взвешенная"),
                t("Weighted by learned chance", "Взвешенная по шансу из опыта"),
            ],
            rows: report.months.map { row(name($0.month), $0) } + [row(t("Total", "Итого"), report.total)])
    }

    static func managers(_ rows: [ManagerRow], t: Lang) -> Table {
        Table(
            title: t("Managers", "Менеджеры"),
            columns: [
                t("Manager", "Менеджер"), t("Deals created", "Создано сделок"), t("Won", "Выиграно"),
                t("Won revenue", "Выручка по выигранным"), t("Won revenue, previous period", "Выручка, прошлый период"),
                t("Activities", "Активности"), t("Tasks done", "Задач выполнено"), t("Tasks overdue", "Задач просрочено"),
            ],
            rows: rows.map {
                [
                    .text($0.name), .integer(Int64($0.dealsCreated)), .integer(Int64($0.dealsWon)),
                    .decimal($0.wonRevenue, fractionDigits: 2),
                    .decimal($0.previousWonRevenue, fractionDigits: 2), .integer(Int64($0.activities)), .integer(Int64($0.tasksDone)),
                    .integer(Int64($0.tasksOverdue)),
                ]
            })
    }

    static func sources(_ rows: [SourceRow], _ previous: [SourceRow], t: Lang) -> Table {
        func text(_ value: String?) -> TableCell { value.map(TableCell.text) ?? .empty }
        let earlier = Dictionary(previous.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        return Table(
            title: t("Sources", "Источники"),
            columns: [
                t("Source", "Источник"), "utm_source", "utm_medium", "utm_campaign", t("Leads", "Лиды"), t("Deals", "Сделки"),
                t("Orders", "Заказы"), t("Revenue", "Выручка"), t("Leads, previous period", "Лиды, прошлый период"),
                t("Revenue, previous period", "Выручка, прошлый период"),
            ],
            rows: rows.map {
                [
                    .text($0.key.source ?? t("(none)", "(не указан)")), text($0.key.utmSource), text($0.key.utmMedium),
                    text($0.key.utmCampaign), .integer(Int64($0.leads)), .integer(Int64($0.deals)), .integer(Int64($0.orders)),
                    .decimal($0.revenue, fractionDigits: 2), .integer(Int64(earlier[$0.key]?.leads ?? 0)),
                    .decimal(earlier[$0.key]?.revenue ?? 0, fractionDigits: 2),
                ]
            })
    }

    static func cohorts(_ report: CohortReport, t: Lang) -> Table {
        let format = Formatting(locale: t.locale, timeZoneIdentifier: "UTC")
        let offsets = report.cohorts.map(\.retained.count).max() ?? 0
        return Table(
            title: t("Cohorts", "Когорты"),
            columns: [t("First purchase", "Первая покупка"), t("Clients", "Клиенты")]
                + (0..<offsets).map { t("Month \($0), %", "Месяц \($0), %") },
            rows: report.cohorts.map { cohort in
                [.text(format.monthTitle(year: cohort.month.year, month: cohort.month.month)), .integer(Int64(cohort.customers))]
                    + cohort.retained.indices.map { .integer(Int64(cohort.percent($0))) }
            })
    }

    static func clv(_ report: CLVReport, t: Lang) -> Table {
        let format = Formatting(locale: t.locale, timeZoneIdentifier: "UTC")
        func range(_ bucket: CLVBucket) -> String {
            let lower = format.number(bucket.lower / 100)
            guard let upper = bucket.upper else { return lower + "+" }
            return lower + " – " + format.number(upper / 100)
        }
        func row(_ name: String, _ bucket: CLVBucket) -> [TableCell] {
            [
                .text(name), .integer(Int64(bucket.customers)), .decimal(bucket.revenue, fractionDigits: 2),
                bucket.averagePredictedCLV.map { .decimal($0, fractionDigits: 2) } ?? .empty,
            ]
        }
        return Table(
            title: "CLV",
            columns: [
                t("Revenue so far", "Выручка за всё время"), t("Clients", "Клиенты"), t("Revenue", "Выручка"),
                t("Average predicted CLV", "Средний прогнозный CLV"),
            ],
            rows: report.buckets.map { row(range($0), $0) } + [row(t("Total", "Итого"), report.total)])
    }
}

// MARK: - Bodies

struct StageTimeStageBody: Encodable, Sendable {
    var stageId: String
    var name: String
    var kind: String
    var visits: Int
    var averageHours: Double?
    var rottingDays: Int?
    var staleDeals: Int
}

struct StaleDealBody: Encodable, Sendable {
    var id: String
    var title: String
    var stageId: String
    var daysInStage: Int
}

struct StageTimePreviousBody: Encodable, Sendable {
    var period: PeriodBody
    var stages: [StageTimeStageBody]
}

struct StageTimeBody: Encodable, Sendable {
    var period: PeriodBody
    var pipelineId: String
    var stages: [StageTimeStageBody]
    var staleDeals: [StaleDealBody]
    /// Visits and average times of the previous period of the same length (stale deals are of now only).
    var previous: StageTimePreviousBody

    init(_ report: StageTimeReport, previous: StageTimeReport, pipeline: Pipeline.ID?, period: ReportPeriod) {
        self.period = PeriodBody(from: period.from, to: period.to)
        pipelineId = pipeline?.rawValue ?? ""
        self.previous = StageTimePreviousBody(
            period: PeriodBody(from: period.previous.from, to: period.previous.to), stages: Self.stages(previous))
        stages = Self.stages(report)
        staleDeals = report.staleDeals.map {
            StaleDealBody(id: $0.id.rawValue, title: $0.title, stageId: $0.stageID.rawValue, daysInStage: $0.daysInStage)
        }
    }

    private static func stages(_ report: StageTimeReport) -> [StageTimeStageBody] {
        report.stages.map {
            StageTimeStageBody(
                stageId: $0.stageID.rawValue, name: $0.name, kind: $0.kind.rawValue, visits: $0.visits, averageHours: $0.averageHours,
                rottingDays: $0.rottingDays, staleDeals: $0.staleDeals)
        }
    }
}

struct LostReasonBody: Encodable, Sendable {
    var reason: String?
    var deals: Int
    var amount: Int64
    var share: Int
}

struct LostReasonsPreviousBody: Encodable, Sendable {
    var period: PeriodBody
    var deals: Int
    var amount: Int64
    var reasons: [LostReasonBody]
}

struct LostReasonsBody: Encodable, Sendable {
    var period: PeriodBody
    var deals: Int
    var amount: Int64
    var reasons: [LostReasonBody]
    /// The same over the previous period of the same length.
    var previous: LostReasonsPreviousBody?

    init(_ report: LostReasonReport, previous: LostReasonReport, period: ReportPeriod) {
        self.init(report, period: period)
        let earlier = LostReasonsBody(previous, period: period.previous)
        self.previous = LostReasonsPreviousBody(
            period: earlier.period, deals: earlier.deals, amount: earlier.amount, reasons: earlier.reasons)
    }

    private init(_ report: LostReasonReport, period: ReportPeriod) {
        self.period = PeriodBody(from: period.from, to: period.to)
        deals = report.deals
        amount = report.amount
        reasons = report.reasons.map { LostReasonBody(reason: $0.reason, deals: $0.deals, amount: $0.amount, share: $0.share) }
    }
}

struct ForecastMonthBody: Encodable, Sendable {
    var month: String?
    var deals: Int
    var amount: Int64
    var weighted: Int64
    var learnedWeighted: Int64

    init(_ month: ForecastMonth) {
        self.month = month.month
        deals = month.deals
        amount = month.amount
        weighted = month.weighted
        learnedWeighted = month.learnedWeighted
    }
}

struct ForecastBody: Encodable, Sendable {
    var currency: String
    var months: [ForecastMonthBody]
    var total: ForecastMonthBody

    init(_ report: ForecastReport, currency: CurrencyCode) {
        self.currency = currency.rawValue
        months = report.months.map(ForecastMonthBody.init)
        total = ForecastMonthBody(report.total)
    }
}

struct ManagerBody: Encodable, Sendable {
    var userId: String
    var name: String
    var dealsCreated: Int
    var dealsWon: Int
    var wonRevenue: Int64
    var previousWonRevenue: Int64
    var activities: Int
    var tasksDone: Int
    var tasksOverdue: Int
}

struct ManagersBody: Encodable, Sendable {
    var period: PeriodBody
    var previous: PeriodBody
    var data: [ManagerBody]

    init(_ rows: [ManagerRow], period: ReportPeriod) {
        self.period = PeriodBody(from: period.from, to: period.to)
        previous = PeriodBody(from: period.previous.from, to: period.previous.to)
        data = rows.map {
            ManagerBody(
                userId: $0.userID.rawValue, name: $0.name, dealsCreated: $0.dealsCreated, dealsWon: $0.dealsWon, wonRevenue: $0.wonRevenue,
                previousWonRevenue: $0.previousWonRevenue, activities: $0.activities, tasksDone: $0.tasksDone,
                tasksOverdue: $0.tasksOverdue)
        }
    }
}

struct SourceRowBody: Encodable, Sendable {
    var source: String?
    var utmSource: String?
    var utmMedium: String?
    var utmCampaign: String?
    var leads: Int
    var deals: Int
    var orders: Int
    var revenue: Int64
}

struct SourcesPreviousBody: Encodable, Sendable {
    var period: PeriodBody
    var data: [SourceRowBody]
}

struct SourcesBody: Encodable, Sendable {
    var period: PeriodBody
    var data: [SourceRowBody]
    /// The same over the previous period of the same length.
    var previous: SourcesPreviousBody?

    init(_ rows: [SourceRow], previous: [SourceRow], period: ReportPeriod) {
        self.init(rows, period: period)
        let earlier = SourcesBody(previous, period: period.previous)
        self.previous = SourcesPreviousBody(period: earlier.period, data: earlier.data)
    }

    private init(_ rows: [SourceRow], period: ReportPeriod) {
        self.period = PeriodBody(from: period.from, to: period.to)
        data = rows.map {
            SourceRowBody(
                source: $0.key.source, utmSource: $0.key.utmSource, utmMedium: $0.key.utmMedium, utmCampaign: $0.key.utmCampaign,
                leads: $0.leads, deals: $0.deals, orders: $0.orders, revenue: $0.revenue)
        }
    }
}

struct RetentionBody: Encodable, Sendable {
    var offset: Int
    var customers: Int
    var percent: Int
}

struct CohortBody: Encodable, Sendable {
    var month: String
    var start: Date
    var customers: Int
    var retention: [RetentionBody]
}

struct CohortsBody: Encodable, Sendable {
    var months: Int
    var cohorts: [CohortBody]

    init(_ report: CohortReport) {
        months = report.cohorts.count
        cohorts = report.cohorts.map { cohort in
            CohortBody(
                month: cohort.month.description, start: cohort.start, customers: cohort.customers,
                retention: cohort.retained.indices.map {
                    RetentionBody(offset: $0, customers: cohort.retained[$0], percent: cohort.percent($0))
                })
        }
    }
}

struct CLVBucketBody: Encodable, Sendable {
    var from: Int64
    var to: Int64?
    var customers: Int
    var revenue: Int64
    var averagePredictedClv: Int64?

    init(_ bucket: CLVBucket) {
        from = bucket.lower
        to = bucket.upper
        customers = bucket.customers
        revenue = bucket.revenue
        averagePredictedClv = bucket.averagePredictedCLV
    }
}

struct CLVBody: Encodable, Sendable {
    var customers: Int
    var revenue: Int64
    var averagePredictedClv: Int64?
    var buckets: [CLVBucketBody]

    init(_ report: CLVReport) {
        customers = report.total.customers
        revenue = report.total.revenue
        averagePredictedClv = report.total.averagePredictedCLV
        buckets = report.buckets.map(CLVBucketBody.init)
    }
}
