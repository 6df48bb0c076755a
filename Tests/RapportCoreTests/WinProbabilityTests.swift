import Foundation
import RapportCore
import Testing

@Suite("Win probability: a logistic regression over closed deals")
struct WinProbabilityTests {
    static func deal(
        stage: String = "proposal", age: Double = 10, amount: Int64 = 100_000, source: String? = nil, activity: Int = 3,
        owner: String? = nil
    ) -> WinFeatures {
        WinFeatures(stage: stage, ageDays: age, amount: amount, source: source, activityCount: activity, owner: owner)
    }

    /// `total` examples made by `features`, of which the first `wins` are won.
    static func examples(_ total: Int, wins: Int, _ features: WinFeatures) -> [WinExample] {
        (0..<total).map { WinExample(features: features, won: $0 < wins) }
    }

    /// Stage A wins 10 of 100, stage B 90 of 100, interleaved so the order says nothing.
    static let stageExamples: [WinExample] = {
        let a = examples(100, wins: 10, deal(stage: "A"))
        let b = examples(100, wins: 90, deal(stage: "B"))
        return zip(a, b).flatMap { [$0, $1] }
    }()

    // MARK: Learning

    @Test("Stage win rates are learned: B (90 %) above A (10 %), each close to its rate")
    func stageRates() throws {
        let model = try #require(WinProbabilityModel.train(Self.stageExamples))
        let a = model.predict(Self.deal(stage: "A"))
        let b = model.predict(Self.deal(stage: "B"))
        #expect(abs(a.probability - 0.1) < 0.05)
        #expect(abs(b.probability - 0.9) < 0.05)
        #expect(b.probability > a.probability)
        #expect(model.exampleCount == 200)
        // Every A deal is predicted lost and every B deal won: 10 + 10 mistakes out of 200.
        #expect(model.trainingAccuracy == 0.9)
    }

    @Test("Calibration: with little regularization one binary feature reproduces the empirical rates")
    func calibration() throws {
        // Deals from "ads" win 70 % (210 of 300), deals without a source 30 % (90 of 300).
        let training = Self.examples(300, wins: 210, Self.deal(source: "ads")) + Self.examples(300, wins: 90, Self.deal())
        let model = try #require(WinProbabilityModel.train(training, regularization: 0.001))
        #expect(abs(model.predict(Self.deal(source: "ads")).probability - 0.7) < 0.05)
        #expect(abs(model.predict(Self.deal()).probability - 0.3) < 0.05)
        #expect(model.predict(Self.deal(source: "ads")).percent == 70)
        #expect(model.predict(Self.deal()).percent == 30)
        #expect(model.trainingAccuracy == 0.7)
    }

    @Test("Stronger regularization pulls predictions towards the overall rate")
    func regularizationShrinks() throws {
        let training = Self.examples(30, wins: 27, Self.deal(owner: "ann")) + Self.examples(30, wins: 3, Self.deal(owner: "bob"))
        let loose = try #require(WinProbabilityModel.train(training, regularization: 0.001))
        let tight = try #require(WinProbabilityModel.train(training, regularization: 50))
        let looseGap = loose.predict(Self.deal(owner: "ann")).probability - loose.predict(Self.deal(owner: "bob")).probability
        let tightGap = tight.predict(Self.deal(owner: "ann")).probability - tight.predict(Self.deal(owner: "bob")).probability
        #expect(abs(looseGap - 0.8) < 0.05)
        #expect(tightGap > 0)
        #expect(tightGap < looseGap - 0.2)
        #expect(tight.regularization == 50)
        #expect(loose.regularization == 0.001)
    }

    @Test("A numeric feature is learned in the right direction: more activity, more wins")
    func activityRanks() throws {
        // With k activities, k of every 10 deals are won (k = 1...9).
        var training: [WinExample] = []
        for k in 1...9 {
            training += Self.examples(10, wins: k, Self.deal(activity: k))
        }
        let model = try #require(WinProbabilityModel.train(training))
        let chances = (1...9).map { model.predict(Self.deal(activity: $0)).probability }
        #expect(zip(chances, chances.dropFirst()).allSatisfy { $0 < $1 })
        #expect(chances[0] < 0.3)
        #expect(chances[8] > 0.7)
    }

