public import Foundation

/// The rules of webhooks: what a subscription must hold, which events a change raises, how a body is
/// signed, and what happens after each delivery attempt.
public enum WebhookRules {
    /// The longest URL accepted.
    public static let maximumURLLength = 2000
    /// Attempts per delivery before it fails for good (with the job queue's backoff between them: 30 s,
    /// 1, 2, 4, 8, 16 and 32 minutes, about an hour in all).
    public static let maximumAttempts = 8
    /// How long one attempt may take.
    public static let timeoutSeconds = 10
    /// How much of a response body the delivery log keeps.
    public static let excerptLength = 500

    /// A checked subscription request.
    public struct Subscription: Hashable, Sendable {
        /// The receiver URL, trimmed.
        public var url: String
        /// The host to resolve and connect to (without brackets for IPv6).
        public var host: String
        /// The events, in the enum's order, without repeats.
        public var events: [WebhookEvent]
    }

    /// Checks a subscription: an absolute `https://` or `http://` URL with a host and no credentials, and
    /// at least one subscribable event. Names every bad field at once.
    /// - Throws: ``ValidationError`` naming `url` and/or `events`.
    public static func validate(url: String?, events: [String]?) throws(ValidationError) -> Subscription {
        var issues = FieldIssues()
        let trimmed = url.trimmedOrNil
        var host: String?
        if let trimmed {
            if trimmed.count > maximumURLLength {
                issues.add("url", .tooLong, ["max": String(maximumURLLength)])
            } else if let parsed = target(of: trimmed) {
                host = parsed
            } else {
                issues.add("url", .invalidURL)
            }
        } else {
            issues.require(url, "url")
        }
        var chosen: Set<WebhookEvent> = []
        if let events, !events.isEmpty {
            for (index, name) in events.enumerated() {
                if let event = WebhookEvent(rawValue: name), event != .ping {
                    chosen.insert(event)
                } else {
                    issues.add(
                        "events[\(index)]", .invalidOption, ["options": WebhookEvent.subscribable.map(\.rawValue).joined(separator: ", ")])
                }
            }
        } else {
            issues.add("events", .required)
        }
        try issues.throwIfAny()
        return Subscription(url: trimmed ?? "", host: host ?? "", events: WebhookEvent.subscribable.filter(chosen.contains))
    }

    /// The host of an acceptable receiver URL: absolute, `http` or `https`, with a host, without user
    /// information or a fragment. Nil when the URL is not acceptable.
    public static func target(of url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "https" || scheme == "http", components.user == nil, components.password == nil, components.fragment == nil,
            let host = components.host, !host.isEmpty, !url.contains(where: \.isWhitespace)
        else { return nil }
        if let port = components.port, !(1...65535).contains(port) { return nil }
        var bare = host
        if bare.hasPrefix("["), bare.hasSuffix("]") { bare = String(bare.dropFirst().dropLast()) }
        return bare.lowercased()
    }

    /// Whether a resolved target may be reached: every address is public, or private targets are allowed.
    /// A host that resolves to nothing is refused (there is nothing to check).
    public static func allows(_ addresses: [IPAddress], allowPrivate: Bool) -> Bool {
        guard !addresses.isEmpty else { return false }
        return allowPrivate || addresses.allSatisfy(\.isPublic)
    }

    /// The events an audited change raises: creation, update and trash of contacts, companies and deals; a
    /// deal's stage move (which is also an update); task creation and completion. Restoring from the
    /// trash counts as an update.
    public static func events(for kind: RecordKind, action: AuditAction, changes: [FieldChange]) -> [WebhookEvent] {
        switch (kind, action) {
        case (.contact, .create): return [.contactCreated]
        case (.contact, .update), (.contact, .restore): return [.contactUpdated]
        case (.contact, .delete): return [.contactDeleted]
        case (.company, .create): return [.companyCreated]
        case (.company, .update), (.company, .restore): return [.companyUpdated]
        case (.company, .delete): return [.companyDeleted]
        case (.deal, .create): return [.dealCreated]
        case (.deal, .update), (.deal, .restore): return [.dealUpdated]
        case (.deal, .move): return [.dealUpdated, .dealStageChanged]
        case (.deal, .delete): return [.dealDeleted]
        case (.task, .create): return [.taskCreated]
        case (.task, .update):
            let completed = changes.contains { $0.field == "done" && $0.before != .bool(true) && $0.after == .bool(true) }
            return completed ? [.taskCompleted] : []
        default: return []
        }
    }

    /// The `data` of a record event: the record's kind and id and its changed fields (`{field: {before,
    /// after}}`; every set field for a creation, none for a deletion).
    public static func recordData(kind: RecordKind, id: String, changes: [FieldChange]) -> JSONValue {
        var fields: [String: JSONValue] = [:]
        for change in changes { fields[change.field] = .object(["before": change.before, "after": change.after]) }
        return .object(["kind": .string(kind.rawValue), "id": .string(id), "changes": .object(fields)])
    }

