import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import RapportCore
import Testing

@testable import RapportHTTP

/// Documents with versions on contacts, companies and deals: upload, new versions, byte-exact downloads,
/// the size limit, who may do what, workspace isolation, Cyrillic file names, the card's panel.
@Suite struct DocumentTests {
    /// Uploads raw bytes (the API's upload shape) and checks the answer against the contract.
    static func upload(
        _ api: API, _ path: String, _ token: String, _ bytes: [UInt8], fileName: String?, title: String? = nil,
        type: String = "application/pdf", language: String = "en"
    ) async throws -> API.Reply {
        var query: [(String, String?)] = [("fileName", fileName), ("title", title)]
        query = query.filter { $0.1 != nil }
        let uri = WebURL(path, query).path
        let response = try await api.client.executeRequest(
            uri: uri, method: .post,
            headers: [.authorization: "Bearer \(token)", .contentType: type, .acceptLanguage: language], body: ByteBuffer(bytes: bytes))
        let text = String(buffer: response.body)
        let json = (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .string(text)
        let reply = API.Reply(status: Int(response.status.code), json: json, headers: response.headers)
        #expect(reply.status < 500, "5xx: \(text)")
        let problems = ContractCheck.validate(method: "POST", path: uri, status: reply.status, body: json)
        #expect(problems.isEmpty, "\(uri) → \(reply.status) breaks the contract: \(problems)")
        return reply
    }

    static func download(_ api: API, _ path: String, _ token: String) async throws -> (Int, [UInt8], HTTPFields) {
        let response = try await api.client.executeRequest(
            uri: path, method: .get, headers: [.authorization: "Bearer \(token)"], body: nil)
        return (Int(response.status.code), Array(response.body.readableBytesView), response.headers)
    }

    static func bytes(_ count: Int, seed: UInt8) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) } }

    @Test func versionsUploadListAndDownloadByteExactWithTheirNames() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let deal = try await api.post("/api/v1/deals", token, ["title": "Поставка"])
            #expect(deal.status == 201)
            let first = Self.bytes(70_000, seed: 1)
            let second = Self.bytes(1_234, seed: 2) + [0, 0xFF, 0x0D, 0x0A]
            let created = try await Self.upload(
                api, "/api/v1/deals/\(deal.id)/documents", token, first, fileName: "Коммерческое предложение.pdf")
            #expect(created.status == 201)
            #expect(created["title"] == "Коммерческое предложение.pdf", "the title defaults to the file name")
            #expect(created["currentVersion"] == 1)
            #expect(created["recordType"] == "deal")
            #expect(created["recordId"] == .string(deal.id))
            let id = created.id

            let next = try await Self.upload(
                api, "/api/v1/documents/\(id)/versions", token, second, fileName: "C:\\Users\\anna\\КП v2 (итог).docx",
                type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
            #expect(next.status == 201)
            #expect(next["currentVersion"] == 2)
            let versions = next["versions"].arrayValue
            #expect(versions.map { $0["number"].intValue } == [1, 2])
            #expect(versions[1]["fileName"] == "КП v2 (итог).docx", "folders a browser sends are dropped")
            #expect(versions[0]["size"] == 70_000)

            let listed = try await api.get("/api/v1/deals/\(deal.id)/documents", token)
            #expect(listed.data.map { $0["id"] } == [.string(id)])
            #expect(listed.data[0]["versions"].arrayValue.count == 2)

            for (number, expected, type, name) in [
                (1, first, "application/pdf", "Коммерческое предложение.pdf"),
                (2, second, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "КП v2 (итог).docx"),
            ] {
                let (status, body, headers) = try await Self.download(api, "/api/v1/documents/\(id)/versions/\(number)/content", token)
                #expect(status == 200)
                #expect(body == expected, "version \(number) comes back byte for byte")
                #expect(headers[.contentType] == type)
                let disposition = try #require(headers[.contentDisposition])
                #expect(disposition.hasPrefix("attachment; filename=\""))
                let encoded = try #require(disposition.components(separatedBy: "filename*=UTF-8''").last)
                #expect(encoded.removingPercentEncoding == name, "RFC 5987 carries the Cyrillic name")
                #expect(disposition.unicodeScalars.allSatisfy { $0.isASCII }, "header values stay ASCII")
            }
            let (missing, _, _) = try await Self.download(api, "/api/v1/documents/\(id)/versions/3/content", token)
            #expect(missing == 404)

            // The record's history shows the uploads and the downloads.
            let entries = try await app.store.context.database.reader.raw(
                "SELECT action FROM audit_log WHERE record_id = \(bind: deal.id) ORDER BY at, id"
            ).all().map { try $0.decode(column: "action", as: String.self) }
            #expect(entries.filter { $0 == "update" }.count == 2)
            #expect(entries.filter { $0 == "export" }.count == 2)
        }
    }

    @Test func equalFilesAreStoredOnceUnderTheDataDirectory() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let contact = try await api.post("/api/v1/contacts", token, ["fullName": "Иванов Иван"])
            let bytes = Self.bytes(5_000, seed: 7)
            let a = try await Self.upload(api, "/api/v1/contacts/\(contact.id)/documents", token, bytes, fileName: "a.bin")
            let b = try await Self.upload(api, "/api/v1/contacts/\(contact.id)/documents", token, bytes, fileName: "b.bin")
            let sha = try #require(a["versions"][0]["sha256"].stringValue)
            #expect(b["versions"][0]["sha256"] == .string(sha))
            let key = DocumentRules.storageKey(workspace: crew.workspace.id, sha256: sha)
            let file = app.store.documents.files.root.appendingPathComponent(key)
            #expect(try Data(contentsOf: file) == Data(bytes))
            let folder = file.deletingLastPathComponent()
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == [sha], "one file, no temporary left over")
        }
    }

    @Test func theSizeLimitAndMissingNamesAreFieldErrorsInBothLanguages() async throws {
        try await TestApp.with(configure: { $0.maxUploadMegabytes = 1 }) { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let company = try await api.post("/api/v1/companies", token, ["name": "ООО Ромашка"])
            let path = "/api/v1/companies/\(company.id)/documents"
            let tooBig = try await Self.upload(api, path, token, Self.bytes((1 << 20) + 1, seed: 3), fileName: "big.bin", language: "ru")
            #expect(tooBig.status == 422)
            #expect(tooBig.errorFields == ["file"])
            #expect(tooBig["errors"][0]["message"] == "Файл слишком большой (не больше 1 МБ).")
            let exact = try await Self.upload(api, path, token, Self.bytes(1 << 20, seed: 3), fileName: "exact.bin")
            #expect(exact.status == 201, "exactly the limit is allowed")
            let nameless = try await Self.upload(api, path, token, [1, 2, 3], fileName: nil)
            #expect(nameless.status == 422)
            #expect(nameless.errorFields == ["fileName"])
            #expect(nameless["errors"][0]["message"] == "This field is required.")
            let empty = try await Self.upload(api, path, token, [], fileName: "empty.txt")
            #expect(empty.errorFields == ["file"])
            let badType = try await Self.upload(api, path, token, [1], fileName: "x", type: "not a type")
            #expect(badType.errorFields == ["mediaType"])
            #expect(try await api.get(path, token).data.count == 1, "refused uploads leave nothing behind")
        }
    }

    @Test func documentsFollowTheirRecordsVisibilityAndRights() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let other = try await Crew.make(app.store, label: "other")
            // A contact owned by the rep of team A.
            let contact = try await api.post("/api/v1/contacts", crew.token("rep"), ["fullName": "Петров Пётр"])
            let path = "/api/v1/contacts/\(contact.id)/documents"
            let doc = try await Self.upload(api, path, crew.token("rep"), [1, 2, 3], fileName: "договор.pdf")
            #expect(doc.status == 201)
            let content = "/api/v1/documents/\(doc.id)/versions/1/content"

            // Team-mates see it; the other team and the other workspace do not even learn it exists.
            #expect(try await api.get(path, crew.token("mate")).data.count == 1)
            #expect(try await Self.download(api, content, crew.token("mate")).0 == 200)
            #expect(try await api.get(path, crew.token("outsider")).status == 404)
            #expect(try await api.get("/api/v1/documents/\(doc.id)", crew.token("outsider")).status == 404)
            #expect(try await Self.download(api, content, crew.token("outsider")).0 == 404)
            #expect(try await api.get("/api/v1/documents/\(doc.id)", other.token("owner")).status == 404)
            #expect(try await Self.download(api, content, other.token("owner")).0 == 404)
            #expect(try await Self.upload(api, path, other.token("owner"), [9], fileName: "x").status == 404)

            // Seeing is not changing: the mate and the read-only user may not attach, version or delete.
            #expect(try await Self.upload(api, path, crew.token("mate"), [9], fileName: "x").status == 403)
            #expect(try await Self.upload(api, path, crew.token("reader"), [9], fileName: "x").status == 403)
            #expect(
                try await Self.upload(api, "/api/v1/documents/\(doc.id)/versions", crew.token("reader"), [9], fileName: "x").status == 403)
            #expect(try await api.delete("/api/v1/documents/\(doc.id)", crew.token("reader")).status == 403)

            // The owner may delete it to the trash and restore it.
            let deleted = try await api.delete("/api/v1/documents/\(doc.id)", crew.token("rep"))
            #expect(deleted.status == 200)
            #expect(deleted["deletedAt"].stringValue != nil)
            #expect(try await api.get(path, crew.token("rep")).data.isEmpty)
            #expect(try await api.get(path + "?trash=true", crew.token("rep")).data.count == 1)
            #expect(try await Self.upload(api, "/api/v1/documents/\(doc.id)/versions", crew.token("rep"), [9], fileName: "x").status == 409)
            #expect(try await api.post("/api/v1/documents/\(doc.id)/restore", crew.token("rep")).status == 200)
            #expect(try await api.get(path, crew.token("rep")).data.count == 1)

            // A document goes where its record goes: a contact in the trash hides its documents.
            _ = try await api.delete("/api/v1/contacts/\(contact.id)", crew.token("rep"))
            #expect(try await api.get("/api/v1/documents/\(doc.id)", crew.token("rep")).status == 404)
        }
    }

    @Test func theCardPanelUploadsVersionsAndDownloadsWithoutJavaScript() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let contact = try await api.post("/api/v1/contacts", crew.token("owner"), ["fullName": "Сидорова Анна"])
            var browser = Browser(client: api.client)
            try await browser.signIn(crew.user("owner").email)
            let card = try await browser.get("/contacts/\(contact.id)")
            #expect(card.html.contains("Documents") || card.html.contains("Документы"))
            let csrf = try #require(card.csrf)
            func post(_ path: String, file: [UInt8], name: String, title: String? = nil) async throws -> Int {
                let boundary = "rapport-doc-boundary"
                var body: [UInt8] = []
                func text(_ name: String, _ value: String) {
                    body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
                }
                text("_csrf", csrf)
                if let title { text("title", title) }
                body += Array(
                    "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\nContent-Type: text/plain\r\n\r\n"
                        .utf8)
                body += file
                body += Array("\r\n--\(boundary)--\r\n".utf8)
                let response = try await api.client.executeRequest(
                    uri: path, method: .post,
                    headers: [
                        .cookie: browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "),
                        .contentType: "multipart/form-data; boundary=\(boundary)",
                    ], body: ByteBuffer(bytes: body))
                return Int(response.status.code)
            }
            #expect(
                try await post("/contacts/\(contact.id)/documents", file: Array("первая\r\n".utf8), name: "Счёт.txt", title: "Счёт") == 303)
            let docs = try await api.get("/api/v1/contacts/\(contact.id)/documents", crew.token("owner"))
            let id = try #require(docs.data[0]["id"].stringValue)
            #expect(docs.data[0]["title"] == "Счёт")
            #expect(docs.data[0]["versions"][0]["mediaType"] == "text/plain")
            #expect(try await post("/documents/\(id)/versions", file: Array("вторая".utf8), name: "Счёт-2.txt") == 303)
            let page = try await browser.get("/contacts/\(contact.id)")
            #expect(page.html.contains("/documents/\(id)/versions/2"))
            #expect(page.html.contains("Счёт-2.txt"))
            let download = try await browser.get("/documents/\(id)/versions/1")
            #expect(download.status == 200)
            #expect(download.html == "первая\r\n")
            // Deleting from the card and restoring from the card's "deleted documents".
            #expect(try await browser.post("/documents/\(id)/delete", [("_csrf", csrf)]).status == 303)
            let afterDelete = try await browser.get("/contacts/\(contact.id)")
            #expect(!afterDelete.html.contains("/documents/\(id)/versions/2"))
            #expect(afterDelete.html.contains("/documents/\(id)/restore"))
            #expect(try await browser.post("/documents/\(id)/restore", [("_csrf", csrf)]).status == 303)
            #expect(try await browser.get("/contacts/\(contact.id)").html.contains("/documents/\(id)/versions/2"))
            for path in ["/companies/\(try await api.post("/api/v1/companies", crew.token("owner"), ["name": "Альфа"]).id)"] {
                #expect(try await browser.get(path).html.contains("/documents\""), "the company card has the upload form")
            }
        }
    }
}

