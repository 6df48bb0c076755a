import Foundation
import Hummingbird
import RapportCore
import RapportStore

/// Importing contacts, companies or deals in the UI: upload with a duplicate policy (and a dry run), then the
/// import's page with its progress, counts, every row's reason, and undo.
struct ImportPages {
    let kit: WebKit
    var store: Store { kit.store }

    func register(on router: RouterGroup<AppRequestContext>) {
        router.get("imports/new") { request, context in
            let viewer = try await kit.viewer(request, context)
            return WebResponse.html(uploadPage(viewer, errors: FormErrors()))
        }
        router.post("imports") { request, context in
            let viewer = try await kit.viewer(request, context)
            let (form, files) = try await FormData.readUpload(request, context, limit: 256 << 20)
            guard let file = files["file"], !file.isEmpty else {
                var errors = FormErrors()
                errors.add("file", Messages.text(for: FieldIssue("file", .required), locale: viewer.locale))
                return WebResponse.html(uploadPage(viewer, errors: errors), status: .unprocessableContent)
            }
            do {
                let review = form["review"] == "1"
                let run = try await store.imports.start(
                    file, entity: ImportEntity(rawValue: form["entity"] ?? "") ?? .contacts, fileName: form["fileName"],
                    dryRun: form["dryRun"] == "1", policy: DuplicatePolicy(rawValue: form["onDuplicate"] ?? "") ?? .skip, review: review,
                    by: viewer.actor)
                if review { return WebResponse.redirect(WebURL("/imports/\(run.id.rawValue)/mapping")) }
                return WebResponse.redirect(WebURL("/imports/\(run.id.rawValue)"), flash: .created)
            } catch let error as ValidationError {
                return WebResponse.html(uploadPage(viewer, errors: FormErrors(error, locale: viewer.locale)), status: .unprocessableContent)
            }
        }
        registerMapping(on: router)
        router.get("imports/{id}") { request, context in
            let viewer = try await kit.viewer(request, context)
            return WebResponse.html(try await runPage(viewer, id: try Handlers.id(context)))
        }
        // The report to keep or fix the file by: every row's outcome and reasons, as CSV for Excel.
        router.get("imports/{id}/report") { request, context in
            let viewer = try await kit.viewer(request, context)
            let rows = try await store.imports.report(try Handlers.id(context), all: true, by: viewer.actor)
            let t = viewer.t
            let table = Table(
                title: t("Import report", "Отчёт об импорте"),
                columns: [t("Line", "Строка"), t("Result", "Результат"), t("Record", "Запись"), t("Why", "Почему")],
                rows: rows.map { row in
                    let reasons = row.issues.map { "\($0.field): \(Messages.text(for: $0, locale: viewer.locale))" }.joined(separator: "; ")
                    return [.integer(Int64(row.row)), .text(row.outcome), .text(row.recordID ?? ""), .text(reasons)]
                })
            return ExportFormat.download(table, format: .excel, fileName: "import-report")
        }
        router.post("imports/{id}/undo") { request, context in
            let viewer = try await kit.viewer(request, context)
            _ = try await FormData.read(request, context)
            let run = try await store.imports.undo(try Handlers.id(context), by: viewer.actor)
            return WebResponse.redirect(WebURL("/imports/\(run.id.rawValue)"), flash: .saved)
        }
    }

    func uploadPage(_ viewer: Viewer, errors: FormErrors) -> HTML {
        let t = viewer.t
        let policies: [(value: String, text: String)] = [
            ("skip", t("Skip the row", "Пропустить строку")),
            ("fill", t("Fill the record's empty fields", "Дополнить пустые поля записи")),
            ("overwrite", t("Overwrite the record's fields", "Перезаписать поля записи")),
            ("create", t("Create a new record anyway", "Всё равно создать новую")),
        ]
        let entities: [(value: String, text: String)] = [
            ("contacts", t("Contacts (also vCard)", "Контакты (и vCard)")),
            ("companies", t("Companies", "Компании")),
            ("deals", t("Deals", "Сделки")),
        ]
        return Layout.page(
            viewer, title: t("Import", "Импорт"), section: .contacts,
            body: """
                <div class="card"><h1>\(t("Import contacts, companies or deals", "Импорт контактов, компаний или сделок"))</h1>
                \(Form.summary(errors, t))
                <p class="hint">\(t("An Excel workbook (XLSX, its first sheet), a CSV file in UTF-8 or Windows-1251 (as Excel saves it) separated by commas, semicolons or tabs, or vCard contacts. Columns are found by their headers, in Russian or English, including those of amoCRM, Bitrix24 and HubSpot exports. Contacts: full name (split into last, first and middle name) or its parts, phones and e-mails (several per cell or several columns), company, position, city, tags, owner, source. Companies: name, INN and KPP (checked), industry, website, phones, e-mails, address, owner, tags, custom fields by their name; duplicates by INN, then name. Deals: title, amount, currency, pipeline and stage by name, owner, contact by e-mail or phone, company by INN or name, close date, source and UTM.", "Книга Excel (XLSX, первый лист), CSV в UTF-8 или Windows-1251 (как сохраняет Excel) с запятыми, точками с запятой или табуляцией, или контакты vCard. Колонки находятся по заголовкам на русском или английском, в том числе из выгрузок amoCRM, Битрикс24 и HubSpot. Контакты: ФИО (делится на фамилию, имя, отчество) или его части, телефоны и e-mail (несколько в ячейке или в разных колонках), компания, должность, город, теги, ответственный, источник. Компании: название, ИНН и КПП (с проверкой), сфера, сайт, телефоны, e-mail, адрес, ответственный, теги, дополнительные поля по названию; дубли по ИНН, затем по названию. Сделки: название, сумма, валюта, воронка и этап по названию, ответственный, контакт по e-mail или телефону, компания по ИНН или названию, дата закрытия, источник и UTM."))</p>
                <form method="post" action="/imports" enctype="multipart/form-data" data-native>\(Form.csrf(viewer))
                <div class="field"><label for="f-file">\(t("File", "Файл"))</label><input id="f-file" type="file" name="file" accept=".csv,.xlsx,.vcf,text/csv,text/vcard,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required></div>
                \(Form.select(t("What the file holds", "Что в файле"), "entity", options: entities, selected: "contacts"))
                \(Form.select(t("When the same record exists (contacts by e-mail or phone, companies by INN or name) or came earlier in the file", "Если такая запись уже есть (контакт — по e-mail или телефону, компания — по ИНН или названию) или была выше в файле"), "onDuplicate", options: policies, selected: "skip"))
                \(Form.checkbox(t("Review which column holds what before importing", "Проверить, что в какой колонке, перед импортом"), "review", checked: false))
                \(Form.checkbox(t("Dry run: check and count, write nothing", "Проверка: посчитать, ничего не записывая"), "dryRun", checked: false))
                <button type="submit" class="primary">\(t("Import", "Импортировать"))</button></form></div>
                """)
    }

