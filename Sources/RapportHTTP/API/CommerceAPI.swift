import Foundation
import Hummingbird
import NIOCore
import RapportCore
import RapportStore

/// `/api/v1/products`, `/api/v1/orders`, the customer metrics of contacts and companies, and
/// `/api/v1/segments`.
struct CommerceAPI {
    let handlers: Handlers
    var store: Store { handlers.store }

    func register(on group: RouterGroup<AppRequestContext>) {
        registerProducts(on: group)
        registerOrders(on: group)
        registerSegments(on: group)
        group.get("contacts/{id}/metrics") { _, context in
            let id: Contact.ID = try Handlers.id(context)
            let standing = try await store.customerMetrics.standing(.contact, id: id.rawValue, by: try context.requireActor())
            return try Handlers.json(MetricsBody(standing, now: store.context.effects.now()))
        }
        group.get("contacts/export") { request, context in
            let actor = try context.requireActor()
            let workspace = try await store.workspaces.get(by: actor)
            return try await ContactExport.download(
                store: store, actor: actor, t: Lang(locale: context.locale),
                format: Formatting(locale: context.locale, timeZoneIdentifier: workspace.timeZone), list: try Handlers.listQuery(request),
                request: request)
        }
        group.get("companies/export") { request, context in
            try await RecordExport.companies(
                store: store, actor: try context.requireActor(), t: Lang(locale: context.locale), list: try Handlers.listQuery(request),
                request: request)
        }
        group.get("deals/export") { request, context in
            let actor = try context.requireActor()
            let workspace = try await store.workspaces.get(by: actor)
            return try await RecordExport.deals(
                store: store, actor: actor, t: Lang(locale: context.locale),
                format: Formatting(locale: context.locale, timeZoneIdentifier: workspace.timeZone), list: try Handlers.listQuery(request),
                request: request)
        }
        group.post("deals/{id}/order") { _, context in
            // A repeat answers like an idempotent replay: the same order, the same status.
            let order = try await store.orders.create(fromDeal: try Handlers.id(context), by: try context.requireActor())
            return try Handlers.json(OrderBody(order), status: .created)
        }
        group.get("deals/{id}/win-probability") { _, context in
            let actor = try context.requireActor()
            let deal = try await store.deals.get(try Handlers.id(context), by: actor)
            return try Handlers.json(WinEstimateBody(try await store.winModels.estimate(deal, by: actor)))
        }
        group.get("companies/{id}/metrics") { _, context in
            let id: Company.ID = try Handlers.id(context)
            let standing = try await store.customerMetrics.standing(.company, id: id.rawValue, by: try context.requireActor())
            return try Handlers.json(MetricsBody(standing, now: store.context.effects.now()))
        }
    }

    private func registerProducts(on group: RouterGroup<AppRequestContext>) {
        group.get("products") { request, context in
            try Handlers.json(
                ListResponse(
                    try await store.products.list(try Handlers.listQuery(request), by: try context.requireActor()), ProductBody.init))
        }
        group.post("products") { request, context in
            try await handlers.create(request, context) { body in
                var body = body
                let input = body.productInput()
                try body.finish()
                return ProductBody(try await store.products.create(input, by: try context.requireActor()))
            }
        }
        group.get("products/{id}") { _, context in
            try Handlers.json(ProductBody(try await store.products.get(try Handlers.id(context), by: try context.requireActor())))
        }
        group.patch("products/{id}") { request, context in
            let actor = try context.requireActor()
            let id: Product.ID = try Handlers.id(context)
            var body = try await BodyReader.read(request, context: context)
            let version = body.version()
            let input = body.productInput()
            try body.finish()
            let product = try await withCurrentOnConflict(current: { ProductBody(try await store.products.get(id, by: actor)) }) {
                try await store.products.update(id, input, expectedVersion: version ?? 0, by: actor)
            }
            return try Handlers.json(ProductBody(product))
        }
        group.delete("products/{id}") { _, context in
            try Handlers.json(ProductBody(try await store.products.delete(try Handlers.id(context), by: try context.requireActor())))
        }
        group.post("products/{id}/restore") { _, context in
            try Handlers.json(ProductBody(try await store.products.restore(try Handlers.id(context), by: try context.requireActor())))
        }
    }

