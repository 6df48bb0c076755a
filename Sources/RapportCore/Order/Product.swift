public import Foundation

/// An item of the catalog: what orders are made of.
public struct Product: Hashable, Sendable {
    /// The product id.
    public typealias ID = Identifier<Product>
    /// Its id.
    public var id: ID
    /// Its workspace.
    public var workspaceID: Workspace.ID
    /// The name shown on orders.
    public var name: String
    /// The stock-keeping unit, unique in the workspace when set.
    public var sku: String?
    /// A free-text category ("Курсы", "Консультации"), for segments and reports.
    public var category: String?
    /// The list price (an order line may sell at another price).
    public var price: Money
    /// Whether it is still sold (inactive products stay on old orders).
    public var active: Bool
    /// Creation time.
    public var createdAt: Date
    /// Last change time.
    public var updatedAt: Date
    /// Optimistic-locking version.
    public var version: Int64
    /// When it was moved to the trash.
    public var deletedAt: Date?

    /// A blank product, the starting point of a create.
    public init(id: ID, workspaceID: Workspace.ID, currency: CurrencyCode, now: Date) {
        self.id = id
        self.workspaceID = workspaceID
        self.name = ""
        self.price = .zero(currency)
        self.active = true
        self.createdAt = now
        self.updatedAt = now
        self.version = 1
    }
}

/// The fields a client may set on a product.
public struct ProductInput: Sendable, Hashable {
    public var name: String?
    public var sku: Edit<String>?
    public var category: Edit<String>?
    public var price: Money?
    public var active: Bool?
    /// An empty input.
    public init() {}
}

extension Product {
    /// Rebuilds a stored product.
    public init(
        stored id: ID, workspaceID: Workspace.ID, name: String, sku: String?, category: String?, price: Money, active: Bool,
        createdAt: Date, updatedAt: Date, version: Int64, deletedAt: Date?
    ) {
        self.id = id
        self.workspaceID = workspaceID
        self.name = name
        self.sku = sku
        self.category = category
        self.price = price
        self.active = active
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
        self.deletedAt = deletedAt
    }

    /// The fields the audit log compares.
    public var auditSnapshot: [String: JSONValue] {
        [
            "name": .string(name), "sku": JSONValue(sku), "category": JSONValue(category), "price": .int(price.amount),
            "currency": .string(price.currency.rawValue), "active": .bool(active),
        ]
    }
}
