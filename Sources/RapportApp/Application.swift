public import Foundation
public import Hummingbird
public import Logging
import Prometheus
public import RapportCore
public import RapportHTTP
import RapportJobs
public import RapportStore
public import ServiceLifecycle

/// The assembled application: the HTTP server with its services, and the store it serves.
public struct RapportApplication {
    /// The Hummingbird application (run it with `runService()`).
    public let application: Application<RouterResponder<AppRequestContext>>
    /// The repositories, for commands and tests that act outside HTTP.
    public let store: Store
    /// Every route as `METHOD /path/{param}`, for the contract test.
    public let routes: [String]
}

/// Opens the database named by the configuration and brings its schema up to date (or checks it is, when
/// auto-migration is off). Refuses a schema newer than the binary or left half-migrated.
public func openDatabase(_ configuration: Configuration, logger: Logger) async throws -> Database {
    let database = try await Database.open(
        location: configuration.database, poolSize: configuration.poolSize, poolTimeoutSeconds: configuration.poolTimeoutSeconds,
        memoryMapMB: configuration.sqliteMemoryMapMB, logger: logger)
    do {
        if configuration.autoMigrate {
            try await Migrations.migrate(database, logger: logger)
        } else {
            try await Migrations.verify(database)
        }
    } catch {
        await database.close()
        throw error
    }
    return database
}

/// The one build function: configuration in, a runnable application out. `rapport serve`, the other
/// commands and the tests all come through here.
/// - Parameters:
///   - configuration: the settings.
///   - effects: clock and id source (frozen in tests).
///   - logger: the root logger.
public func buildApplication(
    configuration: Configuration, effects: Effects = .live, logger: Logger? = nil
) async throws -> RapportApplication {
    var logger = logger ?? Logger(label: "rapport")
    logger.logLevel = configuration.logLevel
    let database = try await openDatabase(configuration, logger: logger)
    let store = Store(
        database: database, effects: effects, bcryptCost: UInt8(configuration.bcryptCost), files: configuration.fileStore, logger: logger)

    let registry = PrometheusCollectorRegistry()
    let connections = registry.makeGauge(
        descriptor: MetricNameDescriptor(metricName: "rapport_db_connections", unitName: "", helpText: "Open database connections"))
    let databaseUp = registry.makeGauge(
        descriptor: MetricNameDescriptor(metricName: "rapport_db_up", unitName: "", helpText: "1 when the database answered the last check")
    )
    connections.set(Double(database.connectionCount))
    let router = buildRouter(
        HTTPDependencies(
            store: store, metrics: PrometheusRequestMetrics(registry: registry),
            metricsText: { registry.emitToString() }, secureCookies: configuration.secureCookies))

    let application = Application(
        router: router,
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port), serverName: "Rapport"),
        services: [DatabaseService(database: database, up: databaseUp, logger: logger)]
            + workers(configuration, store: store, logger: logger),
        logger: logger)
    return RapportApplication(application: application, store: store, routes: router.routes.map { "\($0.method.rawValue) \($0.path)" })
}

/// Keeps the database for the application's lifetime and closes it last on shutdown; checks it every
/// 15 seconds for the `rapport_db_up` gauge.
struct DatabaseService: Service {
    let database: Database
    let up: Gauge
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let reachable = await database.ping()
            up.set(reachable ? 1.0 : 0.0)
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(15)) }
        }
        await database.close()
        logger.debug("Database closed")
    }
}

/// `rapport worker`: background workers without the HTTP server, until SIGTERM or SIGINT (the job a worker
/// is running finishes first).
public func runWorkers(configuration: Configuration, count: Int, logger: Logger) async throws {
    let database = try await openDatabase(configuration, logger: logger)
    let store = Store(
        database: database, effects: .live, bcryptCost: UInt8(configuration.bcryptCost), files: configuration.fileStore, logger: logger)
    let group = ServiceGroup(
        configuration: ServiceGroupConfiguration(
            services: workers(configuration, store: store, logger: logger, count: count).map {
                ServiceGroupConfiguration.ServiceConfiguration(service: $0)
            },
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    do {
        try await group.run()
    } catch {
        await database.close()
        throw error
    }
    await database.close()
}

/// The background workers of a process: `count` of them, named by host and process so leases say who holds a job.
public func workers(_ configuration: Configuration, store: Store, logger: Logger, count: Int? = nil) -> [any Service] {
    let registry = JobRegistry.standard(trashRetentionDays: configuration.trashRetentionDays)
    let process = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
    return (0..<(count ?? configuration.workers)).map { index in
        JobWorker(store: store, registry: registry, name: "\(process)#\(index)", logger: logger)
    }
}

/// The OpenAPI 3.1 document of the API (what `/api/v1/openapi.json` serves), for `rapport openapi`.
public func openAPIDocumentData() -> Data { OpenAPIDocument.data }
