public import Foundation

/// A named group of contacts or companies: dynamic (everyone matching a filter, always current) or a
/// static list (members added and removed by hand, or a snapshot of a dynamic segment).
public struct Segment: Hashable, Sendable {
    /// The segment id.
    public typealias ID = Identifier<Segment>
    /// Its id.
    public var id: ID
    /// Its workspace.
    public var workspaceID: Workspace.ID
    /// The name people see ("Купили дважды, молчат 90 дней").
    public var name: String
    /// Contacts or companies.
    public var entity: SegmentEntity
    /// Dynamic or static.
    public var kind: SegmentKind
    /// The rule of a dynamic segment (a static list keeps ``SegmentFilter/everyone``).
    public var filter: SegmentFilter
    /// Who made it (a sales rep may change only their own).
    public var ownerID: User.ID?
    /// Creation time.
    public var createdAt: Date
    /// Last change time.
    public var updatedAt: Date
    /// Optimistic-locking version.
    public var version: Int64
    /// When it was moved to the trash.
    public var deletedAt: Date?

    /// A new segment.
    public init(
        id: ID, workspaceID: Workspace.ID, name: String, entity: SegmentEntity, kind: SegmentKind, filter: SegmentFilter,
        ownerID: User.ID?, now: Date
    ) {
        self.id = id
        self.workspaceID = workspaceID
        self.name = name
        self.entity = entity
        self.kind = kind
        self.filter = filter
        self.ownerID = ownerID
        self.createdAt = now
        self.updatedAt = now
        self.version = 1
    }

    /// The fields the audit log compares.
    public var auditSnapshot: [String: JSONValue] {
        [
            "name": .string(name), "entity": .string(entity.rawValue), "kind": .string(kind.rawValue), "filter": filter.json,
            "ownerId": JSONValue(ownerID?.rawValue),
        ]
    }
}

/// Whether a segment's members follow a filter or a hand-kept list.
public enum SegmentKind: String, Sendable, Codable, CaseIterable, Hashable {
    /// Everyone matching the filter, now.
    case dynamic
    /// Exactly the members added.
    case `static`
}

/// The fields a client may set on a segment (entity and kind are fixed at creation).
public struct SegmentInput: Sendable, Hashable {
    public var name: String?
    public var entity: SegmentEntity?
    public var kind: SegmentKind?
    /// The filter as sent; parsed against the workspace's custom fields by ``SegmentRules/apply(_:to:customFields:)``.
    public var filter: JSONValue?
    /// An empty input.
    public init() {}
}

/// Rules of segments.
public enum SegmentRules {
    /// Applies a client's input to a segment; the error names every bad field (filter paths included).
    public static func apply(
        _ input: SegmentInput, to segment: Segment, customFields: [CustomFieldDefinition]
    ) throws(ValidationError) -> Segment {
        var next = segment
        var issues = FieldIssues()
        if let name = input.name { next.name = name.trimmed }
        issues.require(next.name, "name")
        issues.limit(next.name, "name", to: 200)
        if let json = input.filter {
            do {
                next.filter = try SegmentFilter.parse(json, entity: next.entity, customFields: customFields)
            } catch {
                issues.add(contentsOf: error.issues)
            }
            if next.kind == .static, next.filter != .everyone { issues.add("filter", .invalidFormat) }
        }
        try issues.throwIfAny()
        return next
    }
}
