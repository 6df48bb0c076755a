/// Reading a segment filter from its JSON form and writing it back in a canonical form.
extension SegmentFilter {
    /// The deepest nesting of all/any/not a filter may have.
    public static let maximumDepth = 8
    /// The most conditions a filter may hold.
    public static let maximumConditions = 100

    /// Parses and checks a filter. Every problem is reported with its path (`filter.all[1].value`), so a
    /// builder can point at the wrong part.
    /// - Parameters:
    ///   - json: the filter as sent.
    ///   - entity: contacts or companies: which fields exist.
    ///   - customFields: the workspace's custom field definitions for the entity.
    ///   - path: the name of the filter in the request.
    public static func parse(
        _ json: JSONValue, entity: SegmentEntity, customFields: [CustomFieldDefinition], path: String = "filter"
    ) throws(ValidationError) -> SegmentFilter {
        var parser = SegmentParser(entity: entity, customFields: customFields)
        let filter = parser.node(json, path: path, depth: 0)
        if parser.conditions > maximumConditions {
            parser.issues.add(path, .outOfRange, ["max": String(maximumConditions)])
        }
        try parser.issues.throwIfAny()
        return filter
    }

    /// The canonical JSON form: what is stored and returned, and parses back to an equal filter.
    public var json: JSONValue {
        switch self {
        case .all(let parts): .object(["all": .array(parts.map(\.json))])
        case .any(let parts): .object(["any": .array(parts.map(\.json))])
        case .not(let part): .object(["not": part.json])
        case .condition(let condition): condition.json
        }
    }
}

extension SegmentCondition {
    /// The canonical JSON form of one condition.
    public var json: JSONValue {
        switch self {
        case .text(let field, let test):
            switch test {
            case .equals(let value): return Self.make(field.rawValue, "is", .string(value))
            case .notEquals(let value): return Self.make(field.rawValue, "isNot", .string(value))
            case .contains(let value): return Self.make(field.rawValue, "contains", .string(value))
            case .isEmpty: return Self.make(field.rawValue, "isEmpty", nil)
            case .isNotEmpty: return Self.make(field.rawValue, "isNotEmpty", nil)
            }
        case .option(let field, let test):
            switch test {
            case .oneOf(let values): return Self.make(field.rawValue, "in", .array(values.map(JSONValue.string)))
            case .noneOf(let values): return Self.make(field.rawValue, "notIn", .array(values.map(JSONValue.string)))
            case .isEmpty: return Self.make(field.rawValue, "isEmpty", nil)
            case .isNotEmpty: return Self.make(field.rawValue, "isNotEmpty", nil)
            }
        case .number(let field, let test):
            let (op, value) = test.json
            return Self.make(field.rawValue, op, value)
        case .date(let field, let test):
            let (op, value) = test.json
            return Self.make(field.rawValue, op, value)
        case .flag(let field, let value):
            return Self.make(field.rawValue, value ? "isTrue" : "isFalse", nil)
        case .tags(let test):
            switch test {
            case .hasAny(let names): return Self.make("tag", "hasAny", .array(names.map(JSONValue.string)))
            case .hasAll(let names): return Self.make("tag", "hasAll", .array(names.map(JSONValue.string)))
            case .hasNone(let names): return Self.make("tag", "hasNone", .array(names.map(JSONValue.string)))
            }
        case .customField(let key, _, let test):
            let field = "customField.\(key)"
            switch test {
            case .equals(let value): return Self.make(field, "is", .string(value))
            case .number(let number):
                let (op, value) = number.json
                return Self.make(field, op, value)
            case .date(let date):
                let (op, value) = date.json
                return Self.make(field, op, value)
            case .flag(let value): return Self.make(field, value ? "isTrue" : "isFalse", nil)
            case .isEmpty: return Self.make(field, "isEmpty", nil)
            case .isNotEmpty: return Self.make(field, "isNotEmpty", nil)
            }
        case .orders(let exists, let criteria):
            var value: [String: JSONValue] = [:]
            if !criteria.productIDs.isEmpty { value["productIds"] = .array(criteria.productIDs.map { .string($0.rawValue) }) }
            if !criteria.categories.isEmpty { value["categories"] = .array(criteria.categories.map(JSONValue.string)) }
            if !criteria.channels.isEmpty { value["channels"] = .array(criteria.channels.map(JSONValue.string)) }
            if let after = criteria.after { value["after"] = after.json }
            if let before = criteria.before { value["before"] = before.json }
            return Self.make("orders", exists ? "exists" : "notExists", .object(value))
        case .deals(let exists, let criteria):
            var value: [String: JSONValue] = [:]
            if let status = criteria.status { value["status"] = .string(status.rawValue) }
            if !criteria.pipelineIDs.isEmpty { value["pipelineIds"] = .array(criteria.pipelineIDs.map { .string($0.rawValue) }) }
            if !criteria.stageIDs.isEmpty { value["stageIds"] = .array(criteria.stageIDs.map { .string($0.rawValue) }) }
            if let after = criteria.after { value["after"] = after.json }
            if let before = criteria.before { value["before"] = before.json }
            return Self.make("deals", exists ? "exists" : "notExists", .object(value))
        case .activities(let exists, let criteria):
            var value: [String: JSONValue] = [:]
            if !criteria.kinds.isEmpty { value["kinds"] = .array(criteria.kinds.map { .string($0.rawValue) }) }
            if let after = criteria.after { value["after"] = after.json }
            if let before = criteria.before { value["before"] = before.json }
            return Self.make("activities", exists ? "exists" : "notExists", .object(value))
        }
    }

