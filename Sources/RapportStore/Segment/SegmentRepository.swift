import Foundation
public import RapportCore
import SQLKit

extension Segment: StoredRecord {
    static let recordKind = RecordKind.segment
    static let table = "segments"
    var rawID: String { id.rawValue }
    var accessOwner: User.ID? { ownerID }
}

/// Segments: saved filters and static lists of contacts or companies. Counting and listing members always
/// goes through the viewer's own visibility, so a segment never shows a rep someone else's clients.
public struct SegmentRepository: Sendable {
    let context: StoreContext

    /// Makes the repository.
    public init(context: StoreContext) { self.context = context }

    static let plan = KeysetPlan(
        from: "segments s", idColumn: "s.id", sortColumns: ["name": "s.sort_name", "createdAt": "s.created_at"], defaultSort: "name")

    /// The largest static list one request may add or remove at once.
    public static let maximumBatch = 1000

    /// Creates a segment (a dynamic one needs its filter; a static list starts empty).
    public func create(_ input: SegmentInput, by actor: Actor) async throws -> Segment {
        try await context.database.transaction { db in
            guard
                AccessPolicy.allows(
                    actor, .create, .segment, Ownership(workspaceID: actor.workspaceID, ownerID: actor.userID, ownerTeamID: actor.teamID))
            else { throw RecordError.forbidden }
            let blank = Segment(
                id: context.effects.id(), workspaceID: actor.workspaceID, name: "", entity: input.entity ?? .contact,
                kind: input.kind ?? .dynamic, filter: .everyone, ownerID: actor.userID, now: context.effects.now())
            let fields = try await WorkspaceRows.customFields(db, workspace: actor.workspaceID, entity: blank.entity.recordKind)
            let segment = try SegmentRules.apply(input, to: blank, customFields: fields)
            try await write(db, segment, insert: true)
            try await AuditRows.append(
                db, context: context, workspace: actor.workspaceID, actor: actor.userID,
                record: RecordRef(kind: .segment, id: segment.id.rawValue), action: .create,
                changes: AuditDiff.creation(segment.auditSnapshot))
            return segment
        }
    }

    /// A segment of the actor's workspace.
    public func get(_ id: Segment.ID, by actor: Actor) async throws -> Segment {
        guard let segment = try await Self.load(context.database.reader, ids: [id.rawValue], workspace: actor.workspaceID).first
        else { throw RecordError.notFound(.segment) }
        return segment
    }

    /// Renames a segment or changes its filter, if the version is current.
    public func update(_ id: Segment.ID, _ input: SegmentInput, expectedVersion: Int64, by actor: Actor) async throws -> Segment {
        try await context.database.transaction { db in
            let current = try await lock(db, id, actor: actor, operation: .update)
            let fields = try await WorkspaceRows.customFields(db, workspace: actor.workspaceID, entity: current.entity.recordKind)
            var fixed = input
            fixed.entity = nil
            fixed.kind = nil
            return try await StoredRecords.update(
                db, context: context, current, expectedVersion: expectedVersion, actor: actor,
                change: { segment, _ in try SegmentRules.apply(fixed, to: segment, customFields: fields) },
                write: { try await write(db, $0, insert: false) })
        }
    }

    /// Moves a segment to the trash.
    public func delete(_ id: Segment.ID, by actor: Actor) async throws -> Segment {
        try await context.database.transaction { db in
            let current = try await lock(db, id, actor: actor, operation: .delete)
            return try await StoredRecords.setDeleted(db, context: context, current, deleted: true, actor: actor)
        }
    }

    /// Restores a segment from the trash.
    public func restore(_ id: Segment.ID, by actor: Actor) async throws -> Segment {
        try await context.database.transaction { db in
            let current = try await lock(db, id, actor: actor, operation: .delete, allowTrash: true)
            return try await StoredRecords.setDeleted(db, context: context, current, deleted: false, actor: actor)
        }
    }

    /// The workspace's segments by name.
    public func list(_ query: ListQuery, by actor: Actor) async throws -> Page<Segment> {
        var conditions: [SQLQueryString] = [
            "s.workspace_id = \(bind: actor.workspaceID.rawValue)", query.trash ? "s.deleted_at IS NOT NULL" : "s.deleted_at IS NULL",
        ]
        if let search = query.search.flatMap(\.trimmedOrNil) {
            conditions.append("s.sort_name LIKE \(bind: "%" + likeEscaped(SearchText.fold(search)) + "%") ESCAPE '\\'")
        }
        let (rows, next) = try await Self.plan.rows(context.database.reader, conditions: conditions, query: query)
        return Page(items: try rows.map(Self.decode), nextCursor: next)
    }

