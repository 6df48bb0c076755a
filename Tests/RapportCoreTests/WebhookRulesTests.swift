import Foundation
import RapportCore
import Testing

@Suite struct WebhookRulesTests {
    // MARK: - Addresses

    @Test(
        "Every private, loopback and special range is told from public addresses",
        arguments: [
            ("127.0.0.1", IPAddressRange.loopback), ("127.255.255.254", .loopback), ("0.0.0.0", .unspecified), ("0.1.2.3", .unspecified),
            ("10.0.0.1", .privateNetwork), ("10.255.255.255", .privateNetwork), ("172.16.0.1", .privateNetwork),
            ("172.31.255.255", .privateNetwork), ("172.15.0.1", .public), ("172.32.0.1", .public), ("192.168.1.1", .privateNetwork),
            ("192.169.1.1", .public), ("100.64.0.1", .sharedAddressSpace), ("100.127.255.255", .sharedAddressSpace),
            ("100.63.255.255", .public), ("100.128.0.0", .public), ("169.254.169.254", .linkLocal), ("169.253.0.1", .public),
            ("224.0.0.1", .multicast), ("239.255.255.255", .multicast), ("240.0.0.1", .reserved), ("255.255.255.255", .reserved),
            ("8.8.8.8", .public), ("203.0.113.7", .public), ("::1", .loopback), ("::", .unspecified), ("[::1]", .loopback),
            ("fc00::1", .uniqueLocal), ("fdff:ffff::1", .uniqueLocal), ("fe80::1", .linkLocal), ("fe80::1%eth0", .linkLocal),
            ("febf::1", .linkLocal), ("fec0::1", .privateNetwork), ("ff02::1", .multicast), ("2001:db8::1", .public),
            ("2a00:1450:4010:c05::66", .public), ("::ffff:127.0.0.1", .loopback), ("::ffff:10.1.1.1", .privateNetwork),
            ("::ffff:8.8.8.8", .public), ("::ffff:7f00:1", .loopback), ("::127.0.0.1", .loopback),
            ("64:ff9b::192.168.0.1", .privateNetwork),
            ("64:ff9b::8.8.8.8", .public), ("0:0:0:0:0:0:0:1", .loopback), ("fb00::1", .public),
        ])
    func addressRanges(_ text: String, _ expected: IPAddressRange) throws {
        let address = try #require(IPAddress(text))
        #expect(address.range == expected)
        #expect(address.isPublic == (expected == .public))
    }

