import Foundation
import Hummingbird
import NIOCore
import RapportCore
import RapportStore

/// Segments in the UI: the list with live counts, a builder (rows of field · operator · value, all or
/// any), a count before saving, members, export, snapshots into static lists.
struct SegmentPages {
    let kit: WebKit
    var store: Store { kit.store }

    func register(on router: RouterGroup<AppRequestContext>) {
        router.get("segments") { request, context in
            let viewer = try await kit.viewer(request, context)
            return WebResponse.html(try await listPage(viewer))
        }
        router.get("segments/new") { request, context in
            let viewer = try await kit.viewer(request, context)
            let form = SegmentForm(
                name: "", match: "all", rows: [SegmentForm.Row(field: "orderCount", op: "gte", value: "", negate: false)])
            return WebResponse.html(try await builderPage(viewer, segment: nil, form: form, errors: FormErrors(), count: nil))
        }
        router.post("segments") { request, context in
            let viewer = try await kit.viewer(request, context)
            return try await submit(viewer, try await FormData.read(request, context), segment: nil)
        }
        router.get("segments/{id}") { request, context in
            let viewer = try await kit.viewer(request, context)
            let segment = try await store.segments.get(try Handlers.id(context), by: viewer.actor)
            let count = try await store.segments.count(segment.id, by: viewer.actor)
            return WebResponse.html(
                try await builderPage(viewer, segment: segment, form: SegmentForm(segment, viewer), errors: FormErrors(), count: count))
        }
        router.post("segments/{id}") { request, context in
            let viewer = try await kit.viewer(request, context)
            let segment = try await store.segments.get(try Handlers.id(context), by: viewer.actor)
            return try await submit(viewer, try await FormData.read(request, context), segment: segment)
        }
        router.post("segments/{id}/delete") { request, context in
            let viewer = try await kit.viewer(request, context)
            _ = try await FormData.read(request, context)
            _ = try await store.segments.delete(try Handlers.id(context), by: viewer.actor)
            return WebResponse.redirect(.segments, flash: .deleted)
        }
        router.post("segments/{id}/snapshot") { request, context in
            let viewer = try await kit.viewer(request, context)
            let form = try await FormData.read(request, context)
            let list = try await store.segments.snapshot(try Handlers.id(context), name: form.text("name"), by: viewer.actor)
            return WebResponse.redirect(.segment(list.id), flash: .created)
        }
        router.post("orders") { request, context in
            let viewer = try await kit.viewer(request, context)
            let form = try await FormData.read(request, context)
            let back = WebURL.localReturn(form["return"]) ?? .home
            var input = OrderInput()
            input.contactID = form.text("contactId").map { .set(Contact.ID($0)) }
            input.companyID = form.text("companyId").map { .set(Company.ID($0)) }
            if let date = form.text("date"), let day = LocalDate(iso: date) {
                input.orderedAt = viewer.format.instant(on: day, hour: 12, minute: 0)
            }
            let quantity = Int64(form.text("quantity") ?? "1") ?? 0
            if let product = form.text("productId") {
                input.lines = [OrderLineInput(productID: Product.ID(product), quantity: quantity)]
            } else if let amount = form.text("amount") {
                input.total =
                    (try? Money.parse(amount, currency: viewer.workspace.currency))
                    ?? Money(amount: -1, currency: viewer.workspace.currency)
            }
            do {
                _ = try await kit.once(form, viewer) {
                    _ = try await store.orders.create(input, by: viewer.actor)
                    return back
                }
                return WebResponse.redirect(back, flash: .created)
            } catch let error as ValidationError {
                let messages = FormErrors(error, locale: viewer.locale).all.joined(separator: " ")
                return WebResponse.html(
                    Layout.page(
                        viewer, title: viewer.t("Purchase not saved", "Покупка не сохранена"), section: .contacts,
                        body:
                            "<div class=\"card\"><h1>\(viewer.t("Purchase not saved", "Покупка не сохранена"))</h1><p class=\"error\">\(messages)</p><p><a class=\"button\" href=\"\(back)\">\(viewer.t("Back", "Назад"))</a></p></div>"
                    ),
                    status: .unprocessableContent)
            }
        }
        router.get("contacts/export") { request, context in
            let viewer = try await kit.viewer(request, context)
            return try await ContactExport.download(store: store, viewer: viewer, list: try Handlers.listQuery(request), request: request)
        }
        router.get("segments/{id}/export") { request, context in
            let viewer = try await kit.viewer(request, context)
            let id: Segment.ID = try Handlers.id(context)
            let format = ExportFormat(rawValue: FormData.query(request)["format"] ?? "") ?? .xlsx
            let segment = try await store.segments.get(id, by: viewer.actor)
            let rows = try await store.segments.exportContacts(id, by: viewer.actor)
            let users = try await kit.users(viewer)
            return ExportFormat.download(SegmentExport.table(segment.name, rows, users: users, viewer), format: format)
        }
    }

