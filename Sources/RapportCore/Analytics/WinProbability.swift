import Foundation

/// What the win-probability model sees of a deal. For a closed deal: the last open stage before closing,
/// and its age at closing.
public struct WinFeatures: Hashable, Sendable, Codable {
    /// The stage id (for a closed deal, the last open stage it was in).
    public var stage: String
    /// Days since the deal was created (for a closed deal, at closing).
    public var ageDays: Double
    /// The deal amount in minor units.
    public var amount: Int64
    /// Where the lead came from, if known.
    public var source: String?
    /// How many activities (calls, meetings, messages) the deal has.
    public var activityCount: Int
    /// The owner's user id, if the deal has an owner.
    public var owner: String?

    /// Makes features.
    /// - Parameters:
    ///   - stage: the stage id.
    ///   - ageDays: the age in days.
    ///   - amount: the amount in minor units.
    ///   - source: the lead source.
    ///   - activityCount: the number of activities.
    ///   - owner: the owner's user id.
    public init(stage: String, ageDays: Double, amount: Int64, source: String?, activityCount: Int, owner: String?) {
        self.stage = stage
        self.ageDays = ageDays
        self.amount = amount
        self.source = source
        self.activityCount = activityCount
        self.owner = owner
    }
}

/// A closed deal to learn from.
public struct WinExample: Hashable, Sendable {
    /// What the model sees of the deal.
    public var features: WinFeatures
    /// Whether the deal was won.
    public var won: Bool

    /// Makes an example.
    /// - Parameters:
    ///   - features: what the model sees of the deal.
    ///   - won: whether it was won.
    public init(features: WinFeatures, won: Bool) {
        self.features = features
        self.won = won
    }
}

/// How much one feature of a deal moved its predicted chance, for "why this number" explanations.
public struct WinFactor: Hashable, Sendable, Codable {
    /// Which feature of a deal.
    public enum Feature: String, Sendable, Codable, CaseIterable {
        /// The stage.
        case stage
        /// The age in days.
        case age
        /// The amount.
        case amount
        /// The lead source.
        case source
        /// The number of activities.
        case activity
        /// The owner.
        case owner
    }

    /// The feature.
    public var feature: Feature
    /// The deal's value of it, readable: the stage id, "12 days", the amount in major units ("1234.56"),
    /// the source, the activity count, the owner id; empty for a missing source or owner.
    public var value: String
    /// The feature's contribution to the log-odds of winning; positive raises the chance.
    public var contribution: Double

    /// Makes a factor.
    /// - Parameters:
    ///   - feature: the feature.
    ///   - value: the deal's value of it, readable.
    ///   - contribution: its contribution to the log-odds of winning.
    public init(feature: Feature, value: String, contribution: Double) {
        self.feature = feature
        self.value = value
        self.contribution = contribution
    }
}

/// The predicted chance of winning a deal, with its explanation.
public struct WinPrediction: Hashable, Sendable {
    /// The chance of winning, 0...1.
    public var probability: Double
    /// The chance as a whole percentage, 0...100 (rounded half away from zero).
    public var percent: Int
    /// Each feature's contribution, the strongest (by absolute value) first.
    public var factors: [WinFactor]
    /// The log-odds of winning: the model's intercept plus every factor's contribution. The probability is
    /// the logistic function of it, clamped to ±30 so that it stays finite and strictly inside 0...1.
    public var logit: Double

    /// Makes a prediction (the model makes them; this is for fixtures and previews).
    /// - Parameters:
    ///   - probability: the chance of winning, 0...1.
    ///   - percent: the chance as a whole percentage.
    ///   - factors: the contributions, strongest first.
    ///   - logit: the log-odds of winning.
    public init(probability: Double, percent: Int, factors: [WinFactor], logit: Double) {
        self.probability = probability
        self.percent = percent
        self.factors = factors
        self.logit = logit
    }
}

