import Foundation
import RapportCore
import Testing

@Suite("Deal rules: moves, input, forecast, pipelines")
struct DealRulesTests {
    static let now = CoreFixture.now
    static let later = now.addingTimeInterval(3_600)
    static let newLead = Stage(id: Stage.ID("st-new"), name: "New", kind: .open, probability: 10)
    static let proposal = Stage(id: Stage.ID("st-proposal"), name: "Proposal", kind: .open, probability: 50)
    static let won = Stage(id: Stage.ID("st-won"), name: "Won", kind: .won, probability: 100)
    static let lost = Stage(id: Stage.ID("st-lost"), name: "Lost", kind: .lost, probability: 0)
    static let sales = Pipeline(
        id: Pipeline.ID("pl-sales"), workspaceID: CoreFixture.workspace, name: "Sales", position: 0,
        stages: [newLead, proposal, won, lost], createdAt: now, version: 1)
    static let tenderStart = Stage(id: Stage.ID("st-tender"), name: "Tender", kind: .open, probability: 30)
    static let tenders = Pipeline(
        id: Pipeline.ID("pl-tenders"), workspaceID: CoreFixture.workspace, name: "Tenders", position: 1,
        stages: [tenderStart, won, lost], createdAt: now, version: 1)

    /// A fresh 100 000,00 ₽ deal in the first stage of the sales pipeline.
    static func deal() -> Deal {
        var deal = Deal(
            id: Deal.ID("deal-1"), workspaceID: CoreFixture.workspace, pipeline: sales, currency: .rub, now: now,
            createdBy: CoreFixture.author)
        deal.title = "Поставка оборудования"
        deal.amount = Money(amount: 10_000_000, currency: .rub)
        return deal
    }

    static func move(
        _ deal: Deal, to stage: Stage, in pipeline: Pipeline = sales, reason: String? = nil, at time: Date = later
    ) throws(ValidationError) -> DealMove {
        try DealRules.move(deal, to: stage.id, in: pipeline, lostReason: reason, now: time)
    }

    // MARK: - A new deal

    @Test("A new deal starts open in the pipeline's first open stage, owned by its creator")
    func newDeal() {
        let closedFirst = Pipeline(
            id: Pipeline.ID("pl-x"), workspaceID: CoreFixture.workspace, name: "X", position: 0,
            stages: [Self.won, Self.lost, Self.proposal], createdAt: Self.now, version: 1)
        let deal = Deal(
            id: Deal.ID("d"), workspaceID: CoreFixture.workspace, pipeline: closedFirst, currency: .usd, now: Self.now,
            createdBy: CoreFixture.author)
        #expect(deal.stageID == Self.proposal.id)
        #expect(deal.status == .open)
        #expect(deal.probability == 50)
        #expect(!deal.probabilityIsManual)
        #expect(deal.amount == .zero(.usd))
        #expect(deal.ownerID == CoreFixture.author)
        #expect(deal.stageEnteredAt == Self.now)
        #expect(deal.closedAt == nil)
        #expect(deal.version == 1)
    }

    // MARK: - move

    @Test("Moving between open stages records a change and the time of entry")
    func moveBetweenOpenStages() throws {
        let result = try Self.move(Self.deal(), to: Self.proposal)
        #expect(result.stageChanged)
        #expect(result.fromStageID == Self.newLead.id)
        #expect(result.deal.stageID == Self.proposal.id)
        #expect(result.deal.stageEnteredAt == Self.later)
        #expect(result.deal.status == .open)
        #expect(result.deal.probability == 50)
        #expect(result.deal.closedAt == nil)
    }

    @Test("Moving to the stage the deal is in changes nothing")
    func moveToSameStage() throws {
        let deal = Self.deal()
        let result = try Self.move(deal, to: Self.newLead)
        #expect(!result.stageChanged)
        #expect(result.fromStageID == Self.newLead.id)
        #expect(result.deal == deal)
        #expect(result.deal.stageEnteredAt == Self.now)
    }

