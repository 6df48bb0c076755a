import Foundation
import HTTPTypes
import RapportCore
import Testing

@testable import RapportHTTP

/// The segment builder, the purchases panel and the report pages without JavaScript.
@Suite struct SegmentPagesTests {
    @Test func theBuilderAddsRowsCountsSavesAndNamesTheWrongRow() async throws {
        try await TestApp.with(effects: OrderAndSegmentTests.effects) { app, api in
            let crew = try await Crew.make(app.store)
            _ = try await OrderAndSegmentTests().seed(api, crew.token("owner"))
            var browser = Browser(client: api.client)
            try await browser.signIn(crew.user("owner").email)
            let form = try await browser.get("/segments/new")
            #expect(form.status == 200)
            let csrf = try #require(form.csrf)
            let once = try #require(form.input("_once"))
            var fields: [(String, String)] = [
                ("_csrf", csrf), ("_once", once), ("name", "Купили дважды, молчат 90 дней"), ("match", "all"), ("rows", "1"),
                ("c0.field", "orderCount"), ("c0.op", "gte"), ("c0.value", "2"),
            ]
            let added = try await browser.post("/segments", fields + [("do", "add")])
            #expect(added.status == 200)
            #expect(added.html.contains("name=\"c1.field\""), "a second row appears")
            fields[4] = ("rows", "2")
            fields += [("c1.field", "lastOrderAt"), ("c1.op", "notWithinDays"), ("c1.value", "90")]
            let counted = try await browser.post("/segments", fields + [("do", "count")])
            #expect(counted.html.contains("data-segment-count>2</b>"), "two of the fixture's clients match")
            let wrong = try await browser.post(
                "/segments", fields.map { $0.0 == "c1.value" ? ("c1.value", "давно") : $0 } + [("do", "save")])
            #expect(wrong.status == 422)
            #expect(wrong.html.contains("id=\"c1-error\""), "the wrong row is marked")
            let saved = try await browser.post("/segments", fields + [("do", "save")])
            #expect(saved.status == 303)
            let url = try #require(saved.location)
            let page = try await browser.get(url)
            #expect(page.html.contains("data-segment-count>2</b>"))
            #expect(page.html.contains("value=\"90\""), "the builder shows the saved rows")
            let members = try await browser.get("/contacts?segment=\(url.split(separator: "/").last!)")
            #expect(members.html.contains("Антонов") && members.html.contains("Григорьева") && !members.html.contains("Борисова"))
            let export = try await browser.get("\(url)/export?format=excel")
            #expect(export.status == 200)
            #expect(export.headers[.contentType] == "text/csv; charset=windows-1251")
        }
    }

