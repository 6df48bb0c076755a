import Foundation

/// What an import file holds.
public enum ImportEntity: String, Sendable, Codable, CaseIterable, Hashable {
    case contacts
    case companies
    case deals
}

/// What the contact, company and deal imports share: how a header is compared with the known titles, how a
/// cell with several values is split, and how columns named like a custom field fill it.
public enum ImportColumns {
    /// A header as it is compared with the known titles: case, `ё`, surrounding spaces, quotes, asterisks
    /// (required-field marks) and colons aside.
    public static func key(_ title: String) -> String {
        SearchText.fold(title.trimmingCharacters(in: CharacterSet(charactersIn: " \t\"'*:\u{FEFF}")))
    }

    /// The field whose titles include this header, if any.
    static func field<Field: CaseIterable & Hashable>(for title: String, aliases: [Field: [String]]) -> Field? {
        let key = key(title)
        return Field.allCases.first { aliases[$0]?.contains(key) == true }
    }

    /// Several values in one cell, separated by commas, semicolons or line breaks.
    static func split(_ value: String) -> [String] {
        value.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == "\n" || $0 == "\r\n" }).compactMap { String($0).trimmedOrNil }
    }

    /// The columns (not already taken by a standard field) whose header is a custom field's label or key.
    public static func customFields(_ header: [String], definitions: [CustomFieldDefinition], taken: Set<Int>)
        -> [(column: Int, definition: CustomFieldDefinition)]
    {
        var result: [(column: Int, definition: CustomFieldDefinition)] = []
        for (column, title) in header.enumerated() where !taken.contains(column) {
            let key = key(title)
            guard !key.isEmpty,
                let definition = definitions.first(where: { SearchText.fold($0.label) == key || SearchText.fold($0.key) == key }),
                !result.contains(where: { $0.definition.key == definition.key })
            else { continue }
            result.append((column, definition))
        }
        return result
    }

    /// A cell's text as a custom field value of the field's kind, as people type it: numbers with a decimal
    /// comma, days as `DD.MM.YYYY`, options by their name in any case, yes/no in Russian or English. What
    /// cannot be read is passed on as text, so the field's own validation names the problem.
    public static func customValue(_ text: String, for definition: CustomFieldDefinition, currency: CurrencyCode) -> JSONValue {
        let option = { (value: String) in
            definition.options.first { SearchText.fold($0) == SearchText.fold(value) } ?? value
        }
        switch definition.kind {
        case .number:
            let plain = text.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\u{A0}", with: "")
                .replacingOccurrences(of: ",", with: ".")
            if let integer = Int64(plain) { return .int(integer) }
            if let number = Double(plain) { return .double(number) }
            return .string(text)
        case .money:
            guard let money = try? Money.parse(text, currency: currency) else { return .string(text) }
            return .object(["amount": .int(money.amount), "currency": .string(money.currency.rawValue)])
        case .date: return .string(LocalDate(typed: text)?.description ?? text)
        case .select: return .string(option(text))
        case .multiSelect: return .array(split(text).map { .string(option($0)) })
        case .boolean:
            switch SearchText.fold(text) {
            case "да", "yes", "true", "1", "y", "д", "истина": return .bool(true)
            case "нет", "no", "false", "0", "n", "н", "ложь": return .bool(false)
            default: return .string(text)
            }
        case .text, .url: return .string(text)
        }
    }

    /// What a merge writes to one text field: the row's value when it is set and differs from the current one,
    /// and under `fill` only when the record has no value yet.
    static func pick(_ incoming: Edit<String>?, over current: String?, fill: Bool) -> Edit<String>? {
        guard let incoming, case .set(let value) = incoming else { return nil }
        if fill, current != nil { return nil }
        return value == current ? nil : .set(value)
    }

    /// The existing phones followed by the row's new ones (by E.164), or nil when the row adds none.
    static func addingPhones(_ incoming: [PhoneInput]?, to existing: [Phone], region: PhoneRegion) -> [PhoneInput]? {
        let known = Set(existing.map { $0.number.e164 ?? $0.number.raw })
        let normalizer = PhoneNormalizer(defaultRegion: region)
        let new = (incoming ?? []).filter { !known.contains(normalizer.normalize($0.number).e164 ?? $0.number) }
        return new.isEmpty ? nil : existing.map { PhoneInput(number: $0.number.raw, kind: $0.kind) } + new
    }

    /// The existing e-mails followed by the row's new ones (normalized), or nil when the row adds none.
    static func addingEmails(_ incoming: [EmailInput]?, to existing: [Email]) -> [EmailInput]? {
        let known = Set(existing.map(\.address))
        let new = (incoming ?? []).filter { !known.contains(EmailAddress.normalize($0.address) ?? $0.address) }
        return new.isEmpty ? nil : existing.map { EmailInput(address: $0.address, kind: $0.kind) } + new
    }

    /// The existing tags followed by the row's new ones (case aside), or nil when the row adds none.
    static func addingTags(_ incoming: [String]?, to existing: [String]) -> [String]? {
        guard let incoming else { return nil }
        let merged = existing + incoming.filter { tag in !existing.contains { SearchText.fold($0) == SearchText.fold(tag) } }
        return merged == existing ? nil : merged
    }

    /// Each recognised column and its field: several columns may hold a `repeatable` field (phones, e-mails),
    /// the others only their first.
    static func map<Field: CaseIterable & Hashable>(_ header: [String], aliases: [Field: [String]], repeatable: Set<Field>)
        -> [(column: Int, field: Field)]
    {
        var mapping: [(column: Int, field: Field)] = []
        for (index, title) in header.enumerated() {
            guard let field = field(for: title, aliases: aliases) else { continue }
            if repeatable.contains(field) || !mapping.contains(where: { $0.field == field }) { mapping.append((index, field)) }
        }
        return mapping
    }

    /// A row's custom field values from the columns that hold them, or nil when it has none.
    static func customValues(
        _ record: [String], columns: [(column: Int, definition: CustomFieldDefinition)], currency: CurrencyCode?
    ) -> [String: JSONValue]? {
        var values: [String: JSONValue] = [:]
        for (column, definition) in columns where column < record.count {
            guard let text = record[column].trimmedOrNil else { continue }
            values[definition.key] = currency.map { customValue(text, for: definition, currency: $0) } ?? .string(text)
        }
        return values.isEmpty ? nil : values
    }

    /// The custom field values a row changes on an existing record: under `fill` only fields it has no value for.
    static func changedCustomFields(_ incoming: [String: JSONValue]?, existing: [String: JSONValue], fill: Bool) -> [String: JSONValue]? {
        let changed = (incoming ?? [:]).filter { key, value in existing[key] != value && !(fill && existing[key] != nil) }
        return changed.isEmpty ? nil : changed
    }

    /// An e-mail address inside a cell such as HubSpot's associations, `Jane Doe (jane@acme.com)`.
    static func emailInside(_ text: String) -> String? {
        text.split(whereSeparator: { " ()<>,;".contains($0) }).map(String.init).first { $0.contains("@") }
    }
}
