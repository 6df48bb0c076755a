import Foundation
public import RapportCore
public import RapportStore

/// A Russian demo workspace: a small B2B company with a sales team, ~200 contacts, ~50 companies, two
/// pipelines with deals in every stage, tasks due today and overdue, and activities. Everything goes
/// through the repositories, so demo data obeys the same rules as user data.
public enum DemoData {
    /// The demo owner's sign-in.
    public static let ownerEmail = "demo@rapport.local"
    /// The demo password (printed by `rapport serve --demo`).
    public static let password = "rapport-demo"

    /// Fills an empty database with the demo workspace. Returns nil (and changes nothing) when any
    /// workspace already exists.
    public static func seedIfEmpty(_ store: Store, seed: UInt64 = 2026) async throws -> Workspace? {
        guard try await store.workspaces.isEmpty() else { return nil }
        var random = SeededRandom(seed: seed)
        let (workspace, owner) = try await store.workspaces.create(
            WorkspaceRepository.Setup(
                name: "ООО «Ромашка» (демо)", timeZone: "Europe/Moscow", currency: "RUB", locale: .ru, phoneRegion: .ru,
                owner: UserRepository.NewUser(email: ownerEmail, name: "Анна Смирнова", password: password, role: .owner)))
        let boss = owner.actor
        let team = try await store.users.createTeam(name: "Отдел продаж", by: boss)
        var staff: [User] = [owner]
        for (email, name, role) in [
            ("head@rapport.local", "Игорь Петров", Role.headOfSales), ("ivanova@rapport.local", "Мария Иванова", .salesRep),
            ("sokolov@rapport.local", "Дмитрий Соколов", .salesRep), ("market@rapport.local", "Елена Кузнецова", .marketer),
        ] {
            staff.append(
                try await store.users.create(
                    UserRepository.NewUser(email: email, name: name, password: password, role: role, teamID: team.id), by: boss,
                    workspace: workspace.id))
        }
        let reps = staff.filter { $0.role == .salesRep || $0.role == .headOfSales }

        let companies = try await makeCompanies(store, boss: boss, owners: reps, random: &random)
        let contacts = try await makeContacts(store, boss: boss, owners: reps, companies: companies, random: &random)
        try await makeDeals(store, boss: boss, owners: reps, contacts: contacts, random: &random)
        try await makeTasksAndActivities(store, boss: boss, staff: staff, contacts: contacts, random: &random)
        try await makeOrders(store, boss: boss, contacts: contacts, random: &random)
        return workspace
    }

    static let cities = [
        "Москва", "Санкт-Петербург", "Новосибирск", "Екатеринбург", "Казань", "Нижний Новгород", "Самара", "Краснодар", "Тюмень", "Алматы",
    ]
    static let industries = [
        "Розничная торговля", "Производство", "Строительство", "ИТ", "Логистика", "Общепит", "Медицина", "Образование",
    ]
    static let maleLast = [
        "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков", "Фёдоров", "Морозов", "Волков",
        "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев",
    ]
    static let maleFirst = [
        "Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Максим", "Евгений", "Иван", "Михаил", "Артём", "Пётр", "Олег",
    ]
    static let femaleFirst = [
        "Елена", "Ольга", "Наталья", "Анна", "Мария", "Ирина", "Татьяна", "Светлана", "Екатерина", "Юлия", "Алёна", "Дарья",
    ]
    static let fathers = ["Александров", "Сергеев", "Иванов", "Петров", "Андреев", "Михайлов", "Николаев", "Владимиров"]
    static let positions = [
        "Директор", "Генеральный директор", "Коммерческий директор", "Менеджер по закупкам", "Главный бухгалтер", "Руководитель отдела",
        "Офис-менеджер", nil,
    ]
    static let sources = ["yandex.direct", "сайт", "рекомендация", "выставка", "звонок", "vk", "avito"]
    static let companyWords = [
        "Ромашка", "Вектор", "Альфа", "Сибирь", "Прогресс", "Гранит", "Меридиан", "Север", "Восток", "Лидер", "Импульс", "Орион",
        "Стандарт", "Русь", "Кедр", "Волга", "Арсенал", "Технопарк", "Дельта", "Радуга", "Феникс", "Азимут", "Байкал", "Магистраль",
        "Эталон",
    ]

