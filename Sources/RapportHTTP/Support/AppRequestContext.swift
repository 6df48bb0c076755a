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
    /// The signed-in user's record (set for session-cookie requests).
    public var user: User?
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
    /// Encoder: camelCase as declared, RFC 3339 dates with milliseconds. (Keys are not sorted: sorting every
    /// object of every response cost a tenth of a list request.)
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(formatTimestamp(date))
        }
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }

    /// `2026-11-23T10:15:30.123Z`, always UTC with milliseconds. Hand-written because a list page formats
    /// hundreds of timestamps and `ISO8601FormatStyle` is slow; tests compare it with Foundation's.
    public static func formatTimestamp(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (days, dayMillis) = millis.quotientAndRemainder(dividingBy: 86_400_000)
        let (day, msOfDay) = dayMillis < 0 ? (days - 1, dayMillis + 86_400_000) : (days, dayMillis)
        // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
        let z = day + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let dayOfMonth = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        func digits(_ value: Int64, _ count: Int) {
            var divisor: Int64 = 1
            for _ in 1..<count { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                bytes.append(UInt8(48 + (rest / divisor) % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(year, 4)
        bytes.append(45)
        digits(month, 2)
        bytes.append(45)
        digits(dayOfMonth, 2)
        bytes.append(84)
        digits(msOfDay / 3_600_000, 2)
        bytes.append(58)
        digits(msOfDay / 60_000 % 60, 2)
        bytes.append(58)
        digits(msOfDay / 1000 % 60, 2)
        bytes.append(46)
        digits(msOfDay % 1000, 3)
        bytes.append(90)
        return String(decoding: bytes, as: UTF8.self)
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
