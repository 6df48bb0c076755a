import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import RapportCore
import RapportStore
import Testing

@testable import RapportHTTP

/// A browser without JavaScript: keeps cookies, posts forms, follows nothing by itself.
struct Browser {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]

    struct Page {
        var status: Int
        var html: String
        var headers: HTTPFields
        var location: String? { headers[.location] }

        /// The value of the first hidden or text input with this name.
        func input(_ name: String) -> String? {
            guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
            return String(html[range.upperBound...].prefix { $0 != "\"" })
        }

        var csrf: String? {
            guard let range = html.range(of: "name=\"csrf-token\" content=\"") else { return nil }
            return String(html[range.upperBound...].prefix { $0 != "\"" })
        }
    }

    mutating func request(_ method: HTTPRequest.Method, _ path: String, form: [(String, String)]? = nil) async throws -> Page {
        var headers: HTTPFields = [:]
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        var body: ByteBuffer?
        if let form {
            headers[.contentType] = "application/x-www-form-urlencoded"
            body = ByteBuffer(string: form.map { "\(WebURL.encode($0.0))=\(WebURL.encode($0.1))" }.joined(separator: "&"))
        }
        let response = try await client.executeRequest(uri: path, method: method, headers: headers, body: body)
        for field in response.headers where field.name == .setCookie {
            let pair = field.value.split(separator: ";").first?.split(separator: "=", maxSplits: 1)
            if let pair, pair.count == 2 {
                if field.value.contains("Max-Age=0") { cookies[String(pair[0])] = nil } else { cookies[String(pair[0])] = String(pair[1]) }
            }
        }
        return Page(status: Int(response.status.code), html: String(buffer: response.body), headers: response.headers)
    }

    mutating func get(_ path: String) async throws -> Page { try await request(.get, path) }
    mutating func post(_ path: String, _ form: [(String, String)]) async throws -> Page { try await request(.post, path, form: form) }

    mutating func signIn(_ email: String, password: String = "password-1") async throws {
        let page = try await post("/login", [("email", email), ("password", password)])
        guard page.status == 303, cookies["rapport_session"] != nil else { throw TestFailure("sign-in failed: \(page.status)") }
    }
}