    static func makeCompanies(_ store: Store, boss: Actor, owners: [User], random: inout SeededRandom) async throws -> [Company] {
        var result: [Company] = []
        for index in 0..<50 {
            var input = CompanyInput()
            let form = ["ООО", "АО", "ИП", "ООО"][index % 4]
            let word = companyWords[index % companyWords.count]
            input.name =
                form == "ИП"
                ? "ИП \(maleLast[index % maleLast.count]) \(maleFirst[index % maleFirst.count].prefix(1)).\(["А", "С", "В"][index % 3])."
                : "\(form) «\(word)\(index >= companyWords.count ? " \(index / companyWords.count + 1)" : "")»"
            input.inn = .set(validINN(organisation: form != "ИП", random: &random))
            if form != "ИП" { input.kpp = .set(String(format: "%04d01001", random.next(in: 1000...9999))) }
            input.industry = .set(industries[index % industries.count])
            input.city = .set(cities[random.next(in: 0...cities.count - 1)])
            input.website = .set("\(["romashka", "vector", "alfa", "sibir", "progress"][index % 5])\(index).ru")
            input.phones = [
                PhoneInput(
                    number: "8 (495) \(random.next(in: 100...999))-\(random.next(in: 10...99))-\(random.next(in: 10...99))", kind: .work)
            ]
            input.emails = [EmailInput(address: "info@company\(index).ru", kind: .work)]
            input.ownerID = .set(owners[index % owners.count].id)
            input.tags = index % 3 == 0 ? ["ключевой клиент"] : []
            result.append(try await store.companies.create(input, by: boss))
        }
        return result
    }

    static func makeContacts(_ store: Store, boss: Actor, owners: [User], companies: [Company], random: inout SeededRandom) async throws
        -> [Contact]
    {
        var result: [Contact] = []
        // Phones written every way people write them.
        let formats: [(Int, Int, Int, Int) -> String] = [
            { "+7 (\($0)) \($1)-\($2)-\($3)" }, { "8 \($0) \($1) \($2) \($3)" }, { "8-\($0)-\($1)-\($2)-\($3)" },
            { "7\($0)\($1)\($2)\($3)" },
        ]
        for index in 0..<200 {
            var input = ContactInput()
            let female = index % 2 == 1
            let last = maleLast[random.next(in: 0...maleLast.count - 1)]
            let first =
                female ? femaleFirst[random.next(in: 0...femaleFirst.count - 1)] : maleFirst[random.next(in: 0...maleFirst.count - 1)]
            let father = fathers[random.next(in: 0...fathers.count - 1)]
            input.lastName = .set(female ? last + "а" : last)
            input.firstName = .set(first)
            input.middleName = .set(female ? father + "на" : father + "ич")
            let code = [912, 903, 916, 926, 985, 999, 705, 777][random.next(in: 0...7)]
            input.phones = [
                PhoneInput(
                    number: formats[index % formats.count](
                        code, random.next(in: 100...999), random.next(in: 10...99), random.next(in: 10...99)))
            ]
            if index % 5 != 0 { input.emails = [EmailInput(address: "client\(index)@mail.ru", kind: .personal)] }
            input.position = positions[index % positions.count].map(Edit.set)
            if index < 150 { input.companies = [CompanyLink(companyID: companies[index % companies.count].id, isPrimary: true)] }
            input.city = .set(cities[random.next(in: 0...cities.count - 1)])
            input.ownerID = .set(owners[index % owners.count].id)
            input.readiness = .set([Readiness.hot, .warm, .cold][random.next(in: 0...2)])
            input.lifecycle = [Lifecycle.lead, .prospect, .customer, .customer, .lapsed][index % 5]
            input.source = LeadSource(
                source: sources[index % sources.count], utmSource: index % 7 == 0 ? "yandex" : nil,
                utmCampaign: index % 7 == 0 ? "autumn-sale" : nil)
            input.emailConsent = .set(index % 3 != 0)
            input.tags = index % 4 == 0 ? ["VIP"] : index % 9 == 0 ? ["опт"] : []
            if index % 6 == 0 { input.birthday = .set(LocalDate(year: 1970 + index % 30, month: 1 + index % 12, day: 1 + index % 28)!) }
            result.append(try await store.contacts.create(input, by: boss))
        }
        return result
    }

