import Foundation
import Testing

@testable import RapportCore

@Suite("Phone normalization")
struct PhoneTests {
    let ru = PhoneNormalizer(defaultRegion: .ru)
    let kz = PhoneNormalizer(defaultRegion: .kz)

    @Test(
        "Russian mobile numbers in every usual format",
        arguments: [
            "+7 (912) 345-67-89",
            "8 912 345 67 89",
            "79123456789",
            "89123456789",
            "8-912-345-67-89",
            "9123456789",
            "+7 912 3456789",
            "+79123456789",
            "+7-912-345-67-89",
            "8 (912) 345-67-89",
            "8.912.345.67.89",
            "(912) 345-67-89",
            "  +7 912 345 67 89  ",
            "+7\u{00A0}912\u{00A0}345\u{00A0}67\u{00A0}89",  // no-break spaces
            "+7\u{202F}912\u{2009}345\u{2007}67\u{2002}89",  // narrow, thin, figure, en spaces
            "+7 912 345\u{2013}67\u{2014}89",  // en and em dashes
            "+7 912\u{2010}345\u{2011}67\u{2212}89",  // hyphen, non-breaking hyphen, minus
            "\u{FF0B}７ ９１２ ３４５ ６７ ８９",  // full-width plus and digits
            "\u{200E}+7 912 345 67 89\u{200F}",  // direction marks left by copy and paste
            "+7 912 345 67 89\u{200B}",  // zero-width space
            "tel:+79123456789",
            "TEL:+7-912-345-67-89",
            "+7(912)3456789",
            "\t8 912 345 67 89\n",
        ])
    func russianMobile(_ raw: String) {
        let phone = ru.normalize(raw)
        #expect(phone.e164 == "+79123456789")
        #expect(phone.isValid)
        #expect(phone.raw == raw.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test(
        "Landlines with three- and four-digit area codes",
        arguments: [
            ("8 (495) 123-45-67", "+74951234567"),
            ("(495) 123-45-67", "+74951234567"),
            ("+7 495 123-45-67", "+74951234567"),
            ("8 (3452) 12-34-56", "+73452123456"),
            ("(3452) 12-34-56", "+73452123456"),
            ("+7 (34535) 1-23-45", "+73453512345"),
            ("8 812 123 45 67", "+78121234567"),
            ("8 800 555-35-35", "+78005553535"),
        ])
    func landlines(_ raw: String, _ expected: String) {
        #expect(ru.normalize(raw).e164 == expected)
    }

    @Test(
        "Extensions are dropped from the E.164 form and kept in raw",
        arguments: [
            "+7 495 123-45-67 доб. 123",
            "+7 495 123-45-67 доб 123",
            "+7 495 123-45-67 доб.123",
            "+7 495 123-45-67 Доб. 123",
            "+7 495 123-45-67 добавочный 123",
            "+7 495 123-45-67 доп. 12",
            "+7 495 123-45-67 вн. 12",
            "+7 495 123-45-67 ext. 12",
            "+7 495 123-45-67 ext 12",
            "+7 495 123-45-67 EXT.12",
            "+7 495 123-45-67 extension 12",
            "+7 495 123-45-67 x12",
            "+7 495 123-45-67 #12",
            "+7 495 123-45-67#12",
            "+7 495 123-45-67, 12",
            "+74951234567;ext=12",
            "8 (495) 123-45-67 доб. 1234",
        ])
    func extensions(_ raw: String) {
        let phone = ru.normalize(raw)
        #expect(phone.e164 == "+74951234567")
        #expect(phone.raw == raw)
    }

    @Test(
        "Kazakh numbers share zone +7",
        arguments: [
            ("+7 701 234 56 78", "+77012345678"),
            ("8 701 234 56 78", "+77012345678"),
            ("87012345678", "+77012345678"),
            ("7012345678", "+77012345678"),
            ("8 (727) 123-45-67", "+77271234567"),
            ("(7172) 12-34-56", "+77172123456"),
        ])
    func kazakhNumbers(_ raw: String, _ expected: String) {
        #expect(kz.normalize(raw).e164 == expected)
        // The same number typed in Russia is the same number.
        #expect(ru.normalize(raw).e164 == expected)
    }

