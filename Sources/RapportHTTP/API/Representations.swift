import Foundation
import RapportCore
import RapportStore

// What the API returns. These are not the domain types: renaming a field here is an API change and
// shows up in the OpenAPI document and its tests.

struct MoneyBody: Encodable, Sendable {
    var amount: Int64
    var currency: String
    init(_ money: Money) {
        amount = money.amount
        currency = money.currency.rawValue
    }
}

struct PhoneBody: Encodable, Sendable {
    var number: String
    var e164: String?
    var valid: Bool
    var kind: String
    init(_ phone: Phone) {
        number = phone.number.raw
        e164 = phone.number.e164
        valid = phone.number.isValid
        kind = phone.kind.rawValue
    }
}

struct EmailBody: Encodable, Sendable {
    var address: String
    var kind: String
    init(_ email: Email) {
        address = email.address
        kind = email.kind.rawValue
    }
}

struct ConsentBody: Encodable, Sendable {
    var granted: Bool
    var at: Date
    init?(_ consent: Consent?) {
        guard let consent else { return nil }
        granted = consent.granted
        at = consent.at
    }
}

struct SourceBody: Encodable, Sendable {
    var source: String?
    var utmSource: String?
    var utmMedium: String?
    var utmCampaign: String?
    var utmContent: String?
    var utmTerm: String?
    var referrer: String?
    var landingPage: String?
    init(_ s: LeadSource) {
        source = s.source
        utmSource = s.utmSource
        utmMedium = s.utmMedium
        utmCampaign = s.utmCampaign
        utmContent = s.utmContent
        utmTerm = s.utmTerm
        referrer = s.referrer
        landingPage = s.landingPage
    }
}

struct CompanyLinkBody: Encodable, Sendable {
    var companyId: String
    var isPrimary: Bool
}

struct ContactBody: Encodable, Sendable {
    var id: String
    var lastName: String?
    var firstName: String?
    var middleName: String?
    var displayName: String
    var phones: [PhoneBody]
    var emails: [EmailBody]
    var position: String?
    var companies: [CompanyLinkBody]
    var city: String?
    var address: String?
    var birthday: String?
    var source: SourceBody
    var ownerId: String?
    var tags: [String]
    var readiness: String?
    var lifecycle: String
    var emailConsent: ConsentBody?
    var smsConsent: ConsentBody?
    var customFields: [String: JSONValue]
    var createdAt: Date
    var updatedAt: Date
    var createdBy: String?
    var version: Int64
    var deletedAt: Date?
    var mergedInto: String?

    init(_ c: Contact) {
        id = c.id.rawValue
        lastName = c.lastName
        firstName = c.firstName
        middleName = c.middleName
        displayName = c.displayName
        phones = c.phones.map(PhoneBody.init)
        emails = c.emails.map(EmailBody.init)
        position = c.position
        companies = c.companies.map { CompanyLinkBody(companyId: $0.companyID.rawValue, isPrimary: $0.isPrimary) }
        city = c.city
        address = c.address
        birthday = c.birthday?.description
        source = SourceBody(c.source)
        ownerId = c.ownerID?.rawValue
        tags = c.tags
        readiness = c.readiness?.rawValue
        lifecycle = c.lifecycle.rawValue
        emailConsent = ConsentBody(c.emailConsent)
        smsConsent = ConsentBody(c.smsConsent)
        customFields = c.customFields
        createdAt = c.createdAt
        updatedAt = c.updatedAt
        createdBy = c.createdBy?.rawValue
        version = c.version
        deletedAt = c.deletedAt
        mergedInto = c.mergedInto?.rawValue
    }
}

struct AddressBody: Encodable, Sendable {
    var kind: String
    var text: String
}

struct CompanyBody: Encodable, Sendable {
    var id: String
    var name: String
    var inn: String?
    var kpp: String?
    var industry: String?
    var website: String?
    var phones: [PhoneBody]
    var emails: [EmailBody]
    var addresses: [AddressBody]
    var city: String?
    var source: SourceBody
    var ownerId: String?
    var tags: [String]
    var customFields: [String: JSONValue]
    var createdAt: Date
    var updatedAt: Date
    var createdBy: String?
    var version: Int64
    var deletedAt: Date?
    var mergedInto: String?

    init(_ c: Company) {
        id = c.id.rawValue
        name = c.name
        inn = c.inn
        kpp = c.kpp
        industry = c.industry
        website = c.website
        phones = c.phones.map(PhoneBody.init)
        emails = c.emails.map(EmailBody.init)
        addresses = c.addresses.map { AddressBody(kind: $0.kind.rawValue, text: $0.text) }
        city = c.city
        source = SourceBody(c.source)
        ownerId = c.ownerID?.rawValue
        tags = c.tags
        customFields = c.customFields
        createdAt = c.createdAt
        updatedAt = c.updatedAt
        createdBy = c.createdBy?.rawValue
        version = c.version
        deletedAt = c.deletedAt
        mergedInto = c.mergedInto?.rawValue
    }
}

