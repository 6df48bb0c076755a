import Crypto
public import Foundation
public import RapportCore
import SQLKit

/// Documents attached to contacts, companies and deals, with their versions. Whoever may see the record
/// sees its documents; whoever may change the record may attach, add versions and delete
/// (``DocumentRules/parentOperation(for:)``). Every upload, deletion and download is in the record's audit
/// log.
public struct DocumentRepository: Sendable {
    let context: StoreContext
    /// Where the bytes live.
    public let files: FileStore

    /// Makes the repository.
    public init(context: StoreContext, files: FileStore) {
        self.context = context
        self.files = files
    }

    /// The documents of a record, newest first (the trash's with `trash`).
    public func list(on record: RecordRef, trash: Bool = false, by actor: Actor) async throws -> [Document] {
        let db = context.database.reader
        try await requireParent(db, record, .read, actor: actor)
        let rows = try await db.raw(
            """
            SELECT id FROM documents WHERE workspace_id = \(bind: actor.workspaceID.rawValue) AND record_id = \(bind: record.id)
                AND record_type = \(bind: record.kind.rawValue) AND deleted_at IS \(unsafeRaw: trash ? "NOT NULL" : "NULL")
            ORDER BY created_at DESC, id DESC LIMIT 500
            """
        ).all()
        return try await load(db, ids: rows.map { try $0.string("id") }, workspace: actor.workspaceID)
    }

    /// The documents in the trash, most recently deleted first, for the global trash page: those whose
    /// record is live and visible to the actor (a record in the trash hides its documents, as it does on the
    /// record's card).
    public func trash(limit: Int = 100, by actor: Actor) async throws -> [Document] {
        let db = context.database.reader
        var found: [(deletedAt: Int64, id: String)] = []
        for kind in DocumentRules.attachableKinds {
            guard let (table, owner) = RecordOwners.table(kind) else { continue }
            let conditions: [SQLQueryString] = [
                "d.workspace_id = \(bind: actor.workspaceID.rawValue)", "d.record_type = \(bind: kind.rawValue)",
                "d.deleted_at IS NOT NULL", "r.deleted_at IS NULL",
                AccessRows.condition(AccessPolicy.visibility(for: actor, of: kind), ownerColumn: "r.\(owner)"),
            ]
            let rows = try await db.raw(
                "SELECT d.id, d.deleted_at FROM documents d JOIN \(unsafeRaw: table) r ON r.id = d.record_id AND r.workspace_id = d.workspace_id WHERE "
                    + conditions.anded() + " ORDER BY d.deleted_at DESC, d.id DESC LIMIT \(literal: limit)"
            ).all()
            found += try rows.map { (try $0.int64("deleted_at"), try $0.string("id")) }
        }
        let newest = found.sorted { ($0.deletedAt, $0.id) > ($1.deletedAt, $1.id) }.prefix(limit)
        return try await load(db, ids: newest.map(\.id), workspace: actor.workspaceID)
    }

    /// A document with every version, if the actor may see its record.
    public func get(_ id: Document.ID, by actor: Actor) async throws -> Document {
        let db = context.database.reader
        guard let document = try await load(db, ids: [id.rawValue], workspace: actor.workspaceID).first,
            DocumentRules.attachableKinds.contains(document.record.kind), try await RecordOwners.canRead(db, document.record, actor: actor)
        else { throw RecordError.notFound(.contact) }
        return document
    }

    /// Attaches a new document (its version 1) to a record.
    /// - Throws: ``ValidationError`` (too large, no file name), ``RecordError`` when the record is unknown or
    ///   the actor may not change it.
    public func upload(to record: RecordRef, _ upload: DocumentUpload, bytes: [UInt8], by actor: Actor) async throws -> Document {
        guard DocumentRules.attachableKinds.contains(record.kind) else { throw ValidationError("recordType", .invalidOption) }
        let clean = try DocumentRules.validate(upload, maximumBytes: files.maximumBytes, needsTitle: true)
        try await requireParent(context.database.reader, record, .create, actor: actor)
        let version = try store(bytes, clean, number: 1, actor: actor)
        let id: Document.ID = context.effects.id()
        try await context.database.transaction { db in
            try await requireParent(db, record, .create, actor: actor)
            let now = version.uploadedAt.millis
            try await db.raw(
                """
                INSERT INTO documents (id, workspace_id, record_type, record_id, title, current_version, created_by, created_at,
                    updated_by, updated_at)
                VALUES (\(bind: id.rawValue), \(bind: actor.workspaceID.rawValue), \(bind: record.kind.rawValue), \(bind: record.id),
                    \(bind: clean.title), 1, \(bind: actor.userID.rawValue), \(bind: now), \(bind: actor.userID.rawValue), \(bind: now))
                """
            ).run()
            try await insert(db, version, document: id, workspace: actor.workspaceID)
            try await audit(db, record, actor: actor, action: .update, before: .null, after: summary(id, clean.title, version))
        }
        return try await get(id, by: actor)
    }

