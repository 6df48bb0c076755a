public import Foundation
public import RapportCore
import SQLKit

/// The job queue in the database. Any number of workers, in any number of processes, claim from it:
/// PostgreSQL hands each due job to one of them (`FOR UPDATE SKIP LOCKED`); SQLite's single writer does
/// the same by construction.
public struct JobRepository: Sendable {
    let context: StoreContext

    /// Makes the repository.
    public init(context: StoreContext) { self.context = context }

    /// Queues a job. With a `uniqueKey` already used, nothing is added and the existing job is returned
    /// (a scheduled run enqueued by every node exists once).
    @discardableResult
    public func enqueue(
        kind: String, payload: JSONValue = .object([:]), workspace: Workspace.ID? = nil, runAt: Date? = nil, uniqueKey: String? = nil,
        maximumAttempts: Int = 5
    ) async throws -> Job {
        let now = context.effects.now()
        let job = Job(
            id: context.effects.id(), workspaceID: workspace, kind: kind, payload: payload, runAt: runAt ?? now,
            maximumAttempts: maximumAttempts,
            now: now)
        let inserted = try await context.database.transaction { db in
            try await Self.insert(db, job, uniqueKey: uniqueKey)
        }
        if inserted { return job }
        guard let key = uniqueKey,
            let row = try await context.database.reader.raw("SELECT * FROM jobs WHERE unique_key = \(bind: key)").first()
        else { return job }
        return try Self.decode(row)
    }

    /// Inserts a queued job inside the caller's transaction, so the job commits (or not) with the change that
    /// asked for it. - Returns: false when the unique key was already used (nothing inserted).
    @discardableResult
    static func insert(_ db: any SQLDatabase, _ job: Job, uniqueKey: String?) async throws -> Bool {
        try await db.raw(
            """
            INSERT INTO jobs (id, workspace_id, kind, payload, status, attempts, max_attempts, run_at, progress, unique_key, created_at,
                updated_at)
            VALUES (\(bind: job.id.rawValue), \(bind: job.workspaceID?.rawValue), \(bind: job.kind), \(bind: jsonText(job.payload)),
                \(bind: JobStatus.queued.rawValue), 0, \(bind: job.maximumAttempts), \(bind: job.runAt.millis), 0, \(bind: uniqueKey),
                \(bind: job.createdAt.millis), \(bind: job.createdAt.millis))
            ON CONFLICT (unique_key) DO NOTHING RETURNING id
            """
        ).first() != nil
    }

    /// Claims the next due job for a worker, under a lease: a queued job whose time has come, or a running
    /// one whose worker stopped renewing (crashed, killed). Counts the attempt.
    public func claim(worker: String, kinds: [String], lease: TimeInterval = 300) async throws -> Job? {
        guard !kinds.isEmpty else { return nil }
        let now = context.effects.now().millis
        let skipLocked = context.dialect == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        return try await context.database.transaction { db in
            guard
                let row = try await db.raw(
                    """
                    SELECT id FROM jobs
                    WHERE ((status = 'queued' AND run_at <= \(bind: now)) OR (status = 'running' AND locked_until < \(bind: now)))
                    AND kind IN \(inList(kinds))
                    ORDER BY run_at, id LIMIT 1\(unsafeRaw: skipLocked)
                    """
                ).first()
            else { return nil }
            let id = try row.string("id")
            guard
                let claimed = try await db.raw(
                    """
                    UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_by = \(bind: worker),
                        locked_until = \(bind: now + Int64(lease * 1000)), updated_at = \(bind: now)
                    WHERE id = \(bind: id) RETURNING *
                    """
                ).first()
            else { return nil }
            return try Self.decode(claimed)
        }
    }

    /// Extends a running job's lease and records its progress (a long job calls this as it goes).
    public func report(_ id: Job.ID, worker: String, progress: Int, note: String?, lease: TimeInterval = 300) async throws {
        let now = context.effects.now().millis
        try await context.database.transaction { db in
            try await db.raw(
                """
                UPDATE jobs SET progress = \(bind: max(0, min(100, progress))), progress_note = \(bind: note),
                    locked_until = \(bind: now + Int64(lease * 1000)), updated_at = \(bind: now)
                WHERE id = \(bind: id.rawValue) AND locked_by = \(bind: worker) AND status = 'running'
                """
            ).run()
        }
    }

    /// Ends a run: succeeded, or failed (retried after the backoff until its attempts are spent).
    public func finish(_ job: Job, worker: String, error: String?) async throws {
        let now = context.effects.now()
        let next = error.map { JobRules.failed(job, error: $0, now: now) } ?? JobRules.succeeded(job, now: now)
        try await context.database.transaction { db in
            try await db.raw(
                """
                UPDATE jobs SET status = \(bind: next.status.rawValue), run_at = \(bind: next.runAt.millis), progress = \(bind: next.progress),
                    last_error = \(bind: next.lastError), finished_at = \(bind: next.finishedAt?.millis), locked_by = NULL,
                    locked_until = NULL, updated_at = \(bind: now.millis)
                WHERE id = \(bind: job.id.rawValue) AND locked_by = \(bind: worker)
                """
            ).run()
        }
    }

    /// A job by id (for progress pages and tests).
    public func get(_ id: Job.ID) async throws -> Job? {
        try await context.database.reader.raw("SELECT * FROM jobs WHERE id = \(bind: id.rawValue)").first().map(Self.decode)
    }

    /// Finished jobs older than `age` are deleted (the queue does not grow forever).
    @discardableResult
    public func prune(olderThan age: TimeInterval) async throws -> Int {
        let cutoff = context.effects.now().addingTimeInterval(-age).millis
        return try await context.database.transaction { db in
            let rows = try await db.raw(
                "DELETE FROM jobs WHERE status IN ('succeeded', 'failed') AND finished_at < \(bind: cutoff) RETURNING id"
            ).all()
            return rows.count
        }
    }

    static func decode(_ row: any SQLRow) throws -> Job {
        var job = Job(
            id: try row.id("id"), workspaceID: try row.optionalID("workspace_id"), kind: try row.string("kind"),
            payload: try row.json("payload", as: JSONValue.self), runAt: try row.date("run_at"),
            maximumAttempts: try row.int("max_attempts"),
            now: try row.date("created_at"))
        job.status = try row.enumValue("status")
        job.attempts = try row.int("attempts")
        job.progress = try row.int("progress")
        job.progressNote = try row.optionalString("progress_note")
        job.lastError = try row.optionalString("last_error")
        job.finishedAt = try row.optionalDate("finished_at")
        return job
    }
}