    private static func make(_ field: String, _ op: String, _ value: JSONValue?) -> JSONValue {
        var object: [String: JSONValue] = ["field": .string(field), "op": .string(op)]
        if let value { object["value"] = value }
        return .object(object)
    }
}

extension NumberTest {
    var json: (op: String, value: JSONValue) {
        switch self {
        case .equals(let n): ("eq", .int(n))
        case .greaterThan(let n): ("gt", .int(n))
        case .atLeast(let n): ("gte", .int(n))
        case .lessThan(let n): ("lt", .int(n))
        case .atMost(let n): ("lte", .int(n))
        case .between(let low, let high): ("between", .array([.int(low), .int(high)]))
        }
    }
}

extension DateTest {
    var json: (op: String, value: JSONValue?) {
        switch self {
        case .before(let bound): ("before", bound.json)
        case .after(let bound): ("after", bound.json)
        case .withinDays(let days): ("withinDays", .int(Int64(days)))
        case .notWithinDays(let days): ("notWithinDays", .int(Int64(days)))
        case .isEmpty: ("isEmpty", nil)
        case .isNotEmpty: ("isNotEmpty", nil)
        }
    }
}

extension DateBound {
    /// `"2026-01-31"`, `{"daysAgo": 90}` or `{"startOf": "year"}`.
    public var json: JSONValue {
        switch self {
        case .day(let day): .string(day.description)
        case .daysAgo(let days): .object(["daysAgo": .int(Int64(days))])
        case .startOf(let period): .object(["startOf": .string(period.rawValue)])
        }
    }
}

/// Walks a filter's JSON, collecting every problem with its path.
private struct SegmentParser {
    let entity: SegmentEntity
    let customFields: [CustomFieldDefinition]
    var issues = FieldIssues()
    var conditions = 0

    init(entity: SegmentEntity, customFields: [CustomFieldDefinition]) {
        self.entity = entity
        self.customFields = customFields
    }

    mutating func node(_ json: JSONValue, path: String, depth: Int) -> SegmentFilter {
        guard case .object(let object) = json else {
            issues.add(path, .wrongType, ["expected": "object"])
            return .everyone
        }
        if depth > SegmentFilter.maximumDepth {
            issues.add(path, .outOfRange, ["max": String(SegmentFilter.maximumDepth)])
            return .everyone
        }
        for group in ["all", "any"] {
            guard let parts = object[group] else { continue }
            guard object.count == 1, case .array(let items) = parts else {
                issues.add("\(path).\(group)", .wrongType, ["expected": "array"])
                return .everyone
            }
            let nodes = items.enumerated().map { node($1, path: "\(path).\(group)[\($0)]", depth: depth + 1) }
            return group == "all" ? .all(nodes) : .any(nodes)
        }
        if let inner = object["not"] {
            guard object.count == 1 else {
                issues.add(path, .invalidFormat)
                return .everyone
            }
            return .not(node(inner, path: "\(path).not", depth: depth + 1))
        }
        conditions += 1
        return condition(object, path: path).map(SegmentFilter.condition) ?? .everyone
    }

