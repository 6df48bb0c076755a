/// One cell of an exported table.
///
/// Cells are typed so that each format can write a number as a number and a date as a date, rather
/// than guessing from text (which is how spreadsheets turn "00123" into 123 or "1-2" into a date).
public enum TableCell: Hashable, Sendable {
    /// Free text, written as text: spreadsheets never evaluate it.
    case text(String)
    /// A whole number.
    case integer(Int64)
    /// An exact decimal number: `units` scaled down by `fractionDigits` decimal places, e.g. 12345 kopecks with
    /// 2 digits is 123.45. Written from the integer digits, never through `Double`, so money stays exact.
    /// A negative `fractionDigits` is treated as 0.
    case decimal(Int64, fractionDigits: Int)
    /// A share where 1 is 100 %: 0.25 is 25 %. Not-a-number and infinities are written as an empty cell.
    case percent(Double)
    /// A calendar date.
    case date(LocalDate)
    /// No value.
    case empty
}

/// A table to export: a header row and rows of cells.
public struct Table: Hashable, Sendable {
    /// The table's name; XLSX uses it as the sheet name (made valid there, see ``XLSXWriter``).
    public var title: String
    /// The header row.
    public var columns: [String]
    /// The data rows. A row may be shorter than `columns` (the rest is empty) or longer (nothing is dropped).
    public var rows: [[TableCell]]

    /// Makes a table.
    /// - Parameters:
    ///   - title: the table's name, used as the XLSX sheet name.
    ///   - columns: the header row.
    ///   - rows: the data rows.
    public init(title: String, columns: [String], rows: [[TableCell]]) {
        self.title = title
        self.columns = columns
        self.rows = rows
    }
}

/// Number text shared by the CSV and XLSX writers.
enum NumberText {
    /// Writes `units / 10^fractionDigits` exactly, e.g. (12345, 2) as "123.45" and (-5, 2) as "-0.05".
    static func decimal(_ units: Int64, fractionDigits: Int, separator: Character = ".") -> String {
        // The magnitude as UInt64 so that Int64.min has one too.
        let digits = String(units.magnitude)
        let sign = units < 0 ? "-" : ""
        let scale = max(0, fractionDigits)
        guard scale > 0 else { return sign + digits }
        let padded = digits.count <= scale ? String(repeating: "0", count: scale - digits.count + 1) + digits : digits
        let split = padded.index(padded.endIndex, offsetBy: -scale)
        return sign + padded[..<split] + String(separator) + padded[split...]
    }

    /// Writes a share as a percentage number without the sign, rounded to four decimal places and without
    /// trailing zeros: 0.25 as "25", 0.125 as "12.5", 0.07 as "7" (not "7.000000000000001"). Nil when not finite.
    static func percentage(_ share: Double, separator: Character = ".") -> String? {
        guard share.isFinite else { return nil }
        let scaled = (share * 1_000_000).rounded()
        // Beyond Int64 the exact route is unavailable; such values are nonsense for a percentage anyway.
        guard abs(scaled) < 9e18 else {
            return String(share * 100).replacingOccurrences(".", with: separator)
        }
        var text = decimal(Int64(scaled), fractionDigits: 4, separator: separator)
        while text.last == "0" { text.removeLast() }
        if text.last == separator { text.removeLast() }
        return text
    }
}

extension String {
    fileprivate func replacingOccurrences(_ target: Character, with replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}
