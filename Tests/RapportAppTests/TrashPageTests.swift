import Foundation
import HTTPTypes
import RapportCore
import Testing

@testable import RapportHTTP

/// The global trash page lists deleted documents beside deleted records, restores them from there, and
/// shows only documents of live records the viewer may see.
@Suite struct TrashPageTests {
    @Test func deletedDocumentsAreListedAndRestoredFromTheTrashPage() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            /// A contact of `who` with one document, both through the API; the document is then deleted.
            func trashedDocument(_ who: String, contact: String, title: String) async throws -> (contact: String, document: String) {
                let record = try await api.post("/api/v1/contacts", crew.token(who), ["fullName": .string(contact)])
                let document = try await DocumentTests.upload(
                    api, "/api/v1/contacts/\(record.id)/documents", crew.token(who), [1, 2, 3], fileName: "\(title).pdf", title: title)
                #expect(document.status == 201)
                #expect(try await api.delete("/api/v1/documents/\(document.id)", crew.token(who)).status == 200)
                return (record.id, document.id)
            }
            let mine = try await trashedDocument("rep", contact: "Иванова Мария", title: "КП-Иванова")
            _ = try await trashedDocument("outsider", contact: "Чужой Пётр", title: "КП-Чужой")
            let orphan = try await trashedDocument("rep", contact: "Удалённый Иван", title: "КП-Удалённый")
            _ = try await api.delete("/api/v1/contacts/\(orphan.contact)", crew.token("rep"))

            var browser = Browser(client: api.client)
            try await browser.signIn(crew.user("rep").email)
            let page = try await browser.get("/trash?kind=document")
            #expect(page.status == 200)
            #expect(page.html.contains("Документы"))
            #expect(page.html.contains("КП-Иванова"))
            #expect(page.html.contains("href=\"/contacts/\(mine.contact)\""), "the document names its record")
            #expect(!page.html.contains("КП-Чужой"), "another team's document is not shown")
            #expect(!page.html.contains("КП-Удалённый"), "a trashed record hides its documents")
            #expect(page.html.contains("/trash/document/\(mine.document)/restore"))
            #expect(!(try await browser.get("/trash?kind=contact").html.contains("КП-Иванова")), "documents have a tab of their own")

            // Someone who may not see the record cannot restore its document from there either.
            var stranger = Browser(client: api.client)
            try await stranger.signIn(crew.user("outsider").email)
            let strangerCSRF = try #require(try await stranger.get("/trash").csrf)
            let refused = try await stranger.post("/trash/document/\(mine.document)/restore", [("_csrf", strangerCSRF)])
            #expect(refused.status == 404)
            #expect(try await api.get("/api/v1/contacts/\(mine.contact)/documents", crew.token("rep")).data.isEmpty)

            let csrf = try #require(page.csrf)
            let restored = try await browser.post("/trash/document/\(mine.document)/restore", [("_csrf", csrf)])
            #expect(restored.status == 303)
            #expect(restored.location == "/trash?kind=document")
            let documents = try await api.get("/api/v1/contacts/\(mine.contact)/documents", crew.token("rep")).data
            #expect(documents.map { $0["id"].stringValue } == [mine.document])
            let after = try await browser.get("/trash?kind=document")
            #expect(!after.html.contains("КП-Иванова"))
            #expect(after.html.contains("Корзина пуста."))

            _ = try await browser.get("/language?lang=en&return=/trash")
            #expect(try await browser.get("/trash?kind=document").html.contains(">Documents</a>"))
        }
    }
}
