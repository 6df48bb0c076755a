public import Foundation
public import RapportCore
import SQLKit

/// One accepted submission of a web form: what it made and where the visitor came from.
public struct FormSubmission: Sendable, Hashable {
    /// The submission id.
    public typealias ID = Identifier<FormSubmission>
    public var id: ID
    public var formID: WebForm.ID
    /// The contact created or filled.
    public var contactID: Contact.ID?
    /// Whether the contact is new (false when the duplicate rules found one).
    public var contactCreated: Bool
    public var dealID: Deal.ID?
    public var taskID: TaskItem.ID?
    /// The values posted, by field target.
    public var payload: [String: String]
    /// UTM, referrer and landing page.
    public var source: LeadSource
    /// The client's address.
    public var ip: String?
    public var createdAt: Date
}

/// What a public submission asks for.
public struct FormPost: Sendable, Hashable {
    /// The posted values by name (field targets, `consent`, the honeypot, `utm_*`).
    public var values: [String: String]
    /// The page the form was on (its query carries the campaign's `utm_*`).
    public var landingPage: String?
    /// The page that sent the visitor to it.
    public var referrer: String?
    /// The client's address, for the rate limit.
    public var clientAddress: String

    /// Makes a post.
    public init(values: [String: String], landingPage: String?, referrer: String?, clientAddress: String) {
        self.values = values
        self.landingPage = landingPage
        self.referrer = referrer
        self.clientAddress = clientAddress
    }
}

/// Why a public submission was refused before it was read.
public enum FormPostError: Error, Equatable, Sendable {
    /// Too many submissions from one address to one form; try again after this many seconds.
    case rateLimited(retryAfter: Int)
}

/// Web forms: the builder's CRUD (the settings right), the public lookup by key, and submissions. A
/// submission is one transaction: the contact found by the import's duplicate rules (e-mail, then phone)
/// and filled, or created; its company; a deal and a task for the round-robin owner; a system event on
/// the contact; the submission row with its attribution; the cursor moved.
public struct FormRepository: Sendable {
    let context: StoreContext

    /// Makes the repository.
    public init(context: StoreContext) { self.context = context }

    static let submissionPlan = KeysetPlan(
        from: "form_submissions s", idColumn: "s.id", sortColumns: ["createdAt": "s.created_at"], defaultSort: "-createdAt")

    private func requireSettings(_ actor: Actor) throws {
        guard AccessPolicy.allows(actor, .manageSettings) else { throw RecordError.forbidden }
    }

    /// The workspace's forms, newest first.
    public func list(by actor: Actor) async throws -> [WebForm] {
        try requireSettings(actor)
        let rows = try await context.database.reader.raw(
            """
            SELECT * FROM forms WHERE workspace_id = \(bind: actor.workspaceID.rawValue) AND deleted_at IS NULL
            ORDER BY created_at DESC, id DESC
            """
        ).all()
        return try rows.map(Self.decode)
    }

    /// One form of the actor's workspace.
    public func get(_ id: WebForm.ID, by actor: Actor) async throws -> WebForm {
        try requireSettings(actor)
        return try await load(context.database.reader, id, workspace: actor.workspaceID)
    }

    /// Creates a form with a fresh public key.
    public func create(_ input: WebFormInput, by actor: Actor) async throws -> WebForm {
        try requireSettings(actor)
        return try await context.database.transaction { db in
            let now = context.effects.now()
            let blank = WebForm(
                id: context.effects.id(), workspaceID: actor.workspaceID, publicKey: Secrets.token(prefix: "", bytes: 12), now: now,
                createdBy: actor.userID)
            let form = try await applying(db, input, to: blank, actor: actor)
            try await write(db, form, expectedVersion: nil)
            try await AuditRows.append(
                db, context: context, workspace: actor.workspaceID, actor: actor.userID,
                record: RecordRef(kind: .form, id: form.id.rawValue), action: .create, changes: AuditDiff.creation(form.auditSnapshot))
            return form
        }
    }

    /// Changes a form if `expectedVersion` is current.
    public func update(_ id: WebForm.ID, _ input: WebFormInput, expectedVersion: Int64, by actor: Actor) async throws -> WebForm {
        try requireSettings(actor)
        return try await context.database.transaction { db in
            let current = try await load(db, id, workspace: actor.workspaceID, lock: true)
            guard current.version == expectedVersion else { throw RecordError.versionConflict(.form, currentVersion: current.version) }
            var next = try await applying(db, input, to: current, actor: actor)
            next.version = current.version + 1
            try await write(db, next, expectedVersion: expectedVersion)
            try await AuditRows.append(
                db, context: context, workspace: actor.workspaceID, actor: actor.userID,
                record: RecordRef(kind: .form, id: id.rawValue), action: .update,
                changes: AuditDiff.changes(from: current.auditSnapshot, to: next.auditSnapshot))
            return next
        }
    }

