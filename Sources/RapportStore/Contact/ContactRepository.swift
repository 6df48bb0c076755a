import Foundation
public import RapportCore
import SQLKit

/// Contacts: create, read, update with optimistic locking, trash and restore, lists and search.
/// Every method takes the acting user and asks ``AccessPolicy`` first; lists are filtered by visibility.
public struct ContactRepository: Sendable {
    let context: StoreContext

    /// Makes the repository.
    public init(context: StoreContext) { self.context = context }

    static let plan = KeysetPlan(
        from: "contacts c", idColumn: "c.id",
        sortColumns: ["createdAt": "c.created_at", "updatedAt": "c.updated_at", "name": "c.sort_name", "revenue": "c.revenue"],
        defaultSort: "-createdAt")

    /// Creates a contact owned by the actor unless the input names another owner.
    public func create(_ input: ContactInput, by actor: Actor) async throws -> Contact {
        try await context.database.transaction { db in try await create(db, input, by: actor) }
    }

    /// Creates a contact inside the caller's transaction (an import batch).
    func create(_ db: any SQLDatabase, _ input: ContactInput, by actor: Actor, rules given: RecordContext? = nil) async throws -> Contact {
        let rules: RecordContext
        if let given {
            rules = given
        } else {
            rules = try await WorkspaceRows.recordContext(db, context: context, workspace: actor.workspaceID, entity: .contact)
        }
        let blank = Contact(id: context.effects.id(), workspaceID: actor.workspaceID, now: rules.now, createdBy: actor.userID)
        let contact = try blank.applying(input, context: rules)
        try await checkReferences(db, contact, actor: actor, operation: .create)
        try await insert(db, [contact], by: actor)
        return contact
    }

    /// The contact a merged-away contact went into, following later merges; nil for one that was not merged away
    /// (or was restored from the trash since). Every contact of the chain must be one the actor may see.
    public func survivor(of contact: Contact, by actor: Actor) async throws -> Contact.ID? {
        try await MergeChain.end(from: contact.deletedAt == nil ? nil : contact.mergedInto?.rawValue) {
            let next = try await get(Contact.ID($0), by: actor)
            return next.deletedAt == nil ? nil : next.mergedInto?.rawValue
        }.map { Contact.ID($0) }
    }

    /// A contact the actor may see (including one in the trash, with `deletedAt` set).
    public func get(_ id: Contact.ID, by actor: Actor) async throws -> Contact {
        let db = context.database.reader
        guard let contact = try await load(db, ids: [id.rawValue], workspace: actor.workspaceID).first else {
            throw RecordError.notFound(.contact)
        }
        guard try await AccessCheck.allows(db, actor, .read, .contact, owner: contact.ownerID) else {
            throw RecordError.notFound(.contact)
        }
        return contact
    }

    /// Applies an update if `expectedVersion` is still current; otherwise throws
    /// ``RecordError/versionConflict(_:currentVersion:)`` and changes nothing.
    public func update(_ id: Contact.ID, _ input: ContactInput, expectedVersion: Int64, by actor: Actor) async throws -> Contact {
        try await context.database.transaction { db in try await update(db, id, input, expectedVersion: expectedVersion, by: actor) }
    }

    /// Updates a contact inside the caller's transaction (an import batch).
    func update(_ db: any SQLDatabase, _ id: Contact.ID, _ input: ContactInput, expectedVersion: Int64, by actor: Actor) async throws
        -> Contact
    {
        let current = try await lockForWrite(db, id, actor: actor, operation: .update)
        return try await StoredRecords.update(db, context: context, current, expectedVersion: expectedVersion, actor: actor) {
            current, rules in
            let next = try current.applying(input, context: rules)
            try await checkReferences(db, next, actor: actor, operation: .update)
            return next
        } write: { next in
            try await save(db, next, expectedVersion: expectedVersion)
            try await writeParts(db, next)
        }
    }

