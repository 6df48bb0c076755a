import Foundation
import Hummingbird
import RapportCore
import RapportStore

/// What the cards of contacts, companies and deals share: the timeline, the history of changes, the
/// quick-add forms, custom fields.
enum RecordViews {
    /// Activities, newest first.
    static func timeline(_ items: [TimelineItem], _ viewer: Viewer, users: [User], stageNames: [Stage.ID: String] = [:]) -> HTML {
        let t = viewer.t
        let format = viewer.format
        let entries: [HTML] = items.compactMap { item in
            switch item {
            case .activity(let activity):
                var details: [HTML] = []
                if activity.kind == .call {
                    if let direction = activity.direction { details.append("\(t.label(direction))") }
                    if let result = activity.callResult { details.append("\(t.label(result))") }
                    if let seconds = activity.durationSeconds { details.append("\(format.duration(seconds: seconds))") }
                    if let url = activity.recordingURL { details.append(Parts.externalLink(url)) }
                }
                return """
                    <li><div class="meta"><b>\(t.label(activity.kind))</b> · \(format.dateTime(activity.occurredAt))\(users.name(of: activity.authorID).map { " · \($0)" } ?? "")\(details.isEmpty ? "" : " · ")\(HTML.join(details, separator: " · "))</div>
                    \(activity.subject.map { "<div><b>\($0)</b></div>" as HTML })\(activity.body.map { "<div class=\"body\">\($0)</div>" as HTML })</li>
                    """
            case .stageChange(let visit):
                return """
                    <li class="change"><div class="meta">\(format.dateTime(visit.enteredAt))\(users.name(of: visit.movedBy).map { " · \($0)" } ?? "")</div>
                    <div>\(t("Stage", "Этап")): <b>\(stageNames[visit.stageID] ?? "—")</b></div></li>
                    """
            case .audit: return nil
            }
        }
        guard !entries.isEmpty else {
            return Parts.empty(t("No activity yet. Add a note or log a call above.", "Событий пока нет. Добавьте заметку или звонок выше."))
        }
        return "<ul class=\"timeline\">\(entries)</ul>"
    }

    /// Who changed what, field by field.
    static func history(_ items: [TimelineItem], _ viewer: Viewer, users: [User]) -> HTML {
        let t = viewer.t
        let entries: [HTML] = items.compactMap { item in
            guard case .audit(let entry) = item else { return nil }
            let action: String =
                switch entry.action {
                case .create: t("created", "создано")
                case .update: t("changed", "изменено")
                case .delete: t("moved to the trash", "перемещено в корзину")
                case .restore: t("restored", "восстановлено")
                case .move: t("moved", "перемещено")
                case .merge: t("merged", "объединено")
                case .export: t("exported", "выгружено")
                default: entry.action.rawValue
                }
            let changes: [HTML] =
                entry.action == .update
                ? entry.changes.prefix(12).map { change in
                    "<li><b>\(change.field)</b>: <del>\(change.before.plainText)</del> → \(change.after.plainText)</li>"
                } : []
            return """
                <li class="change"><div class="meta">\(viewer.format.dateTime(entry.at)) · \(users.name(of: entry.actorID) ?? t("system", "система"))</div>
                <div>\(action)</div>\(changes.isEmpty ? "" : "<ul>\(changes)</ul>" as HTML)</li>
                """
        }
        guard !entries.isEmpty else { return Parts.empty(t("No changes yet.", "Изменений пока нет.")) }
        return "<ul class=\"timeline\">\(entries)</ul>"
    }

    /// A card's second column: quick add, the timeline, the change history.
    static func historyColumn(
        _ viewer: Viewer, record: RecordRef, items: [TimelineItem], users: [User], stageNames: [Stage.ID: String], now: Date
    ) -> HTML {
        let t = viewer.t
        return """
            <div><section class="card"><h2>\(t("Add to the timeline", "Добавить в ленту"))</h2>\(quickAdd(viewer, record: record, now: now))</section>
            <section class="card"><h2>\(t("Timeline", "Лента событий"))</h2>\(timeline(items, viewer, users: users, stageNames: stageNames))</section>
            <section class="card"><h2>\(t("Change history", "История изменений"))</h2>\(history(items, viewer, users: users))</section></div>
            """
    }

    /// A card's open tasks, each done in one click.
    static func openTasks(_ tasks: [TaskItem], _ viewer: Viewer, users: [User], now: Date) -> HTML {
        let t = viewer.t
        return """
            <section class="card"><h2>\(t("Open tasks", "Открытые задачи"))</h2>
            \(TaskViews.list(tasks, viewer, titles: [:], users: users, now: now, showAssignee: true, empty: t("No open tasks.", "Открытых задач нет.")))</section>
            """
    }