    private func submit(_ viewer: Viewer, _ data: FormData, segment: Segment?) async throws -> Response {
        var form = SegmentForm.read(data)
        let action = data["do"] ?? "save"
        if action == "add" {
            form.rows.append(SegmentForm.Row(field: "city", op: "is", value: "", negate: false))
            return WebResponse.html(try await builderPage(viewer, segment: segment, form: form, errors: FormErrors(), count: nil))
        }
        if let remove = action.split(separator: ":").last.flatMap({ Int($0) }), action.hasPrefix("remove:"),
            form.rows.indices.contains(remove)
        {
            form.rows.remove(at: remove)
            return WebResponse.html(try await builderPage(viewer, segment: segment, form: form, errors: FormErrors(), count: nil))
        }
        let users = try await kit.users(viewer)
        let json = form.filter(users: users, viewer.t)
        do {
            if action == "count" {
                let count = try await store.segments.count(filter: json, entity: segment?.entity ?? .contact, by: viewer.actor)
                return WebResponse.html(try await builderPage(viewer, segment: segment, form: form, errors: FormErrors(), count: count))
            }
            var input = SegmentInput()
            input.name = form.name
            if segment?.kind != .static { input.filter = json }
            if let segment {
                _ = try await store.segments.update(
                    segment.id, input, expectedVersion: Int64(data["version"] ?? "") ?? -1, by: viewer.actor)
                return WebResponse.redirect(.segment(segment.id), flash: .saved)
            }
            let url = try await kit.once(data, viewer) { .segment(try await store.segments.create(input, by: viewer.actor).id) }
            return WebResponse.redirect(url, flash: .created)
        } catch let error as ValidationError {
            let errors = SegmentForm.errors(error, locale: viewer.locale)
            return WebResponse.html(
                try await builderPage(viewer, segment: segment, form: form, errors: errors, count: nil), status: .unprocessableContent)
        } catch RecordError.versionConflict {
            var errors = FormErrors()
            errors.add("version", WebText.conflict(viewer.t))
            return WebResponse.html(
                try await builderPage(viewer, segment: segment, form: form, errors: errors, count: nil), status: .conflict)
        }
    }

    func listPage(_ viewer: Viewer) async throws -> HTML {
        let t = viewer.t
        let segments = try await store.segments.list(ListQuery(limit: 100), by: viewer.actor).items
        var rows: [HTML] = []
        for segment in segments {
            let count = (try? await store.segments.count(segment.id, by: viewer.actor)).map { viewer.format.number($0) } ?? "—"
            rows.append(
                """
                <tr><td><a href="\(WebURL.segment(segment.id))"><b>\(segment.name)</b></a></td>
                <td data-label="\(t("Kind", "Тип"))">\(segment.kind == .dynamic ? t("Dynamic", "Динамический") : t("Static list", "Статический список"))</td>
                <td data-label="\(t("Members", "Участники"))" class="num"><a href="\(WebURL.contacts([("segment", segment.id.rawValue)]))">\(count)</a></td></tr>
                """)
        }
        return Layout.page(
            viewer, title: t("Segments", "Сегменты"), section: .segments,
            body: """
                <div class="page-head"><h1>\(t("Segments", "Сегменты"))</h1>
                <a class="button primary" href="\(WebURL.newSegment)">\(Icon.plus) \(t("New segment", "Новый сегмент"))</a></div>
                \(rows.isEmpty ? Parts.empty(t("No segments yet: build one from orders, tags, activity or any field.", "Сегментов пока нет: соберите сегмент по заказам, тегам, активности или любому полю.")) : """
                <table class="list"><thead><tr><th scope="col">\(t("Name", "Название"))</th><th scope="col">\(t("Kind", "Тип"))</th>
                <th scope="col" class="num">\(t("Members", "Участники"))</th></tr></thead><tbody>\(rows)</tbody></table>
                """ as HTML)
                """)
    }

