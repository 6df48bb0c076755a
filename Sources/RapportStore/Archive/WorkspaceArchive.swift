public import Foundation
public import RapportCore
import SQLKit

/// The whole of one workspace as one file, and back: `rapport export --workspace ID --out FILE` and
/// `rapport import --archive FILE` (the layout is ``ArchiveFormat``). The import restores into an empty
/// install, keeping every id and time, so export → import → export gives identical table files.
///
/// Password hashes and API-token hashes travel (people sign in after the move as before; tokens keep
/// working); sessions, sign-in throttling, idempotency replays and the job queue are the install's own
/// and do not (``excludedTables``).
public struct WorkspaceArchive: Sendable {
    let context: StoreContext
    let files: FileStore
    /// The rows an export reads at once from a table.
    let pageSize: Int
    /// The bytes of a table's file a restore reads at once.
    let pieceSize: Int

    /// Makes the archiver.
    public init(context: StoreContext, files: FileStore) {
        self.init(context: context, files: files, pageSize: 5_000, pieceSize: 1 << 20)
    }

    /// Tests make the sizes small, so that pages and pieces end in the middle of a table and of a line.
    /// - Parameters:
    ///   - pageSize: the rows an export reads at once from a table.
    ///   - pieceSize: the bytes of a table's file a restore reads at once.
    init(context: StoreContext, files: FileStore, pageSize: Int, pieceSize: Int) {
        self.context = context
        self.files = files
        self.pageSize = max(1, pageSize)
        self.pieceSize = max(1, pieceSize)
    }

    /// Which rows of a table belong to a workspace.
    enum Scope: Sendable {
        /// The `workspace_id` column.
        case workspaceColumn
        /// The `workspaces` table itself.
        case workspaceRow
        /// A child table without `workspace_id`: its parent column and the parent table.
        case parent(column: String, table: String)
    }

    /// A table of the archive: its name, its primary key (the rows' order), which rows are the workspace's,
    /// and columns left out (filled in again by the database).
    struct TableSpec: Sendable {
        var name: String
        var key: [String]
        var scope: Scope = .workspaceColumn
        var omitted: [String] = []
    }

    /// Every workspace table, in the order an import inserts them (parents before children). The one place
    /// that says what a workspace is made of: a test fails when the schema has a table that is neither here
    /// nor in ``excludedTables``.
    static let tables: [TableSpec] = [
        TableSpec(name: "workspaces", key: ["id"], scope: .workspaceRow),
        TableSpec(name: "teams", key: ["id"]),
        TableSpec(name: "users", key: ["id"]),
        TableSpec(name: "api_tokens", key: ["id"]),
        TableSpec(name: "tags", key: ["id"]),
        TableSpec(name: "custom_field_definitions", key: ["id"]),
        TableSpec(name: "pipelines", key: ["id"]),
        TableSpec(name: "stages", key: ["id"]),
        TableSpec(name: "contacts", key: ["id"]),
        TableSpec(name: "companies", key: ["id"]),
        TableSpec(name: "contact_companies", key: ["contact_id", "company_id"]),
        TableSpec(name: "phones", key: ["record_kind", "record_id", "position"]),
        TableSpec(name: "emails", key: ["record_kind", "record_id", "position"]),
        TableSpec(name: "record_tags", key: ["record_kind", "record_id", "tag_id"]),
        TableSpec(name: "deals", key: ["id"]),
        TableSpec(name: "deal_contacts", key: ["deal_id", "contact_id"]),
        TableSpec(name: "stage_history", key: ["id"]),
        TableSpec(name: "activities", key: ["id"]),
        TableSpec(name: "tasks", key: ["id"]),
        TableSpec(name: "products", key: ["id"]),
        TableSpec(name: "orders", key: ["id"]),
        TableSpec(name: "order_lines", key: ["order_id", "position"]),
        TableSpec(name: "client_products", key: ["client_id", "product_id"]),
        TableSpec(name: "purchase_tallies", key: ["workspace_id"]),
        TableSpec(name: "purchase_days", key: ["workspace_id", "day"]),
        TableSpec(name: "purchase_gaps", key: ["workspace_id", "gap", "earlier_day", "day"]),
        TableSpec(name: "segments", key: ["id"]),
        TableSpec(name: "segment_members", key: ["segment_id", "record_id"]),
        TableSpec(name: "counters", key: ["workspace_id", "name"]),
        TableSpec(name: "saved_views", key: ["id"]),
        TableSpec(name: "dashboards", key: ["user_id"]),
        TableSpec(name: "win_models", key: ["workspace_id"]),
        TableSpec(name: "imports", key: ["id"]),
        TableSpec(name: "import_files", key: ["import_id", "part"], scope: .parent(column: "import_id", table: "imports")),
        TableSpec(name: "import_rows", key: ["import_id", "row_number"], scope: .parent(column: "import_id", table: "imports")),
        TableSpec(name: "documents", key: ["id"]),
        TableSpec(name: "document_versions", key: ["document_id", "number"]),
        TableSpec(name: "duplicate_dismissals", key: ["workspace_id", "record_kind", "first_id", "second_id"]),
        TableSpec(name: "webhooks", key: ["id"]),
        TableSpec(name: "forms", key: ["id"]),
        TableSpec(name: "form_submissions", key: ["id"]),
        TableSpec(name: "telephony_calls", key: ["workspace_id", "call_id"]),
        TableSpec(name: "audit_log", key: ["id"]),
        // The search index's row numbers are the database's own; the documents are keyed by record.
        TableSpec(name: "search_docs", key: ["record_id"], omitted: ["id"]),
    ]

