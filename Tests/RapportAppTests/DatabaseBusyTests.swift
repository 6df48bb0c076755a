import AsyncKit
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
