import Foundation

/// An ISO 4217 currency code: three uppercase Latin letters, e.g. `RUB`.
public struct CurrencyCode: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The three uppercase letters.
    public let rawValue: String

    /// Makes a code from three Latin letters in any case.
    /// - Parameter rawValue: the code; it is uppercased.
    /// - Returns: `nil` unless `rawValue` is exactly three ASCII letters.
    public init?(rawValue: String) {
        guard rawValue.count == 3, rawValue.allSatisfy({ $0.isASCII && $0.isLetter }) else { return nil }
        self.rawValue = rawValue.uppercased()
    }

    /// Makes a code from a literal already known to be valid.
    private init(known: String) {
        rawValue = known
    }

    /// Russian rouble.
    public static let rub = CurrencyCode(known: "RUB")
    /// US dollar.
    public static let usd = CurrencyCode(known: "USD")
    /// Euro.
    public static let eur = CurrencyCode(known: "EUR")
    /// Kazakhstani tenge.
    public static let kzt = CurrencyCode(known: "KZT")

    // ISO 4217 currencies whose minor unit is not the usual hundredth.
    private static let zeroDecimalCodes: Set<String> = [
        "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV",
        "XAF", "XOF", "XPF",
    ]
    private static let threeDecimalCodes: Set<String> = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"]
    private static let fourDecimalCodes: Set<String> = ["CLF", "UYW"]

    /// How many decimal digits the minor unit has: 2 for most currencies, 0 for JPY, KRW and the like,
    /// 3 for KWD, BHD, OMR, TND, JOD and the like.
    public var minorUnitDigits: Int {
        if Self.zeroDecimalCodes.contains(rawValue) { return 0 }
        if Self.threeDecimalCodes.contains(rawValue) { return 3 }
        if Self.fourDecimalCodes.contains(rawValue) { return 4 }
        return 2
    }

    /// The code, e.g. `RUB`.
    public var description: String { rawValue }

    /// Decodes a code from a string, failing with `DecodingError.dataCorrupted` when it is not one.
    /// - Parameter decoder: the decoder to read from.
    /// - Throws: `DecodingError` when the value is not a string of three Latin letters.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let code = CurrencyCode(rawValue: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "Not an ISO 4217 currency code: \(text)")
        }
        self = code
    }

    /// Encodes the code as a string.
    /// - Parameter encoder: the encoder to write to.
    /// - Throws: whatever the encoder throws.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// Why a money operation failed.
public enum MoneyError: Error, Equatable, Sendable {
    /// The two amounts are in different currencies (the receiver's first); they are never converted
    /// implicitly.
    case currencyMismatch(CurrencyCode, CurrencyCode)
    /// The result does not fit in 64-bit minor units.
    case overflow
    /// The text is not an amount in the currency.
    case invalidAmount
}

/// An exact amount of one currency, held in minor units (kopecks, cents) so sums never drift.
///
/// Encoded as `{"amount": <Int64 minor units>, "currency": "RUB"}`.
public struct Money: Hashable, Sendable, Codable {
    /// The amount in minor units of `currency`, e.g. 123456 for 1 234,56 ₽.
    public var amount: Int64
    /// The currency.
    public var currency: CurrencyCode

    /// Makes an amount.
    /// - Parameters:
    ///   - amount: the amount in minor units.
    ///   - currency: the currency.
    public init(amount: Int64, currency: CurrencyCode) {
        self.amount = amount
        self.currency = currency
    }

    /// Nothing, in currency `c`.
    /// - Parameter c: the currency.
    /// - Returns: zero minor units of `c`.
    public static func zero(_ c: CurrencyCode) -> Money {
        Money(amount: 0, currency: c)
    }

    /// The sum of this amount and `other`.
    /// - Parameter other: an amount in the same currency.
    /// - Throws: ``MoneyError/currencyMismatch(_:_:)`` or ``MoneyError/overflow``.
    public func adding(_ other: Money) throws(MoneyError) -> Money {
        try combined(with: other) { $0.addingReportingOverflow($1) }
    }

    /// This amount minus `other`.
    /// - Parameter other: an amount in the same currency.
    /// - Throws: ``MoneyError/currencyMismatch(_:_:)`` or ``MoneyError/overflow``.
    public func subtracting(_ other: Money) throws(MoneyError) -> Money {
        try combined(with: other) { $0.subtractingReportingOverflow($1) }
    }

    /// This amount times a quantity, e.g. a line item's price times units.
    /// - Parameter quantity: the multiplier.
    /// - Throws: ``MoneyError/overflow``.
    public func multiplied(by quantity: Int64) throws(MoneyError) -> Money {
        let (result, overflow) = amount.multipliedReportingOverflow(by: quantity)
        guard !overflow else { throw .overflow }
        return Money(amount: result, currency: currency)
    }

