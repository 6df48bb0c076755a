import RapportCore

extension OpenAPIDocument {
    /// The media type of an XLSX workbook, which file uploads accept besides CSV.
    static let xlsxMediaType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    /// Operations beyond the common create/read/update/delete of products, orders and segments.
    static var commerceOperations: [Operation] {
        [
            Operation(
                method: "post", path: "/api/v1/segments/preview", id: "previewSegment",
                summary: "Count the records an unsaved filter would hold (the builder's live count)", tag: "Segments",
                body: "SegmentPreview", response: "Count", errors: [400, 401, 422]),
            Operation(
                method: "get", path: "/api/v1/segments/{id}/count", id: "countSegment",
                summary: "How many members the caller can see, now", tag: "Segments",
                parameters: ["id"], response: "Count", errors: [401, 404, 422]),
            Operation(
                method: "get", path: "/api/v1/segments/{id}/members", id: "segmentMembers",
                summary: "Members (contacts or companies), with the list's filters, search, sort and pages", tag: "Segments",
                parameters: ["id"] + listParameters, response: "SegmentMembers", errors: [400, 401, 404, 422]),
            Operation(
                method: "post", path: "/api/v1/segments/{id}/members", id: "addSegmentMembers", summary: "Add records to a static list",
                tag: "Segments", parameters: ["id"], body: "MemberIds", response: "Count", errors: [400, 401, 403, 404, 422]),
            Operation(
                method: "post", path: "/api/v1/segments/{id}/members/remove", id: "removeSegmentMembers",
                summary: "Remove records from a static list", tag: "Segments",
                parameters: ["id"], body: "MemberIds", response: "Count", errors: [400, 401, 403, 404, 422]),
            Operation(
                method: "post", path: "/api/v1/segments/{id}/snapshot", id: "snapshotSegment",
                summary: "Freeze the current members into a new static list", tag: "Segments",
                parameters: ["id"], body: "NameInput", status: 201, response: "Segment", errors: [400, 401, 403, 404, 422]),
            Operation(
                method: "get", path: "/api/v1/contacts/{id}/metrics", id: "contactMetrics",
                summary: "Purchase metrics: orders, revenue, average check, CLV, RFM", tag: "Contacts",
                parameters: ["id"], response: "CustomerMetrics", errors: [401, 404]),
            Operation(
                method: "get", path: "/api/v1/companies/{id}/metrics", id: "companyMetrics",
                summary: "Purchase metrics: orders, revenue, average check, CLV, RFM", tag: "Companies",
                parameters: ["id"], response: "CustomerMetrics", errors: [401, 404]),
            Operation(
                method: "post", path: "/api/v1/orders/import", id: "importOrders",
                summary: "Import orders from CSV (UTF-8 or Windows-1251; `,` `;` or tab) or XLSX, matching clients by e-mail, phone or INN",
                tag: "Orders", parameters: ["dryRun"], body: "CSVFile", bodyMediaType: "text/csv", otherBodyMediaTypes: [xlsxMediaType],
                response: "OrderImportReport",
                errors: [400, 401, 403, 413, 422]),
            Operation(
                method: "get", path: "/api/v1/contacts/export", id: "exportContacts",
                summary: "Download the contact list as filtered: XLSX, CSV (UTF-8), CSV for Russian Excel or vCard; audited",
                tag: "Contacts",
                parameters: listParameters + ["city", "readiness", "lifecycle", "companyId", "dealId", "segment", "exportFormat"],
                response: "FileDownload", errors: [400, 401, 403, 422]),
            Operation(
                method: "get", path: "/api/v1/companies/export", id: "exportCompanies",
                summary: "Download the company list as filtered: XLSX, CSV (UTF-8) or CSV for Russian Excel; audited",
                tag: "Companies", parameters: listParameters + ["city", "contactId", "segment", "format"],
                response: "FileDownload", errors: [400, 401, 403, 422]),
            Operation(
                method: "get", path: "/api/v1/deals/export", id: "exportDeals",
                summary: "Download the deal list as filtered: XLSX, CSV (UTF-8) or CSV for Russian Excel; audited", tag: "Deals",
                parameters: listParameters + ["stageId", "pipelineId", "status", "companyId", "contactId", "segment", "format"],
                response: "FileDownload", errors: [400, 401, 403, 422]),
            Operation(
                method: "post", path: "/api/v1/imports", id: "startImport",
                summary:
                    "Import contacts, companies or deals from CSV, XLSX or vCard as a background job (headers of amoCRM, Bitrix24, HubSpot…)",
                tag: "Imports", parameters: ["importEntity", "dryRun", "onDuplicate", "fileName"], body: "CSVFile",
                bodyMediaType: "text/csv", otherBodyMediaTypes: [xlsxMediaType], status: 202,
                response: "Import", errors: [400, 401, 403, 413, 422]),
            Operation(
                method: "get", path: "/api/v1/imports/{id}", id: "getImport", summary: "An import's progress and counts", tag: "Imports",
                parameters: ["id"], response: "Import", errors: [401, 404]),
            Operation(
                method: "get", path: "/api/v1/imports/{id}/rows", id: "importRows",
                summary: "The report: every row not simply created, with its reasons (all=true: every row)", tag: "Imports",
                parameters: ["id", "all"], response: "ImportRowList", errors: [401, 404]),
            Operation(
                method: "post", path: "/api/v1/imports/{id}/undo", id: "undoImport",
                summary: "Move the records an import created to the trash", tag: "Imports",
                parameters: ["id"], response: "Import", errors: [401, 403, 404, 422]),
            Operation(
                method: "post", path: "/api/v1/deals/{id}/order", id: "orderFromDeal",
                summary:
                    "Create the order of a won deal (asking again answers with the order made the first time, like an idempotent replay)",
                tag: "Deals",
                parameters: ["id"], status: 201, response: "Order", errors: [401, 403, 404, 422]),
            Operation(
                method: "get", path: "/api/v1/deals/{id}/win-probability", id: "dealWinProbability",
                summary: "The chance learned from the workspace's won and lost deals, and the factors behind it", tag: "Deals",
                parameters: ["id"], response: "WinEstimate", errors: [401, 404]),
            Operation(
                method: "get", path: "/api/v1/reports/funnel", id: "funnelReport",
                summary: "Sales funnel of a pipeline over the deals created in the period, with stage-to-stage conversion", tag: "Reports",
                parameters: ["pipelineId", "ownerId", "teamId", "segment", "from", "to", "format"], response: "FunnelReport",
                errors: [400, 401, 422]),
            Operation(
                method: "get", path: "/api/v1/reports/sales", id: "salesReport",
                summary: "Deals created, won and lost, win rate, won revenue and sales cycle; with the previous period", tag: "Reports",
                parameters: ["pipelineId", "ownerId", "teamId", "segment", "from", "to", "format"], response: "SalesReport",
                errors: [400, 401, 422]),
            Operation(
                method: "get", path: "/api/v1/reports/purchases", id: "purchasesReport",
                summary: "Orders, revenue, buyers, ARPU, average check and repeat-purchase rate; with the previous period",
                tag: "Reports", parameters: ["ownerId", "teamId", "segment", "from", "to", "format"], response: "PurchasesReport",
                errors: [400, 401, 422]),
            Operation(
                method: "get", path: "/api/v1/reports/rfm", id: "rfmReport", summary: "The RFM grid: clients and revenue per R×F cell",
                tag: "Reports", parameters: ["ownerId", "teamId", "segment", "format"], response: "RFMGrid", errors: [400, 401, 422]),
        ] + moreReportOperations
    }