    @Test func purchasesShowOnTheCardAndAreRecordedFromIt() async throws {
        try await TestApp.with(effects: OrderAndSegmentTests.effects) { app, api in
            let crew = try await Crew.make(app.store)
            let ids = try await OrderAndSegmentTests().seed(api, crew.token("owner"))
            var browser = Browser(client: api.client)
            try await browser.signIn(crew.user("owner").email)
            let path = "/contacts/\(ids["Антонов Антон"]!)"
            let card = try await browser.get(path)
            #expect(card.html.contains("Покупки"))
            let revenue = Formatting(locale: .ru, timeZoneIdentifier: "Europe/Moscow").money(Money(amount: 600_000, currency: .rub))
            #expect(card.html.contains(revenue), "revenue of three orders")
            let saved = try await browser.post(
                "/orders",
                [
                    ("_csrf", try #require(card.csrf)), ("_once", try #require(card.input("_once"))), ("contactId", ids["Антонов Антон"]!),
                    ("return", path), ("amount", "1 500,50"), ("quantity", "1"), ("date", "2026-06-14"),
                ])
            #expect(saved.status == 303)
            let metrics = try await api.get("/api/v1/contacts/\(ids["Антонов Антон"]!)/metrics", crew.token("owner"))
            #expect(metrics["orderCount"] == .int(4))
            #expect(metrics["revenue"] == .int(750_050))
        }
    }

    @Test func reportPagesDrawTheirCharts() async throws {
        try await TestApp.with(effects: OrderAndSegmentTests.effects) { app, api in
            let crew = try await Crew.make(app.store)
            _ = try await OrderAndSegmentTests().seed(api, crew.token("owner"))
            try await app.store.customerMetrics.refreshRFM()
            var browser = Browser(client: api.client)
            try await browser.signIn(crew.user("owner").email)
            let index = try await browser.get("/reports")
            for name in ReportPages.names {
                #expect(index.html.contains("href=\"/reports/\(name)\""), "\(name) is listed")
                let page = try await browser.get("/reports/\(name)")
                #expect(page.status == 200, "\(name)")
                #expect(page.html.contains("<table class=\"list report\"") || page.html.contains("class=\"empty\""), "\(name) has a table")
            }
            // The fixture has orders, so the purchase reports draw charts.
            for name in ["funnel", "sales", "purchases", "rfm", "cohorts", "clv"] {
                #expect(try await browser.get("/reports/\(name)").html.contains("<svg class=\"chart"), "\(name) has a chart")
            }
            let rfm = try await browser.get("/reports/rfm")
            #expect(rfm.html.components(separatedBy: "<rect").count - 1 == 25)
            let bad = try await browser.get("/reports/sales?from=2026-13-01")
            #expect(bad.html.contains("Неверная дата"))
            #expect(try await browser.get("/reports/nothing").status == 404)
        }
    }

    @Test func theDashboardFollowsTheRoleAndKeepsTheUsersArrangement() async throws {
        try await TestApp.with(effects: OrderAndSegmentTests.effects) { app, api in
            let crew = try await Crew.make(app.store)
            _ = try await OrderAndSegmentTests().seed(api, crew.token("owner"))
            var browser = Browser(client: api.client)
            try await browser.signIn(crew.user("marketer").email)
            let first = try await browser.get("/dashboard")
            #expect(first.status == 200)
            func order(_ html: String) -> [String] {
                Dashboard.widgets.filter { html.contains("<a href=\"/reports/\($0)\">") }
                    .sorted {
                        html.range(of: "<a href=\"/reports/\($0)\">")!.lowerBound
                            < html.range(of: "<a href=\"/reports/\($1)\">")!.lowerBound
                    }
            }
            #expect(order(first.html) == Dashboard.defaultWidgets(for: .marketer))
            let csrf = try #require(first.csrf)
            _ = try await browser.post("/dashboard", [("_csrf", csrf), ("do", "down:0")])
            _ = try await browser.post("/dashboard", [("_csrf", csrf), ("do", "add:clv")])
            _ = try await browser.post("/dashboard", [("_csrf", csrf), ("do", "remove:3")])
            let arranged = try await browser.get("/dashboard")
            #expect(order(arranged.html) == ["rfm", "purchases", "sources", "clv"])
            _ = try await browser.post("/dashboard", [("_csrf", csrf), ("do", "reset")])
            #expect(order(try await browser.get("/dashboard").html) == Dashboard.defaultWidgets(for: .marketer))
            // Another user's dashboard is their own.
            var rep = Browser(client: api.client)
            try await rep.signIn(crew.user("rep").email)
            #expect(order(try await rep.get("/dashboard").html) == Dashboard.defaultWidgets(for: .salesRep))
        }
    }

    @Test func aCompanyCardShowsItsPurchases() async throws {
        try await TestApp.with(effects: OrderAndSegmentTests.effects) { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let company = try await api.post("/api/v1/companies", token, ["name": "ООО «Покупатель»"])
            for amount in [100_000, 250_000] as [Int64] {
                let order = try await api.post(
                    "/api/v1/orders", token, ["companyId": .string(company.id), "total": ["amount": .int(amount), "currency": "RUB"]])
                #expect(order.status == 201)
            }
            var browser = Browser(client: api.client)
            try await browser.signIn(crew.user("owner").email)
            let card = try await browser.get("/companies/\(company.id)")
            let format = Formatting(locale: .ru, timeZoneIdentifier: "Europe/Moscow")
            #expect(card.html.contains(format.money(Money(amount: 350_000, currency: .rub))), "revenue of both orders")
            #expect(card.html.contains(format.money(Money(amount: 175_000, currency: .rub))), "the average check")
            #expect(card.html.contains("name=\"companyId\" value=\"\(company.id)\""), "a purchase is recorded for the company")
        }
    }

    @Test func aContactListExportsWithItsFiltersAsXLSXAndVCard() async throws {
        try await TestApp.with(effects: OrderAndSegmentTests.effects) { app, api in
            let crew = try await Crew.make(app.store)
            _ = try await OrderAndSegmentTests().seed(api, crew.token("owner"))
            var browser = Browser(client: api.client)
            try await browser.signIn(crew.user("owner").email)
            let list = try await browser.get("/contacts?city=Казань")
            #expect(list.html.contains("/contacts/export?city="))
            let xlsx = try await browser.get("/contacts/export?city=%D0%9A%D0%B0%D0%B7%D0%B0%D0%BD%D1%8C&format=xlsx")
            #expect(xlsx.status == 200)
            #expect(xlsx.headers[.contentType]?.contains("spreadsheetml") == true)
            let cards = try await browser.get("/contacts/export?city=%D0%9A%D0%B0%D0%B7%D0%B0%D0%BD%D1%8C&format=vcard")
            #expect(cards.headers[.contentType] == "text/vcard; charset=utf-8")
            // The fixture has two clients in Kazan.
            #expect(cards.html.components(separatedBy: "BEGIN:VCARD").count - 1 == 2)
            #expect(cards.html.contains("N:Антонов;Антон;;;"))
            let audit = try await app.store.database.reader.raw("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'export'").first()
            #expect(try audit?.decode(column: "n", as: Int.self) == 2, "each export is audited")
            // The API gives the same list to a script.
            let csv = try await api.call(
                .get, "/api/v1/contacts/export?format=csv&city=%D0%9A%D0%B0%D0%B7%D0%B0%D0%BD%D1%8C", token: crew.token("owner"),
                validate: false)
            #expect(csv.status == 200)
            #expect(csv.json.stringValue?.contains("Антонов") == true)
            #expect(csv.json.stringValue?.contains("Борисова") == false)
            // A role without the export right cannot.
            var rep = Browser(client: api.client)
            try await rep.signIn(crew.user("rep").email)
            #expect(try await rep.get("/contacts/export?format=csv").status == 403)
        }
    }
}

/// The company and deal lists download as filtered, audited, for those with the export right.
@Suite struct RecordExportTests {
    @Test func companyAndDealListsDownloadAsFiltered() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let firm = try await api.post("/api/v1/companies", token, ["name": "Казанский завод", "city": "Казань", "inn": "7707083893"])
            _ = try await api.post("/api/v1/companies", token, ["name": "Московский завод", "city": "Москва"])
            _ = try await api.post(
                "/api/v1/deals", token,
                ["title": "Поставка станков", "amount": ["amount": 1_234_500, "currency": "RUB"], "companyId": firm["id"]])
            _ = try await api.post("/api/v1/deals", token, ["title": "Ремонт", "amount": ["amount": 100, "currency": "RUB"]])