    /// Note, call, meeting and task forms for a record's card: native disclosure panels, no script needed.
    static func quickAdd(_ viewer: Viewer, record: RecordRef, now: Date) -> HTML {
        let t = viewer.t
        let clock = viewer.format.wallClock(now)
        let (date, time) = (clock.day.description, clock.time)
        let link: HTML =
            "\(Form.hidden(record.kind.rawValue + "Id", record.id))<input type=\"hidden\" name=\"return\" value=\"\(viewer.path)\">"
        let tomorrow = viewer.format.adding(days: 1, to: viewer.today(now)).description
        return """
            <div class="quick">
            <details class="panel" open><summary>\(t("Add a note", "Заметка"))</summary>
            <form method="post" action="\(WebURL.activities)">\(WebKit.createFields(viewer))\(link)<input type="hidden" name="kind" value="note">
            \(Form.textarea(t("Note", "Текст заметки"), "body", value: nil, rows: 3))
            <button class="primary" type="submit">\(t("Add note", "Добавить"))</button></form></details>
            <details class="panel"><summary>\(t("Log a call", "Звонок"))</summary>
            <form method="post" action="\(WebURL.activities)">\(WebKit.createFields(viewer))\(link)<input type="hidden" name="kind" value="call">
            <div class="grid2">
            \(Form.select(t("Direction", "Направление"), "direction", options: Direction.allCases.map { ($0.rawValue, t.label($0)) }, selected: "outbound"))
            \(Form.select(t("Result", "Результат"), "callResult", options: CallResult.allCases.map { ($0.rawValue, t.label($0)) }, selected: "answered"))
            \(Form.field(t("Duration, minutes", "Длительность, минут"), "durationMinutes", value: nil, type: "number", attributes: " min=\"0\" step=\"1\" inputmode=\"numeric\""))
            \(Form.field(t("When", "Когда"), "occurredDate", value: date, type: "date"))
            </div>
            \(Form.textarea(t("Summary", "Итог разговора"), "body", value: nil, rows: 2))
            <input type="hidden" name="occurredTime" value="\(time)">
            <button class="primary" type="submit">\(t("Log call", "Сохранить звонок"))</button></form></details>
            <details class="panel"><summary>\(t("Meeting", "Встреча"))</summary>
            <form method="post" action="\(WebURL.activities)">\(WebKit.createFields(viewer))\(link)<input type="hidden" name="kind" value="meeting">
            \(Form.field(t("Subject", "Тема"), "subject", value: nil))
            <div class="grid2">\(Form.field(t("Date", "Дата"), "occurredDate", value: date, type: "date"))\(Form.field(t("Time", "Время"), "occurredTime", value: time, type: "time"))</div>
            \(Form.textarea(t("Outcome", "Итоги"), "body", value: nil, rows: 2))
            <button class="primary" type="submit">\(t("Save meeting", "Сохранить встречу"))</button></form></details>
            <details class="panel"><summary>\(t("Task", "Задача"))</summary>
            <form method="post" action="\(WebURL.tasks)">\(WebKit.createFields(viewer))
            <input type="hidden" name="relatedKind" value="\(record.kind.rawValue)"><input type="hidden" name="relatedId" value="\(record.id)">
            <input type="hidden" name="return" value="\(viewer.path)"><input type="hidden" name="assigneeId" value="\(viewer.user.id.rawValue)">
            \(Form.field(t("What to do", "Что сделать"), "title", value: nil, required: true))
            <div class="grid2">
            \(Form.select(t("Type", "Тип"), "kind", options: TaskKind.allCases.map { ($0.rawValue, t.label($0)) }, selected: "call"))
            \(Form.field(t("Due date", "Срок"), "dueAt", value: tomorrow, type: "date"))
            </div>
            <button class="primary" type="submit">\(t("Create task", "Поставить задачу"))</button></form></details>
            </div>
            """
    }

    /// Custom field values for a card.
    static func customFields(_ values: [String: JSONValue], definitions: [CustomFieldDefinition], _ viewer: Viewer) -> HTML {
        let t = viewer.t
        let rows: [HTML] = definitions.compactMap { definition in
            guard let value = values[definition.key], value != .null else { return nil }
            let text: HTML
            switch (definition.kind, value) {
            case (.boolean, .bool(let flag)): text = "\(flag ? t("Yes", "Да") : t("No", "Нет"))"
            case (.url, .string(let url)): text = Parts.externalLink(url)
            case (.money, .object(let object)):
                if case .int(let amount)? = object["amount"], case .string(let code)? = object["currency"],
                    let currency = CurrencyCode(rawValue: code)
                {
                    text = "\(viewer.format.money(Money(amount: amount, currency: currency)))"
                } else {
                    text = "\(value.plainText)"
                }
            case (.date, .string(let iso)): text = "\(LocalDate(iso: iso).map(viewer.format.date) ?? iso)"
            default: text = "\(value.plainText)"
            }
            return "<dt>\(definition.label)</dt><dd>\(text)</dd>"
        }
        return HTML.join(rows)
    }

