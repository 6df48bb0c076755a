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
