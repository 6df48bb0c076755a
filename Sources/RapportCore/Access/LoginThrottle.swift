public import Foundation

/// Decides whether a sign-in attempt may proceed, from the recent failures of the same e-mail and the
/// same client address. Counting is done by the store (so every node sees the same counts); the rule is here.
public enum LoginThrottle {
    /// Failures allowed per e-mail inside the window.
    public static let maxFailuresPerEmail = 5
    /// Failures allowed per client address inside the window (many e-mails from one address).
    public static let maxFailuresPerAddress = 20
    /// The window length.
    public static let window: TimeInterval = 15 * 60

    /// A failure counter for one key.
    public struct Counter: Hashable, Sendable {
        /// Failures in the current window.
        public var failures: Int
        /// When the window started.
        public var windowStart: Date
        /// Makes a counter.
        public init(failures: Int, windowStart: Date) {
            self.failures = failures
            self.windowStart = windowStart
        }
    }

    /// The verdict on one attempt.
    public enum Verdict: Hashable, Sendable {
        /// Go ahead and check the password.
        case allowed
        /// Refuse without checking; try again after this many seconds.
        case refused(retryAfter: Int)
    }

    /// Whether an attempt may proceed given the counters of its e-mail and address.
    public static func check(email: Counter?, address: Counter?, now: Date) -> Verdict {
        var retry = 0
        for (counter, limit) in [(email, maxFailuresPerEmail), (address, maxFailuresPerAddress)] {
            guard let counter else { continue }
            let elapsed = now.timeIntervalSince(counter.windowStart)
            if elapsed < window, counter.failures >= limit {
                retry = max(retry, Int((window - elapsed).rounded(.up)))
            }
        }
        return retry > 0 ? .refused(retryAfter: retry) : .allowed
    }

    /// The counter after one more failure at `now` (a stale window starts over).
    public static func recordingFailure(_ counter: Counter?, now: Date) -> Counter {
        guard let counter, now.timeIntervalSince(counter.windowStart) < window else {
            return Counter(failures: 1, windowStart: now)
        }
        return Counter(failures: counter.failures + 1, windowStart: counter.windowStart)
    }
}
