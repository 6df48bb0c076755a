import Foundation
import Testing

@testable import RapportCore

@Suite("vCard reader")
struct VCardReaderTests {
    static func crlf(_ text: String) -> [UInt8] { Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8) }

    // As iOS and Google Contacts write 4.0: quoted TYPE lists, a tel: URI, a group, a folded line, escapes.
    static let modern = """
        BEGIN:VCARD
        VERSION:4.0
        FN:Иванов Иван Иванович
        N:Иванов;Иван;Иванович;;
        TEL;TYPE="cell,voice";VALUE=uri:tel:+7-916-123-45-67
        TEL;TYPE=work:+7 495 123-45-67
        EMAIL;TYPE=work:ivan@example.ru
        item1.EMAIL:second@example.ru
        ORG:ООО «Ромашка»;Отдел продаж
        TITLE:Директор\\, по развитию
        ADR;TYPE=work:;;ул. Ленина\\, 1;Москва;;101000;Россия
        BDAY:19860905
        NOTE:Первая строка\\nвторая строка очень длинной заметки, которая не помещается в одну стр
         оку файла
        CATEGORIES:vip,опт
        X-UNKNOWN;FOO=bar:ignored
        END:VCARD
        BEGIN:VCARD
        VERSION:3.0
        N:Петрова;Анна;;;
        FN:Анна Петрова
        TEL;TYPE=HOME:8 (812) 000-00-00
        TEL;TYPE=FAX:8 (812) 000-00-01
        BDAY:--0905
        END:VCARD

        """

    // An old Android export: vCard 2.1, bare parameters, quoted-printable UTF-8 with soft line breaks that split
    // characters, and a card in Windows-1251.
    static let android = """
        BEGIN:VCARD
        VERSION:2.1
        N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=D0=9F=D0=B5=D1=82=D1=80=D0=BE=D0=B2;=D0=9F=D1=91=D1=82=D1=80;;;
        FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=D0=9F=D1=91=D1=82=D1=80 =D0=9F=D0=B5=D1=82=D1=80=D0=BE=D0=B2
        TEL;CELL;PREF:+79161112233
        TEL;WORK;VOICE:84951112233
        NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:=D0=B4=D0=BB=D0=B8=D0=BD=D0=BD=D0=B0=D1=8F =D0=B7=D0=B0=D0=BC=D0=B5=D1=82=
        =D0=BA=D0=B0 =D0=BE =D0=BA=D0=BB=D0=B8=D0=B5=D0=BD=D1=82=D0=B5, =D0=BA=D0=
        =BE=D1=82=D0=BE=D1=80=D0=B0=D1=8F
        END:VCARD
        BEGIN:VCARD
        VERSION:2.1
        N;CHARSET=WINDOWS-1251;ENCODING=QUOTED-PRINTABLE:=D1=E8=E4=EE=F0=EE=E2;=D1=E8=E4=EE=F0;;;
        TEL:+7 900 000-00-00
        END:VCARD
        """

    @Test("vCard 4.0 and 3.0: names, typed phones, e-mails, organization, title, address, birthday, note, categories")
    func modernCards() throws {
        let cards = VCardReader.cards(Self.crlf(Self.modern))
        #expect(cards.count == 2)
        let ivan = try #require(cards.first)
        #expect(ivan.formattedName == "Иванов Иван Иванович")
        #expect([ivan.lastName, ivan.firstName, ivan.middleName] == ["Иванов", "Иван", "Иванович"])
        #expect(
            ivan.phones == [PhoneInput(number: "+7-916-123-45-67", kind: .mobile), PhoneInput(number: "+7 495 123-45-67", kind: .work)])
        #expect(ivan.emails == ["ivan@example.ru", "second@example.ru"])
        #expect(ivan.organization == "ООО «Ромашка»")
        #expect(ivan.title == "Директор, по развитию")
        #expect(ivan.city == "Москва")
        #expect(ivan.address == "ул. Ленина, 1, 101000, Россия")
        #expect(ivan.birthday == LocalDate(year: 1986, month: 9, day: 5))
        #expect(ivan.note == "Первая строка\nвторая строка очень длинной заметки, которая не помещается в одну строку файла")
        #expect(ivan.categories == ["vip", "опт"])
        let anna = cards[1]
        #expect(anna.phones.map(\.kind) == [.home, .fax])
        #expect(anna.birthday == nil, "a birthday without a year is no date")
        #expect(anna.middleName == nil)
    }

    @Test("vCard 2.1 from Android: quoted-printable with soft breaks inside characters, UTF-8 and Windows-1251")
    func androidCards() {
        let cards = VCardReader.cards(Self.crlf(Self.android))
        #expect(cards.count == 2)
        #expect(cards[0].lastName == "Петров")
        #expect(cards[0].firstName == "Пётр")
        #expect(cards[0].formattedName == "Пётр Петров")
        #expect(cards[0].phones == [PhoneInput(number: "+79161112233", kind: .mobile), PhoneInput(number: "84951112233", kind: .work)])
        #expect(cards[0].note == "длинная заметка о клиенте, которая")
        #expect(cards[1].lastName == "Сидоров")
        #expect(cards[1].firstName == "Сидор")
        #expect(cards[1].phones == [PhoneInput(number: "+7 900 000-00-00", kind: .mobile)])
    }

    @Test("Bare LF line ends, a BOM, blank lines and text outside cards are all fine")
    func looseFiles() {
        let text = "\u{FEFF}\n\nBEGIN:VCARD\nFN:Кто-то\nEND:VCARD\nмусор\nbegin:vcard\nfn:Второй\nend:vcard\n"
        let bytes = Array(text.utf8)
        #expect(VCardReader.looksLikeVCard(bytes))
        #expect(VCardReader.cards(bytes).map(\.formattedName) == ["Кто-то", "Второй"])
        #expect(!VCardReader.looksLikeVCard(Array("ФИО,Телефон\n".utf8)))
    }

    @Test(
        "Birthdays as vCard versions write them",
        arguments: [
            ("1986-09-05", LocalDate(year: 1986, month: 9, day: 5)), ("19860905", LocalDate(year: 1986, month: 9, day: 5)),
            ("1986-09-05T00:00:00Z", LocalDate(year: 1986, month: 9, day: 5)), ("19860905T120000", LocalDate(year: 1986, month: 9, day: 5)),
            ("--0905", nil), ("19861305", nil), ("05.09.1986", LocalDate(year: 1986, month: 9, day: 5)), ("", nil),
        ])
    func birthdays(_ text: String, _ expected: LocalDate?) {
        #expect(VCardReader.birthday(text) == expected)
    }

    @Test("Escapes: comma, semicolon, backslash and newline; separators split only where not escaped")
    func escapes() {
        #expect(VCardReader.components(#"a\,b,c\;d\\,e\nf"#, separator: ",") == ["a,b", "c;d\\", "e\nf"])
        #expect(VCardReader.components("a;;b", separator: ";") == ["a", "", "b"])
        #expect(VCardReader.unescaped(#"trailing\"#) == "trailing\\")
    }

    @Test("What the vCard writer exports reads back")
    func roundTrip() throws {
        var input = ContactInput()
        input.fullName = "Смирнова Ольга Петровна"
        input.phones = [PhoneInput(number: "+7 495 123-45-67", kind: .work), PhoneInput(number: "+7 912 000-11-22")]
        input.emails = [EmailInput(address: "olga@example.ru")]
        input.position = .set("Директор; главный")
        input.city = .set("Казань")
        input.address = .set("ул. Баумана, 1")
        input.birthday = .set(LocalDate(year: 1980, month: 5, day: 17)!)
        input.tags = ["vip", "опт, розница"]
        let contact = try Contact(id: Contact.ID("c1"), workspaceID: CoreFixture.workspace, now: CoreFixture.now, createdBy: nil)
            .applying(input, context: CoreFixture.context())
        let card = try #require(VCardReader.cards(Array(VCardWriter.encode([contact]).utf8)).first)
        #expect([card.lastName, card.firstName, card.middleName] == ["Смирнова", "Ольга", "Петровна"])
        #expect(card.phones.map(\.kind) == [.work, .mobile])
        #expect(card.phones.map(\.number) == ["+74951234567", "+79120001122"])
        #expect(card.emails == ["olga@example.ru"])
        #expect(card.title == "Директор; главный")
        #expect(card.city == "Казань")
        #expect(card.address == "ул. Баумана, 1")
        #expect(card.birthday == LocalDate(year: 1980, month: 5, day: 17))
        #expect(card.categories == ["vip", "опт, розница"])
    }

    @Test("Cards become rows the contact import maps without help, phones kept by kind")
    func asImportRows() throws {
        let document = try TabularFile.read(Self.crlf(Self.modern))
        #expect(document.format == .vcard)
        #expect(document.records.count == 3)
        let mapping = ContactImport.mapColumns(document.records[0])
        // Every column but the note is recognised.
        #expect(mapping.count == VCardReader.columns.count - 1)
        let row = ContactImport.read(document.records[1], row: 2, mapping: mapping, region: .ru)
        #expect(row.input.lastName == .set("Иванов"))
        #expect(row.input.phones?.map(\.kind) == [.mobile, .work])
        #expect(row.phones == ["+79161234567", "+74951234567"])
        #expect(row.emails == ["ivan@example.ru", "second@example.ru"])
        #expect(row.company == "ООО «Ромашка»")
        #expect(row.input.birthday == .set(LocalDate(year: 1986, month: 9, day: 5)!))
        #expect(row.input.tags == ["vip", "опт"])
        #expect(row.input.city == .set("Москва"))
    }
}

