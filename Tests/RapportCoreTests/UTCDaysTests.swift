import RapportCore
import Testing

/// The cut of a period into whole UTC days and the edge pieces the reports read from the rows.
@Suite struct UTCDaysTests {
    let day = UTCDays.millis

    /// Every instant of the period is in exactly one part, and only there: checked instant by instant at the
    /// boundaries that matter.
    func expectCovers(_ cut: UTCDays, from: Int64, to: Int64) {
        var probes: Set<Int64> = [from - 1, from, to - 1, to]
        for number in [cut.days.lowerBound, cut.days.upperBound] { probes.formUnion([number * day - 1, number * day]) }
        for edge in cut.edges { probes.formUnion([edge.lowerBound - 1, edge.lowerBound, edge.upperBound - 1, edge.upperBound]) }
        for instant in probes {
            // As SQL numbers a row's day: integer division, which rounds towards zero (-1 ms is in day 0).
            let inDays = cut.days.contains(instant / day)
            let inEdges = cut.edges.filter { $0.contains(instant) }.count
            let inside = instant >= from && instant < to
            #expect((inDays ? 1 : 0) + inEdges == (inside ? 1 : 0), "\(instant) in [\(from), \(to)): \(cut)")
        }
        for edge in cut.edges { #expect(edge.count < day || cut.days.isEmpty, "an edge is shorter than a day: \(cut)") }
    }

    @Test func aPeriodStartingAtTheEpochIsReadWholeAndAReversedOneIsEmpty() {
        let epoch = UTCDays(from: 0, to: 3 * day)
        #expect(epoch.days.isEmpty, "day 0 also holds the last day of 1969")
        #expect(epoch.edges == [0..<3 * day])
        expectCovers(epoch, from: 0, to: 3 * day)
        let reversed = UTCDays(from: 5 * day, to: 2 * day)
        #expect(reversed.edges.isEmpty && reversed.whole.isEmpty)
        #expect(reversed.fromRows(daysRolledUp: false).isEmpty)
        // Rolled up, a report reads only the edges from the rows; not, the whole period.
        let month = UTCDays(from: 10 * day + 5, to: 40 * day - 5)
        #expect(month.fromRows(daysRolledUp: true) == month.edges)
        #expect(month.fromRows(daysRolledUp: false) == [10 * day + 5..<40 * day - 5])
        #expect(epoch.fromRows(daysRolledUp: true) == [0..<3 * day], "no whole day: the period is read whole")
    }

    @Test func aPeriodOfLocalMidnightsHasWholeDaysAndTwoEdges() {
        // A year of Kolkata days: midnight there is 18:30 UTC the day before.
        let offset = Int64(5 * 3600 + 1800) * 1000
        let from = 20_000 * day - offset
        let to = 20_365 * day - offset
        let cut = UTCDays(from: from, to: to)
        #expect(cut.days == 20_000..<20_364)
        #expect(cut.edges == [from..<20_000 * day, 20_364 * day..<to])
        expectCovers(cut, from: from, to: to)
    }

    @Test func utcMidnightsNeedNoEdges() {
        let cut = UTCDays(from: 10 * day, to: 40 * day)
        #expect(cut.days == 10..<40)
        #expect(cut.edges.isEmpty)
        expectCovers(cut, from: 10 * day, to: 40 * day)
    }

    @Test func oneEdgeWhenOnlyOneEndIsMidDay() {
        let start = UTCDays(from: 10 * day + 5, to: 40 * day)
        #expect(start.days == 11..<40)
        #expect(start.edges == [10 * day + 5..<11 * day])
        let end = UTCDays(from: 10 * day, to: 40 * day - 5)
        #expect(end.days == 10..<39)
        #expect(end.edges == [39 * day..<40 * day - 5])
        expectCovers(start, from: 10 * day + 5, to: 40 * day)
        expectCovers(end, from: 10 * day, to: 40 * day - 5)
    }

    @Test func aPeriodHoldingNoWholeDayIsReadWhole() {
        for (from, to) in [(10 * day + 1, 11 * day + 5), (10 * day + 1, 11 * day - 1), (10 * day, 11 * day - 1)] {
            let cut = UTCDays(from: from, to: to)
            #expect(cut.days.isEmpty)
            #expect(cut.edges == [from..<to])
            expectCovers(cut, from: from, to: to)
        }
        let single = UTCDays(from: 10 * day, to: 11 * day)
        #expect(single.days == 10..<11)
        #expect(single.edges.isEmpty)
    }

    @Test func instantsBefore1970AndEmptyPeriodsAreNotBucketed() {
        let early = UTCDays(from: -3 * day, to: 5 * day)
        #expect(early.days.isEmpty)
        #expect(early.edges == [-3 * day..<5 * day])
        expectCovers(early, from: -3 * day, to: 5 * day)
        #expect(UTCDays(from: 5 * day, to: 5 * day).edges.isEmpty)
        #expect(UTCDays(from: 5 * day, to: 4 * day).edges.isEmpty)
        #expect(UTCDays(from: 5 * day, to: 4 * day).days.isEmpty)
    }
}
