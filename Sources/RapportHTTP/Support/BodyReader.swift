import Foundation
import Hummingbird
import NIOCore
import RapportCore

/// Reads a JSON request body field by field, collecting every type error with its path, so one 422
/// names all bad fields and no input can crash a decoder.
struct BodyReader {
    let object: [String: JSONValue]
    let path: String
    var issues: FieldIssues

    /// The largest body any endpoint accepts.
    static let maximumBytes = 1 << 20

    /// Reads the request body as a JSON object; an empty body is an empty object.
    static func read(_ request: Request, context: AppRequestContext) async throws -> BodyReader {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: maximumBytes)
        } catch {
            throw APIError.payloadTooLarge
        }
        return try parse(Data(buffer.readableBytesView))
    }

    static func parse(_ data: Data) throws -> BodyReader {
        if data.allSatisfy({ [0x20, 0x0A, 0x0D, 0x09].contains($0) }) { return BodyReader(object: [:], path: "", issues: FieldIssues()) }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw APIError.malformedBody("The body is not valid JSON.")
        }
        guard case .object(let object) = value else { throw APIError.malformedBody("The body must be a JSON object.") }
        // NUL never belongs in CRM text, and PostgreSQL refuses it: name the field instead of failing later.
        var issues = FieldIssues()
        func check(_ value: JSONValue, _ path: String) {
            switch value {
            case .string(let text) where text.contains("\u{0}"): issues.add(path, .invalidFormat)
            case .array(let items): for (index, item) in items.enumerated() { check(item, "\(path)[\(index)]") }
            case .object(let members):
                for (key, member) in members {
                    let memberPath = path.isEmpty ? key : "\(path).\(key)"
                    if key.contains("\u{0}") { issues.add(memberPath, .invalidFormat) } else { check(member, memberPath) }
                }
            default: break
            }
        }
        check(value, "")
        try issues.throwIfAny()
        return BodyReader(object: object, path: "", issues: FieldIssues())
    }

    func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func has(_ key: String) -> Bool { object[key] != nil }

    /// Throws the collected issues, if any.
    func finish() throws(ValidationError) { try issues.throwIfAny() }

    private mutating func wrongType(_ key: String, _ expected: String) {
        issues.add(name(key), .wrongType, ["expected": expected])
    }

    // MARK: Scalars (absent or null → nil)

    mutating func string(_ key: String) -> String? {
        switch object[key] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        default:
            wrongType(key, "string")
            return nil
        }
    }

    mutating func int(_ key: String) -> Int? {
        switch object[key] {
        case nil, .null?: return nil
        case .int(let value)?:
            guard let int = Int(exactly: value) else {
                wrongType(key, "integer")
                return nil
            }
            return int
        default:
            wrongType(key, "integer")
            return nil
        }
    }

    mutating func int64(_ key: String) -> Int64? {
        switch object[key] {
        case nil, .null?: return nil
        case .int(let value)?: return value
        default:
            wrongType(key, "integer")
            return nil
        }
    }

    mutating func bool(_ key: String) -> Bool? {
        switch object[key] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        default:
            wrongType(key, "boolean")
            return nil
        }
    }

    mutating func enumValue<E: RawRepresentable & CaseIterable>(_ key: String, _: E.Type = E.self) -> E? where E.RawValue == String {
        guard let text = string(key) else { return nil }
        guard let value = E(rawValue: text) else {
            issues.add(name(key), .invalidOption, ["options": E.allCases.map(\.rawValue).joined(separator: ", ")])
            return nil
        }
        return value
    }

    mutating func timestamp(_ key: String) -> Date? {
        guard let text = string(key) else { return nil }
        guard let date = APIJSON.parseTimestamp(text) else {
            issues.add(name(key), .invalidDate)
            return nil
        }
        return date
    }

    mutating func localDate(_ key: String) -> LocalDate? {
        guard let text = string(key) else { return nil }
        guard let date = LocalDate(iso: text) else {
            issues.add(name(key), .invalidDate)
            return nil
        }
        return date
    }

    mutating func id<T>(_ key: String, _: T.Type = T.self) -> Identifier<T>? { string(key).map(Identifier.init(rawValue:)) }

    /// The required `version` of an update.
    mutating func version() -> Int64? {
        guard has("version") else {
            issues.add(name("version"), .required)
            return nil
        }
        return int64("version")
    }

    // MARK: Edits (absent → nil, null → .clear)

    mutating func edit<T: Sendable & Hashable>(_ key: String, _ read: (inout BodyReader, String) -> T?) -> Edit<T>? {
        guard let value = object[key] else { return nil }
        if value == .null { return .clear }
        return read(&self, key).map(Edit.set)
    }

    mutating func editString(_ key: String) -> Edit<String>? { edit(key) { $0.string($1) } }
    mutating func editID<T>(_ key: String, _: T.Type = T.self) -> Edit<Identifier<T>>? { edit(key) { $0.id($1) } }

    // MARK: Nested

    /// A nested object (absent or null → nil).
    mutating func nested(_ key: String) -> BodyReader? {
        switch object[key] {
        case nil, .null?: return nil
        case .object(let nested)?: return BodyReader(object: nested, path: name(key), issues: FieldIssues())
        default:
            wrongType(key, "object")
            return nil
        }
    }

    /// Reads a nested object and merges its issues.
    mutating func withNested<T>(_ key: String, _ read: (inout BodyReader) -> T) -> T? {
        guard var nested = nested(key) else { return nil }
        let value = read(&nested)
        issues.add(contentsOf: nested.issues.all)
        return value
    }

    /// An array of elements, each read by `element` (absent or null → nil).
    mutating func array<T>(_ key: String, _ element: (inout BodyReader, JSONValue, String) -> T?) -> [T]? {
        switch object[key] {
        case nil, .null?: return nil
        case .array(let values)?:
            if values.count > 500 {
                issues.add(name(key), .outOfRange, ["max": "500"])
                return nil
            }
            var result: [T] = []
            for (index, value) in values.enumerated() {
                if let item = element(&self, value, "\(name(key))[\(index)]") { result.append(item) }
            }
            return result
        default:
            wrongType(key, "array")
            return nil
        }
    }

    mutating func stringArray(_ key: String) -> [String]? {
        array(key) { reader, value, path in
            guard case .string(let text) = value else {
                reader.issues.add(path, .wrongType, ["expected": "string"])
                return nil
            }
            return text
        }
    }

    /// An element that must be an object, read by a nested reader.
    mutating func objectArray<T>(_ key: String, _ read: (inout BodyReader) -> T?) -> [T]? {
        array(key) { reader, value, path in
            guard case .object(let object) = value else {
                reader.issues.add(path, .wrongType, ["expected": "object"])
                return nil
            }
            var nested = BodyReader(object: object, path: path, issues: FieldIssues())
            let item = read(&nested)
            reader.issues.add(contentsOf: nested.issues.all)
            return item
        }
    }

    /// A JSON object of arbitrary values (custom fields).
    mutating func jsonObject(_ key: String) -> [String: JSONValue]? {
        switch object[key] {
        case nil, .null?: return nil
        case .object(let value)?: return value
        default:
            wrongType(key, "object")
            return nil
        }
    }

    /// Money: `{"amount": <minor units>, "currency": "RUB"}`.
    mutating func money(_ key: String) -> Money? {
        withNested(key) { reader -> Money? in
            let amount = reader.int64("amount")
            let code = reader.string("currency")
            if !reader.has("amount") { reader.issues.add(reader.name("amount"), .required) }
            if !reader.has("currency") { reader.issues.add(reader.name("currency"), .required) }
            let currency = code.flatMap(CurrencyCode.init(rawValue:))
            if code != nil, currency == nil { reader.issues.add(reader.name("currency"), .invalidCurrency) }
            guard let amount, let currency else { return nil }
            return Money(amount: amount, currency: currency)
        } ?? nil
    }
}
