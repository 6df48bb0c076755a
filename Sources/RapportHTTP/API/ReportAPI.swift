import Foundation
import Hummingbird
import NIOCore
import RapportCore
import RapportStore

/// `/api/v1/reports/…`: the funnel, sales, purchases (ARPU, average check, repeat rate) and the RFM grid.
/// Each takes `from`/`to` days (both included, workspace time zone; the last 30 days by default), answers
/// with the previous period of the same length beside it, and `format=csv|excel|xlsx` downloads its table.
struct ReportAPI {
    let handlers: Handlers
    var store: Store { handlers.store }

    func register(on group: RouterGroup<AppRequestContext>) {
        registerMore(on: group)
        group.get("reports/funnel") { request, context in
            let options = try await options(request, context)
            let (period, filter, actor) = (options.period, options.filter, options.actor)
            let (report, previous) = try await period.withPrevious { try await store.reports.funnel(period: $0, filter: filter, by: actor) }
            return try respond(
                FunnelBody(report, period: period, previous: previous), format: options.format,
                table: ReportTables.funnel(report, previous, t: Lang(locale: context.locale)))
        }
        group.get("reports/sales") { request, context in
            let options = try await options(request, context)
            let (period, actor) = (options.period, options.actor)
            let (current, previous) = try await period.withPrevious {
                try await store.reports.sales(period: $0, filter: options.filter, by: actor)
            }
            let body = SalesReportBody(current: SalesBody(current, period: period), previous: SalesBody(previous, period: period.previous))
            return try respond(body, format: options.format, table: ReportTables.sales(current, previous, t: Lang(locale: context.locale)))
        }
        group.get("reports/purchases") { request, context in
            let options = try await options(request, context)
            let (period, actor) = (options.period, options.actor)
            let (current, previous) = try await period.withPrevious {
                try await store.reports.purchases(period: $0, filter: options.filter, by: actor)
            }
            let body = PurchasesReportBody(
                current: PurchasesBody(current, period: period), previous: PurchasesBody(previous, period: period.previous))
            return try respond(
                body, format: options.format, table: ReportTables.purchases(current, previous, t: Lang(locale: context.locale)))
        }
        group.get("reports/rfm") { request, context in
            let options = try await options(request, context, period: false)
            let cells = try await store.reports.rfmGrid(filter: options.filter, by: options.actor)
            let body = ListResponse(data: cells.map(RFMCellBody.init), nextCursor: nil)
            return try respond(body, format: options.format, table: ReportTables.rfm(cells, t: Lang(locale: context.locale)))
        }
    }

    /// What every report reads from the query string.
    struct Options {
        var actor: Actor
        /// The period; the default 30 days when the report takes none (unused then).
        var period: ReportPeriod
        /// Pipeline, owner, team and segment.
        var filter: ReportFilter
        var format: ExportFormat?
        /// Cohort months, 1…24.
        var months: Int
    }

    /// Parses the query once for every report: ids, `format`, `months`, and (with `period`) the `from`/`to` days.
    func options(_ request: Request, _ context: AppRequestContext, period: Bool = true) async throws -> Options {
        let actor = try context.requireActor()
        let query = try Handlers.listQuery(request)
        var issues = FieldIssues()
        let raw = formQuery(request)
        func day(_ name: String) -> LocalDate? {
            guard period, let text = raw[name]?.trimmedOrNil else { return nil }
            guard let day = LocalDate(iso: text) else {
                issues.add(name, .invalidDate)
                return nil
            }
            return day
        }
        let from = day("from")
        let to = day("to")
        var format: ExportFormat?
        if let text = raw["format"]?.trimmedOrNil {
            format = ExportFormat(rawValue: text)
            if format == nil {
                issues.add("format", .invalidOption, ["options": ExportFormat.allCases.map(\.rawValue).joined(separator: ", ")])
            }
        }
        var months = CohortReport.defaultMonths
        if let text = raw["months"]?.trimmedOrNil {
            if let value = Int(text), (1...CohortReport.maximumMonths).contains(value) {
                months = value
            } else {
                issues.add("months", .outOfRange, ["min": "1", "max": String(CohortReport.maximumMonths)])
            }
        }
        try issues.throwIfAny()
        return Options(
            actor: actor, period: try await store.reports.period(from: from, to: to, by: actor),
            filter: ReportFilter(query.filters),
            format: format, months: months)
    }

