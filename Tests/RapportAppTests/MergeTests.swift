import Foundation
import HTTPTypes
import RapportCore
import SQLKit
import Testing

@testable import RapportStore

/// Duplicates and merge through the API and the pages: what the finder proposes and why, "not
/// duplicates", and a merge that moves everything to the survivor in one transaction.
@Suite struct MergeTests {
    // MARK: - Helpers

    func contact(_ api: API, _ token: String, _ body: JSONValue) async throws -> String {
        let reply = try await api.post("/api/v1/contacts", token, body)
        #expect(reply.status == 201, "\(reply.json)")
        return reply.id
    }

    func company(_ api: API, _ token: String, _ body: JSONValue) async throws -> String {
        let reply = try await api.post("/api/v1/companies", token, body)
        #expect(reply.status == 201, "\(reply.json)")
        return reply.id
    }

    func version(_ api: API, _ token: String, _ path: String) async throws -> JSONValue {
        .int(try await api.get(path, token).version)
    }

    func strings(_ value: JSONValue) -> [String] { value.arrayValue.compactMap(\.stringValue) }

    func mergeBody(_ api: API, _ token: String, _ noun: String, survivor: String, merged: [String], choices: JSONValue = [:])
        async throws -> JSONValue
    {
        var versions: [String: JSONValue] = [:]
        for id in [survivor] + merged { versions[id] = try await version(api, token, "/api/v1/\(noun)/\(id)") }
        return [
            "survivorId": .string(survivor), "mergedIds": .array(merged.map(JSONValue.string)), "versions": .object(versions),
            "choices": choices,
        ]
    }

    // MARK: - Finder

    @Test func theFinderGroupsContactsWithTheirReasonsAndForgetsDismissedPairs() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let firm = try await company(api, token, ["name": "ООО «Ромашка»"])
            let link: JSONValue = [["companyId": .string(firm)]]
            let a = try await contact(
                api, token, ["fullName": "Иванов Иван", "phones": [["number": "+7 912 345-67-89"]], "companies": link])
            let b = try await contact(
                api, token,
                ["fullName": "Иван Иванов", "phones": [["number": "8 (912) 345 67 89"]], "emails": [["address": "ivan@example.ru"]]])
            let c = try await contact(api, token, ["fullName": "Петров Пётр", "emails": [["address": "IVAN@example.ru"]]])
            _ = try await contact(api, token, ["fullName": "Сидоров Семён", "phones": [["number": "+7 495 000-00-00"]]])
            let e = try await contact(api, token, ["fullName": "Ивонов Иван", "companies": link])
            _ = try await contact(api, token, ["fullName": "Кузнецов Кирилл", "companies": link])

            let groups = try await api.get("/api/v1/contacts/duplicates", token)
            #expect(groups.status == 200)
            #expect(groups.data.count == 1)
            let group = groups.data[0]
            #expect(strings(group["ids"]) == [a, b, c, e], "oldest first")
            #expect(strings(group["reasons"]) == ["same_phone", "same_email", "similar_name"])
            #expect(strings(JSONValue.array(group["records"].arrayValue.map { $0["id"] })) == [a, b, c, e])
            let links = group["links"].arrayValue.map { "\($0["firstId"].stringValue ?? "")-\($0["secondId"].stringValue ?? "")" }
            #expect(links == ["\(a)-\(b)", "\(a)-\(e)", "\(b)-\(c)"])
            #expect(strings(group["links"][0]["reasons"]) == ["same_phone"])

            let ofA = try await api.get("/api/v1/contacts/\(a)/duplicates", token)
            #expect(ofA.status == 200)
            #expect(strings(JSONValue.array(ofA.data.map { $0["record"]["id"] })) == [b, e])
            #expect(strings(ofA.data[0]["reasons"]) == ["same_phone"])
            #expect(strings(ofA.data[1]["reasons"]) == ["similar_name"])

