import Foundation
import Testing

@testable import RapportCore

@Suite("Workspace archive format: canonical lines, column kinds, typed values")
struct ArchiveFormatTests {
    struct Failure: Error {}

    @Test("A row is one line of JSON with columns in the given order and every value typed")
    func line() throws {
        let text = ArchiveFormat.line(
            ["b", "a", "n", "f", "r", "s"],
            [.int(-42), .string("Пётр \"Ё\"\n\\\t\u{1}/"), .null, .bool(false), .double(0.1), .string("")])
        #expect(text == #"{"b":-42,"a":"Пётр \"Ё\"\n\\\t\u0001/","n":null,"f":false,"r":0.1,"s":""}"#)
        #expect(!text.contains("\n"), "one row, one line")
        // Any JSON reader reads it back to the same values.
        let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        guard case .object(let members) = decoded else { throw Failure() }
        #expect(members["a"] == .string("Пётр \"Ё\"\n\\\t\u{1}/"))
        #expect(members["r"] == .double(0.1))
        #expect(ArchiveFormat.line([], []) == "{}")
        #expect(ArchiveFormat.line(["j"], [.object(["z": 1, "a": [true, .null]])]) == #"{"j":{"a":[true,null],"z":1}}"#)
    }

    @Test(
        "Declared column types of both engines",
        arguments: [
            ("TEXT", ArchiveFormat.ColumnKind.text), ("text", .text), ("character varying", .text), ("BIGINT", .integer),
            ("INTEGER", .integer), ("bigint", .integer), ("integer", .integer), ("BOOLEAN", .boolean), ("boolean", .boolean),
            ("DOUBLE PRECISION", .real), ("double precision", .real), ("REAL", .real),
        ])
    func kinds(_ declared: String, _ kind: ArchiveFormat.ColumnKind) {
        #expect(ArchiveFormat.ColumnKind(declared: declared) == kind)
    }

    @Test("Types the archive cannot carry are refused")
    func unknownKinds() {
        #expect(ArchiveFormat.ColumnKind(declared: "BLOB") == nil)
        #expect(ArchiveFormat.ColumnKind(declared: "jsonb") == nil)
    }

    @Test("Values are checked against their column")
    func typed() {
        #expect(ArchiveFormat.typed(.string("x"), as: .text) == .string("x"))
        #expect(ArchiveFormat.typed(.null, as: .integer) == .null)
        #expect(ArchiveFormat.typed(.int(3), as: .real) == .double(3))
        #expect(ArchiveFormat.typed(.int(3), as: .text) == nil)
        #expect(ArchiveFormat.typed(.string("1"), as: .integer) == nil)
        #expect(ArchiveFormat.typed(.int(1), as: .boolean) == nil)
        #expect(ArchiveFormat.typed(.double(1.5), as: .integer) == nil)
    }

    @Test("The manifest encodes the same way every time")
    func manifest() throws {
        let manifest = ArchiveManifest(
            schemaVersion: 12, workspaceId: "w", createdAt: "2026-01-01T00:00:00Z",
            tables: [.init(name: "t", rows: 1, columns: [.init(name: "id", kind: .text)])],
            files: [.init(key: "w/ab/ab", sha256: "ab", size: 1)])
        let expected = """
            {
              "createdAt" : "2026-01-01T00:00:00Z",
              "files" : [
                {
                  "key" : "w/ab/ab",
                  "sha256" : "ab",
                  "size" : 1
                }
              ],
              "format" : "rapport-workspace-archive",
              "formatVersion" : 1,
              "schemaVersion" : 12,
              "tables" : [
                {
                  "columns" : [
                    {
                      "kind" : "text",
                      "name" : "id"
                    }
                  ],
                  "name" : "t",
                  "rows" : 1
                }
              ],
              "workspaceId" : "w"
            }
            """
        #expect(String(decoding: try manifest.encoded(), as: UTF8.self) == expected, "keys sorted, slashes unescaped")
        #expect(try JSONDecoder().decode(ArchiveManifest.self, from: Data(manifest.encoded())) == manifest)
        #expect(manifest.format == "rapport-workspace-archive")
        #expect(ArchiveFormat.tablePath("deals") == "tables/deals.ndjson")
        #expect(ArchiveFormat.filePath("w/ab/ab") == "files/w/ab/ab")
    }
}
