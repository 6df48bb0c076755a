public import Foundation
public import RapportCore
import SQLKit

/// An import as the user follows it: where it is and what it did.
public struct ImportRun: Sendable, Hashable {
    /// The import id.
    public typealias ID = Identifier<ImportRun>
    public var id: ID
    /// What the file holds.
    public var entity: ImportEntity
    /// `draft` (waiting for its column mapping), `queued`, `running`, `done`, `failed`, `undone`.
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

/// Imports of contacts, companies and deals from CSV, XLSX or vCard as background jobs. Rows are processed in batches; each batch, its rows'
/// outcomes and the count of processed rows commit in one transaction, so a crash (even `kill -9`) loses
/// at most the batch in flight, which the next worker redoes: no half-written batch, no duplicate.
public struct ImportRepository: Sendable {
    let context: StoreContext
    /// The size in UTF-8 bytes past which the kept text of an import starts a new part (see ``Schema/v22(_:_:)``).
    let partSize: Int

    /// Makes the repository.
    public init(context: StoreContext) { self.init(context: context, partSize: 4 << 20) }

    init(context: StoreContext, partSize: Int) {
        self.context = context
        self.partSize = partSize
    }

    /// Rows past which a finished import refreshes the planner's statistics.
    static let statisticsThreshold = 5_000
    /// Rows per transaction: contacts are written a batch at a time (see ``ImportRows/contacts(header:)``);
    /// companies and deals go row by row. A batch of 4,000 contacts holds the write lock for a few hundred
    /// milliseconds late in a million-row import; each commit also writes a segment of the search index, and
    /// four times fewer segments made a million-row import 117 s -> 97 s.
    public static func batchSize(_ entity: ImportEntity) -> Int { entity == .contacts ? 4_000 : 200 }
    /// The columns of ``ImportRun`` (the kept file is read only to run the import).
    static let columns = """
        id, workspace_id, entity, status, dry_run, policy, encoding, total_rows, processed_rows, created, updated, skipped, failed,
        created_at, finished_at
        """
    /// The job kind that runs imports.
    public static let jobKind = "import.run"

    /// Stores the file (CSV, XLSX or vCard, recognised by content) and queues its import, or with `review` keeps
    /// it as a draft until its column mapping is confirmed (``confirm(_:choices:by:)``). Refuses files with no
    /// recognisable column up front.
    public func start(
        _ bytes: consuming [UInt8], entity: ImportEntity = .contacts, fileName: String?, dryRun: Bool, policy: DuplicatePolicy,
        review: Bool = false,
        by actor: Actor
    ) async throws -> ImportRun {
        guard
            AccessPolicy.allows(
                actor, .create, entity.recordKind,
                Ownership(workspaceID: actor.workspaceID, ownerID: actor.userID, ownerTeamID: actor.teamID))
        else { throw RecordError.forbidden }
        let upload = try TabularFile.readUploadText(bytes)
        // The bytes are let go once read (a caller that hands them over holds no other copy).
        bytes = []
        // The rows are counted as they are read, not kept: a million-row file stays one text, kept in parts cut
        // between records.
        var records = upload.records
        guard let header = records.next() else { throw ValidationError("file", .required) }
        var count = 0
        var cuts = [upload.text.startIndex]
        while records.next() != nil {
            count += 1
            if upload.text.utf8.distance(from: cuts[cuts.count - 1], to: records.offset) >= partSize { cuts.append(records.offset) }
        }
        cuts.append(upload.text.endIndex)
        let parts = (0..<cuts.count - 1).filter { $0 == 0 || cuts[$0] < cuts[$0 + 1] }.map { cuts[$0]..<cuts[$0 + 1] }
        let rows = count
        // A file without the column that identifies a record is refused before anything is queued (unless the
        // person is about to say which column is which).
        guard review || Self.identifies(header, entity: entity) else { throw ValidationError("columns", .required) }
        let id: ImportRun.ID = context.effects.id()
        let now = context.effects.now()
        try await context.database.transaction { db in
            try await db.raw(
                """
                INSERT INTO imports (id, workspace_id, user_id, entity, status, dry_run, policy, file_name, encoding, content, delimiter,
                    total_rows, processed_rows, created, updated, skipped, failed, created_at)
                VALUES (\(bind: id.rawValue), \(bind: actor.workspaceID.rawValue), \(bind: actor.userID.rawValue), \(bind: entity.rawValue), \(bind: review ? "draft" : "queued"),
                    \(bind: dryRun), \(bind: policy.rawValue), \(bind: fileName), \(bind: upload.description), '',
                    \(bind: String(upload.delimiter)), \(bind: rows), 0, 0, 0, 0, 0, \(bind: now.millis))
                """
            ).run()
            // The text is kept apart from the row each batch updates (see ``Schema/v22(_:_:)``).
            for (part, range) in parts.enumerated() {
                try await db.raw(
                    """
                    INSERT INTO import_files (import_id, part, content)
                    VALUES (\(bind: id.rawValue), \(bind: part), \(bind: String(upload.text[range])))
                    """
                ).run()
            }
        }
        if !review {
            try await JobRepository(context: context).enqueue(
                kind: Self.jobKind, payload: ["importId": .string(id.rawValue)], workspace: actor.workspaceID,
                uniqueKey: "import:\(id.rawValue)")
        }
        return try await get(id, by: actor)
    }

