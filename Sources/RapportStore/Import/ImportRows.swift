import Foundation
import RapportCore
import SQLKit

extension ImportEntity {
    /// The kind of record the import makes.
    var recordKind: RecordKind {
        switch self {
        case .contacts: .contact
        case .companies: .company
        case .deals: .deal
        }
    }
}

/// What one row of an import does, for each kind of record: read it (Core), find its duplicate or what it
/// refers to, then create, merge or skip inside the batch's transaction. A dry run checks each record as it
/// would be written and writes nothing.
struct ImportRows: Sendable {
    /// One row's outcome.
    struct Result: Sendable {
        /// `created`, `updated`, `skipped` or `failed`.
        var outcome: String
        var recordID: String?
        var issues: [FieldIssue] = []
    }

    /// Handles one record (its cells and line number) inside a batch's transaction.
    typealias Handler = @Sendable (_ db: any SQLDatabase, _ rules: RecordContext, _ record: [String], _ row: Int) async throws -> Result

    let context: StoreContext
    let actor: Actor
    let workspace: Workspace.ID
    let settings: Workspace
    let users: [User]
    let dryRun: Bool
    let policy: DuplicatePolicy

    /// The user a cell names, by e-mail or by name (case aside).
    func owner(_ name: String?) -> User.ID? {
        guard let key = name?.trimmedOrNil.map(SearchText.fold) else { return nil }
        return users.first { SearchText.fold($0.email) == key || SearchText.fold($0.name) == key }?.id
    }

    // MARK: Contacts

    func contacts(header: [String]) async throws -> Handler {
        let mapping = ContactImport.mapColumns(header)
        let taken = Set(mapping.map(\.column))
        let contacts = ContactRepository(context: context)
        let names = try await CompanyNames.load(context.database.reader, workspace: workspace)
        return { db, rules, record, row in
            let customColumns = ImportColumns.customFields(header, definitions: rules.customFields, taken: taken)
            var parsed = ContactImport.read(
                record, row: row, mapping: mapping, region: settings.phoneRegion, customFields: customColumns, currency: settings.currency)
            if let owner = owner(parsed.owner) { parsed.input.ownerID = .set(owner) }
            let existing =
                policy == .create
                ? nil : try await ContactRepository.matching(db, emails: parsed.emails, phones: parsed.phones, workspace: workspace)
            if let existing {
                if let current = try await contacts.load(db, ids: [existing], workspace: workspace).first,
                    let change = ContactImport.merge(parsed.input, into: current, policy: policy, region: settings.phoneRegion)
                {
                    if !dryRun { _ = try await contacts.update(db, current.id, change, expectedVersion: current.version, by: actor) }
                    return Result(outcome: "updated", recordID: existing)
                }
                return Result(
                    outcome: "skipped", recordID: existing, issues: [FieldIssue(parsed.emails.isEmpty ? "phone" : "email", .duplicate)])
            }
            // The company named in the row, when the workspace has it (found by name, legal form aside).
            var notes: [FieldIssue] = []
            if let company = parsed.company {
                if let id = await names.id(name: CompanyImport.nameKey(company)), !id.hasPrefix("dry-run") {
                    parsed.input.companies = [CompanyLink(companyID: Company.ID(id), isPrimary: true)]
                } else {
                    notes.append(FieldIssue("company", .unknownReference))
                }
            }
            if dryRun {
                let probe = Contact(id: Contact.ID("dry-run"), workspaceID: workspace, now: rules.now, createdBy: actor.userID)
                _ = try probe.applying(parsed.input, context: rules)
                return Result(outcome: "created", issues: notes)
            }
            let contact = try await contacts.create(db, parsed.input, by: actor, rules: rules)
            return Result(outcome: "created", recordID: contact.id.rawValue, issues: notes)
        }
    }

    // MARK: Companies

    func companies(header: [String]) async throws -> Handler {
        let mapping = CompanyImport.mapColumns(header)
        let taken = Set(mapping.map(\.column))
        let companies = CompanyRepository(context: context)
        let names = try await CompanyNames.load(context.database.reader, workspace: workspace)
        return { db, rules, record, row in
            let customColumns = ImportColumns.customFields(header, definitions: rules.customFields, taken: taken)
            var parsed = CompanyImport.read(record, row: row, mapping: mapping, customFields: customColumns, currency: settings.currency)
            if let owner = owner(parsed.owner) { parsed.input.ownerID = .set(owner) }
            // By INN first (the one key two companies never share), then by name.
            var existing: String?
            var key = "name"
            if policy != .create {
                if let inn = parsed.inn {
                    existing = try await Self.company(db, inn: inn, workspace: workspace)
                    if existing == nil { existing = await names.id(inn: inn) }
                    if existing != nil { key = "inn" }
                }
                if existing == nil, let name = parsed.nameKey { existing = await names.id(name: name) }
            }
            if let existing {
                // In a dry run a company "created" earlier in the file has no record to compare with.
                if let current = try await companies.load(db, ids: [existing], workspace: workspace).first {
                    if let change = CompanyImport.merge(parsed.input, into: current, policy: policy, region: settings.phoneRegion) {
                        if !dryRun { _ = try await companies.update(db, current.id, change, expectedVersion: current.version, by: actor) }
                        return Result(outcome: "updated", recordID: existing)
                    }
                } else if policy == .fill || policy == .overwrite {
                    return Result(outcome: "updated")
                }
                return Result(outcome: "skipped", recordID: dryRun ? nil : existing, issues: [FieldIssue(key, .duplicate)])
            }
            let id: String
            if dryRun {
                let probe = Company(id: Company.ID("dry-run"), workspaceID: workspace, now: rules.now, createdBy: actor.userID)
                _ = try probe.applying(parsed.input, context: rules)
                id = "dry-run-\(row)"
            } else {
                id = try await companies.create(db, parsed.input, by: actor, rules: rules).id.rawValue
            }
            await names.add(id, name: parsed.nameKey, inn: parsed.inn)
            return Result(outcome: "created", recordID: dryRun ? nil : id)
        }
    }

