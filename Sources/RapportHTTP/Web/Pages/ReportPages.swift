import Foundation
import Hummingbird
import RapportCore
import RapportStore

/// Reports in the UI: each a filter form (period, pipeline or segment), an SVG chart, a table, the
/// previous period beside, and downloads (the API's CSV/XLSX of the same numbers).
struct ReportPages {
    let kit: WebKit
    var store: Store { kit.store }

    func register(on router: RouterGroup<AppRequestContext>) {
        router.get("reports") { request, context in
            let viewer = try await kit.viewer(request, context)
            return WebResponse.html(indexPage(viewer))
        }
        router.get("dashboard") { request, context in
            let viewer = try await kit.viewer(request, context)
            return WebResponse.html(try await dashboardPage(viewer))
        }
        router.post("dashboard") { request, context in
            let viewer = try await kit.viewer(request, context)
            let form = try await FormData.read(request, context)
            let step = form["do"] ?? ""
            if step == "reset" {
                try await store.dashboards.save(nil, by: viewer.actor)
            } else {
                let current = try await store.dashboards.widgets(by: viewer.actor)
                try await store.dashboards.save(Dashboard.rearrange(current, step: step), by: viewer.actor)
            }
            return WebResponse.redirect(WebURL("/dashboard"), flash: .saved)
        }
        router.get("reports/{name}") { request, context in
            let viewer = try await kit.viewer(request, context)
            let name = context.parameters.get("name") ?? ""
            let filters = Result { () throws(ValidationError) in try Handlers.listQuery(request).filters }
            return WebResponse.html(try await reportPage(viewer, name: name, query: FormData.query(request), filters: filters))
        }
    }

    /// Reports of one pipeline (the first one unless chosen).
    static let pipelineReports: Set<String> = ["funnel", "stage-time"]
    /// Reports over deals, which a pipeline narrows.
    static let dealReports: Set<String> = ["funnel", "stage-time", "sales", "lost-reasons", "forecast", "managers", "sources"]

    static let names = [
        "funnel", "sales", "stage-time", "lost-reasons", "forecast", "managers", "sources", "purchases", "cohorts", "rfm", "clv",
    ]

    func title(_ name: String, _ t: Lang) -> String {
        switch name {
        case "funnel": t("Sales funnel", "Воронка продаж")
        case "sales": t("Sales and win rate", "Продажи и конверсия")
        case "purchases": t("Purchases: ARPU, average check, repeat rate", "Покупки: ARPU, средний чек, повторные")
        case "stage-time": t("Time in stage and stale deals", "Время на этапах и зависшие сделки")
        case "lost-reasons": t("Lost reasons", "Причины проигрыша")
        case "forecast": t("Weighted forecast by month", "Взвешенный прогноз по месяцам")
        case "managers": t("Managers", "Менеджеры")
        case "sources": t("Leads, deals and revenue by source", "Лиды, сделки и выручка по источникам")
        case "cohorts": t("Monthly cohorts", "Когорты по месяцам")
        case "clv": t("CLV distribution", "Распределение CLV")
        default: t("RFM grid", "RFM-сетка")
        }
    }

    func indexPage(_ viewer: Viewer) -> HTML {
        let t = viewer.t
        let cards: [HTML] = Self.names.map { "<li><a class=\"card report-link\" href=\"\(WebURL.report($0))\">\(title($0, t))</a></li>" }
        return Layout.page(
            viewer, title: t("Reports", "Отчёты"), section: .reports,
            body: """
                <div class="page-head"><h1>\(t("Reports", "Отчёты"))</h1>
                <a class="button primary" href="/dashboard">\(t("My dashboard", "Мой дашборд"))</a></div>
                <ul class="report-index">\(cards)</ul>
                """)
    }

