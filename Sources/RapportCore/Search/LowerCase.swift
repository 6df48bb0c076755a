/// Lower case scalar by scalar, as `String.lowercased()` gives it (each scalar's full lower-case mapping),
/// with ASCII and the basic Cyrillic letters answered without a Unicode property lookup. Names, cities and
/// e-mails are almost all ASCII or Cyrillic, and the lookups were a tenth of an import's time.
enum LowerCase {
    /// Appends the lower case of `scalar`.
    static func append(_ scalar: Unicode.Scalar, to out: inout String.UnicodeScalarView) {
        if let lower = simple(scalar) {
            out.append(lower)
        } else {
            out.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
        }
    }

    /// The lower case of `text`.
    static func of(_ text: some StringProtocol) -> String {
        var lowered = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { append(scalar, to: &lowered) }
        return String(lowered)
    }

    /// The lower case of an ASCII or basic Cyrillic scalar (one scalar for one); nil for others, which need
    /// the property lookup.
    static func simple(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        let value = scalar.value
        let lowered: UInt32
        switch value {
        case 0x41...0x5A: lowered = value + 0x20  // A–Z
        case 0..<0x80: return scalar
        case 0x400...0x40F: lowered = value + 0x50  // Ѐ–Џ
        case 0x410...0x42F: lowered = value + 0x20  // А–Я
        case 0x430...0x45F: return scalar  // а–я, ѐ–џ
        default: return nil
        }
        return Unicode.Scalar(lowered)
    }
}
