/// A period cut at UTC midnights for the reports kept per UTC day (sources, time in stage): the whole UTC days
/// inside it, read off the day rollups, and the pieces before the first and after the last of them, each shorter
/// than a day, read from the rows. Exact whatever the workspace's time zone, since a period's edges (its local
/// midnights) may fall anywhere inside a UTC day.
public struct UTCDays: Hashable, Sendable {
    /// Milliseconds in a day; a UTC day's number is its first instant's epoch milliseconds divided by this.
    public static let millis: Int64 = 86_400_000

    /// The numbers of the whole UTC days inside the period, `lowerBound..<upperBound`; empty when none is.
    public var days: Range<Int64>
    /// The parts of the period outside those days, as `[from, to)` in epoch milliseconds (none, one or two);
    /// the whole period when no day fits in it.
    public var edges: [Range<Int64>]

    /// Cuts `[from, to)` (epoch milliseconds). Day 0 and instants before 1970 are never put in days (a day's
    /// number is an integer division in SQL, which rounds towards zero, so day 0 also holds the last day of
    /// 1969), so a period starting there is read whole.
    public init(from: Int64, to: Int64) {
        whole = Self.uncut(from: from, to: to)
        guard from > 0, to > from else {
            days = 0..<0
            edges = whole
            return
        }
        let first = (from + Self.millis - 1) / Self.millis
        let last = to / Self.millis
        guard first < last else {
            days = 0..<0
            edges = whole
            return
        }
        days = first..<last
        edges = [from..<first * Self.millis, last * Self.millis..<to].filter { !$0.isEmpty }
    }

    /// The whole period as one piece, or none when it is empty or reversed.
    public var whole: [Range<Int64>]

    /// The pieces a report reads from the rows: the edges when it reads the whole days off a rollup (with no
    /// whole day they are the whole period), else the whole period.
    public func fromRows(daysRolledUp: Bool) -> [Range<Int64>] { daysRolledUp ? edges : whole }

    private static func uncut(from: Int64, to: Int64) -> [Range<Int64>] { to > from ? [from..<to] : [] }
}
