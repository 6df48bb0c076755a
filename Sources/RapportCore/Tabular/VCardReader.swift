import Foundation

/// Reads vCard files (2.1, 3.0 and 4.0, as phones, mail programs and CRMs export address books) into cards,
/// and cards into the rows of a table that the contact import reads like any spreadsheet.
///
/// Handles folded lines (a line starting with a space or tab continues the previous one), escaped characters
/// (`\n`, `\,`, `\;`, `\\`), groups (`item1.TEL`), parameters in either style (`TYPE=work,cell`, `TYPE=WORK;TYPE=CELL`,
/// bare `WORK`), and old Android exports: `ENCODING=QUOTED-PRINTABLE` with soft line breaks and `CHARSET=`
/// (UTF-8 or Windows-1251; text that is not valid UTF-8 is read as Windows-1251).
public enum VCardReader {
    /// One contact card.
    public struct Card: Hashable, Sendable {
        /// FN: the name as displayed.
        public var formattedName: String?
        /// N: family name, given name, additional (middle) names.
        public var lastName: String?
        public var firstName: String?
        public var middleName: String?
        /// TEL, with its kind from TYPE.
        public var phones: [PhoneInput] = []
        /// EMAIL.
        public var emails: [String] = []
        /// ORG: the organization's name (its first component).
        public var organization: String?
        /// TITLE.
        public var title: String?
        /// ADR: the locality.
        public var city: String?
        /// ADR: the rest (P.O. box, extended address, street, region, postal code, country), joined by ", ".
        public var address: String?
        /// BDAY, when it has a year.
        public var birthday: LocalDate?
        /// NOTE.
        public var note: String?
        /// CATEGORIES.
        public var categories: [String] = []
    }

    /// Whether bytes look like a vCard file: `BEGIN:VCARD` first (after a BOM and blank lines), any case.
    public static func looksLikeVCard(_ bytes: [UInt8]) -> Bool {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        let start = body.drop { [0x20, 0x09, 0x0A, 0x0D].contains($0) }.prefix(11)
        return String(decoding: start, as: UTF8.self).uppercased() == "BEGIN:VCARD"
    }

    /// The cards in a file, in order. Lines outside `BEGIN:VCARD`…`END:VCARD` and unknown properties are ignored.
    public static func cards(_ bytes: [UInt8]) -> [Card] {
        var cards: [Card] = []
        var card: Card?
        for line in logicalLines(bytes) {
            guard let property = Property(line) else { continue }
            switch property.name {
            case "BEGIN" where property.text.uppercased() == "VCARD": card = Card()
            case "END" where property.text.uppercased() == "VCARD":
                if let finished = card { cards.append(finished) }
                card = nil
            default:
                if card != nil { card?.apply(property) }
            }
        }
        return cards
    }

    /// The header of ``table(_:)``: titles the contact import recognises.
    public static let columns = [
        "ФИО", "Фамилия", "Имя", "Отчество", "Мобильный телефон", "Рабочий телефон", "Домашний телефон", "Телефон", "E-mail",
        "Компания", "Должность", "Город", "Адрес", "День рождения", "Теги", "Комментарий",
    ]

    /// Cards as a table, the header first: one row per card, several phones or e-mails in one cell.
    public static func table(_ cards: [Card]) -> [[String]] {
        [columns]
            + cards.map { card in
                func phones(_ kinds: Set<PhoneKind>) -> String {
                    card.phones.filter { kinds.contains($0.kind) }.map(\.number).joined(separator: ", ")
                }
                return [
                    card.formattedName ?? "", card.lastName ?? "", card.firstName ?? "", card.middleName ?? "", phones([.mobile]),
                    phones([.work]), phones([.home]), phones([.fax, .other]), card.emails.joined(separator: ", "),
                    card.organization ?? "", card.title ?? "", card.city ?? "", card.address ?? "", card.birthday?.description ?? "",
                    card.categories.joined(separator: ", "), card.note ?? "",
                ]
            }
    }

    // MARK: Lines and properties

