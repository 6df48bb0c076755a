public import Foundation

/// A field a workspace adds to contacts, companies or deals ("Бюджет", "Источник лида").
public struct CustomFieldDefinition: Hashable, Sendable {
    /// The definition id.
    public typealias ID = Identifier<CustomFieldDefinition>
    /// Its id.
    public var id: ID
    /// Its workspace.
    public var workspaceID: Workspace.ID
    /// Which records carry the field.
    public var entity: RecordKind
    /// Stable key used in the API and filters (`customFields.budget`, `?customField.budget=…`).
    public var key: String
    /// Label shown to people.
    public var label: String
    /// The value type.
    public var kind: CustomFieldKind
    /// Allowed values for select and multi-select fields.
    public var options: [String]
    /// Whether every record must have a value.
    public var isRequired: Bool
    /// Display order.
    public var position: Int
    /// Creation time.
    public var createdAt: Date

    /// Makes a definition.
    public init(
        id: ID, workspaceID: Workspace.ID, entity: RecordKind, key: String, label: String,
        kind: CustomFieldKind, options: [String], isRequired: Bool, position: Int, createdAt: Date
    ) {
        self.id = id
        self.workspaceID = workspaceID
        self.entity = entity
        self.key = key
        self.label = label
        self.kind = kind
        self.options = options
        self.isRequired = isRequired
        self.position = position
        self.createdAt = createdAt
    }

    /// The record kinds that may carry custom fields.
    public static let entities: [RecordKind] = [.contact, .company, .deal]

    /// Checks a new definition.
    public static func validate(
        entity: RecordKind, key: String?, label: String?, kind: CustomFieldKind, options: [String],
        existingKeys: [String]
    ) -> [FieldIssue] {
        var issues = FieldIssues()
        if !entities.contains(entity) { issues.add("entity", .invalidOption) }
        issues.require(label, "label")
        issues.limit(label, "label", to: 100)
        if let key {
            let allowed = key.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" }
            if key.isEmpty || key.count > 40 || !allowed || key.first?.isNumber == true {
                issues.add("key", .invalidFormat)
            } else if existingKeys.contains(key) {
                issues.add("key", .duplicate)
            }
        } else {
            issues.add("key", .required)
        }
        if kind == .select || kind == .multiSelect {
            if options.isEmpty { issues.add("options", .required) }
            if Set(options).count != options.count { issues.add("options", .duplicate) }
        }
        return issues.all
    }
}

/// The value types of custom fields.
public enum CustomFieldKind: String, Sendable, Codable, CaseIterable, Hashable {
    case text
    case number
    case money
    case date
    case select
    case multiSelect = "multi_select"
    case boolean
    case url
}

/// Checks custom field values against the workspace's definitions.
public enum CustomFieldRules {
    /// Merges submitted values into the current ones: `.null` removes a value; an unknown key or a value of
    /// the wrong type is reported and not stored.
    public static func merge(
        _ values: [String: JSONValue], into current: [String: JSONValue], definitions: [CustomFieldDefinition]
    ) -> ([String: JSONValue], [FieldIssue]) {
        var result = current
        var issues = FieldIssues()
        for (key, value) in values.sorted(by: { $0.key < $1.key }) {
            let field = "customFields.\(key)"
            guard let definition = definitions.first(where: { $0.key == key }) else {
                issues.add(field, .unknownField)
                continue
            }
            if value == .null {
                result[key] = nil
                continue
            }
            switch check(value, against: definition) {
            case .success(let normalized): result[key] = normalized == .null ? nil : normalized
            case .failure(let issue): issues.add(field, issue.code, issue.parameters)
            }
        }
        return (result, issues.all)
    }

    /// Issues for required fields that have no value.
    public static func missingRequired(_ values: [String: JSONValue], definitions: [CustomFieldDefinition])
        -> [FieldIssue]
    {
        definitions.filter { $0.isRequired && (values[$0.key] == nil || values[$0.key] == .null) }
            .map { FieldIssue("customFields.\($0.key)", .required) }
    }

    struct Refusal: Error {
        var code: FieldIssue.Code
        var parameters: [String: String] = [:]
    }

    /// Validates one value and returns its canonical form.
    static func check(_ value: JSONValue, against definition: CustomFieldDefinition) -> Result<JSONValue, Refusal> {
        switch (definition.kind, value) {
        case (.text, .string(let text)):
            // A blank text is no value, like blank built-in fields: it does not satisfy "required".
            guard let trimmed = text.trimmedOrNil else { return .success(.null) }
            return trimmed.count > 2000 ? .failure(Refusal(code: .tooLong, parameters: ["max": "2000"])) : .success(.string(trimmed))
        case (.number, .int), (.number, .double):
            return .success(value)
        case (.number, .string(let text)):
            if let number = Int64(text) { return .success(.int(number)) }
            if let number = Double(text.replacingOccurrences(of: ",", with: ".")), number.isFinite {
                return .success(.double(number))
            }
            return .failure(Refusal(code: .wrongType))
        case (.money, .object(let object)):
            guard case .int(let amount)? = object["amount"], case .string(let code)? = object["currency"],
                let currency = CurrencyCode(rawValue: code)
            else { return .failure(Refusal(code: .invalidAmount)) }
            return .success(.object(["amount": .int(amount), "currency": .string(currency.rawValue)]))
        case (.date, .string(let text)):
            return LocalDate(iso: text) != nil ? .success(value) : .failure(Refusal(code: .invalidDate))
        case (.select, .string(let option)):
            return definition.options.contains(option)
                ? .success(value)
                : .failure(Refusal(code: .invalidOption, parameters: ["options": definition.options.joined(separator: ", ")]))
        case (.multiSelect, .array(let items)):
            var chosen: [String] = []
            for item in items {
                guard case .string(let option) = item, definition.options.contains(option) else {
                    return .failure(
                        Refusal(code: .invalidOption, parameters: ["options": definition.options.joined(separator: ", ")]))
                }
                if !chosen.contains(option) { chosen.append(option) }
            }
            return .success(.array(chosen.map(JSONValue.string)))
        case (.boolean, .bool):
            return .success(value)
        case (.url, .string(let text)):
            return WebAddress.isAbsoluteHTTP(text) && text.count <= 2000
                ? .success(value) : .failure(Refusal(code: .invalidURL))
        default:
            return .failure(Refusal(code: .wrongType))
        }
    }
}
