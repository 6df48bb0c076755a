import RapportCore

extension OpenAPIDocument {
    /// The duplicate finder, "not duplicates" and merge, for contacts and companies.
    static var duplicateOperations: [Operation] {
        var operations: [Operation] = []
        let kinds: [(noun: String, single: String, tag: String)] = [
            ("contacts", "Contact", "Contacts"), ("companies", "Company", "Companies"),
        ]
        for (noun, single, tag) in kinds {
            let reasons = single == "Company" ? ", INN or name" : ", or near-identical names in one company"
            operations += [
                Operation(
                    method: "get", path: "/api/v1/\(noun)/duplicates", id: "list\(single)Duplicates",
                    summary: "Groups of \(noun) that look like one client (same phone, e-mail\(reasons)), oldest group first",
                    tag: tag, parameters: ["limit", "cursor"], response: "\(single)DuplicateGroupList", errors: [400, 401, 422]),
                Operation(
                    method: "get", path: "/api/v1/\(noun)/{id}/duplicates", id: "find\(single)Duplicates",
                    summary: "\(tag) that look like this one, with the reasons", tag: tag, parameters: ["id"],
                    response: "\(single)DuplicateList", errors: [401, 404]),
                Operation(
                    method: "post", path: "/api/v1/\(noun)/duplicates/dismiss", id: "dismiss\(single)Duplicates",
                    summary: "Mark records as not duplicates of each other, so the finder stops proposing them", tag: tag,
                    body: "DuplicateDismissal", status: 204, errors: [400, 401, 403, 409, 422]),
                Operation(
                    method: "post", path: "/api/v1/\(noun)/merge", id: "merge\(tag)",
                    summary: "Merge records into a survivor, picking each field's value; everything linked moves to the survivor",
                    tag: tag, body: "MergeInput", response: single, errors: [400, 401, 403, 404, 409, 422]),
            ]
        }
        return operations
    }

    /// Schemas of the duplicate operations.
    static var duplicateSchemas: [String: JSONValue] {
        let reasons = array(enumeration(DuplicateReason.self))
        var schemas: [String: JSONValue] = [
            "DuplicateDismissal": object(
                ["ids": .object(["type": "array", "items": string, "minItems": 2, "maxItems": .int(Int64(MergeRules.maximumMerged + 1))])],
                required: ["ids"], description: "Two or more records of one kind; every pair among them is dismissed."),
            "MergeInput": object(
                [
                    "survivorId": string,
                    "mergedIds": .object([
                        "type": "array", "items": string, "minItems": 1, "maxItems": .int(Int64(MergeRules.maximumMerged)),
                    ]),
                    "versions": .object([
                        "type": "object", "additionalProperties": integer,
                        "description": "The version of every record (survivor and merged) you saw, by id; a record changed since gets 409.",
                    ]),
                    "choices": .object([
                        "type": "object", "additionalProperties": string,
                        "description": """
                        Field name (`lastName`, `city`, `ownerId`, `customFields.<key>`, …) → the id of the record whose value \
                        survives. Unnamed fields keep the survivor's value, or the oldest non-empty one when it has none. \
                        Phones, e-mails, tags and company memberships (companies: addresses) are unioned.
                        """,
                    ]),
                ], required: ["survivorId", "mergedIds", "versions"],
                description: "The merged records go to the trash with `mergedInto` set to the survivor."),
        ]
        for single in ["Contact", "Company"] {
            schemas["\(single)DuplicateGroup"] = object(
                [
                    "ids": array(string), "reasons": reasons,
                    "links": array(
                        object(["firstId": string, "secondId": string, "reasons": reasons], required: ["firstId", "secondId", "reasons"])),
                    "records": array(ref(single)),
                ], required: ["ids", "reasons", "links", "records"],
                description: "Members oldest first (the default survivor is the first), and which pairs are linked by what.")
            schemas["\(single)DuplicateGroupList"] = list("\(single)DuplicateGroup")
            schemas["\(single)DuplicateMatch"] = object(["record": ref(single), "reasons": reasons], required: ["record", "reasons"])
            schemas["\(single)DuplicateList"] = list("\(single)DuplicateMatch")
        }
        return schemas
    }
}
