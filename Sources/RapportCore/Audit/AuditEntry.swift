public import Foundation

/// One line of the audit log: who did what to which record, with the field-level before and after.
public struct AuditEntry: Hashable, Sendable {
    /// The entry id.
    public typealias ID = Identifier<AuditEntry>
    /// Its id.
    public var id: ID
    /// Its workspace.
    public var workspaceID: Workspace.ID
    /// When.
    public var at: Date
    /// Who (nil for the system: imports, jobs, migrations).
    public var actorID: User.ID?
    /// Which record.
    public var record: RecordRef
    /// What happened.
    public var action: AuditAction
    /// Changed fields; empty for actions without field changes.
    public var changes: [FieldChange]

    /// Makes an entry.
    public init(
        id: ID, workspaceID: Workspace.ID, at: Date, actorID: User.ID?, record: RecordRef, action: AuditAction,
        changes: [FieldChange]
    ) {
        self.id = id
        self.workspaceID = workspaceID
        self.at = at
        self.actorID = actorID
        self.record = record
        self.action = action
        self.changes = changes
    }
}

/// What an audit entry records.
public enum AuditAction: String, Sendable, Codable, CaseIterable, Hashable {
    case create
    case update
    case delete
    case restore
    case purge
    case move
    case export
    case merge
    case login
    case tokenCreate = "token_create"
    case tokenRevoke = "token_revoke"
}

/// One field's value before and after a change.
public struct FieldChange: Hashable, Sendable, Codable {
    /// The field name as in the API.
    public var field: String
    /// The old value.
    public var before: JSONValue
    /// The new value.
    public var after: JSONValue
    /// Makes a change.
    public init(field: String, before: JSONValue, after: JSONValue) {
        self.field = field
        self.before = before
        self.after = after
    }
}

extension FieldChange {
    /// The change as its `Codable` form writes it, for ``JSONValue/jsonText`` (a test holds the two together).
    public var jsonValue: JSONValue { .object(["after": after, "before": before, "field": .string(field)]) }

    /// Changes as ``JSONValue/jsonText`` writes their ``jsonValue``s, without making the objects (their keys
    /// are already in order): an import writes a million of these lists.
    public static func jsonText(_ changes: [FieldChange]) -> String {
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        for (index, change) in changes.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes += #"{"after":"#.utf8
            change.after.write(to: &bytes)
            bytes += #","before":"#.utf8
            change.before.write(to: &bytes)
            bytes += #","field":"#.utf8
            JSONValue.write(string: change.field, to: &bytes)
            bytes.append(UInt8(ascii: "}"))
        }
        bytes.append(UInt8(ascii: "]"))
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Field-level differences between two snapshots of a record.
public enum AuditDiff {
    /// The fields whose values differ, sorted by name; a missing field counts as null.
    public static func changes(from before: [String: JSONValue], to after: [String: JSONValue]) -> [FieldChange] {
        Set(before.keys).union(after.keys).sorted().compactMap { field in
            let old = before[field] ?? .null
            let new = after[field] ?? .null
            return old == new ? nil : FieldChange(field: field, before: old, after: new)
        }
    }

    /// Every non-null field of a new record, as changes from null.
    public static func creation(_ snapshot: [String: JSONValue]) -> [FieldChange] {
        snapshot.filter { $0.value != .null && $0.value != .array([]) }.sorted { $0.key < $1.key }.map {
            FieldChange(field: $0.key, before: .null, after: $0.value)
        }
    }
}
