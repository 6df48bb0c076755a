public import Foundation

/// The result of moving a deal: the deal as it is now, and the stage-history change to record.
public struct DealMove: Hashable, Sendable {
    /// The deal after the move.
    public var deal: Deal
    /// Whether the stage actually changed (moving to the same stage records nothing).
    public var stageChanged: Bool
    /// The stage the deal left.
    public var fromStageID: Stage.ID
}

/// Rules of the deal lifecycle: stages, status, probability, closing.
public enum DealRules {
    /// Moves a deal to a stage of its pipeline (or of another pipeline, given as `pipeline`). Entering a
    /// lost stage requires a reason; entering won or lost sets the close time; re-opening clears it.
    public static func move(
        _ deal: Deal, to stageID: Stage.ID, in pipeline: Pipeline, lostReason: String?, now: Date
    ) throws(ValidationError) -> DealMove {
        guard let stage = pipeline.stage(stageID) else {
            throw ValidationError("stageId", .notInPipeline)
        }
        var next = deal
        let changed = deal.stageID != stageID || deal.pipelineID != pipeline.id
        next.pipelineID = pipeline.id
        next.stageID = stage.id
        next.status = stage.kind.dealStatus
        // A hand-set probability survives moves between open stages; closing makes it 100 or 0.
        if stage.kind != .open { next.probabilityIsManual = false }
        if !next.probabilityIsManual { next.probability = stage.probability }
        switch stage.kind {
        case .lost:
            guard let reason = (lostReason ?? deal.lostReason).trimmedOrNil else {
                throw ValidationError("lostReason", .reasonRequired)
            }
            if reason.count > 500 { throw ValidationError("lostReason", .tooLong, ["max": "500"]) }
            next.lostReason = reason
            if deal.status != .lost || changed { next.closedAt = now }
        case .won:
            next.lostReason = nil
            if deal.status != .won || changed { next.closedAt = now }
        case .open:
            next.lostReason = nil
            next.closedAt = nil
        }
        if changed { next.stageEnteredAt = now }
        return DealMove(deal: next, stageChanged: changed, fromStageID: deal.stageID)
    }

    /// Applies a client's input to a deal (not its stage: see ``move(_:to:in:lostReason:now:)``).
    public static func apply(
        _ input: DealInput, to deal: Deal, context: RecordContext
    ) throws(ValidationError) -> Deal {
        var next = deal
        var issues = FieldIssues()
        if let title = input.title { next.title = title.trimmed }
        if let amount = input.amount {
            if amount.amount < 0 { issues.add("amount.amount", .outOfRange, ["min": "0"]) }
            next.amount = amount
        }
        switch input.probability {
        case .set(let value):
            if (0...100).contains(value) {
                next.probability = value
                next.probabilityIsManual = true
            } else {
                issues.add("probability", .outOfRange, ["min": "0", "max": "100"])
            }
        case .clear:
            next.probabilityIsManual = false
        case nil:
            break
        }
        next.expectedCloseDate.apply(input.expectedCloseDate)
        next.ownerID.apply(input.ownerID)
        if let contacts = input.contactIDs {
            var unique: [Contact.ID] = []
            for id in contacts where !unique.contains(id) { unique.append(id) }
            next.contactIDs = unique
            if unique.count > 100 { issues.add("contactIds", .outOfRange, ["max": "100"]) }
        }
        next.companyID.apply(input.companyID)
        if let reason = input.lostReason { next.lostReason = trimmed(reason).value }
        if let source = input.source {
            let (normalized, sourceIssues) = source.normalized()
            next.source = normalized
            issues.add(contentsOf: sourceIssues)
        }
        if let tags = input.tags {
            let (names, tagIssues) = TagNames.normalize(tags)
            next.tags = names
            issues.add(contentsOf: tagIssues)
        }
        if let values = input.customFields {
            let (merged, fieldIssues) = CustomFieldRules.merge(values, into: next.customFields, definitions: context.customFields)
            next.customFields = merged
            issues.add(contentsOf: fieldIssues)
        }
        issues.require(next.title, "title")
        issues.limit(next.title, "title", to: 300)
        if next.status == .lost, next.lostReason == nil { issues.add("lostReason", .reasonRequired) }
        issues.limit(next.lostReason, "lostReason", to: 500)
        issues.add(contentsOf: CustomFieldRules.missingRequired(next.customFields, definitions: context.customFields))
        try issues.throwIfAny()
        return next
    }

    /// Probability-weighted amount, the deal's contribution to a forecast.
    public static func weightedAmount(_ deal: Deal) -> Money {
        deal.amount.percentage(deal.status == .won ? 100 : deal.status == .lost ? 0 : deal.probability)
    }
}

extension Deal {
    /// The fields the audit log compares.
    public var auditSnapshot: [String: JSONValue] {
        var snapshot: [String: JSONValue] = [
            "title": .string(title), "amount": .int(amount.amount), "currency": .string(amount.currency.rawValue),
            "pipelineId": .string(pipelineID.rawValue), "stageId": .string(stageID.rawValue),
            "status": .string(status.rawValue), "probability": .int(Int64(probability)),
            "expectedCloseDate": JSONValue(expectedCloseDate?.description), "ownerId": JSONValue(ownerID?.rawValue),
            "contactIds": .array(contactIDs.map { .string($0.rawValue) }),
            "companyId": JSONValue(companyID?.rawValue), "lostReason": JSONValue(lostReason),
            "tags": .array(tags.map(JSONValue.string)),
        ]
        for (key, value) in customFields { snapshot["customFields.\(key)"] = value }
        return snapshot
    }
}
