/// Writes a table as an Excel workbook (Office Open XML, `.xlsx`) with one sheet, readable by Excel,
/// LibreOffice, Google Sheets and openpyxl.
///
/// The sheet has a bold header row frozen at the top, columns at least wide enough for a date, and typed cells:
/// - text as inline strings (never evaluated, so no formula injection; characters XML cannot hold are dropped;
///   text longer than Excel's 32,767-character cell limit is cut there);
/// - integers as numbers; exact decimals as numbers with grouped thousands and `fractionDigits` decimal
///   places shown (up to 10; the value itself keeps all its digits);
/// - percentages as numbers shown as `0.00%`;
/// - dates as day serial numbers with Excel's built-in short date format, which each reader shows in its own
///   locale (`31.12.2026` in Russian Excel). Dates before 1900-01-01, which Excel cannot hold, are written as
///   `YYYY-MM-DD` text.
///
/// The file is a ZIP archive with stored entries, written by ``ZipWriter``; the same table always gives the
/// same bytes.
public enum XLSXWriter {
    /// Encodes a whole table as a workbook.
    /// - Parameter table: the table; its title becomes the sheet name (see ``sheetName(for:)``).
    /// - Returns: the `.xlsx` file's bytes.
    public static func encode(_ table: Table) -> [UInt8] {
        var bytes: [UInt8] = []
        var stream = XLSXStream(title: table.title, columns: table.columns) { bytes += $0 }
        for row in table.rows {
            stream.append(row)
        }
        stream.finish()
        return bytes
    }

    /// The sheet name Excel accepts for a title: characters `[]:*?/\` become `_`, control characters are
    /// dropped, apostrophes at either end are removed, the name is cut to 31 characters (UTF-16 units),
    /// `Sheet1` stands in for an empty result and `History_` for Excel's reserved `History`.
    public static func sheetName(for title: String) -> String {
        var scalars: [Unicode.Scalar] = []
        var length = 0
        for scalar in title.unicodeScalars where scalar.value >= 0x20 && XMLText.isAllowed(scalar) {
            let width = scalar.utf16.count
            guard length + width <= 31 else { break }
            length += width
            scalars.append("[]:*?/\\".unicodeScalars.contains(scalar) ? "_" : scalar)
        }
        while scalars.first == "'" { scalars.removeFirst() }
        while scalars.last == "'" { scalars.removeLast() }
        var name = ""
        name.unicodeScalars.append(contentsOf: scalars)
        if name.isEmpty { return "Sheet1" }
        return name.lowercased() == "history" ? name + "_" : name
    }

    /// The day serial number Excel gives a date: days since 1899-12-30 (so 2026-01-01 is 46023), except that
    /// before 1900-03-01 it counts the 29 February 1900 that Lotus 1-2-3 believed in and Excel kept. Nil before
    /// 1900-01-01 (serial 1), where Excel has no dates.
    static func serialNumber(of date: LocalDate) -> Int? {
        let days = daysSinceEpoch(year: date.year, month: date.month, day: date.day)
        let march1900 = daysSinceEpoch(year: 1900, month: 3, day: 1)
        let january1900 = daysSinceEpoch(year: 1900, month: 1, day: 1)
        if days >= march1900 { return days - daysSinceEpoch(year: 1899, month: 12, day: 30) }
        if days >= january1900 { return days - january1900 + 1 }
        return nil
    }

    // Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's days_from_civil).
    private static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

/// A streaming XLSX writer: rows are encoded as they arrive and handed to a sink, so memory stays bounded.
///
/// Writes the same bytes as ``XLSXWriter/encode(_:)`` for the same rows. The sink receives the workbook's parts
/// on the first ``append(_:)`` (or ``finish()``), then the sheet in chunks of about 64 KiB, then the ZIP
/// directory on ``finish()``; the concatenation of what it receives is the file.
///
/// A sheet holds at most 1,048,576 rows (the header included) and 16,384 columns; rows beyond are dropped and
/// counted in ``droppedRowCount``, cells beyond are dropped.
public struct XLSXStream {
    /// The most rows a sheet can hold, the header row included.
    public static let maximumRowCount = 1_048_576
    /// The most columns a sheet can hold.
    public static let maximumColumnCount = 16_384

