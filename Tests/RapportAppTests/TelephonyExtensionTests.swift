import Foundation
import HTTPTypes
import RapportCore
import Testing

@testable import RapportHTTP

/// Employees' phone extensions: managed with the users (API and settings page), unique among a
/// workspace's active users, and deciding who handles a call the PBX reports.
@Suite struct TelephonyExtensionTests {
    static let events = "/api/v1/telephony/events"

    /// Gives a crew member an extension through the API.
    static func setExtension(_ api: API, _ crew: Crew, _ name: String, _ ext: String) async throws {
        let user = try await api.get("/api/v1/users/\(crew.user(name).id.rawValue)", crew.token("owner"))
        let saved = try await api.patch(
            "/api/v1/users/\(user.id)", crew.token("owner"), ["version": .int(user.version), "extension": .string(ext)])
        #expect(saved.status == 200)
        #expect(saved["extension"] == .string(ext))
    }

    /// Several admins (several nodes on PostgreSQL) give out the same extension or e-mail at the same moment:
    /// one wins and every other gets the field error, never a 500.
    @Test func aRaceForAnExtensionOrAnEmailEndsInFieldErrors() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let admin = crew.token("admin")
            let racers: [JSONValue] = (0..<8).map {
                ["email": .string("racer\($0)@ext.test"), "name": "Гонщик", "password": "password-1", "extension": "555"]
            }
            let twins: [JSONValue] = Array(repeating: ["email": "same@ext.test", "name": "Гонщик", "password": "password-1"], count: 8)
            for (field, bodies) in [("extension", racers), ("email", twins)] {
                let replies = try await withThrowingTaskGroup(of: API.Reply.self) { group in
                    for body in bodies { group.addTask { try await api.post("/api/v1/users", admin, body) } }
                    return try await group.reduce(into: [API.Reply]()) { $0.append($1) }
                }
                #expect(replies.filter { $0.status == 201 }.count == 1, "\(field): \(replies.map(\.status))")
                for loser in replies where loser.status != 201 {
                    #expect(loser.status == 422, "\(field): \(loser.json)")
                    #expect(loser.errorFields == [field])
                }
            }
        }
    }

    @Test func anExtensionIsValidatedAndUniqueAmongActiveUsers() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let admin = crew.token("admin")
            let bad = try await api.post(
                "/api/v1/users", admin, ["email": "a@ext.test", "name": "А", "password": "password-1", "extension": "10-1"],
                headers: .language("en"))
            #expect(bad.status == 422)
            #expect(bad.errorFields == ["extension"])
            let russian = try await api.post(
                "/api/v1/users", admin, ["email": "a@ext.test", "name": "А", "password": "password-1", "extension": "12345678901"],
                headers: .language("ru"))
            #expect(russian.status == 422)
            #expect(russian.errorFields == ["extension"])
            #expect(russian["errors"][0]["message"] != bad["errors"][0]["message"])
            #expect(try await api.get("/api/v1/users", admin).data.count == Crew.roles.count, "nothing half-written")

            let anna = try await api.post(
                "/api/v1/users", admin, ["email": "anna@ext.test", "name": "Анна", "password": "password-1", "extension": " 101 "])
            #expect(anna.status == 201)
            #expect(anna["extension"] == "101")
            let twin = try await api.post(
                "/api/v1/users", admin, ["email": "twin@ext.test", "name": "Двойник", "password": "password-1", "extension": "101"])
            #expect(twin.status == 422)
            #expect(twin.errorFields == ["extension"])
            #expect(twin["errors"][0]["code"] == "duplicate")

            // Another user may not take it by an update either; a free one is fine, and it can be cleared.
            let rep = crew.user("rep")
            let taken = try await api.patch(
                "/api/v1/users/\(rep.id.rawValue)", admin, ["version": .int(rep.version), "extension": "101"])
            #expect(taken.status == 422)
            #expect(taken.errorFields == ["extension"])
            let free = try await api.patch("/api/v1/users/\(rep.id.rawValue)", admin, ["version": .int(rep.version), "extension": "102"])
            #expect(free.status == 200)
            #expect(free["extension"] == "102")
            let cleared = try await api.patch(
                "/api/v1/users/\(rep.id.rawValue)", admin, ["version": .int(free.version), "extension": .null])
            #expect(cleared.status == 200)
            #expect(cleared["extension"] == .null)

            // A deactivated user's number is free for a newcomer; the old user cannot come back with it.
            let away = try await api.patch("/api/v1/users/\(anna.id)", admin, ["version": .int(anna.version), "active": false])
            #expect(away.status == 200)
            let newcomer = try await api.post(
                "/api/v1/users", admin, ["email": "new@ext.test", "name": "Новичок", "password": "password-1", "extension": "101"])
            #expect(newcomer.status == 201)
            let back = try await api.patch("/api/v1/users/\(anna.id)", admin, ["version": .int(away.version), "active": true])
            #expect(back.status == 422)
            #expect(back.errorFields == ["extension"])
            let backWithout = try await api.patch(
                "/api/v1/users/\(anna.id)", admin, ["version": .int(away.version), "active": true, "extension": "103"])
            #expect(backWithout.status == 200)

            // Only user managers set extensions; the change is audited.
            let me = try await api.get("/api/v1/users/\(rep.id.rawValue)", crew.token("rep"))
            let own = try await api.patch(
                "/api/v1/users/\(rep.id.rawValue)", crew.token("rep"), ["version": .int(me.version), "extension": "555"])
            #expect(own.status == 403)
            let changes = try await app.store.context.database.reader.raw(
                "SELECT changes FROM audit_log WHERE record_id = \(bind: anna.id) ORDER BY at, id"
            ).all().map { try $0.decode(column: "changes", as: String.self) }
            #expect(changes.contains { $0.contains("extension") && $0.contains("103") })
        }
    }

    @Test func anUnknownCallerOnAnExtensionBecomesThatUsersContactAndCall() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            try await Self.setExtension(api, crew, "rep", "101")
            let rep = crew.user("rep").id.rawValue
            let ringing = try await api.post(
                Self.events, crew.token("admin"),
                [
                    "callId": "ext-1", "direction": "inbound", "from": "+79120001122", "to": "+74950000000", "extension": "101",
                    "status": "ringing",
                ])
            #expect(ringing.status == 200)
            #expect(ringing["contactCreated"] == true)
            #expect(ringing["activity"]["authorId"].stringValue == rep, "the employee who took the call authored it")
            let contact = try await api.get("/api/v1/contacts/\(ringing["contactId"].stringValue ?? "")", crew.token("rep"))
            #expect(contact.status == 200, "the rep sees the new contact")
            #expect(contact["ownerId"].stringValue == rep)
            // Without an extension the integration's user stays the owner and author, as before.
            let plain = try await api.post(
                Self.events, crew.token("admin"),
                ["callId": "ext-2", "direction": "inbound", "from": "+79120003344", "to": "+74950000000", "status": "ringing"])
            let admin = crew.user("admin").id.rawValue
            #expect(plain["activity"]["authorId"].stringValue == admin)
            let other = try await api.get("/api/v1/contacts/\(plain["contactId"].stringValue ?? "")", crew.token("admin"))
            #expect(other["ownerId"].stringValue == admin)
        }
    }

    @Test func aMissedCallOnAnExtensionIsCalledBackByThatUser() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            try await Self.setExtension(api, crew, "rep", "101")
            let rep = crew.user("rep").id.rawValue
            let mate = crew.user("mate").id.rawValue
            let known = try await api.post(
                "/api/v1/contacts", crew.token("owner"),
                ["fullName": "Смирнова Ольга", "phones": [["number": "+7 912 555-66-77"]], "ownerId": .string(mate)])
            /// One inbound event of the contact's number, and the assignee of the call-back task it left.
            func event(_ callID: String, _ status: String, extension ext: String? = nil) async throws -> (API.Reply, String?) {
                var body: [String: JSONValue] = [
                    "callId": .string(callID), "direction": "inbound", "from": "89125556677", "to": "+74950000000",
                    "status": .string(status),
                ]
                if let ext { body["extension"] = .string(ext) }
                let reply = try await api.post(Self.events, crew.token("admin"), .object(body))
                let task = try await api.get("/api/v1/tasks/\(reply["callbackTaskId"].stringValue ?? "-")", crew.token("owner"))
                return (reply, task["assigneeId"].stringValue)
            }
            // The extension comes with the first event; the "missed" one that ends the call omits it.
            _ = try await event("ext-9", "ringing", extension: "101")
            let (missed, assignee) = try await event("ext-9", "missed")
            #expect(missed["contactId"] == known["id"])
            #expect(assignee == rep, "the rep at 101 calls back, not the contact's owner")
            #expect(missed["activity"]["authorId"].stringValue == rep)

            // An extension nobody has falls back to the contact's owner.
            let (unknown, fallback) = try await event("ext-10", "no_answer", extension: "999")
            #expect(fallback == mate)
            #expect(unknown["activity"]["authorId"].stringValue == crew.user("admin").id.rawValue)

            // So does the extension of a deactivated user.
            let user = try await api.get("/api/v1/users/\(rep)", crew.token("owner"))
            _ = try await api.patch("/api/v1/users/\(rep)", crew.token("owner"), ["version": .int(user.version), "active": false])
            #expect(try await event("ext-11", "missed", extension: "101").1 == mate)
        }
    }

    @Test func theUsersSettingsPageSetsExtensionsInBothLanguages() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            var browser = Browser(client: api.client)
            try await browser.signIn(crew.user("owner").email)
            let page = try await browser.get("/settings/users")
            #expect(page.html.contains("Внутренний номер"))
            let csrf = try #require(page.csrf)
            let rep = crew.user("rep")
            func save(_ ext: String, version: Int64) async throws -> Browser.Page {
                try await browser.post(
                    "/settings/users",
                    [
                        ("_csrf", csrf), ("userId", rep.id.rawValue), ("version", String(version)), ("role", "sales_rep"),
                        ("teamId", rep.teamID?.rawValue ?? ""), ("active", "1"), ("extension", ext),
                    ])
            }
            #expect(try await save("204", version: rep.version).status == 303)
            let saved = try await api.get("/api/v1/users/\(rep.id.rawValue)", crew.token("owner"))
            #expect(saved["extension"] == "204")
            #expect(saved["teamId"].stringValue == rep.teamID?.rawValue, "the rest of the row is kept")
            #expect(try await browser.get("/settings/users").html.contains("value=\"204\""))

            let added = try await browser.post(
                "/settings/users",
                [
                    ("_csrf", csrf), ("name", "Оператор"), ("email", "op@ext.test"), ("password", "password-1"), ("role", "support"),
                    ("extension", "204"),
                ])
            #expect(added.status == 422, "the number is taken")
            #expect(added.html.contains("aria-invalid=\"true\""))

            _ = try await browser.get("/language?lang=en&return=/settings/users")
            let refused = try await save("2o4", version: saved.version)
            #expect(refused.status == 422)
            #expect(refused.html.contains("Extension"))
            #expect(refused.html.contains("value=\"2o4\""), "the typed value is shown again in its row")
            #expect(refused.html.contains("aria-describedby=\"err-extension\""))
            #expect(try await api.get("/api/v1/users/\(rep.id.rawValue)", crew.token("owner"))["extension"] == "204")
        }
    }
}
