public import Foundation
public import RapportCore
import SQLKit

/// Workspaces: first-run setup, settings, and the workspace's tags and custom fields.
public struct WorkspaceRepository: Sendable {
    let context: StoreContext
    let users: UserRepository

    /// Makes the repository.
    public init(context: StoreContext, users: UserRepository) {
        self.context = context
        self.users = users
    }

    /// What first-run setup needs.
    public struct Setup: Sendable {
        public var name: String?
        public var timeZone: String?
        public var currency: String?
        public var locale: AppLocale
        public var phoneRegion: PhoneRegion
        public var owner: UserRepository.NewUser
        /// Makes a setup description.
        public init(
            name: String?, timeZone: String?, currency: String?, locale: AppLocale, phoneRegion: PhoneRegion, owner: UserRepository.NewUser
        ) {
            self.name = name
            self.timeZone = timeZone
            self.currency = currency
            self.locale = locale
            self.phoneRegion = phoneRegion
            self.owner = owner
        }
    }

    /// Creates a workspace with its owner and a default sales pipeline.
    public func create(_ setup: Setup) async throws -> (Workspace, User) {
        var issues = FieldIssues()
        issues.add(contentsOf: Workspace.validate(name: setup.name, timeZone: setup.timeZone ?? "Europe/Moscow"))
        let currency = CurrencyCode(rawValue: setup.currency ?? "RUB")
        if currency == nil { issues.add("currency", .invalidCurrency) }
        issues.add(
            contentsOf: User.validate(email: setup.owner.email, name: setup.owner.name, password: setup.owner.password ?? "")
                .map { FieldIssue("owner." + $0.field, $0.code, $0.parameters) })
        try issues.throwIfAny()
        let workspace = Workspace(
            id: context.effects.id(), name: setup.name.trimmedOrNil ?? "", timeZone: setup.timeZone ?? "Europe/Moscow",
            currency: currency ?? .rub, locale: setup.locale, phoneRegion: setup.phoneRegion, createdAt: context.effects.now())
        try await context.database.transaction { db in
            try await db.raw(
                """
                INSERT INTO workspaces (id, name, time_zone, currency, locale, phone_region, created_at)
                VALUES (\(bind: workspace.id.rawValue), \(bind: workspace.name), \(bind: workspace.timeZone),
                        \(bind: workspace.currency.rawValue), \(bind: workspace.locale.rawValue),
                        \(bind: workspace.phoneRegion.rawValue), \(bind: workspace.createdAt.millis))
                """
            ).run()
            try await PurchaseTallyRows.start(db, workspace: workspace.id.rawValue, timeZone: workspace.timeZone, now: workspace.createdAt)
            let pipelines = PipelineRepository(context: context)
            let stages = Pipeline.defaultStages(locale: workspace.locale, newID: { context.effects.id() })
                .map { StageInput(name: $0.name, kind: $0.kind, probability: $0.probability, rottingDays: $0.rottingDays) }
            _ = try await pipelines.create(
                db, name: workspace.locale == .ru ? "Продажи" : "Sales", stages: stages, workspace: workspace.id, actorID: nil)
        }
        var owner = setup.owner
        owner.role = .owner
        do {
            let user = try await users.create(owner, by: nil, workspace: workspace.id)
            return (workspace, user)
        } catch {
            // The owner could not be created (e.g. the e-mail is taken): remove the empty workspace again.
            try? await context.database.transaction { db in
                try await db.raw("DELETE FROM purchase_tallies WHERE workspace_id = \(bind: workspace.id.rawValue)").run()
                try await db.raw("DELETE FROM stages WHERE workspace_id = \(bind: workspace.id.rawValue)").run()
                try await db.raw("DELETE FROM pipelines WHERE workspace_id = \(bind: workspace.id.rawValue)").run()
                try await db.raw("DELETE FROM audit_log WHERE workspace_id = \(bind: workspace.id.rawValue)").run()
                try await db.raw("DELETE FROM workspaces WHERE id = \(bind: workspace.id.rawValue)").run()
            }
            if let validation = error as? ValidationError {
                throw ValidationError(issues: validation.issues.map { FieldIssue("owner." + $0.field, $0.code, $0.parameters) })
            }
            throw error
        }
    }

    /// Whether any workspace exists (first run shows setup when none does).
    public func isEmpty() async throws -> Bool {
        try await context.database.reader.raw("SELECT id FROM workspaces LIMIT 1").first() == nil
    }

    /// Every workspace (CLI).
    public func all() async throws -> [Workspace] {
        try await context.database.reader.raw("SELECT * FROM workspaces ORDER BY created_at").all().map(WorkspaceRows.decode)
    }

    /// The actor's workspace.
    public func get(by actor: Actor) async throws -> Workspace {
        try await WorkspaceRows.workspace(context.database.reader, actor.workspaceID)
    }

