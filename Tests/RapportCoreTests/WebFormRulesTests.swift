import Foundation
import RapportCore
import Testing

@Suite("Web form rules")
struct WebFormRulesTests {
    static let ann = User.ID("user-ann")
    static let bob = User.ID("user-bob")
    static let cat = User.ID("user-cat")

    static func blank() -> WebForm {
        WebForm(
            id: WebForm.ID("form-1"), workspaceID: CoreFixture.workspace, publicKey: "key", now: CoreFixture.now,
            createdBy: CoreFixture.author)
    }

    static func input(_ fields: [FormField]) -> WebFormInput {
        var input = WebFormInput()
        input.name = "  Заявка  "
        input.fields = fields
        return input
    }

    static func issues(_ input: WebFormInput, custom: [CustomFieldDefinition] = [], users: Set<User.ID> = [ann, bob]) -> [FieldIssue]? {
        CoreFixture.issues { () throws(ValidationError) in
            try WebFormRules.applying(input, to: blank(), customFields: custom, users: users, now: CoreFixture.now)
        }
    }

    static let email = FormField(target: "contact.email", labelRU: "Почта", required: true)
    static let phone = FormField(target: "contact.phone", labelEN: "Phone")

    static func form(_ fields: [FormField], consent: String? = nil) -> WebForm {
        var form = blank()
        form.name = "Заявка"
        form.fields = fields
        form.consentText = consent
        return form
    }

    static func read(_ values: [String: String], _ form: WebForm) -> [FieldIssue]? {
        CoreFixture.issues { () throws(ValidationError) in
            try WebFormRules.read(values, form: form, region: .ru, currency: .rub, source: LeadSource(source: "web-form"))
        }
    }

    @Test("A definition is trimmed and valid with a name and an e-mail or phone field")
    func validDefinition() throws {
        let form = try WebFormRules.applying(
            Self.input([Self.email, Self.phone]), to: Self.blank(), customFields: [], users: [], now: CoreFixture.now)
        #expect(form.name == "Заявка")
        #expect(form.fields.map(\.target) == ["contact.email", "contact.phone"])
        #expect(form.fields[0].type == .email)
        #expect(form.fields[1].type == .tel)
    }

    @Test("Merging an input trims it, drops repeated owners and checks nothing, so a page can show it back")
    func merging() {
        var input = Self.input([FormField(target: " contact.email ", labelRU: "  Почта ", labelEN: " ", type: .email)])
        input.name = "   "
        input.redirectURL = .set("  not a url ")
        input.thankYouText = .set("   ")
        input.ownerIDs = [Self.bob, Self.ann, Self.bob]
        input.isActive = false
        var base = Self.blank()
        base.thankYouText = "Спасибо"
        base.ownerIDs = [Self.ann, Self.bob, Self.cat]
        base.cursor = 2
        let merged = WebFormRules.merging(input, into: base)
        #expect(merged.name == "")
        #expect(merged.fields == [FormField(target: "contact.email", labelRU: "Почта", type: .email)])
        #expect(merged.redirectURL == "not a url")
        #expect(merged.thankYouText == nil, "a blank text clears it")
        #expect(merged.ownerIDs == [Self.bob, Self.ann])
        #expect(merged.cursor == 0, "the cursor fell off the shorter list")
        #expect(!merged.isActive)
        #expect(WebFormRules.merging(WebFormInput(), into: base) == base, "an empty input changes nothing")
    }

