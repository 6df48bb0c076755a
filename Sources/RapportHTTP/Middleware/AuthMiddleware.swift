import Foundation
import HTTPTypes
import Hummingbird
import RapportCore
import RapportStore

/// Authenticates every request of the API: a bearer API token, or the session cookie. With the cookie, a
/// state-changing request must carry the session's CSRF token in `X-CSRF-Token`.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let auth: AuthRepository

    static let cookieName = "rapport_session"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization] {
            guard header.lowercased().hasPrefix("bearer "),
                let user = try await auth.user(forToken: String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces))
            else {
                throw APIError.unauthenticated
            }
            context.actor = user.actor
            context.authentication = .apiToken
            if let preferred = user.locale, request.headers[.acceptLanguage] == nil { context.locale = preferred }
        } else if let token = request.cookies[Self.cookieName]?.value, let (user, csrf) = try await auth.session(token: token) {
            if ![.get, .head, .options].contains(request.method) {
                guard let sent = request.headers[.csrfToken], Self.equal(sent, csrf) else { throw APIError.csrfFailed }
            }
            context.actor = user.actor
            context.authentication = .session(token: token, csrfToken: csrf)
            if let preferred = user.locale, request.headers[.acceptLanguage] == nil { context.locale = preferred }
        } else {
            throw APIError.unauthenticated
        }
        context.logger[metadataKey: "user_id"] = .string(context.actor?.userID.rawValue ?? "")
        return try await next(request, context)
    }

    /// Constant-time string comparison.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// Where request metrics go (Prometheus in the application; nothing in tests that do not look).
public protocol RequestMetrics: Sendable {
    /// Records one finished request.
    func record(method: String, route: String, status: Int, duration: Duration)
}

/// Records count and latency of every request by method, matched route and status.
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let metrics: any RequestMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        // The matched route pattern (not the raw path) keeps label cardinality bounded.
        let route = context.endpointPath ?? "unmatched"
        metrics.record(method: request.method.rawValue, route: route, status: response.status.code, duration: ContinuousClock.now - start)
        return response
    }
}
