import Foundation
import Hummingbird
import RapportCore
import RapportStore

/// Duplicates and merge in the UI: the groups the finder proposes, a card's own duplicates, and the merge
/// screen (records side by side, one radio per field, the unioned lists previewed). No script needed.
struct DuplicatePages {
    let kit: WebKit
    var store: Store { kit.store }

    func register(on router: RouterGroup<AppRequestContext>) {
        for kind in [MergeKind.contact, .company] {
            router.get("\(kind.noun)/duplicates") { request, context in
                let viewer = try await kit.viewer(request, context)
                return WebResponse.html(try await groupsPage(kind, viewer, request))
            }
            router.get("\(kind.noun)/{id}/duplicates") { request, context in
                let viewer = try await kit.viewer(request, context)
                guard let raw = context.parameters.get("id"), UUIDv7.isWellFormed(raw) else { throw APIError.notFound }
                return WebResponse.html(try await matchesPage(kind, id: raw.lowercased(), viewer))
            }
            router.post("\(kind.noun)/duplicates/dismiss") { request, context in
                let viewer = try await kit.viewer(request, context)
                let form = try await FormData.read(request, context)
                let ids = form.all("ids").filter(UUIDv7.isWellFormed).map { $0.lowercased() }
                try await store.duplicates.dismiss(kind.recordKind, ids: ids, by: viewer.actor)
                return WebResponse.redirect(WebURL.localReturn(form["return"]) ?? kind.duplicatesURL, flash: .notDuplicates)
            }
            router.get("\(kind.noun)/merge") { request, context in
                let viewer = try await kit.viewer(request, context)
                let query = FormData.query(request)
                return WebResponse.html(try await mergePage(kind, viewer, ids: query.all("ids"), form: nil, errors: FormErrors()))
            }
            router.post("\(kind.noun)/merge") { request, context in
                let viewer = try await kit.viewer(request, context)
                let form = try await FormData.read(request, context)
                let ids = form.all("ids")
                return try await kit.submitting(viewer, form: { try await mergePage(kind, viewer, ids: ids, form: form, errors: $0) }) {
                    let survivor = try await merge(kind, form, viewer)
                    return WebResponse.redirect(WebURL("/\(kind.noun)/\(survivor)"), flash: .merged)
                }
            }
        }
    }

    // MARK: - Pages

    func groupsPage(_ kind: MergeKind, _ viewer: Viewer, _ request: Request) async throws -> HTML {
        let t = viewer.t
        let query = FormData.query(request)
        let list = try Handlers.listQuery(request)
        var groups: [(group: DuplicateGroup, rows: [RecordSummary])] = []
        var next: String?
        switch kind {
        case .contact:
            let page = try await store.duplicates.contactGroups(list, by: viewer.actor)
            groups = page.items.map { ($0.group, $0.records.map { RecordSummary($0, viewer) }) }
            next = page.nextCursor?.token
        case .company:
            let page = try await store.duplicates.companyGroups(list, by: viewer.actor)
            groups = page.items.map { ($0.group, $0.records.map { RecordSummary($0, viewer) }) }
            next = page.nextCursor?.token
        }
        let sections: [HTML] = groups.map { group, rows in
            """
            <section class="card duplicate-group" data-ids="\(group.ids.joined(separator: " "))">
            <p>\(HTML.join(group.reasons.map { "<span class=\"tag\">\(Self.label($0, t))</span>" as HTML }, separator: " "))</p>
            \(Self.summaryTable(rows, t))
            <div class="actions"><a class="button primary merge-link" href="\(kind.mergeURL(group.ids))">\(t("Merge…", "Объединить…"))</a>
            \(dismissForm(kind, ids: group.ids, viewer))</div></section>
            """
        }
        return Layout.page(
            viewer, title: kind.duplicatesTitle(t), section: kind.section,
            body: """
                <div class="page-head"><h1>\(kind.duplicatesTitle(t))</h1>
                <a class="button" href="/\(kind.noun)">\(kind.listTitle(t))</a></div>
                <p class="muted">\(kind.finderHint(t))</p>
                \(sections.isEmpty ? Parts.empty(t("No duplicates found.", "Дубликатов не найдено.")) : HTML.join(sections))
                \(Parts.nextPage(next, base: query, path: "/\(kind.noun)/duplicates", t))
                """)
    }

