public import Foundation

/// A customer's RFM score: recency, frequency and monetary value, each 1...5 where 5 is best.
public struct RFMScore: Hashable, Sendable, Codable {
    /// How recently the customer bought: 5 for the most recent fifth of customers.
    public var recency: Int
    /// How often the customer bought: 5 for the fifth with the most orders.
    public var frequency: Int
    /// How much the customer spent: 5 for the fifth with the most revenue.
    public var monetary: Int

    /// Makes a score.
    /// - Parameters:
    ///   - recency: 1...5, 5 best.
    ///   - frequency: 1...5, 5 best.
    ///   - monetary: 1...5, 5 best.
    public init(recency: Int, frequency: Int, monetary: Int) {
        self.recency = recency
        self.frequency = frequency
        self.monetary = monetary
    }
}

/// The RFM class of a customer, read off the widely used 5×5 recency/frequency grid.
///
/// The grid is the common 10-segment R×F map (as in the many RFM guides that key segments on the R and F
/// digits: `[1-2][1-2]` hibernating, `[1-2][3-4]` at risk, `[1-2]5` can't lose, `3[1-2]` about to sleep,
/// `33` need attention, `[3-4][4-5]` loyal, `41` promising, `51` new, `[4-5][2-3]` potential loyalists,
/// `5[4-5]` champions), with its hibernating corner split by recency into an eleventh class: customers with
/// the oldest purchases (R1) and low frequency are *lost*, those at R2 *hibernating*. Monetary value does
/// not affect the class.
///
/// | R \ F | F1             | F2                  | F3                  | F4          | F5          |
/// |-------|----------------|---------------------|---------------------|-------------|-------------|
/// | R5    | new customers  | potential loyalists | potential loyalists | champions   | champions   |
/// | R4    | promising      | potential loyalists | potential loyalists | loyal       | loyal       |
/// | R3    | about to sleep | about to sleep      | need attention      | loyal       | loyal       |
/// | R2    | hibernating    | hibernating         | at risk             | at risk     | cannot lose |
/// | R1    | lost           | lost                | at risk             | at risk     | cannot lose |
///
/// Raw values are stable identifiers stored in segment conditions and sent over the API.
public enum RFMClass: String, CaseIterable, Sendable, Codable {
    /// Bought recently and often (R5, F4–5).
    case champions
    /// Buy often, fairly recently (R3–4, F4–5).
    case loyal
    /// Recent customers with a few orders (R4–5, F2–3).
    case potentialLoyalists = "potential_loyalists"
    /// Bought very recently, once (R5, F1).
    case newCustomers = "new_customers"
    /// Bought recently, once (R4, F1).
    case promising
    /// Average recency and frequency (R3, F3).
    case needAttention = "need_attention"
    /// Average recency, rare purchases (R3, F1–2).
    case aboutToSleep = "about_to_sleep"
    /// Used to buy fairly often, not for a long time (R1–2, F3–4).
    case atRisk = "at_risk"
    /// Used to buy most often, not for a long time (R1–2, F5).
    case cannotLose = "cannot_lose"
    /// Few orders, long ago (R2, F1–2).
    case hibernating
    /// Few orders, longest ago (R1, F1–2).
    case lost

    /// The class of a score, by recency and frequency (the grid in the type's documentation). Scores outside
    /// 1...5 are clamped into it.
    /// - Parameter score: the score; its monetary part is not used.
    /// - Returns: the class of the score's grid cell.
    public static func classify(_ score: RFMScore) -> RFMClass {
        classify(recency: score.recency, frequency: score.frequency)
    }