    /// Changes workspace settings.
    public func update(
        name: String?, timeZone: String?, currency: String?, locale: AppLocale?, phoneRegion: PhoneRegion?, by actor: Actor
    ) async throws -> Workspace {
        guard AccessPolicy.allows(actor, .manageSettings) else { throw RecordError.forbidden }
        return try await context.database.transaction { db in
            let current = try await WorkspaceRows.workspace(db, actor.workspaceID)
            var next = current
            var issues = FieldIssues()
            if let name { next.name = name.trimmingCharacters(in: .whitespacesAndNewlines) }
            if let timeZone { next.timeZone = timeZone }
            if let currency {
                if let code = CurrencyCode(rawValue: currency) { next.currency = code } else { issues.add("currency", .invalidCurrency) }
            }
            if let locale { next.locale = locale }
            if let phoneRegion { next.phoneRegion = phoneRegion }
            issues.add(contentsOf: Workspace.validate(name: next.name, timeZone: next.timeZone))
            try issues.throwIfAny()
            try await db.raw(
                """
                UPDATE workspaces SET name = \(bind: next.name), time_zone = \(bind: next.timeZone), currency = \(bind: next.currency.rawValue),
                    locale = \(bind: next.locale.rawValue), phone_region = \(bind: next.phoneRegion.rawValue)
                WHERE id = \(bind: actor.workspaceID.rawValue)
                """
            ).run()
            try await AuditRows.append(
                db, context: context, workspace: actor.workspaceID, actor: actor.userID,
                record: RecordRef(kind: .workspace, id: actor.workspaceID.rawValue), action: .update,
                changes: AuditDiff.changes(
                    from: [
                        "name": .string(current.name), "timeZone": .string(current.timeZone),
                        "currency": .string(current.currency.rawValue),
                    ],
                    to: ["name": .string(next.name), "timeZone": .string(next.timeZone), "currency": .string(next.currency.rawValue)]))
            return next
        }
    }

    /// A tag as listed in settings.
    public struct TagInfo: Sendable, Hashable {
        public var id: String
        public var name: String
        public var color: String?
        public var createdAt: Date
    }

    /// The workspace's tags, by name.
    public func tags(by actor: Actor) async throws -> [TagInfo] {
        let rows = try await context.database.reader.raw(
            "SELECT * FROM tags WHERE workspace_id = \(bind: actor.workspaceID.rawValue) ORDER BY name_key"
        ).all()
        return try rows.map {
            TagInfo(
                id: try $0.string("id"), name: try $0.string("name"), color: try $0.optionalString("color"),
                createdAt: try $0.date("created_at"))
        }
    }

    /// Creates a tag (or returns the existing one with that name).
    public func createTag(name: String?, color: String?, by actor: Actor) async throws -> TagInfo {
        guard AccessPolicy.allows(actor, .manageSettings) else { throw RecordError.forbidden }
        let (names, issues) = TagNames.normalize([name ?? ""], field: "name")
        try ValidationError.check(issues)
        guard let tagName = names.first else { throw ValidationError("name", .required) }
        if let color, !(color.count == 7 && color.hasPrefix("#") && color.dropFirst().allSatisfy(\.isHexDigit)) {
            throw ValidationError("color", .invalidFormat)
        }
        return try await context.database.transaction { db in
            let id = try await TagRows.ensure(db, context: context, workspace: actor.workspaceID, name: tagName)
            if let color { try await db.raw("UPDATE tags SET color = \(bind: color) WHERE id = \(bind: id)").run() }
            guard let row = try await db.raw("SELECT * FROM tags WHERE id = \(bind: id)").first() else { throw RecordError.notFound(.tag) }
            return TagInfo(
                id: id, name: try row.string("name"), color: try row.optionalString("color"), createdAt: try row.date("created_at"))
        }
    }

    /// Custom field definitions of the workspace (all entities, or one).
    public func customFields(entity: RecordKind?, by actor: Actor) async throws -> [CustomFieldDefinition] {
        let condition: SQLQueryString = entity.map { "entity = \(bind: $0.rawValue)" } ?? "1 = 1"
        let rows = try await context.database.reader.raw(
            "SELECT * FROM custom_field_definitions WHERE workspace_id = \(bind: actor.workspaceID.rawValue) AND " + condition
                + " ORDER BY entity, position, key"
        ).all()
        return try rows.map(WorkspaceRows.decodeField)
    }

    /// Adds a custom field to contacts, companies or deals.
    public func createCustomField(
        entity: RecordKind, key: String?, label: String?, kind: CustomFieldKind, options: [String], required: Bool, by actor: Actor
    ) async throws -> CustomFieldDefinition {
        guard AccessPolicy.allows(actor, .manageSettings) else { throw RecordError.forbidden }
        return try await context.database.transaction { db in
            let existing = try await WorkspaceRows.customFields(db, workspace: actor.workspaceID, entity: entity)
            try ValidationError.check(
                CustomFieldDefinition.validate(
                    entity: entity, key: key, label: label, kind: kind, options: options, existingKeys: existing.map(\.key)))
            let definition = CustomFieldDefinition(
                id: context.effects.id(), workspaceID: actor.workspaceID, entity: entity, key: key ?? "", label: label.trimmedOrNil ?? "",
                kind: kind, options: options, isRequired: required, position: existing.count, createdAt: context.effects.now())
            try await db.raw(
                """
                INSERT INTO custom_field_definitions (id, workspace_id, entity, key, label, kind, options, required, position, created_at)
                VALUES (\(bind: definition.id.rawValue), \(bind: actor.workspaceID.rawValue), \(bind: entity.rawValue),
                        \(bind: definition.key), \(bind: definition.label), \(bind: kind.rawValue), \(bind: jsonText(options)),
                        \(bind: required), \(bind: definition.position), \(bind: definition.createdAt.millis))
                """
            ).run()
            try await AuditRows.append(
                db, context: context, workspace: actor.workspaceID, actor: actor.userID,
                record: RecordRef(kind: .customField, id: definition.id.rawValue), action: .create,
                changes: [FieldChange(field: "key", before: .null, after: .string(definition.key))])
            return definition
        }
    }
}
