public import Foundation

/// A task or reminder: call someone, hold a meeting, do something, by a time.
/// (Named `TaskItem` so it never shadows Swift's `Task`.)
public struct TaskItem: Hashable, Sendable {
    /// The task id.
    public typealias ID = Identifier<TaskItem>
    /// Its id.
    public var id: ID
    /// Its workspace.
    public var workspaceID: Workspace.ID
    /// What to do.
    public var title: String
    /// Call, meeting or to-do.
    public var kind: TaskKind
    /// When it is due.
    public var dueAt: Date?
    /// When to remind the assignee.
    public var remindAt: Date?
    /// Who does it.
    public var assigneeID: User.ID?
    /// The record it is about.
    public var related: RecordRef?
    /// Details.
    public var notes: String?
    /// When it was completed; nil while open.
    public var doneAt: Date?
    /// Who created it.
    public var createdBy: User.ID?
    /// Creation time.
    public var createdAt: Date
    /// Last change time.
    public var updatedAt: Date
    /// Optimistic-locking version.
    public var version: Int64
    /// When it was moved to the trash.
    public var deletedAt: Date?

    /// A blank task assigned to its creator.
    public init(id: ID, workspaceID: Workspace.ID, now: Date, createdBy: User.ID?) {
        self.id = id
        self.workspaceID = workspaceID
        self.title = ""
        self.kind = .todo
        self.assigneeID = createdBy
        self.createdBy = createdBy
        self.createdAt = now
        self.updatedAt = now
        self.version = 1
    }

    /// Whether it is open and past due at `now`.
    public func isOverdue(at now: Date) -> Bool {
        guard doneAt == nil, let dueAt else { return false }
        return dueAt < now
    }
}

/// Kinds of tasks.
public enum TaskKind: String, Sendable, Codable, CaseIterable, Hashable {
    case call
    case meeting
    case todo
}

/// The fields a client may set on a task.
public struct TaskInput: Sendable, Hashable {
    public var title: String?
    public var kind: TaskKind?
    public var dueAt: Edit<Date>?
    public var remindAt: Edit<Date>?
    public var assigneeID: Edit<User.ID>?
    public var related: Edit<RecordRef>?
    public var notes: Edit<String>?
    /// `true` completes the task now, `false` re-opens it.
    public var done: Bool?
    /// An empty input.
    public init() {}
}

extension TaskItem {
    /// Applies input and checks the result.
    public func applying(_ input: TaskInput, context: RecordContext) throws(ValidationError) -> TaskItem {
        var next = self
        var issues = FieldIssues()
        if let title = input.title { next.title = title.trimmed }
        if let kind = input.kind { next.kind = kind }
        next.dueAt.apply(input.dueAt)
        next.remindAt.apply(input.remindAt)
        next.assigneeID.apply(input.assigneeID)
        next.related.apply(input.related)
        next.notes.apply(input.notes.map(trimmed))
        switch input.done {
        case true?: if next.doneAt == nil { next.doneAt = context.now }
        case false?: next.doneAt = nil
        case nil: break
        }
        issues.require(next.title, "title")
        issues.limit(next.title, "title", to: 500)
        issues.limit(next.notes, "notes", to: 10_000)
        if let related = next.related, ![.contact, .company, .deal].contains(related.kind) {
            issues.add("related.kind", .invalidOption)
        }
        if let remindAt = next.remindAt, let dueAt = next.dueAt, remindAt > dueAt {
            issues.add("remindAt", .outOfRange)
        }
        try issues.throwIfAny()
        return next
    }

    /// The fields the audit log compares.
    public var auditSnapshot: [String: JSONValue] {
        [
            "title": .string(title), "kind": .string(kind.rawValue),
            "dueAt": JSONValue(dueAt.map { Int64($0.timeIntervalSince1970) }),
            "assigneeId": JSONValue(assigneeID?.rawValue), "relatedKind": JSONValue(related?.kind.rawValue),
            "relatedId": JSONValue(related?.id), "notes": JSONValue(notes),
            "done": .bool(doneAt != nil),
        ]
    }
}
