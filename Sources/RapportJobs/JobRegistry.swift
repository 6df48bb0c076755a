public import Foundation
public import RapportCore
public import RapportStore

/// What a running job can do besides its work: report progress (which also renews its lease).
public struct JobContext: Sendable {
    /// The job being run.
    public let job: Job
    /// The repositories.
    public let store: Store
    /// The worker running it.
    public let worker: String

    /// Records progress and keeps the job claimed by this worker.
    public func report(progress: Int, note: String? = nil) async throws {
        try await store.jobs.report(job.id, worker: worker, progress: progress, note: note)
    }
}

/// Runs one kind of job; throwing fails the run (it is retried with backoff).
public typealias JobHandler = @Sendable (JobContext) async throws -> Void

/// Every kind of job, registered in one place, and the recurring ones with their intervals.
public struct JobRegistry: Sendable {
    /// Handlers by job kind.
    public private(set) var handlers: [String: JobHandler] = [:]
    /// Jobs that recur: kind and interval.
    public private(set) var schedules: [(kind: String, every: TimeInterval)] = []

    /// An empty registry.
    public init() {}

    /// Registers a handler for a kind of job.
    public mutating func register(_ kind: String, _ handler: @escaping JobHandler) { handlers[kind] = handler }

    /// Makes a registered kind recur.
    public mutating func schedule(_ kind: String, every interval: TimeInterval) { schedules.append((kind, interval)) }

    /// The jobs Rapport runs by itself: RFM scoring (the quintiles move as the whole base buys), building
    /// purchase tallies that are missing or in an old time zone, projecting the CLV of contacts without
    /// a projection, win-model training, the trash purge, planner statistics, and pruning finished jobs, each
    /// hourly; and every minute, folding the reports' rollup changes (PostgreSQL).
    /// - Parameters:
    ///   - webhookPost: the HTTP client webhooks are sent with.
    ///   - webhookResolver: how a webhook's host is turned into the addresses checked and connected to.
    public static func standard(
        trashRetentionDays: Int, webhookPost: @escaping WebhookSender.Post = WebhookSender.live, webhookResolver: HostResolver = .system
    ) -> JobRegistry {
        var registry = JobRegistry()
        registry.register("rfm.refresh") { context in
            try await context.store.customerMetrics.refreshRFM()
        }
        registry.register("purchases.tally") { context in
            try await context.store.customerMetrics.tallyPurchases()
        }
        registry.register("clv.project") { context in
            try await context.store.customerMetrics.projectCLV()
        }
        registry.register("win-model.train") { context in
            try await context.store.winModels.refresh()
        }
        registry.register("trash.purge") { context in
            try await context.store.maintenance.purgeTrash(olderThan: Double(trashRetentionDays) * 86_400)
        }
        registry.register("planner.statistics") { context in
            try await context.store.maintenance.refreshPlannerStatistics()
        }
        registry.register("rollups.fold") { context in
            try await context.store.maintenance.foldRollups()
        }
        registry.register("jobs.prune") { context in
            try await context.store.jobs.prune(olderThan: 7 * 86_400)
        }
        registry.register(ImportRepository.jobKind) { context in
            guard case .object(let payload) = context.job.payload, case .string(let id)? = payload["importId"] else { return }
            try await context.store.imports.process(ImportRun.ID(id)) { done, total in
                try await context.report(progress: total == 0 ? 100 : done * 100 / total, note: "\(done) / \(total)")
            }
        }
        for kind in ["rfm.refresh", "purchases.tally", "clv.project", "win-model.train", "trash.purge", "planner.statistics", "jobs.prune"]
        {
            registry.schedule(kind, every: 3600)
        }
        registry.schedule("rollups.fold", every: 60)
        registry.registerWebhooks(post: webhookPost, resolver: webhookResolver)
        return registry
    }
}