    func matchesPage(_ kind: MergeKind, id: String, _ viewer: Viewer) async throws -> HTML {
        let t = viewer.t
        let this: RecordSummary
        let matches: [(RecordSummary, [DuplicateReason])]
        switch kind {
        case .contact:
            this = RecordSummary(try await store.contacts.get(Contact.ID(id), by: viewer.actor), viewer)
            matches = try await store.duplicates.contactMatches(of: Contact.ID(id), by: viewer.actor).map {
                (RecordSummary($0.record, viewer), $0.reasons)
            }
        case .company:
            this = RecordSummary(try await store.companies.get(Company.ID(id), by: viewer.actor), viewer)
            matches = try await store.duplicates.companyMatches(of: Company.ID(id), by: viewer.actor).map {
                (RecordSummary($0.record, viewer), $0.reasons)
            }
        }
        let rows: [HTML] = matches.map { match, reasons in
            """
            <tr><td><a href="\(match.url)"><b>\(match.name)</b></a></td>
            <td data-label="\(t("Why", "Почему"))">\(HTML.join(reasons.map { "<span class=\"tag\">\(Self.label($0, t))</span>" as HTML }, separator: " "))</td>
            <td data-label="\(t("Phones, e-mails", "Телефоны, e-mail"))">\(match.channels)</td>
            <td><div class="actions"><a class="button" href="\(kind.mergeURL([this.id, match.id]))">\(t("Merge…", "Объединить…"))</a>
            \(dismissForm(kind, ids: [this.id, match.id], viewer))</div></td></tr>
            """
        }
        return Layout.page(
            viewer, title: t("Duplicates of", "Дубликаты:") + " " + this.name, section: kind.section,
            body: """
                <div class="page-head"><h1>\(t("Duplicates of", "Дубликаты:")) <a href="\(this.url)">\(this.name)</a></h1>
                \(if: matches.count > 1, "<a class=\"button primary\" href=\"\(kind.mergeURL([this.id] + matches.map { $0.0.id }))\">\(t("Merge all…", "Объединить все…"))</a>")</div>
                \(rows.isEmpty ? Parts.empty(t("No duplicates found.", "Дубликатов не найдено.")) : """
                <table class="list"><thead><tr><th scope="col">\(t("Record", "Запись"))</th><th scope="col">\(t("Why", "Почему"))</th>
                <th scope="col">\(t("Phones, e-mails", "Телефоны, e-mail"))</th><th scope="col"></th></tr></thead><tbody>\(rows)</tbody></table>
                """ as HTML)
                """)
    }

    func dismissForm(_ kind: MergeKind, ids: [String], _ viewer: Viewer) -> HTML {
        """
        <form method="post" action="/\(kind.noun)/duplicates/dismiss">\(Form.csrf(viewer))\(HTML.join(ids.map { Form.hidden("ids", $0) }))
        \(Form.hidden("return", viewer.path))<button type="submit" class="dismiss">\(viewer.t("Not duplicates", "Не дубликаты"))</button></form>
        """
    }

