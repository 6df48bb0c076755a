import Crypto
public import Foundation
public import RapportCore
import SQLKit

/// Webhook subscriptions, their delivery log, and the work of the two webhook jobs (dispatching the
/// outbox, recording attempts). Every call by a user goes through ``AccessPolicy/mayManageWebhooks(_:)``;
/// `allowPrivate` through ``AccessPolicy/mayAllowPrivateWebhookTargets(_:)``. Changes are audited under
/// the workspace (webhooks are one of its settings) with the webhook's id.
public struct WebhookRepository: Sendable {
    let context: StoreContext
    let resolver: HostResolver

    /// The job that sends one delivery.
    public static let deliverKind = "webhook.deliver"
    /// The job that turns outbox events into deliveries.
    public static var dispatchKind: String { WebhookOutbox.dispatchKind }

    /// Makes the repository.
    /// - Parameter resolver: turns a host into addresses (the system resolver unless a test says otherwise).
    public init(context: StoreContext, resolver: HostResolver = .system) {
        self.context = context
        self.resolver = resolver
    }

    /// A new subscription.
    public struct NewWebhook: Sendable {
        /// The receiver URL as typed.
        public var url: String?
        /// Event names as sent.
        public var events: [String]?
        /// Deliver from the start (default) or paused.
        public var isActive: Bool
        /// Allow loopback and private targets (owners and admins only).
        public var allowPrivate: Bool
        /// Makes the input.
        public init(url: String?, events: [String]?, isActive: Bool = true, allowPrivate: Bool = false) {
            self.url = url
            self.events = events
            self.isActive = isActive
            self.allowPrivate = allowPrivate
        }
    }

    /// A change to a subscription: only the fields given change.
    public struct Change: Sendable {
        /// A new receiver URL.
        public var url: String?
        /// A new event list.
        public var events: [String]?
        /// Pause (false) or resume (true).
        public var isActive: Bool?
        /// Allow or forbid loopback and private targets (owners and admins only).
        public var allowPrivate: Bool?
        /// Issue a new secret (returned once).
        public var rotateSecret: Bool
        /// Makes an empty change.
        public init(
            url: String? = nil, events: [String]? = nil, isActive: Bool? = nil, allowPrivate: Bool? = nil, rotateSecret: Bool = false
        ) {
            self.url = url
            self.events = events
            self.isActive = isActive
            self.allowPrivate = allowPrivate
            self.rotateSecret = rotateSecret
        }
    }

    /// Creates a webhook. - Returns: the webhook and its signing secret (shown once).
    /// - Throws: `RecordError.forbidden` without the settings right, or when a non-admin asks for private
    ///   targets; ``ValidationError`` for a bad URL or event list, or a private target not allowed.
    public func create(_ input: NewWebhook, by actor: Actor) async throws -> (Webhook, secret: String) {
        guard AccessPolicy.mayManageWebhooks(actor) else { throw RecordError.forbidden }
        if input.allowPrivate, !AccessPolicy.mayAllowPrivateWebhookTargets(actor) { throw RecordError.forbidden }
        let subscription = try WebhookRules.validate(url: input.url, events: input.events)
        try await checkTarget(subscription.host, allowPrivate: input.allowPrivate)
        let now = context.effects.now()
        let webhook = Webhook(
            id: context.effects.id(), workspaceID: actor.workspaceID, url: subscription.url, events: subscription.events,
            isActive: input.isActive, allowsPrivateTargets: input.allowPrivate, createdBy: actor.userID, createdAt: now, updatedAt: now,
            version: 1)
        let secret = Self.newSecret()
        try await context.database.transaction { db in
            try await db.raw(
                """
                INSERT INTO webhooks (id, workspace_id, url, events, secret, active, allow_private, created_by, created_at, updated_at, version)
                VALUES (\(bind: webhook.id.rawValue), \(bind: actor.workspaceID.rawValue), \(bind: webhook.url),
                    \(bind: jsonText(webhook.events.map(\.rawValue))), \(bind: secret), \(bind: webhook.isActive),
                    \(bind: webhook.allowsPrivateTargets), \(bind: actor.userID.rawValue), \(bind: now.millis), \(bind: now.millis), 1)
                """
            ).run()
            try await audit(db, webhook.id, actor: actor, action: .create, changes: AuditDiff.creation(Self.snapshot(webhook)))
        }
        return (webhook, secret)
    }

