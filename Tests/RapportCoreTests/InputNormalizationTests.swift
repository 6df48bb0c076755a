import Foundation
import RapportCore
import Testing

@Suite("Input normalization: tags, lead sources, channels, web addresses, field issues")
struct InputNormalizationTests {
    // MARK: - TagNames

    @Test("Tags: trimmed, blanks dropped, duplicates collapsed ignoring case and ё")
    func tags() {
        let (names, issues) = TagNames.normalize([" VIP ", "vip", "", "   ", "Ёлка", "ёлка", "елка", "Новый"])
        #expect(names == ["VIP", "Ёлка", "Новый"])
        #expect(issues.isEmpty)
    }

    @Test("A tag longer than 60 characters is reported at its index")
    func tagTooLong() {
        let long = String(repeating: "т", count: 61)
        let (names, issues) = TagNames.normalize(["ok", long], field: "addTags")
        #expect(issues == [FieldIssue("addTags[1]", .tooLong, ["max": "60"])])
        #expect(names.count == 2)
        #expect(TagNames.normalize([String(repeating: "т", count: 60)]).1.isEmpty)
    }

    @Test("At most 50 distinct tags")
    func tagCount() {
        #expect(TagNames.normalize((0..<50).map { "t\($0)" }).1.isEmpty)
        #expect(TagNames.normalize((0..<51).map { "t\($0)" }).1 == [FieldIssue("tags", .outOfRange, ["max": "50"])])
        // Duplicates do not count.
        #expect(TagNames.normalize((0..<50).map { "t\($0)" } + ["T0"]).1.isEmpty)
    }

    // MARK: - LeadSource