    private func registerOrders(on group: RouterGroup<AppRequestContext>) {
        group.get("orders") { request, context in
            try Handlers.json(
                ListResponse(
                    try await store.orders.list(try Handlers.listQuery(request, orders: true), by: try context.requireActor()),
                    OrderBody.init))
        }
        group.post("orders") { request, context in
            try await handlers.create(request, context) { body in
                var body = body
                let input = body.orderInput()
                try body.finish()
                return OrderBody(try await store.orders.create(input, by: try context.requireActor()))
            }
        }
        // The file is the body (text/csv), UTF-8 or Windows-1251, separated by commas, semicolons or tabs.
        group.post("orders/import") { request, context in
            let actor = try context.requireActor()
            var request = request
            let buffer: ByteBuffer
            do { buffer = try await request.collectBody(upTo: 32 << 20) } catch { throw APIError.payloadTooLarge }
            let dryRun = ["true", "1"].contains(formQuery(request)["dryRun"] ?? "")
            let report = try await store.orderImporter.run(Array(buffer.readableBytesView), dryRun: dryRun, by: actor)
            return try Handlers.json(OrderImportBody(report, dryRun: dryRun, locale: context.locale))
        }
        // Contacts, companies or deals from CSV, XLSX or vCard, run as a background job; poll the import for progress
        // and the report.
        group.post("imports") { request, context in
            let actor = try context.requireActor()
            var request = request
            let buffer: ByteBuffer
            do { buffer = try await request.collectBody(upTo: 256 << 20) } catch { throw APIError.payloadTooLarge }
            let query = formQuery(request)
            var issues = FieldIssues()
            let entity = ImportEntity(rawValue: query["entity"] ?? "contacts")
            if entity == nil {
                issues.add("entity", .invalidOption, ["options": ImportEntity.allCases.map(\.rawValue).joined(separator: ", ")])
            }
            let policy = DuplicatePolicy(rawValue: query["onDuplicate"] ?? "skip")
            if policy == nil {
                issues.add("onDuplicate", .invalidOption, ["options": DuplicatePolicy.allCases.map(\.rawValue).joined(separator: ", ")])
            }
            try issues.throwIfAny()
            let run = try await store.imports.start(
                Array(buffer.readableBytesView), entity: entity ?? .contacts, fileName: query["fileName"],
                dryRun: ["true", "1"].contains(query["dryRun"] ?? ""),
                policy: policy ?? .skip, by: actor)
            return try Handlers.json(ImportBody(run), status: .accepted)
        }
        group.get("imports/{id}") { _, context in
            try Handlers.json(ImportBody(try await store.imports.get(try Handlers.id(context), by: try context.requireActor())))
        }
        group.get("imports/{id}/rows") { request, context in
            let all = ["true", "1"].contains(formQuery(request)["all"] ?? "")
            let rows = try await store.imports.report(try Handlers.id(context), all: all, by: try context.requireActor())
            return try Handlers.json(ListResponse(data: rows.map { ImportRowBody($0, locale: context.locale) }, nextCursor: nil))
        }
        group.post("imports/{id}/undo") { _, context in
            try Handlers.json(ImportBody(try await store.imports.undo(try Handlers.id(context), by: try context.requireActor())))
        }
        group.get("orders/{id}") { _, context in
            try Handlers.json(OrderBody(try await store.orders.get(try Handlers.id(context), by: try context.requireActor())))
        }
        group.patch("orders/{id}") { request, context in
            let actor = try context.requireActor()
            let id: Order.ID = try Handlers.id(context)
            var body = try await BodyReader.read(request, context: context)
            let version = body.version()
            let input = body.orderInput()
            try body.finish()
            let order = try await withCurrentOnConflict(current: { OrderBody(try await store.orders.get(id, by: actor)) }) {
                try await store.orders.update(id, input, expectedVersion: version ?? 0, by: actor)
            }
            return try Handlers.json(OrderBody(order))
        }
        group.delete("orders/{id}") { _, context in
            try Handlers.json(OrderBody(try await store.orders.delete(try Handlers.id(context), by: try context.requireActor())))
        }
        group.post("orders/{id}/restore") { _, context in
            try Handlers.json(OrderBody(try await store.orders.restore(try Handlers.id(context), by: try context.requireActor())))
        }
    }