    /// Moves a contact to the trash.
    public func delete(_ id: Contact.ID, by actor: Actor) async throws -> Contact {
        try await setDeleted(id, deleted: true, by: actor)
    }

    /// Brings a contact back from the trash.
    public func restore(_ id: Contact.ID, by actor: Actor) async throws -> Contact {
        try await setDeleted(id, deleted: false, by: actor)
    }

    private func setDeleted(_ id: Contact.ID, deleted: Bool, by actor: Actor) async throws -> Contact {
        try await context.database.transaction { db in
            let current = try await lockForWrite(db, id, actor: actor, operation: .delete, allowTrash: true)
            return try await StoredRecords.setDeleted(db, context: context, current, deleted: deleted, actor: actor)
        }
    }

    /// A page of contacts the actor may see, filtered, searched and sorted.
    public func list(_ query: ListQuery, by actor: Actor) async throws -> Page<Contact> {
        let db = context.database.reader
        var conditions: [SQLQueryString] = [
            "c.workspace_id = \(bind: actor.workspaceID.rawValue)",
            query.trash ? "c.deleted_at IS NOT NULL" : "c.deleted_at IS NULL",
            AccessRows.condition(AccessPolicy.visibility(for: actor, of: .contact), ownerColumn: "c.owner_id"),
        ]
        conditions += try CommonFilters.conditions(
            query.filters, alias: "c", kind: .contact, workspace: actor.workspaceID, dialect: context.dialect)
        let filters = query.filters
        if let city = filters.city { conditions.append("c.city_key = \(bind: SearchText.fold(city))") }
        if let readiness = filters.readiness { conditions.append("c.readiness = \(bind: readiness.rawValue)") }
        if let lifecycle = filters.lifecycle { conditions.append("c.lifecycle = \(bind: lifecycle.rawValue)") }
        if let company = filters.companyID {
            conditions.append(
                "c.id IN (SELECT contact_id FROM contact_companies WHERE company_id = \(bind: company.rawValue))")
        }
        if let dealID = filters.dealID {
            conditions.append("c.id IN (SELECT contact_id FROM deal_contacts WHERE deal_id = \(bind: dealID.rawValue))")
        }
        if let segment = filters.segmentID {
            conditions.append(
                try await SegmentRepository.condition(segment, reaching: .contacts, db, context: context, workspace: actor.workspaceID))
        }
        if let (rows, next) = try await Self.plan.searchPage(
            db, query: query, conditions: &conditions, kind: .contact, workspace: actor.workspaceID, dialect: context.dialect)
        {
            return Page(items: try await decode(db, rows: rows, workspace: actor.workspaceID), nextCursor: next)
        }
        let (rows, next) = try await Self.plan.rows(db, conditions: conditions, query: query)
        return Page(items: try await decode(db, rows: rows, workspace: actor.workspaceID), nextCursor: next)
    }

    /// Every contact of a list (its filters, search, segment and sort; the actor's visibility) with its
    /// purchase standing, for a download (see ``ListExport``).
    public func export(_ list: ListQuery, record: RecordRef? = nil, by actor: Actor) async throws -> [(Contact, CustomerStanding)] {
        let contacts = try await ListExport.collect(list, kind: "contacts", record: record, context: context, by: actor) {
            try await self.list($0, by: actor)
        }
        var standings: [String: CustomerStanding] = [:]
        let db = context.database.reader
        for start in stride(from: 0, to: contacts.count, by: 500) {
            let ids = contacts[start..<min(start + 500, contacts.count)].map(\.id.rawValue)
            let rows = try await db.raw(
                """
                SELECT id, order_count, revenue, first_order_at, last_order_at, rfm_recency, rfm_frequency, rfm_monetary, rfm_class
                FROM contacts WHERE id IN \(inList(ids))
                """
            ).all()
            for row in rows { standings[try row.string("id")] = try CustomerMetricsRepository.standing(row) }
        }
        return contacts.map { ($0, standings[$0.id.rawValue] ?? CustomerStanding(totals: .none, rfm: nil, rfmClass: nil)) }
    }

