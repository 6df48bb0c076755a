public import Foundation

/// What a webhook can subscribe to. Stable strings: they are stored, sent in payloads and headers, and
/// named by clients.
public enum WebhookEvent: String, Sendable, Codable, CaseIterable, Hashable {
    case contactCreated = "contact.created"
    case contactUpdated = "contact.updated"
    case contactDeleted = "contact.deleted"
    case companyCreated = "company.created"
    case companyUpdated = "company.updated"
    case companyDeleted = "company.deleted"
    case dealCreated = "deal.created"
    case dealUpdated = "deal.updated"
    case dealDeleted = "deal.deleted"
    case dealStageChanged = "deal.stage_changed"
    case taskCreated = "task.created"
    case taskCompleted = "task.completed"
    case formSubmitted = "form.submitted"
    case importFinished = "import.finished"
    /// Sent by "send a test" only; nobody subscribes to it.
    case ping

    /// The events a webhook may subscribe to (every one but ``ping``).
    public static var subscribable: [WebhookEvent] { allCases.filter { $0 != .ping } }
}

/// A subscription: where to POST which events of a workspace.
public struct Webhook: Hashable, Sendable {
    /// The webhook id.
    public typealias ID = Identifier<Webhook>
    /// Its id.
    public var id: ID
    /// Its workspace.
    public var workspaceID: Workspace.ID
    /// The receiver, `https://` or `http://`.
    public var url: String
    /// The events it receives (never empty).
    public var events: [WebhookEvent]
    /// Paused webhooks get no new deliveries.
    public var isActive: Bool
    /// Targets on loopback or private addresses are allowed (set by an owner or admin only).
    public var allowsPrivateTargets: Bool
    /// Who created it.
    public var createdBy: User.ID?
    /// Creation time.
    public var createdAt: Date
    /// Last change.
    public var updatedAt: Date
    /// Optimistic-locking version.
    public var version: Int64

    /// Makes a webhook.
    public init(
        id: ID, workspaceID: Workspace.ID, url: String, events: [WebhookEvent], isActive: Bool, allowsPrivateTargets: Bool,
        createdBy: User.ID?, createdAt: Date, updatedAt: Date, version: Int64
    ) {
        self.id = id
        self.workspaceID = workspaceID
        self.url = url
        self.events = events
        self.isActive = isActive
        self.allowsPrivateTargets = allowsPrivateTargets
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
    }
}

/// Where a delivery is.
public enum WebhookDeliveryStatus: String, Sendable, Codable, CaseIterable, Hashable {
    /// Waiting for its first attempt or for a retry.
    case pending
    /// The receiver answered 2xx.
    case succeeded
    /// Given up: every attempt failed, or the target was refused.
    case failed
}

/// One event sent (or being sent) to one webhook, with its attempts.
public struct WebhookDelivery: Hashable, Sendable {
    /// The delivery id.
    public typealias ID = Identifier<WebhookDelivery>
    /// Its id.
    public var id: ID
    /// Its workspace.
    public var workspaceID: Workspace.ID
    /// The webhook it goes to.
    public var webhookID: Webhook.ID
    /// The event's id (the same for every webhook the event goes to; sent as `Rapport-Event-Id`).
    public var eventID: String
    /// The event.
    public var event: WebhookEvent
    /// The JSON body sent.
    public var payload: String
    /// Where it is.
    public var status: WebhookDeliveryStatus
    /// Attempts made so far.
    public var attempts: Int
    /// The last response's status code.
    public var responseCode: Int?
    /// The start of the last response's body.
    public var responseExcerpt: String?
    /// Why the last attempt failed.
    public var error: String?
    /// When the next attempt is due (pending deliveries after a failure).
    public var nextAttemptAt: Date?
    /// When the receiver accepted it.
    public var deliveredAt: Date?
    /// Creation time.
    public var createdAt: Date
    /// Every attempt, first first.
    public var attemptLog: [WebhookAttempt]

    /// Makes a delivery.
    public init(
        id: ID, workspaceID: Workspace.ID, webhookID: Webhook.ID, eventID: String, event: WebhookEvent, payload: String,
        status: WebhookDeliveryStatus, attempts: Int, responseCode: Int?, responseExcerpt: String?, error: String?,
        nextAttemptAt: Date?, deliveredAt: Date?, createdAt: Date, attemptLog: [WebhookAttempt] = []
    ) {
        self.id = id
        self.workspaceID = workspaceID
        self.webhookID = webhookID
        self.eventID = eventID
        self.event = event
        self.payload = payload
        self.status = status
        self.attempts = attempts
        self.responseCode = responseCode
        self.responseExcerpt = responseExcerpt
        self.error = error
        self.nextAttemptAt = nextAttemptAt
        self.deliveredAt = deliveredAt
        self.createdAt = createdAt
        self.attemptLog = attemptLog
    }
}

/// One POST of a delivery and what came of it.
public struct WebhookAttempt: Hashable, Sendable {
    /// 1 for the first attempt.
    public var number: Int
    /// When it was made.
    public var at: Date
    /// The response's status code, if one came.
    public var responseCode: Int?
    /// Why it failed (network error, timeout, refused target, non-2xx).
    public var error: String?
    /// How long it took, in milliseconds.
    public var durationMilliseconds: Int
    /// When the next attempt is due, if this one failed and another follows.
    public var nextAttemptAt: Date?

    /// Makes an attempt record.
    public init(number: Int, at: Date, responseCode: Int?, error: String?, durationMilliseconds: Int, nextAttemptAt: Date?) {
        self.number = number
        self.at = at
        self.responseCode = responseCode
        self.error = error
        self.durationMilliseconds = durationMilliseconds
        self.nextAttemptAt = nextAttemptAt
    }
}