    @Test("A definition names every bad part")
    func badDefinition() {
        var input = Self.input([
            FormField(target: "contact.email", labelRU: "Почта"), FormField(target: "contact.email", labelRU: "Ещё"),
            FormField(target: "contact.shoeSize", labelRU: "Размер"), FormField(target: "contact.city"),
            FormField(target: "deal.amount", labelRU: "Бюджет"),
        ])
        input.name = " "
        input.redirectURL = .set("javascript:alert(1)")
        input.ownerIDs = [Self.cat]
        #expect(
            Self.issues(input) == [
                FieldIssue("name", .required), FieldIssue("redirectUrl", .invalidURL), FieldIssue("fields[1].target", .duplicate),
                FieldIssue("fields[2].target", .unknownField), FieldIssue("fields[3].label", .required),
                FieldIssue("fields[4].target", .invalidOption), FieldIssue("ownerIds[0]", .unknownReference),
            ])
    }

    @Test(
        "A redirect must be an absolute http(s) address with a dotted host",
        arguments: [
            ("https://example.ru/thanks", true), ("HTTP://EXAMPLE.RU", true), ("http://intranet/thanks", false),
            ("https://localhost/x", false), ("example.ru/thanks", false), ("ftp://example.ru", false),
        ])
    func redirect(_ url: String, _ valid: Bool) {
        var input = Self.input([Self.email])
        input.redirectURL = .set(url)
        #expect(Self.issues(input) == (valid ? nil : [FieldIssue("redirectUrl", .invalidURL)]))
    }

    @Test("Without an e-mail or phone field, or with no fields, a form is refused")
    func needsContactChannel() {
        #expect(
            Self.issues(Self.input([FormField(target: "contact.fullName", labelRU: "ФИО")]))
                == [FieldIssue("fields", .required, ["field": "contact.email, contact.phone"])])
        #expect(Self.issues(Self.input([])) == [FieldIssue("fields", .required)])
    }

    @Test("A deal needs a pipeline; custom targets must be the workspace's fields")
    func dealAndCustomTargets() {
        var input = Self.input([
            Self.email, FormField(target: "deal.amount", labelRU: "Бюджет"), FormField(target: "contact.custom.budget", labelRU: "Б"),
            FormField(target: "deal.custom.size", labelRU: "Р"),
        ])
        input.createsDeal = true
        let custom = [CoreFixture.field("budget", .number), CoreFixture.field("size", .text, entity: .contact)]
        #expect(
            Self.issues(input, custom: custom) == [FieldIssue("fields[3].target", .unknownField), FieldIssue("pipelineId", .required)])
        input.pipelineID = .set(Pipeline.ID("p-1"))
        #expect(Self.issues(input, custom: [CoreFixture.field("budget", .number), CoreFixture.field("size", .text, entity: .deal)]) == nil)
    }

    @Test("A custom field the workspace requires must be a required field of the form")
    func requiredCustomFields() {
        let custom = [
            CoreFixture.field("budget", .number, required: true), CoreFixture.field("size", .text, required: true, entity: .deal),
            CoreFixture.field("note", .text, entity: .company),
        ]
        var input = Self.input([Self.email, FormField(target: "contact.custom.budget", labelRU: "Бюджет")])
        #expect(Self.issues(input, custom: custom) == [FieldIssue("fields", .required, ["field": "contact.custom.budget"])])
        input.fields = [Self.email, FormField(target: "contact.custom.budget", labelRU: "Бюджет", required: true)]
        #expect(Self.issues(input, custom: custom) == nil)
        input.createsDeal = true
        input.pipelineID = .set(Pipeline.ID("p-1"))
        #expect(Self.issues(input, custom: custom) == [FieldIssue("fields", .required, ["field": "deal.custom.size"])])
    }

    @Test("A submission fills the lead and normalizes e-mail and phone")
    func readsLead() throws {
        let form = Self.form([
            FormField(target: "contact.fullName", labelRU: "ФИО", required: true), Self.email, Self.phone,
            FormField(target: "company.name", labelRU: "Компания"), FormField(target: "deal.amount", labelRU: "Бюджет"),
            FormField(target: "contact.custom.budget", labelRU: "Бюджет"), FormField(target: "contact.comment", labelRU: "Комментарий"),
        ])
        let lead = try WebFormRules.read(
            [
                "contact.fullName": " Иванов Иван ", "contact.email": "IVAN@Example.ru", "contact.phone": "8 (912) 555-66-77",
                "company.name": "Ромашка", "deal.amount": "15 000", "contact.custom.budget": "100", "contact.comment": "Позвоните",
            ], form: form, region: .ru, currency: .rub, source: LeadSource(source: "web-form", utmSource: "yandex"))
        #expect(lead.contact.fullName == "Иванов Иван")
        #expect(lead.emails == ["ivan@example.ru"])
        #expect(lead.phones == ["+79125556677"])
        #expect(lead.companyName == "Ромашка")
        #expect(lead.dealAmount == "15 000")
        #expect(lead.comment == "Позвоните")
        #expect(lead.contact.customFields == ["budget": .string("100")])
        #expect(lead.contact.source?.utmSource == "yandex")
    }

    @Test("A submission names the missing and malformed fields")
    func refusesSubmission() {
        let form = Self.form(
            [
                FormField(target: "contact.fullName", labelRU: "ФИО", required: true), FormField(target: "contact.email", labelRU: "Почта"),
                Self.phone, FormField(target: "deal.amount", labelRU: "Б"),
            ],
            consent: "Согласен на обработку данных")
        #expect(
            Self.read(["contact.email": "не почта", "contact.phone": "12", "deal.amount": "много"], form) == [
                FieldIssue("contact.fullName", .required), FieldIssue("contact.email", .invalidEmail),
                FieldIssue("contact.phone", .invalidPhone), FieldIssue("deal.amount", .invalidAmount), FieldIssue("consent", .required),
            ])
        // Neither an e-mail nor a phone: the first of them is named.
        #expect(Self.read(["contact.fullName": "Иван", "consent": "on"], form) == [FieldIssue("contact.email", .required)])
        #expect(Self.read(["contact.fullName": "Иван", "contact.phone": "+7 912 555 66 77", "consent": "on"], form) == nil)
    }

    @Test("The honeypot marks a bot; a blank honeypot does not")
    func honeypot() {
        #expect(WebFormRules.isSpam(["website": "http://spam.example"]))
        #expect(!WebFormRules.isSpam(["website": "  "]))
        #expect(!WebFormRules.isSpam([:]))
    }

    @Test("The round robin takes owners in turn, skips the inactive, and wraps")
    func roundRobin() {
        let owners = [Self.ann, Self.bob, Self.cat]
        let all: Set = [Self.ann, Self.bob, Self.cat]
        var cursor = 0
        var picked: [User.ID?] = []
        for _ in 0..<4 {
            let pick = WebFormRules.roundRobin(owners, cursor: cursor, available: all)
            picked.append(pick.owner)
            cursor = pick.next
        }
        #expect(picked == [Self.ann, Self.bob, Self.cat, Self.ann])
        #expect(WebFormRules.roundRobin(owners, cursor: 1, available: [Self.ann, Self.cat]) == (Self.cat, 0))
        #expect(WebFormRules.roundRobin(owners, cursor: 7, available: all) == (Self.bob, 2))
        #expect(WebFormRules.roundRobin(owners, cursor: 0, available: []) == (nil, 0))
        #expect(WebFormRules.roundRobin([], cursor: 3, available: all) == (nil, 0))
    }

    @Test("UTM comes from the posted fields first, then the landing page's query")
    func attribution() {
        let source = WebFormRules.attribution(
            posted: ["utm_source": "vk", "utm_term": " "],
            landingPage: "https://shop.example/promo?utm_source=yandex&utm_medium=cpc&utm_campaign=spring&utm_term=sofa&x=1",
            referrer: " https://ya.ru/ ")
        #expect(
            source
                == LeadSource(
                    source: "web-form", utmSource: "vk", utmMedium: "cpc", utmCampaign: "spring", utmContent: nil, utmTerm: "sofa",
                    referrer: "https://ya.ru/",
                    landingPage: "https://shop.example/promo?utm_source=yandex&utm_medium=cpc&utm_campaign=spring&utm_term=sofa&x=1"))
        #expect(WebFormRules.attribution(posted: [:], landingPage: nil, referrer: nil) == LeadSource(source: "web-form"))
    }

    @Test("First touch: a contact's source is set only when it has none")
    func firstTouch() {
        let incoming = LeadSource(source: "web-form", utmSource: "vk")
        #expect(WebFormRules.firstTouch(LeadSource(), incoming) == incoming)
        #expect(WebFormRules.firstTouch(LeadSource(source: "import"), incoming) == nil)
    }

    @Test("The rate limit refuses the eleventh submission in the window and forgets a stale window")
    func throttle() {
        let now = CoreFixture.now
        #expect(WebFormRules.throttle(nil, now: now) == .allowed)
        let nine = LoginThrottle.Counter(failures: 9, windowStart: now.addingTimeInterval(-60))
        #expect(WebFormRules.throttle(nine, now: now) == .allowed)
        let ten = LoginThrottle.Counter(failures: 10, windowStart: now.addingTimeInterval(-60))
        #expect(WebFormRules.throttle(ten, now: now) == .refused(retryAfter: 840))
        let stale = LoginThrottle.Counter(failures: 50, windowStart: now.addingTimeInterval(-LoginThrottle.window))
        #expect(WebFormRules.throttle(stale, now: now) == .allowed)
    }
}

