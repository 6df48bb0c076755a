import Foundation
import HTTPTypes
import RapportCore
import Testing

/// Every role × every operation × a record of its own, a team-mate's, another team's, and another
/// workspace's. Expected outcomes come from the role table below, written out independently of the policy.
@Suite struct AuthorizationMatrixTests {
    enum Whose: String, CaseIterable { case own, mate, otherTeam = "other-team", otherWorkspace = "other-workspace" }
    enum Op: String, CaseIterable { case read, list, search, update, delete, timeline }

    /// Which records each role reaches, per operation, for contacts (the same table applies to deals and
    /// companies, except where a role's rights differ by kind — see `expectedDeal`).
    static func expectedContact(_ role: String, _ op: Op, _ whose: Whose) -> Bool {
        if whose == .otherWorkspace { return false }
        switch role {
        case "owner", "admin", "head": return true
        case "rep", "mate":
            switch op {
            case .read, .list, .search, .timeline: return whose != .otherTeam
            case .update, .delete: return whose == .own
            }
        case "marketer": return op != .delete
        case "support": return op != .delete
        case "reader": return [.read, .list, .search, .timeline].contains(op)
        default: return false
        }
    }

    static func expectedDeal(_ role: String, _ op: Op, _ whose: Whose) -> Bool {
        if whose == .otherWorkspace { return false }
        switch role {
        case "marketer", "support", "reader": return [.read, .list, .search, .timeline].contains(op)
        default: return expectedContact(role, op, whose)
        }
    }

    /// Tasks belong to their assignee: sales reps and support reach their team's, and may change only their
    /// own (reps may also reassign within the team); marketers see all and change their own.
    static func expectedTask(_ role: String, _ op: Op, _ whose: Whose) -> Bool {
        // Tasks are not in global search and have no timeline of their own.
        if whose == .otherWorkspace || op == .search || op == .timeline { return false }
        switch role {
        case "owner", "admin", "head": return true
        case "rep", "mate":
            switch op {
            case .read, .list, .update: return whose != .otherTeam
            case .delete: return whose == .own
            case .search, .timeline: return false
            }
        case "support":
            switch op {
            case .read, .list: return whose != .otherTeam
            case .update, .delete: return whose == .own
            case .search, .timeline: return false
            }
        case "marketer":
            switch op {
            case .read, .list: return true
            case .update, .delete: return whose == .own
            case .search, .timeline: return false
            }
        case "reader": return op == .read || op == .list
        default: return false
        }
    }

    /// Owners of the records: "own" is owned by the acting user; "mate" by the team-A rep "mate" (or "rep"
    /// when the actor is "mate"); "other-team" by the team-B "outsider".
    static func ownerName(for actor: String, _ whose: Whose) -> String {
        switch whose {
        case .own: actor
        case .mate: actor == "mate" ? "rep" : "mate"
        case .otherTeam: actor == "outsider" ? "rep" : "outsider"
        case .otherWorkspace: "owner"
        }
    }

