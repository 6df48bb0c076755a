import Foundation
import HTTPTypes
import RapportCore
import RapportStore
import Testing

/// Sessions, CSRF, API tokens, throttling, first-run setup.
@Suite struct AuthTests {
    static func cookie(from reply: API.Reply) -> String? {
        guard let header = reply.headers[.setCookie] else { return nil }
        return header.split(separator: ";").first.map(String.init)
    }

    @Test func sessionCookieIsHardenedAndNeedsCSRFForWrites() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let email = crew.user("rep").email
            let login = try await api.call(
                .post, "/api/v1/session", body: ["email": .string(email.uppercased()), "password": "password-1"])
            #expect(login.status == 200)
            let setCookie = login.headers[.setCookie] ?? ""
            #expect(setCookie.contains("HttpOnly"))
            #expect(setCookie.contains("SameSite=Lax"))
            #expect(!setCookie.contains("Secure"), "plain HTTP on loopback")
            let csrf = login["csrfToken"].stringValue ?? ""
            #expect(csrf.count > 20)
            let cookie = Self.cookie(from: login) ?? ""
            let me = try await api.call(.get, "/api/v1/session", headers: [.cookie: cookie])
            #expect(me["user"]["email"] == .string(email))
            #expect(me["csrfToken"] == .string(csrf))
            let list = try await api.call(.get, "/api/v1/contacts", headers: [.cookie: cookie])
            #expect(list.status == 200)
            let noCSRF = try await api.call(.post, "/api/v1/contacts", body: ["lastName": "X"], headers: [.cookie: cookie])
            #expect(noCSRF.status == 403)
            #expect(noCSRF["code"] == "csrf_failed")
            let wrongCSRF = try await api.call(
                .post, "/api/v1/contacts", body: ["lastName": "X"], headers: [.cookie: cookie, .init("X-CSRF-Token")!: "nope"])
            #expect(wrongCSRF.status == 403)
            let withCSRF = try await api.call(
                .post, "/api/v1/contacts", body: ["lastName": "X"], headers: [.cookie: cookie, .init("X-CSRF-Token")!: csrf])
            #expect(withCSRF.status == 201)
            let logout = try await api.call(.delete, "/api/v1/session", headers: [.cookie: cookie, .init("X-CSRF-Token")!: csrf])
            #expect(logout.status == 204)
            #expect(try await api.call(.get, "/api/v1/contacts", headers: [.cookie: cookie]).status == 401)
            let behindProxy = try await api.call(
                .post, "/api/v1/session", body: ["email": .string(email), "password": "password-1"],
                headers: [.init("X-Forwarded-Proto")!: "https"])
            #expect(behindProxy.headers[.setCookie]?.contains("Secure") == true)
        }
    }

    @Test func wrongPasswordsAreThrottledPerEmail() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let email = JSONValue.string(crew.user("mate").email)
            for _ in 0..<LoginThrottle.maxFailuresPerEmail {
                let reply = try await api.call(
                    .post, "/api/v1/session", body: ["email": email, "password": "wrong-password"], headers: .language("en"))
                #expect(reply.status == 401)
                #expect(reply["title"] == "Wrong e-mail or password.")
            }
            let blocked = try await api.call(.post, "/api/v1/session", body: ["email": email, "password": "password-1"])
            #expect(blocked.status == 429)
            #expect(blocked.headers[.retryAfter] != nil)
            #expect((blocked["retryAfter"].intValue ?? 0) > 0)
            // Another user is not blocked by this one's failures.
            let other = try await api.call(
                .post, "/api/v1/session", body: ["email": .string(crew.user("rep").email), "password": "password-1"])
            #expect(other.status == 200)
            let unknown = try await api.call(.post, "/api/v1/session", body: ["email": "nobody@test.ru", "password": "password-1"])
            #expect(unknown.status == 401)
            let missing = try await api.call(.post, "/api/v1/session", body: [:])
            #expect(Set(missing.errorFields) == ["email", "password"])
        }
    }

    @Test func tokensAreShownOnceStoredHashedAndRevocable() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let created = try await api.post("/api/v1/api-tokens", crew.token("rep"), ["name": "Интеграция"])
            #expect(created.status == 201)
            let secret = created["token"].stringValue ?? ""
            #expect(secret.hasPrefix("rpt_"))
            let listed = try await api.get("/api/v1/api-tokens", crew.token("rep"))
            #expect(listed.data.allSatisfy { $0["token"] == .null })
            #expect(try await api.get("/api/v1/contacts", secret).status == 200)
            let stored = try await app.store.database.reader.raw("SELECT token_hash FROM api_tokens WHERE id = \(bind: created.id)").first()
            #expect(try stored?.decode(column: "token_hash", as: String.self) != secret)
            let used = try await api.get("/api/v1/api-tokens", crew.token("rep"))
            #expect(used.data.first { $0["id"] == created["id"] }?["lastUsedAt"] != .null)
            // Another sales rep can neither see nor revoke it; an admin can revoke it.
            #expect(try await api.delete("/api/v1/api-tokens/\(created.id)", crew.token("mate")).status == 404)
            #expect(try await api.delete("/api/v1/api-tokens/\(created.id)", crew.token("admin")).status == 200)
            #expect(try await api.get("/api/v1/contacts", secret).status == 401)
            #expect(try await api.get("/api/v1/contacts", "rpt_forged").status == 401)
            #expect(try await api.call(.get, "/api/v1/contacts", headers: [.authorization: "Basic abc"]).status == 401)
        }
    }

    @Test func deactivatedUsersLoseAccessAndKeepTheirRecords() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let contact = try await api.post("/api/v1/contacts", crew.token("mate"), ["lastName": "Клиент Коллеги"])
            let mate = crew.user("mate")
            let deactivated = try await api.patch(
                "/api/v1/users/\(mate.id)", crew.token("admin"), ["version": .int(mate.version), "active": false])
            #expect(deactivated["active"] == false)
            #expect(try await api.get("/api/v1/contacts", crew.token("mate")).status == 401)
            #expect(try await api.get("/api/v1/contacts/\(contact.id)", crew.token("owner"))["ownerId"] == .string(mate.id.rawValue))
            let login = try await api.call(.post, "/api/v1/session", body: ["email": .string(mate.email), "password": "password-1"])
            #expect(login.status == 401)
            // The last owner cannot be demoted.
            let owner = crew.user("owner")
            let demote = try await api.patch(
                "/api/v1/users/\(owner.id)", crew.token("owner"), ["version": .int(owner.version), "role": "admin"])
            #expect(demote.status == 422)
            // Only an owner can make owners.
            let admin = crew.user("admin")
            #expect(
                try await api.patch("/api/v1/users/\(admin.id)", crew.token("admin"), ["version": .int(admin.version), "role": "owner"])
                    .status == 403)
            #expect(
                try await api.post("/api/v1/users", crew.token("rep"), ["email": "new@test.ru", "name": "Новый", "password": "password-1"])
                    .status == 403)
            let added = try await api.post(
                "/api/v1/users", crew.token("admin"),
                ["email": "New@Test.ru", "name": "Новый", "password": "password-1", "role": "marketer"])
            #expect(added["email"] == "new@test.ru")
            #expect(
                try await api.post(
                    "/api/v1/users", crew.token("admin"), ["email": "new@test.ru", "name": "Дубль", "password": "password-1"]
                ).errorFields == ["email"])
            #expect(
                try await api.post("/api/v1/users", crew.token("admin"), ["email": "short@test.ru", "name": "К", "password": "123"])
                    .errorFields == ["password"])
        }
    }

    @Test func firstRunSetupCreatesTheWorkspaceOnce() async throws {
        try await TestApp.with { app, api in
            let body: JSONValue = [
                "workspaceName": "ИП Петров", "email": "petrov@test.ru", "name": "Пётр Петров", "password": "password-1", "locale": "ru",
            ]
            let created = try await api.call(.post, "/api/v1/setup", body: body)
            #expect(created.status == 201)
            #expect(created["user"]["role"] == "owner")
            #expect(created["workspace"]["currency"] == "RUB")
            let again = try await api.call(.post, "/api/v1/setup", body: body)
            #expect(again.status == 409)
            let login = try await api.call(.post, "/api/v1/session", body: ["email": "petrov@test.ru", "password": "password-1"])
            #expect(login.status == 200)
            let pipelines = try await app.store.pipelines.list(
                by: try #require(try await app.store.users.find(email: "petrov@test.ru")).actor)
            #expect(pipelines.first?.name == "Продажи")
        }
    }

    @Test func operationsEndpointsAnswer() async throws {
        try await TestApp.with { _, api in
            #expect(try await api.call(.get, "/healthz")["status"] == "ok")
            let ready = try await api.call(.get, "/readyz")
            #expect(ready.status == 200)
            #expect(ready["migrations"] == "current")
            _ = try await api.call(.get, "/api/v1/contacts")
            let metrics = try await api.call(.get, "/metrics", validate: false)
            let text = metrics.json.stringValue ?? ""
            #expect(text.contains("rapport_http_requests_total{method=\"GET\",route=\"/api/v1/contacts\",status=\"401\"}"))
            #expect(text.contains("rapport_db_connections"))
            let unknown = try await api.call(.get, "/api/v1/nothing-here")
            #expect(unknown.status == 404)
            #expect(unknown["code"] == "not_found")
            #expect(unknown.headers[.init("X-Request-Id")!] != nil)
        }
    }
}
