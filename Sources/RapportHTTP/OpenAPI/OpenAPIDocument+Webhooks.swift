import RapportCore

extension OpenAPIDocument {
    /// Outgoing webhooks.
    static var webhookOperations: [Operation] {
        [
            Operation(
                method: "get", path: "/api/v1/webhooks", id: "listWebhooks", summary: "The workspace's webhooks (settings right)",
                tag: "Webhooks", response: "WebhookList", errors: [401, 403]),
            Operation(
                method: "post", path: "/api/v1/webhooks", id: "createWebhook",
                summary: "Subscribe a URL to events; the response carries the signing secret, shown only this once", tag: "Webhooks",
                parameters: ["Idempotency-Key"], body: "WebhookInput", status: 201, response: "Webhook", errors: [400, 401, 403, 409, 422]),
            Operation(
                method: "get", path: "/api/v1/webhooks/{id}", id: "getWebhook", summary: "A webhook", tag: "Webhooks", parameters: ["id"],
                response: "Webhook", errors: [401, 403, 404]),
            Operation(
                method: "patch", path: "/api/v1/webhooks/{id}", id: "updateWebhook",
                summary: "Change URL, events, pause (`active`), private targets, or rotate the secret (returned once)", tag: "Webhooks",
                parameters: ["id"], body: "WebhookPatch", response: "Webhook", errors: [400, 401, 403, 404, 409, 422]),
            Operation(
                method: "delete", path: "/api/v1/webhooks/{id}", id: "deleteWebhook", summary: "Delete a webhook and its delivery log",
                tag: "Webhooks", parameters: ["id"], status: 204, errors: [401, 403, 404]),
            Operation(
                method: "get", path: "/api/v1/webhooks/{id}/deliveries", id: "webhookDeliveries",
                summary: "The delivery log, newest first, with every attempt", tag: "Webhooks", parameters: ["id", "limit"],
                response: "WebhookDeliveryList", errors: [400, 401, 403, 404, 422]),
            Operation(
                method: "post", path: "/api/v1/webhooks/{id}/test", id: "pingWebhook",
                summary: "Queue a signed `ping` to the webhook's URL", tag: "Webhooks", parameters: ["id"], status: 202,
                response: "WebhookDelivery", errors: [401, 403, 404]),
            Operation(
                method: "post", path: "/api/v1/webhooks/{id}/deliveries/{deliveryId}/retry", id: "retryWebhookDelivery",
                summary: "Send a delivery again now, with a fresh round of attempts", tag: "Webhooks", parameters: ["id", "deliveryId"],
                status: 202, response: "WebhookDelivery", errors: [401, 403, 404]),
        ]
    }

    /// Schemas of webhooks and deliveries.
    static var webhookSchemas: [String: JSONValue] {
        let events = array(enumeration(WebhookEvent.subscribable.map(\.rawValue)))
        let attempt = object(
            [
                "number": integer, "at": timestamp, "responseCode": nullable("integer"), "error": nullable("string"), "durationMs": integer,
                "nextAttemptAt": nullable("string", format: "date-time"),
            ], required: ["number", "at", "durationMs"])
        return [
            "Webhook": object(
                [
                    "id": string, "url": string, "events": events, "active": boolean, "allowPrivate": boolean,
                    "createdBy": nullable("string"), "createdAt": timestamp, "updatedAt": timestamp, "version": integer,
                    "secret": .object([
                        "type": "string",
                        "description": "The HMAC-SHA256 key of `Rapport-Signature`; only in the response that created or rotated it.",
                    ]),
                ], required: ["id", "url", "events", "active", "allowPrivate", "createdAt", "updatedAt", "version"],
                description: """
                    Each delivery is a POST of JSON `{id, event, occurredAt, workspaceId, data}` with the headers `Rapport-Event`, \
                    `Rapport-Event-Id` (the same on retries) and `Rapport-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of \
                    "<t>.<body>" keyed with the secret>`. A 2xx answer is success; anything else is retried with backoff \
                    (\(WebhookRules.maximumAttempts) attempts).
                    """),
            "WebhookList": list("Webhook"),
            "WebhookInput": object(
                [
                    "url": .object(["type": "string", "maxLength": .int(Int64(WebhookRules.maximumURLLength))]), "events": events,
                    "active": boolean,
                    "allowPrivate": .object([
                        "type": "boolean",
                        "description": "Allow loopback and private-network targets (owners and admins only; refused with 422 otherwise).",
                    ]),
                ], required: ["url", "events"]),
            "WebhookPatch": object(
                [
                    "version": integer, "url": string, "events": events, "active": boolean, "allowPrivate": boolean,
                    "rotateSecret": boolean,
                ], required: ["version"]),
            "WebhookDelivery": object(
                [
                    "id": string, "webhookId": string, "eventId": string,
                    "event": enumeration(WebhookEvent.self), "status": enumeration(WebhookDeliveryStatus.self), "attempts": integer,
                    "responseCode": nullable("integer"), "responseExcerpt": nullable("string"), "error": nullable("string"),
                    "nextAttemptAt": nullable("string", format: "date-time"), "deliveredAt": nullable("string", format: "date-time"),
                    "createdAt": timestamp, "payload": anyValue, "attemptLog": array(attempt),
                ], required: ["id", "webhookId", "eventId", "event", "status", "attempts", "createdAt", "payload", "attemptLog"]),
            "WebhookDeliveryList": list("WebhookDelivery"),
        ]
    }
}
