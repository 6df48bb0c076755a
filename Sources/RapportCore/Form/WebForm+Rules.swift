public import Foundation

/// What a form's builder may set; absent means "unchanged" on update.
public struct WebFormInput: Sendable, Hashable {
    public var name: String?
    public var fields: [FormField]?
    public var consentText: Edit<String>?
    public var createsDeal: Bool?
    public var pipelineID: Edit<Pipeline.ID>?
    public var stageID: Edit<Stage.ID>?
    public var createsTask: Bool?
    public var ownerIDs: [User.ID]?
    public var isActive: Bool?
    public var thankYouText: Edit<String>?
    public var redirectURL: Edit<String>?
    /// An empty input.
    public init() {}
}

/// A submission read against its form: the records to create or fill, and how to match the contact.
public struct FormLead: Sendable, Hashable {
    /// The contact fields the visitor filled (custom fields included).
    public var contact: ContactInput
    /// Normalized e-mails, for the duplicate rules.
    public var emails: [String]
    /// Phones in E.164, for the duplicate rules.
    public var phones: [String]
    /// A company to link by name (found or created).
    public var companyName: String?
    /// The company's INN.
    public var companyINN: String?
    /// The deal's title, when the visitor gave one.
    public var dealTitle: String?
    /// The deal's amount as typed.
    public var dealAmount: String?
    /// Deal custom field values.
    public var dealCustomFields: [String: JSONValue]
    /// The visitor's message, logged on the contact.
    public var comment: String?
    /// Where the visitor came from.
    public var source: LeadSource
}

/// The rules of web forms: a definition's validity, reading a submission, spam protection, the round
/// robin and channel attribution. Pure, so every rule is tested without a server.
public enum WebFormRules {
    /// The hidden field a person never sees and never fills; a bot that fills it is answered as if its
    /// submission were taken, and nothing is stored.
    public static let honeypotField = "website"
    /// The consent checkbox's name.
    public static let consentField = "consent"
    /// Submissions allowed per client address and form inside ``LoginThrottle/window``.
    public static let maxSubmissionsPerAddress = 10
    /// The most fields one form has.
    public static let maxFields = 40

    /// A builder's input laid over a form, unchecked: names, labels and texts trimmed, owners without
    /// repeats (the round robin's cursor back to the start when it falls off the list). ``applying(_:to:customFields:users:now:)``
    /// checks the result; a page shows it back beside the errors.
    public static func merging(_ input: WebFormInput, into form: WebForm) -> WebForm {
        var next = form
        if let name = input.name { next.name = name.trimmed }
        if let fields = input.fields {
            next.fields = fields.map { field in
                var field = field
                field.target = field.target.trimmed
                field.labelRU = field.labelRU.trimmedOrNil
                field.labelEN = field.labelEN.trimmedOrNil
                return field
            }
        }
        next.consentText.apply(input.consentText.map(trim))
        if let createsDeal = input.createsDeal { next.createsDeal = createsDeal }
        next.pipelineID.apply(input.pipelineID)
        next.stageID.apply(input.stageID)
        if let createsTask = input.createsTask { next.createsTask = createsTask }
        if let owners = input.ownerIDs {
            var seen = Set<User.ID>()
            next.ownerIDs = owners.filter { seen.insert($0).inserted }
            if next.cursor >= next.ownerIDs.count { next.cursor = 0 }
        }
        if let active = input.isActive { next.isActive = active }
        next.thankYouText.apply(input.thankYouText.map(trim))
        next.redirectURL.apply(input.redirectURL.map(trim))
        return next
    }

