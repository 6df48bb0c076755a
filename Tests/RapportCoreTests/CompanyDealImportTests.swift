import Foundation
import Testing

@testable import RapportCore

@Suite("Company and deal import rules")
struct CompanyDealImportTests {
    static let amoCompanies = [
        "ID", "Название", "Ответственный", "Дата создания", "Теги", "Рабочий телефон", "Email", "Web", "Адрес", "ИНН", "КПП",
        "Сфера деятельности",
    ]
    static let bitrixCompanies = [
        "ID", "Название компании", "Тип компании", "Сфера деятельности", "Рабочий телефон", "Мобильный телефон", "Рабочий e-mail",
        "Корпоративный сайт", "Адрес", "Ответственный", "Комментарий", "ИНН", "КПП", "Дата создания",
    ]
    static let hubspotCompanies = [
        "Record ID", "Company name", "Company Domain Name", "Company owner", "Industry", "Phone Number", "City", "Street Address",
        "Create Date",
    ]

    @Test("Company columns of amoCRM, Bitrix24 and HubSpot exports are recognised; IDs and dates are not fields")
    func companyColumns() {
        let amo = CompanyImport.mapColumns(Self.amoCompanies)
        #expect(amo.map(\.field) == [.name, .owner, .tags, .phone, .email, .website, .address, .inn, .kpp, .industry])
        let bitrix = CompanyImport.mapColumns(Self.bitrixCompanies)
        #expect(bitrix.map(\.field) == [.name, .industry, .phone, .phone, .email, .website, .address, .owner, .inn, .kpp])
        #expect(bitrix.first { $0.field == .industry }?.column == 3, "the sphere, not the company type")
        let hubspot = CompanyImport.mapColumns(Self.hubspotCompanies)
        #expect(hubspot.map(\.field) == [.name, .website, .owner, .industry, .phone, .city, .address])
    }

    @Test("A company row: phones and e-mails split, addresses by kind, INN digits for matching, custom fields by label")
    func companyRow() {
        let header = ["Наименование", "ИНН", "Телефон", "E-mail", "Юридический адрес", "Адрес", "Регион", "Клиент с"]
        let definitions = [
            CoreFixture.field("region", .select, options: ["Москва", "Казань"], entity: .company),
            CoreFixture.field("since", .date, entity: .company),
        ]
        var custom = definitions
        custom[0].label = "Регион"
        custom[1].label = "Клиент с"
        let mapping = CompanyImport.mapColumns(header)
        let columns = ImportColumns.customFields(header, definitions: custom, taken: Set(mapping.map(\.column)))
        #expect(columns.map(\.column) == [6, 7])
        let row = CompanyImport.read(
            ["ООО «Ромашка»", " 7707 083 893 ", "8 495 1, 8 495 2", "a@r.ru; b@r.ru", "Москва, 1", "Москва, 2", "казань", "05.09.2020"],
            row: 2,
            mapping: mapping, customFields: columns, currency: CurrencyCode(rawValue: "RUB")!)
        #expect(row.inn == "7707083893")
        #expect(row.nameKey == "ромашка")
        #expect(row.input.phones?.count == 2)
        #expect(row.input.emails?.map(\.address) == ["a@r.ru", "b@r.ru"])
        #expect(row.input.addresses == [Address(kind: .legal, text: "Москва, 1"), Address(kind: .actual, text: "Москва, 2")])
        #expect(row.input.customFields == ["region": .string("Казань"), "since": .string("2020-09-05")])
    }

    @Test(
        "Company names match whatever the legal form, quotes and case",
        arguments: [
            ("ООО «Ромашка»", "ромашка"), ("Ромашка ООО", "ромашка"), ("ооо \"РОМАШКА\"", "ромашка"), ("ИП Сидоров С. С.", "сидоров с с"),
            ("Acme, Inc.", "acme"), ("ООО", "ооо"), ("Ёлка-Палка", "елка палка"),
        ])
    func nameKeys(_ name: String, _ key: String) {
        #expect(CompanyImport.nameKey(name) == key)
    }

