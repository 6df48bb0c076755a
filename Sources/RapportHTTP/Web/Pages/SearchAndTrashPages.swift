import Foundation
import Hummingbird
import RapportCore
import RapportStore

/// What the trash page lists, one tab each: the records with a trash of their own, and documents (which
/// hang on a record but are trashed one by one).
enum TrashKind: String, CaseIterable {
    case contact, company, deal, task, document

    func title(_ t: Lang) -> String {
        switch self {
        case .contact: t("Contacts", "Контакты")
        case .company: t("Companies", "Компании")
        case .deal: t("Deals", "Сделки")
        case .task: t("Tasks", "Задачи")
        case .document: t("Documents", "Документы")
        }
    }
}

/// Global search (a page, and the fragment the search box shows as you type) and the trash.
struct SearchAndTrashPages {
    let kit: WebKit
    var store: Store { kit.store }

    func register(on router: RouterGroup<AppRequestContext>) {
        router.get("search") { request, context in
            let viewer = try await kit.viewer(request, context)
            let query = FormData.query(request)
            let text = query.text("q") ?? ""
            var results: SearchRepository.Results?
            var problem: String?
            if !text.isEmpty {
                do {
                    results = try await store.search.search(
                        String(text.prefix(200)), limit: query["partial"] == nil ? 20 : 6, by: viewer.actor)
                } catch let error as ValidationError {
                    problem = FormErrors(error, locale: viewer.locale).all.first
                }
            }
            let body = resultsHTML(viewer, results, problem: problem, partial: query["partial"] != nil)
            if query["partial"] != nil { return WebResponse.html(body) }
            return WebResponse.html(
                Layout.page(
                    viewer, title: viewer.t("Search", "Поиск"), section: .search,
                    body: """
                        <h1>\(viewer.t("Search", "Поиск"))</h1>
                        <form method="get" action="/search" role="search" class="bulk"><div class="field grow"><label for="f-q">\(viewer.t("Contacts, companies, deals", "Контакты, компании, сделки"))</label>
                        <input id="f-q" type="search" name="q" value="\(text)"></div><button type="submit" class="primary">\(viewer.t("Find", "Найти"))</button></form>
                        <div class="card">\(body)</div>
                        """))
        }
        router.get("trash") { request, context in
            let viewer = try await kit.viewer(request, context)
            return WebResponse.html(try await trashPage(viewer, FormData.query(request)))
        }
        router.post("trash/{kind}/{id}/restore") { request, context in
            let viewer = try await kit.viewer(request, context)
            _ = try await FormData.read(request, context)
            guard let kind = context.parameters.get("kind").flatMap(TrashKind.init(rawValue:)) else { throw APIError.notFound }
            switch kind {
            case .contact: _ = try await store.contacts.restore(try Handlers.id(context), by: viewer.actor)
            case .company: _ = try await store.companies.restore(try Handlers.id(context), by: viewer.actor)
            case .deal: _ = try await store.deals.restore(try Handlers.id(context), by: viewer.actor)
            case .task: _ = try await store.tasks.restore(try Handlers.id(context), by: viewer.actor)
            case .document: _ = try await store.documents.restore(try Handlers.id(context), by: viewer.actor)
            }
            return WebResponse.redirect(.trash(kind: kind), flash: .restored)
        }
    }

