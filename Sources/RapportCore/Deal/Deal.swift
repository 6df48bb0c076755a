public import Foundation

/// A sale in progress: an amount moving through a pipeline's stages towards won or lost.
public struct Deal: Hashable, Sendable {
    /// The deal id.
    public typealias ID = Identifier<Deal>
    /// Its id.
    public var id: ID
    /// Its workspace.
    public var workspaceID: Workspace.ID
    /// What is being sold.
    public var title: String
    /// The expected amount.
    public var amount: Money
    /// The pipeline.
    public var pipelineID: Pipeline.ID
    /// The current stage (always in ``pipelineID``).
    public var stageID: Stage.ID
    /// Open, won or lost: follows the stage's kind.
    public var status: DealStatus
    /// Chance to win, 0...100: the stage default unless set by hand.
    public var probability: Int
    /// Whether ``probability`` was set by hand (then stage moves keep it).
    public var probabilityIsManual: Bool
    /// When the deal is expected to close.
    public var expectedCloseDate: LocalDate?
    /// The responsible user.
    public var ownerID: User.ID?
    /// People involved.
    public var contactIDs: [Contact.ID]
    /// The client company.
    public var companyID: Company.ID?
    /// Why it was lost (required when it is).
    public var lostReason: String?
    /// When it was won or lost.
    public var closedAt: Date?
    /// When it entered the current stage.
    public var stageEnteredAt: Date
    /// Where it came from.
    public var source: LeadSource
    /// Tag names.
    public var tags: [String]
    /// Custom field values.
    public var customFields: [String: JSONValue]
    /// Creation time.
    public var createdAt: Date
    /// Last change time.
    public var updatedAt: Date
    /// Who created it.
    public var createdBy: User.ID?
    /// Optimistic-locking version.
    public var version: Int64
    /// When it was moved to the trash.
    public var deletedAt: Date?

    /// A new deal at a pipeline's first open stage.
    public init(
        id: ID, workspaceID: Workspace.ID, pipeline: Pipeline, currency: CurrencyCode, now: Date, createdBy: User.ID?
    ) {
        let stage = pipeline.firstOpenStage ?? pipeline.stages[0]
        self.id = id
        self.workspaceID = workspaceID
        self.title = ""
        self.amount = .zero(currency)
        self.pipelineID = pipeline.id
        self.stageID = stage.id
        self.status = stage.kind.dealStatus
        self.probability = stage.probability
        self.probabilityIsManual = false
        self.contactIDs = []
        self.stageEnteredAt = now
        self.source = LeadSource()
        self.tags = []
        self.customFields = [:]
        self.createdAt = now
        self.updatedAt = now
        self.createdBy = createdBy
        self.ownerID = createdBy
        self.version = 1
    }
}

/// Whether a deal is still being worked on.
public enum DealStatus: String, Sendable, Codable, CaseIterable, Hashable {
    case open
    case won
    case lost
}

/// The deals of one stage: how many and their sum per currency.
public struct StageSummary: Hashable, Sendable {
    /// The stage.
    public var stageID: Stage.ID
    /// How many deals.
    public var count: Int
    /// Their amounts added up, one sum per currency.
    public var totals: [Money]

    /// Makes a summary.
    public init(stageID: Stage.ID, count: Int, totals: [Money]) {
        self.stageID = stageID
        self.count = count
        self.totals = totals
    }
}

/// One stay of a deal in one stage: the exact time in stage is `leftAt - enteredAt`.
public struct StageVisit: Hashable, Sendable {
    /// The visit id.
    public typealias ID = Identifier<StageVisit>
    /// Its id.
    public var id: ID
    /// Its workspace.
    public var workspaceID: Workspace.ID
    /// The deal.
    public var dealID: Deal.ID
    /// The pipeline the stage belongs to.
    public var pipelineID: Pipeline.ID
    /// The stage.
    public var stageID: Stage.ID
    /// When the deal entered the stage.
    public var enteredAt: Date
    /// When it left; nil while it is still there.
    public var leftAt: Date?
    /// Who moved it in.
    public var movedBy: User.ID?

    /// Makes a visit.
    public init(
        id: ID, workspaceID: Workspace.ID, dealID: Deal.ID, pipelineID: Pipeline.ID, stageID: Stage.ID, enteredAt: Date,
        leftAt: Date?, movedBy: User.ID?
    ) {
        self.id = id
        self.workspaceID = workspaceID
        self.dealID = dealID
        self.pipelineID = pipelineID
        self.stageID = stageID
        self.enteredAt = enteredAt
        self.leftAt = leftAt
        self.movedBy = movedBy
    }
}

/// The fields a client may set on a deal. Stage changes go through ``DealRules/move(_:to:in:lostReason:now:)``
/// so history is always recorded; a stage in the input of a create chooses the starting stage.
public struct DealInput: Sendable, Hashable {
    public var title: String?
    public var amount: Money?
    public var pipelineID: Pipeline.ID?
    public var stageID: Stage.ID?
    public var probability: Edit<Int>?
    public var expectedCloseDate: Edit<LocalDate>?
    public var ownerID: Edit<User.ID>?
    public var contactIDs: [Contact.ID]?
    public var companyID: Edit<Company.ID>?
    public var lostReason: Edit<String>?
    public var source: LeadSource?
    public var tags: [String]?
    public var customFields: [String: JSONValue]?
    /// An empty input.
    public init() {}
}

extension Deal {
    /// Rebuilds a stored deal, field by field (used by the store when loading rows).
    public init(
        stored id: ID, workspaceID: Workspace.ID, title: String, amount: Money, pipelineID: Pipeline.ID, stageID: Stage.ID,
        status: DealStatus, probability: Int, probabilityIsManual: Bool, expectedCloseDate: LocalDate?, ownerID: User.ID?,
        contactIDs: [Contact.ID], companyID: Company.ID?, lostReason: String?, closedAt: Date?, stageEnteredAt: Date,
        source: LeadSource, tags: [String], customFields: [String: JSONValue], createdAt: Date, updatedAt: Date,
        createdBy: User.ID?, version: Int64, deletedAt: Date?
    ) {
        self.id = id
        self.workspaceID = workspaceID
        self.title = title
        self.amount = amount
        self.pipelineID = pipelineID
        self.stageID = stageID
        self.status = status
        self.probability = probability
        self.probabilityIsManual = probabilityIsManual
        self.expectedCloseDate = expectedCloseDate
        self.ownerID = ownerID
        self.contactIDs = contactIDs
        self.companyID = companyID
        self.lostReason = lostReason
        self.closedAt = closedAt
        self.stageEnteredAt = stageEnteredAt
        self.source = source
        self.tags = tags
        self.customFields = customFields
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.createdBy = createdBy
        self.version = version
        self.deletedAt = deletedAt
    }
}
