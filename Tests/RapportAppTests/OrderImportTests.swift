import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import RapportCore
import Testing

@testable import RapportHTTP

/// Importing a shop's orders from a CSV saved by Russian Excel.
@Suite struct OrderImportTests {
    /// Windows-1251 bytes of a text (every character of the fixture is in the code page).
    static func cp1251(_ text: String) -> [UInt8] {
        text.unicodeScalars.map { scalar in
            switch scalar.value {
            case 0..<0x80: UInt8(scalar.value)
            case 0x0410...0x044F: UInt8(scalar.value - 0x0410 + 0xC0)
            case 0x0401: 0xA8
            case 0x0451: 0xB8
            case 0x2116: 0xB9
            default: UInt8(ascii: "?")
            }
        }
    }

    static let file = """
        Номер заказа;Дата;E-mail;Телефон;Товар;Количество;Цена;Сумма;Статус
        5001;01.09.2026;anna@example.ru;;Курс;2;1 500,00;;Оплачен
        5001;01.09.2026;anna@example.ru;;Доставка;1;300;;Оплачен
        5002;2026-09-02;;8 (912) 555-00-01;;;;4 999,90;
        5003;03.09.2026;nobody@example.ru;;;;;100;
        5004;вчера;anna@example.ru;;;;;100;
        5005;05.09.2026;anna@example.ru;;;;;7 000;Отменён

        """.replacingOccurrences(of: "\n", with: "\r\n")

    func importing(_ api: API, _ token: String, dryRun: Bool) async throws -> API.Reply {
        let response = try await api.client.executeRequest(
            uri: "/api/v1/orders/import\(dryRun ? "?dryRun=true" : "")", method: .post,
            headers: [.authorization: "Bearer \(token)", .contentType: "text/csv", .acceptLanguage: "ru"],
            body: ByteBuffer(bytes: Self.cp1251(Self.file)))
        let json = try JSONDecoder().decode(JSONValue.self, from: Data(String(buffer: response.body).utf8))
        return API.Reply(status: Int(response.status.code), json: json, headers: response.headers)
    }

    @Test func aRussianExcelFileImportsOnceAndExplainsEverySkippedRow() async throws {
        let clock = TestClock()
        try await TestApp.with(effects: clock.effects) { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let anna = try await api.post(
                "/api/v1/contacts", token, ["fullName": "Аннина Анна", "emails": [["address": "Anna@Example.ru"]]])
            let boris = try await api.post(
                "/api/v1/contacts", token, ["fullName": "Борисов Борис", "phones": [["number": "+7 912 555 00 01"]]])
            // "Курс" in the file is this catalog product (by name, case aside); "Доставка" is not in the catalog.
            let course = try await api.post(
                "/api/v1/products", token, ["name": "курс", "sku": "C-1", "price": ["amount": 1_000, "currency": "RUB"]])

            let dry = try await importing(api, token, dryRun: true)
            #expect(dry.status == 200)
            #expect(dry["encoding"] == "windows-1251")
            #expect(dry["created"] == 3)
            #expect(try await api.get("/api/v1/orders", token).data.isEmpty, "a dry run writes nothing")

            let report = try await importing(api, token, dryRun: false)
            #expect(report["created"] == 3)
            #expect(report["skipped"] == 1)
            #expect(report["failed"] == 1)
            let rows = report["rows"].arrayValue
            #expect(rows.map { $0["row"].intValue } == [5, 6])
            #expect(rows[0]["outcome"] == "skipped")
            #expect(rows[0]["errors"][0]["field"] == "email")
            #expect(rows[1]["outcome"] == "failed")
            #expect(rows[1]["errors"][0]["message"] == "Неверная дата, ожидается ГГГГ-ММ-ДД.")

            // By hand: Anna's order 5001 is 2 × 1 500,00 + 300 = 3 300,00 ₽; 5005 is cancelled and does not count.
            let annaMetrics = try await api.get("/api/v1/contacts/\(anna.id)/metrics", token)
            #expect(annaMetrics["orderCount"] == 1)
            #expect(annaMetrics["revenue"] == .int(330_000))
            let borisMetrics = try await api.get("/api/v1/contacts/\(boris.id)/metrics", token)
            #expect(borisMetrics["revenue"] == .int(499_990))
            let orders = try await api.get("/api/v1/orders?contactId=\(anna.id)", token).data
            #expect(Set(orders.compactMap { $0["number"].stringValue }) == ["5001", "5005"])
            let lines = orders.first { $0["number"] == "5001" }?["lines"].arrayValue ?? []
            #expect(lines.map { $0["productId"] } == [.string(course.id), .null])
            #expect(lines.first?["unitPrice"]["amount"] == .int(150_000), "the file's price, not the catalog's")

            let again = try await importing(api, token, dryRun: false)
            #expect(again["created"] == 0)
            #expect(again["skipped"] == 4, "the three imported numbers and the unknown client")
            #expect(try await api.get("/api/v1/orders", token).data.count == 3)
        }
    }

    @Test func theOrdersPageUploadsAFileWithoutJavaScript() async throws {
        let clock = TestClock()
        try await TestApp.with(effects: clock.effects) { app, api in
            let crew = try await Crew.make(app.store)
            _ = try await api.post(
                "/api/v1/contacts", crew.token("owner"), ["fullName": "Аннина Анна", "emails": [["address": "anna@example.ru"]]])
            var browser = Browser(client: api.client)
            try await browser.signIn(crew.user("owner").email)
            let page = try await browser.get("/orders")
            #expect(page.html.contains("enctype=\"multipart/form-data\""))
            let csrf = try #require(page.csrf)
            func upload(dryRun: Bool) async throws -> (Int, String) {
                let boundary = "rapport-test-boundary"
                var body: [UInt8] = []
                func text(_ name: String, _ value: String) {
                    body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
                }
                text("_csrf", csrf)
                if dryRun { text("dryRun", "1") }
                body += Array(
                    "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"orders.csv\"\r\nContent-Type: text/csv\r\n\r\n"
                        .utf8)
                body += OrderImportTests.cp1251(OrderImportTests.file)
                body += Array("\r\n--\(boundary)--\r\n".utf8)
                let response = try await api.client.executeRequest(
                    uri: "/orders/import", method: .post,
                    headers: [
                        .cookie: browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "),
                        .contentType: "multipart/form-data; boundary=\(boundary)",
                    ],
                    body: ByteBuffer(bytes: body))
                return (Int(response.status.code), String(buffer: response.body))
            }
            let (dryStatus, dry) = try await upload(dryRun: true)
            #expect(dryStatus == 200)
            #expect(dry.contains("Проверка: ничего не записано"))
            #expect(try await api.get("/api/v1/orders", crew.token("owner")).data.isEmpty)
            let (status, done) = try await upload(dryRun: false)
            #expect(status == 200)
            #expect(done.contains("<b>2</b> заказов создано"), "5001 and 5005 for Anna; Boris is not a client here")
            #expect(done.contains("Неверная дата"), "the bad row is explained")
            #expect(try await api.get("/api/v1/orders", crew.token("owner")).data.count == 2)
        }
    }
}
