import Foundation
public import RapportCore
import SQLKit

/// What one telephony event did.
public struct CallOutcome: Sendable, Hashable {
    /// The call's activity (the same one for every event of the call).
    public var activity: Activity
    /// The client's contact.
    public var contactID: Contact.ID
    /// Whether this event created the contact (an unknown number).
    public var contactCreated: Bool
    /// The call-back task of a missed inbound call.
    public var callbackTaskID: TaskItem.ID?
}

/// Call events from a PBX: each call (by the provider's call id) is one call activity on the contact
/// with that number, updated by every later event; an unknown number becomes a contact with source
/// `call`; a missed inbound call gets one call-back task. The employee at the call's extension
/// (``CallRouting``) authors the activity, owns the new contact and gets the task; without one, the
/// task goes to the contact's owner. One transaction per event; the call's row is claimed first, so
/// concurrent events of one call never log it twice.
public struct TelephonyRepository: Sendable {
    let context: StoreContext

    /// Makes the repository.
    public init(context: StoreContext) { self.context = context }

    /// Records one event. Needs the settings right (the PBX integration's token is an admin's).
    public func record(_ event: CallEvent, by actor: Actor) async throws -> CallOutcome {
        guard AccessPolicy.allows(actor, .manageSettings) else { throw RecordError.forbidden }
        let workspace = try await WorkspaceRows.workspace(context.database.reader, actor.workspaceID)
        let e164 = try TelephonyRules.validate(event, region: workspace.phoneRegion)
        let callID = event.callID.trimmingCharacters(in: .whitespacesAndNewlines)
        return try await context.database.transaction { db in
            let now = context.effects.now()
            let ws = actor.workspaceID.rawValue
            try await db.raw(
                """
                INSERT INTO telephony_calls (workspace_id, call_id, extension, status, created_at, updated_at)
                VALUES (\(bind: ws), \(bind: callID), \(bind: event.extension), \(bind: event.status.rawValue), \(bind: now.millis),
                    \(bind: now.millis))
                ON CONFLICT (workspace_id, call_id) DO NOTHING
                """
            ).run()
            let lock = context.dialect == .postgres ? " FOR UPDATE" : ""
            guard
                let call = try await db.raw(
                    "SELECT * FROM telephony_calls WHERE workspace_id = \(bind: ws) AND call_id = \(bind: callID)\(unsafeRaw: lock)"
                ).first()
            else { throw RecordError.notFound(.activity) }
            // The extension of this event, else of an earlier one of the call (an "ended" event may omit it).
            let phoneExtension =
                try CallRouting.normalized(event.extension) ?? CallRouting.normalized(call.optionalString("extension"))
            let routing = CallRouting(
                extension: phoneExtension,
                staff: try await UserRepository.lines(db, extension: phoneExtension, workspace: actor.workspaceID),
                integration: actor.userID)
            let contacts = ContactRepository(context: context)
            var contactID = try call.optionalString("contact_id")
            var created = false
            if contactID == nil {
                contactID = try await ContactRepository.matching(db, emails: [], phones: [e164], workspace: actor.workspaceID)
            }
            if contactID == nil {
                var input = ContactInput()
                input.phones = [PhoneInput(number: event.clientNumber.trimmingCharacters(in: .whitespacesAndNewlines))]
                input.source = LeadSource(source: TelephonyRules.source)
                input.ownerID = .set(routing.newContactOwner)
                contactID = try await contacts.create(db, input, by: actor).id.rawValue
                created = true
            }
            guard let contactID, let contact = try await contacts.load(db, ids: [contactID], workspace: actor.workspaceID).first else {
                throw RecordError.notFound(.contact)
            }
            let activities = ActivityRepository(context: context)
            var existing: Activity?
            if let id = try call.optionalString("activity_id") {
                existing = try await activities.load(db, ids: [id], workspace: actor.workspaceID).first
            }
            let input = TelephonyRules.activityInput(event, contactID: contact.id, existing: existing, now: now)
            let activity: Activity
            if let existing {
                activity = try await activities.update(db, existing.id, input, expectedVersion: existing.version, by: actor)
            } else {
                activity = try await activities.create(db, input, by: actor, author: routing.activityAuthor)
            }
            var taskID: TaskItem.ID? = try call.optionalID("callback_task_id")
            if taskID == nil, event.isMissed {
                let task = TelephonyRules.callbackTask(
                    contactID: contact.id, contactName: contact.displayName, number: contact.phones.first?.number.raw ?? event.clientNumber,
                    assignee: routing.callbackAssignee(contactOwner: contact.ownerID), locale: workspace.locale, now: now)
                taskID = try await TaskRepository(context: context).create(db, task, by: actor).id
            }
            try await db.raw(
                """
                UPDATE telephony_calls SET activity_id = \(bind: activity.id.rawValue), contact_id = \(bind: contact.id.rawValue),
                    callback_task_id = \(bind: taskID?.rawValue), status = \(bind: event.status.rawValue),
                    extension = \(bind: phoneExtension), updated_at = \(bind: now.millis)
                WHERE workspace_id = \(bind: ws) AND call_id = \(bind: callID)
                """
            ).run()
            return CallOutcome(activity: activity, contactID: contact.id, contactCreated: created, callbackTaskID: taskID)
        }
    }
}
