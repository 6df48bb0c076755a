import Foundation
import RapportCore
import Testing

@Suite("Currency codes")
struct CurrencyCodeTests {
    @Test("Codes are uppercased", arguments: [("RUB", "RUB"), ("rub", "RUB"), ("Kzt", "KZT"), ("usd", "USD")])
    func uppercased(_ raw: String, _ expected: String) throws {
        let code = try #require(CurrencyCode(rawValue: raw))
        #expect(code.rawValue == expected)
        #expect(code.description == expected)
    }

    @Test(
        "Anything but three Latin letters is refused",
        arguments: ["", "RU", "RUBL", "R B", "RU1", "РУБ", "ßAB", " RUB", "€€€"])
    func invalid(_ raw: String) {
        #expect(CurrencyCode(rawValue: raw) == nil)
    }

    @Test("Well-known codes")
    func constants() {
        #expect(CurrencyCode.rub.rawValue == "RUB")
        #expect(CurrencyCode.usd.rawValue == "USD")
        #expect(CurrencyCode.eur.rawValue == "EUR")
        #expect(CurrencyCode.kzt.rawValue == "KZT")
        #expect(CurrencyCode(rawValue: "rub") == .rub)
    }

    @Test(
        "Minor unit digits follow ISO 4217",
        arguments: [
            ("RUB", 2), ("USD", 2), ("EUR", 2), ("KZT", 2), ("GBP", 2), ("JPY", 0), ("KRW", 0), ("VND", 0),
            ("ISK", 0), ("KWD", 3), ("BHD", 3), ("OMR", 3), ("TND", 3), ("JOD", 3), ("CLF", 4), ("XYZ", 2),
        ])
    func minorUnits(_ raw: String, _ digits: Int) throws {
        #expect(try #require(CurrencyCode(rawValue: raw)).minorUnitDigits == digits)
    }

    @Test("Codes encode as plain strings and reject invalid ones")
    func codable() throws {
        #expect(try JSONEncoder().encode([CurrencyCode.rub]) == Data(#"["RUB"]"#.utf8))
        #expect(try JSONDecoder().decode([CurrencyCode].self, from: Data(#"["kzt"]"#.utf8)) == [.kzt])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([CurrencyCode].self, from: Data(#"["RUBL"]"#.utf8))
        }
    }
}

@Suite("Money")
struct MoneyTests {
    func rub(_ amount: Int64) -> Money { Money(amount: amount, currency: .rub) }

    // MARK: Arithmetic

    @Test("Zero is zero minor units")
    func zero() {
        #expect(Money.zero(.kzt) == Money(amount: 0, currency: .kzt))
    }

    @Test("Adding and subtracting in one currency")
    func addSubtract() throws {
        #expect(try rub(150).adding(rub(250)) == rub(400))
        #expect(try rub(150).subtracting(rub(250)) == rub(-100))
        #expect(try rub(-5).adding(rub(5)) == rub(0))
    }

    @Test("Currencies are never mixed")
    func mismatch() {
        let dollars = Money(amount: 100, currency: .usd)
        #expect(throws: MoneyError.currencyMismatch(.rub, .usd)) { try rub(100).adding(dollars) }
        #expect(throws: MoneyError.currencyMismatch(.usd, .rub)) { try dollars.subtracting(rub(100)) }
    }