    @Test("Perfectly separable data still gives a finite, sensible model")
    func separable() throws {
        let training = Self.examples(20, wins: 0, Self.deal(stage: "A")) + Self.examples(20, wins: 20, Self.deal(stage: "B"))
        let model = try #require(WinProbabilityModel.train(training))
        let a = model.predict(Self.deal(stage: "A"))
        let b = model.predict(Self.deal(stage: "B"))
        #expect(a.probability < 0.2)
        #expect(b.probability > 0.8)
        #expect(a.logit.isFinite && b.logit.isFinite)
        #expect(model.trainingAccuracy == 1)
    }

    @Test("Training is deterministic, and the order of examples barely matters")
    func deterministic() throws {
        let first = try #require(WinProbabilityModel.train(Self.stageExamples))
        let second = try #require(WinProbabilityModel.train(Self.stageExamples))
        #expect(first == second)
        let reversed = try #require(WinProbabilityModel.train(Self.stageExamples.reversed()))
        for stage in ["A", "B", "C"] {
            #expect(abs(first.predict(Self.deal(stage: stage)).probability - reversed.predict(Self.deal(stage: stage)).probability) < 1e-9)
        }
    }

    // MARK: Refusals

    @Test("Too few examples: no model")
    func tooFew() {
        let nineteen = Self.examples(10, wins: 5, Self.deal(stage: "A")) + Self.examples(9, wins: 4, Self.deal(stage: "B"))
        #expect(WinProbabilityModel.train(nineteen) == nil)
        #expect(WinProbabilityModel.train(nineteen + Self.examples(1, wins: 1, Self.deal())) != nil)
        #expect(WinProbabilityModel.train(nineteen, minimumExamples: 19) != nil)
        #expect(WinProbabilityModel.train(nineteen, minimumExamples: 50) == nil)
        #expect(WinProbabilityModel.train([], minimumExamples: 0) == nil)
    }

    @Test("Only one outcome: no model")
    func oneClass() {
        #expect(WinProbabilityModel.train(Self.examples(50, wins: 50, Self.deal())) == nil)
        #expect(WinProbabilityModel.train(Self.examples(50, wins: 0, Self.deal())) == nil)
        #expect(WinProbabilityModel.train(Self.examples(50, wins: 1, Self.deal())) != nil)
    }

    // MARK: Predictions

    @Test("Unseen stages, sources and owners contribute nothing: the baseline")
    func unseenCategories() throws {
        let training = Self.stageExamples.map { example in
            var example = example
            example.features.source = "ads"
            example.features.owner = "ann"
            return example
        }
        let model = try #require(WinProbabilityModel.train(training))
        let unseen = model.predict(Self.deal(stage: "Z", source: "radio", owner: "zoe"))
        for feature in [WinFactor.Feature.stage, .source, .owner] {
            let factor = try #require(unseen.factors.first { $0.feature == feature })
            #expect(factor.contribution == 0)
        }
        #expect(unseen.factors.first { $0.feature == .stage }?.value == "Z")
        // Between the two learned stages.
        #expect(unseen.probability > model.predict(Self.deal(stage: "A", source: "ads", owner: "ann")).probability)
        #expect(unseen.probability < model.predict(Self.deal(stage: "B", source: "ads", owner: "ann")).probability)
        // No source and no owner are also the baseline.
        let missing = model.predict(Self.deal(stage: "Z"))
        #expect(missing.probability == unseen.probability)
        #expect(missing.factors.first { $0.feature == .source }?.value == "")
        #expect(missing.factors.first { $0.feature == .owner }?.value == "")
    }

