public import Foundation

/// A counterparty: an organisation or a sole trader, with several contacts.
public struct Company: Hashable, Sendable {
    /// The company id.
    public typealias ID = Identifier<Company>
    /// Its id.
    public var id: ID
    /// Its workspace.
    public var workspaceID: Workspace.ID
    /// Name, e.g. «ООО "Ромашка"».
    public var name: String
    /// Russian taxpayer number (10 digits for organisations, 12 for sole traders), checksum-valid.
    public var inn: String?
    /// Russian tax registration reason code (organisations only).
    public var kpp: String?
    /// Industry.
    public var industry: String?
    /// Web site.
    public var website: String?
    /// Phones.
    public var phones: [Phone]
    /// E-mails.
    public var emails: [Email]
    /// Addresses: legal, actual, postal.
    public var addresses: [Address]
    /// City.
    public var city: String?
    /// The responsible user.
    public var ownerID: User.ID?
    /// Tag names.
    public var tags: [String]
    /// Custom field values by key.
    public var customFields: [String: JSONValue]
    /// Where it came from.
    public var source: LeadSource
    /// Creation time.
    public var createdAt: Date
    /// Last change time.
    public var updatedAt: Date
    /// Who created it.
    public var createdBy: User.ID?
    /// Optimistic-locking version.
    public var version: Int64
    /// When it was moved to the trash.
    public var deletedAt: Date?
    /// The survivor it was merged into.
    public var mergedInto: ID?

    /// A blank company, the starting point of a create.
    public init(id: ID, workspaceID: Workspace.ID, now: Date, createdBy: User.ID?) {
        self.id = id
        self.workspaceID = workspaceID
        self.name = ""
        self.phones = []
        self.emails = []
        self.addresses = []
        self.tags = []
        self.customFields = [:]
        self.source = LeadSource()
        self.createdAt = now
        self.updatedAt = now
        self.createdBy = createdBy
        self.ownerID = createdBy
        self.version = 1
    }
}

/// A company address.
public struct Address: Hashable, Sendable, Codable {
    /// What the address is for.
    public enum Kind: String, Sendable, Codable, CaseIterable, Hashable {
        case legal
        case actual
        case postal
        case other
    }
    /// What the address is for.
    public var kind: Kind
    /// The address text.
    public var text: String
    /// Makes an address.
    public init(kind: Kind, text: String) {
        self.kind = kind
        self.text = text
    }
}

/// The fields a client may set on a company (absent = default on create, unchanged on update).
public struct CompanyInput: Sendable, Hashable {
    public var name: String?
    public var inn: Edit<String>?
    public var kpp: Edit<String>?
    public var industry: Edit<String>?
    public var website: Edit<String>?
    public var phones: [PhoneInput]?
    public var emails: [EmailInput]?
    public var addresses: [Address]?
    public var city: Edit<String>?
    public var ownerID: Edit<User.ID>?
    public var tags: [String]?
    public var customFields: [String: JSONValue]?
    public var source: LeadSource?
    /// An empty input.
    public init() {}
}

