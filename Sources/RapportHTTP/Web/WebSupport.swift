import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RapportCore
import RapportStore

/// Picks the English or the Russian text: every UI string is written in both where it is used.
struct Lang: Sendable {
    let locale: AppLocale
    func callAsFunction(_ english: String, _ russian: String) -> String { locale == .ru ? russian : english }
}

/// Who is looking at a page, and how to write for them.
struct Viewer: Sendable {
    let user: User
    let workspace: Workspace
    let csrfToken: String
    let locale: AppLocale
    let format: Formatting
    /// The page's own path and query (where forms return).
    let path: String
    /// The one-time message left by the previous action.
    let flash: Flash?

    var actor: Actor { user.actor }
    var t: Lang { Lang(locale: locale) }

    /// Loads the viewer of a request the web middleware has authenticated.
    static func load(_ request: Request, _ context: AppRequestContext, store: Store) async throws -> Viewer {
        guard let user = context.user, case .session(_, let csrf) = context.authentication else { throw APIError.unauthenticated }
        let workspace = try await store.workspaces.get(by: user.actor)
        return Viewer(
            user: user, workspace: workspace, csrfToken: csrf, locale: context.locale,
            format: Formatting(locale: context.locale, timeZoneIdentifier: workspace.timeZone),
            path: request.uri.description, flash: request.cookies[Flash.cookieName].flatMap { Flash(rawValue: $0.value) })
    }

    /// "Today" in the workspace's time zone.
    func today(_ now: Date) -> LocalDate { format.localDate(now) }
}

/// A one-time confirmation shown on the page a form redirects to.
enum Flash: String, Sendable {
    case created, saved, deleted, restored, moved, completed, added, revoked, conflict, merged, mergedAway, notDuplicates

    static let cookieName = "rapport_flash"

    func text(_ t: Lang) -> String {
        switch self {
        case .created: t("Created.", "Создано.")
        case .saved: t("Saved.", "Сохранено.")
        case .deleted: t("Moved to the trash.", "Перемещено в корзину.")
        case .restored: t("Restored.", "Восстановлено.")
        case .moved: t("Deal moved.", "Сделка перемещена.")
        case .completed: t("Task completed.", "Задача выполнена.")
        case .added: t("Added to the timeline.", "Добавлено в ленту.")
        case .revoked: t("Token revoked.", "Токен отозван.")
        case .merged: t("Records merged.", "Записи объединены.")
        case .mergedAway: t("The record you opened was merged into this one.", "Открытая запись была объединена с этой.")
        case .notDuplicates: t("Marked as not duplicates.", "Отмечено: не дубликаты.")
        case .conflict:
            t(
                "Someone changed this record meanwhile, so your change was not applied. The page shows it as it is now.",
                "Запись кто-то изменил, поэтому ваше изменение не применено. На странице — актуальное состояние.")
        }
    }
}

/// An `application/x-www-form-urlencoded` body or query: names may repeat (checkbox lists).
struct FormData: Sendable {
    var pairs: [(name: String, value: String)] = []

