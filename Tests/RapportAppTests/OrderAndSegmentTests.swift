import Foundation
import HTTPTypes
import RapportCore
import Testing

/// Orders, the customer metrics they keep, and segments over them, checked against numbers computed
/// here independently from the fixture.
@Suite struct OrderAndSegmentTests {
    /// A fixed "now", so relative dates ("90 days") mean the same on every run.
    static let now = Date(timeIntervalSince1970: 1_781_514_000)  // 2026-06-15T09:00:00Z
    static let effects = Effects(now: { OrderAndSegmentTests.now }, newID: Effects.live.newID)
    static let day: TimeInterval = 86_400

    /// One purchase of the fixture: days before now, total in kopecks, status.
    struct Purchase {
        var daysAgo: Double
        var total: Int64
        var status = "paid"
    }

    /// The fixture: who bought what, when.
    static let buyers: [(name: String, city: String, tags: [String], purchases: [Purchase])] = [
        (
            "Антонов Антон", "Казань", ["vip"],
            [Purchase(daysAgo: 200, total: 100_000), Purchase(daysAgo: 150, total: 200_000), Purchase(daysAgo: 120, total: 300_000)]
        ),
        ("Борисова Бэлла", "Москва", [], [Purchase(daysAgo: 30, total: 50_000), Purchase(daysAgo: 10, total: 70_000)]),
        ("Васильев Вадим", "Казань", [], [Purchase(daysAgo: 100, total: 900_000)]),
        (
            "Григорьева Галина", "Самара", ["vip"],
            [
                Purchase(daysAgo: 400, total: 40_000), Purchase(daysAgo: 95, total: 60_000),
                Purchase(daysAgo: 5, total: 999_000, status: "cancelled"),
            ]
        ),
        ("Дмитриев Денис", "Москва", [], []),
    ]

    func iso(_ daysAgo: Double) -> JSONValue {
        .string(ISO8601DateFormatter().string(from: Self.now.addingTimeInterval(-daysAgo * Self.day)))
    }

    /// Creates the fixture's contacts and orders; returns contact ids by name.
    func seed(_ api: API, _ token: String) async throws -> [String: String] {
        var ids: [String: String] = [:]
        for buyer in Self.buyers {
            let contact = try await api.post(
                "/api/v1/contacts", token,
                ["fullName": .string(buyer.name), "city": .string(buyer.city), "tags": .array(buyer.tags.map(JSONValue.string))])
            #expect(contact.status == 201)
            ids[buyer.name] = contact.id
            for purchase in buyer.purchases {
                let order = try await api.post(
                    "/api/v1/orders", token,
                    [
                        "contactId": .string(contact.id), "orderedAt": iso(purchase.daysAgo), "status": .string(purchase.status),
                        "total": ["amount": .int(purchase.total), "currency": "RUB"],
                    ])
                #expect(order.status == 201)
            }
        }
        return ids
    }

    @Test func metricsFollowEveryOrderChange() async throws {
        try await TestApp.with(effects: Self.effects) { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let ids = try await seed(api, token)
            for buyer in Self.buyers {
                let counted = buyer.purchases.filter { $0.status != "cancelled" }
                let metrics = try await api.get("/api/v1/contacts/\(ids[buyer.name]!)/metrics", token)
                #expect(metrics.status == 200)
                #expect(metrics["orderCount"] == .int(Int64(counted.count)), "\(buyer.name)")
                let revenue = counted.reduce(Int64(0)) { $0 + $1.total }
                #expect(metrics["revenue"] == .int(revenue), "\(buyer.name)")
                if counted.isEmpty {
                    #expect(metrics["averageCheck"] == .null)
                    #expect(metrics["daysSinceLastOrder"] == .null)
                } else {
                    // Half away from zero, computed by hand: the fixture's sums divide evenly or end in .5 never.
                    #expect(metrics["averageCheck"] == .int(revenue / Int64(counted.count)), "\(buyer.name)")
                    let newest = counted.map(\.daysAgo).min()!
                    #expect(metrics["daysSinceLastOrder"] == .int(Int64(newest)), "\(buyer.name)")
                    #expect(metrics["historicClv"] == .int(revenue))
                }
            }
            // Moving an order to another client, cancelling, trashing and restoring keep both sides exact.
            let antonov = ids["Антонов Антон"]!
            let dmitriev = ids["Дмитриев Денис"]!
            let orders = try await api.get("/api/v1/orders?contactId=\(antonov)", token)
            #expect(orders.data.count == 3)
            let newest = orders.data[0]
            #expect(newest["total"]["amount"] == .int(300_000))
            let moved = try await api.patch(
                "/api/v1/orders/\(newest["id"].stringValue!)", token, ["version": newest["version"], "contactId": .string(dmitriev)])
            #expect(moved.status == 200)
            #expect(try await api.get("/api/v1/contacts/\(antonov)/metrics", token)["revenue"] == .int(300_000))
            #expect(try await api.get("/api/v1/contacts/\(dmitriev)/metrics", token)["orderCount"] == .int(1))
            let cancelled = try await api.patch(
                "/api/v1/orders/\(moved.id)", token, ["version": .int(moved.version), "status": "cancelled"])
            #expect(cancelled["countsAsPurchase"] == false)
            #expect(try await api.get("/api/v1/contacts/\(dmitriev)/metrics", token)["orderCount"] == .int(0))
            let other = orders.data[1]
            _ = try await api.delete("/api/v1/orders/\(other["id"].stringValue!)", token)
            #expect(try await api.get("/api/v1/contacts/\(antonov)/metrics", token)["revenue"] == .int(100_000))
            _ = try await api.post("/api/v1/orders/\(other["id"].stringValue!)/restore", token)
            #expect(try await api.get("/api/v1/contacts/\(antonov)/metrics", token)["revenue"] == .int(300_000))
        }
    }

