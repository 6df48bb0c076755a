import Foundation
import RapportCore
import RapportHTTP

/// Checks API responses against the OpenAPI document: the status must be documented for the operation,
/// and the body must match its schema (a JSON Schema subset: type, properties, required, items, enum,
/// anyOf, $ref, additionalProperties, minimum/maximum, pattern, format date-time).
enum ContractCheck {
    static let document = OpenAPIDocument.json

    /// The documented operation for a concrete request path, with its path template.
    static func operation(method: String, path: String) -> (template: String, operation: JSONValue)? {
        let concrete = path.split(separator: "?").first.map(String.init) ?? path
        let segments = concrete.split(separator: "/")
        guard case .object(let paths) = document["paths"] else { return nil }
        // Like the router: where a literal segment and a parameter both match (`/contacts/export` and
        // `/contacts/{id}`), the template with more literal segments wins.
        var best: (template: String, operation: JSONValue, literals: Int)?
        for (template, item) in paths {
            let parts = template.split(separator: "/")
            guard parts.count == segments.count else { continue }
            let matches = zip(parts, segments).allSatisfy { pattern, actual in pattern.hasPrefix("{") || pattern == actual }
            let literals = parts.filter { !$0.hasPrefix("{") }.count
            if matches, case .object = item[method.lowercased()], literals > (best?.literals ?? -1) {
                best = (template, item[method.lowercased()], literals)
            }
        }
        return best.map { ($0.template, $0.operation) }
    }

    static func validate(method: String, path: String, status: Int, body: JSONValue) -> [String] {
        guard let (template, operation) = operation(method: method, path: path) else {
            // Unrouted paths answer 404/405 problems; anything else must be documented.
            return status == 404 || status == 405
                ? validate(body, against: ref("#/components/schemas/Problem"), at: "$") : ["no documented operation \(method) \(path)"]
        }
        var response = operation["responses"][String(status)]
        if response == .null { return ["status \(status) is not documented for \(method) \(template)"] }
        if let target = response["$ref"].stringValue { response = resolve(target) }
        let content = response["content"]
        guard case .object(let types) = content, let media = types.values.first else {
            return body == .null ? [] : ["\(method) \(template) \(status) documents no body but one was sent"]
        }
        return validate(body, against: media["schema"], at: "$")
    }

    static func ref(_ pointer: String) -> JSONValue { .object(["$ref": .string(pointer)]) }

    static func resolve(_ pointer: String) -> JSONValue {
        var node = document
        for part in pointer.dropFirst(2).split(separator: "/") { node = node[String(part)] }
        return node
    }

    static func validate(_ value: JSONValue, against schema: JSONValue, at path: String) -> [String] {
        if let target = schema["$ref"].stringValue { return validate(value, against: resolve(target), at: path) }
        var problems: [String] = []
        if case .array(let options) = schema["anyOf"] {
            if !options.contains(where: { validate(value, against: $0, at: path).isEmpty }) {
                problems.append("\(path): matches no anyOf option")
            }
            return problems
        }
        let types: [String]
        switch schema["type"] {
        case .string(let type): types = [type]
        case .array(let list): types = list.compactMap(\.stringValue)
        default: types = []
        }
        if !types.isEmpty, !types.contains(where: { matches(value, type: $0) }) {
            return ["\(path): expected \(types.joined(separator: "|")), got \(value)"]
        }
        if case .array(let allowed) = schema["enum"], !allowed.contains(value) {
            problems.append("\(path): \(value) not in enum")
        }
        switch value {
        case .object(let object):
            if case .array(let required) = schema["required"] {
                for key in required.compactMap(\.stringValue) where object[key] == nil {
                    problems.append("\(path).\(key): required but missing")
                }
            }
            let properties = schema["properties"]
            for (key, member) in object {
                let memberSchema = properties[key]
                if memberSchema != .null {
                    problems += validate(member, against: memberSchema, at: "\(path).\(key)")
                } else if case .object = schema["additionalProperties"] {
                    problems += validate(member, against: schema["additionalProperties"], at: "\(path).\(key)")
                } else if case .object = properties {
                    problems.append("\(path).\(key): not in the schema")
                }
            }
        case .array(let items):
            for (index, item) in items.enumerated() { problems += validate(item, against: schema["items"], at: "\(path)[\(index)]") }
        case .string(let text):
            if schema["format"].stringValue == "date-time", APIJSON.parseTimestamp(text) == nil {
                problems.append("\(path): not date-time")
            }
            if schema["format"].stringValue == "date", LocalDate(iso: text) == nil { problems.append("\(path): not a date") }
            if let pattern = schema["pattern"].stringValue, text.range(of: pattern, options: .regularExpression) == nil {
                problems.append("\(path): does not match \(pattern)")
            }
        case .int(let number):
            if let minimum = schema["minimum"].intValue, number < minimum { problems.append("\(path): below minimum") }
            if let maximum = schema["maximum"].intValue, number > maximum { problems.append("\(path): above maximum") }
        default:
            break
        }
        return problems
    }

    static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("integer", .int), ("number", .int), ("number", .double), ("string", .string),
            ("array", .array), ("object", .object):
            true
        default:
            false
        }
    }
}
