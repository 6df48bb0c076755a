import Foundation
import RapportCore
import Testing

@Suite("Login throttle")
struct LoginThrottleTests {
    static let now = CoreFixture.now

    static func counter(_ failures: Int, startedSecondsAgo seconds: TimeInterval) -> LoginThrottle.Counter {
        LoginThrottle.Counter(failures: failures, windowStart: now.addingTimeInterval(-seconds))
    }

    @Test("The limits")
    func limits() {
        #expect(LoginThrottle.maxFailuresPerEmail == 5)
        #expect(LoginThrottle.maxFailuresPerAddress == 20)
        #expect(LoginThrottle.window == 900)
    }

    @Test("No counters, no limit")
    func noCounters() {
        #expect(LoginThrottle.check(email: nil, address: nil, now: Self.now) == .allowed)
    }

    @Test(
        "Per e-mail: 5 failures inside 15 minutes refuse until the window ends",
        arguments: [
            (4, 60.0, LoginThrottle.Verdict.allowed), (5, 60.0, .refused(retryAfter: 840)),
            (6, 0.0, .refused(retryAfter: 900)), (5, 899.5, .refused(retryAfter: 1)), (5, 899.0, .refused(retryAfter: 1)),
            (5, 900.0, .allowed), (50, 3_600.0, .allowed), (5, 0.25, .refused(retryAfter: 900)),
        ])
    func perEmail(_ failures: Int, _ secondsAgo: TimeInterval, _ verdict: LoginThrottle.Verdict) {
        let counter = Self.counter(failures, startedSecondsAgo: secondsAgo)
        #expect(LoginThrottle.check(email: counter, address: nil, now: Self.now) == verdict)
    }

    @Test(
        "Per address: 20 failures inside the window refuse",
        arguments: [(19, LoginThrottle.Verdict.allowed), (20, .refused(retryAfter: 600)), (5, .allowed)])
    func perAddress(_ failures: Int, _ verdict: LoginThrottle.Verdict) {
        let counter = Self.counter(failures, startedSecondsAgo: 300)
        #expect(LoginThrottle.check(email: nil, address: counter, now: Self.now) == verdict)
    }

    @Test(
        "One counter against a limit: refused from the limit on, until the window ends, at least a second",
        arguments: [
            (nil, 1, LoginThrottle.Verdict.allowed), (2, 3, .allowed), (3, 3, .refused(retryAfter: 600)),
            (30, 3, .refused(retryAfter: 600)), (1, 1, .refused(retryAfter: 600)),
        ] as [(Int?, Int, LoginThrottle.Verdict)])
    func verdict(_ failures: Int?, _ limit: Int, _ expected: LoginThrottle.Verdict) {
        let counter = failures.map { Self.counter($0, startedSecondsAgo: 300) }
        #expect(LoginThrottle.verdict(counter, limit: limit, now: Self.now) == expected)
    }

    @Test("One counter: the wait rounds up and never reaches zero inside the window; a stale window allows")
    func verdictEdges() {
        #expect(LoginThrottle.verdict(Self.counter(3, startedSecondsAgo: 899.99), limit: 3, now: Self.now) == .refused(retryAfter: 1))
        #expect(LoginThrottle.verdict(Self.counter(3, startedSecondsAgo: 0.4), limit: 3, now: Self.now) == .refused(retryAfter: 900))
        #expect(LoginThrottle.verdict(Self.counter(3, startedSecondsAgo: 900), limit: 3, now: Self.now) == .allowed)
        #expect(LoginThrottle.verdict(Self.counter(3, startedSecondsAgo: -60), limit: 3, now: Self.now) == .refused(retryAfter: 960))
    }

    @Test("Both limits: the longer wait wins")
    func both() {
        let email = Self.counter(5, startedSecondsAgo: 800)
        let address = Self.counter(25, startedSecondsAgo: 100)
        #expect(LoginThrottle.check(email: email, address: address, now: Self.now) == .refused(retryAfter: 800))
        #expect(LoginThrottle.check(email: address, address: email, now: Self.now) == .refused(retryAfter: 800))
        let quiet = Self.counter(1, startedSecondsAgo: 10)
        #expect(LoginThrottle.check(email: quiet, address: address, now: Self.now) == .refused(retryAfter: 800))
    }

    @Test("Recording failures: a new or stale window starts over, a live one counts up")
    func recording() {
        let first = LoginThrottle.recordingFailure(nil, now: Self.now)
        #expect(first == LoginThrottle.Counter(failures: 1, windowStart: Self.now))

        let live = Self.counter(3, startedSecondsAgo: 899)
        #expect(LoginThrottle.recordingFailure(live, now: Self.now) == LoginThrottle.Counter(failures: 4, windowStart: live.windowStart))

        let stale = Self.counter(9, startedSecondsAgo: 900)
        #expect(LoginThrottle.recordingFailure(stale, now: Self.now) == LoginThrottle.Counter(failures: 1, windowStart: Self.now))
    }

    @Test("Five wrong passwords in a row lock the e-mail for the rest of the window")
    func scenario() {
        var counter: LoginThrottle.Counter?
        var time = Self.now
        for attempt in 1...5 {
            #expect(LoginThrottle.check(email: counter, address: nil, now: time) == .allowed, "attempt \(attempt)")
            counter = LoginThrottle.recordingFailure(counter, now: time)
            time += 30
        }
        // The 6th attempt, 150 s after the first failure.
        #expect(LoginThrottle.check(email: counter, address: nil, now: time) == .refused(retryAfter: 750))
        // Once the window is over the e-mail may try again and the count starts over.
        let afterWindow = Self.now.addingTimeInterval(LoginThrottle.window)
        #expect(LoginThrottle.check(email: counter, address: nil, now: afterWindow) == .allowed)
        #expect(LoginThrottle.recordingFailure(counter, now: afterWindow).failures == 1)
    }
}
