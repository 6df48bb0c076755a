import Foundation
import Hummingbird
import RapportCore
import RapportStore

/// A task as a row with its one-click "done" button (home, task list, record cards).
enum TaskViews {
    static func item(
        _ task: TaskItem, _ viewer: Viewer, titles: [RecordRef: String], users: [User], now: Date, showAssignee: Bool = false
    ) -> HTML {
        let t = viewer.t
        let late = task.doneAt == nil && (task.dueAt.map { $0 < now } ?? false)
        var meta: [HTML] = ["\(t.label(task.kind))"]
        if let due = task.dueAt {
            meta.append("<span class=\"\(late ? "overdue" : "")\">\(viewer.format.dateTime(due))</span>")
        }
        if let related = task.related, let url = WebURL.record(related) {
            meta.append("<a href=\"\(url)\">\(titles[related] ?? t.label(related.kind))</a>")
        }
        if showAssignee, let name = users.name(of: task.assigneeID) { meta.append("\(name)") }
        let done: HTML =
            task.doneAt == nil
            ? """
            <form method="post" action="\(WebURL.completeTask(task.id))">\(Form.csrf(viewer))
            <input type="hidden" name="return" value="\(viewer.path)"><input type="hidden" name="version" value="\(task.version)">
            <button class="done-button" type="submit" title="\(t("Mark as done", "Отметить выполненной"))" aria-label="\(t("Done", "Выполнено")): \(task.title)">\(Icon.check)</button></form>
            """
            : "<span class=\"chip won\">\(t("Done", "Выполнена"))</span>"
        return """
            <li data-task="\(task.id.rawValue)">\(done)<div class="what"><div>\(task.title)</div>
            <div class="muted">\(HTML.join(meta, separator: " · "))</div>\(task.notes.map { "<div class=\"muted\">\($0)</div>" as HTML })</div></li>
            """
    }

    static func list(
        _ tasks: [TaskItem], _ viewer: Viewer, titles: [RecordRef: String], users: [User], now: Date, showAssignee: Bool = false,
        empty: String
    ) -> HTML {
        guard !tasks.isEmpty else { return Parts.empty(empty) }
        return
            "<ul class=\"task-list\">\(tasks.map { item($0, viewer, titles: titles, users: users, now: now, showAssignee: showAssignee) })</ul>"
    }
}

/// Tasks: the list (mine or the team's; overdue, today, upcoming), the calendar, creating from anywhere.
struct TaskPages {
    let kit: WebKit
    var store: Store { kit.store }

    func register(on router: RouterGroup<AppRequestContext>) {
        router.get("tasks") { request, context in
            let viewer = try await kit.viewer(request, context)
            return WebResponse.html(try await listPage(viewer, FormData.query(request)))
        }
        router.get("tasks/calendar") { request, context in
            let viewer = try await kit.viewer(request, context)
            return WebResponse.html(try await calendarPage(viewer, FormData.query(request)))
        }
        router.get("tasks/new") { request, context in
            let viewer = try await kit.viewer(request, context)
            return WebResponse.html(try await newPage(viewer, FormData.query(request), errors: FormErrors()))
        }
        router.post("tasks") { request, context in
            let viewer = try await kit.viewer(request, context)
            let form = try await FormData.read(request, context)
            return try await kit.submitting(viewer, form: { try await newPage(viewer, form, errors: $0) }) {
                let url = try await kit.once(form, viewer) {
                    var object: [String: JSONValue] = ["title": form.text("title").map(JSONValue.string) ?? .null]
                    if let kind = form.text("kind") { object["kind"] = .string(kind) }
                    if let due = WebKit.instant(date: form["dueAt"], time: form["dueTime"], format: viewer.format) { object["dueAt"] = due }
                    if let assignee = form.text("assigneeId") { object["assigneeId"] = .string(assignee) }
                    if let kind = form.text("relatedKind"), let id = form.text("relatedId") {
                        object["related"] = .object(["kind": .string(kind), "id": .string(id)])
                    }
                    if let notes = form.text("notes") { object["notes"] = .string(notes) }
                    var reader = WebKit.reader(object)
                    let input = reader.taskInput()
                    try reader.finish()
                    _ = try await store.tasks.create(input, by: viewer.actor)
                    return WebURL.localReturn(form["return"]) ?? .tasks
                }
                return WebResponse.redirect(url, flash: .created)
            }
        }
        router.post("tasks/{id}/complete") { request, context in
            let viewer = try await kit.viewer(request, context)
            let form = try await FormData.read(request, context)
            let id: TaskItem.ID = try Handlers.id(context)
            var input = TaskInput()
            input.done = true
            let current = try await store.tasks.get(id, by: viewer.actor)
            if current.doneAt == nil { _ = try await store.tasks.update(id, input, expectedVersion: current.version, by: viewer.actor) }
            return WebResponse.redirect(WebURL.localReturn(form["return"]) ?? .tasks, flash: .completed)
        }
    }

