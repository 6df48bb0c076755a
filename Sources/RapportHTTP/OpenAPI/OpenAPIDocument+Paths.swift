import Foundation
import RapportCore

extension OpenAPIDocument {
    /// One operation of the API.
    struct Operation {
        var method: String
        var path: String
        var id: String
        var summary: String
        var tag: String
        var parameters: [String] = []
        var body: String?
        /// The request body's media type (a file upload is `text/csv`).
        var bodyMediaType = "application/json"
        /// Other media types the same body may come in (a file upload may also be an XLSX workbook).
        var otherBodyMediaTypes: [String] = []
        var status: Int = 200
        var response: String?
        var errors: [Int] = [400, 401, 403, 404, 422]
        var isPublic = false
    }

    static let listParameters = [
        "limit", "cursor", "sort", "q", "trash", "ownerId", "teamId", "tag", "createdFrom", "createdTo", "updatedFrom", "updatedTo",
    ]

    /// Every operation. The router test fails when this list and the routes differ.
    static var operations: [Operation] {
        var ops: [Operation] = [
            Operation(
                method: "post", path: "/api/v1/session", id: "signIn", summary: "Sign in; sets the session cookie", tag: "Session",
                body: "SessionInput", response: "Session", errors: [400, 401, 422, 429], isPublic: true),
            Operation(
                method: "get", path: "/api/v1/session", id: "getSession", summary: "The signed-in user, workspace and CSRF token",
                tag: "Session",
                response: "Session", errors: [401]),
            Operation(
                method: "delete", path: "/api/v1/session", id: "signOut", summary: "Sign out", tag: "Session", status: 204,
                errors: [401, 403]),
            Operation(
                method: "post", path: "/api/v1/setup", id: "setup", summary: "First run: create the workspace and its owner",
                tag: "Session",
                body: "SetupInput", status: 201, response: "Session", errors: [400, 409, 422], isPublic: true),
            Operation(
                method: "get", path: "/api/v1/search", id: "search",
                summary: "Search contacts, companies and deals (Cyrillic, phone digits)", tag: "Search",
                parameters: ["q", "limit"], response: "SearchResults", errors: [400, 401, 422]),
            Operation(
                method: "get", path: "/api/v1/pipelines", id: "listPipelines", summary: "Pipelines with their stages", tag: "Pipelines",
                response: "PipelineList", errors: [401]),
            Operation(
                method: "post", path: "/api/v1/pipelines", id: "createPipeline", summary: "Create a pipeline", tag: "Pipelines",
                parameters: ["Idempotency-Key"], body: "PipelineInput", status: 201, response: "Pipeline",
                errors: [400, 401, 403, 409, 422]),
            Operation(
                method: "get", path: "/api/v1/pipelines/{id}", id: "getPipeline", summary: "A pipeline", tag: "Pipelines",
                parameters: ["id"], response: "Pipeline", errors: [401, 404]),
            Operation(
                method: "patch", path: "/api/v1/pipelines/{id}", id: "updatePipeline", summary: "Rename, reorder or redefine stages",
                tag: "Pipelines",
                parameters: ["id"], body: "PipelineUpdate", response: "Pipeline", errors: [400, 401, 403, 404, 409, 422]),
            Operation(
                method: "post", path: "/api/v1/deals/{id}/move", id: "moveDeal",
                summary: "Move a deal to a stage of any pipeline (the stage names it; records stage history)",
                tag: "Deals",
                parameters: ["id"], body: "DealMove", response: "Deal", errors: [400, 401, 403, 404, 409, 422]),
            Operation(
                method: "get", path: "/api/v1/deals/{id}/stage-history", id: "dealStageHistory",
                summary: "Stage visits of a deal, oldest first", tag: "Deals",
                parameters: ["id"], response: "StageVisitList", errors: [401, 404]),
            Operation(
                method: "post", path: "/api/v1/contacts/{id}/companies", id: "linkContactCompany", summary: "Link a contact to a company",
                tag: "Contacts",
                parameters: ["id"], body: "CompanyLinkInput", response: "Contact", errors: [400, 401, 403, 404, 409, 422]),
            Operation(
                method: "delete", path: "/api/v1/contacts/{id}/companies/{companyId}", id: "unlinkContactCompany",
                summary: "Unlink a contact from a company", tag: "Contacts",
                parameters: ["id", "companyIdPath"], response: "Contact", errors: [401, 403, 404, 409]),
            Operation(
                method: "get", path: "/api/v1/users", id: "listUsers", summary: "Users of the workspace", tag: "Users",
                response: "UserList", errors: [401]),
            Operation(
                method: "post", path: "/api/v1/users", id: "createUser", summary: "Add a user", tag: "Users",
                parameters: ["Idempotency-Key"], body: "UserInput", status: 201, response: "User", errors: [400, 401, 403, 409, 422]),
            Operation(
                method: "get", path: "/api/v1/users/{id}", id: "getUser", summary: "A user", tag: "Users", parameters: ["id"],
                response: "User", errors: [401, 404]),
            Operation(
                method: "patch", path: "/api/v1/users/{id}", id: "updateUser",
                summary: "Change a user's name, role, team, activity or language", tag: "Users",
                parameters: ["id"], body: "UserUpdate", response: "User", errors: [400, 401, 403, 404, 409, 422]),
            Operation(
                method: "get", path: "/api/v1/teams", id: "listTeams", summary: "Teams", tag: "Users", response: "TeamList", errors: [401]),
            Operation(
                method: "post", path: "/api/v1/teams", id: "createTeam", summary: "Create a team", tag: "Users",
                parameters: ["Idempotency-Key"], body: "NameInput", status: 201, response: "Team", errors: [400, 401, 403, 409, 422]),
            Operation(
                method: "get", path: "/api/v1/tags", id: "listTags", summary: "Tags", tag: "Settings", response: "TagList", errors: [401]),
            Operation(
                method: "post", path: "/api/v1/tags", id: "createTag", summary: "Create a tag", tag: "Settings",
                parameters: ["Idempotency-Key"], body: "TagInput", status: 201, response: "Tag", errors: [400, 401, 403, 409, 422]),
            Operation(
                method: "get", path: "/api/v1/custom-fields", id: "listCustomFields", summary: "Custom field definitions", tag: "Settings",
                parameters: ["entity"], response: "CustomFieldList", errors: [401, 422]),
            Operation(
                method: "post", path: "/api/v1/custom-fields", id: "createCustomField", summary: "Add a custom field", tag: "Settings",
                parameters: ["Idempotency-Key"], body: "CustomFieldInput", status: 201, response: "CustomField",
                errors: [400, 401, 403, 409, 422]),
            Operation(
                method: "get", path: "/api/v1/api-tokens", id: "listApiTokens", summary: "API tokens (secrets are never shown again)",
                tag: "Settings",
                response: "ApiTokenList", errors: [401]),
            Operation(
                method: "post", path: "/api/v1/api-tokens", id: "createApiToken",
                summary: "Create an API token; the secret is in this response only", tag: "Settings",
                parameters: ["Idempotency-Key"], body: "TokenInput", status: 201, response: "ApiToken",
                errors: [400, 401, 403, 404, 409, 422]),
            Operation(
                method: "delete", path: "/api/v1/api-tokens/{id}", id: "revokeApiToken", summary: "Revoke an API token", tag: "Settings",
                parameters: ["id"], response: "ApiToken", errors: [401, 403, 404]),
            Operation(
                method: "get", path: "/api/v1/workspace", id: "getWorkspace", summary: "Workspace settings", tag: "Settings",
                response: "Workspace", errors: [401]),
            Operation(
                method: "patch", path: "/api/v1/workspace", id: "updateWorkspace", summary: "Change workspace settings", tag: "Settings",
                body: "WorkspaceUpdate", response: "Workspace", errors: [400, 401, 403, 422]),
        ]
        let resources: [(noun: String, single: String, tag: String, filters: [String], timeline: Bool)] = [
            ("contacts", "Contact", "Contacts", ["city", "readiness", "lifecycle", "companyId", "dealId", "segment"], true),
            ("companies", "Company", "Companies", ["city", "contactId", "segment"], true),
            ("deals", "Deal", "Deals", ["stageId", "pipelineId", "status", "companyId", "contactId", "segment"], true),
            ("activities", "Activity", "Activities", ["contactId", "companyId", "dealId", "kind"], false),
            ("tasks", "Task", "Tasks", ["done", "dueFrom", "dueTo", "contactId", "companyId", "dealId", "kind", "segment"], false),
            ("products", "Product", "Products", [], false),
            ("orders", "Order", "Orders", ["contactId", "companyId", "dealId", "orderStatus", "segment"], false),
            ("segments", "Segment", "Segments", [], false),
        ]
        for r in resources {
            let base = "/api/v1/\(r.noun)"
            ops += [
                Operation(
                    method: "get", path: base, id: "list\(r.tag)", summary: "List \(r.noun) (filters, search, sort, keyset pages)",
                    tag: r.tag,
                    parameters: listParameters + r.filters, response: "\(r.single)List", errors: [400, 401, 404, 422]),
                Operation(
                    method: "post", path: base, id: "create\(r.single)", summary: "Create a \(r.single.lowercased())", tag: r.tag,
                    parameters: ["Idempotency-Key"], body: "\(r.single)Input", status: 201, response: r.single,
                    errors: [400, 401, 403, 409, 422]),
                Operation(
                    method: "get", path: "\(base)/{id}", id: "get\(r.single)", summary: "A \(r.single.lowercased())", tag: r.tag,
                    parameters: ["id"], response: r.single, errors: [401, 404]),
                Operation(
                    method: "patch", path: "\(base)/{id}", id: "update\(r.single)",
                    summary: "Update a \(r.single.lowercased()) (carries `version`)", tag: r.tag,
                    parameters: ["id"], body: "\(r.single)Update", response: r.single, errors: [400, 401, 403, 404, 409, 422]),
                Operation(
                    method: "delete", path: "\(base)/{id}", id: "delete\(r.single)",
                    summary: "Move a \(r.single.lowercased()) to the trash", tag: r.tag,
                    parameters: ["id"], response: r.single, errors: [401, 403, 404, 409]),
                Operation(
                    method: "post", path: "\(base)/{id}/restore", id: "restore\(r.single)",
                    summary: "Restore a \(r.single.lowercased()) from the trash", tag: r.tag,
                    parameters: ["id"], response: r.single, errors: [401, 403, 404, 409]),
            ]
            if r.timeline {
                ops.append(
                    Operation(
                        method: "get", path: "\(base)/{id}/timeline", id: "timeline\(r.single)",
                        summary: "Activities, stage changes and audit entries, newest first", tag: r.tag,
                        parameters: ["id", "limit", "cursor"], response: "Timeline", errors: [400, 401, 404, 422]))
            }
        }
        return ops + commerceOperations + webhookOperations + formOperations + documentOperations + duplicateOperations
    }

