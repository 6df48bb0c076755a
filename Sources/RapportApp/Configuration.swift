import Foundation
public import Logging
public import RapportStore

/// Rapport's settings, read once at start-up: command-line options first, then `RAPPORT_*` environment
/// variables, then defaults. Every invalid value is reported at once, by name.
public struct Configuration: Sendable {
    /// Address to listen on. `RAPPORT_HOST`, default `127.0.0.1`.
    public var host: String = "127.0.0.1"
    /// Port to listen on. `RAPPORT_PORT`, default `8080`.
    public var port: Int = 8080
    /// Where the data lives: `RAPPORT_DATABASE_URL` (`postgres://…`) selects PostgreSQL; otherwise an
    /// SQLite file `rapport.sqlite` in `RAPPORT_DATA_DIR` (default `./rapport-data`).
    public var database: DatabaseLocation = .sqliteFile(path: "rapport-data/rapport.sqlite")
    /// Folder for the SQLite file and uploaded documents (`files/`). `RAPPORT_DATA_DIR`.
    public var dataDirectory: String = "rapport-data"
    /// Database connections. `RAPPORT_DB_POOL_SIZE`, default 4.
    public var poolSize: Int = 4
    /// Seconds a request waits for a free PostgreSQL connection before it is answered 503 (busy, nothing
    /// written; the client may send it again). `RAPPORT_DB_POOL_TIMEOUT` (1…600), default
    /// ``Database/defaultPoolTimeoutSeconds``.
    public var poolTimeoutSeconds: Int = Database.defaultPoolTimeoutSeconds
    /// How much of the SQLite file is read through a memory map, in MB. `RAPPORT_SQLITE_MMAP_MB` (0…65536),
    /// default 1024; `rapport import` defaults to 0 (its pages would count as the process's memory).
    public var sqliteMemoryMapMB: Int = 1024
    /// Log level. `RAPPORT_LOG_LEVEL` (trace, debug, info, notice, warning, error, critical), default info.
    public var logLevel: Logger.Level = .info
    /// Mark session cookies `Secure`. `RAPPORT_SECURE_COOKIES` (true/false), default false; a request that
    /// arrives through a proxy with `X-Forwarded-Proto: https` gets a Secure cookie either way.
    public var secureCookies: Bool = false
    /// Days a deleted record stays in the trash before it is purged. `RAPPORT_TRASH_RETENTION_DAYS`, default 30.
    public var trashRetentionDays: Int = 30
    /// Background workers inside `rapport serve` (0 leaves the jobs to `rapport worker` processes).
    /// `RAPPORT_WORKERS` (0…16), default 1.
    public var workers: Int = 1
    /// bcrypt cost for passwords. `RAPPORT_BCRYPT_COST` (4…16), default 12.
    public var bcryptCost: Int = 12
    /// Run migrations at start-up. `RAPPORT_AUTO_MIGRATE` (true/false), default true; with false the server
    /// refuses to start on a database that needs migrating and says to run `rapport migrate`.
    public var autoMigrate: Bool = true
    /// The largest document upload, in megabytes. `RAPPORT_MAX_UPLOAD_MB` (1…2048), default 25.
    public var maxUploadMegabytes: Int = 25

    /// The defaults.
    public init() {}

    /// The store of uploaded documents: `files/` in the data directory, with the upload limit.
    public var fileStore: FileStore {
        FileStore(
            root: URL(fileURLWithPath: dataDirectory).appendingPathComponent("files"), maximumBytes: maxUploadMegabytes << 20)
    }

    /// Every variable this reads, with its meaning (for `--help` and the README).
    public static let environmentHelp: [(String, String)] = [
        ("RAPPORT_HOST", "address to listen on (default 127.0.0.1)"),
        ("RAPPORT_PORT", "port to listen on (default 8080)"),
        ("RAPPORT_DATABASE_URL", "postgres://user:password@host:5432/db selects PostgreSQL (default: embedded SQLite)"),
        ("RAPPORT_DATA_DIR", "folder of the SQLite database and uploaded documents (default ./rapport-data)"),
        ("RAPPORT_DB_POOL_SIZE", "database connections (default 4)"),
        (
            "RAPPORT_DB_POOL_TIMEOUT",
            "seconds a request waits for a PostgreSQL connection before a 503 (1–600, default \(Database.defaultPoolTimeoutSeconds))"
        ),
        ("RAPPORT_LOG_LEVEL", "trace|debug|info|notice|warning|error|critical (default info)"),
        ("RAPPORT_SECURE_COOKIES", "true to mark session cookies Secure (default false)"),
        ("RAPPORT_TRASH_RETENTION_DAYS", "days before the trash is purged (default 30)"),
        ("RAPPORT_WORKERS", "background job workers in `serve` (0–16, default 1; 0 leaves jobs to `rapport worker`)"),
        ("RAPPORT_BCRYPT_COST", "bcrypt cost 4..16 (default 12)"),
        ("RAPPORT_AUTO_MIGRATE", "run migrations at start-up (default true)"),
        ("RAPPORT_MAX_UPLOAD_MB", "largest document upload in megabytes (1–2048, default 25)"),
    ]

