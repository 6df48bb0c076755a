import Foundation
import RapportCore
import SQLKit

/// Compiles a segment filter into one parameterized SQL condition over the contacts (`c`) or companies
/// (`co`) table, the same text for SQLite and PostgreSQL except for the named dialect helpers. Every value
/// is a bind; column names come from this file only.
struct SegmentCompiler {
    let entity: SegmentEntity
    let workspace: Workspace.ID
    let dialect: Dialect
    /// The moment relative dates ("last 30 days") are resolved against.
    let now: Date
    /// The workspace's time zone, for calendar bounds ("start of the year", a day).
    let timeZone: TimeZone

    /// The table alias the condition refers to.
    var alias: String { Self.alias(of: entity) }
    /// The table, with its alias.
    var table: String { Self.table(of: entity) }

    /// The alias conditions on an entity's rows refer to (what a membership condition expects).
    static func alias(of entity: SegmentEntity) -> String { entity == .contact ? "c" : "co" }
    /// An entity's table with its alias.
    static func table(of entity: SegmentEntity) -> String { entity == .contact ? "contacts c" : "companies co" }

    func condition(_ filter: SegmentFilter) -> SQLQueryString {
        switch filter {
        case .all(let parts):
            return parts.isEmpty ? "1 = 1" : "(" + parts.map(condition).joined(separator: " AND ") + ")"
        case .any(let parts):
            return parts.isEmpty ? "1 = 0" : "(" + parts.map(condition).joined(separator: " OR ") + ")"
        case .not(let part):
            // Conditions never yield NULL (see `nullSafe`), so NOT is the plain complement.
            return "NOT " + condition(part)
        case .condition(let test):
            return "(" + condition(test) + ")"
        }
    }

    private func column(_ name: String) -> String { "\(alias).\(name)" }

    private func condition(_ test: SegmentCondition) -> SQLQueryString {
        switch test {
        case .text(let field, let text): return self.text(textColumn(field), field: field, text)
        case .option(let field, let option): return self.option(field, option)
        case .number(let field, let number): return self.number(field, number)
        case .date(let field, let date): return self.date(column(dateColumn(field)), date)
        case .flag(let field, let value): return flag(field, value)
        case .tags(let tags): return self.tags(tags)
        case .customField(let key, let kind, let test): return customField(key, kind, test)
        case .orders(let exists, let criteria): return (exists ? "" : "NOT ") + orders(criteria)
        case .deals(let exists, let criteria): return (exists ? "" : "NOT ") + deals(criteria)
        case .activities(let exists, let criteria): return (exists ? "" : "NOT ") + activities(criteria)
        }
    }

    // MARK: Fields of the record

    private func textColumn(_ field: SegmentField) -> String {
        switch field {
        case .city: column("city_key")
        case .source: column("source")
        case .utmSource: column("utm_source")
        case .utmMedium: column("utm_medium")
        case .utmCampaign: column("utm_campaign")
        case .utmContent: column("utm_content")
        default: column("utm_term")
        }
    }

    private func text(_ column: String, field: SegmentField, _ test: TextTest) -> SQLQueryString {
        // The city has a folded key column (Cyrillic case and ё); sources and UTM tags are compared lower-cased.
        let folded = field == .city
        let value: (String) -> String = { folded ? SearchText.fold($0) : $0.lowercased() }
        let expression: SQLQueryString = folded ? "\(unsafeRaw: column)" : "LOWER(\(unsafeRaw: column))"
        switch test {
        case .equals(let text): return "COALESCE(" + expression + " = \(bind: value(text)), FALSE)"
        case .notEquals(let text): return "NOT COALESCE(" + expression + " = \(bind: value(text)), FALSE)"
        case .contains(let text):
            return "COALESCE(" + expression + " LIKE \(bind: "%" + likeEscaped(value(text)) + "%") ESCAPE '\\', FALSE)"
        case .isEmpty: return "COALESCE(\(unsafeRaw: column), '') = ''"
        case .isNotEmpty: return "COALESCE(\(unsafeRaw: column), '') <> ''"
        }
    }

