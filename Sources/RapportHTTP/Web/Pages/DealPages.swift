import Foundation
import Hummingbird
import RapportCore
import RapportStore

/// Deals: the kanban board per pipeline, the list, the card, the form, moves with won/lost dialogs.
struct DealPages {
    let kit: WebKit
    var store: Store { kit.store }

    /// Cards shown per column; the column head counts and sums all of them.
    static let cardsPerColumn = 30

    func register(on router: RouterGroup<AppRequestContext>) {
        router.get("deals") { request, context in
            let viewer = try await kit.viewer(request, context)
            return WebResponse.html(try await boardPage(viewer, FormData.query(request)))
        }
        router.get("deals/export") { request, context in
            let viewer = try await kit.viewer(request, context)
            return try await RecordExport.deals(
                store: store, actor: viewer.actor, t: viewer.t, format: viewer.format, list: try Handlers.listQuery(request),
                request: request)
        }
        router.get("deals/list") { request, context in
            let viewer = try await kit.viewer(request, context)
            return WebResponse.html(try await listPage(viewer, request))
        }
        router.get("deals/new") { request, context in
            let viewer = try await kit.viewer(request, context)
            return WebResponse.html(try await formPage(viewer, deal: nil, form: FormData.query(request), errors: FormErrors()))
        }
        router.post("deals") { request, context in
            let viewer = try await kit.viewer(request, context)
            let form = try await FormData.read(request, context)
            return try await kit.submitting(viewer, form: { try await formPage(viewer, deal: nil, form: form, errors: $0) }) {
                let url = try await kit.once(form, viewer) {
                    .deal(try await store.deals.create(try await input(from: form, viewer, existing: nil), by: viewer.actor).id)
                }
                return WebResponse.redirect(url, flash: .created)
            }
        }
        router.get("deals/{id}") { request, context in
            let viewer = try await kit.viewer(request, context)
            return WebResponse.html(try await cardPage(viewer, id: try Handlers.id(context)))
        }
        router.get("deals/{id}/edit") { request, context in
            let viewer = try await kit.viewer(request, context)
            let deal = try await store.deals.get(try Handlers.id(context), by: viewer.actor)
            return WebResponse.html(try await formPage(viewer, deal: deal, form: nil, errors: FormErrors()))
        }
        router.post("deals/{id}") { request, context in
            let viewer = try await kit.viewer(request, context)
            let form = try await FormData.read(request, context)
            let id: Deal.ID = try Handlers.id(context)
            let current = try await store.deals.get(id, by: viewer.actor)
            return try await kit.submitting(viewer, form: { try await formPage(viewer, deal: current, form: form, errors: $0) }) {
                _ = try await store.deals.update(
                    id, try await input(from: form, viewer, existing: current), expectedVersion: Int64(form["version"] ?? "") ?? -1,
                    by: viewer.actor)
                return WebResponse.redirect(.deal(id), flash: .saved)
            }
        }
        router.post("deals/{id}/move") { request, context in
            let viewer = try await kit.viewer(request, context)
            let form = try await FormData.read(request, context)
            let id: Deal.ID = try Handlers.id(context)
            let back = WebURL.localReturn(form["return"]) ?? .deal(id)
            guard let stageText = form.text("stageId"), UUIDv7.isWellFormed(stageText) else { return WebResponse.redirect(back) }
            let stageID = Stage.ID(stageText.lowercased())
            let deal = try await store.deals.get(id, by: viewer.actor)
            let pipeline = try await store.pipelines.get(deal.pipelineID, by: viewer.actor)
            let reason = form.text("lostReason")
            if let stage = pipeline.stages.first(where: { $0.id == stageID }), stage.kind == .lost, reason == nil {
                return WebResponse.redirect(.closeDeal(id, stage: stageID, return: back))
            }
            do {
                _ = try await store.deals.move(
                    id, to: stageID, lostReason: reason, expectedVersion: Int64(form["version"] ?? ""), by: viewer.actor)
            } catch RecordError.versionConflict {
                return WebResponse.redirect(back, flash: .conflict)
            }
            return WebResponse.redirect(back, flash: .moved)
        }
        router.get("deals/{id}/close") { request, context in
            let viewer = try await kit.viewer(request, context)
            let query = FormData.query(request)
            let deal = try await store.deals.get(try Handlers.id(context), by: viewer.actor)
            return WebResponse.html(
                try await closePage(
                    viewer, deal: deal, stageID: Stage.ID(query["stageId"] ?? ""), back: query["return"], errors: FormErrors()))
        }
        router.post("deals/{id}/delete") { request, context in
            let viewer = try await kit.viewer(request, context)
            _ = try await FormData.read(request, context)
            _ = try await store.deals.delete(try Handlers.id(context), by: viewer.actor)
            return WebResponse.redirect(.deals, flash: .deleted)
        }
        router.post("deals/{id}/order") { request, context in
            let viewer = try await kit.viewer(request, context)
            _ = try await FormData.read(request, context)
            let id: Deal.ID = try Handlers.id(context)
            let order = try await store.orders.create(fromDeal: id, by: viewer.actor)
            let back: WebURL = order.contactID.map { .contact($0) } ?? order.companyID.map { .company($0) } ?? .deal(id)
            return WebResponse.redirect(back, flash: .created)
        }
    }