    /// Contacts with these ids in the actor's workspace that the actor may see, in the given order.
    public func visible(_ ids: [Contact.ID], by actor: Actor) async throws -> [Contact] {
        let db = context.database.reader
        let contacts = try await load(db, ids: ids.map(\.rawValue), workspace: actor.workspaceID)
        var result: [Contact] = []
        for contact in contacts where try await AccessCheck.allows(db, actor, .read, .contact, owner: contact.ownerID) {
            result.append(contact)
        }
        return result
    }

    // MARK: - Rows

    func lockForWrite(
        _ db: any SQLDatabase, _ id: Contact.ID, actor: Actor, operation: RecordOperation, allowTrash: Bool = false
    ) async throws -> Contact {
        try await StoredRecords.lockForWrite(
            db, context: context, id: id.rawValue, actor: actor, operation: operation, allowTrash: allowTrash,
            load: { try await load($0, ids: $1, workspace: $2) })
    }

    private func checkReferences(_ db: any SQLDatabase, _ contact: Contact, actor: Actor, operation: RecordOperation) async throws {
        let (ownership, ownerIssues) = try await AccessRows.ownership(
            db, owner: contact.ownerID, workspace: actor.workspaceID, field: "ownerId")
        let companies = try await AccessRows.existing(
            db, table: "companies", ids: contact.companies.map(\.companyID.rawValue), workspace: actor.workspaceID)
        try Self.checkReferences(
            contact, actor: actor, operation: operation, ownership: ownership, ownerIssues: ownerIssues, companies: companies)
    }

    /// Refuses a contact whose owner is not an active member (`ownerIssues`) or that links a company not among
    /// `companies`, and an operation the actor's role may not do with that owner.
    static func checkReferences(
        _ contact: Contact, actor: Actor, operation: RecordOperation, ownership: Ownership, ownerIssues: [FieldIssue],
        companies: Set<String>
    ) throws {
        var issues = ownerIssues
        for (index, link) in contact.companies.enumerated() where !companies.contains(link.companyID.rawValue) {
            issues.append(FieldIssue("companies[\(index)].companyId", .unknownReference))
        }
        if !issues.isEmpty { throw ValidationError(issues: issues) }
        guard AccessPolicy.allows(actor, operation, .contact, ownership) else { throw RecordError.forbidden }
    }

    /// Writes new contacts' rows, as few statements as the engines allow.
    /// - Parameter prepared: for SQLite, the rows made ahead (``Derived``).
    static func insert(_ db: any SQLDatabase, _ contacts: [Contact], prepared: [String]? = nil) async throws {
        try await insertRows(db, into: "contacts", columns: columns, contacts, prepared: prepared, cells: cells)
    }

    static let columns = [
        "id", "workspace_id", "last_name", "first_name", "middle_name", "sort_name", "position", "city", "city_key",
        "address", "birthday", "source", "utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term", "referrer",
        "landing_page", "owner_id", "readiness", "lifecycle", "email_consent", "email_consent_at", "sms_consent", "sms_consent_at",
        "custom_fields", "created_at", "updated_at", "created_by", "version", "deleted_at", "merged_into",
    ]

    /// A contact's row, cell by cell in the order of ``columns``.
    static func cells(_ c: Contact) -> [JSONValue] {
        [
            .string(c.id.rawValue), .string(c.workspaceID.rawValue), .text(c.lastName), .text(c.firstName), .text(c.middleName),
            .string(Self.sortName(c)), .text(c.position), .text(c.city), .text(c.city.map(SearchText.fold)), .text(c.address),
            .text(c.birthday?.description), .text(c.source.source), .text(c.source.utmSource), .text(c.source.utmMedium),
            .text(c.source.utmCampaign), .text(c.source.utmContent), .text(c.source.utmTerm), .text(c.source.referrer),
            .text(c.source.landingPage), .text(c.ownerID?.rawValue), .text(c.readiness?.rawValue), .string(c.lifecycle.rawValue),
            .flag(c.emailConsent?.granted), .number(c.emailConsent?.at.millis), .flag(c.smsConsent?.granted),
            .number(c.smsConsent?.at.millis), .string(jsonText(c.customFields)), .int(c.createdAt.millis), .int(c.updatedAt.millis),
            .text(c.createdBy?.rawValue), .int(c.version), .number(c.deletedAt?.millis), .text(c.mergedInto?.rawValue),
        ]
    }

