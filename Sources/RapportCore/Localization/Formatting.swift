public import Foundation

/// How numbers, money and dates are written for a reader: Russian (`1 234 567,50 ₽`, `23.11.2026 14:05`)
/// or English (`₽1,234,567.50`, `Nov 23, 2026, 2:05 PM`), in the workspace's time zone.
public struct Formatting: Sendable {
    /// The reader's language.
    public let locale: AppLocale
    /// The workspace's time zone, in which dates and times are shown.
    public let timeZone: TimeZone
    private let calendar: Calendar

    /// A formatter for a language and a time zone.
    public init(locale: AppLocale, timeZone: TimeZone) {
        self.locale = locale
        self.timeZone = timeZone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        calendar.firstWeekday = 2
        self.calendar = calendar
    }

    /// A formatter for a workspace's time zone name; an unknown name falls back to UTC.
    public init(locale: AppLocale, timeZoneIdentifier: String) {
        self.init(locale: locale, timeZone: TimeZone(identifier: timeZoneIdentifier) ?? .gmt)
    }

    // MARK: Numbers

    /// An integer with grouping: `1 234 567` (narrow no-break space) or `1,234,567`.
    public func number(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        let separator = locale == .ru ? "\u{202F}" : ","
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped += separator }
            grouped.append(digit)
        }
        return (value < 0 ? "−" : "") + grouped
    }

    /// An integer with grouping.
    public func number(_ value: Int) -> String { number(Int64(value)) }

    /// A percentage: `45 %` or `45%`.
    public func percent(_ value: Int) -> String { locale == .ru ? "\(value)\u{00A0}%" : "\(value)%" }

    // MARK: Money

    /// An amount with its currency; minor units only when there are some: `150 000 ₽`, `1 234,50 ₽`,
    /// `₽150,000`, `$1,234.50`.
    public func money(_ money: Money) -> String {
        let digits = money.currency.minorUnitDigits
        var divisor: Int64 = 1
        for _ in 0..<digits { divisor *= 10 }
        let magnitude = money.amount.magnitude
        let whole = number(Int64(magnitude / UInt64(divisor)))
        let fraction = magnitude % UInt64(divisor)
        var text = whole
        if fraction != 0 {
            let fractionText = String(fraction)
            text += (locale == .ru ? "," : ".") + String(repeating: "0", count: digits - fractionText.count) + fractionText
        }
        let symbol = Self.symbol(of: money.currency)
        let sign = money.amount < 0 ? "−" : ""
        switch locale {
        case .ru: return "\(sign)\(text)\u{00A0}\(symbol)"
        case .en: return symbol.count == 1 ? "\(sign)\(symbol)\(text)" : "\(sign)\(text)\u{00A0}\(symbol)"
        }
    }

    /// The sign of a currency, or its code when it has no common sign.
    public static func symbol(of currency: CurrencyCode) -> String {
        switch currency.rawValue {
        case "RUB": "₽"
        case "USD": "$"
        case "EUR": "€"
        case "KZT": "₸"
        case "GBP": "£"
        case "CNY": "¥"
        case "BYN": "Br"
        case "UAH": "₴"
        default: currency.rawValue
        }
    }

    // MARK: Dates

    private static let shortMonths = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    private static let monthsEN = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    ]
    private static let monthsRU = [
        "Январь", "Февраль", "Март", "Апрель", "Май", "Июнь", "Июль", "Август", "Сентябрь", "Октябрь", "Ноябрь", "Декабрь",
    ]
    private static let weekdaysEN = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    private static let weekdaysRU = ["Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"]

    /// A calendar day: `23.11.2026` or `Nov 23, 2026`.
    public func date(_ day: LocalDate) -> String {
        switch locale {
        case .ru: return "\(Self.two(day.day)).\(Self.two(day.month)).\(day.year)"
        case .en: return "\(Self.shortMonths[day.month - 1]) \(day.day), \(day.year)"
        }
    }

    /// The calendar day of an instant in the workspace's time zone.
    public func localDate(_ instant: Date) -> LocalDate {
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        return LocalDate(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1) ?? LocalDate(year: 1970, month: 1, day: 1)!
    }

    /// The day of an instant: `23.11.2026`.
    public func date(_ instant: Date) -> String { date(localDate(instant)) }

    /// The time of day: `14:05` or `2:05 PM`.
    public func time(_ instant: Date) -> String {
        let parts = calendar.dateComponents([.hour, .minute], from: instant)
        let hour = parts.hour ?? 0
        let minute = parts.minute ?? 0
        switch locale {
        case .ru: return "\(Self.two(hour)):\(Self.two(minute))"
        case .en: return "\(hour % 12 == 0 ? 12 : hour % 12):\(Self.two(minute)) \(hour < 12 ? "AM" : "PM")"
        }
    }

    /// Day and time: `23.11.2026 14:05` or `Nov 23, 2026, 2:05 PM`.
    public func dateTime(_ instant: Date) -> String {
        locale == .ru ? "\(date(instant)) \(time(instant))" : "\(date(instant)), \(time(instant))"
    }

    /// A month and year heading: `Ноябрь 2026` or `November 2026`.
    public func monthTitle(year: Int, month: Int) -> String {
        "\((locale == .ru ? Self.monthsRU : Self.monthsEN)[month - 1]) \(year)"
    }

    /// Short weekday names, Monday first.
    public var weekdayNames: [String] { locale == .ru ? Self.weekdaysRU : Self.weekdaysEN }

    /// The instant a calendar day starts in the workspace's time zone.
    public func startOfDay(_ day: LocalDate) -> Date {
        calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day)) ?? Date(timeIntervalSince1970: 0)
    }

    /// The instant a wall-clock time of a day has in the workspace's time zone (daylight saving included).
    public func instant(on day: LocalDate, hour: Int, minute: Int) -> Date {
        calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: hour, minute: minute))
            ?? startOfDay(day)
    }

    /// `hh:mm` as typed into a time input; nil when it is not a time of day.
    public static func timeOfDay(_ text: String) -> (hour: Int, minute: Int)? {
        let parts = text.split(separator: ":").map { Int($0) }
        guard parts.count == 2 || parts.count == 3, let hour = parts[0], let minute = parts[1], (0..<24).contains(hour),
            (0..<60).contains(minute)
        else { return nil }
        return (hour, minute)
    }

    /// The day and the `hh:mm` an instant shows on a wall clock in the workspace's time zone (what date and
    /// time inputs hold).
    public func wallClock(_ instant: Date) -> (day: LocalDate, time: String) {
        let parts = calendar.dateComponents([.hour, .minute], from: instant)
        return (localDate(instant), "\(Self.two(parts.hour ?? 0)):\(Self.two(parts.minute ?? 0))")
    }

    /// The day `offset` days from `day`.
    public func adding(days offset: Int, to day: LocalDate) -> LocalDate {
        localDate(calendar.date(byAdding: .day, value: offset, to: startOfDay(day).addingTimeInterval(12 * 3600)) ?? startOfDay(day))
    }

    /// Monday of the week holding `day`.
    public func weekStart(_ day: LocalDate) -> LocalDate {
        let weekday = calendar.component(.weekday, from: startOfDay(day).addingTimeInterval(12 * 3600))
        // Calendar weekdays: 1 = Sunday … 7 = Saturday.
        return adding(days: -((weekday + 5) % 7), to: day)
    }

    /// A duration in seconds: `5:07` or `1:02:03`.
    public func duration(seconds: Int) -> String {
        let hours = seconds / 3600
        let minutes = seconds / 60 % 60
        let rest = seconds % 60
        return hours > 0 ? "\(hours):\(Self.two(minutes)):\(Self.two(rest))" : "\(minutes):\(Self.two(rest))"
    }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
}
