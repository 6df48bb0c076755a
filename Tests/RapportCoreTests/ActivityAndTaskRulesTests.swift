import Foundation
import RapportCore
import Testing

@Suite("Activity rules")
struct ActivityRulesTests {
    static let contact = Contact.ID("ct-1")

    static func blank(_ kind: ActivityKind = .call) -> Activity {
        Activity(
            id: Activity.ID("ac-1"), workspaceID: CoreFixture.workspace, kind: kind, now: CoreFixture.now, authorID: CoreFixture.author)
    }

    /// An input attached to a contact, so only the rule under test can fail.
    static func attached() -> ActivityInput {
        var input = ActivityInput()
        input.contactID = .set(contact)
        return input
    }

    static func issues(_ input: ActivityInput, to activity: Activity = blank(), bySystem: Bool = false) -> [FieldIssue]? {
        CoreFixture.issues { () throws(ValidationError) in
            try activity.applying(input, context: CoreFixture.context(), bySystem: bySystem)
        }
    }

    @Test("An activity must be attached to a contact, a company or a deal")
    func mustAttach() throws {
        #expect(Self.issues(ActivityInput()) == [FieldIssue("contactId", .required)])
        for attach in [
            { (input: inout ActivityInput) in input.contactID = .set(Contact.ID("c")) },
            { (input: inout ActivityInput) in input.companyID = .set(Company.ID("co")) },
            { (input: inout ActivityInput) in input.dealID = .set(Deal.ID("d")) },
        ] {
            var input = ActivityInput()
            attach(&input)
            #expect(Self.issues(input) == nil)
        }
        // Clearing the only link is refused too.
        let linked = try Self.blank().applying(Self.attached(), context: CoreFixture.context())
        var clear = ActivityInput()
        clear.contactID = .clear
        #expect(Self.issues(clear, to: linked) == [FieldIssue("contactId", .required)])
    }

    @Test("A note needs a body; a call does not")
    func noteNeedsBody() {
        var input = Self.attached()
        input.kind = .note
        #expect(Self.issues(input) == [FieldIssue("body", .required)])
        input.body = .set("   ")
        #expect(Self.issues(input) == [FieldIssue("body", .required)])
        input.body = .set("Обсудили скидку")
        #expect(Self.issues(input) == nil)
        #expect(Self.issues(Self.attached(), to: Self.blank(.call)) == nil)
    }

    @Test("System events are written only by Rapport itself")
    func systemKind() throws {
        var input = Self.attached()
        input.kind = .system
        #expect(Self.issues(input) == [FieldIssue("kind", .invalidOption)])
        #expect(Self.issues(input, bySystem: true) == nil)
        // A person cannot edit an existing system event either.
        let event = try Self.blank(.system).applying(Self.attached(), context: CoreFixture.context(), bySystem: true)
        var edit = ActivityInput()
        edit.subject = .set("Исправлено")
        #expect(Self.issues(edit, to: event) == [FieldIssue("kind", .invalidOption)])
    }

    @Test("Every non-system kind may be written by people", arguments: ActivityKind.allCases.filter { $0 != .system })
    func peopleKinds(_ kind: ActivityKind) {
        var input = Self.attached()
        input.kind = kind
        input.body = .set("Текст")
        #expect(Self.issues(input) == nil)
    }

