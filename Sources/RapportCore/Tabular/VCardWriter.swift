/// vCard 3.0 (RFC 2426) cards of contacts, the format phones and mail programs import.
public enum VCardWriter {
    /// One card per contact, CRLF line ends, values escaped, long lines folded at 75 octets.
    public static func encode(_ contacts: [Contact], companyNames: [Company.ID: String] = [:]) -> String {
        var out = ""
        for contact in contacts {
            var lines = ["BEGIN:VCARD", "VERSION:3.0"]
            let parts = [contact.lastName, contact.firstName, contact.middleName].map { escape($0 ?? "") }
            lines.append("N:\(parts.joined(separator: ";"));;")
            lines.append("FN:\(escape(contact.displayName))")
            for phone in contact.phones {
                lines.append(
                    "TEL;TYPE=\(phone.kind == .work ? "WORK" : phone.kind == .home ? "HOME" : "CELL"):\(escape(phone.number.e164 ?? phone.number.raw))"
                )
            }
            for email in contact.emails { lines.append("EMAIL;TYPE=INTERNET:\(escape(email.address))") }
            if let company = contact.companies.first(where: \.isPrimary) ?? contact.companies.first,
                let name = companyNames[company.companyID]
            {
                lines.append("ORG:\(escape(name))")
            }
            if let position = contact.position { lines.append("TITLE:\(escape(position))") }
            if let birthday = contact.birthday { lines.append("BDAY:\(birthday.description)") }
            if contact.address != nil || contact.city != nil {
                lines.append("ADR;TYPE=WORK:;;\(escape(contact.address ?? ""));\(escape(contact.city ?? ""));;;")
            }
            if !contact.tags.isEmpty { lines.append("CATEGORIES:\(contact.tags.map(escape).joined(separator: ","))") }
            lines.append("UID:\(contact.id.rawValue)")
            lines.append("END:VCARD")
            for line in lines { out += fold(line) + "\r\n" }
        }
        return out
    }

    /// Backslash, comma, semicolon and line breaks escaped as vCard 3.0 requires.
    static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "\\": result += "\\\\"
            case ",": result += "\\,"
            case ";": result += "\\;"
            case "\n", "\r\n", "\r": result += "\\n"
            default: result.append(character)
            }
        }
        return result
    }

    /// Lines longer than 75 octets continue on the next line after a space, never splitting a character.
    static func fold(_ line: String) -> String {
        var result = ""
        var length = 0
        for character in line {
            let size = String(character).utf8.count
            if length + size > 75 {
                result += "\r\n "
                length = 1
            }
            result.append(character)
            length += size
        }
        return result
    }
}