    static var parameters: [String: JSONValue] {
        func query(_ name: String, _ schema: JSONValue, _ description: String) -> JSONValue {
            .object(["name": .string(name), "in": "query", "required": false, "schema": schema, "description": .string(description)])
        }
        func path(_ name: String) -> JSONValue {
            .object(["name": .string(name), "in": "path", "required": true, "schema": string])
        }
        return [
            "id": path("id"),
            "companyIdPath": path("companyId"),
            "Idempotency-Key": .object([
                "name": "Idempotency-Key", "in": "header", "required": false, "schema": .object(["type": "string", "maxLength": 200]),
                "description": "Repeating a POST with the same key and body returns the first response instead of creating again.",
            ]),
            "limit": query(
                "limit", .object(["type": "integer", "minimum": 1, "maximum": .int(Int64(PageSize.maximum))]), "Page size (default 50)."),
            "cursor": query("cursor", string, "The `nextCursor` of the previous page."),
            "sort": query("sort", string, "`field` or `-field` (descending): createdAt, updatedAt, name/title, amount, dueAt, occurredAt."),
            "q": query(
                "q", .object(["type": "string", "maxLength": 200]),
                "Search: words (case- and ё-insensitive substrings) or 4+ phone digits. Without `sort`, results come newest match first."
            ),
            "trash": query("trash", boolean, "List the trash instead of live records."),
            "ownerId": query("ownerId", string, "Owner (assignee for tasks)."),
            "teamId": query("teamId", string, "Owner's team."),
            "tag": query("tag", string, "Has this tag."),
            "stageId": query("stageId", string, "Deals in this stage."),
            "pipelineId": query("pipelineId", string, "Deals in this pipeline."),
            "status": query("status", enumeration(DealStatus.self), "Deal status."),
            "orderStatus": query("status", enumeration(OrderStatus.self), "Order status."),
            "importEntity": query(
                "entity", enumeration(ImportEntity.self),
                "What the file holds: contacts (default; also vCard), companies (duplicates by INN, then name) or deals."),
            "onDuplicate": query(
                "onDuplicate", enumeration(DuplicatePolicy.self),
                "A row matching a contact by e-mail or phone (or an earlier row): skip (default), fill empty fields, overwrite, or create anyway."
            ),
            "fileName": query("fileName", string, "The file's name, for the import's record."),
            "all": query("all", boolean, "Every row, not only those that were not created."),
            "exportFormat": query(
                "format", enumeration(["xlsx", "csv", "excel", "vcard"]), "The file: XLSX (default), CSV, CSV for Excel, vCard."),
            "dryRun": query("dryRun", boolean, "Check the file and count what would happen, writing nothing."),
            "from": query("from", date, "First day of the report, included (workspace time zone; default: 29 days before `to`)."),
            "to": query("to", date, "Last day of the report, included (default: today)."),
            "format": query(
                "format", enumeration(["csv", "excel", "xlsx"]),
                "Download the table: CSV (UTF-8 with BOM), CSV for Russian Excel (Windows-1251, `;`) or XLSX."),
            "segment": query(
                "segment", string,
                """
                Records of this segment: its members for a list of their kind; otherwise what its members have (a segment \
                of contacts: their deals, orders and tasks; of companies: their people, deals, orders and tasks). Reports: \
                the deals, orders or contacts of its members.
                """),
            "months": query("months", .object(["type": "integer", "minimum": 1, "maximum": 24]), "Cohort months (default 12)."),
            "city": query("city", string, "City (case-insensitive)."),
            "readiness": query("readiness", enumeration(Readiness.self), "Readiness."),
            "lifecycle": query("lifecycle", enumeration(Lifecycle.self), "Lifecycle stage."),
            "companyId": query("companyId", string, "Linked to this company."),
            "contactId": query("contactId", string, "Linked to this contact."),
            "dealId": query("dealId", string, "Linked to this deal."),
            "createdFrom": query("createdFrom", string, "Created at or after (RFC 3339 or YYYY-MM-DD)."),
            "createdTo": query("createdTo", string, "Created before."),
            "updatedFrom": query("updatedFrom", string, "Updated at or after."),
            "updatedTo": query("updatedTo", string, "Updated before."),
            "dueFrom": query("dueFrom", string, "Due at or after."),
            "dueTo": query("dueTo", string, "Due before."),
            "done": query("done", boolean, "Completed (true) or open (false)."),
            "kind": query("kind", string, "Activity kind or task kind."),
            "entity": query("entity", enumeration(["contact", "company", "deal"]), "Only fields of this record type."),
            "deliveryId": path("deliveryId"),
        ]
    }