    /// The merge screen: a column per record (oldest first), a row per field with a radio button for the
    /// value that survives (defaults: the oldest record survives, non-empty values preferred), the lists
    /// that are unioned, and the Merge button.
    func mergePage(_ kind: MergeKind, _ viewer: Viewer, ids: [String], form: FormData?, errors: FormErrors) async throws -> HTML {
        let t = viewer.t
        var seen: Set<String> = []
        let wanted = ids.filter(UUIDv7.isWellFormed).map { $0.lowercased() }.filter { seen.insert($0).inserted }
        guard wanted.count >= 2 else { throw ValidationError("ids", .required) }
        async let users = kit.users(viewer)
        async let definitions = store.workspaces.customFields(entity: kind.recordKind, by: viewer.actor)
        let sheet: MergeSheet
        switch kind {
        case .contact:
            var records: [Contact] = []
            for id in wanted { records.append(try await store.contacts.get(Contact.ID(id), by: viewer.actor)) }
            sheet = MergeSheet(
                contacts: records.sorted { ($0.createdAt, $0.id.rawValue) < ($1.createdAt, $1.id.rawValue) }, viewer, try await users)
        case .company:
            var records: [Company] = []
            for id in wanted { records.append(try await store.companies.get(Company.ID(id), by: viewer.actor)) }
            sheet = MergeSheet(
                companies: records.sorted { ($0.createdAt, $0.id.rawValue) < ($1.createdAt, $1.id.rawValue) }, viewer, try await users)
        }
        // A record merged or trashed meanwhile cannot take part; its card leads to where it went.
        if sheet.records.contains(where: \.deleted) { throw RecordError.inTrash(kind.recordKind) }
        let labels = Dictionary(try await definitions.map { ("customFields.\($0.key)", $0.label) }, uniquingKeysWith: { a, _ in a })
        let survivor = form?["survivor"] ?? sheet.records[0].id
        let header: [HTML] = sheet.records.map { record in
            "<th scope=\"col\"><a href=\"\(record.url)\">\(record.name)</a><div class=\"muted\">\(t("created", "создан(а)")) \(viewer.format.dateTime(record.createdAt))</div></th>"
        }
        let keep: [HTML] = sheet.records.map { record in
            """
            <td><label><input type="radio" name="survivor" value="\(record.id)" id="survivor-\(record.id)"\(if: record.id == survivor, " checked")> \(t("Keep this record", "Оставить эту запись"))</label></td>
            """
        }
        var rows: [HTML] = ["<tr><th scope=\"row\">\(t("Survivor", "Остаётся"))</th>\(keep)</tr>"]
        for field in sheet.fields where sheet.records.contains(where: { $0.values[field] != nil }) {
            let chosen = form?["choice.\(field)"] ?? sheet.defaults[field] ?? sheet.records[0].id
            let cells: [HTML] = sheet.records.map { record in
                let value = record.values[field]
                let id = "choice-\(field.filter { $0.isLetter || $0.isNumber })-\(record.id)"
                return """
                    <td><label for="\(id)"><input type="radio" name="choice.\(field)" value="\(record.id)" id="\(id)"\(if: record.id == chosen, " checked")> \(value.map { "\($0)" as HTML } ?? "<span class=\"muted\">—</span>")</label></td>
                    """
            }
            let label = labels[field] ?? sheet.labels[field] ?? String(field.dropFirst("customFields.".count))
            rows.append("<tr><th scope=\"row\">\(label)\(Self.fieldErrors(errors, "choices.\(field)"))</th>\(cells)</tr>")
        }
        let unions: [HTML] = sheet.unions.map { name, values in
            "<dt>\(name)</dt><dd class=\"union-\(name.filter(\.isLetter).lowercased())\">\(values.isEmpty ? "—" : values.joined(separator: ", "))</dd>"
        }
        return Layout.page(
            viewer, title: kind.mergeTitle(t), section: kind.section,
            body: """
                <div class="page-head"><h1>\(kind.mergeTitle(t))</h1></div>
                \(Form.summary(errors, t))
                <p class="muted">\(t("Pick the record that stays and, for each field, the value it keeps. Deals, tasks, activities, orders and links move to it; the others go to the trash with a pointer to it.", "Выберите запись, которая останется, и для каждого поля — значение, которое она сохранит. Сделки, задачи, события, заказы и связи перейдут к ней; остальные записи попадут в корзину со ссылкой на неё."))</p>
                <form method="post" action="/\(kind.noun)/merge" class="merge-form">\(Form.csrf(viewer))
                \(HTML.join(sheet.records.map { Form.hidden("ids", $0.id) }))
                \(HTML.join(sheet.records.map { Form.hidden("version.\($0.id)", String($0.version)) }))
                <div class="table-scroll"><table class="list merge-table"><thead><tr><th scope="col">\(t("Field", "Поле"))</th>\(header)</tr></thead>
                <tbody>\(rows)</tbody></table></div>
                <section class="card"><h2>\(t("Kept from all records", "Сохранится из всех записей"))</h2><dl class="facts">\(unions)</dl></section>
                <div class="actions"><button type="submit" class="primary" id="merge-submit">\(t("Merge", "Объединить"))</button>
                <a class="button" href="/\(kind.noun)/duplicates">\(t("Cancel", "Отмена"))</a></div>
                </form>
                """)
    }

