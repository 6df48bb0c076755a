import Foundation
import Testing

@testable import RapportCore

@Suite("Reading CSV files people bring")
struct CSVReaderTests {
    @Test("Windows-1251 with semicolons, as Russian Excel saves it")
    func excel() {
        // "Имя;Город\r\nЁжиков;Казань\r\n" in Windows-1251, written out byte by byte.
        let bytes: [UInt8] = [
            0xC8, 0xEC, 0xFF, 0x3B, 0xC3, 0xEE, 0xF0, 0xEE, 0xE4, 0x0D, 0x0A, 0xA8, 0xE6, 0xE8, 0xEA, 0xEE, 0xE2, 0x3B, 0xCA, 0xE0, 0xE7,
            0xE0,
            0xED, 0xFC, 0x0D, 0x0A,
        ]
        let document = CSVReader.read(bytes)
        #expect(document.encoding == .windows1251)
        #expect(document.delimiter == ";")
        #expect(document.records == [["Имя", "Город"], ["Ёжиков", "Казань"]])
    }

    @Test("UTF-8 with a BOM, commas, quotes holding separators, quotes and line breaks")
    func quoted() {
        let text = "\u{FEFF}name,note\n\"Иванов, Пётр\",\"сказал \"\"да\"\"\nи ушёл\"\n\nПетров,\n"
        let document = CSVReader.read(Array(text.utf8))
        #expect(document.encoding == .utf8)
        #expect(document.delimiter == ",")
        #expect(document.records == [["name", "note"], ["Иванов, Пётр", "сказал \"да\"\nи ушёл"], ["Петров", ""]])
    }

    @Test("Every byte of Windows-1251 but the unassigned 0x98 decodes to its letter and encodes back")
    func windows1251RoundTrip() {
        let bytes = (0...255).map(UInt8.init).filter { $0 != 0x98 }
        let text = Windows1251.decode(bytes)
        #expect(text.unicodeScalars.count == bytes.count)
        #expect(Windows1251.encode(text) == bytes)
        #expect(Windows1251.decode([0xA8, 0xB8, 0x88, 0xB9, 0x98]) == "Ёё€№\u{FFFD}")
    }

    @Test("Records are read one at a time, with the offset of the rest of the text")
    func records() {
        let text = "ФИО;Город\r\nИванов;Казань\rПетров;\"Уфа\r\nцентр\"\n\n;\n"
        var records = CSVReader.Records(text, delimiter: ";")
        #expect(records.next() == ["ФИО", "Город"])
        #expect(String(text[records.offset...]) == "Иванов;Казань\rПетров;\"Уфа\r\nцентр\"\n\n;\n")
        #expect(records.next() == ["Иванов", "Казань"], "a lone CR ends a line")
        #expect(records.next() == ["Петров", "Уфа\r\nцентр"], "a quoted line break is kept")
        #expect(records.next() == ["", ""], "a blank line is skipped, a line of empty fields is not")
        #expect(records.next() == nil)
        #expect(CSVReader.parse("a,\"b\"\"c\"\"\",d", delimiter: ",") == [["a", "b\"c\"", "d"]])
    }

    @Test("Tabs, and a semicolon inside a quoted header does not vote")
    func delimiters() {
        #expect(CSVReader.detectDelimiter("a\tb\tc\n1;2;3") == "\t")
        #expect(CSVReader.detectDelimiter("\"a;b;c\",d,e\n") == ",")
        #expect(CSVReader.detectDelimiter("single") == ",")
        #expect(CSVReader.parse("a\tb\r\n1\t2", delimiter: "\t") == [["a", "b"], ["1", "2"]])
    }

    @Test("Order columns are found by Russian and English headers")
    func columns() {
        let mapping = OrderImport.mapColumns([
            "Номер заказа", "Дата", "E-mail", "Тел.", "Артикул", "Кол-во", "Цена", "Итого", "Статус", "ИНН",
        ])
        #expect(mapping[.number] == 0)
        #expect(mapping[.date] == 1)
        #expect(mapping[.email] == 2)
        #expect(mapping[.phone] == 3)
        #expect(mapping[.sku] == 4)
        #expect(mapping[.quantity] == 5)
        #expect(mapping[.price] == 6)
        #expect(mapping[.total] == 7)
        #expect(mapping[.status] == 8)
        #expect(mapping[.inn] == 9)
        #expect(OrderImport.mapColumns(["Order ID", "Order date", "Email", "Amount"]) == [.number: 0, .date: 1, .email: 2, .total: 3])
    }

    @Test("Dates as spreadsheets write them, in the workspace's time zone")
    func dates() throws {
        let moscow = try #require(TimeZone(identifier: "Europe/Moscow"))
        // Noon in Moscow is 09:00 UTC.
        // 2026-11-30T09:00:00Z and 11:05Z, computed outside Rapport.
        #expect(OrderImport.date("30.11.2026", timeZone: moscow) == Date(timeIntervalSince1970: 1_796_029_200))
        #expect(OrderImport.date("2026-11-30 14:05", timeZone: moscow) == Date(timeIntervalSince1970: 1_796_036_700))
        #expect(OrderImport.date("2026-11-30T11:05:00Z", timeZone: moscow) == Date(timeIntervalSince1970: 1_796_036_700))
        #expect(OrderImport.date("31.02.2026", timeZone: moscow) == nil)
        #expect(OrderImport.date("вчера", timeZone: moscow) == nil)
    }
}
