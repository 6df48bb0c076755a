import Foundation
import Hummingbird
import RapportCore
import RapportStore

/// What every page handler shares: the store, the clock, and the steps from a form to a use case.
struct WebKit: Sendable {
    let store: Store

    var now: Date { store.context.effects.now() }

    func viewer(_ request: Request, _ context: AppRequestContext) async throws -> Viewer {
        try await Viewer.load(request, context, store: store)
    }

    /// The workspace's users by id (for owner and assignee names and pickers).
    func users(_ viewer: Viewer) async throws -> [User] { try await store.users.list(by: viewer.actor) }

    /// Runs a create once per form: the form carries a one-time key, so a double click or a resent form
    /// leads to the record the first submission made instead of a second one.
    func once(_ form: FormData, _ viewer: Viewer, _ create: () async throws -> WebURL) async throws -> WebURL {
        guard let key = form.text("_once"), key.count <= 64 else { return try await create() }
        let scoped = "web:" + key
        switch try await store.idempotency.claim(key: scoped, requestHash: "web-form", actor: viewer.actor) {
        case .replay(_, let location): return WebURL.localReturn(location) ?? .home
        case .inProgress, .mismatch: return WebURL.localReturn(form["return"]) ?? .home
        case .proceed:
            do {
                let url = try await create()
                try await store.idempotency.complete(key: scoped, actor: viewer.actor, status: 201, body: url.path)
                return url
            } catch {
                try? await store.idempotency.complete(key: scoped, actor: viewer.actor, status: 500, body: nil)
                throw error
            }
        }
    }

    /// The hidden fields of a create form: CSRF token and the one-time key.
    static func createFields(_ viewer: Viewer) -> HTML {
        "\(Form.csrf(viewer))<input type=\"hidden\" name=\"_once\" value=\"\(UUID().uuidString.lowercased())\">"
    }

    /// A form as the JSON object the API's input readers take, so pages and API validate alike.
    static func reader(_ object: [String: JSONValue]) -> BodyReader { BodyReader(object: object, path: "", issues: FieldIssues()) }

    /// A date (`yyyy-mm-dd`) and an optional time (`hh:mm`) typed in the workspace's time zone, as an
    /// RFC 3339 instant; nil when the date is blank; the raw text when it cannot be read (so the
    /// API's validation names the field).
    static func instant(date: String?, time: String?, format: Formatting) -> JSONValue? {
        guard let date = date?.trimmedOrNil else { return nil }
        guard let day = LocalDate(iso: date) else { return .string(date) }
        var seconds = 9 * 3600
        if let time = time?.trimmedOrNil {
            let parts = time.split(separator: ":").compactMap { Int($0) }
            guard parts.count >= 2, (0..<24).contains(parts[0]), (0..<60).contains(parts[1]) else { return .string(time) }
            seconds = parts[0] * 3600 + parts[1] * 60
        }
        return .string(APIJSON.formatTimestamp(format.startOfDay(day).addingTimeInterval(TimeInterval(seconds))))
    }

    /// `yyyy-mm-dd` and `hh:mm` of an instant in the workspace's time zone, for date and time inputs.
    static func dateAndTime(_ instant: Date?, format: Formatting) -> (date: String?, time: String?) {
        guard let instant else { return (nil, nil) }
        let day = format.localDate(instant)
        let seconds = Int(instant.timeIntervalSince(format.startOfDay(day)))
        return (day.description, String(format: "%02d:%02d", seconds / 3600, seconds / 60 % 60))
    }
}

extension Array where Element == User {
    func name(of id: User.ID?) -> String? {
        guard let id else { return nil }
        return first { $0.id == id }?.name
    }

    /// Options for a user picker: active users, plus the current value even when inactive.
    func options(keeping current: User.ID? = nil) -> [(value: String, text: String)] {
        filter { $0.isActive || $0.id == current }.map { ($0.id.rawValue, $0.name) }
    }
}