    @Test("Losing a deal without a reason is refused", arguments: [nil, "", "   \n"] as [String?])
    func lostWithoutReason(_ reason: String?) {
        let issues = CoreFixture.issues { () throws(ValidationError) in try Self.move(Self.deal(), to: Self.lost, reason: reason) }
        #expect(issues == [FieldIssue("lostReason", .reasonRequired)])
    }

    @Test("Losing a deal with a reason closes it")
    func lostWithReason() throws {
        let result = try Self.move(Self.deal(), to: Self.lost, reason: "  Дорого  ")
        #expect(result.stageChanged)
        #expect(result.deal.status == .lost)
        #expect(result.deal.lostReason == "Дорого")
        #expect(result.deal.closedAt == Self.later)
        #expect(result.deal.probability == 0)
        #expect(result.deal.stageEnteredAt == Self.later)
    }

    @Test("A lost reason longer than 500 characters is refused; 500 is fine")
    func lostReasonLength() throws {
        let long = String(repeating: "я", count: 501)
        let issues = CoreFixture.issues { () throws(ValidationError) in try Self.move(Self.deal(), to: Self.lost, reason: long) }
        #expect(issues == [FieldIssue("lostReason", .tooLong, ["max": "500"])])
        let fine = String(repeating: "я", count: 500)
        #expect(try Self.move(Self.deal(), to: Self.lost, reason: fine).deal.lostReason == fine)
    }

    @Test("Re-entering the lost stage keeps the earlier reason and close time")
    func lostAgain() throws {
        let lost = try Self.move(Self.deal(), to: Self.lost, reason: "Ушли к конкуренту").deal
        let again = try Self.move(lost, to: Self.lost, at: Self.later.addingTimeInterval(60))
        #expect(!again.stageChanged)
        #expect(again.deal.lostReason == "Ушли к конкуренту")
        #expect(again.deal.closedAt == Self.later)
        // A new reason replaces the old one without reopening.
        let reworded = try Self.move(lost, to: Self.lost, reason: "Бюджет", at: Self.later.addingTimeInterval(60))
        #expect(reworded.deal.lostReason == "Бюджет")
        #expect(reworded.deal.closedAt == Self.later)
    }

    @Test("Winning a deal clears the lost reason and sets the close time")
    func wonClearsLostReason() throws {
        let lost = try Self.move(Self.deal(), to: Self.lost, reason: "Дорого").deal
        let winTime = Self.later.addingTimeInterval(86_400)
        let result = try Self.move(lost, to: Self.won, at: winTime)
        #expect(result.stageChanged)
        #expect(result.fromStageID == Self.lost.id)
        #expect(result.deal.status == .won)
        #expect(result.deal.lostReason == nil)
        #expect(result.deal.closedAt == winTime)
        #expect(result.deal.probability == 100)
    }

    @Test("Moving a won deal to the won stage again keeps its close time")
    func wonAgain() throws {
        let won = try Self.move(Self.deal(), to: Self.won).deal
        let again = try Self.move(won, to: Self.won, at: Self.later.addingTimeInterval(600))
        #expect(!again.stageChanged)
        #expect(again.deal.closedAt == Self.later)
    }

    @Test("Reopening a closed deal clears the close time and the lost reason")
    func reopen() throws {
        let lost = try Self.move(Self.deal(), to: Self.lost, reason: "Дорого").deal
        let reopened = try Self.move(lost, to: Self.proposal, at: Self.later.addingTimeInterval(60))
        #expect(reopened.deal.status == .open)
        #expect(reopened.deal.closedAt == nil)
        #expect(reopened.deal.lostReason == nil)
        #expect(reopened.deal.probability == 50)
        #expect(reopened.deal.stageEnteredAt == Self.later.addingTimeInterval(60))

        let won = try Self.move(Self.deal(), to: Self.won).deal
        #expect(try Self.move(won, to: Self.newLead).deal.closedAt == nil)
    }