@Suite("Telephony rules")
struct TelephonyRulesTests {
    static let contact = Contact.ID("ct-1")

    static func issues(_ event: CallEvent) -> [FieldIssue]? {
        CoreFixture.issues { () throws(ValidationError) in try TelephonyRules.validate(event, region: .ru) }
    }

    @Test("The client's number is the caller's inbound and the called number outbound, in E.164")
    func clientNumber() throws {
        let inbound = CallEvent(callID: "c1", direction: .inbound, from: "8 912 555-66-77", to: "101", status: .ringing)
        #expect(try TelephonyRules.validate(inbound, region: .ru) == "+79125556677")
        let outbound = CallEvent(callID: "c2", direction: .outbound, from: "101", to: "+7 (495) 123-45-67", status: .answered)
        #expect(try TelephonyRules.validate(outbound, region: .ru) == "+74951234567")
    }

    @Test("A call longer than the call activity takes is refused on the event's own fields")
    func tooLong() {
        let stated = CallEvent(
            callID: "c", direction: .inbound, from: "+79125556677", to: "101", durationSeconds: 90_000, status: .completed)
        #expect(Self.issues(stated) == [FieldIssue("duration", .outOfRange, ["min": "0", "max": "86400"])])
        let spanned = CallEvent(
            callID: "c", direction: .inbound, from: "+79125556677", to: "101", answeredAt: CoreFixture.now,
            endedAt: CoreFixture.now.addingTimeInterval(2 * 86_400), status: .completed)
        #expect(Self.issues(spanned) == [FieldIssue("endedAt", .outOfRange)])
        let day = CallEvent(callID: "c", direction: .inbound, from: "+79125556677", to: "101", durationSeconds: 86_400, status: .completed)
        #expect(Self.issues(day) == nil)
    }