/// Documents leave with the trash: their own after the retention, and with the record they hang on.
@Suite struct DocumentPurgeTests {
    @Test func trashedDocumentsAndThoseOfPurgedRecordsAreErasedAfterTheRetention() async throws {
        let clock = TestClock()
        try await TestApp.with(effects: clock.effects) { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let keeper = try await api.post("/api/v1/contacts", token, ["fullName": "Остающийся"])
            let leaver = try await api.post("/api/v1/contacts", token, ["fullName": "Уходящий"])
            let kept = try await DocumentTests.upload(api, "/api/v1/contacts/\(keeper.id)/documents", token, [1], fileName: "a.txt")
            let trashed = try await DocumentTests.upload(api, "/api/v1/contacts/\(keeper.id)/documents", token, [2], fileName: "b.txt")
            let orphan = try await DocumentTests.upload(api, "/api/v1/contacts/\(leaver.id)/documents", token, [3], fileName: "c.txt")
            _ = try await api.delete("/api/v1/documents/\(trashed.id)", token)
            _ = try await api.delete("/api/v1/contacts/\(leaver.id)", token)
            clock.advance(days: 29)
            #expect(try await app.store.maintenance.purgeTrash(olderThan: 30 * 86_400) == 0)
            #expect(try await api.post("/api/v1/documents/\(trashed.id)/restore", token).status == 200, "restorable within the retention")
            _ = try await api.delete("/api/v1/documents/\(trashed.id)", token)
            clock.advance(days: 31)
            #expect(try await app.store.maintenance.purgeTrash(olderThan: 30 * 86_400) == 2, "the contact and the trashed document")
            let left = try await app.store.context.database.reader.raw("SELECT id FROM documents ORDER BY id").all()
                .map { try $0.decode(column: "id", as: String.self) }
            #expect(left == [kept.id])
            let versions = try await app.store.context.database.reader.raw("SELECT document_id FROM document_versions").all()
                .map { try $0.decode(column: "document_id", as: String.self) }
            #expect(versions == [kept.id], "\(orphan.id) went with its contact")
        }
    }
}