    private func option(_ field: SegmentField, _ test: OptionTest) -> SQLQueryString {
        let name: String
        switch field {
        case .lifecycle: name = column("lifecycle")
        case .readiness: name = column("readiness")
        case .rfmClass: name = column("rfm_class")
        default: name = column("owner_id")
        }
        func members(_ values: [String]) -> SQLQueryString {
            field == .team
                ? "\(unsafeRaw: name) IN (SELECT id FROM users WHERE workspace_id = \(bind: workspace.rawValue) AND team_id IN \(inList(values)))"
                : "\(unsafeRaw: name) IN \(inList(values))"
        }
        switch test {
        case .oneOf(let values): return "COALESCE(" + members(values) + ", FALSE)"
        case .noneOf(let values): return "NOT COALESCE(" + members(values) + ", FALSE)"
        case .isEmpty: return "\(unsafeRaw: name) IS NULL"
        case .isNotEmpty: return "\(unsafeRaw: name) IS NOT NULL"
        }
    }

    private func number(_ field: SegmentField, _ test: NumberTest) -> SQLQueryString {
        if field == .averageCheck {
            // revenue / count compared exactly, without dividing: avg ≥ x ⇔ revenue ≥ x × count (count > 0).
            let revenue = column("revenue")
            let count = column("order_count")
            let compare: (String, Int64) -> SQLQueryString = { op, value in
                "\(unsafeRaw: revenue) \(unsafeRaw: op) \(bind: value) * \(unsafeRaw: count)"
            }
            let body: SQLQueryString =
                switch test {
                case .equals(let v): compare("=", v)
                case .greaterThan(let v): compare(">", v)
                case .atLeast(let v): compare(">=", v)
                case .lessThan(let v): compare("<", v)
                case .atMost(let v): compare("<=", v)
                case .between(let low, let high): compare(">=", low) + " AND " + compare("<=", high)
                }
            return "(\(unsafeRaw: count) > 0 AND " + body + ")"
        }
        switch field {
        case .orderCount, .revenue:
            // NOT NULL columns: the bare comparison is never NULL, and it can range over the purchases index.
            return compare("\(unsafeRaw: column(field == .orderCount ? "order_count" : "revenue"))", test)
        default:
            let name: String =
                switch field {
                case .rfmRecency: column("rfm_recency")
                case .rfmFrequency: column("rfm_frequency")
                default: column("rfm_monetary")
                }
            return "COALESCE(" + compare("\(unsafeRaw: name)", test) + ", FALSE)"
        }
    }

    private func compare(_ expression: SQLQueryString, _ test: NumberTest) -> SQLQueryString {
        switch test {
        case .equals(let v): expression + " = \(bind: v)"
        case .greaterThan(let v): expression + " > \(bind: v)"
        case .atLeast(let v): expression + " >= \(bind: v)"
        case .lessThan(let v): expression + " < \(bind: v)"
        case .atMost(let v): expression + " <= \(bind: v)"
        case .between(let low, let high): expression + " BETWEEN \(bind: low) AND \(bind: high)"
        }
    }

    private func dateColumn(_ field: SegmentField) -> String {
        switch field {
        case .firstOrderAt: "first_order_at"
        case .lastOrderAt: "last_order_at"
        default: "created_at"
        }
    }

    /// A date test on a millisecond column; "not within" includes never.
    private func date(_ column: String, _ test: DateTest) -> SQLQueryString {
        switch test {
        case .before(let bound): return "COALESCE(\(unsafeRaw: column) < \(bind: millis(bound)), FALSE)"
        case .after(let bound): return "COALESCE(\(unsafeRaw: column) >= \(bind: millis(bound)), FALSE)"
        case .withinDays(let days): return "COALESCE(\(unsafeRaw: column) >= \(bind: millis(.daysAgo(days))), FALSE)"
        case .notWithinDays(let days):
            return "(\(unsafeRaw: column) IS NULL OR \(unsafeRaw: column) < \(bind: millis(.daysAgo(days))))"
        case .isEmpty: return "\(unsafeRaw: column) IS NULL"
        case .isNotEmpty: return "\(unsafeRaw: column) IS NOT NULL"
        }
    }

    private func millis(_ bound: DateBound) -> Int64 { bound.resolve(now: now, timeZone: timeZone).millis }

