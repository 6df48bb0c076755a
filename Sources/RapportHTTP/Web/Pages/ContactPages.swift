import Foundation
import Hummingbird
import RapportCore
import RapportStore

/// Contacts: the list (search, filters, sort, columns, bulk actions), the card, the form.
struct ContactPages {
    let kit: WebKit
    var store: Store { kit.store }

    /// The columns a user may show in the list.
    enum Column: String, CaseIterable {
        case phone, email, company, position, city, owner, tags, readiness, lifecycle, source, created

        func title(_ t: Lang) -> String {
            switch self {
            case .phone: t("Phone", "Телефон")
            case .email: t("E-mail", "E-mail")
            case .company: t("Company", "Компания")
            case .position: t("Position", "Должность")
            case .city: t("City", "Город")
            case .owner: t("Owner", "Ответственный")
            case .tags: t("Tags", "Теги")
            case .readiness: t("Readiness", "Готовность")
            case .lifecycle: t("Stage", "Статус")
            case .source: t("Source", "Источник")
            case .created: t("Created", "Создан")
            }
        }

        static let defaults: [Column] = [.phone, .email, .company, .owner, .readiness, .created]
    }

    func register(on router: RouterGroup<AppRequestContext>) {
        router.get("contacts") { request, context in
            let viewer = try await kit.viewer(request, context)
            return WebResponse.html(try await listPage(viewer, request))
        }
        router.get("contacts/new") { request, context in
            let viewer = try await kit.viewer(request, context)
            var form = FormData.query(request)
            if let company = form.text("companyId") {
                let titles = try await store.search.titles(of: [RecordRef(kind: .company, id: company)], by: viewer.actor)
                if let name = titles.values.first { form = FormData.parse(Substring("company=\(WebURL.encode(name))")) }
            }
            return WebResponse.html(try await formPage(viewer, contact: nil, form: form.pairs.isEmpty ? nil : form, errors: FormErrors()))
        }
        router.post("contacts") { request, context in
            let viewer = try await kit.viewer(request, context)
            let form = try await FormData.read(request, context)
            return try await kit.submitting(viewer, form: { try await formPage(viewer, contact: nil, form: form, errors: $0) }) {
                let url = try await kit.once(form, viewer) {
                    let input = try await input(from: form, viewer, existing: nil)
                    return .contact(try await store.contacts.create(input, by: viewer.actor).id)
                }
                return WebResponse.redirect(url, flash: .created)
            }
        }
        router.get("contacts/{id}") { request, context in
            let viewer = try await kit.viewer(request, context)
            let contact = try await store.contacts.get(try Handlers.id(context), by: viewer.actor)
            if let survivor = try await store.contacts.survivor(of: contact, by: viewer.actor) {
                return WebResponse.redirect(.contact(survivor), flash: .mergedAway)
            }
            return WebResponse.html(try await cardPage(viewer, contact: contact))
        }
        router.get("contacts/{id}/edit") { request, context in
            let viewer = try await kit.viewer(request, context)
            let contact = try await store.contacts.get(try Handlers.id(context), by: viewer.actor)
            return WebResponse.html(try await formPage(viewer, contact: contact, form: nil, errors: FormErrors()))
        }
        router.post("contacts/{id}") { request, context in
            let viewer = try await kit.viewer(request, context)
            let form = try await FormData.read(request, context)
            let id: Contact.ID = try Handlers.id(context)
            let current = try await store.contacts.get(id, by: viewer.actor)
            return try await kit.submitting(viewer, form: { try await formPage(viewer, contact: current, form: form, errors: $0) }) {
                let input = try await input(from: form, viewer, existing: current)
                _ = try await store.contacts.update(id, input, expectedVersion: Int64(form["version"] ?? "") ?? -1, by: viewer.actor)
                return WebResponse.redirect(.contact(id), flash: .saved)
            }
        }
        // Inline edit of the card's most-changed fields: one field, the card's version, back to the card.
        router.post("contacts/{id}/inline") { request, context in
            let viewer = try await kit.viewer(request, context)
            let form = try await FormData.read(request, context)
            let id: Contact.ID = try Handlers.id(context)
            var object: [String: JSONValue] = [:]
            for name in ["readiness", "lifecycle", "ownerId"] where form.has(name) {
                object[name] = form.text(name).map(JSONValue.string) ?? .null
            }
            var reader = WebKit.reader(object)
            let input = reader.contactInput()
            try reader.finish()
            do {
                _ = try await store.contacts.update(id, input, expectedVersion: Int64(form["version"] ?? "") ?? -1, by: viewer.actor)
            } catch RecordError.versionConflict {
                return WebResponse.redirect(.contact(id), flash: .conflict)
            }
            return WebResponse.redirect(.contact(id), flash: .saved)
        }
        router.post("contacts/{id}/delete") { request, context in
            let viewer = try await kit.viewer(request, context)
            _ = try await FormData.read(request, context)
            _ = try await store.contacts.delete(try Handlers.id(context), by: viewer.actor)
            return WebResponse.redirect(.contacts, flash: .deleted)
        }
        router.post("contacts/views") { request, context in
            let viewer = try await kit.viewer(request, context)
            let form = try await FormData.read(request, context)
            let query = form["query"] ?? ""
            _ = try await store.savedViews.create(
                entity: .contact, name: form.text("name"), query: query, shared: form.checked("shared"), by: viewer.actor)
            return WebResponse.redirect(.contacts(FormData.parse(Substring(query)).pairs.map { ($0.name, $0.value) }), flash: .saved)
        }
        router.post("contacts/views/{id}/delete") { request, context in
            let viewer = try await kit.viewer(request, context)
            _ = try await FormData.read(request, context)
            try await store.savedViews.delete(context.parameters.get("id") ?? "", by: viewer.actor)
            return WebResponse.redirect(.contacts, flash: .deleted)
        }
        router.post("contacts/bulk") { request, context in
            let viewer = try await kit.viewer(request, context)
            let form = try await FormData.read(request, context)
            let ids = form.all("ids").filter(UUIDv7.isWellFormed).prefix(PageSize.maximum).map { Contact.ID($0.lowercased()) }
            let back = WebURL.localReturn(form["return"]) ?? .contacts
            guard !ids.isEmpty else { return WebResponse.redirect(back) }
            let action = form["action"] ?? ""
            for id in ids {
                if action == "trash" {
                    _ = try await store.contacts.delete(id, by: viewer.actor)
                    continue
                }
                let contact = try await store.contacts.get(id, by: viewer.actor)
                var input = ContactInput()
                switch action {
                case "owner":
                    guard let owner = form.text("ownerId") else { continue }
                    input.ownerID = .set(User.ID(owner))
                case "addTag":
                    guard let tag = form.text("tag") else { continue }
                    input.tags = contact.tags + [tag]
                case "removeTag":
                    guard let tag = form.text("tag") else { continue }
                    input.tags = contact.tags.filter { $0.lowercased() != tag.lowercased() }
                default: continue
                }
                _ = try await store.contacts.update(id, input, expectedVersion: contact.version, by: viewer.actor)
            }
            return WebResponse.redirect(back, flash: action == "trash" ? .deleted : .saved)
        }
    }

