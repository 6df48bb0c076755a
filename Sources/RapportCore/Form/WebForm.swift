public import Foundation

/// A lead form published on the business's site: its fields (each filling a contact, company or deal
/// field, or a custom field), what a submission creates, and the page shown after it.
public struct WebForm: Hashable, Sendable {
    /// The form id.
    public typealias ID = Identifier<WebForm>
    /// Its id.
    public var id: ID
    /// Its workspace.
    public var workspaceID: Workspace.ID
    /// Its name in the settings list.
    public var name: String
    /// The unguessable key of its public address (`/f/{key}`): it names the form and its workspace.
    public var publicKey: String
    /// The fields, in the order shown.
    public var fields: [FormField]
    /// A consent text the visitor must tick before sending; none when nil.
    public var consentText: String?
    /// Whether a submission opens a deal.
    public var createsDeal: Bool
    /// The deal's pipeline.
    public var pipelineID: Pipeline.ID?
    /// The deal's stage (the pipeline's first open stage when nil).
    public var stageID: Stage.ID?
    /// Whether a submission creates a follow-up task.
    public var createsTask: Bool
    /// The users leads are handed to, in turn.
    public var ownerIDs: [User.ID]
    /// Where the round robin stands: the index of the next owner.
    public var cursor: Int
    /// Whether the form accepts submissions.
    public var isActive: Bool
    /// The text of the thank-you page.
    public var thankYouText: String?
    /// An address to send the visitor to after a submission instead of the thank-you page.
    public var redirectURL: String?
    /// Who made it (submissions run with their rights).
    public var createdBy: User.ID?
    /// Creation time.
    public var createdAt: Date
    /// Last change time.
    public var updatedAt: Date
    /// Optimistic-locking version.
    public var version: Int64

    /// A blank form, the starting point of a create.
    public init(id: ID, workspaceID: Workspace.ID, publicKey: String, now: Date, createdBy: User.ID?) {
        self.id = id
        self.workspaceID = workspaceID
        self.name = ""
        self.publicKey = publicKey
        self.fields = []
        self.createsDeal = false
        self.createsTask = false
        self.ownerIDs = []
        self.cursor = 0
        self.isActive = true
        self.createdBy = createdBy
        self.createdAt = now
        self.updatedAt = now
        self.version = 1
    }
}

/// One field of a form.
public struct FormField: Hashable, Sendable, Codable {
    /// What it fills: `contact.email`, `company.name`, `deal.amount`, `contact.custom.<key>`…
    public var target: String
    /// The label in Russian.
    public var labelRU: String?
    /// The label in English.
    public var labelEN: String?
    /// Whether the visitor must fill it.
    public var required: Bool
    /// The input shown.
    public var type: FormFieldType

    /// Makes a field.
    public init(target: String, labelRU: String? = nil, labelEN: String? = nil, required: Bool = false, type: FormFieldType? = nil) {
        self.target = target
        self.labelRU = labelRU
        self.labelEN = labelEN
        self.required = required
        self.type = type ?? FormTarget.defaultType(of: target)
    }

    /// The label in a language (the other language's when that one is empty).
    public func label(_ locale: AppLocale) -> String {
        let preferred = locale == .ru ? labelRU : labelEN
        return preferred.trimmedOrNil ?? (locale == .ru ? labelEN : labelRU).trimmedOrNil ?? target
    }
}

/// The input a form field shows.
public enum FormFieldType: String, Sendable, Codable, CaseIterable, Hashable {
    case text
    case email
    case tel
    case textarea
    case number
    case checkbox
}

/// What form fields can fill.
public enum FormTarget {
    /// The built-in targets, in the order the builder offers them.
    public static let standard: [String] = [
        "contact.fullName", "contact.lastName", "contact.firstName", "contact.middleName", "contact.phone", "contact.email",
        "contact.position", "contact.city", "contact.address", "contact.comment", "company.name", "company.inn", "deal.title",
        "deal.amount",
    ]
    /// The prefix of a contact custom field target.
    public static let contactCustom = "contact.custom."
    /// The prefix of a deal custom field target.
    public static let dealCustom = "deal.custom."

    /// The custom field key of a target, with the record kind it belongs to.
    public static func customKey(_ target: String) -> (entity: RecordKind, key: String)? {
        if target.hasPrefix(contactCustom) { return (.contact, String(target.dropFirst(contactCustom.count))) }
        if target.hasPrefix(dealCustom) { return (.deal, String(target.dropFirst(dealCustom.count))) }
        return nil
    }

    /// The input a target shows unless the builder chose another.
    public static func defaultType(of target: String) -> FormFieldType {
        switch target {
        case "contact.email": .email
        case "contact.phone": .tel
        case "contact.comment", "contact.address": .textarea
        case "deal.amount": .number
        default: .text
        }
    }
}