    private func flag(_ field: SegmentField, _ value: Bool) -> SQLQueryString {
        let holds: SQLQueryString
        switch field {
        case .emailConsent: holds = "COALESCE(\(unsafeRaw: column("email_consent")) = TRUE, FALSE)"
        case .smsConsent: holds = "COALESCE(\(unsafeRaw: column("sms_consent")) = TRUE, FALSE)"
        case .hasEmail:
            holds =
                "EXISTS (SELECT 1 FROM emails e WHERE e.record_kind = \(bind: entity.recordKind.rawValue) AND e.record_id = \(unsafeRaw: column("id")))"
        default:
            holds =
                "EXISTS (SELECT 1 FROM phones ph WHERE ph.record_kind = \(bind: entity.recordKind.rawValue) AND ph.record_id = \(unsafeRaw: column("id")))"
        }
        return value ? holds : "NOT " + holds
    }

    private func tags(_ test: TagTest) -> SQLQueryString {
        func having(_ names: [String]) -> SQLQueryString {
            """
            EXISTS (SELECT 1 FROM record_tags rt JOIN tags t ON t.id = rt.tag_id
                    WHERE rt.record_kind = \(bind: entity.recordKind.rawValue) AND rt.record_id = \(unsafeRaw: column("id"))
                    AND t.workspace_id = \(bind: workspace.rawValue) AND t.name_key IN \(inList(names.map(SearchText.fold))))
            """
        }
        switch test {
        case .hasAny(let names): return having(names)
        case .hasAll(let names): return "(" + names.map { having([$0]) }.joined(separator: " AND ") + ")"
        case .hasNone(let names): return "NOT " + having(names)
        }
    }

    private func customField(_ key: String, _ kind: CustomFieldKind, _ test: CustomFieldTest) -> SQLQueryString {
        let source = column("custom_fields")
        let text = dialect.customFieldText(key, column: source)
        switch test {
        case .equals(let value):
            if kind == .multiSelect { return dialect.customFieldArrayContains(key, value: value, column: source) }
            return "COALESCE(" + text + " = \(bind: value), FALSE)"
        case .number(let number):
            return "COALESCE(" + compare(dialect.customFieldNumber(key, money: kind == .money, column: source), number) + ", FALSE)"
        case .date(let date):
            // Date fields hold "YYYY-MM-DD" text, which sorts like the dates it names.
            let day: (DateBound) -> String = { bound in
                Formatting(locale: .en, timeZone: timeZone).localDate(bound.resolve(now: now, timeZone: timeZone)).description
            }
            switch date {
            case .before(let bound): return "COALESCE(" + text + " < \(bind: day(bound)), FALSE)"
            case .after(let bound): return "COALESCE(" + text + " >= \(bind: day(bound)), FALSE)"
            case .withinDays(let days): return "COALESCE(" + text + " >= \(bind: day(.daysAgo(days))), FALSE)"
            case .notWithinDays(let days): return "(" + text + " IS NULL OR " + text + " < \(bind: day(.daysAgo(days))))"
            case .isEmpty: return text + " IS NULL"
            case .isNotEmpty: return text + " IS NOT NULL"
            }
        case .flag(let value):
            return "COALESCE(" + dialect.customFieldFlag(key, column: source) + " = \(bind: value), FALSE)"
        case .isEmpty: return text + " IS NULL"
        case .isNotEmpty: return text + " IS NOT NULL"
        }
    }

    // MARK: Related records

    private func orders(_ criteria: OrderCriteria) -> SQLQueryString {
        let client = entity == .contact ? "contact_id" : "company_id"
        var conditions: [SQLQueryString] = ["o.counted = TRUE"]
        if let after = criteria.after { conditions.append("o.ordered_at >= \(bind: millis(after))") }
        if let before = criteria.before { conditions.append("o.ordered_at < \(bind: millis(before))") }
        if !criteria.channels.isEmpty { conditions.append("LOWER(o.channel) IN \(inList(criteria.channels.map { $0.lowercased() }))") }
        if let bought = boughtProducts(criteria) { return bought }
        // The orders holding a line of these products or categories, read off the lines' product index.
        var lines: [SQLQueryString] = []
        if !criteria.productIDs.isEmpty {
            lines.append("SELECT l.order_id FROM order_lines l WHERE l.product_id IN \(inList(criteria.productIDs.map(\.rawValue)))")
        }
        if !criteria.categories.isEmpty {
            lines.append(
                """
                SELECT l.order_id FROM order_lines l JOIN products p ON p.id = l.product_id
                WHERE p.category_key IN \(inList(criteria.categories.map(SearchText.fold)))
                """
            )
        }
        guard !lines.isEmpty else {
            // Any order (of a period or a channel): one probe of the client's orders per record.
            return "EXISTS (SELECT 1 FROM orders o WHERE " + (["o.\(unsafeRaw: client) = \(unsafeRaw: column("id"))"] + conditions).anded()
                + ")"
        }
        // Products named: the few orders holding them give their clients, instead of probing every record's
        // orders (a million contacts × their orders × their lines). Neither list holds a NULL, so the test is
        // TRUE or FALSE, as `NOT` needs.
        conditions += lines.map { "o.id IN (" + $0 + ")" }
        conditions.append("o.\(unsafeRaw: client) IS NOT NULL")
        return "\(unsafeRaw: column("id")) IN (SELECT o.\(unsafeRaw: client) FROM orders o WHERE " + conditions.anded() + ")"
    }

