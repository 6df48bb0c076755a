import Foundation
public import RapportCore
import SQLKit

/// Deals: the pipeline's cards. Stage changes go through ``move(_:to:lostReason:expectedVersion:by:)``,
/// which closes the previous stage visit and opens the next, so time in stage is exact.
public struct DealRepository: Sendable {
    let context: StoreContext

    /// Makes the repository.
    public init(context: StoreContext) { self.context = context }

    static let plan = KeysetPlan(
        from: "deals d", idColumn: "d.id",
        sortColumns: [
            "createdAt": "d.created_at", "updatedAt": "d.updated_at", "title": "d.sort_name", "amount": "d.amount",
            "stageEnteredAt": "d.stage_entered_at",
        ],
        defaultSort: "-createdAt")

    /// Creates a deal in a pipeline (the workspace's first by default) at its first open stage, or at the
    /// stage given in the input.
    public func create(_ input: DealInput, by actor: Actor) async throws -> Deal {
        try await context.database.transaction { db in try await create(db, input, by: actor) }
    }

    /// Creates a deal inside the caller's transaction (an import batch, a web form submission); with `checkOnly`, checks it as it would
    /// be created and writes nothing (an import's dry run).
    func create(_ db: any SQLDatabase, _ input: DealInput, by actor: Actor, checkOnly: Bool = false) async throws -> Deal {
        let rules = try await WorkspaceRows.recordContext(db, context: context, workspace: actor.workspaceID, entity: .deal)
        let settings = try await WorkspaceRows.workspace(db, actor.workspaceID)
        var pipelineID = input.pipelineID
        if pipelineID == nil, let stageID = input.stageID {
            pipelineID = try await pipelineHolding(stageID, db, workspace: actor.workspaceID)
        }
        let pipelines = try await PipelineRepository.load(db, workspace: actor.workspaceID, ids: pipelineID.map { [$0.rawValue] })
        guard let pipeline = pipelines.first, !pipeline.stages.isEmpty else {
            throw ValidationError("pipelineId", input.pipelineID == nil ? .required : .unknownReference)
        }
        var deal = Deal(
            id: context.effects.id(), workspaceID: actor.workspaceID, pipeline: pipeline,
            currency: input.amount?.currency ?? settings.currency, now: rules.now, createdBy: actor.userID)
        var stageInput = input
        stageInput.stageID = nil
        deal = try DealRules.apply(stageInput, to: deal, context: rules)
        if let stageID = input.stageID {
            deal = try DealRules.move(deal, to: stageID, in: pipeline, lostReason: input.lostReason?.value, now: rules.now).deal
        }
        try await checkReferences(db, deal, actor: actor, operation: .create)
        if checkOnly { return deal }
        try await write(db, deal, expectedVersion: nil)
        try await openVisit(db, deal, by: actor.userID)
        try await AuditRows.append(
            db, context: context, workspace: actor.workspaceID, actor: actor.userID,
            record: RecordRef(kind: .deal, id: deal.id.rawValue), action: .create, changes: AuditDiff.creation(deal.auditSnapshot))
        return deal
    }

    /// A deal the actor may see.
    public func get(_ id: Deal.ID, by actor: Actor) async throws -> Deal {
        let db = context.database.reader
        guard let deal = try await load(db, ids: [id.rawValue], workspace: actor.workspaceID).first,
            try await AccessCheck.allows(db, actor, .read, .deal, owner: deal.ownerID)
        else { throw RecordError.notFound(.deal) }
        return deal
    }

