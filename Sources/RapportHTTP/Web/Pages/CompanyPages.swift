import Foundation
import Hummingbird
import RapportCore
import RapportStore

/// Companies: list, card (its contacts, deals, timeline, history), form.
struct CompanyPages {
    let kit: WebKit
    var store: Store { kit.store }

    func register(on router: RouterGroup<AppRequestContext>) {
        router.get("companies/export") { request, context in
            let viewer = try await kit.viewer(request, context)
            return try await RecordExport.companies(
                store: store, actor: viewer.actor, t: viewer.t, list: try Handlers.listQuery(request), request: request)
        }
        router.get("companies") { request, context in
            let viewer = try await kit.viewer(request, context)
            return WebResponse.html(try await listPage(viewer, request))
        }
        router.get("companies/new") { request, context in
            let viewer = try await kit.viewer(request, context)
            return WebResponse.html(try await formPage(viewer, company: nil, form: nil, errors: FormErrors()))
        }
        router.post("companies") { request, context in
            let viewer = try await kit.viewer(request, context)
            let form = try await FormData.read(request, context)
            return try await kit.submitting(viewer, form: { try await formPage(viewer, company: nil, form: form, errors: $0) }) {
                let url = try await kit.once(form, viewer) {
                    .company(try await store.companies.create(try await input(from: form, viewer), by: viewer.actor).id)
                }
                return WebResponse.redirect(url, flash: .created)
            }
        }
        router.get("companies/{id}") { request, context in
            let viewer = try await kit.viewer(request, context)
            let company = try await store.companies.get(try Handlers.id(context), by: viewer.actor)
            if let survivor = try await store.companies.survivor(of: company, by: viewer.actor) {
                return WebResponse.redirect(.company(survivor), flash: .mergedAway)
            }
            return WebResponse.html(try await cardPage(viewer, company: company))
        }
        router.get("companies/{id}/edit") { request, context in
            let viewer = try await kit.viewer(request, context)
            let company = try await store.companies.get(try Handlers.id(context), by: viewer.actor)
            return WebResponse.html(try await formPage(viewer, company: company, form: nil, errors: FormErrors()))
        }
        router.post("companies/{id}") { request, context in
            let viewer = try await kit.viewer(request, context)
            let form = try await FormData.read(request, context)
            let id: Company.ID = try Handlers.id(context)
            let current = try await store.companies.get(id, by: viewer.actor)
            return try await kit.submitting(viewer, form: { try await formPage(viewer, company: current, form: form, errors: $0) }) {
                _ = try await store.companies.update(
                    id, try await input(from: form, viewer), expectedVersion: Int64(form["version"] ?? "") ?? -1, by: viewer.actor)
                return WebResponse.redirect(.company(id), flash: .saved)
            }
        }
        router.post("companies/{id}/delete") { request, context in
            let viewer = try await kit.viewer(request, context)
            _ = try await FormData.read(request, context)
            _ = try await store.companies.delete(try Handlers.id(context), by: viewer.actor)
            return WebResponse.redirect(.companies, flash: .deleted)
        }
    }