    /// Applies a builder's input and checks the whole definition.
    /// - Parameters:
    ///   - customFields: the workspace's custom field definitions, for `*.custom.<key>` targets.
    ///   - users: the active users of the workspace, for the owners list.
    public static func applying(
        _ input: WebFormInput, to form: WebForm, customFields: [CustomFieldDefinition], users: Set<User.ID>, now: Date
    ) throws(ValidationError) -> WebForm {
        var next = merging(input, into: form)
        var issues = FieldIssues()
        issues.require(next.name, "name")
        issues.limit(next.name, "name", to: 200)
        issues.limit(next.consentText, "consentText", to: 2000)
        issues.limit(next.thankYouText, "thankYouText", to: 2000)
        if let url = next.redirectURL {
            if url.count > 2000 {
                issues.add("redirectUrl", .tooLong, ["max": "2000"])
            } else if !WebAddress.isAbsoluteHTTP(url) {
                issues.add("redirectUrl", .invalidURL)
            }
        }
        if next.fields.isEmpty { issues.add("fields", .required) }
        if next.fields.count > maxFields { issues.add("fields", .outOfRange, ["min": "1", "max": String(maxFields)]) }
        var targets = Set<String>()
        for (index, field) in next.fields.enumerated() {
            let path = "fields[\(index)]"
            if !targets.insert(field.target).inserted { issues.add("\(path).target", .duplicate) }
            if let (entity, key) = FormTarget.customKey(field.target) {
                if !customFields.contains(where: { $0.entity == entity && $0.key == key }) {
                    issues.add("\(path).target", .unknownField)
                }
            } else if !FormTarget.standard.contains(field.target) {
                issues.add("\(path).target", .unknownField)
            }
            if field.target.hasPrefix("deal."), !next.createsDeal { issues.add("\(path).target", .invalidOption) }
            if field.labelRU == nil, field.labelEN == nil { issues.add("\(path).label", .required) }
            issues.limit(field.labelRU, "\(path).labelRu", to: 200)
            issues.limit(field.labelEN, "\(path).labelEn", to: 200)
        }
        if !next.fields.isEmpty, !targets.contains("contact.email"), !targets.contains("contact.phone") {
            // Without an e-mail or a phone a lead can be neither matched nor called back.
            issues.add("fields", .required, ["field": "contact.email, contact.phone"])
        }
        // A custom field the workspace requires must be on the form, or no visitor could ever send it.
        for definition in customFields where definition.isRequired {
            let prefix = definition.entity == .contact ? FormTarget.contactCustom : FormTarget.dealCustom
            guard definition.entity == .contact || (definition.entity == .deal && next.createsDeal) else { continue }
            let target = prefix + definition.key
            if !next.fields.isEmpty, !next.fields.contains(where: { $0.target == target && $0.required }) {
                issues.add("fields", .required, ["field": target])
            }
        }
        if next.createsDeal, next.pipelineID == nil { issues.add("pipelineId", .required) }
        for (index, owner) in next.ownerIDs.enumerated() where !users.contains(owner) {
            issues.add("ownerIds[\(index)]", .unknownReference)
        }
        try issues.throwIfAny()
        next.updatedAt = now
        return next
    }

    /// Reads a submission (the posted values by field target) against the form. A missing required field,
    /// an e-mail or phone that is not one, an unreadable amount, or consent not given is refused naming
    /// the field; a form that gets neither an e-mail nor a phone is refused on the first of them.
    public static func read(
        _ values: [String: String], form: WebForm, region: PhoneRegion, currency: CurrencyCode, source: LeadSource
    ) throws(ValidationError) -> FormLead {
        var issues = FieldIssues()
        var contact = ContactInput()
        var lead = FormLead(
            contact: contact, emails: [], phones: [], dealCustomFields: [:], source: source)
        var contactCustom: [String: JSONValue] = [:]
        let normalizer = PhoneNormalizer(defaultRegion: region)
        for field in form.fields {
            let raw = values[field.target]
            let value = field.type == .checkbox ? (raw == nil ? nil : "on") : raw.trimmedOrNil
            guard let value else {
                if field.required { issues.add(field.target, .required) }
                continue
            }
            if value.count > 2000 {
                issues.add(field.target, .tooLong, ["max": "2000"])
                continue
            }
            switch field.target {
            case "contact.fullName": contact.fullName = value
            case "contact.lastName": contact.lastName = .set(value)
            case "contact.firstName": contact.firstName = .set(value)
            case "contact.middleName": contact.middleName = .set(value)
            case "contact.position": contact.position = .set(value)
            case "contact.city": contact.city = .set(value)
            case "contact.address": contact.address = .set(value)
            case "contact.comment": lead.comment = value
            case "contact.email":
                guard let address = EmailAddress.normalize(value) else {
                    issues.add(field.target, .invalidEmail)
                    continue
                }
                contact.emails = [EmailInput(address: value)]
                lead.emails = [address]
            case "contact.phone":
                guard let e164 = normalizer.normalize(value).e164 else {
                    issues.add(field.target, .invalidPhone)
                    continue
                }
                contact.phones = [PhoneInput(number: value)]
                lead.phones = [e164]
            case "company.name": lead.companyName = value
            case "company.inn": lead.companyINN = value
            case "deal.title": lead.dealTitle = value
            case "deal.amount":
                do { _ = try Money.parse(value, currency: currency) } catch { issues.add(field.target, .invalidAmount) }
                lead.dealAmount = value
            default:
                guard let (entity, key) = FormTarget.customKey(field.target) else { continue }
                let json: JSONValue = field.type == .checkbox ? .bool(true) : .string(value)
                if entity == .contact { contactCustom[key] = json } else { lead.dealCustomFields[key] = json }
            }
        }
        if form.fields.contains(where: { $0.target == "contact.email" || $0.target == "contact.phone" }), lead.emails.isEmpty,
            lead.phones.isEmpty, issues.all.isEmpty
        {
            let first = form.fields.first { $0.target == "contact.email" || $0.target == "contact.phone" }
            issues.add(first?.target ?? "contact.email", .required)
        }
        if form.consentText != nil, values[consentField] == nil { issues.add(consentField, .required) }
        try issues.throwIfAny()
        if !contactCustom.isEmpty { contact.customFields = contactCustom }
        contact.source = source
        lead.contact = contact
        return lead
    }

