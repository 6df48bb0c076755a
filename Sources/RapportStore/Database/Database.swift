@preconcurrency import AsyncKit
import Foundation
public import Logging
import NIOCore
import NIOPosix
import PostgresKit
public import SQLKit
import SQLiteKit
import Synchronization

/// Which SQL engine is underneath. Every place the two differ switches on this, and only in the
/// small named helpers of `Dialect+SQL.swift` and the migrations.
public enum Dialect: String, Sendable {
    case sqlite
    case postgres
}

/// Where the data lives, from configuration.
public enum DatabaseLocation: Sendable, Hashable, CustomStringConvertible {
    /// An SQLite file (created if missing, with its folder).
    case sqliteFile(path: String)
    /// A PostgreSQL server, by `postgres://user:password@host:port/database` URL.
    case postgres(url: String)

    /// Where, with any password hidden (safe to log).
    public var description: String {
        switch self {
        case .sqliteFile(let path): return "sqlite:\(path)"
        case .postgres(let url):
            guard var components = URLComponents(string: url) else { return "postgres:<unparseable url>" }
            if components.password != nil { components.password = "***" }
            return components.string ?? "postgres"
        }
    }
}

/// Errors opening or migrating the database; each message says how to fix it.
public enum DatabaseError: Error, CustomStringConvertible, Equatable {
    /// The URL could not be understood.
    case invalidURL(String)
    /// The schema was written by a newer Rapport.
    case schemaNewerThanBinary(database: Int, binary: Int)
    /// A migration started and never finished.
    case halfMigrated(version: Int, name: String)
    /// Migrations are pending and this process does not run them.
    case migrationsPending(current: Int, latest: Int)

    /// A message for the operator.
    public var description: String {
        switch self {
        case .invalidURL(let reason):
            return "The database URL is not valid (\(reason)). Expected postgres://user:password@host:5432/database."
        case .schemaNewerThanBinary(let database, let binary):
            return
                "The database schema is at version \(database) but this rapport binary knows only up to \(binary). Run the newer rapport binary, or restore a backup made by this version."
        case .halfMigrated(let version, let name):
            return
                "Migration \(version) (\(name)) started but did not finish, so the schema may be incomplete. Restore the backup taken before the upgrade, or, if you have checked the schema, run `rapport migrate --retry-unfinished` to run it again."
        case .migrationsPending(let current, let latest):
            return "The database schema is at version \(current); version \(latest) is required. Run `rapport migrate`."
        }
    }
}

/// The database: reads from a pool of connections, writes in transactions. On SQLite all writes go through
/// one writer connection in turn (SQLite allows one writer; queueing here avoids busy errors), and reads
/// use several WAL readers. On PostgreSQL both use a connection pool.
public final class Database: Sendable {
    /// The SQL engine.
    public let dialect: Dialect
    /// Whether substring search has an index (pg_trgm on PostgreSQL, FTS5 trigram on SQLite).
    public let hasTrigramSearch: Bool
    /// Where it is.
    public let location: DatabaseLocation
    private let backend: Backend
    private let logger: Logger
    private let closed = Mutex(false)

    private enum Backend: Sendable {
        case sqlite(SQLiteBackend)
        case postgres(PostgresBackend)
    }

    /// How long a request waits for a free PostgreSQL connection unless configured otherwise, in seconds.
    public static let defaultPoolTimeoutSeconds = 10

    /// Opens the database.
    /// - Parameters:
    ///   - location: where it is.
    ///   - poolSize: connections for reads (SQLite) or in total per event loop (PostgreSQL).
    ///   - poolTimeoutSeconds: how long a request waits for a free PostgreSQL connection before it fails as busy.
    ///   - memoryMapMB: how much of an SQLite file to read through a memory map (PostgreSQL ignores it).
    ///   - logger: for connection-level debug logs.
    public static func open(
        location: DatabaseLocation, poolSize: Int, poolTimeoutSeconds: Int = defaultPoolTimeoutSeconds, memoryMapMB: Int = 1024,
        logger: Logger
    ) async throws -> Database {
        switch location {
        case .sqliteFile(let path):
            let backend = try await SQLiteBackend.open(path: path, readers: max(1, poolSize), memoryMapMB: memoryMapMB, logger: logger)
            return Database(dialect: .sqlite, trigram: true, location: location, backend: .sqlite(backend), logger: logger)
        case .postgres(let url):
            let backend = try await PostgresBackend.open(
                url: url, poolSize: max(1, poolSize), requestTimeout: .seconds(Int64(max(1, poolTimeoutSeconds))), logger: logger)
            let trigram = await backend.enableTrigram()
            return Database(dialect: .postgres, trigram: trigram, location: location, backend: .postgres(backend), logger: logger)
        }
    }

    private init(dialect: Dialect, trigram: Bool, location: DatabaseLocation, backend: Backend, logger: Logger) {
        self.dialect = dialect
        self.location = location
        self.hasTrigramSearch = trigram
        self.backend = backend
        self.logger = logger
    }