    /// Runs the merge a form asks for; returns the survivor's id.
    func merge(_ kind: MergeKind, _ form: FormData, _ viewer: Viewer) async throws -> String {
        let ids = form.all("ids").filter(UUIDv7.isWellFormed).map { $0.lowercased() }
        guard let survivor = form["survivor"]?.lowercased(), ids.contains(survivor) else { throw ValidationError("survivorId", .required) }
        var versions: [String: Int64] = [:]
        for id in ids { if let version = form["version.\(id)"].flatMap({ Int64($0) }) { versions[id] = version } }
        var choices: [String: String] = [:]
        for (name, value) in form.pairs where name.hasPrefix("choice.") {
            choices[String(name.dropFirst("choice.".count))] = value.lowercased()
        }
        let merged = ids.filter { $0 != survivor }
        switch kind {
        case .contact:
            let request = MergeRequest<Contact>(
                survivorID: Contact.ID(survivor), mergedIDs: merged.map { Contact.ID($0) }, versions: versions,
                choices: choices.mapValues { Contact.ID($0) })
            return try await store.duplicates.mergeContacts(request, by: viewer.actor).id.rawValue
        case .company:
            let request = MergeRequest<Company>(
                survivorID: Company.ID(survivor), mergedIDs: merged.map { Company.ID($0) }, versions: versions,
                choices: choices.mapValues { Company.ID($0) })
            return try await store.duplicates.mergeCompanies(request, by: viewer.actor).id.rawValue
        }
    }

    // MARK: - Labels

    static func label(_ reason: DuplicateReason, _ t: Lang) -> String {
        switch reason {
        case .samePhone: t("Same phone", "Одинаковый телефон")
        case .sameEmail: t("Same e-mail", "Одинаковый e-mail")
        case .sameINN: t("Same INN", "Одинаковый ИНН")
        case .similarName: t("Similar name", "Похожее имя")
        }
    }

    static func fieldErrors(_ errors: FormErrors, _ field: String) -> HTML {
        let messages = errors.forField(field)
        return messages.isEmpty ? .empty : "<span class=\"field-error\">\(messages.joined(separator: " "))</span>"
    }

    static func summaryTable(_ rows: [RecordSummary], _ t: Lang) -> HTML {
        let body: [HTML] = rows.map { row in
            """
            <tr><td><a href="\(row.url)"><b>\(row.name)</b></a></td><td data-label="\(t("Phones, e-mails", "Телефоны, e-mail"))">\(row.channels)</td>
            <td data-label="\(t("Created", "Создан(а)"))">\(row.created)</td></tr>
            """
        }
        return """
            <table class="list"><thead><tr><th scope="col">\(t("Record", "Запись"))</th><th scope="col">\(t("Phones, e-mails", "Телефоны, e-mail"))</th>
            <th scope="col">\(t("Created", "Создан(а)"))</th></tr></thead><tbody>\(body)</tbody></table>
            """
    }
}

/// Contacts or companies, for the pages both share.
enum MergeKind: Sendable {
    case contact, company

    var recordKind: RecordKind { self == .contact ? .contact : .company }
    var noun: String { recordKind.pathNoun }
    var section: Section { self == .contact ? .contacts : .companies }
    var duplicatesURL: WebURL { WebURL("/\(noun)/duplicates") }
    func mergeURL(_ ids: [String]) -> WebURL { WebURL("/\(noun)/merge", ids.map { ("ids", $0) }) }
    func duplicatesTitle(_ t: Lang) -> String {
        self == .contact ? t("Duplicate contacts", "Дубликаты контактов") : t("Duplicate companies", "Дубликаты компаний")
    }
    func listTitle(_ t: Lang) -> String { self == .contact ? t("Contacts", "Контакты") : t("Companies", "Компании") }
    func mergeTitle(_ t: Lang) -> String {
        self == .contact ? t("Merge contacts", "Объединение контактов") : t("Merge companies", "Объединение компаний")
    }
    func finderHint(_ t: Lang) -> String {
        self == .contact
            ? t(
                "Contacts with the same phone or e-mail, or with near-identical names in one company.",
                "Контакты с одинаковым телефоном или e-mail либо с почти одинаковыми именами в одной компании.")
            : t("Companies with the same INN, phone, e-mail or name.", "Компании с одинаковым ИНН, телефоном, e-mail или названием.")
    }
}

