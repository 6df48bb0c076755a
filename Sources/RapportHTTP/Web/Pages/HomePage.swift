import Foundation
import Hummingbird
import RapportCore
import RapportStore

/// Home: my tasks due today and overdue, my open deals by stage with sums, recent activity. A head of
/// sales sees the team's.
struct HomePage {
    let kit: WebKit
    var store: Store { kit.store }

    struct Model {
        var scope: TaskPages.Scope
        var overdue: [TaskItem]
        var today: [TaskItem]
        var pipeline: Pipeline?
        var summaries: [Stage.ID: StageSummary]
        var recent: [Activity]
        var titles: [RecordRef: String]
        var users: [User]
    }

    func register(on router: RouterGroup<AppRequestContext>) {
        router.get("") { request, context in
            let viewer = try await kit.viewer(request, context)
            let model = try await load(viewer, FormData.query(request))
            return WebResponse.html(render(viewer, model))
        }
    }

    func load(_ viewer: Viewer, _ query: FormData) async throws -> Model {
        let scope = TaskPages.Scope(query, viewer)
        let due = scope.dueFilters(viewer, now: kit.now)
        async let overdue = store.tasks.list(ListQuery(limit: 50, filters: due.overdue), by: viewer.actor)
        async let dueToday = store.tasks.list(ListQuery(limit: 50, filters: due.today), by: viewer.actor)
        async let pipelines = store.pipelines.list(by: viewer.actor)
        async let recent = store.activities.list(ListQuery(limit: 10, filters: scope.filters(viewer)), by: viewer.actor)
        async let users = kit.users(viewer)
        let pipeline = try await pipelines.first
        var summaries: [Stage.ID: StageSummary] = [:]
        if let pipeline {
            var dealFilter = scope.filters(viewer)
            dealFilter.pipelineID = pipeline.id
            dealFilter.status = .open
            for summary in try await store.deals.summary(ListQuery(filters: dealFilter), by: viewer.actor) {
                summaries[summary.stageID] = summary
            }
        }
        let tasks = try await (overdue.items, dueToday.items)
        let activities = try await recent.items
        var refs = (tasks.0 + tasks.1).compactMap(\.related)
        for activity in activities {
            if let id = activity.dealID { refs.append(RecordRef(kind: .deal, id: id.rawValue)) }
            if let id = activity.contactID { refs.append(RecordRef(kind: .contact, id: id.rawValue)) }
            if let id = activity.companyID { refs.append(RecordRef(kind: .company, id: id.rawValue)) }
        }
        return Model(
            scope: scope, overdue: tasks.0, today: tasks.1, pipeline: pipeline, summaries: summaries, recent: activities,
            titles: try await store.search.titles(of: refs, by: viewer.actor), users: try await users)
    }

    func render(_ viewer: Viewer, _ model: Model) -> HTML {
        let t = viewer.t
        let now = kit.now
        let team = model.scope == .team
        let openStages = model.pipeline?.stages.filter { $0.kind == .open } ?? []
        let currency = viewer.workspace.currency
        func total(_ stage: Stage) -> Money {
            model.summaries[stage.id]?.totals.first { $0.currency == currency } ?? Money.zero(currency)
        }
        let bars = openStages.map { stage in
            let summary = model.summaries[stage.id]
            return Charts.Bar(
                label: stage.name, value: Double(total(stage).amount),
                caption: "\(viewer.format.money(total(stage))) · \(summary?.count ?? 0)")
        }
        let dealCount = openStages.reduce(0) { $0 + (model.summaries[$1.id]?.count ?? 0) }
        let pipelineSum = openStages.reduce(Int64(0)) { $0 + total($1).amount }
        let weighted = openStages.reduce(Int64(0)) { $0 + total($1).amount * Int64($1.probability) / 100 }
        let recent: [HTML] = model.recent.map { activity in
            var links: [HTML] = []
            for ref in [
                activity.contactID.map { RecordRef(kind: .contact, id: $0.rawValue) },
                activity.dealID.map { RecordRef(kind: .deal, id: $0.rawValue) },
                activity.companyID.map { RecordRef(kind: .company, id: $0.rawValue) },
            ].compactMap({ $0 }) {
                if let url = WebURL.record(ref), let title = model.titles[ref] { links.append("<a href=\"\(url)\">\(title)</a>") }
            }
            return """
                <li><div class="meta">\(t.label(activity.kind)) · \(viewer.format.dateTime(activity.occurredAt))\(model.users.name(of: activity.authorID).map { " · \($0)" } ?? "") \(HTML.join(links, separator: ", "))</div>
                <div class="body">\(activity.subject ?? "")\(activity.subject != nil && activity.body != nil ? " — " : "")\(activity.body ?? "")</div></li>
                """
        }
        return Layout.page(
            viewer, title: t("Home", "Главная"), section: .home,
            body: """
                <div class="page-head"><h1>\(t("Hello", "Здравствуйте")), \(viewer.user.name)</h1>
                <nav class="quick-tabs" aria-label="\(t("Whose work", "Чья работа"))">
                <a href="/?scope=mine"\(if: !team, " class=\"current\" aria-current=\"page\"")>\(t("Mine", "Моё"))</a>
                <a href="/?scope=team"\(if: team, " class=\"current\" aria-current=\"page\"")>\(t("Team", "Команда"))</a></nav></div>
                <div class="stat-row">
                <div class="stat"><span class="muted">\(t("Overdue tasks", "Просрочено задач"))</span><b>\(model.overdue.count)</b></div>
                <div class="stat"><span class="muted">\(t("Due today", "На сегодня"))</span><b>\(model.today.count)</b></div>
                <div class="stat"><span class="muted">\(t("Open deals", "Сделок в работе"))</span><b>\(viewer.format.number(dealCount))</b></div>
                <div class="stat"><span class="muted">\(t("Pipeline", "Сумма в воронке"))</span><b>\(viewer.format.money(Money(amount: pipelineSum, currency: currency)))</b></div>
                <div class="stat"><span class="muted">\(t("Weighted forecast", "Прогноз с учётом вероятности"))</span><b>\(viewer.format.money(Money(amount: weighted, currency: currency)))</b></div>
                </div>
                <div class="columns">
                <section class="card" id="today-tasks"><h2>\(t("Tasks: overdue and today", "Задачи: просроченные и на сегодня"))</h2>
                \(TaskViews.list(model.overdue + model.today, viewer, titles: model.titles, users: model.users, now: now, showAssignee: team, empty: t("Nothing due. Well done!", "Срочных задач нет. Отлично!")))
                <p><a href="\(WebURL.tasks)">\(t("All tasks", "Все задачи")) →</a></p></section>
                <section class="card"><h2>\(t("Open deals by stage", "Сделки в работе по этапам"))\(model.pipeline.map { ": \($0.name)" } ?? "")</h2>
                \(bars.isEmpty ? Parts.empty(t("No pipeline yet.", "Воронки пока нет.")) : Charts.bars(bars, title: t("Open deals by stage", "Сделки по этапам")))
                <p><a href="\(WebURL.deals)">\(t("Open the board", "Открыть доску")) →</a></p></section>
                </div>
                <section class="card"><h2>\(t("Recent activity", "Последние события"))</h2>
                \(recent.isEmpty ? Parts.empty(t("No activity yet.", "Событий пока нет.")) : "<ul class=\"timeline\">\(recent)</ul>")</section>
                """)
    }
}