    func resultsHTML(_ viewer: Viewer, _ results: SearchRepository.Results?, problem: String?, partial: Bool) -> HTML {
        let t = viewer.t
        if let problem { return "<p class=\"empty\">\(problem)</p>" }
        guard let results else {
            return Parts.empty(t("Type a name, a phone, an e-mail or an INN.", "Введите имя, телефон, e-mail или ИНН."))
        }
        var groups: [HTML] = []
        func group(_ title: String, _ links: [HTML]) {
            guard !links.isEmpty else { return }
            groups.append(
                partial
                    ? "<div class=\"kind\">\(title)</div>\(links)" : "<h2>\(title)</h2><ul>\(links.map { "<li>\($0)</li>" as HTML })</ul>")
        }
        group(
            t("Contacts", "Контакты"),
            results.contacts.map { contact in
                let detail = contact.phones.first?.number.display ?? contact.emails.first?.address
                return
                    "<a href=\"\(WebURL.contact(contact.id))\" role=\"option\">\(contact.displayName)\(detail.map { " <span class=\"muted\">\($0)</span>" as HTML })</a>"
            })
        group(
            t("Companies", "Компании"),
            results.companies.map {
                "<a href=\"\(WebURL.company($0.id))\" role=\"option\">\($0.name)\($0.inn.map { " <span class=\"muted\">\(t("INN", "ИНН")) \($0)</span>" as HTML })</a>"
            })
        group(
            t("Deals", "Сделки"),
            results.deals.map {
                "<a href=\"\(WebURL.deal($0.id))\" role=\"option\">\($0.title) <span class=\"muted\">\(viewer.format.money($0.amount))</span></a>"
            })
        guard !groups.isEmpty else { return Parts.empty(t("Nothing found.", "Ничего не найдено.")) }
        return HTML.join(groups)
    }

    func trashPage(_ viewer: Viewer, _ query: FormData) async throws -> HTML {
        let t = viewer.t
        let kind = query.text("kind").flatMap(TrashKind.init(rawValue:)) ?? .contact
        let list = ListQuery(limit: 100, sort: "-updatedAt", trash: true)
        var rows: [(id: String, title: String, deleted: Date?, on: RecordRef?)] = []
        switch kind {
        case .contact:
            rows = try await store.contacts.list(list, by: viewer.actor).items.map { ($0.id.rawValue, $0.displayName, $0.deletedAt, nil) }
        case .company:
            rows = try await store.companies.list(list, by: viewer.actor).items.map { ($0.id.rawValue, $0.name, $0.deletedAt, nil) }
        case .deal: rows = try await store.deals.list(list, by: viewer.actor).items.map { ($0.id.rawValue, $0.title, $0.deletedAt, nil) }
        case .task: rows = try await store.tasks.list(list, by: viewer.actor).items.map { ($0.id.rawValue, $0.title, $0.deletedAt, nil) }
        case .document:
            rows = try await store.documents.trash(limit: list.limit, by: viewer.actor).map {
                ($0.id.rawValue, $0.title.isEmpty ? $0.current?.fileName ?? "" : $0.title, $0.deletedAt, $0.record)
            }
        }
        let tabs: [HTML] = TrashKind.allCases.map {
            "<a href=\"\(WebURL.trash(kind: $0))\"\(if: $0 == kind, " class=\"current\" aria-current=\"page\"")>\($0.title(t))</a>"
        }
        let items: [HTML] = rows.map { row in
            // A document names the record it hangs on, where it returns to when restored.
            let record: HTML =
                row.on.flatMap(WebURL.record).map { url -> HTML in
                    " <a class=\"muted\" href=\"\(url)\">\(t("open the record", "открыть запись"))</a>"
                } ?? .empty
            return """
                <tr><td>\(row.title.isEmpty ? "—" : row.title)\(record)</td><td data-label="\(t("Deleted", "Удалено"))">\(row.deleted.map(viewer.format.dateTime) ?? "")</td>
                <td><form method="post" action="\(WebURL.restore(kind, row.id))">\(Form.csrf(viewer))<button type="submit" class="small">\(t("Restore", "Восстановить"))</button></form></td></tr>
                """
        }
        return Layout.page(
            viewer, title: t("Trash", "Корзина"), section: .trash,
            body: """
                <h1>\(t("Trash", "Корзина"))</h1>
                <p class="muted">\(t("Deleted records stay here until they are purged after the retention period.", "Удалённые записи хранятся здесь до автоматической очистки по истечении срока хранения."))</p>
                <nav class="quick-tabs">\(tabs)</nav>
                \(items.isEmpty ? Parts.empty(t("The trash is empty.", "Корзина пуста.")) : "<table class=\"list\"><thead><tr><th scope=\"col\">\(t("Record", "Запись"))</th><th scope=\"col\">\(t("Deleted", "Удалено"))</th><th scope=\"col\"></th></tr></thead><tbody>\(items)</tbody></table>" as HTML)
                """)
    }
}