    /// JSON, or the report's table as a download when `format` asks for one.
    func respond(_ body: some Encodable, format: ExportFormat?, table: Table) throws -> Response {
        guard let format else { return try Handlers.json(body) }
        return ExportFormat.download(table, format: format)
    }
}

/// How a table is downloaded: CSV for any spreadsheet, CSV for Russian Excel, or an XLSX workbook.
enum ExportFormat: String, CaseIterable, Sendable {
    case csv
    case excel
    case xlsx

    /// The table as a file of this format: its bytes, media type and extension.
    func encode(_ table: Table) -> (bytes: [UInt8], type: String, ext: String) {
        switch self {
        case .csv: (CSVWriter.encode(table, flavor: .utf8), "text/csv; charset=utf-8", "csv")
        case .excel: (CSVWriter.encode(table, flavor: .excelWindows), "text/csv; charset=windows-1251", "csv")
        case .xlsx: (XLSXWriter.encode(table), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
        }
    }

    /// The table as an attachment named by `fileName` (without its extension), by default its title.
    static func download(_ table: Table, format: ExportFormat, fileName: String? = nil) -> Response {
        let (bytes, type, ext) = format.encode(table)
        let title = fileName ?? table.title
        let name = title.filter { $0.isLetter || $0.isNumber || $0 == "-" }
        let ascii = title.unicodeScalars.allSatisfy(\.isASCII) ? name : "report"
        let encoded = title.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "report"
        return Response(
            status: .ok,
            headers: [
                .contentType: type,
                .contentDisposition:
                    "attachment; filename=\"\(ascii.isEmpty ? "report" : ascii).\(ext)\"; filename*=UTF-8''\(encoded).\(ext)",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// The tables behind report downloads, with localized headings.
enum ReportTables {
    /// The funnel's steps, with the previous period's reached count beside each (same pipeline, same stages).
    static func funnel(_ report: FunnelReport, _ previous: FunnelReport, t: Lang) -> Table {
        let earlier = Dictionary(previous.steps.map { ($0.stageID, $0.reached) }, uniquingKeysWith: { first, _ in first })
        return Table(
            title: t("Funnel", "Воронка"),
            columns: [
                t("Stage", "Этап"), t("Reached", "Дошли"), t("From previous, %", "От предыдущего, %"), t("From start, %", "От начала, %"),
                t("Reached, previous period", "Дошли, прошлый период"),
            ],
            rows: report.steps.map {
                [
                    .text($0.name), .integer(Int64($0.reached)), .integer(Int64($0.conversionFromPrevious)),
                    .integer(Int64($0.conversionFromStart)), .integer(Int64(earlier[$0.stageID] ?? 0)),
                ]
            } + [[.text(t("Lost", "Проиграно")), .integer(Int64(report.lost)), .empty, .empty, .integer(Int64(previous.lost))]])
    }

    static func sales(_ current: SalesSummary, _ previous: SalesSummary, t: Lang) -> Table {
        func row(_ name: String, _ value: (SalesSummary) -> TableCell) -> [TableCell] { [.text(name), value(current), value(previous)] }
        return Table(
            title: t("Sales", "Продажи"),
            columns: [t("Metric", "Показатель"), t("Period", "Период"), t("Previous period", "Прошлый период")],
            rows: [
                row(t("Deals created", "Создано сделок")) { .integer(Int64($0.created)) },
                row(t("Won", "Выиграно")) { .integer(Int64($0.won)) },
                row(t("Lost", "Проиграно")) { .integer(Int64($0.lost)) },
                row(t("Win rate, %", "Доля выигранных, %")) { $0.winRate.map { .integer(Int64($0)) } ?? .empty },
                row(t("Won revenue", "Выручка по выигранным")) { .decimal($0.wonRevenue, fractionDigits: 2) },
                row(t("Average sales cycle, days", "Средний цикл сделки, дней")) {
                    $0.averageCycleDays.map { .decimal(Int64(($0 * 10).rounded()), fractionDigits: 1) } ?? .empty
                },
            ])
    }

    static func purchases(_ current: PurchaseSummary, _ previous: PurchaseSummary, t: Lang) -> Table {
        func row(_ name: String, _ value: (PurchaseSummary) -> TableCell) -> [TableCell] { [.text(name), value(current), value(previous)] }
        return Table(
            title: t("Purchases", "Покупки"),
            columns: [t("Metric", "Показатель"), t("Period", "Период"), t("Previous period", "Прошлый период")],
            rows: [
                row(t("Orders", "Заказы")) { .integer(Int64($0.orders)) },
                row(t("Revenue", "Выручка")) { .decimal($0.revenue, fractionDigits: 2) },
                row(t("Buyers", "Покупатели")) { .integer(Int64($0.buyers)) },
                row(t("ARPU", "ARPU")) { $0.arpu.map { .decimal($0, fractionDigits: 2) } ?? .empty },
                row(t("Average check", "Средний чек")) { $0.averageCheck.map { .decimal($0, fractionDigits: 2) } ?? .empty },
                row(t("Repeat purchase rate, %", "Повторные покупки, %")) { .integer(Int64($0.repeatRate)) },
            ])
    }

    static func rfm(_ cells: [RFMCell], t: Lang) -> Table {
        Table(
            title: "RFM", columns: ["R", "F", t("Class", "Класс"), t("Clients", "Клиенты"), t("Revenue", "Выручка")],
            rows: cells.map {
                [
                    .integer(Int64($0.recency)), .integer(Int64($0.frequency)), .text($0.rfmClass.rawValue), .integer(Int64($0.customers)),
                    .decimal($0.revenue, fractionDigits: 2),
                ]
            })
    }
}

struct PeriodBody: Encodable, Sendable {
    var from: Date
    var to: Date
}

struct FunnelStepBody: Encodable, Sendable {
    var stageId: String
    var name: String
    var reached: Int
    var conversionFromPrevious: Int
    var conversionFromStart: Int
}

struct FunnelPreviousBody: Encodable, Sendable {
    var period: PeriodBody
    var total: Int
    var lost: Int
    var steps: [FunnelStepBody]
}

struct FunnelBody: Encodable, Sendable {
    var period: PeriodBody
    var total: Int
    var lost: Int
    var steps: [FunnelStepBody]
    /// The same funnel over the previous period of the same length.
    var previous: FunnelPreviousBody?

    init(_ report: FunnelReport, period: ReportPeriod, previous: FunnelReport) {
        self.init(report, period: period)
        let earlier = FunnelBody(previous, period: period.previous)
        self.previous = FunnelPreviousBody(period: earlier.period, total: earlier.total, lost: earlier.lost, steps: earlier.steps)
    }

    private init(_ report: FunnelReport, period: ReportPeriod) {
        self.period = PeriodBody(from: period.from, to: period.to)
        total = report.total
        lost = report.lost
        steps = report.steps.map {
            FunnelStepBody(
                stageId: $0.stageID.rawValue, name: $0.name, reached: $0.reached, conversionFromPrevious: $0.conversionFromPrevious,
                conversionFromStart: $0.conversionFromStart)
        }
    }
}

struct SalesBody: Encodable, Sendable {
    var period: PeriodBody
    var created: Int
    var won: Int
    var lost: Int
    var winRate: Int?
    var wonRevenue: Int64
    var averageWonDeal: Int64?
    var averageCycleDays: Double?

    init(_ s: SalesSummary, period: ReportPeriod) {
        self.period = PeriodBody(from: period.from, to: period.to)
        created = s.created
        won = s.won
        lost = s.lost
        winRate = s.winRate
        wonRevenue = s.wonRevenue
        averageWonDeal = s.averageWonDeal
        averageCycleDays = s.averageCycleDays
    }
}

struct SalesReportBody: Encodable, Sendable {
    var current: SalesBody
    var previous: SalesBody
}

struct PurchasesBody: Encodable, Sendable {
    var period: PeriodBody
    var orders: Int
    var revenue: Int64
    var buyers: Int
    var repeatBuyers: Int
    var arpu: Int64?
    var averageCheck: Int64?
    var repeatRate: Int

    init(_ p: PurchaseSummary, period: ReportPeriod) {
        self.period = PeriodBody(from: period.from, to: period.to)
        orders = p.orders
        revenue = p.revenue
        buyers = p.buyers
        repeatBuyers = p.repeatBuyers
        arpu = p.arpu
        averageCheck = p.averageCheck
        repeatRate = p.repeatRate
    }
}

struct PurchasesReportBody: Encodable, Sendable {
    var current: PurchasesBody
    var previous: PurchasesBody
}

struct RFMCellBody: Encodable, Sendable {
    var recency: Int
    var frequency: Int
    var segment: String
    var customers: Int
    var revenue: Int64

    init(_ cell: RFMCell) {
        recency = cell.recency
        frequency = cell.frequency
        segment = cell.rfmClass.rawValue
        customers = cell.customers
        revenue = cell.revenue
    }
}
