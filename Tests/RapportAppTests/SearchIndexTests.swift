import Foundation
import RapportCore
import RapportStore
import Testing

/// The full-text index follows its documents through creation, edits and the trash: a search finds what each
/// record says now, in the same order and pages with or without a sort, and (SQLite) FTS5's own check finds the
/// index equal to its documents. Migration 24 once let an edit drop the words the old and new text shared.
@Suite struct SearchIndexTests {
    /// "смирн", percent-encoded.
    static let smirn = "%D1%81%D0%BC%D0%B8%D1%80%D0%BD"
    /// "ольга смирн" (two terms), percent-encoded.
    static let olgaSmirn = "%D0%BE%D0%BB%D1%8C%D0%B3%D0%B0+%D1%81%D0%BC%D0%B8%D1%80%D0%BD"
    /// "кузнец", percent-encoded.
    static let kuznets = "%D0%BA%D1%83%D0%B7%D0%BD%D0%B5%D1%86"

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

    @Test func searchesFollowEditsAndTheIndexStaysWhole() async throws {
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
            for limit in [50, 2, 1] {
                #expect(try await listed(api, token, Self.smirn, limit: limit) == ids.reversed(), "newest match first, pages of \(limit)")
                #expect(try await listed(api, token, Self.olgaSmirn, limit: limit) == [ids[3], ids[1], ids[0]])
                #expect(try await listed(api, token, Self.olgaSmirn + "&sort=createdAt", limit: limit) == [ids[0], ids[1], ids[3]])
            }
            // An edit keeps the words the old and new text share, and finds the new ones.
            #expect(try await api.patch("/api/v1/contacts/\(other.id)", token, ["version": 1, "city": "Тверь"]).status == 200)
            #expect(try await listed(api, token, Self.kuznets, limit: 50) == [other.id])
            #expect(try await api.patch("/api/v1/contacts/\(ids[1])", token, ["version": 1, "firstName": "Анна"]).status == 200)
            #expect(try await listed(api, token, Self.olgaSmirn, limit: 1) == [ids[3], ids[0]])
            #expect(try await listed(api, token, Self.smirn, limit: 2) == ids.reversed())
            // A contact in the trash leaves the lists; its document stays for a restore.
            #expect(try await api.delete("/api/v1/contacts/\(ids[2])", token).status < 300)
            #expect(try await listed(api, token, Self.smirn, limit: 2) == [ids[4], ids[3], ids[1], ids[0]])
            #expect(!(try await listed(api, token, Self.smirn, limit: 50).contains(other.id)))
            try await expectIndexMatchesDocuments(app.store)
        }
    }
}
