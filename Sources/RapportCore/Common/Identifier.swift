import Foundation

/// A typed identifier: `Contact.ID` and `Deal.ID` are different types, so one can never be
/// passed where the other is expected. The raw value is a UUIDv7 string, which sorts by creation time.
public struct Identifier<Entity>: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible,
    Comparable
{
    /// The UUIDv7 string.
    public let rawValue: String

    /// Wraps a raw identifier string (no validation: ids arriving from clients are looked up, not trusted).
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Wraps a raw identifier string.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// The raw string.
    public var description: String { rawValue }

    /// Orders by the raw string, which for UUIDv7 is creation order.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Decodes from a plain JSON string.
    public init(from decoder: any Decoder) throws {
        self.rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    /// Encodes as a plain JSON string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits.
public enum UUIDv7 {
    /// Makes a UUIDv7 string from a timestamp and a random source.
    /// - Parameters:
    ///   - unixMilliseconds: the creation time.
    ///   - random: the source of the 74 random bits.
    public static func make(unixMilliseconds: Int64, using random: inout some RandomNumberGenerator) -> String {
        let millis = UInt64(max(0, unixMilliseconds))
        // Two draws for the ten random bytes (a draw per byte meant ten system calls per id).
        let (high, low) = (random.next(), random.next())
        // Bytes 0–5 the time, 6–7 and 8–15 random, with the version and variant bits set.
        func byte(_ index: Int) -> UInt8 {
            switch index {
            case 0..<6: UInt8(truncatingIfNeeded: millis >> (8 * (5 - index)))
            case 6: UInt8(truncatingIfNeeded: high) & 0x0F | 0x70  // version 7
            case 7: UInt8(truncatingIfNeeded: high >> 8)
            case 8: UInt8(truncatingIfNeeded: low) & 0x3F | 0x80  // RFC 4122 variant
            default: UInt8(truncatingIfNeeded: low >> (8 * (index - 8)))
            }
        }
        // Written straight into the string: formatting each byte with `String(format:)` made an id cost
        // microseconds, and an import of a million contacts makes two million ids.
        return String(unsafeUninitializedCapacity: 36) { text in
            var at = 0
            for index in 0..<16 {
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    text[at] = UInt8(ascii: "-")
                    at += 1
                }
                let value = byte(index)
                text[at] = Hex.digit(value >> 4)
                text[at + 1] = Hex.digit(value & 0x0F)
                at += 2
            }
            return at
        }
    }

    /// Whether a string has the shape of a UUID (any version), so malformed path ids get a 404, not a query.
    public static func isWellFormed(_ text: String) -> Bool {
        let utf8 = Array(text.utf8)
        guard utf8.count == 36 else { return false }
        for (index, byte) in utf8.enumerated() {
            if [8, 13, 18, 23].contains(index) {
                if byte != UInt8(ascii: "-") { return false }
            } else if !(byte >= 48 && byte <= 57) && !(byte >= 97 && byte <= 102) && !(byte >= 65 && byte <= 70) {
                return false
            }
        }
        return true
    }
}