    /// Creates contacts already checked (``checkReferences(_:actor:operation:ownership:ownerIssues:companies:)``)
    /// inside the caller's transaction, a statement per table for all of them (one contact, or an import batch).
    /// - Parameter derived: each contact's ``Derived`` when the caller made them ahead (an import, before its transaction).
    func insert(_ db: any SQLDatabase, _ contacts: [Contact], by actor: Actor, derived: [Derived]? = nil) async throws {
        guard !contacts.isEmpty else { return }
        let workspace = actor.workspaceID
        let derived = derived ?? contacts.map { Derived($0) }
        // Rows made ahead are used whole or not at all, and only when their audit entries name this actor.
        let rows = derived.compactMap(\.rows)
        let prepared = rows.count == contacts.count && rows.allSatisfy { $0.actor == actor.userID } ? rows : nil
        try await Self.insert(db, contacts, prepared: prepared?.map(\.contact))
        try await ChannelRows.insert(
            db, workspace: workspace, kind: .contact, contacts.map { ($0.id.rawValue, $0.phones, $0.emails) },
            prepared: prepared.map { ($0.flatMap(\.phones), $0.flatMap(\.emails)) })
        try await TagRows.link(db, context: context, workspace: workspace, kind: .contact, contacts.map { ($0.id.rawValue, $0.tags) })
        try await Self.linkCompanies(db, contacts)
        try await SearchRows.index(
            db, workspace: workspace, kind: .contact, zip(contacts, derived).map { ($0.id.rawValue, $1.document) },
            prepared: prepared?.map(\.search))
        try await AuditRows.append(
            db, context: context, workspace: workspace, actor: actor.userID,
            zip(contacts, derived).map { (RecordRef(kind: .contact, id: $0.id.rawValue), .create, $1.changes) },
            texts: derived.map(\.changesText), prepared: prepared?.map(\.audit))
    }

    /// What a new contact's rows hold besides its own columns: its search document and its audit entry's changes
    /// (also as the JSON stored); and, made ahead for SQLite, every row the contact adds but its tags and company links.
    struct Derived: Sendable {
        var document: String
        var changes: [FieldChange]
        var changesText: String
        var rows: Rows?

        /// The rows of a new contact as SQLite's bulk insert takes them (``sqliteRow(_:)``).
        struct Rows: Sendable {
            /// Who the audit entry says created the contact.
            var actor: User.ID?
            var contact: String
            var phones: [String]
            var emails: [String]
            var search: String
            var audit: String
        }

        /// - Parameter rows: with it, the rows are made too, the audit entry's with this id, actor and the
        ///   contact's creation time (an import makes them while the batch before is written).
        init(_ contact: Contact, rows made: (actor: User.ID?, auditID: String)? = nil) {
            document = ContactRepository.searchDocument(contact)
            changes = AuditDiff.creation(contact.auditSnapshot)
            changesText = jsonText(changes)
            guard let (actor, auditID) = made else { return }
            let workspace = contact.workspaceID
            let id = contact.id.rawValue
            let channels = ChannelRows.sqliteRows(
                workspace: workspace, kind: .contact, id: id, phones: contact.phones, emails: contact.emails)
            rows = Rows(
                actor: actor, contact: sqliteRow(ContactRepository.cells(contact)), phones: channels.phones, emails: channels.emails,
                search: sqliteRow(SearchRows.cells(workspace: workspace, kind: .contact, id: id, body: document)),
                audit: sqliteRow(
                    AuditRows.cells(
                        id: auditID, workspace: workspace, at: contact.createdAt, actor: actor,
                        record: RecordRef(kind: .contact, id: id), action: .create, changes: changesText)))
        }
    }

