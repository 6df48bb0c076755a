import Foundation
import RapportCore
import Testing

@Suite("Contact rules")
struct ContactRulesTests {
    static let earlier = CoreFixture.now.addingTimeInterval(-86_400 * 30)

    static func blank() -> Contact {
        Contact(id: Contact.ID("ct-1"), workspaceID: CoreFixture.workspace, now: earlier, createdBy: CoreFixture.author)
    }

    /// A contact that already passes the rules (it has a last name).
    static func named() -> Contact {
        var contact = blank()
        contact.lastName = "Иванов"
        return contact
    }

    static func apply(
        _ input: ContactInput, to contact: Contact = named(), fields: [CustomFieldDefinition] = []
    ) throws(ValidationError) -> Contact {
        try contact.applying(input, context: CoreFixture.context(fields))
    }

    static func issues(_ input: ContactInput, to contact: Contact = named(), fields: [CustomFieldDefinition] = [])
        -> [FieldIssue]?
    {
        CoreFixture.issues { () throws(ValidationError) in try apply(input, to: contact, fields: fields) }
    }

    // MARK: - Names

    @Test("A full name is split when no part is given")
    func fullNameSplit() throws {
        var input = ContactInput()
        input.fullName = "  Иванов   Иван Иванович "
        let contact = try Self.apply(input, to: Self.blank())
        #expect(contact.lastName == "Иванов")
        #expect(contact.firstName == "Иван")
        #expect(contact.middleName == "Иванович")

        input.fullName = "Smith, John"
        let western = try Self.apply(input, to: Self.blank())
        #expect(western.lastName == "Smith")
        #expect(western.firstName == "John")
        #expect(western.middleName == nil)
    }

    @Test("A full name is ignored when any part is given")
    func fullNameIgnoredWithParts() throws {
        var input = ContactInput()
        input.fullName = "Иванов Иван Иванович"
        input.firstName = .set("Пётр")
        let contact = try Self.apply(input, to: Self.blank())
        #expect(contact.firstName == "Пётр")
        #expect(contact.lastName == nil)
        #expect(contact.middleName == nil)

        var clearing = ContactInput()
        clearing.fullName = "Петров Пётр"
        clearing.middleName = .clear
        let kept = try Self.apply(clearing)
        #expect(kept.lastName == "Иванов")
        #expect(kept.firstName == nil)
    }

    @Test("A blank full name changes nothing")
    func blankFullName() throws {
        var input = ContactInput()
        input.fullName = "   "
        #expect(try Self.apply(input) == Self.named())
    }

    @Test("Text fields are trimmed; blank or cleared ones become nil; absent ones are kept")
    func trimming() throws {
        var full = Self.named()
        full.firstName = "Иван"
        full.middleName = "Иванович"
        full.position = "Директор"
        full.city = "Москва"
        full.address = "Тверская, 1"

        var input = ContactInput()
        input.lastName = .set("  Петров ")
        input.firstName = .set("   ")
        input.middleName = .clear
        input.position = .set("\tCEO\n")
        input.city = .clear
        let next = try Self.apply(input, to: full)
        #expect(next.lastName == "Петров")
        #expect(next.firstName == nil)
        #expect(next.middleName == nil)
        #expect(next.position == "CEO")
        #expect(next.city == nil)
        #expect(next.address == "Тверская, 1")
    }

    static func input(setting field: String, to text: String) -> ContactInput {
        var input = ContactInput()
        switch field {
        case "lastName": input.lastName = .set(text)
        case "firstName": input.firstName = .set(text)
        case "middleName": input.middleName = .set(text)
        case "position": input.position = .set(text)
        case "city": input.city = .set(text)
        default: input.address = .set(text)
        }
        return input
    }

    @Test(
        "Length limits of text fields",
        arguments: [
            ("lastName", 100), ("firstName", 100), ("middleName", 100), ("position", 200), ("city", 100),
            ("address", 500),
        ])
    func lengthLimits(_ field: String, _ max: Int) {
        let tooLong = Self.input(setting: field, to: String(repeating: "ж", count: max + 1))
        #expect(Self.issues(tooLong) == [FieldIssue(field, .tooLong, ["max": String(max)])])
        let longest = Self.input(setting: field, to: " " + String(repeating: "ж", count: max) + " ")
        #expect(throws: Never.self) { try Self.apply(longest) }
    }

