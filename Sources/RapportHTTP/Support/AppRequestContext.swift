public import Foundation
public import Hummingbird
import Logging
public import RapportCore

/// Per-request state: who is acting, in which language, how they authenticated.
public struct AppRequestContext: RequestContext {
    /// Hummingbird's core storage (logger, parameters).
    public var coreContext: CoreRequestContextStorage
    /// The signed-in user, set by the authentication middleware.
    public var actor: Actor?
    /// The language of messages: the user's preference, else `Accept-Language`.
    public var locale: AppLocale = .ru
    /// How the request authenticated.
    public var authentication: Authentication = .none
    /// The request id, echoed in `X-Request-Id` and in every log line.
    public var requestID: String = ""
    /// The client's address, for sign-in throttling.
    public let clientAddress: String

    /// How a request proved who it is.
    public enum Authentication: Sendable, Equatable {
        case none
        /// A session cookie; state-changing requests must carry its CSRF token.
        case session(token: String, csrfToken: String)
        /// A bearer API token.
        case apiToken
    }

    /// Makes the context from the connection.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// Dates in RFC 3339 with milliseconds, UTC.
    public var responseEncoder: JSONEncoder { APIJSON.encoder }

    /// Request bodies are read through ``BodyReader``; this decoder is only used for typed helpers.
    public var requestDecoder: JSONDecoder { JSONDecoder() }

    /// The acting user, or an unauthenticated error.
    public func requireActor() throws -> Actor {
        guard let actor else { throw APIError.unauthenticated }
        return actor
    }
}

/// The JSON conventions of the API.
public enum APIJSON {
    /// Encoder: camelCase as declared, RFC 3339 dates with milliseconds, sorted keys for stable output.
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(formatTimestamp(date))
        }
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// `2026-11-23T10:15:30.123Z`.
    public static func formatTimestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// Parses RFC 3339 with or without fractional seconds and with any offset.
    public static func parseTimestamp(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        if let date = try? Date.ISO8601FormatStyle().parse(text) { return date }
        // Offsets other than Z.
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}

/// Errors of the HTTP layer itself (not of records).
public enum APIError: Error, Equatable {
    case unauthenticated
    case csrfFailed
    case malformedBody(String)
    case payloadTooLarge
    case invalidCredentials
    case rateLimited(retryAfter: Int)
    case idempotencyKeyReused
    case idempotencyInProgress
    case notFound
    case methodNotAllowed
}
