import RapportCore
import Testing

@Suite("Person names")
struct PersonNameTests {
    @Test(
        "Russian order: Фамилия Имя Отчество",
        arguments: [
            NameCase("Иванов Иван Иванович", "Иванов", "Иван", "Иванович"),
            NameCase("Петрова Мария Сергеевна", "Петрова", "Мария", "Сергеевна"),
            NameCase("Кузнецов Дмитрий Ильич", "Кузнецов", "Дмитрий", "Ильич"),
            NameCase("Смирнова Анна Никитична", "Смирнова", "Анна", "Никитична"),
            NameCase("Соколова Ольга Ильинична", "Соколова", "Ольга", "Ильинична"),
            NameCase("Достоевский Фёдор Михайлович", "Достоевский", "Фёдор", "Михайлович"),
            NameCase("Абрамович Роман Аркадьевич", "Абрамович", "Роман", "Аркадьевич"),
            NameCase("Шевчук Юрий Юлианович", "Шевчук", "Юрий", "Юлианович"),
            NameCase("Пупкин Вольдемар Карлович", "Пупкин", "Вольдемар", "Карлович"),  // unknown given name
            NameCase("ИВАНОВ ИВАН ИВАНОВИЧ", "ИВАНОВ", "ИВАН", "ИВАНОВИЧ"),
            NameCase("иванов иван иванович", "иванов", "иван", "иванович"),
            NameCase("Иванов Иван", "Иванов", "Иван"),
            NameCase("Иванова Марина", "Иванова", "Марина"),
            NameCase("Белых Ирина", "Белых", "Ирина"),
        ])
    func russianOrder(_ name: NameCase) {
        #expect(PersonName.split(name.input) == name.expected)
    }

    @Test(
        "Given name first: Имя Отчество Фамилия and Имя Фамилия",
        arguments: [
            NameCase("Иван Иванович Иванов", "Иванов", "Иван", "Иванович"),
            NameCase("Мария Сергеевна Петрова", "Петрова", "Мария", "Сергеевна"),
            NameCase("Нурсултан Абишевич Назарбаев", "Назарбаев", "Нурсултан", "Абишевич"),
            NameCase("Иван Петрович Абрамович", "Абрамович", "Иван", "Петрович"),
            NameCase("Иван Иванов", "Иванов", "Иван"),
            NameCase("Марина Иванова", "Иванова", "Марина"),
            NameCase("Артём Королёв", "Королёв", "Артём"),
            NameCase("Вольдемар Пупкин", "Пупкин", "Вольдемар"),  // surname ending decides
            NameCase("Пётр Ильич", nil, "Пётр", "Ильич"),  // given name and patronymic, no surname
            NameCase("Ерлан Серикович", nil, "Ерлан", "Серикович"),
        ])
    func givenNameFirst(_ name: NameCase) {
        #expect(PersonName.split(name.input) == name.expected)
    }

    @Test(
        "Latin script: transliterated Russian and Western names",
        arguments: [
            NameCase("Ivanov Ivan", "Ivanov", "Ivan"),
            NameCase("Ivan Ivanov", "Ivanov", "Ivan"),
            NameCase("Ivanov Ivan Ivanovich", "Ivanov", "Ivan", "Ivanovich"),
            NameCase("Ivan Ivanovich Ivanov", "Ivanov", "Ivan", "Ivanovich"),
            NameCase("Petrova Olga Sergeevna", "Petrova", "Olga", "Sergeevna"),
            NameCase("John Smith", "Smith", "John"),
            NameCase("Smith John", "Smith", "John"),
            NameCase("Mary Johnson", "Johnson", "Mary"),
            NameCase("John Fitzgerald Kennedy", "Kennedy", "John", "Fitzgerald"),
            NameCase("John Ronald Reuel Tolkien", "Tolkien", "John", "Ronald Reuel"),
            NameCase("Xavier Quimby", "Quimby", "Xavier"),  // no evidence: Western order for Latin script
        ])
    func latinNames(_ name: NameCase) {
        #expect(PersonName.split(name.input) == name.expected)
    }

    @Test(
        "Kazakh and other Turkic patronymics",
        arguments: [
            NameCase("Ахметов Ерлан Серикулы", "Ахметов", "Ерлан", "Серикулы"),
            NameCase("Ахметов Ерлан Серик улы", "Ахметов", "Ерлан", "Серик улы"),
            NameCase("Ерлан Серик улы Ахметов", "Ахметов", "Ерлан", "Серик улы"),
            NameCase("Ерлан Серик улы", nil, "Ерлан", "Серик улы"),
            NameCase("Ахметова Айгуль Серикқызы", "Ахметова", "Айгуль", "Серикқызы"),
            NameCase("Ахметова Айгуль Серик кызы", "Ахметова", "Айгуль", "Серик кызы"),
            NameCase("Алиев Рашид Гусейн оглы", "Алиев", "Рашид", "Гусейн оглы"),
            NameCase("Токаев Касым-Жомарт Кемелевич", "Токаев", "Касым-Жомарт", "Кемелевич"),
            // A Turkic surname formed like a patronymic stands first and is read as the surname.
            NameCase("Нурланулы Ерлан", "Нурланулы", "Ерлан"),
        ])
    func turkicNames(_ name: NameCase) {
        #expect(PersonName.split(name.input) == name.expected)
    }