    /// Decodes the text as browsers encode forms (`+` is a space, `%2B` a plus), keeping every byte; the
    /// API's query reader names a NUL as a bad field.
    static func parse(_ text: Substring) -> FormData {
        var form = FormData()
        for pair in text.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                let spaced = text.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            form.pairs.append((decode(parts[0]), parts.count > 1 ? decode(parts[1]) : ""))
        }
        return form
    }

    /// Pages take what they are sent without NULs: no CRM text holds one, and PostgreSQL refuses them.
    private func withoutNUL() -> FormData {
        var form = self
        form.pairs = pairs.map {
            ($0.name.replacingOccurrences(of: "\u{0}", with: ""), $0.value.replacingOccurrences(of: "\u{0}", with: ""))
        }
        return form
    }

    static func query(_ request: Request) -> FormData { parse(Substring(request.uri.query ?? "")).withoutNUL() }

    /// The first value, as sent.
    subscript(_ name: String) -> String? { pairs.first { $0.name == name }?.value }
    /// Every value of a repeated name.
    func all(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }
    /// The first value trimmed, or nil when blank.
    func text(_ name: String) -> String? { self[name]?.trimmedOrNil }
    /// Lines of a text area, trimmed, blanks dropped.
    func lines(_ name: String) -> [String] {
        (self[name] ?? "").split(whereSeparator: \.isNewline).compactMap { String($0).trimmedOrNil }
    }
    /// A comma-separated list.
    func list(_ name: String) -> [String] { (self[name] ?? "").split(separator: ",").compactMap { String($0).trimmedOrNil } }
    /// A checkbox.
    func checked(_ name: String) -> Bool { self[name] != nil }
    /// A form that carries a field.
    func has(_ name: String) -> Bool { self[name] != nil }

    /// Reads a POSTed form and checks its CSRF token (`_csrf`, or `X-CSRF-Token` from the script).
    static func read(_ request: Request, _ context: AppRequestContext) async throws -> FormData {
        var request = request
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: BodyReader.maximumBytes) } catch { throw APIError.payloadTooLarge }
        let form = parse(Substring(String(decoding: buffer.readableBytesView, as: UTF8.self))).withoutNUL()
        guard case .session(_, let expected) = context.authentication else { throw APIError.unauthenticated }
        guard let sent = form["_csrf"] ?? request.headers[.csrfToken], AuthMiddleware.equal(sent, expected) else {
            throw APIError.csrfFailed
        }
        return form
    }

    /// Reads a `multipart/form-data` POST (a file upload): its text fields and its files' bytes, CSRF checked.
    static func readUpload(_ request: Request, _ context: AppRequestContext, limit: Int) async throws -> (FormData, [String: [UInt8]]) {
        let (form, parts) = try await readUploadParts(request, context, limit: limit, tooLarge: APIError.payloadTooLarge)
        var files: [String: [UInt8]] = [:]
        for part in parts where part.fileName != nil { files[part.name] = part.content }
        return (form, files)
    }

    /// Reads a `multipart/form-data` POST: its text fields and its file parts (with their names and types),
    /// CSRF checked; a body over `limit` throws `tooLarge`.
    static func readUploadParts(_ request: Request, _ context: AppRequestContext, limit: Int, tooLarge: any Error) async throws -> (
        FormData, [Multipart.Part]
    ) {
        var request = request
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: limit) } catch { throw tooLarge }
        let type = request.headers[.contentType] ?? ""
        guard let range = type.range(of: "boundary=") else { throw APIError.malformedBody("Expected multipart/form-data.") }
        let boundary = String(type[range.upperBound...]).trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
        let parts = Multipart.parts(Array(buffer.readableBytesView), boundary: boundary)
        var form = FormData()
        form.pairs = parts.filter { $0.fileName == nil }.map { ($0.name, String(decoding: $0.content, as: UTF8.self)) }
        form = form.withoutNUL()
        guard case .session(_, let expected) = context.authentication else { throw APIError.unauthenticated }
        guard let sent = form["_csrf"] ?? request.headers[.csrfToken], AuthMiddleware.equal(sent, expected) else {
            throw APIError.csrfFailed
        }
        return (form, parts.filter { $0.fileName != nil })
    }

    /// Reads a POSTed form that needs no session (sign-in, first run).
    static func readPublic(_ request: Request) async throws -> FormData {
        var request = request
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: BodyReader.maximumBytes) } catch { throw APIError.payloadTooLarge }
        return parse(Substring(String(decoding: buffer.readableBytesView, as: UTF8.self))).withoutNUL()
    }
}

/// `multipart/form-data` bodies: the parts between boundary lines, each with a `name` (and a `filename`
/// for files). Text fields are UTF-8.
enum Multipart {
    /// One part of a body: a form field, or a file with the name and type the browser sent.
    struct Part {
        var name: String
        var fileName: String?
        var contentType: String?
        var content: [UInt8]
    }

    static func parts(_ body: [UInt8], boundary: String) -> [Part] {
        let marker = Array("--\(boundary)".utf8)
        var parts: [Part] = []
        var starts: [Int] = []
        var index = 0
        while index + marker.count <= body.count {
            if body[index] == marker[0], body[index..<index + marker.count].elementsEqual(marker) {
                starts.append(index)
                index += marker.count
            } else {
                index += 1
            }
        }
        for (start, end) in zip(starts, starts.dropFirst()) {
            // A part: CRLF, headers, a blank line, the content, then CRLF before the next boundary.
            let part = body[(start + marker.count)..<end]
            guard let split = firstBlankLine(part) else { continue }
            let headers = String(decoding: part[part.startIndex..<split], as: UTF8.self)
            var content = Array(part[(split + 4)...])
            if content.suffix(2) == [0x0D, 0x0A] { content.removeLast(2) }
            guard let name = attribute("name", in: headers) else { continue }
            let type = headers.split(whereSeparator: \.isNewline).first { $0.lowercased().hasPrefix("content-type:") }
                .map { $0.dropFirst("content-type:".count).trimmingCharacters(in: .whitespaces) }
            parts.append(Part(name: name, fileName: attribute("filename", in: headers), contentType: type, content: content))
        }
        return parts
    }