    // Lines with folding undone: a line starting with a space or tab continues the previous one (without that
    // character); a quoted-printable value ending in "=" continues on the next line (a soft line break).
    static func logicalLines(_ bytes: [UInt8]) -> [[UInt8]] {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        var physical: [ArraySlice<UInt8>] = []
        var start = body.startIndex
        var index = body.startIndex
        while index < body.endIndex {
            if body[index] == 0x0A || body[index] == 0x0D {
                physical.append(body[start..<index])
                if body[index] == 0x0D, index + 1 < body.endIndex, body[index + 1] == 0x0A { index += 1 }
                start = index + 1
            }
            index += 1
        }
        physical.append(body[start..<body.endIndex])
        var lines: [[UInt8]] = []
        var continuesQuotedPrintable = false
        for line in physical {
            if let first = line.first, first == 0x20 || first == 0x09, !lines.isEmpty {
                lines[lines.count - 1] += line.dropFirst()
            } else if continuesQuotedPrintable, !lines.isEmpty {
                lines[lines.count - 1] += line
            } else {
                if line.isEmpty { continue }
                lines.append(Array(line))
            }
            let current = lines.last ?? []
            continuesQuotedPrintable = current.last == UInt8(ascii: "=") && isQuotedPrintable(current)
            if continuesQuotedPrintable { lines[lines.count - 1].removeLast() }
        }
        return lines
    }