    private static func linkCompanies(_ db: any SQLDatabase, _ contacts: [Contact]) async throws {
        let links = contacts.flatMap { c in c.companies.enumerated().map { (c, $0, $1) } }
        try await insertRows(
            db, into: "contact_companies", columns: ["workspace_id", "contact_id", "company_id", "is_primary", "position"], links
        ) { c, position, link in
            [
                .string(c.workspaceID.rawValue), .string(c.id.rawValue), .string(link.companyID.rawValue), .bool(link.isPrimary),
                .number(position),
            ]
        }
    }

    func save(_ db: any SQLDatabase, _ c: Contact, expectedVersion: Int64) async throws {
        let row = try await db.raw(
            """
            UPDATE contacts SET last_name = \(bind: c.lastName), first_name = \(bind: c.firstName),
                middle_name = \(bind: c.middleName), sort_name = \(bind: Self.sortName(c)), position = \(bind: c.position),
                city = \(bind: c.city), city_key = \(bind: c.city.map(SearchText.fold)), address = \(bind: c.address),
                birthday = \(bind: c.birthday?.description), source = \(bind: c.source.source),
                utm_source = \(bind: c.source.utmSource), utm_medium = \(bind: c.source.utmMedium),
                utm_campaign = \(bind: c.source.utmCampaign), utm_content = \(bind: c.source.utmContent),
                utm_term = \(bind: c.source.utmTerm), referrer = \(bind: c.source.referrer),
                landing_page = \(bind: c.source.landingPage), owner_id = \(bind: c.ownerID?.rawValue),
                readiness = \(bind: c.readiness?.rawValue), lifecycle = \(bind: c.lifecycle.rawValue),
                email_consent = \(bind: c.emailConsent?.granted), email_consent_at = \(bind: c.emailConsent?.at.millis),
                sms_consent = \(bind: c.smsConsent?.granted), sms_consent_at = \(bind: c.smsConsent?.at.millis),
                custom_fields = \(bind: jsonText(c.customFields)), updated_at = \(bind: c.updatedAt.millis),
                version = \(bind: c.version)
            WHERE id = \(bind: c.id.rawValue) AND version = \(bind: expectedVersion)
            RETURNING version
            """
        ).first()
        // The row is locked and its version checked above; this guards against a writer outside Rapport.
        guard row != nil else { throw RecordError.versionConflict(.contact, currentVersion: expectedVersion) }
    }

    func writeParts(_ db: any SQLDatabase, _ c: Contact) async throws {
        try await ChannelRows.replace(db, workspace: c.workspaceID, kind: .contact, id: c.id.rawValue, phones: c.phones, emails: c.emails)
        try await TagRows.replace(db, context: context, workspace: c.workspaceID, kind: .contact, id: c.id.rawValue, names: c.tags)
        try await db.raw("DELETE FROM contact_companies WHERE contact_id = \(bind: c.id.rawValue)").run()
        try await Self.linkCompanies(db, [c])
        try await SearchRows.index(db, workspace: c.workspaceID, kind: .contact, id: c.id.rawValue, body: Self.searchDocument(c))
    }

    static func sortName(_ c: Contact) -> String { SearchText.fold(c.displayName) }

    static func searchDocument(_ c: Contact) -> String {
        SearchText.document(
            words: [c.lastName, c.firstName, c.middleName, c.position, c.city] + c.emails.map(\.address) + c.tags,
            phones: c.phones.map(\.number))
    }

    func load(_ db: any SQLDatabase, ids: [String], workspace: Workspace.ID) async throws -> [Contact] {
        guard !ids.isEmpty else { return [] }
        let rows = try await db.raw(
            "SELECT * FROM contacts WHERE workspace_id = \(bind: workspace.rawValue) AND id IN \(inList(ids))"
        ).all()
        let contacts = try await decode(db, rows: rows, workspace: workspace)
        let byID = Dictionary(contacts.map { ($0.id.rawValue, $0) }, uniquingKeysWith: { first, _ in first })
        return ids.compactMap { byID[$0] }
    }

