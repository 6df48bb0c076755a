public import Foundation

/// A person the business deals with: a lead, a prospect, a customer.
public struct Contact: Hashable, Sendable {
    /// The contact id.
    public typealias ID = Identifier<Contact>
    /// Its id.
    public var id: ID
    /// Its workspace.
    public var workspaceID: Workspace.ID
    /// Family name (Russian order puts it first).
    public var lastName: String?
    /// Given name.
    public var firstName: String?
    /// Patronymic.
    public var middleName: String?
    /// Phones, the first is primary.
    public var phones: [Phone]
    /// E-mails, the first is primary.
    public var emails: [Email]
    /// Job title.
    public var position: String?
    /// Companies the person belongs to; at most one is primary.
    public var companies: [CompanyLink]
    /// City.
    public var city: String?
    /// Postal address.
    public var address: String?
    /// Birthday.
    public var birthday: LocalDate?
    /// Where the lead came from.
    public var source: LeadSource
    /// The responsible user.
    public var ownerID: User.ID?
    /// Tag names.
    public var tags: [String]
    /// How ready to buy.
    public var readiness: Readiness?
    /// Where in the customer lifecycle.
    public var lifecycle: Lifecycle
    /// Consent to marketing e-mail.
    public var emailConsent: Consent?
    /// Consent to SMS.
    public var smsConsent: Consent?
    /// Values of the workspace's custom fields, by field key.
    public var customFields: [String: JSONValue]
    /// Creation time.
    public var createdAt: Date
    /// Last change time.
    public var updatedAt: Date
    /// Who created it.
    public var createdBy: User.ID?
    /// Optimistic-locking version, incremented by every update.
    public var version: Int64
    /// When it was moved to the trash; nil while live.
    public var deletedAt: Date?
    /// The survivor this contact was merged into, if it was.
    public var mergedInto: ID?

    /// A blank contact, the starting point of a create.
    public init(id: ID, workspaceID: Workspace.ID, now: Date, createdBy: User.ID?) {
        self.id = id
        self.workspaceID = workspaceID
        self.phones = []
        self.emails = []
        self.companies = []
        self.source = LeadSource()
        self.tags = []
        self.lifecycle = .lead
        self.customFields = [:]
        self.createdAt = now
        self.updatedAt = now
        self.createdBy = createdBy
        self.ownerID = createdBy
        self.version = 1
    }

    /// "Фамилия Имя Отчество", or the first e-mail or phone when the name is empty.
    public var displayName: String {
        let name = PersonName(lastName: lastName, firstName: firstName, middleName: middleName).fullName
        if !name.isEmpty { return name }
        return emails.first?.address ?? phones.first?.number.raw ?? ""
    }
}

/// How ready a contact is to buy.
public enum Readiness: String, Sendable, Codable, CaseIterable, Hashable {
    case hot
    case warm
    case cold
}

/// Where a contact is in the customer lifecycle.
public enum Lifecycle: String, Sendable, Codable, CaseIterable, Hashable {
    case lead
    case prospect
    case customer
    case lapsed
}

/// A consent (or its withdrawal) and when it was given.
public struct Consent: Hashable, Sendable, Codable {
    /// Whether the person agreed.
    public var granted: Bool
    /// When the answer was recorded.
    public var at: Date
    /// Makes a consent record.
    public init(granted: Bool, at: Date) {
        self.granted = granted
        self.at = at
    }
}

/// A contact's membership in a company.
public struct CompanyLink: Hashable, Sendable, Codable {
    /// The company.
    public var companyID: Company.ID
    /// Whether this is the contact's main company.
    public var isPrimary: Bool
    /// Makes a link.
    public init(companyID: Company.ID, isPrimary: Bool) {
        self.companyID = companyID
        self.isPrimary = isPrimary
    }
}

/// The fields a client may set on a contact. Every field is optional: on create, absent means "the
/// default"; on update, absent means "unchanged". Lists replace the whole list when present.
public struct ContactInput: Sendable, Hashable {
    public var lastName: Edit<String>?
    public var firstName: Edit<String>?
    public var middleName: Edit<String>?
    /// A whole name in one string, split into last/first/middle when the parts are not given.
    public var fullName: String?
    public var phones: [PhoneInput]?
    public var emails: [EmailInput]?
    public var position: Edit<String>?
    public var companies: [CompanyLink]?
    public var city: Edit<String>?
    public var address: Edit<String>?
    public var birthday: Edit<LocalDate>?
    public var source: LeadSource?
    public var ownerID: Edit<User.ID>?
    public var tags: [String]?
    public var readiness: Edit<Readiness>?
    public var lifecycle: Lifecycle?
    /// `true`/`false` records consent now; `.clear` forgets it.
    public var emailConsent: Edit<Bool>?
    public var smsConsent: Edit<Bool>?
    /// Custom field values to set (`.null` clears one); other keys are kept.
    public var customFields: [String: JSONValue]?

    /// An empty input.
    public init() {}
}