    static func makeDeals(_ store: Store, boss: Actor, owners: [User], contacts: [Contact], random: inout SeededRandom) async throws {
        let tenders = try await store.pipelines.create(
            name: "Тендеры",
            stages: [
                StageInput(name: "Анализ тендера", kind: .open, probability: 10),
                StageInput(name: "Подача заявки", kind: .open, probability: 30),
                StageInput(name: "Рассмотрение", kind: .open, probability: 60), StageInput(name: "Выигран", kind: .won),
                StageInput(name: "Не выигран", kind: .lost),
            ], by: boss)
        let pipelines = try await store.pipelines.list(by: boss)
        let products = [
            "Поставка оборудования", "Годовое обслуживание", "Внедрение CRM", "Партия товара", "Консалтинг", "Монтаж", "Лицензии",
        ]
        var counter = 0
        for pipeline in pipelines {
            for stage in pipeline.stages {
                let count = pipeline.id == tenders.id ? 3 : 6
                for _ in 0..<count {
                    let contact = contacts[counter * 3 % contacts.count]
                    counter += 1
                    var input = DealInput()
                    input.title = "\(products[counter % products.count]) — \(contact.lastName ?? "клиент")"
                    input.amount = Money(amount: Int64(random.next(in: 30...2000)) * 1000_00, currency: .rub)
                    input.pipelineID = pipeline.id
                    input.stageID = stage.id
                    input.ownerID = .set(owners[counter % owners.count].id)
                    input.contactIDs = [contact.id]
                    input.companyID = contact.companies.first.map { .set($0.companyID) }
                    input.expectedCloseDate = .set(LocalDate(year: 2026, month: 12, day: 1 + counter % 28)!)
                    if stage.kind == .lost { input.lostReason = .set(["Дорого", "Выбрали конкурента", "Нет бюджета"][counter % 3]) }
                    input.source = contact.source
                    _ = try await store.deals.create(input, by: boss)
                }
            }
        }
    }

    static func makeTasksAndActivities(_ store: Store, boss: Actor, staff: [User], contacts: [Contact], random: inout SeededRandom)
        async throws
    {
        let now = store.context.effects.now()
        let titles = [
            "Позвонить клиенту", "Отправить КП", "Встреча в офисе", "Уточнить реквизиты", "Напомнить об оплате", "Согласовать договор",
        ]
        for index in 0..<40 {
            var input = TaskInput()
            let contact = contacts[index * 5 % contacts.count]
            input.title = "\(titles[index % titles.count]): \(contact.displayName)"
            input.kind = [TaskKind.call, .meeting, .todo][index % 3]
            // A third overdue, a third due today, a third later.
            let offset: TimeInterval =
                index % 3 == 0
                ? -Double(1 + index % 4) * 86_400 : index % 3 == 1 ? Double(index % 8) * 1800 : Double(1 + index % 10) * 86_400
            input.dueAt = .set(now.addingTimeInterval(offset))
            input.assigneeID = .set(staff[index % staff.count].id)
            input.related = .set(RecordRef(kind: .contact, id: contact.id.rawValue))
            _ = try await store.tasks.create(input, by: boss)
        }
        for index in 0..<120 {
            var input = ActivityInput()
            let contact = contacts[index % contacts.count]
            input.contactID = .set(contact.id)
            input.occurredAt = now.addingTimeInterval(-Double(index) * 5400)
            switch index % 4 {
            case 0:
                input.kind = .note
                input.body = .set(
                    [
                        "Клиент просит скидку 5% при оплате до конца месяца.", "Интересуется доставкой в регионы.",
                        "Перезвонить после праздников.",
                    ][index % 3])
            case 1:
                input.kind = .call
                input.direction = .set(index % 8 == 1 ? .inbound : .outbound)
                input.durationSeconds = .set(random.next(in: 30...900))
                input.callResult = .set(index % 12 == 1 ? .missed : .answered)
                input.body = .set("Обсудили условия поставки.")
            case 2:
                input.kind = .email
                input.direction = .set(.outbound)
                input.subject = .set("Коммерческое предложение")
                input.body = .set("Направляем КП по вашему запросу.")
            default:
                input.kind = .meeting
                input.subject = .set("Встреча в офисе клиента")
                input.durationSeconds = .set(3600)
            }
            _ = try await store.activities.create(input, by: boss)
        }
    }

