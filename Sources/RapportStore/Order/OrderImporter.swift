import Foundation
public import RapportCore
import SQLKit

/// What an order import did (or would do, in a dry run), row by row where a row was not imported.
public struct OrderImportReport: Sendable, Hashable {
    /// One row's fate.
    public struct Row: Sendable, Hashable {
        /// The line in the file (the header is line 1).
        public var row: Int
        /// The order number the row belongs to, if any.
        public var number: String?
        /// `created`, `skipped` or `failed`.
        public var outcome: String
        /// Why it was skipped or failed (field issues, localized by the caller).
        public var issues: [FieldIssue]
    }

    /// The encoding and separator the file was read with.
    public var encoding: CSVReader.Encoding
    /// Which columns were recognised.
    public var columns: [OrderImport.Column: String]
    /// Orders created (or that would be).
    public var created = 0
    /// Orders skipped (already imported, or no matching client).
    public var skipped = 0
    /// Orders refused.
    public var failed = 0
    /// Rows not imported, and the created orders' first rows.
    public var rows: [Row] = []
}

/// Imports orders from CSV, matching clients by e-mail, phone or INN and products by SKU or name. An
/// order number already in the workspace is skipped, so importing the same file twice adds nothing.
public struct OrderImporter: Sendable {
    let context: StoreContext

    /// Makes the importer.
    public init(context: StoreContext) { self.context = context }

    /// The most rows one file may have here (bigger files go through the background import).
    public static let maximumRows = 100_000

    /// Reads and imports (or, with `dryRun`, only checks) a file.
    public func run(_ bytes: [UInt8], dryRun: Bool, by actor: Actor) async throws -> OrderImportReport {
        guard
            AccessPolicy.allows(
                actor, .create, .order, Ownership(workspaceID: actor.workspaceID, ownerID: actor.userID, ownerTeamID: actor.teamID))
        else { throw RecordError.forbidden }
        let document = try TabularFile.readUpload(bytes)
        guard let header = document.records.first else { throw ValidationError("file", .required) }
        if document.records.count - 1 > Self.maximumRows { throw ValidationError("file", .outOfRange, ["max": String(Self.maximumRows)]) }
        let mapping = OrderImport.mapColumns(header)
        var missing = FieldIssues()
        if mapping[.email] == nil, mapping[.phone] == nil, mapping[.inn] == nil { missing.add("columns.email", .required) }
        if mapping[.total] == nil, mapping[.price] == nil { missing.add("columns.total", .required) }
        try missing.throwIfAny()
        let settings = try await WorkspaceRows.workspace(context.database.reader, actor.workspaceID)
        let timeZone = TimeZone(identifier: settings.timeZone) ?? .gmt
        let (lines, problems) = OrderImport.lines(document.records, mapping: mapping, currency: settings.currency, timeZone: timeZone)
        var report = OrderImportReport(
            encoding: document.encoding, columns: Dictionary(uniqueKeysWithValues: mapping.map { ($0.key, header[$0.value]) }))
        for problem in problems {
            report.rows.append(.init(row: problem.row, number: nil, outcome: "failed", issues: [FieldIssue(problem.column, problem.code)]))
        }
        report.failed += Set(problems.map(\.row)).count
        // Rows of one number are one order's lines, in file order.
        var groups: [[OrderImport.Line]] = []
        var byNumber: [String: Int] = [:]
        for line in lines {
            if let number = line.number, let index = byNumber[number] {
                groups[index].append(line)
            } else {
                if let number = line.number { byNumber[number] = groups.count }
                groups.append([line])
            }
        }
        let repository = OrderRepository(context: context)
        let catalog = try await Catalog.load(context.database.reader, workspace: actor.workspaceID)
        let normalizer = PhoneNormalizer(defaultRegion: settings.phoneRegion)
        for group in groups {
            let first = group[0]
            let (input, issues, skip) = try await orderInput(group, catalog: catalog, normalizer: normalizer, actor: actor)
            if let skip {
                report.skipped += 1
                report.rows.append(.init(row: first.row, number: first.number, outcome: "skipped", issues: [skip]))
                continue
            }
            guard issues.isEmpty else {
                report.failed += 1
                report.rows.append(.init(row: first.row, number: first.number, outcome: "failed", issues: issues))
                continue
            }
            do {
                if dryRun {
                    try await check(input, actor: actor, currency: settings.currency)
                } else {
                    _ = try await repository.create(input, by: actor)
                }
                report.created += 1
            } catch let error as ValidationError {
                report.failed += 1
                report.rows.append(.init(row: first.row, number: first.number, outcome: "failed", issues: error.issues))
            }
        }
        report.rows.sort { $0.row < $1.row }
        return report
    }

