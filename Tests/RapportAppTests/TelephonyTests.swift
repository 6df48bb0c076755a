import Foundation
import HTTPTypes
import RapportCore
import Testing

/// Call events from a PBX: one activity per call id, unknown callers become contacts, missed calls become
/// one call-back task.
@Suite struct TelephonyTests {
    static let path = "/api/v1/telephony/events"

    @Test func eventsOfOneCallUpdateOneActivityAndAnUnknownCallerBecomesAContact() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("admin")
            let ringing = try await api.post(
                Self.path, token,
                [
                    "callId": "pbx-1", "direction": "inbound", "from": "8 (912) 000-11-22", "to": "+74950000000", "extension": "101",
                    "status": "ringing", "startedAt": "2026-11-30T10:00:00Z",
                ])
            #expect(ringing.status == 200)
            #expect(ringing["contactCreated"] == true)
            #expect(ringing["callbackTaskId"] == .null)
            let contactID = ringing["contactId"].stringValue ?? ""
            let contact = try await api.get("/api/v1/contacts/\(contactID)", token)
            #expect(contact["source"]["source"] == "call")
            #expect(contact["phones"][0]["e164"] == "+79120001122")

            let answered = try await api.post(
                Self.path, token,
                [
                    "callId": "pbx-1", "direction": "inbound", "from": "+79120001122", "to": "+74950000000", "status": "answered",
                    "answeredAt": "2026-11-30T10:00:05Z",
                ])
            let ended = try await api.post(
                Self.path, token,
                [
                    "callId": "pbx-1", "direction": "inbound", "from": "+79120001122", "to": "+74950000000", "status": "completed",
                    "endedAt": "2026-11-30T10:01:20Z", "duration": 75, "recordingUrl": "https://pbx.example/rec/1.mp3",
                ])
            #expect(answered["contactCreated"] == false)
            #expect(answered["activity"]["id"] == ringing["activity"]["id"])
            #expect(ended["activity"]["id"] == ringing["activity"]["id"])
            #expect(ended["activity"]["callResult"] == "answered")
            #expect(ended["activity"]["durationSeconds"] == 75)
            #expect(ended["activity"]["recordingUrl"] == "https://pbx.example/rec/1.mp3")
            #expect(ended["activity"]["occurredAt"] == "2026-11-30T10:00:00.000Z")
            let calls = try await api.get("/api/v1/activities?contactId=\(contactID)&kind=call", token).data
            #expect(calls.count == 1)
            #expect(try await api.get("/api/v1/contacts", token).data.count == 1)
        }
    }

    @Test func aMissedCallFromAKnownNumberMakesOneCallBackTaskForTheOwner() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let rep = crew.user("rep").id.rawValue
            let known = try await api.post(
                "/api/v1/contacts", crew.token("owner"),
                ["fullName": "Смирнова Ольга", "phones": [["number": "+7 912 555-66-77"]], "ownerId": .string(rep)])
            let event: JSONValue = [
                "callId": "pbx-9", "direction": "inbound", "from": "89125556677", "to": "+74950000000", "status": "missed",
            ]
            let missed = try await api.post(Self.path, crew.token("admin"), event)
            #expect(missed.status == 200)
            #expect(missed["contactId"] == known["id"])
            #expect(missed["contactCreated"] == false)
            #expect(missed["activity"]["callResult"] == "missed")
            let taskID = missed["callbackTaskId"].stringValue ?? ""
            let task = try await api.get("/api/v1/tasks/\(taskID)", crew.token("owner"))
            #expect(task["assigneeId"].stringValue == rep)
            #expect(task["kind"] == "call")
            #expect(task["related"]["id"] == known["id"])
            let again = try await api.post(Self.path, crew.token("admin"), event)
            #expect(again["callbackTaskId"].stringValue == taskID)
            #expect(try await api.get("/api/v1/tasks?assigneeId=\(rep)", crew.token("owner")).data.count == 1)
            // An outbound call nobody answered is not a missed call.
            let outbound = try await api.post(
                Self.path, crew.token("admin"),
                ["callId": "pbx-10", "direction": "outbound", "from": "101", "to": "+79125556677", "status": "no_answer"])
            #expect(outbound["callbackTaskId"] == .null)
        }
    }

    @Test func aRecordingLinkWithoutADottedHostIsA422OnRecordingUrlAndStoresNothing() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("admin")
            let event: JSONValue = [
                "callId": "pbx-20", "direction": "inbound", "from": "+79125556677", "to": "+74950000000", "status": "completed",
                "duration": 10, "recordingUrl": "http://pbx/rec.mp3",
            ]
            let refused = try await api.post(Self.path, token, event, headers: .language("en"))
            #expect(refused.status == 422)
            #expect(refused.errorFields == ["recordingUrl"])
            #expect(try await api.get("/api/v1/contacts", token).data.isEmpty)
            #expect(try await api.get("/api/v1/activities?kind=call", token).data.isEmpty)
        }
    }

    @Test func aBadEventIsALocalized422AndOnlySettingsManagersMayPost() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let bad = try await api.post(
                Self.path, crew.token("admin"), ["direction": "sideways", "from": "abc", "status": "ringing", "duration": "long"],
                headers: .language("en"))
            #expect(bad.status == 422)
            #expect(Set(bad.errorFields) == ["callId", "direction", "duration"])
            let phone = try await api.post(
                Self.path, crew.token("admin"), ["callId": "x", "direction": "inbound", "from": "abc", "status": "ringing"],
                headers: .language("ru"))
            #expect(phone.status == 422)
            #expect(phone.errorFields == ["from"])
            #expect(phone["errors"][0]["message"].stringValue?.isEmpty == false)
            let english = try await api.post(
                Self.path, crew.token("admin"), ["callId": "x", "direction": "inbound", "from": "abc", "status": "ringing"],
                headers: .language("en"))
            #expect(english["errors"][0]["message"] != phone["errors"][0]["message"])
            let rep = try await api.post(
                Self.path, crew.token("rep"), ["callId": "x", "direction": "inbound", "from": "+79125556677", "status": "ringing"])
            #expect(rep.status == 403)
            #expect(try await api.get("/api/v1/contacts", crew.token("owner")).data.isEmpty)
            let anonymous = try await api.call(
                .post, Self.path, body: ["callId": "x", "direction": "inbound", "from": "+79125556677", "status": "ringing"])
            #expect(anonymous.status == 401)
        }
    }
}