    // Whether a line's parameters (before the first colon) say quoted-printable.
    private static func isQuotedPrintable(_ line: [UInt8]) -> Bool {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return false }
        return String(decoding: line[..<colon], as: UTF8.self).uppercased().contains("QUOTED-PRINTABLE")
    }

    /// One content line: `[group.]NAME[;PARAM[=VALUE[,VALUE]]]*:VALUE`, its value decoded to text (escapes kept,
    /// since their meaning depends on the property).
    struct Property {
        var name: String
        var parameters: [String: [String]] = [:]
        var text: String

        init?(_ line: [UInt8]) {
            // The colon that ends the name and parameters is the first one outside a quoted parameter value.
            var quoted = false
            var colon: Int?
            for (index, byte) in line.enumerated() {
                if byte == UInt8(ascii: "\"") { quoted.toggle() }
                if byte == UInt8(ascii: ":"), !quoted {
                    colon = index
                    break
                }
            }
            guard let colon else { return nil }
            let head = String(decoding: line[..<colon], as: UTF8.self)
            var parts = head.split(separator: ";", omittingEmptySubsequences: true).map(String.init)
            guard !parts.isEmpty else { return nil }
            let qualified = parts.removeFirst()
            name = String(qualified.split(separator: ".").last ?? "").uppercased()
            for part in parts {
                let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
                if pair.count == 2 {
                    let values = pair[1].trimmingQuotes.split(separator: ",").map { String($0).trimmingQuotes.uppercased() }
                    parameters[pair[0].uppercased(), default: []] += values
                } else {
                    // vCard 2.1 writes bare values: TEL;WORK;VOICE, or QUOTED-PRINTABLE on its own.
                    let value = part.uppercased()
                    parameters[["QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"].contains(value) ? "ENCODING" : "TYPE", default: []]
                        .append(value)
                }
            }
            var value = Array(line[(colon + 1)...])
            if parameters["ENCODING"]?.contains("QUOTED-PRINTABLE") == true { value = Self.decodeQuotedPrintable(value) }
            let charset = parameters["CHARSET"]?.first ?? "UTF-8"
            if ["WINDOWS-1251", "CP1251"].contains(charset) {
                text = Windows1251.decode(value[...])
            } else {
                text = String(validating: value, as: UTF8.self) ?? Windows1251.decode(value[...])
            }
        }

        var types: Set<String> {
            Set((parameters["TYPE"] ?? []).flatMap { $0.split(separator: ",").map(String.init) })
        }

        static func decodeQuotedPrintable(_ bytes: [UInt8]) -> [UInt8] {
            var result: [UInt8] = []
            var index = 0
            while index < bytes.count {
                if bytes[index] == UInt8(ascii: "="), index + 2 < bytes.count,
                    let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
                {
                    result.append(high << 4 | low)
                    index += 3
                } else {
                    result.append(bytes[index])
                    index += 1
                }
            }
            return result
        }

        private static func hexValue(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            default: nil
            }
        }
    }

    /// Splits a value on a separator that is not escaped, then unescapes each part.
    static func components(_ text: String, separator: Character) -> [String] {
        var parts: [String] = []
        var current = ""
        var escaped = false
        for character in text {
            if escaped {
                switch character {
                case "n", "N": current += "\n"
                default: current.append(character)
                }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == separator {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        if escaped { current.append("\\") }
        parts.append(current)
        return parts
    }

    /// A whole value unescaped.
    static func unescaped(_ text: String) -> String {
        components(text, separator: "\u{0}").joined()
    }

    /// BDAY as 3.0 and 4.0 write it: `1986-09-05`, `19860905`, with or without a time (`…T000000Z`). Nil for a
    /// day without a year (`--0905`) or anything else.
    static func birthday(_ text: String) -> LocalDate? {
        let day = String(text.prefix { $0 != "T" && $0 != "t" }).trimmingCharacters(in: .whitespaces)
        if let iso = LocalDate(iso: day) { return iso }
        guard day.count == 8, day.allSatisfy({ $0.isASCII && $0.isNumber }), let year = Int(day.prefix(4)),
            let month = Int(day.dropFirst(4).prefix(2)), let date = Int(day.suffix(2))
        else { return LocalDate(typed: day) }
        return LocalDate(year: year, month: month, day: date)
    }
}

extension VCardReader.Card {
    fileprivate mutating func apply(_ property: VCardReader.Property) {
        let text = property.text
        func value() -> String? { VCardReader.unescaped(text).trimmedOrNil }
        switch property.name {
        case "FN": formattedName = value()
        case "N":
            let parts = VCardReader.components(text, separator: ";").map { $0.trimmedOrNil }
            lastName = parts.first ?? nil
            firstName = parts.count > 1 ? parts[1] : nil
            middleName = parts.count > 2 ? parts[2] : nil
        case "TEL":
            // 4.0 may write a URI: tel:+7-916-123-45-67.
            guard var number = value() else { return }
            if number.lowercased().hasPrefix("tel:") { number = String(number.dropFirst(4)) }
            let types = property.types
            let kind: PhoneKind =
                types.contains("FAX")
                ? .fax
                : types.contains("CELL") || types.contains("MOBILE") || types.contains("IPHONE")
                    ? .mobile
                    : types.contains("WORK")
                        ? .work : types.contains("HOME") ? .home : types.isEmpty || types == ["VOICE"] ? .mobile : .other
            phones.append(PhoneInput(number: number, kind: kind))
        case "EMAIL":
            if var address = value() {
                if address.lowercased().hasPrefix("mailto:") { address = String(address.dropFirst(7)) }
                emails.append(address)
            }
        case "ORG": organization = VCardReader.components(text, separator: ";").first?.trimmedOrNil
        case "TITLE": title = value()
        case "ADR":
            guard city == nil, address == nil else { return }
            let parts = VCardReader.components(text, separator: ";").map { $0.replacingOccurrences(of: "\n", with: ", ").trimmedOrNil }
            city = parts.count > 3 ? parts[3] : nil
            let rest = [0, 1, 2, 4, 5, 6].compactMap { parts.indices.contains($0) ? parts[$0] : nil }
            address = rest.isEmpty ? nil : rest.joined(separator: ", ")
        case "BDAY": birthday = VCardReader.birthday(VCardReader.unescaped(text))
        case "NOTE": note = value()
        case "CATEGORIES": categories += VCardReader.components(text, separator: ",").compactMap { $0.trimmedOrNil }
        default: break
        }
    }
}

extension String {
    fileprivate var trimmingQuotes: String {
        count >= 2 && hasPrefix("\"") && hasSuffix("\"") ? String(dropFirst().dropLast()) : self
    }
}
