/// How a phone is used.
public enum PhoneKind: String, Sendable, Codable, CaseIterable, Hashable {
    case mobile
    case work
    case home
    case fax
    case other
}

/// How an e-mail is used.
public enum EmailKind: String, Sendable, Codable, CaseIterable, Hashable {
    case work
    case personal
    case other
}

/// A phone of a contact or company: the number as typed plus its E.164 form.
public struct Phone: Hashable, Sendable, Codable {
    /// The parsed number (raw text kept even when it could not be parsed).
    public var number: PhoneNumber
    /// How it is used.
    public var kind: PhoneKind

    /// Makes a phone.
    public init(number: PhoneNumber, kind: PhoneKind) {
        self.number = number
        self.kind = kind
    }
}

/// An e-mail of a contact or company, normalized.
public struct Email: Hashable, Sendable, Codable {
    /// The normalized address.
    public var address: String
    /// How it is used.
    public var kind: EmailKind

    /// Makes an e-mail.
    public init(address: String, kind: EmailKind) {
        self.address = address
        self.kind = kind
    }
}

/// A phone as a client submits it, before normalization.
public struct PhoneInput: Hashable, Sendable {
    /// What the user typed.
    public var number: String
    /// How it is used; mobile by default.
    public var kind: PhoneKind
    /// Makes a phone input.
    public init(number: String, kind: PhoneKind = .mobile) {
        self.number = number
        self.kind = kind
    }
}

/// An e-mail as a client submits it.
public struct EmailInput: Hashable, Sendable {
    /// What the user typed.
    public var address: String
    /// How it is used; work by default.
    public var kind: EmailKind
    /// Makes an e-mail input.
    public init(address: String, kind: EmailKind = .work) {
        self.address = address
        self.kind = kind
    }
}

/// Turns typed phones and e-mails into stored ones. Phones that cannot be parsed are kept as typed and
/// flagged (`e164 == nil`), never dropped; e-mails must be valid, because an invalid one cannot be used.
public enum ContactChannels {
    /// The most phones a record keeps.
    public static let maximumPhones = 20
    /// The most e-mails a record keeps.
    public static let maximumEmails = 20

    /// Normalizes phones; blank entries are skipped, duplicates (same E.164) collapse into the first.
    public static func phones(_ inputs: [PhoneInput], region: PhoneRegion, field: String = "phones")
        -> (phones: [Phone], issues: [FieldIssue])
    {
        let normalizer = PhoneNormalizer(defaultRegion: region)
        var phones: [Phone] = []
        var issues = FieldIssues()
        for (index, input) in inputs.enumerated() {
            guard let text = input.number.trimmedOrNil else { continue }
            if text.count > 64 {
                issues.add("\(field)[\(index)].number", .tooLong, ["max": "64"])
                continue
            }
            let number = normalizer.normalize(text)
            if let e164 = number.e164, phones.contains(where: { $0.number.e164 == e164 }) { continue }
            phones.append(Phone(number: number, kind: input.kind))
        }
        if phones.count > maximumPhones { issues.add(field, .outOfRange, ["max": String(maximumPhones)]) }
        return (phones, issues.all)
    }

    /// Normalizes e-mails; blank entries are skipped, duplicates collapse, invalid ones are reported.
    public static func emails(_ inputs: [EmailInput], field: String = "emails")
        -> (emails: [Email], issues: [FieldIssue])
    {
        var emails: [Email] = []
        var issues = FieldIssues()
        for (index, input) in inputs.enumerated() {
            guard let text = input.address.trimmedOrNil else { continue }
            guard let address = EmailAddress.normalize(text) else {
                issues.add("\(field)[\(index)].address", .invalidEmail)
                continue
            }
            if emails.contains(where: { $0.address == address }) { continue }
            emails.append(Email(address: address, kind: input.kind))
        }
        if emails.count > maximumEmails { issues.add(field, .outOfRange, ["max": String(maximumEmails)]) }
        return (emails, issues.all)
    }
}

/// Where a lead came from: a channel name plus the UTM tags and pages of the visit, so reports can
/// attribute leads and revenue to channels.
public struct LeadSource: Hashable, Sendable, Codable {
    /// The channel, e.g. `yandex.direct`, `call`, `import`, `web-form`.
    public var source: String?
    /// `utm_source`.
    public var utmSource: String?
    /// `utm_medium`.
    public var utmMedium: String?
    /// `utm_campaign`.
    public var utmCampaign: String?
    /// `utm_content`.
    public var utmContent: String?
    /// `utm_term`.
    public var utmTerm: String?
    /// The referring page.
    public var referrer: String?
    /// The landing page.
    public var landingPage: String?

    /// Makes a source description.
    public init(
        source: String? = nil, utmSource: String? = nil, utmMedium: String? = nil, utmCampaign: String? = nil,
        utmContent: String? = nil, utmTerm: String? = nil, referrer: String? = nil, landingPage: String? = nil
    ) {
        self.source = source
        self.utmSource = utmSource
        self.utmMedium = utmMedium
        self.utmCampaign = utmCampaign
        self.utmContent = utmContent
        self.utmTerm = utmTerm
        self.referrer = referrer
        self.landingPage = landingPage
    }

    /// Trims every part and checks lengths.
    public func normalized(field: String = "source") -> (LeadSource, [FieldIssue]) {
        var issues = FieldIssues()
        func clean(_ value: String?, _ name: String, _ max: Int = 500) -> String? {
            let trimmed = value.trimmedOrNil
            issues.limit(trimmed, "\(field).\(name)", to: max)
            return trimmed
        }
        let result = LeadSource(
            source: clean(source, "source", 100), utmSource: clean(utmSource, "utmSource"),
            utmMedium: clean(utmMedium, "utmMedium"), utmCampaign: clean(utmCampaign, "utmCampaign"),
            utmContent: clean(utmContent, "utmContent"), utmTerm: clean(utmTerm, "utmTerm"),
            referrer: clean(referrer, "referrer", 2000), landingPage: clean(landingPage, "landingPage", 2000))
        return (result, issues.all)
    }
}

/// Tag names: trimmed, blank dropped, duplicates (case-insensitive) collapsed, length-limited.
public enum TagNames {
    /// The most tags a record keeps.
    public static let maximumCount = 50

    /// Normalizes a list of tag names.
    public static func normalize(_ names: [String], field: String = "tags") -> ([String], [FieldIssue]) {
        var result: [String] = []
        var seen = Set<String>()
        var issues = FieldIssues()
        for (index, name) in names.enumerated() {
            guard let trimmed = name.trimmedOrNil else { continue }
            issues.limit(trimmed, "\(field)[\(index)]", to: 60)
            if seen.insert(SearchText.fold(trimmed)).inserted { result.append(trimmed) }
        }
        if result.count > maximumCount { issues.add(field, .outOfRange, ["max": String(maximumCount)]) }
        return (result, issues.all)
    }
}