    /// A report page; `filters` are the query's list filters as the API reads them (ids checked), or why not.
    func reportPage(
        _ viewer: Viewer, name: String, query: FormData, filters listFilters: Result<ListQuery.Filters, ValidationError>
    ) async throws -> HTML {
        guard Self.names.contains(name) else { throw APIError.notFound }
        let t = viewer.t
        var errors = FormErrors()
        var filter = ReportFilter()
        switch listFilters {
        case .success(let filters): filter = ReportFilter(filters)
        case .failure(let error): errors = FormErrors(error, locale: viewer.locale)
        }
        let pipelines = try await store.pipelines.list(by: viewer.actor)
        let segments = try await store.segments.list(ListQuery(limit: 200), by: viewer.actor).items
        let users = try await kit.users(viewer)
        let teams = try await store.users.teams(by: viewer.actor)
        func day(_ key: String) -> LocalDate? {
            guard let text = query[key]?.trimmedOrNil else { return nil }
            if let day = LocalDate(iso: text) { return day }
            errors.add(key, Messages.text(for: FieldIssue(key, .invalidDate), locale: viewer.locale))
            return nil
        }
        let from = day("from")
        let to = day("to")
        let needsPipeline = Self.pipelineReports.contains(name)
        if needsPipeline, filter.pipelineID == nil { filter.pipelineID = pipelines.first?.id }
        let filterValid = (try? listFilters.get()) != nil
        var body: HTML = .empty
        var period = try await store.reports.period(from: nil, to: nil, by: viewer.actor)
        do {
            period = try await store.reports.period(from: from, to: to, by: viewer.actor)
            // A malformed filter shows its errors rather than a report narrowed by less than was asked.
            if filterValid { body = try await content(name, viewer, period: period, filter: filter) }
        } catch let error as ValidationError {
            errors = FormErrors(error, locale: viewer.locale)
        }
        let format = viewer.format
        let shownTo = format.adding(days: -1, to: format.localDate(period.to))
        var filters: [HTML] = []
        let periodic = !["rfm", "forecast", "cohorts", "clv"].contains(name)
        if periodic {
            filters.append(
                Form.field(
                    t("From", "С"), "from", value: query["from"] ?? format.localDate(period.from).description, errors: errors, type: "date")
            )
            filters.append(Form.field(t("To", "По"), "to", value: query["to"] ?? shownTo.description, errors: errors, type: "date"))
        }
        if Self.dealReports.contains(name) {
            filters.append(
                Form.select(
                    t("Pipeline", "Воронка"), "pipelineId", options: pipelines.map { ($0.id.rawValue, $0.name) },
                    selected: filter.pipelineID?.rawValue, blank: needsPipeline ? nil : t("All pipelines", "Все воронки")))
        }
        filters.append(
            Form.select(
                t("Owner", "Ответственный"), "ownerId", options: users.map { ($0.id.rawValue, $0.name) },
                selected: filter.ownerID?.rawValue,
                blank: t("Anyone", "Любой")))
        if !teams.isEmpty {
            filters.append(
                Form.select(
                    t("Team", "Команда"), "teamId", options: teams.map { ($0.id.rawValue, $0.name) }, selected: filter.teamID?.rawValue,
                    blank: t("Every team", "Все команды")))
        }
        filters.append(
            Form.select(
                t("Segment", "Сегмент"), "segment", options: segments.map { ($0.id.rawValue, $0.name) },
                selected: filter.segmentID?.rawValue, blank: t("All clients", "Все клиенты")))
        let download: [(String, String?)] = [
            ("from", query["from"]), ("to", query["to"]), ("pipelineId", filter.pipelineID?.rawValue),
            ("ownerId", filter.ownerID?.rawValue),
            ("teamId", filter.teamID?.rawValue), ("segment", filter.segmentID?.rawValue),
        ]
        func link(_ format: String, _ label: String) -> HTML {
            "<a class=\"button\" href=\"\(WebURL("/api/v1/reports/\(name)", download.filter { $0.1?.isEmpty == false } + [("format", format)]))\" download>\(label)</a>"
        }
        return Layout.page(
            viewer, title: title(name, t), section: .reports,
            body: """
                <div class="page-head"><h1>\(title(name, t))</h1>
                <div class="actions">\(link("xlsx", "XLSX"))\(link("excel", t("CSV for Excel", "CSV для Excel")))\(link("csv", "CSV"))</div></div>
                \(Form.summary(errors, t))
                <form method="get" action="\(WebURL.report(name))" class="card"><div class="filters">\(filters)</div>
                <div class="actions"><button type="submit" class="primary">\(t("Show", "Показать"))</button></div></form>
                \(if: periodic, "<p class=\"muted\">\(format.date(period.from)) — \(format.date(shownTo)) · \(t("compared with the previous period of the same length", "в сравнении с предыдущим периодом той же длины"))</p>")
                \(body)
                """)
    }