    @Test("A bad event names every bad field")
    func badEvent() {
        let event = CallEvent(
            callID: " ", direction: .inbound, from: "abc", to: "", startedAt: CoreFixture.now,
            endedAt: CoreFixture.now.addingTimeInterval(-5), durationSeconds: -1, recordingURL: "ftp://x", status: .completed)
        #expect(
            Self.issues(event) == [
                FieldIssue("callId", .required), FieldIssue("from", .invalidPhone),
                FieldIssue("duration", .outOfRange, ["min": "0", "max": "86400"]), FieldIssue("endedAt", .outOfRange),
                FieldIssue("recordingUrl", .invalidURL),
            ])
        #expect(
            Self.issues(CallEvent(callID: "c", direction: .outbound, from: "101", to: " ", status: .ringing)) == [
                FieldIssue("to", .required)
            ])
    }

    @Test(
        "A recording link passes only when the call activity would take it too (a dotted host)",
        arguments: [
            ("https://pbx.example/rec/1.mp3", true), ("http://10.0.0.5.nip.io/r.wav", true), ("http://pbx/rec.mp3", false),
            ("https://localhost/rec.mp3", false), ("pbx.example/rec.mp3", false), ("ftp://pbx.example/rec.mp3", false),
        ])
    func recordingLink(_ url: String, _ valid: Bool) {
        let event = CallEvent(
            callID: "c1", direction: .inbound, from: "+79125556677", to: "101", recordingURL: url, status: .completed)
        #expect(Self.issues(event) == (valid ? nil : [FieldIssue("recordingUrl", .invalidURL)]))
        #expect(WebAddress.isAbsoluteHTTP(url) == valid)
    }

    @Test("Only an unanswered inbound call is missed")
    func missed() {
        func event(_ direction: Direction, _ status: CallStatus) -> CallEvent {
            CallEvent(callID: "c", direction: direction, from: "1", to: "2", status: status)
        }
        #expect(event(.inbound, .missed).isMissed)
        #expect(event(.inbound, .noAnswer).isMissed)
        #expect(!event(.outbound, .noAnswer).isMissed)
        #expect(!event(.inbound, .completed).isMissed)
        #expect(!event(.inbound, .busy).isMissed)
    }

    @Test("Statuses map to call results; ringing has none")
    func results() {
        #expect(CallStatus.ringing.result == nil)
        #expect(CallStatus.completed.result == .answered)
        #expect(CallStatus.noAnswer.result == .noAnswer)
        #expect(CallStatus.voicemail.result == .voicemail)
    }

    @Test("The activity takes the event's facts and keeps what a later event does not say")
    func activityInput() {
        let start = CoreFixture.now
        let ended = CallEvent(
            callID: "c", direction: .inbound, from: "+79125556677", to: "101", answeredAt: start.addingTimeInterval(5),
            endedAt: start.addingTimeInterval(65.4), recordingURL: "https://pbx.example/r/1.mp3", status: .completed)
        let input = TelephonyRules.activityInput(ended, contactID: Self.contact, existing: nil, now: start)
        #expect(input.kind == .call)
        #expect(input.contactID == .set(Self.contact))
        #expect(input.direction == .set(.inbound))
        #expect(input.subject == .set("← +79125556677"))
        #expect(input.occurredAt == start)
        #expect(input.durationSeconds == .set(60))
        #expect(input.callResult == .set(.answered))
        #expect(input.recordingURL == .set("https://pbx.example/r/1.mp3"))
        let existing = Activity(id: Activity.ID("a"), workspaceID: CoreFixture.workspace, kind: .call, now: start, authorID: nil)
        let ringing = CallEvent(callID: "c", direction: .inbound, from: "+79125556677", to: "101", status: .ringing)
        let later = TelephonyRules.activityInput(ringing, contactID: Self.contact, existing: existing, now: start.addingTimeInterval(99))
        #expect(later.occurredAt == nil)
        #expect(later.callResult == nil)
        #expect(later.durationSeconds == nil)
        #expect(later.recordingURL == nil)
    }
}
