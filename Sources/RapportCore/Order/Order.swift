public import Foundation

/// A purchase: what a client bought, when, for how much. Orders feed the customer metrics (order count,
/// revenue, average check, RFM) kept on contacts and companies.
public struct Order: Hashable, Sendable {
    /// The order id.
    public typealias ID = Identifier<Order>
    /// Its id.
    public var id: ID
    /// Its workspace.
    public var workspaceID: Workspace.ID
    /// The number people quote ("1042", or the shop's own number), unique in the workspace.
    public var number: String
    /// When it was placed.
    public var orderedAt: Date
    /// Where it is in its life; cancelled and refunded orders do not count as purchases.
    public var status: OrderStatus
    /// The buying person.
    public var contactID: Contact.ID?
    /// The buying company.
    public var companyID: Company.ID?
    /// The deal it came from.
    public var dealID: Deal.ID?
    /// What was bought.
    public var lines: [OrderLine]
    /// The order total: the sum of the lines, or the amount given when there are no lines.
    public var total: Money
    /// The sales channel: "shop", "offline", "marketplace"…
    public var channel: String?
    /// Where the buyer came from, for attribution.
    public var source: LeadSource
    /// The responsible user (by default the client's owner): decides who sees the order.
    public var ownerID: User.ID?
    /// Creation time.
    public var createdAt: Date
    /// Last change time.
    public var updatedAt: Date
    /// Who created it.
    public var createdBy: User.ID?
    /// Optimistic-locking version.
    public var version: Int64
    /// When it was moved to the trash.
    public var deletedAt: Date?

    /// A blank order, the starting point of a create.
    public init(id: ID, workspaceID: Workspace.ID, currency: CurrencyCode, now: Date, createdBy: User.ID?) {
        self.id = id
        self.workspaceID = workspaceID
        self.number = ""
        self.orderedAt = now
        self.status = .new
        self.lines = []
        self.total = .zero(currency)
        self.source = LeadSource()
        self.ownerID = createdBy
        self.createdAt = now
        self.updatedAt = now
        self.createdBy = createdBy
        self.version = 1
    }

    /// Whether the order counts as a purchase in the metrics: live and neither cancelled nor refunded.
    public var countsAsPurchase: Bool { deletedAt == nil && status.countsAsPurchase }
}

/// Where an order is in its life.
public enum OrderStatus: String, Sendable, Codable, CaseIterable, Hashable {
    /// Placed, not paid yet.
    case new
    /// Paid.
    case paid
    /// Delivered or done.
    case fulfilled
    /// Called off before payment.
    case cancelled
    /// Paid and given back.
    case refunded

    /// Whether orders in this status count as purchases (revenue, order count, RFM).
    public var countsAsPurchase: Bool { self != .cancelled && self != .refunded }

    /// The statuses that count, for the store's `IN (…)` condition.
    public static var counted: [OrderStatus] { allCases.filter(\.countsAsPurchase) }
}

/// One line of an order.
public struct OrderLine: Hashable, Sendable, Codable {
    /// The catalog product, if the line is one (imported orders may carry only a name).
    public var productID: Product.ID?
    /// What was sold, as printed on the order.
    public var name: String
    /// The product's SKU at the time of sale.
    public var sku: String?
    /// How many.
    public var quantity: Int64
    /// The price of one.
    public var unitPrice: Money

    /// Makes a line.
    public init(productID: Product.ID?, name: String, sku: String?, quantity: Int64, unitPrice: Money) {
        self.productID = productID
        self.name = name
        self.sku = sku
        self.quantity = quantity
        self.unitPrice = unitPrice
    }

    /// quantity × unit price.
    public func total() throws(MoneyError) -> Money { try unitPrice.multiplied(by: quantity) }
}

/// The fields a client may set on an order.
public struct OrderInput: Sendable, Hashable {
    public var number: String?
    public var orderedAt: Date?
    public var status: OrderStatus?
    public var contactID: Edit<Contact.ID>?
    public var companyID: Edit<Company.ID>?
    public var dealID: Edit<Deal.ID>?
    public var lines: [OrderLineInput]?
    public var total: Money?
    public var channel: Edit<String>?
    public var source: LeadSource?
    public var ownerID: Edit<User.ID>?
    /// An empty input.
    public init() {}
}

/// One line as a client sends it: a product (name, SKU and price default to the catalog's) or a name and price.
public struct OrderLineInput: Sendable, Hashable {
    public var productID: Product.ID?
    public var name: String?
    public var quantity: Int64?
    public var unitPrice: Money?
    /// Makes a line input.
    public init(productID: Product.ID? = nil, name: String? = nil, quantity: Int64? = nil, unitPrice: Money? = nil) {
        self.productID = productID
        self.name = name
        self.quantity = quantity
        self.unitPrice = unitPrice
    }
}

extension Order {
    /// Rebuilds a stored order.
    public init(
        stored id: ID, workspaceID: Workspace.ID, number: String, orderedAt: Date, status: OrderStatus, contactID: Contact.ID?,
        companyID: Company.ID?, dealID: Deal.ID?, lines: [OrderLine], total: Money, channel: String?, source: LeadSource,
        ownerID: User.ID?, createdAt: Date, updatedAt: Date, createdBy: User.ID?, version: Int64, deletedAt: Date?
    ) {
        self.id = id
        self.workspaceID = workspaceID
        self.number = number
        self.orderedAt = orderedAt
        self.status = status
        self.contactID = contactID
        self.companyID = companyID
        self.dealID = dealID
        self.lines = lines
        self.total = total
        self.channel = channel
        self.source = source
        self.ownerID = ownerID
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.createdBy = createdBy
        self.version = version
        self.deletedAt = deletedAt
    }

    /// The fields the audit log compares.
    public var auditSnapshot: [String: JSONValue] {
        [
            "number": .string(number), "orderedAt": .int(Int64((orderedAt.timeIntervalSince1970 * 1000).rounded())),
            "status": .string(status.rawValue), "contactId": JSONValue(contactID?.rawValue),
            "companyId": JSONValue(companyID?.rawValue), "dealId": JSONValue(dealID?.rawValue),
            "total": .int(total.amount), "currency": .string(total.currency.rawValue), "channel": JSONValue(channel),
            "ownerId": JSONValue(ownerID?.rawValue),
            "lines": .array(
                lines.map { line in
                    .object([
                        "productId": JSONValue(line.productID?.rawValue), "name": .string(line.name),
                        "quantity": .int(line.quantity), "unitPrice": .int(line.unitPrice.amount),
                    ])
                }),
        ]
    }
}