    /// Contacts from their rows (in row order), with phones, e-mails, tags and company links.
    func decode(_ db: any SQLDatabase, rows: [any SQLRow], workspace: Workspace.ID) async throws -> [Contact] {
        let ids = try rows.map { try $0.string("id") }
        let parts = try await RecordPartsPage.load(db, kind: .contact, ids: ids, channels: true, companyLinks: true)
        var result: [Contact] = []
        result.reserveCapacity(rows.count)
        for row in rows {
            let id = try row.string("id")
            var c = Contact(
                id: Contact.ID(id), workspaceID: workspace, now: try row.date("created_at"), createdBy: try row.optionalID("created_by"))
            c.lastName = try row.optionalString("last_name")
            c.firstName = try row.optionalString("first_name")
            c.middleName = try row.optionalString("middle_name")
            c.position = try row.optionalString("position")
            c.city = try row.optionalString("city")
            c.address = try row.optionalString("address")
            c.birthday = try row.localDate("birthday")
            c.source = try LeadSourceColumns.decode(row)
            c.ownerID = try row.optionalID("owner_id")
            c.readiness = try row.optionalEnum("readiness")
            c.lifecycle = try row.enumValue("lifecycle")
            if let granted = try row.optionalBool("email_consent"), let at = try row.optionalDate("email_consent_at") {
                c.emailConsent = Consent(granted: granted, at: at)
            }
            if let granted = try row.optionalBool("sms_consent"), let at = try row.optionalDate("sms_consent_at") {
                c.smsConsent = Consent(granted: granted, at: at)
            }
            c.customFields = try row.json("custom_fields", as: [String: JSONValue].self)
            c.updatedAt = try row.date("updated_at")
            c.version = try row.int64("version")
            c.deletedAt = try row.optionalDate("deleted_at")
            c.mergedInto = try row.optionalID("merged_into")
            c.phones = parts.phones[id] ?? []
            c.emails = parts.emails[id] ?? []
            c.tags = parts.tags[id] ?? []
            c.companies = parts.companyLinks[id] ?? []
            result.append(c)
        }
        return result
    }
}

/// The source and UTM columns shared by contacts, companies and deals.
enum LeadSourceColumns {
    static func decode(_ row: any SQLRow) throws -> LeadSource {
        LeadSource(
            source: try row.optionalString("source"), utmSource: try row.optionalString("utm_source"),
            utmMedium: try row.optionalString("utm_medium"), utmCampaign: try row.optionalString("utm_campaign"),
            utmContent: try row.optionalString("utm_content"), utmTerm: try row.optionalString("utm_term"),
            referrer: try row.optionalString("referrer"), landingPage: try row.optionalString("landing_page"))
    }
}

/// Access checks of single stored records (the owner's team is looked up for team scopes).
enum AccessCheck {
    static func allows(_ db: any SQLDatabase, _ actor: Actor, _ operation: RecordOperation, _ kind: RecordKind, owner: User.ID?)
        async throws -> Bool
    {
        let scope = AccessPolicy.scope(of: actor.role, for: operation, on: kind)
        var team: Team.ID?
        if scope == .team, let owner, owner != actor.userID {
            team = try await AccessRows.member(db, user: owner, workspace: actor.workspaceID)?.team
        }
        return AccessPolicy.allows(actor, operation, kind, Ownership(workspaceID: actor.workspaceID, ownerID: owner, ownerTeamID: team))
    }

    /// Refuses an operation on an unowned workspace-wide record (a setting, a product) the actor's role may not do.
    static func require(_ actor: Actor, _ operation: RecordOperation, _ kind: RecordKind) throws {
        guard AccessPolicy.allows(actor, operation, kind, Ownership(workspaceID: actor.workspaceID, ownerID: nil, ownerTeamID: nil))
        else { throw RecordError.forbidden }
    }
}

