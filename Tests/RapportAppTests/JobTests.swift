import Foundation
import Logging
import RapportCore
import RapportJobs
import RapportStore
import Synchronization
import Testing

/// The durable job queue and its workers, on SQLite and PostgreSQL.
@Suite struct JobTests {
    @Test func aJobRunsOnceAndAFailingOneIsRetriedWithBackoffThenGivenUp() async throws {
        let clock = TestClock()
        try await TestApp.with(effects: clock.effects) { app, _ in
            let jobs = app.store.jobs
            let first = try await jobs.enqueue(kind: "demo.ok", payload: ["n": 1])
            let claimed = try #require(try await jobs.claim(worker: "w1", kinds: ["demo.ok"]))
            #expect(claimed.id == first.id)
            #expect(claimed.attempts == 1)
            #expect(try await jobs.claim(worker: "w2", kinds: ["demo.ok"]) == nil, "a claimed job is not handed out twice")
            try await jobs.report(claimed.id, worker: "w1", progress: 40, note: "400 of 1000")
            #expect(try await jobs.get(claimed.id)?.progressNote == "400 of 1000")
            try await jobs.finish(claimed, worker: "w1", error: nil)
            let done = try await jobs.get(claimed.id)
            #expect(done?.status == .succeeded)
            #expect(done?.progress == 100)

            let failing = try await jobs.enqueue(kind: "demo.fail", maximumAttempts: 2)
            let run1 = try #require(try await jobs.claim(worker: "w1", kinds: ["demo.fail"]))
            try await jobs.finish(run1, worker: "w1", error: "gateway down")
            #expect(try await jobs.get(failing.id)?.status == .queued)
            #expect(try await jobs.claim(worker: "w1", kinds: ["demo.fail"]) == nil, "not before the backoff")
            clock.advance(days: 31.0 / 86_400)
            let run2 = try #require(try await jobs.claim(worker: "w1", kinds: ["demo.fail"]))
            #expect(run2.attempts == 2)
            try await jobs.finish(run2, worker: "w1", error: "gateway down")
            let given = try await jobs.get(failing.id)
            #expect(given?.status == .failed)
            #expect(given?.lastError == "gateway down")
        }
    }

    @Test func aJobWhoseWorkerDiedIsPickedUpWhenItsLeaseEnds() async throws {
        let clock = TestClock()
        try await TestApp.with(effects: clock.effects) { app, _ in
            let jobs = app.store.jobs
            let job = try await jobs.enqueue(kind: "demo.long")
            _ = try #require(try await jobs.claim(worker: "crashed", kinds: ["demo.long"], lease: 300))
            #expect(try await jobs.claim(worker: "survivor", kinds: ["demo.long"]) == nil)
            clock.advance(days: 301.0 / 86_400)
            let again = try #require(try await jobs.claim(worker: "survivor", kinds: ["demo.long"]))
            #expect(again.id == job.id)
            #expect(again.attempts == 2)
            // The crashed worker's late report and finish no longer touch a job it lost.
            try await jobs.finish(again, worker: "crashed", error: "late")
            #expect(try await jobs.get(job.id)?.status == .running)
            try await jobs.finish(again, worker: "survivor", error: nil)
            #expect(try await jobs.get(job.id)?.status == .succeeded)
        }
    }

    @Test func concurrentWorkersClaimEachJobExactlyOnce() async throws {
        try await TestApp.with { app, _ in
            let jobs = app.store.jobs
            var ids: Set<String> = []
            for index in 0..<24 { ids.insert(try await jobs.enqueue(kind: "demo.many", payload: ["i": .int(Int64(index))]).id.rawValue) }
            let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
                for worker in 0..<6 {
                    group.addTask {
                        var mine: [String] = []
                        while let job = try await jobs.claim(worker: "w\(worker)", kinds: ["demo.many"]) {
                            mine.append(job.id.rawValue)
                            try await jobs.finish(job, worker: "w\(worker)", error: nil)
                        }
                        return mine
                    }
                }
                var all: [String] = []
                for try await part in group { all += part }
                return all
            }
            #expect(claimed.count == 24, "no job ran twice")
            #expect(Set(claimed) == ids, "every job ran")
        }
    }

    @Test func theWorkerRunsRegisteredJobsAndEnqueuesEachScheduledRunOnce() async throws {
        try await TestApp.with { app, _ in
            let ran = Mutex<[String]>([])
            var registry = JobRegistry()
            registry.register("demo.note") { context in
                ran.withLock { $0.append(context.job.payload["text"].stringValue ?? "") }
                try await context.report(progress: 50)
            }
            registry.register("demo.broken") { _ in throw TestFailure("broken on purpose") }
            registry.schedule("demo.note", every: 3600)
            let worker = JobWorker(store: app.store, registry: registry, name: "test", logger: Logger(label: "test"))
            try await worker.enqueueScheduled()
            try await worker.enqueueScheduled()
            let note = try await app.store.jobs.enqueue(kind: "demo.note", payload: ["text": "привет"])
            let broken = try await app.store.jobs.enqueue(kind: "demo.broken")
            while try await worker.runNext() {}
            #expect(ran.withLock { $0.sorted() } == ["", "привет"], "the scheduled run once, and the queued one")
            #expect(try await app.store.jobs.get(note.id)?.status == .succeeded)
            let failed = try await app.store.jobs.get(broken.id)
            #expect(failed?.status == .queued, "retried later")
            #expect(failed?.lastError?.contains("broken on purpose") == true)
        }
    }

    @Test func theStandardJobsScoreCustomers() async throws {
        try await TestApp.with(effects: OrderAndSegmentTests.effects) { app, api in
            let crew = try await Crew.make(app.store)
            let ids = try await OrderAndSegmentTests().seed(api, crew.token("owner"))
            let worker = JobWorker(
                store: app.store, registry: JobRegistry.standard(trashRetentionDays: 30), name: "test", logger: Logger(label: "test"))
            try await worker.enqueueScheduled()
            while try await worker.runNext() {}
            let metrics = try await api.get("/api/v1/contacts/\(ids["Антонов Антон"]!)/metrics", crew.token("owner"))
            #expect(metrics["rfm"]["segment"].stringValue != nil, "the scheduled RFM job scored the buyer")
        }
    }
}
