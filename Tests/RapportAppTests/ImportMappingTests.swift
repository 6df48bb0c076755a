import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import RapportCore
import RapportStore
import Testing

/// The import wizard's mapping step, without JavaScript: upload with "review the columns", correct a column
/// the headers did not reveal, import.
@Suite struct ImportMappingTests {
    static let file = "Клиент;Мобила;Почта;Примечание\nИванов Иван;8 916 000-00-01;ivan@example.ru;звонить утром\n"

    func upload(_ api: API, _ browser: Browser, csrf: String, fields: [(String, String)], file: String) async throws -> (Int, String?) {
        let boundary = "rapport-test-boundary"
        var body: [UInt8] = []
        for (name, value) in [("_csrf", csrf)] + fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        body += Array(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.csv\"\r\nContent-Type: text/csv\r\n\r\n".utf8)
        body += Array(file.utf8) + Array("\r\n--\(boundary)--\r\n".utf8)
        let response = try await api.client.executeRequest(
            uri: "/imports", method: .post,
            headers: [
                .cookie: browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "),
                .contentType: "multipart/form-data; boundary=\(boundary)",
            ],
            body: ByteBuffer(bytes: body))
        return (Int(response.status.code), response.headers[.location])
    }

    @Test func aColumnTheHeadersDidNotRevealIsMappedByHandBeforeTheImportRuns() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            var browser = Browser(client: api.client)
            try await browser.signIn(crew.user("owner").email)
            let form = try await browser.get("/imports/new")
            #expect(form.html.contains("name=\"entity\""))
            #expect(form.html.contains("name=\"review\""))
            let csrf = try #require(form.csrf)
            let (status, location) = try await upload(
                api, browser, csrf: csrf, fields: [("entity", "contacts"), ("review", "1")], file: Self.file)
            #expect(status == 303)
            let mappingPath = try #require(location)
            #expect(mappingPath.hasSuffix("/mapping"))
            let id = String(mappingPath.dropFirst("/imports/".count).dropLast("/mapping".count))
            #expect(
                try await api.get("/api/v1/imports/\(id)", crew.token("owner"))["status"] == "draft",
                "nothing runs before the mapping is confirmed")

            let page = try await browser.get(mappingPath)
            #expect(page.status == 200)
            // Pre-filled by the headers: the name and the e-mail; the phone column is not recognised; the first row is shown.
            #expect(page.html.contains("<option value=\"fullName\" selected>"))
            #expect(page.html.contains("<option value=\"email\" selected>"))
            #expect(page.html.contains("8 916 000-00-01"))

            let done = try await browser.post(
                mappingPath,
                [
                    ("_csrf", csrf), ("columns", "4"), ("column0", "fullName"), ("column1", "mobilePhone"), ("column2", "email"),
                    ("column3", "-"),
                ])
            #expect(done.status == 303)
            #expect(done.location == "/imports/\(id)")
            try await ContactImportTests().runJobs(app.store)
            let run = try await api.get("/api/v1/imports/\(id)", crew.token("owner"))
            #expect(run["status"] == "done")
            #expect(run["created"] == 1)
            let ivan = try await api.get("/api/v1/contacts?q=ivan@example.ru", crew.token("owner")).data.first
            #expect(ivan?["phones"][0]["e164"] == "+79160000001")
            #expect(ivan?["phones"][0]["kind"] == "mobile")

            // The report downloads as CSV for Russian Excel, every row with its outcome.
            let report = try await browser.get("/imports/\(id)/report")
            #expect(report.status == 200)
            #expect(report.headers[.contentType] == "text/csv; charset=windows-1251")
            #expect(report.headers[.contentDisposition]?.hasPrefix("attachment; filename=\"import-report.csv\"") == true)
            #expect(report.html.contains(";created;"), "line 2 was created")
            // A mapping is confirmed once.
            let again = try await browser.post(mappingPath, [("_csrf", csrf), ("columns", "4")])
            #expect(again.status == 422)
        }
    }

    @Test func aMappingThatLeavesNothingToIdentifyARecordIsRefused() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            var browser = Browser(client: api.client)
            try await browser.signIn(crew.user("owner").email)
            let csrf = try #require(try await browser.get("/imports/new").csrf)
            let (_, location) = try await upload(api, browser, csrf: csrf, fields: [("review", "1")], file: Self.file)
            let mappingPath = try #require(location)
            let refused = try await browser.post(
                mappingPath, [("_csrf", csrf), ("columns", "4"), ("column0", "-"), ("column1", "-"), ("column2", "-"), ("column3", "-")])
            #expect(refused.status == 422)
            #expect(refused.html.contains("f-column0"), "the mapping is shown again")
        }
    }

    @Test func thePreviewOfAFileLongerThanWhatItReadsFirstShowsWholeRows() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let long = String(repeating: "ж", count: 300_000)
            func preview(_ lines: [String]) async throws -> [[String]] {
                let file = Array((["ФИО;Примечание"] + lines).joined(separator: "\n").utf8)
                let run = try await app.store.imports.start(
                    file, fileName: "c.csv", dryRun: false, policy: .skip, review: true, by: crew.actor("owner"))
                return try await app.store.imports.preview(run.id, by: crew.actor("owner"))
            }
            // Five short rows, then one longer than the beginning that is read: the cut row is not shown.
            let short = try await preview((1...5).map { "Клиент \($0);коротко" } + ["Длинный;\(long)", "После;коротко"])
            #expect(short.map { $0[0] } == ["ФИО", "Клиент 1", "Клиент 2", "Клиент 3", "Клиент 4", "Клиент 5"])
            // The long row among the first five: it is shown whole, with the rows after it.
            let cut = try await preview(["Первый;а", "Второй;б", "Длинный;\(long)", "Четвёртый;г", "Пятый;д", "Шестой;е"])
            #expect(cut.map { $0[0] } == ["ФИО", "Первый", "Второй", "Длинный", "Четвёртый", "Пятый"])
            #expect(cut[3][1] == long)
        }
    }
}