    /// Updates fields (not the stage) if the version is current.
    public func update(_ id: Deal.ID, _ input: DealInput, expectedVersion: Int64, by actor: Actor) async throws -> Deal {
        try await context.database.transaction { db in
            let current = try await lockForWrite(db, id, actor: actor, operation: .update)
            guard current.version == expectedVersion else { throw RecordError.versionConflict(.deal, currentVersion: current.version) }
            let rules = try await WorkspaceRows.recordContext(db, context: context, workspace: actor.workspaceID, entity: .deal)
            var fields = input
            fields.pipelineID = nil
            fields.stageID = nil
            var next = try DealRules.apply(fields, to: current, context: rules)
            // A pipeline or stage in an update is a move, recorded in the stage history like any other.
            var moved = false
            if input.stageID != nil || input.pipelineID != nil {
                var pipelineID = input.pipelineID ?? current.pipelineID
                if input.pipelineID == nil, let stageID = input.stageID,
                    let holding = try await pipelineHolding(stageID, db, workspace: actor.workspaceID)
                {
                    pipelineID = holding
                }
                guard let pipeline = try await PipelineRepository.load(db, workspace: actor.workspaceID, ids: [pipelineID.rawValue]).first
                else {
                    throw ValidationError("pipelineId", .unknownReference)
                }
                let stageID =
                    input.stageID ?? (pipelineID == current.pipelineID ? current.stageID : pipeline.firstOpenStage?.id ?? current.stageID)
                let move = try DealRules.move(next, to: stageID, in: pipeline, lostReason: input.lostReason?.value, now: rules.now)
                next = move.deal
                moved = move.stageChanged
            }
            next.updatedAt = rules.now
            next.version = current.version + 1
            try await checkReferences(db, next, actor: actor, operation: .update)
            try await write(db, next, expectedVersion: expectedVersion)
            if moved { try await moveVisit(db, next, by: actor.userID) }
            let changes = AuditDiff.changes(from: current.auditSnapshot, to: next.auditSnapshot)
            if !changes.isEmpty {
                try await AuditRows.append(
                    db, context: context, workspace: actor.workspaceID, actor: actor.userID,
                    record: RecordRef(kind: .deal, id: id.rawValue), action: moved ? .move : .update, changes: changes)
            }
            return next
        }
    }

    /// Moves a deal to a stage (of any pipeline: the stage names it), recording the stage history. Lost
    /// stages need a reason. A version is optional: the kanban board sends it, so a stale drag gets 409.
    public func move(
        _ id: Deal.ID, to stageID: Stage.ID, pipelineID: Pipeline.ID? = nil, lostReason: String?, expectedVersion: Int64?,
        by actor: Actor
    ) async throws -> Deal {
        var input = DealInput()
        input.stageID = stageID
        input.pipelineID = pipelineID
        if let lostReason { input.lostReason = .set(lostReason) }
        if let expectedVersion { return try await update(id, input, expectedVersion: expectedVersion, by: actor) }
        // Without a version the move applies to whatever the deal is now; it still runs atomically.
        let current = try await get(id, by: actor)
        do {
            return try await update(id, input, expectedVersion: current.version, by: actor)
        } catch RecordError.versionConflict {
            let latest = try await get(id, by: actor)
            return try await update(id, input, expectedVersion: latest.version, by: actor)
        }
    }

    /// The pipeline a stage belongs to (a stage names its pipeline, so a move need not name both).
    private func pipelineHolding(_ stageID: Stage.ID, _ db: any SQLDatabase, workspace: Workspace.ID) async throws -> Pipeline.ID? {
        try await db.raw(
            """
            SELECT s.pipeline_id FROM stages s JOIN pipelines p ON p.id = s.pipeline_id
            WHERE s.id = \(bind: stageID.rawValue) AND p.workspace_id = \(bind: workspace.rawValue) AND p.deleted_at IS NULL
            """
        ).first().map { try $0.id("pipeline_id") }
    }

    /// Moves a deal to the trash.
    public func delete(_ id: Deal.ID, by actor: Actor) async throws -> Deal { try await setDeleted(id, deleted: true, by: actor) }

    /// Restores a deal from the trash.
    public func restore(_ id: Deal.ID, by actor: Actor) async throws -> Deal { try await setDeleted(id, deleted: false, by: actor) }

    private func setDeleted(_ id: Deal.ID, deleted: Bool, by actor: Actor) async throws -> Deal {
        try await context.database.transaction { db in
            let current = try await lockForWrite(db, id, actor: actor, operation: .delete, allowTrash: true)
            return try await StoredRecords.setDeleted(db, context: context, current, deleted: deleted, actor: actor)
        }
    }

    /// A page of deals the actor may see.
    public func list(_ query: ListQuery, by actor: Actor) async throws -> Page<Deal> {
        let db = context.database.reader
        var conditions = try await filterConditions(query, actor: actor)
        if let (rows, next) = try await Self.plan.searchPage(
            db, query: query, conditions: &conditions, kind: .deal, workspace: actor.workspaceID, dialect: context.dialect)
        {
            return Page(
                items: try await load(db, ids: try rows.map { try $0.string("id") }, workspace: actor.workspaceID), nextCursor: next)
        }
        let (ids, next) = try await Self.plan.ids(db, conditions: conditions, query: query)
        return Page(items: try await load(db, ids: ids, workspace: actor.workspaceID), nextCursor: next)
    }