    /// How many members of a segment the actor can see, now.
    public func count(_ id: Segment.ID, by actor: Actor) async throws -> Int {
        let db = context.database.reader
        let segment = try await get(id, by: actor)
        return try await count(
            db, entity: segment.entity, condition: try await Self.membership(db, context: context, segment), actor: actor)
    }

    /// How many records an unsaved filter would hold (the builder's live count).
    public func count(filter json: JSONValue, entity: SegmentEntity, by actor: Actor) async throws -> Int {
        let db = context.database.reader
        let fields = try await WorkspaceRows.customFields(db, workspace: actor.workspaceID, entity: entity.recordKind)
        let filter = try SegmentFilter.parse(json, entity: entity, customFields: fields)
        let compiler = try await Self.compiler(db, context: context, entity: entity, workspace: actor.workspaceID)
        return try await count(db, entity: entity, condition: compiler.condition(filter), actor: actor)
    }

    /// Adds records to a static list (ids the actor cannot see, or of another kind, are refused by name).
    public func addMembers(_ id: Segment.ID, _ recordIDs: [String], by actor: Actor) async throws -> Int {
        try await changeMembers(id, recordIDs, add: true, by: actor)
    }

    /// Removes records from a static list.
    public func removeMembers(_ id: Segment.ID, _ recordIDs: [String], by actor: Actor) async throws -> Int {
        try await changeMembers(id, recordIDs, add: false, by: actor)
    }

    /// Freezes a segment's current members (those the actor sees) into a new static list.
    public func snapshot(_ id: Segment.ID, name: String?, by actor: Actor) async throws -> Segment {
        let source = try await get(id, by: actor)
        var input = SegmentInput()
        input.name = name ?? source.name
        input.entity = source.entity
        input.kind = .static
        let list = try await create(input, by: actor)
        try await context.database.transaction { db in
            let condition = try await Self.membership(db, context: context, source)
            let alias = source.entity == .contact ? "c" : "co"
            try await db.raw(
                "INSERT INTO segment_members (workspace_id, segment_id, record_id, added_at) SELECT \(bind: actor.workspaceID.rawValue), \(bind: list.id.rawValue), \(unsafeRaw: alias).id, \(bind: context.effects.now().millis) FROM \(unsafeRaw: source.entity == .contact ? "contacts c" : "companies co") WHERE "
                    + visible(source.entity, condition: condition, actor: actor).anded()
            ).run()
        }
        return list
    }

    /// Every member contact of a segment the actor sees, with its purchase standing, for a download.
    /// Needs the export right; the export is written to the audit log with its size.
    public func exportContacts(_ id: Segment.ID, by actor: Actor) async throws -> [(Contact, CustomerStanding)] {
        guard AccessPolicy.allows(actor, .export) else { throw RecordError.forbidden }
        let segment = try await get(id, by: actor)
        guard segment.entity == .contact else { throw ValidationError("entity", .invalidOption, ["options": "contact"]) }
        var query = ListQuery(limit: PageSize.maximum, sort: "name")
        query.filters.segmentID = id
        return try await ContactRepository(context: context).export(query, record: RecordRef(kind: .segment, id: id.rawValue), by: actor)
    }

