import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import RapportApp
import RapportCore
import RapportHTTP
import RapportStore
import Testing

/// A fresh Rapport for one test: its own database (a temporary SQLite file, or a new PostgreSQL database
/// when `RAPPORT_TEST_POSTGRES_URL` is set), built by the real build function.
struct TestApp: Sendable {
    let store: Store
    let routes: [String]
    let cleanup: @Sendable () async -> Void

    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["RAPPORT_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static func make(effects: Effects = .live) async throws -> TestApp {
        try await build(effects: effects).0
    }

    static func build(effects: Effects = .live, configure: (inout Configuration) -> Void = { _ in }) async throws -> (
        TestApp, RapportApplication
    ) {
        var configuration = Configuration()
        configuration.bcryptCost = 4
        configuration.logLevel = .error
        configuration.poolSize = 4
        // The PostgreSQL suite runs many apps at once on one server: a request may wait longer for a
        // connection than a live server lets it (10 s) without anything being wrong.
        configuration.poolTimeoutSeconds = 120
        // Tests run jobs themselves, when they mean to (a background worker would race them).
        configuration.workers = 0
        let logger = {
            var logger = Logger(label: "rapport-test")
            logger.logLevel = .critical
            return logger
        }()
        // Uploaded documents go to a folder of the test's own, removed with it.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-test-\(UUID().uuidString)")
        configuration.dataDirectory = folder.path
        configure(&configuration)
        let cleanup: @Sendable () async -> Void
        if let admin = postgresURL {
            let name = "rapport_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased())"
            let adminDB = try await Database.open(location: .postgres(url: admin), poolSize: 1, logger: logger)
            try await adminDB.reader.raw("CREATE DATABASE \(unsafeRaw: name)").run()
            await adminDB.close()
            guard var components = URLComponents(string: admin) else { throw TestFailure("bad RAPPORT_TEST_POSTGRES_URL") }
            components.path = "/" + name
            configuration.database = .postgres(url: components.string ?? admin)
            cleanup = {
                try? FileManager.default.removeItem(at: folder)
                guard let db = try? await Database.open(location: .postgres(url: admin), poolSize: 1, logger: logger) else { return }
                try? await db.reader.raw("DROP DATABASE IF EXISTS \(unsafeRaw: name) WITH (FORCE)").run()
                await db.close()
            }
        } else {
            configuration.database = .sqliteFile(path: folder.appendingPathComponent("test.sqlite").path)
            cleanup = { try? FileManager.default.removeItem(at: folder) }
        }
        let app = try await buildApplication(configuration: configuration, effects: effects, logger: logger)
        return (TestApp(store: app.store, routes: app.routes, cleanup: cleanup), app)
    }

