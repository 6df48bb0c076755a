import Foundation
import RapportCore
import Testing

@Suite("RFM grid: classes and cells")
struct RFMClassTests {
    // The documented grid, typed out independently of the code: rows R5...R1, columns F1...F5.
    static let grid: [[RFMClass]] = [
        [.newCustomers, .potentialLoyalists, .potentialLoyalists, .champions, .champions],
        [.promising, .potentialLoyalists, .potentialLoyalists, .loyal, .loyal],
        [.aboutToSleep, .aboutToSleep, .needAttention, .loyal, .loyal],
        [.hibernating, .hibernating, .atRisk, .atRisk, .cannotLose],
        [.lost, .lost, .atRisk, .atRisk, .cannotLose],
    ]

    static func expected(recency: Int, frequency: Int) -> RFMClass { grid[5 - recency][frequency - 1] }

    @Test("Every one of the 25 cells is classified as the documented table says, whatever the monetary score")
    func classifyMatchesTable() {
        for recency in 1...5 {
            for frequency in 1...5 {
                for monetary in 1...5 {
                    let score = RFMScore(recency: recency, frequency: frequency, monetary: monetary)
                    #expect(RFMClass.classify(score) == Self.expected(recency: recency, frequency: frequency))
                }
                #expect(
                    RFMClass.classify(recency: recency, frequency: frequency) == Self.expected(recency: recency, frequency: frequency))
            }
        }
    }

    @Test("The cells of all classes partition the 25 cells, and classify agrees with cells")
    func cellsPartitionTheGrid() {
        var seen: [Int: RFMClass] = [:]
        for rfmClass in RFMClass.allCases {
            #expect(!rfmClass.cells.isEmpty, "\(rfmClass) has no cells")
            for cell in rfmClass.cells {
                #expect((1...5).contains(cell.recency) && (1...5).contains(cell.frequency))
                let key = cell.recency * 10 + cell.frequency
                #expect(seen[key] == nil, "cell R\(cell.recency)F\(cell.frequency) is in two classes")
                seen[key] = rfmClass
                #expect(RFMClass.classify(RFMScore(recency: cell.recency, frequency: cell.frequency, monetary: 3)) == rfmClass)
            }
        }
        #expect(seen.count == 25)
    }

    @Test(
        "Cells of some classes, ordered by recency then frequency",
        arguments: [
            (RFMClass.champions, [(5, 4), (5, 5)]),
            (.loyal, [(3, 4), (3, 5), (4, 4), (4, 5)]),
            (.potentialLoyalists, [(4, 2), (4, 3), (5, 2), (5, 3)]),
            (.newCustomers, [(5, 1)]),
            (.promising, [(4, 1)]),
            (.needAttention, [(3, 3)]),
            (.aboutToSleep, [(3, 1), (3, 2)]),
            (.atRisk, [(1, 3), (1, 4), (2, 3), (2, 4)]),
            (.cannotLose, [(1, 5), (2, 5)]),
            (.hibernating, [(2, 1), (2, 2)]),
            (.lost, [(1, 1), (1, 2)]),
        ])
    func cells(_ rfmClass: RFMClass, _ expected: [(Int, Int)]) {
        #expect(rfmClass.cells.map { [$0.recency, $0.frequency] } == expected.map { [$0.0, $0.1] })
    }

    @Test("Scores outside 1...5 are clamped into the grid")
    func clamping() {
        #expect(RFMClass.classify(RFMScore(recency: 9, frequency: 7, monetary: 0)) == .champions)
        #expect(RFMClass.classify(RFMScore(recency: 0, frequency: -3, monetary: 9)) == .lost)
        #expect(RFMClass.classify(recency: 6, frequency: 1) == .newCustomers)
        #expect(RFMClass.classify(recency: -1, frequency: 5) == .cannotLose)
    }

    @Test("Raw values are the stable snake_case identifiers")
    func rawValues() throws {
        #expect(
            RFMClass.allCases.map(\.rawValue) == [
                "champions", "loyal", "potential_loyalists", "new_customers", "promising", "need_attention",
                "about_to_sleep", "at_risk", "cannot_lose", "hibernating", "lost",
            ])
        #expect(try JSONEncoder().encode([RFMClass.atRisk]) == Data(#"["at_risk"]"#.utf8))
        #expect(try JSONDecoder().decode([RFMClass].self, from: Data(#"["cannot_lose"]"#.utf8)) == [.cannotLose])
    }

    @Test("Scores survive a JSON round trip")
    func scoreCodable() throws {
        let score = RFMScore(recency: 5, frequency: 2, monetary: 4)
        #expect(try JSONDecoder().decode(RFMScore.self, from: JSONEncoder().encode(score)) == score)
    }
}

