import Foundation
import Hummingbird
import RapportCore
import RapportStore

/// `POST /api/v1/telephony/events`: the PBX's webhook, authenticated with an API token of a user with the
/// settings right.
struct TelephonyAPI {
    let handlers: Handlers
    var store: Store { handlers.store }

    func register(on group: RouterGroup<AppRequestContext>) {
        group.post("telephony/events") { request, context in
            let actor = try context.requireActor()
            var body = try await BodyReader.read(request, context: context)
            let callID = body.string("callId")
            let direction: Direction? = body.enumValue("direction")
            let status: CallStatus? = body.enumValue("status")
            for (key, value) in [("callId", callID as Any?), ("direction", direction), ("status", status)] where value == nil {
                if !body.has(key) { body.issues.add(key, .required) }
            }
            let event = CallEvent(
                callID: callID ?? "", direction: direction ?? .inbound, from: body.string("from") ?? "", to: body.string("to") ?? "",
                extension: body.string("extension"), startedAt: body.timestamp("startedAt"), answeredAt: body.timestamp("answeredAt"),
                endedAt: body.timestamp("endedAt"), durationSeconds: body.int("duration"), recordingURL: body.string("recordingUrl"),
                status: status ?? .ringing)
            try body.finish()
            let outcome = try await store.telephony.record(event, by: actor)
            return try Handlers.json(
                CallOutcomeBody(
                    activity: ActivityBody(outcome.activity), contactId: outcome.contactID.rawValue, contactCreated: outcome.contactCreated,
                    callbackTaskId: outcome.callbackTaskID?.rawValue))
        }
    }
}

struct CallOutcomeBody: Encodable, Sendable {
    var activity: ActivityBody
    var contactId: String
    var contactCreated: Bool
    var callbackTaskId: String?
}
