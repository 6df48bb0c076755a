import Foundation
import Hummingbird
import RapportCore
import RapportStore

/// Importing contacts in the UI: upload with a duplicate policy (and a dry run), then the import's page
/// with its progress, counts, every row's reason, and undo.
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
                let run = try await store.imports.start(
                    file, fileName: form["fileName"], dryRun: form["dryRun"] == "1",
                    policy: DuplicatePolicy(rawValue: form["onDuplicate"] ?? "") ?? .skip,
                    by: viewer.actor)
                return WebResponse.redirect(WebURL("/imports/\(run.id.rawValue)"), flash: .created)
            } catch let error as ValidationError {
                return WebResponse.html(uploadPage(viewer, errors: FormErrors(error, locale: viewer.locale)), status: .unprocessableContent)
            }
        }
        router.get("imports/{id}") { request, context in
            let viewer = try await kit.viewer(request, context)
            return WebResponse.html(try await runPage(viewer, id: try Handlers.id(context)))
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
            ("fill", t("Fill the contact's empty fields", "Дополнить пустые поля контакта")),
            ("overwrite", t("Overwrite the contact's fields", "Перезаписать поля контакта")),
            ("create", t("Create a new contact anyway", "Всё равно создать новый")),
        ]
        return Layout.page(
            viewer, title: t("Import contacts", "Импорт контактов"), section: .contacts,
            body: """
                <div class="card"><h1>\(t("Import contacts", "Импорт контактов"))</h1>
                \(Form.summary(errors, t))
                <p class="hint">\(t("A CSV file in UTF-8 or Windows-1251 (as Excel saves it), separated by commas, semicolons or tabs. Columns are found by their headers, in Russian or English, including those of amoCRM, Bitrix24 and HubSpot exports: full name (split into last, first and middle name) or its parts, phones and e-mails (several per cell or several columns), company, position, city, tags, owner, source.", "CSV в UTF-8 или Windows-1251 (как сохраняет Excel), с запятыми, точками с запятой или табуляцией. Колонки находятся по заголовкам на русском или английском, в том числе из выгрузок amoCRM, Битрикс24 и HubSpot: ФИО (делится на фамилию, имя, отчество) или его части, телефоны и e-mail (несколько в ячейке или в разных колонках), компания, должность, город, теги, ответственный, источник."))</p>
                <form method="post" action="/imports" enctype="multipart/form-data" data-native>\(Form.csrf(viewer))
                <div class="field"><label for="f-file">\(t("File", "Файл"))</label><input id="f-file" type="file" name="file" accept=".csv,text/csv" required></div>
                \(Form.select(t("When a contact with the same e-mail or phone exists (or came earlier in the file)", "Если контакт с таким e-mail или телефоном уже есть (или был выше в файле)"), "onDuplicate", options: policies, selected: "skip"))
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
            case "queued": t("Waiting for a worker", "Ждёт своей очереди")
            case "running": t("Importing", "Идёт импорт")
            case "done": run.dryRun ? t("Checked (dry run: nothing written)", "Проверено (ничего не записано)") : t("Done", "Готово")
            case "undone": t("Undone: the created contacts are in the trash", "Отменён: созданные контакты в корзине")
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
            let link: HTML = row.recordID.map { "<a href=\"\(WebURL.contact(Contact.ID($0)))\">\(t("contact", "контакт"))</a>" } ?? .empty
            return "<tr><td>\(row.row)</td><td>\(outcome)</td><td>\(reasons)</td><td>\(link)</td></tr>"
        }
        let working = run.status == "queued" || run.status == "running"
        return Layout.page(
            viewer, title: t("Import", "Импорт"), section: .contacts,
            body: """
                <div class="page-head"><h1>\(t("Import of contacts", "Импорт контактов"))</h1>
                \(working ? "<a class=\"button\" href=\"/imports/\(id.rawValue)\">\(t("Refresh", "Обновить"))</a>" as HTML : .empty)</div>
                <section class="card import-result" role="status"><h2 data-import-status="\(run.status)">\(status)</h2>
                <progress max="\(max(1, run.totalRows))" value="\(run.processedRows)">\(run.processedRows) / \(run.totalRows)</progress>
                <p>\(format.number(run.processedRows)) / \(format.number(run.totalRows)) \(t("rows", "строк")) ·
                <b data-created>\(format.number(run.created))</b> \(t("created", "создано")) · <b>\(format.number(run.updated))</b> \(t("updated", "обновлено")) ·
                <b>\(format.number(run.skipped))</b> \(t("skipped", "пропущено")) · <b>\(format.number(run.failed))</b> \(t("with errors", "с ошибками"))
                · <span class="muted">\(run.encoding)</span></p>
                \(if: run.status == "done" && !run.dryRun && run.created > 0, """
                <form method="post" action="/imports/\(id.rawValue)/undo" data-confirm="\(t("Move the contacts this import created to the trash?", "Переместить созданные импортом контакты в корзину?"))">\(Form.csrf(viewer))
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
