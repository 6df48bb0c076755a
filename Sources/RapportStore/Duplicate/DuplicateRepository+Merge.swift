import Foundation
public import RapportCore
import SQLKit

/// What a client asks a merge to do.
public struct MergeRequest<Record>: Sendable {
    /// The record that stays.
    public var survivorID: Identifier<Record>
    /// The records merged into it.
    public var mergedIDs: [Identifier<Record>]
    /// The version of each record (by raw id) the user saw; a record changed since refuses the merge.
    public var versions: [String: Int64]
    /// Field name → the record whose value survives; unnamed fields take the default (see ``MergeRules``).
    public var choices: [String: Identifier<Record>]

    /// Makes a request.
    public init(
        survivorID: Identifier<Record>, mergedIDs: [Identifier<Record>], versions: [String: Int64],
        choices: [String: Identifier<Record>]
    ) {
        self.survivorID = survivorID
        self.mergedIDs = mergedIDs
        self.versions = versions
        self.choices = choices
    }

    /// Every record of the request, survivor first.
    var allIDs: [String] { [survivorID.rawValue] + mergedIDs.map(\.rawValue) }

    /// Checks the request's shape before anything is read.
    func check() throws(ValidationError) {
        var issues = FieldIssues()
        MergeRules.checkMembers(survivor: survivorID.rawValue, merged: mergedIDs.map(\.rawValue), issues: &issues)
        for id in allIDs where versions[id] == nil { issues.add("versions.\(id)", .required) }
        try issues.throwIfAny()
    }
}

extension DuplicateRepository {
    /// Merges contacts into the survivor in one transaction: needs the right to change every record and
    /// to delete the merged ones.
    /// - Throws: ``ValidationError`` (naming `mergedIds[i]`, `versions.<id>`, `choices.<field>`),
    ///   ``RecordError/versionConflict(_:currentVersion:)`` when a record changed since the user saw it,
    ///   ``RecordError/forbidden``, ``RecordError/inTrash(_:)`` for a record already trashed or merged.
    public func mergeContacts(_ request: MergeRequest<Contact>, by actor: Actor) async throws -> Contact {
        let contacts = ContactRepository(context: context)
        return try await merge(
            request, .contact, actor: actor,
            plan: { survivor, merged throws(ValidationError) in
                try ContactMerge.merge(survivor: survivor, merged: merged, choices: request.choices)
            },
            write: { db, next, expected in
                try await contacts.save(db, next, expectedVersion: expected)
                try await contacts.writeParts(db, next)
            },
            move: { db, from, to in try await moveContactReferences(db, from: from, to: to) })
    }

    /// Merges companies into the survivor in one transaction, like ``mergeContacts(_:by:)``.
    public func mergeCompanies(_ request: MergeRequest<Company>, by actor: Actor) async throws -> Company {
        let companies = CompanyRepository(context: context)
        return try await merge(
            request, .company, actor: actor,
            plan: { survivor, merged throws(ValidationError) in
                try CompanyMerge.merge(survivor: survivor, merged: merged, choices: request.choices)
            },
            write: { db, next, expected in try await companies.write(db, next, expectedVersion: expected) },
            move: { db, from, to in try await moveCompanyReferences(db, from: from, to: to) })
    }

    /// The steps of every merge, in one transaction: lock and check, plan in Core, write the survivor,
    /// move what points at the merged records, trash them with the pointer, audit.
    private func merge<R: MergeableRecord>(
        _ request: MergeRequest<R>, _ kind: RecordKind, actor: Actor,
        plan: @escaping @Sendable (R, [R]) throws(ValidationError) -> R,
        write: @escaping @Sendable (any SQLDatabase, R, _ expectedVersion: Int64) async throws -> Void,
        move: @escaping @Sendable (any SQLDatabase, _ from: [String], _ to: String) async throws -> Void
    ) async throws -> R {
        try request.check()
        return try await context.database.transaction { db in
            let (survivor, merged) = try await lockAll(db, kind, request, actor: actor, as: R.self)
            var next = try plan(survivor, merged)
            next.updatedAt = context.effects.now()
            next.version = survivor.version + 1
            try await write(db, next, survivor.version)
            let from = merged.map(\.rawID)
            try await move(db, from, next.rawID)
            try await finish(db, kind, survivor: survivor, next: next, merged: from, actor: actor)
            return next
        }
    }

