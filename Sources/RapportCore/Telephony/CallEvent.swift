public import Foundation

/// One event of a phone call as a PBX or a cloud telephony service reports it. Several events (ringing,
/// answered, ended) arrive for one call, told apart by ``callID``.
public struct CallEvent: Sendable, Hashable {
    /// The provider's id of the call: events with the same id update one call.
    public var callID: String
    /// Inbound or outbound.
    public var direction: Direction
    /// The calling number as sent.
    public var from: String
    /// The called number as sent.
    public var to: String
    /// The employee's extension, when the PBX reports it.
    public var `extension`: String?
    /// When the call started ringing.
    public var startedAt: Date?
    /// When it was answered.
    public var answeredAt: Date?
    /// When it ended.
    public var endedAt: Date?
    /// Its length in seconds, when the provider counts it.
    public var durationSeconds: Int?
    /// A link to the recording.
    public var recordingURL: String?
    /// Where the call stands.
    public var status: CallStatus

    /// Makes an event.
    public init(
        callID: String, direction: Direction, from: String, to: String, extension: String? = nil, startedAt: Date? = nil,
        answeredAt: Date? = nil, endedAt: Date? = nil, durationSeconds: Int? = nil, recordingURL: String? = nil, status: CallStatus
    ) {
        self.callID = callID
        self.direction = direction
        self.from = from
        self.to = to
        self.extension = `extension`
        self.startedAt = startedAt
        self.answeredAt = answeredAt
        self.endedAt = endedAt
        self.durationSeconds = durationSeconds
        self.recordingURL = recordingURL
        self.status = status
    }

    /// The client's number: the caller of an inbound call, the called number of an outbound one.
    public var clientNumber: String { direction == .inbound ? from : to }

    /// Whether this is an inbound call nobody answered: it deserves a call-back task.
    public var isMissed: Bool { direction == .inbound && (status == .missed || status == .noAnswer) }
}

/// Where a call stands.
public enum CallStatus: String, Sendable, Codable, CaseIterable, Hashable {
    case ringing
    case answered
    case completed
    case missed
    case noAnswer = "no_answer"
    case busy
    case failed
    case voicemail

    /// How the call ended, for the activity; nil while it is still ringing.
    public var result: CallResult? {
        switch self {
        case .ringing: nil
        case .answered, .completed: .answered
        case .missed: .missed
        case .noAnswer: .noAnswer
        case .busy: .busy
        case .failed: .failed
        case .voicemail: .voicemail
        }
    }
}

/// The rules of telephony events: validation and what the call's activity says.
public enum TelephonyRules {
    /// The channel recorded on contacts created from an unknown caller.
    public static let source = "call"

    /// Checks an event: a call id, a client number that is a phone, sane times and duration, a recording
    /// link the call activity takes (``WebAddress/isAbsoluteHTTP(_:)``). Returns the client's number in E.164.
    public static func validate(_ event: CallEvent, region: PhoneRegion) throws(ValidationError) -> String {
        var issues = FieldIssues()
        issues.require(event.callID, "callId")
        issues.limit(event.callID, "callId", to: 200)
        issues.limit(event.extension, "extension", to: 50)
        let field = event.direction == .inbound ? "from" : "to"
        let e164 = PhoneNormalizer(defaultRegion: region).normalize(event.clientNumber).e164
        if event.clientNumber.trimmedOrNil == nil {
            issues.add(field, .required)
        } else if e164 == nil {
            issues.add(field, .invalidPhone)
        }
        // The call activity's own limit: an event it would refuse is refused here, naming the event's field.
        let longest = Activity.maximumDurationSeconds
        if let duration = event.durationSeconds, !(0...longest).contains(duration) {
            issues.add("duration", .outOfRange, ["min": "0", "max": String(longest)])
        }
        if let started = event.startedAt, let ended = event.endedAt, ended < started {
            issues.add("endedAt", .outOfRange)
        } else if event.durationSeconds == nil, let answered = event.answeredAt, let ended = event.endedAt,
            ended.timeIntervalSince(answered) > Double(longest)
        {
            issues.add("endedAt", .outOfRange)
        }
        if let url = event.recordingURL {
            if url.count > 2000 {
                issues.add("recordingUrl", .tooLong, ["max": "2000"])
            } else if !WebAddress.isAbsoluteHTTP(url) {
                issues.add("recordingUrl", .invalidURL)
            }
        }
        try issues.throwIfAny()
        return e164 ?? ""
    }

    /// The call activity's fields after an event: what the event says, keeping what earlier events said
    /// and this one does not (a ringing event carries no result, so it never clears one).
    public static func activityInput(_ event: CallEvent, contactID: Contact.ID, existing: Activity?, now: Date) -> ActivityInput {
        var input = ActivityInput()
        input.kind = .call
        input.contactID = .set(contactID)
        input.direction = .set(event.direction)
        let arrow = event.direction == .inbound ? "←" : "→"
        input.subject = .set("\(arrow) \(event.clientNumber.trimmed)")
        if existing == nil || event.startedAt != nil { input.occurredAt = event.startedAt ?? now }
        var duration = event.durationSeconds
        if duration == nil, let answered = event.answeredAt, let ended = event.endedAt {
            duration = max(0, Int(ended.timeIntervalSince(answered).rounded()))
        }
        if let duration { input.durationSeconds = .set(duration) }
        if let result = event.status.result { input.callResult = .set(result) }
        if let url = event.recordingURL { input.recordingURL = .set(url) }
        return input
    }
}