    /// The sheet name written, from the title by ``XLSXWriter/sheetName(for:)``.
    public let sheetName: String
    /// The header row.
    public let columns: [String]
    /// How many rows were dropped because the sheet was full.
    public private(set) var droppedRowCount = 0

    private let sink: (_ bytes: [UInt8]) -> Void
    private var zip = ZipWriter()
    private var pending: [UInt8] = []
    private var nextRowNumber = 1
    private var started = false
    private var finished = false
    private static let chunkSize = 64 * 1024

    /// Starts a workbook; nothing reaches the sink until the first row or ``finish()``.
    /// - Parameters:
    ///   - title: the sheet's name, made valid by ``XLSXWriter/sheetName(for:)``.
    ///   - columns: the header row.
    ///   - sink: receives the file's bytes in order.
    public init(title: String, columns: [String], sink: @escaping (_ bytes: [UInt8]) -> Void) {
        self.sheetName = XLSXWriter.sheetName(for: title)
        self.columns = columns
        self.sink = sink
    }

    /// Adds a row below the previous ones.
    /// - Parameter row: the cells from column A on; empty cells are left out of the file.
    public mutating func append(_ row: [TableCell]) {
        precondition(!finished, "XLSXStream: append after finish")
        start()
        guard nextRowNumber <= Self.maximumRowCount else {
            droppedRowCount += 1
            return
        }
        writeRow(Array(row.prefix(Self.maximumColumnCount)), style: nil)
    }

    /// Ends the workbook: the rest of the sheet and the ZIP directory go to the sink. A second call does nothing.
    public mutating func finish() {
        guard !finished else { return }
        start()
        finished = true
        pending += Array(#"</sheetData></worksheet>"#.utf8)
        var bytes = zip.writeFileData(pending)
        pending = []
        bytes += zip.endFile()
        bytes += zip.finish()
        sink(bytes)
    }

    private mutating func start() {
        guard !started else { return }
        started = true
        var bytes: [UInt8] = []
        for (path, text) in XLSXParts.fixed(sheetName: sheetName) {
            bytes += zip.addFile(path: path, contents: Array(text.utf8))
        }
        bytes += zip.beginFile(path: "xl/worksheets/sheet1.xml")
        sink(bytes)
        pending.reserveCapacity(Self.chunkSize + 4096)
        pending += Array(XLSXParts.sheetStart(columns: Array(columns.prefix(Self.maximumColumnCount))).utf8)
        if !columns.isEmpty {
            writeRow(columns.prefix(Self.maximumColumnCount).map { TableCell.text($0) }, style: XLSXParts.Style.header)
        }
    }

    private mutating func writeRow(_ cells: [TableCell], style: Int?) {
        let rowNumber = nextRowNumber
        nextRowNumber += 1
        var xml = ""
        for (index, cell) in cells.enumerated() {
            xml += XLSXParts.cell(cell, reference: XLSXParts.columnName(index) + String(rowNumber), style: style)
        }
        // A row with no values is simply absent: rows carry their own numbers.
        guard !xml.isEmpty else { return }
        pending += Array("<row r=\"\(rowNumber)\">".utf8)
        pending += Array(xml.utf8)
        pending += Array("</row>".utf8)
        if pending.count >= Self.chunkSize {
            sink(zip.writeFileData(pending))
            pending.removeAll(keepingCapacity: true)
        }
    }
}

/// The parts of the workbook and the sheet's XML.
enum XLSXParts {
    /// Indices into the `cellXfs` of styles.xml.
    enum Style {
        static let header = 1
        static let integer = 2
        static let date = 3
        static let percent = 4
        /// The style for a decimal with 0...``maximumFractionDigits`` digits is `decimalBase + digits`.
        static let decimalBase = 5
        static let maximumFractionDigits = 10
    }

