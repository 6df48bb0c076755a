import Foundation
import RapportCore
import Testing

@testable import RapportStore

/// An import's kept file is stored in parts cut between records, so that a large file is read a part at a time:
/// every row is read once wherever the cuts fall (quoted line breaks included), an interrupted import resumes in
/// the right part, and a confirmed column mapping rewrites the header in the first part.
@Suite struct ImportFilePartsTests {
    func parts(_ app: TestApp, _ id: ImportRun.ID) async throws -> Int {
        try await app.store.database.reader.raw("SELECT COUNT(*) AS n FROM import_files WHERE import_id = \(bind: id.rawValue)")
            .first()?.decode(column: "n", as: Int.self) ?? 0
    }

    func liveContacts(_ app: TestApp) async throws -> Int {
        try await app.store.database.reader.raw("SELECT COUNT(*) AS n FROM contacts WHERE deleted_at IS NULL").first()?
            .decode(column: "n", as: Int.self) ?? 0
    }

    @Test func aFileKeptInManyPartsImportsEveryRowOnceAndResumesAfterAnInterruption() async throws {
        try await TestApp.with { app, _ in
            let crew = try await Crew.make(app.store)
            let owner = crew.actor("owner")
            // Parts of a few hundred bytes: a part ends after the record that reaches the size.
            let imports = ImportRepository(context: app.store.imports.context, partSize: 300)
            let size = ImportRepository.batchSize(.contacts)
            let total = size + size / 2
            let rows = (1...total).map { "Клиент\($0) Тест,client\($0)@example.ru,\"первая строка\r\nвторая, \($0)\"" }
            let file = (["ФИО,Email,Заметка"] + rows).joined(separator: "\r\n")
            let started = try await imports.start(Array(file.utf8), fileName: "c.csv", dryRun: false, policy: .skip, by: owner)
            #expect(started.totalRows == total)
            #expect(try await parts(app, started.id) > 100)
            struct Stopped: Error {}
            await #expect(throws: Stopped.self) {
                try await imports.process(started.id) { done, _ in if done >= size { throw Stopped() } }
            }
            #expect(try await imports.get(started.id, by: owner).processedRows == size)
            try await imports.process(started.id) { _, _ in }
            let done = try await imports.get(started.id, by: owner)
            #expect(done.status == "done")
            #expect(done.created == total)
            #expect(done.failed == 0 && done.skipped == 0)
            #expect(try await liveContacts(app) == total, "every row once")
            let last = try await app.store.contacts.list(ListQuery(search: "client\(total)@example.ru"), by: owner)
            #expect(last.items.map(\.lastName) == ["Клиент\(total)"], "the last row, in the last part, is whole and found")
        }
    }

    @Test func aConfirmedMappingRewritesTheHeaderInTheFirstPart() async throws {
        try await TestApp.with { app, _ in
            let crew = try await Crew.make(app.store)
            let owner = crew.actor("owner")
            let imports = ImportRepository(context: app.store.imports.context, partSize: 64)
            let rows = (1...40).map { "Клиент\($0) Тест;client\($0)@example.ru" }
            let file = (["Кто;Куда писать"] + rows).joined(separator: "\n")
            let started = try await imports.start(
                Array(file.utf8), fileName: "c.csv", dryRun: false, policy: .skip, review: true, by: owner)
            #expect(try await parts(app, started.id) > 5)
            #expect(
                try await imports.preview(started.id, rows: 2, by: owner) == [
                    ["Кто", "Куда писать"], ["Клиент1 Тест", "client1@example.ru"], ["Клиент2 Тест", "client2@example.ru"],
                ])
            _ = try await imports.confirm(started.id, choices: [.field("fullName"), .field("email")], by: owner)
            try await imports.process(started.id) { _, _ in }
            let done = try await imports.get(started.id, by: owner)
            #expect(done.status == "done")
            #expect(done.created == 40)
            #expect(try await liveContacts(app) == 40)
        }
    }
}
