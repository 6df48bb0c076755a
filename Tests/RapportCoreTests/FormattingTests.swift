import Foundation
import RapportCore
import Testing

@Suite struct FormattingTests {
    let moscowRU = Formatting(locale: .ru, timeZoneIdentifier: "Europe/Moscow")
    let moscowEN = Formatting(locale: .en, timeZoneIdentifier: "Europe/Moscow")

    @Test func numbersAreGroupedPerLanguage() {
        #expect(moscowRU.number(1_234_567) == "1\u{202F}234\u{202F}567")
        #expect(moscowEN.number(1_234_567) == "1,234,567")
        #expect(moscowEN.number(999) == "999")
        #expect(moscowEN.number(-1000) == "−1,000")
        #expect(moscowEN.number(0) == "0")
    }

    @Test func moneyShowsKopecksOnlyWhenThereAreSome() {
        #expect(moscowRU.money(Money(amount: 15_000_000, currency: .rub)) == "150\u{202F}000\u{00A0}₽")
        #expect(moscowRU.money(Money(amount: 123_450, currency: .rub)) == "1\u{202F}234,50\u{00A0}₽")
        #expect(moscowRU.money(Money(amount: 5, currency: .rub)) == "0,05\u{00A0}₽")
        #expect(moscowEN.money(Money(amount: 123_450, currency: .usd)) == "$1,234.50")
        #expect(moscowEN.money(Money(amount: -100, currency: .eur)) == "−€1")
        let chf = CurrencyCode(rawValue: "CHF")!
        #expect(moscowEN.money(Money(amount: 100, currency: chf)) == "1\u{00A0}CHF")
    }

    @Test func datesAreShownInTheWorkspaceTimeZone() {
        // 2026-11-23T21:30:00Z is already the 24th in Moscow (UTC+3).
        let instant = Date(timeIntervalSince1970: 1_795_469_400)
        #expect(moscowRU.date(instant) == "24.11.2026")
        #expect(moscowRU.dateTime(instant) == "24.11.2026 00:30")
        #expect(moscowEN.dateTime(instant) == "Nov 24, 2026, 12:30 AM")
        let utc = Formatting(locale: .en, timeZoneIdentifier: "UTC")
        #expect(utc.dateTime(instant) == "Nov 23, 2026, 9:30 PM")
        #expect(Formatting(locale: .en, timeZoneIdentifier: "Not/AZone").dateTime(instant) == "Nov 23, 2026, 9:30 PM")
    }

    @Test func weeksStartOnMonday() throws {
        let sunday = try #require(LocalDate(iso: "2026-11-29"))
        let monday = try #require(LocalDate(iso: "2026-11-23"))
        #expect(moscowRU.weekStart(sunday) == monday)
        #expect(moscowRU.weekStart(monday) == monday)
        #expect(moscowRU.adding(days: 8, to: monday) == LocalDate(iso: "2026-12-01"))
        #expect(moscowRU.adding(days: -23, to: monday) == LocalDate(iso: "2026-10-31"))
        #expect(moscowRU.monthTitle(year: 2026, month: 11) == "Ноябрь 2026")
    }

    @Test func wallClockTimesBecomeInstantsInTheWorkspaceZone() throws {
        let day = try #require(LocalDate(iso: "2026-03-29"))
        // Berlin moves its clocks at 02:00 that day: 09:00 is UTC+2, not UTC+1.
        let berlin = Formatting(locale: .en, timeZoneIdentifier: "Europe/Berlin")
        let nine = berlin.instant(on: day, hour: 9, minute: 0)
        #expect(nine == Date(timeIntervalSince1970: 1_774_767_600))
        #expect(berlin.wallClock(nine).time == "09:00")
        #expect(berlin.wallClock(nine).day == day)
        #expect(moscowRU.wallClock(Date(timeIntervalSince1970: 1_795_469_400)).time == "00:30")
        let morning = try #require(Formatting.timeOfDay("7:05"))
        #expect(morning.hour == 7 && morning.minute == 5)
        let late = try #require(Formatting.timeOfDay("23:59:00"))
        #expect(late.hour == 23 && late.minute == 59)
        #expect(Formatting.timeOfDay("24:00") == nil)
        #expect(Formatting.timeOfDay("9") == nil)
        #expect(Formatting.timeOfDay("aa:bb") == nil)
    }

    @Test func durationsAndPercentages() {
        #expect(moscowRU.duration(seconds: 307) == "5:07")
        #expect(moscowRU.duration(seconds: 3723) == "1:02:03")
        #expect(moscowRU.percent(45) == "45\u{00A0}%")
        #expect(moscowEN.percent(45) == "45%")
    }
}

@Suite struct PhoneDisplayTests {
    @Test func zoneSevenNumbersAreGroupedAsPeopleReadThem() {
        let normalizer = PhoneNormalizer(defaultRegion: .ru)
        #expect(normalizer.normalize("8 (912) 345 67 89").display == "+7 912 345-67-89")
        #expect(normalizer.normalize("+7 727 250-00-00").display == "+7 727 250-00-00")
    }

    @Test func otherNumbersShowTheirE164OrTheTypedText() {
        #expect(PhoneNumber(raw: "+49 30 1234567", e164: "+49301234567").display == "+49301234567")
        #expect(PhoneNumber(raw: "доб. 12", e164: nil).display == "доб. 12")
    }
}