    @Test("Merging a company: fill keeps what is there and adds new phones, e-mails, addresses and tags; overwrite replaces")
    func companyMerge() throws {
        var input = CompanyInput()
        input.name = "Ромашка"
        input.inn = .set("7707083893")
        let existing = try Company(id: Company.ID("c1"), workspaceID: CoreFixture.workspace, now: CoreFixture.now, createdBy: nil)
            .applying(input, context: CoreFixture.context())
        var row = CompanyInput()
        row.name = "ООО Ромашка"
        row.industry = .set("Торговля")
        row.emails = [EmailInput(address: "INFO@romashka.ru")]
        row.tags = ["опт"]
        row.inn = .set("7707083893")
        let fill = try #require(CompanyImport.merge(row, into: existing, policy: .fill, region: .ru))
        #expect(fill.name == nil)
        #expect(fill.inn == nil)
        #expect(fill.industry == .set("Торговля"))
        #expect(fill.emails?.map(\.address) == ["INFO@romashka.ru"])
        #expect(fill.tags == ["опт"])
        let overwrite = try #require(CompanyImport.merge(row, into: existing, policy: .overwrite, region: .ru))
        #expect(overwrite.name == "ООО Ромашка")
        #expect(CompanyImport.merge(row, into: existing, policy: .skip, region: .ru) == nil)
        let same = try existing.applying(fill, context: CoreFixture.context())
        #expect(CompanyImport.merge(row, into: same, policy: .fill, region: .ru) == nil, "nothing left to fill")
    }

    static let amoDeals = [
        "ID", "Название сделки", "Бюджет", "Ответственный", "Дата создания", "Этап сделки", "Воронка", "Теги", "Основной контакт",
        "Компания",
        "Рабочий телефон (контакт)", "Рабочий email (контакт)", "Дата закрытия", "utm_source", "utm_medium", "utm_campaign",
        "Причина отказа",
    ]