    /// Schemas of products, orders, metrics and segments.
    static var commerceSchemas: [String: JSONValue] {
        let money = ref("Money")
        let moneyInput = object(["amount": integer, "currency": string], required: ["amount", "currency"])
        let meta: [String: JSONValue] = [
            "id": string, "createdAt": timestamp, "updatedAt": timestamp, "version": integer,
            "deletedAt": nullable("string", format: "date-time"),
        ]
        let product = object(
            meta.merging([
                "name": string, "sku": nullable("string"), "category": nullable("string"), "price": money, "active": boolean,
            ]) { a, _ in a },
            required: ["id", "name", "price", "active", "createdAt", "updatedAt", "version"])
        let productInput = object([
            "name": string, "sku": nullable("string"), "category": nullable("string"), "price": moneyInput, "active": boolean,
        ])
        let line = object(
            [
                "productId": nullable("string"), "name": string, "sku": nullable("string"), "quantity": integer, "unitPrice": money,
                "total": money,
            ], required: ["name", "quantity", "unitPrice", "total"])
        let order = object(
            meta.merging([
                "number": string, "orderedAt": timestamp, "status": enumeration(OrderStatus.self), "countsAsPurchase": boolean,
                "contactId": nullable("string"), "companyId": nullable("string"), "dealId": nullable("string"), "lines": array(line),
                "total": money, "channel": nullable("string"), "source": ref("Source"), "ownerId": nullable("string"),
                "createdBy": nullable("string"),
            ]) { a, _ in a },
            required: [
                "id", "number", "orderedAt", "status", "countsAsPurchase", "lines", "total", "source", "createdAt", "updatedAt", "version",
            ])
        let orderInput = object(
            [
                "number": .object(["type": "string", "description": "Unique in the workspace; the next number when absent."]),
                "orderedAt": timestamp, "status": enumeration(OrderStatus.self), "contactId": nullable("string"),
                "companyId": nullable("string"), "dealId": nullable("string"),
                "lines": array(
                    object([
                        "productId": string, "name": string, "quantity": .object(["type": "integer", "minimum": 1]),
                        "unitPrice": moneyInput,
                    ])),
                "total": .object([
                    "type": "object", "description": "Required without lines; with lines it must equal their sum.",
                    "properties": .object(["amount": integer, "currency": string]),
                ]),
                "channel": nullable("string"), "source": ref("Source"), "ownerId": nullable("string"),
            ], description: "A contact or a company is required. Amounts are in the workspace currency.")
        let filter = JSONValue.object([
            "type": "object",
            "description": """
            A tree: {"all": [...]}, {"any": [...]}, {"not": {...}} or a condition {"field", "op", "value"}. Fields: city, source, \
            utmSource…utmTerm (is, isNot, contains, isEmpty, isNotEmpty); lifecycle, readiness, owner, team, rfmClass (is, isNot, \
            in, notIn, isEmpty, isNotEmpty); orderCount, revenue, averageCheck, rfmRecency, rfmFrequency, rfmMonetary (eq, gt, gte, \
            lt, lte, between); createdAt, firstOrderAt, lastOrderAt (before, after: "YYYY-MM-DD" | {"daysAgo": n} | \
            {"startOf": "year"}; withinDays, notWithinDays: n); emailConsent, smsConsent, hasEmail, hasPhone (isTrue, isFalse); \
            tag (hasAny, hasAll, hasNone); customField.<key>; orders (exists, notExists: {productIds, categories, channels, after, \
            before}); deals (exists, notExists: {status, pipelineIds, stageIds, after, before}); activities (exists, notExists: \
            {kinds, after, before}).
            """,
        ])
        let segment = object(
            meta.merging([
                "name": string, "entity": enumeration(SegmentEntity.self), "kind": enumeration(SegmentKind.self), "filter": filter,
                "ownerId": nullable("string"),
            ]) { a, _ in a },
            required: ["id", "name", "entity", "kind", "filter", "createdAt", "updatedAt", "version"])
        let segmentInput = object([
            "name": string, "entity": enumeration(SegmentEntity.self), "kind": enumeration(SegmentKind.self), "filter": filter,
        ])
        let metrics = object(
            [
                "orderCount": integer, "revenue": integer, "averageCheck": nullable("integer"),
                "firstOrderAt": nullable("string", format: "date-time"), "lastOrderAt": nullable("string", format: "date-time"),
                "daysSinceLastOrder": nullable("integer"), "ordersPerYear": nullable("number"), "historicClv": integer,
                "predictedClv": integer, "lapsed": boolean,
                "rfm": .object([
                    "anyOf": .array([
                        object(
                            ["recency": integer, "frequency": integer, "monetary": integer, "segment": nullable("string")],
                            required: ["recency", "frequency", "monetary"]),
                        .object(["type": "null"]),
                    ])
                ]),
            ],
            required: ["orderCount", "revenue", "historicClv", "predictedClv", "lapsed"],
            description: "Money in minor units of the workspace currency. RFM is null until the hourly scoring has run.")
        return [
            "Product": product, "ProductInput": productInput, "ProductUpdate": withVersion(productInput), "ProductList": list("Product"),
            "Order": order, "OrderInput": orderInput, "OrderUpdate": withVersion(orderInput), "OrderList": list("Order"),
            "Segment": segment, "SegmentInput": segmentInput, "SegmentUpdate": withVersion(segmentInput), "SegmentList": list("Segment"),
            "SegmentPreview": object(["entity": enumeration(SegmentEntity.self), "filter": filter], required: ["filter"]),
            "SegmentMembers": .object(["anyOf": .array([ref("ContactList"), ref("CompanyList")])]),
            "MemberIds": object(["ids": array(string)], required: ["ids"]),
            "Count": object(["count": integer], required: ["count"]),
            "CustomerMetrics": metrics,
            "Import": object(
                [
                    "id": string, "entity": enumeration(ImportEntity.self),
                    "status": enumeration(["draft", "queued", "running", "done", "failed", "undone"]),
                    "dryRun": boolean, "onDuplicate": enumeration(DuplicatePolicy.self),
                    // A CSV file's encoding, or the format of any other file.
                    "encoding": enumeration(["utf-8", "windows-1251", "xlsx", "vcard"]),
                    "totalRows": integer, "processedRows": integer, "created": integer, "updated": integer, "skipped": integer,
                    "failed": integer, "createdAt": timestamp, "finishedAt": nullable("string", format: "date-time"),
                ],
                required: [
                    "id", "entity", "status", "dryRun", "onDuplicate", "encoding", "totalRows", "processedRows", "created", "updated",
                    "skipped",
                    "failed", "createdAt",
                ]),
            "ImportRowList": object(
                [
                    "data": array(
                        object(
                            [
                                "row": integer, "outcome": enumeration(["created", "updated", "skipped", "failed"]),
                                "recordId": nullable("string"),
                                "errors": array(
                                    object(["field": string, "code": string, "message": string], required: ["field", "code", "message"])),
                            ], required: ["row", "outcome", "errors"])),
                    "nextCursor": nullable("string"),
                ], required: ["data"]),
            "FileDownload": .object([
                "type": "string", "description": "The file (Content-Disposition: attachment), not JSON.",
            ]),
            "CSVFile": .object([
                "type": "string",
                "description":
                    "The file's bytes as the request body: CSV (text/csv) or an XLSX workbook, recognised by its content whatever the Content-Type.",
            ]),
            "OrderImportReport": object(
                [
                    "dryRun": boolean, "encoding": enumeration(["utf-8", "windows-1251"]),
                    "columns": .object(["type": "object", "additionalProperties": string, "description": "Recognised column → header."]),
                    "created": integer, "skipped": integer, "failed": integer,
                    "rows": array(
                        object(
                            [
                                "row": integer, "number": nullable("string"), "outcome": enumeration(["skipped", "failed"]),
                                "errors": array(
                                    object(["field": string, "code": string, "message": string], required: ["field", "code", "message"])),
                            ], required: ["row", "outcome", "errors"])),
                ], required: ["dryRun", "encoding", "columns", "created", "skipped", "failed", "rows"],
                description: "An order number already in the workspace is skipped, so the same file imports once."),
            "WinEstimate": object(
                [
                    "available": boolean, "percent": nullable("integer"), "stageDefault": integer,
                    "factors": array(
                        object(
                            ["feature": enumeration(WinFactor.Feature.self), "value": string, "contribution": .object(["type": "number"])],
                            required: ["feature", "value", "contribution"])),
                    "examples": integer, "accuracy": nullable("number"), "trainedAt": nullable("string", format: "date-time"),
                ], required: ["available", "stageDefault", "factors", "examples"],
                description: "Without enough won and lost deals (20, of both kinds) `available` is false and the stage default stands."),
        ].merging(reportSchemas) { first, _ in first }
    }

