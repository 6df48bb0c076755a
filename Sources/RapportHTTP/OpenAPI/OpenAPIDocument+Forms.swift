import RapportCore

extension OpenAPIDocument {
    /// Web forms (the builder, submissions, the public JSON submission) and telephony events.
    static var formOperations: [Operation] {
        [
            Operation(
                method: "get", path: "/api/v1/forms", id: "listForms", summary: "The workspace's web forms (settings right)", tag: "Forms",
                response: "FormList", errors: [401, 403]),
            Operation(
                method: "post", path: "/api/v1/forms", id: "createForm", summary: "Create a web form with a new public key", tag: "Forms",
                parameters: ["Idempotency-Key"], body: "FormInput", status: 201, response: "Form", errors: [400, 401, 403, 409, 422]),
            Operation(
                method: "get", path: "/api/v1/forms/{id}", id: "getForm", summary: "A web form", tag: "Forms", parameters: ["id"],
                response: "Form", errors: [401, 403, 404]),
            Operation(
                method: "patch", path: "/api/v1/forms/{id}", id: "updateForm", summary: "Change a web form", tag: "Forms",
                parameters: ["id"], body: "FormUpdate", response: "Form", errors: [400, 401, 403, 404, 409, 422]),
            Operation(
                method: "delete", path: "/api/v1/forms/{id}", id: "deleteForm",
                summary: "Remove a web form (its address stops answering; submissions stay)", tag: "Forms", parameters: ["id"],
                status: 204, errors: [401, 403, 404]),
            Operation(
                method: "get", path: "/api/v1/forms/{id}/submissions", id: "listFormSubmissions",
                summary: "A form's submissions with their UTM, referrer and landing page, newest first", tag: "Forms",
                parameters: ["id", "limit", "cursor", "sort"], response: "FormSubmissionList", errors: [400, 401, 403, 404, 422]),
            Operation(
                method: "post", path: "/api/v1/forms/{id}/submissions", id: "submitForm",
                summary: """
                    Public: submit a lead to the form whose public key is `{id}` (for sites posting from their backend). \
                    A filled honeypot (`website`) is answered 201 and stores nothing; more than \
                    \(WebFormRules.maxSubmissionsPerAddress) submissions per address and form in 15 minutes get 429
                    """,
                tag: "Forms", parameters: ["id"], body: "FormSubmissionInput", status: 201, response: "SubmissionReceipt",
                errors: [400, 404, 413, 422, 429], isPublic: true),
            Operation(
                method: "post", path: "/api/v1/telephony/events", id: "recordCallEvent",
                summary: """
                    A PBX call event (settings right). Events with the same `callId` update one call activity on the contact \
                    with the client's number (an unknown number becomes a contact with source `call`); a missed inbound call \
                    creates one call-back task. The active user whose `extension` the call carries authors the activity, owns a \
                    new contact and gets the call-back task; without one, the task goes to the contact's owner
                    """,
                tag: "Telephony", body: "CallEventInput", response: "CallOutcome", errors: [400, 401, 403, 422]),
        ]
    }

    /// Schemas of forms and telephony.
    static var formSchemas: [String: JSONValue] {
        let field = object(
            [
                "target": .object([
                    "type": "string",
                    "description": .string(
                        "One of \(FormTarget.standard.joined(separator: ", ")), or `contact.custom.<key>` / `deal.custom.<key>`."),
                ]),
                "labelRu": nullable("string"), "labelEn": nullable("string"), "required": boolean,
                "type": enumeration(FormFieldType.self),
            ], required: ["target"])
        let settings: [String: JSONValue] = [
            "name": string, "fields": array(ref("FormField")), "consentText": nullable("string"), "createsDeal": boolean,
            "pipelineId": nullable("string"), "stageId": nullable("string"), "createsTask": boolean, "ownerIds": array(string),
            "active": boolean, "thankYouText": nullable("string"), "redirectUrl": nullable("string", format: "uri"),
        ]
        return [
            "FormField": field,
            "Form": object(
                settings.merging([
                    "id": string, "publicKey": string, "hostedPath": string, "embedPath": string, "createdAt": timestamp,
                    "updatedAt": timestamp, "version": integer,
                ]) { a, _ in a },
                required: [
                    "id", "name", "publicKey", "hostedPath", "embedPath", "fields", "createsDeal", "createsTask", "ownerIds", "active",
                    "createdAt", "updatedAt", "version",
                ],
                description: """
                    A web form. Its hosted page is `hostedPath`; a site embeds it with \
                    `<script src="{origin}{embedPath}"></script>`. `ownerIds` receive leads in turn (round robin); a submission \
                    creates or fills the contact by e-mail, then phone, and, when asked, a deal in `pipelineId`/`stageId` and \
                    a task for that owner.
                    """),
            "FormInput": object(settings, required: ["name", "fields"]),
            "FormUpdate": withVersion(object(settings)),
            "FormList": list("Form"),
            "FormSubmission": object(
                [
                    "id": string, "formId": string, "contactId": nullable("string"), "contactCreated": boolean,
                    "dealId": nullable("string"), "taskId": nullable("string"),
                    "payload": .object(["type": "object", "additionalProperties": string]), "source": ref("Source"),
                    "ip": nullable("string"), "createdAt": timestamp,
                ], required: ["id", "formId", "contactCreated", "payload", "source", "createdAt"]),
            "FormSubmissionList": list("FormSubmission"),
            "FormSubmissionInput": object(
                [
                    "fields": .object([
                        "type": "object", "additionalProperties": anyValue,
                        "description": "Values by field target, plus `consent`, `utm_*` and the honeypot `website`.",
                    ]),
                    "landingPage": nullable("string"), "referrer": nullable("string"),
                ], required: ["fields"]),
            "SubmissionReceipt": object(
                ["accepted": boolean, "submissionId": nullable("string")], required: ["accepted"],
                description: "`submissionId` is absent when the submission was taken for spam and not stored."),
            "CallEventInput": object(
                [
                    "callId": string, "direction": enumeration(Direction.self), "from": string, "to": string,
                    "extension": nullable("string"), "startedAt": nullable("string", format: "date-time"),
                    "answeredAt": nullable("string", format: "date-time"), "endedAt": nullable("string", format: "date-time"),
                    "duration": nullable("integer"), "recordingUrl": nullable("string", format: "uri"),
                    "status": enumeration(CallStatus.self),
                ], required: ["callId", "direction", "status"],
                description: "The client's number is `from` for inbound calls and `to` for outbound ones."),
            "CallOutcome": object(
                [
                    "activity": ref("Activity"), "contactId": string, "contactCreated": boolean,
                    "callbackTaskId": nullable("string"),
                ], required: ["activity", "contactId", "contactCreated"]),
        ]
    }
}
