import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import RapportCore
import RapportJobs
import RapportStore
import Testing

/// Importing contacts as a background job: an amoCRM export saved by Russian Excel, duplicates in the
/// base and in the file, a crash in the middle, undo.
@Suite struct ContactImportTests {
    static let amo = """
        Полное имя;Рабочий телефон;Мобильный телефон;Рабочий email;Компания;Должность;Теги;Ответственный
        Смирнова Ольга Петровна;+7 (495) 123-45-67;8 912 000-11-22;olga@example.ru;ООО «Ромашка»;Директор;vip, опт;
        Кузнецов Иван;;8-912-555-66-77;;;;;
        Попов Пётр Ильич;;;petr@example.ru;;;;
        Попов П.;;;PETR@example.ru;;;;
        Ошибкин Олег;;;не почта;;;;

        """.replacingOccurrences(of: "\n", with: "\r\n")

    func post(_ api: API, _ token: String, _ body: [UInt8], query: String) async throws -> API.Reply {
        let response = try await api.client.executeRequest(
            uri: "/api/v1/imports?\(query)", method: .post, headers: [.authorization: "Bearer \(token)", .contentType: "text/csv"],
            body: ByteBuffer(bytes: body))
        let json = try JSONDecoder().decode(JSONValue.self, from: Data(String(buffer: response.body).utf8))
        return API.Reply(status: Int(response.status.code), json: json, headers: response.headers)
    }

    func runJobs(_ store: Store) async throws {
        let worker = JobWorker(
            store: store, registry: JobRegistry.standard(trashRetentionDays: 30), name: "test", logger: Logger(label: "t"))
        while try await worker.runNext() {}
    }

    @Test func anAmoCRMExportImportsWithNamesSplitPhonesNormalizedAndDuplicatesCaught() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            // Already in the base: Ivan, under another way of writing his number.
            _ = try await api.post("/api/v1/contacts", token, ["fullName": "Кузнецов Иван", "phones": [["number": "+79125556677"]]])
            let started = try await post(api, token, OrderImportTests.cp1251(Self.amo), query: "entity=contacts&onDuplicate=skip")
            #expect(started.status == 202)
            #expect(started["status"] == "queued")
            #expect(started["encoding"] == "windows-1251")
            #expect(started["totalRows"] == 5)
            try await runJobs(app.store)
            let done = try await api.get("/api/v1/imports/\(started.id)", token)
            #expect(done["status"] == "done")
            // By hand: Olga and Pyotr are new; Ivan is in the base (phone), the second Pyotr repeats the first
            // (e-mail, case aside), Oleg's e-mail is not one.
            #expect(done["created"] == 2)
            #expect(done["skipped"] == 2)
            #expect(done["failed"] == 1)
            let rows = try await api.get("/api/v1/imports/\(started.id)/rows", token).data
            #expect(rows.map { $0["row"].intValue } == [3, 5, 6])
            #expect(rows.map { $0["outcome"].stringValue } == ["skipped", "skipped", "failed"])
            #expect(rows[2]["errors"][0]["field"].stringValue?.hasPrefix("emails") == true)

            let olga = try await api.get("/api/v1/contacts?q=olga@example.ru", token).data.first
            #expect(olga?["lastName"] == "Смирнова")
            #expect(olga?["firstName"] == "Ольга")
            #expect(olga?["middleName"] == "Петровна")
            #expect(olga?["phones"].arrayValue.compactMap { $0["e164"].stringValue } == ["+74951234567", "+79120001122"])
            #expect(olga?["tags"] == ["vip", "опт"])
            #expect(try await api.get("/api/v1/contacts", token).data.count == 3)

