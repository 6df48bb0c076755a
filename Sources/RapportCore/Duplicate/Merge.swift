import Foundation

/// One field of a record whose surviving value the user picks from one of the merged records.
public struct MergeField<Record: Sendable>: Sendable {
    /// The field's API name (`lastName`, `customFields.budget`).
    public let key: String
    /// Whether the record has no value for it (an empty value is never preferred by default).
    public let isEmpty: @Sendable (Record) -> Bool
    /// Copies the field's value from the second record into the first.
    public let copy: @Sendable (inout Record, Record) -> Void

    init(_ key: String, isEmpty: @escaping @Sendable (Record) -> Bool, copy: @escaping @Sendable (inout Record, Record) -> Void) {
        self.key = key
        self.isEmpty = isEmpty
        self.copy = copy
    }

    static func optional<Value: Sendable>(_ key: String, _ path: any WritableKeyPath<Record, Value?> & Sendable) -> MergeField {
        MergeField(key, isEmpty: { $0[keyPath: path] == nil }, copy: { $0[keyPath: path] = $1[keyPath: path] })
    }
}

/// What merging records means, whatever their kind: the survivor keeps its id and history; the user
/// picks each scalar field's value from one record; lists (phones, e-mails, tags, links) are unioned.
public enum MergeRules {
    /// The most records one merge takes besides the survivor.
    public static let maximumMerged = 9

    /// Checks the shape of a merge request: at least one other record, none twice, not the survivor.
    public static func checkMembers(survivor: String, merged: [String], issues: inout FieldIssues) {
        if merged.isEmpty { issues.add("mergedIds", .required) }
        if merged.count > maximumMerged { issues.add("mergedIds", .outOfRange, ["max": String(maximumMerged)]) }
        var seen: Set<String> = [survivor]
        for (index, id) in merged.enumerated() where !seen.insert(id).inserted {
            issues.add("mergedIds[\(index)]", .duplicate)
        }
    }

    /// The record each field's value comes from: the user's choice, else the survivor when it has a
    /// value, else the first other record (oldest first) that has one, else the survivor.
    /// - Throws: naming `choices.<field>` for an unknown field or a record not in the merge.
    public static func resolve<Record>(
        fields: [MergeField<Record>], records: [Record], id: (Record) -> String, choices: [String: String]
    ) throws(ValidationError) -> [String: Int] {
        var issues = FieldIssues()
        let keys = Set(fields.map(\.key))
        for (field, recordID) in choices.sorted(by: { $0.key < $1.key }) {
            if !keys.contains(field) {
                issues.add("choices.\(field)", .unknownField)
            } else if !records.contains(where: { id($0) == recordID }) {
                issues.add("choices.\(field)", .unknownReference)
            }
        }
        try issues.throwIfAny()
        var picked: [String: Int] = [:]
        for field in fields {
            if let chosen = choices[field.key], let index = records.firstIndex(where: { id($0) == chosen }) {
                picked[field.key] = index
            } else {
                picked[field.key] = records.firstIndex { !field.isEmpty($0) } ?? 0
            }
        }
        return picked
    }

    /// The common steps of a merge: checks the members, then copies each pickable field from the record
    /// chosen for it into the survivor. Lists are left to the caller to union.
    /// - Returns: the survivor with its picked fields, and every record (survivor first).
    static func pick<Record>(
        survivor: Record, merged: [Record], choices: [String: String], fields: ([Record]) -> [MergeField<Record>],
        id: (Record) -> String
    ) throws(ValidationError) -> (Record, [Record]) {
        var issues = FieldIssues()
        checkMembers(survivor: id(survivor), merged: merged.map(id), issues: &issues)
        try issues.throwIfAny()
        let records = [survivor] + merged
        let fields = fields(records)
        let picked = try resolve(fields: fields, records: records, id: id, choices: choices)
        var next = survivor
        for field in fields {
            guard let index = picked[field.key] else { continue }
            field.copy(&next, records[index])
        }
        return (next, records)
    }

    /// The record each field of these records comes from when the user changes nothing.
    static func defaults<Record>(_ records: [Record], fields: [MergeField<Record>], id: (Record) -> String) -> [String: Int] {
        (try? resolve(fields: fields, records: records, id: id, choices: [:])) ?? [:]
    }