@Suite("RFM scoring: tie-aware quintiles")
struct RFMScoringTests {
    let base = Date(timeIntervalSince1970: 1_800_000_000)

    func customer(_ id: String, daysAgo: Int = 10, orders: Int = 1, revenue: Int64 = 100) -> RFMCustomer {
        RFMCustomer(id: id, lastOrderAt: base.addingTimeInterval(-Double(daysAgo) * 86_400), orderCount: orders, revenue: revenue)
    }

    @Test("No customers, no scores")
    func empty() {
        #expect(RFMScoring.score([]).isEmpty)
    }

    @Test("A lone customer scores 1 everywhere: nobody is worse")
    func oneCustomer() {
        #expect(RFMScoring.score([customer("a", orders: 9, revenue: 1_000_000)]) == ["a": RFMScore(recency: 1, frequency: 1, monetary: 1)])
    }

    @Test("Customers who are all equal all score 1")
    func allEqual() {
        let customers = (0..<7).map { customer("c\($0)", daysAgo: 3, orders: 2, revenue: 500) }
        let scores = RFMScoring.score(customers)
        #expect(scores.count == 7)
        #expect(scores.values.allSatisfy { $0 == RFMScore(recency: 1, frequency: 1, monetary: 1) })
    }

    @Test("Five distinct customers get 1 to 5; recency is better when more recent")
    func fiveDistinct() {
        // a is the oldest, fewest orders, least revenue; e the newest, most, highest.
        let customers = [
            customer("c", daysAgo: 30, orders: 3, revenue: 300),
            customer("a", daysAgo: 50, orders: 1, revenue: 100),
            customer("e", daysAgo: 10, orders: 5, revenue: 500),
            customer("b", daysAgo: 40, orders: 2, revenue: 200),
            customer("d", daysAgo: 20, orders: 4, revenue: 400),
        ]
        let scores = RFMScoring.score(customers)
        for (id, value) in [("a", 1), ("b", 2), ("c", 3), ("d", 4), ("e", 5)] {
            #expect(scores[id] == RFMScore(recency: value, frequency: value, monetary: value))
        }
    }

    @Test("Ten distinct values: two customers per score")
    func tenDistinct() {
        // k customers are worse than the k-th: 1 + ⌊5k / 10⌋ = 1,1,2,2,3,3,4,4,5,5.
        let customers = (0..<10).map { customer("c\($0)", daysAgo: 100 - $0, orders: $0 + 1, revenue: Int64($0) * 1_000) }
        let scores = RFMScoring.score(customers)
        let expected = [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
        for k in 0..<10 {
            #expect(scores["c\(k)"] == RFMScore(recency: expected[k], frequency: expected[k], monetary: expected[k]))
        }
    }

    @Test("Ties share a score, computed from the customers strictly worse")
    func ties() {
        // Orders 1,1,2,3,3,3 (six customers): worse counts 0,0,2,3,3,3 → 1 + ⌊5·w/6⌋ = 1,1,2,3,3,3.
        // Revenue 7 for everyone but one who has 9: worse counts 0 (×5) and 5 → 1 and 1 + ⌊25/6⌋ = 5.
        // Last orders on days ago 5,5,5,1,1,9: worse (older) counts 1,1,1,4,4,0 → 1,1,1,4,4,1.
        let customers = [
            customer("a", daysAgo: 5, orders: 1, revenue: 7),
            customer("b", daysAgo: 5, orders: 1, revenue: 7),
            customer("c", daysAgo: 5, orders: 2, revenue: 7),
            customer("d", daysAgo: 1, orders: 3, revenue: 9),
            customer("e", daysAgo: 1, orders: 3, revenue: 7),
            customer("f", daysAgo: 9, orders: 3, revenue: 7),
        ]
        let scores = RFMScoring.score(customers)
        #expect(scores["a"] == RFMScore(recency: 1, frequency: 1, monetary: 1))
        #expect(scores["b"] == RFMScore(recency: 1, frequency: 1, monetary: 1))
        #expect(scores["c"] == RFMScore(recency: 1, frequency: 2, monetary: 1))
        #expect(scores["d"] == RFMScore(recency: 4, frequency: 3, monetary: 5))
        #expect(scores["e"] == RFMScore(recency: 4, frequency: 3, monetary: 1))
        #expect(scores["f"] == RFMScore(recency: 1, frequency: 3, monetary: 1))
    }

    @Test("The order customers arrive in does not matter")
    func orderIndependent() {
        let ascending = (0..<23).map { customer("c\($0)", daysAgo: 200 - 3 * $0, orders: $0 / 4 + 1, revenue: Int64($0 * $0)) }
        let scores = RFMScoring.score(ascending)
        #expect(RFMScoring.score(ascending.reversed()) == scores)
        // Interleaved: evens then odds.
        #expect(
            RFMScoring.score(ascending.enumerated().sorted { ($0.offset % 2, $0.offset) < ($1.offset % 2, $1.offset) }.map(\.element))
                == scores)
        // Spot checks, by hand: c22 is the most recent (nobody better) → 22 worse → 1 + ⌊110/23⌋ = 5;
        // orders of c0...c3 are 1 (nobody worse) → 1; c8...c11 have 3 orders, 8 worse → 1 + ⌊40/23⌋ = 2.
        #expect(scores["c22"]?.recency == 5)
        #expect(scores["c0"]?.frequency == 1)
        #expect(scores["c9"]?.frequency == 2)
        #expect(scores["c0"]?.monetary == 1)
    }