    @Test("Deal columns of amoCRM, Bitrix24 and HubSpot exports are recognised")
    func dealColumns() {
        #expect(
            DealImport.mapColumns(Self.amoDeals).map(\.field) == [
                .title, .amount, .owner, .stage, .pipeline, .tags, .contact, .company, .contactPhone, .contactEmail, .expectedCloseDate,
                .utmSource, .utmMedium, .utmCampaign, .lostReason,
            ])
        let bitrix = [
            "ID", "Название сделки", "Стадия сделки", "Воронка", "Сумма", "Валюта", "Ответственный", "Контакт", "Компания",
            "Предполагаемая дата закрытия", "Источник", "UTM Source", "UTM Medium", "UTM Campaign",
        ]
        #expect(
            DealImport.mapColumns(bitrix).map(\.field) == [
                .title, .stage, .pipeline, .amount, .currency, .owner, .contact, .company, .expectedCloseDate, .source, .utmSource,
                .utmMedium,
                .utmCampaign,
            ])
        let hubspot = [
            "Record ID", "Deal Name", "Deal Stage", "Pipeline", "Amount", "Close Date", "Deal owner", "Create Date", "Associated Company",
            "Associated Contact",
        ]
        #expect(
            DealImport.mapColumns(hubspot).map(\.field) == [
                .title, .stage, .pipeline, .amount, .expectedCloseDate, .owner, .company, .contact,
            ])
    }

    static let rub = CurrencyCode(rawValue: "RUB")!

    @Test("A deal row: money as exports write it, a close date with a time, UTM, a contact's e-mail inside an association")
    func dealRow() {
        let header = ["Deal Name", "Amount", "Currency", "Close Date", "Associated Contact", "Associated Company", "utm_source"]
        let mapping = DealImport.mapColumns(header)
        let row = DealImport.read(
            ["Renewal", "1,500.00", "usd", "2026-10-01 00:00", "Jane Doe (Jane@Acme.com)", "Acme Inc (acme.com)", "google"], row: 2,
            mapping: mapping, currency: Self.rub, region: .ru)
        #expect(row.issues.isEmpty)
        #expect(row.input.amount == Money(amount: 150_000, currency: CurrencyCode(rawValue: "USD")!))
        #expect(row.input.expectedCloseDate == .set(LocalDate(year: 2026, month: 10, day: 1)!))
        #expect(row.contactEmails == ["jane@acme.com"])
        #expect(row.company == "Acme Inc")
        #expect(row.input.source?.utmSource == "google")
        let russian = DealImport.read(
            ["Сделка", "150 000,50 руб.", "", "30.09.2026 00:00:00", "", "", ""], row: 3, mapping: mapping, currency: Self.rub, region: .ru)
        #expect(russian.input.amount == Money(amount: 15_000_050, currency: Self.rub))
        let bad = DealImport.read(
            ["Сделка", "много", "XX1", "вчера", "", "", ""], row: 4, mapping: mapping, currency: Self.rub, region: .ru)
        #expect(bad.issues.map(\.field) == ["currency", "amount", "expectedCloseDate"])
    }

    static func pipeline(_ name: String, _ stages: [(String, StageKind)]) -> Pipeline {
        Pipeline(
            id: Pipeline.ID(name), workspaceID: CoreFixture.workspace, name: name, position: 0,
            stages: stages.map { Stage(id: Stage.ID("\(name)/\($0.0)"), name: $0.0, kind: $0.1, probability: 10) },
            createdAt: CoreFixture.now,
            version: 1)
    }

    static let pipelines = [
        pipeline("Продажи", [("Новая заявка", .open), ("Переговоры", .open), ("Успешно", .won), ("Проиграно", .lost)]),
        pipeline("Опт", [("Заявка", .open), ("Отгрузка", .open), ("Оплачено", .won), ("Отказ", .lost)]),
    ]

    @Test(
        "Stages by name, in the named pipeline or any; won and lost words of other CRMs; else the first open stage, flagged",
        arguments: [
            (nil, nil, "Продажи/Новая заявка", true), ("Опт", nil, "Опт/Заявка", true), (nil, "переговоры", "Продажи/Переговоры", true),
            (nil, "Отгрузка", "Опт/Отгрузка", true), ("Продажи", "Отгрузка", "Продажи/Новая заявка", false),
            ("Sales Pipeline", "Closed Won", "Продажи/Успешно", true), ("Опт", "Закрыто и не реализовано", "Опт/Отказ", true),
            ("Опт", "Сделка успешна", "Опт/Оплачено", true), (nil, "Appointment scheduled", "Продажи/Новая заявка", false),
        ] as [(String?, String?, String, Bool)])
    func stages(_ pipeline: String?, _ stage: String?, _ expected: String, _ matched: Bool) throws {
        let place = try #require(DealImport.resolveStage(pipeline: pipeline, stage: stage, in: Self.pipelines))
        #expect(place.stage.id.rawValue == expected)
        #expect(place.matched == matched)
        #expect(DealImport.resolveStage(pipeline: "x", stage: "y", in: []) == nil)
    }

    @Test(
        "Custom field cells are read as their kind, or passed on as text for the field's own check",
        arguments: [
            (CustomFieldKind.number, "1 500,5", JSONValue.double(1500.5)), (.number, "42", .int(42)), (.number, "abc", .string("abc")),
            (.date, "05.09.2026", .string("2026-09-05")), (.boolean, "Да", .bool(true)), (.boolean, "no", .bool(false)),
            (.boolean, "может", .string("может")), (.select, "казань", .string("Казань")),
            (.multiSelect, "москва; Казань", .array(["Москва", "Казань"])),
            (.money, "1 000,50", .object(["amount": .int(100_050), "currency": "RUB"])), (.text, "как есть", .string("как есть")),
        ])
    func customValues(_ kind: CustomFieldKind, _ text: String, _ expected: JSONValue) {
        let definition = CoreFixture.field("f", kind, options: ["Москва", "Казань"])
        #expect(ImportColumns.customValue(text, for: definition, currency: Self.rub) == expected)
    }
}