    // MARK: List

    func listPage(_ viewer: Viewer, _ request: Request) async throws -> HTML {
        let t = viewer.t
        let query = FormData.query(request)
        var errors = FormErrors()
        var list = ListQuery()
        do { list = try Handlers.listQuery(request) } catch { errors = FormErrors(error, locale: viewer.locale) }
        async let users = kit.users(viewer)
        async let teams = store.users.teams(by: viewer.actor)
        async let tags = store.workspaces.tags(by: viewer.actor)
        async let definitions = store.workspaces.customFields(entity: .contact, by: viewer.actor)
        async let savedViews = store.savedViews.list(entity: .contact, by: viewer.actor)
        async let segments = store.segments.list(ListQuery(limit: 200), by: viewer.actor)
        var page = Page<Contact>(items: [], nextCursor: nil)
        if errors.isEmpty {
            do { page = try await store.contacts.list(list, by: viewer.actor) } catch let error as ValidationError {
                errors = FormErrors(error, locale: viewer.locale)
            }
        }
        let columns: [Column] = {
            let chosen = query.all("cols").compactMap(Column.init(rawValue:))
            return chosen.isEmpty ? Column.defaults : Column.allCases.filter(chosen.contains)
        }()
        let allUsers = try await users
        let companyRefs = page.items.flatMap { $0.companies.map { RecordRef(kind: .company, id: $0.companyID.rawValue) } }
        let companyNames = columns.contains(.company) ? try await store.search.titles(of: companyRefs, by: viewer.actor) : [:]
        let fields = try await definitions
        let format = viewer.format

        func sortLink(_ field: String, _ title: String) -> HTML {
            let current = list.sort ?? "-createdAt"
            let next = current == field ? "-\(field)" : field
            var pairs = query.pairs.filter { $0.name != "sort" && $0.name != "cursor" }.map { ($0.name, Optional($0.value)) }
            pairs.append(("sort", next))
            let marker = current == field ? " ↑" : current == "-\(field)" ? " ↓" : ""
            let sorted = current == field ? "ascending" : current == "-\(field)" ? "descending" : "none"
            return "<a href=\"\(WebURL.contacts(pairs))\" aria-sort=\"\(sorted)\">\(title)\(marker)</a>"
        }
        func cell(_ contact: Contact, _ column: Column) -> HTML {
            switch column {
            case .phone:
                return HTML.join(
                    contact.phones.prefix(2).map { "<a href=\"tel:\($0.number.e164 ?? $0.number.raw)\">\($0.number.display)</a>" as HTML },
                    separator: "<br>")
            case .email:
                return HTML.join(
                    contact.emails.prefix(2).map { "<a href=\"mailto:\($0.address)\">\($0.address)</a>" as HTML }, separator: "<br>")
            case .company:
                return HTML.join(
                    contact.companies.compactMap { link in
                        companyNames[RecordRef(kind: .company, id: link.companyID.rawValue)].map {
                            "<a href=\"\(WebURL.company(link.companyID))\">\($0)</a>" as HTML
                        }
                    }, separator: ", ")
            case .position: return "\(contact.position ?? "")"
            case .city: return "\(contact.city ?? "")"
            case .owner: return "\(allUsers.name(of: contact.ownerID) ?? "")"
            case .tags: return Parts.tags(contact.tags)
            case .readiness: return Parts.readiness(contact.readiness, t)
            case .lifecycle: return "\(t.label(contact.lifecycle))"
            case .source: return "\(contact.source.source ?? contact.source.utmSource ?? "")"
            case .created: return "\(format.date(contact.createdAt))"
            }
        }
        let rows: [HTML] = page.items.map { contact in
            let cells: [HTML] = columns.map { "<td data-label=\"\($0.title(t))\">\(cell(contact, $0))</td>" }
            return """
                <tr><td class="pick"><input type="checkbox" name="ids" value="\(contact.id.rawValue)" form="bulk" aria-label="\(t("Select", "Выбрать")) \(contact.displayName)"></td>
                <td><a href="\(WebURL.contact(contact.id))"><b>\(contact.displayName.isEmpty ? "—" : contact.displayName)</b></a>\(contact.position.map { "<div class=\"muted\">\($0)</div>" as HTML })</td>\(cells)</tr>
                """
        }
        let headers: [HTML] = columns.map { column in
            column == .created
                ? "<th scope=\"col\">\(sortLink("createdAt", column.title(t)))</th>" : "<th scope=\"col\">\(column.title(t))</th>"
        }
        let filtersOpen = query.pairs.contains { !["q", "sort", "cursor", "cols"].contains($0.name) && !$0.value.isEmpty }
        let readinessOptions = Readiness.allCases.map { ($0.rawValue, t.label($0)) }
        let lifecycleOptions = Lifecycle.allCases.map { ($0.rawValue, t.label($0)) }
        let customFilters: [HTML] = fields.filter { [.select, .boolean, .text].contains($0.kind) }.map { definition in
            let name = "customField.\(definition.key)"
            switch definition.kind {
            case .select:
                return Form.select(
                    definition.label, name, options: definition.options.map { ($0, $0) }, selected: query[name], blank: t("Any", "Любой"))
            case .boolean:
                return Form.select(
                    definition.label, name, options: [("true", t("Yes", "Да")), ("false", t("No", "Нет"))], selected: query[name],
                    blank: t("Any", "Любой"))
            default: return Form.field(definition.label, name, value: query[name])
            }
        }
        let columnBoxes: [HTML] = Column.allCases.map { column in
            "<span class=\"field check\"><input id=\"col-\(column.rawValue)\" type=\"checkbox\" name=\"cols\" value=\"\(column.rawValue)\"\(if: columns.contains(column), " checked")><label for=\"col-\(column.rawValue)\">\(column.title(t))</label></span>"
        }
        let keep: [HTML] = query.pairs.filter { $0.name != "cols" && $0.name != "cursor" }.map { Form.hidden($0.name, $0.value) }
        let currentQuery = query.pairs.filter { $0.name != "cursor" && !$0.value.isEmpty }.map {
            "\(WebURL.encode($0.name))=\(WebURL.encode($0.value))"
        }
        .joined(separator: "&")
        let canShare = AccessPolicy.allows(viewer.actor, .manageSettings) || viewer.user.role == .headOfSales
        let views: [HTML] = try await savedViews.map { view in
            let mine = view.userID == viewer.user.id || AccessPolicy.allows(viewer.actor, .manageSettings)
            let current = view.query == currentQuery
            return """
                <a href="\(WebURL("/contacts?" + view.query))"\(if: current, " class=\"current\" aria-current=\"page\"")>\(view.name)\(if: view.isShared, " · \(t("shared", "общий"))")</a>\(if: mine && current, "<form method=\"post\" action=\"/contacts/views/\(view.id)/delete\">\(Form.csrf(viewer))<button type=\"submit\" class=\"link small\" aria-label=\"\(t("Delete view", "Удалить вид")) \(view.name)\">✕</button></form>")
                """
        }
        return Layout.page(
            viewer, title: t("Contacts", "Контакты"), section: .contacts,
            body: """
                <div class="page-head"><h1>\(t("Contacts", "Контакты"))</h1>
                <div class="actions"><a class="button" href="/imports/new">\(t("Import", "Импорт"))</a>
                <a class="button" href="/contacts/duplicates">\(t("Duplicates", "Дубликаты"))</a>
                \(ExportMenu.render(viewer, path: "/contacts/export", query: query, vcard: true))
                <a class="button primary" href="\(WebURL.newContact)">\(Icon.plus) \(t("New contact", "Новый контакт"))</a></div></div>
                \(Form.summary(errors, t))
                <form method="get" action="/contacts" class="list-search" role="search">
                <div class="bulk"><div class="field grow"><label for="f-q">\(t("Find in contacts", "Найти в контактах"))</label>
                <input id="f-q" type="search" name="q" value="\(query["q"] ?? "")" placeholder="\(t("Name, phone, e-mail, city…", "Имя, телефон, e-mail, город…"))"></div>
                <button type="submit">\(Icon.search) \(t("Find", "Найти"))</button></div>
                <details class="panel"\(if: filtersOpen, " open")><summary>\(t("Filters", "Фильтры"))</summary><div class="filters">
                \(Form.select(t("Owner", "Ответственный"), "ownerId", options: allUsers.options(), selected: query["ownerId"], blank: t("Anyone", "Любой")))
                \(Form.select(t("Team", "Команда"), "teamId", options: try await teams.map { ($0.id.rawValue, $0.name) }, selected: query["teamId"], blank: t("Any", "Любая")))
                \(Form.select(t("Tag", "Тег"), "tag", options: try await tags.map { ($0.name, $0.name) }, selected: query["tag"], blank: t("Any", "Любой")))
                \(Form.select(t("Readiness", "Готовность"), "readiness", options: readinessOptions, selected: query["readiness"], blank: t("Any", "Любая")))
                \(Form.select(t("Stage", "Статус"), "lifecycle", options: lifecycleOptions, selected: query["lifecycle"], blank: t("Any", "Любой")))
                \(Form.field(t("City", "Город"), "city", value: query["city"]))
                \(Form.select(t("Segment", "Сегмент"), "segment", options: try await segments.items.filter { $0.entity == .contact }.map { ($0.id.rawValue, $0.name) }, selected: query["segment"], errors: errors, blank: t("Any", "Любой")))
                \(Form.field(t("Created from", "Создан с"), "createdFrom", value: query["createdFrom"], errors: errors, type: "date"))
                \(Form.field(t("Created before", "Создан до"), "createdTo", value: query["createdTo"], errors: errors, type: "date"))
                \(customFilters)
                </div><div class="actions"><button type="submit" class="primary">\(t("Apply", "Применить"))</button>
                <a class="button" href="\(WebURL.contacts)">\(t("Reset", "Сбросить"))</a></div></details>
                \(query.all("cols").map { Form.hidden("cols", $0) })
                </form>
                <nav class="quick-tabs" aria-label="\(t("Saved views", "Сохранённые виды"))"><a href="\(WebURL.contacts)"\(if: currentQuery.isEmpty, " class=\"current\"")>\(t("All contacts", "Все контакты"))</a>\(views)</nav>
                \(currentQuery.isEmpty ? .empty : """
                <details class="panel"><summary>\(t("Save this view", "Сохранить вид"))</summary>
                <form method="post" action="/contacts/views" class="bulk">\(Form.csrf(viewer))<input type="hidden" name="query" value="\(currentQuery)">
                \(Form.field(t("Name", "Название"), "name", value: nil, required: true))
                \(canShare ? Form.checkbox(t("Share with everyone", "Показывать всем"), "shared", checked: false) : .empty)
                <button type="submit">\(t("Save view", "Сохранить"))</button></form></details>
                """ as HTML)
                <details class="panel"><summary>\(t("Columns", "Столбцы"))</summary>
                <form method="get" action="/contacts">\(keep)<div class="filters">\(columnBoxes)</div>
                <button type="submit">\(t("Show columns", "Показать"))</button></form></details>
                <form id="bulk" method="post" action="\(WebURL.contactsBulk)" class="bulk" data-confirm-trash="\(t("Move the selected contacts to the trash?", "Переместить выбранные контакты в корзину?"))">
                \(Form.csrf(viewer))<input type="hidden" name="return" value="\(viewer.path)">
                \(Form.select(t("With selected", "С выбранными"), "action", options: [("owner", t("Assign owner", "Назначить ответственного")), ("addTag", t("Add tag", "Добавить тег")), ("removeTag", t("Remove tag", "Убрать тег")), ("trash", t("Move to trash", "В корзину"))], selected: nil))
                \(Form.select(t("Owner", "Ответственный"), "ownerId", options: allUsers.options(), selected: nil, blank: "—"))
                \(Form.field(t("Tag", "Тег"), "tag", value: nil))
                <button type="submit">\(t("Apply to selected", "Применить"))</button></form>
                \(rows.isEmpty ? Parts.empty(t("No contacts match.", "Контактов не найдено.")) : """
                <table class="list"><thead><tr><th class="pick" scope="col"><input type="checkbox" data-select-all="ids" hidden aria-label="\(t("Select all", "Выбрать все"))"></th>
                <th scope="col">\(sortLink("name", t("Name", "Имя")))</th>\(headers)</tr></thead><tbody>\(rows)</tbody></table>
                """ as HTML)
                \(Parts.nextPage(page.nextCursor?.token, base: query, path: "/contacts", t))
                """)
    }

