import Foundation
import RapportCore
import Testing

@Suite("Local dates")
struct LocalDateTests {
    @Test(
        "Existing dates",
        arguments: [
            (2024, 2, 29), (2000, 2, 29), (2026, 2, 28), (2026, 12, 31), (2026, 1, 31), (2026, 4, 30), (1, 1, 1),
            (9999, 12, 31),
        ])
    func valid(_ year: Int, _ month: Int, _ day: Int) throws {
        let date = try #require(LocalDate(year: year, month: month, day: day))
        #expect(date.year == year && date.month == month && date.day == day)
    }

    @Test(
        "Dates that do not exist",
        arguments: [
            (2023, 2, 29), (1900, 2, 29), (2100, 2, 29), (2026, 2, 30), (2026, 4, 31), (2026, 6, 31), (2026, 9, 31),
            (2026, 11, 31), (2026, 13, 1), (2026, 0, 1), (2026, 1, 0), (2026, 1, 32), (2026, -1, 1), (0, 1, 1),
            (10_000, 1, 1),
        ])
    func invalid(_ year: Int, _ month: Int, _ day: Int) {
        #expect(LocalDate(year: year, month: month, day: day) == nil)
    }

    @Test("Days in every month of a common and a leap year")
    func monthLengths() {
        let common = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        for (index, days) in common.enumerated() {
            #expect(LocalDate(year: 2025, month: index + 1, day: days) != nil)
            #expect(LocalDate(year: 2025, month: index + 1, day: days + 1) == nil)
        }
        #expect(LocalDate(year: 2028, month: 2, day: 29) != nil)
        #expect(LocalDate(year: 2028, month: 2, day: 30) == nil)
    }

    @Test("ISO text parses and prints", arguments: ["2026-11-23", "2024-02-29", "0001-01-01", "9999-12-31", "0987-06-05"])
    func isoRoundTrip(_ text: String) throws {
        let date = try #require(LocalDate(iso: text))
        #expect(date.description == text)
        #expect(LocalDate(iso: date.description) == date)
    }

    @Test(
        "Anything but YYYY-MM-DD is refused",
        arguments: [
            "", "2026", "2026-11", "2026-1-23", "2026-11-3", "26-11-23", "2026-11-23T00:00", "2026/11/23", "23.11.2026",
            "2026-02-30", "2026-11-23 ", " 2026-11-23", "2026--11-23", "20261123", "2026-11-2x", "abcd-ef-gh", "0000-01-01",
        ])
    func isoRefused(_ text: String) {
        #expect(LocalDate(iso: text) == nil)
    }

    @Test("Signed numbers are not YYYY-MM-DD", arguments: ["2026-+1-+5", "+026-01-05", "2026-01-+5"])
    func isoSigns(_ text: String) {
        do {
            #expect(LocalDate(iso: text) == nil)
        }
    }

    @Test("Description pads with zeros")
    func padding() {
        #expect(LocalDate(year: 5, month: 1, day: 2)?.description == "0005-01-02")
        #expect(LocalDate(year: 2026, month: 3, day: 9)?.description == "2026-03-09")
    }

    @Test("Chronological order")
    func order() throws {
        let dates = try ["2026-01-02", "2025-12-31", "2026-01-01", "2026-02-01", "2024-02-29"].map {
            try #require(LocalDate(iso: $0))
        }
        #expect(dates.sorted().map(\.description) == ["2024-02-29", "2025-12-31", "2026-01-01", "2026-01-02", "2026-02-01"])
        #expect(try #require(LocalDate(iso: "2026-01-31")) < #require(LocalDate(iso: "2026-02-01")))
    }

    struct Holder: Codable, Equatable {
        var birthday: LocalDate
    }

    @Test("Codable as a YYYY-MM-DD string")
    func codable() throws {
        let holder = Holder(birthday: try #require(LocalDate(year: 1990, month: 7, day: 4)))
        let data = try JSONEncoder().encode(holder)
        #expect(String(decoding: data, as: UTF8.self) == #"{"birthday":"1990-07-04"}"#)
        #expect(try JSONDecoder().decode(Holder.self, from: data) == holder)
    }

    @Test(
        "Decoding refuses other shapes",
        arguments: [#"{"birthday":"1990-7-4"}"#, #"{"birthday":"1990-02-30"}"#, #"{"birthday":19900704}"#, #"{"birthday":null}"#])
    func decodingRefused(_ json: String) {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Holder.self, from: Data(json.utf8)) }
    }
}

@Suite("Days as people type them")
struct TypedDateTests {
    @Test(
        "ISO and dotted days",
        arguments: [("2026-11-30", "2026-11-30"), ("30.11.2026", "2026-11-30"), ("1.2.2026", "2026-02-01"), (" 30.11.2026 ", "2026-11-30")])
    func typed(_ text: String, _ expected: String) {
        #expect(LocalDate(typed: text)?.description == expected)
    }

    @Test(
        "Impossible or foreign shapes are refused",
        arguments: ["31.02.2026", "30/11/2026", "30.11", "вчера", "", "1.2.3.4", "aa.bb.cccc", "05.09.86", "005.09.2026"])
    func refused(_ text: String) {
        #expect(LocalDate(typed: text) == nil)
    }
}
