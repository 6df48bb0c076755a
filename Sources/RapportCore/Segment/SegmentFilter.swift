public import Foundation

/// A segment's rule: a tree of all/any/not over conditions, parsed from JSON by
/// ``SegmentFilter/parse(_:entity:customFields:)`` and compiled to one SQL query by the store.
///
/// The JSON shape (`value` depends on the field, see ``SegmentField``):
/// ```json
/// {"all": [
///   {"field": "orderCount", "op": "gte", "value": 2},
///   {"not": {"field": "lastOrderAt", "op": "withinDays", "value": 90}},
///   {"any": [{"field": "tag", "op": "hasAny", "value": ["vip"]}, {"field": "readiness", "op": "is", "value": "hot"}]},
///   {"field": "orders", "op": "exists", "value": {"productIds": ["…"], "after": {"daysAgo": 365}}}
/// ]}
/// ```
public indirect enum SegmentFilter: Hashable, Sendable {
    /// Every part holds (an empty list matches everyone).
    case all([SegmentFilter])
    /// At least one part holds (an empty list matches no one).
    case any([SegmentFilter])
    /// The part does not hold.
    case not(SegmentFilter)
    /// One test of one field.
    case condition(SegmentCondition)

    /// Matches everyone: the filter of a new segment.
    public static let everyone = SegmentFilter.all([])
}

/// Which records a segment holds.
public enum SegmentEntity: String, Sendable, Codable, CaseIterable, Hashable {
    case contact
    case company

    /// The matching record kind.
    public var recordKind: RecordKind { self == .contact ? .contact : .company }
}

/// One typed test: the parser has checked that the field exists for the entity and that the operator and
/// value suit it, so the compiler never meets a malformed condition.
public enum SegmentCondition: Hashable, Sendable {
    /// A text field: city, source, UTM tags.
    case text(SegmentField, TextTest)
    /// A field with a closed set of values: lifecycle, readiness, RFM class, owner.
    case option(SegmentField, OptionTest)
    /// A number: order count, revenue (minor units), average check, RFM scores.
    case number(SegmentField, NumberTest)
    /// A moment: created, first and last order.
    case date(SegmentField, DateTest)
    /// A yes/no property: consents, has an e-mail or a phone.
    case flag(SegmentField, Bool)
    /// Tags of the record.
    case tags(TagTest)
    /// A custom field's value (the kind tells the compiler how the value is stored).
    case customField(key: String, kind: CustomFieldKind, CustomFieldTest)
    /// Whether the client has (or has no) orders matching the criteria.
    case orders(exists: Bool, OrderCriteria)
    /// Whether the client has (or has no) deals matching the criteria.
    case deals(exists: Bool, DealCriteria)
    /// Whether anything was logged with the client (calls, e-mails, meetings, notes) in a period.
    case activities(exists: Bool, ActivityCriteria)
}

/// The fields a segment can test, each with its type. Raw values are the JSON names.
public enum SegmentField: String, Sendable, Codable, CaseIterable, Hashable {
    case city, source, utmSource, utmMedium, utmCampaign, utmContent, utmTerm
    case lifecycle, readiness, owner, team, rfmClass
    case orderCount, revenue, averageCheck, rfmRecency, rfmFrequency, rfmMonetary
    case createdAt, firstOrderAt, lastOrderAt
    case emailConsent, smsConsent, hasEmail, hasPhone
    case tag
    case orders, deals, activities

    /// What kind of value the field holds.
    public enum Kind: Sendable, Hashable {
        case text, option, number, date, flag, tags, relation
    }

    /// The operators a field of a kind takes, by their JSON names, in the order a builder offers them.
    public static func operators(of kind: Kind) -> [String] {
        switch kind {
        case .text: ["is", "isNot", "contains", "isEmpty", "isNotEmpty"]
        case .option: ["is", "isNot", "in", "notIn", "isEmpty", "isNotEmpty"]
        case .number: ["gte", "gt", "eq", "lte", "lt", "between"]
        case .date: ["withinDays", "notWithinDays", "after", "before", "isEmpty", "isNotEmpty"]
        case .flag: ["isTrue", "isFalse"]
        case .tags: ["hasAny", "hasAll", "hasNone"]
        case .relation: ["exists", "notExists"]
        }
    }

    /// The operators a custom field of a kind takes.
    public static func operators(of kind: CustomFieldKind) -> [String] {
        switch kind {
        case .text, .url, .select, .multiSelect: ["is", "isEmpty", "isNotEmpty"]
        case .number, .money: operators(of: Kind.number) + ["isEmpty", "isNotEmpty"]
        case .date: operators(of: Kind.date)
        case .boolean: ["isTrue", "isFalse", "isEmpty", "isNotEmpty"]
        }
    }

    /// The field's kind.
    public var kind: Kind {
        switch self {
        case .city, .source, .utmSource, .utmMedium, .utmCampaign, .utmContent, .utmTerm: .text
        case .lifecycle, .readiness, .owner, .team, .rfmClass: .option
        case .orderCount, .revenue, .averageCheck, .rfmRecency, .rfmFrequency, .rfmMonetary: .number
        case .createdAt, .firstOrderAt, .lastOrderAt: .date
        case .emailConsent, .smsConsent, .hasEmail, .hasPhone: .flag
        case .tag: .tags
        case .orders, .deals, .activities: .relation
        }
    }

