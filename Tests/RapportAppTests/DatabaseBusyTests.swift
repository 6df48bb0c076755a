import AsyncKit
import Logging
import NIOCore
import RapportCore
import RapportStore
import Testing

@testable import RapportHTTP

/// A request that found no free database connection in time is told to retry (503), not given a 500.
@Suite struct DatabaseBusyTests {
    @Test func aPoolTimeoutIsBusyAndOtherErrorsAreNot() {
        #expect(Database.isBusy(ConnectionPoolTimeoutError.connectionRequestTimeout))
        #expect(!Database.isBusy(DatabaseError.invalidURL("postgres://")))
        #expect(!Database.isBusy(CancellationError()))
    }

    /// PostgreSQL breaks a deadlock by rolling one transaction back; that writer is told to retry. Two
    /// transactions lock two rows in opposite orders (on SQLite writers take turns, so there is none).
    @Test(.enabled(if: TestApp.postgresURL != nil)) func aDeadlockOnPostgreSQLIsBusy() async throws {
        try await TestApp.with { app, _ in
            let database = app.store.database
            try await database.transaction { db in
                try await db.raw("CREATE TABLE deadlock_probe (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)").run()
                try await db.raw("INSERT INTO deadlock_probe (id, n) VALUES (1, 0), (2, 0)").run()
            }
            func lock(_ first: Int, then second: Int, after delay: Duration) async -> (any Error)? {
                do {
                    try await database.transaction { db in
                        try await Task.sleep(for: delay)
                        try await db.raw("UPDATE deadlock_probe SET n = n + 1 WHERE id = \(bind: first)").run()
                        try await Task.sleep(for: .milliseconds(400))
                        try await db.raw("UPDATE deadlock_probe SET n = n + 1 WHERE id = \(bind: second)").run()
                    }
                    return nil
                } catch { return error }
            }
            async let one = lock(1, then: 2, after: .zero)
            async let two = lock(2, then: 1, after: .milliseconds(100))
            let errors = await [one, two].compactMap { $0 }
            #expect(errors.count == 1, "PostgreSQL rolls back one of the two")
            #expect(errors.allSatisfy(Database.isBusy), "\(errors)")
            if let error = errors.first { #expect(ProblemMapper.problem(for: error, locale: .en, requestID: "req-3").0.status == 503) }
        }
    }

    /// On PostgreSQL a request that finds every connection taken waits `RAPPORT_DB_POOL_TIMEOUT` (1 s here) and is
    /// then told it is busy, without waiting for the holders (2.5 s). One connection per event loop, and one
    /// request more than connections.
    @Test(.enabled(if: TestApp.postgresURL != nil)) func aRequestWaitsThePoolTimeoutOnPostgreSQLThenIsBusy() async throws {
        let url = try #require(TestApp.postgresURL)
        var logger = Logger(label: "pool")
        logger.logLevel = .critical  // AsyncKit logs each timed-out request as an error
        let database = try await Database.open(location: .postgres(url: url), poolSize: 1, poolTimeoutSeconds: 1, logger: logger)
        let outcomes = await withTaskGroup(of: (waited: Duration, error: (any Error)?).self) { group in
            for _ in 0...System.coreCount {
                group.addTask {
                    let start = ContinuousClock.now
                    do {
                        try await database.transaction { db in try await db.raw("SELECT pg_sleep(2.5)").run() }
                        return (ContinuousClock.now - start, nil)
                    } catch {
                        return (ContinuousClock.now - start, error)
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        await database.close()
        let failures = outcomes.compactMap { outcome in outcome.error.map { (outcome.waited, $0) } }
        #expect(!failures.isEmpty, "a request beyond the connections waited in vain")
        #expect(failures.count < outcomes.count, "the holders got their connections")
        for (waited, error) in failures {
            #expect(Database.isBusy(error), "\(error)")
            #expect(waited >= .milliseconds(900) && waited < .milliseconds(2400), "waited \(waited): the pool timeout, not the holders")
        }
    }

    /// On SQLite a second process (a CLI command beside the server) may hold the write lock; a writer that waits
    /// past its busy timeout is told to retry. The app's writer waits 50 ms here instead of 10 s.
    @Test(.enabled(if: TestApp.postgresURL == nil)) func aLockedSQLiteFileIsBusy() async throws {
        try await TestApp.with { app, _ in
            let database = app.store.database
            try await database.transaction { db in try await db.raw("PRAGMA busy_timeout = 50").run() }
            let other = try await Database.open(location: database.location, poolSize: 1, logger: Logger(label: "other"))
            let (held, holds) = AsyncStream<Void>.makeStream()
            let holding = Task {
                try await other.transaction { db in
                    try await db.raw("CREATE TABLE lock_probe (id INTEGER)").run()
                    holds.yield()
                    try await Task.sleep(for: .seconds(1))
                }
            }
            for await _ in held { break }
            var failure: (any Error)?
            do { try await database.transaction { db in try await db.raw("CREATE TABLE blocked_probe (id INTEGER)").run() } } catch {
                failure = error
            }
            try await holding.value
            await other.close()
            try await database.transaction { db in try await db.raw("PRAGMA busy_timeout = 10000").run() }
            let error = try #require(failure, "the write waited for the other connection's lock")
            #expect(Database.isBusy(error), "\(error)")
            #expect(ProblemMapper.problem(for: error, locale: .en, requestID: "req-4").0.status == 503)
        }
    }

    @Test func aPoolTimeoutAnswers503WithRetryAfterInTheCallersLanguage() {
        let (problem, headers) = ProblemMapper.problem(
            for: ConnectionPoolTimeoutError.connectionRequestTimeout, locale: .ru, requestID: "req-1")
        #expect(problem.status == 503)
        #expect(problem.code == "unavailable")
        #expect(problem.retryAfter == 1)
        #expect(problem.title == "Сервис временно недоступен.")
        #expect(problem.requestId == "req-1")
        #expect(headers.map { "\($0.0.canonicalName): \($0.1)" } == ["retry-after: 1"])
        // Anything unknown stays an internal error.
        #expect(ProblemMapper.problem(for: CancellationError(), locale: .en, requestID: "req-2").0.status == 500)
    }
}
