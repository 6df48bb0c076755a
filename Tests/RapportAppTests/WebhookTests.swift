import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import RapportCore
import RapportJobs
import RapportStore
import Synchronization
import Testing

@testable import RapportHTTP

/// A real HTTP receiver on 127.0.0.1 for webhook tests: records every request; answers 500 to the first
/// `failures` requests and 200 after.
final class WebhookReceiver: Sendable {
    struct Received: Sendable {
        var headers: [String: String]
        var body: [UInt8]
        var answered: Int
        var json: JSONValue { (try? JSONDecoder().decode(JSONValue.self, from: Data(body))) ?? .null }
    }

    private let state = Mutex<(received: [Received], failuresLeft: Int)>(([], 0))
    var received: [Received] { state.withLock { $0.received } }

    init(failures: Int) { state.withLock { $0.failuresLeft = failures } }

    /// Runs the receiver for the body's duration; the body gets its URL.
    func run<R: Sendable>(_ body: @Sendable (String) async throws -> R) async throws -> R {
        let router = Router()
        router.post("hook") { request, _ -> Response in
            var request = request
            let bytes = try await request.collectBody(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            // HTTP/1's Host header arrives as the request's authority.
            if let authority = request.head.authority { headers["host"] = authority }
            let status: HTTPResponse.Status = self.state.withLock { state in
                let failing = state.failuresLeft > 0
                if failing { state.failuresLeft -= 1 }
                state.received.append(Received(headers: headers, body: Array(bytes.readableBytesView), answered: failing ? 500 : 200))
                return failing ? .internalServerError : .ok
            }
            return Response(status: status, body: ResponseBody(byteBuffer: ByteBuffer(string: status == .ok ? "ok" : "try later")))
        }
        let port = Mutex<Int?>(nil)
        var logger = Logger(label: "receiver")
        logger.logLevel = .critical
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port } }, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await application.runService() }
            var bound: Int?
            for _ in 0..<500 {
                bound = port.withLock { $0 }
                if bound != nil { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            guard let bound else { throw TestFailure("the receiver did not start") }
            do {
                let result = try await body("http://127.0.0.1:\(bound)/hook")
                group.cancelAll()
                return result
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }
}

@Suite struct WebhookTests {
    static func worker(_ app: TestApp) -> JobWorker {
        JobWorker(store: app.store, registry: JobRegistry.standard(trashRetentionDays: 30), name: "test", logger: Logger(label: "test"))
    }

    /// The receiver's own check of a signature: HMAC-SHA256 over "<t>.<body>" with the secret, hex.
    static func signatureIsValid(_ received: WebhookReceiver.Received, secret: String, expectedTime: Date) -> Bool {
        guard let header = received.headers["rapport-signature"] else { return false }
        let parts = Dictionary(
            header.split(separator: ",").compactMap { part -> (String, String)? in
                let pair = part.split(separator: "=", maxSplits: 1)
                return pair.count == 2 ? (String(pair[0]), String(pair[1])) : nil
            }, uniquingKeysWith: { first, _ in first })
        guard let t = parts["t"], let v1 = parts["v1"], Int64(t) == Int64(expectedTime.timeIntervalSince1970) else { return false }
        let mac = HMAC<SHA256>.authenticationCode(for: Array("\(t).".utf8) + received.body, using: SymmetricKey(data: Data(secret.utf8)))
        let hex = mac.map { String(format: "%02x", $0) }.joined()
        return hex == v1 && WebhookSigner.verify(header, secret: secret, body: received.body, now: expectedTime)
    }

    @Test func eventsAreSignedDeliveredAndAFailedAttemptIsRetriedWithBackoff() async throws {
        let clock = TestClock()
        let receiver = WebhookReceiver(failures: 1)
        try await TestApp.with(effects: clock.effects) { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            try await receiver.run { url in
                let created = try await api.post(
                    "/api/v1/webhooks", token,
                    ["url": .string(url), "events": ["contact.created", "contact.updated", "deal.stage_changed"], "allowPrivate": true])
                #expect(created.status == 201)
                let secret = try #require(created["secret"].stringValue)
                #expect(secret.hasPrefix("whsec_"))
                #expect(try await api.get("/api/v1/webhooks/\(created.id)", token)["secret"] == .null, "the secret is shown once")

                let contact = try await api.post("/api/v1/contacts", token, ["lastName": "Вебхуков", "firstName": "Пётр"])
                let renamed = try await api.patch(
                    "/api/v1/contacts/\(contact.id)", token, ["version": .int(contact.version), "position": "Директор"])
                #expect(renamed.status == 200)
                let stages = try await api.get("/api/v1/pipelines", token).data[0]["stages"].arrayValue
                let deal = try await api.post("/api/v1/deals", token, ["title": "Поставка", "contactIds": [contact["id"]]])
                #expect(try await api.post("/api/v1/deals/\(deal.id)/move", token, ["stageId": stages[1]["id"]]).status == 200)

                let worker = Self.worker(app)
                while try await worker.runNext() {}
                let first = receiver.received
                #expect(first.count == 3, "three events, the first answered 500")
                #expect(first.first?.answered == 500)
                #expect(
                    Set(first.map { $0.json["event"].stringValue ?? "" }) == ["contact.created", "contact.updated", "deal.stage_changed"])
                for request in first {
                    #expect(Self.signatureIsValid(request, secret: secret, expectedTime: clock.now))
                    #expect(request.headers["rapport-event-id"] == request.json["id"].stringValue)
                    #expect(request.json["workspaceId"].stringValue == crew.workspace.id.rawValue)
                    #expect(request.headers["content-type"] == "application/json")
                }
                #expect(!Self.signatureIsValid(first[0], secret: "whsec_wrong", expectedTime: clock.now))
                let contactEvents = first.filter { $0.json["event"].stringValue?.hasPrefix("contact.") == true }
                #expect(contactEvents.allSatisfy { $0.json["data"]["id"].stringValue == contact.id })
                let update = try #require(first.first { $0.json["event"] == "contact.updated" })
                #expect(update.json["data"]["changes"]["position"]["after"] == "Директор")
                let move = try #require(first.first { $0.json["event"] == "deal.stage_changed" })
                #expect(move.json["data"]["changes"]["stageId"]["after"] == stages[1]["id"])

                // The failed delivery waits for the backoff, with the attempt and the next time in the log.
                var log = try await api.get("/api/v1/webhooks/\(created.id)/deliveries", token).data
                #expect(log.count == 3)
                let failedEvent = try #require(first.first?.json["id"].stringValue)
                var failed = try #require(log.first { $0["eventId"].stringValue == failedEvent })
                #expect(failed["status"] == "pending")
                #expect(failed["attempts"] == 1)
                #expect(failed["responseCode"] == 500)
                #expect(failed["attemptLog"][0]["responseCode"] == 500)
                let backoff = clock.now.addingTimeInterval(JobRules.backoff(afterAttempt: 1))
                #expect(failed["nextAttemptAt"].stringValue.flatMap(APIJSON.parseTimestamp) == backoff)
                #expect(log.filter { $0["status"] == "succeeded" }.count == 2)
                #expect(try await worker.runNext() == false, "nothing is due before the backoff")

                clock.advance(days: 31.0 / 86_400)
                while try await worker.runNext() {}
                let all = receiver.received
                #expect(all.count == 4)
                #expect(all.last?.answered == 200)
                #expect(all.last?.headers["rapport-event-id"] == failedEvent, "a retry is the same event")
                #expect(all.last?.body == first.first?.body, "and the same body")
                #expect(Self.signatureIsValid(try #require(all.last), secret: secret, expectedTime: clock.now), "signed afresh")

                log = try await api.get("/api/v1/webhooks/\(created.id)/deliveries", token).data
                failed = try #require(log.first { $0["eventId"].stringValue == failedEvent })
                #expect(failed["status"] == "succeeded")
                #expect(failed["attempts"] == 2)
                #expect(failed["attemptLog"].arrayValue.map { $0["responseCode"] } == [500, 200])
                #expect(failed["attemptLog"][0]["nextAttemptAt"].stringValue.flatMap(APIJSON.parseTimestamp) == backoff)
                #expect(failed["deliveredAt"] != .null)

                // A manual retry sends it again; a ping goes to the same URL.
                let retried = try await api.post("/api/v1/webhooks/\(created.id)/deliveries/\(failed["id"].stringValue ?? "")/retry", token)
                #expect(retried.status == 202)
                #expect(retried["status"] == "pending")
                let ping = try await api.post("/api/v1/webhooks/\(created.id)/test", token)
                #expect(ping.status == 202)
                #expect(ping["event"] == "ping")
                while try await worker.runNext() {}
                #expect(receiver.received.count == 6)
                #expect(receiver.received.last?.json["event"] == "ping")
                let again = try await api.get("/api/v1/webhooks/\(created.id)/deliveries", token).data
                #expect(again.first { $0["eventId"].stringValue == failedEvent }?["attempts"] == 3)

                // The log is kept for 30 days.
                clock.advance(days: 29)
                #expect(try await app.store.webhooks.prune(olderThan: 30 * 86_400) == 0)
                clock.advance(days: 2)
                #expect(try await app.store.webhooks.prune(olderThan: 30 * 86_400) == 4)
                #expect(try await api.get("/api/v1/webhooks/\(created.id)/deliveries", token).data.isEmpty)
            }
        }
    }

    @Test func privateTargetsAreRefusedUnlessAnAdminAllowsThem() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let owner = crew.token("owner")
            let events: JSONValue = ["contact.created"]
            for url in [
                "http://127.0.0.1:9/hook", "http://localhost/hook", "http://10.1.2.3/hook", "http://192.168.0.10/hook",
                "http://172.20.0.1/hook", "http://169.254.169.254/latest", "http://100.64.0.1/", "http://[::1]/hook",
                "http://[fd00::1]/hook", "http://[::ffff:127.0.0.1]/hook", "http://0.0.0.0/hook",
            ] {
                let refused = try await api.post("/api/v1/webhooks", owner, ["url": .string(url), "events": events])
                #expect(refused.status == 422, "\(url)")
                #expect(refused.errorFields == ["url"], "\(url)")
                #expect(refused["errors"][0]["code"] == "private_address")
            }
            let russian = try await api.post(
                "/api/v1/webhooks", owner, ["url": "http://127.0.0.1/hook", "events": events], headers: .language("ru"))
            #expect(russian["errors"][0]["message"].stringValue?.contains("частную сеть") == true)
            let bad = try await api.post("/api/v1/webhooks", owner, ["url": "ftp://example.com/x", "events": ["contact.eaten"]])
            #expect(bad.status == 422)
            #expect(Set(bad.errorFields) == ["url", "events[0]"])
            #expect(try await api.post("/api/v1/webhooks", owner, ["url": "https://203.0.113.7/hook"]).errorFields == ["events"])

            // Only owners and admins may allow private targets; other roles may not manage webhooks at all.
            let head = try await api.post(
                "/api/v1/webhooks", crew.token("head"), ["url": "http://127.0.0.1/hook", "events": events, "allowPrivate": true])
            #expect(head.status == 403)
            #expect(try await api.get("/api/v1/webhooks", crew.token("rep")).status == 403)
            let admin = try await api.post(
                "/api/v1/webhooks", crew.token("admin"), ["url": "http://127.0.0.1/hook", "events": events, "allowPrivate": true])
            #expect(admin.status == 201)
            #expect(admin["allowPrivate"] == true)
            let publicHook = try await api.post("/api/v1/webhooks", owner, ["url": "https://203.0.113.7/hook", "events": events])
            #expect(publicHook.status == 201)
            #expect(
                try await api.patch(
                    "/api/v1/webhooks/\(publicHook.id)", crew.token("head"), ["version": .int(publicHook.version), "allowPrivate": true]
                ).status == 403)
            let moved = try await api.patch(
                "/api/v1/webhooks/\(publicHook.id)", owner, ["version": .int(publicHook.version), "url": "http://10.0.0.1/"])
            #expect(moved.errorFields == ["url"], "a change of URL is checked again")
            let stale = try await api.patch("/api/v1/webhooks/\(publicHook.id)", owner, ["version": 99, "active": false])
            #expect(stale.status == 409)
            let rotated = try await api.patch(
                "/api/v1/webhooks/\(publicHook.id)", owner, ["version": .int(publicHook.version), "rotateSecret": true, "active": false])
            #expect(rotated.status == 200)
            #expect(rotated["active"] == false)
            #expect(rotated["secret"].stringValue?.hasPrefix("whsec_") == true)
            #expect(rotated["secret"] != publicHook["secret"])
        }
    }

    @Test func aTargetThatBecamePrivateIsRefusedAtDeliveryTime() async throws {
        let receiver = WebhookReceiver(failures: 0)
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            try await receiver.run { url in
                let hook = try await api.post(
                    "/api/v1/webhooks", token, ["url": .string(url), "events": ["company.created"], "allowPrivate": true])
                // As if the permission had been withdrawn behind the subscription's back.
                try await app.store.database.transaction { db in
                    try await db.raw("UPDATE webhooks SET allow_private = \(bind: false)").run()
                }
                _ = try await api.post("/api/v1/companies", token, ["name": "ООО Ромашка"])
                let worker = Self.worker(app)
                while try await worker.runNext() {}
                #expect(receiver.received.isEmpty, "nothing was sent")
                let log = try await api.get("/api/v1/webhooks/\(hook.id)/deliveries", token).data
                #expect(log.count == 1)
                #expect(log[0]["status"] == "failed")
                #expect(log[0]["error"].stringValue?.contains("private") == true)
            }
        }
    }

    @Test func aDeliveryConnectsToTheAddressThatWasCheckedNotToASecondLookup() async throws {
        let receiver = WebhookReceiver(failures: 0)
        // The host resolves only through the resolver that checks it (a `.test` name never resolves in DNS),
        // so a delivery that looked the host up again could not reach the receiver; and a resolver that
        // answers a private address to a hook not allowed private targets refuses it before any connection.
        let lookups = Mutex<[String]>([])
        let resolver = HostResolver { host in
            lookups.withLock { $0.append(host) }
            return host == "hooks.rapport.test" ? [IPAddress("127.0.0.1")!] : []
        }
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            try await receiver.run { url in
                let named = url.replacingOccurrences(of: "127.0.0.1", with: "hooks.rapport.test")
                let hook = try await api.post(
                    "/api/v1/webhooks", token, ["url": .string(named), "events": ["company.created"], "allowPrivate": true])
                _ = try await api.post("/api/v1/companies", token, ["name": "ООО Ромашка"])
                let worker = JobWorker(
                    store: app.store, registry: JobRegistry.standard(trashRetentionDays: 30, webhookResolver: resolver), name: "test",
                    logger: Logger(label: "test"))
                while try await worker.runNext() {}
                #expect(lookups.withLock { $0 } == ["hooks.rapport.test"], "one lookup, by the check")
                let received = receiver.received
                #expect(received.count == 1)
                #expect(received.first?.headers["host"] == String(named.dropFirst("http://".count).prefix { $0 != "/" }))
                #expect(received.first?.json["event"] == "company.created")
                let log = try await api.get("/api/v1/webhooks/\(hook.id)/deliveries", token).data
                #expect(log.map { $0["status"].stringValue } == ["succeeded"])

                // The same host for a hook without the permission: refused at delivery, nothing sent.
                try await app.store.database.transaction { db in
                    try await db.raw("UPDATE webhooks SET allow_private = \(bind: false)").run()
                }
                _ = try await api.post("/api/v1/companies", token, ["name": "ООО Лютик"])
                // Within the same second the dispatch queued on write is the one already run; dispatch now
                // rather than wait for the next slot.
                _ = try await app.store.webhooks.dispatch(limit: 200)
                while try await worker.runNext() {}
                #expect(receiver.received.count == 1)
                let after = try await api.get("/api/v1/webhooks/\(hook.id)/deliveries", token).data
                #expect(after.compactMap { $0["status"].stringValue }.sorted() == ["failed", "succeeded"])
            }
        }
    }

    @Test func webhooksAndTheirEventsStayInTheirWorkspace() async throws {
        let receiver = WebhookReceiver(failures: 0)
        try await TestApp.with { app, api in
            let ours = try await Crew.make(app.store, label: "ours")
            let theirs = try await Crew.make(app.store, label: "theirs")
            try await receiver.run { url in
                let hook = try await api.post(
                    "/api/v1/webhooks", ours.token("owner"),
                    ["url": .string(url), "events": ["contact.created", "task.created", "task.completed"], "allowPrivate": true])
                #expect(try await api.get("/api/v1/webhooks/\(hook.id)", theirs.token("owner")).status == 404)
                #expect(try await api.get("/api/v1/webhooks/\(hook.id)/deliveries", theirs.token("owner")).status == 404)
                #expect(try await api.delete("/api/v1/webhooks/\(hook.id)", theirs.token("owner")).status == 404)
                #expect(try await api.get("/api/v1/webhooks", theirs.token("owner")).data.isEmpty)
                _ = try await api.post("/api/v1/contacts", theirs.token("owner"), ["lastName": "Чужой"])
                _ = try await api.post("/api/v1/contacts", ours.token("owner"), ["lastName": "Свой"])
                // A refused write raises nothing.
                #expect(try await api.post("/api/v1/contacts", ours.token("owner"), ["emails": [["address": "нет"]]]).status == 422)
                let task = try await api.post("/api/v1/tasks", ours.token("owner"), ["title": "Позвонить"])
                #expect(
                    try await api.patch("/api/v1/tasks/\(task.id)", ours.token("owner"), ["version": .int(task.version), "done": true])
                        .status == 200)
                let worker = Self.worker(app)
                while try await worker.runNext() {}
                let events = receiver.received.map { $0.json["event"].stringValue ?? "" }
                #expect(events.sorted() == ["contact.created", "task.completed", "task.created"])
                #expect(
                    receiver.received.first { $0.json["event"] == "contact.created" }?.json["data"]["changes"]["lastName"]["after"]
                        == "Свой")

                #expect(try await api.delete("/api/v1/webhooks/\(hook.id)", ours.token("owner")).status == 204)
                #expect(try await api.get("/api/v1/webhooks/\(hook.id)", ours.token("owner")).status == 404)
            }
        }
    }

    @Test func importsAndOtherFeaturesPublishEvents() async throws {
        let receiver = WebhookReceiver(failures: 0)
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            try await receiver.run { url in
                _ = try await api.post(
                    "/api/v1/webhooks", crew.token("owner"),
                    ["url": .string(url), "events": ["import.finished", "form.submitted"], "allowPrivate": true])
                let run = try await app.store.imports.start(
                    Array("Фамилия,Имя\nИмпортов,Иван\n".utf8), fileName: "a.csv", dryRun: false, policy: .skip, by: crew.actor("owner"))
                try await app.store.webhooks.publish(.formSubmitted, workspace: crew.workspace.id, data: ["formId": "f1"])
                let worker = Self.worker(app)
                while try await worker.runNext() {}
                let byEvent = Dictionary(
                    receiver.received.map { ($0.json["event"].stringValue ?? "", $0.json) }, uniquingKeysWith: { a, _ in a })
                #expect(byEvent["import.finished"]?["data"]["id"].stringValue == run.id.rawValue)
                #expect(byEvent["import.finished"]?["data"]["created"] == 1)
                #expect(byEvent["form.submitted"]?["data"]["formId"] == "f1")
                #expect(receiver.received.count == 2, "contact.created was not subscribed")
            }
        }
    }

    /// An import writes its new contacts a batch at a time; each must still raise its own `contact.created`
    /// and leave its own audit entry with the field-level diff.
    @Test func aBatchImportRaisesAnEventAndAnAuditEntryPerContact() async throws {
        let receiver = WebhookReceiver(failures: 0)
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            try await receiver.run { url in
                _ = try await api.post(
                    "/api/v1/webhooks", crew.token("owner"), ["url": .string(url), "events": ["contact.created"], "allowPrivate": true])
                let file = "Фамилия,Имя,Email\nПервый,Иван,one@example.ru\nВторой,Пётр,two@example.ru\nТретий,Олег,three@example.ru\n"
                _ = try await app.store.imports.start(
                    Array(file.utf8), fileName: "a.csv", dryRun: false, policy: .skip, by: crew.actor("owner"))
                let worker = Self.worker(app)
                while try await worker.runNext() {}
                let db = app.store.database.reader
                let contacts = try await db.raw("SELECT id, last_name FROM contacts").all()
                let names = Dictionary(
                    uniqueKeysWithValues: try contacts.map {
                        (try $0.decode(column: "id", as: String.self), try $0.decode(column: "last_name", as: String.self))
                    })
                #expect(Set(names.values) == ["Первый", "Второй", "Третий"])
                let events = receiver.received.filter { $0.json["event"] == "contact.created" }
                #expect(Set(events.compactMap { $0.json["data"]["id"].stringValue }) == Set(names.keys), "one event per created contact")
                #expect(events.count == 3)
                let audit = try await db.raw("SELECT record_id, changes FROM audit_log WHERE record_kind = 'contact' AND action = 'create'")
                    .all()
                #expect(audit.count == 3)
                for entry in audit {
                    let changes = try JSONDecoder().decode(
                        [FieldChange].self, from: Data(try entry.decode(column: "changes", as: String.self).utf8))
                    let lastName = changes.first { $0.field == "lastName" }
                    #expect(lastName?.before == .null)
                    #expect(
                        lastName?.after.stringValue == names[try entry.decode(column: "record_id", as: String.self)],
                        "the entry's diff is its own contact's")
                }
            }
        }
    }

    @Test func theSettingsPageListsWebhooksAndTheirDeliveryLog() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let hook = try await api.post(
                "/api/v1/webhooks", crew.token("owner"), ["url": "https://203.0.113.9/hook", "events": ["deal.created"]])
            var browser = Browser(client: api.client)
            try await browser.signIn(crew.user("owner").email)
            let settings = try await browser.get("/settings/workspace")
            #expect(settings.html.contains("href=\"/settings/webhooks\""))
            let list = try await browser.get("/settings/webhooks")
            #expect(list.status == 200)
            #expect(list.html.contains("https://203.0.113.9/hook"))
            #expect(list.html.contains("name=\"allowPrivate\""), "owners may allow private targets")
            let csrf = try #require(list.csrf)
            let refused = try await browser.post(
                "/settings/webhooks", [("_csrf", csrf), ("url", "http://127.0.0.1/x"), ("events", "deal.created")])
            #expect(refused.status == 422)
            #expect(refused.html.contains("частную сеть") || refused.html.contains("private network"))
            let created = try await browser.post(
                "/settings/webhooks",
                [("_csrf", csrf), ("url", "https://203.0.113.10/x"), ("events", "deal.created"), ("events", "task.created")])
            #expect(created.status == 200)
            #expect(created.html.contains("whsec_"))
            _ = try await api.post("/api/v1/webhooks/\(hook.id)/test", crew.token("owner"))
            let log = try await browser.get("/settings/webhooks/\(hook.id)")
            #expect(log.status == 200)
            #expect(log.html.contains("ping"))
            #expect(log.html.contains("/retry\""))
            var rep = Browser(client: api.client)
            try await rep.signIn(crew.user("rep").email)
            #expect(try await rep.get("/settings/webhooks").status == 403)
        }
    }
}
