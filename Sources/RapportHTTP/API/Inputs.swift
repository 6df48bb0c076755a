import Foundation
import RapportCore

// Request bodies → domain inputs. Every field is read with its JSON type checked; absent fields stay
// absent (unchanged on update), `null` clears.

extension BodyReader {
    mutating func phones(defaultKind: PhoneKind = .mobile) -> [PhoneInput]? {
        objectArray("phones") { reader -> PhoneInput? in
            guard let number = reader.string("number") else {
                reader.issues.add(reader.name("number"), .required)
                return nil
            }
            return PhoneInput(number: number, kind: reader.enumValue("kind") ?? defaultKind)
        }
    }

    mutating func emails() -> [EmailInput]? {
        objectArray("emails") { reader -> EmailInput? in
            guard let address = reader.string("address") else {
                reader.issues.add(reader.name("address"), .required)
                return nil
            }
            return EmailInput(address: address, kind: reader.enumValue("kind") ?? .work)
        }
    }

    mutating func source() -> LeadSource? {
        withNested("source") { reader in
            LeadSource(
                source: reader.string("source"), utmSource: reader.string("utmSource"), utmMedium: reader.string("utmMedium"),
                utmCampaign: reader.string("utmCampaign"), utmContent: reader.string("utmContent"),
                utmTerm: reader.string("utmTerm"), referrer: reader.string("referrer"), landingPage: reader.string("landingPage"))
        }
    }

    mutating func contactInput() -> ContactInput {
        var input = ContactInput()
        input.lastName = editString("lastName")
        input.firstName = editString("firstName")
        input.middleName = editString("middleName")
        input.fullName = string("fullName")
        input.phones = phones()
        input.emails = emails()
        input.position = editString("position")
        input.companies = objectArray("companies") { reader -> CompanyLink? in
            guard let id: Company.ID = reader.id("companyId") else {
                reader.issues.add(reader.name("companyId"), .required)
                return nil
            }
            return CompanyLink(companyID: id, isPrimary: reader.bool("isPrimary") ?? false)
        }
        input.city = editString("city")
        input.address = editString("address")
        input.birthday = edit("birthday") { $0.localDate($1) }
        input.source = source()
        input.ownerID = editID("ownerId")
        input.tags = stringArray("tags")
        input.readiness = edit("readiness") { $0.enumValue($1) }
        input.lifecycle = enumValue("lifecycle")
        input.emailConsent = edit("emailConsent") { $0.bool($1) }
        input.smsConsent = edit("smsConsent") { $0.bool($1) }
        input.customFields = jsonObject("customFields")
        return input
    }

    mutating func companyInput() -> CompanyInput {
        var input = CompanyInput()
        input.name = string("name")
        if has("name"), input.name == nil, object["name"] == .null { issues.add(name("name"), .required) }
        input.inn = editString("inn")
        input.kpp = editString("kpp")
        input.industry = editString("industry")
        input.website = editString("website")
        input.phones = phones(defaultKind: .work)
        input.emails = emails()
        input.addresses = objectArray("addresses") { reader -> Address? in
            guard let text = reader.string("text") else {
                reader.issues.add(reader.name("text"), .required)
                return nil
            }
            return Address(kind: reader.enumValue("kind") ?? .actual, text: text)
        }
        input.city = editString("city")
        input.ownerID = editID("ownerId")
        input.tags = stringArray("tags")
        input.customFields = jsonObject("customFields")
        input.source = source()
        return input
    }

    mutating func dealInput() -> DealInput {
        var input = DealInput()
        input.title = string("title")
        if object["title"] == .null { issues.add(name("title"), .required) }
        input.amount = money("amount")
        input.pipelineID = id("pipelineId")
        input.stageID = id("stageId")
        input.probability = edit("probability") { $0.int($1) }
        input.expectedCloseDate = edit("expectedCloseDate") { $0.localDate($1) }
        input.ownerID = editID("ownerId")
        input.contactIDs = stringArray("contactIds")?.map(Contact.ID.init(rawValue:))
        input.companyID = editID("companyId")
        input.lostReason = editString("lostReason")
        input.source = source()
        input.tags = stringArray("tags")
        input.customFields = jsonObject("customFields")
        return input
    }

    mutating func activityInput() -> ActivityInput {
        var input = ActivityInput()
        input.kind = enumValue("kind")
        input.subject = editString("subject")
        input.body = editString("body")
        input.occurredAt = timestamp("occurredAt")
        input.contactID = editID("contactId")
        input.companyID = editID("companyId")
        input.dealID = editID("dealId")
        input.direction = edit("direction") { $0.enumValue($1) }
        input.durationSeconds = edit("durationSeconds") { $0.int($1) }
        input.callResult = edit("callResult") { $0.enumValue($1) }
        input.recordingURL = editString("recordingUrl")
        return input
    }

    mutating func taskInput() -> TaskInput {
        var input = TaskInput()
        input.title = string("title")
        if object["title"] == .null { issues.add(name("title"), .required) }
        input.kind = enumValue("kind")
        input.dueAt = edit("dueAt") { $0.timestamp($1) }
        input.remindAt = edit("remindAt") { $0.timestamp($1) }
        input.assigneeID = editID("assigneeId")
        input.related = edit("related") { reader, key in
            reader.withNested(key) { nested -> RecordRef? in
                let kind: LinkableKind? = nested.enumValue("kind")
                let id = nested.string("id")
                if kind == nil, !nested.has("kind") { nested.issues.add(nested.name("kind"), .required) }
                if id == nil { nested.issues.add(nested.name("id"), .required) }
                guard let kind, let id else { return nil }
                return RecordRef(kind: kind.recordKind, id: id)
            } ?? nil
        }
        input.notes = editString("notes")
        input.done = bool("done")
        return input
    }
}

/// Encodes a representation as a JSON value (the `current` member of a 409).
func jsonValue(_ value: some Encodable) -> JSONValue {
    guard let data = try? APIJSON.encoder.encode(value), let json = try? JSONDecoder().decode(JSONValue.self, from: data) else {
        return .null
    }
    return json
}

/// Runs an update; on a version conflict, throws a conflict carrying the record as it is now.
func withCurrentOnConflict<T: Sendable>(
    current: @Sendable () async throws -> some Encodable, _ body: @Sendable () async throws -> T
) async throws -> T {
    do {
        return try await body()
    } catch RecordError.versionConflict {
        throw VersionConflict(current: jsonValue(try await current()))
    }
}

/// The records a task can be about.
enum LinkableKind: String, CaseIterable {
    case contact, company, deal
    var recordKind: RecordKind {
        switch self {
        case .contact: .contact
        case .company: .company
        case .deal: .deal
        }
    }
}