/// One record as the duplicate lists show it.
struct RecordSummary: Sendable {
    var id: String
    var name: String
    var url: WebURL
    var channels: String
    var created: String

    init(_ c: Contact, _ viewer: Viewer) {
        id = c.id.rawValue
        name = c.displayName.isEmpty ? "—" : c.displayName
        url = .contact(c.id)
        channels = (c.phones.map(\.number.display) + c.emails.map(\.address)).joined(separator: ", ")
        created = viewer.format.dateTime(c.createdAt)
    }

    init(_ c: Company, _ viewer: Viewer) {
        id = c.id.rawValue
        name = c.name + (c.inn.map { " · \(viewer.t("INN", "ИНН")) \($0)" } ?? "")
        url = .company(c.id)
        channels = (c.phones.map(\.number.display) + c.emails.map(\.address)).joined(separator: ", ")
        created = viewer.format.dateTime(c.createdAt)
    }
}

/// The merge screen's model: each record's displayable value per field, the default choices, and the
/// lists the merge unions.
struct MergeSheet {
    struct Column {
        var id: String
        var name: String
        var url: WebURL
        var createdAt: Date
        var version: Int64
        var deleted: Bool
        var values: [String: String]
    }
    var records: [Column]
    var fields: [String]
    /// The scalar fields' labels by key (custom fields are labelled by their definitions).
    var labels: [String: String]
    var defaults: [String: String]
    var unions: [(String, [String])]

    init(contacts: [Contact], _ viewer: Viewer, _ users: [User]) {
        let t = viewer.t
        fields = MergeRules.fields(contacts).map(\.key)
        defaults = MergeRules.defaultChoices(contacts).mapValues(\.rawValue)
        labels = MergeSheet.contactFields.mapValues { $0.label(t) }
        let keys = fields
        records = contacts.map { c in
            Column(
                id: c.id.rawValue, name: c.displayName.isEmpty ? "—" : c.displayName, url: .contact(c.id), createdAt: c.createdAt,
                version: c.version, deleted: c.deletedAt != nil,
                values: MergeSheet.values(c, keys: keys, MergeSheet.contactFields, c.customFields, viewer, users))
        }
        unions = [
            (t("Phones", "Телефоны"), MergeRules.union(contacts.map(\.phones)).map(\.number.display)),
            (t("E-mails", "E-mail"), MergeRules.union(contacts.map(\.emails)).map(\.address)),
            (t("Tags", "Теги"), MergeRules.union(tags: contacts.map(\.tags))),
        ]
    }

    init(companies: [Company], _ viewer: Viewer, _ users: [User]) {
        let t = viewer.t
        fields = MergeRules.fields(companies).map(\.key)
        defaults = MergeRules.defaultChoices(companies).mapValues(\.rawValue)
        labels = MergeSheet.companyFields.mapValues { $0.label(t) }
        let keys = fields
        records = companies.map { c in
            Column(
                id: c.id.rawValue, name: c.name, url: .company(c.id), createdAt: c.createdAt, version: c.version,
                deleted: c.deletedAt != nil,
                values: MergeSheet.values(c, keys: keys, MergeSheet.companyFields, c.customFields, viewer, users))
        }
        unions = [
            (t("Phones", "Телефоны"), MergeRules.union(companies.map(\.phones)).map(\.number.display)),
            (t("E-mails", "E-mail"), MergeRules.union(companies.map(\.emails)).map(\.address)),
            (t("Tags", "Теги"), MergeRules.union(tags: companies.map(\.tags))),
            (t("Addresses", "Адреса"), CompanyMerge.union(addresses: companies.map(\.addresses)).map(\.text)),
        ]
    }

