public import Foundation

/// Something that happened with a client: a note, a call, an e-mail, a meeting, an SMS, or a system
/// event. Shown on the timeline of every record it is attached to.
public struct Activity: Hashable, Sendable {
    /// The longest call an activity records: a day.
    public static let maximumDurationSeconds = 86_400

    /// The activity id.
    public typealias ID = Identifier<Activity>
    /// Its id.
    public var id: ID
    /// Its workspace.
    public var workspaceID: Workspace.ID
    /// What kind.
    public var kind: ActivityKind
    /// Subject line (e-mail subject, meeting title).
    public var subject: String?
    /// Text (note body, call summary, e-mail text).
    public var body: String?
    /// When it happened.
    public var occurredAt: Date
    /// The contact it concerns.
    public var contactID: Contact.ID?
    /// The company it concerns.
    public var companyID: Company.ID?
    /// The deal it concerns.
    public var dealID: Deal.ID?
    /// Inbound or outbound (calls, e-mails, SMS).
    public var direction: Direction?
    /// Duration in seconds (calls, meetings).
    public var durationSeconds: Int?
    /// How a call ended.
    public var callResult: CallResult?
    /// Link to a call recording.
    public var recordingURL: String?
    /// Who wrote or logged it (nil for system events).
    public var authorID: User.ID?
    /// Creation time.
    public var createdAt: Date
    /// Last change time.
    public var updatedAt: Date
    /// Optimistic-locking version.
    public var version: Int64
    /// When it was moved to the trash.
    public var deletedAt: Date?

    /// A blank activity of a kind.
    public init(id: ID, workspaceID: Workspace.ID, kind: ActivityKind, now: Date, authorID: User.ID?) {
        self.id = id
        self.workspaceID = workspaceID
        self.kind = kind
        self.occurredAt = now
        self.authorID = authorID
        self.createdAt = now
        self.updatedAt = now
        self.version = 1
    }

    /// The records this activity is attached to.
    public var attachedTo: [RecordRef] {
        var refs: [RecordRef] = []
        if let contactID { refs.append(RecordRef(kind: .contact, id: contactID.rawValue)) }
        if let companyID { refs.append(RecordRef(kind: .company, id: companyID.rawValue)) }
        if let dealID { refs.append(RecordRef(kind: .deal, id: dealID.rawValue)) }
        return refs
    }
}

/// Kinds of activities.
public enum ActivityKind: String, Sendable, Codable, CaseIterable, Hashable {
    case note
    case call
    case email
    case meeting
    case sms
    case system
}

/// Inbound or outbound.
public enum Direction: String, Sendable, Codable, CaseIterable, Hashable {
    case inbound
    case outbound
}

/// How a call ended.
public enum CallResult: String, Sendable, Codable, CaseIterable, Hashable {
    case answered
    case missed
    case busy
    case noAnswer = "no_answer"
    case voicemail
    case failed
}

/// The fields a client may set on an activity.
public struct ActivityInput: Sendable, Hashable {
    public var kind: ActivityKind?
    public var subject: Edit<String>?
    public var body: Edit<String>?
    public var occurredAt: Date?
    public var contactID: Edit<Contact.ID>?
    public var companyID: Edit<Company.ID>?
    public var dealID: Edit<Deal.ID>?
    public var direction: Edit<Direction>?
    public var durationSeconds: Edit<Int>?
    public var callResult: Edit<CallResult>?
    public var recordingURL: Edit<String>?
    /// An empty input.
    public init() {}
}

extension Activity {
    /// Applies input and checks the result. System events can only be written by Rapport itself.
    public func applying(_ input: ActivityInput, context: RecordContext, bySystem: Bool = false) throws(ValidationError)
        -> Activity
    {
        var next = self
        var issues = FieldIssues()
        if let kind = input.kind { next.kind = kind }
        if next.kind == .system, !bySystem { issues.add("kind", .invalidOption) }
        next.subject.apply(input.subject.map(trimmed))
        next.body.apply(input.body.map(trimmed))
        if let occurredAt = input.occurredAt { next.occurredAt = occurredAt }
        next.contactID.apply(input.contactID)
        next.companyID.apply(input.companyID)
        next.dealID.apply(input.dealID)
        next.direction.apply(input.direction)
        next.durationSeconds.apply(input.durationSeconds)
        next.callResult.apply(input.callResult)
        next.recordingURL.apply(input.recordingURL.map(trimmed))

        if next.contactID == nil, next.companyID == nil, next.dealID == nil { issues.add("contactId", .required) }
        if next.kind == .note, next.body == nil { issues.add("body", .required) }
        issues.limit(next.subject, "subject", to: 500)
        issues.limit(next.body, "body", to: 100_000)
        if let seconds = next.durationSeconds, !(0...Activity.maximumDurationSeconds).contains(seconds) {
            issues.add("durationSeconds", .outOfRange, ["min": "0", "max": String(Activity.maximumDurationSeconds)])
        }
        if let url = next.recordingURL, !WebAddress.isAbsoluteHTTP(url) || url.count > 2000 {
            issues.add("recordingUrl", .invalidURL)
        }
        try issues.throwIfAny()
        return next
    }

    /// The fields the audit log compares.
    public var auditSnapshot: [String: JSONValue] {
        [
            "kind": .string(kind.rawValue), "subject": JSONValue(subject), "body": JSONValue(body),
            "contactId": JSONValue(contactID?.rawValue), "companyId": JSONValue(companyID?.rawValue),
            "dealId": JSONValue(dealID?.rawValue), "direction": JSONValue(direction?.rawValue),
            "durationSeconds": JSONValue(durationSeconds.map(Int64.init)), "callResult": JSONValue(callResult?.rawValue),
            "recordingUrl": JSONValue(recordingURL),
        ]
    }
}
