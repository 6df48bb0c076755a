public import Foundation

/// What the order rules need to know besides the input: the catalog products the lines name, the
/// workspace's currency (metrics add orders up, so every order is in it) and the time.
public struct OrderContext: Sendable {
    /// The products named by the input's lines, by id (unknown ids are refused).
    public var products: [Product.ID: Product]
    /// The workspace currency.
    public var currency: CurrencyCode
    /// The time of the change.
    public var now: Date

    /// Makes a context.
    public init(products: [Product.ID: Product], currency: CurrencyCode, now: Date) {
        self.products = products
        self.currency = currency
        self.now = now
    }
}

/// Rules of products and orders.
public enum OrderRules {
    /// The most lines one order may have.
    public static let maximumLines = 500
    /// The largest quantity of one line.
    public static let maximumQuantity: Int64 = 1_000_000

    /// Applies a client's input to an order and checks the result; the error names every bad field.
    public static func apply(_ input: OrderInput, to order: Order, context: OrderContext) throws(ValidationError) -> Order {
        var next = order
        var issues = FieldIssues()
        if let number = input.number { next.number = number.trimmed }
        if let orderedAt = input.orderedAt {
            // A typo in the year should not become a purchase in 2062: a day of slack covers time zones.
            if orderedAt > context.now.addingTimeInterval(86_400) || orderedAt < Date(timeIntervalSince1970: 0) {
                issues.add("orderedAt", .outOfRange)
            }
            next.orderedAt = orderedAt
        }
        if let status = input.status { next.status = status }
        next.contactID.apply(input.contactID)
        next.companyID.apply(input.companyID)
        next.dealID.apply(input.dealID)
        next.ownerID.apply(input.ownerID)
        if let channel = input.channel { next.channel = trimmed(channel).value }
        if let source = input.source {
            let (normalized, sourceIssues) = source.normalized()
            next.source = normalized
            issues.add(contentsOf: sourceIssues)
        }
        if let lines = input.lines {
            next.lines = []
            if lines.count > maximumLines { issues.add("lines", .outOfRange, ["max": String(maximumLines)]) }
            for (index, line) in lines.prefix(maximumLines).enumerated() {
                if let made = makeLine(line, field: "lines[\(index)]", context: context, issues: &issues) { next.lines.append(made) }
            }
        }
        next.total = total(of: next, given: input.total, context: context, issues: &issues)
        issues.require(next.number, "number")
        issues.limit(next.number, "number", to: 50)
        issues.limit(next.channel, "channel", to: 100)
        if next.contactID == nil, next.companyID == nil { issues.add("contactId", .required) }
        try issues.throwIfAny()
        return next
    }

    /// Applies a client's input to a product and checks the result.
    public static func apply(_ input: ProductInput, to product: Product, currency: CurrencyCode) throws(ValidationError) -> Product {
        var next = product
        var issues = FieldIssues()
        if let name = input.name { next.name = name.trimmed }
        if let sku = input.sku { next.sku = trimmed(sku).value }
        if let category = input.category { next.category = trimmed(category).value }
        if let active = input.active { next.active = active }
        if let price = input.price {
            check(price, "price", currency: currency, issues: &issues)
            next.price = price
        }
        issues.require(next.name, "name")
        issues.limit(next.name, "name", to: 300)
        issues.limit(next.sku, "sku", to: 100)
        issues.limit(next.category, "category", to: 100)
        try issues.throwIfAny()
        return next
    }

    private static func makeLine(
        _ input: OrderLineInput, field: String, context: OrderContext, issues: inout FieldIssues
    ) -> OrderLine? {
        var product: Product?
        if let id = input.productID {
            product = context.products[id]
            if product == nil { issues.add("\(field).productId", .unknownReference) }
        }
        let name = (input.name?.trimmedOrNil ?? product?.name) ?? ""
        if name.isEmpty { issues.add("\(field).name", .required) }
        if name.count > 300 { issues.add("\(field).name", .tooLong, ["max": "300"]) }
        let quantity = input.quantity ?? 1
        if !(1...maximumQuantity).contains(quantity) {
            issues.add("\(field).quantity", .outOfRange, ["min": "1", "max": String(maximumQuantity)])
        }
        guard let price = input.unitPrice ?? product?.price else {
            issues.add("\(field).unitPrice", .required)
            return nil
        }
        check(price, "\(field).unitPrice", currency: context.currency, issues: &issues)
        return OrderLine(productID: product?.id, name: name, sku: product?.sku, quantity: quantity, unitPrice: price)
    }

    /// The lines' sum when there are lines (a total the client sent must agree with it), else the given total.
    private static func total(of order: Order, given: Money?, context: OrderContext, issues: inout FieldIssues) -> Money {
        if let given { check(given, "total", currency: context.currency, issues: &issues) }
        guard !order.lines.isEmpty else {
            if let given { return given }
            if order.total.amount == 0 { issues.add("total", .required) }
            return order.total
        }
        do {
            var sum = Money.zero(context.currency)
            for line in order.lines { sum = try sum.adding(try line.total()) }
            if let given, given != sum { issues.add("total", .invalidAmount, ["expected": sum.decimalString]) }
            return sum
        } catch {
            issues.add("lines", .outOfRange)
            return order.total
        }
    }

    private static func check(_ money: Money, _ field: String, currency: CurrencyCode, issues: inout FieldIssues) {
        if money.amount < 0 { issues.add("\(field).amount", .outOfRange, ["min": "0"]) }
        if money.currency != currency { issues.add("\(field).currency", .invalidCurrency, ["expected": currency.rawValue]) }
    }
}
