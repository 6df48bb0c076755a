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
    public func seed(contacts: Int, companies: Int, deals: Int, seed: UInt64, progress: @Sendable (String) -> Void) async throws -> String {
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
        let stages = pipelines.flatMap { pipeline in pipeline.stages.map { (pipeline.id.rawValue, $0) } }
        done = 0
        while done < deals, !stages.isEmpty {
            let count = min(batch, deals - done)
            var rows: [SQLQueryString] = []
            var docs: [SQLQueryString] = []
            var visits: [SQLQueryString] = []
            for offset in 0..<count {
                let id = effects.newID()
                let (pipeline, stage) = stages[random.next(below: stages.count)]
                let title = "Сделка \(done + offset)"
                let created = start + Int64(random.next(below: Int(span)))
                let amount = Int64(random.next(below: 5000)) * 1000_00
                let status = stage.kind.dealStatus.rawValue
                rows.append(
                    "(\(bind: id), \(bind: workspace.id.rawValue), \(bind: title), \(bind: SearchText.fold(title)), \(bind: amount), 'RUB', \(bind: pipeline), \(bind: stage.id.rawValue), \(bind: status), \(bind: stage.probability), \(bind: false), \(bind: owners[random.next(below: owners.count)]), \(bind: companyIDs.isEmpty ? nil : companyIDs[random.next(below: companyIDs.count)]), \(bind: stage.kind == .lost ? "Дорого" : nil), \(bind: created), '{}', \(bind: created), \(bind: created), 1)"
                )
                docs.append("(\(bind: workspace.id.rawValue), 'deal', \(bind: id), \(bind: SearchText.fold(title)))")
                visits.append(
                    "(\(bind: effects.newID()), \(bind: workspace.id.rawValue), \(bind: id), \(bind: pipeline), \(bind: stage.id.rawValue), \(bind: created), NULL, NULL)"
                )
            }
            let dealRows = rows
            let docRows = docs
            let visitRows = visits
            try await store.database.transaction { db in
                try await db.raw(
                    "INSERT INTO deals (id, workspace_id, title, sort_name, amount, currency, pipeline_id, stage_id, status, probability, probability_manual, owner_id, company_id, lost_reason, stage_entered_at, custom_fields, created_at, updated_at, version) VALUES "
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
        if store.database.dialect == .sqlite {
            try await store.database.transaction { db in try await db.raw("ANALYZE").run() }
        } else {
            try await store.database.reader.raw("ANALYZE").run()
        }
        return "Seeded \(contacts) contacts, \(companies) companies, \(deals) deals into «\(workspace.name)»"
    }
}
