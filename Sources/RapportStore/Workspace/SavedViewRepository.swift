import Foundation
public import RapportCore
import SQLKit

/// A list view a user saved: its filters, search, sort and columns as the list's query string.
public struct SavedView: Sendable, Hashable {
    public var id: String
    public var userID: User.ID
    public var entity: RecordKind
    public var name: String
    /// The list's query string (`city=Казань&readiness=hot&cols=phone`).
    public var query: String
    /// Visible to the whole workspace, not only to its author.
    public var isShared: Bool
}

/// Saved list views: everyone sees their own and the shared ones; only the author (or an owner or an
/// administrator) removes one.
public struct SavedViewRepository: Sendable {
    let context: StoreContext

    /// Makes the repository.
    public init(context: StoreContext) { self.context = context }

    /// The views of a list the actor may use, by name.
    public func list(entity: RecordKind, by actor: Actor) async throws -> [SavedView] {
        let rows = try await context.database.reader.raw(
            """
            SELECT * FROM saved_views WHERE workspace_id = \(bind: actor.workspaceID.rawValue) AND entity = \(bind: entity.rawValue)
            AND (user_id = \(bind: actor.userID.rawValue) OR shared = \(bind: true)) ORDER BY name, id
            """
        ).all()
        return try rows.map { row in
            SavedView(
                id: try row.string("id"), userID: try row.id("user_id"), entity: RecordKind(rawValue: try row.string("entity")) ?? entity,
                name: try row.string("name"), query: try row.string("query"), isShared: try row.bool("shared"))
        }
    }

    /// Saves a view; a name is required, and only those who manage settings share with everyone.
    public func create(entity: RecordKind, name: String?, query: String, shared: Bool, by actor: Actor) async throws -> SavedView {
        var issues = FieldIssues()
        let trimmed = name?.trimmedOrNil
        if trimmed == nil { issues.add("name", .required) }
        issues.limit(trimmed, "name", to: 100)
        if query.count > 2000 { issues.add("query", .tooLong, ["max": "2000"]) }
        try issues.throwIfAny()
        if shared, !(AccessPolicy.allows(actor, .manageSettings) || actor.role == .headOfSales) { throw RecordError.forbidden }
        let view = SavedView(
            id: context.effects.newID(), userID: actor.userID, entity: entity, name: trimmed ?? "", query: query, isShared: shared)
        try await context.database.transaction { db in
            try await db.raw(
                """
                INSERT INTO saved_views (id, workspace_id, user_id, entity, name, query, shared, created_at)
                VALUES (\(bind: view.id), \(bind: actor.workspaceID.rawValue), \(bind: actor.userID.rawValue), \(bind: entity.rawValue),
                        \(bind: view.name), \(bind: query), \(bind: shared), \(bind: context.effects.now().millis))
                """
            ).run()
        }
        return view
    }

    /// Removes a view.
    public func delete(_ id: String, by actor: Actor) async throws {
        try await context.database.transaction { db in
            guard
                let row = try await db.raw(
                    "SELECT user_id FROM saved_views WHERE id = \(bind: id) AND workspace_id = \(bind: actor.workspaceID.rawValue)"
                ).first()
            else { throw RecordError.notFound(.workspace) }
            let author: User.ID = try row.id("user_id")
            guard author == actor.userID || AccessPolicy.allows(actor, .manageSettings) else { throw RecordError.forbidden }
            try await db.raw("DELETE FROM saved_views WHERE id = \(bind: id)").run()
        }
    }
}
