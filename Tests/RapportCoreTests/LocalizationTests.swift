import Foundation
import RapportCore
import Testing

@Suite("Locale negotiation, messages and problem codes")
struct LocalizationTests {
    // MARK: - AppLocale.negotiate

    @Test(
        "Accept-Language negotiation",
        arguments: [
            ("ru", AppLocale.ru), ("en", .en), ("EN", .en), ("en-GB", .en), ("ru-RU,ru;q=0.9,en;q=0.8", .ru),
            ("en-US,en;q=0.9,ru;q=0.8", .en), ("de-DE,de;q=0.9,en;q=0.5", .en), ("fr;q=1, ru;q=0.3, en;q=0.7", .en),
            ("ru;q=0.2, en-US;q=0.5", .en), ("en;q=0, ru;q=0.1", .ru), (" en-us ; q=0.4 , ru ; q=0.3", .en),
            ("en, ru", .en), ("ru, en", .ru), ("en;q=abc, ru;q=0.5", .ru), ("kk-KZ, ru-KZ;q=0.8", .ru),
        ])
    func negotiate(_ header: String, _ expected: AppLocale) {
        #expect(AppLocale.negotiate(acceptLanguage: header) == expected)
        // A supported language wins over either fallback.
        #expect(AppLocale.negotiate(acceptLanguage: header, fallback: .en) == expected)
    }

    @Test(
        "Fallback when nothing supported is acceptable", arguments: [nil, "", "de", "*", "en;q=0", "fr-FR, de;q=0.5", ",,;"] as [String?])
    func fallback(_ header: String?) {
        #expect(AppLocale.negotiate(acceptLanguage: header) == .ru)
        #expect(AppLocale.negotiate(acceptLanguage: header, fallback: .en) == .en)
    }

    // MARK: - Messages

    @Test("Every field issue code has distinct, non-empty Russian and English text", arguments: FieldIssue.Code.allCases)
    func fieldMessages(_ code: FieldIssue.Code) {
        let issue = FieldIssue("field", code)
        let ru = Messages.text(for: issue, locale: .ru)
        let en = Messages.text(for: issue, locale: .en)
        #expect(!ru.isEmpty && !en.isEmpty)
        #expect(ru != en)
        #expect(ru.contains { ("а"..."я").contains($0) || ("А"..."Я").contains($0) }, "\(ru)")
        #expect(!en.contains { ("а"..."я").contains($0) || ("А"..."Я").contains($0) }, "\(en)")
    }

    @Test("Field messages are distinct per code in each language", arguments: AppLocale.allCases)
    func fieldMessagesDistinct(_ locale: AppLocale) {
        let texts = FieldIssue.Code.allCases.map { Messages.text(for: FieldIssue("f", $0), locale: locale) }
        #expect(Set(texts).count == FieldIssue.Code.allCases.count)
    }

    @Test("Every problem code has distinct, non-empty Russian and English titles", arguments: ProblemCode.allCases)
    func problemTitles(_ problem: ProblemCode) {
        let ru = Messages.title(for: problem, locale: .ru)
        let en = Messages.title(for: problem, locale: .en)
        #expect(!ru.isEmpty && !en.isEmpty)
        #expect(ru != en)
    }

    @Test("Problem titles are distinct per code in each language", arguments: AppLocale.allCases)
    func problemTitlesDistinct(_ locale: AppLocale) {
        let titles = ProblemCode.allCases.map { Messages.title(for: $0, locale: locale) }
        #expect(Set(titles).count == ProblemCode.allCases.count)
    }

