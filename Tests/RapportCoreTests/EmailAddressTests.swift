import Testing

@testable import RapportCore

@Suite("E-mail normalization")
struct EmailAddressTests {
    @Test(
        "Plausible addresses are trimmed and lowercased",
        arguments: [
            ("ivan@example.ru", "ivan@example.ru"),
            ("Ivan.Petrov@Example.RU", "ivan.petrov@example.ru"),
            ("  ivan@example.ru\n", "ivan@example.ru"),
            ("\u{00A0}ivan@example.ru\u{00A0}", "ivan@example.ru"),
            ("first.last+tag@sub.example.co.uk", "first.last+tag@sub.example.co.uk"),
            ("o'brien@example.ie", "o'brien@example.ie"),
            ("a_b-c=d!#$%&*/?^`{|}~@example.com", "a_b-c=d!#$%&*/?^`{|}~@example.com"),
            ("user@my-company.ru", "user@my-company.ru"),
            ("user@123.example.com", "user@123.example.com"),
            ("x@y.io", "x@y.io"),
            ("info@xn--e1afmkfd.xn--p1ai", "info@xn--e1afmkfd.xn--p1ai"),
        ])
    func valid(_ raw: String, _ expected: String) {
        #expect(EmailAddress.normalize(raw) == expected)
    }

    @Test(
        "Unicode local parts and Cyrillic domains are accepted",
        arguments: [
            ("иван@пример.рф", "иван@пример.рф"),
            ("Иван@Пример.РФ", "иван@пример.рф"),
            ("ИВАН.ПЕТРОВ@ПОЧТА.РУС", "иван.петров@почта.рус"),
            ("пётр@пример.рф", "пётр@пример.рф"),
            ("user@почта.рф", "user@почта.рф"),
            ("δοκιμή@παράδειγμα.δοκιμή", "δοκιμή@παράδειγμα.δοκιμή"),
            ("用户@例子.中国", "用户@例子.中国"),
        ])
    func unicode(_ raw: String, _ expected: String) {
        #expect(EmailAddress.normalize(raw) == expected)
    }

    @Test("A decomposed й or ё is stored precomposed, so both spellings match")
    func canonicalComposition() throws {
        let decomposed = "и\u{0306}ошкар@пример.рф"  // и + combining breve
        let normalized = try #require(EmailAddress.normalize(decomposed))
        #expect(Array(normalized.unicodeScalars) == Array("йошкар@пример.рф".unicodeScalars))
    }

    @Test(
        "Angle brackets and mailto: are stripped",
        arguments: [
            "<ivan@example.ru>",
            " < ivan@example.ru > ",
            "mailto:ivan@example.ru",
            "MAILTO:Ivan@Example.ru",
            "mailto: ivan@example.ru",
            "<mailto:ivan@example.ru>",
            "mailto:<ivan@example.ru>",
        ])
    func wrappers(_ raw: String) {
        #expect(EmailAddress.normalize(raw) == "ivan@example.ru")
    }

    @Test(
        "Implausible addresses are refused",
        arguments: [
            "",
            "   ",
            "ivan",
            "ivan.example.ru",  // no @
            "ivan@@example.ru",
            "ivan@petrov@example.ru",  // two @
            "@example.ru",  // empty local part
            "ivan@",  // empty domain
            "@",
            "iv an@example.ru",  // space inside
            "ivan@exa mple.ru",
            "ivan\u{00A0}petrov@example.ru",
            "ivan\t@example.ru",
            ".ivan@example.ru",  // leading dot
            "ivan.@example.ru",  // trailing dot
            "iv..an@example.ru",  // consecutive dots
            "ivan@example..ru",
            "ivan@.example.ru",
            "ivan@example.ru.",
            "ivan@localhost",  // domain without a dot
            "ivan@-example.ru",  // label starts with '-'
            "ivan@example-.ru",  // label ends with '-'
            "ivan@example.-ru",
            "ivan@exam_ple.ru",
            "ivan@192.168.0.1",  // IP addresses are not mail domains here
            "ivan@[192.168.0.1]",
            "\"ivan petrov\"@example.ru",  // quoted local parts are legal but refused
            "Иван Петров <ivan@example.ru>",  // a display name is not an address
            "ivan(comment)@example.ru",
            "ivan@example.ru?subject=hi",
            "ivan<@example.ru",
            "ivan,petrov@example.ru",
            "ivan;@example.ru",
            "ivan@exa\\mple.ru",
            "ivan📧@example.ru",
            "<>",
            "mailto:",
        ])
    func invalid(_ raw: String) {
        #expect(EmailAddress.normalize(raw) == nil)
    }