    func builderPage(_ viewer: Viewer, segment: Segment?, form: SegmentForm, errors: FormErrors, count: Int?) async throws -> HTML {
        let t = viewer.t
        let definitions = try await store.workspaces.customFields(entity: (segment?.entity ?? .contact).recordKind, by: viewer.actor)
        let entity = segment?.entity ?? .contact
        let fields: [(value: String, text: String, ops: [String])] =
            SegmentField.allCases.filter { $0.applies(to: entity) }.map { ($0.rawValue, t.label($0), SegmentField.operators(of: $0.kind)) }
            + definitions.map { ("customField.\($0.key)", $0.label, SegmentField.operators(of: $0.kind)) }
        let allOps = Array(Set(fields.flatMap(\.ops))).sorted { t.segmentOperator($0) < t.segmentOperator($1) }
        let editable = segment?.kind != .static
        var rows: [HTML] = []
        for (index, row) in form.rows.enumerated() where editable {
            let fieldOptions: [HTML] = fields.map { field in
                "<option value=\"\(field.value)\" data-ops=\"\(field.ops.joined(separator: " "))\"\(if: field.value == row.field, " selected")>\(field.text)</option>"
            }
            let validOps = fields.first { $0.value == row.field }?.ops ?? allOps
            let opOptions: [HTML] = (validOps + allOps.filter { !validOps.contains($0) }).map { op in
                "<option value=\"\(op)\"\(if: op == row.op, " selected")>\(t.segmentOperator(op))</option>"
            }
            let messages = errors.forField("c\(index)")
            rows.append(
                """
                <fieldset class="condition\(if: !messages.isEmpty, " invalid")"><legend class="visually-hidden">\(t("Condition", "Условие")) \(index + 1)</legend>
                <label class="check"><input type="checkbox" name="c\(index).not" value="1"\(if: row.negate, " checked")> \(t("not", "не"))</label>
                <label class="visually-hidden" for="c\(index)-field">\(t("Field", "Поле"))</label>
                <select id="c\(index)-field" name="c\(index).field" data-segment-field>\(fieldOptions)</select>
                <label class="visually-hidden" for="c\(index)-op">\(t("Condition", "Условие"))</label>
                <select id="c\(index)-op" name="c\(index).op">\(opOptions)</select>
                <label class="visually-hidden" for="c\(index)-value">\(t("Value", "Значение"))</label>
                <input id="c\(index)-value" name="c\(index).value" value="\(row.value)" placeholder="\(t("value", "значение"))"\(if: !messages.isEmpty, " aria-invalid=\"true\" aria-describedby=\"c\(index)-error\"")>
                <button type="submit" name="do" value="remove:\(index)" class="small link" title="\(t("Remove", "Убрать"))">✕</button>
                \(messages.isEmpty ? HTML.empty : "<p class=\"error\" id=\"c\(index)-error\">\(messages.joined(separator: " "))</p>" as HTML)
                </fieldset>
                """)
        }
        let title = segment?.name ?? t("New segment", "Новый сегмент")
        let action = segment.map { WebURL.segment($0.id) } ?? WebURL.segments
        let countLine: HTML =
            count.map {
                "<p class=\"segment-count\" role=\"status\"><b data-segment-count>\(viewer.format.number($0))</b> \(t("matching now", "подходят сейчас"))</p>"
            } ?? .empty
        var tools: HTML = .empty
        if let segment {
            tools = """
                <section class="card"><h2>\(t("Members", "Участники"))</h2>
                <p><a class="button" href="\(WebURL.contacts([("segment", segment.id.rawValue)]))">\(t("Open members", "Открыть участников"))</a>
                \(if: segment.entity == .contact && AccessPolicy.allows(viewer.actor, .export), """
                <a class="button" href="\(WebURL.segmentExport(segment.id, format: "xlsx"))" download>\(t("Export XLSX", "Экспорт XLSX"))</a>
                <a class="button" href="\(WebURL.segmentExport(segment.id, format: "excel"))" download>\(t("CSV for Excel", "CSV для Excel"))</a>
                <a class="button" href="\(WebURL.segmentExport(segment.id, format: "csv"))" download>CSV (UTF-8)</a>
                """ as HTML)
                <a class="button" href="\(WebURL.report("purchases", [("segment", segment.id.rawValue)]))">\(t("Purchases report", "Отчёт о покупках"))</a></p>
                <form method="post" action="\(WebURL.segmentAction(segment.id, "snapshot"))" class="inline-form">\(Form.csrf(viewer))
                \(Form.field(t("Freeze into a static list named", "Зафиксировать в статический список"), "name", value: "\(segment.name) · \(viewer.format.date(kit.now))"))
                <button type="submit">\(t("Snapshot", "Зафиксировать"))</button></form>
                <form method="post" action="\(WebURL.segmentAction(segment.id, "delete"))" data-confirm="\(t("Move this segment to the trash?", "Переместить сегмент в корзину?"))">\(Form.csrf(viewer))
                <button type="submit" class="danger">\(Icon.trash) \(t("Delete", "Удалить"))</button></form>
                </section>
                """
        }
        return Layout.page(
            viewer, title: title, section: .segments,
            body: """
                <div class="page-head"><h1>\(title)</h1>\(countLine)</div>
                \(Form.summary(errors, t))
                <form method="post" action="\(action)" class="card segment-builder" novalidate>\(segment == nil ? WebKit.createFields(viewer) : Form.csrf(viewer))
                \(segment.map { Form.hidden("version", String($0.version)) })
                \(Form.field(t("Name", "Название"), "name", value: form.name, errors: errors))
                \(if: editable, """
                \(Form.select(t("Members match", "Участники подходят под"), "match", options: [("all", t("all conditions", "все условия")), ("any", t("any condition", "любое из условий"))], selected: form.match))
                <input type="hidden" name="rows" value="\(form.rows.count)">
                \(rows)
                <p class="hint">\(t("Money in roubles; dates as YYYY-MM-DD or DD.MM.YYYY; lists separated by commas; for orders, deals and contacts with us the value is a number of days (empty: ever).", "Суммы в рублях; даты как ГГГГ-ММ-ДД или ДД.ММ.ГГГГ; списки через запятую; для заказов, сделок и общения значение — число дней (пусто — когда-либо)."))</p>
                <div class="actions"><button type="submit" name="do" value="add">\(Icon.plus) \(t("Add a condition", "Добавить условие"))</button>
                <button type="submit" name="do" value="count">\(t("Count", "Посчитать"))</button>
                <button type="submit" name="do" value="save" class="primary">\(t("Save", "Сохранить"))</button></div>
                """ as HTML)
                \(if: !editable, """
                <p>\(t("A static list: members are added by hand or by a snapshot.", "Статический список: участники добавляются вручную или снимком сегмента."))</p>
                <button type="submit" name="do" value="save" class="primary">\(t("Save", "Сохранить"))</button>
                """ as HTML)
                </form>
                \(tools)
                """)
    }
}

