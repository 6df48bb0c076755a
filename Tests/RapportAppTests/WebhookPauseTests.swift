import Foundation
import RapportCore
import Testing

/// Pausing a webhook from its settings page: a delivery queued before the pause is abandoned as
/// "paused" without a request, no event is queued while it is paused, and resuming and deleting work
/// from the same page.
@Suite struct WebhookPauseTests {
    @Test func aPausedWebhookSendsNothingAndResumesAndDeletesFromItsPage() async throws {
        let clock = TestClock()
        let receiver = WebhookReceiver(failures: 0)
        // Each event in a second of its own: the outbox dispatches at most once a second.
        let nextSecond: @Sendable () -> Void = { clock.advance(days: 1.0 / 86_400) }
        try await TestApp.with(effects: clock.effects) { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            try await receiver.run { url in
                let hook = try await api.post(
                    "/api/v1/webhooks", token, ["url": .string(url), "events": ["contact.created"], "allowPrivate": true])
                #expect(hook.status == 201)
                let deliveries = "/api/v1/webhooks/\(hook.id)/deliveries"
                var browser = Browser(client: api.client)
                try await browser.signIn(crew.user("owner").email)
                let worker = WebhookTests.worker(app)

                // An event raised while the webhook is active is dispatched to a pending delivery…
                _ = try await api.post("/api/v1/contacts", token, ["lastName": "Паузин"])
                for _ in 0..<10 where try await api.get(deliveries, token).data.isEmpty {
                    #expect(try await worker.runNext(), "the dispatch runs before the log is empty of work")
                }
                let queued = try await api.get(deliveries, token).data
                #expect(queued.count == 1)
                #expect(queued.first?["status"] == "pending")

                // …then the owner pauses it from the log page, before the delivery runs.
                let page = try await browser.get("/settings/webhooks/\(hook.id)")
                #expect(page.html.contains("Приостановить"))
                let csrf = try #require(page.csrf)
                let paused = try await browser.post(
                    "/settings/webhooks/\(hook.id)/toggle", [("_csrf", csrf), ("version", try #require(page.input("version")))])
                #expect(paused.status == 303)
                #expect(paused.location == "/settings/webhooks/\(hook.id)")
                let stored = try await api.get("/api/v1/webhooks/\(hook.id)", token)
                #expect(stored["active"] == false)
                #expect(stored.version == hook.version + 1)

                while try await worker.runNext() {}
                #expect(receiver.received.isEmpty, "a paused webhook sends nothing")
                var log = try await api.get(deliveries, token).data
                #expect(log.count == 1)
                #expect(log.first?["status"] == "failed")
                #expect(log.first?["error"] == "the webhook is paused")
                #expect(log.first?["attempts"] == 0)
                #expect(log.first?["nextAttemptAt"] == .null)
                #expect(try await browser.get("/settings/webhooks/\(hook.id)").html.contains("Возобновить"))

                // While paused, a new event is not even queued.
                nextSecond()
                _ = try await api.post("/api/v1/contacts", token, ["lastName": "Тишин"])
                while try await worker.runNext() {}
                #expect(try await api.get(deliveries, token).data.count == 1)
                #expect(receiver.received.isEmpty)

                // Resumed, the next event is delivered.
                let pausedPage = try await browser.get("/settings/webhooks/\(hook.id)")
                let resumed = try await browser.post(
                    "/settings/webhooks/\(hook.id)/toggle",
                    [("_csrf", try #require(pausedPage.csrf)), ("version", try #require(pausedPage.input("version")))])
                #expect(resumed.status == 303)
                #expect(try await api.get("/api/v1/webhooks/\(hook.id)", token)["active"] == true)
                nextSecond()
                let contact = try await api.post("/api/v1/contacts", token, ["lastName": "Возвращенцев"])
                while try await worker.runNext() {}
                #expect(receiver.received.count == 1)
                #expect(receiver.received.first?.json["event"] == "contact.created")
                #expect(receiver.received.first?.json["data"]["id"].stringValue == contact.id)
                log = try await api.get(deliveries, token).data
                #expect(log.map { $0["status"].stringValue ?? "" }.sorted() == ["failed", "succeeded"])

                // Deleted from its page, it is gone from the list, the API and its own page.
                let deleted = try await browser.post("/settings/webhooks/\(hook.id)/delete", [("_csrf", csrf)])
                #expect(deleted.status == 303)
                #expect(deleted.location == "/settings/webhooks")
                #expect(try await api.get("/api/v1/webhooks/\(hook.id)", token).status == 404)
                #expect(try await browser.get("/settings/webhooks/\(hook.id)").status == 404)
                #expect(try await !browser.get("/settings/webhooks").html.contains(url))
                nextSecond()
                _ = try await api.post("/api/v1/contacts", token, ["lastName": "Последний"])
                while try await worker.runNext() {}
                #expect(receiver.received.count == 1, "a deleted webhook sends nothing")
            }
        }
    }
}