    /// Count and sum of the deals the actor may see, per stage and currency, under the list filters
    /// (the kanban's column heads, the home page's pipeline).
    public func summary(_ query: ListQuery, by actor: Actor) async throws -> [StageSummary] {
        let conditions = try await filterConditions(query, actor: actor)
        let rows = try await context.database.reader.raw(
            "SELECT d.stage_id, d.currency, COUNT(*) AS deal_count, CAST(SUM(d.amount) AS BIGINT) AS total FROM deals d"
                + "\(unsafeRaw: context.dialect.indexedBy("deals_board")) WHERE "
                + conditions.anded() + " GROUP BY d.stage_id, d.currency"
        ).all()
        var byStage: [Stage.ID: StageSummary] = [:]
        for row in rows {
            let stage: Stage.ID = try row.id("stage_id")
            guard let currency = CurrencyCode(rawValue: try row.string("currency")) else { continue }
            var summary = byStage[stage] ?? StageSummary(stageID: stage, count: 0, totals: [])
            summary.count += try row.int("deal_count")
            summary.totals.append(Money(amount: try row.int64("total"), currency: currency))
            byStage[stage] = summary
        }
        return Array(byStage.values)
    }

    private func filterConditions(_ query: ListQuery, actor: Actor) async throws -> [SQLQueryString] {
        var conditions: [SQLQueryString] = [
            "d.workspace_id = \(bind: actor.workspaceID.rawValue)",
            query.trash ? "d.deleted_at IS NOT NULL" : "d.deleted_at IS NULL",
            AccessRows.condition(AccessPolicy.visibility(for: actor, of: .deal), ownerColumn: "d.owner_id"),
        ]
        conditions += try CommonFilters.conditions(
            query.filters, alias: "d", kind: .deal, workspace: actor.workspaceID, dialect: context.dialect)
        let filters = query.filters
        if let stage = filters.stageID { conditions.append("d.stage_id = \(bind: stage.rawValue)") }
        if let pipeline = filters.pipelineID { conditions.append("d.pipeline_id = \(bind: pipeline.rawValue)") }
        if let status = filters.status { conditions.append("d.status = \(bind: status.rawValue)") }
        if let company = filters.companyID { conditions.append("d.company_id = \(bind: company.rawValue)") }
        if let contact = filters.contactID {
            conditions.append("d.id IN (SELECT deal_id FROM deal_contacts WHERE contact_id = \(bind: contact.rawValue))")
        }
        if let segment = filters.segmentID {
            conditions.append(
                try await SegmentRepository.condition(
                    segment, reaching: .deals, context.database.reader, context: context, workspace: actor.workspaceID))
        }
        return conditions
    }

    /// The stage history of a deal, oldest first.
    public func history(_ id: Deal.ID, by actor: Actor) async throws -> [StageVisit] {
        _ = try await get(id, by: actor)
        let rows = try await context.database.reader.raw(
            "SELECT * FROM stage_history WHERE deal_id = \(bind: id.rawValue) AND workspace_id = \(bind: actor.workspaceID.rawValue) ORDER BY entered_at, id"
        ).all()
        return try rows.map(Self.decodeVisit)
    }

    static func decodeVisit(_ row: any SQLRow) throws -> StageVisit {
        StageVisit(
            id: try row.id("id"), workspaceID: try row.id("workspace_id"), dealID: try row.id("deal_id"),
            pipelineID: try row.id("pipeline_id"), stageID: try row.id("stage_id"), enteredAt: try row.date("entered_at"),
            leftAt: try row.optionalDate("left_at"), movedBy: try row.optionalID("moved_by"))
    }

    // MARK: - Rows

    private func openVisit(_ db: any SQLDatabase, _ deal: Deal, by user: User.ID?) async throws {
        try await db.raw(
            """
            INSERT INTO stage_history (id, workspace_id, deal_id, pipeline_id, stage_id, entered_at, left_at, moved_by)
            VALUES (\(bind: context.effects.newID()), \(bind: deal.workspaceID.rawValue), \(bind: deal.id.rawValue),
                    \(bind: deal.pipelineID.rawValue), \(bind: deal.stageID.rawValue), \(bind: deal.stageEnteredAt.millis),
                    NULL, \(bind: user?.rawValue))
            """
        ).run()
        try await Self.refreshFurthestStage(db, where: "id = \(bind: deal.id.rawValue)")
    }