    @Test("A bare ten-digit number maps to +7 in either region", arguments: PhoneRegion.allCases)
    func bareTenDigits(_ region: PhoneRegion) {
        let normalizer = PhoneNormalizer(defaultRegion: region)
        #expect(normalizer.defaultRegion == region)
        #expect(normalizer.normalize("9123456789").e164 == "+79123456789")
        #expect(normalizer.normalize("7012345678").e164 == "+77012345678")
    }

    @Test(
        "Other countries keep their explicit code",
        arguments: [
            ("+375 29 123-45-67", "+375291234567"),
            ("+1 202 555 0143", "+12025550143"),
            ("+1 (202) 555-0143", "+12025550143"),
            ("+44 20 7946 0958", "+442079460958"),
            ("+49 30 123456", "+4930123456"),
            ("+380 44 123 45 67", "+380441234567"),
            ("+998 90 123 45 67", "+998901234567"),
            ("+996 555 123 456", "+996555123456"),
            ("+86 10 1234 5678", "+861012345678"),
            ("+1 202 555 0143 x12", "+12025550143"),
        ])
    func otherCountries(_ raw: String, _ expected: String) {
        #expect(ru.normalize(raw).e164 == expected)
    }

    @Test(
        "International prefixes 00 and 8 10 become +",
        arguments: [
            ("0049 30 123456", "+4930123456"),
            ("00 375 29 123 45 67", "+375291234567"),
            ("0079123456789", "+79123456789"),
            ("8 10 375 29 123-45-67", "+375291234567"),
            ("8-10-49-30-123456", "+4930123456"),
            ("810 1 202 555 0143", "+12025550143"),
            ("8 10 7 912 345 67 89", "+79123456789"),
        ])
    func internationalPrefixes(_ raw: String, _ expected: String) {
        #expect(ru.normalize(raw).e164 == expected)
    }

    @Test(
        "The E.164 length bound is 8 to 15 digits",
        arguments: [
            ("+49 301 2345", "+493012345"),  // 9 digits
            ("+4930123", nil),  // 7 digits
            ("+49301234", "+49301234"),  // 8 digits
            ("+123456789012345", "+123456789012345"),  // 15 digits
            ("+1234567890123456", nil),  // 16 digits
        ] as [(String, String?)])
    func e164Bounds(_ raw: String, _ expected: String?) {
        #expect(ru.normalize(raw).e164 == expected)
    }

