import Foundation
import Hummingbird
import RapportCore
import RapportStore

/// Orders in the UI: the latest purchases and importing a shop's CSV (with a dry run first).
struct OrderPages {
    let kit: WebKit
    var store: Store { kit.store }

    func register(on router: RouterGroup<AppRequestContext>) {
        router.get("orders") { request, context in
            let viewer = try await kit.viewer(request, context)
            return WebResponse.html(try await listPage(viewer, report: nil, dryRun: false, errors: FormErrors()))
        }
        router.post("orders/import") { request, context in
            let viewer = try await kit.viewer(request, context)
            let (form, files) = try await FormData.readUpload(request, context, limit: 32 << 20)
            let dryRun = form["dryRun"] == "1"
            guard let file = files["file"], !file.isEmpty else {
                var errors = FormErrors()
                errors.add("file", Messages.text(for: FieldIssue("file", .required), locale: viewer.locale))
                return WebResponse.html(
                    try await listPage(viewer, report: nil, dryRun: dryRun, errors: errors), status: .unprocessableContent)
            }
            do {
                let report = try await store.orderImporter.run(file, dryRun: dryRun, by: viewer.actor)
                return WebResponse.html(try await listPage(viewer, report: report, dryRun: dryRun, errors: FormErrors()))
            } catch let error as ValidationError {
                return WebResponse.html(
                    try await listPage(viewer, report: nil, dryRun: dryRun, errors: FormErrors(error, locale: viewer.locale)),
                    status: .unprocessableContent)
            }
        }
    }

    func listPage(_ viewer: Viewer, report: OrderImportReport?, dryRun: Bool, errors: FormErrors) async throws -> HTML {
        let t = viewer.t
        let format = viewer.format
        let orders = try await store.orders.list(ListQuery(limit: 50), by: viewer.actor).items
        let refs = orders.flatMap { order in
            [
                order.contactID.map { RecordRef(kind: .contact, id: $0.rawValue) },
                order.companyID.map { RecordRef(kind: .company, id: $0.rawValue) },
            ]
            .compactMap { $0 }
        }
        let names = try await store.search.titles(of: refs, by: viewer.actor)
        let rows: [HTML] = orders.map { order in
            let client: HTML =
                if let id = order.contactID, let name = names[RecordRef(kind: .contact, id: id.rawValue)] {
                    "<a href=\"\(WebURL.contact(id))\">\(name)</a>"
                } else if let id = order.companyID, let name = names[RecordRef(kind: .company, id: id.rawValue)] {
                    "<a href=\"\(WebURL.company(id))\">\(name)</a>"
                } else { "—" }
            return """
                <tr><td>№\(order.number)</td><td data-label="\(t("Date", "Дата"))">\(format.date(order.orderedAt))</td>
                <td data-label="\(t("Client", "Клиент"))">\(client)</td><td data-label="\(t("Total", "Сумма"))" class="num">\(format.money(order.total))</td>
                <td data-label="\(t("Status", "Статус"))">\(t.label(order.status))</td></tr>
                """
        }
        var result: HTML = .empty
        if let report {
            let lines: [HTML] = report.rows.map { row in
                let reasons = row.issues.map { "\(columnName($0.field, t)): \(Messages.text(for: $0, locale: viewer.locale))" }
                return
                    "<tr><td>\(row.row)</td><td>\(row.number ?? "")</td><td>\(row.outcome == "skipped" ? t("skipped", "пропущена") : t("failed", "ошибка"))</td><td>\(reasons.joined(separator: "; "))</td></tr>"
            }
            result = """
                <section class="card import-result" role="status"><h2>\(dryRun ? t("Dry run: nothing was written", "Проверка: ничего не записано") : t("Imported", "Импорт выполнен"))</h2>
                <p><b>\(format.number(report.created))</b> \(dryRun ? t("orders would be created", "заказов будет создано") : t("orders created", "заказов создано")) ·
                <b>\(format.number(report.skipped))</b> \(t("skipped", "пропущено")) · <b>\(format.number(report.failed))</b> \(t("with errors", "с ошибками"))
                · <span class="muted">\(report.encoding.rawValue)</span></p>
                \(lines.isEmpty ? HTML.empty : """
                <table class="list report"><thead><tr><th scope="col">\(t("Line", "Строка"))</th><th scope="col">№</th><th scope="col">\(t("Result", "Результат"))</th>
                <th scope="col">\(t("Why", "Почему"))</th></tr></thead><tbody>\(lines)</tbody></table>
                """ as HTML)</section>
                """
        }
        return Layout.page(
            viewer, title: t("Orders", "Заказы"), section: .orders,
            body: """
                <div class="page-head"><h1>\(t("Orders", "Заказы"))</h1></div>
                \(Form.summary(errors, t))
                \(result)
                <details class="panel"\(if: report == nil, " open")><summary>\(t("Import orders from CSV or XLSX", "Импорт заказов из CSV или XLSX"))</summary>
                <form method="post" action="/orders/import" enctype="multipart/form-data" data-native>\(Form.csrf(viewer))
                <p class="hint">\(t("A CSV (UTF-8 or Windows-1251, commas or semicolons) or an XLSX workbook from a shop or accounting with order number, date, the client's e-mail, phone or INN, product, quantity, price or total, status. Clients are matched by e-mail, then phone, then INN; a number already imported is skipped.", "CSV (UTF-8 или Windows-1251, запятые или точки с запятой) или книга XLSX из магазина или учётной системы: номер заказа, дата, e-mail, телефон или ИНН клиента, товар, количество, цена или сумма, статус. Клиент находится по e-mail, затем по телефону, затем по ИНН; уже загруженный номер пропускается."))</p>
                <div class="field"><label for="f-file">\(t("File", "Файл"))</label><input id="f-file" type="file" name="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required></div>
                \(Form.checkbox(t("Dry run: check and count, write nothing", "Проверка: посчитать, ничего не записывая"), "dryRun", checked: true))
                <button type="submit" class="primary">\(t("Upload", "Загрузить"))</button></form></details>
                \(rows.isEmpty ? Parts.empty(t("No orders yet.", "Заказов пока нет.")) : """
                <table class="list"><thead><tr><th scope="col">№</th><th scope="col">\(t("Date", "Дата"))</th><th scope="col">\(t("Client", "Клиент"))</th>
                <th scope="col" class="num">\(t("Total", "Сумма"))</th><th scope="col">\(t("Status", "Статус"))</th></tr></thead><tbody>\(rows)</tbody></table>
                """ as HTML)
                """)
    }

    private func columnName(_ field: String, _ t: Lang) -> String {
        switch field {
        case "number": t("number", "номер")
        case "date", "orderedAt": t("date", "дата")
        case "email": "e-mail"
        case "phone": t("phone", "телефон")
        case "inn": t("INN", "ИНН")
        case "quantity": t("quantity", "количество")
        case "price": t("price", "цена")
        case "total": t("total", "сумма")
        case "status": t("status", "статус")
        default: field
        }
    }
}