            let dismissed = try await api.post("/api/v1/contacts/duplicates/dismiss", token, ["ids": [.string(a), .string(e)]])
            #expect(dismissed.status == 204)
            let after = try await api.get("/api/v1/contacts/\(a)/duplicates", token)
            #expect(strings(JSONValue.array(after.data.map { $0["record"]["id"] })) == [b])
            let regrouped = try await api.get("/api/v1/contacts/duplicates", token)
            #expect(strings(regrouped.data[0]["ids"]) == [a, b, c], "e's only link was the dismissed pair")
            let timeline = try await api.get("/api/v1/contacts/\(e)/timeline", token)
            #expect(timeline.data.contains { $0["changes"].arrayValue.contains { $0["field"] == "notDuplicateOf" } })

            let bad = try await api.post("/api/v1/contacts/duplicates/dismiss", token, ["ids": [.string(a)]])
            #expect(bad.status == 422)
            #expect(bad.errorFields == ["ids"])
            let unknown = try await api.post(
                "/api/v1/contacts/duplicates/dismiss", token, ["ids": [.string(a), "01890000-0000-7000-8000-000000000000"]])
            #expect(unknown.status == 422)
            #expect(unknown.errorFields == ["ids[1]"])
        }
    }

    @Test func companiesMatchByINNAndNameAndPageThroughGroups() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let x = try await company(api, token, ["name": "Сбер", "inn": "7707083893"])
            let y = try await company(api, token, ["name": "ПАО Сбербанк", "inn": "7707 083 893"])
            let p = try await company(api, token, ["name": "Ромашка  ООО"])
            let q = try await company(api, token, ["name": "ромашка ооо"])
            _ = try await company(api, token, ["name": "Лютик"])

            let first = try await api.get("/api/v1/companies/duplicates?limit=1", token)
            #expect(first.data.count == 1)
            #expect(strings(first.data[0]["ids"]) == [x, y])
            #expect(strings(first.data[0]["reasons"]) == ["same_inn"])
            let cursor = try #require(first["nextCursor"].stringValue)
            let second = try await api.get("/api/v1/companies/duplicates?limit=1&cursor=\(cursor)", token)
            #expect(second.data.count == 1)
            #expect(strings(second.data[0]["ids"]) == [p, q])
            #expect(strings(second.data[0]["reasons"]) == ["similar_name"])
            #expect(second["nextCursor"] == .null)
            let badCursor = try await api.get("/api/v1/companies/duplicates?cursor=nonsense", token)
            #expect(badCursor.status == 422)

            let ofY = try await api.get("/api/v1/companies/\(y)/duplicates", token)
            #expect(strings(JSONValue.array(ofY.data.map { $0["record"]["id"] })) == [x])
        }
    }

    @Test func theFinderShowsOnlyWhatTheUserMaySeeInTheirWorkspace() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let other = try await Crew.make(app.store, label: "other")
            let phone: JSONValue = [["number": "+7 912 000-11-22"]]
            let mine = try await contact(api, crew.token("rep"), ["fullName": "Один", "phones": phone])
            let mates = try await contact(api, crew.token("mate"), ["fullName": "Два", "phones": phone])
            let outsiders = try await contact(api, crew.token("outsider"), ["fullName": "Три", "phones": phone])
            _ = try await contact(api, other.token("owner"), ["fullName": "Чужой", "phones": phone])

            let owner = try await api.get("/api/v1/contacts/duplicates", crew.token("owner"))
            #expect(owner.data.map { strings($0["ids"]) } == [[mine, mates, outsiders]])
            let rep = try await api.get("/api/v1/contacts/duplicates", crew.token("rep"))
            #expect(rep.data.map { strings($0["ids"]) } == [[mine, mates]], "the outsider's contact is another team's")
            let foreign = try await api.get("/api/v1/contacts/duplicates", other.token("owner"))
            #expect(foreign.data.isEmpty, "the same phone in another workspace is not a duplicate")
            let probe = try await api.get("/api/v1/contacts/\(mine)/duplicates", other.token("owner"))
            #expect(probe.status == 404)
        }
    }

    // MARK: - Merge

    @Test func mergingMovesEverythingToTheSurvivorAndLeavesAPointer() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let x = try await company(api, token, ["name": "Альфа"])
            let y = try await company(api, token, ["name": "Бета"])
            let a = try await contact(
                api, token,
                [
                    "fullName": "Иванов Иван", "position": "Менеджер", "phones": [["number": "+7 912 345-67-89"]], "tags": ["vip"],
                    "companies": [["companyId": .string(x), "isPrimary": true]],
                ])
            let b = try await contact(
                api, token,
                [
                    "fullName": "Иванов Иван Петрович", "position": "Директор", "city": "Казань",
                    "phones": [["number": "8 912 345 67 89"], ["number": "+7 495 111-22-33"]],
                    "emails": [["address": "ivan@example.ru"]], "tags": ["VIP", "опт"], "companies": [["companyId": .string(y)]],
                ])
            let onlyB = try await api.post(
                "/api/v1/deals", token, ["title": "Сделка Б", "amount": ["amount": 1000, "currency": "RUB"], "contactIds": [.string(b)]])
            let both = try await api.post(
                "/api/v1/deals", token,
                ["title": "Общая", "amount": ["amount": 2000, "currency": "RUB"], "contactIds": [.string(a), .string(b)]])
            let task = try await api.post(
                "/api/v1/tasks", token, ["title": "Позвонить", "related": ["kind": "contact", "id": .string(b)]])
            let note = try await api.post("/api/v1/activities", token, ["kind": "note", "body": "Заметка", "contactId": .string(b)])
            let order = try await api.post(
                "/api/v1/orders", token,
                ["contactId": .string(b), "status": "paid", "total": ["amount": 150_000, "currency": "RUB"]])
            #expect(order.status == 201, "\(order.json)")
            let list = try await api.post("/api/v1/segments", token, ["name": "Рассылка", "kind": "static"])
            _ = try await api.post("/api/v1/segments/\(list.id)/members", token, ["ids": [.string(b)]])
            let oldDealVersion = onlyB.version
            let proposal = try await DocumentTests.upload(
                api, "/api/v1/contacts/\(b)/documents", token, Array("КП, версия 1".utf8), fileName: "КП.txt", type: "text/plain")
            #expect(proposal.status == 201)

            let body = try await mergeBody(api, token, "contacts", survivor: a, merged: [b], choices: ["position": .string(b)])
            let merged = try await api.post("/api/v1/contacts/merge", token, body)
            #expect(merged.status == 200, "\(merged.json)")
            #expect(merged.id == a)
            #expect(merged["position"] == "Директор", "picked from b")
            #expect(merged["middleName"] == "Петрович", "empty on the survivor, taken from b")
            #expect(merged["city"] == "Казань")
            #expect(merged["phones"].arrayValue.compactMap { $0["e164"].stringValue } == ["+79123456789", "+74951112233"])
            #expect(merged["emails"].arrayValue.compactMap { $0["address"].stringValue } == ["ivan@example.ru"])
            #expect(strings(merged["tags"]) == ["vip", "опт"])
            #expect(merged["companies"].arrayValue.compactMap { $0["companyId"].stringValue } == [x, y])

            let dealB = try await api.get("/api/v1/deals/\(onlyB.id)", token)
            #expect(strings(dealB["contactIds"]) == [a])
            #expect(dealB.version > oldDealVersion)
            #expect(strings(try await api.get("/api/v1/deals/\(both.id)", token)["contactIds"]) == [a])
            #expect(try await api.get("/api/v1/tasks/\(task.id)", token)["related"]["id"] == .string(a))
            #expect(try await api.get("/api/v1/activities/\(note.id)", token)["contactId"] == .string(a))
            #expect(try await api.get("/api/v1/orders/\(order.id)", token)["contactId"] == .string(a))
            let metrics = try await api.get("/api/v1/contacts/\(a)/metrics", token)
            #expect(metrics["orderCount"] == .int(1))
            #expect(metrics["revenue"] == .int(150_000))
            let members = try await api.get("/api/v1/segments/\(list.id)/members", token)
            #expect(members.data.compactMap { $0["id"].stringValue } == [a])
            let documents = try await api.get("/api/v1/contacts/\(a)/documents", token)
            #expect(documents.data.compactMap { $0["id"].stringValue } == [proposal.id], "documents follow the survivor")
            let firmY = try await api.get("/api/v1/contacts?companyId=\(y)", token)
            #expect(firmY.data.compactMap { $0["id"].stringValue } == [a])

            let gone = try await api.get("/api/v1/contacts/\(b)", token)
            #expect(gone.status == 200)
            #expect(gone["mergedInto"] == .string(a))
            #expect(gone["deletedAt"] != .null)
            let live = try await api.get("/api/v1/contacts", token)
            #expect(!live.data.contains { $0["id"] == .string(b) })
            #expect(try await api.get("/api/v1/contacts/duplicates", token).data.isEmpty)

            let survivorHistory = try await api.get("/api/v1/contacts/\(a)/timeline", token)
            let entry = try #require(survivorHistory.data.first { $0["action"] == "merge" })
            let changes = entry["changes"].arrayValue
            #expect(changes.contains { $0["field"] == "position" && $0["before"] == "Менеджер" && $0["after"] == "Директор" })
            #expect(changes.contains { $0["field"] == "mergedIds" && $0["after"] == [.string(b)] })
            let mergedHistory = try await api.get("/api/v1/contacts/\(b)/timeline", token)
            #expect(
                mergedHistory.data.contains {
                    $0["action"] == "merge"
                        && $0["changes"].arrayValue.contains { $0["field"] == "mergedInto" && $0["after"] == .string(a) }
                })

            let again = try await api.post(
                "/api/v1/contacts/merge", token,
                ["survivorId": .string(a), "mergedIds": [.string(b)], "versions": [a: merged["version"], b: gone["version"]]])
            #expect(again.status == 409, "a merged record is in the trash")
        }
    }

    @Test func aStaleVersionOrABadChoiceChangesNothing() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let a = try await contact(api, token, ["fullName": "Орлов Олег", "phones": [["number": "+7 912 111-11-11"]]])
            let b = try await contact(api, token, ["fullName": "Орлов Олег", "phones": [["number": "+7 912 111-11-11"]]])
            let body = try await mergeBody(api, token, "contacts", survivor: a, merged: [b])
            let edited = try await api.patch("/api/v1/contacts/\(b)", token, ["version": body["versions"][b], "city": "Тверь"])
            #expect(edited.status == 200)
            let stale = try await api.post("/api/v1/contacts/merge", token, body)
            #expect(stale.status == 409)
            #expect(stale["code"] == "version_conflict")

            var choices = try await mergeBody(api, token, "contacts", survivor: a, merged: [b])
            if case .object(var object) = choices {
                object["choices"] = ["colour": .string(b), "city": "01890000-0000-7000-8000-000000000000"]
                choices = .object(object)
            }
            let refused = try await api.call(.post, "/api/v1/contacts/merge", token: token, body: choices, headers: .language("en"))
            #expect(refused.status == 422)
            #expect(Set(refused.errorFields) == ["choices.colour", "choices.city"])

            let missing = try await api.post("/api/v1/contacts/merge", token, ["survivorId": .string(a), "mergedIds": [.string(b)]])
            #expect(missing.status == 422)
            #expect(Set(missing.errorFields) == ["versions.\(a)", "versions.\(b)"])
            let malformed = try await api.post("/api/v1/contacts/merge", token, ["survivorId": "x", "mergedIds": "y"])
            #expect(malformed.status == 422)
            #expect(Set(malformed.errorFields).isSuperset(of: ["mergedIds"]))

            let phones = (0..<20).map { JSONValue.object(["number": .string("+7 913 000-00-\(String(format: "%02d", $0))")]) }
            let full = try await contact(api, token, ["fullName": "Орлов Олег", "phones": .array(phones)])
            let tooMany = try await api.post(
                "/api/v1/contacts/merge", token, try await mergeBody(api, token, "contacts", survivor: a, merged: [full]))
            #expect(tooMany.status == 422)
            #expect(tooMany.errorFields == ["phones"])

            for id in [a, b, full] {
                let record = try await api.get("/api/v1/contacts/\(id)", token)
                #expect(record["deletedAt"] == .null)
                #expect(record["mergedInto"] == .null)
            }
            #expect(try await api.get("/api/v1/contacts/\(a)", token).version == body["versions"][a].intValue)
            let history = try await api.get("/api/v1/contacts/\(a)/timeline", token)
            #expect(!history.data.contains { $0["action"] == "merge" })
        }
    }

    @Test func mergingNeedsTheRightToChangeEveryRecordAndDeleteTheMergedOnes() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let other = try await Crew.make(app.store, label: "other")
            let phone: JSONValue = [["number": "+7 912 222-22-22"]]
            let repOwn = try await contact(api, crew.token("rep"), ["fullName": "Свой", "phones": phone])
            let repOwn2 = try await contact(api, crew.token("rep"), ["fullName": "Свой Второй", "phones": phone])
            let mates = try await contact(api, crew.token("mate"), ["fullName": "Чужой", "phones": phone])

            let repOnMate = try await api.post(
                "/api/v1/contacts/merge", crew.token("rep"),
                try await mergeBody(api, crew.token("rep"), "contacts", survivor: repOwn, merged: [mates]))
            #expect(repOnMate.status == 403, "a rep sees a teammate's contact but may not change it")
            for role in ["marketer", "support", "reader"] {
                let reply = try await api.post(
                    "/api/v1/contacts/merge", crew.token(role),
                    try await mergeBody(api, crew.token(role), "contacts", survivor: repOwn, merged: [repOwn2]))
                #expect(reply.status == 403, "\(role)")
            }
            let foreign = try await api.post(
                "/api/v1/contacts/merge", other.token("owner"),
                [
                    "survivorId": .string(repOwn), "mergedIds": [.string(repOwn2)],
                    "versions": [repOwn: 1, repOwn2: 1],
                ])
            #expect(foreign.status == 422, "another workspace's ids name nothing")
            let dismissForeign = try await api.post(
                "/api/v1/contacts/duplicates/dismiss", other.token("owner"), ["ids": [.string(repOwn), .string(repOwn2)]])
            #expect(dismissForeign.status == 422)
            let readerDismiss = try await api.post(
                "/api/v1/contacts/duplicates/dismiss", crew.token("reader"), ["ids": [.string(repOwn), .string(repOwn2)]])
            #expect(readerDismiss.status == 403)
            for id in [repOwn, repOwn2, mates] {
                #expect(try await api.get("/api/v1/contacts/\(id)", crew.token("owner"))["deletedAt"] == .null)
            }

            let own = try await api.post(
                "/api/v1/contacts/merge", crew.token("rep"),
                try await mergeBody(api, crew.token("rep"), "contacts", survivor: repOwn, merged: [repOwn2]))
            #expect(own.status == 200, "a rep merges their own contacts")
        }
    }

    @Test func mergingCompaniesMovesPeopleDealsAndOrders() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let x = try await company(api, token, ["name": "Сбер", "inn": "7707083893", "phones": [["number": "+7 495 500-55-50"]]])
            let y = try await company(
                api, token, ["name": "ПАО Сбербанк", "inn": "7707083893", "kpp": "773601001", "website": "sberbank.ru"])
            let both = try await contact(
                api, token,
                ["fullName": "Общий Сотрудник", "companies": [["companyId": .string(x)], ["companyId": .string(y), "isPrimary": true]]])
            let onlyY = try await contact(api, token, ["fullName": "Второй Сотрудник", "companies": [["companyId": .string(y)]]])
            let deal = try await api.post(
                "/api/v1/deals", token, ["title": "Кредит", "amount": ["amount": 5000, "currency": "RUB"], "companyId": .string(y)])
            let order = try await api.post(
                "/api/v1/orders", token, ["companyId": .string(y), "status": "paid", "total": ["amount": 70_000, "currency": "RUB"]])
            #expect(order.status == 201, "\(order.json)")

            let merged = try await api.post(
                "/api/v1/companies/merge", token,
                try await mergeBody(api, token, "companies", survivor: x, merged: [y], choices: ["name": .string(y)]))
            #expect(merged.status == 200, "\(merged.json)")
            #expect(merged["name"] == "ПАО Сбербанк")
            #expect(merged["kpp"] == "773601001")
            #expect(merged["website"] == "sberbank.ru")
            #expect(try await api.get("/api/v1/deals/\(deal.id)", token)["companyId"] == .string(x))
            #expect(try await api.get("/api/v1/orders/\(order.id)", token)["companyId"] == .string(x))
            #expect(try await api.get("/api/v1/companies/\(x)/metrics", token)["revenue"] == .int(70_000))
            let person = try await api.get("/api/v1/contacts/\(both)", token)
            #expect(person["companies"].arrayValue.map { $0["companyId"] } == [.string(x)])
            #expect(person["companies"][0]["isPrimary"] == true, "primary in either company stays primary")
            #expect(try await api.get("/api/v1/contacts/\(onlyY)", token)["companies"][0]["companyId"] == .string(x))
            #expect(try await api.get("/api/v1/companies/\(y)", token)["mergedInto"] == .string(x))
        }
    }

    // MARK: - Pages

    @Test func theMergeScreenMergesWithoutJavaScriptAndTheOldCardRedirects() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let a = try await contact(
                api, token, ["fullName": "Смирнова Анна", "city": "Москва", "phones": [["number": "+7 912 333-33-33"]]])
            let b = try await contact(
                api, token,
                ["fullName": "Анна Смирнова", "city": "Тула", "phones": [["number": "+7 912 333-33-33"], ["number": "+7 912 444-44-44"]]])
            var browser = Browser(client: api.client)
            try await browser.signIn(crew.user("owner").email)
            let list = try await browser.get("/contacts/duplicates")
            #expect(list.status == 200)
            #expect(list.html.contains("Одинаковый телефон"))
            #expect(list.html.contains("/contacts/merge?ids=\(a)&amp;ids=\(b)"))
            #expect(try await browser.get("/contacts").html.contains("href=\"/contacts/duplicates\""))
            #expect(try await browser.get("/contacts/\(a)").html.contains("href=\"/contacts/\(a)/duplicates\""))
            let matches = try await browser.get("/contacts/\(a)/duplicates")
            #expect(matches.html.contains("href=\"/contacts/\(b)\""))
            #expect(matches.html.contains("/contacts/merge?ids=\(a)&amp;ids=\(b)"))

            let screen = try await browser.get("/contacts/merge?ids=\(b)&ids=\(a)")
            #expect(screen.status == 200)
            #expect(screen.html.contains("id=\"survivor-\(a)\" checked"), "the oldest record survives by default")
            #expect(screen.html.contains("name=\"choice.city\" value=\"\(a)\" id=\"choice-city-\(a)\" checked"))
            #expect(screen.html.contains("+7 912 444-44-44"), "the unioned phones are previewed")
            let csrf = try #require(screen.csrf)
            var form: [(String, String)] = [("_csrf", csrf), ("ids", a), ("ids", b), ("survivor", a), ("choice.city", b)]
            form.append(("version.\(a)", try #require(screen.input("version.\(a)"))))
            form.append(("version.\(b)", try #require(screen.input("version.\(b)"))))
            let done = try await browser.post("/contacts/merge", form)
            #expect(done.status == 303, "\(done.html)")
            #expect(done.location == "/contacts/\(a)")
            let card = try await browser.get("/contacts/\(a)")
            #expect(card.html.contains("Записи объединены."))
            #expect(card.html.contains("Тула"))
            #expect(card.html.contains("+79124444444"))
            let old = try await browser.get("/contacts/\(b)")
            #expect(old.status == 303)
            #expect(old.location == "/contacts/\(a)")
            let replay = try await browser.post("/contacts/merge", form)
            #expect(replay.status == 409, "the merged record is in the trash now")
            let restored = try await api.post("/api/v1/contacts/\(b)/restore", token)
            #expect(restored.status == 200)
            #expect(try await browser.get("/contacts/\(b)").status == 200, "restored from the trash, it has its own card again")

            let stale = try await browser.get("/companies/duplicates")
            #expect(stale.status == 200)
            #expect(stale.html.contains("Дубликатов не найдено."))
        }
    }

    @Test func companyPagesAndEveryRoleSeeTheDuplicatePages() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let x = try await company(api, token, ["name": "Сбер", "inn": "7707083893", "tags": ["банк"]])
            let y = try await company(api, token, ["name": "ПАО Сбербанк", "inn": "7707083893", "tags": ["Банк", "ключевой"]])
            for role in Crew.roles.map(\.0) {
                var browser = Browser(client: api.client)
                try await browser.signIn(crew.user(role).email)
                for path in ["/contacts/duplicates", "/companies/duplicates"] {
                    let page = try await browser.get(path)
                    #expect(page.status == 200 && page.html.contains("<main id=\"main\""), "\(role) \(path)")
                }
                // Sales reps do not see the owner's companies (no team in common): the record pages say not found.
                let seesThem = !["rep", "mate", "outsider"].contains(role)
                for path in ["/companies/\(x)/duplicates", "/companies/merge?ids=\(x)&ids=\(y)"] {
                    #expect(try await browser.get(path).status == (seesThem ? 200 : 404), "\(role) \(path)")
                }
            }
            var browser = Browser(client: api.client)
            try await browser.signIn(crew.user("owner").email)
            #expect(try await browser.get("/companies").html.contains("href=\"/companies/duplicates\""))
            #expect(try await browser.get("/companies/\(x)").html.contains("href=\"/companies/\(x)/duplicates\""))
            let list = try await browser.get("/companies/duplicates")
            #expect(list.html.contains("Одинаковый ИНН"))
            let screen = try await browser.get("/companies/merge?ids=\(y)&ids=\(x)")
            #expect(screen.html.contains("банк, ключевой"), "tags are unioned case-insensitively in the preview")
            let csrf = try #require(screen.csrf)
            let form: [(String, String)] = [
                ("_csrf", csrf), ("ids", x), ("ids", y), ("survivor", y), ("choice.name", x),
                ("version.\(x)", try #require(screen.input("version.\(x)"))), ("version.\(y)", try #require(screen.input("version.\(y)"))),
            ]
            let done = try await browser.post("/companies/merge", form)
            #expect(done.status == 303)
            #expect(done.location == "/companies/\(y)", "the user may keep the newer record")
            let survivor = try await api.get("/api/v1/companies/\(y)", token)
            #expect(survivor["name"] == "Сбер")
            #expect(try await browser.get("/companies/\(x)").location == "/companies/\(y)")
            let dismiss = try await browser.post(
                "/contacts/duplicates/dismiss", [("_csrf", csrf), ("ids", x), ("return", "/contacts/duplicates")])
            #expect(dismiss.status == 422, "a dismissal needs two records")
        }
    }

    /// The finder's self-joins find the second record of a pair through an index, never by reading every
    /// phone, e-mail or company (SQLite's plan; PostgreSQL plans by its statistics).
    @Test(.enabled(if: TestApp.postgresURL == nil)) func theFinderReadsThroughTheIndexes() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let expected: [DuplicateReason: String] = [
                .samePhone: "phones_e164", .sameEmail: "emails_address", .sameINN: "companies_inn", .similarName: "companies_name",
            ]
            for kind in [RecordKind.contact, .company] {
                for only in [nil, "01890000-0000-7000-8000-000000000000"] {
                    for (sql, reason) in app.store.duplicates.pairQueries(kind, only: only, actor: crew.actor("rep")) {
                        let rows = try await app.store.database.reader.raw("EXPLAIN QUERY PLAN " + sql).all()
                        let plan = try rows.map { try $0.decode(column: "detail", as: String.self) }.joined(separator: "\n")
                        #expect(!plan.contains("SCAN x2") && !plan.contains("SCAN r2"), "\(kind) \(reason): \(plan)")
                        #expect(plan.contains(expected[reason] ?? "?"), "\(kind) \(reason): \(plan)")
                    }
                }
            }
        }
    }
}