    /// The workspace's webhooks, oldest first.
    public func list(by actor: Actor) async throws -> [Webhook] {
        guard AccessPolicy.mayManageWebhooks(actor) else { throw RecordError.forbidden }
        return try await context.database.reader.raw(
            "SELECT * FROM webhooks WHERE workspace_id = \(bind: actor.workspaceID.rawValue) ORDER BY created_at, id"
        ).all().map(Self.decode)
    }

    /// One webhook of the actor's workspace.
    public func get(_ id: Webhook.ID, by actor: Actor) async throws -> Webhook {
        guard AccessPolicy.mayManageWebhooks(actor) else { throw RecordError.forbidden }
        guard let webhook = try await Self.load(context.database.reader, id, workspace: actor.workspaceID) else {
            throw RecordError.notFound(.workspace)
        }
        return webhook
    }

    /// Changes a webhook if the version is current. - Returns: the webhook, and the new secret when rotated.
    public func update(_ id: Webhook.ID, _ change: Change, expectedVersion: Int64, by actor: Actor) async throws
        -> (Webhook, secret: String?)
    {
        guard AccessPolicy.mayManageWebhooks(actor) else { throw RecordError.forbidden }
        if change.allowPrivate == true, !AccessPolicy.mayAllowPrivateWebhookTargets(actor) { throw RecordError.forbidden }
        let current = try await get(id, by: actor)
        let subscription = try WebhookRules.validate(
            url: change.url ?? current.url, events: change.events ?? current.events.map(\.rawValue))
        let allowPrivate = change.allowPrivate ?? current.allowsPrivateTargets
        if subscription.url != current.url || allowPrivate != current.allowsPrivateTargets {
            try await checkTarget(subscription.host, allowPrivate: allowPrivate)
        }
        let secret = change.rotateSecret ? Self.newSecret() : nil
        return try await context.database.transaction { db in
            guard
                let locked = try await db.raw(
                    "SELECT * FROM webhooks WHERE id = \(bind: id.rawValue) AND workspace_id = \(bind: actor.workspaceID.rawValue)\(unsafeRaw: context.forUpdate)"
                ).first().map(Self.decode)
            else { throw RecordError.notFound(.workspace) }
            guard locked.version == expectedVersion else { throw RecordError.versionConflict(.workspace, currentVersion: locked.version) }
            var next = locked
            next.url = subscription.url
            next.events = subscription.events
            next.isActive = change.isActive ?? locked.isActive
            next.allowsPrivateTargets = allowPrivate
            next.updatedAt = context.effects.now()
            next.version = locked.version + 1
            try await db.raw(
                """
                UPDATE webhooks SET url = \(bind: next.url), events = \(bind: jsonText(next.events.map(\.rawValue))),
                    active = \(bind: next.isActive), allow_private = \(bind: next.allowsPrivateTargets),
                    updated_at = \(bind: next.updatedAt.millis), version = \(bind: next.version)
                WHERE id = \(bind: id.rawValue)
                """
            ).run()
            if let secret { try await db.raw("UPDATE webhooks SET secret = \(bind: secret) WHERE id = \(bind: id.rawValue)").run() }
            var changes = AuditDiff.changes(from: Self.snapshot(locked), to: Self.snapshot(next))
            if secret != nil { changes.append(FieldChange(field: "secret", before: "***", after: "rotated")) }
            try await audit(db, id, actor: actor, action: .update, changes: changes)
            return (next, secret)
        }
    }

    /// Deletes a webhook with its delivery log.
    public func delete(_ id: Webhook.ID, by actor: Actor) async throws {
        let webhook = try await get(id, by: actor)
        try await context.database.transaction { db in
            try await db.raw(
                "DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries WHERE webhook_id = \(bind: id.rawValue))"
            ).run()
            try await db.raw("DELETE FROM webhook_deliveries WHERE webhook_id = \(bind: id.rawValue)").run()
            try await db.raw("DELETE FROM webhooks WHERE id = \(bind: id.rawValue)").run()
            try await audit(
                db, id, actor: actor, action: .delete,
                changes: AuditDiff.changes(from: Self.snapshot(webhook), to: [:]))
        }
    }

