import Foundation

/// Reading deals from a spreadsheet: columns found by the headers Russian users and the exports of amoCRM,
/// Bitrix24 and HubSpot use. Pipelines and stages are named as the CRM names them and resolved here against the
/// workspace's (``resolveStage(pipeline:stage:in:)``); the contact and company are found by the store.
public enum DealImport {
    /// What a column can hold.
    public enum Field: String, CaseIterable, Sendable, Hashable, Codable {
        case title, amount, currency, pipeline, stage, owner, contactEmail, contactPhone, contact, company, companyINN
        case expectedCloseDate, lostReason, source, utmSource, utmMedium, utmCampaign, utmContent, utmTerm, tags
    }

    static let aliases: [Field: [String]] = [
        .title: ["название", "название сделки", "сделка", "наименование", "deal name", "deal", "name", "title"],
        .amount: ["бюджет", "сумма", "сумма сделки", "бюджет сделки", "стоимость", "amount", "deal amount", "value"],
        .currency: ["валюта", "currency", "deal currency code", "currency code"],
        .pipeline: ["воронка", "воронка сделки", "направление", "направление сделки", "pipeline", "deal pipeline"],
        .stage: ["этап", "этап сделки", "стадия", "стадия сделки", "статус", "статус сделки", "deal stage", "stage"],
        .owner: ["ответственный", "ответственный менеджер", "менеджер", "deal owner", "owner"],
        .contactEmail: [
            "email контакта", "e-mail контакта", "рабочий email (контакт)", "рабочий email контакта", "email (контакт)", "контакт: email",
            "contact email", "email", "e-mail",
        ],
        .contactPhone: [
            "телефон контакта", "рабочий телефон (контакт)", "мобильный телефон (контакт)", "телефон (контакт)", "контакт: телефон",
            "contact phone", "phone", "телефон",
        ],
        .contact: ["основной контакт", "контакт", "контакты", "клиент", "associated contact", "contact", "contact name"],
        .company: ["компания", "название компании", "компания контакта", "организация", "associated company", "company", "company name"],
        .companyINN: ["инн", "инн компании", "реквизиты: инн", "inn"],
        .expectedCloseDate: [
            "дата закрытия", "планируемая дата закрытия", "предполагаемая дата закрытия", "ожидаемая дата закрытия", "close date",
            "expected close date",
        ],
        .lostReason: ["причина отказа", "причина проигрыша", "closed lost reason", "lost reason"],
        .source: ["источник", "источник сделки", "source", "original source", "lead source"],
        .utmSource: ["utm_source", "utm source"],
        .utmMedium: ["utm_medium", "utm medium"],
        .utmCampaign: ["utm_campaign", "utm campaign"],
        .utmContent: ["utm_content", "utm content"],
        .utmTerm: ["utm_term", "utm term"],
        .tags: ["теги", "тег", "метки", "tags"],
    ]

    /// Each recognised column and what it holds.
    public static func mapColumns(_ header: [String]) -> [(column: Int, field: Field)] {
        ImportColumns.map(header, aliases: aliases, repeatable: [.contactEmail, .contactPhone])
    }

    /// One row as a deal, with the names of what it refers to.
    public struct Row: Sendable, Hashable {
        /// Its line number in the file (the header is line 1).
        public var row: Int
        /// The fields the row sets directly.
        public var input: DealInput
        /// The pipeline and stage as named in the file.
        public var pipeline: String?
        public var stage: String?
        /// The owner named by name or e-mail.
        public var owner: String?
        /// The contact's e-mails (normalized) and phones (E.164), and its name as written.
        public var contactEmails: [String]
        public var contactPhones: [String]
        /// The company by INN (digits) or name.
        public var companyINN: String?
        public var company: String?
        /// Cells that could not be read (an amount or a date), as issues to report.
        public var issues: [FieldIssue]
    }

