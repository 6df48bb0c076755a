import Foundation
import RapportCore
import Testing

/// The near-identical name rule, grouping of candidate pairs, and the merge plan.
@Suite struct NameSimilarityTests {
    @Test(arguments: [
        // Same words, other case, ё, spacing and punctuation.
        ("Иванов Иван Иванович", "иванов  иван   иванович"),
        ("Пётр Семёнов", "Петр Семенов"),
        ("Иванов, Иван", "Иванов Иван"),
        // Order: last-first-middle against first-middle-last and first-last.
        ("Иванов Иван Иванович", "Иван Иванович Иванов"),
        ("Иванов Иван", "Иван Иванов"),
        ("John Smith", "Smith John"),
        // Initials.
        ("Иванов И. И.", "Иванов Иван Иванович"),
        ("И. Иванов", "Иванов Иван"),
        ("Иванов И.И.", "Иванов Иван Иванович"),
        // One-letter typos in words of four letters or more: replaced, added, removed.
        ("Иванов Иван", "Ивонов Иван"),
        ("Смирнова Анна", "Смирнва Анна"),
        ("Smith John", "Smiith John"),
        // One more word on one side.
        ("Иванов Иван", "Иванов Иван Иванович"),
        // Double names keep their hyphen.
        ("Салтыков-Щедрин Михаил", "Михаил Салтыков-Щедрин"),
        // A single word against the same single word.
        ("Мадонна", "мадонна"),
    ])
    func similar(_ a: String, _ b: String) {
        #expect(NameSimilarity.areSimilar(a, b), "\(a) ~ \(b)")
        #expect(NameSimilarity.areSimilar(b, a), "\(b) ~ \(a)")
    }

    @Test(arguments: [
        // Different people.
        ("Иванов Иван", "Петров Пётр"),
        ("Иванов Иван", "Иванов Пётр"),
        // Two typos.
        ("Иванов Иван", "Ивонов Ивон"),
        ("Иванов Иван", "Ивнова Иван"),
        // Typos are not forgiven in short words.
        ("Ли Ян", "Ли Ия"),
        // Initials alone are no evidence.
        ("И. И.", "Иван Иванов"),
        ("И. И.", "И. И."),
        // An initial must match the word's first letter.
        ("Иванов П.", "Иванов Иван"),
        // A single word does not match a longer name.
        ("Иван", "Иван Петров"),
        // Two unpaired words are too many.
        ("Иванов Иван", "Иванов Иван Иванович Младший"),
        // Empty names never match.
        ("", ""),
        ("  ", "Иванов"),
        // Hyphenated names are one word.
        ("Салтыков-Щедрин", "Салтыков Щедрин"),
    ])
    func different(_ a: String, _ b: String) {
        #expect(!NameSimilarity.areSimilar(a, b), "\(a) ≁ \(b)")
        #expect(!NameSimilarity.areSimilar(b, a), "\(b) ≁ \(a)")
    }

    @Test func wordsAreNormalized() {
        #expect(NameSimilarity.words("  Ёлкин, «Пётр»  (Сергеевич). ") == ["елкин", "петр", "сергеевич"])
        #expect(NameSimilarity.words("-Анна- Мария-Луиза") == ["анна", "мария-луиза"])
        #expect(NameSimilarity.words(PersonName(lastName: "Иванов", firstName: nil, middleName: "Ильич")) == ["иванов", "ильич"])
    }

    @Test func levenshteinCountsEdits() {
        #expect(NameSimilarity.levenshtein("", "") == 0)
        #expect(NameSimilarity.levenshtein("", "abc") == 3)
        #expect(NameSimilarity.levenshtein("abc", "") == 3)
        #expect(NameSimilarity.levenshtein("kitten", "sitting") == 3)
        #expect(NameSimilarity.levenshtein("иванов", "иванова") == 1)
        #expect(NameSimilarity.levenshtein("kitten", "sitting", limit: 1) == 2)
        #expect(NameSimilarity.levenshtein("a", "abcd", limit: 1) == 2)
    }

    @Test func partsCompareLikeText() {
        let a = PersonName(lastName: "Семёнов", firstName: "Пётр", middleName: nil)
        let b = PersonName(lastName: nil, firstName: "Петр", middleName: "Семенов")
        #expect(NameSimilarity.areSimilar(a, b))
    }
}