    private func registerSegments(on group: RouterGroup<AppRequestContext>) {
        group.get("segments") { request, context in
            try Handlers.json(
                ListResponse(
                    try await store.segments.list(try Handlers.listQuery(request), by: try context.requireActor()), SegmentBody.init))
        }
        group.post("segments") { request, context in
            try await handlers.create(request, context) { body in
                var body = body
                let input = body.segmentInput()
                try body.finish()
                return SegmentBody(try await store.segments.create(input, by: try context.requireActor()))
            }
        }
        // A filter's count before it is saved: what the builder shows while it is being edited.
        group.post("segments/preview") { request, context in
            var body = try await BodyReader.read(request, context: context)
            let entity: SegmentEntity? = body.enumValue("entity")
            let filter = body.object["filter"]
            if filter == nil { body.issues.add("filter", .required) }
            try body.finish()
            let count = try await store.segments.count(filter: filter ?? .null, entity: entity ?? .contact, by: try context.requireActor())
            return try Handlers.json(CountBody(count: count))
        }
        group.get("segments/{id}") { _, context in
            try Handlers.json(SegmentBody(try await store.segments.get(try Handlers.id(context), by: try context.requireActor())))
        }
        group.patch("segments/{id}") { request, context in
            let actor = try context.requireActor()
            let id: Segment.ID = try Handlers.id(context)
            var body = try await BodyReader.read(request, context: context)
            let version = body.version()
            let input = body.segmentInput()
            try body.finish()
            let segment = try await withCurrentOnConflict(current: { SegmentBody(try await store.segments.get(id, by: actor)) }) {
                try await store.segments.update(id, input, expectedVersion: version ?? 0, by: actor)
            }
            return try Handlers.json(SegmentBody(segment))
        }
        group.delete("segments/{id}") { _, context in
            try Handlers.json(SegmentBody(try await store.segments.delete(try Handlers.id(context), by: try context.requireActor())))
        }
        group.post("segments/{id}/restore") { _, context in
            try Handlers.json(SegmentBody(try await store.segments.restore(try Handlers.id(context), by: try context.requireActor())))
        }
        group.get("segments/{id}/count") { _, context in
            try Handlers.json(CountBody(count: try await store.segments.count(try Handlers.id(context), by: try context.requireActor())))
        }
        group.get("segments/{id}/members") { request, context in
            let actor = try context.requireActor()
            let segment = try await store.segments.get(try Handlers.id(context), by: actor)
            var query = try Handlers.listQuery(request)
            query.filters.segmentID = segment.id
            switch segment.entity {
            case .contact: return Handlers.json(ListResponse(try await store.contacts.list(query, by: actor), ContactBody.init))
            case .company: return Handlers.json(ListResponse(try await store.companies.list(query, by: actor), CompanyBody.init))
            }
        }
        group.post("segments/{id}/members") { request, context in
            try await changeMembers(request, context, add: true)
        }
        group.post("segments/{id}/members/remove") { request, context in
            try await changeMembers(request, context, add: false)
        }
        group.post("segments/{id}/snapshot") { request, context in
            let actor = try context.requireActor()
            var body = try await BodyReader.read(request, context: context)
            let name = body.string("name")
            try body.finish()
            return try Handlers.json(
                SegmentBody(try await store.segments.snapshot(try Handlers.id(context), name: name, by: actor)), status: .created)
        }
    }

    private func changeMembers(_ request: Request, _ context: AppRequestContext, add: Bool) async throws -> Response {
        let actor = try context.requireActor()
        let id: Segment.ID = try Handlers.id(context)
        var body = try await BodyReader.read(request, context: context)
        let ids = body.stringArray("ids")
        if ids == nil { body.issues.add("ids", .required) }
        try body.finish()
        let changed =
            add
            ? try await store.segments.addMembers(id, ids ?? [], by: actor)
            : try await store.segments.removeMembers(id, ids ?? [], by: actor)
        return try Handlers.json(CountBody(count: changed))
    }
}

extension BodyReader {
    mutating func productInput() -> ProductInput {
        var input = ProductInput()
        input.name = string("name")
        if object["name"] == .null { issues.add(name("name"), .required) }
        input.sku = editString("sku")
        input.category = editString("category")
        input.price = money("price")
        input.active = bool("active")
        return input
    }

