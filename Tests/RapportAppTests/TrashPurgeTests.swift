import Foundation
import RapportCore
import Synchronization
import Testing

/// A clock the test moves by hand.
final class TestClock: Sendable {
    private let current = Mutex(Date(timeIntervalSince1970: 1_790_000_000))
    var now: Date { current.withLock { $0 } }
    func advance(days: Double) { current.withLock { $0 = $0.addingTimeInterval(days * 86_400) } }
    var effects: Effects { Effects(now: { self.now }, newID: Effects.live.newID) }
}

@Suite struct TrashPurgeTests {
    @Test func theTrashIsPurgedAfterTheRetentionPeriodAndNotBefore() async throws {
        let clock = TestClock()
        try await TestApp.with(effects: clock.effects) { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let company = try await api.post("/api/v1/companies", token, ["name": "Уходящая"])
            let contact = try await api.post(
                "/api/v1/contacts", token,
                ["lastName": "Уходящий", "phones": [["number": "+7 912 000-11-22"]], "companies": [["companyId": company["id"]]]])
            let deal = try await api.post(
                "/api/v1/deals", token,
                ["title": "Уходящая сделка", "amount": ["amount": 1, "currency": "RUB"], "contactIds": [contact["id"]]])
            _ = try await api.post("/api/v1/activities", token, ["kind": "note", "body": "Заметка", "contactId": contact["id"]])
            let keeper = try await api.post("/api/v1/contacts", token, ["lastName": "Остающийся"])
            _ = try await api.delete("/api/v1/contacts/\(contact.id)", token)
            _ = try await api.delete("/api/v1/deals/\(deal.id)", token)
            clock.advance(days: 29)
            #expect(try await app.store.maintenance.purgeTrash(olderThan: 30 * 86_400) == 0)
            #expect(try await api.get("/api/v1/contacts/\(contact.id)", token).status == 200, "still restorable within the retention")
            clock.advance(days: 2)
            #expect(try await app.store.maintenance.purgeTrash(olderThan: 30 * 86_400) == 2)
            #expect(try await api.get("/api/v1/contacts/\(contact.id)", token).status == 404)
            #expect(try await api.get("/api/v1/deals/\(deal.id)", token).status == 404)
            #expect(try await api.get("/api/v1/contacts/\(keeper.id)", token).status == 200)
            #expect(try await api.get("/api/v1/companies/\(company.id)", token).status == 200, "live records it was linked to stay")
            #expect(try await api.get("/api/v1/contacts?trash=true", token).data.isEmpty)
            let purged = try await app.store.database.reader.raw(
                "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'purge' AND record_id = \(bind: contact.id)"
            ).first()
            #expect(try purged?.decode(column: "n", as: Int.self) == 1, "the purge itself is audited")
            let orphans = try await app.store.database.reader.raw(
                "SELECT COUNT(*) AS n FROM phones WHERE record_id = \(bind: contact.id)"
            ).first()
            #expect(try orphans?.decode(column: "n", as: Int.self) == 0)
            let notes = try await app.store.database.reader.raw(
                "SELECT COUNT(*) AS n FROM activities WHERE body = 'Заметка'"
            ).first()
            #expect(try notes?.decode(column: "n", as: Int.self) == 0, "an activity attached only to purged records goes too")
        }
    }
}
