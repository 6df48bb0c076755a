public import Foundation

/// Why two records look like one client entered twice.
public enum DuplicateReason: String, Sendable, Codable, CaseIterable, Hashable, Comparable {
    /// They share a phone (compared in E.164).
    case samePhone = "same_phone"
    /// They share an e-mail (compared normalized: lowercase, trimmed).
    case sameEmail = "same_email"
    /// Companies with the same INN.
    case sameINN = "same_inn"
    /// Contacts of one company with near-identical names (``NameSimilarity``), or companies with the same
    /// name (case, ё and spacing ignored).
    case similarName = "similar_name"

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}

/// Two records the finder proposes as duplicates, and why. The ids are raw record ids.
public struct DuplicatePair: Hashable, Sendable {
    /// The smaller id of the two.
    public var first: String
    /// The larger id.
    public var second: String
    /// Why.
    public var reason: DuplicateReason

    /// Makes a pair; the ids are put in order, so (a, b) and (b, a) are the same pair.
    public init(_ a: String, _ b: String, reason: DuplicateReason) {
        first = min(a, b)
        second = max(a, b)
        self.reason = reason
    }

    /// The unordered pair of ids, the key of a "not duplicates" dismissal.
    public var key: PairKey { PairKey(first, second) }
}

/// An unordered pair of record ids.
public struct PairKey: Hashable, Sendable {
    /// The smaller id.
    public var first: String
    /// The larger id.
    public var second: String
    /// Makes the key of two ids, in either order.
    public init(_ a: String, _ b: String) {
        first = min(a, b)
        second = max(a, b)
    }
}

/// Records that look like one client: every member is linked to another by at least one pair.
public struct DuplicateGroup: Hashable, Sendable {
    /// The members, oldest first (the default survivor of a merge is the first).
    public var ids: [String]
    /// Why, per linked pair of members, in member order.
    public var links: [Link]

    /// One reason two members are linked.
    public struct Link: Hashable, Sendable {
        /// A member id.
        public var first: String
        /// Another member id.
        public var second: String
        /// Why.
        public var reasons: [DuplicateReason]
        /// Makes a link.
        public init(first: String, second: String, reasons: [DuplicateReason]) {
            self.first = first
            self.second = second
            self.reasons = reasons
        }
    }

    /// Every reason any two members are linked, each once, in a stable order.
    public var reasons: [DuplicateReason] { Array(Set(links.flatMap(\.reasons))).sorted() }

    /// Makes a group.
    public init(ids: [String], links: [Link]) {
        self.ids = ids
        self.links = links
    }
}

/// Turns the finder's candidate pairs into groups.
public enum DuplicateGrouping {
    /// Groups pairs into connected sets of records.
    ///
    /// A pair the user marked "not duplicates" is left out, so it links nothing (the two may still share
    /// a group through a third record they both resemble). A pair naming a record without a creation
    /// time (deleted or not visible meanwhile) is left out too. Members are ordered oldest first (ties by
    /// id); groups by their oldest member, the same way.
    /// - Parameters:
    ///   - pairs: candidate pairs; the same two records may come several times with different reasons.
    ///   - dismissed: pairs the user said are different records.
    ///   - createdAt: when each record was created.
    public static func groups(_ pairs: [DuplicatePair], dismissed: Set<PairKey>, createdAt: [String: Date]) -> [DuplicateGroup] {
        var reasons: [PairKey: Set<DuplicateReason>] = [:]
        for pair in pairs where pair.first != pair.second && !dismissed.contains(pair.key) {
            guard createdAt[pair.first] != nil, createdAt[pair.second] != nil else { continue }
            reasons[pair.key, default: []].insert(pair.reason)
        }
        // Union-find over the linked ids.
        var parent: [String: String] = [:]
        func root(_ id: String) -> String {
            var node = id
            while let next = parent[node], next != node { node = next }
            var walk = id
            while let next = parent[walk], next != node {
                parent[walk] = node
                walk = next
            }
            return node
        }
        for key in reasons.keys {
            parent[key.first] = parent[key.first] ?? key.first
            parent[key.second] = parent[key.second] ?? key.second
            let a = root(key.first)
            let b = root(key.second)
            if a != b { parent[max(a, b)] = min(a, b) }
        }
        func older(_ a: String, _ b: String) -> Bool {
            let (x, y) = (createdAt[a] ?? .distantFuture, createdAt[b] ?? .distantFuture)
            return x != y ? x < y : a < b
        }
        var members: [String: [String]] = [:]
        for id in parent.keys { members[root(id), default: []].append(id) }
        var linksByRoot: [String: [DuplicateGroup.Link]] = [:]
        for (key, why) in reasons {
            let (a, b) = older(key.first, key.second) ? (key.first, key.second) : (key.second, key.first)
            linksByRoot[root(key.first), default: []].append(DuplicateGroup.Link(first: a, second: b, reasons: why.sorted()))
        }
        var groups: [DuplicateGroup] = []
        for (groupRoot, ids) in members {
            let ordered = ids.sorted(by: older)
            let position = Dictionary(uniqueKeysWithValues: ordered.enumerated().map { ($1, $0) })
            let links = (linksByRoot[groupRoot] ?? []).sorted {
                (position[$0.first] ?? 0, position[$0.second] ?? 0) < (position[$1.first] ?? 0, position[$1.second] ?? 0)
            }
            groups.append(DuplicateGroup(ids: ordered, links: links))
        }
        return groups.sorted { older($0.ids[0], $1.ids[0]) }
    }

    /// Pairs of records in one company whose names are near-identical (``NameSimilarity``).
    /// - Parameter members: per company, its contacts with their name words.
    public static func similarNames(_ members: [[(id: String, words: [String])]]) -> [DuplicatePair] {
        var pairs: [DuplicatePair] = []
        for company in members {
            for i in company.indices {
                for j in company.indices where j > i && company[i].id != company[j].id {
                    if NameSimilarity.areSimilar(company[i].words, company[j].words) {
                        pairs.append(DuplicatePair(company[i].id, company[j].id, reason: .similarName))
                    }
                }
            }
        }
        return pairs
    }
}