/// A learned win probability: L2-regularized logistic regression over closed deals.
///
/// Encoding of a deal: one indicator per stage, source and owner seen in training (an unseen or missing
/// one contributes nothing, i.e. the baseline); log(1 + amount in major units), log(1 + age in days) and
/// log(1 + activity count), each standardized with the training mean and standard deviation. Amounts are
/// taken as hundredths of the major unit, as in most currencies; negative amounts, ages and counts count
/// as zero.
///
/// Fitting minimizes the log loss plus λ/2 times the squared coefficients (not the intercept) by Newton's
/// method with step halving: deterministic, no randomness, and it converges because the objective is
/// strictly convex. The same examples in the same order always give the same model.
public struct WinProbabilityModel: Hashable, Sendable, Codable {
    /// How many closed deals the model learned from.
    public private(set) var exampleCount: Int
    /// The share of training examples classified right when a probability of 0.5 or more means "won".
    public private(set) var trainingAccuracy: Double
    /// The log-odds of winning of a deal whose every encoded feature is at the baseline (unseen categories,
    /// average numbers).
    public private(set) var intercept: Double
    /// The regularization strength λ the model was trained with.
    public private(set) var regularization: Double

    private var stageWeights: [String: Double]
    private var sourceWeights: [String: Double]
    private var ownerWeights: [String: Double]
    private var age: Scale
    private var amount: Scale
    private var activity: Scale

    /// A standardized numeric feature: its training mean and deviation (of the log-transformed value) and its
    /// coefficient.
    private struct Scale: Hashable, Sendable, Codable {
        var mean: Double
        var deviation: Double
        var weight: Double

        /// The mean and population standard deviation of `values`, with no weight yet. A constant feature
        /// gets a deviation of 1, so it standardizes to 0 and its coefficient stays 0.
        init(fitting values: [Double]) {
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
            let deviation = variance.squareRoot()
            self.init(mean: mean, deviation: deviation > 1e-9 ? deviation : 1, weight: 0)
        }

        init(mean: Double, deviation: Double, weight: Double) {
            self.mean = mean
            self.deviation = deviation
            self.weight = weight
        }

        func standardized(_ x: Double) -> Double { (x - mean) / deviation }

        /// The coefficient times the standardized value.
        func contribution(_ x: Double) -> Double { weight * standardized(x) }
    }

    /// Logits are clamped to this magnitude before the logistic function: the probability stays finite and
    /// strictly between 0 and 1 whatever the input.
    private static let logitLimit = 30.0
    private static let maximumIterations = 100

    /// Learns from closed deals.
    /// - Parameters:
    ///   - examples: closed deals, won and lost.
    ///   - minimumExamples: the fewest examples worth learning from.
    ///   - regularization: λ, how strongly coefficients are pulled towards zero (towards "this feature says
    ///     nothing"); values below 10⁻⁶ count as 10⁻⁶ so the fit always exists.
    /// - Returns: the model, or nil when there are fewer than `minimumExamples` examples or they are all won
    ///   or all lost.
    public static func train(
        _ examples: [WinExample], minimumExamples: Int = 20, regularization: Double = 1
    ) -> WinProbabilityModel? {
        guard !examples.isEmpty, examples.count >= minimumExamples,
            examples.contains(where: \.won), examples.contains(where: { !$0.won })
        else { return nil }
        let lambda = regularization.isFinite ? max(regularization, 1e-6) : 1

        // Parameter layout: intercept, age, amount, activity, then one per stage, source and owner (sorted,
        // so the layout does not depend on the order examples arrive in).
        let stages = Array(Set(examples.map(\.features.stage))).sorted()
        let sources = Array(Set(examples.compactMap(\.features.source))).sorted()
        let owners = Array(Set(examples.compactMap(\.features.owner))).sorted()
        let stageBase = 4
        let sourceBase = stageBase + stages.count
        let ownerBase = sourceBase + sources.count
        let dimension = ownerBase + owners.count
        let stageIndex = Dictionary(uniqueKeysWithValues: stages.enumerated().map { ($1, stageBase + $0) })
        let sourceIndex = Dictionary(uniqueKeysWithValues: sources.enumerated().map { ($1, sourceBase + $0) })
        let ownerIndex = Dictionary(uniqueKeysWithValues: owners.enumerated().map { ($1, ownerBase + $0) })

        let raw = examples.map { Numbers($0.features) }
        let ageScale = Scale(fitting: raw.map(\.age))
        let amountScale = Scale(fitting: raw.map(\.amount))
        let activityScale = Scale(fitting: raw.map(\.activity))

        let rows: [SparseRow] = examples.indices.map { i in
            let features = examples[i].features
            var row = SparseRow(
                indices: [0, 1, 2, 3],
                values: [
                    1, ageScale.standardized(raw[i].age), amountScale.standardized(raw[i].amount),
                    activityScale.standardized(raw[i].activity),
                ])
            for index in [
                stageIndex[features.stage], features.source.flatMap { sourceIndex[$0] }, features.owner.flatMap { ownerIndex[$0] },
            ] {
                if let index {
                    row.indices.append(index)
                    row.values.append(1)
                }
            }
            return row
        }
        let labels = examples.map { $0.won ? 1.0 : 0.0 }
        let w = fitLogistic(rows: rows, labels: labels, dimension: dimension, lambda: lambda)

        var model = WinProbabilityModel(
            exampleCount: examples.count, trainingAccuracy: 0, intercept: w[0], regularization: lambda,
            stageWeights: Dictionary(uniqueKeysWithValues: zip(stages, w[stageBase..<sourceBase])),
            sourceWeights: Dictionary(uniqueKeysWithValues: zip(sources, w[sourceBase..<ownerBase])),
            ownerWeights: Dictionary(uniqueKeysWithValues: zip(owners, w[ownerBase..<dimension])),
            age: Scale(mean: ageScale.mean, deviation: ageScale.deviation, weight: w[1]),
            amount: Scale(mean: amountScale.mean, deviation: amountScale.deviation, weight: w[2]),
            activity: Scale(mean: activityScale.mean, deviation: activityScale.deviation, weight: w[3]))
        let right = examples.filter { (model.predict($0.features).probability >= 0.5) == $0.won }.count
        model.trainingAccuracy = Double(right) / Double(examples.count)
        return model
    }

