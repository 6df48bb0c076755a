import Foundation
public import RapportCore
import SQLKit

/// Pipelines and their ordered stages (settings: read by everyone, changed by those who manage settings).
public struct PipelineRepository: Sendable {
    let context: StoreContext

    /// Makes the repository.
    public init(context: StoreContext) { self.context = context }

    /// Every live pipeline of the actor's workspace, in display order, with stages.
    public func list(by actor: Actor) async throws -> [Pipeline] {
        try await Self.load(context.database.reader, workspace: actor.workspaceID, ids: nil)
    }

    /// One pipeline.
    public func get(_ id: Pipeline.ID, by actor: Actor) async throws -> Pipeline {
        guard let pipeline = try await Self.load(context.database.reader, workspace: actor.workspaceID, ids: [id.rawValue]).first else {
            throw RecordError.notFound(.pipeline)
        }
        return pipeline
    }

    /// Creates a pipeline with its stages.
    public func create(name: String?, stages: [StageInput], by actor: Actor) async throws -> Pipeline {
        guard AccessPolicy.allows(actor, .create, .pipeline, Ownership(workspaceID: actor.workspaceID, ownerID: nil, ownerTeamID: nil))
        else {
            throw RecordError.forbidden
        }
        return try await context.database.transaction { db in
            try await create(db, name: name, stages: stages, workspace: actor.workspaceID, actorID: actor.userID)
        }
    }

    func create(_ db: any SQLDatabase, name: String?, stages: [StageInput], workspace: Workspace.ID, actorID: User.ID?) async throws
        -> Pipeline
    {
        var issues = FieldIssues()
        issues.require(name, "name")
        issues.limit(name, "name", to: 100)
        let (built, stageIssues) = Pipeline.makeStages(stages, existing: [], newID: { context.effects.id() })
        issues.add(contentsOf: stageIssues)
        try issues.throwIfAny()
        let position =
            try await db.raw(
                "SELECT COALESCE(MAX(position), -1) + 1 AS next FROM pipelines WHERE workspace_id = \(bind: workspace.rawValue)"
            ).first()?.int("next") ?? 0
        let pipeline = Pipeline(
            id: context.effects.id(), workspaceID: workspace, name: name.trimmedOrNil ?? "", position: position,
            stages: built, createdAt: context.effects.now(), version: 1)
        try await db.raw(
            """
            INSERT INTO pipelines (id, workspace_id, name, position, created_at, version)
            VALUES (\(bind: pipeline.id.rawValue), \(bind: workspace.rawValue), \(bind: pipeline.name),
                    \(bind: position), \(bind: pipeline.createdAt.millis), 1)
            """
        ).run()
        try await writeStages(db, pipeline)
        try await AuditRows.append(
            db, context: context, workspace: workspace, actor: actorID,
            record: RecordRef(kind: .pipeline, id: pipeline.id.rawValue), action: .create,
            changes: [FieldChange(field: "name", before: .null, after: .string(pipeline.name))])
        return pipeline
    }