    /// Removes a form: its address stops answering; its submissions and the records they made stay.
    public func delete(_ id: WebForm.ID, by actor: Actor) async throws {
        try requireSettings(actor)
        try await context.database.transaction { db in
            let current = try await load(db, id, workspace: actor.workspaceID, lock: true)
            try await db.raw(
                "UPDATE forms SET deleted_at = \(bind: context.effects.now().millis), active = \(bind: false) WHERE id = \(bind: id.rawValue)"
            ).run()
            try await AuditRows.append(
                db, context: context, workspace: actor.workspaceID, actor: actor.userID,
                record: RecordRef(kind: .form, id: id.rawValue), action: .delete, changes: AuditDiff.creation(current.auditSnapshot))
        }
    }

    /// A page of a form's submissions, newest first.
    public func submissions(_ id: WebForm.ID, _ query: ListQuery, by actor: Actor) async throws -> Page<FormSubmission> {
        let form = try await get(id, by: actor)
        let db = context.database.reader
        let conditions: [SQLQueryString] = [
            "s.workspace_id = \(bind: actor.workspaceID.rawValue)", "s.form_id = \(bind: form.id.rawValue)",
        ]
        let (rows, next) = try await Self.submissionPlan.rows(db, conditions: conditions, query: query)
        return Page(items: try rows.map(Self.decodeSubmission), nextCursor: next)
    }

    /// The active form at a public key, with its workspace (for the hosted page).
    public func published(key: String) async throws -> (WebForm, Workspace) {
        let db = context.database.reader
        guard key.count <= 64,
            let row = try await db.raw("SELECT * FROM forms WHERE public_key = \(bind: key) AND deleted_at IS NULL").first()
        else { throw RecordError.notFound(.form) }
        let form = try Self.decode(row)
        guard form.isActive else { throw RecordError.notFound(.form) }
        return (form, try await WorkspaceRows.workspace(db, form.workspaceID))
    }

    /// Takes a public submission. Every attempt counts against the address's limit; a filled honeypot is
    /// answered like a success and stores nothing (nil).
    /// - Throws: ``FormPostError/rateLimited(retryAfter:)``, `ValidationError` naming the field,
    ///   `RecordError.notFound(.form)` for an unknown or inactive form.
    public func submit(key: String, _ post: FormPost) async throws -> (form: WebForm, submission: FormSubmission?) {
        let (form, workspace) = try await published(key: key)
        let now = context.effects.now()
        let throttleKey = "form:\(form.id.rawValue):\(post.clientAddress)"
        let allowed = try await context.database.transaction { db -> Int? in
            let counter = try await AuthRepository.counter(db, throttleKey)
            if case .refused(let retry) = WebFormRules.throttle(counter, now: now) { return retry }
            try await AuthRepository.store(db, throttleKey, LoginThrottle.recordingFailure(counter, now: now))
            return nil
        }
        if let retry = allowed { throw FormPostError.rateLimited(retryAfter: retry) }
        if WebFormRules.isSpam(post.values) { return (form, nil) }
        let source = WebFormRules.attribution(posted: post.values, landingPage: post.landingPage, referrer: post.referrer)
        let lead = try WebFormRules.read(
            post.values, form: form, region: workspace.phoneRegion, currency: workspace.currency, source: source)
        let submission = try await context.database.transaction { db in
            try await accept(db, lead, form: form, workspace: workspace, post: post)
        }
        return (form, submission)
    }