    /// The class of a grid cell. Values outside 1...5 are clamped into it.
    /// - Parameters:
    ///   - recency: the recency score, 1...5.
    ///   - frequency: the frequency score, 1...5.
    /// - Returns: the class of the cell.
    public static func classify(recency: Int, frequency: Int) -> RFMClass {
        let r = min(5, max(1, recency))
        let f = min(5, max(1, frequency))
        switch (r, f) {
        case (5, 4...5): return .champions
        case (3...4, 4...5): return .loyal
        case (4...5, 2...3): return .potentialLoyalists
        case (5, 1): return .newCustomers
        case (4, 1): return .promising
        case (3, 3): return .needAttention
        case (3, 1...2): return .aboutToSleep
        case (1...2, 3...4): return .atRisk
        case (1...2, 5): return .cannotLose
        case (2, 1...2): return .hibernating
        default: return .lost  // (1, 1...2): the only cells left.
        }
    }

    /// Every (recency, frequency) cell of the class, ordered by recency then frequency, for drawing the grid
    /// and for compiling a segment condition.
    public var cells: [(recency: Int, frequency: Int)] {
        var cells: [(recency: Int, frequency: Int)] = []
        for recency in 1...5 {
            for frequency in 1...5 where Self.classify(recency: recency, frequency: frequency) == self {
                cells.append((recency, frequency))
            }
        }
        return cells
    }
}

/// What RFM scoring needs to know about a customer who has bought at least once.
public struct RFMCustomer: Hashable, Sendable {
    /// The customer's id (a contact or company id).
    public var id: String
    /// When the customer's last counted order was placed.
    public var lastOrderAt: Date
    /// How many counted orders the customer has.
    public var orderCount: Int
    /// The sum of the counted orders, in minor units.
    public var revenue: Int64

    /// Makes a customer.
    /// - Parameters:
    ///   - id: the contact or company id.
    ///   - lastOrderAt: when the last counted order was placed.
    ///   - orderCount: how many counted orders.
    ///   - revenue: their sum, in minor units.
    public init(id: String, lastOrderAt: Date, orderCount: Int, revenue: Int64) {
        self.id = id
        self.lastOrderAt = lastOrderAt
        self.orderCount = orderCount
        self.revenue = revenue
    }
}

/// Scores customers by recency, frequency and monetary value relative to each other.
public enum RFMScoring {
    /// Quintile scores over all customers with orders. Tie-aware: equal values always get equal scores.
    ///
    /// For each dimension, score = 1 + ⌊5 × (number of customers with a strictly worse value) / count⌋, so
    /// the best customers get 5 and a value shared by everyone gets 1. Recency is better when more recent,
    /// frequency and monetary when larger. Runs in O(n log n): one sort per dimension.
    /// - Parameter customers: every customer with orders; ids are expected to be unique (with a repeated id,
    ///   both entries are ranked and the last one's score is returned).
    /// - Returns: the score of each customer, by id.
    public static func score(_ customers: [RFMCustomer]) -> [String: RFMScore] {
        guard !customers.isEmpty else { return [:] }
        let recency = quintiles(customers.map(\.lastOrderAt.timeIntervalSinceReferenceDate))
        let frequency = quintiles(customers.map(\.orderCount))
        let monetary = quintiles(customers.map(\.revenue))
        var scores: [String: RFMScore] = [:]
        scores.reserveCapacity(customers.count)
        for index in customers.indices {
            scores[customers[index].id] = RFMScore(
                recency: Int(recency[index]), frequency: Int(frequency[index]), monetary: Int(monetary[index]))
        }
        return scores
    }

    /// The score of each value (larger is better), in the order of `values`.
    private static func quintiles<Value: Comparable>(_ values: [Value]) -> [UInt8] {
        // Sorting (value, position) pairs once keeps this O(n log n); each run of equal values starts at the
        // number of strictly smaller values, which is all the formula needs.
        var order = values.indices.map { (value: values[$0], position: $0) }
        order.sort { $0.value < $1.value }
        var scores = [UInt8](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            let value = order[start].value
            let score = UInt8(1 + 5 * start / order.count)
            var end = start
            while end < order.count, order[end].value == value {
                scores[order[end].position] = score
                end += 1
            }
            start = end
        }
        return scores
    }
}
