import Foundation

/// What to do with a row that matches an existing record (by e-mail or phone) or an earlier row.
public enum DuplicatePolicy: String, Sendable, Codable, CaseIterable, Hashable {
    /// Leave the existing record alone; the row is reported as skipped.
    case skip
    /// Fill only the existing record's empty fields (and add new phones and e-mails).
    case fill
    /// Replace the existing record's fields with the row's non-empty values.
    case overwrite
    /// Create a new record anyway.
    case create
}

/// Reading contacts from a spreadsheet: columns found by the headers Russian users and the exports of
/// amoCRM, Bitrix24 and HubSpot use; a full name split into its parts; several phones or e-mails per cell.
public enum ContactImport {
    /// What a column can hold.
    public enum Field: String, CaseIterable, Sendable, Hashable, Codable {
        case fullName, lastName, firstName, middleName, phone, mobilePhone, workPhone, homePhone, email, company, position, city, address
        case birthday, tags, owner, source

        /// Whether the column holds phones (of any kind).
        public var isPhone: Bool { [.phone, .mobilePhone, .workPhone, .homePhone].contains(self) }

        /// The kind of phone the column holds (a plain "phone" column: mobile, as most are).
        var phoneKind: PhoneKind {
            switch self {
            case .workPhone: .work
            case .homePhone: .home
            default: .mobile
            }
        }
    }

    static let aliases: [Field: [String]] = [
        .fullName: ["фио", "полное имя", "имя контакта", "контакт", "name", "full name", "contact name", "клиент"],
        .lastName: ["фамилия", "last name", "lastname", "surname"],
        .firstName: ["имя", "first name", "firstname", "given name"],
        .middleName: ["отчество", "middle name", "patronymic"],
        .phone: ["телефон", "тел", "тел.", "другой телефон", "phone", "phone number", "other phone"],
        .mobilePhone: ["мобильный", "мобильный телефон", "сотовый", "mobile", "mobile phone", "mobile phone number", "cell phone"],
        .workPhone: ["рабочий телефон", "рабочий прямой телефон", "work phone", "office phone", "business phone"],
        .homePhone: ["домашний телефон", "home phone"],
        .email: [
            "email", "e-mail", "e mail", "почта", "эл. почта", "рабочий email", "личный email", "рабочий e-mail", "другой email",
            "email address",
        ],
        .company: ["компания", "название компании", "компания контакта", "организация", "company", "company name", "associated company"],
        .position: ["должность", "position", "job title", "title"],
        .city: ["город", "city"],
        .address: ["адрес", "address", "street address"],
        .birthday: ["день рождения", "дата рождения", "birthday", "date of birth"],
        .tags: ["теги", "тег", "tags"],
        .owner: ["ответственный", "ответственный менеджер", "contact owner", "owner"],
        .source: ["источник", "источник контакта", "source", "lead source", "original source"],
    ]

    /// Each recognised column and what it holds (phones and e-mails may come from several columns).
    public static func mapColumns(_ header: [String]) -> [(column: Int, field: Field)] {
        ImportColumns.map(header, aliases: aliases, repeatable: [.phone, .mobilePhone, .workPhone, .homePhone, .email])
    }

    /// One row as a contact to create or merge, with the keys it is matched by.
    public struct Row: Sendable, Hashable {
        /// Its line number in the file (the header is line 1).
        public var row: Int
        /// The contact fields the row sets.
        public var input: ContactInput
        /// Its normalized e-mails, for matching.
        public var emails: [String]
        /// Its phones in E.164, for matching.
        public var phones: [String]
        /// A company to link by name (found or created).
        public var company: String?
        /// The owner named by name or e-mail.
        public var owner: String?

        /// Finds the keys from the row's input: each valid e-mail normalized, each phone that parses in E.164.
        public mutating func findKeys(region: PhoneRegion) {
            let normalizer = PhoneNormalizer(defaultRegion: region)
            emails = (input.emails ?? []).compactMap { EmailAddress.normalize($0.address) }
            phones = (input.phones ?? []).compactMap { normalizer.normalize($0.number).e164 }
        }

        /// Takes the keys from the contact the row made (``Contact/applying(_:context:)`` accepted every
        /// e-mail and phone): the ones ``findKeys(region:)`` finds, less repeats.
        public mutating func takeKeys(from contact: Contact) {
            emails = contact.emails.map(\.address)
            phones = contact.phones.compactMap(\.number.e164)
        }
    }