    @Test("Duration is 0...86400 seconds", arguments: [(0, true), (86_400, true), (-1, false), (86_401, false), (3_600, true)])
    func duration(_ seconds: Int, _ accepted: Bool) {
        var input = Self.attached()
        input.durationSeconds = .set(seconds)
        #expect(
            Self.issues(input) == (accepted ? nil : [FieldIssue("durationSeconds", .outOfRange, ["min": "0", "max": "86400"])]))
    }

    @Test(
        "A recording link must be an absolute http(s) URL",
        arguments: [
            ("https://records.example.ru/42.mp3", true), ("http://pbx.local.lan/rec?id=1", true),
            ("records.example.ru/42.mp3", false), ("ftp://example.ru/42.mp3", false), ("https://", false),
            ("https://example.ru/" + String(repeating: "r", count: 1982), false),
        ])
    func recordingURL(_ url: String, _ accepted: Bool) throws {
        var input = Self.attached()
        input.recordingURL = .set(" \(url) ")
        if accepted {
            let activity = try Self.blank().applying(input, context: CoreFixture.context())
            #expect(activity.recordingURL == url)
        } else {
            #expect(Self.issues(input) == [FieldIssue("recordingUrl", .invalidURL)])
        }
    }

    @Test("Texts are trimmed, blank clears them; limits on subject and body")
    func texts() throws {
        var input = Self.attached()
        input.subject = .set("  Встреча ")
        input.body = .set("\n Итоги \n")
        input.recordingURL = .set("   ")
        let activity = try Self.blank().applying(input, context: CoreFixture.context())
        #expect(activity.subject == "Встреча")
        #expect(activity.body == "Итоги")
        #expect(activity.recordingURL == nil)

        input.subject = .set(String(repeating: "s", count: 501))
        input.body = .set(String(repeating: "b", count: 100_001))
        #expect(
            Self.issues(input) == [
                FieldIssue("subject", .tooLong, ["max": "500"]), FieldIssue("body", .tooLong, ["max": "100000"]),
            ])
    }

    @Test("Fields are set and cleared")
    func setAndClear() throws {
        let when = CoreFixture.now.addingTimeInterval(-600)
        var input = Self.attached()
        input.kind = .call
        input.occurredAt = when
        input.direction = .set(.inbound)
        input.callResult = .set(.noAnswer)
        input.durationSeconds = .set(0)
        input.dealID = .set(Deal.ID("d-1"))
        let call = try Self.blank(.note).applying(input, context: CoreFixture.context())
        #expect(call.kind == .call)
        #expect(call.occurredAt == when)
        #expect(call.direction == .inbound)
        #expect(call.callResult == .noAnswer)
        #expect(call.attachedTo == [RecordRef(kind: .contact, id: "ct-1"), RecordRef(kind: .deal, id: "d-1")])

        var clear = ActivityInput()
        clear.direction = .clear
        clear.callResult = .clear
        clear.durationSeconds = .clear
        let cleared = try call.applying(clear, context: CoreFixture.context())
        #expect(cleared.direction == nil && cleared.callResult == nil && cleared.durationSeconds == nil)
        #expect(cleared.occurredAt == when)
    }

    @Test("attachedTo lists contact, company, deal in that order")
    func attachedTo() {
        var activity = Self.blank()
        #expect(activity.attachedTo.isEmpty)
        activity.dealID = Deal.ID("d")
        activity.companyID = Company.ID("co")
        activity.contactID = Contact.ID("c")
        #expect(
            activity.attachedTo == [
                RecordRef(kind: .contact, id: "c"), RecordRef(kind: .company, id: "co"), RecordRef(kind: .deal, id: "d"),
            ])
    }

    @Test("Every issue is reported at once")
    func everyIssueAtOnce() {
        var input = ActivityInput()
        input.kind = .system
        input.durationSeconds = .set(-5)
        input.recordingURL = .set("nope")
        #expect(
            CoreFixture.pairs(Self.issues(input)) == [
                .init("kind", .invalidOption), .init("contactId", .required), .init("durationSeconds", .outOfRange),
                .init("recordingUrl", .invalidURL),
            ])
    }

    @Test("Audit snapshot")
    func auditSnapshot() {
        var activity = Self.blank()
        activity.durationSeconds = 90
        activity.contactID = Self.contact
        let snapshot = activity.auditSnapshot
        #expect(
            Set(snapshot.keys) == [
                "kind", "subject", "body", "contactId", "companyId", "dealId", "direction", "durationSeconds", "callResult",
                "recordingUrl",
            ])
        #expect(snapshot["durationSeconds"] == 90)
        #expect(snapshot["kind"] == "call")
        #expect(snapshot["contactId"] == "ct-1")
    }
}

@Suite("Task rules")
struct TaskRulesTests {
    static let now = CoreFixture.now
    static let hour: TimeInterval = 3_600

    static func blank() -> TaskItem {
        TaskItem(
            id: TaskItem.ID("tk-1"), workspaceID: CoreFixture.workspace, now: now.addingTimeInterval(-hour), createdBy: CoreFixture.author)
    }

    static func titled(_ title: String = "Перезвонить") -> TaskInput {
        var input = TaskInput()
        input.title = title
        return input
    }

    static func apply(_ input: TaskInput, to task: TaskItem = blank()) throws(ValidationError) -> TaskItem {
        try task.applying(input, context: CoreFixture.context())
    }

    static func issues(_ input: TaskInput, to task: TaskItem = blank()) -> [FieldIssue]? {
        CoreFixture.issues { () throws(ValidationError) in try apply(input, to: task) }
    }

    @Test("A new task is a to-do assigned to its creator")
    func newTask() {
        let task = Self.blank()
        #expect(task.kind == .todo)
        #expect(task.assigneeID == CoreFixture.author)
        #expect(task.doneAt == nil)
        #expect(task.title == "")
    }

    @Test("A title is required", arguments: [nil, "", "  \t"] as [String?])
    func titleRequired(_ title: String?) {
        var input = TaskInput()
        input.title = title
        #expect(Self.issues(input) == [FieldIssue("title", .required)])
    }

