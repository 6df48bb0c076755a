import Foundation
import HTTPTypes
import Hummingbird
import Logging
import RapportCore

/// Gives every request an id and a language, and turns every thrown error into a problem+json response.
/// A 5xx is logged with the error; nothing about it but the request id reaches the client.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let incoming = request.headers[.requestID].flatMap { $0.count <= 64 && $0.allSatisfy { $0.isASCII && !$0.isWhitespace } ? $0 : nil }
        context.requestID = incoming ?? UUID().uuidString.lowercased()
        context.logger[metadataKey: "request_id"] = .string(context.requestID)
        context.locale = AppLocale.negotiate(acceptLanguage: request.headers[.acceptLanguage])
        do {
            var response = try await next(request, context)
            response.headers[.requestID] = context.requestID
            return response
        } catch {
            let (problem, headers) = ProblemMapper.problem(for: error, context: context)
            if problem.status >= 500 {
                context.logger.error("Request failed", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            }
            var response = ProblemMapper.response(for: problem, headers: headers)
            response.headers[.requestID] = context.requestID
            return response
        }
    }
}

extension HTTPField.Name {
    static let requestID = HTTPField.Name("X-Request-Id")!
    static let csrfToken = HTTPField.Name("X-CSRF-Token")!
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!
    static let idempotentReplayed = HTTPField.Name("Idempotent-Replayed")!
}
