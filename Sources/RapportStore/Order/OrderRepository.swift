import Foundation
public import RapportCore
import SQLKit

extension Order: StoredRecord {
    static let recordKind = RecordKind.order
    static let table = "orders"
    var rawID: String { id.rawValue }
    var accessOwner: User.ID? { ownerID }
}

/// Orders (purchases). Every write refreshes the buying contact's and company's metrics in the same
/// transaction, so the metrics are never out of step with the orders.
public struct OrderRepository: Sendable {
    let context: StoreContext

    /// Makes the repository.
    public init(context: StoreContext) { self.context = context }

    static let plan = KeysetPlan(
        from: "orders o", idColumn: "o.id",
        sortColumns: ["orderedAt": "o.ordered_at", "createdAt": "o.created_at"], defaultSort: "-orderedAt")

    /// Records an order. Without a number it gets the workspace's next one; without an owner, the
    /// client's owner.
    public func create(_ input: OrderInput, by actor: Actor) async throws -> Order {
        try await context.database.transaction { db in
            let settings = try await WorkspaceRows.workspace(db, actor.workspaceID)
            let now = context.effects.now()
            let blank = Order(
                id: context.effects.id(), workspaceID: actor.workspaceID, currency: settings.currency, now: now, createdBy: actor.userID)
            // The defaults are filled in before the rules run (in this transaction, so a refused order
            // takes no number from the counter).
            var fields = input
            if input.number?.trimmedOrNil == nil { fields.number = try await nextNumber(db, workspace: actor.workspaceID) }
            if input.ownerID == nil {
                let owner = try await clientOwner(db, contact: input.contactID?.value, company: input.companyID?.value)
                fields.ownerID = .set(owner ?? actor.userID)
            }
            let order = try OrderRules.apply(
                fields, to: blank,
                context: try await rulesContext(db, input, currency: settings.currency, now: now, workspace: actor.workspaceID))
            try await checkReferences(db, order, actor: actor, operation: .create)
            try await write(db, order, insert: true)
            try await CustomerMetricsRows.refresh(db, after: [order])
            try await AuditRows.append(
                db, context: context, workspace: actor.workspaceID, actor: actor.userID,
                record: RecordRef(kind: .order, id: order.id.rawValue), action: .create, changes: AuditDiff.creation(order.auditSnapshot))
            return order
        }
    }

    /// The order of a won deal: its client, one line named after the deal for its amount, dated when the
    /// deal was won. Asking again returns the order made the first time (so a double click makes one).
    public func create(fromDeal id: Deal.ID, by actor: Actor) async throws -> Order {
        let deal = try await DealRepository(context: context).get(id, by: actor)
        guard deal.status == .won else { throw ValidationError("status", .invalidOption, ["options": DealStatus.won.rawValue]) }
        if let existing = try await context.database.reader.raw(
            "SELECT id FROM orders WHERE workspace_id = \(bind: actor.workspaceID.rawValue) AND deal_id = \(bind: id.rawValue) AND deleted_at IS NULL ORDER BY created_at LIMIT 1"
        ).first() {
            return try await get(Order.ID(try existing.string("id")), by: actor)
        }
        var input = OrderInput()
        input.contactID = deal.contactIDs.first.map { .set($0) }
        input.companyID = deal.companyID.map { .set($0) }
        input.dealID = .set(deal.id)
        input.orderedAt = deal.closedAt
        input.status = .paid
        input.source = deal.source
        input.ownerID = deal.ownerID.map { .set($0) }
        input.lines = [OrderLineInput(name: deal.title, quantity: 1, unitPrice: deal.amount)]
        return try await create(input, by: actor)
    }

    /// An order the actor may see.
    public func get(_ id: Order.ID, by actor: Actor) async throws -> Order {
        let db = context.database.reader
        guard let order = try await Self.load(db, ids: [id.rawValue], workspace: actor.workspaceID).first,
            try await AccessCheck.allows(db, actor, .read, .order, owner: order.ownerID)
        else { throw RecordError.notFound(.order) }
        return order
    }

