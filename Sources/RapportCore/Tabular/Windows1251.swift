import Foundation

/// The Windows-1251 (Cyrillic) code page, which Russian Windows and its Excel use for "ANSI" text files.
///
/// Written out here rather than taken from `String.Encoding.windowsCP1251`, whose support on Linux depends
/// on the Foundation build; this table is the whole code page and behaves the same everywhere.
enum Windows1251 {
    /// The byte written for a character the code page lacks (emoji, Latin letters with accents, CJK, …).
    static let replacement = UInt8(ascii: "?")

    /// Encodes text, writing ``replacement`` for each character Windows-1251 cannot represent.
    ///
    /// The text is first composed (NFC), so that "й" typed as "и" plus a combining breve, as macOS and some
    /// web forms send it, still becomes the one byte 0xE9 instead of "и?".
    static func encode(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for scalar in text.precomposedStringWithCanonicalMapping.unicodeScalars {
            bytes.append(byte(for: scalar))
        }
        return bytes
    }

    /// The byte for one scalar, or ``replacement``.
    static func byte(for scalar: Unicode.Scalar) -> UInt8 {
        let value = scalar.value
        if value < 0x80 { return UInt8(value) }
        // А…я are contiguous in both Unicode and the code page.
        if (0x0410...0x044F).contains(value) { return UInt8(value - 0x0410 + 0xC0) }
        return upperHalf[value] ?? replacement
    }

    /// Decodes bytes of the code page (0x98, unassigned, reads as U+FFFD). Written as UTF-8 bytes straight
    /// away: a file of a million rows is tens of millions of characters.
    static func decode(_ bytes: some Collection<UInt8>) -> String {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            let scalar: UInt32
            switch byte {
            case 0..<0x80:
                utf8.append(byte)
                continue
            case 0xC0...0xFF: scalar = UInt32(byte) - 0xC0 + 0x0410
            default: scalar = upperScalars[Int(byte) - 0x80] ?? 0xFFFD
            }
            // Every scalar of the upper half is below U+10000: two bytes below U+0800, three from there.
            if scalar < 0x800 {
                utf8.append(UInt8(0xC0 | (scalar >> 6)))
            } else {
                utf8.append(UInt8(0xE0 | (scalar >> 12)))
                utf8.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            }
            utf8.append(UInt8(0x80 | (scalar & 0x3F)))
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// The bytes 0x80…0xBF by Unicode scalar; 0x98 is unassigned in the code page.
    private static let upperHalf: [UInt32: UInt8] = {
        var table: [UInt32: UInt8] = [:]
        for (offset, scalar) in upperScalars.enumerated() {
            if let scalar { table[scalar] = UInt8(0x80 + offset) }
        }
        return table
    }()

    /// The scalars of bytes 0x80…0xBF, in byte order.
    private static let upperScalars: [UInt32?] = {
        let scalars: [UInt32?] = [
            0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021,  // 0x80 Ђ Ѓ ‚ ѓ „ … † ‡
            0x20AC, 0x2030, 0x0409, 0x2039, 0x040A, 0x040C, 0x040B, 0x040F,  // 0x88 € ‰ Љ ‹ Њ Ќ Ћ Џ
            0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,  // 0x90 ђ ‘ ’ “ ” • – —
            nil, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F,  // 0x98 (none) ™ љ › њ ќ ћ џ
            0x00A0, 0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6, 0x00A7,  // 0xA0 nbsp Ў ў Ј ¤ Ґ ¦ §
            0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407,  // 0xA8 Ё © Є « ¬ shy ® Ї
            0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6, 0x00B7,  // 0xB0 ° ± І і ґ µ ¶ ·
            0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457,  // 0xB8 ё № є » ј Ѕ ѕ ї
        ]
        return scalars
    }()
}