    /// A database for reads outside a transaction.
    public var reader: any SQLDatabase {
        switch backend {
        case .sqlite(let sqlite): sqlite.nextReader()
        case .postgres(let postgres): postgres.database
        }
    }

    /// Runs `body` in one transaction: everything or nothing is written.
    public func transaction<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        switch backend {
        case .sqlite(let sqlite):
            return try await sqlite.write { db in try await Self.run(body, on: db, begin: "BEGIN IMMEDIATE") }
        case .postgres(let postgres):
            return try await postgres.database.withSession { db in try await Self.run(body, on: db, begin: "BEGIN") }
        }
    }

    /// Runs `body` on one connection in a read-only transaction: every statement sees the database as it was at
    /// the first (SQLite: a transaction on one reader, a snapshot of the write-ahead log; PostgreSQL:
    /// `REPEATABLE READ`). Writes go on meanwhile; SQLite's log is not checkpointed past the snapshot until it ends.
    public func snapshot<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        switch backend {
        case .sqlite(let sqlite):
            return try await sqlite.nextReader().withSession { db in try await Self.run(body, on: db, begin: "BEGIN") }
        case .postgres(let postgres):
            return try await postgres.database.withSession { db in
                try await Self.run(body, on: db, begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            }
        }
    }

    private static func run<R: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> R, on db: any SQLDatabase, begin: String
    ) async throws -> R {
        try await db.raw(SQLQueryString(begin)).run()
        do {
            let result = try await body(db)
            try await db.raw("COMMIT").run()
            return result
        } catch {
            try? await db.raw("ROLLBACK").run()
            throw UniqueViolation.from(error) ?? error
        }
    }

    /// Whether the database answers.
    public func ping() async -> Bool {
        do {
            _ = try await reader.raw("SELECT 1 AS one").first()
            return true
        } catch {
            return false
        }
    }

    /// Connections opened, for the metrics endpoint.
    public var connectionCount: Int {
        switch backend {
        case .sqlite(let sqlite): sqlite.readers.count + 1
        case .postgres(let postgres): postgres.poolSize
        }
    }

    /// Closes every connection (once; later calls do nothing).
    public func close() async {
        let alreadyClosed = closed.withLock { closed in
            defer { closed = true }
            return closed
        }
        guard !alreadyClosed else { return }
        switch backend {
        case .sqlite(let sqlite): await sqlite.close()
        case .postgres(let postgres): await postgres.close()
        }
    }
}

/// SQLite: one writer connection used in turn, and WAL readers each lent to one statement at a time.
private final class SQLiteBackend: Sendable {
    let writer: SQLiteConnection
    let readers: [SQLiteConnection]
    let threadPool: NIOThreadPool
    let writeLock = AsyncLock()
    let readerPool: ReaderPool

    init(writer: SQLiteConnection, readers: [SQLiteConnection], threadPool: NIOThreadPool) {
        self.writer = writer
        self.readers = readers
        self.threadPool = threadPool
        self.readerPool = ReaderPool(readers.map { $0.sql() })
    }

    static func open(path: String, readers readerCount: Int, memoryMapMB: Int, logger: Logger) async throws -> SQLiteBackend {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        let pool = NIOThreadPool(numberOfThreads: readerCount + 1)
        pool.start()
        let loop = MultiThreadedEventLoopGroup.singleton.any()
        func connect(readOnly: Bool) async throws -> SQLiteConnection {
            let connection = try await SQLiteConnection.open(storage: .file(path: path), threadPool: pool, logger: logger, on: loop)
            let db = connection.sql()
            // WAL lets readers run while one writer writes; busy_timeout covers other processes
            // (a CLI command next to a running server) holding the write lock for a moment.
            for pragma in [
                "PRAGMA journal_mode = WAL", "PRAGMA foreign_keys = ON", "PRAGMA busy_timeout = 10000",
                "PRAGMA synchronous = NORMAL", "PRAGMA cache_size = -65536", "PRAGMA temp_store = MEMORY",
                "PRAGMA mmap_size = \(memoryMapMB * 1_048_576)",
            ] {
                try await db.raw(SQLQueryString(pragma)).run()
            }
            if readOnly { try await db.raw("PRAGMA query_only = ON").run() }
            return connection
        }
        let writer = try await connect(readOnly: false)
        var readers: [SQLiteConnection] = []
        for _ in 0..<readerCount { readers.append(try await connect(readOnly: true)) }
        return SQLiteBackend(writer: writer, readers: readers, threadPool: pool)
    }

    func nextReader() -> any SQLDatabase { readerPool }

    func write<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await writeLock.withLock { try await body(SQLiteWriter(self.writer)) }
    }

    func close() async {
        for connection in readers + [writer] { try? await connection.close() }
        try? await threadPool.shutdownGracefully()
    }
}