    /// The user's dashboard: their widgets (each a report over the last 30 days), with controls to move,
    /// remove and add widgets.
    func dashboardPage(_ viewer: Viewer) async throws -> HTML {
        let t = viewer.t
        let widgets = try await store.dashboards.widgets(by: viewer.actor)
        let period = try await store.reports.period(from: nil, to: nil, by: viewer.actor)
        let pipeline = try await store.pipelines.list(by: viewer.actor).first?.id
        var cards: [HTML] = []
        for (index, name) in widgets.enumerated() {
            let filter = ReportFilter(pipelineID: Self.pipelineReports.contains(name) ? pipeline : nil)
            let body = (try? await content(name, viewer, period: period, filter: filter)) ?? .empty
            func button(_ step: String, _ label: String, _ title: String) -> HTML {
                "<button type=\"submit\" name=\"do\" value=\"\(step):\(index)\" class=\"small\" title=\"\(title)\">\(label)</button>"
            }
            cards.append(
                """
                <section class="card widget" aria-labelledby="widget-\(index)"><div class="page-head"><h2 id="widget-\(index)"><a href="\(WebURL.report(name))">\(title(name, t))</a></h2>
                <form method="post" action="/dashboard" class="widget-tools">\(Form.csrf(viewer))
                \(if: index > 0, button("up", "↑", t("Move up", "Выше")))\(if: index + 1 < widgets.count, button("down", "↓", t("Move down", "Ниже")))\(button("remove", "✕", t("Remove", "Убрать")))
                </form></div>\(body)</section>
                """)
        }
        let addable = Dashboard.widgets.filter { !widgets.contains($0) }
        return Layout.page(
            viewer, title: t("Dashboard", "Дашборд"), section: .reports,
            body: """
                <div class="page-head"><h1>\(t("Dashboard", "Дашборд"))</h1>
                <form method="post" action="/dashboard" class="inline-form">\(Form.csrf(viewer))
                \(addable.isEmpty ? HTML.empty : """
                <label class="visually-hidden" for="add-widget">\(t("Add a report", "Добавить отчёт"))</label>
                <select id="add-widget" name="do">\(options: addable.map { ("add:\($0)", title($0, t)) }, selected: nil, blank: nil)</select>
                <button type="submit">\(Icon.plus) \(t("Add", "Добавить"))</button>
                """ as HTML)
                <button type="submit" name="do" value="reset" class="link">\(t("Reset to my role's default", "Вернуть набор по роли"))</button></form></div>
                <p class="muted">\(viewer.format.date(period.from)) — \(viewer.format.date(period.to.addingTimeInterval(-1)))</p>
                \(cards.isEmpty ? Parts.empty(t("No widgets: add a report above.", "Виджетов нет: добавьте отчёт выше.")) : "<div class=\"widgets\">\(cards)</div>" as HTML)
                """)
    }

