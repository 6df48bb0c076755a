import Foundation

/// A person's name in its Russian parts: surname, given name and patronymic.
public struct PersonName: Sendable, Hashable, Codable {
    /// The surname (фамилия).
    public var lastName: String?
    /// The given name (имя).
    public var firstName: String?
    /// The patronymic (отчество), or a middle name for Western names.
    public var middleName: String?

    /// Makes a name from its parts.
    /// - Parameters:
    ///   - lastName: the surname.
    ///   - firstName: the given name.
    ///   - middleName: the patronymic or middle name.
    public init(lastName: String?, firstName: String?, middleName: String?) {
        self.lastName = lastName
        self.firstName = firstName
        self.middleName = middleName
    }

    /// "Last First Middle" joined with single spaces, skipping nil/empty parts.
    public var fullName: String {
        [lastName, firstName, middleName]
            .compactMap { $0?.trimmed }
            .filter { !$0.isEmpty }
            .joined(separator: " ")
    }

    /// Splits one full-name string into its parts.
    ///
    /// Russian order "Фамилия Имя Отчество" is the default. The order is recognised from patronymic
    /// endings (-ович, -евич, -ич, -овна, -евна, -ична, -инична, and Turkic -улы/-кызы, also written as
    /// a separate word: "Серик улы"), surname endings (-ов, -ев, -ёв, -ин, -ын, -ский, -цкий, -ова,
    /// -ева, -ина, -ская, -цкая, -енко, …, and their Latin transliterations) and a built-in list of
    /// common Russian, Kazakh and English given names. So "Имя Отчество Фамилия", "Имя Фамилия",
    /// "Ivanov Ivan" and "John Smith" all split correctly. A comma means "Surname, Given names"
    /// ("Иванов, Иван"). A single word is a given name if it is a known one, else a surname. Spelling
    /// is kept as typed: case, hyphens and ё are not changed; only whitespace is collapsed.
    ///
    /// This is a heuristic for filling in imported and typed contacts; a person can always correct the
    /// parts by hand.
    /// - Parameter full: the name as typed.
    /// - Returns: the parts; all `nil` for a blank string.
    public static func split(_ full: String) -> PersonName {
        // "Иванов, Иван Иванович" and "Smith, John": the part before the first comma is the surname.
        if let comma = full.utf8.firstIndex(of: UInt8(ascii: ",")) {
            let surname = words(full[..<comma])
            let given = words(full[full.index(after: comma)...])
            if !surname.isEmpty, !given.isEmpty {
                return PersonName(
                    lastName: surname.joined(separator: " "), firstName: given[0],
                    middleName: given.count > 1 ? given.dropFirst().joined(separator: " ") : nil)
            }
        }
        return split(words: words(full[...]))
    }

    // MARK: - Ordering

    /// A word of a name with its comparison form (``key(_:)``), made once: every test below reads it.
    private struct Word {
        var text: String
        var key: String
        /// The key's length in scalars (its characters, for the keys of names).
        var length: Int
        /// Whether it is a known given name (each part of a hyphenated one), asked of every word more than once.
        var isKnownGivenName: Bool

        init(_ text: String) {
            self.text = text
            key = PersonName.key(text)
            length = key.unicodeScalars.count
            let parts = key.split(separator: "-")
            isKnownGivenName = !parts.isEmpty && parts.allSatisfy { givenNames.contains(String($0)) }
        }
    }

