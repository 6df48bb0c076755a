import Foundation
import RapportCore
import SQLKit

/// The webhook outbox: events are written as rows of `webhook_events` in the same transaction as the
/// change that raised them, so an event exists exactly when its change committed: no event of a
/// rolled-back write, none lost to a crash between "commit" and "send". The `webhooks.dispatch` job turns
/// undispatched rows into one delivery per subscribed webhook (claimed with `FOR UPDATE SKIP LOCKED` on
/// PostgreSQL, so several nodes never dispatch one event twice), and each delivery is a `webhook.deliver`
/// job retried with the queue's backoff.
///
/// Why an explicit outbox rather than reading the audit log after a cursor: audit rows commit in an order
/// their ids and timestamps do not follow when transactions overlap (on PostgreSQL a row with an earlier
/// id can commit after a reader moved its cursor past it), so a cursor can skip events; an outbox row is
/// simply "not yet dispatched" until a dispatcher marks it. Record events are raised from the one place
/// every audited write goes through (``AuditRows/append``), so no repository can forget them; other
/// events (`form.submitted`, `import.finished`) are published explicitly with ``publish(_:context:workspace:event:data:)``.
/// A workspace without an active webhook writes no outbox row at all.
enum WebhookOutbox {
    /// The job that turns outbox rows into deliveries.
    static let dispatchKind = "webhooks.dispatch"

    /// Raises the events of audited changes (one, or an import batch's), if the workspace has an active webhook.
    static func record(
        _ db: any SQLDatabase, context: StoreContext, workspace: Workspace.ID,
        _ entries: [(record: RecordRef, action: AuditAction, changes: [FieldChange])]
    ) async throws {
        // Asked first: an import batch's thousand events are not built to be dropped.
        guard !entries.isEmpty, try await subscribed(db, workspace: workspace) else { return }
        let events = entries.flatMap { record, action, changes in
            let data = WebhookRules.recordData(kind: record.kind, id: record.id, changes: action == .delete ? [] : changes)
            return WebhookRules.events(for: record.kind, action: action, changes: changes).map { (event: $0, data: data) }
        }
        try await publish(db, context: context, workspace: workspace, events)
    }

    /// Whether the workspace has an active webhook (without one, no event is written).
    static func subscribed(_ db: any SQLDatabase, workspace: Workspace.ID) async throws -> Bool {
        try await db.raw(
            "SELECT 1 AS one FROM webhooks WHERE workspace_id = \(bind: workspace.rawValue) AND active = \(bind: true) LIMIT 1"
        ).first() != nil
    }

    /// Writes one event to the outbox inside the caller's transaction (see the batch form).
    static func publish(
        _ db: any SQLDatabase, context: StoreContext, workspace: Workspace.ID, event: WebhookEvent, data: JSONValue
    ) async throws {
        try await publish(db, context: context, workspace: workspace, [(event, data)])
    }

    /// Writes events to the outbox inside the caller's transaction, one statement for all of them (nothing when
    /// the workspace has no active webhook), and queues a dispatch for right away (one per second at most, by
    /// its unique key); an event that commits after that second's dispatch already ran waits for the recurring one.
    static func publish(
        _ db: any SQLDatabase, context: StoreContext, workspace: Workspace.ID, _ events: [(event: WebhookEvent, data: JSONValue)]
    ) async throws {
        guard !events.isEmpty, try await subscribed(db, workspace: workspace) else { return }
        let now = context.effects.now()
        try await insertRows(db, "INSERT INTO webhook_events (id, workspace_id, event, occurred_at, data)", columns: 5, events) {
            event, data in
            """
            (\(bind: context.effects.newID()), \(bind: workspace.rawValue), \(bind: event.rawValue), \(bind: now.millis),
             \(bind: jsonText(data)))
            """
        }
        let job = Job(
            id: context.effects.id(), workspaceID: nil, kind: dispatchKind, payload: .object([:]), runAt: now, maximumAttempts: 3, now: now)
        try await JobRepository.insert(db, job, uniqueKey: JobRules.slotKey(kind: dispatchKind + ".soon", every: 1, now: now))
    }
}