    mutating func condition(_ object: [String: JSONValue], path: String) -> SegmentCondition? {
        guard case .string(let name)? = object["field"] else {
            issues.add("\(path).field", .required)
            return nil
        }
        guard case .string(let op)? = object["op"] else {
            issues.add("\(path).op", .required)
            return nil
        }
        let value = object["value"] ?? .null
        let valuePath = "\(path).value"
        if name.hasPrefix("customField.") {
            let key = String(name.dropFirst("customField.".count))
            guard let definition = customFields.first(where: { $0.key == key && $0.entity == entity.recordKind }) else {
                issues.add("\(path).field", .unknownField)
                return nil
            }
            return customField(definition, op: op, value: value, path: path)
        }
        guard let field = SegmentField(rawValue: name), field.applies(to: entity) else {
            issues.add("\(path).field", .unknownField)
            return nil
        }
        switch field.kind {
        case .text:
            switch op {
            case "is": return text(value, valuePath).map { .text(field, .equals($0)) }
            case "isNot": return text(value, valuePath).map { .text(field, .notEquals($0)) }
            case "contains": return text(value, valuePath).map { .text(field, .contains($0)) }
            case "isEmpty": return .text(field, .isEmpty)
            case "isNotEmpty": return .text(field, .isNotEmpty)
            default: return refuse(op: op, path: path, allowed: SegmentField.operators(of: SegmentField.Kind.text))
            }
        case .option:
            switch op {
            case "is", "isNot":
                guard let one = option(value, field: field, path: valuePath) else { return nil }
                return .option(field, op == "is" ? .oneOf([one]) : .noneOf([one]))
            case "in", "notIn":
                guard let many = options(value, field: field, path: valuePath) else { return nil }
                return .option(field, op == "in" ? .oneOf(many) : .noneOf(many))
            case "isEmpty": return .option(field, .isEmpty)
            case "isNotEmpty": return .option(field, .isNotEmpty)
            default: return refuse(op: op, path: path, allowed: SegmentField.operators(of: SegmentField.Kind.option))
            }
        case .number:
            return number(op: op, value: value, path: path).map { .number(field, $0) }
        case .date:
            return date(op: op, value: value, path: path).map { .date(field, $0) }
        case .flag:
            switch op {
            case "isTrue": return .flag(field, true)
            case "isFalse": return .flag(field, false)
            default: return refuse(op: op, path: path, allowed: SegmentField.operators(of: SegmentField.Kind.flag))
            }
        case .tags:
            guard ["hasAny", "hasAll", "hasNone"].contains(op) else {
                return refuse(op: op, path: path, allowed: SegmentField.operators(of: SegmentField.Kind.tags))
            }
            guard let names = texts(value, valuePath) else { return nil }
            return .tags(op == "hasAny" ? .hasAny(names) : op == "hasAll" ? .hasAll(names) : .hasNone(names))
        case .relation:
            guard op == "exists" || op == "notExists" else {
                return refuse(op: op, path: path, allowed: SegmentField.operators(of: SegmentField.Kind.relation))
            }
            return relation(field, exists: op == "exists", value: value, path: valuePath)
        }
    }