@Suite struct DuplicateGroupingTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

    @Test func pairsConnectIntoGroupsOldestFirst() {
        let created = ["a": at(30), "b": at(10), "c": at(20), "x": at(5), "y": at(6)]
        let groups = DuplicateGrouping.groups(
            [
                DuplicatePair("a", "b", reason: .samePhone), DuplicatePair("c", "b", reason: .sameEmail),
                DuplicatePair("b", "a", reason: .sameEmail), DuplicatePair("y", "x", reason: .similarName),
            ], dismissed: [], createdAt: created)
        #expect(groups.count == 2)
        #expect(groups[0].ids == ["x", "y"])
        #expect(groups[0].reasons == [.similarName])
        #expect(groups[1].ids == ["b", "c", "a"])
        #expect(groups[1].reasons == [.samePhone, .sameEmail])
        #expect(
            groups[1].links == [
                DuplicateGroup.Link(first: "b", second: "c", reasons: [.sameEmail]),
                DuplicateGroup.Link(first: "b", second: "a", reasons: [.samePhone, .sameEmail]),
            ])
    }

    @Test func dismissedPairsLinkNothing() {
        let created = ["a": at(1), "b": at(2), "c": at(3)]
        let pairs = [DuplicatePair("a", "b", reason: .samePhone), DuplicatePair("b", "c", reason: .samePhone)]
        #expect(DuplicateGrouping.groups(pairs, dismissed: [PairKey("b", "a")], createdAt: created).map(\.ids) == [["b", "c"]])
        #expect(DuplicateGrouping.groups(pairs, dismissed: [PairKey("a", "b"), PairKey("c", "b")], createdAt: created).isEmpty)
        // Dismissing a and c keeps them together through b, which resembles both.
        #expect(DuplicateGrouping.groups(pairs, dismissed: [PairKey("c", "a")], createdAt: created).map(\.ids) == [["a", "b", "c"]])
    }

    @Test func pairsOfUnknownRecordsAndSelfPairsAreDropped() {
        let created = ["a": at(1), "b": at(2)]
        let groups = DuplicateGrouping.groups(
            [DuplicatePair("a", "a", reason: .samePhone), DuplicatePair("a", "gone", reason: .samePhone)], dismissed: [],
            createdAt: created)
        #expect(groups.isEmpty)
    }

    @Test func sameTimeOrdersById() {
        let created = ["b": at(1), "a": at(1)]
        #expect(
            DuplicateGrouping.groups([DuplicatePair("b", "a", reason: .sameINN)], dismissed: [], createdAt: created)[0].ids == ["a", "b"])
    }

    @Test func pairKeysAreUnordered() {
        #expect(PairKey("b", "a") == PairKey("a", "b"))
        #expect(DuplicatePair("b", "a", reason: .samePhone).first == "a")
    }

    @Test func similarNamesArePairedWithinEachCompany() {
        let pairs = DuplicateGrouping.similarNames([
            [
                ("1", NameSimilarity.words("Иванов Иван")), ("2", NameSimilarity.words("Иван Иванов")),
                ("3", NameSimilarity.words("Петров Пётр")),
            ],
            [("4", NameSimilarity.words("Петров Петр")), ("1", NameSimilarity.words("Иванов Иван"))],
        ])
        #expect(pairs == [DuplicatePair("1", "2", reason: .similarName)])
    }
}

@Suite struct MergePlanTests {
    let now = CoreFixture.now

    func contact(_ id: String, _ build: (inout Contact) -> Void) -> Contact {
        var c = Contact(id: Contact.ID(id), workspaceID: CoreFixture.workspace, now: now, createdBy: CoreFixture.author)
        build(&c)
        return c
    }

    func contactIssues(_ survivor: Contact, _ merged: [Contact], _ choices: [String: Contact.ID]) -> [FieldIssue]? {
        do {
            _ = try ContactMerge.merge(survivor: survivor, merged: merged, choices: choices)
            return nil
        } catch {
            return error.issues
        }
    }