@Suite struct WebPagesTests {
    @Test func htmlEscapesEveryInterpolatedString() {
        let name = "<img src=x onerror=\"alert('1')\"> & co"
        let html: HTML = "<b title=\"\(name)\">\(name)</b>"
        #expect(
            html.text
                == "<b title=\"&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt; &amp; co\">&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt; &amp; co</b>"
        )
        let trusted: HTML = "<i>\(HTML.join(["<u>a</u>", "<u>b</u>"], separator: ", "))</i>"
        #expect(trusted.text == "<i><u>a</u>, <u>b</u></i>")
    }

    @Test func onlyWebLinksBecomeLinks() {
        #expect(Parts.externalLink("javascript:alert(1)").text == "javascript:alert(1)")
        #expect(Parts.externalLink("https://example.com/a?b=1&c=2").text.contains("href=\"https://example.com/a?b=1&amp;c=2\""))
        #expect(WebURL.localReturn("//evil.example") == nil)
        #expect(WebURL.localReturn("https://evil.example") == nil)
        #expect(WebURL.localReturn("/contacts?q=1")?.path == "/contacts?q=1")
    }

    @Test func pagesNeedASessionAndCarryASecurityPolicy() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            var browser = Browser(client: api.client)
            let anonymous = try await browser.get("/contacts?q=1")
            #expect(anonymous.status == 303)
            #expect(anonymous.location == "/login?next=%2Fcontacts%3Fq%3D1")
            try await browser.signIn(crew.user("rep").email)
            let page = try await browser.get("/contacts")
            #expect(page.status == 200)
            let policy = page.headers[.contentSecurityPolicy] ?? ""
            #expect(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"))
            #expect(!page.html.contains("<script>"), "no inline script")
            #expect(!page.html.contains("style=\""), "no inline style")
            let css = try await browser.get("/assets/app.css")
            #expect(css.status == 200 && css.headers[.contentType]?.hasPrefix("text/css") == true)
        }
    }

    @Test func wrongPasswordSaysSoInTheChosenLanguage() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            var browser = Browser(client: api.client)
            let russian = try await browser.post("/login", [("email", crew.user("rep").email), ("password", "nope-nope")])
            #expect(russian.status == 401)
            #expect(russian.html.contains("Неверный e-mail или пароль."))
            _ = try await browser.get("/language?lang=en&return=/login")
            let english = try await browser.post("/login", [("email", crew.user("rep").email), ("password", "nope-nope")])
            #expect(english.html.contains("Wrong e-mail or password."))
        }
    }

    @Test func aFormWithoutTheCSRFTokenIsRefused() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            var browser = Browser(client: api.client)
            try await browser.signIn(crew.user("rep").email)
            let refused = try await browser.post("/contacts", [("lastName", "Иванов")])
            #expect(refused.status == 403)
            let page = try await app.store.contacts.list(ListQuery(search: "Иванов"), by: crew.actor("rep"))
            #expect(page.items.isEmpty)
        }
    }

    @Test func creatingAContactWithoutJavaScriptValidatesEscapesAndHappensOnce() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            var browser = Browser(client: api.client)
            try await browser.signIn(crew.user("rep").email)
            let form = try await browser.get("/contacts/new")
            let csrf = try #require(form.csrf)
            let once = try #require(form.input("_once"))
            let invalid = try await browser.post(
                "/contacts",
                [
                    ("_csrf", csrf), ("_once", once), ("lastName", "<script>x</script>"), ("emails", "not-an-email"),
                    ("phones", "8 912 345 67 89"),
                ])
            #expect(invalid.status == 422)
            #expect(invalid.html.contains("Это не похоже на адрес электронной почты."))
            #expect(invalid.html.contains("value=\"&lt;script&gt;x&lt;/script&gt;\""), "what the user typed is kept, escaped")
            let fields: [(String, String)] = [
                ("_csrf", csrf), ("_once", once), ("lastName", "<script>x</script>"), ("firstName", "Анна"), ("phones", "8 912 345 67 89"),
                ("company", "ООО «Ромашка»"),
            ]
            let created = try await browser.post("/contacts", fields)
            #expect(created.status == 303, "\(created.html)")
            let again = try await browser.post("/contacts", fields)
            #expect(again.location == created.location, "a double submit leads to the same contact")
            let contacts = try await app.store.contacts.list(ListQuery(search: "Анна"), by: crew.actor("rep"))
            #expect(contacts.items.count == 1)
            let card = try await browser.get(try #require(created.location))
            #expect(card.html.contains("&lt;script&gt;x&lt;/script&gt; Анна"))
            #expect(!card.html.contains("<script>x"))
            #expect(card.html.contains("href=\"tel:+79123456789\""))
            #expect(card.html.contains("ООО «Ромашка»"), "the typed company was created and linked")
        }
    }

    @Test func aStaleEditShowsTheConflictAndKeepsTheInput() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            var input = ContactInput()
            input.lastName = .set("Петров")
            let contact = try await app.store.contacts.create(input, by: crew.actor("rep"))
            var browser = Browser(client: api.client)
            try await browser.signIn(crew.user("rep").email)
            let edit = try await browser.get("/contacts/\(contact.id.rawValue)/edit")
            var other = ContactInput()
            other.city = .set("Казань")
            _ = try await app.store.contacts.update(contact.id, other, expectedVersion: contact.version, by: crew.actor("head"))
            let stale = try await browser.post(
                "/contacts/\(contact.id.rawValue)",
                [("_csrf", try #require(edit.csrf)), ("version", try #require(edit.input("version"))), ("lastName", "Петров-Водкин")])
            #expect(stale.status == 409)
            #expect(stale.html.contains("Пока вы редактировали"))
            #expect(stale.html.contains("value=\"Петров-Водкин\""))
            let unchanged = try await app.store.contacts.get(contact.id, by: crew.actor("rep"))
            #expect(unchanged.lastName == "Петров" && unchanged.city == "Казань")
        }
    }

    @Test func inlineEditChangesOneFieldAndRefusesAStaleCard() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            var input = ContactInput()
            input.lastName = .set("Сидоров")
            input.city = .set("Омск")
            let contact = try await app.store.contacts.create(input, by: crew.actor("rep"))
            var browser = Browser(client: api.client)
            try await browser.signIn(crew.user("rep").email)
            let card = try await browser.get("/contacts/\(contact.id.rawValue)")
            #expect(card.html.contains("action=\"/contacts/\(contact.id.rawValue)/inline\""))
            let csrf = try #require(card.csrf)
            let saved = try await browser.post(
                "/contacts/\(contact.id.rawValue)/inline", [("_csrf", csrf), ("version", String(contact.version)), ("readiness", "hot")])
            #expect(saved.headers[.setCookie]?.contains("rapport_flash=saved") == true)
            let after = try await app.store.contacts.get(contact.id, by: crew.actor("rep"))
            #expect(after.readiness == .hot && after.city == "Омск" && after.lastName == "Сидоров")
            let stale = try await browser.post(
                "/contacts/\(contact.id.rawValue)/inline", [("_csrf", csrf), ("version", String(contact.version)), ("readiness", "cold")])
            #expect(stale.headers[.setCookie]?.contains("rapport_flash=conflict") == true)
            #expect(try await app.store.contacts.get(contact.id, by: crew.actor("rep")).readiness == .hot)
        }
    }

    @Test func movingToALostStageWithoutJavaScriptAsksForTheReason() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            var input = DealInput()
            input.title = "Поставка"
            input.amount = Money(amount: 100_000, currency: .rub)
            let deal = try await app.store.deals.create(input, by: crew.actor("rep"))
            let pipeline = try await app.store.pipelines.get(deal.pipelineID, by: crew.actor("rep"))
            let lost = try #require(pipeline.stages.first { $0.kind == .lost })
            let next = try #require(pipeline.stages.filter { $0.kind == .open }.dropFirst().first)
            var browser = Browser(client: api.client)
            try await browser.signIn(crew.user("rep").email)
            let board = try await browser.get("/deals")
            #expect(board.html.contains("id=\"deal-\(deal.id.rawValue)\""))
            let csrf = try #require(board.csrf)
            let asks = try await browser.post(
                "/deals/\(deal.id.rawValue)/move", [("_csrf", csrf), ("stageId", lost.id.rawValue), ("version", "1")])
            #expect(asks.location?.hasPrefix("/deals/\(deal.id.rawValue)/close") == true)
            let moved = try await browser.post(
                "/deals/\(deal.id.rawValue)/move", [("_csrf", csrf), ("stageId", next.id.rawValue), ("version", String(deal.version))])
            #expect(moved.status == 303)
            let stale = try await browser.post(
                "/deals/\(deal.id.rawValue)/move",
                [("_csrf", csrf), ("stageId", lost.id.rawValue), ("version", String(deal.version)), ("lostReason", "Дорого")])
            #expect(stale.headers[.setCookie]?.contains("rapport_flash=conflict") == true, "a stale move is reported")
            let current = try await app.store.deals.get(deal.id, by: crew.actor("rep"))
            #expect(current.stageID == next.id && current.status == .open)
            let after = try await browser.get("/deals")
            #expect(
                after.html.contains(
                    "id=\"deal-\(deal.id.rawValue)\" draggable=\"true\" data-version=\"\(current.version)\" data-stage=\"\(next.id.rawValue)\""
                ),
                "the board shows the card in the stage it was moved to")
        }
    }

    @Test func aRepSeesOnlyWhatTheAPIWouldShowThem() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            var input = ContactInput()
            input.lastName = .set("Чужой")
            let hidden = try await app.store.contacts.create(input, by: crew.actor("outsider"))
            input.lastName = .set("Свойский")
            _ = try await app.store.contacts.create(input, by: crew.actor("mate"))
            var browser = Browser(client: api.client)
            try await browser.signIn(crew.user("rep").email)
            let list = try await browser.get("/contacts")
            #expect(list.html.contains("Свойский"), "a team-mate's contact is listed")
            #expect(!list.html.contains("Чужой"))
            let card = try await browser.get("/contacts/\(hidden.id.rawValue)")
            #expect(card.status == 404)
            let search = try await browser.get("/search?q=%D0%A7%D1%83%D0%B6%D0%BE%D0%B9&partial=1")
            #expect(!search.html.contains("Чужой"))
            let own = try await browser.get("/search?q=%D0%A1%D0%B2%D0%BE%D0%B9%D1%81%D0%BA%D0%B8%D0%B9&partial=1")
            #expect(own.html.contains("Свойский"), "the search does find what the rep may see")
            let settings = try await browser.get("/settings/users")
            #expect(settings.status == 403)
        }
    }

    @Test func firstRunCreatesTheOwnerAndSignsIn() async throws {
        try await TestApp.with { app, api in
            var browser = Browser(client: api.client)
            let login = try await browser.get("/login")
            #expect(login.location == "/setup")
            let refused = try await browser.post(
                "/setup", [("name", ""), ("owner.email", "boss@example.com"), ("owner.password", "short")])
            #expect(refused.status == 422)
            #expect(refused.html.contains("aria-invalid=\"true\""))
            let done = try await browser.post(
                "/setup",
                [
                    ("name", "ИП Иванов"), ("timeZone", "Asia/Almaty"), ("currency", "KZT"), ("locale", "ru"), ("owner.name", "Иван"),
                    ("owner.email", "boss@example.com"), ("owner.password", "long-enough-1"),
                ])
            #expect(done.status == 303 && done.location == "/")
            let home = try await browser.get("/")
            #expect(home.status == 200 && home.html.contains("Здравствуйте, Иван"))
            let again = try await browser.get("/setup")
            #expect(again.location == "/login")
        }
    }

    @Test func completingATaskOnHome() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            var input = TaskInput()
            input.title = "Позвонить клиенту"
            input.dueAt = .set(Date().addingTimeInterval(-3600))
            let task = try await app.store.tasks.create(input, by: crew.actor("rep"))
            var browser = Browser(client: api.client)
            try await browser.signIn(crew.user("rep").email)
            let home = try await browser.get("/")
            #expect(home.html.contains("data-task=\"\(task.id.rawValue)\""))
            let done = try await browser.post("/tasks/\(task.id.rawValue)/complete", [("_csrf", try #require(home.csrf)), ("return", "/")])
            #expect(done.location == "/")
            let after = try await browser.get("/")
            #expect(!after.html.contains("data-task=\"\(task.id.rawValue)\""))
            #expect(try await app.store.tasks.get(task.id, by: crew.actor("rep")).doneAt != nil)
        }
    }

    @Test func everyPageRendersForEveryRole() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            for role in Crew.roles.map(\.0) {
                var browser = Browser(client: api.client)
                try await browser.signIn(crew.user(role).email)
                for path in [
                    "/", "/contacts", "/contacts/new", "/companies", "/companies/new", "/deals", "/deals/list", "/deals/new", "/tasks",
                    "/tasks/calendar", "/tasks/calendar?view=week", "/tasks/new", "/search?q=test", "/trash", "/trash?kind=deal",
                    "/settings/profile",
                    "/settings/tokens",
                ] {
                    let page = try await browser.get(path)
                    #expect(page.status == 200 && page.html.contains("<main id=\"main\""), "\(role) \(path)")
                }
            }
        }
    }
}

