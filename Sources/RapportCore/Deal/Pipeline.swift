public import Foundation

/// A sales process with ordered stages. A workspace has several (e.g. "Продажи", "Тендеры").
public struct Pipeline: Hashable, Sendable {
    /// The pipeline id.
    public typealias ID = Identifier<Pipeline>
    /// Its id.
    public var id: ID
    /// Its workspace.
    public var workspaceID: Workspace.ID
    /// Its name.
    public var name: String
    /// Display order among pipelines.
    public var position: Int
    /// Stages in board order.
    public var stages: [Stage]
    /// Creation time.
    public var createdAt: Date
    /// Optimistic-locking version.
    public var version: Int64
    /// When it was moved to the trash.
    public var deletedAt: Date?

    /// Makes a pipeline.
    public init(
        id: ID, workspaceID: Workspace.ID, name: String, position: Int, stages: [Stage], createdAt: Date,
        version: Int64, deletedAt: Date? = nil
    ) {
        self.id = id
        self.workspaceID = workspaceID
        self.name = name
        self.position = position
        self.stages = stages
        self.createdAt = createdAt
        self.version = version
        self.deletedAt = deletedAt
    }

    /// The first open stage, where new deals start.
    public var firstOpenStage: Stage? { stages.first { $0.kind == .open } }

    /// The stage with this id, if it belongs to this pipeline.
    public func stage(_ id: Stage.ID) -> Stage? { stages.first { $0.id == id } }
}

/// A column of the kanban board.
public struct Stage: Hashable, Sendable, Codable {
    /// The stage id.
    public typealias ID = Identifier<Stage>
    /// Its id.
    public var id: ID
    /// Its name.
    public var name: String
    /// Whether deals here are still open, won or lost.
    public var kind: StageKind
    /// Default win probability of deals here, 0...100.
    public var probability: Int
    /// Days a deal may stay here before it is "hanging" (nil: no norm).
    public var rottingDays: Int?

    /// Makes a stage.
    public init(id: ID, name: String, kind: StageKind, probability: Int, rottingDays: Int? = nil) {
        self.id = id
        self.name = name
        self.kind = kind
        self.probability = probability
        self.rottingDays = rottingDays
    }
}

/// Whether a stage holds open, won or lost deals.
public enum StageKind: String, Sendable, Codable, CaseIterable, Hashable {
    case open
    case won
    case lost

    /// The deal status a deal has in a stage of this kind.
    public var dealStatus: DealStatus {
        switch self {
        case .open: .open
        case .won: .won
        case .lost: .lost
        }
    }
}

/// A stage as a client submits it when defining a pipeline; an id keeps an existing stage.
public struct StageInput: Hashable, Sendable {
    public var id: Stage.ID?
    public var name: String
    public var kind: StageKind
    public var probability: Int?
    public var rottingDays: Int?
    /// Makes a stage input.
    public init(id: Stage.ID? = nil, name: String, kind: StageKind, probability: Int? = nil, rottingDays: Int? = nil) {
        self.id = id
        self.name = name
        self.kind = kind
        self.probability = probability
        self.rottingDays = rottingDays
    }
}

extension Pipeline {
    /// Checks a pipeline definition and builds its stages. A pipeline needs at least one open stage, and
    /// exactly one won and one lost stage, so every deal can be closed either way. Existing stage ids that
    /// are dropped must hold no deals (checked by the store, which knows the counts).
    public static func makeStages(
        _ inputs: [StageInput], existing: [Stage], newID: () -> Stage.ID
    ) -> (stages: [Stage], issues: [FieldIssue]) {
        var issues = FieldIssues()
        var stages: [Stage] = []
        for (index, input) in inputs.enumerated() {
            let name = input.name.trimmed
            if name.isEmpty { issues.add("stages[\(index)].name", .required) }
            issues.limit(name, "stages[\(index)].name", to: 100)
            let defaultProbability = input.kind == .won ? 100 : input.kind == .lost ? 0 : 10
            let probability = input.probability ?? defaultProbability
            if !(0...100).contains(probability) {
                issues.add("stages[\(index)].probability", .outOfRange, ["min": "0", "max": "100"])
            }
            if let days = input.rottingDays, !(1...3650).contains(days) {
                issues.add("stages[\(index)].rottingDays", .outOfRange, ["min": "1", "max": "3650"])
            }
            var id = newID()
            if let existingID = input.id {
                if stages.contains(where: { $0.id == existingID }) {
                    issues.add("stages[\(index)].id", .duplicate)
                } else if existing.contains(where: { $0.id == existingID }) {
                    id = existingID
                } else {
                    issues.add("stages[\(index)].id", .unknownReference)
                }
            }
            stages.append(Stage(id: id, name: name, kind: input.kind, probability: probability, rottingDays: input.rottingDays))
        }
        if !stages.contains(where: { $0.kind == .open }) { issues.add("stages", .required, ["kind": "open"]) }
        if stages.filter({ $0.kind == .won }).count != 1 { issues.add("stages", .outOfRange, ["kind": "won"]) }
        if stages.filter({ $0.kind == .lost }).count != 1 { issues.add("stages", .outOfRange, ["kind": "lost"]) }
        if stages.count > 30 { issues.add("stages", .outOfRange, ["max": "30"]) }
        return (stages, issues.all)
    }

    /// The stages a new workspace starts with, named in its language.
    public static func defaultStages(locale: AppLocale, newID: () -> Stage.ID) -> [Stage] {
        let names: [(String, String, StageKind, Int)] = [
            ("Новая заявка", "New lead", .open, 10),
            ("Квалификация", "Qualified", .open, 25),
            ("Коммерческое предложение", "Proposal", .open, 50),
            ("Переговоры", "Negotiation", .open, 75),
            ("Успешно", "Won", .won, 100),
            ("Проиграно", "Lost", .lost, 0),
        ]
        return names.map { ru, en, kind, probability in
            Stage(id: newID(), name: locale == .ru ? ru : en, kind: kind, probability: probability, rottingDays: kind == .open ? 14 : nil)
        }
    }
}
