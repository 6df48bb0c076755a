import Foundation
import RapportCore
import Testing

@Suite("Custom field rules")
struct CustomFieldRulesTests {
    static let definitions: [CustomFieldDefinition] = [
        CoreFixture.field("note", .text),
        CoreFixture.field("budget", .number),
        CoreFixture.field("price", .money),
        CoreFixture.field("since", .date),
        CoreFixture.field("segment", .select, options: ["b2b", "b2c"]),
        CoreFixture.field("channels", .multiSelect, options: ["email", "sms", "call"]),
        CoreFixture.field("vip", .boolean),
        CoreFixture.field("site", .url),
    ]

    /// Merges one value into an empty record: the stored value, or the issue.
    static func check(_ key: String, _ value: JSONValue) -> (stored: JSONValue?, issues: [FieldIssue]) {
        let (merged, issues) = CustomFieldRules.merge([key: value], into: [:], definitions: definitions)
        return (merged[key], issues)
    }

    // MARK: - Accepted values and their canonical forms

    @Test(
        "Accepted values and what is stored",
        arguments: [
            ("note", "Любой текст", "Любой текст"),
            ("budget", 42, 42),
            ("budget", -1.5, -1.5),
            ("budget", "42", 42),
            ("budget", "-7", -7),
            ("budget", "3,14", 3.14),
            ("budget", "2.5", 2.5),
            ("budget", "1e3", 1000.0),
            ("price", ["amount": 150_000, "currency": "RUB"], ["amount": 150_000, "currency": "RUB"]),
            ("price", ["amount": 5, "currency": "usd", "extra": true], ["amount": 5, "currency": "USD"]),
            ("price", ["amount": -5, "currency": "EUR"], ["amount": -5, "currency": "EUR"]),
            ("since", "2024-02-29", "2024-02-29"),
            ("segment", "b2b", "b2b"),
            ("channels", ["sms", "email", "sms"], ["sms", "email"]),
            ("channels", [], []),
            ("vip", true, true),
            ("vip", false, false),
            ("site", "https://example.ru/page?x=1", "https://example.ru/page?x=1"),
            ("site", "HTTP://Example.RU", "HTTP://Example.RU"),
        ] as [(String, JSONValue, JSONValue)])
    func accepted(_ key: String, _ value: JSONValue, _ stored: JSONValue) {
        let result = Self.check(key, value)
        #expect(result.issues.isEmpty)
        #expect(result.stored == stored)
    }