    /// "Bought one of these products" (or "a product of these categories") at any time, through any channel:
    /// the buyers are read off what each client bought (`client_products`, kept by the order writes), not
    /// off the order lines. Nil when the criteria need the orders themselves (a period, a channel, or products
    /// and categories together, which must hold for the same order).
    private func boughtProducts(_ criteria: OrderCriteria) -> SQLQueryString? {
        guard criteria.after == nil, criteria.before == nil, criteria.channels.isEmpty,
            criteria.productIDs.isEmpty != criteria.categories.isEmpty
        else { return nil }
        let products: SQLQueryString =
            criteria.productIDs.isEmpty
            ? "(SELECT p.id FROM products p WHERE p.category_key IN \(inList(criteria.categories.map(SearchText.fold))))"
            : inList(criteria.productIDs.map(\.rawValue))
        // client_id is NOT NULL, so the test is TRUE or FALSE, as `NOT` needs.
        return "\(unsafeRaw: column("id")) IN (SELECT cp.client_id FROM client_products cp WHERE cp.product_id IN " + products + ")"
    }

    private func deals(_ criteria: DealCriteria) -> SQLQueryString {
        var conditions: [SQLQueryString] = ["d.deleted_at IS NULL"]
        let from: SQLQueryString
        switch entity {
        case .contact:
            from = "deals d JOIN deal_contacts dc ON dc.deal_id = d.id"
            conditions.append("dc.contact_id = \(unsafeRaw: column("id"))")
        case .company:
            from = "deals d"
            conditions.append("d.company_id = \(unsafeRaw: column("id"))")
        }
        if let status = criteria.status { conditions.append("d.status = \(bind: status.rawValue)") }
        if !criteria.pipelineIDs.isEmpty { conditions.append("d.pipeline_id IN \(inList(criteria.pipelineIDs.map(\.rawValue)))") }
        if !criteria.stageIDs.isEmpty { conditions.append("d.stage_id IN \(inList(criteria.stageIDs.map(\.rawValue)))") }
        // Closed deals are dated by their closing, open ones by their creation.
        let when = "COALESCE(d.closed_at, d.created_at)"
        if let after = criteria.after { conditions.append("\(unsafeRaw: when) >= \(bind: millis(after))") }
        if let before = criteria.before { conditions.append("\(unsafeRaw: when) < \(bind: millis(before))") }
        return "EXISTS (SELECT 1 FROM " + from + " WHERE " + conditions.anded() + ")"
    }

    private func activities(_ criteria: ActivityCriteria) -> SQLQueryString {
        var conditions: [SQLQueryString] = [
            "a.\(unsafeRaw: entity == .contact ? "contact_id" : "company_id") = \(unsafeRaw: column("id"))", "a.deleted_at IS NULL",
        ]
        if criteria.kinds.isEmpty {
            conditions.append("a.kind <> \(bind: ActivityKind.system.rawValue)")
        } else {
            conditions.append("a.kind IN \(inList(criteria.kinds.map(\.rawValue)))")
        }
        if let after = criteria.after { conditions.append("a.occurred_at >= \(bind: millis(after))") }
        if let before = criteria.before { conditions.append("a.occurred_at < \(bind: millis(before))") }
        return "EXISTS (SELECT 1 FROM activities a WHERE " + conditions.anded() + ")"
    }
}