    /// A report's chart and table for a period: the page's body, and a dashboard widget.
    func content(_ name: String, _ viewer: Viewer, period: ReportPeriod, filter: ReportFilter) async throws -> HTML {
        let t = viewer.t
        var body: HTML = .empty
        switch name {
        case "funnel":
            guard filter.pipelineID != nil else { break }
            let (current, previous) = try await period.withPrevious {
                try await store.reports.funnel(period: $0, filter: filter, by: viewer.actor)
            }
            body = funnel(current, previous: previous, viewer)
        case "sales":
            let (current, previous) = try await period.withPrevious {
                try await store.reports.sales(period: $0, filter: filter, by: viewer.actor)
            }
            body = comparison(ReportTables.sales(current, previous, t: t), viewer)
        case "purchases":
            let (current, previous) = try await period.withPrevious {
                try await store.reports.purchases(period: $0, filter: filter, by: viewer.actor)
            }
            body = comparison(ReportTables.purchases(current, previous, t: t), viewer)
        case "stage-time":
            guard filter.pipelineID != nil else { break }
            let (report, previous) = try await store.reports.stageTime(period: period, filter: filter, by: viewer.actor)
            body = tableReport(ReportTables.stageTime(report, previous, t: t), chart: 2, totals: false, viewer)
        case "lost-reasons":
            let (report, previous) = try await period.withPrevious {
                try await store.reports.lostReasons(period: $0, filter: filter, by: viewer.actor)
            }
            body = tableReport(ReportTables.lostReasons(report, previous, t: t), chart: 1, totals: true, viewer)
        case "forecast":
            let (report, _) = try await store.reports.forecast(filter: filter, by: viewer.actor)
            body = tableReport(ReportTables.forecast(report, t: t), chart: 3, totals: true, viewer)
        case "managers":
            body = tableReport(
                ReportTables.managers(try await store.reports.managers(period: period, filter: filter, by: viewer.actor), t: t), chart: 3,
                totals: false, viewer)
        case "sources":
            let (rows, previous) = try await period.withPrevious {
                try await store.reports.sources(period: $0, filter: filter, by: viewer.actor)
            }
            body = tableReport(ReportTables.sources(rows, previous, t: t), chart: 4, totals: false, viewer)
        case "cohorts":
            body = tableReport(
                ReportTables.cohorts(try await store.reports.cohorts(months: 12, filter: filter, by: viewer.actor), t: t), chart: 1,
                totals: false,
                viewer)
        case "clv":
            body = tableReport(
                ReportTables.clv(try await store.reports.clv(filter: filter, by: viewer.actor), t: t), chart: 1, totals: true, viewer)
        default:
            body = rfm(try await store.reports.rfmGrid(filter: filter, by: viewer.actor), viewer)
        }
        return body
    }

    private func funnel(_ report: FunnelReport, previous: FunnelReport, _ viewer: Viewer) -> HTML {
        let t = viewer.t
        let format = viewer.format
        let earlier = Dictionary(previous.steps.map { ($0.stageID, $0.reached) }, uniquingKeysWith: { first, _ in first })
        let bars = report.steps.map {
            Charts.Bar(
                label: $0.name, value: Double($0.reached),
                caption: "\(format.number($0.reached)) · \(format.percent($0.conversionFromStart))")
        }
        let rows: [HTML] = report.steps.map {
            "<tr><td>\($0.name)</td><td class=\"num\">\(format.number($0.reached))</td><td class=\"num\">\(format.percent($0.conversionFromPrevious))</td><td class=\"num\">\(format.percent($0.conversionFromStart))</td><td class=\"num\">\(format.number(earlier[$0.stageID] ?? 0))</td></tr>"
        }
        return """
            <section class="card">\(Charts.bars(bars, title: t("Deals reaching each stage", "Сделки, дошедшие до этапа")))</section>
            <table class="list report"><thead><tr><th scope="col">\(t("Stage", "Этап"))</th><th scope="col" class="num">\(t("Reached", "Дошли"))</th>
            <th scope="col" class="num">\(t("From previous", "От предыдущего"))</th><th scope="col" class="num">\(t("From start", "От начала"))</th>
            <th scope="col" class="num">\(t("Reached, previous period", "Дошли, прошлый период"))</th></tr></thead>
            <tbody>\(rows)<tr><td>\(t("Lost", "Проиграно"))</td><td class="num">\(format.number(report.lost))</td><td></td><td></td><td class="num">\(format.number(previous.lost))</td></tr></tbody></table>
            """
    }