    static func source(_ s: LeadSource) -> String? {
        let parts = [s.source, s.utmSource, s.utmMedium, s.utmCampaign].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: " / ")
    }

    /// A record's displayable value per field: a scalar through its view, a custom field as plain text.
    static func values<Record>(
        _ record: Record, keys: [String], _ views: [String: MergeFieldView<Record>], _ customFields: [String: JSONValue], _ viewer: Viewer,
        _ users: [User]
    ) -> [String: String] {
        var values: [String: String] = [:]
        for key in keys {
            values[key] = if let view = views[key] { view.value(record, viewer, users) } else { custom(key, customFields) }
        }
        return values
    }

    static func custom(_ key: String, _ values: [String: JSONValue]) -> String? {
        guard key.hasPrefix("customFields."), let value = values[String(key.dropFirst("customFields.".count))], value != .null else {
            return nil
        }
        return value.plainText
    }
}

/// How the merge screen shows one scalar field of a record: its label, and a record's value as text.
struct MergeFieldView<Record>: Sendable {
    var label: @Sendable (Lang) -> String
    var value: @Sendable (Record, Viewer, [User]) -> String?

    init(_ label: @escaping @Sendable (Lang) -> String, _ value: @escaping @Sendable (Record, Viewer, [User]) -> String?) {
        self.label = label
        self.value = value
    }
}

extension MergeSheet {
    /// Every scalar field of ``ContactMerge/scalarFields`` by key (a test checks none is missing).
    static let contactFields: [String: MergeFieldView<Contact>] = [
        "lastName": .init({ $0("Last name", "Фамилия") }) { c, _, _ in c.lastName },
        "firstName": .init({ $0("First name", "Имя") }) { c, _, _ in c.firstName },
        "middleName": .init({ $0("Middle name", "Отчество") }) { c, _, _ in c.middleName },
        "position": .init({ $0("Position", "Должность") }) { c, _, _ in c.position },
        "city": .init({ $0("City", "Город") }) { c, _, _ in c.city },
        "address": .init({ $0("Address", "Адрес") }) { c, _, _ in c.address },
        "birthday": .init({ $0("Birthday", "День рождения") }) { c, viewer, _ in c.birthday.map(viewer.format.date) },
        "source": .init({ $0("Source", "Источник") }) { c, _, _ in source(c.source) },
        "ownerId": .init({ $0("Owner", "Ответственный") }) { c, _, users in users.name(of: c.ownerID) },
        "readiness": .init({ $0("Readiness", "Готовность") }) { c, viewer, _ in c.readiness.map(viewer.t.label) },
        "lifecycle": .init({ $0("Lifecycle", "Стадия") }) { c, viewer, _ in viewer.t.label(c.lifecycle) },
        "emailConsent": .init({ $0("E-mail consent", "Согласие на e-mail") }) { c, viewer, _ in yesNo(c.emailConsent?.granted, viewer.t) },
        "smsConsent": .init({ $0("SMS consent", "Согласие на SMS") }) { c, viewer, _ in yesNo(c.smsConsent?.granted, viewer.t) },
    ]

    /// Every scalar field of ``CompanyMerge/scalarFields`` by key (a test checks none is missing).
    static let companyFields: [String: MergeFieldView<Company>] = [
        "name": .init({ $0("Name", "Название") }) { c, _, _ in c.name },
        "inn": .init({ $0("INN", "ИНН") }) { c, _, _ in c.inn },
        "kpp": .init({ $0("KPP", "КПП") }) { c, _, _ in c.kpp },
        "industry": .init({ $0("Industry", "Отрасль") }) { c, _, _ in c.industry },
        "website": .init({ $0("Website", "Сайт") }) { c, _, _ in c.website },
        "city": .init({ $0("City", "Город") }) { c, _, _ in c.city },
        "source": .init({ $0("Source", "Источник") }) { c, _, _ in source(c.source) },
        "ownerId": .init({ $0("Owner", "Ответственный") }) { c, _, users in users.name(of: c.ownerID) },
    ]

    static func yesNo(_ granted: Bool?, _ t: Lang) -> String? { granted.map { $0 ? t("Yes", "Да") : t("No", "Нет") } }
}
