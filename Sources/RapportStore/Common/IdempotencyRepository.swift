public import Foundation
public import RapportCore
import SQLKit

/// `Idempotency-Key` on POST: the first request with a key runs and its response is stored; a repeat
/// with the same body gets the stored response; the same key with another body is refused. A key whose
/// first request is still running is "in progress" (a double click does not create two records).
public struct IdempotencyRepository: Sendable {
    let context: StoreContext

    /// Makes the repository.
    public init(context: StoreContext) { self.context = context }

    /// What to do with a request carrying a key.
    public enum Claim: Sendable, Equatable {
        /// First time: run it, then call ``complete(key:actor:status:body:)``.
        case proceed
        /// Seen before with the same request: answer with this.
        case replay(status: Int, body: String)
        /// Seen before with a different request.
        case mismatch
        /// The first request with this key has not finished.
        case inProgress
    }

    /// Claims a key for a request (identified by a hash of method, path and body).
    public func claim(key: String, requestHash: String, actor: Actor) async throws -> Claim {
        let now = context.effects.now()
        return try await context.database.transaction { db in
            let inserted = try await db.raw(
                """
                INSERT INTO idempotency_keys (workspace_id, user_id, key, request_hash, created_at)
                VALUES (\(bind: actor.workspaceID.rawValue), \(bind: actor.userID.rawValue), \(bind: key), \(bind: requestHash), \(bind: now.millis))
                ON CONFLICT DO NOTHING RETURNING key
                """
            ).first()
            if inserted != nil { return .proceed }
            guard
                let row = try await db.raw(
                    "SELECT * FROM idempotency_keys WHERE workspace_id = \(bind: actor.workspaceID.rawValue) AND user_id = \(bind: actor.userID.rawValue) AND key = \(bind: key)"
                ).first()
            else { return .proceed }
            guard try row.string("request_hash") == requestHash else { return .mismatch }
            guard let status = try row.optionalInt("status"), let body = try row.optionalString("response_body") else { return .inProgress }
            return .replay(status: status, body: body)
        }
    }

    /// Stores the response of a claimed key (successful responses only; a failed request releases the key
    /// so the client may retry it).
    public func complete(key: String, actor: Actor, status: Int, body: String?) async throws {
        try await context.database.transaction { db in
            if let body, (200..<300).contains(status) {
                try await db.raw(
                    "UPDATE idempotency_keys SET status = \(bind: status), response_body = \(bind: body) WHERE workspace_id = \(bind: actor.workspaceID.rawValue) AND user_id = \(bind: actor.userID.rawValue) AND key = \(bind: key)"
                ).run()
            } else {
                try await db.raw(
                    "DELETE FROM idempotency_keys WHERE workspace_id = \(bind: actor.workspaceID.rawValue) AND user_id = \(bind: actor.userID.rawValue) AND key = \(bind: key)"
                ).run()
            }
        }
    }
}

/// Housekeeping: purging the trash after the retention period, expiring idempotency keys and sessions.
public struct MaintenanceRepository: Sendable {
    let context: StoreContext

    /// Makes the repository.
    public init(context: StoreContext) { self.context = context }

    /// Keeps the query planner's statistics current as tables grow, so lists keep choosing their indexes
    /// (SQLite: `PRAGMA optimize`, which re-analyzes only what changed enough; PostgreSQL's autovacuum
    /// does this by itself).
    public func refreshPlannerStatistics() async throws {
        guard context.dialect == .sqlite else { return }
        try await context.database.transaction { db in
            try await db.raw("PRAGMA analysis_limit = 2000").run()
            try await db.raw("PRAGMA optimize").run()
        }
    }

    /// Folds the reports' appended rollup changes into the rollups (PostgreSQL; see ``ReportRollups``). On
    /// SQLite there are none, and no transaction is opened for them.
    /// - Returns: how many change rows were folded.
    @discardableResult
    public func foldRollups() async throws -> Int {
        guard context.dialect == .postgres else { return 0 }
        return try await context.database.transaction { db in try await ReportRollups.fold(db) }
    }