    /// Invalid configuration values, all named.
    public struct Invalid: Error, CustomStringConvertible {
        /// One message per bad key.
        public var problems: [String]
        /// A message listing every problem.
        public var description: String { "Invalid configuration:\n" + problems.map { "  - \($0)" }.joined(separator: "\n") }
    }

    /// Reads the configuration.
    /// - Parameters:
    ///   - environment: the process environment.
    ///   - options: values from the command line, by environment-variable name; these win.
    public static func load(environment: [String: String], options: [String: String] = [:]) throws -> Configuration {
        var configuration = Configuration()
        var problems: [String] = []
        func value(_ key: String) -> String? { (options[key] ?? environment[key]).flatMap { $0.isEmpty ? nil : $0 } }
        func integer(_ key: String, _ range: ClosedRange<Int>) -> Int? {
            guard let text = value(key) else { return nil }
            guard let number = Int(text), range.contains(number) else {
                problems.append("\(key)=\(text): expected a whole number from \(range.lowerBound) to \(range.upperBound)")
                return nil
            }
            return number
        }
        func flag(_ key: String) -> Bool? {
            guard let text = value(key)?.lowercased() else { return nil }
            switch text {
            case "1", "true", "yes", "on": return true
            case "0", "false", "no", "off": return false
            default:
                problems.append("\(key)=\(text): expected true or false")
                return nil
            }
        }
        if let host = value("RAPPORT_HOST") { configuration.host = host }
        if let port = integer("RAPPORT_PORT", 0...65535) { configuration.port = port }
        if let folder = value("RAPPORT_DATA_DIR") { configuration.dataDirectory = folder }
        configuration.database = .sqliteFile(path: (configuration.dataDirectory as NSString).appendingPathComponent("rapport.sqlite"))
        if let url = value("RAPPORT_DATABASE_URL") {
            if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
                configuration.database = .postgres(url: url)
            } else if url.hasPrefix("sqlite://") || url.hasPrefix("sqlite:") {
                let path = url.hasPrefix("sqlite://") ? String(url.dropFirst("sqlite://".count)) : String(url.dropFirst("sqlite:".count))
                configuration.database = .sqliteFile(path: path)
            } else {
                problems.append("RAPPORT_DATABASE_URL: expected postgres://user:password@host:5432/database or sqlite:PATH")
            }
        }
        if let size = integer("RAPPORT_DB_POOL_SIZE", 1...256) { configuration.poolSize = size }
        if let seconds = integer("RAPPORT_DB_POOL_TIMEOUT", 1...600) { configuration.poolTimeoutSeconds = seconds }
        if let size = integer("RAPPORT_SQLITE_MMAP_MB", 0...65536) { configuration.sqliteMemoryMapMB = size }
        if let level = value("RAPPORT_LOG_LEVEL") {
            if let parsed = Logger.Level(rawValue: level.lowercased()) {
                configuration.logLevel = parsed
            } else {
                problems.append("RAPPORT_LOG_LEVEL=\(level): expected trace, debug, info, notice, warning, error or critical")
            }
        }
        if let secure = flag("RAPPORT_SECURE_COOKIES") { configuration.secureCookies = secure }
        if let days = integer("RAPPORT_TRASH_RETENTION_DAYS", 1...3650) { configuration.trashRetentionDays = days }
        if let cost = integer("RAPPORT_BCRYPT_COST", 4...16) { configuration.bcryptCost = cost }
        if let workers = integer("RAPPORT_WORKERS", 0...16) { configuration.workers = workers }
        if let migrate = flag("RAPPORT_AUTO_MIGRATE") { configuration.autoMigrate = migrate }
        if let megabytes = integer("RAPPORT_MAX_UPLOAD_MB", 1...2048) { configuration.maxUploadMegabytes = megabytes }
        if !problems.isEmpty { throw Invalid(problems: problems) }
        return configuration
    }
}
