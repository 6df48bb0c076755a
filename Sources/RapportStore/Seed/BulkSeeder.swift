import Foundation
import RapportCore
import SQLKit

/// Writes synthetic records in large batches, for benchmarks (`rapport seed --contacts 1000000`). Rows
/// are shaped like real ones (phones, e-mails, search documents, owners), but skip per-record
/// validation and audit entries, which is what makes a million rows take minutes instead of hours.
public struct BulkSeeder: Sendable {
    let store: Store

    /// Makes a seeder.
    public init(store: Store) { self.store = store }

    static let last = [
        "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков", "Фёдоров", "Морозов", "Волков",
        "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин",
        "Захаров",
    ]
    static let first = [
        "Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Максим", "Евгений", "Иван", "Михаил", "Артём", "Елена", "Ольга", "Наталья",
        "Анна", "Мария", "Ирина",
    ]
    static let cities = [
        "Москва", "Санкт-Петербург", "Новосибирск", "Екатеринбург", "Казань", "Нижний Новгород", "Самара", "Краснодар", "Тюмень", "Алматы",
        "Омск", "Уфа",
    ]

    /// Seeds the first workspace (creating a benchmark workspace with an owner and a team of users if none exists).
    public func seed(
        contacts: Int, companies: Int, deals: Int, orders: Int = 0, seed: UInt64, progress: @Sendable (String) -> Void
    ) async throws -> String {
        var random = SeededRandom(seed: seed)
        var workspaces = try await store.workspaces.all()
        if workspaces.isEmpty {
            _ = try await store.workspaces.create(
                WorkspaceRepository.Setup(
                    name: "Benchmark", timeZone: "Europe/Moscow", currency: "RUB", locale: .ru, phoneRegion: .ru,
                    owner: UserRepository.NewUser(
                        email: "bench@rapport.local", name: "Bench Owner", password: "rapport-bench", role: .owner)))
            workspaces = try await store.workspaces.all()
        }
        guard let workspace = workspaces.first else { return "nothing seeded" }
        let owner = try await store.users.listAll().first { $0.workspaceID == workspace.id && $0.role == .owner }
        guard let owner else { return "no owner" }
        var users = try await store.users.list(by: owner.actor)
        if users.count < 10 {
            let team = try await store.users.createTeam(name: "Bench team \(users.count)", by: owner.actor)
            for index in users.count..<10 {
                users.append(
                    try await store.users.create(
                        UserRepository.NewUser(
                            email: "rep\(index)-\(seed)@rapport.local", name: "Rep \(index)", password: "rapport-bench", role: .salesRep,
                            teamID: team.id), by: owner.actor, workspace: workspace.id))
            }
        }
        let owners = users.map(\.id.rawValue)
        let effects = store.context.effects
        let start = effects.now().millis - 3 * 365 * 86_400_000
        let span: Int64 = 3 * 365 * 86_400_000
        let normalizer = PhoneNormalizer(defaultRegion: .ru)
        let batch = 500

        var done = 0
        while done < contacts {
            let count = min(batch, contacts - done)
            var rows: [SQLQueryString] = []
            var phones: [SQLQueryString] = []
            var emails: [SQLQueryString] = []
            var docs: [SQLQueryString] = []
            for offset in 0..<count {
                let id = effects.newID()
                let last = Self.last[random.next(below: Self.last.count)]
                let first = Self.first[random.next(below: Self.first.count)]
                let female = Self.first.firstIndex(of: first).map { $0 >= 10 } ?? false
                let lastName = female ? last + "а" : last
                let city = Self.cities[random.next(below: Self.cities.count)]
                let created = start + Int64(random.next(below: Int(span)))
                let phone = normalizer.normalize(
                    "+7 9\(String(format: "%02d", random.next(below: 100))) \(String(format: "%03d", random.next(below: 1000))) \(String(format: "%04d", random.next(below: 10000)))"
                )
                let email = "user\(done + offset)-\(seed)@example.ru"
                let owner = owners[random.next(below: owners.count)]
                let lifecycle = ["lead", "prospect", "customer", "lapsed"][random.next(below: 4)]
                let readiness = ["hot", "warm", "cold"][random.next(below: 3)]
                let sortName = SearchText.fold("\(lastName) \(first)")
                rows.append(
                    "(\(bind: id), \(bind: workspace.id.rawValue), \(bind: lastName), \(bind: first), \(bind: sortName), \(bind: city), \(bind: SearchText.fold(city)), \(bind: owner), \(bind: lifecycle), \(bind: readiness), \(bind: "seed"), '{}', \(bind: created), \(bind: created), 1)"
                )
                phones.append(
                    "(\(bind: workspace.id.rawValue), 'contact', \(bind: id), 0, \(bind: phone.raw), \(bind: phone.e164), 'mobile')")
                emails.append("(\(bind: workspace.id.rawValue), 'contact', \(bind: id), 0, \(bind: email), 'personal')")
                docs.append(
                    "(\(bind: workspace.id.rawValue), 'contact', \(bind: id), \(bind: SearchText.document(words: [lastName, first, city, email], phones: [phone])))"
                )
            }
            let contactRows = rows
            let phoneRows = phones
            let emailRows = emails
            let docRows = docs
            try await store.database.transaction { db in
                try await db.raw(
                    "INSERT INTO contacts (id, workspace_id, last_name, first_name, sort_name, city, city_key, owner_id, lifecycle, readiness, source, custom_fields, created_at, updated_at, version) VALUES "
                        + contactRows.joined(separator: ", ")
                ).run()
                try await db.raw(
                    "INSERT INTO phones (workspace_id, record_kind, record_id, position, raw, e164, kind) VALUES "
                        + phoneRows.joined(separator: ", ")
                ).run()
                try await db.raw(
                    "INSERT INTO emails (workspace_id, record_kind, record_id, position, address, kind) VALUES "
                        + emailRows.joined(separator: ", ")
                ).run()
                try await db.raw(
                    "INSERT INTO search_docs (workspace_id, record_kind, record_id, body) VALUES " + docRows.joined(separator: ", ")
                ).run()
            }
            done += count
            if done % 100_000 == 0 || done == contacts { progress("contacts: \(done)") }
        }

        var companyIDs: [String] = []
        done = 0
        while done < companies {
            let count = min(batch, companies - done)
            var rows: [SQLQueryString] = []
            var docs: [SQLQueryString] = []
            for offset in 0..<count {
                let id = effects.newID()
                companyIDs.append(id)
                let name = "ООО «Компания \(done + offset)»"
                let created = start + Int64(random.next(below: Int(span)))
                let city = Self.cities[random.next(below: Self.cities.count)]
                rows.append(
                    "(\(bind: id), \(bind: workspace.id.rawValue), \(bind: name), \(bind: SearchText.fold(name)), \(bind: city), \(bind: SearchText.fold(city)), '[]', \(bind: owners[random.next(below: owners.count)]), '{}', \(bind: created), \(bind: created), 1)"
                )
                docs.append("(\(bind: workspace.id.rawValue), 'company', \(bind: id), \(bind: SearchText.document(words: [name, city])))")
            }
            let companyRows = rows
            let docRows = docs
            try await store.database.transaction { db in
                try await db.raw(
                    "INSERT INTO companies (id, workspace_id, name, sort_name, city, city_key, addresses, owner_id, custom_fields, created_at, updated_at, version) VALUES "
                        + companyRows.joined(separator: ", ")
                ).run()
                try await db.raw(
                    "INSERT INTO search_docs (workspace_id, record_kind, record_id, body) VALUES " + docRows.joined(separator: ", ")
                ).run()
            }
            done += count
            if done % 100_000 == 0 || done == companies { progress("companies: \(done)") }
        }

        let pipelines = try await store.pipelines.list(by: owner.actor)
        try await seedDeals(
            deals, pipelines: pipelines, workspace: workspace.id.rawValue, timeZone: workspace.timeZone, owners: owners,
            companies: companyIDs, random: &random, progress: progress)
        if deals > 0 {
            try await store.database.transaction { db in
                try await DealRepository.refreshFurthestStage(db, where: "workspace_id = \(bind: workspace.id.rawValue)")
            }
        }
        if orders > 0 {
            try await seedOrders(orders, workspace: workspace.id.rawValue, random: &random, progress: progress)
        }
        if store.database.dialect == .sqlite {
            try await store.database.transaction { db in try await db.raw("ANALYZE").run() }
        } else {
            try await store.database.reader.raw("ANALYZE").run()
        }
        return "Seeded \(contacts) contacts, \(companies) companies, \(deals) deals, \(orders) orders into «\(workspace.name)»"
    }
}

