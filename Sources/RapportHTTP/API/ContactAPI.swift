import Foundation
import Hummingbird
import RapportCore
import RapportStore

/// `/api/v1/contacts`: people.
struct ContactAPI {
    let handlers: Handlers
    var store: Store { handlers.store }

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("contacts") { request, context in
            let page = try await store.contacts.list(try Handlers.listQuery(request), by: try context.requireActor())
            return Handlers.json(ListResponse(page, ContactBody.init))
        }
        group.post("contacts") { request, context in
            try await handlers.create(request, context) { body in
                var body = body
                let input = body.contactInput()
                try body.finish()
                return ContactBody(try await store.contacts.create(input, by: try context.requireActor()))
            }
        }
        group.get("contacts/{id}") { _, context in
            try Handlers.json(ContactBody(try await store.contacts.get(try Handlers.id(context), by: try context.requireActor())))
        }
        group.patch("contacts/{id}") { request, context in
            let actor = try context.requireActor()
            let id: Contact.ID = try Handlers.id(context)
            var body = try await BodyReader.read(request, context: context)
            let version = body.version()
            let input = body.contactInput()
            try body.finish()
            let contact = try await withCurrentOnConflict(current: { ContactBody(try await store.contacts.get(id, by: actor)) }) {
                try await store.contacts.update(id, input, expectedVersion: version ?? 0, by: actor)
            }
            return try Handlers.json(ContactBody(contact))
        }
        group.delete("contacts/{id}") { _, context in
            try Handlers.json(ContactBody(try await store.contacts.delete(try Handlers.id(context), by: try context.requireActor())))
        }
        group.post("contacts/{id}/restore") { _, context in
            try Handlers.json(ContactBody(try await store.contacts.restore(try Handlers.id(context), by: try context.requireActor())))
        }
        group.get("contacts/{id}/timeline") { request, context in
            try await TimelineAPI.respond(store: store, kind: .contact, request: request, context: context)
        }
        group.post("contacts/{id}/companies") { request, context in
            let actor = try context.requireActor()
            let id: Contact.ID = try Handlers.id(context)
            var body = try await BodyReader.read(request, context: context)
            let company: Company.ID? = body.id("companyId")
            let primary = body.bool("isPrimary") ?? false
            if company == nil { body.issues.add("companyId", .required) }
            try body.finish()
            let contact = try await store.contacts.get(id, by: actor)
            var links = contact.companies.filter { $0.companyID != company }
            if primary { links = links.map { CompanyLink(companyID: $0.companyID, isPrimary: false) } }
            if let company { links.append(CompanyLink(companyID: company, isPrimary: primary || links.isEmpty)) }
            var input = ContactInput()
            input.companies = links
            let updated = try await store.contacts.update(id, input, expectedVersion: contact.version, by: actor)
            return try Handlers.json(ContactBody(updated))
        }
        group.delete("contacts/{id}/companies/{companyId}") { _, context in
            let actor = try context.requireActor()
            let id: Contact.ID = try Handlers.id(context)
            let company: Company.ID = try Handlers.id(context, "companyId")
            let contact = try await store.contacts.get(id, by: actor)
            guard contact.companies.contains(where: { $0.companyID == company }) else { throw APIError.notFound }
            var input = ContactInput()
            input.companies = contact.companies.filter { $0.companyID != company }
            let updated = try await store.contacts.update(id, input, expectedVersion: contact.version, by: actor)
            return try Handlers.json(ContactBody(updated))
        }
    }
}

/// `/api/v1/companies`: organisations.
struct CompanyAPI {
    let handlers: Handlers
    var store: Store { handlers.store }

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("companies") { request, context in
            let page = try await store.companies.list(try Handlers.listQuery(request), by: try context.requireActor())
            return Handlers.json(ListResponse(page, CompanyBody.init))
        }
        group.post("companies") { request, context in
            try await handlers.create(request, context) { body in
                var body = body
                let input = body.companyInput()
                try body.finish()
                return CompanyBody(try await store.companies.create(input, by: try context.requireActor()))
            }
        }
        group.get("companies/{id}") { _, context in
            try Handlers.json(CompanyBody(try await store.companies.get(try Handlers.id(context), by: try context.requireActor())))
        }
        group.patch("companies/{id}") { request, context in
            let actor = try context.requireActor()
            let id: Company.ID = try Handlers.id(context)
            var body = try await BodyReader.read(request, context: context)
            let version = body.version()
            let input = body.companyInput()
            try body.finish()
            let company = try await withCurrentOnConflict(current: { CompanyBody(try await store.companies.get(id, by: actor)) }) {
                try await store.companies.update(id, input, expectedVersion: version ?? 0, by: actor)
            }
            return try Handlers.json(CompanyBody(company))
        }
        group.delete("companies/{id}") { _, context in
            try Handlers.json(CompanyBody(try await store.companies.delete(try Handlers.id(context), by: try context.requireActor())))
        }
        group.post("companies/{id}/restore") { _, context in
            try Handlers.json(CompanyBody(try await store.companies.restore(try Handlers.id(context), by: try context.requireActor())))
        }
        group.get("companies/{id}/timeline") { request, context in
            try await TimelineAPI.respond(store: store, kind: .company, request: request, context: context)
        }
    }
}

/// `GET /api/v1/<noun>/{id}/timeline`.
enum TimelineAPI {
    static func respond(store: Store, kind: RecordKind, request: Request, context: AppRequestContext) async throws -> Response {
        guard let raw = context.parameters.get("id"), UUIDv7.isWellFormed(raw) else { throw APIError.notFound }
        let query = try Handlers.listQuery(request)
        let page = try await store.timeline.timeline(
            of: RecordRef(kind: kind, id: raw.lowercased()), limit: query.limit, cursor: query.cursor, by: try context.requireActor())
        return try Handlers.json(ListResponse(page, TimelineItemBody.init))
    }
}
