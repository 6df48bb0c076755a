import Foundation
import RapportCore
import Testing

@Suite("Company rules")
struct CompanyRulesTests {
    static func blank() -> Company {
        Company(id: Company.ID("co-1"), workspaceID: CoreFixture.workspace, now: CoreFixture.now, createdBy: CoreFixture.author)
    }

    static func named() -> Company {
        var company = blank()
        company.name = "ООО «Ромашка»"
        return company
    }

    static func apply(_ input: CompanyInput, to company: Company = named(), fields: [CustomFieldDefinition] = [])
        throws(ValidationError) -> Company
    {
        try company.applying(input, context: CoreFixture.context(fields))
    }

    static func issues(_ input: CompanyInput, to company: Company = named(), fields: [CustomFieldDefinition] = [])
        -> [FieldIssue]?
    {
        CoreFixture.issues { () throws(ValidationError) in try apply(input, to: company, fields: fields) }
    }

    // MARK: - Name

    @Test("A name is required", arguments: [nil, "", "  \n "] as [String?])
    func nameRequired(_ name: String?) {
        var input = CompanyInput()
        input.name = name
        #expect(Self.issues(input, to: Self.blank()) == [FieldIssue("name", .required)])
    }

    @Test("The name is trimmed and at most 300 characters")
    func nameTrimAndLength() throws {
        var input = CompanyInput()
        input.name = "  ПАО «Сбербанк»  "
        #expect(try Self.apply(input, to: Self.blank()).name == "ПАО «Сбербанк»")
        input.name = String(repeating: "к", count: 301)
        #expect(Self.issues(input) == [FieldIssue("name", .tooLong, ["max": "300"])])
        input.name = String(repeating: "к", count: 300)
        #expect(throws: Never.self) { try Self.apply(input) }
    }

    @Test("A new company is owned by its creator and empty")
    func newCompany() {
        let company = Self.blank()
        #expect(company.name == "")
        #expect(company.ownerID == CoreFixture.author)
        #expect(company.version == 1)
        #expect(company.inn == nil && company.kpp == nil)
    }

    // MARK: - INN and KPP

    @Test(
        "INN digits are extracted from typed groupings",
        arguments: [
            ("7707083893", "7707083893"), ("77 07 083 893", "7707083893"), (" 7707-083-893 ", "7707083893"),
            ("5001 0073 2259", "500100732259"),
        ])
    func innDigits(_ typed: String, _ stored: String) throws {
        var input = CompanyInput()
        input.inn = .set(typed)
        #expect(try Self.apply(input).inn == stored)
    }

    @Test(
        "Invalid INNs are refused",
        arguments: ["7707083890", "770708389", "77O7083893", "ИНН 7707083893", "0000000000", "7707083893000"])
    func innInvalid(_ typed: String) {
        var input = CompanyInput()
        input.inn = .set(typed)
        #expect(Self.issues(input) == [FieldIssue("inn", .invalidINN)])
    }

    @Test("INN can be cleared, also by a blank text")
    func innClear() throws {
        var company = Self.named()
        company.inn = "7707083893"
        for edit in [Edit<String>.clear, .set("   ")] {
            var input = CompanyInput()
            input.inn = edit
            #expect(try Self.apply(input, to: company).inn == nil)
        }
    }

    @Test(
        "KPP is upper-cased and its spaces removed",
        arguments: [
            ("773601001", "773601001"), ("7736 01 001", "773601001"), (" 7736ab001 ", "7736AB001"),
        ])
    func kppNormalized(_ typed: String, _ stored: String) throws {
        var input = CompanyInput()
        input.inn = .set("7707083893")
        input.kpp = .set(typed)
        #expect(try Self.apply(input).kpp == stored)
    }

    @Test("Malformed KPPs are refused", arguments: ["77360100", "7736010011", "7736-01-001", "77360100Я", "ab3601001"])
    func kppInvalid(_ typed: String) {
        var input = CompanyInput()
        input.kpp = .set(typed)
        #expect(Self.issues(input) == [FieldIssue("kpp", .invalidKPP)])
    }

    @Test("A KPP next to a 12-digit INN is refused; next to no INN it is fine")
    func kppWithIndividualINN() throws {
        var input = CompanyInput()
        input.inn = .set("500100732259")
        input.kpp = .set("773601001")
        #expect(Self.issues(input) == [FieldIssue("kpp", .invalidKPP)])

        var onlyKPP = CompanyInput()
        onlyKPP.kpp = .set("773601001")
        #expect(try Self.apply(onlyKPP).kpp == "773601001")

        // The KPP already stored on a company is checked when its INN changes to an individual's.
        var company = Self.named()
        company.kpp = "773601001"
        var innOnly = CompanyInput()
        innOnly.inn = .set("500100732259")
        #expect(Self.issues(innOnly, to: company) == [FieldIssue("kpp", .invalidKPP)])
    }

    @Test("A malformed KPP next to a 12-digit INN is reported once")
    func kppReportedOnce() {
        var input = CompanyInput()
        input.inn = .set("500100732259")
        input.kpp = .set("12")
        do {
            #expect(Self.issues(input) == [FieldIssue("kpp", .invalidKPP)])
        }
    }

    // MARK: - Website and other fields

    @Test("Plausible websites are accepted", arguments: ["example.ru", "https://пример.рф/page", "http://www.example.com"])
    func websiteAccepted(_ site: String) throws {
        var input = CompanyInput()
        input.website = .set("  \(site) ")
        #expect(try Self.apply(input).website == site)
    }

