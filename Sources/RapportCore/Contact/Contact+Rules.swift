public import Foundation

/// What the contact rules need to know about the workspace.
public struct RecordContext: Sendable {
    /// Default phone region.
    public var phoneRegion: PhoneRegion
    /// Custom field definitions of the entity being checked.
    public var customFields: [CustomFieldDefinition]
    /// The time of the change.
    public var now: Date

    /// Makes a context.
    public init(phoneRegion: PhoneRegion, customFields: [CustomFieldDefinition], now: Date) {
        self.phoneRegion = phoneRegion
        self.customFields = customFields
        self.now = now
    }
}

extension Contact {
    /// Applies a client's input to this contact and checks the result. The contact is unchanged if
    /// anything is invalid: the thrown error names every bad field.
    public func applying(_ input: ContactInput, context: RecordContext) throws(ValidationError) -> Contact {
        var next = self
        var issues = FieldIssues()

        if let fullName = input.fullName.trimmedOrNil,
            input.lastName == nil, input.firstName == nil, input.middleName == nil
        {
            let name = PersonName.split(fullName)
            next.lastName = name.lastName
            next.firstName = name.firstName
            next.middleName = name.middleName
        }
        next.lastName.apply(input.lastName.map(trimmed))
        next.firstName.apply(input.firstName.map(trimmed))
        next.middleName.apply(input.middleName.map(trimmed))
        next.position.apply(input.position.map(trimmed))
        next.city.apply(input.city.map(trimmed))
        next.address.apply(input.address.map(trimmed))
        next.birthday.apply(input.birthday)
        next.ownerID.apply(input.ownerID)
        next.readiness.apply(input.readiness)
        if let lifecycle = input.lifecycle { next.lifecycle = lifecycle }

        if let phones = input.phones {
            let result = ContactChannels.phones(phones, region: context.phoneRegion)
            next.phones = result.phones
            issues.add(contentsOf: result.issues)
        }
        if let emails = input.emails {
            let result = ContactChannels.emails(emails)
            next.emails = result.emails
            issues.add(contentsOf: result.issues)
        }
        if let companies = input.companies {
            var unique: [CompanyLink] = []
            for link in companies where !unique.contains(where: { $0.companyID == link.companyID }) {
                unique.append(link)
            }
            // Exactly one primary when there are companies: the first marked one, else the first.
            let primary = unique.firstIndex(where: \.isPrimary) ?? 0
            next.companies = unique.enumerated().map { CompanyLink(companyID: $1.companyID, isPrimary: $0 == primary) }
        }
        if let source = input.source {
            let (normalized, sourceIssues) = source.normalized()
            next.source = normalized
            issues.add(contentsOf: sourceIssues)
        }
        if let tags = input.tags {
            let (names, tagIssues) = TagNames.normalize(tags)
            next.tags = names
            issues.add(contentsOf: tagIssues)
        }
        next.emailConsent = Self.consent(input.emailConsent, current: emailConsent, now: context.now)
        next.smsConsent = Self.consent(input.smsConsent, current: smsConsent, now: context.now)
        if let values = input.customFields {
            let (merged, fieldIssues) = CustomFieldRules.merge(
                values, into: next.customFields, definitions: context.customFields)
            next.customFields = merged
            issues.add(contentsOf: fieldIssues)
        }

        issues.limit(next.lastName, "lastName", to: 100)
        issues.limit(next.firstName, "firstName", to: 100)
        issues.limit(next.middleName, "middleName", to: 100)
        issues.limit(next.position, "position", to: 200)
        issues.limit(next.city, "city", to: 100)
        issues.limit(next.address, "address", to: 500)
        if next.lastName == nil, next.firstName == nil, next.emails.isEmpty, next.phones.isEmpty {
            // A contact nobody can name or reach is a mistake, not a record.
            issues.add("lastName", .required)
        }
        if let birthday = next.birthday, birthday.year < 1900 || birthday > utcDate(of: context.now) {
            issues.add("birthday", .outOfRange)
        }
        issues.add(contentsOf: CustomFieldRules.missingRequired(next.customFields, definitions: context.customFields))
        try issues.throwIfAny()
        return next
    }

    /// The fields the audit log compares, with stable names matching the API.
    public var auditSnapshot: [String: JSONValue] {
        var snapshot: [String: JSONValue] = [
            "lastName": JSONValue(lastName), "firstName": JSONValue(firstName),
            "middleName": JSONValue(middleName), "position": JSONValue(position), "city": JSONValue(city),
            "address": JSONValue(address), "birthday": JSONValue(birthday?.description),
            "ownerId": JSONValue(ownerID?.rawValue), "readiness": JSONValue(readiness?.rawValue),
            "lifecycle": .string(lifecycle.rawValue),
            "phones": .array(phones.map { .string($0.number.e164 ?? $0.number.raw) }),
            "emails": .array(emails.map { .string($0.address) }),
            "companies": .array(companies.map { .string($0.companyID.rawValue) }),
            "tags": .array(tags.map(JSONValue.string)),
            "emailConsent": JSONValue(emailConsent?.granted), "smsConsent": JSONValue(smsConsent?.granted),
            "source": JSONValue(source.source), "utmSource": JSONValue(source.utmSource),
            "utmCampaign": JSONValue(source.utmCampaign),
        ]
        for (key, value) in customFields { snapshot["customFields.\(key)"] = value }
        return snapshot
    }

    static func consent(_ edit: Edit<Bool>?, current: Consent?, now: Date) -> Consent? {
        switch edit {
        case nil: return current
        case .clear: return nil
        case .set(let granted):
            // Re-sending the same answer keeps its original date: the date is when consent was given.
            if let current, current.granted == granted { return current }
            return Consent(granted: granted, at: now)
        }
    }
}

/// Trims an edit's text; a blank text clears the field.
func trimmed(_ edit: Edit<String>) -> Edit<String> {
    switch edit {
    case .clear: return .clear
    case .set(let text): return text.trimmedOrNil.map(Edit.set) ?? .clear
    }
}

/// The calendar date of an instant in UTC.
func utcDate(of date: Date) -> LocalDate {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = .gmt
    let parts = calendar.dateComponents([.year, .month, .day], from: date)
    return LocalDate(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1) ?? LocalDate(year: 1970, month: 1, day: 1)!
}
