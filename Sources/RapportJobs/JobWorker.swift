import Foundation
public import Logging
import RapportCore
public import RapportStore
public import ServiceLifecycle

/// Claims due jobs and runs them, one at a time, until shutdown; also enqueues the registry's recurring
/// jobs for the current time slot (every node does, the unique key keeps one). Run one or more inside
/// `rapport serve`, or as `rapport worker` processes.
public struct JobWorker: Service {
    let store: Store
    let registry: JobRegistry
    let name: String
    let idle: Duration
    let logger: Logger

    /// Makes a worker.
    /// - Parameters:
    ///   - name: identifies the worker in job leases (host and process are a good choice).
    ///   - idle: how long to wait when there is nothing to do.
    public init(store: Store, registry: JobRegistry, name: String, idle: Duration = .seconds(1), logger: Logger) {
        self.store = store
        self.registry = registry
        self.name = name
        self.idle = idle
        self.logger = logger
    }

    /// The service loop.
    public func run() async throws {
        var lastScheduling = Date.distantPast
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            if store.context.effects.now().timeIntervalSince(lastScheduling) >= 60 {
                lastScheduling = store.context.effects.now()
                do { try await enqueueScheduled() } catch { logger.warning("Scheduling jobs failed", metadata: ["error": "\(error)"]) }
            }
            let worked: Bool
            do { worked = try await runNext() } catch {
                logger.warning("Claiming a job failed", metadata: ["error": "\(error)"])
                worked = false
            }
            if !worked { try? await cancelWhenGracefulShutdown { try await Task.sleep(for: idle) } }
        }
    }

    /// Enqueues this slot's run of every recurring job (a no-op where another node already did).
    public func enqueueScheduled() async throws {
        let now = store.context.effects.now()
        for (kind, interval) in registry.schedules {
            try await store.jobs.enqueue(kind: kind, uniqueKey: JobRules.slotKey(kind: kind, every: interval, now: now), maximumAttempts: 3)
        }
    }

    /// Runs the next due job, if there is one. - Returns: whether a job ran.
    @discardableResult
    public func runNext() async throws -> Bool {
        guard let job = try await store.jobs.claim(worker: name, kinds: Array(registry.handlers.keys)) else { return false }
        guard let handler = registry.handlers[job.kind] else { return false }
        let started = ContinuousClock.now
        var failure: String?
        do {
            try await handler(JobContext(job: job, store: store, worker: name))
        } catch {
            failure = "\(error)"
            logger.warning(
                "Job failed", metadata: ["job": "\(job.id)", "kind": "\(job.kind)", "attempt": "\(job.attempts)", "error": "\(error)"])
        }
        try await store.jobs.finish(job, worker: name, error: failure)
        logger.debug("Job finished", metadata: ["job": "\(job.id)", "kind": "\(job.kind)", "duration": "\(ContinuousClock.now - started)"])
        return true
    }
}