    /// Whether records of an entity have the field (companies have no lifecycle, readiness or consents).
    public func applies(to entity: SegmentEntity) -> Bool {
        switch self {
        case .lifecycle, .readiness, .emailConsent, .smsConsent: entity == .contact
        default: true
        }
    }

    /// The values an option field allows; nil where any id is allowed (owner, team).
    public var options: [String]? {
        switch self {
        case .lifecycle: Lifecycle.allCases.map(\.rawValue)
        case .readiness: Readiness.allCases.map(\.rawValue)
        case .rfmClass: RFMClass.allCases.map(\.rawValue)
        default: nil
        }
    }
}

/// A test of a text field. Comparisons ignore case and `ё`/`е` differences.
public enum TextTest: Hashable, Sendable {
    case equals(String)
    case notEquals(String)
    case contains(String)
    case isEmpty
    case isNotEmpty
}

/// A test of an option field.
public enum OptionTest: Hashable, Sendable {
    /// The value is one of these.
    case oneOf([String])
    /// The value is none of these (or empty).
    case noneOf([String])
    case isEmpty
    case isNotEmpty
}

/// A test of a number.
public enum NumberTest: Hashable, Sendable {
    case equals(Int64)
    case greaterThan(Int64)
    case atLeast(Int64)
    case lessThan(Int64)
    case atMost(Int64)
    case between(Int64, Int64)
}

/// A test of a moment.
public enum DateTest: Hashable, Sendable {
    /// Strictly before the bound.
    case before(DateBound)
    /// At or after the bound.
    case after(DateBound)
    /// In the last N days (at or after now − N days).
    case withinDays(Int)
    /// Not in the last N days, including never (an empty date).
    case notWithinDays(Int)
    case isEmpty
    case isNotEmpty
}

/// A point in time a condition compares with: a calendar day, so many days ago, or the start of the
/// current week, month, quarter or year, in the workspace's time zone.
public enum DateBound: Hashable, Sendable {
    case day(LocalDate)
    case daysAgo(Int)
    case startOf(CalendarPeriod)

    /// The instant the bound stands for at `now` in a time zone.
    public func resolve(now: Date, timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        calendar.firstWeekday = 2
        switch self {
        case .day(let day):
            return calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day)) ?? now
        case .daysAgo(let days):
            return now.addingTimeInterval(-Double(days) * 86_400)
        case .startOf(let period):
            let today = calendar.dateComponents([.year, .month, .day], from: now)
            let year = today.year ?? 1970
            let month = today.month ?? 1
            switch period {
            case .day:
                return calendar.startOfDay(for: now)
            case .week:
                return calendar.dateInterval(of: .weekOfYear, for: now)?.start ?? calendar.startOfDay(for: now)
            case .month:
                return calendar.date(from: DateComponents(year: year, month: month, day: 1)) ?? now
            case .quarter:
                return calendar.date(from: DateComponents(year: year, month: (month - 1) / 3 * 3 + 1, day: 1)) ?? now
            case .year:
                return calendar.date(from: DateComponents(year: year, month: 1, day: 1)) ?? now
            }
        }
    }
}

/// A calendar period whose start a date condition can name.
public enum CalendarPeriod: String, Sendable, Codable, CaseIterable, Hashable {
    case day, week, month, quarter, year
}

/// A test of a record's tags (by name, case-insensitive).
public enum TagTest: Hashable, Sendable {
    case hasAny([String])
    case hasAll([String])
    case hasNone([String])
}

/// A test of a custom field's value.
public enum CustomFieldTest: Hashable, Sendable {
    /// The text (or select option, or one of a multi-select's options) equals this.
    case equals(String)
    /// A number or money field compared with a number.
    case number(NumberTest)
    /// A date field compared with a bound.
    case date(DateTest)
    /// A yes/no field.
    case flag(Bool)
    case isEmpty
    case isNotEmpty
}

/// Which orders count in an `orders` condition. Every part is optional; all given parts must hold.
public struct OrderCriteria: Hashable, Sendable {
    /// Orders with a line of one of these products.
    public var productIDs: [Product.ID] = []
    /// Orders with a line of a product in one of these categories.
    public var categories: [String] = []
    /// Placed at or after.
    public var after: DateBound?
    /// Placed before.
    public var before: DateBound?
    /// Placed through one of these channels.
    public var channels: [String] = []
    /// Makes criteria.
    public init() {}
}

/// Which deals count in a `deals` condition. Every part is optional; all given parts must hold.
public struct DealCriteria: Hashable, Sendable {
    /// Open, won or lost.
    public var status: DealStatus?
    /// In one of these pipelines.
    public var pipelineIDs: [Pipeline.ID] = []
    /// At one of these stages.
    public var stageIDs: [Stage.ID] = []
    /// Closed (won or lost) at or after; for open deals, created at or after.
    public var after: DateBound?
    /// Closed (or, for open deals, created) before.
    public var before: DateBound?
    /// Makes criteria.
    public init() {}
}

/// Which activities count in an `activities` condition.
public struct ActivityCriteria: Hashable, Sendable {
    /// Of these kinds (empty: calls, e-mails, meetings, notes and SMS, but not system events).
    public var kinds: [ActivityKind] = []
    /// Logged at or after.
    public var after: DateBound?
    /// Logged before.
    public var before: DateBound?
    /// Makes criteria.
    public init() {}
}
