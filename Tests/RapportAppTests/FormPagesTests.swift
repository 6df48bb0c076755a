import Foundation
import RapportCore
import RapportStore
import Testing

@testable import RapportHTTP

/// Settings → Web forms without JavaScript: build a form, see its link and snippet, see a submission.
@Suite struct FormPagesTests {
    @Test func anAdminBuildsAFormSeesItsSnippetAndItsSubmissions() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            var browser = Browser(client: api.client)
            try await browser.signIn(crew.user("admin").email)
            let tab = try await browser.get("/settings/forms")
            #expect(tab.status == 200)
            #expect(tab.html.contains("/settings/forms/new"))
            let blank = try await browser.get("/settings/forms/new")
            #expect(blank.html.contains("name=\"field.0.target\""))
            let csrf = blank.input("_csrf") ?? ""
            let refused = try await browser.post(
                "/settings/forms/new",
                [("_csrf", csrf), ("name", "Заявка"), ("field.0.target", "contact.fullName"), ("field.0.labelRu", "ФИО")])
            #expect(refused.status == 422)
            #expect(refused.html.contains("value=\"Заявка\""))
            #expect(refused.html.contains("form-errors"))
            let created = try await browser.post(
                "/settings/forms/new",
                [
                    ("_csrf", csrf), ("name", "Заявка"), ("field.0.target", "contact.email"), ("field.0.labelRu", "Почта"),
                    ("field.0.required", "1"), ("field.0.position", "20"), ("field.1.target", "contact.fullName"),
                    ("field.1.labelRu", "ФИО"), ("field.1.position", "10"), ("createsTask", "1"),
                    ("owner", crew.user("rep").id.rawValue), ("thankYouText", "Спасибо за заявку!"),
                ])
            #expect(created.status == 303)
            let location = created.location ?? ""
            #expect(location.hasPrefix("/settings/forms/"))
            let form = try await app.store.forms.list(by: crew.actor("admin"))[0]
            #expect(form.fields.map(\.target) == ["contact.fullName", "contact.email"])
            #expect(form.fields[1].required)
            #expect(form.ownerIDs == [crew.user("rep").id])
            #expect(form.createsTask)

            _ = try await WebFormTests.post(
                api, form.publicKey, [("contact.fullName", "Петров Пётр"), ("contact.email", "petr@example.ru"), ("utm_source", "vk")])
            let page = try await browser.get(location)
            #expect(page.html.contains("/f/\(form.publicKey)/embed.js"))
            #expect(page.html.contains("Петров Пётр"))
            #expect(page.html.contains("vk / — / —"))
            let off = try await browser.post(
                location,
                [
                    ("_csrf", csrf), ("version", String(form.version)), ("name", "Заявка"), ("field.0.target", "contact.email"),
                    ("field.0.labelRu", "Почта"),
                ])
            #expect(off.status == 303)
            #expect(try await app.store.forms.get(form.id, by: crew.actor("admin")).isActive == false)

            var rep = Browser(client: api.client)
            try await rep.signIn(crew.user("rep").email)
            #expect(try await rep.get("/settings/forms/new").status == 403)
        }
    }
}
