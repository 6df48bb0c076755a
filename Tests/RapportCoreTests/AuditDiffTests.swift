import Foundation
import RapportCore
import Testing

@Suite("Audit diff")
struct AuditDiffTests {
    @Test("Only changed fields, sorted by name")
    func changesSorted() {
        let before: [String: JSONValue] = ["title": "A", "amount": 1, "tags": ["x"], "same": true]
        let after: [String: JSONValue] = ["title": "B", "amount": 2, "tags": ["x", "y"], "same": true, "city": "Омск"]
        #expect(
            AuditDiff.changes(from: before, to: after) == [
                FieldChange(field: "amount", before: 1, after: 2),
                FieldChange(field: "city", before: nil, after: "Омск"),
                FieldChange(field: "tags", before: ["x"], after: ["x", "y"]),
                FieldChange(field: "title", before: "A", after: "B"),
            ])
    }

    @Test("Equal snapshots give no changes")
    func noChanges() {
        let snapshot: [String: JSONValue] = ["a": 1, "b": ["c": [true, nil]]]
        #expect(AuditDiff.changes(from: snapshot, to: snapshot).isEmpty)
        #expect(AuditDiff.changes(from: [:], to: [:]).isEmpty)
    }

    @Test("A missing field counts as null")
    func missingIsNull() {
        #expect(AuditDiff.changes(from: ["city": nil], to: [:]).isEmpty)
        #expect(AuditDiff.changes(from: [:], to: ["city": nil]).isEmpty)
        #expect(AuditDiff.changes(from: ["city": "Омск"], to: [:]) == [FieldChange(field: "city", before: "Омск", after: nil)])
    }

    @Test("Values of different types differ")
    func typesMatter() {
        #expect(AuditDiff.changes(from: ["n": 1], to: ["n": "1"]).count == 1)
        #expect(AuditDiff.changes(from: ["n": 1], to: ["n": 1.0]).count == 1)
        #expect(AuditDiff.changes(from: ["b": false], to: ["b": nil]).count == 1)
        #expect(AuditDiff.changes(from: ["s": ""], to: ["s": nil]).count == 1)
    }

    @Test("Creation lists every non-null, non-empty-list field as a change from null")
    func creation() {
        let snapshot: [String: JSONValue] = [
            "title": "Сделка", "companyId": nil, "tags": [], "contactIds": ["c1"], "flag": false, "note": "",
        ]
        #expect(
            AuditDiff.creation(snapshot) == [
                FieldChange(field: "contactIds", before: nil, after: ["c1"]),
                FieldChange(field: "flag", before: nil, after: false),
                FieldChange(field: "note", before: nil, after: ""),
                FieldChange(field: "title", before: nil, after: "Сделка"),
            ])
        #expect(AuditDiff.creation([:]).isEmpty)
    }

    @Test("A field change round-trips through JSON")
    func codable() throws {
        let change = FieldChange(field: "amount", before: nil, after: ["amount": 100, "currency": "RUB"])
        let data = try JSONEncoder().encode(change)
        #expect(try JSONDecoder().decode(FieldChange.self, from: data) == change)
    }

    @Test("Stable action names")
    func actions() {
        #expect(
            AuditAction.allCases.map(\.rawValue) == [
                "create", "update", "delete", "restore", "purge", "move", "export", "merge", "login", "token_create",
                "token_revoke",
            ])
    }
}