    static let declaration = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
    static let mainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationshipTypes = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    /// Every part but the sheet, in the order written.
    static func fixed(sheetName: String) -> [(path: String, text: String)] {
        let contentTypes =
            declaration + #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#
            + #"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#
            + #"<Default Extension="xml" ContentType="application/xml"/>"#
            + #"<Override PartName="/xl/workbook.xml" "#
            + #"ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#
            + #"<Override PartName="/xl/worksheets/sheet1.xml" "#
            + #"ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
            + #"<Override PartName="/xl/styles.xml" "#
            + #"ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#
            + "</Types>"
        let packageRelationships =
            declaration + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
            + #"<Relationship Id="rId1" Type="\#(relationshipTypes)/officeDocument" Target="xl/workbook.xml"/>"#
            + "</Relationships>"
        let workbook =
            declaration + #"<workbook xmlns="\#(mainNamespace)" xmlns:r="\#(relationshipTypes)">"#
            + #"<sheets><sheet name="\#(XMLText.escaped(sheetName))" sheetId="1" r:id="rId1"/></sheets></workbook>"#
        let workbookRelationships =
            declaration + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
            + #"<Relationship Id="rId1" Type="\#(relationshipTypes)/worksheet" Target="worksheets/sheet1.xml"/>"#
            + #"<Relationship Id="rId2" Type="\#(relationshipTypes)/styles" Target="styles.xml"/>"#
            + "</Relationships>"
        return [
            ("[Content_Types].xml", contentTypes),
            ("_rels/.rels", packageRelationships),
            ("xl/workbook.xml", workbook),
            ("xl/_rels/workbook.xml.rels", workbookRelationships),
            ("xl/styles.xml", styles),
        ]
    }

    /// The number format of a decimal with this many digits: built-in 3 (`#,##0`) and 4 (`#,##0.00`), custom
    /// ones from 164 (the first id free for custom formats) for the others.
    static func decimalFormatID(digits: Int) -> Int {
        switch digits {
        case 0: 3
        case 1: 164
        case 2: 4
        default: 165 + digits - 3
        }
    }

    static let styles: String = {
        let customDigits = [1] + Array(3...Style.maximumFractionDigits)
        let customFormats = customDigits.map { digits in
            let zeros = String(repeating: "0", count: digits)
            return ##"<numFmt numFmtId="\##(decimalFormatID(digits: digits))" formatCode="#,##0.\##(zeros)"/>"##
        }
        func format(_ id: Int) -> String {
            #"<xf numFmtId="\#(id)" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"#
        }
        let decimalFormats = (0...Style.maximumFractionDigits).map { format(decimalFormatID(digits: $0)) }
        let cellFormats =
            [
                #"<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>"#,
                #"<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>"#,
                format(1),  // integer: "0", so that long numbers are not shown as 1.23E+11
                format(14),  // date: the locale's short date
                format(10),  // percent: "0.00%"
            ] + decimalFormats
        return declaration + #"<styleSheet xmlns="\#(mainNamespace)">"#
            + #"<numFmts count="\#(customFormats.count)">\#(customFormats.joined())</numFmts>"#
            + #"<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>"#
            + #"<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>"#
            + #"<fills count="2"><fill><patternFill patternType="none"/></fill>"#
            + #"<fill><patternFill patternType="gray125"/></fill></fills>"#
            + #"<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"#
            + #"<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>"#
            + #"<cellXfs count="\#(cellFormats.count)">\#(cellFormats.joined())</cellXfs>"#
            + #"<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>"#
            + "</styleSheet>"
    }()

    /// The sheet's XML up to the first row: the frozen header pane and the column widths.
    static func sheetStart(columns: [String]) -> String {
        var xml = declaration + #"<worksheet xmlns="\#(mainNamespace)">"#
        guard !columns.isEmpty else {
            return xml + #"<sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetData>"#
        }
        xml += #"<sheetViews><sheetView workbookViewId="0">"#
        xml += #"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
        xml += "</sheetView></sheetViews><cols>"
        for (index, column) in columns.enumerated() {
            // Wide enough for the header, and at least for a date: a narrower column shows "########".
            let width = min(60, max(12, column.count + 4))
            xml += #"<col min="\#(index + 1)" max="\#(index + 1)" width="\#(width)" customWidth="1"/>"#
        }
        return xml + "</cols><sheetData>"
    }