    func companyIssues(_ survivor: Company, _ merged: [Company], _ choices: [String: Company.ID]) -> [FieldIssue]? {
        do {
            _ = try CompanyMerge.merge(survivor: survivor, merged: merged, choices: choices)
            return nil
        } catch {
            return error.issues
        }
    }

    func phone(_ raw: String, _ e164: String?) -> Phone { Phone(number: PhoneNumber(raw: raw, e164: e164), kind: .mobile) }

    var older: Contact {
        contact("c-old") {
            $0.lastName = "Иванов"
            $0.firstName = "Иван"
            $0.city = nil
            $0.position = "Директор"
            $0.phones = [phone("8 912 345-67-89", "+79123456789")]
            $0.emails = [Email(address: "ivan@example.ru", kind: .work)]
            $0.tags = ["VIP", "опт"]
            $0.companies = [CompanyLink(companyID: Company.ID("co-1"), isPrimary: true)]
            $0.customFields = ["budget": .int(100)]
        }
    }
    var newer: Contact {
        contact("c-new") {
            $0.lastName = "Иванов"
            $0.firstName = "Иван"
            $0.middleName = "Петрович"
            $0.city = "Казань"
            $0.position = "Генеральный директор"
            $0.phones = [phone("+7 (912) 345 67 89", "+79123456789"), phone("+7 495 111-22-33", "+74951112233")]
            $0.emails = [Email(address: "IVAN@example.ru", kind: .personal), Email(address: "i@home.ru", kind: .personal)]
            $0.tags = ["vip", "розница"]
            $0.companies = [
                CompanyLink(companyID: Company.ID("co-2"), isPrimary: true), CompanyLink(companyID: Company.ID("co-1"), isPrimary: false),
            ]
            $0.customFields = ["budget": .int(500), "region": .string("Татарстан")]
            $0.readiness = .hot
        }
    }

    @Test func defaultsKeepTheSurvivorsValuesAndFillBlanksFromOthers() throws {
        let merged = try ContactMerge.merge(survivor: older, merged: [newer], choices: [:])
        #expect(merged.id == Contact.ID("c-old"))
        #expect(merged.position == "Директор")
        #expect(merged.middleName == "Петрович")
        #expect(merged.city == "Казань")
        #expect(merged.readiness == .hot)
        #expect(merged.customFields == ["budget": .int(100), "region": .string("Татарстан")])
        #expect(merged.createdAt == older.createdAt)
        #expect(merged.version == older.version)
    }

    @Test func choicesPickEachFieldFromTheNamedRecord() throws {
        let newID = Contact.ID("c-new")
        let merged = try ContactMerge.merge(
            survivor: older, merged: [newer], choices: ["position": newID, "customFields.budget": newID, "city": Contact.ID("c-old")])
        #expect(merged.position == "Генеральный директор")
        #expect(merged.customFields["budget"] == .int(500))
        // Picking an empty value empties the field.
        #expect(merged.city == nil)
    }

