public import Foundation
public import RapportCore
import SQLKit

/// A deal's learned chance to be won, with what drove it; `nil` prediction when the workspace has too few
/// closed deals to learn from (then the stage's default probability stands).
public struct WinEstimate: Sendable, Hashable {
    /// The model's prediction for the deal now.
    public var prediction: WinPrediction?
    /// The stage's default probability (what the deal shows without a model).
    public var stageDefault: Int
    /// Closed deals the model learned from.
    public var examples: Int
    /// Share of those it classifies right.
    public var accuracy: Double?
    /// When it was trained.
    public var trainedAt: Date?
}

/// Learns win probability from a workspace's own won and lost deals (logistic regression in
/// `RapportCore`), keeps the model, and scores open deals with it.
public struct WinModelRepository: Sendable {
    let context: StoreContext

    /// Makes the repository.
    public init(context: StoreContext) { self.context = context }

    /// How far back closed deals teach the model.
    static let lookback: TimeInterval = 2 * 365 * 86_400

    /// Retrains the model of every workspace (the scheduled job). - Returns: workspaces with a model.
    @discardableResult
    public func refresh() async throws -> Int {
        let workspaces = try await context.database.reader.raw("SELECT id FROM workspaces").all().map {
            try $0.id("id", as: Workspace.self)
        }
        var trained = 0
        for workspace in workspaces {
            let model = try await train(workspace: workspace)
            try await score(workspace: workspace, with: model)
            if model != nil { trained += 1 }
        }
        return trained
    }

    /// Trains and stores one workspace's model from its deals closed in the last two years; removes the
    /// stored model when there is too little to learn from.
    @discardableResult
    public func train(workspace: Workspace.ID) async throws -> WinProbabilityModel? {
        let since = context.effects.now().addingTimeInterval(-Self.lookback).millis
        let rows = try await context.database.reader.raw(
            """
            -- The last open stage is the one left last (two moves in the same millisecond share an entry time).
            SELECT d.status, d.amount, d.created_at, d.closed_at, COALESCE(d.source, d.utm_source) AS lead_source, d.owner_id,
                (SELECT h.stage_id FROM stage_history h JOIN stages s ON s.id = h.stage_id
                 WHERE h.deal_id = d.id AND s.kind = 'open'
                 ORDER BY COALESCE(h.left_at, d.closed_at) DESC, h.entered_at DESC, h.id DESC LIMIT 1) AS last_open_stage,
                (SELECT COUNT(*) FROM activities a WHERE a.deal_id = d.id AND a.deleted_at IS NULL AND a.kind <> 'system'
                 AND a.occurred_at <= d.closed_at) AS activity_count
            FROM deals d
            WHERE d.workspace_id = \(bind: workspace.rawValue) AND d.deleted_at IS NULL AND d.status IN ('won', 'lost')
            AND d.closed_at >= \(bind: since)
            ORDER BY d.closed_at DESC LIMIT 50000
            """
        ).all()
        let examples: [WinExample] = try rows.compactMap { row in
            guard let stage = try row.optionalString("last_open_stage"), let closed = try row.optionalInt64("closed_at") else { return nil }
            let features = WinFeatures(
                stage: stage, ageDays: Double(closed - (try row.int64("created_at"))) / 86_400_000, amount: try row.int64("amount"),
                source: try row.optionalString("lead_source"), activityCount: try row.int("activity_count"),
                owner: try row.optionalString("owner_id"))
            return WinExample(features: features, won: try row.string("status") == DealStatus.won.rawValue)
        }
        let model = WinProbabilityModel.train(examples)
        try await context.database.transaction { db in
            try await db.raw("DELETE FROM win_models WHERE workspace_id = \(bind: workspace.rawValue)").run()
            if let model {
                try await db.raw(
                    """
                    INSERT INTO win_models (workspace_id, model, examples, accuracy, trained_at)
                    VALUES (\(bind: workspace.rawValue), \(bind: jsonText(model)), \(bind: model.exampleCount),
                        \(bind: model.trainingAccuracy), \(bind: context.effects.now().millis))
                    """
                ).run()
            }
        }
        return model
    }