extension BulkSeeder {
    static let day: Int64 = 86_400_000
    static let categories = ["Электроника", "Одежда", "Дом", "Книги", "Спорт"]
    static let channels = ["site", "shop", "phone", "marketplace"]

    /// Deals spread over the pipelines' stages, each with the stage visits that brought it there (one per
    /// stage passed, entered and left in turn), closed_at for won and lost deals, an expected close date
    /// for open ones: what the funnel, sales and stage reports read.
    func seedDeals(
        _ deals: Int, pipelines: [Pipeline], workspace: String, timeZone: String, owners: [String], companies: [String],
        random: inout SeededRandom, progress: @Sendable (String) -> Void
    ) async throws {
        let effects = store.context.effects
        let now = effects.now().millis
        let start = now - 3 * 365 * Self.day
        let format = Formatting(locale: .en, timeZoneIdentifier: timeZone)
        let pipelines = pipelines.filter { pipeline in pipeline.stages.contains { $0.kind == .open } }
        let batch = 500
        var done = 0
        while done < deals, !pipelines.isEmpty {
            let count = min(batch, deals - done)
            var rows: [SQLQueryString] = []
            var docs: [SQLQueryString] = []
            var visits: [SQLQueryString] = []
            for offset in 0..<count {
                let id = effects.newID()
                let pipeline = pipelines[random.next(below: pipelines.count)]
                let open = pipeline.stages.filter { $0.kind == .open }
                let won = pipeline.stages.filter { $0.kind == .won }
                let lost = pipeline.stages.filter { $0.kind == .lost }
                // The path: open stages from the first, then (for a closed deal) the won or lost stage.
                let path: [Stage]
                let outcome = random.next(below: 100)
                if outcome < 30, let stage = won.first {
                    path = open + [stage]
                } else if outcome < 65, let stage = lost.first {
                    path = Array(open.prefix(1 + random.next(below: open.count))) + [stage]
                } else {
                    // Open deals thin out stage by stage.
                    path = Array(open.prefix(1 + min(random.next(below: open.count), random.next(below: open.count))))
                }
                let created = start + Int64(random.next(below: Int(now - start)))
                var entered = [created]
                for _ in 1..<max(path.count, 1) {
                    entered.append(
                        entered[entered.count - 1] + Int64(random.next(in: 1...21)) * Self.day + Int64(random.next(below: 86_400)) * 1000)
                }
                // Deals created lately move faster: the last move is never in the future.
                if let last = entered.last, last > now - 3_600_000, entered.count > 1 {
                    let room = Double(max(now - 3_600_000 - created, 0))
                    let scale = room / Double(last - created)
                    entered = entered.map { created + Int64(Double($0 - created) * scale) }
                }
                let stage = path[path.count - 1]
                let stageEntered = entered[entered.count - 1]
                let closedAt: Int64? = stage.kind == .open ? nil : stageEntered
                let expected: String? =
                    stage.kind == .open
                    ? format.localDate(Date(millis: created + Int64(random.next(in: 30...90)) * Self.day)).description : nil
                let title = "Сделка \(done + offset)"
                let amount = Int64(random.next(below: 5000)) * 1000_00
                let owner = owners[random.next(below: owners.count)]
                let company = companies.isEmpty ? nil : companies[random.next(below: companies.count)]
                rows.append(
                    "(\(bind: id), \(bind: workspace), \(bind: title), \(bind: SearchText.fold(title)), \(bind: amount), 'RUB', \(bind: pipeline.id.rawValue), \(bind: stage.id.rawValue), \(bind: stage.kind.dealStatus.rawValue), \(bind: stage.probability), \(bind: false), \(bind: expected), \(bind: owner), \(bind: company), \(bind: stage.kind == .lost ? "Дорого" : nil), \(bind: closedAt), \(bind: stageEntered), '{}', \(bind: created), \(bind: stageEntered), 1)"
                )
                docs.append("(\(bind: workspace), 'deal', \(bind: id), \(bind: SearchText.fold(title)))")
                for (index, visited) in path.enumerated() {
                    let left: Int64? = index + 1 < entered.count ? entered[index + 1] : nil
                    visits.append(
                        "(\(bind: effects.newID()), \(bind: workspace), \(bind: id), \(bind: pipeline.id.rawValue), \(bind: visited.id.rawValue), \(bind: entered[index]), \(bind: left), \(bind: owner))"
                    )
                }
            }
            let dealRows = rows
            let docRows = docs
            let visitRows = visits
            try await store.database.transaction { db in
                try await db.raw(
                    "INSERT INTO deals (id, workspace_id, title, sort_name, amount, currency, pipeline_id, stage_id, status, probability, probability_manual, expected_close_date, owner_id, company_id, lost_reason, closed_at, stage_entered_at, custom_fields, created_at, updated_at, version) VALUES "
                        + dealRows.joined(separator: ", ")
                ).run()
                try await db.raw(
                    "INSERT INTO search_docs (workspace_id, record_kind, record_id, body) VALUES " + docRows.joined(separator: ", ")
                ).run()
                try await db.raw(
                    "INSERT INTO stage_history (id, workspace_id, deal_id, pipeline_id, stage_id, entered_at, left_at, moved_by) VALUES "
                        + visitRows.joined(separator: ", ")
                ).run()
            }
            done += count
            if done % 100_000 == 0 || done == deals { progress("deals: \(done)") }
        }
    }