struct DealBody: Encodable, Sendable {
    var id: String
    var title: String
    var amount: MoneyBody
    var weightedAmount: MoneyBody
    var pipelineId: String
    var stageId: String
    var status: String
    var probability: Int
    var probabilityIsManual: Bool
    var expectedCloseDate: String?
    var ownerId: String?
    var contactIds: [String]
    var companyId: String?
    var lostReason: String?
    var closedAt: Date?
    var stageEnteredAt: Date
    var source: SourceBody
    var tags: [String]
    var customFields: [String: JSONValue]
    var createdAt: Date
    var updatedAt: Date
    var createdBy: String?
    var version: Int64
    var deletedAt: Date?

    init(_ d: Deal) {
        id = d.id.rawValue
        title = d.title
        amount = MoneyBody(d.amount)
        weightedAmount = MoneyBody(DealRules.weightedAmount(d))
        pipelineId = d.pipelineID.rawValue
        stageId = d.stageID.rawValue
        status = d.status.rawValue
        probability = d.probability
        probabilityIsManual = d.probabilityIsManual
        expectedCloseDate = d.expectedCloseDate?.description
        ownerId = d.ownerID?.rawValue
        contactIds = d.contactIDs.map(\.rawValue)
        companyId = d.companyID?.rawValue
        lostReason = d.lostReason
        closedAt = d.closedAt
        stageEnteredAt = d.stageEnteredAt
        source = SourceBody(d.source)
        tags = d.tags
        customFields = d.customFields
        createdAt = d.createdAt
        updatedAt = d.updatedAt
        createdBy = d.createdBy?.rawValue
        version = d.version
        deletedAt = d.deletedAt
    }
}

struct StageBody: Encodable, Sendable {
    var id: String
    var name: String
    var kind: String
    var probability: Int
    var rottingDays: Int?
    init(_ s: Stage) {
        id = s.id.rawValue
        name = s.name
        kind = s.kind.rawValue
        probability = s.probability
        rottingDays = s.rottingDays
    }
}

struct PipelineBody: Encodable, Sendable {
    var id: String
    var name: String
    var position: Int
    var stages: [StageBody]
    var createdAt: Date
    var version: Int64
    init(_ p: Pipeline) {
        id = p.id.rawValue
        name = p.name
        position = p.position
        stages = p.stages.map(StageBody.init)
        createdAt = p.createdAt
        version = p.version
    }
}

struct StageVisitBody: Encodable, Sendable {
    var id: String
    var dealId: String
    var pipelineId: String
    var stageId: String
    var enteredAt: Date
    var leftAt: Date?
    var movedBy: String?
    var durationSeconds: Int?
    init(_ v: StageVisit) {
        id = v.id.rawValue
        dealId = v.dealID.rawValue
        pipelineId = v.pipelineID.rawValue
        stageId = v.stageID.rawValue
        enteredAt = v.enteredAt
        leftAt = v.leftAt
        movedBy = v.movedBy?.rawValue
        durationSeconds = v.leftAt.map { Int($0.timeIntervalSince(v.enteredAt)) }
    }
}

struct ActivityBody: Encodable, Sendable {
    var id: String
    var kind: String
    var subject: String?
    var body: String?
    var occurredAt: Date
    var contactId: String?
    var companyId: String?
    var dealId: String?
    var direction: String?
    var durationSeconds: Int?
    var callResult: String?
    var recordingUrl: String?
    var authorId: String?
    var createdAt: Date
    var updatedAt: Date
    var version: Int64
    var deletedAt: Date?
    init(_ a: Activity) {
        id = a.id.rawValue
        kind = a.kind.rawValue
        subject = a.subject
        body = a.body
        occurredAt = a.occurredAt
        contactId = a.contactID?.rawValue
        companyId = a.companyID?.rawValue
        dealId = a.dealID?.rawValue
        direction = a.direction?.rawValue
        durationSeconds = a.durationSeconds
        callResult = a.callResult?.rawValue
        recordingUrl = a.recordingURL
        authorId = a.authorID?.rawValue
        createdAt = a.createdAt
        updatedAt = a.updatedAt
        version = a.version
        deletedAt = a.deletedAt
    }
}

struct RecordRefBody: Encodable, Sendable {
    var kind: String
    var id: String
}