    private static func split(words texts: [String]) -> PersonName {
        let words = texts.map(Word.init)
        guard let first = words.first else { return PersonName(lastName: nil, firstName: nil, middleName: nil) }
        if words.count == 1 {
            return first.isKnownGivenName
                ? PersonName(lastName: nil, firstName: first.text, middleName: nil)
                : PersonName(lastName: first.text, firstName: nil, middleName: nil)
        }
        if let index = patronymicIndex(words) {
            // The given name comes right before the patronymic in every order people use; whatever is
            // left over is the surname.
            let rest = texts.indices.filter { $0 != index && $0 != index - 1 }.map { texts[$0] }
            return PersonName(
                lastName: rest.isEmpty ? nil : rest.joined(separator: " "), firstName: texts[index - 1],
                middleName: texts[index])
        }
        let last = words[words.count - 1]
        let surnameFirst = (isSurnameLike(first) ? 2 : 0) + (isGivenLike(words[1]) ? 1 : 0)
        let givenFirst = (isGivenLike(first) ? 2 : 0) + (isSurnameLike(last) ? 1 : 0)
        // With no evidence either way, Latin-script names are most likely Western (given name first)
        // and Cyrillic ones Russian (surname first).
        let isWestern = givenFirst > surnameFirst || (givenFirst == surnameFirst && isLatin(first.text))
        let between = texts.dropFirst().dropLast()
        if isWestern {
            return PersonName(
                lastName: last.text, firstName: first.text,
                middleName: between.isEmpty ? nil : between.joined(separator: " "))
        }
        let middle = texts.dropFirst(2)
        return PersonName(
            lastName: first.text, firstName: texts[1], middleName: middle.isEmpty ? nil : middle.joined(separator: " "))
    }

    /// The position of the patronymic, if any. A word in first position is not taken for one: a
    /// patronymic always follows the given name, and Turkic surnames such as "Нурланулы" look alike.
    /// Surnames like "Абрамович" also look like patronymics, so a candidate right after a known given
    /// name is preferred, then the last candidate.
    private static func patronymicIndex(_ words: [Word]) -> Int? {
        let candidates = words.indices.dropFirst().filter { hasEnding(words[$0].key, words[$0].length, patronymicEndings) }
        return candidates.first { isGivenLike(words[$0 - 1]) } ?? candidates.last
    }

    // MARK: - Words

    /// The words of `text`: whitespace collapsed, commas dropped, run-together initials ("И.И.")
    /// separated, and a detached Turkic patronymic particle ("улы", "кызы") joined to its name.
    private static func words(_ text: Substring) -> [String] {
        var result: [String] = []
        // Split scalar by scalar (white space and commas are single scalars): splitting into characters
        // was a third of splitting the names of an import.
        for word in text.unicodeScalars.split(whereSeparator: { $0 == "," || SearchText.isWhitespace($0) }) {
            for piece in splitInitials(Substring(word)) {
                if let previous = result.last, turkicParticles.contains(key(piece)) {
                    result[result.count - 1] = previous + " " + piece
                } else {
                    result.append(piece)
                }
            }
        }
        return result
    }

    /// "И.И." → ["И.", "И."]; other words unchanged.
    private static func splitInitials(_ word: Substring) -> [String] {
        // Only a word with a full stop can be a run of initials.
        guard word.utf8.contains(UInt8(ascii: ".")) else { return [String(word)] }
        let characters = Array(word)
        let isRunOfInitials =
            characters.count >= 4 && characters.count.isMultiple(of: 2)
            && stride(from: 0, to: characters.count, by: 2).allSatisfy {
                characters[$0].isLetter && characters[$0 + 1] == "."
            }
        guard isRunOfInitials else { return [String(word)] }
        return stride(from: 0, to: characters.count, by: 2).map { String(characters[$0...($0 + 1)]) }
    }

    /// The form used for comparisons: lowercased, with ё read as е (people write both), composed (NFC), so
    /// that endings compare scalar by scalar.
    private static func key(_ word: String) -> String {
        // ASCII and Russian Cyrillic are folded byte by byte (a word has no white space to collapse, and such
        // text has no combining marks).
        if let key = SearchText.foldASCIIOrCyrillic(word) { return key }
        // A letter typed as base plus combining mark (й, ё) is composed first, as the endings are written.
        let composed =
            word.unicodeScalars.contains { (0x300..<0x370).contains($0.value) } ? word.precomposedStringWithCanonicalMapping : word
        var key = String.UnicodeScalarView()
        for scalar in composed.unicodeScalars {
            switch scalar {
            case "ё", "Ё": key.append("е")
            default: LowerCase.append(scalar, to: &key)
            }
        }
        return String(key)
    }

    private static func isInitial(_ word: Word) -> Bool {
        word.text.utf8.last == UInt8(ascii: ".") && word.text.count == 2 && word.text.first?.isLetter == true
    }

    private static func isLatin(_ word: String) -> Bool {
        word.contains { $0.isLetter } && word.allSatisfy { !$0.isLetter || $0.isASCII }
    }