    /// A webhook's deliveries, newest first, each with its attempts.
    public func deliveries(of id: Webhook.ID, limit: Int = 50, by actor: Actor) async throws -> [WebhookDelivery] {
        _ = try await get(id, by: actor)
        let db = context.database.reader
        let rows = try await db.raw(
            """
            SELECT * FROM webhook_deliveries WHERE webhook_id = \(bind: id.rawValue) AND workspace_id = \(bind: actor.workspaceID.rawValue)
            ORDER BY created_at DESC, id DESC LIMIT \(bind: max(1, min(200, limit)))
            """
        ).all()
        var deliveries = try rows.map(Self.decodeDelivery)
        let attempts = try await Self.attempts(db, of: deliveries.map(\.id.rawValue))
        for index in deliveries.indices { deliveries[index].attemptLog = attempts[deliveries[index].id.rawValue] ?? [] }
        return deliveries
    }

    /// One delivery of a webhook.
    public func delivery(_ id: WebhookDelivery.ID, of webhook: Webhook.ID, by actor: Actor) async throws -> WebhookDelivery {
        _ = try await get(webhook, by: actor)
        guard var delivery = try await Self.loadDelivery(context.database.reader, id), delivery.webhookID == webhook else {
            throw RecordError.notFound(.workspace)
        }
        delivery.attemptLog = try await Self.attempts(context.database.reader, of: [id.rawValue])[id.rawValue] ?? []
        return delivery
    }

    /// Sends a delivery again now (after it failed, or to replay one that succeeded), with a fresh round of
    /// attempts; the log keeps counting.
    public func retry(_ id: WebhookDelivery.ID, of webhook: Webhook.ID, by actor: Actor) async throws -> WebhookDelivery {
        _ = try await delivery(id, of: webhook, by: actor)
        try await context.database.transaction { db in
            try await db.raw(
                """
                UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = \(bind: context.effects.now().millis),
                    updated_at = \(bind: context.effects.now().millis)
                WHERE id = \(bind: id.rawValue)
                """
            ).run()
            try await enqueueDelivery(db, id, workspace: actor.workspaceID)
            try await audit(
                db, webhook, actor: actor, action: .update,
                changes: [FieldChange(field: "retry", before: .null, after: .string(id.rawValue))])
        }
        return try await delivery(id, of: webhook, by: actor)
    }

    /// Queues a `ping` to the webhook (whatever its events), to check the receiver and its signature check.
    public func ping(_ id: Webhook.ID, by actor: Actor) async throws -> WebhookDelivery {
        let webhook = try await get(id, by: actor)
        let deliveryID: WebhookDelivery.ID = context.effects.id()
        try await context.database.transaction { db in
            let eventID = context.effects.newID()
            let data: JSONValue = .object(["webhookId": .string(webhook.id.rawValue), "url": .string(webhook.url)])
            try await insertDelivery(
                db, id: deliveryID, webhook: webhook, eventID: eventID, event: .ping, occurredAt: context.effects.now(), data: data)
            try await enqueueDelivery(db, deliveryID, workspace: actor.workspaceID)
        }
        return try await delivery(deliveryID, of: id, by: actor)
    }

    /// Publishes an event that is not a record change (a form feature calls this for `form.submitted`),
    /// in its own transaction. Inside a transaction of the store, call ``WebhookOutbox/publish`` instead
    /// so the event commits with the change.
    /// - Parameter data: the event's `data` (for a form: the form id, the submitted fields, the contact).
    public func publish(_ event: WebhookEvent, workspace: Workspace.ID, data: JSONValue) async throws {
        try await context.database.transaction { db in
            try await WebhookOutbox.publish(db, context: context, workspace: workspace, event: event, data: data)
        }
    }

    // MARK: - Job work