    /// amount * percent / 100 rounded half away from zero (used for weighted forecast: amount × probability)
    ///
    /// The product is computed in 128 bits, so it is exact for every amount; a result beyond the 64-bit
    /// range (possible only with percentages far above 100) saturates at the nearest representable
    /// amount rather than trapping.
    /// - Parameter percent: the percentage, e.g. a stage probability of 0...100.
    /// - Returns: the share, in the same currency.
    public func percentage(_ percent: Int) -> Money {
        let factor = Int64(clamping: percent)
        let isNegative = (amount < 0) != (factor < 0)
        let product = amount.magnitude.multipliedFullWidth(by: factor.magnitude)
        let limit: UInt64 = isNegative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)
        var magnitude = limit
        if product.high < 100 {
            let (quotient, remainder) = UInt64(100).dividingFullWidth(product)
            let (rounded, overflow) = quotient.addingReportingOverflow(remainder >= 50 ? 1 : 0)
            if !overflow { magnitude = min(rounded, limit) }
        }
        let result: Int64 =
            if !isNegative {
                Int64(magnitude)
            } else if magnitude == UInt64(Int64.max) + 1 {
                Int64.min
            } else {
                -Int64(magnitude)
            }
        return Money(amount: result, currency: currency)
    }

    /// Sums; empty sums to zero in `currency`; throws on mixed currencies.
    /// - Parameters:
    ///   - values: the amounts, all in `currency`.
    ///   - currency: the currency of the result.
    /// - Throws: ``MoneyError/currencyMismatch(_:_:)`` (`currency` first) or ``MoneyError/overflow``.
    public static func sum(_ values: [Money], currency: CurrencyCode) throws(MoneyError) -> Money {
        var total = Money.zero(currency)
        for value in values {
            total = try total.adding(value)
        }
        return total
    }

    /// Parses user-typed decimal amounts in major units: "1 234,56", "1234.56", "1,234.56", "1 234 ₽", "-5", "10,5" -> minor units; rejects >minorUnitDigits decimals, letters, empty.
    ///
    /// Either `,` or `.` may be the decimal separator; when both appear, the last one is. Digit groups
    /// may be separated by spaces (including non-breaking ones), apostrophes, or the other punctuation
    /// mark, and must then be groups of three. A single `,` or `.` followed by exactly three digits is
    /// a thousands separator when the currency has fewer than three decimals ("1,234" is 1234 ₽), since
    /// reading it as a decimal would be refused anyway. The currency's symbol or code may precede or
    /// follow the number (`₽`, `руб.`, `RUB`, `$`); a symbol of another currency is refused.
    /// - Parameters:
    ///   - text: the amount as typed.
    ///   - currency: the currency the amount is in.
    /// - Throws: ``MoneyError/invalidAmount`` when `text` is not an amount in `currency`,
    ///   ``MoneyError/overflow`` when it does not fit in 64-bit minor units.
    public static func parse(_ text: String, currency: CurrencyCode) throws(MoneyError) -> Money {
        var body = Substring(text.trimmed)
        body = stripCurrencyMarks(body, currency: currency)
        var isNegative = false
        if let sign = body.first, "-−+".contains(sign) {
            isNegative = sign != "+"
            body = body.dropFirst().drop(while: \.isWhitespace)
            // "-₽5" and "₽ -5" are both things people type.
            body = stripCurrencyMarks(body, currency: currency)
        }
        let (integerDigits, fractionDigits) = try splitNumber(body, minorUnitDigits: currency.minorUnitDigits)
        let padded = fractionDigits + String(repeating: "0", count: currency.minorUnitDigits - fractionDigits.count)
        var magnitude: Int64 = 0
        for digit in (integerDigits + padded).compactMap(\.wholeNumberValue) {
            let (shifted, overflowA) = magnitude.multipliedReportingOverflow(by: 10)
            let (next, overflowB) = shifted.addingReportingOverflow(Int64(digit))
            guard !overflowA, !overflowB else { throw .overflow }
            magnitude = next
        }
        return Money(amount: isNegative ? -magnitude : magnitude, currency: currency)
    }

    /// Plain decimal string in major units, e.g. "1234.56" (no grouping) — for CSV export.
    ///
    /// Always shows every minor digit ("5.00"); currencies without minor units have no point ("500").
    public var decimalString: String {
        let digits = currency.minorUnitDigits
        let sign = amount < 0 ? "-" : ""
        let text = String(amount.magnitude)
        guard digits > 0 else { return sign + text }
        let padded = String(repeating: "0", count: max(0, digits + 1 - text.count)) + text
        return "\(sign)\(padded.dropLast(digits)).\(padded.suffix(digits))"
    }

    // MARK: - Codable

    private enum CodingKeys: String, CodingKey {
        case amount
        case currency
    }

    /// Decodes `{"amount": Int64, "currency": "RUB"}`.
    /// - Parameter decoder: the decoder to read from.
    /// - Throws: `DecodingError` when the amount is not an integer or the currency is not a code.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        amount = try container.decode(Int64.self, forKey: .amount)
        currency = try container.decode(CurrencyCode.self, forKey: .currency)
    }

    /// Encodes `{"amount": Int64, "currency": "RUB"}`.
    /// - Parameter encoder: the encoder to write to.
    /// - Throws: whatever the encoder throws.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(amount, forKey: .amount)
        try container.encode(currency, forKey: .currency)
    }

    // MARK: - Helpers

    private func combined(with other: Money, _ operation: (Int64, Int64) -> (partialValue: Int64, overflow: Bool))
        throws(MoneyError) -> Money
    {
        guard currency == other.currency else { throw .currencyMismatch(currency, other.currency) }
        let (result, overflow) = operation(amount, other.amount)
        guard !overflow else { throw .overflow }
        return Money(amount: result, currency: currency)
    }

    /// Symbols and abbreviations people type next to amounts, besides the ISO code itself.
    private static let currencyMarks: [String: [String]] = [
        "RUB": ["₽", "руб.", "руб", "р."],
        "KZT": ["₸", "тг.", "тг"],
        "USD": ["$", "US$"],
        "EUR": ["€"],
        "GBP": ["£"],
        "JPY": ["¥"],
        "CNY": ["¥"],
    ]

    /// `text` without one leading and one trailing mark of `currency`, trimmed.
    private static func stripCurrencyMarks(_ text: Substring, currency: CurrencyCode) -> Substring {
        let marks = ((currencyMarks[currency.rawValue] ?? []) + [currency.rawValue]).sorted { $0.count > $1.count }
        var text = text
        if let mark = marks.first(where: { text.lowercased().hasPrefix($0.lowercased()) }) {
            text = text.dropFirst(mark.count).drop(while: \.isWhitespace)
        }
        if let mark = marks.first(where: { text.lowercased().hasSuffix($0.lowercased()) }) {
            text = text.dropLast(mark.count)
            while text.last?.isWhitespace == true { text = text.dropLast() }
        }
        return text
    }

    /// Characters that separate groups of three digits.
    private static func isGroupSpace(_ character: Character) -> Bool {
        character.isWhitespace || character == "'" || character == "\u{2019}"
    }

    /// Splits a number into its integer and fraction digits, validating separators and grouping.
    private static func splitNumber(_ text: Substring, minorUnitDigits: Int) throws(MoneyError)
        -> (integer: String, fraction: String)
    {
        guard !text.isEmpty,
            text.allSatisfy({ ($0.isASCII && $0.isNumber) || $0 == "." || $0 == "," || isGroupSpace($0) })
        else { throw .invalidAmount }
        let dots = text.filter { $0 == "." }.count
        let commas = text.filter { $0 == "," }.count
        let hasSpaceGroups = text.contains(where: isGroupSpace)

        // Which mark, if any, separates the decimals.
        var decimalMark: Character?
        if dots > 0, commas > 0 {
            guard let last = text.last(where: { $0 == "." || $0 == "," }) else { throw .invalidAmount }
            decimalMark = last
        } else if dots + commas == 1, let mark = text.first(where: { $0 == "." || $0 == "," }) {
            let after = text.split(separator: mark, omittingEmptySubsequences: false).last ?? ""
            let looksLikeGrouping = after.count == 3 && !hasSpaceGroups && minorUnitDigits < 3
            decimalMark = looksLikeGrouping ? nil : mark
        }

        var integerPart = text
        var fraction = ""
        if let decimalMark {
            let pieces = text.split(separator: decimalMark, omittingEmptySubsequences: false)
            guard pieces.count == 2 else { throw .invalidAmount }
            integerPart = pieces[0]
            fraction = String(pieces[1])
            guard !fraction.isEmpty, fraction.count <= minorUnitDigits, fraction.allSatisfy(\.isNumber)
            else { throw .invalidAmount }
        }
        return (try groupedDigits(integerPart), fraction)
    }

    /// The digits of an integer part, checking that any grouping uses one kind of separator between
    /// groups of three (so "12 34" or "1,23" are refused rather than guessed at).
    private static func groupedDigits(_ text: Substring) throws(MoneyError) -> String {
        let separators = Set(text.filter { !$0.isNumber }.map { isGroupSpace($0) && $0.isWhitespace ? " " : $0 })
        guard separators.count <= 1 else { throw .invalidAmount }
        let groups = text.split(omittingEmptySubsequences: false) { !$0.isNumber }
        guard let first = groups.first, !first.isEmpty else { throw .invalidAmount }
        if groups.count > 1 {
            guard first.count <= 3, groups.dropFirst().allSatisfy({ $0.count == 3 }) else { throw .invalidAmount }
        }
        return groups.joined()
    }
}