    /// The company (not in the trash) with this INN.
    static func company(_ db: any SQLDatabase, inn: String, workspace: Workspace.ID) async throws -> String? {
        try await db.raw(
            """
            SELECT id FROM companies WHERE workspace_id = \(bind: workspace.rawValue) AND inn = \(bind: inn) AND deleted_at IS NULL
            ORDER BY created_at, id LIMIT 1
            """
        ).first().map { try $0.string("id") }
    }

    // MARK: Deals

    func deals(header: [String]) async throws -> Handler {
        let mapping = DealImport.mapColumns(header)
        let taken = Set(mapping.map(\.column))
        let deals = DealRepository(context: context)
        let pipelines = try await PipelineRepository.load(context.database.reader, workspace: workspace, ids: nil)
        let names = try await CompanyNames.load(context.database.reader, workspace: workspace)
        return { db, rules, record, row in
            let customColumns = ImportColumns.customFields(header, definitions: rules.customFields, taken: taken)
            let parsed = DealImport.read(
                record, row: row, mapping: mapping, customFields: customColumns, currency: settings.currency, region: settings.phoneRegion)
            if !parsed.issues.isEmpty { return Result(outcome: "failed", issues: parsed.issues) }
            var input = parsed.input
            // What the row names but the workspace lacks is reported on the created deal, not a reason to refuse it.
            var notes: [FieldIssue] = []
            guard let place = DealImport.resolveStage(pipeline: parsed.pipeline, stage: parsed.stage, in: pipelines) else {
                throw ValidationError("pipelineId", .required)
            }
            if !place.matched { notes.append(FieldIssue("stage", .unknownReference)) }
            input.pipelineID = place.pipeline.id
            input.stageID = place.stage.id
            if place.stage.kind == .lost, input.lostReason == nil { input.lostReason = .set(parsed.stage ?? place.stage.name) }
            if let owner = owner(parsed.owner) { input.ownerID = .set(owner) }
            if !parsed.contactEmails.isEmpty || !parsed.contactPhones.isEmpty {
                if let contact = try await ContactRepository.matching(
                    db, emails: parsed.contactEmails, phones: parsed.contactPhones, workspace: workspace)
                {
                    input.contactIDs = [Contact.ID(contact)]
                } else {
                    notes.append(FieldIssue("contact", .unknownReference))
                }
            }
            if parsed.companyINN != nil || parsed.company != nil {
                var company: String?
                if let inn = parsed.companyINN { company = try await Self.company(db, inn: inn, workspace: workspace) }
                if company == nil, let name = parsed.company { company = await names.id(name: CompanyImport.nameKey(name)) }
                if let company {
                    input.companyID = .set(Company.ID(company))
                } else {
                    notes.append(FieldIssue("company", .unknownReference))
                }
            }
            let deal = try await deals.create(db, input, by: actor, checkOnly: dryRun)
            return Result(outcome: "created", recordID: dryRun ? nil : deal.id.rawValue, issues: notes)
        }
    }
}

/// The workspace's companies by name key (see ``CompanyImport/nameKey(_:)``), and the INNs of companies an
/// import has created (in a dry run, would have): so later rows of the same file find them too.
actor CompanyNames {
    private var byName: [String: String]
    private var byINN: [String: String] = [:]

    init(byName: [String: String]) { self.byName = byName }

    static func load(_ db: any SQLDatabase, workspace: Workspace.ID) async throws -> CompanyNames {
        let rows = try await db.raw(
            "SELECT id, name FROM companies WHERE workspace_id = \(bind: workspace.rawValue) AND deleted_at IS NULL ORDER BY created_at DESC, id"
        ).all()
        var byName: [String: String] = [:]
        // Oldest last, so that of two companies with one name the oldest wins.
        for row in rows { byName[CompanyImport.nameKey(try row.string("name"))] = try row.string("id") }
        return CompanyNames(byName: byName)
    }

    func id(name: String) -> String? { name.isEmpty ? nil : byName[name] }
    func id(inn: String) -> String? { byINN[inn] }

    func add(_ id: String, name: String?, inn: String?) {
        if let name, !name.isEmpty, byName[name] == nil { byName[name] = id }
        if let inn, byINN[inn] == nil { byINN[inn] = id }
    }
}