extension Company {
    /// Applies a client's input and checks the result; throws naming every bad field.
    public func applying(_ input: CompanyInput, context: RecordContext) throws(ValidationError) -> Company {
        var next = self
        var issues = FieldIssues()
        if let name = input.name { next.name = name.trimmed }
        next.inn.apply(input.inn.map(trimmed).map(digitsOnly))
        next.kpp.apply(
            input.kpp.map(trimmed).map { edit in
                edit.value.map { .set($0.uppercased().replacingOccurrences(of: " ", with: "")) } ?? .clear
            })
        next.industry.apply(input.industry.map(trimmed))
        next.website.apply(input.website.map(trimmed))
        next.city.apply(input.city.map(trimmed))
        next.ownerID.apply(input.ownerID)
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
        if let addresses = input.addresses {
            next.addresses = []
            for (index, address) in addresses.enumerated() {
                guard let text = address.text.trimmedOrNil else { continue }
                issues.limit(text, "addresses[\(index)].text", to: 500)
                next.addresses.append(Address(kind: address.kind, text: text))
            }
        }
        if let tags = input.tags {
            let (names, tagIssues) = TagNames.normalize(tags)
            next.tags = names
            issues.add(contentsOf: tagIssues)
        }
        if let source = input.source {
            let (normalized, sourceIssues) = source.normalized()
            next.source = normalized
            issues.add(contentsOf: sourceIssues)
        }
        if let values = input.customFields {
            let (merged, fieldIssues) = CustomFieldRules.merge(
                values, into: next.customFields, definitions: context.customFields)
            next.customFields = merged
            issues.add(contentsOf: fieldIssues)
        }

        issues.require(next.name, "name")
        issues.limit(next.name, "name", to: 300)
        if let inn = next.inn, !TaxID.isValidINN(inn) { issues.add("inn", .invalidINN) }
        if let kpp = next.kpp {
            // Sole traders have no KPP; a KPP next to a 12-digit INN is a typing mistake.
            let soleTrader = next.inn.flatMap(TaxID.innKind) == .individual
            if !TaxID.isValidKPP(kpp) || soleTrader { issues.add("kpp", .invalidKPP) }
        }
        issues.limit(next.industry, "industry", to: 200)
        issues.limit(next.city, "city", to: 100)
        if let website = next.website {
            issues.limit(website, "website", to: 500)
            if !WebAddress.isPlausible(website) { issues.add("website", .invalidURL) }
        }
        issues.add(contentsOf: CustomFieldRules.missingRequired(next.customFields, definitions: context.customFields))
        try issues.throwIfAny()
        return next
    }

    /// The fields the audit log compares.
    public var auditSnapshot: [String: JSONValue] {
        var snapshot: [String: JSONValue] = [
            "name": .string(name), "inn": JSONValue(inn), "kpp": JSONValue(kpp),
            "industry": JSONValue(industry), "website": JSONValue(website), "city": JSONValue(city),
            "ownerId": JSONValue(ownerID?.rawValue),
            "phones": .array(phones.map { .string($0.number.e164 ?? $0.number.raw) }),
            "emails": .array(emails.map { .string($0.address) }),
            "addresses": .array(addresses.map { .string("\($0.kind.rawValue): \($0.text)") }),
            "tags": .array(tags.map(JSONValue.string)),
        ]
        for (key, value) in customFields { snapshot["customFields.\(key)"] = value }
        return snapshot
    }
}

/// Keeps only digits, so "77 07 083 893" is checked as "7707083893".
func digitsOnly(_ edit: Edit<String>) -> Edit<String> {
    guard case .set(let text) = edit else { return edit }
    let digits = text.filter(\.isNumber)
    // If the text had letters, keep it as typed so the checksum rule reports it instead of hiding it.
    return .set(text.contains(where: \.isLetter) ? text : digits)
}

/// Web addresses typed by people: `example.ru`, `https://пример.рф/page`.
public enum WebAddress {
    /// Whether the text looks like a web address (scheme optional, a dotted host, no spaces).
    public static func isPlausible(_ text: String) -> Bool {
        var rest = Substring(text)
        for scheme in ["https://", "http://"] where rest.lowercased().hasPrefix(scheme) {
            rest = rest.dropFirst(scheme.count)
        }
        guard !rest.contains(where: \.isWhitespace) else { return false }
        let host = rest.split(separator: "/", maxSplits: 1).first ?? ""
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        return labels.count >= 2 && labels.allSatisfy { !$0.isEmpty }
    }

    /// Whether the text is an absolute http(s) URL with a dotted host: the one rule for call recording links
    /// (the telephony event and the call activity), form redirects and URL custom fields, so an address one
    /// check takes is never refused by a later one.
    public static func isAbsoluteHTTP(_ text: String) -> Bool {
        let lower = text.lowercased()
        return (lower.hasPrefix("http://") || lower.hasPrefix("https://")) && isPlausible(text)
    }
}