    private static func firstBlankLine(_ bytes: ArraySlice<UInt8>) -> Int? {
        var index = bytes.startIndex
        while index + 3 < bytes.endIndex {
            if bytes[index] == 0x0D, bytes[index + 1] == 0x0A, bytes[index + 2] == 0x0D, bytes[index + 3] == 0x0A { return index }
            index += 1
        }
        return nil
    }

    private static func attribute(_ key: String, in headers: String) -> String? {
        guard let range = headers.range(of: " \(key)=\"") ?? headers.range(of: ";\(key)=\"") else { return nil }
        return String(headers[range.upperBound...].prefix { $0 != "\"" })
    }
}

/// Responses of the web UI.
enum WebResponse {
    static func html(_ html: HTML, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html.text)))
    }

    /// 303 to the next page, leaving a one-time message for it.
    static func redirect(_ url: WebURL, flash: Flash? = nil) -> Response {
        var response = Response(status: .seeOther, headers: [.location: url.path])
        if let flash {
            response.setCookie(Cookie(name: Flash.cookieName, value: flash.rawValue, maxAge: 60, path: "/", httpOnly: true, sameSite: .lax))
        }
        return response
    }
}

/// Security headers on every page: a Content-Security-Policy that allows no inline script or style.
struct WebSecurityMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "same-origin"
        response.headers[.xFrameOptions] = "DENY"
        // The flash message is shown once.
        if request.cookies[Flash.cookieName] != nil, response.status == .ok {
            response.setCookie(Cookie(name: Flash.cookieName, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .lax))
        }
        return response
    }
}

/// Signs in page requests with the session cookie. Without a session a page redirects to sign-in; a
/// script's request gets 401 so it can keep the user's input and say so.
struct WebAuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let auth: AuthRepository

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.locale = WebLanguage.preferred(request, fallback: context.locale)
        guard let token = request.cookies[AuthMiddleware.cookieName]?.value, let (user, csrf) = try await auth.session(token: token)
        else {
            if request.headers[.xRequestedWith] == "fetch" {
                return Response(status: .unauthorized, headers: [.cacheControl: "no-store"])
            }
            if request.method == .get || request.method == .head {
                return WebResponse.redirect(.signIn(next: request.uri.description))
            }
            return WebResponse.redirect(.signIn(expired: true))
        }
        context.actor = user.actor
        context.user = user
        context.authentication = .session(token: token, csrfToken: csrf)
        if let preferred = user.locale { context.locale = preferred }
        return try await next(request, context)
    }
}

/// The language of pages: the signed-in user's setting, else the `rapport_lang` cookie, else the browser's.
enum WebLanguage {
    static let cookieName = "rapport_lang"

    static func preferred(_ request: Request, fallback: AppLocale) -> AppLocale {
        request.cookies[cookieName].flatMap { AppLocale(rawValue: $0.value) } ?? fallback
    }

    static func cookie(_ locale: AppLocale) -> Cookie {
        Cookie(name: cookieName, value: locale.rawValue, maxAge: 365 * 24 * 3600, path: "/", httpOnly: true, sameSite: .lax)
    }
}

/// Turns an error on a page into a page: sign-in for a lost session, otherwise a localized explanation
/// with the request id (the same mapping as the API's problems).
struct WebErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch APIError.unauthenticated {
            return WebResponse.redirect(.signIn(next: request.method == .get ? request.uri.description : nil))
        } catch {
            let (problem, _) = ProblemMapper.problem(for: error, context: context)
            if problem.status >= 500 {
                context.logger.error("Page failed", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            }
            let t = Lang(locale: context.locale)
            var details: [HTML] = []
            if let detail = problem.detail { details.append("<p>\(detail)</p>") }
            for field in problem.errors ?? [] { details.append("<p>\(field.message)</p>") }
            if error as? APIError == .csrfFailed {
                details.append(
                    "<p>\(t("The page was open too long. Go back, reload it and try again.", "Страница была открыта слишком долго. Вернитесь, обновите её и повторите."))</p>"
                )
            }
            let page = Layout.bare(
                locale: context.locale, title: problem.title,
                body: """
                    <main class="narrow card"><h1>\(problem.title)</h1>\(details)
                    <p class="muted">\(t("Request", "Запрос")): <code>\(context.requestID)</code></p>
                    <p><a class="button" href="\(WebURL.home)">\(t("Home", "На главную"))</a></p></main>
                    """)
            return WebResponse.html(page, status: HTTPResponse.Status(code: problem.status))
        }
    }
}

extension HTTPField.Name {
    static let xRequestedWith = HTTPField.Name("X-Requested-With")!
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
}
