import Foundation
import Testing

@testable import RapportCore

@Suite("Document rules: names, types, size limit, rights, downloads")
struct DocumentRulesTests {
    @Test(
        "File names lose folders, control characters and blanks",
        arguments: [
            ("Договор.pdf", "Договор.pdf"), ("C:\\Users\\Анна\\КП v2.docx", "КП v2.docx"), ("/etc/passwd", "passwd"),
            ("../../secret", "secret"), ("  отчёт .xlsx \n", "отчёт .xlsx"), ("a\u{0}b\u{7}c.txt", "abc.txt"), ("..", ""), ("/", ""),
            ("", ""),
        ])
    func cleanFileName(_ raw: String, _ expected: String) {
        #expect(DocumentRules.cleanFileName(raw) == expected)
    }

    @Test("An upload is checked against the limit and named")
    func validate() throws {
        let limit = 1 << 20
        let ok = try DocumentRules.validate(
            DocumentUpload(fileName: "КП.pdf", mediaType: "Application/PDF", size: limit), maximumBytes: limit, needsTitle: true)
        #expect(ok.fileName == "КП.pdf")
        #expect(ok.title == "КП.pdf", "a new document is called by its file's name")
        #expect(ok.mediaType == "application/pdf")
        let titled = try DocumentRules.validate(
            DocumentUpload(fileName: "a.txt", title: " Счёт ", mediaType: nil, size: 1), maximumBytes: limit, needsTitle: true)
        #expect(titled.title == "Счёт")
        #expect(titled.mediaType == DocumentRules.defaultMediaType)
        let version = try DocumentRules.validate(
            DocumentUpload(fileName: "a.txt", mediaType: nil, size: 1), maximumBytes: limit, needsTitle: false)
        #expect(version.title == "", "a new version keeps the document's title")

        func fields(_ upload: DocumentUpload) -> [String] {
            do {
                _ = try DocumentRules.validate(upload, maximumBytes: limit, needsTitle: true)
                return []
            } catch { return error.issues.map(\.field) }
        }
        #expect(fields(DocumentUpload(fileName: "a", mediaType: nil, size: limit + 1)) == ["file"])
        #expect(fields(DocumentUpload(fileName: "a", mediaType: nil, size: 0)) == ["file"])
        #expect(fields(DocumentUpload(fileName: nil, mediaType: nil, size: 1)) == ["fileName"])
        #expect(fields(DocumentUpload(fileName: "dir/..", mediaType: nil, size: 1)) == ["fileName"])
        #expect(fields(DocumentUpload(fileName: String(repeating: "я", count: 256), mediaType: nil, size: 1)) == ["fileName"])
        #expect(fields(DocumentUpload(fileName: "a", title: String(repeating: "т", count: 256), mediaType: nil, size: 1)) == ["title"])
        #expect(fields(DocumentUpload(fileName: "a", mediaType: "pdf", size: 1)) == ["mediaType"])
        #expect(fields(DocumentUpload(fileName: nil, mediaType: "x", size: limit + 1)) == ["file", "fileName", "mediaType"])
        do {
            _ = try DocumentRules.validate(
                DocumentUpload(fileName: "a", mediaType: nil, size: 26 << 20), maximumBytes: 25 << 20, needsTitle: true)
            Issue.record("an oversized file was accepted")
        } catch {
            #expect(error.issues == [FieldIssue("file", .fileTooLarge, ["max": "25"])])
            #expect(Messages.text(for: error.issues[0], locale: .en) == "The file is too large (at most 25 MB).")
        }
    }

    @Test(
        "Media types",
        arguments: [
            ("application/pdf", true), ("text/plain; charset=utf-8", true), ("application/vnd.ms-excel", true),
            ("image/svg+xml", true), ("pdf", false), ("/pdf", false), ("text/", false), ("text/plain\r\nX: y", false),
            ("a/b/c", false), ("тип/вид", false),
        ])
    func mediaTypes(_ text: String, _ valid: Bool) {
        #expect(DocumentRules.isMediaType(text) == valid)
    }

    @Test("Reading documents needs reading the record; every change needs changing it")
    func parentOperation() {
        #expect(DocumentRules.parentOperation(for: .read) == .read)
        for operation in [RecordOperation.create, .update, .delete] { #expect(DocumentRules.parentOperation(for: operation) == .update) }
        #expect(DocumentRules.attachableKinds == [.contact, .company, .deal])
    }

    @Test("Storage keys are content addresses inside the workspace's folder")
    func storageKey() {
        let hash = String(repeating: "ab", count: 32)
        #expect(DocumentRules.storageKey(workspace: Workspace.ID("w-1"), sha256: hash) == "w-1/ab/\(hash)")
    }

    @Test("Downloads name the file in ASCII and in RFC 5987 UTF-8")
    func contentDisposition() {
        #expect(
            DocumentRules.contentDisposition(fileName: "report.pdf") == "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf")
        let cyrillic = DocumentRules.contentDisposition(fileName: "КП \"итог\" 100%.docx")
        #expect(
            cyrillic
                == "attachment; filename=\"__ ______ 100_.docx\"; filename*=UTF-8''%D0%9A%D0%9F%20%22%D0%B8%D1%82%D0%BE%D0%B3%22%20100%25.docx"
        )
        #expect(cyrillic.unicodeScalars.allSatisfy { $0.isASCII })
    }
}
