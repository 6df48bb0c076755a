/// A file someone brings to import, whatever its format: recognised by its content (not its name, which
/// browsers and people get wrong) and read as records of text, the header first.
public enum TabularFile {
    /// The formats recognised.
    public enum Format: String, Sendable, Hashable, Codable, CaseIterable {
        /// Comma-, semicolon- or tab-separated text (see ``CSVReader``).
        case csv
        /// An Excel workbook: its first sheet (see ``XLSXReader``).
        case xlsx
        /// vCard cards, one row each (see ``VCardReader/table(_:)``).
        case vcard
    }

    /// A file's records and what was detected.
    public struct Document: Sendable, Hashable {
        /// The format the content was recognised as.
        public var format: Format
        /// The text encoding: detected for CSV, UTF-8 for the others.
        public var encoding: CSVReader.Encoding
        /// The records, the header first.
        public var records: [[String]]

        /// What the file is called in a report: the encoding of a CSV file, else the format.
        public var description: String { format == .csv ? encoding.rawValue : format.rawValue }
    }

    /// Reads a file: a ZIP archive (`PK` header) is an XLSX workbook, `BEGIN:VCARD` starts vCards, anything else
    /// is CSV.
    /// - Throws: ``XLSXError`` when the file is a ZIP archive but not a readable workbook.
    public static func read(_ bytes: [UInt8]) throws(XLSXError) -> Document {
        if XLSXReader.looksLikeZip(bytes) {
            return Document(format: .xlsx, encoding: .utf8, records: try XLSXReader.firstSheet(bytes))
        }
        if VCardReader.looksLikeVCard(bytes) {
            return Document(format: .vcard, encoding: .utf8, records: VCardReader.table(VCardReader.cards(bytes)))
        }
        let csv = CSVReader.read(bytes)
        return Document(format: .csv, encoding: csv.encoding, records: csv.records)
    }

    /// A file as the text an import keeps and reads back one record at a time: a CSV file's own decoded text and
    /// separator, or a workbook's or vCards' records written as comma-separated text. A big CSV file is never
    /// split into records in memory all at once.
    public struct Text: Sendable {
        /// The format the content was recognised as.
        public var format: Format
        /// The text encoding: detected for CSV, UTF-8 for the others.
        public var encoding: CSVReader.Encoding
        /// The records as CSV text.
        public var text: String
        /// The field separator of ``text``.
        public var delimiter: Character

        /// What the file is called in a report: the encoding of a CSV file, else the format.
        public var description: String { format == .csv ? encoding.rawValue : format.rawValue }

        /// The records, the header first.
        public var records: CSVReader.Records { CSVReader.Records(text, delimiter: delimiter) }
    }

    /// Reads a file as ``Text`` (recognised as in ``read(_:)``).
    /// - Throws: ``XLSXError`` when the file is a ZIP archive but not a readable workbook.
    public static func text(_ bytes: [UInt8]) throws(XLSXError) -> Text {
        guard XLSXReader.looksLikeZip(bytes) || VCardReader.looksLikeVCard(bytes) else {
            let (text, encoding) = CSVReader.decode(bytes)
            return Text(format: .csv, encoding: encoding, text: text, delimiter: CSVReader.detectDelimiter(text))
        }
        let document = try read(bytes)
        return Text(format: document.format, encoding: document.encoding, text: CSVReader.text(document.records), delimiter: ",")
    }
}