    /// The chance of winning a deal, with each feature's contribution.
    /// - Parameter features: what the model sees of the deal.
    /// - Returns: the prediction; always finite.
    public func predict(_ features: WinFeatures) -> WinPrediction {
        let numbers = Numbers(features)
        let factors = [
            WinFactor(feature: .stage, value: features.stage, contribution: stageWeights[features.stage] ?? 0),
            WinFactor(feature: .age, value: Self.daysText(numbers.ageDays), contribution: age.contribution(numbers.age)),
            WinFactor(
                feature: .amount, value: Self.majorUnitsText(features.amount), contribution: amount.contribution(numbers.amount)),
            WinFactor(
                feature: .source, value: features.source ?? "", contribution: features.source.flatMap { sourceWeights[$0] } ?? 0),
            WinFactor(
                feature: .activity, value: String(max(0, features.activityCount)),
                contribution: activity.contribution(numbers.activity)),
            WinFactor(
                feature: .owner, value: features.owner ?? "", contribution: features.owner.flatMap { ownerWeights[$0] } ?? 0),
        ]
        let logit = factors.reduce(intercept) { $0 + $1.contribution }
        let clamped = logit.isNaN ? 0 : min(Self.logitLimit, max(-Self.logitLimit, logit))
        let probability = 1 / (1 + exp(-clamped))
        // Equal weights keep the fixed feature order, so the list is the same on every run.
        let sorted = factors.enumerated().sorted {
            let (a, b) = (abs($0.element.contribution), abs($1.element.contribution))
            return a != b ? a > b : $0.offset < $1.offset
        }.map(\.element)
        return WinPrediction(
            probability: probability, percent: Int((probability * 100).rounded(.toNearestOrAwayFromZero)), factors: sorted,
            logit: logit)
    }

    // MARK: - Encoding

    /// The log-transformed numeric features of a deal, before standardizing.
    private struct Numbers {
        /// The age in days as used (non-negative, finite).
        var ageDays: Double
        var age: Double
        var amount: Double
        var activity: Double

        init(_ features: WinFeatures) {
            // Bad input (negative, NaN, infinite) is read as zero rather than poisoning the fit.
            ageDays = features.ageDays.isFinite ? max(0, features.ageDays) : 0
            age = log1p(ageDays)
            amount = log1p(Double(max(0, features.amount)) / 100)
            activity = log1p(Double(max(0, features.activityCount)))
        }
    }

    /// A row of the design matrix: the few non-zero entries of an encoded example.
    private struct SparseRow {
        var indices: [Int]
        var values: [Double]
    }

    /// "1 day", "12 days": the age rounded to whole days.
    private static func daysText(_ days: Double) -> String {
        let whole = Int(min(days, 1e15).rounded(.toNearestOrAwayFromZero))
        return whole == 1 ? "1 day" : "\(whole) days"
    }