    /// Any report's table, with a bar chart of one numeric column (the totals row, if any, left out of it).
    private func tableReport(_ table: Table, chart column: Int, totals: Bool, _ viewer: Viewer) -> HTML {
        let text = { (cell: TableCell) in Self.text(cell, viewer) }
        let number = Self.number
        let charted = totals ? Array(table.rows.dropLast()) : table.rows
        let bars = charted.filter { $0.count > column }.prefix(20).map {
            Charts.Bar(label: String(text($0[0]).prefix(24)), value: number($0[column]), caption: text($0[column]))
        }
        let head: [HTML] = table.columns.enumerated().map { "<th scope=\"col\"\(if: $0.offset > 0, " class=\"num\"")>\($0.element)</th>" }
        let rows: [HTML] = table.rows.map { row in
            let cells: [HTML] = row.enumerated().map { "<td\(if: $0.offset > 0, " class=\"num\"")>\(text($0.element))</td>" }
            return "<tr>\(cells)</tr>"
        }
        return """
            \(bars.isEmpty ? HTML.empty : "<section class=\"card\">\(Charts.bars(Array(bars), title: "\(table.title): \(table.columns[column])"))</section>" as HTML)
            \(table.rows.isEmpty ? Parts.empty(viewer.t("Nothing to show for this period.", "За этот период показать нечего.")) : """
            <div class="table-scroll"><table class="list report"><thead><tr>\(head)</tr></thead><tbody>\(rows)</tbody></table></div>
            """ as HTML)
            """
    }

    /// A cell as the reader reads it: grouped numbers, money in the workspace currency, local dates.
    static func text(_ cell: TableCell, _ viewer: Viewer) -> String {
        let format = viewer.format
        switch cell {
        case .text(let value): return value
        case .integer(let value): return format.number(value)
        case .decimal(let value, let digits):
            return digits == 2
                ? format.money(Money(amount: value, currency: viewer.workspace.currency))
                : String(Double(value) / pow(10, Double(digits)))
        case .percent(let value): return format.percent(Int((value * 100).rounded()))
        case .date(let day): return format.date(day)
        case .empty: return "—"
        }
    }

    /// A cell's magnitude for a chart (0 for text).
    static func number(_ cell: TableCell) -> Double {
        switch cell {
        case .integer(let value): Double(value)
        case .decimal(let value, _): Double(value)
        case .percent(let value): value
        default: 0
        }
    }

    /// A two-period table (period, previous) with a bar chart of the period's first money or count rows.
    private func comparison(_ table: Table, _ viewer: Viewer) -> HTML {
        let t = viewer.t
        let format = viewer.format
        let text = { (cell: TableCell) in Self.text(cell, viewer) }
        let number = Self.number
        let rows: [HTML] = table.rows.map { row in
            let change: HTML = {
                guard row.count == 3 else { return .empty }
                let now = number(row[1])
                let before = number(row[2])
                guard before != 0 else { return .empty }
                let delta = Int(((now - before) / before * 100).rounded())
                return "<span class=\"delta \(delta >= 0 ? "up" : "down")\">\(delta >= 0 ? "▲" : "▼") \(format.percent(abs(delta)))</span>"
            }()
            return
                "<tr><td>\(text(row[0]))</td><td class=\"num\">\(text(row[1])) \(change)</td><td class=\"num muted\">\(row.count > 2 ? text(row[2]) : "")</td></tr>"
        }
        let bars: [Charts.Bar] = table.rows.prefix(2).flatMap { row -> [Charts.Bar] in
            guard row.count == 3 else { return [] }
            return [
                Charts.Bar(label: "\(text(row[0])), \(t("now", "сейчас"))", value: number(row[1]), caption: text(row[1])),
                Charts.Bar(label: "\(text(row[0])), \(t("before", "ранее"))", value: number(row[2]), caption: text(row[2])),
            ]
        }
        return """
            <section class="card">\(Charts.bars(bars, title: table.title))</section>
            <table class="list report"><thead><tr><th scope="col">\(table.columns[0])</th><th scope="col" class="num">\(table.columns[1])</th>
            <th scope="col" class="num">\(table.columns[2])</th></tr></thead><tbody>\(rows)</tbody></table>
            """
    }