    /// Updates an order if the version is current; the old and the new client's metrics are refreshed.
    public func update(_ id: Order.ID, _ input: OrderInput, expectedVersion: Int64, by actor: Actor) async throws -> Order {
        try await context.database.transaction { db in
            let current = try await lock(db, id, actor: actor, operation: .update)
            let settings = try await WorkspaceRows.workspace(db, actor.workspaceID)
            let rules = try await rulesContext(
                db, input, currency: settings.currency, now: context.effects.now(), workspace: actor.workspaceID)
            let next = try await StoredRecords.update(
                db, context: context, current, expectedVersion: expectedVersion, actor: actor,
                change: { order, _ in
                    let next = try OrderRules.apply(input, to: order, context: rules)
                    try await checkReferences(db, next, actor: actor, operation: .update)
                    return next
                },
                write: { try await write(db, $0, insert: false) })
            try await CustomerMetricsRows.refresh(db, after: [current, next])
            return next
        }
    }

    /// Moves an order to the trash: it stops counting in the client's metrics.
    public func delete(_ id: Order.ID, by actor: Actor) async throws -> Order { try await setDeleted(id, deleted: true, by: actor) }

    /// Restores an order from the trash: it counts again.
    public func restore(_ id: Order.ID, by actor: Actor) async throws -> Order { try await setDeleted(id, deleted: false, by: actor) }

    private func setDeleted(_ id: Order.ID, deleted: Bool, by actor: Actor) async throws -> Order {
        try await context.database.transaction { db in
            let current = try await lock(db, id, actor: actor, operation: .delete, allowTrash: true)
            let next = try await StoredRecords.setDeleted(db, context: context, current, deleted: deleted, actor: actor)
            try await db.raw("UPDATE orders SET counted = \(bind: next.countsAsPurchase) WHERE id = \(bind: id.rawValue)").run()
            try await CustomerMetricsRows.refresh(db, after: [next])
            return next
        }
    }

    /// A page of orders the actor may see, newest first by default. Filters: contact, company, deal, owner,
    /// team, created range, status, a segment's clients.
    public func list(_ query: ListQuery, by actor: Actor) async throws -> Page<Order> {
        var conditions: [SQLQueryString] = [
            "o.workspace_id = \(bind: actor.workspaceID.rawValue)", query.trash ? "o.deleted_at IS NOT NULL" : "o.deleted_at IS NULL",
            AccessRows.condition(AccessPolicy.visibility(for: actor, of: .order), ownerColumn: "o.owner_id"),
        ]
        let filters = query.filters
        var common = filters
        common.tag = nil
        common.customFields = [:]
        conditions += try CommonFilters.conditions(common, alias: "o", kind: .order, workspace: actor.workspaceID, dialect: context.dialect)
        if let contact = filters.contactID { conditions.append("o.contact_id = \(bind: contact.rawValue)") }
        if let company = filters.companyID { conditions.append("o.company_id = \(bind: company.rawValue)") }
        if let deal = filters.dealID { conditions.append("o.deal_id = \(bind: deal.rawValue)") }
        if let status = filters.orderStatus { conditions.append("o.status = \(bind: status.rawValue)") }
        if let search = query.search.flatMap(\.trimmedOrNil) { conditions.append("o.number = \(bind: search)") }
        let db = context.database.reader
        if let segment = filters.segmentID {
            conditions.append(
                try await SegmentRepository.condition(segment, reaching: .orders, db, context: context, workspace: actor.workspaceID))
        }
        let (rows, next) = try await Self.plan.rows(db, conditions: conditions, query: query)
        return Page(items: try await Self.decode(db, rows: rows), nextCursor: next)
    }

    private func lock(
        _ db: any SQLDatabase, _ id: Order.ID, actor: Actor, operation: RecordOperation, allowTrash: Bool = false
    ) async throws -> Order {
        try await StoredRecords.lockForWrite(
            db, context: context, id: id.rawValue, actor: actor, operation: operation, allowTrash: allowTrash,
            load: { db, ids, workspace in try await Self.load(db, ids: ids, workspace: workspace) })
    }