    @Test(
        "Garbage and incomplete numbers are kept but flagged",
        arguments: [
            "",
            "   ",
            "abc",
            "123",
            "123-45-67",  // no area code: the digits cannot be completed
            "+7 912 345",
            "+7 912 345 67",
            "+7 912 345 67 890",
            "8 912 345 67 8",  // a mobile missing a digit, not the ten-digit number 891 234-56-78
            "8912345678",
            "8 912 345 67 890",
            "89123456789012345678",
            "+7 912 ABC 67 89",
            "8 912 345 67 89 abc",
            "8 912 345 67 89 доб.",
            "8 912 345 67 89 доб. двенадцать",
            "тел. 8 912 345 67 89",
            "+7 (912) 345-67-89 или +7 (912) 345-67-80",
            "8 912 345 67 89 / 8 495 123 45 67",
            "7 912 345 67 89+",
            "++7 912 345 67 89",
            "8 912 +345 67 89",
            "+0 123 456 789",
            "+7 012 345 67 89",  // no zone-7 area code starts with 0
            "0123456789",
            "1234567890",
            "69123456789",  // eleven digits with an unknown prefix: no + typed, so no country is assumed
            "12025550143",
            "+8 912 345",
            "8 912 345 67 89 ☎",
            "²9123456789",  // superscript digits are not digits
        ])
    func invalid(_ raw: String) {
        let phone = ru.normalize(raw)
        #expect(phone.e164 == nil)
        #expect(!phone.isValid)
        #expect(phone.raw == raw.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test("A zone-7 mobile is indexed once, and found by fragments typed with 7 or with 8")
    func searchDigitsZoneSeven() {
        let phone = ru.normalize("+7 (912) 345-67-89")
        #expect(phone.searchDigits == ["79123456789"])
        let typed = ["9123", "3456789", "89123", "8 912 345", "79123", "+7 912", "4567"]
        for query in typed {
            let alternatives = SearchText.parse(query).digitAlternatives
            #expect(alternatives.contains { fragment in phone.searchDigits.contains { $0.contains(fragment) } }, "query \(query)")
        }
        #expect(SearchText.parse("8 912").digitAlternatives == ["8912", "7912"])
        #expect(SearchText.parse("912 3").digitAlternatives == ["9123"])
        #expect(SearchText.parse("иванов").digitAlternatives == [])
    }

    @Test("Other countries are searchable by their digits")
    func searchDigitsInternational() {
        #expect(ru.normalize("+44 20 7946 0958").searchDigits == ["442079460958"])
        #expect(ru.normalize("+375 29 123-45-67").searchDigits == ["375291234567"])
    }

    @Test("An unparseable phone is searchable by the digits it has")
    func searchDigitsInvalid() {
        #expect(ru.normalize("123-45-67").searchDigits == ["1234567"])
        #expect(ru.normalize("+7 912 ABC 67 89").searchDigits == ["79126789"])
        #expect(ru.normalize("abc").searchDigits.isEmpty)
        #expect(ru.normalize("").searchDigits.isEmpty)
        #expect(PhoneNumber(raw: "１２３４", e164: nil).searchDigits == ["1234"])
    }

    @Test("Phones round-trip through JSON")
    func codable() throws {
        for phone in [ru.normalize("8 912 345 67 89"), ru.normalize("garbage 12")] {
            let data = try JSONEncoder().encode(phone)
            #expect(try JSONDecoder().decode(PhoneNumber.self, from: data) == phone)
        }
    }

    @Test("The same number typed differently compares equal by E.164, not by value")
    func equality() {
        let a = ru.normalize("8 912 345 67 89")
        let b = ru.normalize("+7 912 345-67-89")
        #expect(a.e164 == b.e164)
        #expect(a != b)  // raw differs: the typed text is part of the value
        #expect(PhoneNumber(raw: "x", e164: nil) == PhoneNumber(raw: "x", e164: nil))
    }

    @Test("Regions encode as ISO country codes")
    func regionRawValues() {
        #expect(PhoneRegion.ru.rawValue == "RU")
        #expect(PhoneRegion.kz.rawValue == "KZ")
        #expect(PhoneRegion(rawValue: "KZ") == .kz)
        #expect(PhoneRegion.allCases.count == 2)
    }

    @Test("Plain ASCII read byte by byte gives what reading it character by character gives")
    func plainASCIIPathAgrees() {
        var random = SeededRandom(seed: 5)
        let pieces = [
            "8", "7", "9", "0", "1", "+", " ", "-", "(", ")", ".", "/", "\t", "\r\n", "912", "345", "67", "89", "+7", "00", "810",
        ]
        var read = 0
        for _ in 0..<20_000 {
            let text = (0..<random.next(in: 1...10)).map { _ in pieces[random.next(below: pieces.count)] }.joined()
            let plain = PhoneNormalizer.scanPlainASCII(text)
            let general = PhoneNormalizer.scan(text[...])
            #expect(plain == nil || (plain?.hasPlus == general?.hasPlus && plain?.digits == general?.digits), "\(text.debugDescription)")
            if plain != nil { read += 1 }
        }
        // Most of these are plain; a misplaced "+" and anything else are left to the general path.
        #expect(read > 10_000)
        #expect(PhoneNormalizer.scanPlainASCII("+7 (912) 345-67-89")! == (true, "79123456789"))
        #expect(PhoneNormalizer.scanPlainASCII("8 912 345 67 89 доб. 12") == nil)
        #expect(PhoneNormalizer.scanPlainASCII("tel:+79123456789") == nil)
        #expect(PhoneNormalizer.scanPlainASCII("79+12") == nil)
    }
}