    @Test(
        "Commas mean Surname, Given names",
        arguments: [
            NameCase("Иванов, Иван", "Иванов", "Иван"),
            NameCase("Иванов, Иван Иванович", "Иванов", "Иван", "Иванович"),
            NameCase("Иванов,Иван Иванович", "Иванов", "Иван", "Иванович"),
            NameCase("Smith, John", "Smith", "John"),
            NameCase("Ахметов, Ерлан Серик улы", "Ахметов", "Ерлан", "Серик улы"),
            NameCase("Иванов, ", "Иванов", nil),  // nothing after the comma: a single word
            NameCase(", Иван", nil, "Иван"),
        ])
    func commas(_ name: NameCase) {
        #expect(PersonName.split(name.input) == name.expected)
    }

    @Test(
        "Whitespace is collapsed and trimmed",
        arguments: [
            NameCase("  Иванов   Иван  Иванович ", "Иванов", "Иван", "Иванович"),
            NameCase("Иванов\tИван\nИванович", "Иванов", "Иван", "Иванович"),
            NameCase("Иванов\u{00A0}Иван\u{00A0}Иванович", "Иванов", "Иван", "Иванович"),
        ])
    func whitespace(_ name: NameCase) {
        #expect(PersonName.split(name.input) == name.expected)
    }

    @Test(
        "Hyphens and ё are kept as typed",
        arguments: [
            NameCase("Римский-Корсаков Николай Андреевич", "Римский-Корсаков", "Николай", "Андреевич"),
            NameCase("Салтыкова-Щедрина Анна-Мария", "Салтыкова-Щедрина", "Анна-Мария"),
            NameCase("Анна-Мария Салтыкова-Щедрина", "Салтыкова-Щедрина", "Анна-Мария"),
            NameCase("Jean-Claude Van-Damme", "Van-Damme", "Jean-Claude"),
            NameCase("Королёв Семён Фёдорович", "Королёв", "Семён", "Фёдорович"),
            NameCase("Семён Королёв", "Королёв", "Семён"),
            NameCase("Королев Семен Федорович", "Королев", "Семен", "Федорович"),
        ])
    func hyphensAndYo(_ name: NameCase) {
        #expect(PersonName.split(name.input) == name.expected)
    }

    @Test(
        "Initials",
        arguments: [
            NameCase("Иванов И. И.", "Иванов", "И.", "И."),
            NameCase("Иванов И.И.", "Иванов", "И.", "И."),
            NameCase("И. И. Иванов", "Иванов", "И.", "И."),
            NameCase("И.И. Иванов", "Иванов", "И.", "И."),
            NameCase("Иванов И.", "Иванов", "И."),
            NameCase("И. Иванов", "Иванов", "И."),
        ])
    func initials(_ name: NameCase) {
        #expect(PersonName.split(name.input) == name.expected)
    }

    @Test(
        "A single word is a given name only when it is a known one",
        arguments: [
            NameCase("Иван", nil, "Иван"),
            NameCase("Наталья", nil, "Наталья"),
            NameCase("Артём", nil, "Артём"),
            NameCase("Артем", nil, "Артем"),
            NameCase("john", nil, "john"),
            NameCase("Айгуль", nil, "Айгуль"),
            NameCase("Анна-Мария", nil, "Анна-Мария"),
            NameCase("Иванов", "Иванов", nil),
            NameCase("Smith", "Smith", nil),
            NameCase("Вольдемар", "Вольдемар", nil),
        ])
    func singleWord(_ name: NameCase) {
        #expect(PersonName.split(name.input) == name.expected)
    }

    @Test("Blank input gives no parts", arguments: ["", "   ", "\n\t", ",", " , "])
    func blank(_ input: String) {
        let name = PersonName.split(input)
        #expect(name == PersonName(lastName: nil, firstName: nil, middleName: nil))
        #expect(name.fullName.isEmpty)
    }

    @Test("More than three words keep every word")
    func longNames() {
        let compound = PersonName.split("Салтыков Щедрин Михаил Евграфович")
        #expect(compound == PersonName(lastName: "Салтыков Щедрин", firstName: "Михаил", middleName: "Евграфович"))
        let western = PersonName.split("Ludwig van Beethoven")
        #expect(western.fullName.split(separator: " ").count == 3)
        #expect(western.firstName == "Ludwig")
        #expect(western.lastName == "Beethoven")
    }

    @Test(
        "Full names join the parts surname first",
        arguments: [
            (PersonName(lastName: "Иванов", firstName: "Иван", middleName: "Иванович"), "Иванов Иван Иванович"),
            (PersonName(lastName: nil, firstName: "Иван", middleName: "Иванович"), "Иван Иванович"),
            (PersonName(lastName: "Иванов", firstName: nil, middleName: nil), "Иванов"),
            (PersonName(lastName: "", firstName: "Иван", middleName: "  "), "Иван"),
            (PersonName(lastName: " Иванов ", firstName: "Иван", middleName: nil), "Иванов Иван"),
            (PersonName(lastName: nil, firstName: nil, middleName: nil), ""),
        ])
    func fullName(_ name: PersonName, _ expected: String) {
        #expect(name.fullName == expected)
    }

    @Test(
        "Splitting a full name and joining it again gives the Russian-order name",
        arguments: ["Иван Иванович Иванов", "Иванов Иван Иванович", "John Smith", "Ерлан Серик улы Ахметов"])
    func roundTrip(_ input: String) {
        let name = PersonName.split(input)
        #expect(PersonName.split(name.fullName) == name)
    }
}

extension PersonNameTests {
    /// One expected split: the input and its parts (last, first, middle).
    struct NameCase: CustomTestStringConvertible, Sendable {
        let input: String
        let last: String?
        let first: String?
        let middle: String?

        init(_ input: String, _ last: String?, _ first: String?, _ middle: String? = nil) {
            self.input = input
            self.last = last
            self.first = first
            self.middle = middle
        }

        var expected: PersonName { PersonName(lastName: last, firstName: first, middleName: middle) }
        var testDescription: String { input }
    }
}