    // MARK: Card

    func cardPage(_ viewer: Viewer, contact: Contact) async throws -> HTML {
        let t = viewer.t
        let id = contact.id
        let ref = RecordRef(kind: .contact, id: id.rawValue)
        var dealFilter = ListQuery.Filters()
        dealFilter.contactID = id
        var taskFilter = ListQuery.Filters()
        taskFilter.contactID = id
        taskFilter.done = false
        async let deals = store.deals.list(ListQuery(limit: 20, filters: dealFilter), by: viewer.actor)
        async let tasks = store.tasks.list(ListQuery(limit: 20, filters: taskFilter), by: viewer.actor)
        async let timeline = store.timeline.timeline(of: ref, limit: 50, cursor: nil, by: viewer.actor)
        async let users = kit.users(viewer)
        async let definitions = store.workspaces.customFields(entity: .contact, by: viewer.actor)
        async let pipelines = store.pipelines.list(by: viewer.actor)
        var orderFilter = ListQuery.Filters()
        orderFilter.contactID = id
        async let orders = store.orders.list(ListQuery(limit: 10, filters: orderFilter), by: viewer.actor)
        async let standing = store.customerMetrics.standing(.contact, id: id.rawValue, by: viewer.actor)
        async let products = store.products.list(ListQuery(limit: 200), by: viewer.actor)
        let companyNames = try await store.search.titles(
            of: contact.companies.map { RecordRef(kind: .company, id: $0.companyID.rawValue) }, by: viewer.actor)
        let allUsers = try await users
        let stageNames = Dictionary(try await pipelines.flatMap(\.stages).map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let items = try await timeline.items
        let now = kit.now
        let format = viewer.format
        var facts: [HTML] = []
        if !contact.phones.isEmpty {
            facts.append(
                "<dt>\(t("Phone", "Телефон"))</dt><dd>\(HTML.join(contact.phones.map { Parts.phoneLink($0, t) }, separator: "<br>"))</dd>")
        }
        if !contact.emails.isEmpty {
            facts.append("<dt>E-mail</dt><dd>\(HTML.join(contact.emails.map { Parts.emailLink($0, t) }, separator: "<br>"))</dd>")
        }
        if !contact.companies.isEmpty {
            let links: [HTML] = contact.companies.compactMap { link in
                companyNames[RecordRef(kind: .company, id: link.companyID.rawValue)].map {
                    "<a href=\"\(WebURL.company(link.companyID))\">\($0)</a>\(if: link.isPrimary && contact.companies.count > 1, " <span class=\"muted\">(\(t("primary", "основная")))</span>")"
                }
            }
            facts.append("<dt>\(t("Company", "Компания"))</dt><dd>\(HTML.join(links, separator: "<br>"))</dd>")
        }
        if let position = contact.position { facts.append("<dt>\(t("Position", "Должность"))</dt><dd>\(position)</dd>") }
        func inline(_ label: String, _ name: String, _ options: [(value: String, text: String)], _ selected: String?, blank: String?)
            -> HTML
        {
            """
            <dt><label for="inline-\(name)">\(label)</label></dt><dd><form method="post" action="/contacts/\(id.rawValue)/inline" class="inline-edit">\(Form.csrf(viewer))
            <input type="hidden" name="version" value="\(contact.version)">
            <select id="inline-\(name)" name="\(name)" data-autosubmit>\(options: options, selected: selected, blank: blank)</select>
            <button type="submit" class="small no-js">\(t("Save", "Сохранить"))</button></form></dd>
            """
        }
        facts.append(
            inline(
                t("Owner", "Ответственный"), "ownerId", allUsers.options(keeping: contact.ownerID), contact.ownerID?.rawValue, blank: "—"))
        facts.append(
            inline(
                t("Readiness", "Готовность"), "readiness", Readiness.allCases.map { ($0.rawValue, t.label($0)) },
                contact.readiness?.rawValue, blank: "—"))
        facts.append(
            inline(
                t("Stage", "Статус"), "lifecycle", Lifecycle.allCases.map { ($0.rawValue, t.label($0)) }, contact.lifecycle.rawValue,
                blank: nil))
        if !contact.tags.isEmpty { facts.append("<dt>\(t("Tags", "Теги"))</dt><dd>\(Parts.tags(contact.tags))</dd>") }
        if let city = contact.city { facts.append("<dt>\(t("City", "Город"))</dt><dd>\(city)</dd>") }
        if let address = contact.address { facts.append("<dt>\(t("Address", "Адрес"))</dt><dd>\(address)</dd>") }
        if let birthday = contact.birthday { facts.append("<dt>\(t("Birthday", "День рождения"))</dt><dd>\(format.date(birthday))</dd>") }
        if let source = contact.source.source ?? contact.source.utmSource {
            let campaign = contact.source.utmCampaign.map { " / \($0)" } ?? ""
            facts.append("<dt>\(t("Source", "Источник"))</dt><dd>\(source)\(campaign)</dd>")
        }
        let consent = { (value: Consent?) -> String in
            guard let value else { return "—" }
            return "\(value.granted ? t("yes", "да") : t("no", "нет")), \(format.date(value.at))"
        }
        facts.append("<dt>\(t("E-mail consent", "Согласие на e-mail"))</dt><dd>\(consent(contact.emailConsent))</dd>")
        facts.append("<dt>\(t("SMS consent", "Согласие на SMS"))</dt><dd>\(consent(contact.smsConsent))</dd>")
        facts.append(RecordViews.customFields(contact.customFields, definitions: try await definitions, viewer))
        facts.append("<dt>\(t("Created", "Создан"))</dt><dd>\(format.dateTime(contact.createdAt))</dd>")
        let dealItems: [HTML] = try await deals.items.map { deal in
            "<li><a href=\"\(WebURL.deal(deal.id))\">\(deal.title)</a> · \(format.money(deal.amount)) · \(stageNames[deal.stageID] ?? "") \(deal.status == .open ? "" : "<span class=\"chip \(deal.status.rawValue)\">\(t.label(deal.status))</span>" as HTML)</li>"
        }
        let openTasks = try await tasks.items
        return Layout.page(
            viewer, title: contact.displayName, section: .contacts,
            body: """
                <div class="page-head"><h1>\(contact.displayName.isEmpty ? "—" : contact.displayName)</h1>
                <div class="actions"><a class="button" href="\(WebURL.editContact(id))">\(Icon.edit) \(t("Edit", "Изменить"))</a>
                <a class="button" href="\(WebURL.newDeal([("contactId", id.rawValue)]))">\(Icon.plus) \(t("Deal", "Сделка"))</a>
                <a class="button" href="/contacts/\(id.rawValue)/duplicates">\(t("Find duplicates", "Найти дубликаты"))</a>
                <form method="post" action="\(WebURL.deleteContact(id))" data-confirm="\(t("Move this contact to the trash?", "Переместить контакт в корзину?"))">\(Form.csrf(viewer))
                <button type="submit" class="danger">\(Icon.trash) \(t("Delete", "Удалить"))</button></form></div></div>
                <div class="record">
                <div><section class="card"><dl class="facts">\(facts)</dl></section>
                \(try await DocumentPages.panel(viewer, store: store, record: ref))
                <section class="card"><h2>\(t("Deals", "Сделки"))</h2>\(dealItems.isEmpty ? Parts.empty(t("No deals yet.", "Сделок пока нет.")) : "<ul>\(dealItems)</ul>" as HTML)</section>
                \(PurchasesPanel.render(viewer, standing: try await standing, orders: try await orders.items, contactID: id, companyID: nil, products: try await products.items.filter(\.active), now: now))
                \(RecordViews.openTasks(openTasks, viewer, users: allUsers, now: now))</div>
                \(RecordViews.historyColumn(viewer, record: ref, items: items, users: allUsers, stageNames: stageNames, now: now))
                </div>
                """)
    }

    // MARK: Form

    func formPage(_ viewer: Viewer, contact: Contact?, form: FormData?, errors: FormErrors) async throws -> HTML {
        let t = viewer.t
        async let users = kit.users(viewer)
        async let definitions = store.workspaces.customFields(entity: .contact, by: viewer.actor)
        async let companyList = store.companies.list(ListQuery(limit: 200, sort: "name"), by: viewer.actor)
        var companyName: String?
        if let contact, let primary = contact.companies.first(where: \.isPrimary) ?? contact.companies.first {
            companyName = try await store.search.titles(of: [RecordRef(kind: .company, id: primary.companyID.rawValue)], by: viewer.actor)
                .values.first
        }
        func value(_ name: String, _ current: String?) -> String? { form.map { $0[name] } ?? current }
        let title = contact == nil ? t("New contact", "Новый контакт") : t("Edit contact", "Изменить контакт")
        let action = contact.map { WebURL.contact($0.id) } ?? WebURL.contacts
        let companies = try await companyList.items
        let source = contact?.source
        return Layout.page(
            viewer, title: title, section: .contacts,
            body: """
                <div class="card"><h1>\(title)</h1>
                \(Form.summary(errors, t))
                <form method="post" action="\(action)" novalidate>\(contact == nil ? WebKit.createFields(viewer) : Form.csrf(viewer))
                \(contact.map { Form.hidden("version", String($0.version)) })
                <div class="grid2">
                \(Form.field(t("Last name", "Фамилия"), "lastName", value: value("lastName", contact?.lastName), errors: errors, attributes: " autocomplete=\"family-name\""))
                \(Form.field(t("First name", "Имя"), "firstName", value: value("firstName", contact?.firstName), errors: errors, attributes: " autocomplete=\"given-name\""))
                \(Form.field(t("Middle name", "Отчество"), "middleName", value: value("middleName", contact?.middleName), errors: errors, attributes: " autocomplete=\"additional-name\""))
                \(Form.field(t("Position", "Должность"), "position", value: value("position", contact?.position), errors: errors))
                \(Form.textarea(t("Phones", "Телефоны"), "phones", value: value("phones", contact?.phones.map(\.number.raw).joined(separator: "\n")), errors: errors, rows: 2, hint: t("One per line, in any format: 8 912 345-67-89", "По одному в строке, в любом формате: 8 912 345-67-89")))
                \(Form.textarea(t("E-mails", "E-mail"), "emails", value: value("emails", contact?.emails.map(\.address).joined(separator: "\n")), errors: errors, rows: 2, hint: t("One per line", "По одному в строке")))
                \(Form.field(t("Company", "Компания"), "company", value: value("company", companyName), errors: errors, hint: t("Pick one or type a new name: it will be created", "Выберите или введите новое название — компания будет создана"), attributes: " list=\"company-names\" autocomplete=\"off\""))
                <datalist id="company-names">\(companies.map { "<option value=\"\($0.name)\"></option>" as HTML })</datalist>
                \(Form.select(t("Owner", "Ответственный"), "ownerId", options: try await users.options(keeping: contact?.ownerID), selected: value("ownerId", contact?.ownerID?.rawValue ?? viewer.user.id.rawValue), errors: errors))
                \(Form.select(t("Readiness", "Готовность"), "readiness", options: Readiness.allCases.map { ($0.rawValue, t.label($0)) }, selected: value("readiness", contact?.readiness?.rawValue), errors: errors, blank: "—"))
                \(Form.select(t("Stage", "Статус"), "lifecycle", options: Lifecycle.allCases.map { ($0.rawValue, t.label($0)) }, selected: value("lifecycle", contact?.lifecycle.rawValue ?? "lead"), errors: errors))
                \(Form.field(t("City", "Город"), "city", value: value("city", contact?.city), errors: errors))
                \(Form.field(t("Birthday", "День рождения"), "birthday", value: value("birthday", contact?.birthday?.description), errors: errors, type: "date"))
                </div>
                \(Form.field(t("Address", "Адрес"), "address", value: value("address", contact?.address), errors: errors))
                \(Form.field(t("Tags", "Теги"), "tags", value: value("tags", contact?.tags.joined(separator: ", ")), errors: errors, hint: t("Separated by commas", "Через запятую")))
                <div class="grid2">
                \(Form.checkbox(t("Agrees to e-mails", "Согласие на e-mail рассылки"), "emailConsent", checked: form.map { $0.checked("emailConsent") } ?? (contact?.emailConsent?.granted ?? false)))
                \(Form.checkbox(t("Agrees to SMS", "Согласие на SMS"), "smsConsent", checked: form.map { $0.checked("smsConsent") } ?? (contact?.smsConsent?.granted ?? false)))
                </div>
                \(RecordViews.customFieldInputs(try await definitions, values: contact?.customFields ?? [:], form: form, errors: errors, t))
                <details class="panel"><summary>\(t("Source and UTM", "Источник и UTM"))</summary><div class="grid2">
                \(Form.field(t("Source", "Источник"), "source.source", value: value("source.source", source?.source), errors: errors))
                \(Form.field("utm_source", "source.utmSource", value: value("source.utmSource", source?.utmSource), errors: errors))
                \(Form.field("utm_medium", "source.utmMedium", value: value("source.utmMedium", source?.utmMedium), errors: errors))
                \(Form.field("utm_campaign", "source.utmCampaign", value: value("source.utmCampaign", source?.utmCampaign), errors: errors))
                </div></details>
                <div class="actions"><button class="primary" type="submit">\(t("Save", "Сохранить"))</button>
                <a class="button" href="\(contact.map { WebURL.contact($0.id) } ?? WebURL.contacts)">\(t("Cancel", "Отмена"))</a></div>
                </form></div>
                """)
    }

    /// The form as the API's contact input (so both validate alike); a typed company name that does not
    /// exist yet is created.
    func input(from form: FormData, _ viewer: Viewer, existing: Contact?) async throws -> ContactInput {
        var object: [String: JSONValue] = [:]
        func text(_ name: String) -> JSONValue { form.text(name).map(JSONValue.string) ?? .null }
        for name in ["lastName", "firstName", "middleName", "position", "city", "address", "birthday", "ownerId", "readiness"]
        where form.has(name) {
            object[name] = text(name)
        }
        if let lifecycle = form.text("lifecycle") { object["lifecycle"] = .string(lifecycle) }
        object["phones"] = .array(
            form.lines("phones").map { line in
                let kind = existing?.phones.first { $0.number.raw == line }?.kind ?? .mobile
                return .object(["number": .string(line), "kind": .string(kind.rawValue)])
            })
        object["emails"] = .array(form.lines("emails").map { .object(["address": .string($0)]) })
        object["tags"] = .array(form.list("tags").map(JSONValue.string))
        if form.checked("emailConsent") != (existing?.emailConsent?.granted ?? false) {
            object["emailConsent"] = .bool(form.checked("emailConsent"))
        }
        if form.checked("smsConsent") != (existing?.smsConsent?.granted ?? false) {
            object["smsConsent"] = .bool(form.checked("smsConsent"))
        }
        var source: [String: JSONValue] = [:]
        for key in ["source", "utmSource", "utmMedium", "utmCampaign"] { source[key] = text("source.\(key)") }
        object["source"] = .object(source)
        let definitions = try await store.workspaces.customFields(entity: .contact, by: viewer.actor)
        if !definitions.isEmpty {
            object["customFields"] = RecordViews.customFieldValues(definitions, form: form, currency: viewer.workspace.currency)
        }
        var reader = WebKit.reader(object)
        var input = reader.contactInput()
        try reader.finish()
        if let name = form.text("company") {
            input.companies = [CompanyLink(companyID: try await kit.companyID(named: name, viewer), isPrimary: true)]
        } else if existing?.companies.isEmpty == false {
            input.companies = []
        }
        return input
    }
}

/// Texts several pages share.
enum WebText {
    static func conflict(_ t: Lang) -> String {
        t(
            "Someone else saved this record while you were editing. Your changes are still in the form: check them against the current values and save again.",
            "Пока вы редактировали, запись сохранил кто-то другой. Ваши изменения остались в форме: сверьте их с текущими данными и сохраните ещё раз."
        )
    }
}
