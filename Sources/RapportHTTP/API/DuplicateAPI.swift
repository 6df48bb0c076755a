import Foundation
import Hummingbird
import RapportCore
import RapportStore

/// `/api/v1/{contacts,companies}/duplicates` and `/merge`: the duplicate finder, "not duplicates", and merge.
struct DuplicateAPI {
    let handlers: Handlers
    var store: Store { handlers.store }

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("contacts/duplicates") { request, context in
            let page = try await store.duplicates.contactGroups(try Handlers.listQuery(request), by: try context.requireActor())
            return try Handlers.json(ListResponse(page) { DuplicateGroupBody($0, ContactBody.init) })
        }
        group.get("companies/duplicates") { request, context in
            let page = try await store.duplicates.companyGroups(try Handlers.listQuery(request), by: try context.requireActor())
            return try Handlers.json(ListResponse(page) { DuplicateGroupBody($0, CompanyBody.init) })
        }
        group.get("contacts/{id}/duplicates") { _, context in
            let matches = try await store.duplicates.contactMatches(of: try Handlers.id(context), by: try context.requireActor())
            return try Handlers.json(ListResponse(data: matches.map { DuplicateMatchBody($0, ContactBody.init) }, nextCursor: nil))
        }
        group.get("companies/{id}/duplicates") { _, context in
            let matches = try await store.duplicates.companyMatches(of: try Handlers.id(context), by: try context.requireActor())
            return try Handlers.json(ListResponse(data: matches.map { DuplicateMatchBody($0, CompanyBody.init) }, nextCursor: nil))
        }
        for kind in [RecordKind.contact, .company] {
            group.post("\(kind.pathNoun)/duplicates/dismiss") { request, context in
                var body = try await BodyReader.read(request, context: context)
                let ids = body.stringArray("ids") ?? []
                if !body.has("ids") { body.issues.add("ids", .required) }
                try body.finish()
                try await store.duplicates.dismiss(kind, ids: try Self.ids(ids, field: "ids"), by: try context.requireActor())
                return Handlers.noContent
            }
        }
        group.post("contacts/merge") { request, context in
            var body = try await BodyReader.read(request, context: context)
            let merge: MergeRequest<Contact> = try Self.mergeRequest(&body)
            return try Handlers.json(ContactBody(try await store.duplicates.mergeContacts(merge, by: try context.requireActor())))
        }
        group.post("companies/merge") { request, context in
            var body = try await BodyReader.read(request, context: context)
            let merge: MergeRequest<Company> = try Self.mergeRequest(&body)
            return try Handlers.json(CompanyBody(try await store.duplicates.mergeCompanies(merge, by: try context.requireActor())))
        }
    }

    /// Reads `{survivorId, mergedIds, versions: {id: version}, choices: {field: recordId}}`; every bad
    /// part is named.
    static func mergeRequest<T>(_ body: inout BodyReader) throws -> MergeRequest<T> {
        let survivor = body.string("survivorId")
        if survivor == nil { body.issues.add("survivorId", .required) }
        let merged = body.stringArray("mergedIds")
        if merged == nil { body.issues.add("mergedIds", .required) }
        var versions: [String: Int64] = [:]
        for (id, value) in body.jsonObject("versions") ?? [:] {
            guard case .int(let version) = value else {
                body.issues.add("versions.\(id)", .wrongType, ["expected": "integer"])
                continue
            }
            versions[id.lowercased()] = version
        }
        var choices: [String: Identifier<T>] = [:]
        for (field, value) in body.jsonObject("choices") ?? [:] {
            guard case .string(let id) = value else {
                body.issues.add("choices.\(field)", .wrongType, ["expected": "string"])
                continue
            }
            choices[field] = Identifier(id.lowercased())
        }
        try body.finish()
        var issues = FieldIssues()
        var survivorID = Identifier<T>("")
        if let survivor {
            if UUIDv7.isWellFormed(survivor) {
                survivorID = Identifier(survivor.lowercased())
            } else {
                issues.add("survivorId", .invalidFormat)
            }
        }
        var mergedIDs: [Identifier<T>] = []
        for (index, id) in (merged ?? []).enumerated() {
            if UUIDv7.isWellFormed(id) {
                mergedIDs.append(Identifier(id.lowercased()))
            } else {
                issues.add("mergedIds[\(index)]", .invalidFormat)
            }
        }
        try issues.throwIfAny()
        return MergeRequest(survivorID: survivorID, mergedIDs: mergedIDs, versions: versions, choices: choices)
    }

    static func ids(_ raw: [String], field: String) throws(ValidationError) -> [String] {
        var issues = FieldIssues()
        for (index, id) in raw.enumerated() where !UUIDv7.isWellFormed(id) { issues.add("\(field)[\(index)]", .invalidFormat) }
        try issues.throwIfAny()
        return raw.map { $0.lowercased() }
    }
}

/// A duplicate group: its member ids (oldest first), the reasons, which pairs are linked by what, and the
/// records.
struct DuplicateGroupBody<Record: Encodable & Sendable>: Encodable, Sendable {
    var ids: [String]
    var reasons: [String]
    var links: [LinkBody]
    var records: [Record]

    struct LinkBody: Encodable, Sendable {
        var firstId: String
        var secondId: String
        var reasons: [String]
    }

    init<R>(_ set: DuplicateSet<R>, _ body: (R) -> Record) {
        ids = set.group.ids
        reasons = set.group.reasons.map(\.rawValue)
        links = set.group.links.map { LinkBody(firstId: $0.first, secondId: $0.second, reasons: $0.reasons.map(\.rawValue)) }
        records = set.records.map(body)
    }
}

/// A record like the one asked about, and why.
struct DuplicateMatchBody<Record: Encodable & Sendable>: Encodable, Sendable {
    var record: Record
    var reasons: [String]

    init<R>(_ match: DuplicateMatch<R>, _ body: (R) -> Record) {
        record = body(match.record)
        reasons = match.reasons.map(\.rawValue)
    }
}