    /// An import of the actor's workspace.
    public func get(_ id: ImportRun.ID, by actor: Actor) async throws -> ImportRun {
        guard
            let row = try await context.database.reader.raw(
                "SELECT \(unsafeRaw: Self.columns) FROM imports WHERE id = \(bind: id.rawValue) AND workspace_id = \(bind: actor.workspaceID.rawValue)"
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

    /// Undoes an import: the records it created go to the trash (changes to existing records stay, and
    /// are in their history).
    public func undo(_ id: ImportRun.ID, by actor: Actor) async throws -> ImportRun {
        let run = try await get(id, by: actor)
        guard run.status == "done", !run.dryRun else { throw ValidationError("status", .invalidOption, ["options": "done"]) }
        let created = try await context.database.reader.raw(
            "SELECT record_id FROM import_rows WHERE import_id = \(bind: id.rawValue) AND outcome = 'created' AND record_id IS NOT NULL"
        ).all().map { try $0.string("record_id") }
        for record in created {
            do {
                switch run.entity {
                case .contacts: _ = try await ContactRepository(context: context).delete(Contact.ID(record), by: actor)
                case .companies: _ = try await CompanyRepository(context: context).delete(Company.ID(record), by: actor)
                case .deals: _ = try await DealRepository(context: context).delete(Deal.ID(record), by: actor)
                }
            } catch RecordError.inTrash(_) {}
        }
        try await context.database.transaction { db in
            try await db.raw("UPDATE imports SET status = 'undone' WHERE id = \(bind: id.rawValue)").run()
        }
        return try await get(id, by: actor)
    }

    /// Runs (or resumes) an import: the job's work. Calls `progress` after each batch.
    public func process(_ id: ImportRun.ID, progress: @Sendable (Int, Int) async throws -> Void) async throws {
        guard
            let row = try await context.database.reader.raw(
                "SELECT \(unsafeRaw: Self.columns), user_id, delimiter FROM imports WHERE id = \(bind: id.rawValue)"
            ).first()
        else { return }
        let run = try Self.decode(row)
        guard run.status == "queued" || run.status == "running" else { return }
        let workspace: Workspace.ID = try row.id("workspace_id")
        let userID: User.ID = try row.id("user_id")
        guard let userRow = try await context.database.reader.raw("SELECT * FROM users WHERE id = \(bind: userID.rawValue)").first() else {
            return
        }
        // The import runs with the rights of whoever started it.
        let actor = try UserRepository.decode(userRow).actor
        // Records are read from the kept text as each batch needs them, a part at a time.
        var records = KeptText(database: context.database, importID: id, delimiter: Character(try row.string("delimiter")))
        let header = try await records.next() ?? []
        let entity = run.entity
        let settings = try await WorkspaceRows.workspace(context.database.reader, workspace)
        let users = try await UserRepository(context: context, bcryptCost: 4).list(by: actor)
        let rows = ImportRows(
            context: context, actor: actor, workspace: workspace, settings: settings, users: users, dryRun: run.dryRun, policy: run.policy)
        let handle: ImportRows.BatchHandler
        switch entity {
        case .contacts: handle = try await rows.contacts(header: header)
        case .companies: handle = try await rows.companies(header: header)
        case .deals: handle = try await rows.deals(header: header)
        }
        try await context.database.transaction { db in
            try await db.raw("UPDATE imports SET status = 'running' WHERE id = \(bind: id.rawValue)").run()
        }
        // Rows done before a restart are read past (a dry run remembers their keys for in-file duplicates).
        var line = 1
        while line <= run.processedRows, let record = try await records.next() {
            line += 1
            await handle.skipped(record)
        }
        let size = Self.batchSize(entity)
        let bulk = context.dialect == .sqlite && run.totalRows > Self.statisticsThreshold
        // The next batch is read and prepared (``ImportRows/BatchHandler/prepare``) while this one is written: two
        // cores instead of one.
        typealias Read = (records: KeptText, line: Int, rows: [(row: Int, record: [String])], prepared: (any Sendable)?)
        let read: @Sendable (KeptText, Int) -> Task<Read, any Error> = { records, line in
            Task {
                var (records, line) = (records, line)
                var batch: [(row: Int, record: [String])] = []
                while batch.count < size, let record = try await records.next() {
                    line += 1
                    batch.append((line, record))
                }
                return (records, line, batch, batch.isEmpty ? nil : try await handle.prepare(batch))
            }
        }
        var next = read(records, line)
        defer { next.cancel() }
        try await Self.withBulkSettings(context.database, bulk: bulk) {
            while true {
                let (records, line, rows, prepared) = try await next.value
                guard let last = rows.last?.row else { break }
                next = read(records, line)
                try await context.database.transaction { db in
                    let rules = try await WorkspaceRows.recordContext(db, context: context, workspace: workspace, entity: entity.recordKind)
                    let results = try await handle.batch(db, rules, rows, prepared)
                    try await ImportRowsTable.insert(db, importID: id.rawValue, rows: zip(rows, results).map { ($0.row, $1) })
                    let count = { (outcome: String) in results.count { $0.outcome == outcome } }
                    let failed = results.count - count("created") - count("updated") - count("skipped")
                    try await db.raw(
                        """
                        UPDATE imports SET processed_rows = \(bind: last - 1), created = created + \(bind: count("created")),
                            updated = updated + \(bind: count("updated")), skipped = skipped + \(bind: count("skipped")),
                            failed = failed + \(bind: failed)
                        WHERE id = \(bind: id.rawValue)
                        """
                    ).run()
                }
                try await progress(last - 1, run.totalRows)
            }
        }
        // A large import changes the tables' sizes by orders of magnitude: refresh the planner's statistics
        // now rather than at the next hourly run, so lists and reports over the new rows plan well.
        if run.totalRows > Self.statisticsThreshold { try await MaintenanceRepository(context: context).refreshPlannerStatistics() }
        try await context.database.transaction { db in
            guard
                let done = try await db.raw(
                    """
                    UPDATE imports SET status = 'done', finished_at = \(bind: context.effects.now().millis) WHERE id = \(bind: id.rawValue)
                    RETURNING \(unsafeRaw: Self.columns)
                    """
                ).first()
            else { return }
            // The event commits with the import's end, so a subscriber hears of every finished import once.
            try await WebhookOutbox.publish(
                db, context: context, workspace: workspace, event: .importFinished, data: Self.webhookData(try Self.decode(done)))
        }
    }

    /// Runs `body` with the writer connection set for a large import when `bulk` (SQLite), and puts the usual
    /// settings back after it, also when it throws (a crash leaves the index's setting, which only changes when
    /// segments merge):
    /// - the write-ahead log is copied into the database every 64 MB instead of 4 MB, with an fsync each time;
    /// - the page cache is 256 MB instead of 64 MB: merging the search index's segments reads their pages back,
    ///   and on a file growing to 4 GB most of them had left the cache (a third of a million-row import's CPU
    ///   went to those reads);
    /// - the search index (FTS5) merges its segments sixteen at a time instead of four, so each document is
    ///   written again at fewer levels.
    ///
    /// A million-row import measured 142 s with sixteen-way merges and the 64 MB cache, 140 s with four-way merges
    /// and the 256 MB cache, 107 s with both; a 384 MB cache took the import past 500 MB of memory.
    private static func withBulkSettings(_ database: Database, bulk: Bool, _ body: () async throws -> Void) async throws {
        guard bulk else { return try await body() }
        func set(_ statements: [String]) async throws {
            try await database.transaction { db in
                for statement in statements { try await db.raw(SQLQueryString(statement)).run() }
            }
        }
        try await set([
            "PRAGMA wal_autocheckpoint = 16384", "INSERT INTO search_fts(search_fts, rank) VALUES ('automerge', 16)",
            "PRAGMA cache_size = -262144",
        ])
        let usual = [
            "PRAGMA wal_autocheckpoint = 1000", "INSERT INTO search_fts(search_fts, rank) VALUES ('automerge', 4)",
            "PRAGMA cache_size = -65536",
        ]
        do {
            try await body()
        } catch {
            try? await set(usual)
            throw error
        }
        try await set(usual)
    }

    /// The `data` of an `import.finished` event.
    static func webhookData(_ run: ImportRun) -> JSONValue {
        .object([
            "id": .string(run.id.rawValue), "entity": .string(run.entity.rawValue), "status": .string(run.status),
            "dryRun": .bool(run.dryRun),
            "totalRows": .int(Int64(run.totalRows)), "created": .int(Int64(run.created)), "updated": .int(Int64(run.updated)),
            "skipped": .int(Int64(run.skipped)), "failed": .int(Int64(run.failed)),
        ])
    }

    static func decode(_ row: any SQLRow) throws -> ImportRun {
        ImportRun(
            id: try row.id("id"), entity: ImportEntity(rawValue: try row.string("entity")) ?? .contacts, status: try row.string("status"),
            dryRun: try row.bool("dry_run"),
            policy: try row.enumValue("policy"), encoding: try row.string("encoding"), totalRows: try row.int("total_rows"),
            processedRows: try row.int("processed_rows"), created: try row.int("created"), updated: try row.int("updated"),
            skipped: try row.int("skipped"), failed: try row.int("failed"), createdAt: try row.date("created_at"),
            finishedAt: try row.optionalDate("finished_at"))
    }
}

/// The records of an import's kept text, read a part at a time (parts are cut between records, so each is read
/// on its own).
struct KeptText: Sendable {
    let database: Database
    let importID: ImportRun.ID
    let delimiter: Character
    private var part = 0
    private var records: CSVReader.Records?

    init(database: Database, importID: ImportRun.ID, delimiter: Character) {
        (self.database, self.importID, self.delimiter) = (database, importID, delimiter)
    }

    /// The next record, or nil after the last part.
    mutating func next() async throws -> [String]? {
        while true {
            if let record = records?.next() { return record }
            guard
                let row = try await database.reader.raw(
                    "SELECT content FROM import_files WHERE import_id = \(bind: importID.rawValue) AND part = \(bind: part)"
                ).first()
            else { return nil }
            records = CSVReader.Records(try row.string("content"), delimiter: delimiter)
            part += 1
        }
    }
}
