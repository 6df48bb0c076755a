import Foundation

/// Why an XLSX file could not be read.
public enum XLSXError: Error, Hashable, Sendable {
    /// The ZIP container is broken (or a part inflates past the limit).
    case archive(ZipError)
    /// A ZIP archive, but without a workbook and a worksheet: not a spreadsheet.
    case notAWorkbook
    /// The sheet has more cells than the reader takes.
    case tooManyCells(limit: Int)
}

/// Reads the first worksheet of an XLSX workbook (Office Open XML, as Excel, LibreOffice, Google Sheets, openpyxl
/// and CRM exports write it) as rows of text, the way ``CSVReader`` gives a CSV file's records.
///
/// Cells are read by their reference, so sparse rows keep their columns; shared strings, inline strings (rich
/// text runs joined, phonetic hints dropped), numbers (as written, without float noise), booleans
/// (`TRUE`/`FALSE`), formula results and errors become text; a number in a cell whose number format shows a date
/// becomes an ISO date (`2026-11-30`, with ` HH:MM` when the format shows a time too), in the 1900 or 1904 date
/// system the workbook declares. Rows with no text at all are skipped, as blank lines of a CSV file are.
public enum XLSXReader {
    /// The most cells a sheet may have here.
    public static let maximumCells = 5_000_000

    /// The rows of the workbook's first sheet.
    /// - Parameters:
    ///   - bytes: the file.
    ///   - limit: the most bytes any one part of the file may inflate to (against zip bombs).
    /// - Throws: ``XLSXError``.
    public static func firstSheet(_ bytes: [UInt8], limit: Int = ZipReader.defaultLimit) throws(XLSXError) -> [[String]] {
        let archive: ZipReader
        do { archive = try ZipReader(bytes: bytes) } catch { throw .archive(error) }
        func part(_ path: String) throws(XLSXError) -> [UInt8]? {
            guard let entry = archive.entry(at: path) else { return nil }
            do { return try archive.contents(of: entry, limit: limit) } catch { throw .archive(error) }
        }
        guard let workbook = try part("xl/workbook.xml") else { throw .notAWorkbook }
        let book = Workbook(workbook)
        let relationships = try part("xl/_rels/workbook.xml.rels").map(Relationships.init) ?? Relationships()
        let sheetPath = book.firstSheetRelationship.flatMap { relationships.targets[$0] } ?? "xl/worksheets/sheet1.xml"
        guard let sheet = try part(sheetPath) else { throw .notAWorkbook }
        let sharedStrings = try part(relationships.sharedStrings ?? "xl/sharedStrings.xml").map(Self.sharedStrings) ?? []
        let dateStyles = try part(relationships.styles ?? "xl/styles.xml").map(Self.dateStyles) ?? [:]
        return try rows(sheet, sharedStrings: sharedStrings, dateStyles: dateStyles, uses1904: book.uses1904)
    }

    /// Whether bytes start like a ZIP archive (`PK\u{3}\u{4}`), as every XLSX file does.
    public static func looksLikeZip(_ bytes: [UInt8]) -> Bool {
        bytes.starts(with: [0x50, 0x4B, 0x03, 0x04])
    }

    // MARK: Parts

    private struct Workbook {
        var firstSheetRelationship: String?
        var uses1904 = false

        init(_ bytes: [UInt8]) {
            var scanner = XMLScanner(bytes)
            while let event = scanner.next() {
                guard case .start(let name, let attributes, _) = event else { continue }
                if name == "workbookPr" { uses1904 = ["1", "true"].contains(attributes["date1904"] ?? "") }
                if name == "sheet", firstSheetRelationship == nil { firstSheetRelationship = attributes["id"] }
            }
        }
    }

    private struct Relationships {
        var targets: [String: String] = [:]
        var sharedStrings: String?
        var styles: String?

        init() {}

        init(_ bytes: [UInt8]) {
            var scanner = XMLScanner(bytes)
            while let event = scanner.next() {
                guard case .start("Relationship", let attributes, _) = event, let id = attributes["Id"],
                    let target = attributes["Target"]
                else { continue }
                // Targets are relative to xl/ unless absolute within the package.
                let path = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
                targets[id] = path
                let type = attributes["Type"] ?? ""
                if type.hasSuffix("/sharedStrings") { sharedStrings = path }
                if type.hasSuffix("/styles") { styles = path }
            }
        }
    }