    /// Orders of the workspace's contacts over the last three years, one line each from a catalog of 50
    /// products, with a buyer's skew: a third never buy, many buy once, a few buy dozens of times. About 5%
    /// are cancelled and 1% refunded (not counted). Then the contacts' purchase totals are set from the
    /// orders in one statement per table, and RFM is scored.
    func seedOrders(_ orders: Int, workspace: String, random: inout SeededRandom, progress: @Sendable (String) -> Void) async throws {
        let effects = store.context.effects
        let now = effects.now().millis
        let start = now - 3 * 365 * Self.day
        let products = try await catalog(workspace: workspace, random: &random)
        let contactRows = try await store.database.reader.raw(
            "SELECT id, owner_id FROM contacts WHERE workspace_id = \(bind: workspace) AND deleted_at IS NULL ORDER BY id"
        ).all()
        let buyers = try contactRows.map { (try $0.string("id"), try $0.optionalString("owner_id")) }
        guard !buyers.isEmpty, !products.isEmpty else { return }
        progress("orders: \(buyers.count) contacts read")
        // How many orders each contact places: none, once, a few, regularly, often.
        var planned = buyers.map { _ in
            switch random.next(below: 100) {
            case 0..<35: 0
            case 35..<65: 1
            case 65..<80: random.next(in: 2...4)
            case 80..<92: random.next(in: 5...15)
            default: random.next(in: 16...60)
            }
        }
        var total = planned.reduce(0, +)
        // Bring the sum to exactly the number asked: extra orders go to repeat buyers, surplus comes off them.
        let repeaters = planned.indices.filter { planned[$0] >= 2 }
        let pool = repeaters.isEmpty ? Array(planned.indices) : repeaters
        while total < orders {
            planned[pool[random.next(below: pool.count)]] += 1
            total += 1
        }
        while total > orders {
            let index = random.next(below: planned.count)
            if planned[index] > 0 {
                planned[index] -= 1
                total -= 1
            }
        }
        let existing =
            try await store.database.reader.raw(
                "SELECT COUNT(*) AS n FROM orders WHERE workspace_id = \(bind: workspace)"
            ).first()?.int("n") ?? 0
        var number = existing
        let batch = 1000
        var orderRows: [SQLQueryString] = []
        var lineRows: [SQLQueryString] = []
        var done = 0

        func flush() async throws {
            guard !orderRows.isEmpty else { return }
            let orderValues = orderRows
            let lineValues = lineRows
            orderRows.removeAll(keepingCapacity: true)
            lineRows.removeAll(keepingCapacity: true)
            try await store.database.transaction { db in
                try await db.raw(
                    "INSERT INTO orders (id, workspace_id, number, ordered_at, status, counted, contact_id, total, currency, channel, owner_id, created_at, updated_at, version) VALUES "
                        + orderValues.joined(separator: ", ")
                ).run()
                try await db.raw(
                    "INSERT INTO order_lines (workspace_id, order_id, position, product_id, name, sku, quantity, unit_price, total) VALUES "
                        + lineValues.joined(separator: ", ")
                ).run()
            }
        }

        // Order dates are spread evenly over the three years (a client's history may predate its record,
        // as with imported clients), so every month holds about the same number of orders.
        for (index, (contact, owner)) in buyers.enumerated() where planned[index] > 0 {
            for _ in 0..<planned[index] {
                let id = effects.newID()
                let orderedAt = start + Int64(random.next(below: Int(now - start)))
                // Popular products sell more: the lower of two draws.
                let product = products[min(random.next(below: products.count), random.next(below: products.count))]
                let quantity = Int64(random.next(below: 10) < 8 ? 1 : random.next(in: 2...3))
                let draw = random.next(below: 100)
                let status: OrderStatus =
                    draw < 5
                    ? .cancelled : draw < 6 ? .refunded : orderedAt > now - 3 * Self.day ? (draw % 2 == 0 ? .new : .paid) : .fulfilled
                number += 1
                orderRows.append(
                    "(\(bind: id), \(bind: workspace), \(bind: "B\(number)"), \(bind: orderedAt), \(bind: status.rawValue), \(bind: status.countsAsPurchase), \(bind: contact), \(bind: product.price * quantity), 'RUB', \(bind: Self.channels[random.next(below: Self.channels.count)]), \(bind: owner), \(bind: orderedAt), \(bind: orderedAt), 1)"
                )
                lineRows.append(
                    "(\(bind: workspace), \(bind: id), 0, \(bind: product.id), \(bind: product.name), \(bind: product.sku), \(bind: quantity), \(bind: product.price), \(bind: product.price * quantity))"
                )
                done += 1
                if orderRows.count >= batch { try await flush() }
                if done % 500_000 == 0 { progress("orders: \(done)") }
            }
        }
        try await flush()
        progress("orders: \(done)")

        // The purchase totals and what each client bought, exactly as CustomerMetricsRows.refresh computes
        // them per client, set-based.
        try await store.database.transaction { db in
            try await db.raw("DELETE FROM client_products WHERE workspace_id = \(bind: workspace)").run()
            for (table, column) in [("contacts", "contact_id"), ("companies", "company_id")] {
                try await CustomerMetricsRows.insertBoughtProducts(db, column: column, orders: "o.workspace_id = \(bind: workspace)")
                try await db.raw(
                    """
                    UPDATE \(unsafeRaw: table) SET (order_count, revenue, first_order_at, last_order_at) = (m.n, m.revenue, m.first, m.last)
                    FROM (SELECT \(unsafeRaw: column) AS client, COUNT(*) AS n, CAST(COALESCE(SUM(total), 0) AS BIGINT) AS revenue,
                            MIN(ordered_at) AS first, MAX(ordered_at) AS last
                        FROM orders WHERE workspace_id = \(bind: workspace) AND counted AND \(unsafeRaw: column) IS NOT NULL
                        GROUP BY \(unsafeRaw: column)) m
                    WHERE \(unsafeRaw: table).id = m.client
                    """
                ).run()
            }
        }
        // The CLV projections are computed in Swift from the totals just set (new rows have none; older ones may be stale).
        try await store.database.transaction { db in
            try await db.raw(
                "UPDATE contacts SET clv_future = NULL, clv_lapses_at = NULL WHERE workspace_id = \(bind: workspace) AND clv_future IS NOT NULL"
            ).run()
        }
        try await store.customerMetrics.projectCLV()
        try await store.customerMetrics.tallyPurchases(all: true)
        progress("orders: customer totals, CLV projections and purchase tallies set")
        let scored = try await store.customerMetrics.refreshRFM()
        progress("orders: \(scored) RFM scores set")
    }