    private func rfm(_ cells: [RFMCell], _ viewer: Viewer) -> HTML {
        let t = viewer.t
        let format = viewer.format
        var byClass: [RFMClass: (Int, Int64)] = [:]
        for cell in cells {
            let current = byClass[cell.rfmClass] ?? (0, 0)
            byClass[cell.rfmClass] = (current.0 + cell.customers, current.1 + cell.revenue)
        }
        let rows: [HTML] = RFMClass.allCases.compactMap { rfmClass in
            guard let (count, revenue) = byClass[rfmClass] else { return nil }
            return
                "<tr><td>\(t.label(rfmClass))</td><td class=\"num\">\(format.number(count))</td><td class=\"num\">\(format.money(Money(amount: revenue, currency: viewer.workspace.currency)))</td></tr>"
        }
        return """
            <section class="card">\(Charts.rfmGrid(cells, title: t("Clients by recency (rows) and frequency (columns)", "Клиенты по давности (строки) и частоте (столбцы)"), t))</section>
            \(cells.isEmpty ? Parts.empty(t("No scored clients yet: scores appear after the hourly scoring once clients have orders.", "Оценок пока нет: они появляются после ежечасного пересчёта, когда у клиентов есть заказы.")) : """
            <table class="list report"><thead><tr><th scope="col">\(t("Class", "Класс"))</th><th scope="col" class="num">\(t("Clients", "Клиенты"))</th>
            <th scope="col" class="num">\(t("Revenue", "Выручка"))</th></tr></thead><tbody>\(rows)</tbody></table>
            """ as HTML)
            """
    }
}

extension Charts {
    /// The RFM grid: recency 5…1 down, frequency 1…5 across, each cell's shade by its share of clients.
    static func rfmGrid(_ cells: [RFMCell], title: String, _ t: Lang) -> HTML {
        let size = 96
        let left = 40
        let top = 10
        let largest = max(1, cells.map(\.customers).max() ?? 1)
        var parts: [HTML] = []
        for recency in (1...5).reversed() {
            let y = top + (5 - recency) * size
            parts.append("<text x=\"0\" y=\"\(y + size / 2 + 5)\">R\(recency)</text>")
            for frequency in 1...5 {
                let x = left + (frequency - 1) * size
                let cell = cells.first { $0.recency == recency && $0.frequency == frequency }
                let count = cell?.customers ?? 0
                let shade = String(format: "%.2f", 0.08 + 0.82 * Double(count) / Double(largest))
                let name = t.label(RFMClass.classify(recency: recency, frequency: frequency))
                // Class names take two short lines at most, so they fit the cell.
                let words = name.split(separator: " ")
                let split = words.count > 1 ? [words.dropLast().joined(separator: " "), String(words.last ?? "")] : [name]
                let lines: [HTML] = split.enumerated().map {
                    "<tspan x=\"\(x + 8)\" dy=\"\($0.offset == 0 ? 0 : 12)\">\(String($0.element.prefix(16)))</tspan>"
                }
                parts.append(
                    """
                    <g><title>\(name): \(count)</title><rect class="bar" x="\(x)" y="\(y)" width="\(size - 4)" height="\(size - 4)" rx="6" fill-opacity="\(shade)"></rect>
                    <text x="\(x + 8)" y="\(y + 24)" class="count">\(count)</text><text x="\(x + 8)" y="\(y + size - 28)" class="small">\(lines)</text></g>
                    """)
            }
        }
        for frequency in 1...5 {
            parts.append("<text x=\"\(left + (frequency - 1) * size + size / 2 - 10)\" y=\"\(top + 5 * size + 20)\">F\(frequency)</text>")
        }
        let width = left + 5 * size
        let height = top + 5 * size + 30
        return """
            <svg class="chart rfm" viewBox="0 0 \(width) \(height)" role="img" aria-label="\(title)" xmlns="http://www.w3.org/2000/svg"><title>\(title)</title>\(parts)</svg>
            """
    }
}