    private static func sharedStrings(_ bytes: [UInt8]) -> [String] {
        var strings: [String] = []
        var scanner = XMLScanner(bytes)
        var current = ""
        var inText = false
        var phoneticDepth = 0
        while let event = scanner.next() {
            switch event {
            case .start("si", _, let empty):
                current = ""
                if empty { strings.append("") }
            case .end("si"): strings.append(unescapedCellText(current))
            case .start("rPh", _, let empty): if !empty { phoneticDepth += 1 }
            case .end("rPh"): phoneticDepth -= 1
            case .start("t", _, let empty): inText = !empty && phoneticDepth == 0
            case .end("t"): inText = false
            case .text(let text): if inText { current += text }
            default: break
            }
        }
        return strings
    }

    // The cell styles (by index into cellXfs) whose number format shows a date, and whether it shows a time.
    private static func dateStyles(_ bytes: [UInt8]) -> [Int: Bool] {
        var customFormats: [Int: String] = [:]
        var styles: [Int: Bool] = [:]
        var inCellFormats = false
        var index = 0
        var scanner = XMLScanner(bytes)
        while let event = scanner.next() {
            switch event {
            case .start("numFmt", let attributes, _):
                if let id = attributes["numFmtId"].flatMap(Int.init), let code = attributes["formatCode"] { customFormats[id] = code }
            case .start("cellXfs", _, let empty): inCellFormats = !empty
            case .end("cellXfs"): inCellFormats = false
            case .start("xf", let attributes, _) where inCellFormats:
                let id = attributes["numFmtId"].flatMap(Int.init) ?? 0
                if let showsTime = dateFormat(id: id, code: customFormats[id]) { styles[index] = showsTime }
                index += 1
            default: break
            }
        }
        return styles
    }

    /// Whether a number format shows a date or a time of day: nil if not, else whether it shows a time. Built-in
    /// formats by id (14–22, 45 and 47 in every locale; 27–36 and 50–58 in East Asian ones); custom formats by
    /// their code, ignoring quoted text, escaped characters, `[…]` sections (colours, locales) and the sections
    /// for negative numbers and zero. Elapsed time (`[h]:mm`) is a duration, not a date.
    static func dateFormat(id: Int, code: String?) -> Bool? {
        switch id {
        case 14...17, 27...31, 34...36, 50...58: return false
        case 18...22, 32, 33, 45, 47: return true
        default: break
        }
        guard let code else { return nil }
        var plain = ""
        var quoted = false
        var bracketed = false
        var escaped = false
        var bracket = ""
        for character in code {
            if escaped {
                escaped = false
                continue
            }
            switch character {
            case "\"": quoted.toggle()
            case "\\" where !quoted: escaped = true
            case "[" where !quoted:
                bracketed = true
                bracket = ""
            case "]" where !quoted:
                bracketed = false
                // [h]:mm and the like count elapsed time: a duration, not a moment.
                if !bracket.isEmpty, bracket.lowercased().allSatisfy({ "hms".contains($0) }) { return nil }
            default:
                if bracketed { bracket.append(character) } else if !quoted { plain.append(character) }
            }
            // The first section (positive numbers) decides.
            if character == ";", !quoted, !bracketed {
                plain.removeLast()
                break
            }
        }
        let letters = Set(plain.lowercased())
        let showsDate = letters.contains("d") || letters.contains("y") || (letters.contains("m") && !letters.contains("h"))
        let showsTime = letters.contains("h") || letters.contains("s")
        // A time of day alone (hh:mm) still reads better as a time than as a fraction of a day.
        return showsDate || letters.contains("h") ? showsTime : nil
    }

    // MARK: The sheet

    private static func rows(_ bytes: [UInt8], sharedStrings: [String], dateStyles: [Int: Bool], uses1904: Bool) throws(XLSXError)
        -> [[String]]
    {
        var rows: [[String]] = []
        var row: [String] = []
        var cellCount = 0
        // The current cell.
        var column = 0
        var type = "n"
        var style = 0
        var value = ""
        var inValue = false
        var inInlineText = false
        var scanner = XMLScanner(bytes)
        func endRow() {
            if row.contains(where: { !$0.isEmpty }) { rows.append(row) }
            row = []
        }
        while let event = scanner.next() {
            switch event {
            case .start("row", _, let empty):
                row = []
                if empty { endRow() }
            case .end("row"): endRow()
            case .start("c", let attributes, let empty):
                column = attributes["r"].flatMap(columnIndex) ?? row.count
                type = attributes["t"] ?? "n"
                style = attributes["s"].flatMap(Int.init) ?? 0
                value = ""
                cellCount += 1
                guard cellCount <= maximumCells else { throw .tooManyCells(limit: maximumCells) }
                guard !empty else { continue }
            case .end("c"):
                let text: String
                switch type {
                case "s": text = Int(value.trimmed).flatMap { sharedStrings.indices.contains($0) ? sharedStrings[$0] : nil } ?? ""
                case "inlineStr", "str": text = unescapedCellText(value)
                case "b": text = value.trimmed == "1" ? "TRUE" : value.trimmed == "0" ? "FALSE" : value
                case "e": text = value
                default:
                    if let showsTime = dateStyles[style], let date = dateText(value.trimmed, showsTime: showsTime, uses1904: uses1904) {
                        text = date
                    } else {
                        text = numberText(value.trimmed)
                    }
                }
                // Columns past the end of the row so far are filled with empty cells (a sparse row).
                guard column < 16_384 else { continue }
                if column >= row.count { row += repeatElement("", count: column - row.count + 1) }
                row[column] = text
            case .start("v", _, let empty): inValue = !empty
            case .end("v"): inValue = false
            case .start("t", _, let empty): inInlineText = !empty
            case .end("t"): inInlineText = false
            case .text(let text): if inValue || inInlineText { value += text }
            default: break
            }
        }
        return rows
    }

