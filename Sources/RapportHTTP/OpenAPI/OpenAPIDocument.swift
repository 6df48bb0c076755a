public import Foundation
public import RapportCore

/// The API contract, served at `/api/v1/openapi.json`. Tests check that every route of the router is
/// here and every operation here is routed, and validate every response of the API tests against the
/// schemas below, so the document cannot drift from the implementation.
public enum OpenAPIDocument {
    /// The document as JSON.
    public static let json: JSONValue = build()

    /// The document encoded (sorted keys, stable output).
    public static var data: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(json)) ?? Data()
    }

    // MARK: - Schema helpers

    static func ref(_ name: String) -> JSONValue { .object(["$ref": .string("#/components/schemas/\(name)")]) }
    static let string: JSONValue = .object(["type": "string"])
    static let integer: JSONValue = .object(["type": "integer"])
    static let boolean: JSONValue = .object(["type": "boolean"])
    static let timestamp: JSONValue = .object(["type": "string", "format": "date-time"])
    static let date: JSONValue = .object(["type": "string", "format": "date"])
    static let anyValue: JSONValue = .object([:])
    static func nullable(_ type: String, format: String? = nil) -> JSONValue {
        var object: [String: JSONValue] = ["type": .array([.string(type), "null"])]
        if let format { object["format"] = .string(format) }
        return .object(object)
    }
    static func nullableRef(_ name: String) -> JSONValue { .object(["anyOf": .array([ref(name), .object(["type": "null"])])]) }
    static func array(_ items: JSONValue) -> JSONValue { .object(["type": "array", "items": items]) }
    static func enumeration(_ values: [String], nullable: Bool = false) -> JSONValue {
        .object([
            "type": nullable ? .array(["string", "null"]) : "string",
            "enum": .array(values.map(JSONValue.string) + (nullable ? [.null] : [])),
        ])
    }
    static func enumeration<E: RawRepresentable & CaseIterable>(_: E.Type, nullable: Bool = false) -> JSONValue where E.RawValue == String {
        enumeration(E.allCases.map(\.rawValue), nullable: nullable)
    }
    static func object(_ properties: [String: JSONValue], required: [String] = [], description: String? = nil) -> JSONValue {
        var schema: [String: JSONValue] = ["type": "object", "properties": .object(properties)]
        if !required.isEmpty { schema["required"] = .array(required.sorted().map(JSONValue.string)) }
        if let description { schema["description"] = .string(description) }
        return .object(schema)
    }
    static func list(_ item: String) -> JSONValue {
        object(["data": array(ref(item)), "nextCursor": nullable("string")], required: ["data", "nextCursor"])
    }

    // MARK: - Schemas

    static var schemas: [String: JSONValue] {
        let money = object(
            [
                "amount": .object(["type": "integer", "description": "Minor units (kopecks)."]),
                "currency": .object(["type": "string", "pattern": "^[A-Z]{3}$"]),
            ],
            required: ["amount", "currency"])
        let phone = object(
            ["number": string, "e164": nullable("string"), "valid": boolean, "kind": enumeration(PhoneKind.self)],
            required: ["number", "valid", "kind"])
        let email = object(["address": string, "kind": enumeration(EmailKind.self)], required: ["address", "kind"])
        let consent = object(["granted": boolean, "at": timestamp], required: ["granted", "at"])
        let source = object([
            "source": nullable("string"), "utmSource": nullable("string"), "utmMedium": nullable("string"),
            "utmCampaign": nullable("string"), "utmContent": nullable("string"), "utmTerm": nullable("string"),
            "referrer": nullable("string"), "landingPage": nullable("string"),
        ])
        let customFields = JSONValue.object(["type": "object", "additionalProperties": anyValue])
        let recordMeta: [String: JSONValue] = [
            "id": string, "createdAt": timestamp, "updatedAt": timestamp, "createdBy": nullable("string"),
            "version": integer, "deletedAt": nullable("string", format: "date-time"),
        ]
        let contact = object(
            recordMeta.merging([
                "lastName": nullable("string"), "firstName": nullable("string"), "middleName": nullable("string"),
                "displayName": string, "phones": array(ref("Phone")), "emails": array(ref("Email")),
                "position": nullable("string"),
                "companies": array(object(["companyId": string, "isPrimary": boolean], required: ["companyId", "isPrimary"])),
                "city": nullable("string"), "address": nullable("string"), "birthday": nullable("string", format: "date"),
                "source": ref("Source"), "ownerId": nullable("string"), "tags": array(string),
                "readiness": enumeration(Readiness.self, nullable: true), "lifecycle": enumeration(Lifecycle.self),
                "emailConsent": nullableRef("Consent"), "smsConsent": nullableRef("Consent"), "customFields": customFields,
                "mergedInto": nullable("string"),
            ]) { a, _ in a },
            required: [
                "id", "displayName", "phones", "emails", "companies", "source", "tags", "lifecycle", "customFields", "createdAt",
                "updatedAt", "version",
            ])
        let company = object(
            recordMeta.merging([
                "name": string, "inn": nullable("string"), "kpp": nullable("string"), "industry": nullable("string"),
                "website": nullable("string"), "phones": array(ref("Phone")), "emails": array(ref("Email")),
                "addresses": array(object(["kind": enumeration(Address.Kind.self), "text": string], required: ["kind", "text"])),
                "city": nullable("string"), "source": ref("Source"), "ownerId": nullable("string"), "tags": array(string),
                "customFields": customFields, "mergedInto": nullable("string"),
            ]) { a, _ in a },
            required: [
                "id", "name", "phones", "emails", "addresses", "source", "tags", "customFields", "createdAt", "updatedAt", "version",
            ])
        let deal = object(
            recordMeta.merging([
                "title": string, "amount": ref("Money"), "weightedAmount": ref("Money"), "pipelineId": string, "stageId": string,
                "status": enumeration(DealStatus.self), "probability": .object(["type": "integer", "minimum": 0, "maximum": 100]),
                "probabilityIsManual": boolean, "expectedCloseDate": nullable("string", format: "date"),
                "ownerId": nullable("string"), "contactIds": array(string), "companyId": nullable("string"),
                "lostReason": nullable("string"), "closedAt": nullable("string", format: "date-time"), "stageEnteredAt": timestamp,
                "source": ref("Source"), "tags": array(string), "customFields": customFields,
            ]) { a, _ in a },
            required: [
                "id", "title", "amount", "weightedAmount", "pipelineId", "stageId", "status", "probability", "probabilityIsManual",
                "contactIds", "stageEnteredAt", "source", "tags", "customFields", "createdAt", "updatedAt", "version",
            ])
        let stage = object(
            [
                "id": string, "name": string, "kind": enumeration(StageKind.self), "probability": integer,
                "rottingDays": nullable("integer"),
            ],
            required: ["id", "name", "kind", "probability"])
        let pipeline = object(
            ["id": string, "name": string, "position": integer, "stages": array(ref("Stage")), "createdAt": timestamp, "version": integer],
            required: ["id", "name", "position", "stages", "createdAt", "version"])
        let visit = object(
            [
                "id": string, "dealId": string, "pipelineId": string, "stageId": string, "enteredAt": timestamp,
                "leftAt": nullable("string", format: "date-time"), "movedBy": nullable("string"), "durationSeconds": nullable("integer"),
            ], required: ["id", "dealId", "pipelineId", "stageId", "enteredAt"])
        let activity = object(
            [
                "id": string, "kind": enumeration(ActivityKind.self), "subject": nullable("string"), "body": nullable("string"),
                "occurredAt": timestamp, "contactId": nullable("string"), "companyId": nullable("string"), "dealId": nullable("string"),
                "direction": enumeration(Direction.self, nullable: true), "durationSeconds": nullable("integer"),
                "callResult": enumeration(CallResult.self, nullable: true), "recordingUrl": nullable("string"),
                "authorId": nullable("string"), "createdAt": timestamp, "updatedAt": timestamp, "version": integer,
                "deletedAt": nullable("string", format: "date-time"),
            ], required: ["id", "kind", "occurredAt", "createdAt", "updatedAt", "version"])
        let recordRef = object(["kind": enumeration(["contact", "company", "deal"]), "id": string], required: ["kind", "id"])
        let task = object(
            [
                "id": string, "title": string, "kind": enumeration(TaskKind.self), "dueAt": nullable("string", format: "date-time"),
                "remindAt": nullable("string", format: "date-time"), "assigneeId": nullable("string"), "related": nullableRef("RecordRef"),
                "notes": nullable("string"), "done": boolean, "doneAt": nullable("string", format: "date-time"),
                "createdBy": nullable("string"), "createdAt": timestamp, "updatedAt": timestamp, "version": integer,
                "deletedAt": nullable("string", format: "date-time"),
            ], required: ["id", "title", "kind", "done", "createdAt", "updatedAt", "version"])
        let phoneExtension: JSONValue = .object([
            "type": .array(["string", "null"]),
            "description": """
            The internal PBX number (up to 10 digits), unique among the workspace's active users; telephony events \
            carrying it are handled by this user. Null or blank: none.
            """,
        ])
        let user = object(
            [
                "id": string, "email": string, "name": string, "role": enumeration(Role.self), "teamId": nullable("string"),
                "active": boolean, "locale": enumeration(AppLocale.self, nullable: true), "extension": phoneExtension,
                "createdAt": timestamp, "version": integer,
            ], required: ["id", "email", "name", "role", "active", "createdAt", "version"])
        let team = object(["id": string, "name": string, "createdAt": timestamp], required: ["id", "name", "createdAt"])
        let tag = object(
            ["id": string, "name": string, "color": nullable("string"), "createdAt": timestamp], required: ["id", "name", "createdAt"])
        let customField = object(
            [
                "id": string, "entity": enumeration(["contact", "company", "deal"]), "key": string, "label": string,
                "kind": enumeration(CustomFieldKind.self), "options": array(string), "required": boolean, "position": integer,
                "createdAt": timestamp,
            ], required: ["id", "entity", "key", "label", "kind", "options", "required", "position", "createdAt"])
        let token = object(
            [
                "id": string, "userId": string, "name": string, "prefix": string, "createdAt": timestamp,
                "lastUsedAt": nullable("string", format: "date-time"), "revokedAt": nullable("string", format: "date-time"),
                "token": .object(["type": "string", "description": "The secret; present only in the response that created the token."]),
            ], required: ["id", "userId", "name", "prefix", "createdAt"])
        let workspace = object(
            [
                "id": string, "name": string, "timeZone": string, "currency": string, "locale": enumeration(AppLocale.self),
                "phoneRegion": enumeration(PhoneRegion.self), "createdAt": timestamp,
            ], required: ["id", "name", "timeZone", "currency", "locale", "phoneRegion", "createdAt"])
        let timelineItem = object(
            [
                "type": enumeration(["activity", "stage_change", "audit"]), "at": timestamp, "id": string,
                "activity": ref("Activity"), "stageChange": ref("StageVisit"), "action": enumeration(AuditAction.self),
                "actorId": nullable("string"),
                "changes": array(
                    object(["field": string, "before": anyValue, "after": anyValue], required: ["field", "before", "after"])),
            ], required: ["type", "at", "id"])
        let session = object(
            [
                "user": ref("User"), "workspace": ref("Workspace"), "csrfToken": nullable("string"),
                "expiresAt": nullable("string", format: "date-time"),
            ],
            required: ["user", "workspace"])
        let search = object(
            ["contacts": array(ref("Contact")), "companies": array(ref("Company")), "deals": array(ref("Deal"))],
            required: ["contacts", "companies", "deals"])
        let problem = object(
            [
                "type": string, "title": string, "status": integer, "code": enumeration(ProblemCode.self), "detail": string,
                "requestId": string,
                "errors": array(
                    object(
                        ["field": string, "code": enumeration(FieldIssue.Code.self), "message": string],
                        required: ["field", "code", "message"])),
                "current": .object(["type": "object", "description": "The record as it is now (version conflicts)."]),
                "retryAfter": integer,
            ], required: ["type", "title", "status", "code", "requestId"],
            description: "RFC 9457 problem details. `errors` names each refused field with a localized message.")

        // Inputs (what clients send).
        let phoneInput = object(["number": string, "kind": enumeration(PhoneKind.self)], required: ["number"])
        let emailInput = object(["address": string, "kind": enumeration(EmailKind.self)], required: ["address"])
        let moneyInput = object(["amount": integer, "currency": string], required: ["amount", "currency"])
        let contactInput = object(
            [
                "lastName": nullable("string"), "firstName": nullable("string"), "middleName": nullable("string"),
                "fullName": .object(["type": "string", "description": "Split into last/first/middle when those are not given."]),
                "phones": array(phoneInput), "emails": array(emailInput), "position": nullable("string"),
                "companies": array(object(["companyId": string, "isPrimary": boolean], required: ["companyId"])),
                "city": nullable("string"), "address": nullable("string"), "birthday": nullable("string", format: "date"),
                "source": ref("Source"), "ownerId": nullable("string"), "tags": array(string),
                "readiness": enumeration(Readiness.self, nullable: true), "lifecycle": enumeration(Lifecycle.self),
                "emailConsent": nullable("boolean"), "smsConsent": nullable("boolean"), "customFields": customFields,
            ], description: "Absent fields keep their value (or default on create); null clears a field.")
        let companyInput = object(
            [
                "name": string, "inn": nullable("string"), "kpp": nullable("string"), "industry": nullable("string"),
                "website": nullable("string"), "phones": array(phoneInput), "emails": array(emailInput),
                "addresses": array(object(["kind": enumeration(Address.Kind.self), "text": string], required: ["text"])),
                "city": nullable("string"), "ownerId": nullable("string"), "tags": array(string), "customFields": customFields,
                "source": ref("Source"),
            ])
        let dealInput = object(
            [
                "title": string, "amount": moneyInput, "pipelineId": string, "stageId": string, "probability": nullable("integer"),
                "expectedCloseDate": nullable("string", format: "date"), "ownerId": nullable("string"), "contactIds": array(string),
                "companyId": nullable("string"), "lostReason": nullable("string"), "source": ref("Source"), "tags": array(string),
                "customFields": customFields,
            ])
        let activityInput = object([
            "kind": enumeration(ActivityKind.allCases.filter { $0 != .system }.map(\.rawValue)), "subject": nullable("string"),
            "body": nullable("string"), "occurredAt": timestamp, "contactId": nullable("string"), "companyId": nullable("string"),
            "dealId": nullable("string"), "direction": enumeration(Direction.self, nullable: true), "durationSeconds": nullable("integer"),
            "callResult": enumeration(CallResult.self, nullable: true), "recordingUrl": nullable("string"),
        ])
        let taskInput = object([
            "title": string, "kind": enumeration(TaskKind.self), "dueAt": nullable("string", format: "date-time"),
            "remindAt": nullable("string", format: "date-time"), "assigneeId": nullable("string"), "related": nullableRef("RecordRef"),
            "notes": nullable("string"), "done": boolean,
        ])
        let stageInput = object(
            [
                "id": string, "name": string, "kind": enumeration(StageKind.self), "probability": integer,
                "rottingDays": nullable("integer"),
            ],
            required: ["name", "kind"])

        return [
            "Money": money, "Phone": phone, "Email": email, "Consent": consent, "Source": source, "Contact": contact,
            "Company": company, "Deal": deal, "Stage": stage, "Pipeline": pipeline, "StageVisit": visit, "Activity": activity,
            "RecordRef": recordRef, "Task": task, "User": user, "Team": team, "Tag": tag, "CustomField": customField,
            "ApiToken": token, "Workspace": workspace, "TimelineItem": timelineItem, "Session": session, "SearchResults": search,
            "Problem": problem,
            "ContactInput": contactInput, "CompanyInput": companyInput, "DealInput": dealInput, "ActivityInput": activityInput,
            "TaskInput": taskInput,
            "ContactUpdate": withVersion(contactInput), "CompanyUpdate": withVersion(companyInput), "DealUpdate": withVersion(dealInput),
            "ActivityUpdate": withVersion(activityInput), "TaskUpdate": withVersion(taskInput),
            "PipelineInput": object(["name": string, "stages": array(stageInput)], required: ["name", "stages"]),
            "PipelineUpdate": object(["version": integer, "name": string, "stages": array(stageInput)], required: ["version"]),
            "DealMove": object(
                [
                    "stageId": string, "pipelineId": string, "lostReason": string,
                    "version": .object(["type": "integer", "description": "When given, a stale version gets 409."]),
                ],
                required: ["stageId"]),
            "UserInput": object(
                [
                    "email": string, "name": string, "password": string, "role": enumeration(Role.self), "teamId": nullable("string"),
                    "locale": enumeration(AppLocale.self), "extension": phoneExtension,
                ],
                required: ["email", "name", "password"]),
            "UserUpdate": object(
                [
                    "version": integer, "name": string, "role": enumeration(Role.self), "teamId": nullable("string"), "active": boolean,
                    "locale": enumeration(AppLocale.self, nullable: true), "extension": phoneExtension,
                ],
                required: ["version"]),
            "NameInput": object(["name": string], required: ["name"]),
            "TagInput": object(
                ["name": string, "color": .object(["type": "string", "pattern": "^#[0-9a-fA-F]{6}$"])], required: ["name"]),
            "CustomFieldInput": object(
                [
                    "entity": enumeration(["contact", "company", "deal"]),
                    "key": .object(["type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]{0,39}$"]),
                    "label": string, "kind": enumeration(CustomFieldKind.self), "options": array(string), "required": boolean,
                ], required: ["entity", "key", "label", "kind"]),
            "TokenInput": object(["name": string, "userId": string]),
            "WorkspaceUpdate": object([
                "name": string, "timeZone": string, "currency": string, "locale": enumeration(AppLocale.self),
                "phoneRegion": enumeration(PhoneRegion.self),
            ]),
            "SessionInput": object(["email": string, "password": string], required: ["email", "password"]),
            "SetupInput": object(
                [
                    "workspaceName": string, "timeZone": string, "currency": string, "locale": enumeration(AppLocale.self),
                    "phoneRegion": enumeration(PhoneRegion.self), "email": string, "name": string, "password": string,
                ], required: ["workspaceName", "email", "name", "password"]),
            "CompanyLinkInput": object(["companyId": string, "isPrimary": boolean], required: ["companyId"]),
            "ContactList": list("Contact"), "CompanyList": list("Company"), "DealList": list("Deal"), "PipelineList": list("Pipeline"),
            "StageVisitList": list("StageVisit"), "ActivityList": list("Activity"), "TaskList": list("Task"), "UserList": list("User"),
            "TeamList": list("Team"), "TagList": list("Tag"), "CustomFieldList": list("CustomField"), "ApiTokenList": list("ApiToken"),
            "Timeline": list("TimelineItem"),
        ].merging(commerceSchemas) { first, _ in first }.merging(webhookSchemas) { first, _ in first }
            .merging(formSchemas) { first, _ in first }.merging(documentSchemas) { first, _ in first }
            .merging(duplicateSchemas) { first, _ in first }
    }

    static func withVersion(_ input: JSONValue) -> JSONValue {
        guard case .object(var schema) = input, case .object(var properties)? = schema["properties"] else { return input }
        properties["version"] = .object(["type": "integer", "description": "The version you read; a stale one gets 409."])
        schema["properties"] = .object(properties)
        schema["required"] = .array(["version"])
        return .object(schema)
    }
}