    /// Adds the next version of a document.
    public func addVersion(_ id: Document.ID, _ upload: DocumentUpload, bytes: [UInt8], by actor: Actor) async throws -> Document {
        let clean = try DocumentRules.validate(upload, maximumBytes: files.maximumBytes, needsTitle: false)
        let existing = try await get(id, by: actor)
        guard existing.deletedAt == nil else { throw RecordError.inTrash(existing.record.kind) }
        try await requireParent(context.database.reader, existing.record, .update, actor: actor)
        let stored = try store(bytes, clean, number: 0, actor: actor)
        try await context.database.transaction { db in
            // The counter moves under the row lock, so two concurrent uploads get two numbers.
            guard
                let row = try await db.raw(
                    """
                    UPDATE documents SET current_version = current_version + 1, updated_at = \(bind: stored.uploadedAt.millis),
                        updated_by = \(bind: actor.userID.rawValue)
                    WHERE id = \(bind: id.rawValue) AND workspace_id = \(bind: actor.workspaceID.rawValue) AND deleted_at IS NULL
                    RETURNING current_version, record_type, record_id, title
                    """
                ).first()
            else { throw RecordError.notFound(existing.record.kind) }
            var version = stored
            version.number = try row.int("current_version")
            let record = RecordRef(kind: try row.enumValue("record_type"), id: try row.string("record_id"))
            try await requireParent(db, record, .update, actor: actor)
            try await insert(db, version, document: id, workspace: actor.workspaceID)
            try await audit(
                db, record, actor: actor, action: .update, before: summary(id, existing.title, existing.current),
                after: summary(id, try row.string("title"), version))
        }
        return try await get(id, by: actor)
    }

    /// One version's metadata and bytes (checked against its SHA-256); the download is audited as an export.
    public func content(_ id: Document.ID, version number: Int, by actor: Actor) async throws -> (DocumentVersion, Data) {
        let document = try await get(id, by: actor)
        guard let version = document.versions.first(where: { $0.number == number }) else {
            throw RecordError.notFound(document.record.kind)
        }
        let data = try files.read(key: version.storageKey)
        guard Self.sha256(data) == version.sha256 else { throw FileStore.Failure.corrupt(version.storageKey) }
        try await context.database.transaction { db in
            try await audit(db, document.record, actor: actor, action: .export, before: .null, after: summary(id, document.title, version))
        }
        return (version, data)
    }

    /// Moves a document to the trash (its files stay until the trash is purged).
    public func delete(_ id: Document.ID, by actor: Actor) async throws -> Document { try await setDeleted(id, true, actor) }

    /// Brings a document back from the trash.
    public func restore(_ id: Document.ID, by actor: Actor) async throws -> Document { try await setDeleted(id, false, actor) }

    private func setDeleted(_ id: Document.ID, _ deleted: Bool, _ actor: Actor) async throws -> Document {
        let document = try await get(id, by: actor)
        if deleted, document.deletedAt != nil { throw RecordError.inTrash(document.record.kind) }
        if !deleted, document.deletedAt == nil { throw RecordError.notInTrash(document.record.kind) }
        try await context.database.transaction { db in
            try await requireParent(db, document.record, .delete, actor: actor)
            let now = context.effects.now().millis
            try await db.raw(
                """
                UPDATE documents SET deleted_at = \(bind: deleted ? now : nil), updated_by = \(bind: actor.userID.rawValue)
                WHERE id = \(bind: id.rawValue) AND workspace_id = \(bind: actor.workspaceID.rawValue)
                """
            ).run()
            let about = summary(id, document.title, document.current)
            try await audit(
                db, document.record, actor: actor, action: .update, before: deleted ? about : .null, after: deleted ? .null : about)
        }
        return try await get(id, by: actor)
    }

    // MARK: Purge

    /// Erases documents that have been in the trash since before `cutoff` (Unix milliseconds), each with a
    /// purge entry on its record. Their files stay on disk: equal files are shared, and a file is never
    /// deleted inside a transaction that might still roll back.
    /// - Returns: how many documents were erased.
    static func purgeTrash(_ db: any SQLDatabase, context: StoreContext, before cutoff: Int64) async throws -> Int {
        let rows = try await db.raw(
            "SELECT id, workspace_id, record_type, record_id, title FROM documents WHERE deleted_at IS NOT NULL AND deleted_at < \(bind: cutoff)"
        ).all()
        for row in rows {
            let id = try row.string("id")
            try await db.raw("DELETE FROM document_versions WHERE document_id = \(bind: id)").run()
            try await db.raw("DELETE FROM documents WHERE id = \(bind: id)").run()
            try await AuditRows.append(
                db, context: context, workspace: try row.id("workspace_id"), actor: nil,
                record: RecordRef(kind: try row.enumValue("record_type"), id: try row.string("record_id")), action: .purge,
                changes: [
                    FieldChange(field: "documents", before: ["id": .string(id), "title": .string(try row.string("title"))], after: .null)
                ])
        }
        return rows.count
    }