    func runPage(_ viewer: Viewer, id: ImportRun.ID) async throws -> HTML {
        let t = viewer.t
        let format = viewer.format
        let run = try await store.imports.get(id, by: viewer.actor)
        let rows = try await store.imports.report(id, by: viewer.actor)
        let status: String =
            switch run.status {
            case "draft": t("Waiting for its columns to be checked", "Ждёт проверки колонок")
            case "queued": t("Waiting for a worker", "Ждёт своей очереди")
            case "running": t("Importing", "Идёт импорт")
            case "done": run.dryRun ? t("Checked (dry run: nothing written)", "Проверено (ничего не записано)") : t("Done", "Готово")
            case "undone": t("Undone: the created records are in the trash", "Отменён: созданные записи в корзине")
            default: t("Failed", "Ошибка")
            }
        let lines: [HTML] = rows.map { row in
            let reasons = row.issues.map { "\($0.field): \(Messages.text(for: $0, locale: viewer.locale))" }.joined(separator: "; ")
            let outcome: String =
                switch row.outcome {
                case "updated": t("updated", "обновлён")
                case "skipped": t("skipped", "пропущена")
                default: t("failed", "ошибка")
                }
            let link: HTML =
                row.recordID.map { id in
                    switch run.entity {
                    case .companies: "<a href=\"\(WebURL.company(Company.ID(id)))\">\(t("company", "компания"))</a>"
                    case .deals: "<a href=\"\(WebURL.deal(Deal.ID(id)))\">\(t("deal", "сделка"))</a>"
                    case .contacts: "<a href=\"\(WebURL.contact(Contact.ID(id)))\">\(t("contact", "контакт"))</a>"
                    }
                } ?? .empty
            return "<tr><td>\(row.row)</td><td>\(outcome)</td><td>\(reasons)</td><td>\(link)</td></tr>"
        }
        let working = run.status == "queued" || run.status == "running"
        let title: String =
            switch run.entity {
            case .companies: t("Import of companies", "Импорт компаний")
            case .deals: t("Import of deals", "Импорт сделок")
            case .contacts: t("Import of contacts", "Импорт контактов")
            }
        return Layout.page(
            viewer, title: t("Import", "Импорт"), section: .contacts,
            body: """
                <div class="page-head"><h1>\(title)</h1>
                \(working ? "<a class=\"button\" href=\"/imports/\(id.rawValue)\">\(t("Refresh", "Обновить"))</a>" as HTML : .empty)
                \(if: run.status == "draft", "<a class=\"button\" href=\"/imports/\(id.rawValue)/mapping\">\(t("Check the columns", "Проверить колонки"))</a>" as HTML)</div>
                <section class="card import-result" role="status"><h2 data-import-status="\(run.status)">\(status)</h2>
                <progress max="\(max(1, run.totalRows))" value="\(run.processedRows)">\(run.processedRows) / \(run.totalRows)</progress>
                <p>\(format.number(run.processedRows)) / \(format.number(run.totalRows)) \(t("rows", "строк")) ·
                <b data-created>\(format.number(run.created))</b> \(t("created", "создано")) · <b>\(format.number(run.updated))</b> \(t("updated", "обновлено")) ·
                <b>\(format.number(run.skipped))</b> \(t("skipped", "пропущено")) · <b>\(format.number(run.failed))</b> \(t("with errors", "с ошибками"))
                · <span class="muted">\(run.encoding)</span>
                \(if: run.status == "done" || run.status == "undone", "· <a href=\"/imports/\(id.rawValue)/report\">\(t("Download the report (CSV)", "Скачать отчёт (CSV)"))</a>" as HTML)</p>
                \(if: run.status == "done" && !run.dryRun && run.created > 0, """
                <form method="post" action="/imports/\(id.rawValue)/undo" data-confirm="\(t("Move the records this import created to the trash?", "Переместить созданные импортом записи в корзину?"))">\(Form.csrf(viewer))
                <button type="submit" class="danger">\(t("Undo the import", "Отменить импорт"))</button></form>
                """ as HTML)
                </section>
                \(lines.isEmpty ? HTML.empty : """
                <table class="list report"><thead><tr><th scope="col">\(t("Line", "Строка"))</th><th scope="col">\(t("Result", "Результат"))</th>
                <th scope="col">\(t("Why", "Почему"))</th><th scope="col"></th></tr></thead><tbody>\(lines)</tbody></table>
                """ as HTML)
                """)
    }
}