    static func build() -> JSONValue {
        var paths: [String: [String: JSONValue]] = [:]
        for op in operations {
            var responses: [String: JSONValue] = [:]
            if let response = op.response {
                responses[String(op.status)] = .object([
                    "description": "Success",
                    "content": .object(["application/json": .object(["schema": ref(response)])]),
                ])
            } else {
                responses[String(op.status)] = .object(["description": "Success"])
            }
            // Any operation may fail inside (500) or find the database busy (503: nothing written, retry).
            for status in op.errors + [500, 503] {
                responses[String(status)] = .object(["$ref": .string("#/components/responses/Problem\(status)")])
            }
            var operation: [String: JSONValue] = [
                "operationId": .string(op.id), "summary": .string(op.summary), "tags": [.string(op.tag)],
                "parameters": .array(
                    (op.parameters + ["Accept-Language"]).map { .object(["$ref": .string("#/components/parameters/\($0)")]) }),
                "responses": .object(responses),
            ]
            if let body = op.body {
                operation["requestBody"] = .object([
                    "required": true,
                    "content": .object(
                        Dictionary(
                            uniqueKeysWithValues: ([op.bodyMediaType] + op.otherBodyMediaTypes).map {
                                ($0, JSONValue.object(["schema": ref(body)]))
                            })),
                ])
            }
            if op.isPublic { operation["security"] = .array([]) }
            paths[op.path, default: [:]][op.method] = .object(operation)
        }
        var parameters = self.parameters.merging(documentParameters) { first, _ in first }
        parameters["Accept-Language"] = .object([
            "name": "Accept-Language", "in": "header", "required": false, "schema": string,
            "description": "`ru` or `en`: the language of error messages.",
        ])
        let problemStatuses = [400, 401, 403, 404, 409, 413, 422, 429, 500, 503]
        var responses: [String: JSONValue] = [:]
        for status in problemStatuses {
            responses["Problem\(status)"] = .object([
                "description": .string(problemDescription(status)),
                "content": .object(["application/problem+json": .object(["schema": ref("Problem")])]),
            ])
        }
        return .object([
            "openapi": "3.1.0",
            "info": .object([
                "title": "Rapport API", "version": "1.0.0",
                "description":
                    "The JSON API of Rapport, a self-hosted CRM. Lists use keyset pagination (`nextCursor`); updates carry `version` (a stale one gets 409 with the current record); errors are RFC 9457 problems with a stable `code` and per-field messages in Russian or English (`Accept-Language`). Authenticate with `Authorization: Bearer <token>` (create one with `rapport token create --email …`) or with the session cookie plus `X-CSRF-Token` for state-changing requests.",
            ]),
            "servers": [.object(["url": "/"])],
            "security": [.object(["bearer": []]), .object(["session": []])],
            "paths": .object(paths.mapValues { .object($0) }),
            "components": .object([
                "schemas": .object(schemas),
                "parameters": .object(parameters),
                "responses": .object(responses),
                "securitySchemes": .object([
                    "bearer": .object(["type": "http", "scheme": "bearer", "description": "An API token (`rpt_…`)."]),
                    "session": .object(["type": "apiKey", "in": "cookie", "name": .string("rapport_session")]),
                ]),
            ]),
        ])
    }

    static func problemDescription(_ status: Int) -> String {
        switch status {
        case 400: "Malformed request (not JSON, wrong shape)"
        case 401: "Not signed in, or wrong credentials"
        case 403: "Not allowed (role), or CSRF token missing"
        case 404: "No such record (or not visible to you)"
        case 409: "Version conflict (with `current`), record in trash, or already exists"
        case 413: "Request body too large"
        case 422: "Invalid fields: `errors` names each"
        case 429: "Too many sign-in attempts"
        case 503:
            "The database was busy (no connection in time, or a deadlock broken): nothing was written; retry after `Retry-After` seconds"
        default: "Internal error: only the request id is given"
        }
    }
}
