import Foundation
import HTTPTypes
import RapportCore
import RapportHTTP
import Testing

/// Throws odd input at every documented operation: no input may produce a 5xx, and every answer must
/// match the contract. (CI also runs schemathesis against the live server.)
@Suite struct FuzzTests {
    static let nasty: [JSONValue] = [
        .null, true, 0, -1, 9_223_372_036_854_775_807, 1.5e308, "", " ", "\u{0000}", "<script>alert(1)</script>", "' OR 1=1 --",
        .string(String(repeating: "я", count: 5000)), [], [[:]], ["a": ["b": ["c": []]]], "01900000-0000-7000-8000-000000000000",
        "2026-02-30", "ё", "+7 (912) 345-67-89", "NaN",
    ]

    @Test func noInputProducesA5xx() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            let contact = try await api.post("/api/v1/contacts", token, ["lastName": "Цель"])
            let deal = try await api.post("/api/v1/deals", token, ["title": "Цель", "amount": ["amount": 1, "currency": "RUB"]])
            var random = SeededRandom(seed: 7)
            guard case .object(let paths) = OpenAPIDocument.json["paths"] else { throw TestFailure("no paths") }
            var requests = 0
            for (template, item) in paths.sorted(by: { $0.key < $1.key }) {
                guard case .object(let methods) = item else { continue }
                for (method, operation) in methods {
                    for round in 0..<12 {
                        var path = template
                        for (name, value) in [
                            ("{id}", round % 3 == 0 ? "not-an-id" : round % 3 == 1 ? contact.id : deal.id), ("{companyId}", "x"),
                        ] {
                            path = path.replacingOccurrences(of: name, with: value)
                        }
                        var body: JSONValue?
                        if case .object(let requestBody) = operation["requestBody"] {
                            _ = requestBody
                            var object: [String: JSONValue] = [:]
                            let schema = ContractCheck.resolve(
                                operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].stringValue ?? "")
                            if case .object(let properties) = schema["properties"] {
                                for key in properties.keys where random.next(below: 2) == 0 {
                                    object[key] = Self.nasty[random.next(below: Self.nasty.count)]
                                }
                            }
                            body = round == 11 ? Self.nasty[random.next(below: Self.nasty.count)] : .object(object)
                        }
                        let query =
                            round % 2 == 0
                            ? "?limit=\(["-1", "abc", "1", "300"][round % 4])&sort=\(["-x", "name", ""][round % 3])&q=%00&cursor=%%%" : ""
                        let reply = try await api.call(
                            HTTPRequest.Method(rawValue: method.uppercased())!, path + query, token: round == 5 ? nil : token, body: body)
                        #expect(reply.status < 500, "\(method) \(path) body=\(String(describing: body))")
                        requests += 1
                    }
                }
            }
            #expect(requests > 400)
            let raw = try await api.call(.post, "/api/v1/contacts", token: token, body: nil, headers: [.contentType: "application/json"])
            #expect(raw.status == 422)
        }
    }

    @Test func malformedJSONIsA400Problem() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            for text in ["{", "[1,2]", "\"x\"", "{\"a\":}", "\u{FEFF}{}"] {
                let response = try await api.client.executeRequest(
                    uri: "/api/v1/contacts", method: .post,
                    headers: [.authorization: "Bearer \(crew.token("owner"))", .contentType: "application/json"],
                    body: .init(string: text))
                #expect(response.status.code == 400 || response.status.code == 422, "\(text)")
                #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true)
            }
        }
    }
}
