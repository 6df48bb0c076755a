import AsyncKit
import RapportStore
import Testing

/// A request that found no free database connection in time is told to retry (503), not given a 500.
@Suite struct DatabaseBusyTests {
    @Test func aPoolTimeoutIsBusyAndOtherErrorsAreNot() {
        #expect(Database.isBusy(ConnectionPoolTimeoutError.connectionRequestTimeout))
        #expect(!Database.isBusy(DatabaseError.invalidURL("postgres://")))
        #expect(!Database.isBusy(CancellationError()))
    }
}
