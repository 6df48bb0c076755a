import Foundation

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
        let (text, encoding) = decode(bytes)
        let delimiter = detectDelimiter(text)
        return Document(encoding: encoding, delimiter: delimiter, records: parse(text, delimiter: delimiter))
    }

    /// A file's text and its encoding (see ``read(_:)``), for reading its records one at a time.
    public static func decode(_ bytes: [UInt8]) -> (text: String, encoding: Encoding) {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if let utf8 = String(validating: body, as: UTF8.self) { return (utf8, .utf8) }
        return (Windows1251.decode(body), .windows1251)
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
        Array(Records(text, delimiter: delimiter))
    }

    /// Records as comma-separated text that ``parse(_:delimiter:)`` reads back to the same records: fields
    /// quoted where they hold a comma, a quote or a line break. (For keeping records, not for people: see
    /// ``CSVWriter`` for files that open in spreadsheets.)
    public static func text(_ records: [[String]], delimiter: Character = ",") -> String {
        records.map { line(of: $0, delimiter: delimiter) }.joined(separator: "\n")
    }

    /// One record as a line of ``text(_:delimiter:)``.
    public static func line(of record: [String], delimiter: Character = ",") -> String {
        record.map { field in
            field.contains(where: { $0 == delimiter || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }.joined(separator: String(delimiter))
    }

    /// The records of a text, read one at a time as they are asked for, so a file of a million rows is never
    /// held as a million arrays (see ``parse(_:delimiter:)`` for the rules).
    ///
    /// It reads the text's UTF-8 bytes: the separators, quotes and line breaks are all ASCII, and a byte of
    /// a multi-byte character is never ASCII, so no character is split.
    public struct Records: Sequence, IteratorProtocol, Sendable {
        private let bytes: String.UTF8View
        private var position: String.Index
        private let delimiter: UInt8

        /// Reads `text`, fields separated by `delimiter` (a comma, semicolon or tab).
        public init(_ text: String, delimiter: Character) {
            self.bytes = text.utf8
            self.position = text.utf8.startIndex
            self.delimiter = delimiter.asciiValue ?? UInt8(ascii: ",")
        }

        /// Where the next record starts: the text after it is the rest of the file.
        public var offset: String.Index { position }

        /// The next record that is not a blank line, or nil at the end of the text.
        public mutating func next() -> [String]? {
            let (quote, cr, lf) = (UInt8(ascii: "\""), UInt8(ascii: "\r"), UInt8(ascii: "\n"))
            var record: [String] = []
            var field: [UInt8] = []
            var quoted = false
            var afterQuote = false
            while position < bytes.endIndex {
                let byte = bytes[position]
                bytes.formIndex(after: &position)
                if quoted {
                    if byte == quote {
                        quoted = false
                        afterQuote = true
                    } else {
                        field.append(byte)
                    }
                    continue
                }
                switch byte {
                case quote:
                    // A quote right after a closing quote is an escaped quote; at a field's start it opens quoting.
                    if afterQuote { field.append(quote) }
                    if afterQuote || field.isEmpty { quoted = true } else { field.append(byte) }
                    afterQuote = false
                case delimiter:
                    record.append(String(decoding: field, as: UTF8.self))
                    field.removeAll(keepingCapacity: true)
                    afterQuote = false
                case cr, lf:
                    // CR LF is one line break.
                    if byte == cr, position < bytes.endIndex, bytes[position] == lf { bytes.formIndex(after: &position) }
                    afterQuote = false
                    if record.isEmpty && field.isEmpty { continue }
                    record.append(String(decoding: field, as: UTF8.self))
                    return record
                default:
                    field.append(byte)
                    afterQuote = false
                }
            }
            guard !record.isEmpty || !field.isEmpty else { return nil }
            record.append(String(decoding: field, as: UTF8.self))
            return record
        }
    }
}
