import Foundation
public import RapportCore
import SQLKit

/// Companies: the same life as contacts (create, read, versioned update, trash, lists, search).
public struct CompanyRepository: Sendable {
    let context: StoreContext

    /// Makes the repository.
    public init(context: StoreContext) { self.context = context }

    static let plan = KeysetPlan(
        from: "companies co", idColumn: "co.id",
        sortColumns: ["createdAt": "co.created_at", "updatedAt": "co.updated_at", "name": "co.sort_name", "revenue": "co.revenue"],
        defaultSort: "-createdAt")

    /// Creates a company.
    public func create(_ input: CompanyInput, by actor: Actor) async throws -> Company {
        try await context.database.transaction { db in try await create(db, input, by: actor) }
    }

    /// Creates a company inside the caller's transaction (an import batch, a web form submission).
    func create(_ db: any SQLDatabase, _ input: CompanyInput, by actor: Actor, rules given: RecordContext? = nil) async throws -> Company {
        let rules: RecordContext
        if let given {
            rules = given
        } else {
            rules = try await WorkspaceRows.recordContext(db, context: context, workspace: actor.workspaceID, entity: .company)
        }
        let blank = Company(id: context.effects.id(), workspaceID: actor.workspaceID, now: rules.now, createdBy: actor.userID)
        let company = try blank.applying(input, context: rules)
        try await checkReferences(db, company, actor: actor, operation: .create)
        try await write(db, company, expectedVersion: nil)
        try await AuditRows.append(
            db, context: context, workspace: actor.workspaceID, actor: actor.userID,
            record: RecordRef(kind: .company, id: company.id.rawValue), action: .create,
            changes: AuditDiff.creation(company.auditSnapshot))
        return company
    }

    /// The company a merged-away company went into, following later merges; nil for one that was not merged away
    /// (or was restored from the trash since). Every company of the chain must be one the actor may see.
    public func survivor(of company: Company, by actor: Actor) async throws -> Company.ID? {
        try await MergeChain.end(from: company.deletedAt == nil ? nil : company.mergedInto?.rawValue) {
            let next = try await get(Company.ID($0), by: actor)
            return next.deletedAt == nil ? nil : next.mergedInto?.rawValue
        }.map { Company.ID($0) }
    }

    /// A company the actor may see.
    public func get(_ id: Company.ID, by actor: Actor) async throws -> Company {
        let db = context.database.reader
        guard let company = try await load(db, ids: [id.rawValue], workspace: actor.workspaceID).first,
            try await AccessCheck.allows(db, actor, .read, .company, owner: company.ownerID)
        else { throw RecordError.notFound(.company) }
        return company
    }

    /// Applies an update if the version is current.
    public func update(_ id: Company.ID, _ input: CompanyInput, expectedVersion: Int64, by actor: Actor) async throws -> Company {
        try await context.database.transaction { db in try await update(db, id, input, expectedVersion: expectedVersion, by: actor) }
    }

    /// Updates a company inside the caller's transaction (an import batch).
    func update(_ db: any SQLDatabase, _ id: Company.ID, _ input: CompanyInput, expectedVersion: Int64, by actor: Actor) async throws
        -> Company
    {
        let current = try await lockForWrite(db, id, actor: actor, operation: .update)
        return try await StoredRecords.update(db, context: context, current, expectedVersion: expectedVersion, actor: actor) {
            current, rules in
            let next = try current.applying(input, context: rules)
            try await checkReferences(db, next, actor: actor, operation: .update)
            return next
        } write: { next in
            try await write(db, next, expectedVersion: expectedVersion)
        }
    }

    /// Moves a company to the trash (its contacts stay, unlinked only when purged).
    public func delete(_ id: Company.ID, by actor: Actor) async throws -> Company {
        try await setDeleted(id, deleted: true, by: actor)
    }

    /// Brings a company back from the trash.
    public func restore(_ id: Company.ID, by actor: Actor) async throws -> Company {
        try await setDeleted(id, deleted: false, by: actor)
    }

