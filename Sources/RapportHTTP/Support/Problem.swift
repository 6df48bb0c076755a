import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import RapportCore
import RapportStore

/// An RFC 9457 problem response body.
struct Problem: Encodable, Sendable {
    /// A URI naming the problem type.
    var type: String
    /// A short, localized summary.
    var title: String
    /// The HTTP status.
    var status: Int
    /// The stable machine-readable code.
    var code: String
    /// A localized explanation for this occurrence, when there is more to say.
    var detail: String?
    /// The request id (quote it to an administrator).
    var requestId: String
    /// One entry per refused field.
    var errors: [FieldProblem]?
    /// The current record, on a version conflict.
    var current: JSONValue?
    /// Seconds to wait before retrying, on rate limiting.
    var retryAfter: Int?

    struct FieldProblem: Encodable, Sendable {
        var field: String
        var code: String
        var message: String
    }
}

/// The one mapping from every error Rapport can throw to a problem response. Unknown errors become a 500
/// carrying only the request id; their details go to the log.
enum ProblemMapper {
    static func problem(for error: any Error, context: AppRequestContext) -> (Problem, [(HTTPField.Name, String)]) {
        problem(for: error, locale: context.locale, requestID: context.requestID)
    }

    /// The problem for an error in a language, carrying the request's id.
    static func problem(for error: any Error, locale: AppLocale, requestID: String) -> (Problem, [(HTTPField.Name, String)]) {
        var headers: [(HTTPField.Name, String)] = []
        func make(_ code: ProblemCode, detail: String? = nil) -> Problem {
            Problem(
                type: "https://rapport.dev/problems/\(code.rawValue)", title: Messages.title(for: code, locale: locale),
                status: code.status, code: code.rawValue, detail: detail, requestId: requestID)
        }
        switch error {
        case let error as ValidationError:
            var problem = make(.validationFailed)
            problem.errors = error.issues.map {
                Problem.FieldProblem(field: $0.field, code: $0.code.rawValue, message: Messages.text(for: $0, locale: locale))
            }
            return (problem, headers)
        case let error as RecordError:
            switch error {
            case .notFound: return (make(.notFound), headers)
            case .forbidden: return (make(.forbidden), headers)
            case .versionConflict: return (make(.versionConflict), headers)
            case .inTrash: return (make(.inTrash), headers)
            case .notInTrash: return (make(.notInTrash), headers)
            case .alreadyExists: return (make(.alreadyExists), headers)
            }
        case is UniqueViolation:
            return (make(.alreadyExists), headers)
        case let error where Database.isBusy(error):
            // Every pooled connection stayed busy: nothing was written, so the client may retry shortly.
            headers.append((.retryAfter, "1"))
            var problem = make(.unavailable)
            problem.retryAfter = 1
            return (problem, headers)
        case let error as VersionConflict:
            var problem = make(.versionConflict)
            problem.current = error.current
            return (problem, headers)
        case let error as APIError:
            switch error {
            case .unauthenticated: return (make(.unauthenticated), headers)
            case .csrfFailed: return (make(.csrfFailed), headers)
            case .malformedBody(let detail): return (make(.malformedRequest, detail: detail), headers)
            case .payloadTooLarge: return (make(.payloadTooLarge), headers)
            case .invalidCredentials: return (make(.invalidCredentials), headers)
            case .rateLimited(let retryAfter):
                headers.append((.retryAfter, String(retryAfter)))
                var problem = make(.rateLimited)
                problem.retryAfter = retryAfter
                return (problem, headers)
            case .idempotencyKeyReused: return (make(.idempotencyKeyReused), headers)
            case .idempotencyInProgress: return (make(.idempotencyInProgress), headers)
            case .notFound: return (make(.notFound), headers)
            case .methodNotAllowed: return (make(.methodNotAllowed), headers)
            }
        case let error as AuthRepository.SignInError:
            switch error {
            case .invalidCredentials: return (make(.invalidCredentials), headers)
            case .rateLimited(let retryAfter):
                headers.append((.retryAfter, String(retryAfter)))
                var problem = make(.rateLimited)
                problem.retryAfter = retryAfter
                return (problem, headers)
            }
        case let error as HTTPError:
            switch error.status.code {
            case 404: return (make(.notFound), headers)
            case 405: return (make(.methodNotAllowed), headers)
            case 413: return (make(.payloadTooLarge), headers)
            case 400..<500: return (make(.malformedRequest), headers)
            default: return (make(.internalError), headers)
            }
        default:
            return (make(.internalError), headers)
        }
    }

    static func response(for problem: Problem, headers extra: [(HTTPField.Name, String)]) -> Response {
        let data = (try? APIJSON.encoder.encode(problem)) ?? Data()
        var headers = HTTPFields()
        headers[.contentType] = "application/problem+json; charset=utf-8"
        for (name, value) in extra { headers[name] = value }
        return Response(
            status: HTTPResponse.Status(code: problem.status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// A stale update: carries the current record so the client can show it and merge.
struct VersionConflict: Error {
    var current: JSONValue
}