    /// Inputs for the custom fields of a kind of record.
    static func customFieldInputs(
        _ definitions: [CustomFieldDefinition], values: [String: JSONValue], form: FormData?, errors: FormErrors, _ t: Lang
    ) -> HTML {
        HTML.join(
            definitions.map { definition in
                let name = "customFields.\(definition.key)"
                let current = form?[name] ?? values[definition.key].map(inputText)
                switch definition.kind {
                case .boolean:
                    let checked = form.map { $0.checked(name) } ?? (values[definition.key] == .bool(true))
                    return Form.checkbox(definition.label, name, checked: checked)
                case .select:
                    return Form.select(
                        definition.label, name, options: definition.options.map { ($0, $0) }, selected: current, errors: errors, blank: "—",
                        required: definition.isRequired)
                case .multiSelect:
                    let selected = Set(
                        form?.all(name)
                            ?? (values[definition.key].flatMap { if case .array(let items) = $0 { items.map(\.plainText) } else { nil } }
                                ?? []))
                    let boxes: [HTML] = definition.options.enumerated().map { index, option in
                        "<span class=\"field check\"><input id=\"f-\(name)-\(index)\" type=\"checkbox\" name=\"\(name)\" value=\"\(option)\"\(if: selected.contains(option), " checked")><label for=\"f-\(name)-\(index)\">\(option)</label></span>"
                    }
                    return
                        "<fieldset><legend>\(definition.label)</legend>\(boxes)\(errors.forField(name).isEmpty ? "" : "<span class=\"field-error\">\(errors.forField(name).joined(separator: " "))</span>" as HTML)</fieldset>"
                case .date:
                    return Form.field(definition.label, name, value: current, errors: errors, type: "date", required: definition.isRequired)
                case .number:
                    return Form.field(
                        definition.label, name, value: current, errors: errors, required: definition.isRequired,
                        attributes: " inputmode=\"decimal\"")
                case .url:
                    return Form.field(definition.label, name, value: current, errors: errors, type: "url", required: definition.isRequired)
                case .money:
                    return Form.field(
                        definition.label, name, value: current, errors: errors, required: definition.isRequired,
                        hint: t("Amount in the workspace currency", "Сумма в валюте пространства"), attributes: " inputmode=\"decimal\"")
                case .text: return Form.field(definition.label, name, value: current, errors: errors, required: definition.isRequired)
                }
            })
    }

    private static func inputText(_ value: JSONValue) -> String {
        if case .object(let object) = value, case .int(let amount)? = object["amount"], case .string(let code)? = object["currency"],
            let currency = CurrencyCode(rawValue: code)
        {
            return Money(amount: amount, currency: currency).decimalString
        }
        return value.plainText
    }

    /// The custom-field values a form sent, as JSON for the API's validation (blank clears).
    static func customFieldValues(_ definitions: [CustomFieldDefinition], form: FormData, currency: CurrencyCode) -> JSONValue {
        var object: [String: JSONValue] = [:]
        for definition in definitions {
            let name = "customFields.\(definition.key)"
            switch definition.kind {
            case .boolean: object[definition.key] = form.checked(name) ? .bool(true) : .null
            case .multiSelect:
                let values = form.all(name)
                object[definition.key] = values.isEmpty ? .null : .array(values.map(JSONValue.string))
            case .number:
                guard let text = form.text(name) else {
                    object[definition.key] = .null
                    continue
                }
                let normalized = text.replacingOccurrences(of: ",", with: ".").replacingOccurrences(of: " ", with: "")
                if let int = Int64(normalized) {
                    object[definition.key] = .int(int)
                } else if let double = Double(normalized) {
                    object[definition.key] = .double(double)
                } else {
                    object[definition.key] = .string(text)
                }
            case .money:
                guard let text = form.text(name) else {
                    object[definition.key] = .null
                    continue
                }
                if let money = try? Money.parse(text, currency: currency) {
                    object[definition.key] = .object(["amount": .int(money.amount), "currency": .string(currency.rawValue)])
                } else {
                    object[definition.key] = .string(text)
                }
            default: object[definition.key] = form.text(name).map(JSONValue.string) ?? .null
            }
        }
        return .object(object)
    }
}

/// Logging activities from the cards.
struct ActivityPages {
    let kit: WebKit

    func register(on router: RouterGroup<AppRequestContext>) {
        router.post("activities") { request, context in
            let viewer = try await kit.viewer(request, context)
            let form = try await FormData.read(request, context)
            let back = WebURL.localReturn(form["return"]) ?? .home
            var object: [String: JSONValue] = [:]
            for name in ["kind", "subject", "body", "contactId", "companyId", "dealId", "direction", "callResult"] {
                if let value = form.text(name) { object[name] = .string(value) }
            }
            if let minutes = form.text("durationMinutes") {
                object["durationSeconds"] = Int(minutes).map { .int(Int64($0 * 60)) } ?? .string(minutes)
            }
            if let when = WebKit.instant(date: form["occurredDate"], time: form["occurredTime"], format: viewer.format) {
                object["occurredAt"] = when
            }
            let url = try await kit.once(form, viewer) {
                var reader = WebKit.reader(object)
                let input = reader.activityInput()
                try reader.finish()
                if input.kind == .note, input.body?.value == nil { throw ValidationError("body", .required) }
                _ = try await kit.store.activities.create(input, by: viewer.actor)
                return back
            }
            return WebResponse.redirect(url, flash: .added)
        }
    }
}
