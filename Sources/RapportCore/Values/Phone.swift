import Foundation

/// The region whose conventions apply to a phone typed without a country code.
public enum PhoneRegion: String, Sendable, Codable, CaseIterable {
    /// Russia: country code 7, trunk prefix 8, international prefix 8 10.
    case ru = "RU"
    /// Kazakhstan: shares country code 7 and the dialling conventions with Russia.
    case kz = "KZ"
}

/// A phone as typed plus its E.164 form when it could be parsed.
///
/// A phone that cannot be parsed is kept with `e164 == nil` and flagged, never dropped: the person who
/// typed it may still be able to read it.
public struct PhoneNumber: Sendable, Hashable, Codable {
    /// The phone exactly as typed, trimmed of surrounding whitespace.
    public var raw: String
    /// The E.164 form without extension, e.g. `+79123456789`; `nil` when `raw` could not be parsed.
    public var e164: String?

    /// Whether `raw` could be parsed into an E.164 number.
    public var isValid: Bool { e164 != nil }

    /// The number as people read it: `+7 912 345-67-89` for zone 7, the E.164 form for other valid numbers,
    /// the typed text when it could not be parsed.
    public var display: String {
        guard let e164 else { return raw }
        let digits = Array(e164.dropFirst())
        guard digits.count == 11, digits[0] == "7" else { return e164 }
        func s(_ part: ArraySlice<Character>) -> String { String(part) }
        return "+7 \(s(digits[1...3])) \(s(digits[4...6]))-\(s(digits[7...8]))-\(s(digits[9...10]))"
    }

    /// Makes a phone from its typed text and, when known, its E.164 form.
    /// - Parameters:
    ///   - raw: the text as typed.
    ///   - e164: the E.164 form, or `nil` when the text could not be parsed.
    public init(raw: String, e164: String?) {
        self.raw = raw
        self.e164 = e164
    }

    /// Digit strings a search index should contain for this phone, so that any run of at least four
    /// digits a user types finds it.
    ///
    /// For `+79123456789` this is `["79123456789"]`. People in Russia and Kazakhstan type numbers with the
    /// trunk prefix 8 as often as with 7; rather than index both forms, a fragment starting with 8 is also
    /// searched with 7 (`SearchText.Query.digitAlternatives`). Other valid numbers give their digits
    /// without `+`; an unparseable phone gives the digits of `raw`, or nothing when it has none.
    public var searchDigits: [String] {
        if let e164 {
            let digits = String(e164.drop { $0 == "+" })
            // Only the E.164 digits: a fragment typed with the trunk "8" is searched as "7" too (see
            // `SearchText.Query.digitAlternatives`), which keeps the digit trigrams in the index half as many.
            return [digits]
        }
        let digits = String(raw.compactMap(PhoneNormalizer.asciiDigit))
        return digits.isEmpty ? [] : [digits]
    }
}

/// Turns typed phones into ``PhoneNumber`` values, conservatively: it strips formatting and extensions
/// and applies the dialling rules of zone +7, but never invents a digit.
public struct PhoneNormalizer: Sendable {
    /// The region assumed for numbers typed without a country code.
    public let defaultRegion: PhoneRegion

    /// Makes a normalizer.
    /// - Parameter defaultRegion: the region assumed for numbers typed without a country code. Both
    ///   supported regions share zone +7, so today they parse identically; the region is kept so that
    ///   a region with different national rules can be added without changing callers.
    public init(defaultRegion: PhoneRegion) {
        self.defaultRegion = defaultRegion
    }

    /// Parses one typed phone.
    /// - Parameter raw: the text as typed; surrounding whitespace is trimmed and the rest kept.
    /// - Returns: the phone with its E.164 form, or with `e164 == nil` when the text is not a phone.
    public func normalize(_ raw: String) -> PhoneNumber {
        let trimmed = raw.trimmed
        return PhoneNumber(raw: trimmed, e164: Self.e164(for: trimmed))
    }

    // MARK: - Parsing

    /// The E.164 form of `text`, or `nil`.
    private static func e164(for text: String) -> String? {
        if let (hasPlus, digits) = scanPlainASCII(text) { return classify(hasPlus: hasPlus, digits: digits) }
        var body = Substring(text)
        // `tel:` links are what people copy from web pages and vCards.
        if body.prefix(4).lowercased() == "tel:" { body = body.dropFirst(4) }
        guard let main = numberWithoutExtension(body), let (hasPlus, digits) = scan(main) else { return nil }
        return classify(hasPlus: hasPlus, digits: digits)
    }

    /// Words and signs that introduce an extension, longest first so `добавочный` wins over `доб`.
    private static let extensionMarkers: [String] = [
        "добавочный", "extension", ";ext=", "доп", "доб", "вн", "ext", "x", "#", ";", ",",
    ].sorted { $0.count > $1.count }