    /// Renames a pipeline and/or redefines its stages (order, names, probabilities). A stage that still
    /// holds deals cannot be removed.
    public func update(
        _ id: Pipeline.ID, name: String?, stages: [StageInput]?, expectedVersion: Int64, by actor: Actor
    ) async throws -> Pipeline {
        guard AccessPolicy.allows(actor, .update, .pipeline, Ownership(workspaceID: actor.workspaceID, ownerID: nil, ownerTeamID: nil))
        else {
            throw RecordError.forbidden
        }
        return try await context.database.transaction { db in
            guard let current = try await Self.load(db, workspace: actor.workspaceID, ids: [id.rawValue]).first else {
                throw RecordError.notFound(.pipeline)
            }
            guard current.version == expectedVersion else {
                throw RecordError.versionConflict(.pipeline, currentVersion: current.version)
            }
            var next = current
            var issues = FieldIssues()
            if let name {
                issues.require(name, "name")
                issues.limit(name, "name", to: 100)
                next.name = name.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            if let stages {
                let (built, stageIssues) = Pipeline.makeStages(stages, existing: current.stages, newID: { context.effects.id() })
                next.stages = built
                issues.add(contentsOf: stageIssues)
                let removed = current.stages.map(\.id).filter { old in !next.stages.contains { $0.id == old } }
                for stage in removed {
                    let used = try await db.raw("SELECT 1 AS used FROM deals WHERE stage_id = \(bind: stage.rawValue) LIMIT 1").first()
                    if used != nil { issues.add("stages", .unknownReference, ["stageId": stage.rawValue]) }
                }
            }
            try issues.throwIfAny()
            next.version += 1
            try await db.raw(
                "UPDATE pipelines SET name = \(bind: next.name), version = \(bind: next.version) WHERE id = \(bind: id.rawValue)"
            ).run()
            if stages != nil {
                let keep = next.stages.map(\.id.rawValue)
                try await db.raw(
                    "UPDATE stages SET archived = \(bind: true) WHERE pipeline_id = \(bind: id.rawValue) AND id NOT IN \(inList(keep))"
                ).run()
                try await writeStages(db, next)
                // Reordering stages, or turning one won or lost, changes which visit is a deal's furthest.
                if current.stages.map({ [$0.id.rawValue, $0.kind.rawValue] }) != next.stages.map({ [$0.id.rawValue, $0.kind.rawValue] }) {
                    try await DealRepository.refreshFurthestStage(
                        db, where: "workspace_id = \(bind: actor.workspaceID.rawValue) AND pipeline_id = \(bind: id.rawValue)")
                }
                // Deals keep following their stage's default probability unless it was set by hand.
                for stage in next.stages {
                    try await db.raw(
                        "UPDATE deals SET probability = \(bind: stage.probability) WHERE stage_id = \(bind: stage.id.rawValue) AND probability_manual = \(bind: false)"
                    ).run()
                }
            }
            try await AuditRows.append(
                db, context: context, workspace: actor.workspaceID, actor: actor.userID,
                record: RecordRef(kind: .pipeline, id: id.rawValue), action: .update,
                changes: AuditDiff.changes(
                    from: ["name": .string(current.name), "stages": .array(current.stages.map { .string($0.name) })],
                    to: ["name": .string(next.name), "stages": .array(next.stages.map { .string($0.name) })]))
            return next
        }
    }

    private func writeStages(_ db: any SQLDatabase, _ pipeline: Pipeline) async throws {
        for (position, stage) in pipeline.stages.enumerated() {
            try await db.raw(
                """
                INSERT INTO stages (id, workspace_id, pipeline_id, name, position, kind, probability, rotting_days, archived)
                VALUES (\(bind: stage.id.rawValue), \(bind: pipeline.workspaceID.rawValue), \(bind: pipeline.id.rawValue),
                        \(bind: stage.name), \(bind: position), \(bind: stage.kind.rawValue), \(bind: stage.probability),
                        \(bind: stage.rottingDays), \(bind: false))
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, position = excluded.position, kind = excluded.kind,
                    probability = excluded.probability, rotting_days = excluded.rotting_days, archived = excluded.archived
                """
            ).run()
        }
    }

    static func load(_ db: any SQLDatabase, workspace: Workspace.ID, ids: [String]?) async throws -> [Pipeline] {
        var condition: SQLQueryString = "workspace_id = \(bind: workspace.rawValue) AND deleted_at IS NULL"
        if let ids { condition += " AND id IN \(inList(ids))" }
        let rows = try await db.raw("SELECT * FROM pipelines WHERE " + condition + " ORDER BY position, id").all()
        guard !rows.isEmpty else { return [] }
        let pipelineIDs = try rows.map { try $0.string("id") }
        let stageRows = try await db.raw(
            "SELECT * FROM stages WHERE pipeline_id IN \(inList(pipelineIDs)) AND archived = \(bind: false) ORDER BY pipeline_id, position"
        ).all()
        var stages: [String: [Stage]] = [:]
        for row in stageRows {
            stages[try row.string("pipeline_id"), default: []].append(
                Stage(
                    id: try row.id("id"), name: try row.string("name"), kind: try row.enumValue("kind"),
                    probability: try row.int("probability"), rottingDays: try row.optionalInt("rotting_days")))
        }
        return try rows.map { row in
            let id = try row.string("id")
            return Pipeline(
                id: Pipeline.ID(id), workspaceID: workspace, name: try row.string("name"), position: try row.int("position"),
                stages: stages[id] ?? [], createdAt: try row.date("created_at"), version: try row.int64("version"))
        }
    }
}