    /// Tables that are not part of a workspace's data, and why.
    static let excludedTables: [String: String] = [
        "schema_migrations": "the install's schema history (the manifest carries the schema version instead)",
        "sessions": "sign-ins of this install; people sign in again after the move",
        "login_throttle": "the install's sign-in rate limiting",
        "idempotency_keys": "short-lived replays of POST responses",
        "jobs": "the install's queue; scheduled jobs are re-created by the scheduler, finished ones are history",
        "webhook_events": "the install's outbox of events not yet sent; the subscriptions themselves travel",
        "webhook_deliveries": "the install's delivery log (kept 30 days)",
        "webhook_attempts": "the install's delivery log (kept 30 days)",
    ]

    /// SQLite's full-text tables are rebuilt from `search_docs` by its triggers, and the reports' per-day
    /// rollups (migrations 23 and 27) with their changes by theirs as the contacts, deals, orders and visits are restored.
    static func isDerived(_ table: String) -> Bool {
        table.hasPrefix("search_fts") || table.hasPrefix("sqlite_") || table.hasPrefix("source_day")
            || table.hasPrefix("stage_visit_day")
    }

    /// The archive's errors, each with a message for the command line.
    public enum Failure: Error, CustomStringConvertible, Equatable {
        /// The workspace does not exist.
        case noSuchWorkspace(String)
        /// The install already holds a workspace.
        case installNotEmpty
        /// The file is not a Rapport archive, or is damaged.
        case malformed(String)
        /// The archive was written by a binary with another schema.
        case schemaMismatch(archive: Int, binary: Int)
        /// A file's bytes do not match the hash the archive lists.
        case fileCorrupt(String)
        /// A table of the database has a column of a type the archive cannot carry.
        case unsupportedColumn(table: String, column: String, type: String)

        public var description: String {
            switch self {
            case .noSuchWorkspace(let id): "No workspace \(id)."
            case .installNotEmpty:
                "This install already has a workspace: an archive is restored only into an empty database (and data directory)."
            case .malformed(let detail): "Not a valid Rapport archive: \(detail)"
            case .schemaMismatch(let archive, let binary):
                "The archive has schema version \(archive) but this binary has \(binary): import it with the Rapport version that wrote it (or migrate that install first, then export again)."
            case .fileCorrupt(let key): "The archive's file \(key) does not match its SHA-256."
            case .unsupportedColumn(let table, let column, let type):
                "Column \(table).\(column) has a type the archive cannot carry (\(type))."
            }
        }
    }

