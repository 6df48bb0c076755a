import Foundation
import RapportCore
import Testing

@Suite("JSON written directly")
struct JSONTextTests {
    static let value: JSONValue = .object([
        "имя": .string("Ёжиков \"Ёж\" \\ слэш / \n\r\t\u{01}конец"),
        "b": .array([.int(-42), .double(1.5), .double(1e20), .bool(true), .bool(false), .null]),
        "a": .object(["z": .string(""), "y": .array([])]),
        "emoji": .string("👍🏽"),
    ])

    @Test("What it writes reads back as the same value, keys sorted, nothing between tokens")
    func roundTrip() throws {
        let text = Self.value.jsonText
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) == Self.value)
        #expect(text.hasPrefix(#"{"a":{"y":[],"z":""},"b":[-42,1.5,1e+20,true,false,null],"emoji":"👍🏽","#))
        #expect(text.contains(#"\"Ёж\" \\ слэш / \n\r\t\u0001конец"#))
    }

    @Test("Control characters are escaped by their short names, the rest as \\u00XX")
    func controlCharacters() {
        #expect(JSONValue.string("\u{08}\u{0C}\u{1F}\u{7F}").jsonText == "\"\\b\\f\\u001f\u{7F}\"")
    }

    @Test("Numbers JSON cannot hold are written as null")
    func nonFinite() {
        #expect(JSONValue.array([.double(.infinity), .double(.nan)]).jsonText == "[null,null]")
    }

    @Test("It agrees with JSONEncoder on everything but spelling")
    func agreesWithEncoder() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let encoded = try JSONDecoder().decode(JSONValue.self, from: try encoder.encode(Self.value))
        let written = try JSONDecoder().decode(JSONValue.self, from: Data(Self.value.jsonText.utf8))
        #expect(encoded == written)
    }
}

@Suite("Trimming without Foundation")
struct TrimmingTests {
    @Test(
        "The same as trimmingCharacters(in: .whitespacesAndNewlines)",
        arguments: [
            "", " ", "\t\r\n", "  Иванов ", "\u{A0}Пётр\u{3000}", "a", " a b ", "\u{2028}x\u{2029}", "\u{85}y\u{200B}", "👍🏽 ", "e\u{301} ",
        ])
    func sameAsFoundation(_ text: String) {
        #expect(text.trimmed == text.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(text.trimmedOrNil == (text.trimmed.isEmpty ? nil : text.trimmed))
    }
}

@Suite("Audit changes as JSON")
struct FieldChangeJSONTests {
    @Test("A change's JSON value is what its Codable form writes, so the audit log reads back what was written")
    func sameAsCodable() throws {
        let changes = [
            FieldChange(field: "lastName", before: .null, after: .string("Ёжиков")),
            FieldChange(field: "tags", before: .array([.string("vip")]), after: .array([])),
        ]
        let codable = try JSONDecoder().decode(JSONValue.self, from: try JSONEncoder().encode(changes))
        #expect(JSONValue.array(changes.map(\.jsonValue)) == codable)
        let written = JSONValue.array(changes.map(\.jsonValue)).jsonText
        #expect(try JSONDecoder().decode([FieldChange].self, from: Data(written.utf8)) == changes)
    }

    @Test("A list of changes is written as the list of their JSON values")
    func listWrittenDirectly() {
        let changes = [
            FieldChange(field: "customFields.\"q\"", before: .object(["b": 1, "a": [true, nil]]), after: .string("line\nбreak")),
            FieldChange(field: "amount", before: .double(1.5), after: .int(-3)),
        ]
        #expect(FieldChange.jsonText(changes) == JSONValue.array(changes.map(\.jsonValue)).jsonText)
        #expect(FieldChange.jsonText([]) == "[]")
    }
}