    /// Custom field keys present (non-null) in any record, sorted, as pickable fields.
    static func customFields<Record>(_ records: [Record], _ path: any WritableKeyPath<Record, [String: JSONValue]> & Sendable)
        -> [MergeField<Record>]
    {
        let keys = Set(records.flatMap { $0[keyPath: path].filter { $0.value != .null }.keys }).sorted()
        return keys.map { key in
            MergeField(
                "customFields.\(key)", isEmpty: { ($0[keyPath: path][key] ?? .null) == .null },
                copy: { target, source in target[keyPath: path][key] = source[keyPath: path][key] })
        }
    }

    /// Phones of all records, survivor's first, each number once (compared in E.164, else by digits).
    public static func union(_ lists: [[Phone]]) -> [Phone] {
        unique(lists.flatMap { $0 }) { $0.number.e164 ?? $0.number.raw.filter(\.isNumber) }
    }

    /// E-mails of all records, survivor's first, each address once (case-insensitive).
    public static func union(_ lists: [[Email]]) -> [Email] { unique(lists.flatMap { $0 }) { $0.address.lowercased() } }

    /// Tags of all records, survivor's first, each once (case and ё ignored, first spelling kept), as
    /// ``TagNames/normalize(_:field:)`` keeps them; the limit is checked on the merged record.
    public static func union(tags lists: [[String]]) -> [String] { TagNames.normalize(lists.flatMap { $0 }).0 }

    static func unique<T>(_ items: [T], _ key: (T) -> String) -> [T] {
        var seen: Set<String> = []
        return items.filter { seen.insert(key($0)).inserted }
    }

    /// Refuses unions that break a list's limit, naming the list.
    static func checkLimits(_ counts: [(String, Int, Int)], issues: inout FieldIssues) {
        for (field, count, maximum) in counts where count > maximum {
            issues.add(field, .outOfRange, ["max": String(maximum)])
        }
    }
}

/// A record that can be merged: its pickable scalar fields, and the lists every such record unions.
public protocol MergeableParty: Sendable {
    /// The raw id.
    var mergeID: String { get }
    var phones: [Phone] { get set }
    var emails: [Email] { get set }
    var tags: [String] { get set }
    var customFields: [String: JSONValue] { get set }
    /// The scalar fields the user picks from one record.
    static var scalarFields: [MergeField<Self>] { get }
}

extension Contact: MergeableParty {
    public var mergeID: String { id.rawValue }
    public static var scalarFields: [MergeField<Contact>] { ContactMerge.scalarFields }
}

extension Company: MergeableParty {
    public var mergeID: String { id.rawValue }
    public static var scalarFields: [MergeField<Company>] { CompanyMerge.scalarFields }
}

extension MergeRules {
    /// Every pickable field of these records: the scalars, then each custom field any of them has.
    public static func fields<R: MergeableParty>(_ records: [R]) -> [MergeField<R>] {
        R.scalarFields + customFields(records, \.customFields)
    }

    /// The record each field comes from when the user changes nothing (see ``resolve``).
    public static func defaultChoices<R: MergeableParty>(_ records: [R]) -> [String: Identifier<R>] {
        defaults(records, fields: fields(records), id: \.mergeID).mapValues { Identifier(records[$0].mergeID) }
    }

    /// The merge every kind shares: picked fields (see ``pick``), and phones, e-mails and tags unioned
    /// (survivor's first, each once).
    /// - Returns: the survivor as merged so far, and every record (survivor first), for the kind's own lists.
    static func merge<R: MergeableParty>(survivor: R, merged: [R], choices: [String: Identifier<R>]) throws(ValidationError) -> (R, [R]) {
        let (picked, records) = try pick(
            survivor: survivor, merged: merged, choices: choices.mapValues(\.rawValue), fields: fields, id: \.mergeID)
        var next = picked
        next.phones = union(records.map(\.phones))
        next.emails = union(records.map(\.emails))
        next.tags = union(tags: records.map(\.tags))
        return (next, records)
    }

    /// Refuses a merged record whose lists exceed their limits, naming the list.
    static func checkLists<R: MergeableParty>(_ record: R, issues: inout FieldIssues) {
        checkLimits(
            [
                ("phones", record.phones.count, ContactChannels.maximumPhones),
                ("emails", record.emails.count, ContactChannels.maximumEmails),
                ("tags", record.tags.count, TagNames.maximumCount),
            ], issues: &issues)
    }
}