    private func accept(_ db: any SQLDatabase, _ lead: FormLead, form: WebForm, workspace: Workspace, post: FormPost) async throws
        -> FormSubmission
    {
        let locked = try await load(db, form.id, workspace: form.workspaceID, lock: true)
        guard let creator = locked.createdBy,
            let creatorRow = try await db.raw("SELECT * FROM users WHERE id = \(bind: creator.rawValue)").first()
        else { throw RecordError.notFound(.form) }
        // The submission runs with the rights of the form's author, like an import runs with its starter's.
        let actor = try UserRepository.decode(creatorRow).actor
        let active = try await db.raw(
            "SELECT id FROM users WHERE workspace_id = \(bind: form.workspaceID.rawValue) AND active = \(bind: true)"
        ).all().map { User.ID(try $0.string("id")) }
        let pick = WebFormRules.roundRobin(locked.ownerIDs, cursor: locked.cursor, available: Set(active))
        let owner = pick.owner ?? actor.userID

        let contacts = ContactRepository(context: context)
        var companyID: Company.ID?
        if let name = lead.companyName ?? lead.companyINN {
            companyID = try await company(db, name: name, inn: lead.companyINN, owner: owner, actor: actor)
        }
        var contact: Contact
        var created = false
        if let existing = try await ContactRepository.matching(
            db, emails: lead.emails, phones: lead.phones, workspace: form.workspaceID),
            let current = try await contacts.load(db, ids: [existing], workspace: form.workspaceID).first
        {
            // `.fill` keeps every value the contact has and adds what it lacks, custom fields included.
            var change = ContactImport.merge(lead.contact, into: current, policy: .fill, region: workspace.phoneRegion) ?? ContactInput()
            change.source = WebFormRules.firstTouch(current.source, lead.source)
            if let companyID, !current.companies.contains(where: { $0.companyID == companyID }) {
                change.companies = current.companies + [CompanyLink(companyID: companyID, isPrimary: current.companies.isEmpty)]
            }
            contact = current
            if change != ContactInput() {
                contact = try await Self.naming("contact") {
                    try await contacts.update(db, current.id, change, expectedVersion: current.version, by: actor)
                }
            }
        } else {
            var input = lead.contact
            input.ownerID = .set(owner)
            if let companyID { input.companies = [CompanyLink(companyID: companyID, isPrimary: true)] }
            let newContact = input
            contact = try await Self.naming("contact") { try await contacts.create(db, newContact, by: actor) }
            created = true
        }
        var dealID: Deal.ID?
        if locked.createsDeal {
            let deal = WebFormRules.deal(
                lead, form: locked, contactID: contact.id, contactName: contact.displayName, companyID: companyID, owner: owner,
                currency: workspace.currency)
            dealID = try await Self.naming("deal") { try await DealRepository(context: context).create(db, deal, by: actor).id }
        }
        var taskID: TaskItem.ID?
        if locked.createsTask {
            let task = WebFormRules.followUpTask(
                form: locked, contactID: contact.id, contactName: contact.displayName, dealID: dealID, owner: owner,
                locale: workspace.locale, now: context.effects.now())
            taskID = try await TaskRepository(context: context).create(db, task, by: actor).id
        }
        let event = WebFormRules.submissionActivity(
            post.values, form: locked, contactID: contact.id, dealID: dealID, locale: workspace.locale)
        _ = try await ActivityRepository(context: context).create(db, event, by: actor, bySystem: true)

        let payload = Dictionary(
            uniqueKeysWithValues: locked.fields.compactMap { field in
                post.values[field.target].map { (field.target, String($0.prefix(2000))) }
            })
        let submission = FormSubmission(
            id: context.effects.id(), formID: form.id, contactID: contact.id, contactCreated: created, dealID: dealID, taskID: taskID,
            payload: payload, source: lead.source, ip: post.clientAddress, createdAt: context.effects.now())
        let s = submission.source
        try await db.raw(
            """
            INSERT INTO form_submissions (id, workspace_id, form_id, contact_id, deal_id, task_id, contact_created, payload, utm_source,
                utm_medium, utm_campaign, utm_content, utm_term, referrer, landing_page, ip, created_at)
            VALUES (\(bind: submission.id.rawValue), \(bind: form.workspaceID.rawValue), \(bind: form.id.rawValue),
                \(bind: contact.id.rawValue), \(bind: dealID?.rawValue), \(bind: taskID?.rawValue), \(bind: created),
                \(bind: jsonText(payload)), \(bind: s.utmSource), \(bind: s.utmMedium), \(bind: s.utmCampaign), \(bind: s.utmContent),
                \(bind: s.utmTerm), \(bind: s.referrer), \(bind: s.landingPage), \(bind: post.clientAddress),
                \(bind: submission.createdAt.millis))
            """
        ).run()
        if pick.next != locked.cursor {
            try await db.raw("UPDATE forms SET cursor = \(bind: pick.next) WHERE id = \(bind: form.id.rawValue)").run()
        }
        // Announced in the same transaction (the webhook outbox), so a rolled-back submission announces nothing.
        try await WebhookOutbox.publish(
            db, context: context, workspace: form.workspaceID, event: .formSubmitted,
            data: [
                "formId": .string(form.id.rawValue), "submissionId": .string(submission.id.rawValue),
                "contactId": .string(contact.id.rawValue), "contactCreated": .bool(created),
                "dealId": dealID.map { .string($0.rawValue) } ?? .null, "taskId": taskID.map { .string($0.rawValue) } ?? .null,
                "utmSource": s.utmSource.map(JSONValue.string) ?? .null, "utmMedium": s.utmMedium.map(JSONValue.string) ?? .null,
                "utmCampaign": s.utmCampaign.map(JSONValue.string) ?? .null,
            ])
        return submission
    }

