import Foundation
import Hummingbird
import RapportCore
import RapportStore

/// `/api/v1/webhooks`: outgoing webhook subscriptions, their delivery log, a test ping and retries. A
/// workspace setting: the store checks the settings right, and owner/admin for `allowPrivate`.
struct WebhookAPI {
    let handlers: Handlers
    var store: Store { handlers.store }

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("webhooks") { _, context in
            let webhooks = try await store.webhooks.list(by: try context.requireActor())
            return try Handlers.json(ListResponse(data: webhooks.map { WebhookBody($0) }, nextCursor: nil))
        }
        group.post("webhooks") { request, context in
            try await handlers.create(request, context) { body in
                var body = body
                let input = WebhookRepository.NewWebhook(
                    url: body.string("url"), events: body.stringArray("events"), isActive: body.bool("active") ?? true,
                    allowPrivate: body.bool("allowPrivate") ?? false)
                try body.finish()
                let (webhook, secret) = try await store.webhooks.create(input, by: try context.requireActor())
                return WebhookBody(webhook, secret: secret)
            }
        }
        group.get("webhooks/{id}") { _, context in
            try Handlers.json(WebhookBody(try await store.webhooks.get(try Handlers.id(context), by: try context.requireActor())))
        }
        group.patch("webhooks/{id}") { request, context in
            let actor = try context.requireActor()
            let id: Webhook.ID = try Handlers.id(context)
            var body = try await BodyReader.read(request, context: context)
            let version = body.version()
            let change = WebhookRepository.Change(
                url: body.string("url"), events: body.stringArray("events"), isActive: body.bool("active"),
                allowPrivate: body.bool("allowPrivate"), rotateSecret: body.bool("rotateSecret") ?? false)
            try body.finish()
            let (webhook, secret) = try await withCurrentOnConflict(current: { WebhookBody(try await store.webhooks.get(id, by: actor)) }) {
                try await store.webhooks.update(id, change, expectedVersion: version ?? 0, by: actor)
            }
            return try Handlers.json(WebhookBody(webhook, secret: secret))
        }
        group.delete("webhooks/{id}") { _, context in
            try await store.webhooks.delete(try Handlers.id(context), by: try context.requireActor())
            return Handlers.noContent
        }
        group.get("webhooks/{id}/deliveries") { request, context in
            let query = try Handlers.listQuery(request)
            let limit = formQuery(request)["limit"] == nil ? 50 : query.limit
            let deliveries = try await store.webhooks.deliveries(of: try Handlers.id(context), limit: limit, by: try context.requireActor())
            return try Handlers.json(ListResponse(data: deliveries.map(WebhookDeliveryBody.init), nextCursor: nil))
        }
        group.post("webhooks/{id}/test") { _, context in
            let delivery = try await store.webhooks.ping(try Handlers.id(context), by: try context.requireActor())
            return try Handlers.json(WebhookDeliveryBody(delivery), status: .accepted)
        }
        group.post("webhooks/{id}/deliveries/{deliveryId}/retry") { _, context in
            let delivery = try await store.webhooks.retry(
                try Handlers.id(context, "deliveryId"), of: try Handlers.id(context), by: try context.requireActor())
            return try Handlers.json(WebhookDeliveryBody(delivery), status: .accepted)
        }
    }
}

/// A webhook as the API shows it; `secret` only in the response that created or rotated it.
struct WebhookBody: Encodable, Sendable {
    var id: String
    var url: String
    var events: [String]
    var active: Bool
    var allowPrivate: Bool
    var createdBy: String?
    var createdAt: Date
    var updatedAt: Date
    var version: Int64
    var secret: String?

    init(_ webhook: Webhook, secret: String? = nil) {
        id = webhook.id.rawValue
        url = webhook.url
        events = webhook.events.map(\.rawValue)
        active = webhook.isActive
        allowPrivate = webhook.allowsPrivateTargets
        createdBy = webhook.createdBy?.rawValue
        createdAt = webhook.createdAt
        updatedAt = webhook.updatedAt
        version = webhook.version
        self.secret = secret
    }
}

/// A delivery with its attempts.
struct WebhookDeliveryBody: Encodable, Sendable {
    struct Attempt: Encodable, Sendable {
        var number: Int
        var at: Date
        var responseCode: Int?
        var error: String?
        var durationMs: Int
        var nextAttemptAt: Date?
    }
    var id: String
    var webhookId: String
    var eventId: String
    var event: String
    var status: String
    var attempts: Int
    var responseCode: Int?
    var responseExcerpt: String?
    var error: String?
    var nextAttemptAt: Date?
    var deliveredAt: Date?
    var createdAt: Date
    var payload: JSONValue
    var attemptLog: [Attempt]

    init(_ delivery: WebhookDelivery) {
        id = delivery.id.rawValue
        webhookId = delivery.webhookID.rawValue
        eventId = delivery.eventID
        event = delivery.event.rawValue
        status = delivery.status.rawValue
        attempts = delivery.attempts
        responseCode = delivery.responseCode
        responseExcerpt = delivery.responseExcerpt
        error = delivery.error
        nextAttemptAt = delivery.nextAttemptAt
        deliveredAt = delivery.deliveredAt
        createdAt = delivery.createdAt
        payload = (try? JSONDecoder().decode(JSONValue.self, from: Data(delivery.payload.utf8))) ?? .string(delivery.payload)
        attemptLog = delivery.attemptLog.map {
            Attempt(
                number: $0.number, at: $0.at, responseCode: $0.responseCode, error: $0.error, durationMs: $0.durationMilliseconds,
                nextAttemptAt: $0.nextAttemptAt)
        }
    }
}
