import RapportCore
import Testing

@Suite("XLSX writer")
struct XLSXWriterTests {
    static let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    static let sheetHead =
        declaration + #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#
        + #"<sheetViews><sheetView workbookViewId="0">"#
        + #"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>"#

    func date(_ year: Int, _ month: Int, _ day: Int) -> LocalDate {
        LocalDate(year: year, month: month, day: day)!
    }

    func part(_ path: String, of bytes: [UInt8]) throws -> String {
        String(decoding: try ZipReader(bytes: bytes).contents(at: path), as: UTF8.self)
    }

    func sheet(_ table: Table) throws -> String {
        try part("xl/worksheets/sheet1.xml", of: XLSXWriter.encode(table))
    }

    /// The XML of row 2 (the first data row) under a one-column header, without the row element; "" if absent.
    func dataRow(_ cells: [TableCell]) throws -> String {
        let xml = try sheet(Table(title: "t", columns: ["h"], rows: [cells]))
        guard let start = xml.range(of: #"<row r="2">"#), let end = xml.range(of: "</row>", range: start.upperBound..<xml.endIndex)
        else { return "" }
        return String(xml[start.upperBound..<end.lowerBound])
    }

    // MARK: Package

    @Test("The package holds the six parts, in order, with their exact relationships and content types")
    func packageParts() throws {
        let bytes = XLSXWriter.encode(Table(title: "Tom & \"Jerry\"", columns: ["a"], rows: []))
        let reader = try ZipReader(bytes: bytes)
        #expect(
            reader.entries.map(\.path) == [
                "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
                "xl/worksheets/sheet1.xml",
            ])
        #expect(reader.entries.allSatisfy { $0.compressionMethod == 0 })
        #expect(
            try part("[Content_Types].xml", of: bytes)
                == Self.declaration
                + #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#
                + #"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#
                + #"<Default Extension="xml" ContentType="application/xml"/>"#
                + #"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#
                + #"<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
                + #"<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#
                + "</Types>")
        #expect(
            try part("_rels/.rels", of: bytes)
                == Self.declaration
                + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
                + #"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>"#
                + "</Relationships>")
        #expect(
            try part("xl/workbook.xml", of: bytes)
                == Self.declaration
                + #"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#
                + #"<sheets><sheet name="Tom &amp; &quot;Jerry&quot;" sheetId="1" r:id="rId1"/></sheets></workbook>"#)
        #expect(
            try part("xl/_rels/workbook.xml.rels", of: bytes)
                == Self.declaration
                + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
                + #"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>"#
                + #"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#
                + "</Relationships>")
    }

    @Test("Styles: plain, bold header, integer, date, percent, then decimals with 0 to 10 digits")
    func styles() throws {
        let styles = try part("xl/styles.xml", of: XLSXWriter.encode(Table(title: "t", columns: [], rows: [])))
        let cellFormats = try #require(styles.components(separatedBy: "<cellXfs").last?.components(separatedBy: "</cellXfs>").first)
        let formatIDs = cellFormats.components(separatedBy: "<xf ").dropFirst().map { xf in
            xf.components(separatedBy: "numFmtId=\"")[1].prefix { $0 != "\"" }
        }
        #expect(formatIDs == ["0", "0", "1", "14", "10", "3", "164", "4", "165", "166", "167", "168", "169", "170", "171", "172"])
        #expect(cellFormats.contains(#"<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>"#))
        #expect(styles.contains(#"<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>"#))
        #expect(
            styles.contains(
                ##"<numFmts count="9"><numFmt numFmtId="164" formatCode="#,##0.0"/><numFmt numFmtId="165" formatCode="#,##0.000"/>"##))
        #expect(styles.contains(##"<numFmt numFmtId="172" formatCode="#,##0.0000000000"/></numFmts>"##))
    }

    // MARK: The sheet

    @Test("A small table's sheet, exactly: bold frozen header, widths, inline strings, typed numbers and dates")
    func smallSheet() throws {
        let table = Table(
            title: "Сделки", columns: ["Клиент", "Сумма", "Дата", "Доля", "Штук", "Номер договора поставки"],
            rows: [
                [
                    .text("ООО «Ромашка» & Co <b>"), .decimal(12345, fractionDigits: 2), .date(date(2026, 1, 1)), .percent(0.25),
                    .integer(3),
                ],
                [.empty, .decimal(-5, fractionDigits: 0), .empty, .percent(0.125), .integer(-42), .text(" № 7 ")],
                [],
            ])
        let expected =
            Self.sheetHead + "<cols>"
            + #"<col min="1" max="1" width="12" customWidth="1"/><col min="2" max="2" width="12" customWidth="1"/>"#
            + #"<col min="3" max="3" width="12" customWidth="1"/><col min="4" max="4" width="12" customWidth="1"/>"#
            + #"<col min="5" max="5" width="12" customWidth="1"/><col min="6" max="6" width="27" customWidth="1"/>"#
            + "</cols><sheetData>"
            + #"<row r="1"><c r="A1" s="1" t="inlineStr"><is><t>Клиент</t></is></c>"#
            + #"<c r="B1" s="1" t="inlineStr"><is><t>Сумма</t></is></c><c r="C1" s="1" t="inlineStr"><is><t>Дата</t></is></c>"#
            + #"<c r="D1" s="1" t="inlineStr"><is><t>Доля</t></is></c><c r="E1" s="1" t="inlineStr"><is><t>Штук</t></is></c>"#
            + #"<c r="F1" s="1" t="inlineStr"><is><t>Номер договора поставки</t></is></c></row>"#
            + #"<row r="2"><c r="A2" t="inlineStr"><is><t>ООО «Ромашка» &amp; Co &lt;b&gt;</t></is></c>"#
            + #"<c r="B2" s="7"><v>123.45</v></c><c r="C2" s="3"><v>46023</v></c><c r="D2" s="4"><v>0.25</v></c>"#
            + #"<c r="E2" s="2"><v>3</v></c></row>"#
            + #"<row r="3"><c r="B3" s="5"><v>-5</v></c><c r="D3" s="4"><v>0.125</v></c><c r="E3" s="2"><v>-42</v></c>"#
            + #"<c r="F3" t="inlineStr"><is><t xml:space="preserve"> № 7 </t></is></c></row>"#
            + "</sheetData></worksheet>"
        #expect(try sheet(table) == expected)
    }

    @Test("Without columns there is no header row, pane or widths; data starts at row 1")
    func noColumns() throws {
        let expected =
            Self.declaration + #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#
            + #"<sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetData>"#
            + #"<row r="1"><c r="A1" s="2"><v>1</v></c></row></sheetData></worksheet>"#
        #expect(try sheet(Table(title: "t", columns: [], rows: [[.integer(1)]])) == expected)
    }

    @Test("Column widths follow the header, between 12 and 60")
    func columnWidths() throws {
        let xml = try sheet(
            Table(title: "t", columns: ["", String(repeating: "x", count: 20), String(repeating: "y", count: 100)], rows: []))
        #expect(
            xml.contains(
                #"<cols><col min="1" max="1" width="12" customWidth="1"/><col min="2" max="2" width="24" customWidth="1"/>"#
                    + #"<col min="3" max="3" width="60" customWidth="1"/></cols>"#))
        // An empty header name leaves its cell out.
        #expect(xml.contains(#"<row r="1"><c r="B1" s="1""#))
    }

    @Test(
        "Typed cells",
        arguments: [
            (TableCell.integer(42), #"<c r="A2" s="2"><v>42</v></c>"#),
            (.integer(Int64.min), #"<c r="A2" s="2"><v>-9223372036854775808</v></c>"#),
            (.decimal(12345, fractionDigits: 2), #"<c r="A2" s="7"><v>123.45</v></c>"#),
            (.decimal(7, fractionDigits: 0), #"<c r="A2" s="5"><v>7</v></c>"#),
            (.decimal(-5, fractionDigits: 3), #"<c r="A2" s="8"><v>-0.005</v></c>"#),
            (.decimal(1, fractionDigits: 12), #"<c r="A2" s="15"><v>0.000000000001</v></c>"#),
            (.decimal(5, fractionDigits: -2), #"<c r="A2" s="5"><v>5</v></c>"#),
            (.percent(0.25), #"<c r="A2" s="4"><v>0.25</v></c>"#),
            (.percent(-1.5), #"<c r="A2" s="4"><v>-1.5</v></c>"#),
            (.percent(.nan), ""),
            (.percent(.infinity), ""),
            (.text("Иванов"), #"<c r="A2" t="inlineStr"><is><t>Иванов</t></is></c>"#),
            (.text("=1+1"), #"<c r="A2" t="inlineStr"><is><t>=1+1</t></is></c>"#),
            (.text(""), ""),
            (.empty, ""),
        ])
    func typedCells(_ cell: TableCell, _ expected: String) throws {
        #expect(try dataRow([cell]) == expected)
    }

    @Test(
        "Dates are Excel serial numbers, counting the phantom 1900-02-29",
        arguments: [
            (1900, 1, 1, 1), (1900, 2, 28, 59), (1900, 3, 1, 61), (1970, 1, 1, 25569), (2000, 1, 1, 36526),
            (2024, 2, 29, 45351), (2026, 1, 1, 46023), (9999, 12, 31, 2_958_465),
        ])
    func dateSerials(_ year: Int, _ month: Int, _ day: Int, _ serial: Int) throws {
        #expect(try dataRow([.date(date(year, month, day))]) == #"<c r="A2" s="3"><v>\#(serial)</v></c>"#)
    }

    @Test("Dates before 1900, which Excel cannot hold, are ISO text", arguments: [(1899, 12, 31, "1899-12-31"), (1, 1, 1, "0001-01-01")])
    func earlyDates(_ year: Int, _ month: Int, _ day: Int, _ text: String) throws {
        #expect(try dataRow([.date(date(year, month, day))]) == #"<c r="A2" t="inlineStr"><is><t>\#(text)</t></is></c>"#)
    }

    @Test(
        "Text is escaped, stripped of characters XML forbids, and keeps its spaces",
        arguments: [
            ("a & b", "<t>a &amp; b</t>"), ("<x>", "<t>&lt;x&gt;</t>"), ("\"q\" 'a'", "<t>&quot;q&quot; 'a'</t>"),
            ("bell\u{7}ring\u{0}", "<t>bellring</t>"), ("a\u{FFFE}b\u{FFFF}", "<t>ab</t>"), ("a\r\nb", "<t>a&#13;\nb</t>"),
            ("a\tb", "<t>a\tb</t>"), (" lead", #"<t xml:space="preserve"> lead</t>"#),
            ("trail\n", "<t xml:space=\"preserve\">trail\n</t>"), ("😀 北京", "<t>😀 北京</t>"),
            ("_x0041_", "<t>_x005F_x0041_</t>"), ("a_x00e9_b", "<t>a_x005F_x00e9_b</t>"), ("_x00_", "<t>_x00_</t>"),
            ("_xZZZZ_", "<t>_xZZZZ_</t>"), ("_x0041", "<t>_x0041</t>"),
        ])
    func textEscaping(_ text: String, _ expected: String) throws {
        #expect(try dataRow([.text(text)]) == #"<c r="A2" t="inlineStr"><is>\#(expected)</is></c>"#)
    }

    @Test("Only forbidden characters: no cell at all")
    func onlyForbidden() throws {
        #expect(try dataRow([.text("\u{1}\u{2}")]) == "")
    }

    @Test("Text is cut at Excel's 32,767-character limit, never inside a surrogate pair")
    func longText() throws {
        let long = try dataRow([.text(String(repeating: "a", count: 40_000))])
        #expect(long == #"<c r="A2" t="inlineStr"><is><t>\#(String(repeating: "a", count: 32_767))</t></is></c>"#)
        let straddling = try dataRow([.text(String(repeating: "a", count: 32_766) + "😀b")])
        #expect(straddling == #"<c r="A2" t="inlineStr"><is><t>\#(String(repeating: "a", count: 32_766))</t></is></c>"#)
    }

    @Test("Column letters run A…Z, AA…AZ, BA…ZZ, AAA… and stop at XFD, the 16,384th")
    func columnLetters() throws {
        let row = try dataRow((1...16_385).map { TableCell.integer(Int64($0)) })
        for (reference, value) in [
            ("A2", 1), ("Z2", 26), ("AA2", 27), ("AZ2", 52), ("BA2", 53), ("ZZ2", 702), ("AAA2", 703), ("XFD2", 16_384),
        ] {
            #expect(row.contains(#"<c r="\#(reference)" s="2"><v>\#(value)</v></c>"#))
        }
        #expect(!row.contains("16385"))
    }

    @Test(
        "Sheet names Excel accepts",
        arguments: [
            ("Сделки", "Сделки"), ("a[b]c:d*e?f/g\\h", "a_b_c_d_e_f_g_h"), ("'quoted'", "quoted"), ("it's", "it's"),
            ("", "Sheet1"), ("'''", "Sheet1"), ("History", "History_"), ("HISTORY", "HISTORY_"), ("Histories", "Histories"),
            ("abcdefghijklmnopqrstuvwxyz0123456789", "abcdefghijklmnopqrstuvwxyz01234"),
            ("Контакты и компании за январь 2026", "Контакты и компании за январь 2"), ("Tab\there\u{0}", "Tabhere"),
            ("😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀", "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀"), ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'x", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
        ])
    func sheetNames(_ title: String, _ expected: String) throws {
        #expect(XLSXWriter.sheetName(for: title) == expected)
        let workbook = try part("xl/workbook.xml", of: XLSXWriter.encode(Table(title: title, columns: [], rows: [])))
        #expect(workbook.contains(#"<sheet name="\#(expected)" sheetId="1" r:id="rId1"/>"#))
    }

    // MARK: Streaming

    @Test("Streaming gives the same bytes as encoding the whole table, in several chunks")
    func streamingEqualsOneShot() throws {
        let rows: [[TableCell]] = (0..<5_000).map { index in
            [
                .integer(Int64(index)), .text("Клиент \(index) & Co"), .decimal(Int64(index) * 1_001, fractionDigits: 2),
                .date(date(2026, 1 + index % 12, 28)),
            ]
        }
        let table = Table(title: "Отчёт", columns: ["№", "Клиент", "Сумма", "Дата"], rows: rows)
        var chunks: [[UInt8]] = []
        var stream = XLSXStream(title: table.title, columns: table.columns) { chunks.append($0) }
        #expect(chunks.isEmpty)  // nothing is written before the first row
        for row in rows {
            stream.append(row)
        }
        let beforeFinish = chunks.count
        stream.finish()
        stream.finish()
        #expect(chunks.count == beforeFinish + 1)  // one more chunk; the second finish does nothing
        #expect(chunks.count > 5)  // the sheet went out in pieces as it grew
        let streamed = chunks.flatMap { $0 }
        #expect(streamed == XLSXWriter.encode(table))
        let xml = try part("xl/worksheets/sheet1.xml", of: streamed)
        #expect(xml.contains(#"<row r="5001"><c r="A5001" s="2"><v>4999</v></c>"#))
        #expect(xml.hasSuffix("</sheetData></worksheet>"))
    }

    @Test("An empty stream still makes a whole workbook")
    func emptyStream() throws {
        var bytes: [UInt8] = []
        var stream = XLSXStream(title: "t", columns: ["a"]) { bytes += $0 }
        stream.finish()
        #expect(try ZipReader(bytes: bytes).entries.count == 6)
        #expect(bytes == XLSXWriter.encode(Table(title: "t", columns: ["a"], rows: [])))
    }

    @Test("The same table always gives the same bytes")
    func deterministic() {
        let table = Table(title: "t", columns: ["a"], rows: [[.date(date(2026, 5, 1))], [.percent(0.5)]])
        #expect(XLSXWriter.encode(table) == XLSXWriter.encode(table))
    }

    @Test("Rows past Excel's 1,048,576 are dropped and counted")
    func rowLimit() throws {
        var bytes: [UInt8] = []
        var stream = XLSXStream(title: "t", columns: ["h"]) { bytes += $0 }
        // The header is row 1; these empty rows take rows 2…1,048,575 without writing anything.
        for _ in 0..<1_048_574 {
            stream.append([])
        }
        stream.append([.integer(7)])
        #expect(stream.droppedRowCount == 0)
        stream.append([.integer(8)])
        stream.append([])
        #expect(stream.droppedRowCount == 2)
        stream.finish()
        let xml = try part("xl/worksheets/sheet1.xml", of: bytes)
        #expect(xml.hasSuffix(#"<row r="1048576"><c r="A1048576" s="2"><v>7</v></c></row></sheetData></worksheet>"#))
        #expect(XLSXStream.maximumRowCount == 1_048_576 && XLSXStream.maximumColumnCount == 16_384)
    }
}