    /// Minor units as a plain decimal of the major unit, e.g. 123456 → "1234.56".
    private static func majorUnitsText(_ amount: Int64) -> String {
        let magnitude = amount.magnitude
        let cents = magnitude % 100
        return "\(amount < 0 ? "-" : "")\(magnitude / 100).\(cents < 10 ? "0" : "")\(cents)"
    }

    // MARK: - Fitting

    /// Minimizes Σ log(1 + e^z) − y·z + λ/2 Σ_{j≥1} w_j² by Newton's method with step halving.
    private static func fitLogistic(rows: [SparseRow], labels: [Double], dimension: Int, lambda: Double) -> [Double] {
        var w = [Double](repeating: 0, count: dimension)
        // Starting at the overall log-odds saves a few iterations.
        let wins = labels.reduce(0, +)
        w[0] = log(wins / (Double(labels.count) - wins))
        var current = objective(w, rows: rows, labels: labels, lambda: lambda)
        for _ in 0..<maximumIterations {
            var gradient = [Double](repeating: 0, count: dimension)
            var hessian = [Double](repeating: 0, count: dimension * dimension)
            for (row, label) in zip(rows, labels) {
                let p = sigmoid(dot(w, row))
                let residual = p - label
                // A small floor keeps the curvature usable when predictions saturate.
                let curvature = max(p * (1 - p), 1e-12)
                for (a, i) in row.indices.enumerated() {
                    gradient[i] += residual * row.values[a]
                    for (b, j) in row.indices.enumerated() {
                        hessian[i * dimension + j] += curvature * row.values[a] * row.values[b]
                    }
                }
            }
            for j in 1..<dimension {
                gradient[j] += lambda * w[j]
                hessian[j * dimension + j] += lambda
            }
            hessian[0] += 1e-9
            guard let step = solveSymmetricPositiveDefinite(hessian, gradient, dimension: dimension) else { break }

            var scale = 1.0
            var next = w
            var value = current
            while scale > 1e-10 {
                for j in 0..<dimension { next[j] = w[j] - scale * step[j] }
                value = objective(next, rows: rows, labels: labels, lambda: lambda)
                if value <= current { break }
                scale /= 2
            }
            guard value <= current else { break }
            let moved = step.reduce(0) { max($0, abs($1)) } * scale
            w = next
            let improvement = current - value
            current = value
            if moved < 1e-10 || improvement < 1e-14 * max(1, abs(current)) { break }
        }
        return w
    }

    private static func objective(_ w: [Double], rows: [SparseRow], labels: [Double], lambda: Double) -> Double {
        var total = 0.0
        for (row, label) in zip(rows, labels) {
            let z = dot(w, row)
            // log(1 + e^z) without overflow for large |z|.
            let softplus = z > 0 ? z + log1p(exp(-z)) : log1p(exp(z))
            total += softplus - label * z
        }
        var penalty = 0.0
        for j in 1..<w.count { penalty += w[j] * w[j] }
        return total + lambda / 2 * penalty
    }

    private static func dot(_ w: [Double], _ row: SparseRow) -> Double {
        var sum = 0.0
        for (a, i) in row.indices.enumerated() { sum += w[i] * row.values[a] }
        return sum
    }

    private static func sigmoid(_ z: Double) -> Double {
        z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
    }

    /// Solves A x = b for a symmetric positive definite A (row-major, n × n) by Cholesky decomposition; nil
    /// when A is not positive definite (which the regularization rules out, short of rounding).
    private static func solveSymmetricPositiveDefinite(_ matrix: [Double], _ b: [Double], dimension n: Int) -> [Double]? {
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var sum = matrix[i * n + j]
                for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
                if i == j {
                    guard sum > 0, sum.isFinite else { return nil }
                    l[i * n + i] = sum.squareRoot()
                } else {
                    l[i * n + j] = sum / l[j * n + j]
                }
            }
        }
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var sum = b[i]
            for k in 0..<i { sum -= l[i * n + k] * y[k] }
            y[i] = sum / l[i * n + i]
        }
        var x = [Double](repeating: 0, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            var sum = y[i]
            for k in (i + 1)..<n { sum -= l[k * n + i] * x[k] }
            x[i] = sum / l[i * n + i]
        }
        return x
    }
}