    /// The workspace's benchmark catalog: 50 products in five categories (created on first use).
    private func catalog(workspace: String, random: inout SeededRandom) async throws -> [(
        id: String, name: String, sku: String, price: Int64
    )] {
        let effects = store.context.effects
        let existing = try await store.database.reader.raw(
            "SELECT id, name, sku, price FROM products WHERE workspace_id = \(bind: workspace) AND sku LIKE 'BENCH-%' AND deleted_at IS NULL ORDER BY sku"
        ).all()
        if !existing.isEmpty {
            return try existing.map { (try $0.string("id"), try $0.string("name"), try $0.string("sku"), try $0.int64("price")) }
        }
        var products: [(id: String, name: String, sku: String, price: Int64)] = []
        var rows: [SQLQueryString] = []
        let now = effects.now().millis
        for index in 0..<50 {
            let category = Self.categories[index % Self.categories.count]
            let name = "\(category): товар \(index + 1)"
            let sku = String(format: "BENCH-%03d", index + 1)
            let price = Int64(random.next(in: 5...500)) * 100_00
            let id = effects.newID()
            products.append((id, name, sku, price))
            rows.append(
                "(\(bind: id), \(bind: workspace), \(bind: name), \(bind: SearchText.fold(name)), \(bind: sku), \(bind: category), \(bind: SearchText.fold(category)), \(bind: price), 'RUB', \(bind: true), \(bind: now), \(bind: now), 1)"
            )
        }
        let productRows = rows
        try await store.database.transaction { db in
            try await db.raw(
                "INSERT INTO products (id, workspace_id, name, sort_name, sku, category, category_key, price, currency, active, created_at, updated_at, version) VALUES "
                    + productRows.joined(separator: ", ")
            ).run()
        }
        return products
    }
}
