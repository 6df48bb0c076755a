import Foundation
import RapportCore

/// Shared values for the pure core tests: a frozen clock, fixed ids and small builders, so every
/// scenario reads as the rule it checks.
enum CoreFixture {
    /// The frozen "now" of every core test (2026-09-21 UTC).
    static let now = Date(timeIntervalSince1970: 1_790_000_000)
    /// The workspace every fixture record lives in.
    static let workspace = Workspace.ID("ws-main")
    /// Another tenant's workspace.
    static let otherWorkspace = Workspace.ID("ws-other")
    /// The user creating fixture records.
    static let author = User.ID("user-author")

    /// The record context of a Russian workspace at ``now``.
    static func context(_ customFields: [CustomFieldDefinition] = []) -> RecordContext {
        RecordContext(phoneRegion: .ru, customFields: customFields, now: now)
    }

    /// A custom field definition of a contact (or `entity`).
    static func field(
        _ key: String, _ kind: CustomFieldKind, options: [String] = [], required: Bool = false,
        entity: RecordKind = .contact
    ) -> CustomFieldDefinition {
        CustomFieldDefinition(
            id: CustomFieldDefinition.ID("cf-\(key)"), workspaceID: workspace, entity: entity, key: key,
            label: key.capitalized, kind: kind, options: options, isRequired: required, position: 0, createdAt: now)
    }

    /// The issues of a thrown validation error, or nil when the operation succeeded.
    static func issues<T>(_ operation: () throws(ValidationError) -> T) -> [FieldIssue]? {
        do {
            _ = try operation()
            return nil
        } catch {
            return error.issues
        }
    }

    /// `(field, code)` pairs, for comparing issues without their parameters.
    static func pairs(_ issues: [FieldIssue]?) -> [Pair] {
        (issues ?? []).map { Pair(field: $0.field, code: $0.code) }
    }

    /// A field and a code.
    struct Pair: Hashable, CustomStringConvertible {
        var field: String
        var code: FieldIssue.Code
        var description: String { "\(field):\(code.rawValue)" }
        init(field: String, code: FieldIssue.Code) {
            self.field = field
            self.code = code
        }
        init(_ field: String, _ code: FieldIssue.Code) { self.init(field: field, code: code) }
    }
}
