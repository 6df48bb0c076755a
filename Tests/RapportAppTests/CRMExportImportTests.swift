import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import RapportCore
import RapportStore
import Testing

/// Exports of amoCRM, Bitrix24 and HubSpot (companies and deals) import as they are: headers, separators,
/// encodings and value formats of each, with duplicates, failures, a dry run, resume and undo.
@Suite struct CRMExportImportTests {
    static func fixture(_ name: String) throws -> [UInt8] { try XLSXImportTests.fixture(name) }

    func start(_ api: API, _ token: String, _ file: String, _ query: String) async throws -> API.Reply {
        let response = try await api.client.executeRequest(
            uri: "/api/v1/imports?\(query)", method: .post, headers: [.authorization: "Bearer \(token)", .contentType: "text/csv"],
            body: ByteBuffer(bytes: try Self.fixture(file)))
        let json = try JSONDecoder().decode(JSONValue.self, from: Data(String(buffer: response.body).utf8))
        return API.Reply(status: Int(response.status.code), json: json, headers: response.headers)
    }

    /// Starts an import, runs the job, returns the finished import and every row's outcome.
    func run(_ app: TestApp, _ api: API, _ token: String, _ file: String, _ query: String) async throws -> (API.Reply, [JSONValue]) {
        let started = try await start(api, token, file, query)
        #expect(started.status == 202)
        try await ContactImportTests().runJobs(app.store)
        let done = try await api.get("/api/v1/imports/\(started.id)", token)
        #expect(done["status"] == "done")
        return (done, try await api.get("/api/v1/imports/\(started.id)/rows?all=true", token).data)
    }

    @Test func amoCRMCompaniesImportWithINNCheckedAndDuplicatesByNameAndINN() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let (done, rows) = try await run(app, api, token, "amocrm-companies.csv", "entity=companies")
            #expect(done["entity"] == "companies")
            #expect(done["encoding"] == "utf-8")
            // By hand: Ромашка and ИП Сидоров are new; "Ромашка ООО" is Ромашка by name; INN 1234567890 fails its checksum.
            #expect(done["created"] == 2)
            #expect(done["skipped"] == 1)
            #expect(done["failed"] == 1)
            #expect(rows.map { $0["outcome"].stringValue } == ["created", "created", "skipped", "failed"])
            #expect(rows[2]["errors"][0]["field"] == "name")
            #expect(rows[3]["errors"][0]["field"] == "inn")
            let companies = try await api.get("/api/v1/companies?sort=name", token).data
            let romashka = try #require(companies.first { $0["inn"] == "7707083893" })
            #expect(romashka["name"] == "ООО «Ромашка»")
            #expect(romashka["kpp"] == "773601001")
            #expect(romashka["industry"] == "Торговля")
            #expect(romashka["website"] == "romashka.ru")
            #expect(romashka["tags"] == ["опт", "москва"])
            #expect(romashka["phones"][0]["e164"] == "+74951234567")
            #expect(romashka["ownerId"] == .string(crew.user("owner").id.rawValue))