    @Test("A hand-set probability survives open-stage moves and is reset by closing")
    func manualProbability() throws {
        var input = DealInput()
        input.probability = .set(33)
        let manual = try DealRules.apply(input, to: Self.deal(), context: CoreFixture.context())
        #expect(manual.probability == 33)
        #expect(manual.probabilityIsManual)

        let moved = try Self.move(manual, to: Self.proposal).deal
        #expect(moved.probability == 33)
        #expect(moved.probabilityIsManual)

        let won = try Self.move(moved, to: Self.won).deal
        #expect(won.probability == 100)
        #expect(!won.probabilityIsManual)

        let reopened = try Self.move(won, to: Self.newLead).deal
        #expect(reopened.probability == 10)

        let lost = try Self.move(moved, to: Self.lost, reason: "Нет бюджета").deal
        #expect(lost.probability == 0)
        #expect(!lost.probabilityIsManual)
    }

    @Test("Clearing the hand-set probability lets the next move take the stage's")
    func clearManualProbability() throws {
        var input = DealInput()
        input.probability = .set(80)
        let manual = try DealRules.apply(input, to: Self.deal(), context: CoreFixture.context())
        input.probability = .clear
        let cleared = try DealRules.apply(input, to: manual, context: CoreFixture.context())
        #expect(!cleared.probabilityIsManual)
        #expect(try Self.move(cleared, to: Self.proposal).deal.probability == 50)
    }

    @Test("A stage outside the pipeline is refused on stageId")
    func stageNotInPipeline() {
        let issues = CoreFixture.issues { () throws(ValidationError) in
            try Self.move(Self.deal(), to: Self.tenderStart, in: Self.sales)
        }
        #expect(issues == [FieldIssue("stageId", .notInPipeline)])
        let unknown = CoreFixture.issues { () throws(ValidationError) in
            try DealRules.move(Self.deal(), to: Stage.ID("nope"), in: Self.sales, lostReason: nil, now: Self.later)
        }
        #expect(unknown == [FieldIssue("stageId", .notInPipeline)])
    }

    @Test("Moving to another pipeline changes the pipeline and counts as a change")
    func moveToAnotherPipeline() throws {
        let won = try Self.move(Self.deal(), to: Self.won).deal
        // The same won stage shared by both pipelines: a change, because the pipeline differs.
        let result = try Self.move(won, to: Self.won, in: Self.tenders, at: Self.later.addingTimeInterval(60))
        #expect(result.stageChanged)
        #expect(result.deal.pipelineID == Self.tenders.id)
        #expect(result.deal.stageEnteredAt == Self.later.addingTimeInterval(60))

        let open = try Self.move(Self.deal(), to: Self.tenderStart, in: Self.tenders)
        #expect(open.stageChanged)
        #expect(open.deal.pipelineID == Self.tenders.id)
        #expect(open.deal.stageID == Self.tenderStart.id)
        #expect(open.deal.probability == 30)
    }

    // MARK: - apply

    @Test("A title is required and trimmed", arguments: [nil, "", "   "] as [String?])
    func titleRequired(_ title: String?) {
        var blank = Self.deal()
        blank.title = ""
        var input = DealInput()
        input.title = title
        let issues = CoreFixture.issues { () throws(ValidationError) in
            try DealRules.apply(input, to: blank, context: CoreFixture.context())
        }
        #expect(issues == [FieldIssue("title", .required)])
    }

    @Test("Title trimming and length")
    func titleTrimAndLength() throws {
        var input = DealInput()
        input.title = "  Лицензии  "
        #expect(try DealRules.apply(input, to: Self.deal(), context: CoreFixture.context()).title == "Лицензии")
        input.title = String(repeating: "x", count: 301)
        let issues = CoreFixture.issues { () throws(ValidationError) in
            try DealRules.apply(input, to: Self.deal(), context: CoreFixture.context())
        }
        #expect(issues == [FieldIssue("title", .tooLong, ["max": "300"])])
        input.title = String(repeating: "x", count: 300)
        #expect(throws: Never.self) { try DealRules.apply(input, to: Self.deal(), context: CoreFixture.context()) }
    }