/// The builder's form: a name, all/any, and rows of field · operator · value (· not), turned into the
/// segment language's JSON (and back, for segments built here).
struct SegmentForm: Sendable {
    struct Row: Sendable {
        var field: String
        var op: String
        var value: String
        var negate: Bool
    }

    var name: String
    var match: String
    var rows: [Row]

    /// The largest number of rows the builder shows.
    static let maximumRows = 30

    static func read(_ form: FormData) -> SegmentForm {
        let count = min(Int(form["rows"] ?? "") ?? 0, maximumRows)
        let rows = (0..<count).compactMap { index -> Row? in
            guard let field = form["c\(index).field"], let op = form["c\(index).op"] else { return nil }
            return Row(field: field, op: op, value: form["c\(index).value"] ?? "", negate: form["c\(index).not"] == "1")
        }
        return SegmentForm(name: form["name"] ?? "", match: form["match"] == "any" ? "any" : "all", rows: rows)
    }

    /// The form of a stored segment: flat all/any of (negated) conditions; deeper trees (built through
    /// the API) are shown as one row per top-level part as far as they are flat.
    init(_ segment: Segment, _ viewer: Viewer) {
        name = segment.name
        match = "all"
        rows = []
        var parts: [SegmentFilter] = []
        switch segment.filter {
        case .all(let items): parts = items
        case .any(let items):
            match = "any"
            parts = items
        default: parts = [segment.filter]
        }
        for part in parts {
            var negate = false
            var node = part
            if case .not(let inner) = part {
                negate = true
                node = inner
            }
            guard case .condition(let condition) = node, case .object(let object) = condition.json,
                case .string(let field)? = object["field"], case .string(let op)? = object["op"]
            else { continue }
            rows.append(Row(field: field, op: op, value: Self.text(of: object["value"], field: field), negate: negate))
        }
    }

