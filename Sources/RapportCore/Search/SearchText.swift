import Foundation

/// Text normalization shared by indexing and querying, so both sides agree: lower case, `ё` as `е`,
/// collapsed spaces. SQLite folds only ASCII case, so folding happens here, in Swift, for both dialects.
public enum SearchText {
    /// Lower-cases, maps `ё`→`е`, and collapses whitespace.
    public static func fold(_ text: String) -> String {
        foldASCIIOrCyrillic(text) ?? foldScalars(text)
    }

    /// ``fold(_:)`` scalar by scalar, for any text.
    static func foldScalars(_ text: String) -> String {
        // Scalar by scalar: Foundation's `replacingOccurrences` and splitting into characters were a tenth of an
        // import of a million contacts.
        // Lower-cased scalar by scalar as well (``LowerCase``): a lower-case mapping is never white space, so
        // spaces are found in the text as typed.
        var folded = String.UnicodeScalarView()
        var space = false
        for scalar in text.unicodeScalars {
            if isWhitespace(scalar) {
                space = !folded.isEmpty
                continue
            }
            if space {
                folded.append(" ")
                space = false
            }
            switch scalar {
            case "ё", "Ё": folded.append("е")
            default: LowerCase.append(scalar, to: &folded)
            }
        }
        return String(folded)
    }

    /// ``fold(_:)`` of a text of ASCII and the Russian alphabet's Cyrillic (U+0400–U+045F) as UTF-8 bytes, with
    /// no scalar decoded; nil for any other text, which goes scalar by scalar. A name, a city or an e-mail is
    /// folded for every imported contact, and through `String.UnicodeScalarView` folding was a fiftieth of an
    /// import's CPU.
    static func foldASCIIOrCyrillic(_ text: String) -> String? {
        var text = text
        return text.withUTF8 { utf8 -> String? in
            var folded: [UInt8] = []
            folded.reserveCapacity(utf8.count)
            var space = false
            var index = 0
            while index < utf8.count {
                let byte = utf8[index]
                if byte < 0x80 {
                    index += 1
                    if byte == 0x20 || (0x09...0x0D).contains(byte) {
                        space = !folded.isEmpty
                        continue
                    }
                    if space {
                        folded.append(0x20)
                        space = false
                    }
                    folded.append((0x41...0x5A).contains(byte) ? byte + 0x20 : byte)
                    continue
                }
                // A two-byte letter: D0 80–BF is U+0400–U+043F, D1 80–9F is U+0440–U+045F.
                guard index + 1 < utf8.count, byte == 0xD0 || byte == 0xD1 else { return nil }
                let next = utf8[index + 1]
                guard next >= 0x80, next <= (byte == 0xD0 ? 0xBF : 0x9F) else { return nil }
                index += 2
                if space {
                    folded.append(0x20)
                    space = false
                }
                let letter: (UInt8, UInt8) =
                    switch (byte, next) {
                    case (0xD0, 0x81), (0xD1, 0x91): (0xD0, 0xB5)  // Ё, ё → е
                    case (0xD0, 0x80...0x8F): (0xD1, next + 0x10)  // Ѐ–Џ → ѐ–џ
                    case (0xD0, 0x90...0x9F): (0xD0, next + 0x20)  // А–П → а–п
                    case (0xD0, 0xA0...0xAF): (0xD1, next - 0x20)  // Р–Я → р–я
                    default: (byte, next)
                    }
                folded.append(letter.0)
                folded.append(letter.1)
            }
            return String(decoding: folded, as: UTF8.self)
        }
    }

    /// Unicode's whitespace, answered without a property lookup for ASCII and Cyrillic (none of it is
    /// whitespace but ASCII's tab to carriage return and space): the lookup was a twentieth of an import.
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20: true
        case 0..<0x80, 0x400..<0x530: false
        default: scalar.properties.isWhitespace
        }
    }

    /// The document indexed for a record: folded words plus every phone's digit forms.
    public static func document(words: [String?], phones: [PhoneNumber] = []) -> String {
        var parts = words.compactMap { $0.trimmedOrNil }.map(fold)
        for phone in phones { parts.append(contentsOf: phone.searchDigits) }
        return parts.joined(separator: " ")
    }

    /// What a user typed into a search box, as terms that must all match.
    public struct Query: Hashable, Sendable {
        /// Folded text terms (each matched as a substring).
        public var terms: [String]
        /// When the query is a phone fragment ("+7 912", "345-67"), its digits.
        public var digits: String?

        /// The digit strings to look for, any of which may match: the digits as typed and, for a fragment
        /// starting with the Russian trunk prefix "8" ("8 912 …"), the same with "7", since phones are
        /// indexed in E.164 form only.
        public var digitAlternatives: [String] {
            guard let digits else { return [] }
            return digits.hasPrefix("8") ? [digits, "7" + digits.dropFirst()] : [digits]
        }

        /// Whether nothing searchable was typed.
        public var isEmpty: Bool { terms.isEmpty && digits == nil }
    }

    /// Parses a query. A query made only of digits and phone punctuation with at least 4 digits is a phone
    /// search; otherwise each word is a term. Terms shorter than the index can match (3 characters for
    /// substring search) are kept: the store matches them at word starts ("Иванов И" narrows to names
    /// with a word beginning with "и") among the rows the longer terms found.
    public static func parse(_ text: String) -> Query {
        let trimmed = text.trimmed
        let phoneCharacters = Set("0123456789+()-. ")
        let digits = trimmed.filter(\.isASCII).filter(\.isNumber)
        if !trimmed.isEmpty, trimmed.allSatisfy({ phoneCharacters.contains($0) }), digits.count >= 4 {
            return Query(terms: [], digits: digits)
        }
        let terms = fold(trimmed).split(separator: " ").map(String.init)
            .map { $0.trimmingCharacters(in: CharacterSet.punctuationCharacters.subtracting(["@", ".", "-", "_"])) }
            .filter { !$0.isEmpty }
        return Query(terms: Array(terms.prefix(8)), digits: nil)
    }
}