    // MARK: List

    /// Whose work a page shows: mine, or my team's (everyone's I may see when I have no team). A head of
    /// sales starts on the team's.
    enum Scope: String {
        case mine, team

        init(_ query: FormData, _ viewer: Viewer) {
            self = Scope(rawValue: query["scope"] ?? "") ?? (viewer.user.role == .headOfSales ? .team : .mine)
        }

        /// The owner (or assignee, or author) filter of the scope.
        func filters(_ viewer: Viewer) -> ListQuery.Filters {
            var filters = ListQuery.Filters()
            switch self {
            case .mine: filters.ownerID = viewer.user.id
            case .team: filters.teamID = viewer.user.teamID
            }
            return filters
        }

        /// Open tasks of the scope due before today, today, and after today, in the workspace's time zone.
        func dueFilters(_ viewer: Viewer, now: Date, segment: Segment.ID? = nil) -> (
            overdue: ListQuery.Filters, today: ListQuery.Filters, upcoming: ListQuery.Filters
        ) {
            let today = viewer.today(now)
            let dayStart = viewer.format.startOfDay(today)
            let tomorrow = viewer.format.startOfDay(viewer.format.adding(days: 1, to: today))
            var open = filters(viewer)
            open.segmentID = segment
            open.done = false
            var overdue = open
            overdue.dueTo = dayStart
            var dueToday = open
            dueToday.dueFrom = dayStart
            dueToday.dueTo = tomorrow
            var upcoming = open
            upcoming.dueFrom = tomorrow
            return (overdue, dueToday, upcoming)
        }
    }

    func listPage(_ viewer: Viewer, _ query: FormData) async throws -> HTML {
        let t = viewer.t
        let scope = Scope(query, viewer)
        let now = kit.now
        // Tasks about a segment's clients (their cards and deals), when one is picked.
        let segment = query["segment"]?.trimmedOrNil.map { Segment.ID($0) }
        let due = scope.dueFilters(viewer, now: now, segment: segment)
        async let segmentList = store.segments.list(ListQuery(limit: 200), by: viewer.actor)
        async let overdue = store.tasks.list(ListQuery(limit: 100, filters: due.overdue), by: viewer.actor)
        async let dueToday = store.tasks.list(ListQuery(limit: 100, filters: due.today), by: viewer.actor)
        async let upcoming = store.tasks.list(ListQuery(limit: 50, filters: due.upcoming), by: viewer.actor)
        async let users = kit.users(viewer)
        let sections = try await [overdue.items, dueToday.items, upcoming.items]
        let allUsers = try await users
        let titles = try await store.search.titles(of: sections.flatMap { $0.compactMap(\.related) }, by: viewer.actor)
        let team = scope == .team
        func section(_ title: String, _ tasks: [TaskItem], _ empty: String) -> HTML {
            """
            <section class="card"><h2>\(title) <span class="muted">\(tasks.count)</span></h2>
            \(TaskViews.list(tasks, viewer, titles: titles, users: allUsers, now: now, showAssignee: team, empty: empty))</section>
            """
        }
        return Layout.page(
            viewer, title: t("Tasks", "Задачи"), section: .tasks,
            body: """
                <div class="page-head"><h1>\(t("Tasks", "Задачи"))</h1>
                <div class="actions"><a class="button" href="\(WebURL.calendar([("scope", scope.rawValue)]))">\(t("Calendar", "Календарь"))</a>
                <a class="button primary" href="\(WebURL.newTask([("return", viewer.path)]))" data-dialog>\(Icon.plus) \(t("New task", "Новая задача"))</a></div></div>
                <nav class="quick-tabs" aria-label="\(t("Whose tasks", "Чьи задачи"))">
                <a href="\(WebURL.tasks([("scope", "mine")]))"\(if: !team, " class=\"current\" aria-current=\"page\"")>\(t("Mine", "Мои"))</a>
                <a href="\(WebURL.tasks([("scope", "team")]))"\(if: team, " class=\"current\" aria-current=\"page\"")>\(t("Team", "Команды"))</a></nav>
                <form class="board-tools" method="get" action="/tasks"><input type="hidden" name="scope" value="\(scope.rawValue)">
                \(Form.select(t("Clients of segment", "Клиенты сегмента"), "segment", options: try await segmentList.items.map { ($0.id.rawValue, $0.name) }, selected: segment?.rawValue, blank: t("Any", "Любой"), attributes: " data-autosubmit"))
                <button type="submit">\(t("Show", "Показать"))</button></form>
                \(section(t("Overdue", "Просрочены"), sections[0], t("Nothing overdue.", "Просроченных нет.")))
                \(section(t("Today", "Сегодня"), sections[1], t("Nothing for today.", "На сегодня ничего.")))
                \(section(t("Upcoming", "Предстоящие"), sections[2], t("Nothing planned.", "Ничего не запланировано.")))
                """)
    }