    func listPage(_ viewer: Viewer, _ request: Request) async throws -> HTML {
        let t = viewer.t
        let query = FormData.query(request)
        var errors = FormErrors()
        var page = Page<Company>(items: [], nextCursor: nil)
        do { page = try await store.companies.list(try Handlers.listQuery(request), by: viewer.actor) } catch let error as ValidationError {
            errors = FormErrors(error, locale: viewer.locale)
        }
        async let users = kit.users(viewer)
        async let tags = store.workspaces.tags(by: viewer.actor)
        let allUsers = try await users
        let rows: [HTML] = page.items.map { company in
            """
            <tr><td><a href="\(WebURL.company(company.id))"><b>\(company.name)</b></a>\(company.industry.map { "<div class=\"muted\">\($0)</div>" as HTML })</td>
            <td data-label="\(t("INN", "ИНН"))">\(company.inn ?? "")</td>
            <td data-label="\(t("Phone", "Телефон"))">\(HTML.join(company.phones.prefix(1).map { "<a href=\"tel:\($0.number.e164 ?? $0.number.raw)\">\($0.number.display)</a>" as HTML }))</td>
            <td data-label="\(t("City", "Город"))">\(company.city ?? "")</td>
            <td data-label="\(t("Owner", "Ответственный"))">\(allUsers.name(of: company.ownerID) ?? "")</td>
            <td data-label="\(t("Tags", "Теги"))">\(Parts.tags(company.tags))</td></tr>
            """
        }
        return Layout.page(
            viewer, title: t("Companies", "Компании"), section: .companies,
            body: """
                <div class="page-head"><h1>\(t("Companies", "Компании"))</h1>
                <div class="actions"><a class="button" href="/companies/duplicates">\(t("Duplicates", "Дубликаты"))</a>
                \(ExportMenu.render(viewer, path: "/companies/export", query: query))
                <a class="button primary" href="\(WebURL.newCompany)">\(Icon.plus) \(t("New company", "Новая компания"))</a></div></div>
                \(Form.summary(errors, t))
                <form method="get" action="/companies" role="search"><div class="filters">
                <div class="field"><label for="f-q">\(t("Find", "Найти"))</label><input id="f-q" type="search" name="q" value="\(query["q"] ?? "")" placeholder="\(t("Name, INN, phone…", "Название, ИНН, телефон…"))"></div>
                \(Form.select(t("Owner", "Ответственный"), "ownerId", options: allUsers.options(), selected: query["ownerId"], blank: t("Anyone", "Любой")))
                \(Form.select(t("Tag", "Тег"), "tag", options: try await tags.map { ($0.name, $0.name) }, selected: query["tag"], blank: t("Any", "Любой")))
                \(Form.field(t("City", "Город"), "city", value: query["city"]))
                \(Form.select(t("Sort", "Сортировка"), "sort", options: [("-createdAt", t("Newest first", "Сначала новые")), ("name", t("By name", "По названию")), ("-updatedAt", t("Recently changed", "Недавно изменённые"))], selected: query["sort"]))
                </div><div class="actions"><button type="submit" class="primary">\(Icon.search) \(t("Find", "Найти"))</button></div></form>
                \(rows.isEmpty ? Parts.empty(t("No companies match.", "Компаний не найдено.")) : """
                <table class="list"><thead><tr><th scope="col">\(t("Name", "Название"))</th><th scope="col">\(t("INN", "ИНН"))</th><th scope="col">\(t("Phone", "Телефон"))</th>
                <th scope="col">\(t("City", "Город"))</th><th scope="col">\(t("Owner", "Ответственный"))</th><th scope="col">\(t("Tags", "Теги"))</th></tr></thead><tbody>\(rows)</tbody></table>
                """ as HTML)
                \(Parts.nextPage(page.nextCursor?.token, base: query, path: "/companies", t))
                """)
    }

