import Foundation
import Logging
import RapportApp
import RapportStore
import Testing

/// The server refuses a schema it does not understand, and says how to fix it.
@Suite struct MigrationTests {
    static func freshDatabase() async throws -> (Database, Configuration, @Sendable () async -> Void) {
        let app = try await TestApp.make()
        await app.store.database.close()
        var configuration = Configuration()
        let logger = Logger(label: "test")
        configuration.database = app.store.database.location
        let database = try await Database.open(location: configuration.database, poolSize: 1, logger: logger)
        return (database, configuration, app.cleanup)
    }

    @Test func aSchemaNewerThanTheBinaryIsRefused() async throws {
        let (database, configuration, cleanup) = try await Self.freshDatabase()
        try await database.transaction { db in
            try await db.raw("INSERT INTO schema_migrations (version, name, started_at, finished_at) VALUES (999, 'future', 0, 0)").run()
        }
        await database.close()
        do {
            _ = try await openDatabase(configuration, logger: Logger(label: "test"))
            Issue.record("opened a database from the future")
        } catch let error as DatabaseError {
            #expect(error == .schemaNewerThanBinary(database: 999, binary: Migrations.latestVersion))
            #expect(error.description.contains("newer rapport binary"))
        }
        await cleanup()
    }

    @Test func aHalfMigratedSchemaIsRefusedUntilRetried() async throws {
        let (database, configuration, cleanup) = try await Self.freshDatabase()
        try await database.transaction { db in
            try await db.raw("DELETE FROM schema_migrations").run()
            try await db.raw("INSERT INTO schema_migrations (version, name, started_at) VALUES (1, 'create_core_crm_schema', 0)").run()
        }
        await database.close()
        do {
            _ = try await openDatabase(configuration, logger: Logger(label: "test"))
            Issue.record("opened a half-migrated database")
        } catch let error as DatabaseError {
            #expect(error == .halfMigrated(version: 1, name: "create_core_crm_schema"))
            #expect(error.description.contains("rapport migrate --retry-unfinished"))
        }
        await cleanup()
    }

    @Test func withoutAutoMigrationPendingMigrationsAreReported() async throws {
        let (database, configuration, cleanup) = try await Self.freshDatabase()
        try await database.transaction { db in try await db.raw("DELETE FROM schema_migrations").run() }
        await database.close()
        var manual = configuration
        manual.autoMigrate = false
        do {
            _ = try await openDatabase(manual, logger: Logger(label: "test"))
            Issue.record("started with pending migrations")
        } catch let error as DatabaseError {
            #expect(error == .migrationsPending(current: 0, latest: Migrations.latestVersion))
        }
        await cleanup()
    }

    @Test func migratingTwiceIsANoOp() async throws {
        let (database, _, cleanup) = try await Self.freshDatabase()
        let applied = try await Migrations.migrate(database, logger: Logger(label: "test"))
        #expect(applied == [])
        let status = try await Migrations.status(of: database)
        #expect(status == Migrations.Status(current: Migrations.latestVersion, latest: Migrations.latestVersion, unfinished: nil))
        await database.close()
        await cleanup()
    }
}