    @Test(arguments: ["contacts", "deals", "companies", "tasks"])
    func roleMatrix(resource: String) async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store, label: "A")
            let stranger = try await Crew.make(app.store, label: "B")
            let roles = Crew.roles.map(\.0).filter { $0 != "outsider" }
            var failures: [String] = []
            for actor in roles {
                for whose in Whose.allCases {
                    for op in Op.allCases {
                        let owner = Self.ownerName(for: actor, whose)
                        let ownerCrew = whose == .otherWorkspace ? stranger : crew
                        let ownerID = ownerCrew.user(owner).id.rawValue
                        let marker = "m\(UUID().uuidString.prefix(8).lowercased())"
                        // Records are created by each workspace's owner, assigned to the intended owner.
                        let body: JSONValue =
                            switch resource {
                            case "contacts": ["lastName": .string(marker), "ownerId": .string(ownerID)]
                            case "companies": ["name": .string(marker), "ownerId": .string(ownerID)]
                            case "tasks": ["title": .string(marker), "assigneeId": .string(ownerID)]
                            default: ["title": .string(marker), "ownerId": .string(ownerID), "amount": ["amount": 100, "currency": "RUB"]]
                            }
                        let created = try await api.post("/api/v1/\(resource)", ownerCrew.token("owner"), body)
                        guard created.status == 201 else {
                            failures.append("setup \(resource) failed: \(created.json)")
                            continue
                        }
                        let token = crew.token(actor)
                        let path = "/api/v1/\(resource)/\(created.id)"
                        let allowed: Bool
                        switch op {
                        case .read: allowed = try await api.get(path, token).status == 200
                        case .timeline:
                            allowed = resource == "tasks" ? false : try await api.get(path + "/timeline", token).status == 200
                        case .list:
                            let list = try await api.get("/api/v1/\(resource)?\(resource == "tasks" ? "limit=200" : "q=\(marker)")", token)
                            allowed = list.data.contains { $0["id"] == created["id"] }
                        case .search where resource == "tasks":
                            allowed = false
                        case .search:
                            let found = try await api.get("/api/v1/search?q=\(marker)", token)
                            allowed = found[resource].arrayValue.count == 1
                        case .update:
                            let field: JSONValue =
                                resource == "deals"
                                ? ["version": .int(created.version), "title": "upd"]
                                : resource == "companies"
                                    ? ["version": .int(created.version), "name": "upd"] : ["version": .int(created.version), "city": "upd"]
                            let reply = try await api.patch(path, token, field)
                            allowed = reply.status == 200
                            if !allowed, ![403, 404].contains(reply.status) { failures.append("\(actor) update → \(reply.status)") }
                        case .delete:
                            let reply = try await api.delete(path, token)
                            allowed = reply.status == 200
                            if !allowed, ![403, 404].contains(reply.status) { failures.append("\(actor) delete → \(reply.status)") }
                        }
                        let expected =
                            switch resource {
                            case "deals": Self.expectedDeal(actor, op, whose)
                            case "tasks": Self.expectedTask(actor, op, whose)
                            default: Self.expectedContact(actor, op, whose)
                            }
                        if allowed != expected {
                            failures.append("\(actor) \(op.rawValue) \(whose.rawValue) \(resource): got \(allowed), expected \(expected)")
                        }
                    }
                }
            }
            #expect(failures == [])
        }
    }

    @Test func recordsOfAnotherWorkspaceAreInvisibleEverywhere() async throws {
        try await TestApp.with { app, api in
            let mine = try await Crew.make(app.store, label: "mine")
            let theirs = try await Crew.make(app.store, label: "theirs")
            let company = try await api.post("/api/v1/companies", theirs.token("owner"), ["name": "Чужая"])
            let contact = try await api.post(
                "/api/v1/contacts", theirs.token("owner"), ["lastName": "Чужой", "phones": [["number": "+7 900 555-44-33"]]])
            let deal = try await api.post(
                "/api/v1/deals", theirs.token("owner"), ["title": "Чужая сделка", "amount": ["amount": 1, "currency": "RUB"]])
            let task = try await api.post("/api/v1/tasks", theirs.token("owner"), ["title": "Чужая задача"])
            let token = mine.token("owner")
            for path in [
                "/api/v1/contacts/\(contact.id)", "/api/v1/companies/\(company.id)", "/api/v1/deals/\(deal.id)", "/api/v1/tasks/\(task.id)",
                "/api/v1/contacts/\(contact.id)/timeline", "/api/v1/deals/\(deal.id)/stage-history",
                "/api/v1/users/\(theirs.user("owner").id)",
            ] {
                #expect(try await api.get(path, token).status == 404, "\(path)")
            }
            #expect(try await api.get("/api/v1/search?q=9005554433", token)["contacts"].arrayValue.isEmpty)
            #expect(try await api.get("/api/v1/contacts", token).data.isEmpty)
            #expect(try await api.get("/api/v1/users", token).data.count == Crew.roles.count)
            // Linking to their records is refused as an unknown reference, and cannot assign to their users.
            let link = try await api.post(
                "/api/v1/deals", token,
                [
                    "title": "x", "amount": ["amount": 1, "currency": "RUB"], "contactIds": [contact["id"]], "companyId": company["id"],
                    "ownerId": .string(theirs.user("rep").id.rawValue),
                ])
            #expect(Set(link.errorFields) == ["contactIds[0]", "companyId", "ownerId"])
            let note = try await api.post("/api/v1/activities", token, ["kind": "note", "body": "x", "contactId": contact["id"]])
            #expect(note.errorFields == ["contactId"])
            let move = try await api.post("/api/v1/deals/\(deal.id)/move", token, ["stageId": deal["stageId"]])
            #expect(move.status == 404)
            #expect(try await api.delete("/api/v1/api-tokens/\(UUID().uuidString.lowercased())", token).status == 404)
        }
    }

    @Test func settingsNeedTheRight() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            for role in ["head", "rep", "marketer", "support", "reader"] {
                #expect(
                    try await api.post(
                        "/api/v1/custom-fields", crew.token(role), ["entity": "contact", "key": "k\(role)", "label": "L", "kind": "text"]
                    ).status == 403)
                #expect(try await api.post("/api/v1/tags", crew.token(role), ["name": "t"]).status == 403)
                #expect(try await api.post("/api/v1/teams", crew.token(role), ["name": "t"]).status == 403)
                #expect(try await api.patch("/api/v1/workspace", crew.token(role), ["name": "x"]).status == 403)
                #expect(try await api.get("/api/v1/workspace", crew.token(role)).status == 200)
                #expect(try await api.get("/api/v1/pipelines", crew.token(role)).status == 200)
            }
            for role in ["owner", "admin"] {
                #expect(try await api.post("/api/v1/tags", crew.token(role), ["name": "t-\(role)", "color": "#aa0000"]).status == 201)
            }
            #expect(try await api.post("/api/v1/contacts", crew.token("reader"), ["lastName": "x"]).status == 403)
            #expect(
                try await api.post(
                    "/api/v1/contacts", crew.token("rep"), ["lastName": "x", "ownerId": .string(crew.user("mate").id.rawValue)]
                ).status == 403,
                "a rep cannot create records in a colleague's name")
            #expect(
                try await api.post("/api/v1/deals", crew.token("marketer"), ["title": "x", "amount": ["amount": 1, "currency": "RUB"]])
                    .status == 403)
        }
    }
}
