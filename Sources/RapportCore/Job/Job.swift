public import Foundation

/// A unit of background work: importing a file, scoring customers, delivering a webhook. Jobs live in the
/// database, so a restart or a second node neither loses nor doubles one.
public struct Job: Hashable, Sendable {
    /// The job id.
    public typealias ID = Identifier<Job>
    /// Its id.
    public var id: ID
    /// The workspace it works for (nil for maintenance across workspaces).
    public var workspaceID: Workspace.ID?
    /// What to do: the name a handler is registered under (`rfm.refresh`, `import.contacts`).
    public var kind: String
    /// The handler's input, JSON.
    public var payload: JSONValue
    /// Where it is.
    public var status: JobStatus
    /// Runs started so far.
    public var attempts: Int
    /// Runs allowed before it fails for good.
    public var maximumAttempts: Int
    /// Not before this time (a schedule, or the backoff after a failure).
    public var runAt: Date
    /// Percent done, reported by the handler.
    public var progress: Int
    /// A line about where it is ("12 000 of 50 000 rows").
    public var progressNote: String?
    /// Why the last run failed.
    public var lastError: String?
    /// Creation time.
    public var createdAt: Date
    /// When it finished (succeeded or failed for good).
    public var finishedAt: Date?

    /// A new queued job.
    public init(id: ID, workspaceID: Workspace.ID?, kind: String, payload: JSONValue, runAt: Date, maximumAttempts: Int = 5, now: Date) {
        self.id = id
        self.workspaceID = workspaceID
        self.kind = kind
        self.payload = payload
        self.status = .queued
        self.attempts = 0
        self.maximumAttempts = maximumAttempts
        self.runAt = runAt
        self.progress = 0
        self.createdAt = now
    }
}

/// Where a job is in its life.
public enum JobStatus: String, Sendable, Codable, CaseIterable, Hashable {
    /// Waiting for its time and a worker.
    case queued
    /// Claimed by a worker (until its lease ends; an expired lease makes it claimable again).
    case running
    /// Done.
    case succeeded
    /// Gave up after its last attempt.
    case failed
}

/// The life of a job: what happens when a run ends.
public enum JobRules {
    /// The wait before retry `attempt` (1-based): 30 s, 1 min, 2 min, 4 min… capped at an hour.
    public static func backoff(afterAttempt attempt: Int) -> TimeInterval {
        min(3600, 30 * pow(2, Double(max(0, attempt - 1))))
    }

    /// A run succeeded.
    public static func succeeded(_ job: Job, now: Date) -> Job {
        var next = job
        next.status = .succeeded
        next.progress = 100
        next.finishedAt = now
        next.lastError = nil
        return next
    }

    /// A run failed: queued again after the backoff, or failed for good after the last attempt.
    public static func failed(_ job: Job, error: String, now: Date) -> Job {
        var next = job
        next.lastError = String(error.prefix(2000))
        if job.attempts >= job.maximumAttempts {
            next.status = .failed
            next.finishedAt = now
        } else {
            next.status = .queued
            next.runAt = now.addingTimeInterval(backoff(afterAttempt: job.attempts))
        }
        return next
    }

    /// The unique key of a recurring job's run in the slot `now` falls in, so every node enqueues the same
    /// run once (`rfm.refresh@493817`).
    public static func slotKey(kind: String, every interval: TimeInterval, now: Date) -> String {
        "\(kind)@\(Int64(now.timeIntervalSince1970 / interval))"
    }
}
