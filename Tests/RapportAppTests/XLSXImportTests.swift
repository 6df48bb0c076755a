import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import RapportCore
import Testing

/// Imports of workbooks: the same files as the CSV tests, saved as XLSX (deflated, as Excel and openpyxl write).
@Suite struct XLSXImportTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/" + name)
        return [UInt8](try Data(contentsOf: url))
    }

    func upload(_ api: API, _ token: String, _ path: String, _ body: [UInt8]) async throws -> API.Reply {
        let response = try await api.client.executeRequest(
            uri: path, method: .post,
            headers: [
                .authorization: "Bearer \(token)", .contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                .acceptLanguage: "en",
            ],
            body: ByteBuffer(bytes: body))
        let json = try JSONDecoder().decode(JSONValue.self, from: Data(String(buffer: response.body).utf8))
        return API.Reply(status: Int(response.status.code), json: json, headers: response.headers)
    }

    @Test func anAmoCRMWorkbookImportsLikeItsCSVWithNumbersAndDatesReadAsTyped() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            _ = try await api.post("/api/v1/contacts", token, ["fullName": "Кузнецов Иван", "phones": [["number": "+79125556677"]]])
            let started = try await upload(api, token, "/api/v1/imports?onDuplicate=skip", try Self.fixture("contacts-amocrm.xlsx"))
            #expect(started.status == 202)
            #expect(started["encoding"] == "xlsx")
            #expect(started["totalRows"] == 5)
            try await ContactImportTests().runJobs(app.store)
            let done = try await api.get("/api/v1/imports/\(started.id)", token)
            #expect(done["status"] == "done")
            #expect(done["created"] == 2)
            #expect(done["skipped"] == 2)
            #expect(done["failed"] == 1)
            let olga = try await api.get("/api/v1/contacts?q=olga@example.ru", token).data.first
            #expect(olga?["middleName"] == "Петровна")
            // The mobile was a number cell (89120001122); the birthday a date cell.
            #expect(olga?["phones"].arrayValue.compactMap { $0["e164"].stringValue } == ["+74951234567", "+79120001122"])
            #expect(olga?["birthday"] == "1980-05-17")
            let undone = try await api.post("/api/v1/imports/\(started.id)/undo", token)
            #expect(undone["status"] == "undone")
            #expect(try await api.get("/api/v1/contacts", token).data.count == 1)
        }
    }

    @Test func anOrdersWorkbookImportsLikeItsCSV() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let anna = try await api.post(
                "/api/v1/contacts", token, ["fullName": "Аннина Анна", "emails": [["address": "anna@example.ru"]]])
            _ = try await api.post("/api/v1/contacts", token, ["fullName": "Борисов Борис", "phones": [["number": "+7 912 555 00 01"]]])
            let report = try await upload(api, token, "/api/v1/orders/import", try Self.fixture("orders.xlsx"))
            #expect(report.status == 200)
            #expect(report["created"] == 3)
            #expect(report["skipped"] == 1)
            #expect(report["failed"] == 1)
            #expect(report["rows"].arrayValue.map { $0["row"].intValue } == [5, 6])
            let metrics = try await api.get("/api/v1/contacts/\(anna.id)/metrics", token)
            #expect(metrics["revenue"] == .int(330_000), "2 × 1 500 + 300, from number cells")
        }
    }

    @Test func vCardsImportAsContactsWithPhoneKindsAndDuplicatesCaught() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            _ = try await api.post("/api/v1/contacts", token, ["fullName": "Сидоров Сидор", "phones": [["number": "+79000000000"]]])
            let cards = """
                BEGIN:VCARD
                VERSION:3.0
                N:Иванов;Иван;Иванович;;
                FN:Иван Иванов
                TEL;TYPE=CELL:+7 916 123-45-67
                TEL;TYPE=WORK:+7 495 123-45-67
                EMAIL:ivan@example.ru
                BDAY:1986-09-05
                CATEGORIES:vip,опт
                END:VCARD
                BEGIN:VCARD
                VERSION:2.1
                N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=D0=A1=D0=B8=D0=B4=D0=BE=D1=80=D0=BE=D0=B2;=D0=A1=D0=B8=D0=B4=D0=BE=D1=80;;;
                TEL;CELL:8 900 000-00-00
                END:VCARD

                """.replacingOccurrences(of: "\n", with: "\r\n")
            let started = try await upload(api, token, "/api/v1/imports", Array(cards.utf8))
            #expect(started.status == 202)
            #expect(started["encoding"] == "vcard")
            #expect(started["totalRows"] == 2)
            try await ContactImportTests().runJobs(app.store)
            let done = try await api.get("/api/v1/imports/\(started.id)", token)
            #expect(done["created"] == 1)
            #expect(done["skipped"] == 1, "Sidorov is already there by phone")
            let ivan = try await api.get("/api/v1/contacts?q=ivan@example.ru", token).data.first
            #expect(ivan?["middleName"] == "Иванович")
            #expect(ivan?["phones"].arrayValue.compactMap { $0["kind"].stringValue } == ["mobile", "work"])
            #expect(ivan?["birthday"] == "1986-09-05")
            #expect(ivan?["tags"] == ["vip", "опт"])
        }
    }

    @Test func aZipThatIsNotAWorkbookIsRefusedNamingTheFile() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            var writer = ZipWriter()
            let zip = writer.addFile(path: "readme.txt", contents: Array("hi".utf8)) + writer.finish()
            for path in ["/api/v1/imports", "/api/v1/orders/import"] {
                let reply = try await upload(api, token, path, zip)
                #expect(reply.status == 422)
                #expect(reply["errors"][0]["field"] == "file")
            }
            let broken = try await upload(api, token, "/api/v1/imports", [0x50, 0x4B, 0x03, 0x04, 0, 0])
            #expect(broken.status == 422)
        }
    }
}