    // MARK: Board

    func boardPage(_ viewer: Viewer, _ query: FormData) async throws -> HTML {
        let t = viewer.t
        let format = viewer.format
        async let pipelineList = store.pipelines.list(by: viewer.actor)
        async let users = kit.users(viewer)
        async let teams = store.users.teams(by: viewer.actor)
        let pipelines = try await pipelineList
        guard let pipeline = pipelines.first(where: { $0.id.rawValue == query["pipeline"] }) ?? pipelines.first else {
            return Layout.page(
                viewer, title: t("Deals", "Сделки"), section: .deals, body: Parts.empty(t("No pipeline yet.", "Воронки пока нет.")))
        }
        let allUsers = try await users
        var filters = ListQuery.Filters()
        filters.pipelineID = pipeline.id
        filters.status = .open
        if let owner = query.text("ownerId"), UUIDv7.isWellFormed(owner) { filters.ownerID = User.ID(owner) }
        if let team = query.text("teamId"), UUIDv7.isWellFormed(team) { filters.teamID = Team.ID(team) }
        let openStages = pipeline.stages.filter { $0.kind == .open }
        let columns = try await withThrowingTaskGroup(of: (Stage.ID, [Deal]).self) { group in
            for stage in openStages {
                // The stage implies the pipeline and the open status; naming only the stage lets the list
                // read the stage's index in date order.
                var stageFilters = filters
                stageFilters.pipelineID = nil
                stageFilters.status = nil
                stageFilters.stageID = stage.id
                group.addTask {
                    (
                        stage.id,
                        try await store.deals.list(ListQuery(limit: Self.cardsPerColumn, filters: stageFilters), by: viewer.actor).items
                    )
                }
            }
            var result: [Stage.ID: [Deal]] = [:]
            for try await (stage, deals) in group { result[stage] = deals }
            return result
        }
        let summaries = Dictionary(
            try await store.deals.summary(ListQuery(filters: filters), by: viewer.actor).map { ($0.stageID, $0) },
            uniquingKeysWith: { a, _ in a })
        let deals = columns.values.flatMap { $0 }
        var refs: [RecordRef] = []
        for deal in deals {
            if let company = deal.companyID { refs.append(RecordRef(kind: .company, id: company.rawValue)) }
            if let contact = deal.contactIDs.first { refs.append(RecordRef(kind: .contact, id: contact.rawValue)) }
        }
        let titles = try await store.search.titles(of: refs, by: viewer.actor)
        let stageOptions = pipeline.stages.map { ($0.id.rawValue, $0.name) }
        func card(_ deal: Deal) -> HTML {
            let who = [
                deal.companyID.flatMap { titles[RecordRef(kind: .company, id: $0.rawValue)] },
                deal.contactIDs.first.flatMap { titles[RecordRef(kind: .contact, id: $0.rawValue)] },
            ].compactMap { $0 }.joined(separator: " · ")
            return """
                <li class="deal-card" id="deal-\(deal.id.rawValue)" draggable="true" data-version="\(deal.version)" data-stage="\(deal.stageID.rawValue)" data-move="\(WebURL.apiMoveDeal(deal.id))">
                <a class="title" href="\(WebURL.deal(deal.id))">\(deal.title)</a>
                <div class="amount">\(format.money(deal.amount))</div>
                \(who.isEmpty ? "" : "<div class=\"who\">\(who)</div>" as HTML)
                <div class="who">\(allUsers.name(of: deal.ownerID) ?? "")\(deal.expectedCloseDate.map { " · \(format.date($0))" } ?? "")</div>
                <form method="post" action="\(WebURL.moveDeal(deal.id))">\(Form.csrf(viewer))
                <input type="hidden" name="version" value="\(deal.version)"><input type="hidden" name="return" value="\(viewer.path)">
                <label class="visually-hidden" for="move-\(deal.id.rawValue)">\(t("Move to stage", "Перенести на этап"))</label>
                <select id="move-\(deal.id.rawValue)" name="stageId">\(options: stageOptions, selected: deal.stageID.rawValue, blank: nil)</select>
                <button type="submit" class="small">\(t("Move", "Перенести"))</button></form></li>
                """
        }
        let columnHTML: [HTML] = openStages.map { stage in
            let summary = summaries[stage.id]
            let sum = summary?.totals.map(format.money).joined(separator: " + ") ?? format.money(Money.zero(viewer.workspace.currency))
            let cards = columns[stage.id] ?? []
            let more = (summary?.count ?? 0) - cards.count
            return """
                <section class="column" data-stage="\(stage.id.rawValue)" data-kind="open" data-name="\(stage.name)" aria-label="\(stage.name)">
                <header><h2>\(stage.name) <span class="muted">\(format.number(summary?.count ?? 0))</span></h2><div class="sum">\(sum) · \(format.percent(stage.probability))</div></header>
                <ul class="cards">\(cards.map(card))</ul>
                \(more > 0 ? "<p class=\"muted\"><a href=\"\(WebURL.dealList([("pipelineId", pipeline.id.rawValue), ("stageId", stage.id.rawValue)]))\">\(t("\(more) more", "ещё \(more)"))</a></p>" as HTML : .empty)
                </section>
                """
        }
        let closers: [HTML] = pipeline.stages.filter { $0.kind != .open }.map { stage in
            "<div class=\"closer \(stage.kind.rawValue)\" data-stage=\"\(stage.id.rawValue)\" data-kind=\"\(stage.kind.rawValue)\" data-name=\"\(stage.name)\">\(stage.name): \(t("drop a deal here", "перетащите сделку сюда"))</div>"
        }
        let pipelineLinks: [HTML] = pipelines.map { item in
            "<a href=\"\(WebURL.board([("pipeline", item.id.rawValue)]))\"\(if: item.id == pipeline.id, " class=\"current\" aria-current=\"page\"")>\(item.name)</a>"
        }
        return Layout.page(
            viewer, title: t("Deals", "Сделки"), section: .deals,
            body: """
                <div class="page-head"><h1>\(t("Deals", "Сделки")): \(pipeline.name)</h1>
                <div class="actions"><a class="button" href="\(WebURL.dealList([("pipelineId", pipeline.id.rawValue)]))">\(t("List", "Список"))</a>
                <a class="button primary" href="\(WebURL.newDeal([("pipelineId", pipeline.id.rawValue)]))">\(Icon.plus) \(t("New deal", "Новая сделка"))</a></div></div>
                \(pipelines.count > 1 ? "<nav class=\"quick-tabs\" aria-label=\"\(t("Pipelines", "Воронки"))\">\(pipelineLinks)</nav>" as HTML : .empty)
                <form class="board-tools" method="get" action="/deals"><input type="hidden" name="pipeline" value="\(pipeline.id.rawValue)">
                \(Form.select(t("Owner", "Ответственный"), "ownerId", options: allUsers.options(), selected: query["ownerId"], blank: t("Everyone", "Все"), attributes: " data-autosubmit"))
                \(Form.select(t("Team", "Команда"), "teamId", options: try await teams.map { ($0.id.rawValue, $0.name) }, selected: query["teamId"], blank: t("All teams", "Все команды"), attributes: " data-autosubmit"))
                <button type="submit">\(t("Filter", "Показать"))</button></form>
                <div class="board">\(columnHTML)</div>
                <div class="closers">\(closers)</div>
                <template id="lost-reason"><form><h1 id="dialog-title">\(t("Why was the deal lost?", "Почему сделка проиграна?"))</h1>
                <p class="muted">\(t("Stage", "Этап")): <span data-stage-name></span></p>
                <div class="field"><label for="lost-text">\(t("Reason", "Причина"))</label><textarea id="lost-text" rows="3" required></textarea>
                <span class="field-error" hidden>\(t("Please give a reason.", "Укажите причину."))</span></div>
                <div class="actions"><button class="primary" type="submit">\(t("Mark as lost", "Отметить проигранной"))</button>
                <button type="button" data-cancel>\(t("Cancel", "Отмена"))</button></div></form></template>
                """)
    }

    // MARK: List

    func listPage(_ viewer: Viewer, _ request: Request) async throws -> HTML {
        let t = viewer.t
        let format = viewer.format
        let query = FormData.query(request)
        var errors = FormErrors()
        var page = Page<Deal>(items: [], nextCursor: nil)
        do { page = try await store.deals.list(try Handlers.listQuery(request), by: viewer.actor) } catch let error as ValidationError {
            errors = FormErrors(error, locale: viewer.locale)
        }
        async let users = kit.users(viewer)
        async let pipelineList = store.pipelines.list(by: viewer.actor)
        async let segmentList = store.segments.list(ListQuery(limit: 200), by: viewer.actor)
        let allUsers = try await users
        let pipelines = try await pipelineList
        let segments = try await segmentList.items
        let stageNames = Dictionary(pipelines.flatMap(\.stages).map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let titles = try await store.search.titles(
            of: page.items.compactMap { $0.companyID.map { RecordRef(kind: .company, id: $0.rawValue) } }, by: viewer.actor)
        let rows: [HTML] = page.items.map { deal in
            """
            <tr><td><a href="\(WebURL.deal(deal.id))"><b>\(deal.title)</b></a></td>
            <td class="num" data-label="\(t("Amount", "Сумма"))">\(format.money(deal.amount))</td>
            <td data-label="\(t("Stage", "Этап"))">\(stageNames[deal.stageID] ?? "")\(deal.status == .open ? "" : " <span class=\"chip \(deal.status.rawValue)\">\(t.label(deal.status))</span>" as HTML)</td>
            <td data-label="\(t("Company", "Компания"))">\(deal.companyID.flatMap { titles[RecordRef(kind: .company, id: $0.rawValue)] } ?? "")</td>
            <td data-label="\(t("Owner", "Ответственный"))">\(allUsers.name(of: deal.ownerID) ?? "")</td>
            <td data-label="\(t("Close date", "Дата закрытия"))">\(deal.expectedCloseDate.map(format.date) ?? "")</td></tr>
            """
        }
        let stageOptions = pipelines.flatMap { pipeline in pipeline.stages.map { ($0.id.rawValue, "\(pipeline.name): \($0.name)") } }
        return Layout.page(
            viewer, title: t("Deals", "Сделки"), section: .deals,
            body: """
                <div class="page-head"><h1>\(t("Deals", "Сделки"))</h1>
                <div class="actions"><a class="button" href="\(WebURL.deals)">\(t("Board", "Доска"))</a>
                \(ExportMenu.render(viewer, path: "/deals/export", query: query))
                <a class="button primary" href="\(WebURL.newDeal())">\(Icon.plus) \(t("New deal", "Новая сделка"))</a></div></div>
                \(Form.summary(errors, t))
                <form method="get" action="/deals/list" role="search"><div class="filters">
                <div class="field"><label for="f-q">\(t("Find", "Найти"))</label><input id="f-q" type="search" name="q" value="\(query["q"] ?? "")"></div>
                \(Form.select(t("Pipeline", "Воронка"), "pipelineId", options: pipelines.map { ($0.id.rawValue, $0.name) }, selected: query["pipelineId"], blank: t("All", "Все")))
                \(Form.select(t("Stage", "Этап"), "stageId", options: stageOptions, selected: query["stageId"], blank: t("Any", "Любой")))
                \(Form.select(t("Status", "Статус"), "status", options: DealStatus.allCases.map { ($0.rawValue, t.label($0)) }, selected: query["status"], blank: t("Any", "Любой")))
                \(Form.select(t("Owner", "Ответственный"), "ownerId", options: allUsers.options(), selected: query["ownerId"], blank: t("Anyone", "Любой")))
                \(Form.select(t("Clients of segment", "Клиенты сегмента"), "segment", options: segments.map { ($0.id.rawValue, $0.name) }, selected: query["segment"], errors: errors, blank: t("Any", "Любой")))
                \(Form.select(t("Sort", "Сортировка"), "sort", options: [("-createdAt", t("Newest first", "Сначала новые")), ("-amount", t("Largest first", "Сначала крупные")), ("title", t("By title", "По названию")), ("stageEnteredAt", t("Longest in stage", "Дольше всех на этапе"))], selected: query["sort"]))
                </div><div class="actions"><button type="submit" class="primary">\(t("Apply", "Применить"))</button></div></form>
                \(rows.isEmpty ? Parts.empty(t("No deals match.", "Сделок не найдено.")) : """
                <table class="list"><thead><tr><th scope="col">\(t("Deal", "Сделка"))</th><th scope="col" class="num">\(t("Amount", "Сумма"))</th><th scope="col">\(t("Stage", "Этап"))</th>
                <th scope="col">\(t("Company", "Компания"))</th><th scope="col">\(t("Owner", "Ответственный"))</th><th scope="col">\(t("Close date", "Дата закрытия"))</th></tr></thead><tbody>\(rows)</tbody></table>
                """ as HTML)
                \(Parts.nextPage(page.nextCursor?.token, base: query, path: "/deals/list", t))
                """)
    }

    // MARK: Card

    func cardPage(_ viewer: Viewer, id: Deal.ID) async throws -> HTML {
        let t = viewer.t
        let format = viewer.format
        let deal = try await store.deals.get(id, by: viewer.actor)
        let ref = RecordRef(kind: .deal, id: id.rawValue)
        var taskFilter = ListQuery.Filters()
        taskFilter.dealID = id
        taskFilter.done = false
        async let pipeline = store.pipelines.get(deal.pipelineID, by: viewer.actor)
        async let tasks = store.tasks.list(ListQuery(limit: 20, filters: taskFilter), by: viewer.actor)
        async let timeline = store.timeline.timeline(of: ref, limit: 50, cursor: nil, by: viewer.actor)
        async let users = kit.users(viewer)
        async let definitions = store.workspaces.customFields(entity: .deal, by: viewer.actor)
        async let estimate = store.winModels.estimate(deal, by: viewer.actor)
        var refs = deal.contactIDs.map { RecordRef(kind: .contact, id: $0.rawValue) }
        if let company = deal.companyID { refs.append(RecordRef(kind: .company, id: company.rawValue)) }
        let titles = try await store.search.titles(of: refs, by: viewer.actor)
        let allUsers = try await users
        let stages = try await pipeline.stages
        let stageNames = Dictionary(stages.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let items = try await timeline.items
        let now = kit.now
        var facts: [HTML] = [
            "<dt>\(t("Amount", "Сумма"))</dt><dd><b>\(format.money(deal.amount))</b></dd>",
            "<dt>\(t("Stage", "Этап"))</dt><dd>\(stageNames[deal.stageID] ?? "—") <span class=\"muted\">\(t("since", "с")) \(format.date(deal.stageEnteredAt))</span></dd>",
            "<dt>\(t("Status", "Статус"))</dt><dd><span class=\"chip \(deal.status.rawValue)\">\(t.label(deal.status))</span></dd>",
            "<dt>\(t("Probability", "Вероятность"))</dt><dd>\(format.percent(deal.probability))</dd>",
        ]
        if let prediction = try await estimate.prediction {
            let factors: [HTML] = prediction.factors.prefix(3).filter { abs($0.contribution) >= 0.05 }.map { factor in
                let name: String =
                    switch factor.feature {
                    case .stage: t("stage", "этап") + " " + (stageNames[Stage.ID(factor.value)] ?? "")
                    case .age: t("age", "возраст") + " " + factor.value
                    case .amount: t("amount", "сумма")
                    case .source: t("source", "источник") + " " + factor.value
                    case .activity: t("activities", "активностей") + ": " + factor.value
                    case .owner: t("owner", "ответственный") + " " + (allUsers.name(of: User.ID(factor.value)) ?? "")
                    }
                return "<li class=\"\(factor.contribution > 0 ? "up" : "down")\">\(factor.contribution > 0 ? "▲" : "▼") \(name)</li>"
            }
            facts.append(
                """
                <dt>\(t("Learned chance", "Шанс по опыту"))</dt><dd><b>\(format.percent(prediction.percent))</b>
                <span class="muted">\(t("from", "по")) \(format.number(try await estimate.examples)) \(t("closed deals", "закрытым сделкам"))</span>
                \(factors.isEmpty ? HTML.empty : "<ul class=\"factors\">\(factors)</ul>" as HTML)</dd>
                """)
        }
        if let reason = deal.lostReason { facts.append("<dt>\(t("Lost because", "Причина проигрыша"))</dt><dd>\(reason)</dd>") }
        if let close = deal.expectedCloseDate {
            facts.append("<dt>\(t("Expected close", "Ожидаемое закрытие"))</dt><dd>\(format.date(close))</dd>")
        }
        facts.append("<dt>\(t("Owner", "Ответственный"))</dt><dd>\(allUsers.name(of: deal.ownerID) ?? "—")</dd>")
        if let company = deal.companyID, let name = titles[RecordRef(kind: .company, id: company.rawValue)] {
            facts.append("<dt>\(t("Company", "Компания"))</dt><dd><a href=\"\(WebURL.company(company))\">\(name)</a></dd>")
        }
        let people: [HTML] = deal.contactIDs.compactMap { id in
            titles[RecordRef(kind: .contact, id: id.rawValue)].map { "<a href=\"\(WebURL.contact(id))\">\($0)</a>" }
        }
        if !people.isEmpty { facts.append("<dt>\(t("Contacts", "Контакты"))</dt><dd>\(HTML.join(people, separator: "<br>"))</dd>") }
        if let source = deal.source.source ?? deal.source.utmSource {
            facts.append("<dt>\(t("Source", "Источник"))</dt><dd>\(source)</dd>")
        }
        if !deal.tags.isEmpty { facts.append("<dt>\(t("Tags", "Теги"))</dt><dd>\(Parts.tags(deal.tags))</dd>") }
        facts.append(RecordViews.customFields(deal.customFields, definitions: try await definitions, viewer))
        facts.append("<dt>\(t("Created", "Создана"))</dt><dd>\(format.dateTime(deal.createdAt))</dd>")
        let stageOptions = stages.map { ($0.id.rawValue, $0.name) }
        return Layout.page(
            viewer, title: deal.title, section: .deals,
            body: """
                <div class="page-head"><h1>\(deal.title)</h1>
                <div class="actions"><a class="button" href="\(WebURL.editDeal(id))">\(Icon.edit) \(t("Edit", "Изменить"))</a>
                \(if: deal.status == .won, """
                <form method="post" action="\(WebURL("/deals/\(id.rawValue)/order"))">\(Form.csrf(viewer))<button type="submit">\(Icon.plus) \(t("Create order", "Создать заказ"))</button></form>
                """ as HTML)
                <form method="post" action="\(WebURL.deleteDeal(id))" data-confirm="\(t("Move this deal to the trash?", "Переместить сделку в корзину?"))">\(Form.csrf(viewer))
                <button type="submit" class="danger">\(Icon.trash) \(t("Delete", "Удалить"))</button></form></div></div>
                <form class="board-tools" method="post" action="\(WebURL.moveDeal(id))">\(Form.csrf(viewer))
                <input type="hidden" name="version" value="\(deal.version)"><input type="hidden" name="return" value="\(viewer.path)">
                \(Form.select(t("Move to stage", "Перенести на этап"), "stageId", options: stageOptions, selected: deal.stageID.rawValue))
                <button type="submit">\(t("Move", "Перенести"))</button></form>
                <div class="record">
                <div><section class="card"><dl class="facts">\(facts)</dl></section>
                \(try await DocumentPages.panel(viewer, store: store, record: ref))
                \(RecordViews.openTasks(try await tasks.items, viewer, users: allUsers, now: now))</div>
                \(RecordViews.historyColumn(viewer, record: ref, items: items, users: allUsers, stageNames: stageNames, now: now))
                </div>
                """)
    }

    func closePage(_ viewer: Viewer, deal: Deal, stageID: Stage.ID, back: String?, errors: FormErrors) async throws -> HTML {
        let t = viewer.t
        let pipeline = try await store.pipelines.get(deal.pipelineID, by: viewer.actor)
        let stage = pipeline.stages.first { $0.id == stageID }
        return Layout.page(
            viewer, title: t("Why was the deal lost?", "Почему сделка проиграна?"), section: .deals,
            body: """
                <div class="card"><h1>\(t("Why was the deal lost?", "Почему сделка проиграна?"))</h1>
                <p>\(deal.title) → <b>\(stage?.name ?? "")</b></p>
                <form method="post" action="\(WebURL.moveDeal(deal.id))">\(Form.csrf(viewer))
                <input type="hidden" name="version" value="\(deal.version)"><input type="hidden" name="stageId" value="\(stageID.rawValue)">
                \(Form.hidden("return", WebURL.localReturn(back)?.path))
                \(Form.textarea(t("Reason", "Причина"), "lostReason", value: nil, errors: errors, rows: 3))
                <div class="actions"><button class="primary" type="submit">\(t("Mark as lost", "Отметить проигранной"))</button>
                <a class="button" href="\(WebURL.deal(deal.id))">\(t("Cancel", "Отмена"))</a></div></form></div>
                """)
    }

    // MARK: Form

    func formPage(_ viewer: Viewer, deal: Deal?, form: FormData?, errors: FormErrors) async throws -> HTML {
        let t = viewer.t
        async let users = kit.users(viewer)
        async let definitions = store.workspaces.customFields(entity: .deal, by: viewer.actor)
        async let pipelineList = store.pipelines.list(by: viewer.actor)
        let pipelines = try await pipelineList
        func value(_ name: String, _ current: String?) -> String? { form?[name] ?? current }
        var refs: [RecordRef] = []
        let contactID = form?.text("contactId") ?? deal?.contactIDs.first?.rawValue
        let companyID = form?.text("companyId") ?? deal?.companyID?.rawValue
        if let contactID { refs.append(RecordRef(kind: .contact, id: contactID)) }
        if let companyID { refs.append(RecordRef(kind: .company, id: companyID)) }
        let titles = try await store.search.titles(of: refs, by: viewer.actor)
        // A deal for a contact of a company belongs to that company too.
        var companyName = companyID.flatMap { titles[RecordRef(kind: .company, id: $0)] }
        if companyName == nil, deal == nil, let contactID, UUIDv7.isWellFormed(contactID),
            let contact = try? await store.contacts.get(Contact.ID(contactID), by: viewer.actor),
            let link = contact.companies.first(where: \.isPrimary) ?? contact.companies.first
        {
            companyName = try await store.search.titles(of: [RecordRef(kind: .company, id: link.companyID.rawValue)], by: viewer.actor)
                .values.first
        }
        let contactName = contactID.flatMap { titles[RecordRef(kind: .contact, id: $0)] }
        let title = deal == nil ? t("New deal", "Новая сделка") : t("Edit deal", "Изменить сделку")
        let action = deal.map { WebURL.deal($0.id) } ?? WebURL.deals
        let stageOptions = pipelines.flatMap { pipeline in
            pipeline.stages.filter { $0.kind == .open || deal != nil }.map {
                ($0.id.rawValue, pipelines.count > 1 ? "\(pipeline.name): \($0.name)" : $0.name)
            }
        }
        let selectedPipeline = pipelines.first { $0.id.rawValue == (form?["pipelineId"] ?? deal?.pipelineID.rawValue) } ?? pipelines.first
        let amount = deal.map { $0.amount.decimalString }
        return Layout.page(
            viewer, title: title, section: .deals,
            body: """
                <div class="card"><h1>\(title)</h1>
                \(Form.summary(errors, t))
                <form method="post" action="\(action)" novalidate>\(deal == nil ? WebKit.createFields(viewer) : Form.csrf(viewer))
                \(deal.map { Form.hidden("version", String($0.version)) })\(Form.hidden("contactId", contactID))
                \(contactName.map { "<p>\(t("Contact", "Контакт")): <b>\($0)</b></p>" as HTML })
                \(Form.field(t("Title", "Название"), "title", value: value("title", deal?.title), errors: errors, required: true))
                <div class="grid2">
                \(Form.field(t("Amount", "Сумма") + ", " + Formatting.symbol(of: deal?.amount.currency ?? viewer.workspace.currency), "amount", value: value("amount", amount), errors: errors, attributes: " inputmode=\"decimal\""))
                \(Form.select(t("Stage", "Этап"), "stageId", options: stageOptions, selected: value("stageId", deal?.stageID.rawValue ?? selectedPipeline?.stages.first?.id.rawValue), errors: errors))
                \(Form.field(t("Company", "Компания"), "company", value: value("company", companyName), errors: errors, hint: t("An existing name or a new one", "Существующая или новая"), attributes: " autocomplete=\"off\""))
                \(Form.select(t("Owner", "Ответственный"), "ownerId", options: try await users.options(keeping: deal?.ownerID), selected: value("ownerId", deal?.ownerID?.rawValue ?? viewer.user.id.rawValue), errors: errors))
                \(Form.field(t("Expected close", "Ожидаемая дата закрытия"), "expectedCloseDate", value: value("expectedCloseDate", deal?.expectedCloseDate?.description), errors: errors, type: "date"))
                \(Form.field(t("Probability, %", "Вероятность, %"), "probability", value: value("probability", deal.flatMap { $0.probabilityIsManual ? String($0.probability) : nil }), errors: errors, type: "number", hint: t("Leave empty to use the stage's", "Пусто — по этапу"), attributes: " min=\"0\" max=\"100\""))
                </div>
                \(Form.field(t("Tags", "Теги"), "tags", value: value("tags", deal?.tags.joined(separator: ", ")), errors: errors, hint: t("Separated by commas", "Через запятую")))
                \(RecordViews.customFieldInputs(try await definitions, values: deal?.customFields ?? [:], form: form?.has("title") == true ? form : nil, errors: errors, t))
                <div class="actions"><button class="primary" type="submit">\(t("Save", "Сохранить"))</button>
                <a class="button" href="\(deal.map { WebURL.deal($0.id) } ?? WebURL.deals)">\(t("Cancel", "Отмена"))</a></div>
                </form></div>
                """)
    }

    func input(from form: FormData, _ viewer: Viewer, existing: Deal?) async throws -> DealInput {
        var object: [String: JSONValue] = ["title": form.text("title").map(JSONValue.string) ?? .null]
        let currency = existing?.amount.currency ?? viewer.workspace.currency
        var issues = FieldIssues()
        if let text = form.text("amount") {
            do {
                let money = try Money.parse(text, currency: currency)
                object["amount"] = .object(["amount": .int(money.amount), "currency": .string(currency.rawValue)])
            } catch {
                issues.add("amount", .invalidFormat)
            }
        } else if existing == nil {
            object["amount"] = .object(["amount": 0, "currency": .string(currency.rawValue)])
        }
        if let stage = form.text("stageId") { object["stageId"] = .string(stage) }
        if form.has("ownerId") { object["ownerId"] = form.text("ownerId").map(JSONValue.string) ?? .null }
        object["expectedCloseDate"] = form.text("expectedCloseDate").map(JSONValue.string) ?? .null
        if let probability = form.text("probability") {
            object["probability"] = Int(probability).map { .int(Int64($0)) } ?? .string(probability)
        } else if existing?.probabilityIsManual == true {
            object["probability"] = .null
        }
        if let contact = form.text("contactId") { object["contactIds"] = .array([.string(contact)]) }
        object["tags"] = .array(form.list("tags").map(JSONValue.string))
        let definitions = try await store.workspaces.customFields(entity: .deal, by: viewer.actor)
        if !definitions.isEmpty {
            object["customFields"] = RecordViews.customFieldValues(definitions, form: form, currency: viewer.workspace.currency)
        }
        var reader = WebKit.reader(object)
        var input = reader.dealInput()
        issues.add(contentsOf: reader.issues.all)
        try issues.throwIfAny()
        if let name = form.text("company") {
            input.companyID = .set(try await kit.companyID(named: name, viewer))
        } else if existing?.companyID != nil {
            input.companyID = .clear
        }
        return input
    }
}