    mutating func orderInput() -> OrderInput {
        var input = OrderInput()
        input.number = string("number")
        input.orderedAt = timestamp("orderedAt")
        input.status = enumValue("status")
        input.contactID = editID("contactId")
        input.companyID = editID("companyId")
        input.dealID = editID("dealId")
        input.lines = objectArray("lines") { reader in
            OrderLineInput(
                productID: reader.id("productId"), name: reader.string("name"), quantity: reader.int64("quantity"),
                unitPrice: reader.money("unitPrice"))
        }
        input.total = money("total")
        input.channel = editString("channel")
        input.source = source()
        input.ownerID = editID("ownerId")
        return input
    }

    mutating func segmentInput() -> SegmentInput {
        var input = SegmentInput()
        input.name = string("name")
        input.entity = enumValue("entity")
        input.kind = enumValue("kind")
        input.filter = object["filter"].flatMap { $0 == .null ? nil : $0 }
        return input
    }
}

struct CountBody: Encodable, Sendable {
    var count: Int
}

struct ProductBody: Encodable, Sendable {
    var id: String
    var name: String
    var sku: String?
    var category: String?
    var price: MoneyBody
    var active: Bool
    var createdAt: Date
    var updatedAt: Date
    var version: Int64
    var deletedAt: Date?

    init(_ p: Product) {
        id = p.id.rawValue
        name = p.name
        sku = p.sku
        category = p.category
        price = MoneyBody(p.price)
        active = p.active
        createdAt = p.createdAt
        updatedAt = p.updatedAt
        version = p.version
        deletedAt = p.deletedAt
    }
}

struct OrderLineBody: Encodable, Sendable {
    var productId: String?
    var name: String
    var sku: String?
    var quantity: Int64
    var unitPrice: MoneyBody
    var total: MoneyBody

    init(_ line: OrderLine) {
        productId = line.productID?.rawValue
        name = line.name
        sku = line.sku
        quantity = line.quantity
        unitPrice = MoneyBody(line.unitPrice)
        total = MoneyBody((try? line.total()) ?? line.unitPrice)
    }
}

struct OrderBody: Encodable, Sendable {
    var id: String
    var number: String
    var orderedAt: Date
    var status: String
    var countsAsPurchase: Bool
    var contactId: String?
    var companyId: String?
    var dealId: String?
    var lines: [OrderLineBody]
    var total: MoneyBody
    var channel: String?
    var source: SourceBody
    var ownerId: String?
    var createdAt: Date
    var updatedAt: Date
    var createdBy: String?
    var version: Int64
    var deletedAt: Date?

    init(_ o: Order) {
        id = o.id.rawValue
        number = o.number
        orderedAt = o.orderedAt
        status = o.status.rawValue
        countsAsPurchase = o.countsAsPurchase
        contactId = o.contactID?.rawValue
        companyId = o.companyID?.rawValue
        dealId = o.dealID?.rawValue
        lines = o.lines.map(OrderLineBody.init)
        total = MoneyBody(o.total)
        channel = o.channel
        source = SourceBody(o.source)
        ownerId = o.ownerID?.rawValue
        createdAt = o.createdAt
        updatedAt = o.updatedAt
        createdBy = o.createdBy?.rawValue
        version = o.version
        deletedAt = o.deletedAt
    }
}

struct RFMBody: Encodable, Sendable {
    var recency: Int
    var frequency: Int
    var monetary: Int
    var segment: String?
}

struct MetricsBody: Encodable, Sendable {
    var orderCount: Int
    var revenue: Int64
    var averageCheck: Int64?
    var firstOrderAt: Date?
    var lastOrderAt: Date?
    var daysSinceLastOrder: Int?
    var ordersPerYear: Double?
    var historicClv: Int64
    var predictedClv: Int64
    var lapsed: Bool
    var rfm: RFMBody?

    init(_ standing: CustomerStanding, now: Date) {
        let metrics = CustomerMetrics(totals: standing.totals, now: now)
        orderCount = metrics.orderCount
        revenue = metrics.revenue
        averageCheck = metrics.averageCheck
        firstOrderAt = metrics.firstOrderAt
        lastOrderAt = metrics.lastOrderAt
        daysSinceLastOrder = metrics.daysSinceLastOrder
        ordersPerYear = metrics.ordersPerYear.map { ($0 * 100).rounded() / 100 }
        historicClv = metrics.historicCLV
        predictedClv = metrics.predictedCLV
        lapsed = metrics.isLapsed
        rfm = standing.rfm.map {
            RFMBody(recency: $0.recency, frequency: $0.frequency, monetary: $0.monetary, segment: standing.rfmClass?.rawValue)
        }
    }
}