            // Again with "fill": Ромашка (by INN) gains nothing new, "Ромашка ООО" adds its e-mail to it.
            let (again, _) = try await run(app, api, token, "amocrm-companies.csv", "entity=companies&onDuplicate=fill")
            #expect(again["created"] == 0)
            #expect(again["updated"] == 1)
            #expect(again["skipped"] == 2)
            let filled = try await api.get("/api/v1/companies/\(romashka["id"].stringValue ?? "")", token)
            #expect(filled["emails"].arrayValue.compactMap { $0["address"].stringValue } == ["info@romashka.ru", "sales@romashka.ru"])
        }
    }

    @Test func bitrix24AndHubSpotCompaniesImportWithoutFixes() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let (bitrix, _) = try await run(app, api, token, "bitrix24-companies.csv", "entity=companies")
            #expect(bitrix["encoding"] == "windows-1251")
            #expect(bitrix["created"] == 2)
            #expect(bitrix["failed"] == 0)
            let alpha = try await api.get("/api/v1/companies?q=Альфа", token).data.first
            #expect(alpha?["emails"].arrayValue.count == 2)
            let (hubspot, _) = try await run(app, api, token, "hubspot-companies.csv", "entity=companies")
            #expect(hubspot["created"] == 2)
            #expect(hubspot["failed"] == 0)
            let acme = try await api.get("/api/v1/companies?q=Acme", token).data.first
            #expect(acme?["website"] == "acme.com")
            #expect(acme?["city"] == "San Francisco")
        }
    }

    @Test func amoCRMDealsFindTheirStageContactAndCompanyByName() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let olga = try await api.post(
                "/api/v1/contacts", token, ["fullName": "Смирнова Ольга", "emails": [["address": "olga@example.ru"]]])
            let ivan = try await api.post("/api/v1/contacts", token, ["fullName": "Кузнецов Иван", "phones": [["number": "+79125556677"]]])
            let romashka = try await api.post("/api/v1/companies", token, ["name": "ООО «Ромашка»"])

            let (dry, _) = try await run(app, api, token, "amocrm-deals.csv", "entity=deals&dryRun=true")
            #expect(dry["created"] == 3)
            #expect(dry["failed"] == 1)
            #expect(try await api.get("/api/v1/deals", token).data.isEmpty, "a dry run writes nothing")

            let (done, rows) = try await run(app, api, token, "amocrm-deals.csv", "entity=deals")
            #expect(done["created"] == 3)
            #expect(done["failed"] == 1)
            #expect(rows[3]["errors"][0]["field"] == "amount")
            let deals = try await api.get("/api/v1/deals", token).data
            let paper = try #require(deals.first { $0["title"] == "Поставка бумаги" })
            #expect(paper["amount"]["amount"] == .int(15_000_000))
            #expect(paper["contactIds"] == [.string(olga.id)])
            #expect(paper["companyId"] == .string(romashka.id))
            #expect(paper["expectedCloseDate"] == "2026-09-30")
            #expect(paper["source"]["utmSource"] == "yandex")
            #expect(paper["status"] == "open")
            let service = try #require(deals.first { $0["title"] == "Сервисный договор" })
            #expect(service["status"] == "won")
            #expect(service["amount"]["amount"] == .int(8_000_050))
            #expect(service["contactIds"] == [.string(ivan.id)])
            let refused = try #require(deals.first { $0["title"] == "Отказ" })
            #expect(refused["status"] == "lost")
            #expect(refused["lostReason"] == "Дорого")

            let undone = try await api.post("/api/v1/imports/\(done["id"].stringValue ?? "")/undo", token)
            #expect(undone["status"] == "undone")
            #expect(try await api.get("/api/v1/deals", token).data.isEmpty)
        }
    }

    @Test func bitrix24AndHubSpotDealsImportWithoutFixes() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            _ = try await run(app, api, token, "bitrix24-companies.csv", "entity=companies")
            let (bitrix, _) = try await run(app, api, token, "bitrix24-deals.csv", "entity=deals")
            #expect(bitrix["created"] == 2)
            #expect(bitrix["failed"] == 0)
            let companies = try await api.get("/api/v1/companies", token).data
            let vector = try #require(companies.first { $0["name"] == "АО «Вектор»" }?["id"])
            let alpha = try #require(companies.first { $0["name"] == "ООО Альфа" }?["id"])
            let deals = try await api.get("/api/v1/deals", token).data
            let machines = try #require(deals.first { $0["title"] == "Станки" })
            #expect(machines["status"] == "won")
            #expect(machines["amount"]["amount"] == .int(120_000_000))
            #expect(machines["companyId"] == vector, "АО «Вектор» by name")
            let parts = try #require(deals.first { $0["title"] == "Запчасти" })
            #expect(parts["amount"]["currency"] == "USD")
            #expect(parts["companyId"] == alpha, "«Альфа» is ООО Альфа")

            let jane = try await api.post("/api/v1/contacts", token, ["fullName": "Jane Doe", "emails": [["address": "jane@acme.com"]]])
            _ = try await run(app, api, token, "hubspot-companies.csv", "entity=companies")
            let (hubspot, rows) = try await run(app, api, token, "hubspot-deals.csv", "entity=deals")
            #expect(hubspot["created"] == 2)
            // An unknown stage starts the deal at the first one and says so on its row.
            #expect(rows[1]["errors"][0]["field"] == "stage")
            let renewal = try #require(try await api.get("/api/v1/deals", token).data.first { $0["title"] == "Acme renewal" })
            #expect(renewal["status"] == "won")
            #expect(renewal["contactIds"] == [.string(jane.id)], "Jane Doe by the e-mail in the association")
        }
    }

    @Test func aCompanyImportInterruptedAfterABatchResumesWithoutDuplicates() async throws {
        let clock = TestClock()
        try await TestApp.with(effects: clock.effects) { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let file = (["Название;Город"] + (1...450).map { "Компания \($0);Казань" }).joined(separator: "\n")
            let response = try await api.client.executeRequest(
                uri: "/api/v1/imports?entity=companies", method: .post, headers: [.authorization: "Bearer \(token)"],
                body: ByteBuffer(bytes: Array(file.utf8)))
            let id = try JSONDecoder().decode(JSONValue.self, from: Data(String(buffer: response.body).utf8))["id"].stringValue ?? ""
            struct Killed: Error {}
            _ = try #require(try await app.store.jobs.claim(worker: "doomed", kinds: [ImportRepository.jobKind]))
            await #expect(throws: Killed.self) {
                try await app.store.imports.process(ImportRun.ID(id)) { done, _ in if done >= 200 { throw Killed() } }
            }
            clock.advance(days: 301.0 / 86_400)
            try await ContactImportTests().runJobs(app.store)
            let done = try await api.get("/api/v1/imports/\(id)", token)
            #expect(done["created"] == 450)
            let count = try await app.store.database.reader.raw("SELECT COUNT(*) AS n FROM companies WHERE deleted_at IS NULL").first()
            #expect(try count?.decode(column: "n", as: Int.self) == 450, "every row once")
            _ = try await api.post("/api/v1/imports/\(id)/undo", token)
            let left = try await app.store.database.reader.raw("SELECT COUNT(*) AS n FROM companies WHERE deleted_at IS NULL").first()
            #expect(try left?.decode(column: "n", as: Int.self) == 0)
        }
    }

    @Test func aContactRowLinksItsCompanyByNameAndFillsCustomFieldsByTheirLabel() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let romashka = try await api.post("/api/v1/companies", token, ["name": "ООО «Ромашка»"])
            _ = try await api.post(
                "/api/v1/custom-fields", token, ["entity": "contact", "key": "budget", "label": "Бюджет клиента", "kind": "number"])
            let file =
                "ФИО;E-mail;Компания;Бюджет клиента\nИванов Иван;ivan@example.ru;Ромашка ООО;1 500,5\nПетров Пётр;petr@example.ru;Нет такой;\n"
            let response = try await api.client.executeRequest(
                uri: "/api/v1/imports", method: .post, headers: [.authorization: "Bearer \(token)"],
                body: ByteBuffer(bytes: Array(file.utf8)))
            let id = try JSONDecoder().decode(JSONValue.self, from: Data(String(buffer: response.body).utf8))["id"].stringValue ?? ""
            try await ContactImportTests().runJobs(app.store)
            let done = try await api.get("/api/v1/imports/\(id)", token)
            #expect(done["created"] == 2)
            let ivan = try #require(try await api.get("/api/v1/contacts?q=ivan@example.ru", token).data.first)
            #expect(ivan["companies"][0]["companyId"] == .string(romashka.id))
            #expect(ivan["customFields"]["budget"] == .double(1500.5))
            // A company the workspace lacks is not invented; the row says so.
            let rows = try await api.get("/api/v1/imports/\(id)/rows?all=true", token).data
            #expect(rows[1]["errors"][0]["field"] == "company")
        }
    }

    @Test func anUnknownEntityAndAFileWithoutANameColumnAreRefused() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let unknown = try await start(api, token, "hubspot-deals.csv", "entity=tickets")
            #expect(unknown.status == 422)
            #expect(unknown["errors"][0]["field"] == "entity")
            let noTitle = try await start(api, token, "hubspot-companies.csv", "entity=deals")
            #expect(noTitle.status == 422)
            #expect(noTitle["errors"][0]["field"] == "columns")
            // A reader may not import.
            let reader = try await start(api, crew.token("reader"), "amocrm-companies.csv", "entity=companies")
            #expect(reader.status == 403)
        }
    }
}