    /// Permanently deletes records that have been in the trash longer than `retention`, with their parts,
    /// and writes a purge entry to the audit log for each.
    /// - Returns: how many records were purged.
    @discardableResult
    public func purgeTrash(olderThan retention: TimeInterval) async throws -> Int {
        let cutoff = context.effects.now().addingTimeInterval(-retention).millis
        return try await context.database.transaction { db in
            var purged = 0
            for (kind, table) in [
                (RecordKind.activity, "activities"), (.task, "tasks"), (.order, "orders"), (.deal, "deals"), (.contact, "contacts"),
                (.company, "companies"), (.product, "products"), (.segment, "segments"),
            ] {
                let rows = try await db.raw(
                    "SELECT id, workspace_id FROM \(unsafeRaw: table) WHERE deleted_at IS NOT NULL AND deleted_at < \(bind: cutoff)"
                ).all()
                for row in rows {
                    let id = try row.string("id")
                    let workspace: Workspace.ID = try row.id("workspace_id")
                    try await purge(db, kind: kind, table: table, id: id)
                    try await AuditRows.append(
                        db, context: context, workspace: workspace, actor: nil, record: RecordRef(kind: kind, id: id), action: .purge,
                        changes: [])
                    purged += 1
                }
            }
            purged += try await DocumentRepository.purgeTrash(db, context: context, before: cutoff)
            // Activities left attached to nothing went with their last record: one statement per purge,
            // not per record.
            if purged > 0 {
                try await db.raw("DELETE FROM activities WHERE contact_id IS NULL AND company_id IS NULL AND deal_id IS NULL").run()
            }
            let day = context.effects.now().addingTimeInterval(-24 * 3600).millis
            try await db.raw("DELETE FROM idempotency_keys WHERE created_at < \(bind: day)").run()
            try await db.raw("DELETE FROM sessions WHERE expires_at < \(bind: context.effects.now().millis)").run()
            return purged
        }
    }

    private func purge(_ db: any SQLDatabase, kind: RecordKind, table: String, id: String) async throws {
        if DocumentRules.attachableKinds.contains(kind) { try await DocumentRepository.purgeAttached(db, to: id) }
        switch kind {
        case .contact:
            try await db.raw("DELETE FROM contact_companies WHERE contact_id = \(bind: id)").run()
            try await db.raw("DELETE FROM deal_contacts WHERE contact_id = \(bind: id)").run()
            try await db.raw("UPDATE activities SET contact_id = NULL WHERE contact_id = \(bind: id)").run()
            // Purchases stay in the books (revenue reports), no longer pointing at the erased person.
            let orders = try await db.raw("SELECT id FROM orders WHERE contact_id = \(bind: id)").all().map { try $0.string("id") }
            try await db.raw("UPDATE orders SET contact_id = NULL WHERE contact_id = \(bind: id)").run()
            try await PurchaseTallyRows.refresh(db, anonymous: orders)
            try await db.raw("DELETE FROM client_products WHERE client_id = \(bind: id)").run()
            try await db.raw("DELETE FROM segment_members WHERE record_id = \(bind: id)").run()
        case .company:
            try await db.raw("DELETE FROM contact_companies WHERE company_id = \(bind: id)").run()
            try await db.raw("UPDATE deals SET company_id = NULL WHERE company_id = \(bind: id)").run()
            try await db.raw("UPDATE activities SET company_id = NULL WHERE company_id = \(bind: id)").run()
            try await db.raw("UPDATE orders SET company_id = NULL WHERE company_id = \(bind: id)").run()
            try await db.raw("DELETE FROM client_products WHERE client_id = \(bind: id)").run()
            try await db.raw("DELETE FROM segment_members WHERE record_id = \(bind: id)").run()
        case .deal:
            try await db.raw("DELETE FROM deal_contacts WHERE deal_id = \(bind: id)").run()
            try await db.raw("DELETE FROM stage_history WHERE deal_id = \(bind: id)").run()
            try await db.raw("UPDATE activities SET deal_id = NULL WHERE deal_id = \(bind: id)").run()
            try await db.raw("UPDATE orders SET deal_id = NULL WHERE deal_id = \(bind: id)").run()
        case .order:
            try await db.raw("DELETE FROM order_lines WHERE order_id = \(bind: id)").run()
        case .product:
            try await db.raw("UPDATE order_lines SET product_id = NULL WHERE product_id = \(bind: id)").run()
            try await db.raw("DELETE FROM client_products WHERE product_id = \(bind: id)").run()
        case .segment:
            try await db.raw("DELETE FROM segment_members WHERE segment_id = \(bind: id)").run()
        default:
            break
        }
        try await db.raw("DELETE FROM phones WHERE record_id = \(bind: id)").run()
        try await db.raw("DELETE FROM emails WHERE record_id = \(bind: id)").run()
        try await db.raw("DELETE FROM record_tags WHERE record_id = \(bind: id)").run()
        try await SearchRows.remove(db, id: id)
        try await db.raw("DELETE FROM \(unsafeRaw: table) WHERE id = \(bind: id)").run()
    }
}