    @Test("Owner, readiness and lifecycle")
    func ownerReadinessLifecycle() throws {
        var input = ContactInput()
        input.ownerID = .set(User.ID("u-9"))
        input.readiness = .set(.hot)
        input.lifecycle = .customer
        let next = try Self.apply(input)
        #expect(next.ownerID == User.ID("u-9"))
        #expect(next.readiness == .hot)
        #expect(next.lifecycle == .customer)

        var clear = ContactInput()
        clear.ownerID = .clear
        clear.readiness = .clear
        let cleared = try Self.apply(clear, to: next)
        #expect(cleared.ownerID == nil)
        #expect(cleared.readiness == nil)
        #expect(cleared.lifecycle == .customer)
    }

    @Test("A new contact is a lead owned by its creator")
    func newContact() {
        let contact = Self.blank()
        #expect(contact.lifecycle == .lead)
        #expect(contact.ownerID == CoreFixture.author)
        #expect(contact.createdBy == CoreFixture.author)
        #expect(contact.version == 1)
        #expect(contact.phones.isEmpty && contact.emails.isEmpty && contact.customFields.isEmpty)
    }

    // MARK: - Channels

    @Test("Phones are normalized and de-duplicated by E.164; blanks are skipped")
    func phones() throws {
        var input = ContactInput()
        input.phones = [
            PhoneInput(number: "8 (912) 345-67-89"), PhoneInput(number: "   "),
            PhoneInput(number: "+7 912 345 67 89", kind: .work), PhoneInput(number: "+7 (495) 123-45-67", kind: .work),
        ]
        let contact = try Self.apply(input)
        #expect(contact.phones.map(\.number.e164) == ["+79123456789", "+74951234567"])
        #expect(contact.phones.map(\.kind) == [.mobile, .work])
        #expect(contact.phones[0].number.raw == "8 (912) 345-67-89")
    }

    @Test("An unreadable phone is kept and flagged, not refused")
    func invalidPhoneKept() throws {
        var input = ContactInput()
        input.phones = [PhoneInput(number: " позвонить секретарю "), PhoneInput(number: "12345")]
        let contact = try Self.apply(input, to: Self.blank())
        #expect(contact.phones.map(\.number.raw) == ["позвонить секретарю", "12345"])
        #expect(contact.phones.allSatisfy { !$0.number.isValid })
    }

    @Test("A phone longer than 64 characters is refused at its index")
    func phoneTooLong() {
        var input = ContactInput()
        input.phones = [PhoneInput(number: "+79123456789"), PhoneInput(number: String(repeating: "1", count: 65))]
        #expect(Self.issues(input) == [FieldIssue("phones[1].number", .tooLong, ["max": "64"])])
    }

    @Test("At most 20 phones")
    func phoneCount() throws {
        var input = ContactInput()
        input.phones = (0..<21).map { PhoneInput(number: "+7912345" + String(1000 + $0)) }
        #expect(Self.issues(input) == [FieldIssue("phones", .outOfRange, ["max": "20"])])
        input.phones = Array(input.phones!.prefix(20))
        #expect(try Self.apply(input).phones.count == 20)
    }

    @Test("E-mails are normalized and de-duplicated")
    func emails() throws {
        var input = ContactInput()
        input.emails = [
            EmailInput(address: " Ivan@Example.RU "), EmailInput(address: "ivan@example.ru", kind: .personal),
            EmailInput(address: ""), EmailInput(address: "<petr@example.ru>", kind: .other),
        ]
        let contact = try Self.apply(input)
        #expect(contact.emails == [Email(address: "ivan@example.ru", kind: .work), Email(address: "petr@example.ru", kind: .other)])
    }

    @Test("An invalid e-mail is refused at its index in the input")
    func invalidEmail() {
        var input = ContactInput()
        input.emails = [EmailInput(address: "a@example.ru"), EmailInput(address: " "), EmailInput(address: "bad@")]
        #expect(Self.issues(input) == [FieldIssue("emails[2].address", .invalidEmail)])
    }