    /// The order a group of lines describes, the lines' problems, or why it is skipped.
    private func orderInput(_ group: [OrderImport.Line], catalog: Catalog, normalizer: PhoneNormalizer, actor: Actor) async throws
        -> (OrderInput, [FieldIssue], FieldIssue?)
    {
        let db = context.database.reader
        let workspace = actor.workspaceID.rawValue
        let first = group[0]
        var input = OrderInput()
        input.number = first.number
        input.orderedAt = first.orderedAt
        input.status = first.status ?? .paid
        input.channel = first.channel.map { .set($0) }
        if let number = first.number,
            try await db.raw("SELECT id FROM orders WHERE workspace_id = \(bind: workspace) AND number = \(bind: number)").first() != nil
        {
            return (input, [], FieldIssue("number", .duplicate))
        }
        // The client: the e-mail's contact, else the phone's (the rule imports and forms share), else the INN's company.
        let emails = first.email.flatMap(EmailAddress.normalize).map { [$0] } ?? []
        let phones = first.phone.flatMap { normalizer.normalize($0).e164 }.map { [$0] } ?? []
        if let contact = try await ContactRepository.matching(db, emails: emails, phones: phones, workspace: actor.workspaceID) {
            input.contactID = .set(Contact.ID(contact))
        } else if let inn = first.inn, let company = try await ImportRows.company(db, inn: inn, workspace: actor.workspaceID) {
            input.companyID = .set(Company.ID(company))
        } else {
            let field = first.email != nil ? "email" : first.phone != nil ? "phone" : "inn"
            return (input, [], FieldIssue(field, .unknownReference))
        }
        var lines: [OrderLineInput] = []
        var issues: [FieldIssue] = []
        for line in group {
            let product = catalog.product(sku: line.sku ?? line.product, name: line.product ?? line.sku)
            let price =
                line.price ?? line.total.map { Money(amount: Money.divideRounded($0.amount, by: line.quantity), currency: $0.currency) }
            if product == nil, line.product == nil, group.count > 1 { issues.append(FieldIssue("product", .required)) }
            lines.append(
                OrderLineInput(
                    productID: product,
                    name: line.product ?? (product == nil ? first.number.map { "№\($0)" } : nil),
                    quantity: line.quantity, unitPrice: price))
        }
        if group.count == 1, first.product == nil, first.sku == nil {
            // A row with only a total is an order without lines.
            input.total = first.total ?? first.price
        } else {
            input.lines = lines
        }
        return (input, issues, nil)
    }

    /// Checks an order without writing it (the dry run): the same rules a create applies.
    private func check(_ input: OrderInput, actor: Actor, currency: CurrencyCode) async throws {
        let ids = (input.lines ?? []).compactMap { $0.productID?.rawValue }
        let products = try await ProductRepository.load(context.database.reader, ids: ids, workspace: actor.workspaceID)
        var probe = input
        if probe.number == nil { probe.number = "dry-run" }
        _ = try OrderRules.apply(
            probe,
            to: Order(
                id: Order.ID("dry-run"), workspaceID: actor.workspaceID, currency: currency, now: context.effects.now(),
                createdBy: actor.userID),
            context: OrderContext(
                products: Dictionary(products.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }), currency: currency,
                now: context.effects.now()))
    }
}

/// The workspace's live products by SKU and by folded name, read once per import instead of once per line.
private struct Catalog {
    var bySKU: [String: Product.ID] = [:]
    var byName: [String: Product.ID] = [:]

    static func load(_ db: any SQLDatabase, workspace: Workspace.ID) async throws -> Catalog {
        var catalog = Catalog()
        let rows = try await db.raw(
            "SELECT id, sku, sort_name FROM products WHERE workspace_id = \(bind: workspace.rawValue) AND deleted_at IS NULL ORDER BY id"
        ).all()
        for row in rows {
            let id: Product.ID = try row.id("id")
            if let sku = try row.optionalString("sku"), catalog.bySKU[sku] == nil { catalog.bySKU[sku] = id }
            let name = try row.string("sort_name")
            if catalog.byName[name] == nil { catalog.byName[name] = id }
        }
        return catalog
    }

    /// The product a line names: by SKU first, then by name (case- and ё-insensitive).
    func product(sku: String?, name: String?) -> Product.ID? {
        if let sku, let id = bySKU[sku] { return id }
        return name.flatMap { byName[SearchText.fold($0)] }
    }
}