    /// Turns up to `limit` undispatched outbox events into deliveries (one per active webhook subscribed to
    /// the event) and their delivery jobs, marking the events dispatched, all in one transaction.
    /// - Returns: the number of events dispatched (call again while it returns `limit`).
    @discardableResult
    public func dispatch(limit: Int = 200) async throws -> Int {
        let skipLocked = context.dialect == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        return try await context.database.transaction { db in
            let rows = try await db.raw(
                """
                SELECT * FROM webhook_events WHERE dispatched_at IS NULL ORDER BY occurred_at, id
                LIMIT \(bind: limit)\(unsafeRaw: skipLocked)
                """
            ).all()
            guard !rows.isEmpty else { return 0 }
            var hooks: [String: [Webhook]] = [:]
            for row in rows {
                let workspace: Workspace.ID = try row.id("workspace_id")
                guard let event = WebhookEvent(rawValue: try row.string("event")) else { continue }
                if hooks[workspace.rawValue] == nil {
                    hooks[workspace.rawValue] = try await db.raw(
                        "SELECT * FROM webhooks WHERE workspace_id = \(bind: workspace.rawValue) AND active = \(bind: true)"
                    ).all().map(Self.decode)
                }
                for webhook in hooks[workspace.rawValue] ?? [] where webhook.events.contains(event) {
                    let id: WebhookDelivery.ID = context.effects.id()
                    let inserted = try await insertDelivery(
                        db, id: id, webhook: webhook, eventID: try row.string("id"), event: event, occurredAt: try row.date("occurred_at"),
                        data: try row.json("data", as: JSONValue.self))
                    if inserted { try await enqueueDelivery(db, id, workspace: workspace) }
                }
            }
            let ids = try rows.map { try $0.string("id") }
            try await db.raw(
                "UPDATE webhook_events SET dispatched_at = \(bind: context.effects.now().millis) WHERE id IN \(inList(ids))"
            ).run()
            return rows.count
        }
    }

    /// What a delivery job needs: the delivery, its webhook and the signing secret. Nil when the delivery
    /// or its webhook is gone.
    public func sending(_ id: WebhookDelivery.ID) async throws -> (delivery: WebhookDelivery, webhook: Webhook, secret: String)? {
        let db = context.database.reader
        guard let delivery = try await Self.loadDelivery(db, id),
            let row = try await db.raw("SELECT * FROM webhooks WHERE id = \(bind: delivery.webhookID.rawValue)").first()
        else { return nil }
        return (delivery, try Self.decode(row), try row.string("secret"))
    }

    /// Where a delivery may connect: an address the receiver's host resolves to now, once every address it
    /// resolves to passed the check; or why it may not be reached.
    public enum DeliveryTarget: Sendable, Equatable {
        /// Connect to this address (and nowhere else: a second lookup could answer differently).
        case address(IPAddress)
        /// Why the delivery is refused.
        case refused(String)
    }

    /// Resolves a receiver's host and checks every address against the webhook's permission. The delivery
    /// then connects to the address returned, so a host whose answer changes between the check and the
    /// connection (DNS rebinding) cannot lead it to a private address.
    public func deliveryTarget(_ webhook: Webhook) async -> DeliveryTarget {
        guard let host = WebhookRules.target(of: webhook.url) else { return .refused("invalid URL") }
        let addresses = await resolver.resolve(host)
        guard let first = addresses.first else { return .refused("the host did not resolve") }
        if !WebhookRules.allows(addresses, allowPrivate: webhook.allowsPrivateTargets) {
            return .refused("refused: \(host) resolves to a private or loopback address")
        }
        return .address(first)
    }

    /// Records one attempt and the delivery's new state.
    public func recordAttempt(
        _ id: WebhookDelivery.ID, at: Date, responseCode: Int?, responseExcerpt: String?, error: String?, duration: Duration,
        outcome: WebhookRules.AttemptOutcome
    ) async throws {
        let nextAt: Date? = if case .retry(let due) = outcome { due } else { nil }
        let milliseconds = Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
        try await context.database.transaction { db in
            guard
                let row = try await db.raw(
                    """
                    UPDATE webhook_deliveries SET attempts = attempts + 1, status = \(bind: outcome.status.rawValue),
                        response_code = \(bind: responseCode), response_excerpt = \(bind: responseExcerpt), error = \(bind: error),
                        next_attempt_at = \(bind: nextAt?.millis),
                        delivered_at = \(bind: outcome == .succeeded ? at.millis : nil), updated_at = \(bind: at.millis)
                    WHERE id = \(bind: id.rawValue) RETURNING attempts
                    """
                ).first()
            else { return }
            try await db.raw(
                """
                INSERT INTO webhook_attempts (delivery_id, number, at, response_code, error, duration_ms, next_attempt_at)
                VALUES (\(bind: id.rawValue), \(bind: try row.int("attempts")), \(bind: at.millis), \(bind: responseCode), \(bind: error),
                    \(bind: milliseconds), \(bind: nextAt?.millis))
                """
            ).run()
        }
    }