    init(name: String, match: String, rows: [Row]) {
        self.name = name
        self.match = match
        self.rows = rows
    }

    /// A condition's JSON value as the builder's text (roubles for money, days for relations).
    static func text(of value: JSONValue?, field: String) -> String {
        let money = field == SegmentField.revenue.rawValue || field == SegmentField.averageCheck.rawValue
        switch value {
        case .int(let number)?: return money ? Money(amount: number, currency: .rub).decimalString : String(number)
        case .string(let text)?: return text
        case .array(let items)?:
            if items.count == 2, case .int(let low) = items[0], case .int(let high) = items[1] {
                return money
                    ? "\(Money(amount: low, currency: .rub).decimalString)-\(Money(amount: high, currency: .rub).decimalString)"
                    : "\(low)-\(high)"
            }
            return items.compactMap { if case .string(let s) = $0 { s } else { nil } }.joined(separator: ", ")
        case .object(let object)?:
            if case .object(let after)? = object["after"], case .int(let days)? = after["daysAgo"] { return String(days) }
            return ""
        default: return ""
        }
    }

    /// The filter the rows describe, in the segment language. Values the rows cannot turn into the right
    /// type are passed as typed, so the language's checker names the row and the problem.
    func filter(users: [User], _ t: Lang) -> JSONValue {
        let parts: [JSONValue] = rows.map { row in
            let condition = JSONValue.object(["field": .string(row.field), "op": .string(row.op), "value": value(row, users: users, t)])
            return row.negate ? .object(["not": condition]) : condition
        }
        return .object([match: .array(parts)])
    }

    private func value(_ row: Row, users: [User], _ t: Lang) -> JSONValue {
        let text = row.value.trimmingCharacters(in: .whitespacesAndNewlines)
        let list = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let field = SegmentField(rawValue: row.field)
        let money = field == .revenue || field == .averageCheck
        func number(_ part: String) -> JSONValue {
            if money, let amount = try? Money.parse(part, currency: .rub) { return .int(amount.amount) }
            if let value = Int64(part.replacingOccurrences(of: " ", with: "")) { return .int(value) }
            return .string(part)
        }
        switch row.op {
        case "isEmpty", "isNotEmpty", "isTrue", "isFalse": return .null
        case "withinDays", "notWithinDays", "eq", "gt", "gte", "lt", "lte": return number(text)
        case "between":
            let bounds = text.split(whereSeparator: { $0 == "-" || $0 == "–" || $0 == "—" }).map { $0.trimmingCharacters(in: .whitespaces) }
            return bounds.count == 2 ? .array([number(bounds[0]), number(bounds[1])]) : .string(text)
        case "before", "after":
            // A typed day is passed on in ISO form; anything else as typed, for the language to refuse.
            return .string(LocalDate(typed: text)?.description ?? text)
        case "exists", "notExists":
            guard let days = Int64(text) else { return .object([:]) }
            return .object(["after": .object(["daysAgo": .int(days)])])
        case "in", "notIn", "hasAny", "hasAll", "hasNone":
            return .array(list.map { .string(option($0, field: field, users: users, t)) })
        default:
            return .string(option(text, field: field, users: users, t))
        }
    }