    @Test("Dimensions are scored independently: recent but rare and cheap")
    func independentDimensions() {
        let customers = [
            customer("recent", daysAgo: 1, orders: 1, revenue: 10),
            customer("old", daysAgo: 300, orders: 20, revenue: 90_000),
        ]
        let scores = RFMScoring.score(customers)
        // Two customers: the better one has 1 worse → 1 + ⌊5/2⌋ = 3.
        #expect(scores["recent"] == RFMScore(recency: 3, frequency: 1, monetary: 1))
        #expect(scores["old"] == RFMScore(recency: 1, frequency: 3, monetary: 3))
    }

    @Test("Recency compares instants, not days")
    func recencyInstants() {
        let morning = RFMCustomer(id: "m", lastOrderAt: base.addingTimeInterval(-3600 * 10), orderCount: 1, revenue: 1)
        let evening = RFMCustomer(id: "e", lastOrderAt: base.addingTimeInterval(-3600), orderCount: 1, revenue: 1)
        let scores = RFMScoring.score([evening, morning])
        #expect(scores["e"]?.recency == 3)
        #expect(scores["m"]?.recency == 1)
    }

    @Test("A million customers are scored, and each score matches an independent count")
    func million() {
        let count = 1_000_000
        // Small value domains make the oracle a histogram: worse = number of customers with a smaller value.
        func orders(_ i: Int) -> Int { (i * 7_919) % 13 + 1 }
        func revenue(_ i: Int) -> Int64 { Int64((i * 104_729) % 1_000) * 100 }
        func daysAgo(_ i: Int) -> Int { (i * 15_485_863) % 5_000 }
        var customers: [RFMCustomer] = []
        customers.reserveCapacity(count)
        for i in 0..<count {
            customers.append(customer("id\(i)", daysAgo: daysAgo(i), orders: orders(i), revenue: revenue(i)))
        }
        let scores = RFMScoring.score(customers)
        #expect(scores.count == count)

        var orderHistogram = [Int](repeating: 0, count: 15)
        var revenueHistogram = [Int](repeating: 0, count: 1_000)
        var daysHistogram = [Int](repeating: 0, count: 5_000)
        for i in 0..<count {
            orderHistogram[orders(i)] += 1
            revenueHistogram[Int(revenue(i) / 100)] += 1
            daysHistogram[daysAgo(i)] += 1
        }
        // smaller[v] = how many values are below v; for recency "worse" means more days ago.
        func below(_ histogram: [Int]) -> [Int] {
            var running = 0
            return histogram.map { count in
                defer { running += count }
                return running
            }
        }
        let fewerOrders = below(orderHistogram)
        let lessRevenue = below(revenueHistogram)
        let olderOrders = Array(below(daysHistogram.reversed()).reversed())
        func quintile(_ worse: Int) -> Int { 1 + 5 * worse / count }
        var mismatches = 0
        for i in stride(from: 0, to: count, by: 1) {
            let expected = RFMScore(
                recency: quintile(olderOrders[daysAgo(i)]), frequency: quintile(fewerOrders[orders(i)]),
                monetary: quintile(lessRevenue[Int(revenue(i) / 100)]))
            if scores["id\(i)"] != expected { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }
}
