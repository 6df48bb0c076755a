public import Foundation
public import Hummingbird
public import Logging
import Prometheus
public import RapportCore
public import RapportHTTP
public import RapportStore
import ServiceLifecycle

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
    let database = try await Database.open(location: configuration.database, poolSize: configuration.poolSize, logger: logger)
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
        database: database, effects: effects, bcryptCost: UInt8(configuration.bcryptCost), logger: logger)

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
        services: [
            DatabaseService(database: database, up: databaseUp, logger: logger),
            MaintenanceService(store: store, retentionDays: configuration.trashRetentionDays, logger: logger),
        ],
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

/// Hourly housekeeping: purges the trash past its retention, expired sessions and idempotency keys, and
/// rescores customers by RFM (the quintiles move as the whole base buys, so they are recomputed on a schedule),
/// and retrains each workspace's win-probability model on its latest won and lost deals.
struct MaintenanceService: Service {
    let store: Store
    let retentionDays: Int
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                let purged = try await store.maintenance.purgeTrash(olderThan: Double(retentionDays) * 24 * 3600)
                if purged > 0 { logger.info("Purged trash", metadata: ["records": "\(purged)"]) }
            } catch {
                logger.warning("Trash purge failed", metadata: ["error": "\(error)"])
            }
            do {
                let rescored = try await store.customerMetrics.refreshRFM()
                if rescored > 0 { logger.info("Rescored customers by RFM", metadata: ["changed": "\(rescored)"]) }
            } catch {
                logger.warning("RFM scoring failed", metadata: ["error": "\(error)"])
            }
            do { try await store.winModels.refresh() } catch {
                logger.warning("Training win probability failed", metadata: ["error": "\(error)"])
            }
            do { try await store.maintenance.refreshPlannerStatistics() } catch {
                logger.warning("Refreshing planner statistics failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(3600)) }
        }
    }
}

/// The OpenAPI 3.1 document of the API (what `/api/v1/openapi.json` serves), for `rapport openapi`.
public func openAPIDocumentData() -> Data { OpenAPIDocument.data }