/// PostgreSQL: a connection pool over the shared event loop group.
private final class PostgresBackend: Sendable {
    let pool: EventLoopGroupConnectionPool<PostgresConnectionSource>
    let database: any SQLDatabase
    let poolSize: Int

    init(pool: EventLoopGroupConnectionPool<PostgresConnectionSource>, logger: Logger, poolSize: Int) {
        self.pool = pool
        self.database = pool.database(logger: logger).sql()
        self.poolSize = poolSize
    }

    static func open(url: String, poolSize: Int, requestTimeout: TimeAmount, logger: Logger) async throws -> PostgresBackend {
        let configuration: SQLPostgresConfiguration
        do {
            configuration = try SQLPostgresConfiguration(url: url)
        } catch {
            throw DatabaseError.invalidURL(String(describing: error))
        }
        let group = MultiThreadedEventLoopGroup.singleton
        let perLoop = max(1, poolSize / max(1, System.coreCount))
        let pool = EventLoopGroupConnectionPool(
            source: PostgresConnectionSource(sqlConfiguration: configuration),
            maxConnectionsPerEventLoop: perLoop, requestTimeout: requestTimeout, logger: logger, on: group)
        let backend = PostgresBackend(pool: pool, logger: logger, poolSize: perLoop * System.coreCount)
        do {
            _ = try await backend.database.raw("SELECT 1 AS one").first()
        } catch {
            // A server that refuses us (down, or out of connection slots) is an error to report, and the pool
            // must be shut down before it goes (AsyncKit asserts it was).
            try? await pool.shutdownAsync()
            throw error
        }
        return backend
    }

    /// Tries to enable pg_trgm (a trusted extension: a database owner may create it). Without it, search
    /// still works, only without an index.
    func enableTrigram() async -> Bool {
        try? await database.raw("CREATE EXTENSION IF NOT EXISTS pg_trgm").run()
        let row = try? await database.raw("SELECT 1 AS present FROM pg_extension WHERE extname = 'pg_trgm'").first()
        return row != nil
    }

    func close() async {
        try? await pool.shutdownAsync()
    }
}

/// SQLite readers lent out one statement at a time. A statement shares its connection's read snapshot with
/// any statement still open on it, so handing a busy reader to a second request could show that request
/// data older than what was just committed (a record created a moment ago answering 404). A statement
/// waits for a free reader instead.
private final class ReaderPool: SQLDatabase, Sendable {
    private let readers: [any SQLDatabase]
    private let state = Mutex<(busy: [Bool], waiting: [CheckedContinuation<Int, Never>])>(([], []))

    init(_ readers: [any SQLDatabase]) {
        self.readers = readers
        state.withLock { $0.busy = Array(repeating: false, count: readers.count) }
    }

    var logger: Logger { readers[0].logger }
    var eventLoop: any EventLoop { readers[0].eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { readers[0].version }
    var dialect: any SQLDialect { readers[0].dialect }
    var queryLogLevel: Logger.Level? { readers[0].queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        promise.completeWithTask { try await self.execute(sql: query, onRow) }
        return promise.futureResult
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        let index = await lease()
        defer { release(index) }
        try await readers[index].execute(sql: query, onRow)
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        let index = await lease()
        defer { release(index) }
        return try await closure(readers[index])
    }

    private func lease() async -> Int {
        if let free = state.withLock({ state -> Int? in
            guard let index = state.busy.firstIndex(of: false) else { return nil }
            state.busy[index] = true
            return index
        }) {
            return free
        }
        return await withCheckedContinuation { continuation in
            // Checked again under the lock: a reader may have been released meanwhile.
            let free = state.withLock { state -> Int? in
                if let index = state.busy.firstIndex(of: false) {
                    state.busy[index] = true
                    return index
                }
                state.waiting.append(continuation)
                return nil
            }
            if let free { continuation.resume(returning: free) }
        }
    }

    private func release(_ index: Int) {
        // The reader passes straight to the longest waiter, still marked busy.
        let next = state.withLock { state -> CheckedContinuation<Int, Never>? in
            if state.waiting.isEmpty {
                state.busy[index] = false
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume(returning: index)
    }
}

/// The SQLite writer connection as SQLKit sees it, and as itself for the bulk inserts that bind their values
/// directly (``insertRows(_:into:columns:_:tail:cells:)``): SQLKit boxes each bound value, which showed in
/// imports binding tens of thousands per batch.
struct SQLiteWriter: SQLDatabase {
    let connection: SQLiteConnection
    private let base: any SQLDatabase

    init(_ connection: SQLiteConnection) {
        self.connection = connection
        self.base = connection.sql()
    }

    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { base.dialect }
    var queryLogLevel: Logger.Level? { base.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        base.execute(sql: query, onRow)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try await base.execute(sql: query, onRow)
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await closure(self)
    }
}