    @Test("The local part may have at most 64 characters")
    func localLength() {
        let local64 = String(repeating: "a", count: 64)
        #expect(EmailAddress.normalize("\(local64)@example.ru") == "\(local64)@example.ru")
        #expect(EmailAddress.normalize("\(local64)a@example.ru") == nil)
        // Characters, not bytes: 64 Cyrillic letters are 128 UTF-8 bytes and still accepted.
        let cyrillic64 = String(repeating: "я", count: 64)
        #expect(EmailAddress.normalize("\(cyrillic64)@пример.рф") != nil)
    }

    @Test("The whole address may have at most 254 characters")
    func totalLength() {
        let label = String(repeating: "d", count: 60)
        let domain = [label, label, label, String(repeating: "e", count: 54)].joined(separator: ".") + ".ru"
        #expect(domain.count == 240)
        let exact = String(repeating: "a", count: 13) + "@" + domain
        #expect(exact.count == 254)
        #expect(EmailAddress.normalize(exact) == exact)
        #expect(EmailAddress.normalize("a" + exact) == nil)
    }

    @Test("A domain label may have at most 63 characters")
    func labelLength() {
        let label63 = String(repeating: "b", count: 63)
        #expect(EmailAddress.normalize("a@\(label63).ru") == "a@\(label63).ru")
        #expect(EmailAddress.normalize("a@\(label63)b.ru") == nil)
    }

    @Test("Normalizing is idempotent")
    func idempotent() {
        for raw in ["Ivan@Example.RU", "<mailto:Иван@Пример.РФ>", "  a.b+c@d.e.f  "] {
            let once = EmailAddress.normalize(raw)
            #expect(once != nil)
            #expect(once.flatMap(EmailAddress.normalize) == once)
        }
    }

    @Test("ASCII text read byte by byte gives what reading it character by character gives")
    func asciiPathAgrees() {
        var random = SeededRandom(seed: 11)
        let pieces = [
            "a", "Z", "0", "9", "ivan", "Petrov", ".", "..", "@", "@@", "-", "_", "+", "'", "!", "~", "{", "}", "|", "\"", "(",
            ")", ",", ";", "[", "]", "<", ">", " ", "\t", "\n", "\r\n", "\u{0B}", "\u{1C}", "\u{7F}", "mailto:", "MAILTO:",
            "example", "ru", "xn--p1ai", "123", String(repeating: "l", count: 63), String(repeating: "d", count: 64),
        ]
        var samples = [
            "", " ", "a@b", "a@b.c", "<a@b.ru>", " < mailto: A@B.RU > ", "mailto:<a@b.ru>", "a..b@c.ru", ".a@b.ru", "a.@b.ru",
            "a@-b.ru", "a@b-.ru", "a@b.123", "a@123.ru", "a@b..ru", "a@b.ru.", "a b@c.ru", "a@b.ru\r\n", "\r\na@b.ru",
            String(repeating: "x", count: 64) + "@b.ru", String(repeating: "x", count: 65) + "@b.ru",
            "a@" + String(repeating: "b.", count: 126) + "ru", "a@" + String(repeating: "b.", count: 127) + "ru",
        ]
        for _ in 0..<20_000 {
            samples.append((0..<random.next(in: 1...8)).map { _ in pieces[random.next(below: pieces.count)] }.joined())
        }
        // Mostly well-formed addresses, with one piece of trouble here and there.
        let around = ["", "", " ", "\t", "<", ">", "mailto:", "MailTo: <", ".", "-", "\r\n"]
        let local = ["ivan", "I.Petrov", "a+tag", "o'brien", "x", ".", "-", "_", "a..b", "(", String(repeating: "l", count: 63)]
        let label = ["example", "Mail-Box", "ru", "RF", "123", "xn--p1ai", "-a", "a-", "", "b_c", String(repeating: "d", count: 63)]
        for _ in 0..<20_000 {
            let user = (0..<random.next(in: 1...2)).map { _ in local[random.next(below: local.count)] }.joined()
            let domain = (0..<random.next(in: 1...3)).map { _ in label[random.next(below: label.count)] }.joined(separator: ".")
            samples.append(around[random.next(below: around.count)] + user + "@" + domain + around[random.next(below: around.count)])
        }
        #expect(samples.compactMap(EmailAddress.normalizeText).count > 500)
        for raw in samples {
            #expect(EmailAddress.normalizeASCII(Array(raw.utf8)) == EmailAddress.normalizeText(raw), "\(raw.debugDescription)")
        }
    }
}