    /// The zero-based column of a cell reference: "A1" is 0, "AA10" is 26. Nil when it has no column letters.
    static func columnIndex(_ reference: String) -> Int? {
        var index = 0
        var letters = 0
        for scalar in reference.unicodeScalars {
            let value = scalar.value
            guard (65...90).contains(value) || (97...122).contains(value) else { break }
            index = index * 26 + Int(value & 0x1F)
            letters += 1
            guard letters <= 3 else { return nil }
        }
        return letters == 0 ? nil : index - 1
    }

    /// A number as text without the noise of binary floating point: integers without ".0" or an exponent
    /// (so a phone saved as a number stays its digits), others rounded to 15 significant digits as Excel shows.
    static func numberText(_ raw: String) -> String {
        guard let number = Double(raw), number.isFinite else { return raw }
        if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        guard raw.count > 15 || raw.lowercased().contains("e") else { return raw }
        var text = String(format: "%.15g", number)
        if text.contains("e") { return text }
        if text.contains(".") {
            while text.last == "0" { text.removeLast() }
            if text.last == "." { text.removeLast() }
        }
        return text
    }

    /// A date cell's serial number as an ISO date (and time when the format shows one).
    static func dateText(_ raw: String, showsTime: Bool, uses1904: Bool) -> String? {
        guard let serial = Double(raw), serial.isFinite, serial >= 0, serial < 2_958_466 else { return nil }
        var days = Int(serial.rounded(.down))
        var minutes = Int(((serial - Double(days)) * 1440).rounded())
        if minutes == 1440 {
            days += 1
            minutes = 0
        }
        // Days since 1970-01-01. The 1900 system counts a 29 February 1900 that never was (serial 60), so serials
        // from 61 on are days since 1899-12-30 and those before since 1899-12-31.
        let epochDays: Int
        if uses1904 {
            epochDays = days - 24_107
        } else {
            guard days >= 1, days != 60 || showsTime else { return showsTime && days == 0 ? timeText(minutes) : nil }
            epochDays = days >= 61 ? days - 25_569 : days - 25_568
        }
        let date = civilDate(daysSinceEpoch: epochDays)
        guard showsTime else { return date }
        return minutes == 0 ? date : date + " " + timeText(minutes)
    }

    private static func timeText(_ minutes: Int) -> String {
        let hours = minutes / 60
        let rest = minutes % 60
        return (hours < 10 ? "0" : "") + String(hours) + ":" + (rest < 10 ? "0" : "") + String(rest)
    }

    // Howard Hinnant's civil_from_days: the Gregorian date `days` after 1970-01-01.
    private static func civilDate(daysSinceEpoch days: Int) -> String {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return LocalDate(year: year, month: month, day: day)?.description ?? ""
    }

    /// Undoes Excel's `_xHHHH_` escapes of characters XML cannot hold (`_x000D_` is a carriage return, `_x005F_`
    /// an underscore that must not start an escape).
    static func unescapedCellText(_ text: String) -> String {
        guard text.contains("_x") else { return text }
        var result = ""
        var rest = text[...]
        while let start = rest.range(of: "_x") {
            result += rest[..<start.lowerBound]
            let after = rest[start.upperBound...]
            let hex = after.prefix(4)
            if hex.count == 4, after.dropFirst(4).first == "_", let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value) {
                result.unicodeScalars.append(scalar)
                rest = after.dropFirst(5)
            } else {
                result += "_x"
                rest = after
            }
        }
        return result + rest
    }
}