    /// One cell's XML, or "" for a cell with no value.
    static func cell(_ cell: TableCell, reference: String, style: Int?) -> String {
        func number(_ value: String, _ numberStyle: Int) -> String {
            #"<c r="\#(reference)" s="\#(style ?? numberStyle)"><v>\#(value)</v></c>"#
        }
        switch cell {
        case .text(let text):
            let content = XMLText.cellText(text)
            guard !content.isEmpty else { return "" }
            let styleAttribute = style.map { #" s="\#($0)""# } ?? ""
            // Without xml:space="preserve" Excel trims spaces at either end.
            let scalars = content.unicodeScalars
            let padded = scalars.first?.properties.isWhitespace == true || scalars.last?.properties.isWhitespace == true
            let space = padded ? #" xml:space="preserve""# : ""
            return #"<c r="\#(reference)"\#(styleAttribute) t="inlineStr"><is><t\#(space)>\#(XMLText.escaped(content))</t></is></c>"#
        case .integer(let value):
            return number(String(value), Style.integer)
        case .decimal(let units, let fractionDigits):
            let digits = min(max(0, fractionDigits), Style.maximumFractionDigits)
            return number(NumberText.decimal(units, fractionDigits: fractionDigits), Style.decimalBase + digits)
        case .percent(let share):
            guard share.isFinite else { return "" }
            return number(String(share), Style.percent)
        case .date(let date):
            guard let serial = XLSXWriter.serialNumber(of: date) else {
                return self.cell(.text(date.description), reference: reference, style: style)
            }
            return number(String(serial), Style.date)
        case .empty:
            return ""
        }
    }

    /// The column letters: 0 is A, 25 is Z, 26 is AA.
    static func columnName(_ index: Int) -> String {
        var number = index + 1
        var letters: [Unicode.Scalar] = []
        while number > 0 {
            let remainder = (number - 1) % 26
            letters.append(Unicode.Scalar(UInt8(ascii: "A") + UInt8(remainder)))
            number = (number - 1) / 26
        }
        var name = ""
        name.unicodeScalars.append(contentsOf: letters.reversed())
        return name
    }
}

/// Text made safe for XML and for Excel's reading of it.
enum XMLText {
    /// Excel's limit on the characters in a cell.
    static let maximumCellLength = 32_767

    /// Whether XML 1.0 allows the character at all (even escaped): not most C0 controls, U+FFFE or U+FFFF.
    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }

    /// A cell's text: without characters XML forbids, cut to Excel's limit, and with `_xHHHH_` sequences
    /// protected, since Excel (and openpyxl) would read them as escaped characters: `_x0041_` would show "A".
    static func cellText(_ text: String) -> String {
        var scalars: [Unicode.Scalar] = []
        var length = 0
        for scalar in text.unicodeScalars where isAllowed(scalar) {
            length += scalar.utf16.count
            guard length <= maximumCellLength else { break }
            scalars.append(scalar)
        }
        var result = ""
        result.unicodeScalars.reserveCapacity(scalars.count)
        for (index, scalar) in scalars.enumerated() {
            if scalar == "_", startsEscape(scalars, at: index) {
                // "_x005F_" is how Excel spells an underscore that must not start an escape.
                result += "_x005F"
            }
            result.unicodeScalars.append(scalar)
        }
        return result
    }

    /// `&`, `<`, `>` and `"` as entities, CR as a character reference (a raw one would be read as LF).
    static func escaped(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "\r": result += "&#13;"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func startsEscape(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        guard index + 6 < scalars.count, scalars[index + 1] == "x", scalars[index + 6] == "_" else { return false }
        return scalars[index + 2...index + 5].allSatisfy { $0.properties.isASCIIHexDigit }
    }
}
