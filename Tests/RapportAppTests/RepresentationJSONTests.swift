import Foundation
import RapportCore
import Testing

@testable import RapportHTTP

/// The direct JSON writers must produce exactly what `JSONEncoder` produces for the same representation.
@Suite struct RepresentationJSONTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000.123)
    static let tricky = "Кавычки \" и \\ слэш / \n перевод\tстроки \u{1} 🙂 <img src=x onerror=alert(1)>"

    static func same(_ body: some JSONWritable, sourceLocation: SourceLocation = #_sourceLocation) throws {
        var writer = JSONWriter()
        body.write(to: &writer)
        let written = try JSONDecoder().decode(JSONValue.self, from: Data(writer.bytes))
        let encoded = try JSONDecoder().decode(JSONValue.self, from: APIJSON.encoder.encode(body))
        #expect(written == encoded, sourceLocation: sourceLocation)
        #expect(written != .null, sourceLocation: sourceLocation)
    }

    static func fullContact() -> Contact {
        var contact = Contact(
            id: Contact.ID("01900000-0000-7000-8000-000000000001"), workspaceID: Workspace.ID("w"), now: now, createdBy: User.ID("u"))
        contact.lastName = tricky
        contact.firstName = "Пётр"
        contact.middleName = "Сергеевич"
        contact.phones = [
            Phone(number: PhoneNumber(raw: "8 (912) 345-67-89", e164: "+79123456789"), kind: .mobile),
            Phone(number: PhoneNumber(raw: "abc", e164: nil), kind: .other),
        ]
        contact.emails = [Email(address: "a@b.ru", kind: .work)]
        contact.position = "Директор"
        contact.companies = [CompanyLink(companyID: Company.ID("c1"), isPrimary: true)]
        contact.city = "Москва"
        contact.address = "ул. Ленина, 1"
        contact.birthday = LocalDate(year: 1980, month: 2, day: 29)
        contact.source = LeadSource(
            source: "yandex", utmSource: "ya", utmMedium: "cpc", utmCampaign: "осень", utmContent: "x", utmTerm: "crm",
            referrer: "https://ya.ru/", landingPage: "https://rapport.dev/?a=1&b=2")
        contact.tags = ["VIP", tricky]
        contact.readiness = .hot
        contact.lifecycle = .customer
        contact.emailConsent = Consent(granted: true, at: now)
        contact.smsConsent = Consent(granted: false, at: now)
        contact.customFields = [
            "text": .string(tricky), "n": .int(-5), "d": .double(1.5), "b": .bool(true), "list": .array(["a", "б"]),
            "money": .object(["amount": 100, "currency": "RUB"]), "none": .null,
        ]
        contact.deletedAt = now
        contact.mergedInto = Contact.ID("m")
        return contact
    }

    @Test func contactsAreWrittenAsEncoded() throws {
        try Self.same(ContactBody(Self.fullContact()))
        try Self.same(ContactBody(Contact(id: Contact.ID("x"), workspaceID: Workspace.ID("w"), now: Self.now, createdBy: nil)))
    }

    @Test func companiesAndDealsAreWrittenAsEncoded() throws {
        var company = Company(id: Company.ID("c"), workspaceID: Workspace.ID("w"), now: Self.now, createdBy: nil)
        company.name = Self.tricky
        company.inn = "7707083893"
        company.kpp = "773601001"
        company.addresses = [Address(kind: .legal, text: "Москва")]
        company.phones = Self.fullContact().phones
        company.customFields = ["k": "v"]
        try Self.same(CompanyBody(company))
        let pipeline = Pipeline(
            id: Pipeline.ID("p"), workspaceID: Workspace.ID("w"), name: "P", position: 0,
            stages: [Stage(id: Stage.ID("s"), name: "S", kind: .open, probability: 33)], createdAt: Self.now, version: 1)
        var deal = Deal(
            id: Deal.ID("d"), workspaceID: Workspace.ID("w"), pipeline: pipeline, currency: .rub, now: Self.now, createdBy: User.ID("u"))
        deal.title = Self.tricky
        deal.amount = Money(amount: 123_456_789, currency: .rub)
        deal.contactIDs = [Contact.ID("a"), Contact.ID("b")]
        deal.lostReason = "Дорого"
        deal.closedAt = Self.now
        deal.expectedCloseDate = LocalDate(year: 2026, month: 12, day: 31)
        try Self.same(DealBody(deal))
    }

    @Test func listsAreWrittenAsEncoded() throws {
        let list = ListResponse(data: [ContactBody(Self.fullContact())], nextCursor: "abc")
        let written = try JSONDecoder().decode(JSONValue.self, from: Data(list.jsonBytes))
        let encoded = try JSONDecoder().decode(JSONValue.self, from: APIJSON.encoder.encode(list))
        #expect(written == encoded)
        let last = ListResponse<ContactBody>(data: [], nextCursor: nil)
        #expect(String(decoding: last.jsonBytes, as: UTF8.self) == #"{"data":[],"nextCursor":null}"#)
    }
}
