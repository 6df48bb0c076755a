import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import RapportCore
import RapportStore
import Testing

/// Web forms end to end: the builder's API, the hosted page and its post, the JSON submission, and what a
/// submission leaves behind (contact, company, deal, task, attribution).
@Suite struct WebFormTests {
    struct Posted {
        var status: Int
        var location: String?
        var body: String
    }

    /// Posts the hosted form as a browser does.
    static func post(_ api: API, _ key: String, _ fields: [(String, String)], language: String = "ru") async throws -> Posted {
        let body = fields.map { "\(WebFormTests.encode($0.0))=\(WebFormTests.encode($0.1))" }.joined(separator: "&")
        let response = try await api.client.executeRequest(
            uri: "/f/\(key)", method: .post,
            headers: [.contentType: "application/x-www-form-urlencoded", .acceptLanguage: language], body: ByteBuffer(string: body))
        return Posted(status: Int(response.status.code), location: response.headers[.location], body: String(buffer: response.body))
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(
            withAllowedCharacters: CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~"))
            ?? ""
    }

    static func page(_ api: API, _ path: String) async throws -> Posted {
        let response = try await api.client.executeRequest(uri: path, method: .get, headers: [.acceptLanguage: "en"], body: nil)
        return Posted(status: Int(response.status.code), location: response.headers[.location], body: String(buffer: response.body))
    }

    /// A form with a deal in the pipeline's second stage and tasks for the rep and the mate in turn.
    static func makeForm(_ api: API, _ crew: Crew) async throws -> (id: String, key: String, stageID: String) {
        let pipeline = try await api.get("/api/v1/pipelines", crew.token("owner")).data[0]
        let stage = pipeline["stages"][1]["id"].stringValue ?? ""
        let created = try await api.post(
            "/api/v1/forms", crew.token("owner"),
            [
                "name": "Заявка с сайта",
                "fields": [
                    ["target": "contact.fullName", "labelRu": "ФИО", "labelEn": "Full name", "required": true],
                    ["target": "contact.email", "labelRu": "Почта"], ["target": "contact.phone", "labelRu": "Телефон"],
                    ["target": "company.name", "labelRu": "Компания"], ["target": "deal.amount", "labelRu": "Бюджет"],
                ],
                "consentText": "Согласен на обработку персональных данных", "createsDeal": true,
                "pipelineId": pipeline["id"], "stageId": .string(stage), "createsTask": true,
                "ownerIds": [.string(crew.user("rep").id.rawValue), .string(crew.user("mate").id.rawValue)],
            ])
        #expect(created.status == 201)
        #expect(created["hostedPath"].stringValue == "/f/\(created["publicKey"].stringValue ?? "")")
        return (created.id, created["publicKey"].stringValue ?? "", stage)
    }

    @Test func aSubmissionCreatesContactCompanyDealAndTaskWithItsAttribution() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let owner = crew.token("owner")
            let form = try await Self.makeForm(api, crew)
            let hook = try await api.post(
                "/api/v1/webhooks", owner, ["url": "https://hooks.example.com/rapport", "events": ["form.submitted"]])
            #expect(hook.status == 201)
            let hosted = try await Self.page(api, "/f/\(form.key)?utm_source=yandex&lang=ru")
            #expect(hosted.status == 200)
            #expect(hosted.body.contains("name=\"contact.fullName\""))
            #expect(hosted.body.contains("value=\"yandex\""))
            #expect(hosted.body.contains("name=\"website\""))
            #expect(hosted.body.contains("Согласен на обработку"))
            let english = try await Self.page(api, "/f/\(form.key)")
            #expect(english.body.contains("Full name"))

            let first = try await Self.post(
                api, form.key,
                [
                    ("contact.fullName", "Смирнова Ольга"), ("contact.email", "olga@example.ru"), ("company.name", "Ромашка"),
                    ("deal.amount", "50 000"), ("consent", "on"), ("utm_source", "yandex"), ("utm_medium", "cpc"),
                    ("landing_page", "https://shop.example/sofa?utm_campaign=spring&utm_term=divan"), ("referrer", "https://ya.ru/"),
                    ("website", ""),
                ])
            #expect(first.status == 303)
            #expect(first.location == "/f/\(form.key)/thanks?lang=ru")
            let thanks = try await Self.page(api, first.location ?? "")
            #expect(thanks.body.contains("Спасибо"))

            let submissions = try await api.get("/api/v1/forms/\(form.id)/submissions", owner).data
            #expect(submissions.count == 1)
            let submission = submissions[0]
            #expect(submission["contactCreated"] == true)
            #expect(submission["source"]["utmSource"] == "yandex")
            #expect(submission["source"]["utmMedium"] == "cpc")
            #expect(submission["source"]["utmCampaign"] == "spring")
            #expect(submission["source"]["utmTerm"] == "divan")
            #expect(submission["source"]["referrer"] == "https://ya.ru/")
            #expect(submission["source"]["landingPage"] == "https://shop.example/sofa?utm_campaign=spring&utm_term=divan")

            let contactID = submission["contactId"].stringValue ?? ""
            let contact = try await api.get("/api/v1/contacts/\(contactID)", owner)
            #expect(contact["lastName"] == "Смирнова")
            #expect(contact["source"]["source"] == "web-form")
            #expect(contact["source"]["utmSource"] == "yandex")
            #expect(contact["source"]["referrer"] == "https://ya.ru/")
            #expect(contact["ownerId"].stringValue == crew.user("rep").id.rawValue)
            // Agreeing to the form's data-processing text is not consent to marketing mail.
            #expect(contact["emailConsent"] == .null)
            #expect(contact["companies"].arrayValue.count == 1)

            let deal = try await api.get("/api/v1/deals/\(submission["dealId"].stringValue ?? "")", owner)
            #expect(deal["stageId"].stringValue == form.stageID)
            #expect(deal["amount"]["amount"] == 5_000_000)
            #expect(deal["ownerId"].stringValue == crew.user("rep").id.rawValue)
            #expect(deal["contactIds"] == [.string(contactID)])
            #expect(deal["source"]["utmSource"] == "yandex")
            #expect(deal["source"]["landingPage"] == "https://shop.example/sofa?utm_campaign=spring&utm_term=divan")

            let task = try await api.get("/api/v1/tasks/\(submission["taskId"].stringValue ?? "")", owner)
            #expect(task["assigneeId"].stringValue == crew.user("rep").id.rawValue)
            #expect(task["related"]["id"] == submission["dealId"])

            let events = try await api.get("/api/v1/activities?contactId=\(contactID)&kind=system", owner).data
            #expect(events.count == 1)
            #expect(events[0]["body"].stringValue?.contains("olga@example.ru") == true)
            #expect(events[0]["body"].stringValue?.contains("Согласие: Согласен на обработку персональных данных") == true)

            // The submission is announced to webhooks in its own transaction (the outbox), with its ids and UTM.
            let announced = try await app.store.database.reader.raw(
                "SELECT data FROM webhook_events WHERE workspace_id = \(bind: crew.workspace.id.rawValue) AND event = 'form.submitted'"
            ).all()
            #expect(announced.count == 1)
            let data = try JSONDecoder().decode(JSONValue.self, from: Data(try announced[0].decode(column: "data", as: String.self).utf8))
            #expect(data["submissionId"] == submission["id"])
            #expect(data["contactId"] == .string(contactID))
            #expect(data["dealId"] == submission["dealId"])
            #expect(data["utmSource"] == "yandex")
        }
    }

    @Test func aSecondSubmissionFillsTheSameContactAndTheOwnersAlternate() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let owner = crew.token("owner")
            let form = try await Self.makeForm(api, crew)
            let rep = crew.user("rep").id.rawValue
            let mate = crew.user("mate").id.rawValue
            _ = try await Self.post(
                api, form.key,
                [("contact.fullName", "Смирнова Ольга"), ("contact.email", "olga@example.ru"), ("consent", "on"), ("utm_source", "yandex")])
            let second = try await Self.post(
                api, form.key,
                [
                    ("contact.fullName", "Иванова Ольга Петровна"), ("contact.email", "OLGA@example.ru"),
                    ("contact.phone", "8 912 555-66-77"),
                    ("consent", "on"), ("utm_source", "vk"),
                ])
            #expect(second.status == 303)
            _ = try await Self.post(
                api, form.key, [("contact.fullName", "Кузнецов Иван"), ("contact.phone", "+7 903 111-22-33"), ("consent", "on")])
            let submissions = try await api.get("/api/v1/forms/\(form.id)/submissions?sort=createdAt", owner).data
            #expect(submissions.count == 3)
            #expect(submissions.map { $0["contactCreated"].boolValue } == [true, false, true])
            #expect(submissions[0]["contactId"] == submissions[1]["contactId"])

            let contact = try await api.get("/api/v1/contacts/\(submissions[0]["contactId"].stringValue ?? "")", owner)
            // Filled, never overwritten: the name and the first touch stay; the new phone and middle name are added.
            #expect(contact["lastName"] == "Смирнова")
            #expect(contact["middleName"] == "Петровна")
            #expect(contact["phones"][0]["e164"] == "+79125556677")
            #expect(contact["source"]["utmSource"] == "yandex")
            #expect(contact["ownerId"].stringValue == rep)

            var owners: [String?] = []
            for submission in submissions {
                let deal = try await api.get("/api/v1/deals/\(submission["dealId"].stringValue ?? "")", owner)
                owners.append(deal["ownerId"].stringValue)
                let task = try await api.get("/api/v1/tasks/\(submission["taskId"].stringValue ?? "")", owner)
                #expect(task["assigneeId"] == deal["ownerId"])
            }
            #expect(owners == [rep, mate, rep])
            let secondDeal = try await api.get("/api/v1/deals/\(submissions[1]["dealId"].stringValue ?? "")", owner)
            #expect(secondDeal["source"]["utmSource"] == "vk")
        }
    }

    @Test func theHoneypotStoresNothingAndTheRateLimitAnswers429() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let owner = crew.token("owner")
            let form = try await Self.makeForm(api, crew)
            let bot = try await Self.post(
                api, form.key,
                [("contact.fullName", "Бот"), ("contact.email", "bot@spam.example"), ("consent", "on"), ("website", "http://spam.example")])
            #expect(bot.status == 303)
            #expect(bot.location == "/f/\(form.key)/thanks?lang=ru")
            #expect(try await api.get("/api/v1/forms/\(form.id)/submissions", owner).data.isEmpty)
            #expect(try await api.get("/api/v1/contacts", owner).data.isEmpty)
            #expect(try await api.get("/api/v1/deals", owner).data.isEmpty)

            let receipt = try await api.call(
                .post, "/api/v1/forms/\(form.key)/submissions",
                body: ["fields": ["contact.fullName": "Бот", "contact.email": "bot@spam.example", "consent": true, "website": "x"]])
            #expect(receipt.status == 201)
            #expect(receipt["submissionId"] == .null)
            // Two attempts so far; eight more are let through, the eleventh is refused.
            for _ in 0..<8 {
                #expect(try await Self.post(api, form.key, [("website", "x")]).status == 303)
            }
            let refused = try await Self.post(
                api, form.key, [("contact.fullName", "Человек"), ("contact.email", "a@b.ru"), ("consent", "on")])
            #expect(refused.status == 429)
            let json = try await api.call(
                .post, "/api/v1/forms/\(form.key)/submissions", body: ["fields": ["contact.email": "a@b.ru", "consent": true]])
            #expect(json.status == 429)
            #expect(json.headers[.retryAfter] != nil)
            #expect(try await api.get("/api/v1/contacts", owner).data.isEmpty)
        }
    }

    @Test func aMissingRequiredFieldRerendersTheFormOrAnswers422NamingIt() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let form = try await Self.makeForm(api, crew)
            let page = try await Self.post(api, form.key, [("contact.email", "olga@example.ru"), ("utm_source", "vk")], language: "en")
            #expect(page.status == 422)
            #expect(
                page.body.contains(
                    "id=\"f-contact.fullName\" name=\"contact.fullName\" type=\"text\" value=\"\" required aria-invalid=\"true\""))
            #expect(page.body.contains("value=\"olga@example.ru\""))
            #expect(page.body.contains("value=\"vk\""))
            let json = try await api.call(
                .post, "/api/v1/forms/\(form.key)/submissions", body: ["fields": ["contact.email": "olga@example.ru", "consent": true]],
                headers: .language("ru"))
            #expect(json.status == 422)
            #expect(json.errorFields == ["contact.fullName"])
            #expect(json["errors"][0]["message"] == "Обязательное поле.")
            #expect(try await api.get("/api/v1/contacts", crew.token("owner")).data.isEmpty)
        }
    }

    @Test func aCustomFieldTheStoreRefusesIsNamedAsTheFormsField() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let owner = crew.token("owner")
            let field = try await api.post(
                "/api/v1/custom-fields", owner, ["entity": "contact", "kind": "number", "key": "budget", "label": "Бюджет"])
            #expect(field.status == 201)
            let size = try await api.post(
                "/api/v1/custom-fields", owner, ["entity": "contact", "kind": "text", "key": "size", "label": "Размер"])
            #expect(size.status == 201)
            let form = try await api.post(
                "/api/v1/forms", owner,
                [
                    "name": "Бюджет",
                    "fields": [
                        ["target": "contact.email", "labelRu": "Почта"], ["target": "contact.custom.budget", "labelRu": "Бюджет"],
                        ["target": "contact.custom.size", "labelRu": "Размер"],
                    ],
                ])
            #expect(form.status == 201)
            let key = form["publicKey"].stringValue ?? ""
            let refused = try await api.call(
                .post, "/api/v1/forms/\(key)/submissions", body: ["fields": ["contact.email": "a@b.ru", "contact.custom.budget": "много"]])
            #expect(refused.status == 422)
            #expect(refused.errorFields == ["contact.custom.budget"])
            let taken = try await api.call(
                .post, "/api/v1/forms/\(key)/submissions", body: ["fields": ["contact.email": "a@b.ru", "contact.custom.budget": "150000"]])
            #expect(taken.status == 201)
            let contacts = try await api.get("/api/v1/contacts", owner).data
            #expect(contacts.count == 1)
            #expect(contacts.first?["customFields"]["budget"] == 150000)
            #expect(contacts.first?["ownerId"].stringValue == crew.user("owner").id.rawValue)
            // The same visitor again: a value the contact has is kept, a missing one is filled.
            let again = try await api.call(
                .post, "/api/v1/forms/\(key)/submissions",
                body: ["fields": ["contact.email": "a@b.ru", "contact.custom.budget": "999", "contact.custom.size": "XL"]])
            #expect(again.status == 201)
            let filled = try await api.get("/api/v1/contacts", owner).data
            #expect(filled.count == 1)
            #expect(filled.first?["customFields"]["budget"] == 150000)
            #expect(filled.first?["customFields"]["size"] == "XL")
        }
    }

    @Test func anInactiveOrUnknownFormIs404AndOnlySettingsManagersBuildForms() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let owner = crew.token("owner")
            let form = try await Self.makeForm(api, crew)
            #expect(try await api.get("/api/v1/forms", crew.token("rep")).status == 403)
            #expect(try await api.get("/api/v1/forms/\(form.id)", crew.token("head")).status == 403)
            let current = try await api.get("/api/v1/forms/\(form.id)", owner)
            let off = try await api.patch("/api/v1/forms/\(form.id)", owner, ["version": .int(current.version), "active": false])
            #expect(off.status == 200)
            #expect(off["active"] == false)
            #expect(try await Self.page(api, "/f/\(form.key)").status == 404)
            #expect(try await Self.post(api, form.key, [("contact.email", "a@b.ru")]).status == 404)
            let json = try await api.call(.post, "/api/v1/forms/\(form.key)/submissions", body: ["fields": ["contact.email": "a@b.ru"]])
            #expect(json.status == 404)
            #expect(try await Self.page(api, "/f/unknown-key").status == 404)
            let stale = try await api.patch("/api/v1/forms/\(form.id)", owner, ["version": .int(current.version), "name": "Старое"])
            #expect(stale.status == 409)
            let bad = try await api.post("/api/v1/forms", owner, ["name": "Без полей", "fields": [], "redirectUrl": "ftp://x"])
            #expect(bad.status == 422)
            #expect(Set(bad.errorFields) == ["fields", "redirectUrl"])
            #expect(try await api.delete("/api/v1/forms/\(form.id)", owner).status == 204)
            #expect(try await api.get("/api/v1/forms", owner).data.isEmpty)
        }
    }

    @Test func theEmbedScriptFramesTheHostedPageWithTheVisitorsAttribution() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let form = try await Self.makeForm(api, crew)
            let response = try await api.client.executeRequest(uri: "/f/\(form.key)/embed.js", method: .get, headers: [:], body: nil)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("application/javascript") == true)
            let script = String(buffer: response.body)
            #expect(script.contains("/f/\(form.key)\""))
            #expect(script.contains("utm_source"))
            #expect(script.contains("document.referrer"))
            #expect(script.contains("window.location.href"))
            let hosted = try await api.client.executeRequest(
                uri: "/f/\(form.key)?landing=https%3A%2F%2Fshop.example%2F%3Futm_source%3Dvk&referrer=https%3A%2F%2Fya.ru%2F", method: .get,
                headers: [:], body: nil)
            #expect(hosted.headers[.contentSecurityPolicy]?.contains("frame-ancestors *") == true)
            let html = String(buffer: hosted.body)
            #expect(html.contains("name=\"landing_page\" value=\"https://shop.example/?utm_source=vk\""))
            #expect(html.contains("name=\"referrer\" value=\"https://ya.ru/\""))
        }
    }
}
