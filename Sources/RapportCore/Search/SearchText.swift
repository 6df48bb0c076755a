import Foundation

/// Text normalization shared by indexing and querying, so both sides agree: lower case, `ё` as `е`,
/// collapsed spaces. SQLite folds only ASCII case, so folding happens here, in Swift, for both dialects.
public enum SearchText {
    /// Lower-cases, maps `ё`→`е`, and collapses whitespace.
    public static func fold(_ text: String) -> String {
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