    /// Writes every open deal's learned chance (the forecast weighs by it), in batches; without a model the
    /// chances are cleared and the stage probabilities stand.
    public func score(workspace: Workspace.ID, with model: WinProbabilityModel?) async throws {
        guard let model else {
            try await context.database.transaction { db in
                try await db.raw(
                    "UPDATE deals SET learned_probability = NULL WHERE workspace_id = \(bind: workspace.rawValue) AND learned_probability IS NOT NULL"
                ).run()
            }
            return
        }
        let now = context.effects.now()
        var after = ""
        while true {
            let rows = try await context.database.reader.raw(
                """
                SELECT id, stage_id, created_at, amount, COALESCE(source, utm_source) AS lead_source, owner_id FROM deals
                WHERE workspace_id = \(bind: workspace.rawValue) AND status = 'open' AND deleted_at IS NULL AND id > \(bind: after)
                ORDER BY id LIMIT 1000
                """
            ).all()
            guard let last = rows.last else { return }
            after = try last.string("id")
            let ids = try rows.map { try $0.string("id") }
            var activities: [String: Int] = [:]
            for row in try await context.database.reader.raw(
                """
                SELECT deal_id, COUNT(*) AS n FROM activities WHERE deal_id IN \(inList(ids)) AND deleted_at IS NULL AND kind <> 'system'
                GROUP BY deal_id
                """
            ).all() {
                activities[try row.string("deal_id")] = try row.int("n")
            }
            var chances: [(String, Int)] = []
            for row in rows {
                let id = try row.string("id")
                let features = WinFeatures(
                    stage: try row.string("stage_id"), ageDays: now.timeIntervalSince(try row.date("created_at")) / 86_400,
                    amount: try row.int64("amount"), source: try row.optionalString("lead_source"), activityCount: activities[id] ?? 0,
                    owner: try row.optionalString("owner_id"))
                chances.append((id, model.predict(features).percent))
            }
            let batch = chances
            try await context.database.transaction { db in
                for (id, percent) in batch {
                    try await db.raw("UPDATE deals SET learned_probability = \(bind: percent) WHERE id = \(bind: id)").run()
                }
            }
        }
    }

    /// The learned chance of a deal the actor may see.
    public func estimate(_ deal: Deal, by actor: Actor) async throws -> WinEstimate {
        let db = context.database.reader
        let pipeline = try await PipelineRepository.load(db, workspace: actor.workspaceID, ids: [deal.pipelineID.rawValue]).first
        let stageDefault = pipeline?.stage(deal.stageID)?.probability ?? deal.probability
        guard
            let row = try await db.raw(
                "SELECT model, examples, accuracy, trained_at FROM win_models WHERE workspace_id = \(bind: actor.workspaceID.rawValue)"
            ).first()
        else { return WinEstimate(prediction: nil, stageDefault: stageDefault, examples: 0) }
        let model = try row.json("model", as: WinProbabilityModel.self)
        var estimate = WinEstimate(
            prediction: nil, stageDefault: stageDefault, examples: try row.int("examples"),
            accuracy: try row.decode(column: "accuracy", as: Double.self),
            trainedAt: try row.date("trained_at"))
        guard deal.status == .open else { return estimate }
        let activities = try await db.raw(
            "SELECT COUNT(*) AS n FROM activities WHERE deal_id = \(bind: deal.id.rawValue) AND deleted_at IS NULL AND kind <> 'system'"
        ).first()
        let features = WinFeatures(
            stage: deal.stageID.rawValue, ageDays: context.effects.now().timeIntervalSince(deal.createdAt) / 86_400,
            amount: deal.amount.amount,
            source: deal.source.source ?? deal.source.utmSource, activityCount: try activities?.int("n") ?? 0, owner: deal.ownerID?.rawValue
        )
        estimate.prediction = model.predict(features)
        return estimate
    }
}
