import Foundation
public import RapportCore
import SQLKit

extension Product: StoredRecord {
    static let recordKind = RecordKind.product
    static let table = "products"
    var rawID: String { id.rawValue }
    var accessOwner: User.ID? { nil }
}

/// The product catalog. Products are a setting: everyone reads them, owners and admins change them.
public struct ProductRepository: Sendable {
    let context: StoreContext

    /// Makes the repository.
    public init(context: StoreContext) { self.context = context }

    static let plan = KeysetPlan(
        from: "products p", idColumn: "p.id", sortColumns: ["name": "p.sort_name", "createdAt": "p.created_at"], defaultSort: "name")

    /// Adds a product to the catalog.
    public func create(_ input: ProductInput, by actor: Actor) async throws -> Product {
        try AccessCheck.require(actor, .create, .product)
        return try await context.database.transaction { db in
            let settings = try await WorkspaceRows.workspace(db, actor.workspaceID)
            let blank = Product(
                id: context.effects.id(), workspaceID: actor.workspaceID, currency: settings.currency, now: context.effects.now())
            let product = try OrderRules.apply(input, to: blank, currency: settings.currency)
            try await checkSKU(db, product)
            try await write(db, product, insert: true)
            try await AuditRows.append(
                db, context: context, workspace: actor.workspaceID, actor: actor.userID,
                record: RecordRef(kind: .product, id: product.id.rawValue), action: .create,
                changes: AuditDiff.creation(product.auditSnapshot))
            return product
        }
    }

    /// A product of the actor's workspace (trashed ones too: old orders still name them).
    public func get(_ id: Product.ID, by actor: Actor) async throws -> Product {
        guard let product = try await Self.load(context.database.reader, ids: [id.rawValue], workspace: actor.workspaceID).first
        else { throw RecordError.notFound(.product) }
        return product
    }

    /// Updates a product if the version is current.
    public func update(_ id: Product.ID, _ input: ProductInput, expectedVersion: Int64, by actor: Actor) async throws -> Product {
        try await context.database.transaction { db in
            let current = try await lock(db, id, actor: actor, operation: .update)
            let settings = try await WorkspaceRows.workspace(db, actor.workspaceID)
            return try await StoredRecords.update(
                db, context: context, current, expectedVersion: expectedVersion, actor: actor,
                change: { product, _ in
                    let next = try OrderRules.apply(input, to: product, currency: settings.currency)
                    try await checkSKU(db, next)
                    return next
                },
                write: { try await write(db, $0, insert: false) })
        }
    }

    /// Moves a product to the trash (its order lines keep their name and price).
    public func delete(_ id: Product.ID, by actor: Actor) async throws -> Product {
        try await context.database.transaction { db in
            let current = try await lock(db, id, actor: actor, operation: .delete)
            return try await StoredRecords.setDeleted(db, context: context, current, deleted: true, actor: actor)
        }
    }

    /// Restores a product from the trash.
    public func restore(_ id: Product.ID, by actor: Actor) async throws -> Product {
        try await context.database.transaction { db in
            let current = try await lock(db, id, actor: actor, operation: .delete, allowTrash: true)
            try await checkSKU(db, current)
            return try await StoredRecords.setDeleted(db, context: context, current, deleted: false, actor: actor)
        }
    }

    /// A page of the catalog; `q` matches the name, SKU or category.
    public func list(_ query: ListQuery, by actor: Actor) async throws -> Page<Product> {
        var conditions: [SQLQueryString] = [
            "p.workspace_id = \(bind: actor.workspaceID.rawValue)", query.trash ? "p.deleted_at IS NOT NULL" : "p.deleted_at IS NULL",
        ]
        if let search = query.search.flatMap(\.trimmedOrNil) {
            let pattern = "%" + likeEscaped(SearchText.fold(search)) + "%"
            conditions.append(
                "(p.sort_name LIKE \(bind: pattern) ESCAPE '\\' OR p.category_key LIKE \(bind: pattern) ESCAPE '\\' OR p.sku = \(bind: search))"
            )
        }
        let db = context.database.reader
        let (rows, next) = try await Self.plan.rows(db, conditions: conditions, query: query)
        return Page(items: try rows.map(Self.decode), nextCursor: next)
    }

    private func lock(
        _ db: any SQLDatabase, _ id: Product.ID, actor: Actor, operation: RecordOperation, allowTrash: Bool = false
    ) async throws -> Product {
        try await StoredRecords.lockForWrite(
            db, context: context, id: id.rawValue, actor: actor, operation: operation, allowTrash: allowTrash,
            load: { db, ids, workspace in try await Self.load(db, ids: ids, workspace: workspace) })
    }

    private func checkSKU(_ db: any SQLDatabase, _ product: Product) async throws {
        guard let sku = product.sku else { return }
        let taken = try await db.raw(
            """
            SELECT id FROM products WHERE workspace_id = \(bind: product.workspaceID.rawValue) AND sku = \(bind: sku)
            AND deleted_at IS NULL AND id <> \(bind: product.id.rawValue)
            """
        ).first()
        if taken != nil { throw ValidationError("sku", .duplicate) }
    }

    private func write(_ db: any SQLDatabase, _ p: Product, insert: Bool) async throws {
        let category = p.category.map(SearchText.fold)
        if insert {
            try await db.raw(
                """
                INSERT INTO products (id, workspace_id, name, sort_name, sku, category, category_key, price, currency, active,
                    created_at, updated_at, version, deleted_at)
                VALUES (\(bind: p.id.rawValue), \(bind: p.workspaceID.rawValue), \(bind: p.name), \(bind: SearchText.fold(p.name)),
                    \(bind: p.sku), \(bind: p.category), \(bind: category), \(bind: p.price.amount), \(bind: p.price.currency.rawValue),
                    \(bind: p.active), \(bind: p.createdAt.millis), \(bind: p.updatedAt.millis), \(bind: p.version), NULL)
                """
            ).run()
        } else {
            try await db.raw(
                """
                UPDATE products SET name = \(bind: p.name), sort_name = \(bind: SearchText.fold(p.name)), sku = \(bind: p.sku),
                    category = \(bind: p.category), category_key = \(bind: category), price = \(bind: p.price.amount),
                    currency = \(bind: p.price.currency.rawValue), active = \(bind: p.active), updated_at = \(bind: p.updatedAt.millis),
                    version = \(bind: p.version)
                WHERE id = \(bind: p.id.rawValue)
                """
            ).run()
        }
    }

    static func load(_ db: any SQLDatabase, ids: [String], workspace: Workspace.ID) async throws -> [Product] {
        guard !ids.isEmpty else { return [] }
        let rows = try await db.raw(
            "SELECT * FROM products WHERE workspace_id = \(bind: workspace.rawValue) AND id IN \(inList(ids))"
        ).all()
        let byID = Dictionary(try rows.map(decode).map { ($0.id.rawValue, $0) }, uniquingKeysWith: { first, _ in first })
        return ids.compactMap { byID[$0] }
    }

    static func decode(_ row: any SQLRow) throws -> Product {
        guard let currency = CurrencyCode(rawValue: try row.string("currency")) else {
            throw StoreError.corruptValue(column: "currency", value: try row.string("currency"))
        }
        return Product(
            stored: try row.id("id"), workspaceID: try row.id("workspace_id"), name: try row.string("name"),
            sku: try row.optionalString("sku"), category: try row.optionalString("category"),
            price: Money(amount: try row.int64("price"), currency: currency), active: try row.bool("active"),
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"), version: try row.int64("version"),
            deletedAt: try row.optionalDate("deleted_at"))
    }
}