    /// Reads one record.
    /// - Parameters:
    ///   - record: the row's cells.
    ///   - row: its line number.
    ///   - mapping: from ``mapColumns(_:)``.
    ///   - region: for phones written without a country code.
    ///   - customFields: columns holding custom fields (``ImportColumns/customFields(_:definitions:taken:)``).
    ///   - currency: the workspace's currency, for money custom fields (without it they pass as text).
    ///   - keys: whether to find the row's keys (``Row/emails`` and ``Row/phones``) now; a caller that makes the
    ///     contact anyway takes them from it (``Row/takeKeys(from:)``) and normalizes each value once.
    public static func read(
        _ record: [String], row: Int, mapping: [(column: Int, field: Field)], region: PhoneRegion,
        customFields: [(column: Int, definition: CustomFieldDefinition)] = [], currency: CurrencyCode? = nil, keys: Bool = true
    ) -> Row {
        var input = ContactInput()
        var phones: [PhoneInput] = []
        var emails: [EmailInput] = []
        var company: String?
        var owner: String?
        for (column, field) in mapping where column < record.count {
            guard let value = record[column].trimmedOrNil else { continue }
            switch field {
            case .fullName: input.fullName = value
            case .lastName: input.lastName = .set(value)
            case .firstName: input.firstName = .set(value)
            case .middleName: input.middleName = .set(value)
            case .phone, .mobilePhone, .workPhone, .homePhone:
                phones += ImportColumns.split(value).map { PhoneInput(number: $0, kind: field.phoneKind) }
            case .email: emails += ImportColumns.split(value).map { EmailInput(address: $0) }
            case .company: company = value
            case .position: input.position = .set(value)
            case .city: input.city = .set(value)
            case .address: input.address = .set(value)
            case .birthday:
                if let day = LocalDate(typed: value) { input.birthday = .set(day) }
            case .tags: input.tags = ImportColumns.split(value)
            case .owner: owner = value
            case .source: input.source = LeadSource(source: value)
            }
        }
        if !phones.isEmpty { input.phones = phones }
        if !emails.isEmpty { input.emails = emails }
        input.customFields = ImportColumns.customValues(record, columns: customFields, currency: currency)
        var read = Row(row: row, input: input, emails: [], phones: [], company: company, owner: owner)
        if keys { read.findKeys(region: region) }
        return read
    }

    /// What to write to an existing contact under a policy: `fill` keeps every value the contact has and
    /// adds phones and e-mails it lacks; `overwrite` takes the row's values. Nil when nothing changes.
    public static func merge(_ row: ContactInput, into existing: Contact, policy: DuplicatePolicy, region: PhoneRegion) -> ContactInput? {
        guard policy == .fill || policy == .overwrite else { return nil }
        var change = ContactInput()
        let fill = policy == .fill
        if let full = row.fullName, row.lastName == nil, row.firstName == nil {
            let name = PersonName.split(full)
            change.lastName = ImportColumns.pick(name.lastName.map { .set($0) }, over: existing.lastName, fill: fill)
            change.firstName = ImportColumns.pick(name.firstName.map { .set($0) }, over: existing.firstName, fill: fill)
            change.middleName = ImportColumns.pick(name.middleName.map { .set($0) }, over: existing.middleName, fill: fill)
        } else {
            change.lastName = ImportColumns.pick(row.lastName, over: existing.lastName, fill: fill)
            change.firstName = ImportColumns.pick(row.firstName, over: existing.firstName, fill: fill)
            change.middleName = ImportColumns.pick(row.middleName, over: existing.middleName, fill: fill)
        }
        change.position = ImportColumns.pick(row.position, over: existing.position, fill: fill)
        change.city = ImportColumns.pick(row.city, over: existing.city, fill: fill)
        change.address = ImportColumns.pick(row.address, over: existing.address, fill: fill)
        if let birthday = row.birthday, !(fill && existing.birthday != nil), birthday.value != existing.birthday {
            change.birthday = birthday
        }
        change.phones = ImportColumns.addingPhones(row.phones, to: existing.phones, region: region)
        change.emails = ImportColumns.addingEmails(row.emails, to: existing.emails)
        change.tags = ImportColumns.addingTags(row.tags, to: existing.tags)
        change.customFields = ImportColumns.changedCustomFields(row.customFields, existing: existing.customFields, fill: fill)
        return change == ContactInput() ? nil : change
    }

}
