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

    /// Whether an attempt may proceed given the counters of its e-mail and address: refused while either
    /// is at its limit, for the longer of the two waits.
    public static func check(email: Counter?, address: Counter?, now: Date) -> Verdict {
        var retry = 0
        for (counter, limit) in [(email, maxFailuresPerEmail), (address, maxFailuresPerAddress)] {
            if case .refused(let wait) = verdict(counter, limit: limit, now: now) { retry = max(retry, wait) }
        }
        return retry > 0 ? .refused(retryAfter: retry) : .allowed
    }

    /// The verdict of one counter against its limit: refused while the window is live and the count has
    /// reached the limit, until the window ends (at least one second); a stale window allows. Shared by
    /// sign-in and every other per-key limit (web form submissions).
    public static func verdict(_ counter: Counter?, limit: Int, now: Date) -> Verdict {
        guard let counter else { return .allowed }
        let elapsed = now.timeIntervalSince(counter.windowStart)
        guard elapsed < window, counter.failures >= limit else { return .allowed }
        return .refused(retryAfter: max(1, Int((window - elapsed).rounded(.up))))
    }

    /// The counter after one more failure at `now` (a stale window starts over).
    public static func recordingFailure(_ counter: Counter?, now: Date) -> Counter {
        guard let counter, now.timeIntervalSince(counter.windowStart) < window else {
            return Counter(failures: 1, windowStart: now)
        }
        return Counter(failures: counter.failures + 1, windowStart: counter.windowStart)
    }
}
