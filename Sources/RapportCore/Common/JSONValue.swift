import Foundation

/// A JSON value: custom field values, audit before/after values, problem details.
public enum JSONValue: Hashable, Sendable, Codable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Decodes any JSON value, preferring integers for whole numbers.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Encodes the value as plain JSON.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// The string payload, if this is a string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// A plain-text rendering used for search indexing and comparisons with query parameters.
    public var plainText: String {
        switch self {
        case .null: return ""
        case .bool(let value): return value ? "true" : "false"
        case .int(let value): return String(value)
        case .double(let value): return String(value)
        case .string(let value): return value
        case .array(let values): return values.map(\.plainText).joined(separator: ", ")
        case .object: return ""
        }
    }
}

extension JSONValue {
    /// Wraps an optional string: nil becomes `.null`.
    public init(_ text: String?) { self = text.map(JSONValue.string) ?? .null }
    /// Wraps an optional integer: nil becomes `.null`.
    public init(_ number: Int64?) { self = number.map(JSONValue.int) ?? .null }
    /// Wraps an optional Boolean: nil becomes `.null`.
    public init(_ flag: Bool?) { self = flag.map(JSONValue.bool) ?? .null }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByStringInterpolation, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral, ExpressibleByFloatLiteral
{
    /// A string literal.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An integer literal.
    public init(integerLiteral value: Int64) { self = .int(value) }
    /// A Boolean literal.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An array literal.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// A dictionary literal.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    /// `nil` is JSON null.
    public init(nilLiteral: ()) { self = .null }
    /// A floating-point literal.
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension JSONValue {
    /// Compact JSON with object keys sorted, written directly: an import writes a million audit entries and
    /// custom-field sets, and `JSONEncoder` spent tens of microseconds on each. `JSONDecoder` reads it back to
    /// the same value.
    public var jsonText: String {
        var bytes: [UInt8] = []
        write(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the value as compact, key-sorted JSON (UTF-8).
    public func write(to bytes: inout [UInt8]) {
        switch self {
        case .null: bytes += "null".utf8
        case .bool(let value): bytes += (value ? "true" : "false").utf8
        case .int(let value): bytes += String(value).utf8
        case .double(let value): bytes += (value.isFinite ? String(value) : "null").utf8
        case .string(let value): Self.write(string: value, to: &bytes)
        case .array(let values):
            bytes.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                value.write(to: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                Self.write(string: key, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                members[key, default: .null].write(to: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Appends a JSON string literal (UTF-8): quotes, backslashes and control characters escaped, everything
    /// else as is. The one escaper: the API's response writer uses it too.
    public static func write(string: String, to bytes: inout [UInt8]) {
        bytes.append(34)
        // Read from the string's UTF-8 storage, with the runs between escapes copied whole: byte by byte through
        // the view's indices, this was a twentieth of an import's CPU (each audit entry's changes are a JSON
        // text in a JSON row, every quote of them escaped).
        let written: Void? = string.utf8.withContiguousStorageIfAvailable { appendEscaped($0, to: &bytes) }
        if written == nil { Array(string.utf8).withUnsafeBufferPointer { appendEscaped($0, to: &bytes) } }
        bytes.append(34)
    }

    private static func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        var run = 0
        for (index, byte) in utf8.enumerated() where byte < 32 || byte == 34 || byte == 92 {
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run..<index]))
            escape(byte, to: &bytes)
            run = index + 1
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run...]))
    }

    /// Appends the escape of a quote, a backslash or a control character.
    private static func escape(_ byte: UInt8, to bytes: inout [UInt8]) {
        bytes.append(92)
        switch byte {
        case 34, 92: bytes.append(byte)
        case 10: bytes.append(110)
        case 13: bytes.append(114)
        case 9: bytes.append(116)
        case 8: bytes.append(98)
        case 12: bytes.append(102)
        default:
            bytes.append(117)
            bytes.append(48)
            bytes.append(48)
            bytes.append(Hex.digit(byte >> 4))
            bytes.append(Hex.digit(byte & 15))
        }
    }
}