    private func rulesContext(
        _ db: any SQLDatabase, _ input: OrderInput, currency: CurrencyCode, now: Date, workspace: Workspace.ID
    ) async throws -> OrderContext {
        let ids = (input.lines ?? []).compactMap { $0.productID?.rawValue }
        let products = try await ProductRepository.load(db, ids: ids, workspace: workspace).filter { $0.deletedAt == nil }
        return OrderContext(
            products: Dictionary(products.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }), currency: currency, now: now)
    }

    /// The next free order number of the workspace (a counter from 1001, skipping numbers typed by hand).
    private func nextNumber(_ db: any SQLDatabase, workspace: Workspace.ID) async throws -> String {
        while true {
            let row = try await db.raw(
                """
                INSERT INTO counters (workspace_id, name, value) VALUES (\(bind: workspace.rawValue), 'order_number', 1001)
                ON CONFLICT (workspace_id, name) DO UPDATE SET value = counters.value + 1 RETURNING value
                """
            ).first()
            let number = String(try row?.int64("value") ?? 1001)
            let taken = try await db.raw(
                "SELECT id FROM orders WHERE workspace_id = \(bind: workspace.rawValue) AND number = \(bind: number)"
            ).first()
            if taken == nil { return number }
        }
    }

    private func clientOwner(_ db: any SQLDatabase, contact: Contact.ID?, company: Company.ID?) async throws -> User.ID? {
        for (table, id) in [("contacts", contact?.rawValue), ("companies", company?.rawValue)] {
            guard let id else { continue }
            if let owner = try await db.raw("SELECT owner_id FROM \(unsafeRaw: table) WHERE id = \(bind: id)").first()?
                .optionalID("owner_id", as: User.self)
            {
                return owner
            }
        }
        return nil
    }

    private func checkReferences(_ db: any SQLDatabase, _ order: Order, actor: Actor, operation: RecordOperation) async throws {
        var issues: [FieldIssue] = []
        let (ownership, ownerIssues) = try await AccessRows.ownership(
            db, owner: order.ownerID, workspace: actor.workspaceID, field: "ownerId")
        issues += ownerIssues
        let references: [(String, String, String?)] = [
            ("contactId", "contacts", order.contactID?.rawValue), ("companyId", "companies", order.companyID?.rawValue),
            ("dealId", "deals", order.dealID?.rawValue),
        ]
        for (field, table, id) in references {
            guard let id else { continue }
            if try await AccessRows.existing(db, table: table, ids: [id], workspace: actor.workspaceID).isEmpty {
                issues.append(FieldIssue(field, .unknownReference))
            }
        }
        let duplicate = try await db.raw(
            """
            SELECT id FROM orders WHERE workspace_id = \(bind: actor.workspaceID.rawValue) AND number = \(bind: order.number)
            AND id <> \(bind: order.id.rawValue)
            """
        ).first()
        if duplicate != nil { issues.append(FieldIssue("number", .duplicate)) }
        if !issues.isEmpty { throw ValidationError(issues: issues) }
        guard AccessPolicy.allows(actor, operation, .order, ownership) else { throw RecordError.forbidden }
    }

    private func write(_ db: any SQLDatabase, _ o: Order, insert: Bool) async throws {
        let s = o.source
        if insert {
            try await db.raw(
                """
                INSERT INTO orders (id, workspace_id, number, ordered_at, status, counted, contact_id, company_id, deal_id, total,
                    currency, channel, source, utm_source, utm_medium, utm_campaign, utm_content, utm_term, referrer, landing_page,
                    owner_id, created_by, created_at, updated_at, version, deleted_at)
                VALUES (\(bind: o.id.rawValue), \(bind: o.workspaceID.rawValue), \(bind: o.number), \(bind: o.orderedAt.millis),
                    \(bind: o.status.rawValue), \(bind: o.countsAsPurchase), \(bind: o.contactID?.rawValue),
                    \(bind: o.companyID?.rawValue), \(bind: o.dealID?.rawValue), \(bind: o.total.amount),
                    \(bind: o.total.currency.rawValue), \(bind: o.channel), \(bind: s.source), \(bind: s.utmSource),
                    \(bind: s.utmMedium), \(bind: s.utmCampaign), \(bind: s.utmContent), \(bind: s.utmTerm), \(bind: s.referrer),
                    \(bind: s.landingPage), \(bind: o.ownerID?.rawValue), \(bind: o.createdBy?.rawValue),
                    \(bind: o.createdAt.millis), \(bind: o.updatedAt.millis), \(bind: o.version), NULL)
                """
            ).run()
        } else {
            try await db.raw(
                """
                UPDATE orders SET number = \(bind: o.number), ordered_at = \(bind: o.orderedAt.millis), status = \(bind: o.status.rawValue),
                    counted = \(bind: o.countsAsPurchase), contact_id = \(bind: o.contactID?.rawValue),
                    company_id = \(bind: o.companyID?.rawValue), deal_id = \(bind: o.dealID?.rawValue), total = \(bind: o.total.amount),
                    currency = \(bind: o.total.currency.rawValue), channel = \(bind: o.channel), source = \(bind: s.source),
                    utm_source = \(bind: s.utmSource), utm_medium = \(bind: s.utmMedium), utm_campaign = \(bind: s.utmCampaign),
                    utm_content = \(bind: s.utmContent), utm_term = \(bind: s.utmTerm), referrer = \(bind: s.referrer),
                    landing_page = \(bind: s.landingPage), owner_id = \(bind: o.ownerID?.rawValue),
                    updated_at = \(bind: o.updatedAt.millis), version = \(bind: o.version)
                WHERE id = \(bind: o.id.rawValue)
                """
            ).run()
            try await db.raw("DELETE FROM order_lines WHERE order_id = \(bind: o.id.rawValue)").run()
        }
        for (position, line) in o.lines.enumerated() {
            try await db.raw(
                """
                INSERT INTO order_lines (workspace_id, order_id, position, product_id, name, sku, quantity, unit_price, total)
                VALUES (\(bind: o.workspaceID.rawValue), \(bind: o.id.rawValue), \(bind: position), \(bind: line.productID?.rawValue),
                    \(bind: line.name), \(bind: line.sku), \(bind: line.quantity), \(bind: line.unitPrice.amount),
                    \(bind: (try? line.total().amount) ?? 0))
                """
            ).run()
        }
    }

    static func load(_ db: any SQLDatabase, ids: [String], workspace: Workspace.ID) async throws -> [Order] {
        guard !ids.isEmpty else { return [] }
        let rows = try await db.raw(
            "SELECT * FROM orders WHERE workspace_id = \(bind: workspace.rawValue) AND id IN \(inList(ids))"
        ).all()
        let byID = Dictionary(try await decode(db, rows: rows).map { ($0.id.rawValue, $0) }, uniquingKeysWith: { first, _ in first })
        return ids.compactMap { byID[$0] }
    }

    /// Orders from their rows, in row order, with their lines.
    static func decode(_ db: any SQLDatabase, rows: [any SQLRow]) async throws -> [Order] {
        let ids = try rows.map { try $0.string("id") }
        var lines: [String: [OrderLine]] = [:]
        if !ids.isEmpty {
            let lineRows = try await db.raw(
                "SELECT l.*, o.currency FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE l.order_id IN \(inList(ids)) ORDER BY l.order_id, l.position"
            ).all()
            for row in lineRows {
                let currency = try Self.currency(row)
                lines[try row.string("order_id"), default: []].append(
                    OrderLine(
                        productID: try row.optionalID("product_id"), name: try row.string("name"), sku: try row.optionalString("sku"),
                        quantity: try row.int64("quantity"), unitPrice: Money(amount: try row.int64("unit_price"), currency: currency)))
            }
        }
        return try rows.map { row in
            let id = try row.string("id")
            let source = LeadSource(
                source: try row.optionalString("source"), utmSource: try row.optionalString("utm_source"),
                utmMedium: try row.optionalString("utm_medium"), utmCampaign: try row.optionalString("utm_campaign"),
                utmContent: try row.optionalString("utm_content"), utmTerm: try row.optionalString("utm_term"),
                referrer: try row.optionalString("referrer"), landingPage: try row.optionalString("landing_page"))
            return Order(
                stored: Order.ID(id), workspaceID: try row.id("workspace_id"), number: try row.string("number"),
                orderedAt: try row.date("ordered_at"), status: try row.enumValue("status"), contactID: try row.optionalID("contact_id"),
                companyID: try row.optionalID("company_id"), dealID: try row.optionalID("deal_id"), lines: lines[id] ?? [],
                total: Money(amount: try row.int64("total"), currency: try Self.currency(row)), channel: try row.optionalString("channel"),
                source: source, ownerID: try row.optionalID("owner_id"), createdAt: try row.date("created_at"),
                updatedAt: try row.date("updated_at"), createdBy: try row.optionalID("created_by"), version: try row.int64("version"),
                deletedAt: try row.optionalDate("deleted_at"))
        }
    }

    private static func currency(_ row: any SQLRow) throws -> CurrencyCode {
        let raw = try row.string("currency")
        guard let currency = CurrencyCode(rawValue: raw) else { throw StoreError.corruptValue(column: "currency", value: raw) }
        return currency
    }
}

