import Foundation
import Hummingbird
import RapportCore
import RapportStore

/// Settings → Webhooks: the list with a create form, and each webhook's delivery log with retry, test,
/// pause and delete. Owners and admins (the settings right); "allow private targets" for them only.
struct WebhookPages {
    let kit: WebKit
    var store: Store { kit.store }

    func register(on router: RouterGroup<AppRequestContext>) {
        router.get("settings/webhooks") { request, context in
            let viewer = try await kit.viewer(request, context)
            return WebResponse.html(try await listPage(viewer, errors: FormErrors(), notice: nil, form: nil))
        }
        router.post("settings/webhooks") { request, context in
            let viewer = try await kit.viewer(request, context)
            let form = try await FormData.read(request, context)
            return try await kit.submitting(viewer, form: { try await listPage(viewer, errors: $0, notice: nil, form: form) }) {
                let (webhook, secret) = try await store.webhooks.create(
                    WebhookRepository.NewWebhook(
                        url: form.text("url"), events: form.all("events"), allowPrivate: form.checked("allowPrivate")),
                    by: viewer.actor)
                let t = viewer.t
                let notice: HTML = """
                    <div class="flash" role="status"><p>\(t("Webhook created. Copy its signing secret now: it is shown only once.", "Вебхук создан. Скопируйте секрет подписи сейчас: он показывается только один раз."))</p>
                    <p><code>\(secret)</code></p><p><a href="\(WebURL.webhook(webhook.id))">\(webhook.url)</a></p></div>
                    """
                return WebResponse.html(try await listPage(viewer, errors: FormErrors(), notice: notice, form: nil))
            }
        }
        router.get("settings/webhooks/{id}") { request, context in
            let viewer = try await kit.viewer(request, context)
            return WebResponse.html(try await logPage(viewer, try Handlers.id(context)))
        }
        router.post("settings/webhooks/{id}/test") { request, context in
            let viewer = try await kit.viewer(request, context)
            _ = try await FormData.read(request, context)
            let id: Webhook.ID = try Handlers.id(context)
            _ = try await store.webhooks.ping(id, by: viewer.actor)
            return WebResponse.redirect(.webhook(id), flash: .added)
        }
        router.post("settings/webhooks/{id}/deliveries/{deliveryId}/retry") { request, context in
            let viewer = try await kit.viewer(request, context)
            _ = try await FormData.read(request, context)
            let id: Webhook.ID = try Handlers.id(context)
            _ = try await store.webhooks.retry(try Handlers.id(context, "deliveryId"), of: id, by: viewer.actor)
            return WebResponse.redirect(.webhook(id), flash: .saved)
        }
        router.post("settings/webhooks/{id}/toggle") { request, context in
            let viewer = try await kit.viewer(request, context)
            let form = try await FormData.read(request, context)
            let id: Webhook.ID = try Handlers.id(context)
            let webhook = try await store.webhooks.get(id, by: viewer.actor)
            _ = try await store.webhooks.update(
                id, WebhookRepository.Change(isActive: !webhook.isActive), expectedVersion: Int64(form["version"] ?? "") ?? -1,
                by: viewer.actor)
            return WebResponse.redirect(.webhook(id), flash: .saved)
        }
        router.post("settings/webhooks/{id}/delete") { request, context in
            let viewer = try await kit.viewer(request, context)
            _ = try await FormData.read(request, context)
            try await store.webhooks.delete(try Handlers.id(context), by: viewer.actor)
            return WebResponse.redirect(.webhooks, flash: .deleted)
        }
    }

