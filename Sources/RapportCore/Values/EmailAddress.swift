import Foundation

/// Rules for e-mail addresses as contacts' channels and users' logins.
public enum EmailAddress {
    /// The longest address accepted, in characters (RFC 5321's path limit minus the angle brackets).
    static let maximumLength = 254
    /// The longest local part accepted, in characters (RFC 5321).
    static let maximumLocalLength = 64
    /// The longest domain label accepted, in characters (RFC 1035).
    static let maximumLabelLength = 63

    /// Trims, lowercases, IDN-agnostic; returns nil when not a plausible address.
    ///
    /// Accepts Unicode local parts and internationalized domains as typed (`иван@пример.рф`) as well as
    /// their punycode form, strips surrounding `<…>` and a `mailto:` prefix, and lowercases the whole
    /// address because addresses are matched case-insensitively. Quoted local parts, IP-literal domains
    /// and display names (`Иван <ivan@example.ru>`) are refused: they are legal but in a CRM they are
    /// almost always a paste error. Lengths are counted in characters, not in octets of the encoded form.
    /// - Parameter raw: the text as typed.
    /// - Returns: the normalized address, or `nil` when it is not a plausible address.
    public static func normalize(_ raw: String) -> String? {
        // Nearly every address is ASCII, and for ASCII the rules below read byte by byte give the same answer
        // (a test holds the two together); reading it as characters was a twentieth of an import.
        raw.utf8.allSatisfy { $0 < 0x80 } ? normalizeASCII(Array(raw.utf8)) : normalizeText(raw)
    }

    /// ``normalize(_:)`` for any text, character by character.
    static func normalizeText(_ raw: String) -> String? {
        var text = trimmed(raw[...])
        text = withoutAngleBrackets(text)
        if text.prefix(7).lowercased() == "mailto:" { text = trimmed(text.dropFirst(7)) }
        text = withoutAngleBrackets(text)
        // NFC, so that a letter typed precomposed and one typed as base plus combining mark (common
        // with й and ё) give the same stored bytes and so match each other.
        let lowered = String(text).lowercased()
        // An ASCII address is its own NFC form (the Foundation call was a twentieth of an import).
        let address = lowered.utf8.allSatisfy { $0 < 0x80 } ? lowered : lowered.precomposedStringWithCanonicalMapping
        guard address.count <= maximumLength else { return nil }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, isValidLocalPart(parts[0]), isValidDomain(parts[1]) else { return nil }
        return address
    }

    /// ``normalize(_:)`` for ASCII text, byte by byte.
    static func normalizeASCII(_ raw: [UInt8]) -> String? {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
        func trimmed(_ text: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
            var text = text
            while let first = text.first, isSpace(first) { text = text.dropFirst() }
            while let last = text.last, isSpace(last) { text = text.dropLast() }
            return text
        }
        func withoutAngleBrackets(_ text: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
            guard text.count >= 2, text.first == UInt8(ascii: "<"), text.last == UInt8(ascii: ">") else { return text }
            return trimmed(text.dropFirst().dropLast())
        }
        var text = withoutAngleBrackets(trimmed(raw[...]))
        if text.prefix(7).map(lowered).elementsEqual("mailto:".utf8) { text = trimmed(text.dropFirst(7)) }
        let address = withoutAngleBrackets(text).map(lowered)
        // A line break inside is one character of two bytes; either way such an address is refused below.
        guard address.count <= maximumLength else { return nil }
        let parts = address.split(separator: UInt8(ascii: "@"), omittingEmptySubsequences: false)
        guard parts.count == 2, isValidLocalPart(parts[0]), isValidDomain(parts[1]) else { return nil }
        return String(decoding: address, as: UTF8.self)
    }

    private static func lowered(_ byte: UInt8) -> UInt8 { (0x41...0x5A).contains(byte) ? byte + 0x20 : byte }
    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }
    private static let localSpecialBytes = Set("!#$%&'*+-/=?^_`{|}~.".utf8)

    private static func isValidLocalPart(_ local: ArraySlice<UInt8>) -> Bool {
        let dot = UInt8(ascii: ".")
        guard !local.isEmpty, local.count <= maximumLocalLength, local.first != dot, local.last != dot,
            !zip(local, local.dropFirst()).contains(where: { $0 == dot && $1 == dot })
        else { return false }
        return local.allSatisfy { isAlphanumeric($0) || localSpecialBytes.contains($0) }
    }

    private static func isValidDomain(_ domain: ArraySlice<UInt8>) -> Bool {
        let hyphen = UInt8(ascii: "-")
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2,
            labels.allSatisfy({ label in
                !label.isEmpty && label.count <= maximumLabelLength && label.first != hyphen && label.last != hyphen
                    && label.allSatisfy { isAlphanumeric($0) || $0 == hyphen }
            })
        else { return false }
        return labels.last?.allSatisfy { (0x30...0x39).contains($0) } == false
    }

    /// Characters other than letters and digits that RFC 5322 allows in an unquoted local part.
    private static let localSpecials: Set<Character> = [
        "!", "#", "$", "%", "&", "'", "*", "+", "-", "/", "=", "?", "^", "_", "`", "{", "|", "}", "~", ".",
    ]

    private static func isValidLocalPart(_ local: Substring) -> Bool {
        guard !local.isEmpty, local.count <= maximumLocalLength,
            local.first != ".", local.last != ".", !local.contains("..")
        else { return false }
        return local.allSatisfy { $0.isLetter || $0.isNumber || localSpecials.contains($0) }
    }

    private static func isValidDomain(_ domain: Substring) -> Bool {
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy(isValidLabel) else { return false }
        // An all-digit top-level label means an IP address or a typo, never a mail domain.
        return labels.last?.allSatisfy(\.isNumber) == false
    }

    private static func isValidLabel(_ label: Substring) -> Bool {
        guard !label.isEmpty, label.count <= maximumLabelLength, label.first != "-", label.last != "-"
        else { return false }
        return label.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" }
    }

    private static func withoutAngleBrackets(_ text: Substring) -> Substring {
        guard text.count >= 2, text.first == "<", text.last == ">" else { return text }
        return trimmed(text.dropFirst().dropLast())
    }

    private static func trimmed(_ text: Substring) -> Substring {
        var text = text
        while text.first?.isWhitespace == true { text = text.dropFirst() }
        while text.last?.isWhitespace == true { text = text.dropLast() }
        return text
    }
}