    @Test("The title is trimmed and at most 500 characters; notes at most 10 000")
    func titleAndNotes() throws {
        var input = Self.titled("  Отправить КП  ")
        input.notes = .set("  детали  ")
        let task = try Self.apply(input)
        #expect(task.title == "Отправить КП")
        #expect(task.notes == "детали")

        input.title = String(repeating: "з", count: 501)
        input.notes = .set(String(repeating: "n", count: 10_001))
        #expect(
            Self.issues(input) == [
                FieldIssue("title", .tooLong, ["max": "500"]), FieldIssue("notes", .tooLong, ["max": "10000"]),
            ])
        input.title = String(repeating: "з", count: 500)
        input.notes = .set(String(repeating: "n", count: 10_000))
        #expect(Self.issues(input) == nil)
    }

    @Test("done: true completes now, false re-opens, absent keeps")
    func done() throws {
        var input = Self.titled()
        input.done = true
        let completed = try Self.apply(input)
        #expect(completed.doneAt == Self.now)

        // Completing a completed task keeps the first completion time.
        let earlier = Self.now.addingTimeInterval(-Self.hour)
        var finished = completed
        finished.doneAt = earlier
        #expect(try Self.apply(input, to: finished).doneAt == earlier)

        #expect(try Self.apply(TaskInput(), to: finished).doneAt == earlier)

        input.done = false
        #expect(try Self.apply(input, to: finished).doneAt == nil)
    }

    @Test("A task relates to a contact, a company or a deal only", arguments: RecordKind.allCases)
    func relatedKind(_ kind: RecordKind) {
        var input = Self.titled()
        input.related = .set(RecordRef(kind: kind, id: "x-1"))
        let allowed: Set<RecordKind> = [.contact, .company, .deal]
        #expect(Self.issues(input) == (allowed.contains(kind) ? nil : [FieldIssue("related.kind", .invalidOption)]))
    }

    @Test("A reminder after the due time is refused")
    func remindAfterDue() throws {
        let due = Self.now.addingTimeInterval(Self.hour)
        var input = Self.titled()
        input.dueAt = .set(due)
        input.remindAt = .set(due.addingTimeInterval(1))
        #expect(Self.issues(input) == [FieldIssue("remindAt", .outOfRange)])

        input.remindAt = .set(due)
        #expect(try Self.apply(input).remindAt == due)
        input.remindAt = .set(due.addingTimeInterval(-900))
        #expect(try Self.apply(input).remindAt == due.addingTimeInterval(-900))

        // Without a due time any reminder is fine; moving the due time before the reminder is not.
        var reminderOnly = Self.titled()
        reminderOnly.remindAt = .set(due)
        let task = try Self.apply(reminderOnly)
        var earlierDue = TaskInput()
        earlierDue.dueAt = .set(due.addingTimeInterval(-60))
        #expect(Self.issues(earlierDue, to: task) == [FieldIssue("remindAt", .outOfRange)])
    }

    @Test("Fields are set and cleared")
    func setAndClear() throws {
        var input = Self.titled()
        input.kind = .meeting
        input.dueAt = .set(Self.now)
        input.assigneeID = .set(User.ID("u-2"))
        input.related = .set(RecordRef(kind: .deal, id: "d-1"))
        let task = try Self.apply(input)
        #expect(task.kind == .meeting)
        #expect(task.assigneeID == User.ID("u-2"))
        #expect(task.related == RecordRef(kind: .deal, id: "d-1"))

        var clear = TaskInput()
        clear.dueAt = .clear
        clear.assigneeID = .clear
        clear.related = .clear
        clear.notes = .clear
        let cleared = try Self.apply(clear, to: task)
        #expect(cleared.dueAt == nil && cleared.assigneeID == nil && cleared.related == nil && cleared.notes == nil)
        #expect(cleared.title == "Перезвонить")
    }

    @Test(
        "Overdue: open and due strictly before now",
        arguments: [
            (nil, false, false), (-60.0, false, true), (0.0, false, false), (60.0, false, false), (-60.0, true, false),
        ] as [(TimeInterval?, Bool, Bool)])
    func overdue(_ dueOffset: TimeInterval?, _ done: Bool, _ expected: Bool) {
        var task = Self.blank()
        task.dueAt = dueOffset.map { Self.now.addingTimeInterval($0) }
        task.doneAt = done ? Self.now.addingTimeInterval(-120) : nil
        #expect(task.isOverdue(at: Self.now) == expected)
    }

    @Test("Audit snapshot")
    func auditSnapshot() throws {
        var input = Self.titled()
        input.dueAt = .set(Date(timeIntervalSince1970: 1_800_000_000))
        input.related = .set(RecordRef(kind: .contact, id: "ct-9"))
        input.done = true
        let snapshot = try Self.apply(input).auditSnapshot
        #expect(
            Set(snapshot.keys) == ["title", "kind", "dueAt", "assigneeId", "relatedKind", "relatedId", "notes", "done"])
        #expect(snapshot["dueAt"] == 1_800_000_000)
        #expect(snapshot["done"] == true)
        #expect(snapshot["relatedKind"] == "contact")
        #expect(snapshot["relatedId"] == "ct-9")
        #expect(snapshot["notes"] == .null)
    }
}