    func listPage(_ viewer: Viewer, errors: FormErrors, notice: HTML?, form: FormData?) async throws -> HTML {
        let t = viewer.t
        let webhooks = try await store.webhooks.list(by: viewer.actor)
        let rows: [HTML] = webhooks.map { webhook in
            """
            <tr><td><a href="\(WebURL.webhook(webhook.id))">\(webhook.url)</a></td>
            <td data-label="\(t("Events", "События"))">\(webhook.events.map(\.rawValue).joined(separator: ", "))</td>
            <td data-label="\(t("State", "Состояние"))">\(webhook.isActive ? t("active", "активен") : t("paused", "приостановлен"))\(webhook.allowsPrivateTargets ? " · " + t("private targets allowed", "частные адреса разрешены") : "")</td></tr>
            """
        }
        let chosen = Set(form?.all("events") ?? [])
        let boxes: [HTML] = WebhookEvent.subscribable.map { event in
            let id = "ev-\(event.rawValue.replacingOccurrences(of: ".", with: "-"))"
            return
                "<div class=\"field check\"><input id=\"\(id)\" type=\"checkbox\" name=\"events\" value=\"\(event.rawValue)\"\(if: chosen.contains(event.rawValue), " checked")><label for=\"\(id)\">\(Self.title(event, t)) <code>\(event.rawValue)</code></label></div>"
        }
        let eventErrors = errors.all.isEmpty ? [] : errors.forField("events")
        let privateBox: HTML =
            AccessPolicy.mayAllowPrivateWebhookTargets(viewer.actor)
            ? Form.checkbox(
                t("Allow loopback and private-network addresses", "Разрешить локальные и частные адреса"), "allowPrivate",
                checked: form?.checked("allowPrivate") ?? false) : .empty
        return Layout.page(
            viewer, title: t("Webhooks", "Вебхуки"), section: .settings,
            body: """
                <h1>\(t("Settings", "Настройки")): \(t("Webhooks", "Вебхуки"))</h1>
                <p><a href="\(WebURL.settings)">← \(t("Settings", "Настройки"))</a></p>
                \(Form.summary(errors, t))
                \(notice)
                \(rows.isEmpty ? Parts.empty(t("No webhooks yet.", "Вебхуков пока нет.")) : "<table class=\"list\"><thead><tr><th scope=\"col\">URL</th><th scope=\"col\">\(t("Events", "События"))</th><th scope=\"col\">\(t("State", "Состояние"))</th></tr></thead><tbody>\(rows)</tbody></table>" as HTML)
                <section class="card"><h2>\(t("New webhook", "Новый вебхук"))</h2>
                <form method="post" action="\(WebURL.webhooks)">\(Form.csrf(viewer))
                \(Form.field("URL", "url", value: form?.text("url"), errors: errors, type: "url", required: true, hint: "https://example.com/hooks/rapport"))
                <fieldset><legend>\(t("Events", "События"))</legend>\(boxes)\(eventErrors.isEmpty ? .empty : "<span class=\"field-error\">\(eventErrors.joined(separator: " "))</span>" as HTML)</fieldset>
                \(privateBox)
                <p class="hint">\(t("Each request is signed: the Rapport-Signature header carries t=<unix time>,v1=<HMAC-SHA256 of \"t.body\" with the secret>.", "Каждый запрос подписан: заголовок Rapport-Signature содержит t=<время unix>,v1=<HMAC-SHA256 от «t.тело» с секретом>."))</p>
                <button class="primary" type="submit">\(t("Create webhook", "Создать вебхук"))</button></form></section>
                """)
    }