    private func changeMembers(_ id: Segment.ID, _ recordIDs: [String], add: Bool, by actor: Actor) async throws -> Int {
        guard recordIDs.count <= Self.maximumBatch else { throw ValidationError("ids", .outOfRange, ["max": String(Self.maximumBatch)]) }
        return try await context.database.transaction { db in
            let segment = try await lock(db, id, actor: actor, operation: .update)
            guard segment.kind == .static else { throw ValidationError("kind", .invalidOption, ["options": SegmentKind.static.rawValue]) }
            let unique = Array(Set(recordIDs)).sorted()
            if add {
                let table = segment.entity == .contact ? "contacts c" : "companies co"
                let alias = segment.entity == .contact ? "c" : "co"
                let rows = try await db.raw(
                    "SELECT \(unsafeRaw: alias).id FROM \(unsafeRaw: table) WHERE "
                        + (visible(segment.entity, condition: "\(unsafeRaw: alias).id IN \(inList(unique))", actor: actor)).anded()
                ).all()
                let found = Set(try rows.map { try $0.string("id") })
                let missing = unique.enumerated().filter { !found.contains($0.element) }
                if !missing.isEmpty { throw ValidationError(issues: missing.map { FieldIssue("ids[\($0.offset)]", .unknownReference) }) }
                let now = context.effects.now().millis
                for record in unique {
                    try await db.raw(
                        """
                        INSERT INTO segment_members (workspace_id, segment_id, record_id, added_at)
                        VALUES (\(bind: actor.workspaceID.rawValue), \(bind: id.rawValue), \(bind: record), \(bind: now))
                        ON CONFLICT (segment_id, record_id) DO NOTHING
                        """
                    ).run()
                }
            } else {
                try await db.raw(
                    "DELETE FROM segment_members WHERE segment_id = \(bind: id.rawValue) AND record_id IN \(inList(unique))"
                ).run()
            }
            try await AuditRows.append(
                db, context: context, workspace: actor.workspaceID, actor: actor.userID,
                record: RecordRef(kind: .segment, id: id.rawValue), action: .update,
                changes: [FieldChange(field: add ? "membersAdded" : "membersRemoved", before: .null, after: .int(Int64(unique.count)))])
            return unique.count
        }
    }

    private func count(_ db: any SQLDatabase, entity: SegmentEntity, condition: SQLQueryString, actor: Actor) async throws -> Int {
        let table = entity == .contact ? "contacts c" : "companies co"
        let row = try await db.raw(
            "SELECT COUNT(*) AS n FROM \(unsafeRaw: table) WHERE " + visible(entity, condition: condition, actor: actor).anded()
        ).first()
        return try row?.int("n") ?? 0
    }

    /// The live records of the actor's workspace that the actor sees and that meet the condition.
    private func visible(_ entity: SegmentEntity, condition: SQLQueryString, actor: Actor) -> [SQLQueryString] {
        let alias = entity == .contact ? "c" : "co"
        return [
            "\(unsafeRaw: alias).workspace_id = \(bind: actor.workspaceID.rawValue)", "\(unsafeRaw: alias).deleted_at IS NULL",
            AccessRows.condition(AccessPolicy.visibility(for: actor, of: entity.recordKind), ownerColumn: "\(alias).owner_id"), condition,
        ]
    }

    /// The SQL condition "is a member of this segment" over `c` (contacts) or `co` (companies): the compiled
    /// filter of a dynamic segment, the member table of a static list.
    static func membership(_ db: any SQLDatabase, context: StoreContext, _ segment: Segment) async throws -> SQLQueryString {
        let alias = segment.entity == .contact ? "c" : "co"
        switch segment.kind {
        case .static:
            return "\(unsafeRaw: alias).id IN (SELECT record_id FROM segment_members WHERE segment_id = \(bind: segment.id.rawValue))"
        case .dynamic:
            // The stored filter is re-checked against today's custom fields: one deleted since is an unknown field.
            let fields = try await WorkspaceRows.customFields(db, workspace: segment.workspaceID, entity: segment.entity.recordKind)
            let filter = try SegmentFilter.parse(segment.filter.json, entity: segment.entity, customFields: fields)
            return try await compiler(db, context: context, entity: segment.entity, workspace: segment.workspaceID).condition(filter)
        }
    }

    /// The condition for a list's `segment` filter: membership of a segment of the right kind.
    static func listCondition(
        _ db: any SQLDatabase, context: StoreContext, segment id: Segment.ID, entity: SegmentEntity, workspace: Workspace.ID
    ) async throws -> SQLQueryString {
        guard let segment = try await load(db, ids: [id.rawValue], workspace: workspace).first, segment.deletedAt == nil,
            segment.entity == entity
        else { throw ValidationError("segment", .unknownReference) }
        return try await membership(db, context: context, segment)
    }

    static func compiler(_ db: any SQLDatabase, context: StoreContext, entity: SegmentEntity, workspace: Workspace.ID) async throws
        -> SegmentCompiler
    {
        let settings = try await WorkspaceRows.workspace(db, workspace)
        return SegmentCompiler(
            entity: entity, workspace: workspace, dialect: context.dialect, now: context.effects.now(),
            timeZone: TimeZone(identifier: settings.timeZone) ?? .gmt)
    }