            let companies = try await api.call(
                .get, "/api/v1/companies/export?format=csv&city=%D0%9A%D0%B0%D0%B7%D0%B0%D0%BD%D1%8C", token: token, validate: false)
            #expect(companies.status == 200)
            let companyText = companies.json.stringValue ?? ""
            #expect(companyText.contains("Казанский завод") && companyText.contains("7707083893"))
            #expect(!companyText.contains("Московский завод"), "the list's filter holds")

            let deals = try await api.call(.get, "/api/v1/deals/export?format=csv&q=станков", token: token, validate: false)
            #expect(deals.status == 200)
            let dealText = deals.json.stringValue ?? ""
            #expect(dealText.contains("Поставка станков") && dealText.contains("12345.00") && dealText.contains("Казанский завод"))
            #expect(!dealText.contains("Ремонт"))

            let wrong = try await api.get("/api/v1/deals/export?format=vcard", token)
            #expect(wrong.status == 422)
            #expect(wrong.errorFields == ["format"])
            #expect(try await api.get("/api/v1/companies/export?format=csv", crew.token("rep")).status == 403)
            let audited = try await app.store.database.reader.raw(
                "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'export' AND workspace_id = \(bind: crew.workspace.id.rawValue)"
            ).first()
            #expect(try audited?.decode(column: "n", as: Int.self) == 2, "each download is audited")

            var browser = Browser(client: api.client)
            try await browser.signIn(crew.user("owner").email)
            #expect(try await browser.get("/companies?city=Казань").html.contains("/companies/export?city="))
            #expect(try await browser.get("/deals/list").html.contains("/deals/export?format=xlsx"))
            let xlsx = try await browser.get("/deals/export?format=xlsx")
            #expect(xlsx.status == 200)
            #expect(xlsx.headers[.contentType]?.contains("spreadsheetml") == true)

            // The same lists as files, as `rapport export companies|deals` writes them.
            let file = try await ListFileExport.bytes(
                store: app.store, actor: crew.actor("owner"), entity: "deals", format: "csv", segment: nil)
            let text = String(decoding: file, as: UTF8.self)
            #expect(text.contains("Поставка станков") && text.contains("Ремонт"))
            await #expect(throws: ValidationError.self) {
                _ = try await ListFileExport.bytes(
                    store: app.store, actor: crew.actor("owner"), entity: "companies", format: "vcard", segment: nil)
            }
            await #expect(throws: RecordError.self) {
                _ = try await ListFileExport.bytes(
                    store: app.store, actor: crew.actor("rep"), entity: "companies", format: "csv", segment: nil)
            }
        }
    }
}