extension ContactRepository {
    /// The live contact with one of these normalized e-mails, else one of these E.164 phones: the duplicate
    /// rule the imports, web forms and telephony share (an import's earlier rows included, as they are in the
    /// same transaction).
    static func matching(_ db: any SQLDatabase, emails: [String], phones: [String], workspace: Workspace.ID) async throws -> String? {
        try await match(db, emails: emails, phones: phones, workspace: workspace)?.id
    }

    /// ``matching(_:emails:phones:workspace:)`` with the field it matched by (`email` or `phone`), for reports.
    static func match(_ db: any SQLDatabase, emails: [String], phones: [String], workspace: Workspace.ID) async throws
        -> (id: String, field: String)?
    {
        pick(emails: emails, phones: phones, in: try await liveHolders(db, emails: emails, phones: phones, workspace: workspace))
    }

    /// Of the contacts holding a record's e-mails and phones (``liveHolders(_:emails:phones:workspace:)``), the
    /// one it repeats: by e-mail before phone, each in the record's order, with the field it matched by.
    static func pick(emails: [String], phones: [String], in held: (emails: [String: String], phones: [String: String])) -> (
        id: String, field: String
    )? {
        if let id = emails.lazy.compactMap({ held.emails[$0] }).first { return (id, "email") }
        return phones.lazy.compactMap { held.phones[$0] }.first.map { ($0, "phone") }
    }

    /// Which of these normalized e-mails and E.164 phones stored contacts hold, in the trash or not: two
    /// queries for a whole import batch.
    static func stored(_ db: any SQLDatabase, emails: [String], phones: [String], workspace: Workspace.ID) async throws
        -> (emails: Set<String>, phones: Set<String>)
    {
        (
            Set(try await holders(db, "emails", "address", emails, live: false, workspace: workspace).keys),
            Set(try await holders(db, "phones", "e164", phones, live: false, workspace: workspace).keys)
        )
    }

    /// The live contacts holding these normalized e-mails and E.164 phones, by value: two queries for a whole
    /// import batch.
    static func liveHolders(_ db: any SQLDatabase, emails: [String], phones: [String], workspace: Workspace.ID) async throws
        -> (emails: [String: String], phones: [String: String])
    {
        (
            try await holders(db, "emails", "address", emails, live: true, workspace: workspace),
            try await holders(db, "phones", "e164", phones, live: true, workspace: workspace)
        )
    }

    /// The contact holding each of `values` in a part table (`live`: only contacts out of the trash); of several
    /// holding one value, the one with the smallest id, so a match does not depend on the query plan. Written so
    /// the plan starts from the part's index whatever the planner's statistics say: joined to `contacts`
    /// instead, a base whose statistics were taken while it was empty scanned every contact for each row of an
    /// import.
    private static func holders(
        _ db: any SQLDatabase, _ table: String, _ column: String, _ values: [String], live: Bool, workspace: Workspace.ID
    ) async throws -> [String: String] {
        guard !values.isEmpty else { return [:] }
        let liveness: SQLQueryString =
            live ? " AND EXISTS (SELECT 1 FROM contacts c WHERE c.id = x.record_id AND c.deleted_at IS NULL)" : ""
        let rows = try await db.raw(
            """
            SELECT x.\(unsafeRaw: column) AS k, x.record_id AS id FROM \(unsafeRaw: table) x
            WHERE x.workspace_id = \(bind: workspace.rawValue) AND x.record_kind = 'contact'
                AND x.\(unsafeRaw: column) IN \(inList(db, Array(Set(values))))
            """ + liveness
        ).all()
        // The smallest id is picked here: `ORDER BY x.record_id` led SQLite to walk the whole part table in
        // record order rather than look the values up (a million-row import took 170 s instead of 91).
        return try Dictionary(rows.map { (try $0.string("k"), try $0.string("id")) }, uniquingKeysWith: min)
    }
}