@Suite struct SavedViewTests {
    @Test func aSavedViewIsPersonalUnlessShared() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            var rep = Browser(client: api.client)
            try await rep.signIn(crew.user("rep").email)
            let list = try await rep.get("/contacts?city=%D0%9A%D0%B0%D0%B7%D0%B0%D0%BD%D1%8C&readiness=hot")
            let saved = try await rep.post(
                "/contacts/views", [("_csrf", try #require(list.csrf)), ("name", "Горячие Казань"), ("query", "city=Казань&readiness=hot")])
            #expect(saved.status == 303)
            let mine = try await rep.get("/contacts")
            #expect(mine.html.contains("Горячие Казань"))
            var mate = Browser(client: api.client)
            try await mate.signIn(crew.user("mate").email)
            #expect(!(try await mate.get("/contacts")).html.contains("Горячие Казань"), "a personal view is the author's only")
            let refused = try await rep.post(
                "/contacts/views", [("_csrf", try #require(list.csrf)), ("name", "Для всех"), ("query", "readiness=hot"), ("shared", "1")])
            #expect(refused.status == 403, "a sales rep does not share views with everyone")
            var head = Browser(client: api.client)
            try await head.signIn(crew.user("head").email)
            let headList = try await head.get("/contacts")
            _ = try await head.post(
                "/contacts/views",
                [("_csrf", try #require(headList.csrf)), ("name", "Команде"), ("query", "readiness=warm"), ("shared", "1")])
            #expect((try await mate.get("/contacts")).html.contains("Команде"))
            let blank = try await rep.post("/contacts/views", [("_csrf", try #require(list.csrf)), ("name", " "), ("query", "a=b")])
            #expect(blank.status == 422)
        }
    }
}