struct TaskBody: Encodable, Sendable {
    var id: String
    var title: String
    var kind: String
    var dueAt: Date?
    var remindAt: Date?
    var assigneeId: String?
    var related: RecordRefBody?
    var notes: String?
    var done: Bool
    var doneAt: Date?
    var createdBy: String?
    var createdAt: Date
    var updatedAt: Date
    var version: Int64
    var deletedAt: Date?
    init(_ t: TaskItem) {
        id = t.id.rawValue
        title = t.title
        kind = t.kind.rawValue
        dueAt = t.dueAt
        remindAt = t.remindAt
        assigneeId = t.assigneeID?.rawValue
        related = t.related.map { RecordRefBody(kind: $0.kind.rawValue, id: $0.id) }
        notes = t.notes
        done = t.doneAt != nil
        doneAt = t.doneAt
        createdBy = t.createdBy?.rawValue
        createdAt = t.createdAt
        updatedAt = t.updatedAt
        version = t.version
        deletedAt = t.deletedAt
    }
}

struct UserBody: Encodable, Sendable {
    var id: String
    var email: String
    var name: String
    var role: String
    var teamId: String?
    var active: Bool
    var locale: String?
    var `extension`: String?
    var createdAt: Date
    var version: Int64
    init(_ u: User) {
        id = u.id.rawValue
        email = u.email
        name = u.name
        role = u.role.rawValue
        teamId = u.teamID?.rawValue
        active = u.isActive
        locale = u.locale?.rawValue
        `extension` = u.extension
        createdAt = u.createdAt
        version = u.version
    }
}

struct TeamBody: Encodable, Sendable {
    var id: String
    var name: String
    var createdAt: Date
    init(_ t: Team) {
        id = t.id.rawValue
        name = t.name
        createdAt = t.createdAt
    }
}

struct TagBody: Encodable, Sendable {
    var id: String
    var name: String
    var color: String?
    var createdAt: Date
    init(_ t: WorkspaceRepository.TagInfo) {
        id = t.id
        name = t.name
        color = t.color
        createdAt = t.createdAt
    }
}

struct CustomFieldBody: Encodable, Sendable {
    var id: String
    var entity: String
    var key: String
    var label: String
    var kind: String
    var options: [String]
    var required: Bool
    var position: Int
    var createdAt: Date
    init(_ f: CustomFieldDefinition) {
        id = f.id.rawValue
        entity = f.entity.rawValue
        key = f.key
        label = f.label
        kind = f.kind.rawValue
        options = f.options
        required = f.isRequired
        position = f.position
        createdAt = f.createdAt
    }
}

struct TokenBody: Encodable, Sendable {
    var id: String
    var userId: String
    var name: String
    var prefix: String
    var createdAt: Date
    var lastUsedAt: Date?
    var revokedAt: Date?
    /// Present only in the response that created the token.
    var token: String?
    init(_ t: AuthRepository.TokenInfo, secret: String? = nil) {
        id = t.id
        userId = t.userID.rawValue
        name = t.name
        prefix = t.prefix
        createdAt = t.createdAt
        lastUsedAt = t.lastUsedAt
        revokedAt = t.revokedAt
        token = secret
    }
}

struct WorkspaceBody: Encodable, Sendable {
    var id: String
    var name: String
    var timeZone: String
    var currency: String
    var locale: String
    var phoneRegion: String
    var createdAt: Date
    init(_ w: Workspace) {
        id = w.id.rawValue
        name = w.name
        timeZone = w.timeZone
        currency = w.currency.rawValue
        locale = w.locale.rawValue
        phoneRegion = w.phoneRegion.rawValue
        createdAt = w.createdAt
    }
}

struct FieldChangeBody: Encodable, Sendable {
    var field: String
    var before: JSONValue
    var after: JSONValue
}

struct TimelineItemBody: Encodable, Sendable {
    var type: String
    var at: Date
    var id: String
    var activity: ActivityBody?
    var stageChange: StageVisitBody?
    var action: String?
    var actorId: String?
    var changes: [FieldChangeBody]?

    init(_ item: TimelineItem) {
        at = item.at
        id = item.id
        switch item {
        case .activity(let activity):
            type = "activity"
            self.activity = ActivityBody(activity)
        case .stageChange(let visit):
            type = "stage_change"
            stageChange = StageVisitBody(visit)
            actorId = visit.movedBy?.rawValue
        case .audit(let entry):
            type = "audit"
            action = entry.action.rawValue
            actorId = entry.actorID?.rawValue
            changes = entry.changes.map { FieldChangeBody(field: $0.field, before: $0.before, after: $0.after) }
        }
    }
}

struct SessionBody: Encodable, Sendable {
    var user: UserBody
    var workspace: WorkspaceBody
    var csrfToken: String?
    var expiresAt: Date?
}

struct SearchBody: Encodable, Sendable {
    var contacts: [ContactBody]
    var companies: [CompanyBody]
    var deals: [DealBody]
}
