import Foundation
import RapportCore
import Testing

@Suite("Jobs: retries with backoff, scheduled slots")
struct JobRulesTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    func job(attempts: Int, maximum: Int = 3) -> Job {
        var job = Job(id: Job.ID("j"), workspaceID: nil, kind: "k", payload: [:], runAt: Self.now, maximumAttempts: maximum, now: Self.now)
        job.status = .running
        job.attempts = attempts
        return job
    }

    @Test("Backoff doubles from 30 seconds and stops at an hour", arguments: [(1, 30.0), (2, 60.0), (3, 120.0), (8, 3600.0), (20, 3600.0)])
    func backoff(_ attempt: Int, _ seconds: Double) {
        #expect(JobRules.backoff(afterAttempt: attempt) == seconds)
    }

    @Test("A failed run is queued again after the backoff, until its attempts are spent")
    func failure() {
        let retried = JobRules.failed(job(attempts: 2), error: "timeout", now: Self.now)
        #expect(retried.status == .queued)
        #expect(retried.runAt == Self.now.addingTimeInterval(60))
        #expect(retried.lastError == "timeout")
        #expect(retried.finishedAt == nil)
        let given = JobRules.failed(job(attempts: 3), error: "timeout", now: Self.now)
        #expect(given.status == .failed)
        #expect(given.finishedAt == Self.now)
    }

    @Test("Success finishes the job at 100 %")
    func success() {
        var failing = job(attempts: 1)
        failing.lastError = "earlier"
        let done = JobRules.succeeded(failing, now: Self.now)
        #expect(done.status == .succeeded)
        #expect(done.progress == 100)
        #expect(done.lastError == nil)
        #expect(done.finishedAt == Self.now)
    }

    @Test("Every moment of one hour names the same slot; the next hour another")
    func slots() {
        let start = Date(timeIntervalSince1970: 3600 * 500_000)
        let key = JobRules.slotKey(kind: "rfm.refresh", every: 3600, now: start)
        #expect(key == "rfm.refresh@500000")
        #expect(JobRules.slotKey(kind: "rfm.refresh", every: 3600, now: start.addingTimeInterval(3599)) == key)
        #expect(JobRules.slotKey(kind: "rfm.refresh", every: 3600, now: start.addingTimeInterval(3600)) == "rfm.refresh@500001")
    }
}