    @Test("Overflow is reported, not trapped")
    func overflow() {
        #expect(throws: MoneyError.overflow) { try rub(.max).adding(rub(1)) }
        #expect(throws: MoneyError.overflow) { try rub(.min).subtracting(rub(1)) }
        #expect(throws: MoneyError.overflow) { try rub(.max / 2 + 1).multiplied(by: 2) }
        #expect(throws: MoneyError.overflow) { try rub(.min).multiplied(by: -1) }
        #expect(throws: MoneyError.overflow) {
            try Money.sum([rub(.max), rub(1)], currency: .rub)
        }
    }

    @Test(
        "Multiplying by a quantity",
        arguments: [(1999, 3, 5997), (1999, 0, 0), (1999, -2, -3998), (-50, -2, 100)] as [(Int64, Int64, Int64)])
    func multiply(_ amount: Int64, _ quantity: Int64, _ expected: Int64) throws {
        #expect(try rub(amount).multiplied(by: quantity) == rub(expected))
    }

    @Test(
        "Percentages round half away from zero",
        arguments: [
            (Int64(100_000), 50, Int64(50_000)),
            (100_000, 0, 0),
            (100_000, 100, 100_000),
            (100_000, 33, 33_000),
            (1, 50, 1),  // 0.5 → 1
            (1, 49, 0),  // 0.49 → 0
            (3, 50, 2),  // 1.5 → 2
            (5, 10, 1),  // 0.5 → 1
            (-1, 50, -1),  // -0.5 → -1
            (-3, 50, -2),  // -1.5 → -2
            (-1, 49, 0),
            (12_345, 33, 4_074),  // 4073.85 → 4074
            (12_345, 150, 18_518),  // 18517.5 → 18518
            (100, -25, -25),
        ])
    func percentage(_ amount: Int64, _ percent: Int, _ expected: Int64) {
        #expect(rub(amount).percentage(percent) == rub(expected))
    }

    @Test("Percentages of extreme amounts are exact or saturate instead of trapping")
    func percentageExtremes() {
        #expect(rub(.max).percentage(100) == rub(.max))
        #expect(rub(.min).percentage(100) == rub(.min))
        #expect(rub(.max).percentage(50) == rub(.max / 2 + 1))  // 4611686018427387903.5 → up
        #expect(rub(.max).percentage(1000) == rub(.max))
        #expect(rub(.max).percentage(-1000) == rub(.min))
        #expect(rub(.min).percentage(-100) == rub(.max))
        #expect(rub(.max).percentage(.max) == rub(.max))
        #expect(rub(1).percentage(.min) == rub(-92_233_720_368_547_758))
        #expect(Money(amount: 500, currency: .usd).percentage(10).currency == .usd)
    }

    @Test("Sums")
    func sums() throws {
        #expect(try Money.sum([], currency: .kzt) == Money.zero(.kzt))
        #expect(try Money.sum([rub(100), rub(250), rub(-50)], currency: .rub) == rub(300))
        #expect(throws: MoneyError.currencyMismatch(.rub, .eur)) {
            try Money.sum([rub(1), Money(amount: 1, currency: .eur)], currency: .rub)
        }
        #expect(throws: MoneyError.currencyMismatch(.usd, .rub)) {
            try Money.sum([rub(1)], currency: .usd)
        }
    }

    // MARK: Parsing

    @Test(
        "Amounts as people type them",
        arguments: [
            ("1 234,56", Int64(123_456)),
            ("1234.56", 123_456),
            ("1,234.56", 123_456),
            ("1.234,56", 123_456),
            ("1 234 ₽", 123_400),
            ("1 234₽", 123_400),
            ("₽1 234", 123_400),
            ("₽ 1 234", 123_400),
            ("-5", -500),
            ("−5", -500),  // Unicode minus
            ("+5", 500),
            ("- 5", -500),
            ("-₽5", -500),
            ("₽-5", -500),
            ("10,5", 1_050),
            ("10.5", 1_050),
            ("10,05", 1_005),
            ("0,01", 1),
            ("0", 0),
            ("-0", 0),
            ("007", 700),
            ("1234", 123_400),
            ("1 234 567,89", 123_456_789),
            ("1\u{00A0}234\u{00A0}567,89", 123_456_789),  // no-break spaces, as Excel exports
            ("1\u{202F}234,50", 123_450),  // narrow no-break space
            ("1,234,567.89", 123_456_789),
            ("1.234.567,89", 123_456_789),
            ("1'234.56", 123_456),
            ("1,234", 123_400),  // one separator before three digits groups thousands
            ("1.234", 123_400),
            ("1 234 руб.", 123_400),
            ("1 234 руб", 123_400),
            ("1234 р.", 123_400),
            ("1234 RUB", 123_400),
            ("1234 rub", 123_400),
            ("RUB 1234", 123_400),
            ("  42  ", 4_200),
            ("92233720368547758,07", .max),
        ])
    func parsesRoubles(_ text: String, _ minorUnits: Int64) throws {
        #expect(try Money.parse(text, currency: .rub) == rub(minorUnits))
    }

    @Test(
        "Amounts in other currencies",
        arguments: [
            ("$1,234.56", "USD", Int64(123_456)),
            ("1234.56 USD", "USD", 123_456),
            ("US$ 5", "USD", 500),
            ("€ 10,50", "EUR", 1_050),
            ("1 000 000 ₸", "KZT", 100_000_000),
            ("5000 тг", "KZT", 500_000),
            ("1,234", "JPY", 1_234),
            ("¥500", "JPY", 500),
            ("1.234", "KWD", 1_234),  // three decimals: the separator is a decimal point
            ("1,5", "KWD", 1_500),
        ])
    func parsesOtherCurrencies(_ text: String, _ code: String, _ minorUnits: Int64) throws {
        let currency = try #require(CurrencyCode(rawValue: code))
        #expect(try Money.parse(text, currency: currency) == Money(amount: minorUnits, currency: currency))
    }

    @Test(
        "Text that is not an amount is refused",
        arguments: [
            "",
            "   ",
            "₽",
            "-",
            "abc",
            "12abc",
            "1O0",  // letter O
            "1 234,567",  // spaces group the thousands, so the comma is a decimal one: too precise
            "10,5,5",
            "1,2345",  // four decimals
            "10.1234",
            "1,23,456",  // groups must be three digits
            "12 34",
            "1 2345",
            "1,234.567.89",
            "1.234.56",
            "5.",
            ",5",
            ".5",
            "5,",
            "--5",
            "5-",
            "1 234,56 $",  // another currency's symbol
            "10 EUR",
            "1e3",
            "0x10",
            "½",
            "１２３",  // full-width digits
            "1_000",
            "1 234'567",  // two kinds of grouping
        ])
    func refusesRoubles(_ text: String) {
        #expect(throws: MoneyError.invalidAmount) { try Money.parse(text, currency: .rub) }
    }

    @Test("Currencies without minor units refuse decimals", arguments: ["10,5", "10.50", "1,2"])
    func refusesYenDecimals(_ text: String) throws {
        let yen = try #require(CurrencyCode(rawValue: "JPY"))
        #expect(throws: MoneyError.invalidAmount) { try Money.parse(text, currency: yen) }
    }

    @Test("Amounts beyond 64-bit minor units overflow")
    func parseOverflow() {
        #expect(throws: MoneyError.overflow) { try Money.parse("92233720368547758,08", currency: .rub) }
        #expect(throws: MoneyError.overflow) { try Money.parse("999999999999999999999", currency: .rub) }
    }

    // MARK: Formatting

    @Test(
        "Decimal strings for export",
        arguments: [
            (Int64(123_456), "RUB", "1234.56"),
            (0, "RUB", "0.00"),
            (5, "RUB", "0.05"),
            (50, "RUB", "0.50"),
            (100, "RUB", "1.00"),
            (-5, "RUB", "-0.05"),
            (-123_456, "RUB", "-1234.56"),
            (1_234_567_890, "KZT", "12345678.90"),
            (500, "JPY", "500"),
            (-500, "JPY", "-500"),
            (1_234, "KWD", "1.234"),
            (7, "KWD", "0.007"),
            (.max, "RUB", "92233720368547758.07"),
            (.min, "RUB", "-92233720368547758.08"),
        ])
    func decimalString(_ amount: Int64, _ code: String, _ expected: String) throws {
        let currency = try #require(CurrencyCode(rawValue: code))
        #expect(Money(amount: amount, currency: currency).decimalString == expected)
    }

    @Test("Decimal strings parse back to the same amount", arguments: [Int64(0), 1, -1, 99, 123_456, -987_654_321])
    func decimalStringRoundTrip(_ amount: Int64) throws {
        let money = rub(amount)
        #expect(try Money.parse(money.decimalString, currency: .rub) == money)
    }

    // MARK: Codable

    @Test("Money encodes as integer minor units and a code")
    func encodes() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = try #require(String(data: try encoder.encode(rub(123_456)), encoding: .utf8))
        #expect(json == #"{"amount":123456,"currency":"RUB"}"#)
    }

    @Test("Money decodes from integer minor units and a code")
    func decodes() throws {
        let data = Data(#"{"amount": -250, "currency": "kzt"}"#.utf8)
        #expect(try JSONDecoder().decode(Money.self, from: data) == Money(amount: -250, currency: .kzt))
        let extreme = Money(amount: .min, currency: .usd)
        #expect(try JSONDecoder().decode(Money.self, from: JSONEncoder().encode(extreme)) == extreme)
    }

    @Test(
        "Decoding refuses fractional amounts, strings and invalid currencies",
        arguments: [
            #"{"amount": 12.5, "currency": "RUB"}"#,
            #"{"amount": "1250", "currency": "RUB"}"#,
            #"{"amount": 9223372036854775808, "currency": "RUB"}"#,
            #"{"amount": 100, "currency": "RUBL"}"#,
            #"{"amount": 100, "currency": "₽"}"#,
            #"{"amount": 100, "currency": 643}"#,
            #"{"amount": 100}"#,
            #"{"currency": "RUB"}"#,
            #"{"amount": null, "currency": "RUB"}"#,
        ])
    func decodingRefuses(_ json: String) {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Money.self, from: Data(json.utf8))
        }
    }
}