    /// Sets the furthest stage (read by the funnel) of the deals matching a condition on `deals` from their
    /// visits in their current pipeline: won stages rank after every open stage, lost stages never count.
    static func refreshFurthestStage(_ db: any SQLDatabase, where condition: SQLQueryString) async throws {
        try await db.raw(
            """
            UPDATE deals SET furthest_stage_id = (
                SELECT s.id FROM stage_history h JOIN stages s ON s.id = h.stage_id
                WHERE h.deal_id = deals.id AND h.pipeline_id = deals.pipeline_id AND s.kind <> 'lost'
                ORDER BY CASE WHEN s.kind = 'won' THEN 1000000 + s.position ELSE s.position END DESC LIMIT 1)
            """ + " WHERE " + condition
        ).run()
    }

    private func moveVisit(_ db: any SQLDatabase, _ deal: Deal, by user: User.ID?) async throws {
        try await db.raw(
            "UPDATE stage_history SET left_at = \(bind: deal.stageEnteredAt.millis) WHERE deal_id = \(bind: deal.id.rawValue) AND left_at IS NULL"
        ).run()
        try await openVisit(db, deal, by: user)
    }

    func lockForWrite(_ db: any SQLDatabase, _ id: Deal.ID, actor: Actor, operation: RecordOperation, allowTrash: Bool = false) async throws
        -> Deal
    {
        try await StoredRecords.lockForWrite(
            db, context: context, id: id.rawValue, actor: actor, operation: operation, allowTrash: allowTrash,
            load: { try await load($0, ids: $1, workspace: $2) })
    }

    private func checkReferences(_ db: any SQLDatabase, _ deal: Deal, actor: Actor, operation: RecordOperation) async throws {
        var (ownership, issues) = try await AccessRows.ownership(db, owner: deal.ownerID, workspace: actor.workspaceID, field: "ownerId")
        let contacts = try await AccessRows.existing(
            db, table: "contacts", ids: deal.contactIDs.map(\.rawValue), workspace: actor.workspaceID)
        for (index, id) in deal.contactIDs.enumerated() where !contacts.contains(id.rawValue) {
            issues.append(FieldIssue("contactIds[\(index)]", .unknownReference))
        }
        if let company = deal.companyID {
            let found = try await AccessRows.existing(db, table: "companies", ids: [company.rawValue], workspace: actor.workspaceID)
            if found.isEmpty { issues.append(FieldIssue("companyId", .unknownReference)) }
        }
        if CurrencyCode(rawValue: deal.amount.currency.rawValue) == nil { issues.append(FieldIssue("amount.currency", .invalidCurrency)) }
        if !issues.isEmpty { throw ValidationError(issues: issues) }
        ownership.workspaceID = actor.workspaceID
        guard AccessPolicy.allows(actor, operation, .deal, ownership) else { throw RecordError.forbidden }
    }