    @Test("A negative amount is refused; zero is fine")
    func negativeAmount() throws {
        var input = DealInput()
        input.amount = Money(amount: -1, currency: .rub)
        let issues = CoreFixture.issues { () throws(ValidationError) in
            try DealRules.apply(input, to: Self.deal(), context: CoreFixture.context())
        }
        #expect(issues == [FieldIssue("amount.amount", .outOfRange, ["min": "0"])])
        input.amount = .zero(.eur)
        #expect(try DealRules.apply(input, to: Self.deal(), context: CoreFixture.context()).amount == .zero(.eur))
    }

    @Test("Probability must be 0...100", arguments: [-1, 101, 1_000, Int.min])
    func probabilityOutOfRange(_ value: Int) {
        var input = DealInput()
        input.probability = .set(value)
        let issues = CoreFixture.issues { () throws(ValidationError) in
            try DealRules.apply(input, to: Self.deal(), context: CoreFixture.context())
        }
        #expect(issues == [FieldIssue("probability", .outOfRange, ["min": "0", "max": "100"])])
    }

    @Test("Probability bounds are accepted and become manual", arguments: [0, 100])
    func probabilityBounds(_ value: Int) throws {
        var input = DealInput()
        input.probability = .set(value)
        let deal = try DealRules.apply(input, to: Self.deal(), context: CoreFixture.context())
        #expect(deal.probability == value)
        #expect(deal.probabilityIsManual)
    }

    @Test("apply never moves the deal, even when the input names a stage")
    func applyIgnoresStage() throws {
        var input = DealInput()
        input.stageID = Self.won.id
        input.pipelineID = Self.tenders.id
        let deal = try DealRules.apply(input, to: Self.deal(), context: CoreFixture.context())
        #expect(deal.stageID == Self.newLead.id)
        #expect(deal.pipelineID == Self.sales.id)
        #expect(deal.status == .open)
    }

    @Test("Optional links are set and cleared; contacts are de-duplicated in order")
    func links() throws {
        let date = try #require(LocalDate(year: 2026, month: 12, day: 25))
        var input = DealInput()
        input.expectedCloseDate = .set(date)
        input.ownerID = .set(User.ID("u2"))
        input.companyID = .set(Company.ID("co-1"))
        input.contactIDs = [Contact.ID("c2"), Contact.ID("c1"), Contact.ID("c2")]
        let deal = try DealRules.apply(input, to: Self.deal(), context: CoreFixture.context())
        #expect(deal.expectedCloseDate == date)
        #expect(deal.ownerID == User.ID("u2"))
        #expect(deal.companyID == Company.ID("co-1"))
        #expect(deal.contactIDs == [Contact.ID("c2"), Contact.ID("c1")])

        var clear = DealInput()
        clear.expectedCloseDate = .clear
        clear.ownerID = .clear
        clear.companyID = .clear
        let cleared = try DealRules.apply(clear, to: deal, context: CoreFixture.context())
        #expect(cleared.expectedCloseDate == nil)
        #expect(cleared.ownerID == nil)
        #expect(cleared.companyID == nil)
        #expect(cleared.contactIDs == deal.contactIDs)
    }

    @Test("At most 100 distinct contacts")
    func contactLimit() throws {
        var input = DealInput()
        input.contactIDs = (0..<101).map { Contact.ID("c\($0)") }
        let issues = CoreFixture.issues { () throws(ValidationError) in
            try DealRules.apply(input, to: Self.deal(), context: CoreFixture.context())
        }
        #expect(issues == [FieldIssue("contactIds", .outOfRange, ["max": "100"])])
        // Duplicates do not count.
        input.contactIDs = (0..<100).map { Contact.ID("c\($0)") } + [Contact.ID("c0")]
        #expect(try DealRules.apply(input, to: Self.deal(), context: CoreFixture.context()).contactIDs.count == 100)
    }