    mutating func customField(_ definition: CustomFieldDefinition, op: String, value: JSONValue, path: String) -> SegmentCondition? {
        let key = definition.key
        let kind = definition.kind
        if op == "isEmpty" { return .customField(key: key, kind: kind, .isEmpty) }
        if op == "isNotEmpty" { return .customField(key: key, kind: kind, .isNotEmpty) }
        switch kind {
        case .text, .url, .select, .multiSelect:
            guard op == "is" else { return refuse(op: op, path: path, allowed: ["is", "isEmpty", "isNotEmpty"]) }
            guard let text = text(value, "\(path).value") else { return nil }
            if kind == .select || kind == .multiSelect, !definition.options.contains(text) {
                issues.add("\(path).value", .invalidOption, ["options": definition.options.joined(separator: ", ")])
                return nil
            }
            return .customField(key: key, kind: kind, .equals(text))
        case .number, .money:
            return number(op: op, value: value, path: path).map { .customField(key: key, kind: kind, .number($0)) }
        case .date:
            return date(op: op, value: value, path: path).map { .customField(key: key, kind: kind, .date($0)) }
        case .boolean:
            guard op == "isTrue" || op == "isFalse" else {
                return refuse(op: op, path: path, allowed: ["isTrue", "isFalse", "isEmpty", "isNotEmpty"])
            }
            return .customField(key: key, kind: kind, .flag(op == "isTrue"))
        }
    }

    mutating func number(op: String, value: JSONValue, path: String) -> NumberTest? {
        let valuePath = "\(path).value"
        if op == "between" {
            guard case .array(let pair) = value, pair.count == 2, let low = integer(pair[0]), let high = integer(pair[1]) else {
                issues.add(valuePath, .wrongType, ["expected": "[number, number]"])
                return nil
            }
            if low > high { issues.add(valuePath, .outOfRange) }
            return .between(low, high)
        }
        let make: [String: (Int64) -> NumberTest] = [
            "eq": NumberTest.equals, "gt": NumberTest.greaterThan, "gte": NumberTest.atLeast, "lt": NumberTest.lessThan,
            "lte": NumberTest.atMost,
        ]
        guard let build = make[op] else { return refuse(op: op, path: path, allowed: SegmentField.operators(of: SegmentField.Kind.number)) }
        guard let number = integer(value) else {
            issues.add(valuePath, .wrongType, ["expected": "integer"])
            return nil
        }
        return build(number)
    }

    mutating func date(op: String, value: JSONValue, path: String) -> DateTest? {
        let valuePath = "\(path).value"
        switch op {
        case "before": return bound(value, valuePath).map(DateTest.before)
        case "after": return bound(value, valuePath).map(DateTest.after)
        case "withinDays", "notWithinDays":
            guard let days = integer(value), (0...36_600).contains(days) else {
                issues.add(valuePath, .outOfRange, ["min": "0", "max": "36600"])
                return nil
            }
            return op == "withinDays" ? .withinDays(Int(days)) : .notWithinDays(Int(days))
        case "isEmpty": return .isEmpty
        case "isNotEmpty": return .isNotEmpty
        default:
            return refuse(op: op, path: path, allowed: SegmentField.operators(of: SegmentField.Kind.date))
        }
    }

    mutating func bound(_ value: JSONValue, _ path: String) -> DateBound? {
        switch value {
        case .string(let text):
            guard let day = LocalDate(iso: text) else {
                issues.add(path, .invalidDate)
                return nil
            }
            return .day(day)
        case .object(let object) where object.count == 1:
            if let days = object["daysAgo"].flatMap(integer), (0...36_600).contains(days) { return .daysAgo(Int(days)) }
            if case .string(let name)? = object["startOf"], let period = CalendarPeriod(rawValue: name) { return .startOf(period) }
        default:
            break
        }
        issues.add(path, .wrongType, ["expected": "YYYY-MM-DD | {\"daysAgo\": n} | {\"startOf\": \"year\"}"])
        return nil
    }

