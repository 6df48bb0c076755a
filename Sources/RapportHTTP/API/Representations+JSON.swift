import Foundation
import RapportCore

// Direct JSON writing for the representations list pages are made of. Each mirrors the type's
// synthesized `Encodable` exactly (RepresentationJSONTests compares them on every field).

extension MoneyBody: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.field("amount", amount)
        w.field("currency", currency)
        w.endObject()
    }
}

extension PhoneBody: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.field("number", number)
        w.field("e164", e164)
        w.field("valid", valid)
        w.field("kind", kind)
        w.endObject()
    }
}

extension EmailBody: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.field("address", address)
        w.field("kind", kind)
        w.endObject()
    }
}

extension ConsentBody: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.field("granted", granted)
        w.field("at", at)
        w.endObject()
    }
}

extension SourceBody: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.field("source", source)
        w.field("utmSource", utmSource)
        w.field("utmMedium", utmMedium)
        w.field("utmCampaign", utmCampaign)
        w.field("utmContent", utmContent)
        w.field("utmTerm", utmTerm)
        w.field("referrer", referrer)
        w.field("landingPage", landingPage)
        w.endObject()
    }
}

extension CompanyLinkBody: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.field("companyId", companyId)
        w.field("isPrimary", isPrimary)
        w.endObject()
    }
}

extension AddressBody: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.field("kind", kind)
        w.field("text", text)
        w.endObject()
    }
}

extension ContactBody: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.field("id", id)
        w.field("lastName", lastName)
        w.field("firstName", firstName)
        w.field("middleName", middleName)
        w.field("displayName", displayName)
        w.field("phones", phones)
        w.field("emails", emails)
        w.field("position", position)
        w.field("companies", companies)
        w.field("city", city)
        w.field("address", address)
        w.field("birthday", birthday)
        w.field("source", source)
        w.field("ownerId", ownerId)
        w.field("tags", tags)
        w.field("readiness", readiness)
        w.field("lifecycle", lifecycle)
        w.field("emailConsent", emailConsent)
        w.field("smsConsent", smsConsent)
        w.field("customFields", customFields)
        w.field("createdAt", createdAt)
        w.field("updatedAt", updatedAt)
        w.field("createdBy", createdBy)
        w.field("version", version)
        w.field("deletedAt", deletedAt)
        w.field("mergedInto", mergedInto)
        w.endObject()
    }
}

extension CompanyBody: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.field("id", id)
        w.field("name", name)
        w.field("inn", inn)
        w.field("kpp", kpp)
        w.field("industry", industry)
        w.field("website", website)
        w.field("phones", phones)
        w.field("emails", emails)
        w.field("addresses", addresses)
        w.field("city", city)
        w.field("source", source)
        w.field("ownerId", ownerId)
        w.field("tags", tags)
        w.field("customFields", customFields)
        w.field("createdAt", createdAt)
        w.field("updatedAt", updatedAt)
        w.field("createdBy", createdBy)
        w.field("version", version)
        w.field("deletedAt", deletedAt)
        w.field("mergedInto", mergedInto)
        w.endObject()
    }
}

extension DealBody: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.field("id", id)
        w.field("title", title)
        w.field("amount", amount)
        w.field("weightedAmount", weightedAmount)
        w.field("pipelineId", pipelineId)
        w.field("stageId", stageId)
        w.field("status", status)
        w.field("probability", probability)
        w.field("probabilityIsManual", probabilityIsManual)
        w.field("expectedCloseDate", expectedCloseDate)
        w.field("ownerId", ownerId)
        w.field("contactIds", contactIds)
        w.field("companyId", companyId)
        w.field("lostReason", lostReason)
        w.field("closedAt", closedAt)
        w.field("stageEnteredAt", stageEnteredAt)
        w.field("source", source)
        w.field("tags", tags)
        w.field("customFields", customFields)
        w.field("createdAt", createdAt)
        w.field("updatedAt", updatedAt)
        w.field("createdBy", createdBy)
        w.field("version", version)
        w.field("deletedAt", deletedAt)
        w.endObject()
    }
}

extension ListResponse where Item: JSONWritable {
    /// The list as JSON bytes, written directly.
    var jsonBytes: [UInt8] {
        var w = JSONWriter(capacity: 2048 * max(1, data.count))
        w.beginObject()
        w.field("data", data)
        w.key("nextCursor")
        if let nextCursor { w.string(nextCursor) } else { w.null() }
        w.endObject()
        return w.bytes
    }
}
