import RapportCore
import Testing

@Suite("CSV writer")
struct CSVWriterTests {
    static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
    static let crlf: [UInt8] = [0x0D, 0x0A]

    func date(_ year: Int, _ month: Int, _ day: Int) -> LocalDate {
        LocalDate(year: year, month: month, day: day)!
    }

    /// The CSV of one data row under a one-column header "h", without the header.
    func line(_ cell: TableCell, _ flavor: CSVFlavor) -> [UInt8] {
        let bytes = CSVWriter.encode(Table(title: "", columns: ["h"], rows: [[cell]]), flavor: flavor)
        let headerLength = flavor == .utf8 ? 6 : 3  // BOM + "h\r\n", or "h\r\n"
        return Array(bytes.dropFirst(headerLength))
    }

    /// A data row's text in the UTF-8 flavour, without the line end.
    func utf8Field(_ cell: TableCell) -> String {
        String(decoding: line(cell, .utf8).dropLast(2), as: UTF8.self)
    }

    /// A data row's text in the Excel flavour, for ASCII-only output.
    func excelField(_ cell: TableCell) -> String {
        String(decoding: line(cell, .excelWindows).dropLast(2), as: UTF8.self)
    }

    // MARK: Whole files

    @Test("UTF-8 flavour: BOM, commas, CRLF after every record, ISO dates, decimal point")
    func utf8File() {
        let table = Table(
            title: "Сделки", columns: ["Имя", "Сумма", "Дата", "Доля", "Кол-во"],
            rows: [
                [.text("Иванов"), .decimal(12345, fractionDigits: 2), .date(date(2026, 1, 31)), .percent(0.25), .integer(3)],
                [.text("Ёлкин, Пётр"), .empty, .empty, .percent(0.125), .integer(-7)],
            ])
        let expected =
            Self.bom
            + Array("Имя,Сумма,Дата,Доля,Кол-во\r\nИванов,123.45,2026-01-31,25%,3\r\n\"Ёлкин, Пётр\",,,12.5%,-7\r\n".utf8)
        #expect(CSVWriter.encode(table, flavor: .utf8) == expected)
    }

    @Test("Excel flavour: Windows-1251, semicolons, CRLF, dates DD.MM.YYYY, decimal comma, no BOM")
    func excelFile() {
        let table = Table(
            title: "Сделки", columns: ["Имя", "Сумма"],
            rows: [[.text("Иванов"), .decimal(12345, fractionDigits: 2)], [.date(date(2026, 1, 31)), .percent(0.125)]])
        let expected: [UInt8] =
            [0xC8, 0xEC, 0xFF, 0x3B, 0xD1, 0xF3, 0xEC, 0xEC, 0xE0] + Self.crlf  // Имя;Сумма
            + [0xC8, 0xE2, 0xE0, 0xED, 0xEE, 0xE2, 0x3B] + Array("123,45".utf8) + Self.crlf  // Иванов;123,45
            + Array("31.01.2026;12,5%".utf8) + Self.crlf
        #expect(CSVWriter.encode(table, flavor: .excelWindows) == expected)
    }

    @Test("Flavours have stable names")
    func flavorNames() {
        #expect(CSVFlavor.allCases.map(\.rawValue) == ["utf8", "excel"])
        #expect(CSVFlavor(rawValue: "excel") == .excelWindows)
    }