    private static func isGivenLike(_ word: Word) -> Bool {
        word.isKnownGivenName || isInitial(word)
    }

    private static func isSurnameLike(_ word: Word) -> Bool {
        guard !word.isKnownGivenName, !isInitial(word) else { return false }
        return word.key.split(separator: "-").contains { hasEnding($0, $0.unicodeScalars.count, surnameEndings) }
    }

    /// Whether `key` (of `length` scalars) ends with one of `endings` and has a stem of at least two letters
    /// before it, so short words ("Ли", "Ян") are not mistaken for endings alone. Keys and endings are
    /// composed, so they compare byte by byte; Unicode-aware `hasSuffix` was most of splitting a name.
    private static func hasEnding(_ key: some StringProtocol, _ length: Int, _ endings: [(ending: [UInt8], count: Int)]) -> Bool {
        let bytes = Array(key.utf8)
        return endings.contains { length >= $0.count + 2 && bytes.suffix($0.ending.count).elementsEqual($0.ending) }
    }

    /// Endings (composed, as UTF-8) with their lengths in scalars.
    private static func counted(_ endings: [String]) -> [(ending: [UInt8], count: Int)] {
        endings.map { ending in
            let composed = ending.precomposedStringWithCanonicalMapping
            return (Array(composed.utf8), composed.unicodeScalars.count)
        }
    }

    // MARK: - Vocabulary (keys: lowercase, ё as е)

    private static let turkicParticles: Set<String> = [
        "улы", "ұлы", "уулу", "оглы", "оглу", "кызы", "қызы", "гызы", "uly", "ogly", "kyzy", "ugli", "qizi",
    ]

    private static let patronymicEndings = counted([
        "ович", "евич", "ич", "овна", "евна", "ична", "инична", "івна", "ївна",
        "улы", "ұлы", "уулу", "оглы", "оглу", "кызы", "қызы", "гызы",
        "ovich", "evich", "ovych", "ovna", "evna", "ichna", "ivna", "uly", "ogly", "kyzy", "ugli", "qizi",
    ])

    private static let surnameEndings = counted([
        "ов", "ев", "ин", "ын", "ова", "ева", "ина", "ына", "ский", "цкий", "ской", "цкой", "ская", "цкая",
        "ых", "их", "енко", "ук", "юк", "чук", "дзе", "швили", "ян", "янц",
        "ov", "ev", "yov", "in", "yn", "ova", "eva", "ina", "yna", "sky", "skiy", "skii", "ski", "skaya",
        "ska", "enko", "uk", "yuk", "chuk", "dze", "shvili", "yan", "son",
    ])