    /// An option typed as a person would (a label, a user's name) as its stored value.
    private func option(_ text: String, field: SegmentField?, users: [User], _ t: Lang) -> String {
        let key = text.lowercased()
        switch field {
        case .lifecycle: return Lifecycle.allCases.first { t.label($0).lowercased() == key }?.rawValue ?? text
        case .readiness: return Readiness.allCases.first { t.label($0).lowercased() == key }?.rawValue ?? text
        case .rfmClass: return RFMClass.allCases.first { t.label($0).lowercased() == key }?.rawValue ?? text
        case .owner: return users.first { $0.name.lowercased() == key || $0.email.lowercased() == key }?.id.rawValue ?? text
        default: return text
        }
    }

    /// The language's errors (`filter.all[2].value`) as the builder's fields (`c2`).
    static func errors(_ error: ValidationError, locale: AppLocale) -> FormErrors {
        var errors = FormErrors()
        for issue in error.issues {
            var field = issue.field
            if field.hasPrefix("filter.all[") || field.hasPrefix("filter.any[") {
                let digits = field.dropFirst("filter.all[".count).prefix { $0.isNumber }
                field = "c\(digits)"
            }
            errors.add(field, Messages.text(for: issue, locale: locale))
        }
        return errors
    }
}

/// Downloads of contact lists, from the API and the pages alike: a table (CSV, CSV for Excel, XLSX) or
/// vCard cards.
enum ContactExport {
    static func download(store: Store, viewer: Viewer, list: ListQuery, request: Request) async throws -> Response {
        try await download(store: store, actor: viewer.actor, t: viewer.t, format: viewer.format, list: list, request: request)
    }

    static func download(store: Store, actor: Actor, t: Lang, format formatting: Formatting, list: ListQuery, request: Request) async throws
        -> Response
    {
        let format = FormData.query(request)["format"] ?? "xlsx"
        let rows = try await store.contacts.export(list, by: actor)
        if format == "vcard" {
            return Response(
                status: .ok,
                headers: [.contentType: "text/vcard; charset=utf-8", .contentDisposition: "attachment; filename=\"contacts.vcf\""],
                body: ResponseBody(byteBuffer: ByteBuffer(string: try await vcard(rows, store: store, actor: actor))))
        }
        guard let table = ExportFormat(rawValue: format) else {
            throw ValidationError(
                "format", .invalidOption, ["options": (ExportFormat.allCases.map(\.rawValue) + ["vcard"]).joined(separator: ", ")])
        }
        let users = try await store.users.list(by: actor)
        return ExportFormat.download(
            SegmentExport.table(t("Contacts", "Контакты"), rows, users: users, t: t, format: formatting), format: table)
    }
}

extension ContactExport {
    /// The contacts as vCard 3.0, with their companies' names.
    static func vcard(_ rows: [(Contact, CustomerStanding)], store: Store, actor: Actor) async throws -> String {
        let refs = rows.flatMap { $0.0.companies.map { RecordRef(kind: .company, id: $0.companyID.rawValue) } }
        let names = try await store.search.titles(of: refs, by: actor)
        var companies: [Company.ID: String] = [:]
        for (ref, name) in names { companies[Company.ID(ref.id)] = name }
        return VCardWriter.encode(rows.map(\.0), companyNames: companies)
    }
}

/// The table a segment export downloads.
enum SegmentExport {
    static func table(_ name: String, _ rows: [(Contact, CustomerStanding)], users: [User], _ viewer: Viewer) -> Table {
        table(name, rows, users: users, t: viewer.t, format: viewer.format)
    }

    static func table(_ name: String, _ rows: [(Contact, CustomerStanding)], users: [User], t: Lang, format: Formatting) -> Table {
        return Table(
            title: name,
            columns: [
                t("Last name", "Фамилия"), t("First name", "Имя"), t("Middle name", "Отчество"), t("Phone", "Телефон"), "E-mail",
                t("City", "Город"), t("Owner", "Ответственный"), t("Status", "Статус"), t("Tags", "Теги"), t("Orders", "Заказы"),
                t("Revenue", "Сумма покупок"), t("Last order", "Последний заказ"), t("RFM class", "RFM-класс"),
            ],
            rows: rows.map { contact, standing in
                [
                    .text(contact.lastName ?? ""), .text(contact.firstName ?? ""), .text(contact.middleName ?? ""),
                    .text(contact.phones.first.map { $0.number.e164 ?? $0.number.raw } ?? ""), .text(contact.emails.first?.address ?? ""),
                    .text(contact.city ?? ""), .text(users.name(of: contact.ownerID) ?? ""), .text(t.label(contact.lifecycle)),
                    .text(contact.tags.joined(separator: ", ")), .integer(Int64(standing.totals.orderCount)),
                    .decimal(standing.totals.revenue, fractionDigits: 2),
                    standing.totals.lastOrderAt.map { .date(format.localDate($0)) } ?? .empty,
                    .text(standing.rfmClass.map { t.label($0) } ?? ""),
                ]
            })
    }
}