    @Test("Factors: one per feature, strongest first, summing with the intercept to the logit")
    func factors() throws {
        var training = Self.stageExamples
        for (i, example) in training.enumerated() {
            training[i].features = Self.deal(
                stage: example.features.stage, age: Double(i % 40), amount: Int64(i % 7) * 50_000,
                source: i % 3 == 0 ? "ads" : "referral", activity: i % 5, owner: (i / 2) % 2 == 0 ? "ann" : "bob")
        }
        let model = try #require(WinProbabilityModel.train(training))
        for features in [
            Self.deal(stage: "B", age: 12, amount: 123_456, source: "ads", activity: 7, owner: "ann"),
            Self.deal(stage: "A", age: 1, amount: 5, source: "referral", activity: 0, owner: "bob"),
            Self.deal(stage: "Q", age: 0, amount: 0, source: nil, activity: 2, owner: nil),
        ] {
            let prediction = model.predict(features)
            #expect(
                prediction.factors.map(\.feature).sorted { $0.rawValue < $1.rawValue }
                    == WinFactor.Feature.allCases.sorted { $0.rawValue < $1.rawValue })
            let magnitudes = prediction.factors.map { abs($0.contribution) }
            #expect(zip(magnitudes, magnitudes.dropFirst()).allSatisfy { $0 >= $1 })
            let sum = prediction.factors.reduce(model.intercept) { $0 + $1.contribution }
            #expect(abs(sum - prediction.logit) < 1e-9)
            #expect(abs(prediction.probability - 1 / (1 + exp(-prediction.logit))) < 1e-12)
            #expect(prediction.percent == Int((prediction.probability * 100).rounded()))
            #expect(prediction.factors.allSatisfy { $0.contribution.isFinite })
        }
        // The stage carries the signal here, so it leads for a known stage.
        #expect(model.predict(Self.deal(stage: "B")).factors.first?.feature == .stage)
    }

    @Test("Factor values are readable")
    func factorValues() throws {
        let model = try #require(WinProbabilityModel.train(Self.stageExamples))
        func values(_ features: WinFeatures) -> [WinFactor.Feature: String] {
            Dictionary(uniqueKeysWithValues: model.predict(features).factors.map { ($0.feature, $0.value) })
        }
        #expect(
            values(Self.deal(stage: "B", age: 12, amount: 123_456, source: "ads", activity: 7, owner: "u-42")) == [
                .stage: "B", .age: "12 days", .amount: "1234.56", .source: "ads", .activity: "7", .owner: "u-42",
            ])
        #expect(values(Self.deal(age: 1))[.age] == "1 day")
        #expect(values(Self.deal(age: 0.4))[.age] == "0 days")
        #expect(values(Self.deal(age: 2.5))[.age] == "3 days")
        #expect(values(Self.deal(amount: 5))[.amount] == "0.05")
        #expect(values(Self.deal(amount: 100))[.amount] == "1.00")
        #expect(values(Self.deal(amount: -250))[.amount] == "-2.50")
    }

    @Test("Extreme or broken inputs still give a finite probability in 0...1")
    func extremes() throws {
        let model = try #require(WinProbabilityModel.train(Self.stageExamples))
        for features in [
            Self.deal(age: .infinity, amount: Int64.max, activity: Int.max),
            Self.deal(age: .nan, amount: Int64.min, activity: Int.min),
            Self.deal(age: -5, amount: -1, activity: -3),
            Self.deal(age: 1e300, amount: 0, activity: 0),
        ] {
            let prediction = model.predict(features)
            #expect(prediction.probability.isFinite)
            #expect((0...1).contains(prediction.probability))
            #expect((0...100).contains(prediction.percent))
            #expect(prediction.logit.isFinite)
        }
        // Negative inputs read as zero.
        #expect(
            model.predict(Self.deal(age: -5, amount: -1, activity: -3)).probability
                == model.predict(Self.deal(age: 0, amount: 0, activity: 0)).probability)
    }

    @Test("A model survives a JSON round trip with identical predictions")
    func codable() throws {
        var training = Self.stageExamples
        for i in training.indices {
            training[i].features.source = ["ads", "referral", "expo"][i % 3]
            training[i].features.owner = i % 4 == 0 ? "ann" : "bob"
            training[i].features.ageDays = Double(i % 31) + 0.37
            training[i].features.amount = Int64(i) * 12_345
            training[i].features.activityCount = i % 9
        }
        let model = try #require(WinProbabilityModel.train(training))
        let decoded = try JSONDecoder().decode(WinProbabilityModel.self, from: JSONEncoder().encode(model))
        #expect(decoded == model)
        #expect(decoded.exampleCount == model.exampleCount)
        #expect(decoded.trainingAccuracy == model.trainingAccuracy)
        for features in [
            Self.deal(stage: "A", age: 3.3, amount: 77_777, source: "expo", activity: 4, owner: "bob"),
            Self.deal(stage: "B", age: 40, amount: 1, source: "ads", activity: 0, owner: "ann"),
            Self.deal(stage: "new", age: 0, amount: 0, source: nil, activity: 1, owner: "eve"),
        ] {
            #expect(decoded.predict(features) == model.predict(features))
        }
    }
}