/// Merging contacts.
public enum ContactMerge {
    /// The scalar fields the user picks from one record.
    public static let scalarFields: [MergeField<Contact>] = [
        .optional("lastName", \.lastName), .optional("firstName", \.firstName), .optional("middleName", \.middleName),
        .optional("position", \.position), .optional("city", \.city), .optional("address", \.address),
        .optional("birthday", \.birthday),
        MergeField("source", isEmpty: { $0.source == LeadSource() }, copy: { $0.source = $1.source }),
        .optional("ownerId", \.ownerID), .optional("readiness", \.readiness),
        MergeField("lifecycle", isEmpty: { _ in false }, copy: { $0.lifecycle = $1.lifecycle }),
        .optional("emailConsent", \.emailConsent), .optional("smsConsent", \.smsConsent),
    ]

    /// The lists that are unioned rather than picked.
    public static let unionedFields = ["phones", "emails", "tags", "companies"]

    /// The survivor as it will be after the merge.
    ///
    /// It keeps its id, creation and version; each pickable field comes from the chosen record (see
    /// ``MergeRules/resolve``); phones, e-mails and tags are the union of all records (survivor's
    /// first, each once); company memberships are unioned by company, with the survivor's primary
    /// company kept primary (else the first primary among the others).
    /// - Parameters:
    ///   - survivor: the record that stays.
    ///   - merged: the records merged into it, in the order given.
    ///   - choices: field name → id of the record whose value survives.
    /// - Throws: ``ValidationError`` naming `mergedIds`, `choices.<field>`, or a list over its limit.
    public static func merge(survivor: Contact, merged: [Contact], choices: [String: Contact.ID]) throws(ValidationError) -> Contact {
        let (base, records) = try MergeRules.merge(survivor: survivor, merged: merged, choices: choices)
        var next = base
        var issues = FieldIssues()
        var links: [CompanyLink] = []
        for link in records.flatMap(\.companies) where !links.contains(where: { $0.companyID == link.companyID }) {
            links.append(CompanyLink(companyID: link.companyID, isPrimary: link.isPrimary && !links.contains(where: \.isPrimary)))
        }
        next.companies = links
        MergeRules.checkLists(next, issues: &issues)
        try issues.throwIfAny()
        return next
    }
}

/// Merging companies.
public enum CompanyMerge {
    /// The scalar fields the user picks from one record.
    public static let scalarFields: [MergeField<Company>] = [
        MergeField("name", isEmpty: { $0.name.isEmpty }, copy: { $0.name = $1.name }),
        .optional("inn", \.inn), .optional("kpp", \.kpp), .optional("industry", \.industry), .optional("website", \.website),
        .optional("city", \.city), .optional("ownerId", \.ownerID),
        MergeField("source", isEmpty: { $0.source == LeadSource() }, copy: { $0.source = $1.source }),
    ]

    /// The lists that are unioned rather than picked.
    public static let unionedFields = ["phones", "emails", "tags", "addresses"]

    /// Addresses of all records, survivor's first, each once (same kind and text, case and spacing ignored).
    public static func union(addresses lists: [[Address]]) -> [Address] {
        MergeRules.unique(lists.flatMap { $0 }) { "\($0.kind.rawValue):\(SearchText.fold($0.text))" }
    }

    /// The survivor as it will be after the merge: picked fields as for contacts; phones, e-mails, tags
    /// and addresses unioned (addresses compared by kind and text, case and spacing ignored). A KPP
    /// picked next to a sole trader's (12-digit) INN is refused, naming `choices.kpp`.
    /// - Throws: ``ValidationError`` naming `mergedIds`, `choices.<field>`, or a list over its limit.
    public static func merge(survivor: Company, merged: [Company], choices: [String: Company.ID]) throws(ValidationError) -> Company {
        let (base, records) = try MergeRules.merge(survivor: survivor, merged: merged, choices: choices)
        var next = base
        var issues = FieldIssues()
        next.addresses = union(addresses: records.map(\.addresses))
        if next.kpp != nil, next.inn.flatMap(TaxID.innKind) == .individual { issues.add("choices.kpp", .invalidKPP) }
        MergeRules.checkLists(next, issues: &issues)
        try issues.throwIfAny()
        return next
    }
}