    /// Reads one record.
    /// - Parameters:
    ///   - record: the row's cells.
    ///   - row: its line number.
    ///   - mapping: from ``mapColumns(_:)``.
    ///   - customFields: columns holding custom fields.
    ///   - currency: the workspace's currency, used when the row names none.
    ///   - region: for phones written without a country code.
    public static func read(
        _ record: [String], row: Int, mapping: [(column: Int, field: Field)],
        customFields: [(column: Int, definition: CustomFieldDefinition)] = [], currency: CurrencyCode, region: PhoneRegion
    ) -> Row {
        var values: [Field: String] = [:]
        var emails: [String] = []
        var phones: [String] = []
        for (column, field) in mapping where column < record.count {
            guard let value = record[column].trimmedOrNil else { continue }
            switch field {
            case .contactEmail: emails += ImportColumns.split(value)
            case .contactPhone: phones += ImportColumns.split(value)
            default: values[field] = values[field] ?? value
            }
        }
        if let contact = values[.contact], let email = ImportColumns.emailInside(contact) { emails.append(email) }
        var input = DealInput()
        var issues: [FieldIssue] = []
        input.title = values[.title]
        let rowCurrency = values[.currency].flatMap { CurrencyCode(rawValue: $0 == "руб." || $0 == "руб" || $0 == "₽" ? "RUB" : $0) }
        if values[.currency] != nil, rowCurrency == nil { issues.append(FieldIssue("currency", .invalidCurrency)) }
        if let amount = values[.amount] {
            // Exports write "150 000", "150 000,50", "150000.5 руб." or "$1,500.00".
            let text = amount.replacingOccurrences(of: "руб.", with: "").replacingOccurrences(of: "₽", with: "")
                .replacingOccurrences(of: "$", with: "").trimmingCharacters(in: .whitespaces)
            if let money = try? Money.parse(text, currency: rowCurrency ?? currency), money.amount >= 0 {
                input.amount = money
            } else {
                issues.append(FieldIssue("amount", .invalidAmount))
            }
        } else if let rowCurrency {
            input.amount = Money.zero(rowCurrency)
        }
        if let close = values[.expectedCloseDate] {
            // A date with a time ("2026-12-01 00:00", "01.12.2026 18:00:00") counts by its day.
            let day = String(close.prefix { $0 != " " && $0 != "T" })
            if let date = LocalDate(typed: day) {
                input.expectedCloseDate = .set(date)
            } else {
                issues.append(FieldIssue("expectedCloseDate", .invalidDate))
            }
        }
        if let reason = values[.lostReason] { input.lostReason = .set(reason) }
        if let tags = values[.tags] { input.tags = ImportColumns.split(tags) }
        let source = LeadSource(
            source: values[.source], utmSource: values[.utmSource], utmMedium: values[.utmMedium], utmCampaign: values[.utmCampaign],
            utmContent: values[.utmContent], utmTerm: values[.utmTerm])
        if source != LeadSource() { input.source = source }
        input.customFields = ImportColumns.customValues(record, columns: customFields, currency: currency)
        let normalizer = PhoneNormalizer(defaultRegion: region)
        return Row(
            row: row, input: input, pipeline: values[.pipeline], stage: values[.stage], owner: values[.owner],
            contactEmails: emails.compactMap(EmailAddress.normalize), contactPhones: phones.compactMap { normalizer.normalize($0).e164 },
            companyINN: values[.companyINN].map { $0.filter(\.isNumber) }.flatMap(\.trimmedOrNil),
            company: values[.company].map(withoutParenthesis),
            issues: issues)
    }

    /// A name without the parenthesis exports add after it: HubSpot's "Acme Inc (acme.com)" is "Acme Inc".
    static func withoutParenthesis(_ text: String) -> String {
        guard text.hasSuffix(")"), let open = text.range(of: " (", options: .backwards) else { return text }
        return String(text[..<open.lowerBound]).trimmingCharacters(in: .whitespaces)
    }

    /// The stage a row's pipeline and stage names mean among the workspace's pipelines.
    ///
    /// The pipeline by name (else the first pipeline); the stage by name in it (else in any pipeline, which then
    /// is the deal's). A stage that matches nothing by name but says the deal is won or lost ("Успешно
    /// реализовано", "Сделка провалена", "Closed won") is the pipeline's won or lost stage; anything else starts
    /// at the pipeline's first open stage, and `matched` is false so the report can say so.
    public static func resolveStage(pipeline name: String?, stage stageName: String?, in pipelines: [Pipeline])
        -> (pipeline: Pipeline, stage: Stage, matched: Bool)?
    {
        let named = name.flatMap { name in pipelines.first { SearchText.fold($0.name) == SearchText.fold(name) } }
        guard let pipeline = named ?? pipelines.first else { return nil }
        guard let stageName = stageName?.trimmedOrNil else {
            return pipeline.firstOpenStage.map { (pipeline, $0, true) }
        }
        let key = SearchText.fold(stageName)
        if let stage = pipeline.stages.first(where: { SearchText.fold($0.name) == key }) { return (pipeline, stage, true) }
        if named == nil, let other = pipelines.first(where: { $0.stages.contains { SearchText.fold($0.name) == key } }),
            let stage = other.stages.first(where: { SearchText.fold($0.name) == key })
        {
            return (other, stage, true)
        }
        let won = ["успешно реализовано", "сделка успешна", "выиграна", "успешная", "closed won", "won"]
        let lost = ["закрыто и не реализовано", "сделка провалена", "проиграна", "провалена", "closed lost", "lost"]
        if won.contains(key), let stage = pipeline.stages.first(where: { $0.kind == .won }) { return (pipeline, stage, true) }
        if lost.contains(key), let stage = pipeline.stages.first(where: { $0.kind == .lost }) { return (pipeline, stage, true) }
        return pipeline.firstOpenStage.map { (pipeline, $0, false) }
    }
}