    /// Locks every record of a merge in id order (two merges of overlapping records queue instead of
    /// deadlocking), checks rights and the versions the user saw.
    private func lockAll<R: MergeableRecord, T>(
        _ db: any SQLDatabase, _ kind: RecordKind, _ request: MergeRequest<T>, actor: Actor, as _: R.Type
    ) async throws -> (R, [R]) {
        let field = Dictionary(
            [(request.survivorID.rawValue, "survivorId")] + request.mergedIDs.enumerated().map { ($1.rawValue, "mergedIds[\($0)]") },
            uniquingKeysWith: { first, _ in first })
        var locked: [String: R] = [:]
        for id in request.allIDs.sorted() {
            guard let record = try await lock(db, kind, id, field: field[id] ?? "mergedIds", actor: actor) as? R else {
                throw RecordError.notFound(kind)
            }
            locked[id] = record
        }
        for id in request.mergedIDs.map(\.rawValue) {
            guard let record = locked[id], try await AccessCheck.allows(db, actor, .delete, kind, owner: record.accessOwner) else {
                throw RecordError.forbidden
            }
        }
        for id in request.allIDs {
            guard let record = locked[id] else { continue }
            if request.versions[id] != record.version { throw RecordError.versionConflict(kind, currentVersion: record.version) }
        }
        guard let survivor = locked[request.survivorID.rawValue] else { throw RecordError.notFound(kind) }
        return (survivor, request.mergedIDs.compactMap { locked[$0.rawValue] })
    }

    /// Trashes the merged records with the pointer to the survivor, and writes the audit entries: the
    /// survivor's field-level changes plus the merged ids, and a "merged into" entry on each merged record.
    private func finish<R: MergeableRecord>(
        _ db: any SQLDatabase, _ kind: RecordKind, survivor: R, next: R, merged: [String], actor: Actor
    ) async throws {
        let now = context.effects.now().millis
        try await db.raw(
            """
            UPDATE \(unsafeRaw: R.table) SET deleted_at = \(bind: now), merged_into = \(bind: next.rawID), updated_at = \(bind: now),
                version = version + 1
            WHERE workspace_id = \(bind: actor.workspaceID.rawValue) AND id IN \(inList(merged))
            """
        ).run()
        try await moveDocuments(db, kind: kind, from: merged, to: next.rawID)
        var changes = AuditDiff.changes(from: survivor.auditSnapshot, to: next.auditSnapshot)
        changes.append(FieldChange(field: "mergedIds", before: .null, after: .array(merged.map(JSONValue.string))))
        try await AuditRows.append(
            db, context: context, workspace: actor.workspaceID, actor: actor.userID, record: RecordRef(kind: kind, id: next.rawID),
            action: .merge, changes: changes)
        for id in merged {
            try await AuditRows.append(
                db, context: context, workspace: actor.workspaceID, actor: actor.userID, record: RecordRef(kind: kind, id: id),
                action: .merge, changes: [FieldChange(field: "mergedInto", before: .null, after: .string(next.rawID))])
        }
    }

    // MARK: - Moving what points at the merged records

    /// Re-points deals (their contact links), activities, tasks, orders (then the survivor's purchase
    /// metrics), company memberships and static-list memberships from merged contacts to the survivor.
    /// Each moved deal, activity, task and order gets a new version, so a client holding the old one
    /// cannot write the merged contact back.
    private func moveContactReferences(_ db: any SQLDatabase, from merged: [String], to survivor: String) async throws {
        let now = context.effects.now().millis
        let deals = try await db.raw("SELECT DISTINCT deal_id FROM deal_contacts WHERE contact_id IN \(inList(merged))").all()
            .map { try $0.string("deal_id") }
        // A deal already linked to the survivor keeps that one link.
        try await moveLinks(db, table: "deal_contacts", column: "contact_id", other: "deal_id", from: merged, to: survivor)
        try await bumpVersions(db, table: "deals", ids: deals, now: now)
        try await db.raw(
            """
            UPDATE activities SET contact_id = \(bind: survivor), version = version + 1, updated_at = \(bind: now)
            WHERE contact_id IN \(inList(merged))
            """
        ).run()
        try await moveTasks(db, kind: .contact, from: merged, to: survivor, now: now)
        try await db.raw(
            """
            UPDATE orders SET contact_id = \(bind: survivor), version = version + 1, updated_at = \(bind: now)
            WHERE contact_id IN \(inList(merged))
            """
        ).run()
        for id in [survivor] + merged {
            try await CustomerMetricsRows.refresh(db, table: "contacts", column: "contact_id", id: id)
        }
        // The survivor's memberships are already the union (written with it); the merged ones' go.
        try await db.raw("DELETE FROM contact_companies WHERE contact_id IN \(inList(merged))").run()
        try await moveSegmentMembers(db, from: merged, to: survivor)
    }

