import Foundation
import RapportCore
import Testing

@Suite("Report periods: the previous period beside the current one")
struct ReportPeriodTests {
    @Test("The previous period has the same length and ends where the period starts")
    func previousPeriod() {
        let period = ReportPeriod(from: Date(timeIntervalSince1970: 1_000_000), to: Date(timeIntervalSince1970: 1_086_400))
        #expect(period.previous.to == period.from)
        #expect(period.previous.from == Date(timeIntervalSince1970: 913_600))
    }

    @Test("withPrevious runs the report over the period, then over the previous one")
    func withPrevious() async {
        let period = ReportPeriod(from: Date(timeIntervalSince1970: 1_000_000), to: Date(timeIntervalSince1970: 1_086_400))
        let (current, previous) = await period.withPrevious { $0 }
        #expect(current == period)
        #expect(previous == period.previous)
    }
}
