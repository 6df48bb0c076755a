import Foundation
import Testing

@testable import RapportCore

@Suite("Search text")
struct SearchTextTests {
    // MARK: - fold

    @Test(
        "Folding: lower case, ё as е, collapsed whitespace",
        arguments: [
            ("Пётр", "петр"), ("ЁЛКА", "елка"), ("  Иванов \t Иван\nИванович ", "иванов иван иванович"),
            ("ООО «Ромашка»", "ооо «ромашка»"), ("Smith-JONES", "smith-jones"), ("", ""), ("   ", ""),
            ("а\u{A0}б\r\nв\u{3000}", "а б в"), ("\tЁ", "е"),
        ])
    func fold(_ text: String, _ folded: String) {
        #expect(SearchText.fold(text) == folded)
    }

    @Test("Folding byte by byte gives what folding scalar by scalar gives, and leaves other text to it")
    func byteFoldAgreesWithScalarFold() {
        // Every scalar the byte path reads, its neighbours on both sides, white space and the first scalars it
        // refuses; texts drawn from them at random.
        let alphabet: [Unicode.Scalar] =
            (0...0x80).compactMap(Unicode.Scalar.init) + (0x3FF...0x461).compactMap(Unicode.Scalar.init)
            + ["\u{A0}", "\u{301}", "\u{4E2D}", "👍"]
        var random = SeededRandom(seed: 7)
        var refused = 0
        for _ in 0..<20_000 {
            let length = Int(random.next() % 12)
            let text = String(String.UnicodeScalarView((0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }))
            let bytewise = SearchText.foldASCIIOrCyrillic(text)
            if let bytewise {
                #expect(bytewise == SearchText.foldScalars(text), "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
            } else {
                refused += 1
                #expect(text.unicodeScalars.contains { $0.value >= 0x80 && !(0x400...0x45F).contains($0.value) })
            }
            #expect(SearchText.fold(text) == SearchText.foldScalars(text))
        }
        // Both paths were taken.
        #expect(refused > 1_000 && refused < 19_000)
    }

    @Test("Lower case scalar by scalar is what String.lowercased() gives, for every scalar")
    func lowerCaseAgreesWithTheStandardLibrary() {
        let scalars = (0...0x10FFFF).compactMap(Unicode.Scalar.init)
        for start in stride(from: 0, to: scalars.count, by: 4096) {
            let text = String(String.UnicodeScalarView(scalars[start..<min(start + 4096, scalars.count)]))
            #expect(LowerCase.of(text) == text.lowercased(), "from U+\(String(scalars[start].value, radix: 16))")
        }
        #expect(LowerCase.of("ЁЛКА Ѐ Џ Ÿ ΣΑΣ İ") == "ёлка ѐ џ ÿ σασ i̇")
    }

    @Test("Folding makes ё and е, upper and lower case equal")
    func foldEquivalence() {
        #expect(SearchText.fold("Семён Алёхин") == SearchText.fold("СЕМЕН АЛЕХИН"))
        #expect(SearchText.fold(SearchText.fold("Ёж Ёжиков")) == SearchText.fold("Ёж Ёжиков"))
    }

    // MARK: - document

    @Test("The document holds folded words and each phone's E.164 digits")
    func document() {
        let document = SearchText.document(
            words: ["Пётр", nil, "   ", " ООО  Ромашка ", "PETR@Example.ru"],
            phones: [
                PhoneNumber(raw: "+7 912 345-67-89", e164: "+79123456789"),
                PhoneNumber(raw: "+49 30 1234567", e164: "+49301234567"),
                PhoneNumber(raw: "доб. 12-34", e164: nil),
                PhoneNumber(raw: "нет номера", e164: nil),
            ])
        #expect(document == "петр ооо ромашка petr@example.ru 79123456789 49301234567 1234")
    }

    @Test("A document without words or phones is empty")
    func emptyDocument() {
        #expect(SearchText.document(words: []) == "")
        #expect(SearchText.document(words: [nil, " "]) == "")
    }

    @Test("Every run of four digits a user may type matches the document through one of its alternatives")
    func phoneRunsFound() {
        let document = SearchText.document(words: ["Иван"], phones: [PhoneNumber(raw: "8 912 345 67 89", e164: "+79123456789")])
        for typed in ["+7 912 345-67-89", "8 (912) 345 67 89", "345-67", "6789", "8912"] {
            let query = SearchText.parse(typed)
            #expect(query.digitAlternatives.contains { document.contains($0) }, "\(typed)")
        }
        #expect(!SearchText.parse("5555").digitAlternatives.contains { document.contains($0) })
    }

    // MARK: - parse

    @Test(
        "Phone queries: only phone characters and at least 4 digits",
        arguments: [
            ("+7 (912) 345-67-89", "79123456789"), ("345-67", "34567"), ("1234", "1234"), ("12 34", "1234"),
            (" 8.912.345 ", "8912345"), ("+(7)-912", "7912"),
        ])
    func phoneQuery(_ text: String, _ digits: String) {
        let query = SearchText.parse(text)
        #expect(query.digits == digits)
        #expect(query.terms.isEmpty)
        #expect(!query.isEmpty)
    }

    @Test("Three digits are a word term, not a phone fragment")
    func threeDigits() {
        let query = SearchText.parse("(495)")
        #expect(query.digits == nil)
        #expect(query.terms == ["495"])
    }

    @Test("Short digit runs and digits mixed with letters are word terms", arguments: ["123", "912abc", "A-1234", "+7 912 доб"])
    func notPhone(_ text: String) {
        let query = SearchText.parse(text)
        #expect(query.digits == nil)
        #expect(!query.terms.isEmpty)
    }

    @Test(
        "Word terms are folded and stripped of surrounding punctuation",
        arguments: [
            ("Пётр  ИВАНОВ", ["петр", "иванов"]),
            ("«Ромашка», ivan@example.ru", ["ромашка", "ivan@example.ru"]),
            ("(Иванов)!", ["иванов"]),
            ("smith-jones o_brien", ["smith-jones", "o_brien"]),
            ("д.т.н.", ["д.т.н."]),
        ])
    func wordTerms(_ text: String, _ terms: [String]) {
        let query = SearchText.parse(text)
        #expect(query.terms == terms)
        #expect(query.digits == nil)
    }

    @Test("Blank and punctuation-only queries are empty", arguments: ["", "   ", "!!!", "« » ,"])
    func emptyQueries(_ text: String) {
        let query = SearchText.parse(text)
        #expect(query.isEmpty)
        #expect(query.terms.isEmpty && query.digits == nil)
    }

    @Test("At most 8 terms")
    func maxTerms() {
        let query = SearchText.parse("one two three four five six seven eight nine ten")
        #expect(query.terms == ["one", "two", "three", "four", "five", "six", "seven", "eight"])
    }

    @Test("A short term alone is kept, so it can match name prefixes")
    func shortTermAlone() {
        #expect(SearchText.parse("Ив").terms == ["ив"])
    }

    @Test("Short terms next to longer ones are dropped, as the parse documentation promises")
    func shortTermsDropped() {
        // Short terms are kept on purpose: the store matches them at word starts among the other terms' rows.
        #expect(SearchText.parse("Иванов И").terms == ["иванов", "и"])
        #expect(SearchText.parse("ООО Ромашка и ко").terms == ["ооо", "ромашка", "и", "ко"])
    }
}