    /// Erases the documents of a record that is being purged.
    static func purgeAttached(_ db: any SQLDatabase, to recordID: String) async throws {
        try await db.raw(
            "DELETE FROM document_versions WHERE document_id IN (SELECT id FROM documents WHERE record_id = \(bind: recordID))"
        ).run()
        try await db.raw("DELETE FROM documents WHERE record_id = \(bind: recordID)").run()
    }

    // MARK: Parts

    /// Hashes and stores the bytes (before any row names them), returning the version to insert.
    private func store(
        _ bytes: [UInt8], _ clean: (fileName: String, title: String, mediaType: String), number: Int, actor: Actor
    ) throws -> DocumentVersion {
        let hash = Self.sha256(bytes)
        let key = DocumentRules.storageKey(workspace: actor.workspaceID, sha256: hash)
        try files.write(bytes, key: key)
        return DocumentVersion(
            number: number, fileName: clean.fileName, mediaType: clean.mediaType, size: Int64(bytes.count), sha256: hash, storageKey: key,
            uploadedBy: actor.userID, uploadedAt: context.effects.now())
    }

    private func insert(_ db: any SQLDatabase, _ v: DocumentVersion, document: Document.ID, workspace: Workspace.ID) async throws {
        try await db.raw(
            """
            INSERT INTO document_versions (workspace_id, document_id, number, file_name, media_type, size, sha256, storage_key,
                uploaded_by, uploaded_at)
            VALUES (\(bind: workspace.rawValue), \(bind: document.rawValue), \(bind: v.number), \(bind: v.fileName), \(bind: v.mediaType),
                \(bind: v.size), \(bind: v.sha256), \(bind: v.storageKey), \(bind: v.uploadedBy?.rawValue), \(bind: v.uploadedAt.millis))
            """
        ).run()
    }

    private func summary(_ id: Document.ID, _ title: String, _ version: DocumentVersion?) -> JSONValue {
        guard let version else { return .null }
        return [
            "id": .string(id.rawValue), "title": .string(title), "version": .int(Int64(version.number)),
            "fileName": .string(version.fileName), "size": .int(version.size), "sha256": .string(version.sha256),
        ]
    }

    /// Documents are audited on the record they are attached to, so its history shows them.
    private func audit(_ db: any SQLDatabase, _ record: RecordRef, actor: Actor, action: AuditAction, before: JSONValue, after: JSONValue)
        async throws
    {
        try await AuditRows.append(
            db, context: context, workspace: actor.workspaceID, actor: actor.userID, record: record, action: action,
            changes: [FieldChange(field: "documents", before: before, after: after)])
    }

    /// Refuses an unknown or invisible record as not found, a visible one the actor may not change as
    /// forbidden (one read of the record; what an operation on its documents needs of it is
    /// ``DocumentRules/parentOperation(for:)``). Upload and new version check before the file is written,
    /// so a refused request stores no bytes, and again under the transaction, where the record may have
    /// gone meanwhile.
    private func requireParent(_ db: any SQLDatabase, _ record: RecordRef, _ operation: RecordOperation, actor: Actor) async throws {
        guard DocumentRules.attachableKinds.contains(record.kind) else { throw RecordError.notFound(record.kind) }
        switch try await RecordOwners.access(db, record, DocumentRules.parentOperation(for: operation), actor: actor) {
        case .missing: throw RecordError.notFound(record.kind)
        case .readOnly: throw RecordError.forbidden
        case .allowed: return
        }
    }

    func load(_ db: any SQLDatabase, ids: [String], workspace: Workspace.ID) async throws -> [Document] {
        guard !ids.isEmpty else { return [] }
        let rows = try await db.raw("SELECT * FROM documents WHERE workspace_id = \(bind: workspace.rawValue) AND id IN \(inList(ids))")
            .all()
        let versionRows = try await db.raw(
            """
            SELECT * FROM document_versions WHERE workspace_id = \(bind: workspace.rawValue) AND document_id IN \(inList(ids))
            ORDER BY document_id, number
            """
        ).all()
        var versions: [String: [DocumentVersion]] = [:]
        for row in versionRows {
            versions[try row.string("document_id"), default: []].append(
                DocumentVersion(
                    number: try row.int("number"), fileName: try row.string("file_name"), mediaType: try row.string("media_type"),
                    size: try row.int64("size"), sha256: try row.string("sha256"), storageKey: try row.string("storage_key"),
                    uploadedBy: try row.optionalID("uploaded_by"), uploadedAt: try row.date("uploaded_at")))
        }
        var byID: [String: Document] = [:]
        for row in rows {
            let id = try row.string("id")
            byID[id] = Document(
                id: Document.ID(id), workspaceID: try row.id("workspace_id"),
                record: RecordRef(kind: try row.enumValue("record_type"), id: try row.string("record_id")), title: try row.string("title"),
                currentVersion: try row.int("current_version"), versions: versions[id] ?? [], createdBy: try row.optionalID("created_by"),
                createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"), deletedAt: try row.optionalDate("deleted_at"))
        }
        return ids.compactMap { byID[$0] }
    }

    /// Lowercase hex SHA-256 of bytes.
    static func sha256(_ bytes: some DataProtocol) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }
}