    @Test(
        "Only well-formed literals parse",
        arguments: [
            "localhost", "example.com", "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.-4", "１.2.3.4", ":::", "1::2::3",
            "12345::1", "g::1", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "::ffff:1.2.3", "fe80::1%", "2130706433", "0x7f.0.0.1",
        ])
    func malformedLiterals(_ text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func addressesPrintAndCompareByValue() throws {
        #expect(IPAddress("192.168.0.1")?.description == "192.168.0.1")
        #expect(IPAddress("::1")?.description == "0:0:0:0:0:0:0:1")
        #expect(IPAddress("::1") == IPAddress("0:0:0:0:0:0:0:1"))
        #expect(IPAddress("::ffff:7f00:1") == IPAddress("::ffff:127.0.0.1"))
        #expect(try #require(IPAddress("1:2:3:4:5:6:7:8")).bytes == [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8])
        #expect(IPAddress("1.2.3.4")?.isIPv4 == true)
        #expect(IPAddress("::1.2.3.4")?.isIPv4 == false)
    }

    @Test func aTargetIsAllowedOnlyWhenEveryAddressIsPublicOrPrivateOnesAreAllowed() throws {
        let publicOne = try #require(IPAddress("8.8.8.8"))
        let loopback = try #require(IPAddress("127.0.0.1"))
        #expect(WebhookRules.allows([publicOne], allowPrivate: false))
        #expect(!WebhookRules.allows([publicOne, loopback], allowPrivate: false), "one private address is enough to refuse")
        #expect(WebhookRules.allows([publicOne, loopback], allowPrivate: true))
        #expect(!WebhookRules.allows([], allowPrivate: true), "nothing resolved, nothing to reach")
    }

    // MARK: - Subscriptions

    @Test func aValidSubscriptionIsTrimmedAndItsEventsOrdered() throws {
        let subscription = try WebhookRules.validate(
            url: "  https://Hooks.Example.com:8443/rapport?x=1 ", events: ["deal.stage_changed", "contact.created", "contact.created"])
        #expect(subscription.url == "https://Hooks.Example.com:8443/rapport?x=1")
        #expect(subscription.host == "hooks.example.com")
        #expect(subscription.events == [.contactCreated, .dealStageChanged])
        #expect(try WebhookRules.validate(url: "http://[::1]:8080/x", events: ["task.created"]).host == "::1")
    }

    @Test(
        "Bad URLs are refused on the url field",
        arguments: [
            "example.com/hook", "ftp://example.com/x", "javascript:alert(1)", "https://", "https://user:pw@example.com/",
            "https://example.com/a#frag", "https://exa mple.com/", "file:///etc/passwd", "https://example.com:0/", "//example.com/x",
        ])
    func badURLs(_ url: String) {
        #expect(throws: ValidationError("url", .invalidURL)) { try WebhookRules.validate(url: url, events: ["contact.created"]) }
    }

    @Test func missingOrUnknownFieldsAreAllNamed() {
        #expect(throws: ValidationError(issues: [FieldIssue("url", .required), FieldIssue("events", .required)])) {
            try WebhookRules.validate(url: "  ", events: [])
        }
        #expect(throws: ValidationError(issues: [FieldIssue("events", .required)])) {
            try WebhookRules.validate(url: "https://example.com", events: nil)
        }
        let options = WebhookEvent.subscribable.map(\.rawValue).joined(separator: ", ")
        #expect(
            throws: ValidationError(issues: [
                FieldIssue("events[0]", .invalidOption, ["options": options]),
                FieldIssue("events[2]", .invalidOption, ["options": options]),
            ])
        ) {
            try WebhookRules.validate(url: "https://example.com", events: ["ping", "deal.created", "deal.eaten"])
        }
        let long = "https://example.com/" + String(repeating: "a", count: WebhookRules.maximumURLLength)
        #expect(throws: ValidationError("url", .tooLong, ["max": "2000"])) {
            try WebhookRules.validate(url: long, events: ["deal.created"])
        }
    }

    @Test func everyEventButPingIsSubscribableUnderItsStableName() {
        #expect(
            WebhookEvent.subscribable.map(\.rawValue) == [
                "contact.created", "contact.updated", "contact.deleted", "company.created", "company.updated", "company.deleted",
                "deal.created", "deal.updated", "deal.deleted", "deal.stage_changed", "task.created", "task.completed", "form.submitted",
                "import.finished",
            ])
        #expect(WebhookEvent.allCases.count == WebhookEvent.subscribable.count + 1)
    }

    // MARK: - Events from changes

    @Test("Every kind × action raises the expected events", arguments: RecordKind.allCases, AuditAction.allCases)
    func eventsOfChanges(_ kind: RecordKind, _ action: AuditAction) {
        let expected: [WebhookEvent] =
            switch (kind, action) {
            case (.contact, .create): [.contactCreated]
            case (.contact, .update), (.contact, .restore): [.contactUpdated]
            case (.contact, .delete): [.contactDeleted]
            case (.company, .create): [.companyCreated]
            case (.company, .update), (.company, .restore): [.companyUpdated]
            case (.company, .delete): [.companyDeleted]
            case (.deal, .create): [.dealCreated]
            case (.deal, .update), (.deal, .restore): [.dealUpdated]
            case (.deal, .move): [.dealUpdated, .dealStageChanged]
            case (.deal, .delete): [.dealDeleted]
            case (.task, .create): [.taskCreated]
            default: []
            }
        #expect(WebhookRules.events(for: kind, action: action, changes: []) == expected)
    }

    @Test func aTaskIsCompletedOnlyWhenDoneTurnsTrue() {
        let done = FieldChange(field: "done", before: false, after: true)
        #expect(WebhookRules.events(for: .task, action: .update, changes: [done]) == [.taskCompleted])
        #expect(WebhookRules.events(for: .task, action: .update, changes: [FieldChange(field: "done", before: true, after: false)]).isEmpty)
        #expect(WebhookRules.events(for: .task, action: .update, changes: [FieldChange(field: "title", before: "a", after: "b")]).isEmpty)
        #expect(WebhookRules.events(for: .contact, action: .update, changes: [done]) == [.contactUpdated])
    }

    @Test func payloadsCarryTheEventAndTheChangedFields() {
        let data = WebhookRules.recordData(
            kind: .contact, id: "c1", changes: [FieldChange(field: "position", before: nil, after: "Директор")])
        #expect(data == ["kind": "contact", "id": "c1", "changes": ["position": ["before": nil, "after": "Директор"]]])
        let payload = WebhookRules.payload(
            eventID: "e1", event: .contactUpdated, occurredAt: Date(timeIntervalSince1970: 1_790_000_000), workspace: Workspace.ID("w1"),
            data: data)
        #expect(
            payload == [
                "id": "e1", "event": "contact.updated", "occurredAt": "2026-09-21T14:13:20Z", "workspaceId": "w1", "data": data,
            ])
    }

    // MARK: - Signature

    @Test func theSignatureHeaderSignsTheTimestampAndTheBody() throws {
        #expect(WebhookSignature.signedContent(timestamp: 1_790_000_000, body: Array("{}".utf8)) == Array("1790000000.{}".utf8))
        #expect(WebhookSignature.value(timestamp: 12, signature: [0x00, 0xab, 0xff]) == "t=12,v1=00abff")
        #expect(WebhookSignature.hex([]) == "")
        let parsed = try #require(WebhookSignature.parse("t=12, v1=00ABFF,v0=zz,v1=11"))
        #expect(parsed == WebhookSignature.Parsed(timestamp: 12, signatures: ["00abff", "11"]))
        for broken in ["", "v1=00", "t=12", "t=x,v1=00", "t12,v1=00"] { #expect(WebhookSignature.parse(broken) == nil, "\(broken)") }
    }

    @Test func verificationNeedsAFreshTimestampAndAMatchingSignature() {
        let now = Date(timeIntervalSince1970: 1_000_000)
        let expected: (Int64) -> String = { "sig\($0)" }
        #expect(WebhookSignature.verify("t=1000000,v1=sig1000000", now: now, expected: expected))
        #expect(WebhookSignature.verify("t=999700,v1=sig999700", now: now, expected: expected), "five minutes old is still fine")
        #expect(!WebhookSignature.verify("t=999699,v1=sig999699", now: now, expected: expected), "older is a replay")
        #expect(!WebhookSignature.verify("t=1000301,v1=sig1000301", now: now, expected: expected), "from the future")
        #expect(!WebhookSignature.verify("t=1000000,v1=sig1000001", now: now, expected: expected))
        #expect(!WebhookSignature.verify("t=1000000,v1=sig100000", now: now, expected: expected), "a prefix is not a match")
        #expect(WebhookSignature.verify("t=1000000,v1=old,v1=SIG1000000", now: now, expected: expected), "any v1 may match")
        #expect(!WebhookSignature.verify("garbage", now: now, expected: expected))
    }

    // MARK: - Attempts

    @Test func anAttemptSucceedsOn2xxAndIsRetriedWithTheQueueBackoffUntilTheLast() {
        let now = Date(timeIntervalSince1970: 1_000_000)
        for code in [200, 201, 204, 299] {
            #expect(WebhookRules.outcome(responseCode: code, attempt: 1, maximumAttempts: 8, now: now) == .succeeded)
        }
        for code in [nil, 100, 199, 300, 301, 404, 410, 500, 503] as [Int?] {
            #expect(
                WebhookRules.outcome(responseCode: code, attempt: 1, maximumAttempts: 8, now: now) == .retry(at: now.addingTimeInterval(30))
            )
        }
        let waits = (1...7).map { attempt -> TimeInterval in
            guard case .retry(let at) = WebhookRules.outcome(responseCode: 500, attempt: attempt, maximumAttempts: 8, now: now) else {
                return -1
            }
            return at.timeIntervalSince(now)
        }
        #expect(waits == [30, 60, 120, 240, 480, 960, 1920], "exponential")
        #expect(WebhookRules.outcome(responseCode: 500, attempt: 8, maximumAttempts: 8, now: now) == .failed)
        #expect(WebhookRules.outcome(responseCode: 200, attempt: 8, maximumAttempts: 8, now: now) == .succeeded)
        #expect(WebhookRules.AttemptOutcome.succeeded.status == .succeeded)
        #expect(WebhookRules.AttemptOutcome.retry(at: now).status == .pending)
        #expect(WebhookRules.AttemptOutcome.failed.status == .failed)
    }

    // MARK: - Access

    @Test("Webhooks are a setting; private targets need an owner or admin", arguments: Role.allCases)
    func access(_ role: Role) {
        let actor = Actor(userID: User.ID("u"), workspaceID: Workspace.ID("w"), teamID: nil, role: role)
        #expect(AccessPolicy.mayManageWebhooks(actor) == (role == .owner || role == .admin))
        #expect(AccessPolicy.mayAllowPrivateWebhookTargets(actor) == (role == .owner || role == .admin))
    }
}