    /// Deletes dispatched outbox events and finished deliveries (with their attempts) older than `age`, so
    /// the log does not grow forever. - Returns: the deliveries deleted.
    @discardableResult
    public func prune(olderThan age: TimeInterval) async throws -> Int {
        let cutoff = context.effects.now().addingTimeInterval(-age).millis
        return try await context.database.transaction { db in
            try await db.raw("DELETE FROM webhook_events WHERE dispatched_at < \(bind: cutoff)").run()
            let old: SQLQueryString = "SELECT id FROM webhook_deliveries WHERE status <> 'pending' AND updated_at < \(bind: cutoff)"
            try await db.raw("DELETE FROM webhook_attempts WHERE delivery_id IN (" + old + ")").run()
            return try await db.raw(
                "DELETE FROM webhook_deliveries WHERE status <> 'pending' AND updated_at < \(bind: cutoff) RETURNING id"
            )
            .all().count
        }
    }

    /// Marks a delivery failed without an attempt (its webhook was paused or deleted).
    public func abandon(_ id: WebhookDelivery.ID, reason: String) async throws {
        try await context.database.transaction { db in
            try await db.raw(
                """
                UPDATE webhook_deliveries SET status = 'failed', error = \(bind: reason), next_attempt_at = NULL,
                    updated_at = \(bind: context.effects.now().millis)
                WHERE id = \(bind: id.rawValue)
                """
            ).run()
        }
    }

    // MARK: - Helpers

    private func checkTarget(_ host: String, allowPrivate: Bool) async throws {
        guard !allowPrivate else { return }
        // A host that does not resolve now is accepted (DNS may be down); each delivery checks again.
        let addresses = await resolver.resolve(host)
        if !addresses.isEmpty, !WebhookRules.allows(addresses, allowPrivate: false) {
            throw ValidationError("url", .privateAddress)
        }
    }

    @discardableResult
    private func insertDelivery(
        _ db: any SQLDatabase, id: WebhookDelivery.ID, webhook: Webhook, eventID: String, event: WebhookEvent, occurredAt: Date,
        data: JSONValue
    ) async throws -> Bool {
        let payload = WebhookRules.payload(
            eventID: eventID, event: event, occurredAt: occurredAt, workspace: webhook.workspaceID, data: data)
        let now = context.effects.now().millis
        return try await db.raw(
            """
            INSERT INTO webhook_deliveries (id, workspace_id, webhook_id, event_id, event, payload, status, attempts, next_attempt_at,
                created_at, updated_at)
            VALUES (\(bind: id.rawValue), \(bind: webhook.workspaceID.rawValue), \(bind: webhook.id.rawValue), \(bind: eventID),
                \(bind: event.rawValue), \(bind: jsonText(payload)), 'pending', 0, \(bind: now), \(bind: now), \(bind: now))
            ON CONFLICT (webhook_id, event_id) DO NOTHING RETURNING id
            """
        ).first() != nil
    }

    private func enqueueDelivery(_ db: any SQLDatabase, _ id: WebhookDelivery.ID, workspace: Workspace.ID) async throws {
        let now = context.effects.now()
        let job = Job(
            id: context.effects.id(), workspaceID: workspace, kind: Self.deliverKind,
            payload: .object(["deliveryId": .string(id.rawValue)]),
            runAt: now, maximumAttempts: WebhookRules.maximumAttempts, now: now)
        try await JobRepository.insert(db, job, uniqueKey: nil)
    }

    private func audit(_ db: any SQLDatabase, _ id: Webhook.ID, actor: Actor, action: AuditAction, changes: [FieldChange]) async throws {
        try await AuditRows.append(
            db, context: context, workspace: actor.workspaceID, actor: actor.userID, record: RecordRef(kind: .workspace, id: id.rawValue),
            action: action, changes: changes.map { FieldChange(field: "webhook.\($0.field)", before: $0.before, after: $0.after) })
    }