    @Test("Messages carry their parameters")
    func parameters() {
        #expect(Messages.text(for: FieldIssue("name", .tooLong, ["max": "300"]), locale: .en) == "Too long (at most 300 characters).")
        #expect(Messages.text(for: FieldIssue("name", .tooLong, ["max": "300"]), locale: .ru).contains("300"))
        #expect(
            Messages.text(for: FieldIssue("p", .outOfRange, ["min": "0", "max": "100"]), locale: .en)
                == "Value out of range: 0 to 100.")
        #expect(
            Messages.text(for: FieldIssue("p", .outOfRange, ["min": "0", "max": "100"]), locale: .ru)
                == "Значение вне допустимого диапазона: от 0 до 100.")
        #expect(Messages.text(for: FieldIssue("p", .outOfRange, ["max": "20"]), locale: .en) == "Value out of range: at most 20.")
        #expect(
            Messages.text(for: FieldIssue("p", .outOfRange, ["min": "1"]), locale: .ru)
                == "Значение вне допустимого диапазона: не меньше 1.")
        #expect(Messages.text(for: FieldIssue("p", .outOfRange), locale: .en) == "Value out of range.")
        #expect(
            Messages.text(for: FieldIssue("s", .invalidOption, ["options": "b2b, b2c"]), locale: .en)
                == "Not an allowed value. Allowed: b2b, b2c.")
        #expect(Messages.text(for: FieldIssue("s", .invalidOption), locale: .ru) == "Недопустимое значение.")
        #expect(
            Messages.text(for: FieldIssue("n", .wrongType, ["expected": "number"]), locale: .en) == "Wrong value type (expected number).")
        #expect(Messages.text(for: FieldIssue("n", .wrongType), locale: .en) == "Wrong value type.")
        #expect(Messages.text(for: FieldIssue("pw", .tooWeak), locale: .en).contains("at least 8"))
        #expect(Messages.text(for: FieldIssue("pw", .tooWeak, ["min": "12"]), locale: .ru).contains("12"))
    }

    // MARK: - Codes

    @Test(
        "HTTP status of every problem code",
        arguments: [
            (ProblemCode.validationFailed, 422), (.malformedRequest, 400), (.notFound, 404), (.forbidden, 403),
            (.unauthenticated, 401), (.invalidCredentials, 401), (.rateLimited, 429), (.csrfFailed, 403),
            (.versionConflict, 409), (.inTrash, 409), (.notInTrash, 409), (.alreadyExists, 409),
            (.idempotencyKeyReused, 422), (.idempotencyInProgress, 409), (.methodNotAllowed, 405),
            (.payloadTooLarge, 413), (.internalError, 500), (.unavailable, 503),
        ])
    func status(_ problem: ProblemCode, _ status: Int) {
        #expect(problem.status == status)
    }

    @Test("The status table covers every problem code")
    func statusTableComplete() {
        #expect(ProblemCode.allCases.count == 18)
        #expect(ProblemCode.allCases.allSatisfy { (400...599).contains($0.status) })
    }

    static func isSnakeCase(_ text: String) -> Bool {
        !text.isEmpty && text.allSatisfy { ("a"..."z").contains($0) || $0 == "_" } && !text.hasPrefix("_")
            && !text.hasSuffix("_")
    }

    @Test("Stable codes are snake_case and unique")
    func codesAreSnakeCase() {
        for code in FieldIssue.Code.allCases { #expect(Self.isSnakeCase(code.rawValue), "\(code.rawValue)") }
        for code in ProblemCode.allCases { #expect(Self.isSnakeCase(code.rawValue), "\(code.rawValue)") }
        #expect(FieldIssue.Code(rawValue: "reason_required") == .reasonRequired)
        #expect(ProblemCode(rawValue: "version_conflict") == .versionConflict)
    }

    @Test("A field issue encodes with its stable code")
    func fieldIssueCodable() throws {
        let issue = FieldIssue("emails[0].address", .invalidEmail, ["a": "b"])
        let data = try JSONEncoder().encode(issue)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["code"] as? String == "invalid_email")
        #expect(object["field"] as? String == "emails[0].address")
        #expect(try JSONDecoder().decode(FieldIssue.self, from: data) == issue)
    }
}
