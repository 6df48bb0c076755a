public import Foundation

/// A tenant: one business. Every record belongs to exactly one workspace and never leaks to another.
public struct Workspace: Hashable, Sendable, Codable {
    /// The workspace id.
    public typealias ID = Identifier<Workspace>
    /// Its id.
    public var id: ID
    /// Its display name.
    public var name: String
    /// IANA time zone used for "today", due dates and date triggers, e.g. `Europe/Moscow`.
    public var timeZone: String
    /// Default currency of new deals and orders.
    public var currency: CurrencyCode
    /// Default UI and message language.
    public var locale: AppLocale
    /// Default phone region for numbers typed without a country code.
    public var phoneRegion: PhoneRegion
    /// When it was created.
    public var createdAt: Date

    /// Makes a workspace.
    public init(
        id: ID, name: String, timeZone: String, currency: CurrencyCode, locale: AppLocale,
        phoneRegion: PhoneRegion, createdAt: Date
    ) {
        self.id = id
        self.name = name
        self.timeZone = timeZone
        self.currency = currency
        self.locale = locale
        self.phoneRegion = phoneRegion
        self.createdAt = createdAt
    }

    /// Checks a workspace's settings.
    public static func validate(name: String?, timeZone: String?) -> [FieldIssue] {
        var issues = FieldIssues()
        issues.require(name, "name")
        issues.limit(name, "name", to: 200)
        if let timeZone, TimeZone(identifier: timeZone) == nil { issues.add("timeZone", .invalidOption) }
        return issues.all
    }
}

/// The languages Rapport speaks.
public enum AppLocale: String, Sendable, Codable, CaseIterable {
    case ru
    case en

    /// Picks the best supported language from an `Accept-Language` header value; Russian by default,
    /// because Russian-speaking businesses are the first users.
    public static func negotiate(acceptLanguage: String?, fallback: AppLocale = .ru) -> AppLocale {
        guard let header = acceptLanguage, !header.isEmpty else { return fallback }
        let ranked = header.split(separator: ",").compactMap { part -> (String, Double)? in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased(), !tag.isEmpty else { return nil }
            var quality = 1.0
            for parameter in pieces.dropFirst() where parameter.hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 0
            }
            return (tag, quality)
        }
        for (tag, quality) in ranked.sorted(by: { $0.1 > $1.1 }) where quality > 0 {
            let primary = tag.split(separator: "-").first.map(String.init) ?? tag
            if let locale = AppLocale(rawValue: primary) { return locale }
        }
        return fallback
    }
}