    private func lock(
        _ db: any SQLDatabase, _ id: Segment.ID, actor: Actor, operation: RecordOperation, allowTrash: Bool = false
    ) async throws -> Segment {
        try await StoredRecords.lockForWrite(
            db, context: context, id: id.rawValue, actor: actor, operation: operation, allowTrash: allowTrash,
            load: { db, ids, workspace in try await Self.load(db, ids: ids, workspace: workspace) },
            canRead: { _ in true })
    }

    private func write(_ db: any SQLDatabase, _ s: Segment, insert: Bool) async throws {
        let filter = jsonText(s.filter.json)
        if insert {
            try await db.raw(
                """
                INSERT INTO segments (id, workspace_id, name, sort_name, entity, kind, filter, owner_id, created_at, updated_at, version,
                    deleted_at)
                VALUES (\(bind: s.id.rawValue), \(bind: s.workspaceID.rawValue), \(bind: s.name), \(bind: SearchText.fold(s.name)),
                    \(bind: s.entity.rawValue), \(bind: s.kind.rawValue), \(bind: filter), \(bind: s.ownerID?.rawValue),
                    \(bind: s.createdAt.millis), \(bind: s.updatedAt.millis), \(bind: s.version), NULL)
                """
            ).run()
        } else {
            try await db.raw(
                """
                UPDATE segments SET name = \(bind: s.name), sort_name = \(bind: SearchText.fold(s.name)), filter = \(bind: filter),
                    updated_at = \(bind: s.updatedAt.millis), version = \(bind: s.version)
                WHERE id = \(bind: s.id.rawValue)
                """
            ).run()
        }
    }

    static func load(_ db: any SQLDatabase, ids: [String], workspace: Workspace.ID) async throws -> [Segment] {
        guard !ids.isEmpty else { return [] }
        let rows = try await db.raw(
            "SELECT * FROM segments WHERE workspace_id = \(bind: workspace.rawValue) AND id IN \(inList(ids))"
        ).all()
        let byID = Dictionary(try rows.map(decode).map { ($0.id.rawValue, $0) }, uniquingKeysWith: { first, _ in first })
        return ids.compactMap { byID[$0] }
    }

    static func decode(_ row: any SQLRow) throws -> Segment {
        let json = try row.json("filter", as: JSONValue.self)
        let entity: SegmentEntity = try row.enumValue("entity")
        // Stored filters were valid when saved; custom fields are not needed to rebuild the tree's shape
        // unless it names one, so an unparseable stored filter (a field since deleted) reads as "everyone"
        // here and is refused with a clear error when the segment is counted.
        let filter =
            (try? SegmentFilter.parse(json, entity: entity, customFields: Self.anyCustomFields(in: json, entity: entity))) ?? .everyone
        var segment = Segment(
            id: try row.id("id"), workspaceID: try row.id("workspace_id"), name: try row.string("name"), entity: entity,
            kind: try row.enumValue("kind"), filter: filter, ownerID: try row.optionalID("owner_id"), now: try row.date("created_at"))
        segment.updatedAt = try row.date("updated_at")
        segment.version = try row.int64("version")
        segment.deletedAt = try row.optionalDate("deleted_at")
        return segment
    }

    /// Placeholder definitions for the custom fields a stored filter names, typed from how the filter uses
    /// them, so decoding a row needs no extra query.
    private static func anyCustomFields(in json: JSONValue, entity: SegmentEntity) -> [CustomFieldDefinition] {
        var result: [CustomFieldDefinition] = []
        func walk(_ node: JSONValue) {
            guard case .object(let object) = node else { return }
            for key in ["all", "any"] { if case .array(let items)? = object[key] { items.forEach(walk) } }
            if let inner = object["not"] { walk(inner) }
            guard case .string(let field)? = object["field"], field.hasPrefix("customField."), case .string(let op)? = object["op"]
            else { return }
            let kind: CustomFieldKind =
                switch op {
                case "eq", "gt", "gte", "lt", "lte", "between": .number
                case "before", "after", "withinDays", "notWithinDays": .date
                case "isTrue", "isFalse": .boolean
                default: .text
                }
            result.append(
                CustomFieldDefinition(
                    id: .init(""), workspaceID: .init(""), entity: entity.recordKind, key: String(field.dropFirst("customField.".count)),
                    label: "", kind: kind, options: [], isRequired: false, position: 0, createdAt: Date(timeIntervalSince1970: 0)))
        }
        walk(json)
        return result
    }
}
