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

    /// Runs what a form asks for. A refused field renders the form again with each field's message (422);
    /// a stale version renders it with the user's input kept and the conflict explained (409), so saving
    /// again is a deliberate overwrite.
    func submitting(
        _ viewer: Viewer, form render: (FormErrors) async throws -> HTML, _ run: () async throws -> Response
    ) async throws -> Response {
        do {
            return try await run()
        } catch let error as ValidationError {
            return WebResponse.html(try await render(FormErrors(error, locale: viewer.locale)), status: .unprocessableContent)
        } catch RecordError.versionConflict {
            var errors = FormErrors()
            errors.add("version", WebText.conflict(viewer.t))
            return WebResponse.html(try await render(errors), status: .conflict)
        }
    }

    /// The company of that exact name (case- and ё-insensitive), or a new one.
    func companyID(named name: String, _ viewer: Viewer) async throws -> Company.ID {
        let key = SearchText.fold(name)
        let matches = try await store.companies.list(ListQuery(limit: 20, search: name), by: viewer.actor)
        if let same = matches.items.first(where: { SearchText.fold($0.name) == key }) { return same.id }
        var input = CompanyInput()
        input.name = name
        input.ownerID = .set(viewer.user.id)
        return try await store.companies.create(input, by: viewer.actor).id
    }

    /// The hidden fields of a create form: CSRF token and the one-time key.
    static func createFields(_ viewer: Viewer) -> HTML {
        "\(Form.csrf(viewer))<input type=\"hidden\" name=\"_once\" value=\"\(UUID().uuidString.lowercased())\">"
    }

    /// A form as the JSON object the API's input readers take, so pages and API validate alike.
    static func reader(_ object: [String: JSONValue]) -> BodyReader { BodyReader(object: object, path: "", issues: FieldIssues()) }

    /// A date (`yyyy-mm-dd`) and an optional time (`hh:mm`, 09:00 when blank) typed in the workspace's time
    /// zone, as an RFC 3339 instant; nil when the date is blank; the raw text when it cannot be read (so
    /// the API's validation names the field).
    static func instant(date: String?, time: String?, format: Formatting) -> JSONValue? {
        guard let date = date?.trimmedOrNil else { return nil }
        guard let day = LocalDate(iso: date) else { return .string(date) }
        var clock = (hour: 9, minute: 0)
        if let time = time?.trimmedOrNil {
            guard let typed = Formatting.timeOfDay(time) else { return .string(time) }
            clock = typed
        }
        return .string(APIJSON.formatTimestamp(format.instant(on: day, hour: clock.hour, minute: clock.minute)))
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
