/// Reads the CSV files people bring: UTF-8 with or without a BOM, or Windows-1251 as Russian Excel saves
/// it; separated by commas, semicolons or tabs (whichever the header line uses most); quoted per RFC 4180.
public enum CSVReader {
    /// The text encodings a file is recognised in.
    public enum Encoding: String, Sendable, Hashable, Codable {
        case utf8 = "utf-8"
        case windows1251 = "windows-1251"
    }

    /// A file's text and what was detected.
    public struct Document: Sendable, Hashable {
        /// The encoding the bytes were read in.
        public var encoding: Encoding
        /// The field separator.
        public var delimiter: Character
        /// The records, the header first.
        public var records: [[String]]
    }

    /// Decodes and splits a file. Bytes that are valid UTF-8 are UTF-8 (a BOM is dropped); anything else
    /// is Windows-1251, the only other encoding Russian spreadsheets write.
    public static func read(_ bytes: [UInt8]) -> Document {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        let text: String
        let encoding: Encoding
        if let utf8 = String(validating: body, as: UTF8.self) {
            (text, encoding) = (utf8, .utf8)
        } else {
            (text, encoding) = (Windows1251.decode(body), .windows1251)
        }
        let delimiter = detectDelimiter(text)
        return Document(encoding: encoding, delimiter: delimiter, records: parse(text, delimiter: delimiter))
    }

    /// The separator the first line uses most, outside quotes (comma when there is none).
    public static func detectDelimiter(_ text: String) -> Character {
        var counts: [Character: Int] = [",": 0, ";": 0, "\t": 0]
        var quoted = false
        for character in text {
            if character == "\"" { quoted.toggle() }
            if !quoted, character == "\n" || character == "\r\n" || character == "\r" { break }
            if !quoted, counts[character] != nil { counts[character, default: 0] += 1 }
        }
        // `max` keeps the first of equals: a line without separators is comma-separated.
        return [",", ";", "\t"].max { (counts[$0] ?? 0) < (counts[$1] ?? 0) } ?? ","
    }

    /// Splits text into records of fields (quotes may hold separators, doubled quotes and line breaks).
    /// Blank lines are skipped.
    public static func parse(_ text: String, delimiter: Character) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var afterQuote = false
        func endRecord() {
            record.append(field)
            if !(record.count == 1 && record[0].isEmpty) { records.append(record) }
            record = []
            field = ""
        }
        for character in text {
            if quoted {
                if character == "\"" {
                    quoted = false
                    afterQuote = true
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"":
                // A quote right after a closing quote is an escaped quote; at a field's start it opens quoting.
                if afterQuote { field.append("\"") }
                if afterQuote || field.isEmpty { quoted = true } else { field.append(character) }
                afterQuote = false
            case delimiter:
                record.append(field)
                field = ""
                afterQuote = false
            case "\n", "\r\n", "\r":
                endRecord()
                afterQuote = false
            default:
                field.append(character)
                afterQuote = false
            }
        }
        if !field.isEmpty || !record.isEmpty { endRecord() }
        return records
    }
}