    /// Re-points deals, activities, tasks, orders (then metrics), contact memberships and static-list
    /// memberships from merged companies to the survivor.
    private func moveCompanyReferences(_ db: any SQLDatabase, from merged: [String], to survivor: String) async throws {
        let now = context.effects.now().millis
        for table in ["deals", "activities", "orders"] {
            try await db.raw(
                """
                UPDATE \(unsafeRaw: table) SET company_id = \(bind: survivor), version = version + 1, updated_at = \(bind: now)
                WHERE company_id IN \(inList(merged))
                """
            ).run()
        }
        try await moveTasks(db, kind: .company, from: merged, to: survivor, now: now)
        for id in [survivor] + merged {
            try await CustomerMetricsRows.refresh(db, table: "companies", column: "company_id", id: id)
        }
        let contacts = try await db.raw("SELECT DISTINCT contact_id FROM contact_companies WHERE company_id IN \(inList(merged))").all()
            .map { try $0.string("contact_id") }
        // A person in both companies keeps one membership, primary if either was.
        try await moveLinks(
            db, table: "contact_companies", column: "company_id", other: "contact_id", from: merged, to: survivor, carryPrimary: true)
        try await bumpVersions(db, table: "contacts", ids: contacts, now: now)
        try await moveSegmentMembers(db, from: merged, to: survivor)
    }

    /// Re-points the rows of a link table from the merged records to the survivor. A row whose other end
    /// is already linked to the survivor goes, so each pair stays linked once; with `carryPrimary` its
    /// `is_primary` first passes to the survivor's row.
    /// - Parameters:
    ///   - column: the column holding the merged records' ids.
    ///   - other: the column holding the linked records' ids.
    private func moveLinks(
        _ db: any SQLDatabase, table: String, column: String, other: String, from merged: [String], to survivor: String,
        carryPrimary: Bool = false
    ) async throws {
        for id in merged {
            if carryPrimary {
                try await db.raw(
                    """
                    UPDATE \(unsafeRaw: table) SET is_primary = \(bind: true) WHERE \(unsafeRaw: column) = \(bind: survivor)
                        AND \(unsafeRaw: other) IN (
                            SELECT \(unsafeRaw: other) FROM \(unsafeRaw: table) WHERE \(unsafeRaw: column) = \(bind: id) AND is_primary)
                    """
                ).run()
            }
            try await db.raw(
                """
                DELETE FROM \(unsafeRaw: table) WHERE \(unsafeRaw: column) = \(bind: id)
                    AND \(unsafeRaw: other) IN (SELECT \(unsafeRaw: other) FROM \(unsafeRaw: table) WHERE \(unsafeRaw: column) = \(bind: survivor))
                """
            ).run()
            try await db.raw(
                "UPDATE \(unsafeRaw: table) SET \(unsafeRaw: column) = \(bind: survivor) WHERE \(unsafeRaw: column) = \(bind: id)"
            ).run()
        }
    }

    private func moveTasks(_ db: any SQLDatabase, kind: RecordKind, from merged: [String], to survivor: String, now: Int64) async throws {
        try await db.raw(
            """
            UPDATE tasks SET related_id = \(bind: survivor), version = version + 1, updated_at = \(bind: now)
            WHERE related_kind = \(bind: kind.rawValue) AND related_id IN \(inList(merged))
            """
        ).run()
    }

    /// Static lists that held a merged record hold the survivor instead (once).
    private func moveSegmentMembers(_ db: any SQLDatabase, from merged: [String], to survivor: String) async throws {
        try await db.raw(
            """
            INSERT INTO segment_members (workspace_id, segment_id, record_id, added_at)
            SELECT workspace_id, segment_id, \(bind: survivor), MIN(added_at) FROM segment_members
            WHERE record_id IN \(inList(merged)) GROUP BY workspace_id, segment_id
            ON CONFLICT DO NOTHING
            """
        ).run()
        try await db.raw("DELETE FROM segment_members WHERE record_id IN \(inList(merged))").run()
    }

    private func bumpVersions(_ db: any SQLDatabase, table: String, ids: [String], now: Int64) async throws {
        guard !ids.isEmpty else { return }
        try await db.raw(
            "UPDATE \(unsafeRaw: table) SET version = version + 1, updated_at = \(bind: now) WHERE id IN \(inList(ids))"
        ).run()
    }

    /// Moves the documents attached to the merged records to the survivor, inside the merge's transaction
    /// (their versions follow their document).
    func moveDocuments(_ db: any SQLDatabase, kind: RecordKind, from merged: [String], to survivor: String) async throws {
        guard !merged.isEmpty else { return }
        try await db.raw(
            """
            UPDATE documents SET record_id = \(bind: survivor)
            WHERE record_type = \(bind: kind.rawValue) AND record_id IN \(inList(merged))
            """
        ).run()
    }
}