    @Test("A lost deal must keep its reason")
    func lostDealKeepsReason() throws {
        let lost = try Self.move(Self.deal(), to: Self.lost, reason: "Дорого").deal
        for edit in [Edit<String>.clear, .set("   ")] {
            var input = DealInput()
            input.lostReason = edit
            let issues = CoreFixture.issues { () throws(ValidationError) in
                try DealRules.apply(input, to: lost, context: CoreFixture.context())
            }
            #expect(issues == [FieldIssue("lostReason", .reasonRequired)])
        }
        var input = DealInput()
        input.lostReason = .set("  Сроки  ")
        #expect(try DealRules.apply(input, to: lost, context: CoreFixture.context()).lostReason == "Сроки")
        input.lostReason = .set(String(repeating: "a", count: 501))
        let issues = CoreFixture.issues { () throws(ValidationError) in
            try DealRules.apply(input, to: lost, context: CoreFixture.context())
        }
        #expect(issues == [FieldIssue("lostReason", .tooLong, ["max": "500"])])
    }

    @Test("Tags and source are normalized")
    func tagsAndSource() throws {
        var input = DealInput()
        input.tags = [" VIP ", "vip", "", "Тендер"]
        input.source = LeadSource(source: "  call  ", utmSource: "   ")
        let deal = try DealRules.apply(input, to: Self.deal(), context: CoreFixture.context())
        #expect(deal.tags == ["VIP", "Тендер"])
        #expect(deal.source == LeadSource(source: "call"))
    }

    @Test("Custom fields: merged, unknown refused, required enforced")
    func customFields() throws {
        let budget = CoreFixture.field("budget", .number, entity: .deal)
        let segment = CoreFixture.field("segment", .select, options: ["smb", "enterprise"], required: true, entity: .deal)
        let context = CoreFixture.context([budget, segment])
        var deal = Self.deal()
        deal.customFields = ["segment": "smb"]

        var input = DealInput()
        input.customFields = ["budget": "1500"]
        let merged = try DealRules.apply(input, to: deal, context: context)
        #expect(merged.customFields == ["segment": "smb", "budget": 1500])

        input.customFields = ["nope": "x"]
        #expect(
            CoreFixture.issues { () throws(ValidationError) in try DealRules.apply(input, to: deal, context: context) }
                == [FieldIssue("customFields.nope", .unknownField)])