    /// Runs a test body with a fresh app and a test client; closes and deletes the database afterwards.
    static func with<R: Sendable>(
        effects: Effects = .live, configure: (inout Configuration) -> Void = { _ in },
        _ body: @escaping @Sendable (TestApp, API) async throws -> R
    ) async throws -> R {
        let (app, application) = try await build(effects: effects, configure: configure)
        do {
            let result = try await application.application.test(.router) { client in
                try await body(app, API(client: client))
            }
            await app.store.database.close()
            await app.cleanup()
            return result
        } catch {
            await app.store.database.close()
            await app.cleanup()
            throw error
        }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A workspace with one user of every role (sales reps in two teams) and a token each.
struct Crew {
    let workspace: Workspace
    var users: [String: User] = [:]
    var tokens: [String: String] = [:]

    /// Names: owner, admin, head, rep (team A), mate (team A), outsider (team B rep), marketer, support, reader.
    static let roles: [(String, Role, String?)] = [
        ("owner", .owner, nil), ("admin", .admin, nil), ("head", .headOfSales, "A"), ("rep", .salesRep, "A"),
        ("mate", .salesRep, "A"), ("outsider", .salesRep, "B"), ("marketer", .marketer, nil), ("support", .support, "A"),
        ("reader", .readOnly, nil),
    ]

    static func make(_ store: Store, label: String = "ws") async throws -> Crew {
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let (workspace, owner) = try await store.workspaces.create(
            WorkspaceRepository.Setup(
                name: "Тест \(label)", timeZone: "Europe/Moscow", currency: "RUB", locale: .ru, phoneRegion: .ru,
                owner: UserRepository.NewUser(email: "owner-\(suffix)@test.ru", name: "Владелец", password: "password-1", role: .owner)))
        var crew = Crew(workspace: workspace)
        crew.users["owner"] = owner
        let teamA = try await store.users.createTeam(name: "A", by: owner.actor)
        let teamB = try await store.users.createTeam(name: "B", by: owner.actor)
        for (name, role, team) in roles where name != "owner" {
            let user = try await store.users.create(
                UserRepository.NewUser(
                    email: "\(name)-\(suffix)@test.ru", name: name.capitalized, password: "password-1", role: role,
                    teamID: team == "A" ? teamA.id : team == "B" ? teamB.id : nil), by: owner.actor, workspace: workspace.id)
            crew.users[name] = user
        }
        for (name, user) in crew.users {
            crew.tokens[name] = try await store.auth.createToken(for: user.id, name: "test", by: nil).secret
        }
        return crew
    }

    func user(_ name: String) -> User { users[name]! }  // Crew.make creates every name in `roles`.
    func token(_ name: String) -> String { tokens[name]! }
    func actor(_ name: String) -> Actor { user(name).actor }
}

/// The API as a test sees it: JSON in, status and JSON out, every response checked against the OpenAPI
/// document (documented status, matching schema).
struct API {
    let client: any TestClientProtocol

    struct Reply {
        var status: Int
        var json: JSONValue
        var headers: HTTPFields

        subscript(_ key: String) -> JSONValue { json[key] }
        var id: String { json["id"].stringValue ?? "" }
        var version: Int64 { if case .int(let v) = json["version"] { v } else { -1 } }
        var data: [JSONValue] { if case .array(let items) = json["data"] { items } else { [] } }
        var errorFields: [String] {
            guard case .array(let errors) = json["errors"] else { return [] }
            return errors.compactMap { $0["field"].stringValue }
        }
    }

    @discardableResult
    func call(
        _ method: HTTPRequest.Method, _ path: String, token: String? = nil, body: JSONValue? = nil,
        headers extra: HTTPFields = [:], validate: Bool = true, busyAllowed: Bool = false,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Reply {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        var buffer: ByteBuffer?
        if let body {
            headers[.contentType] = "application/json"
            buffer = ByteBuffer(bytes: try JSONEncoder().encode(body))
        }
        let response = try await client.executeRequest(uri: path, method: method, headers: headers, body: buffer)
        let text = String(buffer: response.body)
        let json = text.isEmpty ? JSONValue.null : (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .string(text)
        let reply = Reply(status: Int(response.status.code), json: json, headers: response.headers)
        #expect(
            reply.status < 500 || (busyAllowed && reply.status == 503), "5xx from \(method) \(path): \(text)",
            sourceLocation: sourceLocation)
        if validate, path.hasPrefix("/api/v1"), path != "/api/v1/openapi.json" {
            let problems = ContractCheck.validate(method: method.rawValue, path: path, status: reply.status, body: json)
            #expect(
                problems.isEmpty, "\(method) \(path) → \(reply.status) breaks the contract: \(problems)", sourceLocation: sourceLocation)
        }
        return reply
    }

    func get(_ path: String, _ token: String, headers: HTTPFields = [:], sourceLocation: SourceLocation = #_sourceLocation) async throws
        -> Reply
    {
        try await call(.get, path, token: token, headers: headers, sourceLocation: sourceLocation)
    }
    func post(
        _ path: String, _ token: String, _ body: JSONValue = [:], headers: HTTPFields = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Reply {
        try await call(.post, path, token: token, body: body, headers: headers, sourceLocation: sourceLocation)
    }
    /// A POST as a client that honours 503 sends it: again after `Retry-After` seconds while the database is busy
    /// (a 503 wrote nothing), up to `attempts` times.
    func postRetryingWhenBusy(
        _ path: String, _ token: String, _ body: JSONValue, attempts: Int = 10, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Reply {
        var reply = try await call(.post, path, token: token, body: body, busyAllowed: true, sourceLocation: sourceLocation)
        for _ in 1..<attempts where reply.status == 503 {
            try await Task.sleep(for: .seconds(Int(reply.headers[.retryAfter] ?? "") ?? 1))
            reply = try await call(.post, path, token: token, body: body, busyAllowed: true, sourceLocation: sourceLocation)
        }
        return reply
    }
    func patch(
        _ path: String, _ token: String, _ body: JSONValue, headers: HTTPFields = [:], sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Reply {
        try await call(.patch, path, token: token, body: body, headers: headers, sourceLocation: sourceLocation)
    }
    func delete(_ path: String, _ token: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> Reply {
        try await call(.delete, path, token: token, sourceLocation: sourceLocation)
    }
}

/// Runs `body` again, a second apart, while the database answers busy (no free connection in time), as the
/// job queue and HTTP clients do; the last attempt's error is thrown.
@discardableResult
func retryingWhenBusy<T>(attempts: Int = 10, _ body: () async throws -> T) async throws -> T {
    for _ in 1..<attempts {
        do {
            return try await body()
        } catch let error where Database.isBusy(error) {
            try await Task.sleep(for: .seconds(1))
        }
    }
    return try await body()
}

extension JSONValue {
    subscript(_ key: String) -> JSONValue {
        if case .object(let object) = self { return object[key] ?? .null }
        return .null
    }
    subscript(_ index: Int) -> JSONValue {
        if case .array(let items) = self, items.indices.contains(index) { return items[index] }
        return .null
    }
    var intValue: Int64? { if case .int(let value) = self { value } else { nil } }
    var boolValue: Bool? { if case .bool(let value) = self { value } else { nil } }
    var arrayValue: [JSONValue] { if case .array(let items) = self { items } else { [] } }
}

extension HTTPFields {
    static func language(_ code: String) -> HTTPFields { [.acceptLanguage: code] }
}
