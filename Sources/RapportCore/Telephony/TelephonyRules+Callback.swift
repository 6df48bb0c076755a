public import Foundation

extension TelephonyRules {
    /// The call-back task of a missed inbound call: a call due `now` for the assignee, on the contact,
    /// titled "Call back: <name>" in the workspace's language, with the number after the name unless the
    /// name is the number (a contact known only by it).
    public static func callbackTask(
        contactID: Contact.ID, contactName: String, number: String, assignee: User.ID, locale: AppLocale, now: Date
    ) -> TaskInput {
        var task = TaskInput()
        let title = locale == .ru ? "Перезвонить: \(contactName)" : "Call back: \(contactName)"
        task.title = contactName == number ? title : "\(title) (\(number))"
        task.kind = .call
        task.dueAt = .set(now)
        task.assigneeID = .set(assignee)
        task.related = .set(RecordRef(kind: .contact, id: contactID.rawValue))
        return task
    }
}