    func cardPage(_ viewer: Viewer, company: Company) async throws -> HTML {
        let t = viewer.t
        let id = company.id
        let ref = RecordRef(kind: .company, id: id.rawValue)
        var filter = ListQuery.Filters()
        filter.companyID = id
        var taskFilter = filter
        taskFilter.done = false
        async let contacts = store.contacts.list(ListQuery(limit: 50, sort: "name", filters: filter), by: viewer.actor)
        async let deals = store.deals.list(ListQuery(limit: 20, filters: filter), by: viewer.actor)
        async let tasks = store.tasks.list(ListQuery(limit: 20, filters: taskFilter), by: viewer.actor)
        async let timeline = store.timeline.timeline(of: ref, limit: 50, cursor: nil, by: viewer.actor)
        async let users = kit.users(viewer)
        async let definitions = store.workspaces.customFields(entity: .company, by: viewer.actor)
        async let pipelines = store.pipelines.list(by: viewer.actor)
        async let orders = store.orders.list(ListQuery(limit: 10, filters: filter), by: viewer.actor)
        async let standing = store.customerMetrics.standing(.company, id: id.rawValue, by: viewer.actor)
        async let products = store.products.list(ListQuery(limit: 200), by: viewer.actor)
        let allUsers = try await users
        let stageNames = Dictionary(try await pipelines.flatMap(\.stages).map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let items = try await timeline.items
        let format = viewer.format
        let now = kit.now
        var facts: [HTML] = []
        if let inn = company.inn { facts.append("<dt>\(t("INN", "ИНН"))</dt><dd>\(inn)</dd>") }
        if let kpp = company.kpp { facts.append("<dt>\(t("KPP", "КПП"))</dt><dd>\(kpp)</dd>") }
        if let industry = company.industry { facts.append("<dt>\(t("Industry", "Отрасль"))</dt><dd>\(industry)</dd>") }
        if let website = company.website { facts.append("<dt>\(t("Website", "Сайт"))</dt><dd>\(Parts.externalLink(website))</dd>") }
        if !company.phones.isEmpty {
            facts.append(
                "<dt>\(t("Phone", "Телефон"))</dt><dd>\(HTML.join(company.phones.map { Parts.phoneLink($0, t) }, separator: "<br>"))</dd>")
        }
        if !company.emails.isEmpty {
            facts.append("<dt>E-mail</dt><dd>\(HTML.join(company.emails.map { Parts.emailLink($0, t) }, separator: "<br>"))</dd>")
        }
        for address in company.addresses { facts.append("<dt>\(t("Address", "Адрес"))</dt><dd>\(address.text)</dd>") }
        if let city = company.city { facts.append("<dt>\(t("City", "Город"))</dt><dd>\(city)</dd>") }
        facts.append("<dt>\(t("Owner", "Ответственный"))</dt><dd>\(allUsers.name(of: company.ownerID) ?? "—")</dd>")
        if !company.tags.isEmpty { facts.append("<dt>\(t("Tags", "Теги"))</dt><dd>\(Parts.tags(company.tags))</dd>") }
        facts.append(RecordViews.customFields(company.customFields, definitions: try await definitions, viewer))
        facts.append("<dt>\(t("Created", "Создана"))</dt><dd>\(format.dateTime(company.createdAt))</dd>")
        let people: [HTML] = try await contacts.items.map { contact in
            "<li><a href=\"\(WebURL.contact(contact.id))\">\(contact.displayName)</a>\(contact.position.map { " · \($0)" } ?? "")\(HTML.join(contact.phones.prefix(1).map { " · <a href=\"tel:\($0.number.e164 ?? $0.number.raw)\">\($0.number.display)</a>" as HTML }))</li>"
        }
        let dealItems: [HTML] = try await deals.items.map { deal in
            "<li><a href=\"\(WebURL.deal(deal.id))\">\(deal.title)</a> · \(format.money(deal.amount)) · \(stageNames[deal.stageID] ?? "")</li>"
        }
        return Layout.page(
            viewer, title: company.name, section: .companies,
            body: """
                <div class="page-head"><h1>\(company.name)</h1>
                <div class="actions"><a class="button" href="\(WebURL.editCompany(id))">\(Icon.edit) \(t("Edit", "Изменить"))</a>
                <a class="button" href="\(WebURL.newContact(companyID: id))">\(Icon.plus) \(t("Contact", "Контакт"))</a>
                <a class="button" href="\(WebURL.newDeal([("companyId", id.rawValue)]))">\(Icon.plus) \(t("Deal", "Сделка"))</a>
                <a class="button" href="/companies/\(id.rawValue)/duplicates">\(t("Find duplicates", "Найти дубликаты"))</a>
                <form method="post" action="\(WebURL.deleteCompany(id))" data-confirm="\(t("Move this company to the trash?", "Переместить компанию в корзину?"))">\(Form.csrf(viewer))
                <button type="submit" class="danger">\(Icon.trash) \(t("Delete", "Удалить"))</button></form></div></div>
                <div class="record">
                <div><section class="card"><dl class="facts">\(facts)</dl></section>
                \(try await DocumentPages.panel(viewer, store: store, record: ref))
                <section class="card"><h2>\(t("Contacts", "Контакты"))</h2>\(people.isEmpty ? Parts.empty(t("No contacts yet.", "Контактов пока нет.")) : "<ul>\(people)</ul>" as HTML)</section>
                <section class="card"><h2>\(t("Deals", "Сделки"))</h2>\(dealItems.isEmpty ? Parts.empty(t("No deals yet.", "Сделок пока нет.")) : "<ul>\(dealItems)</ul>" as HTML)</section>
                \(PurchasesPanel.render(viewer, standing: try await standing, orders: try await orders.items, contactID: nil, companyID: id, products: try await products.items.filter(\.active), now: now))
                \(RecordViews.openTasks(try await tasks.items, viewer, users: allUsers, now: now))</div>
                \(RecordViews.historyColumn(viewer, record: ref, items: items, users: allUsers, stageNames: stageNames, now: now))
                </div>
                """)
    }

    func formPage(_ viewer: Viewer, company: Company?, form: FormData?, errors: FormErrors) async throws -> HTML {
        let t = viewer.t
        async let users = kit.users(viewer)
        async let definitions = store.workspaces.customFields(entity: .company, by: viewer.actor)
        func value(_ name: String, _ current: String?) -> String? { form.map { $0[name] } ?? current }
        let title = company == nil ? t("New company", "Новая компания") : t("Edit company", "Изменить компанию")
        let action = company.map { WebURL.company($0.id) } ?? WebURL.companies
        return Layout.page(
            viewer, title: title, section: .companies,
            body: """
                <div class="card"><h1>\(title)</h1>
                \(Form.summary(errors, t))
                <form method="post" action="\(action)" novalidate>\(company == nil ? WebKit.createFields(viewer) : Form.csrf(viewer))
                \(company.map { Form.hidden("version", String($0.version)) })
                \(Form.field(t("Name", "Название"), "name", value: value("name", company?.name), errors: errors, required: true))
                <div class="grid2">
                \(Form.field(t("INN", "ИНН"), "inn", value: value("inn", company?.inn), errors: errors, hint: t("10 digits for a company, 12 for a sole trader", "10 цифр для организации, 12 — для ИП"), attributes: " inputmode=\"numeric\""))
                \(Form.field(t("KPP", "КПП"), "kpp", value: value("kpp", company?.kpp), errors: errors, attributes: " inputmode=\"numeric\""))
                \(Form.field(t("Industry", "Отрасль"), "industry", value: value("industry", company?.industry), errors: errors))
                \(Form.field(t("Website", "Сайт"), "website", value: value("website", company?.website), errors: errors, type: "url"))
                \(Form.textarea(t("Phones", "Телефоны"), "phones", value: value("phones", company?.phones.map(\.number.raw).joined(separator: "\n")), errors: errors, rows: 2, hint: t("One per line", "По одному в строке")))
                \(Form.textarea(t("E-mails", "E-mail"), "emails", value: value("emails", company?.emails.map(\.address).joined(separator: "\n")), errors: errors, rows: 2, hint: t("One per line", "По одному в строке")))
                \(Form.field(t("City", "Город"), "city", value: value("city", company?.city), errors: errors))
                \(Form.select(t("Owner", "Ответственный"), "ownerId", options: try await users.options(keeping: company?.ownerID), selected: value("ownerId", company?.ownerID?.rawValue ?? viewer.user.id.rawValue), errors: errors))
                </div>
                \(Form.field(t("Address", "Адрес"), "address", value: value("address", company?.addresses.first?.text), errors: errors))
                \(Form.field(t("Tags", "Теги"), "tags", value: value("tags", company?.tags.joined(separator: ", ")), errors: errors, hint: t("Separated by commas", "Через запятую")))
                \(RecordViews.customFieldInputs(try await definitions, values: company?.customFields ?? [:], form: form, errors: errors, t))
                <div class="actions"><button class="primary" type="submit">\(t("Save", "Сохранить"))</button>
                <a class="button" href="\(company.map { WebURL.company($0.id) } ?? WebURL.companies)">\(t("Cancel", "Отмена"))</a></div>
                </form></div>
                """)
    }

    func input(from form: FormData, _ viewer: Viewer) async throws -> CompanyInput {
        var object: [String: JSONValue] = [:]
        object["name"] = form.text("name").map(JSONValue.string) ?? .null
        for name in ["inn", "kpp", "industry", "website", "city", "ownerId"] where form.has(name) {
            object[name] = form.text(name).map(JSONValue.string) ?? .null
        }
        object["phones"] = .array(form.lines("phones").map { .object(["number": .string($0)]) })
        object["emails"] = .array(form.lines("emails").map { .object(["address": .string($0)]) })
        object["addresses"] = .array(form.text("address").map { [.object(["text": .string($0)])] } ?? [])
        object["tags"] = .array(form.list("tags").map(JSONValue.string))
        let definitions = try await store.workspaces.customFields(entity: .company, by: viewer.actor)
        if !definitions.isEmpty {
            object["customFields"] = RecordViews.customFieldValues(definitions, form: form, currency: viewer.workspace.currency)
        }
        var reader = WebKit.reader(object)
        let input = reader.companyInput()
        try reader.finish()
        return input
    }
}