            let undone = try await api.post("/api/v1/imports/\(started.id)/undo", token)
            #expect(undone["status"] == "undone")
            #expect(try await api.get("/api/v1/contacts", token).data.count == 1, "only the contact from before the import")
        }
    }

    @Test func fillAddsWhatIsMissingAndKeepsWhatIsThere() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let existing = try await api.post(
                "/api/v1/contacts", token, ["fullName": "Попов Пётр", "emails": [["address": "petr@example.ru"]]])
            let file = "ФИО,E-mail,Город,Телефон\nПопов Пётр Иванович,petr@example.ru,Казань,8 900 123 45 67\n"
            let started = try await post(api, token, Array(file.utf8), query: "onDuplicate=fill")
            try await runJobs(app.store)
            #expect(try await api.get("/api/v1/imports/\(started.id)", token)["updated"] == 1)
            let contact = try await api.get("/api/v1/contacts/\(existing.id)", token)
            #expect(contact["city"] == "Казань")
            #expect(contact["middleName"] == "Иванович", "an empty part of the name is filled")
            #expect(contact["phones"][0]["e164"] == "+79001234567")
            #expect(contact["lastName"] == "Попов")
        }
    }

    /// Rows are written a batch at a time and matched row by row: the outcome must be the one file order gives,
    /// for stored contacts, trashed ones, and rows repeating an earlier row by e-mail or by phone. A dry run
    /// (which writes nothing to match against) must count the same.
    @Test(arguments: [true, false])
    func aBatchMatchesLikeRowByRow(dryRun: Bool) async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            _ = try await api.post("/api/v1/contacts", token, ["fullName": "Старая Анна", "emails": [["address": "anna@example.ru"]]])
            let trashed = try await api.post(
                "/api/v1/contacts", token, ["fullName": "Удалённый Тимур", "emails": [["address": "tim@example.ru"]]])
            _ = try await api.delete("/api/v1/contacts/\(trashed.id)", token)
            let file = [
                "ФИО;E-mail;Телефон",
                "Новый Иван;ivan@example.ru;8 900 111 22 33",  // new
                "Анна Старая;anna@example.ru;",  // the stored contact: skipped
                "Тимур Новый;tim@example.ru;",  // only a trashed contact has it: created
                "Иван Повтор;IVAN@example.ru;",  // the first row again, by e-mail: skipped
                "Иван Телефон;other@example.ru;+7 (900) 111-22-33",  // the first row again, by phone: skipped
                "Тимур Повтор;tim@example.ru;",  // the third row again: skipped
                "Ольга Без Почты;;",  // nothing to match by: created
            ].joined(separator: "\r\n")
            let started = try await post(api, token, Array(file.utf8), query: "dryRun=\(dryRun)")
            try await runJobs(app.store)
            let done = try await api.get("/api/v1/imports/\(started.id)", token)
            #expect(done["status"] == "done")
            #expect(done["created"] == 3)
            #expect(done["skipped"] == 4)
            let report = try await api.get("/api/v1/imports/\(started.id)/rows?all=true", token).data
            let outcomes = report.map { "\($0["row"].intValue ?? 0):\($0["outcome"].stringValue ?? "")" }
            #expect(outcomes == ["2:created", "3:skipped", "4:created", "5:skipped", "6:skipped", "7:skipped", "8:created"])
            #expect(report[1]["errors"][0]["field"] == "email")
            #expect(report[4]["errors"][0]["field"] == "phone", "the row is reported by the key it repeats")
            if !dryRun {
                // A skipped row names the contact it repeats: stored, made from an earlier new row, or made from an
                // earlier row that was written on its own (it matched only a trashed contact).
                let anna = try await api.get("/api/v1/contacts?q=anna%40example.ru", token).data
                #expect(anna.count == 1)
                #expect(report[1]["recordId"] == anna.first?["id"])
                #expect(report[0]["recordId"] != .null)
                #expect(report[3]["recordId"] == report[0]["recordId"])
                #expect(report[4]["recordId"] == report[0]["recordId"])
                #expect(report[2]["recordId"] != .null && report[2]["recordId"] != .string(trashed.id))
                #expect(report[5]["recordId"] == report[2]["recordId"])
            }
            let live = try await app.store.database.reader.raw("SELECT COUNT(*) AS n FROM contacts WHERE deleted_at IS NULL").first()
            #expect(try live?.decode(column: "n", as: Int.self) == (dryRun ? 1 : 4))
        }
    }

    /// A row whose e-mails belong to two stored contacts repeats the one of its first e-mail, whichever way the
    /// row is matched: in a batch under "skip", alone in a dry run, or to be merged under "fill".
    @Test(arguments: ["onDuplicate=skip", "onDuplicate=skip&dryRun=true", "onDuplicate=fill"])
    func aRowMatchingTwoContactsRepeatsTheOneOfItsFirstEmail(query: String) async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let zoe = try await api.post("/api/v1/contacts", token, ["fullName": "Зоя Первая", "emails": [["address": "zoe@example.ru"]]])
            _ = try await api.post("/api/v1/contacts", token, ["fullName": "Адам Второй", "emails": [["address": "adam@example.ru"]]])
            let file = "ФИО;E-mail;E-mail;Город\r\nЗоя Адамова;zoe@example.ru;adam@example.ru;Казань\r\n"
            let started = try await post(api, token, Array(file.utf8), query: query)
            try await runJobs(app.store)
            let report = try await api.get("/api/v1/imports/\(started.id)/rows?all=true", token).data
            #expect(report.count == 1)
            #expect(report.first?["outcome"] == (query.contains("fill") ? "updated" : "skipped"))
            #expect(report.first?["recordId"] == .string(zoe.id))
        }
    }

    @Test func anImportInterruptedAfterABatchResumesWithoutDuplicates() async throws {
        let clock = TestClock()
        try await TestApp.with(effects: clock.effects) { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let size = ImportRepository.batchSize(.contacts)
            let total = size * 2 + size / 4
            let rows = (1...total).map { "Клиент\($0) Тест,client\($0)@example.ru" }
            let file = (["ФИО,Email"] + rows).joined(separator: "\n")
            let started = try await post(api, token, Array(file.utf8), query: "dryRun=false")
            // A worker claims the job and dies after its first batch has committed (as after kill -9).
            struct Killed: Error {}
            _ = try #require(try await app.store.jobs.claim(worker: "doomed", kinds: [ImportRepository.jobKind]))
            await #expect(throws: Killed.self) {
                try await app.store.imports.process(ImportRun.ID(started.id)) { done, _ in if done >= size { throw Killed() } }
            }
            #expect(try await api.get("/api/v1/imports/\(started.id)", token)["processedRows"] == .int(Int64(size)))
            // The committed batch is searchable.
            let early = try await api.get("/api/v1/contacts?q=client1234%40example.ru", token)
            #expect(early.data.map { $0["emails"][0]["address"].stringValue } == ["client1234@example.ru"])
            // Its lease runs out; another worker picks the job up and finishes from the next row.
            clock.advance(days: 301.0 / 86_400)
            try await runJobs(app.store)
            let done = try await api.get("/api/v1/imports/\(started.id)", token)
            #expect(done["status"] == "done")
            #expect(done["created"] == .int(Int64(total)))
            #expect(done["skipped"] == 0)
            let count = try await app.store.database.reader.raw("SELECT COUNT(*) AS n FROM contacts WHERE deleted_at IS NULL").first()
            #expect(try count?.decode(column: "n", as: Int.self) == total, "every row once")
            let outcomes = try await api.get("/api/v1/imports/\(started.id)/rows?all=true", token).data
            #expect(outcomes.count == total)
            // The full-text index matches its documents (SQLite).
            if app.store.database.dialect == .sqlite {
                try await app.store.database.transaction { db in
                    try await db.raw("INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)").run()
                }
            }
        }
    }
}