/// The purchase aggregates kept on contacts and companies (order count, revenue, first and last order)
/// and what each client bought (`client_products`), recomputed from the client's counted orders whenever
/// one of them changes; with them, the buyers' purchase tallies (`PurchaseTallyRows`).
enum CustomerMetricsRows {
    /// Refreshes the clients of these orders (before and after a change, so a moved order updates both).
    static func refresh(_ db: any SQLDatabase, after orders: [Order]) async throws {
        let contacts = Set(orders.compactMap { $0.contactID?.rawValue })
        let companies = Set(orders.compactMap { $0.companyID?.rawValue })
        for id in contacts.sorted() { try await refresh(db, table: "contacts", column: "contact_id", id: id) }
        for id in companies.sorted() { try await refresh(db, table: "companies", column: "company_id", id: id) }
        try await PurchaseTallyRows.refresh(db, anonymous: Array(Set(orders.map(\.id.rawValue))).sorted())
    }

    static func refresh(_ db: any SQLDatabase, table: String, column: String, id: String) async throws {
        try await db.raw(
            """
            UPDATE \(unsafeRaw: table) SET (order_count, revenue, first_order_at, last_order_at) = (
                SELECT COUNT(*), CAST(COALESCE(SUM(total), 0) AS BIGINT), MIN(ordered_at), MAX(ordered_at)
                FROM orders WHERE \(unsafeRaw: column) = \(bind: id) AND counted)
            WHERE id = \(bind: id)
            """
        ).run()
        if table == "contacts" {
            try await PurchaseTallyRows.refresh(db, contact: id)
            try await CLVProjectionRows.refresh(db, contact: id)
        }
        try await db.raw("DELETE FROM client_products WHERE client_id = \(bind: id)").run()
        try await insertBoughtProducts(db, column: column, orders: "o.\(unsafeRaw: column) = \(bind: id)")
    }

    /// Writes what the clients of the chosen orders bought (`column` names the client: `contact_id` or
    /// `company_id`): per client and product, its counted orders holding the product.
    static func insertBoughtProducts(_ db: any SQLDatabase, column: String, orders: SQLQueryString) async throws {
        let client = "o.\(column)"
        try await db.raw(
            "INSERT INTO client_products (workspace_id, client_id, product_id, orders) SELECT o.workspace_id, \(unsafeRaw: client), "
                + "l.product_id, COUNT(DISTINCT o.id) FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE " + orders
                + " AND o.counted AND \(unsafeRaw: client) IS NOT NULL AND l.product_id IS NOT NULL"
                + " GROUP BY o.workspace_id, \(unsafeRaw: client), l.product_id"
        ).run()
    }
}