    // MARK: Catalog

    /// Every table of the database.
    func catalogTables(_ db: any SQLDatabase) async throws -> [String] {
        let rows: [any SQLRow]
        switch context.dialect {
        case .sqlite: rows = try await db.raw("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all()
        case .postgres:
            rows = try await db.raw(
                "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
            ).all()
        }
        return try rows.map { try $0.string("name") }
    }

    /// A table's columns with their kinds, sorted by name (the archive's fixed column order).
    func columns(_ db: any SQLDatabase, _ table: String) async throws -> [ArchiveManifest.Column] {
        var found: [(String, String)] = []
        switch context.dialect {
        case .sqlite:
            for row in try await db.raw("SELECT name, type FROM pragma_table_info(\(bind: table))").all() {
                found.append((try row.string("name"), try row.string("type")))
            }
        case .postgres:
            for row in try await db.raw(
                "SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = \(bind: table)"
            ).all() {
                found.append((try row.string("name"), try row.string("type")))
            }
        }
        return try found.sorted { $0.0 < $1.0 }.map { name, type in
            guard let kind = ArchiveFormat.ColumnKind(declared: type) else {
                throw Failure.unsupportedColumn(table: table, column: name, type: type)
            }
            return ArchiveManifest.Column(name: name, kind: kind)
        }
    }

    /// The tables of the database that neither the archive nor the exclusions account for (a test keeps
    /// this empty, so a new table cannot silently miss the archive).
    public func uncoveredTables() async throws -> [String] {
        let known = Set(Self.tables.map(\.name)).union(Self.excludedTables.keys)
        return try await catalogTables(context.database.reader).filter { !known.contains($0) && !Self.isDerived($0) }
    }

    // MARK: Export

    /// Writes the workspace's archive to a file (replacing it), one table at a time.
    /// - Returns: the manifest written.
    @discardableResult
    public func export(workspace: Workspace.ID, to url: URL) async throws -> ArchiveManifest {
        let db = context.database.reader
        guard try await db.raw("SELECT id FROM workspaces WHERE id = \(bind: workspace.rawValue)").first() != nil else {
            throw Failure.noSuchWorkspace(workspace.rawValue)
        }
        // Written under a temporary name and renamed when complete, so a failed export leaves no half archive.
        let partial = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial")
        guard FileManager.default.createFile(atPath: partial.path, contents: nil) else { throw CocoaError(.fileWriteNoPermission) }
        let handle = try FileHandle(forWritingTo: partial)
        defer {
            try? handle.close()
            try? FileManager.default.removeItem(at: partial)
        }
        // Every table is read in one read-only transaction: the archive is the workspace at one moment, also
        // while people work in it.
        let (tablesWritten, tables, storedFiles) = try await context.database.snapshot { db in
            var zip = ZipWriter()
            var tables: [ArchiveManifest.Table] = []
            var storedFiles: [String: ArchiveManifest.File] = [:]
            for spec in Self.tables {
                let columns = try await columns(db, spec.name).filter { !spec.omitted.contains($0.name) }
                let names = columns.map(\.name)
                try handle.write(contentsOf: zip.beginFile(path: ArchiveFormat.tablePath(spec.name)))
                var chunk: [UInt8] = []
                var count = 0
                try await forEachPage(db, spec, columns: columns, workspace: workspace) { rows in
                    for row in rows {
                        let values = try columns.map { try Self.value(row, $0) }
                        chunk += Array((ArchiveFormat.line(names, values) + "\n").utf8)
                        if chunk.count >= 1 << 16 {
                            try handle.write(contentsOf: zip.writeFileData(chunk))
                            chunk.removeAll(keepingCapacity: true)
                        }
                        if spec.name == "document_versions", case .string(let key) = values[names.firstIndex(of: "storage_key") ?? 0],
                            case .string(let hash) = values[names.firstIndex(of: "sha256") ?? 0],
                            case .int(let size) = values[names.firstIndex(of: "size") ?? 0]
                        {
                            storedFiles[key] = ArchiveManifest.File(key: key, sha256: hash, size: size)
                        }
                    }
                    count += rows.count
                }
                try handle.write(contentsOf: zip.writeFileData(chunk))
                try handle.write(contentsOf: zip.endFile())
                tables.append(ArchiveManifest.Table(name: spec.name, rows: count, columns: columns))
            }
            return (zip, tables, storedFiles)
        }
        var zip = tablesWritten
        let fileList = storedFiles.values.sorted { $0.key < $1.key }
        for file in fileList {
            try handle.write(
                contentsOf: zip.addFile(path: ArchiveFormat.filePath(file.key), contents: Array(try files.read(key: file.key))))
        }
        let manifest = ArchiveManifest(
            schemaVersion: Migrations.latestVersion, workspaceId: workspace.rawValue, createdAt: Self.timestamp(context.effects.now()),
            tables: tables, files: fileList)
        try handle.write(contentsOf: zip.addFile(path: ArchiveFormat.manifestPath, contents: try manifest.encoded()))
        try handle.write(contentsOf: zip.finish())
        try handle.close()
        if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
        try FileManager.default.moveItem(at: partial, to: url)
        return manifest
    }

    /// A table's rows of the workspace in key order (text by its bytes), passed to `body` a page at a time, so
    /// that memory holds one page and not the largest table; `db` is in a transaction.
    func forEachPage(
        _ db: any SQLDatabase, _ spec: TableSpec, columns: [ArchiveManifest.Column], workspace: Workspace.ID,
        _ body: ([any SQLRow]) async throws -> Void
    ) async throws {
        let kinds = Dictionary(uniqueKeysWithValues: columns.map { ($0.name, $0.kind) })
        let key = spec.key.map { kinds[$0] == .text ? $0 + context.dialect.binaryCollation : $0 }.joined(separator: ", ")
        let select: SQLQueryString =
            "SELECT \(unsafeRaw: columns.map(\.name).joined(separator: ", ")) FROM \(unsafeRaw: spec.name) WHERE \(scope(spec, workspace))"
        switch context.dialect {
        case .postgres:
            // One query read through a cursor: ordered by bytes (`COLLATE "C"`), a key cannot use its index, so
            // pages by key would sort the table again for each page.
            try await db.raw("DECLARE archive_rows NO SCROLL CURSOR FOR " + select + " ORDER BY \(unsafeRaw: key)").run()
            while true {
                let rows = try await db.raw("FETCH FORWARD \(unsafeRaw: String(pageSize)) FROM archive_rows").all()
                try await body(rows)
                if rows.count < pageSize { break }
            }
            try await db.raw("CLOSE archive_rows").run()
        case .sqlite:
            // Each page starts after the last key of the one before, walking the key's index (every table's key
            // is its primary key or a unique one).
            let keyColumns = spec.key.compactMap { name in columns.first { $0.name == name } }
            var after: [JSONValue]?
            while true {
                let past: SQLQueryString = after.map { " AND (\(unsafeRaw: key)) > (\($0.map(bindCell).joined(separator: ", ")))" } ?? ""
                let rows = try await db.raw(select + past + " ORDER BY \(unsafeRaw: key) LIMIT \(unsafeRaw: String(pageSize))").all()
                try await body(rows)
                guard rows.count == pageSize, let last = rows.last else { break }
                after = try keyColumns.map { try Self.value(last, $0) }
            }
        }
    }

    private func scope(_ spec: TableSpec, _ workspace: Workspace.ID) -> SQLQueryString {
        switch spec.scope {
        // SQLite's unary `+` keeps the planner off the workspace's index: with it, it would sort the workspace's
        // rows again for every page instead of walking the key's index.
        case .workspaceColumn:
            context.dialect == .sqlite ? "+workspace_id = \(bind: workspace.rawValue)" : "workspace_id = \(bind: workspace.rawValue)"
        case .workspaceRow: "id = \(bind: workspace.rawValue)"
        case .parent(let column, let table):
            "\(unsafeRaw: column) IN (SELECT id FROM \(unsafeRaw: table) WHERE workspace_id = \(bind: workspace.rawValue))"
        }
    }

    static func value(_ row: any SQLRow, _ column: ArchiveManifest.Column) throws -> JSONValue {
        if try row.decodeNil(column: column.name) { return .null }
        switch column.kind {
        case .text: return .string(try row.decode(column: column.name, as: String.self))
        case .integer: return .int(try row.decode(column: column.name, as: Int64.self))
        case .real: return .double(try row.decode(column: column.name, as: Double.self))
        case .boolean: return .bool(try row.decode(column: column.name, as: Bool.self))
        }
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    // MARK: Import

    /// Restores an archive into this install, which must hold no workspace: files first (each checked
    /// against its SHA-256), then every row in one transaction, parents before children.
    /// - Returns: the archive's manifest.
    @discardableResult
    public func restore(from url: URL) async throws -> ArchiveManifest {
        // The archive is read from its file a piece at a time: memory holds the directory, one file or one piece
        // of a table, not the archive.
        let reader: ZipReader
        do { reader = try ZipReader(source: try FileZipSource(url)) } catch let error as ZipError {
            throw Failure.malformed("\(error)")
        }
        // A table's text is as large as the workspace makes it: the bound is the archive's own size (our
        // archives store their entries), and sixteen times it for an archive someone compressed again.
        let limit = max(ZipReader.defaultLimit, reader.size.multipliedReportingOverflow(by: 16).partialValue)
        @Sendable func contents(_ path: String) throws -> ArraySlice<UInt8> {
            do { return try reader.slice(at: path, limit: limit) } catch { throw Failure.malformed("\(path): \(error)") }
        }
        let manifest: ArchiveManifest
        do {
            manifest = try JSONDecoder().decode(ArchiveManifest.self, from: Data(try contents(ArchiveFormat.manifestPath)))
        } catch let error as Failure { throw error } catch { throw Failure.malformed("manifest.json: \(error)") }
        guard manifest.format == ArchiveFormat.formatName, manifest.formatVersion == ArchiveFormat.formatVersion else {
            throw Failure.malformed("format \(manifest.format) \(manifest.formatVersion)")
        }
        guard manifest.schemaVersion == Migrations.latestVersion else {
            throw Failure.schemaMismatch(archive: manifest.schemaVersion, binary: Migrations.latestVersion)
        }
        guard manifest.tables.map(\.name) == Self.tables.map(\.name) else {
            throw Failure.malformed("its tables differ from this version's: \(manifest.tables.map(\.name))")
        }
        let db = context.database.reader
        guard try await db.raw("SELECT id FROM workspaces LIMIT 1").first() == nil else { throw Failure.installNotEmpty }
        for table in manifest.tables {
            let spec = Self.tables.first { $0.name == table.name }
            let expected = try await columns(db, table.name).filter { !(spec?.omitted.contains($0.name) ?? false) }
            guard expected == table.columns else { throw Failure.malformed("the columns of \(table.name) differ from this database's") }
        }
        // Files go in before the rows that name them, each checked.
        for file in manifest.files {
            let bytes = try contents(ArchiveFormat.filePath(file.key))
            let hash = DocumentRepository.sha256(bytes)
            guard hash == file.sha256, file.key.hasSuffix(hash), Int64(bytes.count) == file.size else {
                throw Failure.fileCorrupt(file.key)
            }
            do { try files.write(bytes, key: file.key) } catch FileStore.Failure.invalidKey(let key) {
                throw Failure.malformed("file key \(key)")
            }
        }
        // Then every row in one transaction, a table at a time, read a piece of its file at a time and inserted a
        // thousand rows per statement; a bad line (or a table file that fails its checksum) anywhere rolls all of
        // it back.
        let decoder = JSONDecoder()
        try await context.database.transaction { db in
            for table in manifest.tables {
                let path = ArchiveFormat.tablePath(table.name)
                guard let entry = reader.entry(at: path) else { throw Failure.malformed("\(path): \(ZipError.entryNotFound(path: path))") }
                let statement = "INSERT INTO \(table.name) (\(table.columns.map(\.name).joined(separator: ", ")))"
                var rows: [[SQLQueryString]] = []
                var count = 0
                func flush() async throws {
                    try await insertRows(db, statement, columns: table.columns.count, rows) { "(" + $0.joined(separator: ", ") + ")" }
                    rows.removeAll(keepingCapacity: true)
                }
                func add(_ line: ArraySlice<UInt8>) async throws {
                    count += 1
                    rows.append(try Self.row(line, of: table, number: count, decoder: decoder))
                    if rows.count == 1_000 { try await flush() }
                }
                var lines = LineJoiner()
                do {
                    try await reader.forEachPiece(of: entry, limit: limit, pieceSize: pieceSize) { piece in
                        for line in lines.lines(in: piece) { try await add(line) }
                    }
                } catch let error as ZipError {
                    throw Failure.malformed("\(path): \(error)")
                }
                if let last = lines.finish() { try await add(last) }
                try await flush()
                guard count == table.rows else {
                    throw Failure.malformed("\(table.name) has \(count) rows, the manifest says \(table.rows)")
                }
            }
        }
        return manifest
    }
}

extension WorkspaceArchive {
    /// One line of a table's NDJSON as the cells to insert, each checked against its column's kind.
    static func row(_ line: ArraySlice<UInt8>, of table: ArchiveManifest.Table, number: Int, decoder: JSONDecoder) throws
        -> [SQLQueryString]
    {
        guard case .object(let object)? = try? decoder.decode(JSONValue.self, from: Data(line)), object.count == table.columns.count
        else { throw Failure.malformed("\(table.name) line \(number)") }
        return try table.columns.map { column in
            guard let raw = object[column.name], let value = ArchiveFormat.typed(raw, as: column.kind) else {
                throw Failure.malformed("\(table.name) line \(number), column \(column.name)")
            }
            return bindCell(value)
        }
    }
}

/// An archive read from its file a range at a time (`pread`), for ``ZipReader``.
final class FileZipSource: ZipSource {
    let size: Int
    private let descriptor: Int32

    init(_ url: URL) throws {
        let descriptor = open(url.path, O_RDONLY)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let code = POSIXErrorCode(rawValue: errno) ?? .EIO
            close(descriptor)
            throw POSIXError(code)
        }
        self.descriptor = descriptor
        self.size = Int(status.st_size)
    }

    deinit { close(descriptor) }

    func read(_ range: Range<Int>) throws -> ArraySlice<UInt8> {
        guard !range.isEmpty else { return [] }
        var bytes = [UInt8](repeating: 0, count: range.count)
        var done = 0
        while done < range.count {
            let count = bytes.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress! + done, range.count - done, off_t(range.lowerBound + done))
            }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            // The file ended early: the reader reports the short read.
            if count == 0 { break }
            done += count
        }
        return bytes[0..<done]
    }
}

extension Dialect {
    /// Orders text by its bytes on both engines (PostgreSQL's default collation may follow a locale).
    var binaryCollation: String { self == .postgres ? " COLLATE \"C\"" : "" }
}
