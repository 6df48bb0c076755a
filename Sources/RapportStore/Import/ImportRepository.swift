public import Foundation
public import RapportCore
import SQLKit

/// An import as the user follows it: where it is and what it did.
public struct ImportRun: Sendable, Hashable {
    /// The import id.
    public typealias ID = Identifier<ImportRun>
    public var id: ID
    /// `contacts` (companies and deals come next).
    public var entity: String
    /// `queued`, `running`, `done`, `failed`, `undone`.
    public var status: String
    public var dryRun: Bool
    public var policy: DuplicatePolicy
    public var encoding: String
    public var totalRows: Int
    public var processedRows: Int
    public var created: Int
    public var updated: Int
    public var skipped: Int
    public var failed: Int
    public var createdAt: Date
    public var finishedAt: Date?
}

/// One row's outcome in an import's report.
public struct ImportRowOutcome: Sendable, Hashable {
    /// The line in the file (the header is line 1).
    public var row: Int
    /// `created`, `updated`, `skipped`, `failed`.
    public var outcome: String
    /// The record made or changed.
    public var recordID: String?
    /// Why it was skipped or failed.
    public var issues: [FieldIssue]
}

/// Imports of contacts from CSV as background jobs. Rows are processed in batches; each batch, its rows'
/// outcomes and the count of processed rows commit in one transaction, so a crash (even `kill -9`) loses
/// at most the batch in flight, which the next worker redoes: no half-written batch, no duplicate.
public struct ImportRepository: Sendable {
    let context: StoreContext

    /// Makes the repository.
    public init(context: StoreContext) { self.context = context }

    /// Rows per transaction.
    public static let batchSize = 200
    /// The job kind that runs imports.
    public static let jobKind = "import.run"

    /// Stores the file and queues its import. Refuses files with no recognisable column up front.
    public func start(
        _ bytes: [UInt8], fileName: String?, dryRun: Bool, policy: DuplicatePolicy, by actor: Actor
    ) async throws -> ImportRun {
        guard
            AccessPolicy.allows(
                actor, .create, .contact, Ownership(workspaceID: actor.workspaceID, ownerID: actor.userID, ownerTeamID: actor.teamID))
        else { throw RecordError.forbidden }
        let document = CSVReader.read(bytes)
        guard let header = document.records.first else { throw ValidationError("file", .required) }
        let mapping = ContactImport.mapColumns(header)
        if !mapping.contains(where: { [.fullName, .lastName, .firstName, .phone, .email].contains($0.field) }) {
            throw ValidationError("columns", .required)
        }
        // The text is kept as one CSV string in the store's own encoding (UTF-8).
        let text = document.records.map { $0.map(Self.quoted).joined(separator: ",") }.joined(separator: "\n")
        let id: ImportRun.ID = context.effects.id()
        let now = context.effects.now()
        try await context.database.transaction { db in
            try await db.raw(
                """
                INSERT INTO imports (id, workspace_id, user_id, entity, status, dry_run, policy, file_name, encoding, content, total_rows,
                    processed_rows, created, updated, skipped, failed, created_at)
                VALUES (\(bind: id.rawValue), \(bind: actor.workspaceID.rawValue), \(bind: actor.userID.rawValue), 'contacts', 'queued',
                    \(bind: dryRun), \(bind: policy.rawValue), \(bind: fileName), \(bind: document.encoding.rawValue), \(bind: text),
                    \(bind: document.records.count - 1), 0, 0, 0, 0, 0, \(bind: now.millis))
                """
            ).run()
        }
        try await JobRepository(context: context).enqueue(
            kind: Self.jobKind, payload: ["importId": .string(id.rawValue)], workspace: actor.workspaceID,
            uniqueKey: "import:\(id.rawValue)")
        return try await get(id, by: actor)
    }

    /// An import of the actor's workspace.
    public func get(_ id: ImportRun.ID, by actor: Actor) async throws -> ImportRun {
        guard
            let row = try await context.database.reader.raw(
                "SELECT * FROM imports WHERE id = \(bind: id.rawValue) AND workspace_id = \(bind: actor.workspaceID.rawValue)"
            ).first()
        else { throw RecordError.notFound(.contact) }
        return try Self.decode(row)
    }