    @Test func ordersAreCheckedFieldByField() async throws {
        try await TestApp.with(effects: Self.effects) { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let product = try await api.post(
                "/api/v1/products", token,
                ["name": "Курс «Продажи»", "sku": "C-1", "category": "Курсы", "price": ["amount": 1_500_000, "currency": "RUB"]])
            #expect(product.status == 201)
            let duplicateSKU = try await api.post(
                "/api/v1/products", token, ["name": "Другой", "sku": "C-1", "price": ["amount": 1, "currency": "RUB"]])
            #expect(duplicateSKU.errorFields == ["sku"])
            let contact = try await api.post("/api/v1/contacts", token, ["fullName": "Петров Пётр"])
            // Lines default to the catalog's name and price; the total is their sum; the number is the next one.
            let order = try await api.post(
                "/api/v1/orders", token,
                [
                    "contactId": .string(contact.id),
                    "lines": [
                        ["productId": .string(product.id), "quantity": 2],
                        ["name": "Доставка", "unitPrice": ["amount": 50_000, "currency": "RUB"]],
                    ],
                ])
            #expect(order.status == 201)
            #expect(order["total"]["amount"] == .int(3_050_000))
            #expect(order["lines"][0]["name"] == "Курс «Продажи»")
            #expect(order["lines"][0]["total"]["amount"] == .int(3_000_000))
            #expect(order["number"] == "1001")
            let second = try await api.post(
                "/api/v1/orders", token, ["contactId": .string(contact.id), "total": ["amount": 100, "currency": "RUB"]])
            #expect(second["number"] == "1002")
            let taken = try await api.post(
                "/api/v1/orders", token, ["number": "1001", "contactId": .string(contact.id), "total": ["amount": 100, "currency": "RUB"]])
            #expect(taken.status == 422)
            #expect(taken.errorFields == ["number"])
            let bad = try await api.post(
                "/api/v1/orders", token,
                [
                    "total": ["amount": 100, "currency": "USD"],
                    "lines": [["name": "Товар", "quantity": 0, "unitPrice": ["amount": -5, "currency": "RUB"]]],
                ],
                headers: [.acceptLanguage: "ru"])
            #expect(bad.status == 422)
            #expect(
                Set(bad.errorFields)
                    == ["total.currency", "lines[0].quantity", "lines[0].unitPrice.amount", "contactId", "total"])
            let messages = bad["errors"].arrayValue.compactMap { $0["message"].stringValue }
            #expect(messages.contains("Нужна валюта рабочего пространства: RUB."))
            let counted = try await api.get("/api/v1/contacts/\(contact.id)/metrics", token)
            #expect(counted["orderCount"] == .int(2))
            #expect(counted["revenue"] == .int(3_050_100))
        }
    }

    @Test func aSegmentHoldsExactlyWhoItsFilterDescribes() async throws {
        try await TestApp.with(effects: Self.effects) { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let ids = try await seed(api, token)
            let filter: JSONValue = [
                "all": [
                    ["field": "orderCount", "op": "gte", "value": 2],
                    ["field": "lastOrderAt", "op": "notWithinDays", "value": 90],
                ]
            ]
            // The same rule, computed here from the fixture.
            let expected = Set(
                Self.buyers.filter { buyer in
                    let counted = buyer.purchases.filter { $0.status != "cancelled" }
                    return counted.count >= 2 && counted.map(\.daysAgo).min()! > 90
                }.map { ids[$0.name]! })
            #expect(expected.count == 2)
            let preview = try await api.post("/api/v1/segments/preview", token, ["entity": "contact", "filter": filter])
            #expect(preview["count"] == .int(Int64(expected.count)))
            let segment = try await api.post("/api/v1/segments", token, ["name": "Купили дважды, молчат 90 дней", "filter": filter])
            #expect(segment.status == 201)
            #expect(try await api.get("/api/v1/segments/\(segment.id)/count", token)["count"] == .int(Int64(expected.count)))
            let members = try await api.get("/api/v1/segments/\(segment.id)/members", token)
            #expect(Set(members.data.compactMap { $0["id"].stringValue }) == expected)
            // The segment is a filter of the contact list too, combined with the list's own filters.
            let inKazan = try await api.get("/api/v1/contacts?segment=\(segment.id)&city=Казань", token)
            #expect(inKazan.data.compactMap { $0["id"].stringValue } == [ids["Антонов Антон"]!])

            // Products: Borisova bought the course; Vasiliev bought it in a category order too.
            let course = try await api.post(
                "/api/v1/products", token, ["name": "Курс", "category": "Обучение", "price": ["amount": 10_000, "currency": "RUB"]])
            let book = try await api.post(
                "/api/v1/products", token, ["name": "Книга", "category": "Книги", "price": ["amount": 1_000, "currency": "RUB"]])
            for (name, product) in [("Борисова Бэлла", course.id), ("Васильев Вадим", book.id)] {
                let order = try await api.post(
                    "/api/v1/orders", token,
                    ["contactId": .string(ids[name]!), "orderedAt": iso(1), "lines": [["productId": .string(product), "quantity": 1]]])
                #expect(order.status == 201)
            }
            let cases: [(JSONValue, (String) -> Bool)] = [
                (["field": "orders", "op": "exists", "value": ["productIds": [.string(course.id)]]], { $0 == "Борисова Бэлла" }),
                (["field": "orders", "op": "notExists", "value": ["productIds": [.string(course.id)]]], { $0 != "Борисова Бэлла" }),
                (["field": "orders", "op": "exists", "value": ["categories": ["книги"]]], { $0 == "Васильев Вадим" }),
                (["field": "tag", "op": "hasAny", "value": ["VIP"]], { ["Антонов Антон", "Григорьева Галина"].contains($0) }),
                (["not": ["field": "city", "op": "is", "value": "казань"]], { !["Антонов Антон", "Васильев Вадим"].contains($0) }),
                (["field": "revenue", "op": "gte", "value": 500_000], { ["Антонов Антон", "Васильев Вадим"].contains($0) }),
                (["field": "averageCheck", "op": "gt", "value": 60_000], { ["Антонов Антон", "Васильев Вадим"].contains($0) }),
                (["field": "orders", "op": "notExists", "value": [:]], { $0 == "Дмитриев Денис" }),
                (
                    ["field": "orders", "op": "exists", "value": ["after": ["daysAgo": 31]]],
                    { ["Борисова Бэлла", "Васильев Вадим"].contains($0) }
                ),
                (
                    [
                        "any": [
                            ["field": "city", "op": "is", "value": "Самара"], ["field": "firstOrderAt", "op": "withinDays", "value": 31],
                        ]
                    ],
                    { ["Григорьева Галина", "Борисова Бэлла"].contains($0) }
                ),
            ]
            for (json, holds) in cases {
                let want = Set(Self.buyers.map(\.name).filter(holds).map { ids[$0]! })
                let made = try await api.post("/api/v1/segments", token, ["name": "Проверка", "filter": json])
                #expect(made.status == 201, "\(json)")
                let got = try await api.get("/api/v1/segments/\(made.id)/members?limit=200", token)
                #expect(Set(got.data.compactMap { $0["id"].stringValue }) == want, "\(json)")
            }
        }
    }

    /// "Bought product X" is answered from what each client bought, kept by the order writes; each step here
    /// changes an order and checks the buyers against the same question asked of the orders themselves (a
    /// period makes the compiler read the order lines) and against the expected names.
    @Test func whatEachClientBoughtFollowsEveryOrderChange() async throws {
        try await TestApp.with(effects: Self.effects) { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let product: (String, String) async throws -> String = { name, category in
                try await api.post(
                    "/api/v1/products", token,
                    ["name": .string(name), "category": .string(category), "price": ["amount": 1_000, "currency": "RUB"]]
                ).id
            }
            let course = try await product("Курс", "Обучение")
            let book = try await product("Книга", "Книги")
            let anna = try await api.post("/api/v1/contacts", token, ["fullName": "Антонова Анна"]).id
            let boris = try await api.post("/api/v1/contacts", token, ["fullName": "Борисов Борис"]).id
            let firm = try await api.post("/api/v1/companies", token, ["name": "ООО Ромашка"]).id
            let names = [anna: "anna", boris: "boris", firm: "firm"]
            // The buyers of a product or category: from the kept table, and from the orders (a period of
            // ten years sends the compiler to the order lines).
            func buyers(_ entity: String, _ criteria: [String: JSONValue]) async throws -> Set<String> {
                var sets: [Set<String>] = []
                for value in [criteria, criteria.merging(["after": ["daysAgo": 3650]]) { $1 }] {
                    let made = try await api.post(
                        "/api/v1/segments", token,
                        [
                            "name": "Купили", "entity": .string(entity),
                            "filter": ["field": "orders", "op": "exists", "value": .object(value)],
                        ])
                    #expect(made.status == 201, "\(made.json)")
                    let members = try await api.get("/api/v1/segments/\(made.id)/members?limit=200", token)
                    sets.append(Set(members.data.compactMap { $0["id"].stringValue }.compactMap { names[$0] }))
                }
                #expect(sets[0] == sets[1], "kept \(sets[0]) vs orders \(sets[1]) for \(criteria)")
                return sets[0]
            }
            let ofCourse: [String: JSONValue] = ["productIds": [.string(course)]]
            let ofBooks: [String: JSONValue] = ["categories": ["КНИГИ"]]
            #expect(try await buyers("contact", ofCourse) == [])

            // Two lines of the course in one order count once; the company buys with the person.
            let first = try await api.post(
                "/api/v1/orders", token,
                [
                    "contactId": .string(anna), "companyId": .string(firm), "orderedAt": iso(2),
                    "lines": [["productId": .string(course), "quantity": 1], ["productId": .string(course), "quantity": 2]],
                ])
            #expect(first.status == 201, "\(first.json)")
            #expect(try await buyers("contact", ofCourse) == ["anna"])
            #expect(try await buyers("company", ofCourse) == ["firm"])
            #expect(try await buyers("contact", ofBooks) == [])

            // The lines change to a book: the course has no buyer left, the category has one.
            var order = try await api.patch(
                "/api/v1/orders/\(first.id)", token,
                ["version": .int(first.version), "lines": [["productId": .string(book), "quantity": 1]]])
            #expect(order.status == 200, "\(order.json)")
            #expect(try await buyers("contact", ofCourse) == [])
            #expect(try await buyers("contact", ofBooks) == ["anna"])

            // Moved to Boris, cancelled, paid again, trashed, restored.
            order = try await api.patch("/api/v1/orders/\(first.id)", token, ["version": .int(order.version), "contactId": .string(boris)])
            #expect(try await buyers("contact", ofBooks) == ["boris"])
            order = try await api.patch("/api/v1/orders/\(first.id)", token, ["version": .int(order.version), "status": "cancelled"])
            #expect(try await buyers("contact", ofBooks) == [])
            #expect(try await buyers("company", ofBooks) == [])
            order = try await api.patch("/api/v1/orders/\(first.id)", token, ["version": .int(order.version), "status": "paid"])
            #expect(try await buyers("contact", ofBooks) == ["boris"])
            #expect(try await api.delete("/api/v1/orders/\(first.id)", token).status == 200)
            #expect(try await buyers("contact", ofBooks) == [])
            #expect(try await api.post("/api/v1/orders/\(first.id)/restore", token).status == 200)
            #expect(try await buyers("contact", ofBooks) == ["boris"])
            #expect(try await buyers("company", ofBooks) == ["firm"])

            // A second order of the course for Anna; "not bought" is the complement among the live contacts.
            let second = try await api.post(
                "/api/v1/orders", token,
                ["contactId": .string(anna), "orderedAt": iso(1), "lines": [["productId": .string(course), "quantity": 1]]])
            #expect(second.status == 201)
            #expect(try await buyers("contact", ["productIds": [.string(course), .string(book)]]) == ["anna", "boris"])
            let notBought = try await api.post(
                "/api/v1/segments/preview", token,
                ["entity": "contact", "filter": ["field": "orders", "op": "notExists", "value": .object(ofCourse)]])
            #expect(notBought["count"] == .int(1), "only Boris")
        }
    }

    @Test func staticListsAndSnapshots() async throws {
        try await TestApp.with(effects: Self.effects) { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let ids = try await seed(api, token)
            let list = try await api.post("/api/v1/segments", token, ["name": "Пригласить на вебинар", "kind": "static"])
            #expect(list.status == 201)
            let added = try await api.post(
                "/api/v1/segments/\(list.id)/members", token, ["ids": [.string(ids["Дмитриев Денис"]!), .string(ids["Борисова Бэлла"]!)]])
            #expect(added["count"] == .int(2))
            let unknown = try await api.post(
                "/api/v1/segments/\(list.id)/members", token, ["ids": ["01890000-0000-7000-8000-000000000000"]])
            #expect(unknown.errorFields == ["ids[0]"])
            _ = try await api.post("/api/v1/segments/\(list.id)/members/remove", token, ["ids": [.string(ids["Борисова Бэлла"]!)]])
            let members = try await api.get("/api/v1/segments/\(list.id)/members", token)
            #expect(members.data.compactMap { $0["id"].stringValue } == [ids["Дмитриев Денис"]!])

            let vip = try await api.post(
                "/api/v1/segments", token, ["name": "VIP", "filter": ["field": "tag", "op": "hasAny", "value": ["vip"]]])
            let frozen = try await api.post("/api/v1/segments/\(vip.id)/snapshot", token, ["name": "VIP на 15 июня"])
            #expect(frozen.status == 201)
            #expect(frozen["kind"] == "static")
            // Removing the tag changes the dynamic segment, not the snapshot.
            let antonov = try await api.get("/api/v1/contacts/\(ids["Антонов Антон"]!)", token)
            _ = try await api.patch("/api/v1/contacts/\(antonov.id)", token, ["version": .int(antonov.version), "tags": []])
            #expect(try await api.get("/api/v1/segments/\(vip.id)/count", token)["count"] == .int(1))
            #expect(try await api.get("/api/v1/segments/\(frozen.id)/count", token)["count"] == .int(2))
        }
    }

    @Test func aBadFilterIsRefusedAtItsPath() async throws {
        try await TestApp.with(effects: Self.effects) { app, api in
            let crew = try await Crew.make(app.store)
            let reply = try await api.post(
                "/api/v1/segments", crew.token("owner"),
                [
                    "name": "Ошибки",
                    "filter": [
                        "all": [
                            ["field": "shoeSize", "op": "eq", "value": 42], ["field": "orderCount", "op": "contains", "value": 1],
                            ["field": "lastOrderAt", "op": "before", "value": "вчера"],
                        ]
                    ],
                ])
            #expect(reply.status == 422)
            #expect(reply.errorFields == ["filter.all[0].field", "filter.all[1].op", "filter.all[2].value"])
        }
    }

    @Test func segmentsRespectWhoMaySeeWhat() async throws {
        try await TestApp.with(effects: Self.effects) { app, api in
            let crew = try await Crew.make(app.store)
            _ = try await seed(api, crew.token("owner"))
            let own = try await api.post("/api/v1/contacts", crew.token("outsider"), ["fullName": "Чужой Клиент"])
            #expect(own.status == 201)
            let segment = try await api.post("/api/v1/segments", crew.token("owner"), ["name": "Все", "filter": ["all": []]])
            // The owner sees the fixture's five; a rep of another team sees none of them but their own client.
            #expect(
                try await api.get("/api/v1/segments/\(segment.id)/count", crew.token("owner"))["count"]
                    == .int(Int64(Self.buyers.count + 1)))
            let outsiderView = try await api.get("/api/v1/segments/\(segment.id)/members", crew.token("outsider"))
            #expect(outsiderView.data.compactMap { $0["id"].stringValue } == [own.id])
            // A read-only user may read segments but not make them.
            let refused = try await api.post("/api/v1/segments", crew.token("reader"), ["name": "Нельзя"])
            #expect(refused.status == 403)
        }
    }
}