    private static let givenNames: Set<String> = [
        // Russian, male.
        "александр", "алексей", "анатолий", "андрей", "антон", "аркадий", "арсений", "артем", "артур",
        "богдан", "борис", "вадим", "валентин", "валерий", "василий", "вениамин", "виктор", "виталий",
        "владимир", "владислав", "всеволод", "вячеслав", "геннадий", "георгий", "герман", "глеб",
        "григорий", "даниил", "данила", "демьян", "денис", "дмитрий", "евгений", "егор", "елисей",
        "емельян", "захар", "иван", "игорь", "илья", "кирилл", "константин", "лев", "леонид", "лукьян",
        "макар", "максим", "марк", "матвей", "мирон", "михаил", "никита", "николай", "олег", "павел",
        "петр", "платон", "прохор", "родион", "роман", "ростислав", "руслан", "савелий", "святослав",
        "семен", "сергей", "станислав", "степан", "тимофей", "тимур", "федор", "филипп", "эдуард", "юрий",
        "яков", "ян", "ярослав", "альберт", "марат", "ринат", "рустам", "ильдар", "айрат", "эмиль",
        // Russian, female.
        "александра", "алена", "алина", "алиса", "алла", "анастасия", "ангелина", "анна", "антонина",
        "арина", "валентина", "валерия", "варвара", "василиса", "вера", "вероника", "виктория", "галина",
        "дарья", "диана", "ева", "евгения", "екатерина", "елена", "елизавета", "жанна", "зинаида", "злата",
        "зоя", "инна", "ирина", "карина", "кира", "кристина", "ксения", "лариса", "лидия", "лилия",
        "любовь", "людмила", "майя", "маргарита", "марина", "мария", "милана", "надежда", "наталья",
        "наталия", "нина", "оксана", "олеся", "ольга", "полина", "раиса", "регина", "светлана",
        "серафима", "снежана", "софия", "софья", "таисия", "тамара", "татьяна", "ульяна", "эльвира",
        "юлия", "яна", "динара", "дина", "лейла", "гульнара",
        // Russian, everyday short forms.
        "саша", "дима", "миша", "женя", "коля", "вася", "петя", "ваня", "леша", "сережа", "паша", "костя",
        "вова", "маша", "таня", "лена", "оля", "наташа", "катя", "аня", "света", "юля", "настя", "даша",
        "ксюша", "вика", "надя", "галя", "люда",
        // Kazakh and other Central Asian.
        "нурсултан", "ерлан", "серик", "асхат", "айдар", "арман", "ержан", "бауыржан", "данияр", "нурлан",
        "кайрат", "канат", "талгат", "бахыт", "ерболат", "мурат", "азамат", "жандос", "санжар", "дамир",
        "алибек", "ерик", "алмас", "абай", "олжас", "аскар", "ерасыл", "берик", "болат", "мирас", "бекзат",
        "ернар", "айгуль", "асель", "айгерим", "мадина", "гульмира", "жанар", "сауле", "айжан", "аружан",
        "айдана", "дана", "дильназ", "назерке", "салтанат", "алия", "асем", "гаухар", "жулдыз", "меруерт",
        "камила", "амина", "абиш", "жан", "поль",
        // Russian and Kazakh in Latin transliteration.
        "ivan", "sergey", "sergei", "alexander", "aleksandr", "alexey", "aleksey", "alexei", "dmitry",
        "dmitriy", "dmitri", "andrey", "andrei", "mikhail", "nikolay", "nikolai", "vladimir", "pavel",
        "oleg", "igor", "yuri", "yury", "maxim", "maksim", "artem", "artyom", "anton", "denis", "evgeny",
        "evgeniy", "yevgeny", "kirill", "roman", "ilya", "konstantin", "viktor", "victor", "boris",
        "vadim", "vitaly", "vyacheslav", "stanislav", "egor", "yegor", "nikita", "timur", "ruslan", "petr",
        "pyotr", "olga", "elena", "yelena", "natalia", "natalya", "tatiana", "tatyana", "irina", "svetlana",
        "ekaterina", "yekaterina", "anastasia", "marina", "yulia", "julia", "ksenia", "daria", "darya",
        "polina", "galina", "lyudmila", "ludmila", "nadezhda", "valentina", "larisa", "alina", "oksana",
        "nursultan", "yerlan", "erlan", "serik", "aigul", "asel", "madina", "dinara", "nina", "regina",
        "kristina", "karina", "angelina",
        // English and other Western.
        "john", "james", "robert", "michael", "william", "david", "richard", "joseph", "thomas", "charles",
        "christopher", "daniel", "matthew", "anthony", "mark", "donald", "steven", "paul", "andrew",
        "joshua", "kenneth", "kevin", "brian", "george", "edward", "ronald", "timothy", "jason", "jeffrey",
        "ryan", "jacob", "gary", "nicholas", "eric", "jonathan", "stephen", "larry", "justin", "scott",
        "brandon", "benjamin", "samuel", "frank", "gregory", "peter", "alex", "jack", "oliver", "harry",
        "henry", "martin", "colin", "robin", "mary", "patricia", "jennifer", "linda", "elizabeth",
        "barbara", "susan", "jessica", "sarah", "karen", "nancy", "lisa", "betty", "margaret", "sandra",
        "ashley", "emily", "donna", "michelle", "carol", "amanda", "melissa", "deborah", "stephanie",
        "rebecca", "laura", "sharon", "cynthia", "kathleen", "amy", "helen", "anna", "emma", "olivia",
        "sophia", "kate", "jane", "alice", "lucy", "claire", "christina", "maria", "anne", "sophie",
        "jean", "claude", "pierre", "hans", "klaus", "stefan",
    ]
}