    private func setDeleted(_ id: Company.ID, deleted: Bool, by actor: Actor) async throws -> Company {
        try await context.database.transaction { db in
            let current = try await lockForWrite(db, id, actor: actor, operation: .delete, allowTrash: true)
            return try await StoredRecords.setDeleted(db, context: context, current, deleted: deleted, actor: actor)
        }
    }

    /// A page of companies the actor may see.
    public func list(_ query: ListQuery, by actor: Actor) async throws -> Page<Company> {
        let db = context.database.reader
        var conditions: [SQLQueryString] = [
            "co.workspace_id = \(bind: actor.workspaceID.rawValue)",
            query.trash ? "co.deleted_at IS NOT NULL" : "co.deleted_at IS NULL",
            AccessRows.condition(AccessPolicy.visibility(for: actor, of: .company), ownerColumn: "co.owner_id"),
        ]
        conditions += try CommonFilters.conditions(
            query.filters, alias: "co", kind: .company, workspace: actor.workspaceID, dialect: context.dialect)
        if let city = query.filters.city { conditions.append("co.city_key = \(bind: SearchText.fold(city))") }
        if let contact = query.filters.contactID {
            conditions.append("co.id IN (SELECT company_id FROM contact_companies WHERE contact_id = \(bind: contact.rawValue))")
        }
        if let segment = query.filters.segmentID {
            conditions.append(
                try await SegmentRepository.listCondition(
                    db, context: context, segment: segment, entity: .company, workspace: actor.workspaceID))
        }
        if let (rows, next) = try await Self.plan.searchPage(
            db, query: query, conditions: &conditions, kind: .company, workspace: actor.workspaceID, dialect: context.dialect)
        {
            return Page(
                items: try await load(db, ids: try rows.map { try $0.string("id") }, workspace: actor.workspaceID), nextCursor: next)
        }
        let (ids, next) = try await Self.plan.ids(db, conditions: conditions, query: query)
        return Page(items: try await load(db, ids: ids, workspace: actor.workspaceID), nextCursor: next)
    }

    func lockForWrite(
        _ db: any SQLDatabase, _ id: Company.ID, actor: Actor, operation: RecordOperation, allowTrash: Bool = false
    ) async throws -> Company {
        try await StoredRecords.lockForWrite(
            db, context: context, id: id.rawValue, actor: actor, operation: operation, allowTrash: allowTrash,
            load: { try await load($0, ids: $1, workspace: $2) })
    }

    private func checkReferences(_ db: any SQLDatabase, _ company: Company, actor: Actor, operation: RecordOperation) async throws {
        let (ownership, issues) = try await AccessRows.ownership(db, owner: company.ownerID, workspace: actor.workspaceID, field: "ownerId")
        if !issues.isEmpty { throw ValidationError(issues: issues) }
        guard AccessPolicy.allows(actor, operation, .company, ownership) else { throw RecordError.forbidden }
    }