    @Test("Companies: de-duplicated, exactly one primary")
    func companies() throws {
        let a = Company.ID("co-a")
        let b = Company.ID("co-b")
        let c = Company.ID("co-c")
        var input = ContactInput()
        input.companies = [
            CompanyLink(companyID: a, isPrimary: false), CompanyLink(companyID: b, isPrimary: true),
            CompanyLink(companyID: a, isPrimary: true), CompanyLink(companyID: c, isPrimary: true),
        ]
        #expect(
            try Self.apply(input).companies == [
                CompanyLink(companyID: a, isPrimary: false), CompanyLink(companyID: b, isPrimary: true),
                CompanyLink(companyID: c, isPrimary: false),
            ])

        input.companies = [CompanyLink(companyID: c, isPrimary: false), CompanyLink(companyID: a, isPrimary: false)]
        #expect(
            try Self.apply(input).companies == [
                CompanyLink(companyID: c, isPrimary: true), CompanyLink(companyID: a, isPrimary: false),
            ])

        input.companies = []
        var linked = Self.named()
        linked.companies = [CompanyLink(companyID: a, isPrimary: true)]
        #expect(try Self.apply(input, to: linked).companies.isEmpty)
    }

    @Test("Tags and source are normalized")
    func tagsAndSource() throws {
        var input = ContactInput()
        input.tags = ["  Ёлка ", "елка", "VIP", ""]
        input.source = LeadSource(source: " web-form ", utmCampaign: "  spring ")
        let contact = try Self.apply(input)
        #expect(contact.tags == ["Ёлка", "VIP"])
        #expect(contact.source == LeadSource(source: "web-form", utmCampaign: "spring"))
    }

    // MARK: - Consent

    @Test("Consent: recorded with the change time; the same answer keeps its original date")
    func consent() throws {
        var input = ContactInput()
        input.emailConsent = .set(true)
        let granted = try Self.apply(input)
        #expect(granted.emailConsent == Consent(granted: true, at: CoreFixture.now))
        #expect(granted.smsConsent == nil)

        var old = Self.named()
        old.emailConsent = Consent(granted: true, at: Self.earlier)
        old.smsConsent = Consent(granted: false, at: Self.earlier)
        let same = try Self.apply(input, to: old)
        #expect(same.emailConsent == Consent(granted: true, at: Self.earlier))
        #expect(same.smsConsent == Consent(granted: false, at: Self.earlier))

        input.emailConsent = .set(false)
        input.smsConsent = .clear
        let withdrawn = try Self.apply(input, to: old)
        #expect(withdrawn.emailConsent == Consent(granted: false, at: CoreFixture.now))
        #expect(withdrawn.smsConsent == nil)
    }

    // MARK: - Required and ranges

    @Test("A contact with no name, e-mail or phone is refused on lastName")
    func nobody() {
        var input = ContactInput()
        input.position = .set("Бухгалтер")
        #expect(Self.issues(input, to: Self.blank()) == [FieldIssue("lastName", .required)])
        var clearing = ContactInput()
        clearing.lastName = .clear
        #expect(Self.issues(clearing) == [FieldIssue("lastName", .required)])
    }

    @Test("A first name, an e-mail or any phone is enough")
    func somebody() throws {
        var byName = ContactInput()
        byName.firstName = .set("Анна")
        #expect(throws: Never.self) { try Self.apply(byName, to: Self.blank()) }
        var byEmail = ContactInput()
        byEmail.emails = [EmailInput(address: "anna@example.ru")]
        #expect(throws: Never.self) { try Self.apply(byEmail, to: Self.blank()) }
        var byPhone = ContactInput()
        byPhone.phones = [PhoneInput(number: "не помню")]
        #expect(throws: Never.self) { try Self.apply(byPhone, to: Self.blank()) }
    }

    @Test(
        "Birthday from 1900 to the current year",
        arguments: [
            (1899, 12, 31, false), (1900, 1, 1, true), (1985, 6, 15, true), (2026, 1, 1, true), (2027, 1, 1, false),
        ])
    func birthday(_ year: Int, _ month: Int, _ day: Int, _ accepted: Bool) throws {
        var input = ContactInput()
        input.birthday = .set(try #require(LocalDate(year: year, month: month, day: day)))
        #expect(Self.issues(input) == (accepted ? nil : [FieldIssue("birthday", .outOfRange)]))
    }

    @Test("Clearing the birthday")
    func clearBirthday() throws {
        var contact = Self.named()
        contact.birthday = LocalDate(year: 1990, month: 1, day: 1)
        var input = ContactInput()
        input.birthday = .clear
        #expect(try Self.apply(input, to: contact).birthday == nil)
    }

    // MARK: - Custom fields

    static let budget = CoreFixture.field("budget", .number)
    static let segment = CoreFixture.field("segment", .select, options: ["b2b", "b2c"], required: true)

    @Test("Custom fields merge into the current values")
    func customFieldsMerge() throws {
        var contact = Self.named()
        contact.customFields = ["segment": "b2b", "budget": 5]
        var input = ContactInput()
        input.customFields = ["budget": "7,5"]
        let next = try Self.apply(input, to: contact, fields: [Self.budget, Self.segment])
        #expect(next.customFields == ["segment": "b2b", "budget": 7.5])

        input.customFields = ["budget": nil]
        let removed = try Self.apply(input, to: contact, fields: [Self.budget, Self.segment])
        #expect(removed.customFields == ["segment": "b2b"])
    }

    @Test("Unknown, wrongly typed and missing required custom fields are reported")
    func customFieldIssues() {
        var input = ContactInput()
        input.customFields = ["zzz": 1, "budget": true]
        #expect(
            Self.issues(input, fields: [Self.budget, Self.segment]) == [
                FieldIssue("customFields.budget", .wrongType), FieldIssue("customFields.zzz", .unknownField),
                FieldIssue("customFields.segment", .required),
            ])
    }

    // MARK: - All at once

    @Test("Every issue is reported at once")
    func everyIssueAtOnce() throws {
        var input = ContactInput()
        input.lastName = .set(String(repeating: "ф", count: 101))
        input.emails = [EmailInput(address: "not-an-email")]
        input.phones = [PhoneInput(number: String(repeating: "9", count: 70))]
        input.birthday = .set(try #require(LocalDate(year: 1800, month: 1, day: 1)))
        input.tags = [String(repeating: "t", count: 61)]
        input.source = LeadSource(source: String(repeating: "s", count: 101))
        input.customFields = ["ghost": "boo"]
        let issues = Self.issues(input, fields: [Self.segment])
        #expect(
            Set(CoreFixture.pairs(issues)) == [
                .init("lastName", .tooLong), .init("emails[0].address", .invalidEmail),
                .init("phones[0].number", .tooLong), .init("birthday", .outOfRange), .init("tags[0]", .tooLong),
                .init("source.source", .tooLong), .init("customFields.ghost", .unknownField),
                .init("customFields.segment", .required),
            ])
        #expect(issues?.count == 8)
    }

    // MARK: - Audit and display

    @Test("Audit snapshot keys and values")
    func auditSnapshot() throws {
        var input = ContactInput()
        input.phones = [PhoneInput(number: "8 912 345-67-89"), PhoneInput(number: "добавочный секретаря")]
        input.emails = [EmailInput(address: "ivan@example.ru")]
        input.emailConsent = .set(true)
        input.customFields = ["budget": 10]
        let contact = try Self.apply(input, fields: [Self.budget])
        let snapshot = contact.auditSnapshot
        #expect(
            Set(snapshot.keys) == [
                "lastName", "firstName", "middleName", "position", "city", "address", "birthday", "ownerId", "readiness",
                "lifecycle", "phones", "emails", "companies", "tags", "emailConsent", "smsConsent", "source",
                "utmSource", "utmCampaign", "customFields.budget",
            ])
        #expect(snapshot["phones"] == ["+79123456789", "добавочный секретаря"])
        #expect(snapshot["emails"] == ["ivan@example.ru"])
        #expect(snapshot["emailConsent"] == true)
        #expect(snapshot["smsConsent"] == .null)
        #expect(snapshot["lifecycle"] == "lead")
        #expect(snapshot["customFields.budget"] == 10)
        #expect(snapshot["ownerId"] == .string(CoreFixture.author.rawValue))
    }

    @Test("Display name: the name, else the first e-mail, else the first phone")
    func displayName() {
        var contact = Self.blank()
        #expect(contact.displayName == "")
        contact.phones = [Phone(number: PhoneNumber(raw: "8 912 000", e164: nil), kind: .mobile)]
        #expect(contact.displayName == "8 912 000")
        contact.emails = [Email(address: "a@example.ru", kind: .work)]
        #expect(contact.displayName == "a@example.ru")
        contact.firstName = "Анна"
        #expect(contact.displayName.contains("Анна"))
        #expect(!contact.displayName.contains("a@example.ru"))
    }
}
