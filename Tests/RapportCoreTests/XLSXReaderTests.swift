import Testing

@testable import RapportCore

@Suite("XLSX reader")
struct XLSXReaderTests {
    @Test("A workbook openpyxl wrote: inline strings, numbers, booleans, dates and times, sparse rows, the first sheet only")
    func openpyxlWorkbook() throws {
        let rows = try XLSXReader.firstSheet(try Fixture.bytes("XLSX/contacts-openpyxl.xlsx"))
        #expect(
            rows == [
                ["ФИО", "Телефон", "E-mail", "Дата рождения", "Сумма", "VIP", "Теги", "Комментарий"],
                ["Иванов Иван Иванович", "79161234567", "ivan@example.ru", "1986-09-05", "1500.5", "TRUE", "опт, москва", "a & b <c>"],
                ["Петрова Анна", "+7 (916) 765-43-21", "", "2000-02-29", "0.3", "FALSE"],
                ["", "8 800 555-35-35", "", "", "", "", "", "строка\nвторая"],
                // Row 5 is absent from the file; a 20-digit number keeps 15 significant digits, as Excel shows it.
                ["Дата и время", "", "", "2026-11-30 14:05", "1.23456789012346e+19"],
            ])
    }

    @Test("A workbook shaped as Excel writes it: shared strings, relationships, prefixed names, built-in date format")
    func excelShapedWorkbook() throws {
        let rows = try XLSXReader.firstSheet(try Fixture.bytes("XLSX/excel-style.xlsx"))
        #expect(rows.count == 4)
        // Cells without a reference follow one another; an unstyled number stays a number.
        #expect(rows[0] == ["Название", "ИНН ", "2"])
        // Rich text runs are joined without their phonetic hint; serial 60 is Excel's 29 February 1900, which
        // never was, so it stays a number; a currency format is not a date.
        #expect(rows[1] == ["ООО «Ромашка»", "7707083893", "60", "99.5"])
        // "_x000D_" is a carriage return; a formula gives its cached result; an error its code.
        #expect(rows[2] == ["строка\r\nвторая", "", "1900-03-01", "", "2", "#DIV/0!"])
        // Row 4 holds only an empty string and is skipped; column AA is the 27th.
        #expect(rows[3] == [String](repeating: "", count: 26) + ["a<b"])
    }

    @Test("The 1904 date system (old Mac Excel) is honoured")
    func dates1904() throws {
        #expect(try XLSXReader.firstSheet(try Fixture.bytes("XLSX/dates-1904.xlsx")) == [["Дата"], ["2026-01-01"]])
    }

    @Test("What the XLSX writer writes reads back as the same text")
    func roundTrip() throws {
        let table = Table(
            title: "Export", columns: ["Имя", "Число", "Сумма", "Доля", "Дата", "Пусто", "Хитрый текст"],
            rows: [
                [
                    .text("Иванов"), .integer(42), .decimal(12345, fractionDigits: 2), .percent(0.25),
                    .date(LocalDate(year: 2026, month: 11, day: 30)!), .empty, .text("_x0041_ & <\u{1}>"),
                ],
                [
                    .text("00123"), .integer(-7), .decimal(-5, fractionDigits: 2), .percent(1),
                    .date(LocalDate(year: 1900, month: 1, day: 1)!), .empty, .text("=1+1"),
                ],
            ])
        let rows = try XLSXReader.firstSheet(XLSXWriter.encode(table))
        #expect(rows[0] == table.columns)
        #expect(rows[1] == ["Иванов", "42", "123.45", "0.25", "2026-11-30", "", "_x0041_ & <>"])
        #expect(rows[2] == ["00123", "-7", "-0.05", "1", "1900-01-01", "", "=1+1"])
    }

    @Test(
        "Number formats are dates by id or by code; quoted text, escapes, brackets and other sections do not count",
        arguments: [
            (14, nil, false as Bool?), (22, nil, true), (0, nil, nil), (4, nil, nil), (49, nil, nil),
            (164, "DD.MM.YYYY", false), (165, "yyyy-mm-dd h:mm:ss", true), (166, "mmm yy", false), (167, "[h]:mm", nil),
            (168, "hh:mm", true), (46, nil, nil), (169, #"0.00"р.""#, nil), (170, #"#,##0\ "д""#, nil), (171, "[$-419]d mmmm yyyy", false),
            (172, "[Red]0.00;[Blue]dd", nil), (173, "General", nil), (174, #""Дата: "0"#, nil),
        ] as [(Int, String?, Bool?)])
    func dateFormats(_ id: Int, _ code: String?, _ expected: Bool?) {
        #expect(XLSXReader.dateFormat(id: id, code: code) == expected)
    }

    @Test(
        "Serial numbers become ISO dates in both systems, with the time when shown",
        arguments: [
            ("1", false, false, "1900-01-01" as String?), ("59", false, false, "1900-02-28"), ("60", false, false, nil),
            ("61", false, false, "1900-03-01"), ("46022", false, false, "2025-12-31"), ("46023.75", false, true, "2026-01-01 18:00"),
            ("46023.9999999", false, true, "2026-01-02"), ("0", false, false, nil), ("-1", false, false, nil), ("x", false, false, nil),
            ("0", true, false, "1904-01-01"), ("44561", true, false, "2026-01-01"), ("46023", false, true, "2026-01-01"),
            ("0.5", false, true, "12:00"),
        ] as [(String, Bool, Bool, String?)])
    func serials(_ raw: String, _ uses1904: Bool, _ showsTime: Bool, _ expected: String?) {
        #expect(XLSXReader.dateText(raw, showsTime: showsTime, uses1904: uses1904) == expected)
    }

    @Test(
        "Numbers read as people typed them",
        arguments: [
            ("79161234567", "79161234567"), ("7.9161234567E10", "79161234567"), ("1500.5", "1500.5"), ("-0", "0"),
            ("0.30000000000000004", "0.3"), ("1E-3", "0.001"), ("abc", "abc"), ("1e300", "1e+300"),
        ])
    func numbers(_ raw: String, _ expected: String) {
        #expect(XLSXReader.numberText(raw) == expected)
    }

    @Test("Cell references give zero-based columns", arguments: [("A1", 0), ("Z9", 25), ("AA10", 26), ("XFD1", 16383), ("a1", 0)])
    func references(_ reference: String, _ column: Int) {
        #expect(XLSXReader.columnIndex(reference) == column)
    }

    @Test("A reference without column letters or with too many is not read")
    func badReferences() {
        #expect(XLSXReader.columnIndex("12") == nil)
        #expect(XLSXReader.columnIndex("ABCD1") == nil)
    }

    @Test("A ZIP without a workbook and a broken ZIP are reported")
    func notWorkbooks() throws {
        #expect(throws: XLSXError.notAWorkbook) { try XLSXReader.firstSheet(try Fixture.bytes("Deflate/mixed.zip")) }
        #expect(throws: XLSXError.archive(.notAnArchive)) { try XLSXReader.firstSheet([0x50, 0x4B, 0x03, 0x04, 1, 2, 3]) }
    }

    @Test("Files are recognised by content: a ZIP is a workbook, the rest is CSV")
    func sniffing() throws {
        let workbook = try TabularFile.read(try Fixture.bytes("XLSX/dates-1904.xlsx"))
        #expect(workbook.format == .xlsx)
        #expect(workbook.description == "xlsx")
        #expect(workbook.records == [["Дата"], ["2026-01-01"]])
        let csv = try TabularFile.read(Array("Имя;Телефон\nАнна;123\n".utf8))
        #expect(csv.format == .csv)
        #expect(csv.description == "utf-8")
        #expect(csv.records == [["Имя", "Телефон"], ["Анна", "123"]])
    }

    @Test("XML text: entities and character references decoded, unknown ones kept")
    func entities() {
        let text = Array("a &amp; b &lt;&gt;&quot;&apos; &#1071;&#x42F; &nbsp; & x".utf8)
        #expect(XMLScanner.decodeEntities(text[...]) == "a & b <>\"' ЯЯ &nbsp; & x")
    }
}
