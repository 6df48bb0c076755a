/// The kinds of records users own, see, link and search. Stable strings: they are stored in the
/// database (audit log, tags, phones) and appear in the API.
public enum RecordKind: String, Sendable, Codable, CaseIterable, Hashable {
    case contact
    case company
    case deal
    case task
    case activity
    case pipeline
    case user
    case team
    case tag
    case customField = "custom_field"
    case apiToken = "api_token"
    case workspace
    case product
    case order
    case segment
    case form

    /// The plural kebab-case noun of the API path (`/api/v1/contacts`).
    public var pathNoun: String {
        switch self {
        case .contact: "contacts"
        case .company: "companies"
        case .deal: "deals"
        case .task: "tasks"
        case .activity: "activities"
        case .pipeline: "pipelines"
        case .user: "users"
        case .team: "teams"
        case .tag: "tags"
        case .customField: "custom-fields"
        case .apiToken: "api-tokens"
        case .workspace: "workspace"
        case .product: "products"
        case .order: "orders"
        case .segment: "segments"
        case .form: "forms"
        }
    }
}

/// A pointer to any record: the related record of a task, the target of an audit entry.
public struct RecordRef: Hashable, Sendable, Codable {
    /// What kind of record.
    public var kind: RecordKind
    /// Its raw id.
    public var id: String
    /// Makes a reference.
    public init(kind: RecordKind, id: String) {
        self.kind = kind
        self.id = id
    }
}

/// The errors every record operation can end in. Stable codes map to HTTP problems in one place.
public enum RecordError: Error, Sendable, Equatable {
    /// No such record in the caller's workspace (or the caller may not see it: the two are not told apart,
    /// so ids cannot be probed).
    case notFound(RecordKind)
    /// The caller may see the record but not do this to it.
    case forbidden
    /// The update carried an old `version`; the current record is attached so the client can merge.
    case versionConflict(RecordKind, currentVersion: Int64)
    /// The record is in the trash and must be restored first.
    case inTrash(RecordKind)
    /// The record is not in the trash, so it cannot be restored.
    case notInTrash(RecordKind)
    /// An equal record exists where only one may (an e-mail of a user, a tag name).
    case alreadyExists(RecordKind, field: String)
}