    // MARK: Calendar

    func calendarPage(_ viewer: Viewer, _ query: FormData) async throws -> HTML {
        let t = viewer.t
        let format = viewer.format
        let now = kit.now
        let today = viewer.today(now)
        let isWeek = query["view"] == "week"
        let anchor = query["date"].flatMap(LocalDate.init(iso:)) ?? today
        let first: LocalDate
        let days: Int
        let previous: LocalDate
        let next: LocalDate
        let heading: String
        if isWeek {
            first = format.weekStart(anchor)
            days = 7
            previous = format.adding(days: -7, to: first)
            next = format.adding(days: 7, to: first)
            heading = "\(format.date(first)) – \(format.date(format.adding(days: 6, to: first)))"
        } else {
            let monthStart = LocalDate(year: anchor.year, month: anchor.month, day: 1) ?? anchor
            first = format.weekStart(monthStart)
            days = 42
            previous =
                LocalDate(year: anchor.month == 1 ? anchor.year - 1 : anchor.year, month: anchor.month == 1 ? 12 : anchor.month - 1, day: 1)
                ?? anchor
            next =
                LocalDate(
                    year: anchor.month == 12 ? anchor.year + 1 : anchor.year, month: anchor.month == 12 ? 1 : anchor.month + 1, day: 1)
                ?? anchor
            heading = format.monthTitle(year: anchor.year, month: anchor.month)
        }
        let users = try await kit.users(viewer)
        var filters = ListQuery.Filters()
        let person = query.text("user").flatMap { id in users.first { $0.id.rawValue == id } }
        if let person { filters.ownerID = person.id }
        filters.dueFrom = format.startOfDay(first)
        filters.dueTo = format.startOfDay(format.adding(days: days, to: first))
        var tasks: [TaskItem] = []
        var cursor: String?
        repeat {
            let page = try await store.tasks.list(ListQuery(limit: PageSize.maximum, cursor: cursor, filters: filters), by: viewer.actor)
            tasks += page.items
            cursor = page.nextCursor?.token
        } while cursor != nil && tasks.count < 2000
        var byDay: [LocalDate: [TaskItem]] = [:]
        var load: [User.ID: Int] = [:]
        for task in tasks {
            guard let due = task.dueAt else { continue }
            byDay[format.localDate(due), default: []].append(task)
            if task.doneAt == nil, let assignee = task.assigneeID { load[assignee, default: 0] += 1 }
        }
        let view = isWeek ? "week" : "month"
        func link(_ date: LocalDate, _ view: String) -> WebURL {
            WebURL.calendar([("view", view), ("date", date.description), ("user", person?.id.rawValue)])
        }
        var cells: [HTML] = format.weekdayNames.map { "<div class=\"wd\" aria-hidden=\"true\">\($0)</div>" }
        for offset in 0..<days {
            let day = format.adding(days: offset, to: first)
            let items = (byDay[day] ?? []).map { task -> HTML in
                let late = task.doneAt == nil && (task.dueAt.map { $0 < now } ?? false)
                let who = users.name(of: task.assigneeID).map { " · \($0)" } ?? ""
                return
                    "<li class=\"\(task.doneAt != nil ? "done" : late ? "late" : "")\" title=\"\(task.title)\(who)\">\(format.time(task.dueAt ?? now)) \(task.title)</li>"
            }
            let other = !isWeek && day.month != anchor.month
            cells.append(
                """
                <div class="day\(other ? " other" : "")\(day == today ? " today" : "")"><h3>\(format.weekdayNames[offset % 7]) \(format.date(day))</h3>
                <ul>\(items)</ul></div>
                """)
        }
        let loadChips: [HTML] = users.filter { load[$0.id] != nil }.sorted { load[$0.id, default: 0] > load[$1.id, default: 0] }.map {
            "<span>\($0.name): <b>\(load[$0.id] ?? 0)</b></span>"
        }
        return Layout.page(
            viewer, title: t("Calendar", "Календарь"), section: .tasks,
            body: """
                <div class="page-head"><h1>\(t("Calendar", "Календарь")): \(heading)</h1>
                <div class="actions"><a class="button" href="\(WebURL.tasks)">\(t("List", "Список"))</a>
                <a class="button primary" href="\(WebURL.newTask([("return", viewer.path)]))" data-dialog>\(Icon.plus) \(t("New task", "Новая задача"))</a></div></div>
                <form class="board-tools" method="get" action="/tasks/calendar">
                <input type="hidden" name="view" value="\(view)"><input type="hidden" name="date" value="\(anchor.description)">
                \(Form.select(t("Employee", "Сотрудник"), "user", options: users.options(), selected: person?.id.rawValue, blank: t("Everyone", "Все"), attributes: " data-autosubmit"))
                <button type="submit">\(t("Show", "Показать"))</button></form>
                <nav class="quick-tabs" aria-label="\(t("Period", "Период"))">
                <a href="\(link(previous, view))" rel="prev">← \(t("Previous", "Назад"))</a>
                <a href="\(link(today, view))">\(t("Today", "Сегодня"))</a>
                <a href="\(link(next, view))" rel="next">\(t("Next", "Вперёд")) →</a>
                <a href="\(link(anchor, "week"))"\(if: isWeek, " class=\"current\"")>\(t("Week", "Неделя"))</a>
                <a href="\(link(anchor, "month"))"\(if: !isWeek, " class=\"current\"")>\(t("Month", "Месяц"))</a></nav>
                <p class="muted">\(t("Open tasks per employee in this period", "Открытых задач у сотрудников за период")):</p>
                <div class="load">\(loadChips.isEmpty ? ["<span>\(t("none", "нет"))</span>"] : loadChips)</div>
                <div class="calendar\(isWeek ? " week" : "")">\(cells)</div>
                """)
    }