    private func write(_ db: any SQLDatabase, _ d: Deal, expectedVersion: Int64?) async throws {
        let sortName = SearchText.fold(d.title)
        if let expectedVersion {
            let row = try await db.raw(
                """
                UPDATE deals SET title = \(bind: d.title), sort_name = \(bind: sortName), amount = \(bind: d.amount.amount),
                    currency = \(bind: d.amount.currency.rawValue), pipeline_id = \(bind: d.pipelineID.rawValue),
                    stage_id = \(bind: d.stageID.rawValue), status = \(bind: d.status.rawValue),
                    probability = \(bind: d.probability), probability_manual = \(bind: d.probabilityIsManual),
                    expected_close_date = \(bind: d.expectedCloseDate?.description), owner_id = \(bind: d.ownerID?.rawValue),
                    company_id = \(bind: d.companyID?.rawValue), lost_reason = \(bind: d.lostReason),
                    closed_at = \(bind: d.closedAt?.millis), stage_entered_at = \(bind: d.stageEnteredAt.millis),
                    source = \(bind: d.source.source), utm_source = \(bind: d.source.utmSource),
                    utm_medium = \(bind: d.source.utmMedium), utm_campaign = \(bind: d.source.utmCampaign),
                    utm_content = \(bind: d.source.utmContent), utm_term = \(bind: d.source.utmTerm),
                    referrer = \(bind: d.source.referrer), landing_page = \(bind: d.source.landingPage),
                    custom_fields = \(bind: jsonText(d.customFields)), updated_at = \(bind: d.updatedAt.millis),
                    version = \(bind: d.version)
                WHERE id = \(bind: d.id.rawValue) AND version = \(bind: expectedVersion) RETURNING version
                """
            ).first()
            guard row != nil else { throw RecordError.versionConflict(.deal, currentVersion: expectedVersion) }
        } else {
            try await db.raw(
                """
                INSERT INTO deals (id, workspace_id, title, sort_name, amount, currency, pipeline_id, stage_id, status,
                    probability, probability_manual, expected_close_date, owner_id, company_id, lost_reason, closed_at,
                    stage_entered_at, source, utm_source, utm_medium, utm_campaign, utm_content, utm_term, referrer,
                    landing_page, custom_fields, created_at, updated_at, created_by, version, deleted_at)
                VALUES (\(bind: d.id.rawValue), \(bind: d.workspaceID.rawValue), \(bind: d.title), \(bind: sortName),
                    \(bind: d.amount.amount), \(bind: d.amount.currency.rawValue), \(bind: d.pipelineID.rawValue),
                    \(bind: d.stageID.rawValue), \(bind: d.status.rawValue), \(bind: d.probability),
                    \(bind: d.probabilityIsManual), \(bind: d.expectedCloseDate?.description), \(bind: d.ownerID?.rawValue),
                    \(bind: d.companyID?.rawValue), \(bind: d.lostReason), \(bind: d.closedAt?.millis),
                    \(bind: d.stageEnteredAt.millis), \(bind: d.source.source), \(bind: d.source.utmSource),
                    \(bind: d.source.utmMedium), \(bind: d.source.utmCampaign), \(bind: d.source.utmContent),
                    \(bind: d.source.utmTerm), \(bind: d.source.referrer), \(bind: d.source.landingPage),
                    \(bind: jsonText(d.customFields)), \(bind: d.createdAt.millis), \(bind: d.updatedAt.millis),
                    \(bind: d.createdBy?.rawValue), \(bind: d.version), NULL)
                """
            ).run()
        }
        try await db.raw("DELETE FROM deal_contacts WHERE deal_id = \(bind: d.id.rawValue)").run()
        for (position, contact) in d.contactIDs.enumerated() {
            try await db.raw(
                """
                INSERT INTO deal_contacts (workspace_id, deal_id, contact_id, position)
                VALUES (\(bind: d.workspaceID.rawValue), \(bind: d.id.rawValue), \(bind: contact.rawValue), \(bind: position))
                """
            ).run()
        }
        try await TagRows.replace(db, context: context, workspace: d.workspaceID, kind: .deal, id: d.id.rawValue, names: d.tags)
        try await SearchRows.index(
            db, workspace: d.workspaceID, kind: .deal, id: d.id.rawValue,
            body: SearchText.document(words: [d.title, d.lostReason] + d.tags))
    }

    func load(_ db: any SQLDatabase, ids: [String], workspace: Workspace.ID) async throws -> [Deal] {
        guard !ids.isEmpty else { return [] }
        let rows = try await db.raw("SELECT * FROM deals WHERE workspace_id = \(bind: workspace.rawValue) AND id IN \(inList(ids))").all()
        let tags = try await RecordPartsPage.load(db, kind: .deal, ids: ids, channels: false, companyLinks: false).tags
        let links = try await db.raw(
            "SELECT deal_id, contact_id FROM deal_contacts WHERE deal_id IN \(inList(ids)) ORDER BY deal_id, position"
        ).all()
        var contacts: [String: [Contact.ID]] = [:]
        for link in links { contacts[try link.string("deal_id"), default: []].append(try link.id("contact_id")) }
        var byID: [String: Deal] = [:]
        for row in rows {
            let id = try row.string("id")
            guard let currency = CurrencyCode(rawValue: try row.string("currency")) else {
                throw StoreError.corruptValue(column: "currency", value: try row.string("currency"))
            }
            let deal = Deal(
                stored: Deal.ID(id), workspaceID: workspace, title: try row.string("title"),
                amount: Money(amount: try row.int64("amount"), currency: currency), pipelineID: try row.id("pipeline_id"),
                stageID: try row.id("stage_id"), status: try row.enumValue("status"), probability: try row.int("probability"),
                probabilityIsManual: try row.bool("probability_manual"), expectedCloseDate: try row.localDate("expected_close_date"),
                ownerID: try row.optionalID("owner_id"), contactIDs: contacts[id] ?? [], companyID: try row.optionalID("company_id"),
                lostReason: try row.optionalString("lost_reason"), closedAt: try row.optionalDate("closed_at"),
                stageEnteredAt: try row.date("stage_entered_at"), source: try LeadSourceColumns.decode(row), tags: tags[id] ?? [],
                customFields: try row.json("custom_fields", as: [String: JSONValue].self), createdAt: try row.date("created_at"),
                updatedAt: try row.date("updated_at"), createdBy: try row.optionalID("created_by"), version: try row.int64("version"),
                deletedAt: try row.optionalDate("deleted_at"))
            byID[id] = deal
        }
        return ids.compactMap { byID[$0] }
    }
}