    /// A checksum-valid INN.
    /// A catalog and a year of purchases by about half the contacts (some buy often, some once, some
    /// stopped), scored by RFM, and two segments, so metrics, segments and reports have something to show.
    static func makeOrders(_ store: Store, boss: Actor, contacts: [Contact], random: inout SeededRandom) async throws {
        let catalog: [(String, String, Int64)] = [
            ("Курс «Основы продаж»", "Курсы", 1_500_000), ("Курс «Переговоры»", "Курсы", 2_400_000),
            ("Консультация, 1 час", "Консультации", 500_000), ("Аудит отдела продаж", "Консультации", 9_000_000),
            ("Книга «Скрипты звонков»", "Книги", 99_000),
        ]
        var products: [Product] = []
        for (index, (name, category, price)) in catalog.enumerated() {
            var input = ProductInput()
            input.name = name
            input.sku = .set("SKU-\(index + 1)")
            input.category = .set(category)
            input.price = Money(amount: price, currency: .rub)
            products.append(try await store.products.create(input, by: boss))
        }
        let now = store.context.effects.now()
        for contact in contacts.prefix(contacts.count / 2) {
            let count = [1, 1, 2, 3, 5][random.next(in: 0...4)]
            // Lapsed buyers stopped more than 90 days ago; the rest bought within the year.
            let newest = random.next(in: 0...9) < 3 ? random.next(in: 100...300) : random.next(in: 0...90)
            for purchase in 0..<count {
                var input = OrderInput()
                input.contactID = .set(contact.id)
                input.orderedAt = now.addingTimeInterval(-Double(newest + purchase * random.next(in: 15...40)) * 86_400)
                input.status = random.next(in: 0...19) == 0 ? .cancelled : .paid
                input.channel = .set(["shop", "offline", "marketplace"][random.next(in: 0...2)])
                let product = products[random.next(in: 0...products.count - 1)]
                input.lines = [OrderLineInput(productID: product.id, quantity: Int64(random.next(in: 1...3)))]
                _ = try await store.orders.create(input, by: boss)
            }
        }
        try await store.customerMetrics.refreshRFM()
        for (name, filter) in [
            (
                "Купили дважды, молчат 90 дней",
                JSONValue.object([
                    "all": [
                        ["field": "orderCount", "op": "gte", "value": 2], ["field": "lastOrderAt", "op": "notWithinDays", "value": 90],
                    ]
                ])
            ),
            (
                "Горячие без покупок",
                ["all": [["field": "readiness", "op": "is", "value": "hot"], ["field": "orderCount", "op": "eq", "value": 0]]]
            ),
        ] {
            var input = SegmentInput()
            input.name = name
            input.filter = filter
            _ = try await store.segments.create(input, by: boss)
        }
    }

    static func validINN(organisation: Bool, random: inout SeededRandom) -> String {
        while true {
            let digits = (0..<(organisation ? 9 : 10)).map { _ in random.next(in: 0...9) }
            func check(_ weights: [Int], _ values: [Int]) -> Int { zip(weights, values).map(*).reduce(0, +) % 11 % 10 }
            var all = digits
            if organisation {
                all.append(check([2, 4, 10, 3, 5, 9, 4, 6, 8], all))
            } else {
                all.append(check([7, 2, 4, 10, 3, 5, 9, 4, 6, 8], all))
                all.append(check([3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8], all))
            }
            let text = all.map(String.init).joined()
            if TaxID.isValidINN(text) { return text }
        }
    }
}