    /// The rows that were not simply created, in file order (and, with `all`, every row).
    public func report(_ id: ImportRun.ID, all: Bool = false, by actor: Actor) async throws -> [ImportRowOutcome] {
        _ = try await get(id, by: actor)
        let rows = try await context.database.reader.raw(
            "SELECT * FROM import_rows WHERE import_id = \(bind: id.rawValue)\(unsafeRaw: all ? "" : " AND outcome <> 'created'") ORDER BY row_number"
        ).all()
        return try rows.map { row in
            ImportRowOutcome(
                row: try row.int("row_number"), outcome: try row.string("outcome"), recordID: try row.optionalString("record_id"),
                issues: try row.optionalString("issues").map { try JSONDecoder().decode([FieldIssue].self, from: Data($0.utf8)) } ?? [])
        }
    }

    /// Undoes an import: the contacts it created go to the trash (changes to existing contacts stay, and
    /// are in their history).
    public func undo(_ id: ImportRun.ID, by actor: Actor) async throws -> ImportRun {
        let run = try await get(id, by: actor)
        guard run.status == "done", !run.dryRun else { throw ValidationError("status", .invalidOption, ["options": "done"]) }
        let created = try await context.database.reader.raw(
            "SELECT record_id FROM import_rows WHERE import_id = \(bind: id.rawValue) AND outcome = 'created' AND record_id IS NOT NULL"
        ).all().map { try $0.string("record_id") }
        let contacts = ContactRepository(context: context)
        for record in created {
            do { _ = try await contacts.delete(Contact.ID(record), by: actor) } catch RecordError.inTrash(_) {}
        }
        try await context.database.transaction { db in
            try await db.raw("UPDATE imports SET status = 'undone' WHERE id = \(bind: id.rawValue)").run()
        }
        return try await get(id, by: actor)
    }

    /// Runs (or resumes) an import: the job's work. Calls `progress` after each batch.
    public func process(_ id: ImportRun.ID, progress: @Sendable (Int, Int) async throws -> Void) async throws {
        guard let row = try await context.database.reader.raw("SELECT * FROM imports WHERE id = \(bind: id.rawValue)").first() else {
            return
        }
        let run = try Self.decode(row)
        guard run.status == "queued" || run.status == "running" else { return }
        let workspace: Workspace.ID = try row.id("workspace_id")
        let userID: User.ID = try row.id("user_id")
        guard let userRow = try await context.database.reader.raw("SELECT * FROM users WHERE id = \(bind: userID.rawValue)").first() else {
            return
        }
        // The import runs with the rights of whoever started it.
        let actor = try UserRepository.decode(userRow).actor
        let records = CSVReader.parse(try row.string("content"), delimiter: ",")
        let mapping = ContactImport.mapColumns(records.first ?? [])
        let settings = try await WorkspaceRows.workspace(context.database.reader, workspace)
        let users = try await UserRepository(context: context, bcryptCost: 4).list(by: actor)
        let contacts = ContactRepository(context: context)
        try await context.database.transaction { db in
            try await db.raw("UPDATE imports SET status = 'running' WHERE id = \(bind: id.rawValue)").run()
        }
        var next = run.processedRows + 1
        while next < records.count {
            let end = min(next + Self.batchSize, records.count)
            let batch = Array(next..<end).map { (index: $0, record: records[$0]) }
            let dryRun = run.dryRun
            let policy = run.policy
            try await context.database.transaction { db in
                var (created, updated, skipped, failed) = (0, 0, 0, 0)
                let rules = try await WorkspaceRows.recordContext(db, context: context, workspace: workspace, entity: .contact)
                for (index, record) in batch {
                    var parsed = ContactImport.read(record, row: index + 1, mapping: mapping, region: settings.phoneRegion)
                    if let owner = parsed.owner {
                        let key = owner.lowercased()
                        if let match = users.first(where: { $0.email == key || $0.name.lowercased() == key }) {
                            parsed.input.ownerID = .set(match.id)
                        }
                    }
                    var outcome = "created"
                    var recordID: String?
                    var issues: [FieldIssue] = []
                    do {
                        let existing =
                            policy == .create
                            ? nil : try await Self.match(db, emails: parsed.emails, phones: parsed.phones, workspace: workspace)
                        if let existing {
                            let current = try await contacts.load(db, ids: [existing], workspace: workspace).first
                            if let current,
                                let change = ContactImport.merge(parsed.input, into: current, policy: policy, region: settings.phoneRegion)
                            {
                                if !dryRun {
                                    _ = try await contacts.update(db, current.id, change, expectedVersion: current.version, by: actor)
                                }
                                outcome = "updated"
                            } else {
                                outcome = "skipped"
                                issues = [FieldIssue(parsed.emails.isEmpty ? "phone" : "email", .duplicate)]
                            }
                            recordID = existing
                        } else if dryRun {
                            var probe = Contact(id: Contact.ID("dry-run"), workspaceID: workspace, now: rules.now, createdBy: userID)
                            probe = try probe.applying(parsed.input, context: rules)
                        } else {
                            recordID = try await contacts.create(db, parsed.input, by: actor, rules: rules).id.rawValue
                        }
                    } catch let error as ValidationError {
                        outcome = "failed"
                        issues = error.issues
                    }
                    switch outcome {
                    case "created": created += 1
                    case "updated": updated += 1
                    case "skipped": skipped += 1
                    default: failed += 1
                    }
                    try await db.raw(
                        """
                        INSERT INTO import_rows (import_id, row_number, outcome, record_id, issues)
                        VALUES (\(bind: id.rawValue), \(bind: index + 1), \(bind: outcome), \(bind: recordID),
                            \(bind: issues.isEmpty ? nil : jsonText(issues)))
                        """
                    ).run()
                }
                try await db.raw(
                    """
                    UPDATE imports SET processed_rows = \(bind: end - 1), created = created + \(bind: created), updated = updated + \(bind: updated),
                        skipped = skipped + \(bind: skipped), failed = failed + \(bind: failed)
                    WHERE id = \(bind: id.rawValue)
                    """
                ).run()
            }
            next = end
            try await progress(end - 1, records.count - 1)
        }
        try await context.database.transaction { db in
            guard
                let done = try await db.raw(
                    """
                    UPDATE imports SET status = 'done', finished_at = \(bind: context.effects.now().millis) WHERE id = \(bind: id.rawValue)
                    RETURNING *
                    """
                ).first()
            else { return }
            // The event commits with the import's end, so a subscriber hears of every finished import once.
            try await WebhookOutbox.publish(
                db, context: context, workspace: workspace, event: .importFinished, data: Self.webhookData(try Self.decode(done)))
        }
    }

