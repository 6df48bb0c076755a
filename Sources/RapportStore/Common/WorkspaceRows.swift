import Foundation
import RapportCore
import SQLKit

/// Workspace settings and custom field definitions, read by every write to build a ``RecordContext``.
enum WorkspaceRows {
    static func workspace(_ db: any SQLDatabase, _ id: Workspace.ID) async throws -> Workspace {
        guard let row = try await db.raw("SELECT * FROM workspaces WHERE id = \(bind: id.rawValue)").first() else {
            throw RecordError.notFound(.workspace)
        }
        return try decode(row)
    }

    static func decode(_ row: any SQLRow) throws -> Workspace {
        guard let currency = CurrencyCode(rawValue: try row.string("currency")) else {
            throw StoreError.corruptValue(column: "currency", value: try row.string("currency"))
        }
        return Workspace(
            id: try row.id("id"), name: try row.string("name"), timeZone: try row.string("time_zone"),
            currency: currency, locale: try row.enumValue("locale"), phoneRegion: try row.enumValue("phone_region"),
            createdAt: try row.date("created_at"))
    }

    static func customFields(_ db: any SQLDatabase, workspace: Workspace.ID, entity: RecordKind) async throws
        -> [CustomFieldDefinition]
    {
        let rows = try await db.raw(
            "SELECT * FROM custom_field_definitions WHERE workspace_id = \(bind: workspace.rawValue) AND entity = \(bind: entity.rawValue) ORDER BY position, key"
        ).all()
        return try rows.map(decodeField)
    }

    static func decodeField(_ row: any SQLRow) throws -> CustomFieldDefinition {
        CustomFieldDefinition(
            id: try row.id("id"), workspaceID: try row.id("workspace_id"), entity: try row.enumValue("entity"),
            key: try row.string("key"), label: try row.string("label"), kind: try row.enumValue("kind"),
            options: try row.json("options", as: [String].self), isRequired: try row.bool("required"),
            position: try row.int("position"), createdAt: try row.date("created_at"))
    }

    /// The rule context for writing records of a kind.
    static func recordContext(_ db: any SQLDatabase, context: StoreContext, workspace: Workspace.ID, entity: RecordKind)
        async throws -> RecordContext
    {
        let settings = try await self.workspace(db, workspace)
        return RecordContext(
            phoneRegion: settings.phoneRegion,
            customFields: try await customFields(db, workspace: workspace, entity: entity), now: context.effects.now())
    }
}