    @Test("Lead source parts are trimmed; blank parts become nil")
    func leadSource() {
        let source = LeadSource(
            source: " yandex.direct ", utmSource: "yandex", utmMedium: "  ", utmCampaign: "\tspring\n", utmContent: nil,
            utmTerm: "crm", referrer: " https://ya.ru/ ", landingPage: "")
        let (normalized, issues) = source.normalized()
        #expect(issues.isEmpty)
        #expect(
            normalized
                == LeadSource(
                    source: "yandex.direct", utmSource: "yandex", utmCampaign: "spring", utmTerm: "crm",
                    referrer: "https://ya.ru/"))
    }

    @Test(
        "Lead source length limits",
        arguments: [
            ("source", 100), ("utmSource", 500), ("utmMedium", 500), ("utmCampaign", 500), ("utmContent", 500),
            ("utmTerm", 500), ("referrer", 2000), ("landingPage", 2000),
        ])
    func leadSourceLimits(_ part: String, _ max: Int) {
        func source(_ text: String) -> LeadSource {
            var source = LeadSource()
            switch part {
            case "source": source.source = text
            case "utmSource": source.utmSource = text
            case "utmMedium": source.utmMedium = text
            case "utmCampaign": source.utmCampaign = text
            case "utmContent": source.utmContent = text
            case "utmTerm": source.utmTerm = text
            case "referrer": source.referrer = text
            default: source.landingPage = text
            }
            return source
        }
        #expect(source(String(repeating: "x", count: max)).normalized().1.isEmpty)
        #expect(
            source(String(repeating: "x", count: max + 1)).normalized(field: "lead").1 == [
                FieldIssue("lead.\(part)", .tooLong, ["max": String(max)])
            ])
    }

    // MARK: - ContactChannels

    @Test("Phone issues use the given field name and the input index")
    func phoneField() {
        let (phones, issues) = ContactChannels.phones(
            [PhoneInput(number: ""), PhoneInput(number: String(repeating: "7", count: 65))], region: .kz, field: "contact.phones")
        #expect(phones.isEmpty)
        #expect(issues == [FieldIssue("contact.phones[1].number", .tooLong, ["max": "64"])])
    }

    @Test("Unparseable phones are never merged with each other")
    func invalidPhonesKept() {
        let (phones, issues) = ContactChannels.phones([PhoneInput(number: "абв"), PhoneInput(number: "абв")], region: .ru)
        #expect(issues.isEmpty)
        #expect(phones.count == 2)
        #expect(phones.allSatisfy { $0.number.e164 == nil })
    }

    @Test("A phone of exactly 64 characters is accepted, 65 refused")
    func phoneLengthBoundary() throws {
        let prefix = "+7 912 345-67-89 доб. "
        let longest = prefix + String(repeating: "1", count: 64 - prefix.count)
        let (phones, issues) = ContactChannels.phones([PhoneInput(number: "  \(longest)  ")], region: .ru)
        #expect(issues.isEmpty)
        #expect(try #require(phones.first).number.e164 == "+79123456789")
        #expect(
            ContactChannels.phones([PhoneInput(number: longest + "1")], region: .ru).issues == [
                FieldIssue("phones[0].number", .tooLong, ["max": "64"])
            ])
    }

    @Test("At most 20 e-mails")
    func emailCount() {
        let twenty = (0..<20).map { EmailInput(address: "u\($0)@example.ru") }
        #expect(ContactChannels.emails(twenty).issues.isEmpty)
        let (emails, issues) = ContactChannels.emails(twenty + [EmailInput(address: "u20@example.ru")], field: "mail")
        #expect(emails.count == 21)
        #expect(issues == [FieldIssue("mail", .outOfRange, ["max": "20"])])
        // Duplicates do not count.
        #expect(ContactChannels.emails(twenty + [EmailInput(address: "U0@EXAMPLE.RU")]).issues.isEmpty)
    }

    // MARK: - WebAddress

    @Test(
        "Plausible web addresses",
        arguments: [
            "example.ru", "www.example.ru", "https://пример.рф/page", "HTTPS://Example.RU", "http://a.b",
            "example.ru/path?q=1", "sub.domain.example.com:8080/x",
        ])
    func plausible(_ text: String) {
        #expect(WebAddress.isPlausible(text))
    }

    @Test(
        "Implausible web addresses",
        arguments: [
            "", "example", "http://", "https://example", "exa mple.ru", "example.ru/a b", ".ru", "ru.", "a..ru", "ftp://example.ru",
        ])
    func implausible(_ text: String) {
        #expect(!WebAddress.isPlausible(text))
    }

    @Test(
        "Absolute http(s) URLs",
        arguments: [
            ("https://example.ru", true), ("http://example.ru/a", true), ("HTTP://EXAMPLE.RU", true), ("example.ru", false),
            ("ftp://example.ru", false), ("https://", false), ("https://localhost", false), ("//example.ru", false),
        ])
    func absoluteHTTP(_ text: String, _ expected: Bool) {
        #expect(WebAddress.isAbsoluteHTTP(text) == expected)
    }

    // MARK: - FieldIssues and trimming

    @Test("Collected issues keep their order and throw together")
    func fieldIssues() {
        var issues = FieldIssues()
        #expect(throws: Never.self) { try issues.throwIfAny() }
        issues.require(nil, "a")
        issues.require(" \n", "b")
        issues.require("x", "c")
        issues.limit("abcd", "d", to: 3)
        issues.limit("abc", "e", to: 3)
        issues.limit(nil, "f", to: 0)
        issues.add(contentsOf: [FieldIssue("g", .duplicate)])
        let expected = [
            FieldIssue("a", .required), FieldIssue("b", .required), FieldIssue("d", .tooLong, ["max": "3"]),
            FieldIssue("g", .duplicate),
        ]
        #expect(issues.all == expected)
        #expect(throws: ValidationError(issues: expected)) { try issues.throwIfAny() }
        #expect(ValidationError("x", .invalidURL) == ValidationError(issues: [FieldIssue("x", .invalidURL)]))
    }

    @Test("trimmedOrNil")
    func trimmedOrNil() {
        #expect("  a b  ".trimmedOrNil == "a b")
        #expect(" \t\n".trimmedOrNil == nil)
        #expect("".trimmedOrNil == nil)
        #expect(String?.none.trimmedOrNil == nil)
        #expect(String?.some(" x ").trimmedOrNil == "x")
    }
}