    /// Inserts (expectedVersion nil) or updates the row, then its phones, e-mails, tags and search document.
    func write(_ db: any SQLDatabase, _ c: Company, expectedVersion: Int64?) async throws {
        let sortName = SearchText.fold(c.name)
        if let expectedVersion {
            let row = try await db.raw(
                """
                UPDATE companies SET name = \(bind: c.name), sort_name = \(bind: sortName), inn = \(bind: c.inn),
                    kpp = \(bind: c.kpp), industry = \(bind: c.industry), website = \(bind: c.website),
                    city = \(bind: c.city), city_key = \(bind: c.city.map(SearchText.fold)),
                    addresses = \(bind: jsonText(c.addresses)), source = \(bind: c.source.source),
                    utm_source = \(bind: c.source.utmSource), utm_medium = \(bind: c.source.utmMedium),
                    utm_campaign = \(bind: c.source.utmCampaign), utm_content = \(bind: c.source.utmContent),
                    utm_term = \(bind: c.source.utmTerm), referrer = \(bind: c.source.referrer),
                    landing_page = \(bind: c.source.landingPage), owner_id = \(bind: c.ownerID?.rawValue),
                    custom_fields = \(bind: jsonText(c.customFields)), updated_at = \(bind: c.updatedAt.millis),
                    version = \(bind: c.version)
                WHERE id = \(bind: c.id.rawValue) AND version = \(bind: expectedVersion) RETURNING version
                """
            ).first()
            guard row != nil else { throw RecordError.versionConflict(.company, currentVersion: expectedVersion) }
            try await ChannelRows.replace(
                db, workspace: c.workspaceID, kind: .company, id: c.id.rawValue, phones: c.phones, emails: c.emails)
            try await TagRows.replace(db, context: context, workspace: c.workspaceID, kind: .company, id: c.id.rawValue, names: c.tags)
        } else {
            try await db.raw(
                """
                INSERT INTO companies (id, workspace_id, name, sort_name, inn, kpp, industry, website, city, city_key,
                    addresses, source, utm_source, utm_medium, utm_campaign, utm_content, utm_term, referrer, landing_page,
                    owner_id, custom_fields, created_at, updated_at, created_by, version, deleted_at, merged_into)
                VALUES (\(bind: c.id.rawValue), \(bind: c.workspaceID.rawValue), \(bind: c.name), \(bind: sortName),
                    \(bind: c.inn), \(bind: c.kpp), \(bind: c.industry), \(bind: c.website), \(bind: c.city),
                    \(bind: c.city.map(SearchText.fold)), \(bind: jsonText(c.addresses)), \(bind: c.source.source),
                    \(bind: c.source.utmSource), \(bind: c.source.utmMedium), \(bind: c.source.utmCampaign),
                    \(bind: c.source.utmContent), \(bind: c.source.utmTerm), \(bind: c.source.referrer),
                    \(bind: c.source.landingPage), \(bind: c.ownerID?.rawValue), \(bind: jsonText(c.customFields)),
                    \(bind: c.createdAt.millis), \(bind: c.updatedAt.millis), \(bind: c.createdBy?.rawValue),
                    \(bind: c.version), NULL, NULL)
                """
            ).run()
            // A new company has no phones, e-mails or tags to replace.
            try await ChannelRows.insert(db, workspace: c.workspaceID, kind: .company, [(c.id.rawValue, c.phones, c.emails)])
            try await TagRows.link(db, context: context, workspace: c.workspaceID, kind: .company, [(c.id.rawValue, c.tags)])
        }
        let body = SearchText.document(
            words: [c.name, c.inn, c.industry, c.city, c.website] + c.emails.map(\.address) + c.tags,
            phones: c.phones.map(\.number))
        try await SearchRows.index(db, workspace: c.workspaceID, kind: .company, id: c.id.rawValue, body: body)
    }

    func load(_ db: any SQLDatabase, ids: [String], workspace: Workspace.ID) async throws -> [Company] {
        guard !ids.isEmpty else { return [] }
        let rows = try await db.raw(
            "SELECT * FROM companies WHERE workspace_id = \(bind: workspace.rawValue) AND id IN \(inList(ids))"
        ).all()
        let parts = try await RecordPartsPage.load(db, kind: .company, ids: ids, channels: true, companyLinks: false)
        var byID: [String: Company] = [:]
        for row in rows {
            let id = try row.string("id")
            var c = Company(
                id: Company.ID(id), workspaceID: workspace, now: try row.date("created_at"), createdBy: try row.optionalID("created_by"))
            c.name = try row.string("name")
            c.inn = try row.optionalString("inn")
            c.kpp = try row.optionalString("kpp")
            c.industry = try row.optionalString("industry")
            c.website = try row.optionalString("website")
            c.city = try row.optionalString("city")
            c.addresses = try row.json("addresses", as: [Address].self)
            c.source = try LeadSourceColumns.decode(row)
            c.ownerID = try row.optionalID("owner_id")
            c.customFields = try row.json("custom_fields", as: [String: JSONValue].self)
            c.updatedAt = try row.date("updated_at")
            c.version = try row.int64("version")
            c.deletedAt = try row.optionalDate("deleted_at")
            c.mergedInto = try row.optionalID("merged_into")
            c.phones = parts.phones[id] ?? []
            c.emails = parts.emails[id] ?? []
            c.tags = parts.tags[id] ?? []
            byID[id] = c
        }
        return ids.compactMap { byID[$0] }
    }
}