    /// Whether one more submission from an address to a form may proceed, given the address's counter for
    /// that form (every submission counts, within ``LoginThrottle/window``).
    public static func throttle(_ counter: LoginThrottle.Counter?, now: Date) -> LoginThrottle.Verdict {
        LoginThrottle.verdict(counter, limit: maxSubmissionsPerAddress, now: now)
    }

    /// Whether the posted values are a bot's: the honeypot is filled.
    public static func isSpam(_ values: [String: String]) -> Bool { values[honeypotField].trimmedOrNil != nil }

    /// The next owner of the round robin and where the cursor moves: starting at `cursor`, the first owner
    /// in the list who is still available (active); nil when none is.
    public static func roundRobin(_ owners: [User.ID], cursor: Int, available: Set<User.ID>) -> (owner: User.ID?, next: Int) {
        guard !owners.isEmpty else { return (nil, 0) }
        let start = ((cursor % owners.count) + owners.count) % owners.count
        for step in 0..<owners.count {
            let index = (start + step) % owners.count
            if available.contains(owners[index]) { return (owners[index], (index + 1) % owners.count) }
        }
        return (nil, start)
    }

    /// Where a lead came from: `utm_*` posted with the form win, then those of the landing page's query;
    /// the referrer and the landing page as sent; the channel is `web-form`.
    public static func attribution(posted: [String: String], landingPage: String?, referrer: String?) -> LeadSource {
        let query = queryItems(landingPage)
        func pick(_ name: String) -> String? { (posted[name].trimmedOrNil ?? query[name].trimmedOrNil).map { String($0.prefix(500)) } }
        return LeadSource(
            source: "web-form", utmSource: pick("utm_source"), utmMedium: pick("utm_medium"), utmCampaign: pick("utm_campaign"),
            utmContent: pick("utm_content"), utmTerm: pick("utm_term"), referrer: referrer.trimmedOrNil.map { String($0.prefix(500)) },
            landingPage: landingPage.trimmedOrNil.map { String($0.prefix(500)) })
    }

    /// The first-touch rule: the contact's source is set only when it has none.
    public static func firstTouch(_ existing: LeadSource, _ incoming: LeadSource) -> LeadSource? {
        existing == LeadSource() ? incoming : nil
    }

    /// The query parameters of an address (the first value of a repeated name wins).
    static func queryItems(_ url: String?) -> [String: String] {
        guard let url, let components = URLComponents(string: url.trimmed) else { return [:] }
        var items: [String: String] = [:]
        for item in components.queryItems ?? [] where items[item.name] == nil { items[item.name] = item.value ?? "" }
        return items
    }

    private static func trim(_ edit: Edit<String>) -> Edit<String> {
        if case .set(let value) = edit { return value.trimmedOrNil.map { .set($0) } ?? .clear }
        return edit
    }
}