        input.customFields = ["segment": nil]
        #expect(
            CoreFixture.issues { () throws(ValidationError) in try DealRules.apply(input, to: deal, context: context) }
                == [FieldIssue("customFields.segment", .required)])

        // A required field missing on a deal that never had it is reported even without custom field input.
        #expect(
            CoreFixture.issues { () throws(ValidationError) in
                try DealRules.apply(DealInput(), to: Self.deal(), context: context)
            } == [FieldIssue("customFields.segment", .required)])
    }

    @Test("Every problem is reported at once")
    func everyIssueAtOnce() {
        var input = DealInput()
        input.title = " "
        input.amount = Money(amount: -5, currency: .rub)
        input.probability = .set(150)
        input.tags = [String(repeating: "t", count: 61)]
        input.customFields = ["ghost": 1]
        let issues = CoreFixture.issues { () throws(ValidationError) in
            try DealRules.apply(input, to: Self.deal(), context: CoreFixture.context())
        }
        #expect(
            Set(CoreFixture.pairs(issues)) == [
                .init("title", .required), .init("amount.amount", .outOfRange), .init("probability", .outOfRange),
                .init("tags[0]", .tooLong), .init("customFields.ghost", .unknownField),
            ])
        #expect(issues?.count == 5)
    }

    // MARK: - Forecast

    @Test(
        "Weighted amount: open deals by probability, won in full, lost as zero",
        arguments: [
            (DealStatus.open, 25, Int64(2_500_000)),
            (.open, 0, 0),
            (.open, 100, 10_000_000),
            (.won, 10, 10_000_000),
            (.lost, 90, 0),
        ])
    func weightedAmount(_ status: DealStatus, _ probability: Int, _ expected: Int64) {
        var deal = Self.deal()
        deal.status = status
        deal.probability = probability
        #expect(DealRules.weightedAmount(deal) == Money(amount: expected, currency: .rub))
    }

    @Test("Weighted amount rounds half away from zero")
    func weightedRounding() {
        var deal = Self.deal()
        deal.amount = Money(amount: 333, currency: .usd)
        deal.probability = 50
        #expect(DealRules.weightedAmount(deal) == Money(amount: 167, currency: .usd))
    }

    // MARK: - Audit

    @Test("Audit snapshot names every compared field, custom fields prefixed")
    func auditSnapshot() {
        var deal = Self.deal()
        deal.customFields = ["budget": 10]
        deal.contactIDs = [Contact.ID("c1")]
        let snapshot = deal.auditSnapshot
        #expect(
            Set(snapshot.keys) == [
                "title", "amount", "currency", "pipelineId", "stageId", "status", "probability", "expectedCloseDate",
                "ownerId", "contactIds", "companyId", "lostReason", "tags", "customFields.budget",
            ])
        #expect(snapshot["amount"] == .int(10_000_000))
        #expect(snapshot["currency"] == "RUB")
        #expect(snapshot["stageId"] == "st-new")
        #expect(snapshot["status"] == "open")
        #expect(snapshot["contactIds"] == ["c1"])
        #expect(snapshot["companyId"] == .null)
        #expect(snapshot["customFields.budget"] == 10)
    }

    // MARK: - Pipeline.makeStages

    /// A counter-based id source: `new-1`, `new-2`, …
    final class IDSource {
        var count = 0
        func next() -> Stage.ID {
            count += 1
            return Stage.ID("new-\(count)")
        }
    }

    static func make(_ inputs: [StageInput], existing: [Stage] = []) -> (stages: [Stage], issues: [FieldIssue]) {
        let ids = IDSource()
        return Pipeline.makeStages(inputs, existing: existing, newID: ids.next)
    }

    static let validInputs = [
        StageInput(name: "  Новая  ", kind: .open),
        StageInput(name: "Счёт", kind: .open, probability: 70, rottingDays: 7),
        StageInput(name: "Успех", kind: .won),
        StageInput(name: "Отказ", kind: .lost),
    ]

    @Test("A valid definition builds stages with default probabilities and new ids")
    func makeStagesValid() {
        let (stages, issues) = Self.make(Self.validInputs)
        #expect(issues.isEmpty)
        #expect(stages.map(\.name) == ["Новая", "Счёт", "Успех", "Отказ"])
        #expect(stages.map(\.kind) == [.open, .open, .won, .lost])
        #expect(stages.map(\.probability) == [10, 70, 100, 0])
        #expect(stages.map(\.rottingDays) == [nil, 7, nil, nil])
        #expect(stages.map(\.id) == ["new-1", "new-2", "new-3", "new-4"].map { Stage.ID($0) })
    }

    @Test("An existing stage keeps its id; an unknown id is refused")
    func makeStagesExistingIDs() {
        var inputs = Self.validInputs
        inputs[0].id = Self.newLead.id
        let (stages, issues) = Self.make(inputs, existing: [Self.newLead, Self.proposal])
        #expect(issues.isEmpty)
        #expect(stages[0].id == Self.newLead.id)
        #expect(Set(stages.map(\.id)).count == 4)

        inputs[1].id = Stage.ID("st-elsewhere")
        let refused = Self.make(inputs, existing: [Self.newLead])
        #expect(refused.issues == [FieldIssue("stages[1].id", .unknownReference)])
    }

    @Test("One existing stage id cannot be given to two stages")
    func makeStagesDuplicateExistingID() {
        var inputs = Self.validInputs
        inputs[0].id = Self.newLead.id
        inputs[1].id = Self.newLead.id
        let (stages, issues) = Self.make(inputs, existing: [Self.newLead])
        do {
            #expect(!issues.isEmpty || Set(stages.map(\.id)).count == stages.count)
        }
    }

    @Test("A pipeline needs an open stage, exactly one won and exactly one lost")
    func makeStagesKinds() {
        #expect(
            Self.make([]).issues == [
                FieldIssue("stages", .required, ["kind": "open"]), FieldIssue("stages", .outOfRange, ["kind": "won"]),
                FieldIssue("stages", .outOfRange, ["kind": "lost"]),
            ])
        let noOpen = Self.make([StageInput(name: "W", kind: .won), StageInput(name: "L", kind: .lost)])
        #expect(noOpen.issues == [FieldIssue("stages", .required, ["kind": "open"])])
        let twoWon = Self.make(Self.validInputs + [StageInput(name: "W2", kind: .won)])
        #expect(twoWon.issues == [FieldIssue("stages", .outOfRange, ["kind": "won"])])
        let twoLost = Self.make(Self.validInputs + [StageInput(name: "L2", kind: .lost)])
        #expect(twoLost.issues == [FieldIssue("stages", .outOfRange, ["kind": "lost"])])
        let noLost = Self.make(Array(Self.validInputs.dropLast()))
        #expect(noLost.issues == [FieldIssue("stages", .outOfRange, ["kind": "lost"])])
    }

    @Test("Stage names are required and at most 100 characters")
    func makeStagesNames() {
        var inputs = Self.validInputs
        inputs[1].name = "   "
        inputs[2].name = String(repeating: "н", count: 101)
        #expect(
            Self.make(inputs).issues == [
                FieldIssue("stages[1].name", .required), FieldIssue("stages[2].name", .tooLong, ["max": "100"]),
            ])
        inputs[1].name = "Ok"
        inputs[2].name = String(repeating: "н", count: 100)
        #expect(Self.make(inputs).issues.isEmpty)
    }

    @Test("Stage probability must be 0...100", arguments: [-1, 101])
    func makeStagesProbability(_ probability: Int) {
        var inputs = Self.validInputs
        inputs[0].probability = probability
        #expect(Self.make(inputs).issues == [FieldIssue("stages[0].probability", .outOfRange, ["min": "0", "max": "100"])])
    }

    @Test("Rotting days must be 1...3650", arguments: [(0, false), (1, true), (3650, true), (3651, false), (-3, false)])
    func makeStagesRotting(_ days: Int, _ accepted: Bool) {
        var inputs = Self.validInputs
        inputs[0].rottingDays = days
        let issues = Self.make(inputs).issues
        #expect(issues == (accepted ? [] : [FieldIssue("stages[0].rottingDays", .outOfRange, ["min": "1", "max": "3650"])]))
    }

    @Test("At most 30 stages")
    func makeStagesLimit() {
        let open = (0..<28).map { StageInput(name: "S\($0)", kind: .open) }
        let thirty = open + [StageInput(name: "W", kind: .won), StageInput(name: "L", kind: .lost)]
        #expect(Self.make(thirty).issues.isEmpty)
        let thirtyOne = [StageInput(name: "Extra", kind: .open)] + thirty
        #expect(Self.make(thirtyOne).issues == [FieldIssue("stages", .outOfRange, ["max": "30"])])
    }

    @Test("Default stages in Russian and English", arguments: AppLocale.allCases)
    func defaultStages(_ locale: AppLocale) {
        let ids = IDSource()
        let stages = Pipeline.defaultStages(locale: locale, newID: ids.next)
        let names =
            locale == .ru
            ? ["Новая заявка", "Квалификация", "Коммерческое предложение", "Переговоры", "Успешно", "Проиграно"]
            : ["New lead", "Qualified", "Proposal", "Negotiation", "Won", "Lost"]
        #expect(stages.map(\.name) == names)
        #expect(stages.map(\.kind) == [.open, .open, .open, .open, .won, .lost])
        #expect(stages.map(\.probability) == [10, 25, 50, 75, 100, 0])
        #expect(stages.map(\.rottingDays) == [14, 14, 14, 14, nil, nil])
        #expect(Set(stages.map(\.id)).count == 6)
        // The defaults themselves pass the pipeline rules.
        let inputs = stages.map { StageInput(name: $0.name, kind: $0.kind, probability: $0.probability, rottingDays: $0.rottingDays) }
        #expect(Self.make(inputs).issues.isEmpty)
    }

    @Test("Pipeline lookups and stage kinds")
    func pipelineLookups() {
        #expect(Self.sales.firstOpenStage == Self.newLead)
        #expect(Self.sales.stage(Self.won.id) == Self.won)
        #expect(Self.sales.stage(Self.tenderStart.id) == nil)
        #expect(StageKind.allCases.map(\.dealStatus) == [.open, .won, .lost])
    }
}