    @Test func listsAreUnionedByNormalizedValue() throws {
        let merged = try ContactMerge.merge(survivor: older, merged: [newer], choices: [:])
        #expect(merged.phones.map(\.number.e164) == ["+79123456789", "+74951112233"])
        #expect(merged.phones[0].number.raw == "8 912 345-67-89")
        #expect(merged.emails.map(\.address) == ["ivan@example.ru", "i@home.ru"])
        #expect(merged.tags == ["VIP", "опт", "розница"])
        #expect(
            merged.companies == [
                CompanyLink(companyID: Company.ID("co-1"), isPrimary: true), CompanyLink(companyID: Company.ID("co-2"), isPrimary: false),
            ])
    }

    @Test func aPrimaryCompanyComesFromTheOthersWhenTheSurvivorHasNone() throws {
        var survivor = older
        survivor.companies = []
        let merged = try ContactMerge.merge(survivor: survivor, merged: [newer], choices: [:])
        #expect(merged.companies.filter(\.isPrimary).map(\.companyID) == [Company.ID("co-2")])
    }

    @Test func unparsedPhonesCompareByDigits() {
        let union = MergeRules.union([[phone("12-34", nil)], [phone("1234", nil), phone("5678", nil)]])
        #expect(union.map(\.number.raw) == ["12-34", "5678"])
    }

    @Test func badRequestsNameTheField() {
        #expect(contactIssues(older, [], [:]) == [FieldIssue("mergedIds", .required)])
        #expect(
            contactIssues(older, [older], [:])
                == [FieldIssue("mergedIds[0]", .duplicate)])
        #expect(
            contactIssues(older, [newer, newer], [:])
                == [FieldIssue("mergedIds[1]", .duplicate)])
        let many = (0...MergeRules.maximumMerged).map { i in contact("m\(i)") { _ in } }
        #expect(
            contactIssues(older, many, [:])
                == [FieldIssue("mergedIds", .outOfRange, ["max": "9"])])
        #expect(
            contactIssues(older, [newer], ["colour": Contact.ID("c-new"), "city": Contact.ID("someone-else")]) == [
                FieldIssue("choices.city", .unknownReference), FieldIssue("choices.colour", .unknownField),
            ])
        // A custom field nobody has is not a field of this merge.
        #expect(
            contactIssues(older, [newer], ["customFields.nope": older.id])
                == [FieldIssue("choices.customFields.nope", .unknownField)])
    }

    @Test func unionsOverTheirLimitAreRefused() {
        var a = older
        var b = newer
        a.phones = (0..<15).map { phone("+7912000\(1000 + $0)", "+7912000\(1000 + $0)") }
        b.phones = (0..<15).map { phone("+7913000\(1000 + $0)", "+7913000\(1000 + $0)") }
        #expect(
            contactIssues(a, [b], [:])
                == [FieldIssue("phones", .outOfRange, ["max": "20"])])
    }

    @Test func defaultChoicesPreferTheOldestNonEmptyValue() {
        let choices = MergeRules.defaultChoices([older, newer])
        #expect(choices["position"] == older.id)
        #expect(choices["middleName"] == newer.id)
        #expect(choices["city"] == newer.id)
        #expect(choices["customFields.region"] == newer.id)
        #expect(choices["customFields.budget"] == older.id)
        // Nobody has a birthday: the survivor's (empty) value stays.
        #expect(choices["birthday"] == older.id)
        #expect(choices["lifecycle"] == older.id)
    }

    func company(_ id: String, _ build: (inout Company) -> Void) -> Company {
        var c = Company(id: Company.ID(id), workspaceID: CoreFixture.workspace, now: now, createdBy: CoreFixture.author)
        build(&c)
        return c
    }

    @Test func companiesMergeTheSameWay() throws {
        let a = company("co-a") {
            $0.name = "ООО «Ромашка»"
            $0.inn = "7707083893"
            $0.addresses = [Address(kind: .legal, text: "Москва, Тверская 1")]
            $0.tags = ["опт"]
        }
        let b = company("co-b") {
            $0.name = "Ромашка"
            $0.inn = "7707083893"
            $0.kpp = "773601001"
            $0.website = "romashka.ru"
            $0.addresses = [Address(kind: .legal, text: "москва,  тверская 1"), Address(kind: .actual, text: "Химки")]
            $0.emails = [Email(address: "info@romashka.ru", kind: .work)]
            $0.tags = ["Опт", "vip"]
        }
        let merged = try CompanyMerge.merge(survivor: a, merged: [b], choices: ["name": b.id])
        #expect(merged.id == a.id)
        #expect(merged.name == "Ромашка")
        #expect(merged.kpp == "773601001")
        #expect(merged.website == "romashka.ru")
        #expect(merged.addresses.map(\.text) == ["Москва, Тверская 1", "Химки"])
        #expect(merged.tags == ["опт", "vip"])
        #expect(merged.emails.map(\.address) == ["info@romashka.ru"])
        #expect(MergeRules.defaultChoices([a, b])["kpp"] == b.id)
    }

    @Test func aKPPNextToASoleTradersINNIsRefused() {
        let trader = company("co-t") {
            $0.name = "ИП Иванов"
            $0.inn = "500100732259"
        }
        let firm = company("co-f") {
            $0.name = "Иванов"
            $0.inn = "7707083893"
            $0.kpp = "773601001"
        }
        #expect(
            companyIssues(trader, [firm], [:])
                == [FieldIssue("choices.kpp", .invalidKPP)])
        #expect(companyIssues(trader, [firm], ["kpp": trader.id]) == nil)
    }
}
