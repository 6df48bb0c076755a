import Foundation
import RapportCore
import RapportHTTP
import Testing

/// The API contract: the OpenAPI document and the router describe the same operations.
@Suite struct ContractTests {
    static let document = OpenAPIDocument.json

    static func documentedOperations() -> Set<String> {
        guard case .object(let paths) = document["paths"] else { return [] }
        var operations = Set<String>()
        for (path, item) in paths {
            guard case .object(let methods) = item else { continue }
            for method in methods.keys { operations.insert("\(method.uppercased()) \(path)") }
        }
        return operations
    }

    /// Every route under `/api/` is an API operation; the rest are pages of the web UI.
    @Test func everyRouteIsDocumentedAndEveryDocumentedOperationIsRouted() async throws {
        try await TestApp.with { app, _ in
            let operational: Set<String> = ["GET /healthz", "GET /readyz", "GET /metrics", "GET /api/v1/openapi.json"]
            let routed = Set(app.routes.filter { $0.split(separator: " ").last?.hasPrefix("/api/") == true }).subtracting(operational)
            let documented = Self.documentedOperations()
            #expect(routed.subtracting(documented).sorted() == [], "routes missing from the OpenAPI document")
            #expect(documented.subtracting(routed).sorted() == [], "documented operations with no route")
            #expect(routed.count > 40)
        }
    }

    @Test func everyReferenceResolvesAndOperationIdsAreUnique() throws {
        var refs: [String] = []
        func collect(_ value: JSONValue) {
            switch value {
            case .object(let object):
                if let target = object["$ref"]?.stringValue { refs.append(target) }
                object.values.forEach(collect)
            case .array(let items): items.forEach(collect)
            default: break
            }
        }
        collect(Self.document)
        #expect(!refs.isEmpty)
        for target in Set(refs) {
            #expect(ContractCheck.resolve(target) != .null, "unresolved \(target)")
        }
        var ids: [String] = []
        if case .object(let paths) = Self.document["paths"] {
            for item in paths.values {
                if case .object(let methods) = item { ids += methods.values.compactMap { $0["operationId"].stringValue } }
            }
        }
        #expect(ids.count == Set(ids).count)
        #expect(Self.document["openapi"] == "3.1.0")
    }

    @Test func everyOperationDocumentsItsErrorsAsProblems() throws {
        guard case .object(let paths) = Self.document["paths"] else { throw TestFailure("no paths") }
        for (path, item) in paths {
            guard case .object(let methods) = item else { continue }
            for (method, operation) in methods {
                guard case .object(let responses) = operation["responses"] else { throw TestFailure("\(method) \(path) has no responses") }
                #expect(responses["500"] != nil, "\(method) \(path) lacks 500")
                let success = responses.keys.filter { $0.hasPrefix("2") }
                #expect(success.count == 1, "\(method) \(path) success responses: \(success)")
            }
        }
    }

    @Test func theValidatorRejectsWrongBodies() {
        // The contract check must be able to fail, or the API tests prove nothing.
        let contact: JSONValue = ["id": "x", "displayName": 5]
        let problems = ContractCheck.validate(contact, against: ContractCheck.ref("#/components/schemas/Contact"), at: "$")
        #expect(problems.contains { $0.contains("displayName") })
        #expect(problems.contains { $0.contains("required") })
        let extra = ContractCheck.validate(
            ["name": "x", "id": "y", "createdAt": "2026-01-01T00:00:00Z", "surprise": 1],
            against: ContractCheck.ref("#/components/schemas/Team"), at: "$")
        #expect(extra.contains { $0.contains("surprise") })
    }

    @Test func theDocumentIsServed() async throws {
        try await TestApp.with { _, api in
            let reply = try await api.call(.get, "/api/v1/openapi.json")
            #expect(reply.status == 200)
            #expect(reply["openapi"] == "3.1.0")
            #expect(reply["paths"]["/api/v1/contacts"]["get"]["operationId"] == "listContacts")
        }
    }
}