    /// The existing contact a row (or a web form submission) matches: by e-mail, then by phone (rows
    /// created earlier in the same import included, so a file's own duplicates are caught too).
    static func match(_ db: any SQLDatabase, emails: [String], phones: [String], workspace: Workspace.ID) async throws -> String? {
        if !emails.isEmpty,
            let hit = try await db.raw(
                """
                SELECT e.record_id FROM emails e JOIN contacts c ON c.id = e.record_id
                WHERE e.workspace_id = \(bind: workspace.rawValue) AND e.record_kind = 'contact' AND e.address IN \(inList(emails))
                AND c.deleted_at IS NULL LIMIT 1
                """
            ).first()
        {
            return try hit.string("record_id")
        }
        if !phones.isEmpty,
            let hit = try await db.raw(
                """
                SELECT p.record_id FROM phones p JOIN contacts c ON c.id = p.record_id
                WHERE p.workspace_id = \(bind: workspace.rawValue) AND p.record_kind = 'contact' AND p.e164 IN \(inList(phones))
                AND c.deleted_at IS NULL LIMIT 1
                """
            ).first()
        {
            return try hit.string("record_id")
        }
        return nil
    }

    private static func quoted(_ field: String) -> String {
        field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
    }

    /// The `data` of an `import.finished` event.
    static func webhookData(_ run: ImportRun) -> JSONValue {
        .object([
            "id": .string(run.id.rawValue), "entity": .string(run.entity), "status": .string(run.status), "dryRun": .bool(run.dryRun),
            "totalRows": .int(Int64(run.totalRows)), "created": .int(Int64(run.created)), "updated": .int(Int64(run.updated)),
            "skipped": .int(Int64(run.skipped)), "failed": .int(Int64(run.failed)),
        ])
    }

    static func decode(_ row: any SQLRow) throws -> ImportRun {
        ImportRun(
            id: try row.id("id"), entity: try row.string("entity"), status: try row.string("status"), dryRun: try row.bool("dry_run"),
            policy: try row.enumValue("policy"), encoding: try row.string("encoding"), totalRows: try row.int("total_rows"),
            processedRows: try row.int("processed_rows"), created: try row.int("created"), updated: try row.int("updated"),
            skipped: try row.int("skipped"), failed: try row.int("failed"), createdAt: try row.date("created_at"),
            finishedAt: try row.optionalDate("finished_at"))
    }
}