    func logPage(_ viewer: Viewer, _ id: Webhook.ID) async throws -> HTML {
        let t = viewer.t
        let webhook = try await store.webhooks.get(id, by: viewer.actor)
        let deliveries = try await store.webhooks.deliveries(of: id, limit: 100, by: viewer.actor)
        let rows: [HTML] = deliveries.map { delivery in
            let attempts: [HTML] = delivery.attemptLog.map { attempt in
                "<li>#\(attempt.number) \(viewer.format.dateTime(attempt.at)) · \(attempt.responseCode.map(String.init) ?? "—")\(attempt.error.map { " · " + $0 } ?? "")\(attempt.nextAttemptAt.map { " · " + t("next", "следующая") + " " + viewer.format.dateTime($0) } ?? "")</li>"
            }
            return """
                <tr><td>\(viewer.format.dateTime(delivery.createdAt))</td><td data-label="\(t("Event", "Событие"))"><code>\(delivery.event.rawValue)</code></td>
                <td data-label="\(t("Status", "Статус"))">\(Self.title(delivery.status, t))</td>
                <td data-label="\(t("Code", "Код"))">\(delivery.responseCode.map(String.init) ?? "—")</td>
                <td data-label="\(t("Attempts", "Попытки"))">\(delivery.attempts)\(attempts.isEmpty ? .empty : "<ul class=\"muted\">\(attempts)</ul>" as HTML)</td>
                <td><form method="post" action="\(WebURL.webhookRetry(id, delivery.id))">\(Form.csrf(viewer))<button type="submit" class="small">\(t("Retry", "Повторить"))</button></form></td></tr>
                """
        }
        return Layout.page(
            viewer, title: t("Webhook", "Вебхук"), section: .settings,
            body: """
                <h1>\(t("Webhook", "Вебхук")): \(webhook.url)</h1>
                <p><a href="\(WebURL.webhooks)">← \(t("Webhooks", "Вебхуки"))</a></p>
                <p>\(webhook.events.map(\.rawValue).joined(separator: ", ")) · \(webhook.isActive ? t("active", "активен") : t("paused", "приостановлен"))</p>
                <div class="actions">
                <form method="post" action="\(WebURL.webhook(id, "test"))">\(Form.csrf(viewer))<button type="submit">\(t("Send a test", "Отправить тест"))</button></form>
                <form method="post" action="\(WebURL.webhook(id, "toggle"))">\(Form.csrf(viewer))\(Form.hidden("version", String(webhook.version)))<button type="submit">\(webhook.isActive ? t("Pause", "Приостановить") : t("Resume", "Возобновить"))</button></form>
                <form method="post" action="\(WebURL.webhook(id, "delete"))">\(Form.csrf(viewer))<button type="submit" class="danger">\(t("Delete", "Удалить"))</button></form>
                </div>
                <h2>\(t("Delivery log", "Журнал доставки"))</h2>
                \(rows.isEmpty ? Parts.empty(t("Nothing sent yet.", "Пока ничего не отправлено.")) : "<table class=\"list\"><thead><tr><th scope=\"col\">\(t("Time", "Время"))</th><th scope=\"col\">\(t("Event", "Событие"))</th><th scope=\"col\">\(t("Status", "Статус"))</th><th scope=\"col\">\(t("Code", "Код"))</th><th scope=\"col\">\(t("Attempts", "Попытки"))</th><th scope=\"col\"></th></tr></thead><tbody>\(rows)</tbody></table>" as HTML)
                """)
    }

    static func title(_ status: WebhookDeliveryStatus, _ t: Lang) -> String {
        switch status {
        case .pending: t("pending", "в очереди")
        case .succeeded: t("delivered", "доставлено")
        case .failed: t("failed", "не доставлено")
        }
    }

    static func title(_ event: WebhookEvent, _ t: Lang) -> String {
        switch event {
        case .contactCreated: t("Contact created", "Контакт создан")
        case .contactUpdated: t("Contact updated", "Контакт изменён")
        case .contactDeleted: t("Contact deleted", "Контакт удалён")
        case .companyCreated: t("Company created", "Компания создана")
        case .companyUpdated: t("Company updated", "Компания изменена")
        case .companyDeleted: t("Company deleted", "Компания удалена")
        case .dealCreated: t("Deal created", "Сделка создана")
        case .dealUpdated: t("Deal updated", "Сделка изменена")
        case .dealDeleted: t("Deal deleted", "Сделка удалена")
        case .dealStageChanged: t("Deal stage changed", "Сделка перешла на другой этап")
        case .taskCreated: t("Task created", "Задача создана")
        case .taskCompleted: t("Task completed", "Задача выполнена")
        case .formSubmitted: t("Form submitted", "Форма отправлена")
        case .importFinished: t("Import finished", "Импорт завершён")
        case .ping: t("Test", "Тест")
        }
    }
}

extension WebURL {
    static let webhooks = WebURL("/settings/webhooks")
    static func webhook(_ id: Webhook.ID, _ action: String? = nil) -> WebURL {
        WebURL("/settings/webhooks/\(id.rawValue)" + (action.map { "/" + $0 } ?? ""))
    }
    static func webhookRetry(_ id: Webhook.ID, _ delivery: WebhookDelivery.ID) -> WebURL {
        WebURL("/settings/webhooks/\(id.rawValue)/deliveries/\(delivery.rawValue)/retry")
    }
}