/// A client's purchases on their card: the metrics, the latest orders, and a quick "record a purchase".
enum PurchasesPanel {
    static func render(
        _ viewer: Viewer, standing: CustomerStanding, orders: [Order], contactID: Contact.ID?, companyID: Company.ID?,
        products: [Product], now: Date
    ) -> HTML {
        let t = viewer.t
        let format = viewer.format
        let metrics = CustomerMetrics(totals: standing.totals, now: now)
        let money = { (amount: Int64) in format.money(Money(amount: amount, currency: viewer.workspace.currency)) }
        var facts: [HTML] = [
            "<dt>\(t("Orders", "Заказов"))</dt><dd>\(format.number(metrics.orderCount))</dd>",
            "<dt>\(t("Revenue", "Сумма покупок"))</dt><dd>\(money(metrics.revenue))</dd>",
        ]
        if let check = metrics.averageCheck { facts.append("<dt>\(t("Average check", "Средний чек"))</dt><dd>\(money(check))</dd>") }
        if let last = metrics.lastOrderAt, let days = metrics.daysSinceLastOrder {
            facts.append(
                "<dt>\(t("Last order", "Последний заказ"))</dt><dd>\(format.date(last)) · \(t("\(days) days ago", "\(days) дн. назад"))\(if: metrics.isLapsed, " <span class=\"chip lost\">\(t("lapsed", "ушёл"))</span>")</dd>"
            )
        }
        if metrics.orderCount > 0 {
            facts.append("<dt>\(t("Predicted CLV", "Прогноз CLV"))</dt><dd>\(money(metrics.predictedCLV))</dd>")
        }
        if let rfmClass = standing.rfmClass, let score = standing.rfm {
            facts.append("<dt>RFM</dt><dd>\(t.label(rfmClass)) · \(score.recency)\(score.frequency)\(score.monetary)</dd>")
        }
        let items: [HTML] = orders.map { order in
            "<li>№\(order.number) · \(format.date(order.orderedAt)) · \(format.money(order.total))\(if: !order.status.countsAsPurchase, " <span class=\"chip lost\">\(t.label(order.status))</span>")\(order.lines.first.map { " · \($0.name)" as HTML })</li>"
        }
        let today = format.localDate(now).description
        return """
            <section class="card purchases"><h2>\(t("Purchases", "Покупки"))</h2><dl class="facts">\(facts)</dl>
            \(items.isEmpty ? HTML.empty : "<ul>\(items)</ul>" as HTML)
            <details class="panel"><summary>\(t("Record a purchase", "Добавить покупку"))</summary>
            <form method="post" action="\(WebURL.orders)">\(WebKit.createFields(viewer))
            \(Form.hidden("contactId", contactID?.rawValue))\(Form.hidden("companyId", companyID?.rawValue))\(Form.hidden("return", viewer.path))
            <div class="grid2">
            \(Form.select(t("Product", "Товар"), "productId", options: products.map { ($0.id.rawValue, "\($0.name) · \(format.money($0.price))") }, selected: nil, blank: t("— amount only —", "— только сумма —")))
            \(Form.field(t("Amount, ₽ (without a product)", "Сумма, ₽ (без товара)"), "amount", value: nil, attributes: " inputmode=\"decimal\""))
            \(Form.field(t("Quantity", "Количество"), "quantity", value: "1", type: "number", attributes: " min=\"1\" step=\"1\""))
            \(Form.field(t("Date", "Дата"), "date", value: today, type: "date"))
            </div><button type="submit" class="primary">\(t("Save purchase", "Сохранить покупку"))</button></form></details>
            </section>
            """
    }
}
