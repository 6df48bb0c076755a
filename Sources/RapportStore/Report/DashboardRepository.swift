import Foundation
public import RapportCore
import SQLKit

/// Each user's dashboard: the widgets they arranged, else their role's default.
public struct DashboardRepository: Sendable {
    let context: StoreContext

    /// Makes the repository.
    public init(context: StoreContext) { self.context = context }

    /// The actor's widgets in order.
    public func widgets(by actor: Actor) async throws -> [String] {
        let row = try await context.database.reader.raw(
            "SELECT widgets FROM dashboards WHERE user_id = \(bind: actor.userID.rawValue) AND workspace_id = \(bind: actor.workspaceID.rawValue)"
        ).first()
        guard let row else { return Dashboard.defaultWidgets(for: actor.role) }
        // Widgets since retired are skipped rather than failing the page.
        return try row.json("widgets", as: [String].self).filter(Dashboard.widgets.contains)
    }

    /// Saves the actor's arrangement (checked); `nil` goes back to the role's default.
    @discardableResult
    public func save(_ widgets: [String]?, by actor: Actor) async throws -> [String] {
        try await context.database.transaction { db in
            try await db.raw("DELETE FROM dashboards WHERE user_id = \(bind: actor.userID.rawValue)").run()
            guard let widgets else { return Dashboard.defaultWidgets(for: actor.role) }
            let checked = try Dashboard.validate(widgets)
            try await db.raw(
                """
                INSERT INTO dashboards (user_id, workspace_id, widgets, updated_at)
                VALUES (\(bind: actor.userID.rawValue), \(bind: actor.workspaceID.rawValue), \(bind: jsonText(checked)),
                    \(bind: context.effects.now().millis))
                """
            ).run()
            return checked
        }
    }
}