    /// The JSON body POSTed to the receiver.
    public static func payload(eventID: String, event: WebhookEvent, occurredAt: Date, workspace: Workspace.ID, data: JSONValue)
        -> JSONValue
    {
        .object([
            "id": .string(eventID), "event": .string(event.rawValue), "occurredAt": .string(occurredAt.formatted(.iso8601)),
            "workspaceId": .string(workspace.rawValue), "data": data,
        ])
    }

    /// What follows an attempt: success on any 2xx; otherwise a retry after the job queue's backoff while
    /// attempts remain, or failure for good.
    /// - Parameters:
    ///   - responseCode: the status code, nil when no response came (network error, timeout).
    ///   - attempt: this attempt's number in its job (1-based).
    ///   - maximumAttempts: the job's attempts.
    public static func outcome(responseCode: Int?, attempt: Int, maximumAttempts: Int, now: Date) -> AttemptOutcome {
        if let code = responseCode, (200..<300).contains(code) { return .succeeded }
        if attempt >= maximumAttempts { return .failed }
        return .retry(at: now.addingTimeInterval(JobRules.backoff(afterAttempt: attempt)))
    }

    /// The outcome of one attempt.
    public enum AttemptOutcome: Hashable, Sendable {
        /// Delivered.
        case succeeded
        /// Tried again at that time.
        case retry(at: Date)
        /// Given up.
        case failed

        /// The delivery's status after it.
        public var status: WebhookDeliveryStatus {
            switch self {
            case .succeeded: .succeeded
            case .retry: .pending
            case .failed: .failed
            }
        }
    }
}

/// The signature header: `Rapport-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` keyed
/// with the webhook's secret. The timestamp is signed too, so a receiver that refuses old timestamps is
/// safe from replays. The HMAC itself is computed by the store (Core has no cryptography); this is the
/// format, its parsing and the comparison.
public enum WebhookSignature {
    /// The signature header's name.
    public static let header = "Rapport-Signature"
    /// The header carrying the event id (the same on every retry, for de-duplication).
    public static let eventHeader = "Rapport-Event-Id"
    /// The header carrying the event name.
    public static let eventNameHeader = "Rapport-Event"
    /// How far a receiver should accept a timestamp from its own clock.
    public static let tolerance: TimeInterval = 300

    /// The bytes that are signed: the decimal timestamp, a dot, the body.
    public static func signedContent(timestamp: Int64, body: [UInt8]) -> [UInt8] { Array("\(timestamp).".utf8) + body }

    /// The header value.
    public static func value(timestamp: Int64, signature: [UInt8]) -> String { "t=\(timestamp),v1=\(hex(signature))" }

    /// Lower-case hex.
    public static func hex(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes { out += [Hex.digit(byte >> 4), Hex.digit(byte & 0x0F)] }
        return String(decoding: out, as: UTF8.self)
    }

    /// A parsed header: the timestamp and every `v1` signature (a receiver accepts any; there are several
    /// while a secret is being rotated).
    public struct Parsed: Hashable, Sendable {
        /// `t`.
        public var timestamp: Int64
        /// The `v1` values, lower-cased.
        public var signatures: [String]

        /// Makes a parsed header.
        public init(timestamp: Int64, signatures: [String]) {
            self.timestamp = timestamp
            self.signatures = signatures
        }
    }

    /// Parses a header value; nil when it has no timestamp or no `v1`.
    public static func parse(_ value: String) -> Parsed? {
        var timestamp: Int64?
        var signatures: [String] = []
        for part in value.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            switch pair[0] {
            case "t": timestamp = Int64(pair[1])
            case "v1": signatures.append(pair[1].lowercased())
            default: continue
            }
        }
        guard let timestamp, !signatures.isEmpty else { return nil }
        return Parsed(timestamp: timestamp, signatures: signatures)
    }

    /// Checks a header: well formed, the timestamp within `tolerance` of `now`, and a `v1` equal (in
    /// constant time) to `expected`, the hex HMAC the receiver computed over ``signedContent(timestamp:body:)``.
    public static func verify(
        _ value: String, now: Date, tolerance: TimeInterval = WebhookSignature.tolerance, expected: (_ timestamp: Int64) -> String
    ) -> Bool {
        guard let parsed = parse(value), abs(now.timeIntervalSince1970 - Double(parsed.timestamp)) <= tolerance else { return false }
        let wanted = Array(expected(parsed.timestamp).lowercased().utf8)
        return parsed.signatures.contains { candidate in
            let given = Array(candidate.utf8)
            guard given.count == wanted.count else { return false }
            return zip(given, wanted).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
        }
    }
}

extension AccessPolicy {
    /// Whether the actor may see and change webhooks: they are a workspace setting (their URLs and delivery
    /// logs can carry secrets), so the settings right.
    public static func mayManageWebhooks(_ actor: Actor) -> Bool { allows(actor, .manageSettings) }

    /// Whether the actor may let a webhook reach loopback and private addresses: only owners and admins,
    /// who are trusted with the server's own network.
    public static func mayAllowPrivateWebhookTargets(_ actor: Actor) -> Bool { actor.role == .owner || actor.role == .admin }
}
