/// A small deterministic generator (SplitMix64), so demo and benchmark data are the same every run.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64
    /// Starts from a seed.
    public init(seed: UInt64) { state = seed }
    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// A uniform integer in a range.
    public mutating func next(in range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
    /// A uniform integer in `0..<bound` (0 when the bound is not positive).
    public mutating func next(below bound: Int) -> Int { bound > 0 ? Int.random(in: 0..<bound, using: &self) : 0 }
}
