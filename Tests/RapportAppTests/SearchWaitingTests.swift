import Foundation
import Logging
import RapportCore
import RapportJobs
import RapportStore
import Testing

/// Search documents a large import writes wait for the full-text index (SQLite) and enter it every few
/// batches: meanwhile, and after a crash, every search still finds them, in the same order and pages, and
/// once indexed the index matches its documents exactly.
@Suite struct SearchWaitingTests {
    /// "смирн", percent-encoded.
    static let smirn = "%D1%81%D0%BC%D0%B8%D1%80%D0%BD"
    /// "ольга смирн" (two terms), percent-encoded.
    static let olgaSmirn = "%D0%BE%D0%BB%D1%8C%D0%B3%D0%B0+%D1%81%D0%BC%D0%B8%D1%80%D0%BD"

    func waiting(_ store: Store) async throws -> Int {
        let row = try await store.database.reader.raw("SELECT COUNT(*) AS n FROM search_docs WHERE NOT indexed").first()
        return try row?.decode(column: "n", as: Int.self) ?? -1
    }

    /// FTS5 compares its index with the documents it was built from (SQLite; nothing to compare on PostgreSQL).
    func expectIndexMatchesDocuments(_ store: Store, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        guard store.database.dialect == .sqlite else { return }
        await #expect(throws: Never.self, sourceLocation: sourceLocation) {
            try await store.database.transaction { db in
                try await db.raw("INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)").run()
            }
        }
    }

    /// The ids a search lists, following every cursor (pages of `limit`).
    func listed(_ api: API, _ token: String, _ query: String, limit: Int) async throws -> [String] {
        var ids: [String] = []
        var cursor: String?
        repeat {
            let page = try await api.get(
                "/api/v1/contacts?limit=\(limit)&q=\(query)" + (cursor.map { "&cursor=\($0)" } ?? ""), token)
            #expect(page.status == 200)
            ids += page.data.compactMap { $0["id"].stringValue }
            cursor = page["nextCursor"].stringValue
        } while cursor != nil
        return ids
    }

    @Test func documentsWaitingForTheIndexAreFoundAndIndexedLater() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            var made: [String] = []
            for (index, first) in ["Ольга", "Ольга", "Анна", "Ольга", "Мария"].enumerated() {
                let contact = try await api.post(
                    "/api/v1/contacts", token, ["lastName": "Смирнова", "firstName": .string(first), "city": "Казань \(index)"])
                made.append(contact.id)
            }
            let ids = made
            let other = try await api.post("/api/v1/contacts", token, ["lastName": "Кузнецов", "firstName": "Иван"])
            // An indexed document edited keeps the words it kept (the index drops the old text, then adds the new).
            #expect(try await api.patch("/api/v1/contacts/\(other.id)", token, ["version": 1, "city": "Тверь"]).status == 200)
            #expect(try await listed(api, token, "%D0%BA%D1%83%D0%B7%D0%BD%D0%B5%D1%86", limit: 50) == [other.id], "кузнец")
            try await expectIndexMatchesDocuments(app.store)
            let allSmirnova = try await listed(api, token, Self.smirn, limit: 50)
            let olgas = try await listed(api, token, Self.olgaSmirn, limit: 50)
            let sortedOlgas = try await listed(api, token, Self.olgaSmirn + "&sort=createdAt", limit: 50)
            #expect(Set(allSmirnova) == Set(ids))
            #expect(allSmirnova == ids.reversed(), "newest match first")
            #expect(olgas == [ids[3], ids[1], ids[0]])
            #expect(sortedOlgas == [ids[0], ids[1], ids[3]])

            // Three of them wait for the index, as an import's batch does until its group is indexed (on
            // SQLite turning `indexed` off takes them out of the full-text index).
            let waitingIDs = [ids[1], ids[2], ids[3]]
            try await app.store.database.transaction { db in
                try await db.raw("UPDATE search_docs SET indexed = FALSE WHERE record_id IN (\(binds: waitingIDs))").run()
            }
            #expect(try await waiting(app.store) == 3)
            for limit in [50, 2, 1] {
                #expect(try await listed(api, token, Self.smirn, limit: limit) == allSmirnova, "pages of \(limit)")
                #expect(try await listed(api, token, Self.olgaSmirn, limit: limit) == olgas, "pages of \(limit)")
                #expect(try await listed(api, token, Self.olgaSmirn + "&sort=createdAt", limit: limit) == sortedOlgas)
            }
            let global = try await api.get("/api/v1/search?q=\(Self.smirn)", token)
            #expect(Set(global["contacts"].arrayValue.compactMap { $0["id"].stringValue }) == Set(ids))

            // A waiting document is edited (it joins the index with its new text) and another one trashed.
            let renamed = try await api.patch("/api/v1/contacts/\(ids[1])", token, ["version": 1, "firstName": "Анна"])
            #expect(renamed.status == 200)
            #expect(try await api.delete("/api/v1/contacts/\(ids[2])", token).status < 300)
            #expect(try await waiting(app.store) == 2, "the edited document joined the index")
            let olgasNow = [ids[3], ids[0]]
            #expect(try await listed(api, token, Self.olgaSmirn, limit: 1) == olgasNow)

            // The hourly job indexes what is left; the answers stay the same and the index is whole.
            let worker = JobWorker(
                store: app.store, registry: JobRegistry.standard(trashRetentionDays: 30), name: "test", logger: Logger(label: "t"))
            try await worker.enqueueScheduled()
            while try await worker.runNext() {}
            #expect(try await waiting(app.store) == 0)
            #expect(try await listed(api, token, Self.olgaSmirn, limit: 1) == olgasNow)
            #expect(try await listed(api, token, Self.smirn, limit: 2) == [ids[4], ids[3], ids[1], ids[0]])
            #expect(!(try await listed(api, token, Self.smirn, limit: 50).contains(other.id)))
            try await expectIndexMatchesDocuments(app.store)
        }
    }
}