    @Test("Implausible websites are refused", arguments: ["example", "http://", "exa mple.ru", "https://.ru", "ru.", "ftp://x.ru"])
    func websiteRefused(_ site: String) {
        var input = CompanyInput()
        input.website = .set(site)
        #expect(Self.issues(input) == [FieldIssue("website", .invalidURL)])
    }

    @Test("A website longer than 500 characters is refused")
    func websiteTooLong() {
        var input = CompanyInput()
        input.website = .set("https://example.ru/" + String(repeating: "p", count: 482))
        #expect(Self.issues(input) == [FieldIssue("website", .tooLong, ["max": "500"])])
    }

    @Test("Industry and city are trimmed and limited")
    func industryAndCity() throws {
        var input = CompanyInput()
        input.industry = .set("  Ритейл ")
        input.city = .set(" Казань ")
        let company = try Self.apply(input)
        #expect(company.industry == "Ритейл")
        #expect(company.city == "Казань")

        input.industry = .set(String(repeating: "и", count: 201))
        input.city = .set(String(repeating: "г", count: 101))
        #expect(
            Self.issues(input) == [
                FieldIssue("industry", .tooLong, ["max": "200"]), FieldIssue("city", .tooLong, ["max": "100"]),
            ])
    }

    @Test("Phones and e-mails follow the contact channel rules")
    func channels() throws {
        var input = CompanyInput()
        input.phones = [PhoneInput(number: "8 800 555-35-35", kind: .work), PhoneInput(number: "+78005553535")]
        input.emails = [EmailInput(address: "INFO@Example.ru")]
        let company = try Self.apply(input)
        #expect(company.phones.map(\.number.e164) == ["+78005553535"])
        #expect(company.emails == [Email(address: "info@example.ru", kind: .work)])

        input.emails = [EmailInput(address: "info@"), EmailInput(address: "sales@example.ru")]
        #expect(Self.issues(input) == [FieldIssue("emails[0].address", .invalidEmail)])
    }

    @Test("Addresses: trimmed, blanks dropped")
    func addresses() throws {
        var input = CompanyInput()
        input.addresses = [
            Address(kind: .legal, text: "  Москва, ул. Вавилова, 19 "), Address(kind: .postal, text: "   "),
            Address(kind: .actual, text: "Москва, Кутузовский пр., 32"),
        ]
        let company = try Self.apply(input)
        #expect(
            company.addresses == [
                Address(kind: .legal, text: "Москва, ул. Вавилова, 19"), Address(kind: .actual, text: "Москва, Кутузовский пр., 32"),
            ])
    }

    @Test("A long address is refused at its index")
    func addressTooLong() {
        var input = CompanyInput()
        input.addresses = [Address(kind: .legal, text: "Москва"), Address(kind: .actual, text: String(repeating: "а", count: 501))]
        #expect(Self.issues(input) == [FieldIssue("addresses[1].text", .tooLong, ["max": "500"])])
    }

    @Test("A long address after a blank one is reported at the index the client sent")
    func addressIndexAfterBlank() {
        var input = CompanyInput()
        input.addresses = [Address(kind: .postal, text: " "), Address(kind: .actual, text: String(repeating: "а", count: 501))]
        do {
            #expect(Self.issues(input) == [FieldIssue("addresses[1].text", .tooLong, ["max": "500"])])
        }
    }

    @Test("Tags, source, owner")
    func tagsSourceOwner() throws {
        var input = CompanyInput()
        input.tags = ["Партнёр", "партнер", " "]
        input.source = LeadSource(source: " import ")
        input.ownerID = .clear
        let company = try Self.apply(input)
        #expect(company.tags == ["Партнёр"])
        #expect(company.source == LeadSource(source: "import"))
        #expect(company.ownerID == nil)
    }

    @Test("Custom fields: merge, unknown keys and required fields")
    func customFields() throws {
        let size = CoreFixture.field("size", .select, options: ["small", "large"], required: true, entity: .company)
        var input = CompanyInput()
        input.customFields = ["size": "large"]
        #expect(try Self.apply(input, fields: [size]).customFields == ["size": "large"])
        input.customFields = ["size": "huge", "nope": 1]
        #expect(
            CoreFixture.pairs(Self.issues(input, fields: [size])) == [
                .init("customFields.nope", .unknownField), .init("customFields.size", .invalidOption),
                .init("customFields.size", .required),
            ])
    }

    @Test("Every issue is reported at once")
    func everyIssueAtOnce() {
        var input = CompanyInput()
        input.name = " "
        input.inn = .set("1234567890")
        input.kpp = .set("12")
        input.website = .set("not a site")
        let issues = Self.issues(input)
        #expect(
            Set(CoreFixture.pairs(issues)) == [
                .init("name", .required), .init("inn", .invalidINN), .init("kpp", .invalidKPP), .init("website", .invalidURL),
            ])
    }

    @Test("Audit snapshot keys and values")
    func auditSnapshot() throws {
        var input = CompanyInput()
        input.inn = .set("7707083893")
        input.addresses = [Address(kind: .legal, text: "Москва")]
        input.phones = [PhoneInput(number: "8 800 555 35 35")]
        let company = try Self.apply(input)
        let snapshot = company.auditSnapshot
        #expect(
            Set(snapshot.keys) == [
                "name", "inn", "kpp", "industry", "website", "city", "ownerId", "phones", "emails", "addresses", "tags",
            ])
        #expect(snapshot["addresses"] == ["legal: Москва"])
        #expect(snapshot["inn"] == "7707083893")
        #expect(snapshot["kpp"] == .null)
        #expect(snapshot["phones"] == ["+78005553535"])
    }
}