@Suite("Contact import columns")
struct ContactImportColumnTests {
    @Test("Phone columns keep their kind; several phone and e-mail columns all count; other fields take the first column")
    func phoneKinds() {
        let header = ["ФИО", "Мобильный телефон", "Рабочий телефон", "Домашний телефон", "Телефон", "Email", "Рабочий email", "Имя", "ФИО"]
        let mapping = ContactImport.mapColumns(header)
        #expect(mapping.map(\.field) == [.fullName, .mobilePhone, .workPhone, .homePhone, .phone, .email, .email, .firstName])
        let row = ContactImport.read(
            ["Иванов Иван", "8 916 000-00-01", "8 495 000-00-02", "8 812 000-00-03", "8 900 000-00-04", "a@b.ru", "c@d.ru", "", "x"],
            row: 2,
            mapping: mapping, region: .ru)
        #expect(row.input.phones?.map(\.kind) == [.mobile, .work, .home, .mobile])
        #expect(row.emails == ["a@b.ru", "c@d.ru"])
        #expect(row.input.fullName == "Иванов Иван")
    }

    @Test("A cell with a CRLF between two phones or two e-mails (a spreadsheet's line break) holds both")
    func crlfInsideCell() {
        let mapping = ContactImport.mapColumns(["ФИО", "Телефон", "Email"])
        let row = ContactImport.read(
            ["Иванов Иван", "8 916 000-00-01\r\n8 495 000-00-02", "a@b.ru\r\nc@d.ru"], row: 2, mapping: mapping, region: .ru)
        #expect(row.phones == ["+79160000001", "+74950000002"])
        #expect(row.emails == ["a@b.ru", "c@d.ru"])
        #expect(row.input.emails?.map(\.address) == ["a@b.ru", "c@d.ru"])
    }
}