    /// The part of `text` before an extension (`доб. 123`, `ext. 12`, `#12`, `x12`), or `nil` when
    /// something other than a well-formed extension follows the number (letters mixed into a number
    /// make it unreadable, not a different number).
    private static func numberWithoutExtension(_ text: Substring) -> Substring? {
        guard let start = text.firstIndex(where: { $0.isLetter || "#;,".contains($0) }) else { return text }
        var tail = Substring(text[start...].lowercased())
        guard let marker = extensionMarkers.first(where: { tail.hasPrefix($0) }) else { return nil }
        tail = tail.dropFirst(marker.count)
        tail = tail.drop { $0.isWhitespace || ".:=".contains($0) }
        let digits = String(tail).trimmed
        guard !digits.isEmpty, digits.allSatisfy({ asciiDigit($0) != nil }) else { return nil }
        return text[..<start]
    }

    /// Dashes people and word processors put between digit groups.
    private static let dashes: Set<Character> = [
        "-", "\u{2010}", "\u{2011}", "\u{2012}", "\u{2013}", "\u{2014}", "\u{2015}", "\u{2212}",
        "\u{FE58}", "\u{FE63}", "\u{FF0D}",
    ]

    /// Other formatting characters allowed between digits.
    private static let punctuation: Set<Character> = ["(", ")", "\u{FF08}", "\u{FF09}", ".", "/"]

    /// Collects the digits of `text` and whether it starts with `+`; `nil` when it holds anything
    /// but digits and formatting, or a `+` anywhere but before the first digit.
    static func scan(_ text: Substring) -> (hasPlus: Bool, digits: String)? {
        var hasPlus = false
        var digits = ""
        for character in text {
            if let digit = asciiDigit(character) {
                digits.append(digit)
            } else if character == "+" || character == "\u{FF0B}" {
                guard !hasPlus, digits.isEmpty else { return nil }
                hasPlus = true
            } else if character.isWhitespace || dashes.contains(character) || punctuation.contains(character)
                || isInvisibleFormat(character)
            {
                continue
            } else {
                return nil
            }
        }
        return (hasPlus, digits)
    }

    /// What ``scan(_:)`` gives for ASCII text of digits, one leading `+`, spaces, dashes and the
    /// punctuation allowed (nearly every phone typed), read byte by byte; nil for any other text, which is
    /// read character by character. Reading every phone as characters was a fortieth of an import.
    static func scanPlainASCII(_ text: String) -> (hasPlus: Bool, digits: String)? {
        var hasPlus = false
        var digits: [UInt8] = []
        digits.reserveCapacity(16)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits.append(byte)
            case UInt8(ascii: "+"):
                guard !hasPlus, digits.isEmpty else { return nil }
                hasPlus = true
            case 0x09...0x0D, 0x20, UInt8(ascii: "-"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "."), UInt8(ascii: "/"):
                continue
            default: return nil
            }
        }
        return (hasPlus, String(decoding: digits, as: UTF8.self))
    }

    /// Applies the dialling rules of zone +7 to the collected digits.
    private static func classify(hasPlus: Bool, digits: String) -> String? {
        if hasPlus { return international(digits[...]) }
        if digits.hasPrefix("00") { return international(digits.dropFirst(2)) }
        // "8 10" is the Russian international prefix; no zone-7 area code starts with 1, so a number
        // beginning 810 cannot be a national one.
        if digits.hasPrefix("810") { return international(digits.dropFirst(3)) }
        switch digits.count {
        case 11 where digits.hasPrefix("8") || digits.hasPrefix("7"):
            return zoneSeven(national: digits.dropFirst())
        case 10 where digits.hasPrefix("89"):
            // No zone-7 area code starts with 89, while "8 9xx" is how every Russian mobile begins:
            // this is a mobile number missing a digit, not a ten-digit national number.
            return nil
        case 10:
            return zoneSeven(national: digits[...])
        default:
            return nil
        }
    }

    /// `digits` after an international prefix: country code plus national number.
    private static func international(_ digits: Substring) -> String? {
        guard let first = digits.first, first != "0" else { return nil }
        if first == "7" { return digits.count == 11 ? zoneSeven(national: digits.dropFirst()) : nil }
        guard (8...15).contains(digits.count) else { return nil }
        return "+" + digits
    }

    /// A zone-7 (Russia, Kazakhstan) national number: exactly ten digits. No area code in the zone
    /// starts with 0 or 1, so such numbers are typing errors rather than numbers.
    private static func zoneSeven(national: Substring) -> String? {
        guard national.count == 10, let first = national.first, first != "0", first != "1" else { return nil }
        return "+7" + national
    }

    /// The ASCII digit for any Unicode decimal digit (so full-width digits pasted from documents
    /// count), or `nil` for everything else, including superscripts and circled digits.
    static func asciiDigit(_ character: Character) -> Character? {
        guard character.unicodeScalars.count == 1, let scalar = character.unicodeScalars.first,
            scalar.properties.generalCategory == .decimalNumber, let value = character.wholeNumberValue,
            (0...9).contains(value)
        else { return nil }
        return Character(String(value))
    }

    /// Zero-width and direction marks that copying from web pages and messengers leaves behind.
    private static func isInvisibleFormat(_ character: Character) -> Bool {
        character.unicodeScalars.allSatisfy { $0.properties.generalCategory == .format }
    }
}