    static func newSecret() -> String { Secrets.token(prefix: "whsec_") }

    static func snapshot(_ webhook: Webhook) -> [String: JSONValue] {
        [
            "url": .string(webhook.url), "events": .array(webhook.events.map { .string($0.rawValue) }), "active": .bool(webhook.isActive),
            "allowPrivate": .bool(webhook.allowsPrivateTargets),
        ]
    }

    static func load(_ db: any SQLDatabase, _ id: Webhook.ID, workspace: Workspace.ID) async throws -> Webhook? {
        try await db.raw("SELECT * FROM webhooks WHERE id = \(bind: id.rawValue) AND workspace_id = \(bind: workspace.rawValue)")
            .first().map(decode)
    }

    static func decode(_ row: any SQLRow) throws -> Webhook {
        Webhook(
            id: try row.id("id"), workspaceID: try row.id("workspace_id"), url: try row.string("url"),
            events: try row.json("events", as: [String].self).compactMap(WebhookEvent.init(rawValue:)), isActive: try row.bool("active"),
            allowsPrivateTargets: try row.bool("allow_private"), createdBy: try row.optionalID("created_by"),
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"), version: try row.int64("version"))
    }

    static func loadDelivery(_ db: any SQLDatabase, _ id: WebhookDelivery.ID) async throws -> WebhookDelivery? {
        try await db.raw("SELECT * FROM webhook_deliveries WHERE id = \(bind: id.rawValue)").first().map(decodeDelivery)
    }

    static func decodeDelivery(_ row: any SQLRow) throws -> WebhookDelivery {
        WebhookDelivery(
            id: try row.id("id"), workspaceID: try row.id("workspace_id"), webhookID: try row.id("webhook_id"),
            eventID: try row.string("event_id"), event: try row.enumValue("event"), payload: try row.string("payload"),
            status: try row.enumValue("status"), attempts: try row.int("attempts"), responseCode: try row.optionalInt("response_code"),
            responseExcerpt: try row.optionalString("response_excerpt"), error: try row.optionalString("error"),
            nextAttemptAt: try row.optionalDate("next_attempt_at"), deliveredAt: try row.optionalDate("delivered_at"),
            createdAt: try row.date("created_at"))
    }

    static func attempts(_ db: any SQLDatabase, of ids: [String]) async throws -> [String: [WebhookAttempt]] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await db.raw("SELECT * FROM webhook_attempts WHERE delivery_id IN \(inList(ids)) ORDER BY number").all()
        var result: [String: [WebhookAttempt]] = [:]
        for row in rows {
            result[try row.string("delivery_id"), default: []].append(
                WebhookAttempt(
                    number: try row.int("number"), at: try row.date("at"), responseCode: try row.optionalInt("response_code"),
                    error: try row.optionalString("error"), durationMilliseconds: try row.int("duration_ms"),
                    nextAttemptAt: try row.optionalDate("next_attempt_at")))
        }
        return result
    }
}

/// HMAC-SHA256 signing of webhook bodies (the rule and format are ``WebhookSignature``'s).
public enum WebhookSigner {
    /// The `Rapport-Signature` header value for a body sent at `timestamp` (Unix seconds).
    public static func header(secret: String, timestamp: Int64, body: [UInt8]) -> String {
        WebhookSignature.value(timestamp: timestamp, signature: signature(secret: secret, timestamp: timestamp, body: body))
    }

    /// The raw HMAC over `"<timestamp>.<body>"`.
    public static func signature(secret: String, timestamp: Int64, body: [UInt8]) -> [UInt8] {
        let key = SymmetricKey(data: Data(secret.utf8))
        return Array(HMAC<SHA256>.authenticationCode(for: WebhookSignature.signedContent(timestamp: timestamp, body: body), using: key))
    }

    /// Checks a header as a receiver would.
    public static func verify(_ header: String, secret: String, body: [UInt8], now: Date) -> Bool {
        WebhookSignature.verify(header, now: now) { timestamp in
            WebhookSignature.hex(signature(secret: secret, timestamp: timestamp, body: body))
        }
    }
}