struct SegmentBody: Encodable, Sendable {
    var id: String
    var name: String
    var entity: String
    var kind: String
    var filter: JSONValue
    var ownerId: String?
    var createdAt: Date
    var updatedAt: Date
    var version: Int64
    var deletedAt: Date?

    init(_ s: Segment) {
        id = s.id.rawValue
        name = s.name
        entity = s.entity.rawValue
        kind = s.kind.rawValue
        filter = s.filter.json
        ownerId = s.ownerID?.rawValue
        createdAt = s.createdAt
        updatedAt = s.updatedAt
        version = s.version
        deletedAt = s.deletedAt
    }
}

struct WinFactorBody: Encodable, Sendable {
    var feature: String
    var value: String
    var contribution: Double
}

struct WinEstimateBody: Encodable, Sendable {
    var available: Bool
    var percent: Int?
    var stageDefault: Int
    var factors: [WinFactorBody]
    var examples: Int
    var accuracy: Double?
    var trainedAt: Date?

    init(_ estimate: WinEstimate) {
        available = estimate.prediction != nil
        percent = estimate.prediction?.percent
        stageDefault = estimate.stageDefault
        factors = (estimate.prediction?.factors ?? []).map {
            WinFactorBody(feature: $0.feature.rawValue, value: $0.value, contribution: ($0.contribution * 1000).rounded() / 1000)
        }
        examples = estimate.examples
        accuracy = estimate.accuracy.map { ($0 * 1000).rounded() / 1000 }
        trainedAt = estimate.trainedAt
    }
}

struct IssueBody: Encodable, Sendable {
    var field: String
    var code: String
    var message: String
}

struct OrderImportBody: Encodable, Sendable {
    struct Row: Encodable, Sendable {
        var row: Int
        var number: String?
        var outcome: String
        var errors: [IssueBody]
    }
    var dryRun: Bool
    var encoding: String
    var columns: [String: String]
    var created: Int
    var skipped: Int
    var failed: Int
    var rows: [Row]

    init(_ report: OrderImportReport, dryRun: Bool, locale: AppLocale) {
        self.dryRun = dryRun
        encoding = report.encoding.rawValue
        columns = Dictionary(uniqueKeysWithValues: report.columns.map { ($0.key.rawValue, $0.value) })
        created = report.created
        skipped = report.skipped
        failed = report.failed
        rows = report.rows.map { row in
            Row(
                row: row.row, number: row.number, outcome: row.outcome,
                errors: row.issues.map {
                    IssueBody(field: $0.field, code: $0.code.rawValue, message: Messages.text(for: $0, locale: locale))
                })
        }
    }
}

struct ImportBody: Encodable, Sendable {
    var id: String
    var entity: String
    var status: String
    var dryRun: Bool
    var onDuplicate: String
    var encoding: String
    var totalRows: Int
    var processedRows: Int
    var created: Int
    var updated: Int
    var skipped: Int
    var failed: Int
    var createdAt: Date
    var finishedAt: Date?

    init(_ run: ImportRun) {
        id = run.id.rawValue
        entity = run.entity.rawValue
        status = run.status
        dryRun = run.dryRun
        onDuplicate = run.policy.rawValue
        encoding = run.encoding
        totalRows = run.totalRows
        processedRows = run.processedRows
        created = run.created
        updated = run.updated
        skipped = run.skipped
        failed = run.failed
        createdAt = run.createdAt
        finishedAt = run.finishedAt
    }
}

struct ImportRowBody: Encodable, Sendable {
    var row: Int
    var outcome: String
    var recordId: String?
    var errors: [IssueBody]

    init(_ outcome: ImportRowOutcome, locale: AppLocale) {
        row = outcome.row
        self.outcome = outcome.outcome
        recordId = outcome.recordID
        errors = outcome.issues.map { IssueBody(field: $0.field, code: $0.code.rawValue, message: Messages.text(for: $0, locale: locale)) }
    }
}