    /// The company a lead names: the one with that INN, else the one with that name (case and ё aside),
    /// else a new one.
    private func company(_ db: any SQLDatabase, name: String, inn: String?, owner: User.ID, actor: Actor) async throws -> Company.ID {
        let workspace = actor.workspaceID.rawValue
        if let inn,
            let row = try await db.raw(
                "SELECT id FROM companies WHERE workspace_id = \(bind: workspace) AND inn = \(bind: inn) AND deleted_at IS NULL LIMIT 1"
            ).first()
        {
            return Company.ID(try row.string("id"))
        }
        if let row = try await db.raw(
            """
            SELECT id FROM companies WHERE workspace_id = \(bind: workspace) AND sort_name = \(bind: SearchText.fold(name))
            AND deleted_at IS NULL LIMIT 1
            """
        ).first() {
            return Company.ID(try row.string("id"))
        }
        var input = CompanyInput()
        input.name = name
        if let inn { input.inn = .set(inn) }
        input.ownerID = .set(owner)
        let newCompany = input
        return try await Self.naming("company") { try await CompanyRepository(context: context).create(db, newCompany, by: actor).id }
    }

    /// Runs a write whose refused fields are named as the form's targets (`inn` → `company.inn`,
    /// `customFields.budget` → `contact.custom.budget`), so the hosted page marks the visitor's field.
    private static func naming<T>(_ record: String, _ write: () async throws -> T) async throws -> T {
        do {
            return try await write()
        } catch let error as ValidationError {
            let prefix = "customFields."
            throw ValidationError(
                issues: error.issues.map { issue in
                    let field =
                        issue.field.hasPrefix(prefix)
                        ? "\(record).custom.\(issue.field.dropFirst(prefix.count))" : "\(record).\(issue.field)"
                    return FieldIssue(field, issue.code, issue.parameters)
                })
        }
    }

    private func applying(_ db: any SQLDatabase, _ input: WebFormInput, to form: WebForm, actor: Actor) async throws -> WebForm {
        let definitions =
            try await WorkspaceRows.customFields(db, workspace: actor.workspaceID, entity: .contact)
            + WorkspaceRows.customFields(db, workspace: actor.workspaceID, entity: .deal)
        let users = try await db.raw(
            "SELECT id FROM users WHERE workspace_id = \(bind: actor.workspaceID.rawValue) AND active = \(bind: true)"
        ).all().map { User.ID(try $0.string("id")) }
        var next = try WebFormRules.applying(input, to: form, customFields: definitions, users: Set(users), now: context.effects.now())
        if let pipelineID = next.pipelineID {
            let pipelines = try await PipelineRepository.load(db, workspace: actor.workspaceID, ids: [pipelineID.rawValue])
            guard let pipeline = pipelines.first else { throw ValidationError("pipelineId", .unknownReference) }
            if let stage = next.stageID, !pipeline.stages.contains(where: { $0.id == stage }) {
                throw ValidationError("stageId", .notInPipeline)
            }
        } else if next.stageID != nil {
            next.stageID = nil
        }
        return next
    }

    private func load(_ db: any SQLDatabase, _ id: WebForm.ID, workspace: Workspace.ID, lock: Bool = false) async throws -> WebForm {
        let suffix = lock && context.dialect == .postgres ? " FOR UPDATE" : ""
        guard
            let row = try await db.raw(
                """
                SELECT * FROM forms WHERE id = \(bind: id.rawValue) AND workspace_id = \(bind: workspace.rawValue)
                AND deleted_at IS NULL\(unsafeRaw: suffix)
                """
            ).first()
        else { throw RecordError.notFound(.form) }
        return try Self.decode(row)
    }