    @Test("A text of 2000 characters is accepted, 2001 refused")
    func textLength() {
        #expect(Self.check("note", .string(String(repeating: "т", count: 2000))).issues.isEmpty)
        #expect(
            Self.check("note", .string(String(repeating: "т", count: 2001))).issues == [
                FieldIssue("customFields.note", .tooLong, ["max": "2000"])
            ])
    }

    // MARK: - Refused values

    @Test(
        "Refused values and their codes",
        arguments: [
            ("note", 5, FieldIssue.Code.wrongType),
            ("note", ["a"], .wrongType),
            ("budget", "abc", .wrongType),
            ("budget", "", .wrongType),
            ("budget", "inf", .wrongType),
            ("budget", "nan", .wrongType),
            ("budget", true, .wrongType),
            ("budget", [1], .wrongType),
            ("price", 100, .wrongType),
            ("price", ["amount": 1.5, "currency": "RUB"], .invalidAmount),
            ("price", ["amount": "100", "currency": "RUB"], .invalidAmount),
            ("price", ["amount": 100], .invalidAmount),
            ("price", ["amount": 100, "currency": "RU"], .invalidAmount),
            ("price", ["amount": 100, "currency": "РУБ"], .invalidAmount),
            ("since", "2026-02-30", .invalidDate),
            ("since", "30.01.2026", .invalidDate),
            ("since", "2026-1-5", .invalidDate),
            ("since", 20_260_105, .wrongType),
            ("segment", "B2B", .invalidOption),
            ("segment", "other", .invalidOption),
            ("segment", ["b2b"], .wrongType),
            ("channels", ["email", "fax"], .invalidOption),
            ("channels", [1], .invalidOption),
            ("channels", "email", .wrongType),
            ("vip", "true", .wrongType),
            ("vip", 1, .wrongType),
            ("site", "example.ru", .invalidURL),
            ("site", "ftp://example.ru", .invalidURL),
            ("site", "https://exa mple.ru", .invalidURL),
            ("site", 1, .wrongType),
        ] as [(String, JSONValue, FieldIssue.Code)])
    func refused(_ key: String, _ value: JSONValue, _ code: FieldIssue.Code) {
        let result = Self.check(key, value)
        #expect(CoreFixture.pairs(result.issues) == [.init("customFields.\(key)", code)])
        #expect(result.stored == nil)
    }

    @Test("A URL over 2000 characters is refused")
    func longURL() {
        let url = "https://example.ru/" + String(repeating: "a", count: 1982)
        #expect(url.count == 2001)
        #expect(Self.check("site", .string(url)).issues == [FieldIssue("customFields.site", .invalidURL)])
        #expect(Self.check("site", .string(String(url.dropLast()))).issues.isEmpty)
    }

    @Test("Option refusals name the allowed options")
    func optionParameters() {
        #expect(
            Self.check("segment", "x").issues == [FieldIssue("customFields.segment", .invalidOption, ["options": "b2b, b2c"])])
        #expect(
            Self.check("channels", ["x"]).issues == [
                FieldIssue("customFields.channels", .invalidOption, ["options": "email, sms, call"])
            ])
    }

    @Test("Every kind refuses values of a foreign shape", arguments: CustomFieldKind.allCases)
    func foreignShapes(_ kind: CustomFieldKind) throws {
        let key = try #require(Self.definitions.first { $0.kind == kind }).key
        for value: JSONValue in [["unexpected": 1], [["nested": true]]] {
            let result = Self.check(key, value)
            #expect(result.issues.count == 1)
            #expect(result.stored == nil)
        }
    }

    // MARK: - Merge

    @Test("Null removes a value; other keys are kept")
    func nullRemoves() {
        let current: [String: JSONValue] = ["note": "x", "vip": true]
        let (merged, issues) = CustomFieldRules.merge(["note": nil], into: current, definitions: Self.definitions)
        #expect(issues.isEmpty)
        #expect(merged == ["vip": true])
    }

    @Test("A refused value leaves the current value in place")
    func refusedKeepsCurrent() {
        let current: [String: JSONValue] = ["budget": 10]
        let (merged, issues) = CustomFieldRules.merge(["budget": "много"], into: current, definitions: Self.definitions)
        #expect(merged == current)
        #expect(issues == [FieldIssue("customFields.budget", .wrongType)])
    }

    @Test("Unknown keys are refused, even with null, and not stored")
    func unknownKey() {
        let (merged, issues) = CustomFieldRules.merge(
            ["zeta": 1, "alpha": nil, "vip": true], into: ["keep": 1], definitions: Self.definitions)
        #expect(merged == ["keep": 1, "vip": true])
        // Issues come in key order, so responses are stable.
        #expect(issues == [FieldIssue("customFields.alpha", .unknownField), FieldIssue("customFields.zeta", .unknownField)])
    }

    @Test("Definitions of other records' fields are matched by key only")
    func emptyDefinitions() {
        let (merged, issues) = CustomFieldRules.merge(["note": "x"], into: [:], definitions: [])
        #expect(merged.isEmpty)
        #expect(issues == [FieldIssue("customFields.note", .unknownField)])
    }

    // MARK: - Required

    @Test("Required fields without a value are reported")
    func missingRequired() {
        let definitions = [
            CoreFixture.field("a", .text, required: true), CoreFixture.field("b", .text, required: true),
            CoreFixture.field("c", .text, required: true), CoreFixture.field("d", .text),
        ]
        let issues = CustomFieldRules.missingRequired(["a": "x", "b": nil], definitions: definitions)
        #expect(issues == [FieldIssue("customFields.b", .required), FieldIssue("customFields.c", .required)])
        #expect(CustomFieldRules.missingRequired(["a": "", "b": false, "c": 0], definitions: definitions).isEmpty)
    }

    @Test("A blank text does not satisfy a required text field")
    func blankRequiredText() {
        let required = CoreFixture.field("comment", .text, required: true)
        let (merged, mergeIssues) = CustomFieldRules.merge(["comment": "   "], into: [:], definitions: [required])
        do {
            let issues = mergeIssues + CustomFieldRules.missingRequired(merged, definitions: [required])
            #expect(issues == [FieldIssue("customFields.comment", .required)])
        }
    }

    // MARK: - Definitions

    static func validate(
        entity: RecordKind = .contact, key: String? = "budget", label: String? = "Бюджет", kind: CustomFieldKind = .text,
        options: [String] = [], existing: [String] = []
    ) -> [FieldIssue] {
        CustomFieldDefinition.validate(
            entity: entity, key: key, label: label, kind: kind, options: options, existingKeys: existing)
    }

    @Test("Custom fields exist on contacts, companies and deals only", arguments: RecordKind.allCases)
    func definitionEntity(_ entity: RecordKind) {
        let allowed: Set<RecordKind> = [.contact, .company, .deal]
        #expect(Self.validate(entity: entity) == (allowed.contains(entity) ? [] : [FieldIssue("entity", .invalidOption)]))
        #expect(Set(CustomFieldDefinition.entities) == allowed)
    }

    @Test(
        "Key format",
        arguments: [
            ("budget", true), ("Budget_2026", true), ("_internal", true), ("a", true),
            (String(repeating: "k", count: 40), true), (String(repeating: "k", count: 41), false), ("", false),
            ("2budget", false), ("бюджет", false), ("my-field", false), ("my field", false), ("a.b", false),
            ("ключ1", false),
        ])
    func definitionKey(_ key: String, _ valid: Bool) {
        #expect(Self.validate(key: key) == (valid ? [] : [FieldIssue("key", .invalidFormat)]))
    }

    @Test("A key is required and unique")
    func definitionKeyRequiredAndUnique() {
        #expect(Self.validate(key: nil) == [FieldIssue("key", .required)])
        #expect(Self.validate(key: "budget", existing: ["size", "budget"]) == [FieldIssue("key", .duplicate)])
        // A malformed key is reported as such, not as a duplicate.
        #expect(Self.validate(key: "9x", existing: ["9x"]) == [FieldIssue("key", .invalidFormat)])
    }

    @Test("A label is required and at most 100 characters")
    func definitionLabel() {
        #expect(Self.validate(label: nil) == [FieldIssue("label", .required)])
        #expect(Self.validate(label: "   ") == [FieldIssue("label", .required)])
        #expect(Self.validate(label: String(repeating: "л", count: 101)) == [FieldIssue("label", .tooLong, ["max": "100"])])
        #expect(Self.validate(label: String(repeating: "л", count: 100)).isEmpty)
    }

    @Test("Select fields need distinct options", arguments: [CustomFieldKind.select, .multiSelect])
    func definitionOptions(_ kind: CustomFieldKind) {
        #expect(Self.validate(kind: kind, options: []) == [FieldIssue("options", .required)])
        #expect(Self.validate(kind: kind, options: ["a", "b", "a"]) == [FieldIssue("options", .duplicate)])
        #expect(Self.validate(kind: kind, options: ["a", "b"]).isEmpty)
    }

    @Test("Other kinds need no options", arguments: [CustomFieldKind.text, .number, .money, .date, .boolean, .url])
    func definitionNoOptions(_ kind: CustomFieldKind) {
        #expect(Self.validate(kind: kind, options: []).isEmpty)
    }

    @Test("Every problem of a definition is reported at once")
    func definitionAllIssues() {
        let issues = Self.validate(entity: .task, key: "1", label: "", kind: .select, options: [])
        #expect(
            issues == [
                FieldIssue("entity", .invalidOption), FieldIssue("label", .required), FieldIssue("key", .invalidFormat),
                FieldIssue("options", .required),
            ])
    }

    @Test("Stable kind names")
    func kindRawValues() {
        #expect(
            CustomFieldKind.allCases.map(\.rawValue) == [
                "text", "number", "money", "date", "select", "multi_select", "boolean", "url",
            ])
    }
}