    mutating func relation(_ field: SegmentField, exists: Bool, value: JSONValue, path: String) -> SegmentCondition? {
        var object: [String: JSONValue] = [:]
        switch value {
        case .null: break
        case .object(let given): object = given
        default:
            issues.add(path, .wrongType, ["expected": "object"])
            return nil
        }
        let allowed: Set<String> =
            switch field {
            case .orders: ["productIds", "categories", "channels", "after", "before"]
            case .deals: ["status", "pipelineIds", "stageIds", "after", "before"]
            default: ["kinds", "after", "before"]
            }
        for key in object.keys.sorted() where !allowed.contains(key) { issues.add("\(path).\(key)", .unknownField) }
        let after = object["after"].flatMap { bound($0, "\(path).after") }
        let before = object["before"].flatMap { bound($0, "\(path).before") }
        switch field {
        case .orders:
            var criteria = OrderCriteria()
            criteria.productIDs = object["productIds"].flatMap { texts($0, "\(path).productIds") }?.map { Product.ID($0) } ?? []
            criteria.categories = object["categories"].flatMap { texts($0, "\(path).categories") } ?? []
            criteria.channels = object["channels"].flatMap { texts($0, "\(path).channels") } ?? []
            criteria.after = after
            criteria.before = before
            return .orders(exists: exists, criteria)
        case .deals:
            var criteria = DealCriteria()
            if let status = object["status"] {
                guard case .string(let name) = status, let parsed = DealStatus(rawValue: name) else {
                    issues.add("\(path).status", .invalidOption, ["options": DealStatus.allCases.map(\.rawValue).joined(separator: ", ")])
                    return nil
                }
                criteria.status = parsed
            }
            criteria.pipelineIDs = object["pipelineIds"].flatMap { texts($0, "\(path).pipelineIds") }?.map { Pipeline.ID($0) } ?? []
            criteria.stageIDs = object["stageIds"].flatMap { texts($0, "\(path).stageIds") }?.map { Stage.ID($0) } ?? []
            criteria.after = after
            criteria.before = before
            return .deals(exists: exists, criteria)
        default:
            var criteria = ActivityCriteria()
            if let kinds = object["kinds"].flatMap({ texts($0, "\(path).kinds") }) {
                for name in kinds {
                    guard let kind = ActivityKind(rawValue: name) else {
                        issues.add(
                            "\(path).kinds", .invalidOption, ["options": ActivityKind.allCases.map(\.rawValue).joined(separator: ", ")])
                        return nil
                    }
                    criteria.kinds.append(kind)
                }
            }
            criteria.after = after
            criteria.before = before
            return .activities(exists: exists, criteria)
        }
    }

    mutating func text(_ value: JSONValue, _ path: String) -> String? {
        guard case .string(let text) = value, let trimmed = text.trimmedOrNil else {
            issues.add(path, .required)
            return nil
        }
        if trimmed.count > 200 {
            issues.add(path, .tooLong, ["max": "200"])
            return nil
        }
        return trimmed
    }

    mutating func texts(_ value: JSONValue, _ path: String) -> [String]? {
        guard case .array(let items) = value, !items.isEmpty, items.count <= 100 else {
            issues.add(path, .wrongType, ["expected": "array of 1 to 100 strings"])
            return nil
        }
        var result: [String] = []
        for (index, item) in items.enumerated() {
            guard let text = text(item, "\(path)[\(index)]") else { return nil }
            if !result.contains(text) { result.append(text) }
        }
        return result
    }

    mutating func option(_ value: JSONValue, field: SegmentField, path: String) -> String? {
        guard let text = text(value, path) else { return nil }
        if let allowed = field.options, !allowed.contains(text) {
            issues.add(path, .invalidOption, ["options": allowed.joined(separator: ", ")])
            return nil
        }
        return text
    }

    mutating func options(_ value: JSONValue, field: SegmentField, path: String) -> [String]? {
        guard let values = texts(value, path) else { return nil }
        if let allowed = field.options, let wrong = values.firstIndex(where: { !allowed.contains($0) }) {
            issues.add("\(path)[\(wrong)]", .invalidOption, ["options": allowed.joined(separator: ", ")])
            return nil
        }
        return values
    }

    func integer(_ value: JSONValue) -> Int64? {
        switch value {
        case .int(let number): return number
        case .double(let number) where number.rounded() == number && abs(number) < 9e15: return Int64(number)
        default: return nil
        }
    }

    mutating func refuse<T>(op: String, path: String, allowed: [String]) -> T? {
        issues.add("\(path).op", .invalidOption, ["options": allowed.joined(separator: ", ")])
        return nil
    }
}
