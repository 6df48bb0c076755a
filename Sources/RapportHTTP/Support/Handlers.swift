import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RapportCore
import RapportStore

/// Helpers every API handler uses: JSON responses, ids from the path, list queries from the URL, and
/// idempotent creates.
struct Handlers: Sendable {
    let store: Store

    /// A JSON response.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try APIJSON.encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A JSON response written directly (list pages of contacts, companies, deals).
    static func json<Item: JSONWritable>(_ list: ListResponse<Item>) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: list.jsonBytes)))
    }

    /// An empty 204.
    static var noContent: Response { Response(status: .noContent) }

    /// The `{id}` path parameter as a typed id; a malformed id is a 404 (it cannot name a record).
    static func id<T>(_ context: AppRequestContext, _ name: String = "id", as _: T.Type = T.self) throws -> Identifier<T> {
        guard let raw = context.parameters.get(name), UUIDv7.isWellFormed(raw) else { throw APIError.notFound }
        return Identifier(raw.lowercased())
    }

    /// Runs a create (a POST) honouring `Idempotency-Key`: a repeat with the same body gets the first
    /// response again; a concurrent repeat is told the first is in progress.
    func create(
        _ request: Request, _ context: AppRequestContext,
        status: HTTPResponse.Status = .created, _ run: @Sendable (BodyReader) async throws -> any Encodable
    ) async throws -> Response {
        var request = request
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: BodyReader.maximumBytes) } catch { throw APIError.payloadTooLarge }
        let data = Data(buffer.readableBytesView)
        let reader = try BodyReader.parse(data)
        let actor = try context.requireActor()
        guard let key = request.headers[.idempotencyKey] else {
            return try Self.json(try await run(reader), status: status)
        }
        guard !key.isEmpty, key.count <= 200 else { throw ValidationError("Idempotency-Key", .invalidFormat) }
        var hasher = SHA256()
        hasher.update(data: Data("\(request.method.rawValue) \(request.uri.path)\n".utf8))
        hasher.update(data: data)
        let hash = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        switch try await store.idempotency.claim(key: key, requestHash: hash, actor: actor) {
        case .replay(let code, let body):
            var response = Response(
                status: HTTPResponse.Status(code: code), headers: [.contentType: "application/json; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
            response.headers[.idempotentReplayed] = "true"
            return response
        case .mismatch: throw APIError.idempotencyKeyReused
        case .inProgress: throw APIError.idempotencyInProgress
        case .proceed:
            do {
                let value = try await run(reader)
                let encoded = try APIJSON.encoder.encode(value)
                try await store.idempotency.complete(
                    key: key, actor: actor, status: Int(status.code), body: String(decoding: encoded, as: UTF8.self))
                return Response(
                    status: status, headers: [.contentType: "application/json; charset=utf-8"],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: encoded)))
            } catch {
                try? await store.idempotency.complete(key: key, actor: actor, status: 500, body: nil)
                throw error
            }
        }
    }

    /// The list parameters every list endpoint takes: `limit`, `cursor`, `sort`, `q`, `trash`, and filters.
    /// - Parameter orders: read `status` as an order status (the orders list) rather than a deal status.
    static func listQuery(_ request: Request, orders: Bool = false) throws(ValidationError) -> ListQuery {
        let parameters = formQuery(request)
        var issues = FieldIssues()
        var query = ListQuery()
        for (name, value) in parameters where value.contains("\u{0}") || name.contains("\u{0}") {
            issues.add(name.replacingOccurrences(of: "\u{0}", with: ""), .invalidFormat)
        }
        func text(_ name: String) -> String? {
            parameters[name].flatMap(\.trimmedOrNil).flatMap { $0.contains("\u{0}") ? nil : $0 }
        }
        if let limit = text("limit") {
            if let value = Int(limit), (1...PageSize.maximum).contains(value) {
                query.limit = value
            } else {
                issues.add("limit", .outOfRange, ["min": "1", "max": String(PageSize.maximum)])
            }
        }
        query.cursor = text("cursor")
        query.sort = text("sort")
        query.search = text("q")
        if let search = query.search, search.count > 200 { issues.add("q", .tooLong, ["max": "200"]) }
        if let trash = text("trash") {
            switch trash {
            case "true", "1": query.trash = true
            case "false", "0": query.trash = false
            default: issues.add("trash", .wrongType, ["expected": "boolean"])
            }
        }
        var filters = ListQuery.Filters()
        func id<T>(_ name: String) -> Identifier<T>? {
            guard let raw = text(name) else { return nil }
            guard UUIDv7.isWellFormed(raw) else {
                issues.add(name, .invalidFormat)
                return nil
            }
            return Identifier(raw.lowercased())
        }
        func enumValue<E: RawRepresentable & CaseIterable>(_ name: String) -> E? where E.RawValue == String {
            guard let raw = text(name) else { return nil }
            guard let value = E(rawValue: raw) else {
                issues.add(name, .invalidOption, ["options": E.allCases.map(\.rawValue).joined(separator: ", ")])
                return nil
            }
            return value
        }
        func date(_ name: String) -> Date? {
            guard let raw = text(name) else { return nil }
            if let date = APIJSON.parseTimestamp(raw) { return date }
            if let day = LocalDate(iso: raw),
                let date = Calendar.utc.date(from: DateComponents(year: day.year, month: day.month, day: day.day))
            {
                return date
            }
            issues.add(name, .invalidDate)
            return nil
        }
        filters.ownerID = id("ownerId")
        filters.teamID = id("teamId")
        filters.tag = text("tag")
        filters.stageID = id("stageId")
        filters.pipelineID = id("pipelineId")
        if orders { filters.orderStatus = enumValue("status") } else { filters.status = enumValue("status") }
        filters.segmentID = id("segment")
        filters.city = text("city")
        filters.readiness = enumValue("readiness")
        filters.lifecycle = enumValue("lifecycle")
        filters.companyID = id("companyId")
        filters.contactID = id("contactId")
        filters.dealID = id("dealId")
        filters.createdFrom = date("createdFrom")
        filters.createdTo = date("createdTo")
        filters.updatedFrom = date("updatedFrom")
        filters.updatedTo = date("updatedTo")
        filters.dueFrom = date("dueFrom")
        filters.dueTo = date("dueTo")
        filters.kind = text("kind")
        if let done = text("done") {
            switch done {
            case "true", "1": filters.done = true
            case "false", "0": filters.done = false
            default: issues.add("done", .wrongType, ["expected": "boolean"])
            }
        }
        for (name, value) in parameters where name.hasPrefix("customField.") {
            filters.customFields[String(name.dropFirst("customField.".count))] = value
        }
        query.filters = filters
        try issues.throwIfAny()
        return query
    }
}

/// Query parameters decoded the way browsers encode forms (the first value of a repeated name wins).
func formQuery(_ request: Request) -> [String: String] {
    Dictionary(FormData.parse(Substring(request.uri.query ?? "")).pairs, uniquingKeysWith: { first, _ in first })
}

extension Calendar {
    /// The Gregorian calendar in UTC.
    static var utc: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        return calendar
    }
}

/// A list response: `{"data": [...], "nextCursor": "…" | null}`.
struct ListResponse<Item: Encodable & Sendable>: Encodable, Sendable {
    var data: [Item]
    var nextCursor: String?

    init(data: [Item], nextCursor: String?) {
        self.data = data
        self.nextCursor = nextCursor
    }

    init<T>(_ page: Page<T>, _ transform: (T) -> Item) {
        self.data = page.items.map(transform)
        self.nextCursor = page.nextCursor?.token
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(data, forKey: .data)
        try container.encode(nextCursor, forKey: .nextCursor)  // always present, null on the last page
    }

    enum CodingKeys: String, CodingKey { case data, nextCursor }
}