    // MARK: New

    func newPage(_ viewer: Viewer, _ form: FormData, errors: FormErrors) async throws -> HTML {
        let t = viewer.t
        let users = try await kit.users(viewer)
        var relatedTitle: String?
        if let kind = form.text("relatedKind").flatMap(RecordKind.init(rawValue:)), let id = form.text("relatedId") {
            relatedTitle = try await store.search.titles(of: [RecordRef(kind: kind, id: id)], by: viewer.actor).values.first
        }
        let tomorrow = viewer.format.adding(days: 1, to: viewer.today(kit.now))
        return Layout.page(
            viewer, title: t("New task", "Новая задача"), section: .tasks,
            body: """
                <div class="card narrow-form"><h1>\(t("New task", "Новая задача"))</h1>
                \(relatedTitle.map { "<p class=\"muted\">\(t("For", "Для")): \($0)</p>" as HTML })
                \(Form.summary(errors, t))
                <form method="post" action="\(WebURL.tasks)">\(WebKit.createFields(viewer))
                \(Form.hidden("return", form["return"]))\(Form.hidden("relatedKind", form["relatedKind"]))\(Form.hidden("relatedId", form["relatedId"]))
                \(Form.field(t("What to do", "Что сделать"), "title", value: form["title"], errors: errors, required: true))
                <div class="grid2">
                \(Form.select(t("Type", "Тип"), "kind", options: TaskKind.allCases.map { ($0.rawValue, t.label($0)) }, selected: form["kind"] ?? "call", errors: errors))
                \(Form.select(t("Assignee", "Исполнитель"), "assigneeId", options: users.options(), selected: form["assigneeId"] ?? viewer.user.id.rawValue, errors: errors))
                \(Form.field(t("Due date", "Срок"), "dueAt", value: form["dueAt"] ?? tomorrow.description, errors: errors, type: "date"))
                \(Form.field(t("Time", "Время"), "dueTime", value: form["dueTime"] ?? "10:00", errors: errors, type: "time"))
                </div>
                \(Form.textarea(t("Notes", "Комментарий"), "notes", value: form["notes"], errors: errors))
                <button class="primary" type="submit">\(t("Create task", "Создать задачу"))</button>
                </form></div>
                """)
    }
}
