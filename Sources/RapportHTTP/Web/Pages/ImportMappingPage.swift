import Foundation
import Hummingbird
import RapportCore
import RapportStore

/// The mapping step of the import wizard: the file's first rows with, above each column, a select of what it
/// holds, pre-filled with what the import found by itself; sent back, it queues the import as mapped.
extension ImportPages {
    func registerMapping(on router: RouterGroup<AppRequestContext>) {
        router.get("imports/{id}/mapping") { request, context in
            let viewer = try await kit.viewer(request, context)
            return WebResponse.html(try await mappingPage(viewer, id: try Handlers.id(context), errors: FormErrors()))
        }
        router.post("imports/{id}/mapping") { request, context in
            let viewer = try await kit.viewer(request, context)
            let form = try await FormData.read(request, context)
            let id: ImportRun.ID = try Handlers.id(context)
            let count = Int(form["columns"] ?? "") ?? 0
            let choices = (0..<min(count, 16_384)).map { ImportMapping.Choice(formValue: form["column\($0)"] ?? "") }
            do {
                let run = try await store.imports.confirm(id, choices: choices, by: viewer.actor)
                return WebResponse.redirect(WebURL("/imports/\(run.id.rawValue)"), flash: .created)
            } catch let error as ValidationError {
                return WebResponse.html(
                    try await mappingPage(viewer, id: id, errors: FormErrors(error, locale: viewer.locale)), status: .unprocessableContent)
            }
        }
    }

    func mappingPage(_ viewer: Viewer, id: ImportRun.ID, errors: FormErrors) async throws -> HTML {
        let t = viewer.t
        let run = try await store.imports.get(id, by: viewer.actor)
        let entity = run.entity
        let records = try await store.imports.preview(id, by: viewer.actor)
        let header = records.first ?? []
        let automatic = ImportMapping.automatic(header, entity: entity)
        let options: [(value: String, text: String)] =
            [("", t("As in the file", "Как в файле")), ("-", t("Skip", "Не загружать"))]
            + ImportMapping.fields(for: entity).map { ($0, Self.fieldLabel($0, t)) }
        let selects: [HTML] = header.indices.map { column in
            let selected = column < automatic.count ? automatic[column].formValue : ""
            return """
                <th scope="col"><label class="visually-hidden" for="f-column\(column)">\(header[column])</label>
                <select id="f-column\(column)" name="column\(column)">\(options: options, selected: selected, blank: nil)</select></th>
                """
        }
        let titles: [HTML] = header.map { "<th scope=\"col\">\($0)</th>" }
        let rows: [HTML] = records.dropFirst().map { record in
            let cells: [HTML] = header.indices.map { "<td>\($0 < record.count ? record[$0] : "")</td>" }
            return "<tr>\(cells)</tr>"
        }
        return Layout.page(
            viewer, title: t("Columns of the import", "Колонки импорта"), section: .contacts,
            body: """
                <div class="card"><h1>\(t("What each column holds", "Что в каждой колонке"))</h1>
                \(Form.summary(errors, t))
                <p class="hint">\(t("Found by the headers; change what is wrong. The first rows of the file are below.", "Найдено по заголовкам; исправьте, что не так. Ниже — первые строки файла."))</p>
                <form method="post" action="/imports/\(id.rawValue)/mapping">\(Form.csrf(viewer))
                <input type="hidden" name="columns" value="\(String(header.count))">
                <div class="table-scroll"><table class="list mapping"><thead><tr>\(selects)</tr><tr>\(titles)</tr></thead>
                <tbody>\(rows)</tbody></table></div>
                <button type="submit" class="primary">\(t("Import", "Импортировать"))</button></form></div>
                """)
    }

    /// A field's name in the mapping select.
    static func fieldLabel(_ field: String, _ t: Lang) -> String {
        let labels: [String: (String, String)] = [
            "fullName": ("Full name", "ФИО"), "lastName": ("Last name", "Фамилия"), "firstName": ("First name", "Имя"),
            "middleName": ("Middle name", "Отчество"), "phone": ("Phone", "Телефон"), "mobilePhone": ("Mobile phone", "Мобильный телефон"),
            "workPhone": ("Work phone", "Рабочий телефон"), "homePhone": ("Home phone", "Домашний телефон"), "email": ("E-mail", "E-mail"),
            "company": ("Company", "Компания"), "position": ("Position", "Должность"), "city": ("City", "Город"),
            "address": ("Address", "Адрес"), "legalAddress": ("Legal address", "Юридический адрес"),
            "birthday": ("Birthday", "День рождения"),
            "tags": ("Tags", "Теги"), "owner": ("Owner", "Ответственный"), "source": ("Source", "Источник"), "name": ("Name", "Название"),
            "inn": ("INN", "ИНН"), "kpp": ("KPP", "КПП"), "industry": ("Industry", "Сфера деятельности"), "website": ("Website", "Сайт"),
            "title": ("Title", "Название"), "amount": ("Amount", "Сумма"), "currency": ("Currency", "Валюта"),
            "pipeline": ("Pipeline", "Воронка"), "stage": ("Stage", "Этап"), "contactEmail": ("Contact's e-mail", "E-mail контакта"),
            "contactPhone": ("Contact's phone", "Телефон контакта"), "contact": ("Contact", "Контакт"),
            "companyINN": ("Company INN", "ИНН компании"),
            "expectedCloseDate": ("Expected close date", "Дата закрытия"), "lostReason": ("Lost reason", "Причина отказа"),
            "utmSource": ("utm_source", "utm_source"), "utmMedium": ("utm_medium", "utm_medium"),
            "utmCampaign": ("utm_campaign", "utm_campaign"),
            "utmContent": ("utm_content", "utm_content"), "utmTerm": ("utm_term", "utm_term"),
        ]
        guard let (en, ru) = labels[field] else { return field }
        return t(en, ru)
    }
}