    /// Schemas of the reports.
    static var reportSchemas: [String: JSONValue] {
        let period = object(["from": timestamp, "to": timestamp], required: ["from", "to"])
        let sales = object(
            [
                "period": period, "created": integer, "won": integer, "lost": integer, "winRate": nullable("integer"),
                "wonRevenue": integer, "averageWonDeal": nullable("integer"), "averageCycleDays": nullable("number"),
            ], required: ["period", "created", "won", "lost", "wonRevenue"])
        let purchases = object(
            [
                "period": period, "orders": integer, "revenue": integer, "buyers": integer, "repeatBuyers": integer,
                "arpu": nullable("integer"), "averageCheck": nullable("integer"), "repeatRate": integer,
            ], required: ["period", "orders", "revenue", "buyers", "repeatBuyers", "repeatRate"])
        let funnel: [String: JSONValue] = [
            "period": period, "total": integer, "lost": integer,
            "steps": array(
                object(
                    [
                        "stageId": string, "name": string, "reached": integer, "conversionFromPrevious": integer,
                        "conversionFromStart": integer,
                    ], required: ["stageId", "name", "reached", "conversionFromPrevious", "conversionFromStart"])),
        ]
        return [
            "FunnelReport": object(
                funnel.merging(["previous": object(funnel, required: ["period", "total", "lost", "steps"])]) { first, _ in first },
                required: ["period", "total", "lost", "steps", "previous"],
                description: """
                    Deals created in the period by the furthest stage they reached; `previous` is the same funnel over the \
                    period of the same length before it. With `format=csv|excel|xlsx` the table is downloaded instead.
                    """),
            "SalesReport": object(["current": sales, "previous": sales], required: ["current", "previous"]),
            "PurchasesReport": object(["current": purchases, "previous": purchases], required: ["current", "previous"]),
            "RFMGrid": object(
                [
                    "data": array(
                        object(
                            ["recency": integer, "frequency": integer, "segment": string, "customers": integer, "revenue": integer],
                            required: ["recency", "frequency", "segment", "customers", "revenue"])),
                    "nextCursor": nullable("string"),
                ], required: ["data"]),
        ].merging(moreReportSchemas) { first, _ in first }
    }
}