    private func write(_ db: any SQLDatabase, _ form: WebForm, expectedVersion: Int64?) async throws {
        let definition = jsonText(form.fields)
        let owners = jsonText(form.ownerIDs.map(\.rawValue))
        if expectedVersion == nil {
            try await db.raw(
                """
                INSERT INTO forms (id, workspace_id, name, public_key, definition, consent_text, creates_deal, pipeline_id, stage_id,
                    creates_task, owner_ids, cursor, active, thank_you_text, redirect_url, created_by, created_at, updated_at, version)
                VALUES (\(bind: form.id.rawValue), \(bind: form.workspaceID.rawValue), \(bind: form.name), \(bind: form.publicKey),
                    \(bind: definition), \(bind: form.consentText), \(bind: form.createsDeal), \(bind: form.pipelineID?.rawValue),
                    \(bind: form.stageID?.rawValue), \(bind: form.createsTask), \(bind: owners), \(bind: form.cursor),
                    \(bind: form.isActive), \(bind: form.thankYouText), \(bind: form.redirectURL), \(bind: form.createdBy?.rawValue),
                    \(bind: form.createdAt.millis), \(bind: form.updatedAt.millis), \(bind: form.version))
                """
            ).run()
        } else {
            try await db.raw(
                """
                UPDATE forms SET name = \(bind: form.name), definition = \(bind: definition), consent_text = \(bind: form.consentText),
                    creates_deal = \(bind: form.createsDeal), pipeline_id = \(bind: form.pipelineID?.rawValue),
                    stage_id = \(bind: form.stageID?.rawValue), creates_task = \(bind: form.createsTask), owner_ids = \(bind: owners),
                    cursor = \(bind: form.cursor), active = \(bind: form.isActive), thank_you_text = \(bind: form.thankYouText),
                    redirect_url = \(bind: form.redirectURL), updated_at = \(bind: form.updatedAt.millis), version = \(bind: form.version)
                WHERE id = \(bind: form.id.rawValue)
                """
            ).run()
        }
    }

    static func decode(_ row: any SQLRow) throws -> WebForm {
        var form = WebForm(
            id: try row.id("id"), workspaceID: try row.id("workspace_id"), publicKey: try row.string("public_key"),
            now: try row.date("created_at"), createdBy: try row.optionalID("created_by"))
        form.name = try row.string("name")
        form.fields = try row.json("definition", as: [FormField].self)
        form.consentText = try row.optionalString("consent_text")
        form.createsDeal = try row.bool("creates_deal")
        form.pipelineID = try row.optionalID("pipeline_id")
        form.stageID = try row.optionalID("stage_id")
        form.createsTask = try row.bool("creates_task")
        form.ownerIDs = try row.json("owner_ids", as: [String].self).map(User.ID.init(rawValue:))
        form.cursor = try row.int("cursor")
        form.isActive = try row.bool("active")
        form.thankYouText = try row.optionalString("thank_you_text")
        form.redirectURL = try row.optionalString("redirect_url")
        form.updatedAt = try row.date("updated_at")
        form.version = try row.int64("version")
        return form
    }

    static func decodeSubmission(_ row: any SQLRow) throws -> FormSubmission {
        FormSubmission(
            id: try row.id("id"), formID: try row.id("form_id"), contactID: try row.optionalID("contact_id"),
            contactCreated: try row.bool("contact_created"), dealID: try row.optionalID("deal_id"), taskID: try row.optionalID("task_id"),
            payload: try row.json("payload", as: [String: String].self),
            source: LeadSource(
                source: "web-form", utmSource: try row.optionalString("utm_source"), utmMedium: try row.optionalString("utm_medium"),
                utmCampaign: try row.optionalString("utm_campaign"), utmContent: try row.optionalString("utm_content"),
                utmTerm: try row.optionalString("utm_term"), referrer: try row.optionalString("referrer"),
                landingPage: try row.optionalString("landing_page")),
            ip: try row.optionalString("ip"), createdAt: try row.date("created_at"))
    }
}

extension WebForm {
    /// The fields the audit log compares.
    var auditSnapshot: [String: JSONValue] {
        [
            "name": .string(name), "fields": .string(jsonText(fields)), "consentText": consentText.map(JSONValue.string) ?? .null,
            "createsDeal": .bool(createsDeal), "pipelineId": pipelineID.map { .string($0.rawValue) } ?? .null,
            "stageId": stageID.map { .string($0.rawValue) } ?? .null, "createsTask": .bool(createsTask),
            "ownerIds": .array(ownerIDs.map { .string($0.rawValue) }), "active": .bool(isActive),
            "thankYouText": thankYouText.map(JSONValue.string) ?? .null, "redirectUrl": redirectURL.map(JSONValue.string) ?? .null,
        ]
    }
}
