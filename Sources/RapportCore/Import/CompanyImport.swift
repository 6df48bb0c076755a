import Foundation

/// Reading companies from a spreadsheet: columns found by the headers Russian users and the exports of amoCRM,
/// Bitrix24 and HubSpot use; several phones or e-mails per cell or column; custom fields by their label.
/// Duplicates are matched by INN, then by name.
public enum CompanyImport {
    /// What a column can hold.
    public enum Field: String, CaseIterable, Sendable, Hashable, Codable {
        case name, inn, kpp, industry, website, phone, email, address, legalAddress, city, owner, tags, source
    }

    static let aliases: [Field: [String]] = [
        .name: [
            "название", "название компании", "компания", "наименование", "наименование организации", "организация", "краткое наименование",
            "name", "company", "company name", "account name",
        ],
        .inn: ["инн", "инн компании", "реквизиты: инн", "реквизит инн", "инн организации", "inn", "tax id", "taxpayer id"],
        .kpp: ["кпп", "реквизиты: кпп", "реквизит кпп", "kpp"],
        .industry: ["сфера деятельности", "отрасль", "вид деятельности", "industry", "industry type"],
        .website: [
            "сайт", "web", "веб-сайт", "вебсайт", "корпоративный сайт", "website", "website url", "company domain name", "domain", "url",
        ],
        .phone: [
            "телефон", "тел", "тел.", "рабочий телефон", "рабочий прямой телефон", "мобильный телефон", "другой телефон",
            "телефон компании",
            "phone", "phone number", "company phone", "office phone",
        ],
        .email: ["email", "e-mail", "e mail", "почта", "эл. почта", "рабочий email", "рабочий e-mail", "другой email", "company email"],
        .address: ["адрес", "фактический адрес", "адрес офиса", "address", "street address", "company address"],
        .legalAddress: ["юридический адрес", "юр. адрес", "legal address"],
        .city: ["город", "city"],
        .owner: ["ответственный", "ответственный менеджер", "менеджер", "company owner", "owner"],
        .tags: ["теги", "тег", "метки", "tags"],
        .source: ["источник", "источник компании", "source", "original source", "lead source"],
    ]

    /// Each recognised column and what it holds (phones and e-mails may come from several columns).
    public static func mapColumns(_ header: [String]) -> [(column: Int, field: Field)] {
        ImportColumns.map(header, aliases: aliases, repeatable: [.phone, .email])
    }

    /// One row as a company to create or merge, with the keys it is matched by.
    public struct Row: Sendable, Hashable {
        /// Its line number in the file (the header is line 1).
        public var row: Int
        /// The company fields the row sets.
        public var input: CompanyInput
        /// The INN, digits only, for matching.
        public var inn: String?
        /// The name, folded, for matching.
        public var nameKey: String?
        /// The owner named by name or e-mail.
        public var owner: String?
    }

    /// Reads one record.
    /// - Parameters:
    ///   - record: the row's cells.
    ///   - row: its line number.
    ///   - mapping: from ``mapColumns(_:)``.
    ///   - customFields: columns holding custom fields (``ImportColumns/customFields(_:definitions:taken:)``).
    ///   - currency: the workspace's currency, for money custom fields.
    public static func read(
        _ record: [String], row: Int, mapping: [(column: Int, field: Field)],
        customFields: [(column: Int, definition: CustomFieldDefinition)] = [], currency: CurrencyCode
    ) -> Row {
        var input = CompanyInput()
        var phones: [PhoneInput] = []
        var emails: [EmailInput] = []
        var addresses: [Address] = []
        var owner: String?
        for (column, field) in mapping where column < record.count {
            guard let value = record[column].trimmedOrNil else { continue }
            switch field {
            case .name: input.name = value
            case .inn: input.inn = .set(value)
            case .kpp: input.kpp = .set(value)
            case .industry: input.industry = .set(value)
            case .website: input.website = .set(value)
            case .phone: phones += ImportColumns.split(value).map { PhoneInput(number: $0, kind: .work) }
            case .email: emails += ImportColumns.split(value).map { EmailInput(address: $0, kind: .work) }
            case .address: addresses.append(Address(kind: .actual, text: value))
            case .legalAddress: addresses.append(Address(kind: .legal, text: value))
            case .city: input.city = .set(value)
            case .owner: owner = value
            case .tags: input.tags = ImportColumns.split(value)
            case .source: input.source = LeadSource(source: value)
            }
        }
        if !phones.isEmpty { input.phones = phones }
        if !emails.isEmpty { input.emails = emails }
        if !addresses.isEmpty { input.addresses = addresses }
        input.customFields = ImportColumns.customValues(record, columns: customFields, currency: currency)
        let inn = input.inn?.value.map { $0.filter(\.isNumber) }.flatMap(\.trimmedOrNil)
        return Row(row: row, input: input, inn: inn, nameKey: input.name.map(nameKey), owner: owner)
    }

    /// A company name as duplicates are matched: case, quotes, `ё` and the legal form aside, so
    /// `ООО «Ромашка»` and `Ромашка ООО` are one company.
    public static func nameKey(_ name: String) -> String {
        let forms: Set<String> = ["ооо", "оао", "зао", "пао", "ао", "ип", "нко", "llc", "inc", "ltd", "gmbh", "corp"]
        let words = SearchText.fold(name).split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        let significant = words.filter { !forms.contains($0) }
        return (significant.isEmpty ? words : significant).joined(separator: " ")
    }

    /// What to write to an existing company under a policy: `fill` keeps every value it has and adds phones,
    /// e-mails, addresses and tags it lacks; `overwrite` takes the row's values. Nil when nothing changes.
    public static func merge(_ row: CompanyInput, into existing: Company, policy: DuplicatePolicy, region: PhoneRegion) -> CompanyInput? {
        guard policy == .fill || policy == .overwrite else { return nil }
        let fill = policy == .fill
        var change = CompanyInput()
        if let name = row.name, !fill, name != existing.name { change.name = name }
        change.inn = ImportColumns.pick(row.inn, over: existing.inn, fill: fill)
        change.kpp = ImportColumns.pick(row.kpp, over: existing.kpp, fill: fill)
        change.industry = ImportColumns.pick(row.industry, over: existing.industry, fill: fill)
        change.website = ImportColumns.pick(row.website, over: existing.website, fill: fill)
        change.city = ImportColumns.pick(row.city, over: existing.city, fill: fill)
        change.phones = ImportColumns.addingPhones(row.phones, to: existing.phones, region: region)
        change.emails = ImportColumns.addingEmails(row.emails, to: existing.emails)
        change.tags = ImportColumns.addingTags(row.tags, to: existing.tags)
        change.customFields = ImportColumns.changedCustomFields(row.customFields, existing: existing.customFields, fill: fill)
        return change == CompanyInput() ? nil : change
    }
}