    @Test("The title is not written; no columns means no header record, and an empty table is only the BOM")
    func emptyTables() {
        #expect(CSVWriter.encode(Table(title: "x", columns: [], rows: []), flavor: .utf8) == Self.bom)
        #expect(CSVWriter.encode(Table(title: "x", columns: [], rows: []), flavor: .excelWindows) == [])
        #expect(
            CSVWriter.encode(Table(title: "x", columns: [], rows: [[.integer(1)]]), flavor: .utf8) == Self.bom + Array("1\r\n".utf8))
    }

    @Test("Short rows are padded to the header's width; long rows are written in full")
    func rowWidths() {
        let table = Table(
            title: "", columns: ["a", "b", "c"], rows: [[.integer(1)], [.integer(1), .integer(2), .integer(3), .integer(4)], []])
        #expect(CSVWriter.encode(table, flavor: .utf8) == Self.bom + Array("a,b,c\r\n1,,\r\n1,2,3,4\r\n,,\r\n".utf8))
    }

    // MARK: Windows-1251

    @Test(
        "Cyrillic in Windows-1251",
        arguments: [
            ("Иванов", [0xC8, 0xE2, 0xE0, 0xED, 0xEE, 0xE2] as [UInt8]),
            ("АБВ абв", [0xC0, 0xC1, 0xC2, 0x20, 0xE0, 0xE1, 0xE2]),
            ("Ёё", [0xA8, 0xB8]),
            ("Яя", [0xDF, 0xFF]),
            ("№ 5", [0xB9, 0x20, 0x35]),
            ("«ООО»", [0xAB, 0xCE, 0xCE, 0xCE, 0xBB]),
            ("1–2—3", [0x31, 0x96, 0x32, 0x97, 0x33]),
            ("5 €", [0x35, 0x20, 0x88]),
            ("Ґ Є І Ї ґ є і ї", [0xA5, 0x20, 0xAA, 0x20, 0xB2, 0x20, 0xAF, 0x20, 0xB4, 0x20, 0xBA, 0x20, 0xB3, 0x20, 0xBF]),
            ("1\u{00A0}000", [0x31, 0xA0, 0x30, 0x30, 0x30]),
        ])
    func windows1251(_ text: String, _ expected: [UInt8]) {
        #expect(line(.text(text), .excelWindows) == expected + Self.crlf)
    }

    @Test("The whole upper half of the code page: 0x80…0xFF but the unassigned 0x98")
    func windows1251UpperHalf() {
        // Decoded from Windows-1251 by Python's cp1251 codec.
        let text =
            "\u{0402}\u{0403}\u{201A}\u{0453}\u{201E}\u{2026}\u{2020}\u{2021}\u{20AC}\u{2030}\u{0409}\u{2039}\u{040A}"
            + "\u{040C}\u{040B}\u{040F}\u{0452}\u{2018}\u{2019}\u{201C}\u{201D}\u{2022}\u{2013}\u{2014}\u{2122}\u{0459}"
            + "\u{203A}\u{045A}\u{045C}\u{045B}\u{045F}\u{00A0}\u{040E}\u{045E}\u{0408}\u{00A4}\u{0490}\u{00A6}\u{00A7}"
            + "\u{0401}\u{00A9}\u{0404}\u{00AB}\u{00AC}\u{00AD}\u{00AE}\u{0407}\u{00B0}\u{00B1}\u{0406}\u{0456}\u{0491}"
            + "\u{00B5}\u{00B6}\u{00B7}\u{0451}\u{2116}\u{0454}\u{00BB}\u{0458}\u{0405}\u{0455}\u{0457}\u{0410}\u{0411}"
            + "\u{0412}\u{0413}\u{0414}\u{0415}\u{0416}\u{0417}\u{0418}\u{0419}\u{041A}\u{041B}\u{041C}\u{041D}\u{041E}"
            + "\u{041F}\u{0420}\u{0421}\u{0422}\u{0423}\u{0424}\u{0425}\u{0426}\u{0427}\u{0428}\u{0429}\u{042A}\u{042B}"
            + "\u{042C}\u{042D}\u{042E}\u{042F}\u{0430}\u{0431}\u{0432}\u{0433}\u{0434}\u{0435}\u{0436}\u{0437}\u{0438}"
            + "\u{0439}\u{043A}\u{043B}\u{043C}\u{043D}\u{043E}\u{043F}\u{0440}\u{0441}\u{0442}\u{0443}\u{0444}\u{0445}"
            + "\u{0446}\u{0447}\u{0448}\u{0449}\u{044A}\u{044B}\u{044C}\u{044D}\u{044E}\u{044F}"
        let expected = (0x80...0xFF).filter { $0 != 0x98 }.map { UInt8($0) }
        #expect(line(.text(text), .excelWindows) == expected + Self.crlf)
    }

    @Test(
        "Characters Windows-1251 lacks become ?",
        arguments: [("😀", "?"), ("Ünal", "?nal"), ("café", "caf?"), ("北京", "??"), ("e\u{0301}", "?"), ("x\u{0301}", "x?")])
    func unrepresentable(_ text: String, _ expected: String) {
        #expect(excelField(.text(text)) == expected)
    }

    @Test("Letters typed with a combining mark are composed first: и + breve is й (0xE9), Е + diaeresis is Ё (0xA8)")
    func composedBeforeEncoding() {
        #expect(line(.text("и\u{0306}Е\u{0308}"), .excelWindows) == [0xE9, 0xA8] + Self.crlf)
    }

    @Test("The UTF-8 flavour keeps every character")
    func utf8KeepsEverything() {
        #expect(utf8Field(.text("😀 café 北京 №")) == "😀 café 北京 №")
    }

    // MARK: Quoting

    @Test(
        "RFC 4180 quoting in the UTF-8 flavour",
        arguments: [
            ("plain", "plain"), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("a\nb", "\"a\nb\""),
            ("a\r\nb", "\"a\r\nb\""), ("a\rb", "\"a\rb\""), ("a;b", "a;b"), ("\"", "\"\"\"\""), ("", ""),
        ])
    func utf8Quoting(_ text: String, _ expected: String) {
        #expect(utf8Field(.text(text)) == expected)
    }

    @Test("The Excel flavour quotes for semicolons, not commas", arguments: [("a;b", "\"a;b\""), ("a,b", "a,b"), ("x\"y", "\"x\"\"y\"")])
    func excelQuoting(_ text: String, _ expected: String) {
        #expect(excelField(.text(text)) == expected)
    }

    @Test("Header names are quoted and neutralized like any text")
    func headerQuoting() {
        let bytes = CSVWriter.encode(Table(title: "", columns: ["a,b", "=x"], rows: []), flavor: .utf8)
        #expect(bytes == Self.bom + Array("\"a,b\",'=x\r\n".utf8))
    }

    @Test("A file that would start with \"ID\" is quoted there, lest Excel take it for SYLK")
    func sylkGuard() {
        let idTable = Table(title: "", columns: ["ID", "ID"], rows: [[.text("ID")]])
        #expect(CSVWriter.encode(idTable, flavor: .excelWindows) == Array("\"ID\";ID\r\nID;\r\n".utf8))
        // The byte order mark already keeps the UTF-8 flavour from starting with "ID".
        #expect(CSVWriter.encode(idTable, flavor: .utf8) == Self.bom + Array("ID,ID\r\nID,\r\n".utf8))
        let lowercase = Table(title: "", columns: ["Id"], rows: [])
        #expect(CSVWriter.encode(lowercase, flavor: .excelWindows) == Array("Id\r\n".utf8))
    }

    // MARK: Formula injection

    @Test(
        "Text that a spreadsheet would evaluate gets a leading apostrophe",
        arguments: [
            ("=SUM(A1:A9)", "'=SUM(A1:A9)", "'=SUM(A1:A9)"), ("+7 912 000-00-00", "'+7 912 000-00-00", "'+7 912 000-00-00"),
            ("-5", "'-5", "'-5"), ("@cmd", "'@cmd", "'@cmd"), ("\tx", "'\tx", "'\tx"), ("\rx", "\"'\rx\"", "\"'\rx\""),
            ("=a,b", "\"'=a,b\"", "'=a,b"), ("=a;b", "'=a;b", "\"'=a;b\""),
            ("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"", "\"'=HYPERLINK(\"\"http://x\"\")\""),
        ])
    func formulaNeutralized(_ text: String, _ utf8: String, _ excel: String) {
        #expect(utf8Field(.text(text)) == utf8)
        #expect(excelField(.text(text)) == excel)
    }

    @Test("Harmless text and typed numbers are left alone", arguments: ["a=b", " =1", "'quoted", "5-3", "Иванов"])
    func harmlessText(_ text: String) {
        #expect(utf8Field(.text(text)) == text)
    }

    @Test("Negative numbers are typed cells, not text: no apostrophe")
    func negativeNumbers() {
        #expect(utf8Field(.integer(-5)) == "-5")
        #expect(utf8Field(.decimal(-150, fractionDigits: 2)) == "-1.50")
        #expect(utf8Field(.percent(-0.5)) == "-50%")
    }

    // MARK: Values

    @Test(
        "Exact decimals",
        arguments: [
            (12345 as Int64, 2, "123.45", "123,45"), (-5, 2, "-0.05", "-0,05"), (5, 0, "5", "5"), (-1, 3, "-0.001", "-0,001"),
            (0, 2, "0.00", "0,00"), (100, 2, "1.00", "1,00"), (5, -1, "5", "5"),
            (Int64.max, 2, "92233720368547758.07", "92233720368547758,07"),
            (Int64.min, 2, "-92233720368547758.08", "-92233720368547758,08"), (7, 20, "0.00000000000000000007", "0,00000000000000000007"),
        ])
    func decimals(_ units: Int64, _ digits: Int, _ utf8: String, _ excel: String) {
        #expect(utf8Field(.decimal(units, fractionDigits: digits)) == utf8)
        #expect(excelField(.decimal(units, fractionDigits: digits)) == excel)
    }

    @Test(
        "Percentages, rounded to four decimal places of a percent",
        arguments: [
            (0.25, "25%", "25%"), (0.125, "12.5%", "12,5%"), (0.07, "7%", "7%"), (1, "100%", "100%"), (0, "0%", "0%"),
            (-0.5, "-50%", "-50%"), (0.123456789, "12.3457%", "12,3457%"), (2.5, "250%", "250%"), (1e-9, "0%", "0%"),
            (Double.nan, "", ""), (Double.infinity, "", ""), (-Double.infinity, "", ""),
        ])
    func percentages(_ share: Double, _ utf8: String, _ excel: String) {
        #expect(utf8Field(.percent(share)) == utf8)
        #expect(excelField(.percent(share)) == excel)
    }

    @Test(
        "Integers",
        arguments: [(0 as Int64, "0"), (42, "42"), (-42, "-42"), (Int64.max, "9223372036854775807"), (Int64.min, "-9223372036854775808")])
    func integers(_ value: Int64, _ expected: String) {
        #expect(utf8Field(.integer(value)) == expected)
        #expect(excelField(.integer(value)) == expected)
    }

    @Test(
        "Dates",
        arguments: [
            (2026, 1, 31, "2026-01-31", "31.01.2026"), (2024, 2, 29, "2024-02-29", "29.02.2024"), (999, 3, 4, "0999-03-04", "04.03.0999"),
            (1, 1, 1, "0001-01-01", "01.01.0001"), (9999, 12, 31, "9999-12-31", "31.12.9999"),
        ])
    func dates(_ year: Int, _ month: Int, _ day: Int, _ utf8: String, _ excel: String) {
        #expect(utf8Field(.date(date(year, month, day))) == utf8)
        #expect(excelField(.date(date(year, month, day))) == excel)
    }

    @Test("Empty cells are empty fields")
    func emptyCells() {
        #expect(utf8Field(.empty) == "")
        #expect(utf8Field(.text("")) == "")
    }

    // MARK: Streaming

    @Test("Streaming gives the same bytes as encoding the whole table", arguments: CSVFlavor.allCases)
    func streamingEqualsOneShot(_ flavor: CSVFlavor) {
        let rows: [[TableCell]] = (0..<500).map { index in
            [
                .integer(Int64(index)), .text("Имя \(index), \"q\""), .decimal(Int64(index) * 101, fractionDigits: 2),
                .date(date(2026, 1 + index % 12, 1)),
            ]
        }
        let table = Table(title: "t", columns: ["№", "Имя", "Сумма", "Дата"], rows: rows)
        var stream = CSVWriter.Stream(columns: table.columns, flavor: flavor)
        var streamed = stream.header()
        for row in rows {
            streamed += stream.row(row)
        }
        let oneShot = CSVWriter.encode(table, flavor: flavor)
        #expect(streamed == oneShot)
        // And the stream really is line by line: the header's bytes, then each row's.
        #expect(oneShot.starts(with: CSVWriter.Stream(columns: table.columns, flavor: flavor).headerOnly()))
    }

    @Test("The header comes once: a second call is empty, and a first row brings it along")
    func headerOnce() {
        var stream = CSVWriter.Stream(columns: ["a"], flavor: .utf8)
        #expect(stream.header() == Self.bom + Array("a\r\n".utf8))
        #expect(stream.header() == [])
        #expect(stream.row([.integer(1)]) == Array("1\r\n".utf8))

        var lazy = CSVWriter.Stream(columns: ["a"], flavor: .utf8)
        #expect(lazy.row([.integer(1)]) == Self.bom + Array("a\r\n1\r\n".utf8))
        #expect(lazy.header() == [])
    }
}

extension CSVWriter.Stream {
    fileprivate func headerOnly() -> [UInt8] {
        var copy = self
        return copy.header()
    }
}
