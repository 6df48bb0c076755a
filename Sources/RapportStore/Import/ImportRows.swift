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
    typealias Handler =
        @Sendable (
            _ db: any SQLDatabase, _ rules: RecordContext, _ customColumns: [(column: Int, definition: CustomFieldDefinition)],
            _ record: [String], _ row: Int
        ) async throws -> Result

    /// Handles a batch of records (cells and line numbers) inside its transaction: one result per record, in order.
    struct BatchHandler: Sendable {
        /// The work on a batch that needs no transaction (reading and checking its rows), which the import does
        /// while the batch before it is written; its result is passed to `batch`.
        var prepare: @Sendable (_ rows: [(row: Int, record: [String])]) async throws -> (any Sendable)? = { _ in nil }
        var batch: Batch
        typealias Batch =
            @Sendable (
                _ db: any SQLDatabase, _ rules: RecordContext, _ rows: [(row: Int, record: [String])], _ prepared: (any Sendable)?
            ) async throws -> [Result]
        /// Told of each record a resumed import reads past, done before the restart.
        var skipped: @Sendable (_ record: [String]) async -> Void = { _ in }
    }

    /// A batch handled a record at a time; a record that fails validation fails alone.
    /// - Parameters:
    ///   - header: the file's header, and `taken`, its columns mapped to fields: the rest may hold custom fields,
    ///     found once per batch.
    static func oneByOne(header: [String], taken: Set<Int>, _ handle: @escaping Handler) -> BatchHandler {
        BatchHandler { db, rules, rows, _ in
            let customColumns = ImportColumns.customFields(header, definitions: rules.customFields, taken: taken)
            var results: [Result] = []
            for (row, record) in rows {
                results.append(try await failingAlone { try await handle(db, rules, customColumns, record, row) })
            }
            return results
        }
    }

    /// The result of `body`, or a failed one with the issues of its validation error.
    static func failingAlone(_ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch let error as ValidationError {
            return Result(outcome: "failed", issues: error.issues)
        }
    }

    let context: StoreContext
    let actor: Actor
    let workspace: Workspace.ID
    let settings: Workspace
    let dryRun: Bool
    let policy: DuplicatePolicy
    /// The workspace's users by folded e-mail and by folded name (the first listed wins a shared name).
    let owners: [String: User.ID]

    init(
        context: StoreContext, actor: Actor, workspace: Workspace.ID, settings: Workspace, users: [User], dryRun: Bool,
        policy: DuplicatePolicy
    ) {
        (self.context, self.actor, self.workspace, self.settings, self.dryRun, self.policy) = (
            context, actor, workspace, settings, dryRun, policy
        )
        var owners: [String: User.ID] = [:]
        for user in users {
            for key in [SearchText.fold(user.email), SearchText.fold(user.name)] where owners[key] == nil { owners[key] = user.id }
        }
        self.owners = owners
    }

    /// The user a cell names, by e-mail or by name (case aside).
    func owner(_ name: String?) -> User.ID? {
        guard let key = name?.trimmedOrNil.map(SearchText.fold) else { return nil }
        return owners[key]
    }

    // MARK: Contacts

    /// Contacts are written a batch at a time. A row whose e-mails and phones are new (to the workspace and to
    /// the rows before it) is a new contact: the batch's new contacts are checked one by one and written with a
    /// statement per table. A row sharing a key with a stored contact or an earlier row is handled after them,
    /// one at a time, as ``DuplicatePolicy`` says; new rows share no key with it, so the outcome is the one
    /// row-by-row order gives.
    func contacts(header: [String]) async throws -> BatchHandler {
        let mapping = ContactImport.mapColumns(header)
        let taken = Set(mapping.map(\.column))
        let contacts = ContactRepository(context: context)
        let names = try await CompanyNames.load(context.database.reader, workspace: workspace)
        // A dry run writes nothing, so rows of earlier batches are remembered here to be found.
        let earlier = FileKeys()
        // Without its keys: they come from the contact the row makes (or, when it makes none, are found then).
        let read: @Sendable ([(column: Int, definition: CustomFieldDefinition)], [String], Int) -> ContactImport.Row = {
            customColumns, record, row in
            var parsed = ContactImport.read(
                record, row: row, mapping: mapping, region: settings.phoneRegion, customFields: customColumns, currency: settings.currency,
                keys: false)
            if let owner = owner(parsed.owner) { parsed.input.ownerID = .set(owner) }
            return parsed
        }
        // The company named in the row, when the workspace has it (found by name, legal form aside).
        let linkCompany: @Sendable (inout ContactImport.Row) async -> [FieldIssue] = { parsed in
            guard let company = parsed.company else { return [] }
            guard let id = await names.id(name: CompanyImport.nameKey(company)), !id.hasPrefix("dry-run") else {
                return [FieldIssue("company", .unknownReference)]
            }
            parsed.input.companies = [CompanyLink(companyID: Company.ID(id), isPrimary: true)]
            return []
        }
        // A row matching a stored contact or an earlier row, on its own.
        let one: @Sendable (any SQLDatabase, RecordContext, ContactImport.Row, String?) async throws -> Result = {
            db, rules, parsed, earlierRow in
            var parsed = parsed
            if let (existing, field) = try await ContactRepository.match(
                db, emails: parsed.emails, phones: parsed.phones, workspace: workspace)
            {
                // Skipping needs only the match: the stored contact is loaded to merge into it.
                if policy == .fill || policy == .overwrite,
                    let current = try await contacts.load(db, ids: [existing], workspace: workspace).first,
                    let change = ContactImport.merge(parsed.input, into: current, policy: policy, region: settings.phoneRegion)
                {
                    if !dryRun { _ = try await contacts.update(db, current.id, change, expectedVersion: current.version, by: actor) }
                    return Result(outcome: "updated", recordID: existing)
                }
                return Result(outcome: "skipped", recordID: existing, issues: [FieldIssue(field, .duplicate)])
            }
            if let field = earlierRow {
                // Only in a dry run: the earlier row was not written.
                if policy == .fill || policy == .overwrite { return Result(outcome: "updated") }
                return Result(outcome: "skipped", issues: [FieldIssue(field, .duplicate)])
            }
            let notes = await linkCompany(&parsed)
            if dryRun {
                let probe = Contact(id: Contact.ID("dry-run"), workspaceID: workspace, now: rules.now, createdBy: actor.userID)
                _ = try probe.applying(parsed.input, context: rules)
                return Result(outcome: "created", issues: notes)
            }
            let contact = try await contacts.create(db, parsed.input, by: actor, rules: rules)
            return Result(outcome: "created", recordID: contact.id.rawValue, issues: notes)
        }
        // Each row read, and as the new contact it would be (with its company linked), before the transaction.
        // On SQLite the new contacts' rows are made here too, off the writer (see ``ContactRepository/Derived``).
        let sqlite = context.dialect == .sqlite
        let prepare: @Sendable (RecordContext, [(row: Int, record: [String])]) async throws -> PreparedContacts = { rules, rows in
            let customColumns = ImportColumns.customFields(header, definitions: rules.customFields, taken: taken)
            var parsed = rows.map { read(customColumns, $0.record, $0.row) }
            var made: [Swift.Result<PreparedContacts.New, ValidationError>] = []
            made.reserveCapacity(parsed.count)
            for index in parsed.indices {
                var linked = parsed[index]
                let notes = await linkCompany(&linked)
                let blank = Contact(id: context.effects.id(), workspaceID: workspace, now: rules.now, createdBy: actor.userID)
                do {
                    let contact = try blank.applying(linked.input, context: rules)
                    parsed[index].takeKeys(from: contact)
                    let derived =
                        dryRun ? nil : ContactRepository.Derived(contact, rows: sqlite ? (actor.userID, context.effects.newID()) : nil)
                    made.append(.success(PreparedContacts.New(contact: contact, notes: notes, derived: derived)))
                } catch let error as ValidationError {
                    parsed[index].findKeys(region: rules.phoneRegion)
                    made.append(.failure(error))
                }
            }
            return PreparedContacts(phoneRegion: rules.phoneRegion, customFields: rules.customFields, parsed: parsed, made: made)
        }
        let batch: BatchHandler.Batch = { db, rules, rows, prepared in
            // Prepared with the workspace's rules as they were read before the transaction; again if they changed since.
            var ready = prepared as? PreparedContacts
            if ready?.phoneRegion != rules.phoneRegion || ready?.customFields != rules.customFields { ready = nil }
            let prepared: PreparedContacts
            if let ready { prepared = ready } else { prepared = try await prepare(rules, rows) }
            let parsed = prepared.parsed
            let matching = policy != .create
            // Keys of stored contacts (in the trash too: the row then goes on its own, which tells them apart).
            let stored =
                matching
                ? try await ContactRepository.stored(
                    db, emails: parsed.flatMap(\.emails), phones: parsed.flatMap(\.phones), workspace: workspace) : (emails: [], phones: [])
            var known = Set(stored.emails.map(Self.emailKey) + stored.phones.map(Self.phoneKey))
            var results = [Result?](repeating: nil, count: rows.count)
            var alone: [(index: Int, earlierRow: String?)] = []
            var fresh: [Int] = []
            for (index, row) in parsed.enumerated() {
                let keys = Self.keys(row)
                let earlierRow = matching && dryRun ? await earlier.field(matching: row) : nil
                if matching && (earlierRow != nil || keys.contains(where: known.contains)) {
                    alone.append((index, earlierRow))
                } else {
                    fresh.append(index)
                }
                if matching { known.formUnion(keys) }
                if dryRun { await earlier.add(keys) }
            }
            // The new contacts: checked one by one, written together.
            var made: [(index: Int, new: PreparedContacts.New)] = []
            for index in fresh {
                switch prepared.made[index] {
                case .success(let new): made.append((index, new))
                case .failure(let error): results[index] = Result(outcome: "failed", issues: error.issues)
                }
            }
            var references = try await ReferenceLookups.load(
                db, companies: made.flatMap { $0.new.contact.companies.map(\.companyID.rawValue) }, workspace: workspace)
            var checked: [PreparedContacts.New] = []
            for (index, new) in made {
                results[index] = try await Self.failingAlone {
                    try await references.check(db, new.contact, actor: actor)
                    checked.append(new)
                    return Result(outcome: "created", recordID: dryRun ? nil : new.contact.id.rawValue, issues: new.notes)
                }
            }
            if !dryRun { try await contacts.insert(db, checked.map(\.contact), by: actor, derived: checked.compactMap(\.derived)) }
            // Under "skip" a row repeating a live contact (stored, or made from an earlier row) only needs which one:
            // the holders of the repeated rows' keys are read at once, now that the batch's new contacts are in.
            var holders =
                policy == .skip && !dryRun && !alone.isEmpty
                ? try await ContactRepository.liveHolders(
                    db, emails: alone.flatMap { parsed[$0.index].emails }, phones: alone.flatMap { parsed[$0.index].phones },
                    workspace: workspace) : nil
            for (index, earlierRow) in alone {
                let row = parsed[index]
                if let held = holders, let match = ContactRepository.pick(emails: row.emails, phones: row.phones, in: held) {
                    results[index] = Result(outcome: "skipped", recordID: match.id, issues: [FieldIssue(match.field, .duplicate)])
                    continue
                }
                let result = try await Self.failingAlone { try await one(db, rules, row, earlierRow) }
                if result.outcome == "created", let id = result.recordID {
                    for email in row.emails { holders?.emails[email] = id }
                    for phone in row.phones { holders?.phones[phone] = id }
                }
                results[index] = result
            }
            return results.map { $0 ?? Result(outcome: "failed") }
        }
        let reader = context.database.reader
        return BatchHandler(
            prepare: { rows in
                try await prepare(
                    try await WorkspaceRows.recordContext(reader, context: context, workspace: workspace, entity: .contact), rows)
            }, batch: batch
        ) { record in
            guard dryRun else { return }
            await earlier.add(Self.keys(ContactImport.read(record, row: 0, mapping: mapping, region: settings.phoneRegion)))
        }
    }

    /// What a contact row is matched by: its e-mails and phones.
    static func keys(_ row: ContactImport.Row) -> [String] { row.emails.map(emailKey) + row.phones.map(phoneKey) }
    /// A normalized e-mail as a key.
    static func emailKey(_ address: String) -> String { "e:" + address }
    /// An E.164 phone as a key.
    static func phoneKey(_ e164: String) -> String { "p:" + e164 }

    // MARK: Companies

    func companies(header: [String]) async throws -> BatchHandler {
        let mapping = CompanyImport.mapColumns(header)
        let taken = Set(mapping.map(\.column))
        let companies = CompanyRepository(context: context)
        let names = try await CompanyNames.load(context.database.reader, workspace: workspace)
        return Self.oneByOne(header: header, taken: taken) { db, rules, customColumns, record, row in
            var parsed = CompanyImport.read(record, row: row, mapping: mapping, customFields: customColumns, currency: settings.currency)
            if let owner = owner(parsed.owner) { parsed.input.ownerID = .set(owner) }
            // By INN first (the one key two companies never share), then by name.
            var existing: String?
            var key = "name"
            if policy != .create {
                if let inn = parsed.inn {
                    existing = await names.id(inn: inn)
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

    func deals(header: [String]) async throws -> BatchHandler {
        let mapping = DealImport.mapColumns(header)
        let taken = Set(mapping.map(\.column))
        let deals = DealRepository(context: context)
        let pipelines = try await PipelineRepository.load(context.database.reader, workspace: workspace, ids: nil)
        let names = try await CompanyNames.load(context.database.reader, workspace: workspace)
        return Self.oneByOne(header: header, taken: taken) { db, rules, customColumns, record, row in
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
                if let inn = parsed.companyINN { company = await names.id(inn: inn) }
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

/// A batch of contact rows read, and each as the new contact it would be or why it cannot be, before its
/// transaction; `phoneRegion` and `customFields` are the rules it was checked by.
struct PreparedContacts: Sendable {
    var phoneRegion: PhoneRegion
    var customFields: [CustomFieldDefinition]
    var parsed: [ContactImport.Row]
    var made: [Swift.Result<New, ValidationError>]

    /// A row as a new contact: with the notes on what it named but the workspace lacks, and its rows' other values.
    /// A class: the batch passes each along several times, and copying a contact's values each time (a retain
    /// per text) was several percent of an import's CPU.
    final class New: Sendable {
        let contact: Contact
        let notes: [FieldIssue]
        /// Nil in a dry run, which writes nothing.
        let derived: ContactRepository.Derived?

        init(contact: Contact, notes: [FieldIssue], derived: ContactRepository.Derived?) {
            (self.contact, self.notes, self.derived) = (contact, notes, derived)
        }
    }
}

/// The workspace's companies by name key (see ``CompanyImport/nameKey(_:)``) and by INN, loaded once per import,
/// with the companies the import has created (in a dry run, would have): so later rows of the same file find
/// them too.
actor CompanyNames {
    private var byName: [String: String]
    private var byINN: [String: String]

    init(byName: [String: String], byINN: [String: String]) {
        self.byName = byName
        self.byINN = byINN
    }

    static func load(_ db: any SQLDatabase, workspace: Workspace.ID) async throws -> CompanyNames {
        let rows = try await db.raw(
            """
            SELECT id, name, inn FROM companies WHERE workspace_id = \(bind: workspace.rawValue) AND deleted_at IS NULL
            ORDER BY created_at DESC, id DESC
            """
        ).all()
        var byName: [String: String] = [:]
        var byINN: [String: String] = [:]
        // Oldest last, so that of two companies with one name or INN the oldest wins.
        for row in rows {
            let id = try row.string("id")
            byName[CompanyImport.nameKey(try row.string("name"))] = id
            if let inn = try row.optionalString("inn") { byINN[inn] = id }
        }
        return CompanyNames(byName: byName, byINN: byINN)
    }

    func id(name: String) -> String? { name.isEmpty ? nil : byName[name] }
    func id(inn: String) -> String? { byINN[inn] }

    func add(_ id: String, name: String?, inn: String?) {
        if let name, !name.isEmpty, byName[name] == nil { byName[name] = id }
        if let inn, byINN[inn] == nil { byINN[inn] = id }
    }
}

/// The keys (see ``ImportRows/keys(_:)``) of the rows a dry run has read, as hashes: a million rows' keys in
/// tens of megabytes. Two keys sharing a 64-bit hash would report a row as a duplicate of an earlier one; at a
/// million rows the chance is about one in ten million.
actor FileKeys {
    private var hashes: Set<Int> = []

    func add(_ keys: [String]) { for key in keys { hashes.insert(key.hashValue) } }

    /// The field by which the row repeats an earlier one, e-mails first as in ``ContactRepository/match(_:emails:phones:workspace:)``.
    func field(matching row: ContactImport.Row) -> String? {
        if row.emails.contains(where: { hashes.contains(ImportRows.emailKey($0).hashValue) }) { return "email" }
        if row.phones.contains(where: { hashes.contains(ImportRows.phoneKey($0).hashValue) }) { return "phone" }
        return nil
    }
}

/// The owners and companies a batch of new contacts refers to, looked up once for the batch.
struct ReferenceLookups {
    private var owners: [String: (Ownership, [FieldIssue])] = [:]
    private let companies: Set<String>
    private let workspace: Workspace.ID

    /// - Parameter companies: the ids of the companies the contacts link to.
    static func load(_ db: any SQLDatabase, companies ids: [String], workspace: Workspace.ID) async throws -> ReferenceLookups {
        let companies = try await AccessRows.existing(db, table: "companies", ids: Array(Set(ids)), workspace: workspace)
        return ReferenceLookups(companies: companies, workspace: workspace)
    }

    private init(companies: Set<String>, workspace: Workspace.ID) {
        self.companies = companies
        self.workspace = workspace
    }

    /// Refuses the contact as ``ContactRepository`` would on its own.
    mutating func check(_ db: any SQLDatabase, _ contact: Contact, actor: Actor) async throws {
        let key = contact.ownerID?.rawValue ?? ""
        let owner: (ownership: Ownership, issues: [FieldIssue])
        if let known = owners[key] {
            owner = known
        } else {
            owner = try await AccessRows.ownership(db, owner: contact.ownerID, workspace: workspace, field: "ownerId")
            owners[key] = owner
        }
        try ContactRepository.checkReferences(
            contact, actor: actor, operation: .create, ownership: owner.ownership, ownerIssues: owner.issues, companies: companies)
    }
}

/// The per-row outcomes of an import, written a batch at a time.
enum ImportRowsTable {
    static func insert(_ db: any SQLDatabase, importID: String, rows: [(row: Int, result: ImportRows.Result)]) async throws {
        try await insertRows(db, into: "import_rows", columns: ["import_id", "row_number", "outcome", "record_id", "issues"], rows) {
            row, result in
            [
                .string(importID), .number(row), .string(result.outcome), .text(result.recordID),
                .text(result.issues.isEmpty ? nil : jsonText(result.issues)),
            ]
        }
    }
}
