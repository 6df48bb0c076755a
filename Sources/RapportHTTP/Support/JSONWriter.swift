import Foundation
import RapportCore

/// Writes JSON bytes directly. The representations that fill list pages (contacts, companies, deals)
/// write themselves with it, because Foundation's `JSONEncoder` cost more per row than the database; a
/// test checks each writer produces exactly what `JSONEncoder` would, so the two cannot drift.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    private var needsComma: [Bool] = [false]

    init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    private mutating func separate() {
        if needsComma[needsComma.count - 1] { bytes.append(44) }
        needsComma[needsComma.count - 1] = true
    }

    mutating func beginObject() {
        separate()
        bytes.append(123)
        needsComma.append(false)
    }

    mutating func endObject() {
        needsComma.removeLast()
        bytes.append(125)
    }

    mutating func beginArray() {
        separate()
        bytes.append(91)
        needsComma.append(false)
    }

    mutating func endArray() {
        needsComma.removeLast()
        bytes.append(93)
    }

    /// Writes `"key":` (the value written next completes the member).
    mutating func key(_ key: StaticString) {
        separate()
        bytes.append(34)
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(34)
        bytes.append(58)
        needsComma[needsComma.count - 1] = false
    }

    mutating func string(_ text: String) {
        separate()
        quoted(text)
    }

    private mutating func quoted(_ text: String) { JSONValue.write(string: text, to: &bytes) }

    mutating func int(_ value: Int64) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: value ? Array("true".utf8) : Array("false".utf8))
    }

    mutating func null() {
        separate()
        bytes.append(contentsOf: Array("null".utf8))
    }

    mutating func date(_ date: Date) { string(APIJSON.formatTimestamp(date)) }

    mutating func json(_ value: JSONValue) {
        switch value {
        case .null: null()
        case .bool(let flag): bool(flag)
        case .int(let number): int(number)
        case .double(let number):
            separate()
            bytes.append(contentsOf: ((try? JSONEncoder().encode(number)) ?? Data("null".utf8)))
        case .string(let text): string(text)
        case .array(let items):
            beginArray()
            for item in items { json(item) }
            endArray()
        case .object(let members):
            beginObject()
            for (name, member) in members {
                separate()
                quoted(name)
                bytes.append(58)
                needsComma[needsComma.count - 1] = false
                json(member)
            }
            endObject()
        }
    }

    // Members: a nil optional is left out, as `JSONEncoder` does with synthesized `Encodable`.
    mutating func field(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }
    mutating func field(_ name: StaticString, _ value: Int64?) {
        guard let value else { return }
        key(name)
        int(value)
    }
    mutating func field(_ name: StaticString, _ value: Int?) { field(name, value.map(Int64.init)) }
    mutating func field(_ name: StaticString, _ value: Bool?) {
        guard let value else { return }
        key(name)
        bool(value)
    }
    mutating func field(_ name: StaticString, _ value: Date?) {
        guard let value else { return }
        key(name)
        date(value)
    }
    mutating func field(_ name: StaticString, _ value: (some JSONWritable)?) {
        guard let value else { return }
        key(name)
        value.write(to: &self)
    }
    mutating func field(_ name: StaticString, _ values: [some JSONWritable]) {
        key(name)
        beginArray()
        for value in values { value.write(to: &self) }
        endArray()
    }
    mutating func field(_ name: StaticString, _ values: [String]) {
        key(name)
        beginArray()
        for value in values { string(value) }
        endArray()
    }
    mutating func field(_ name: StaticString, _ values: [String: JSONValue]) {
        key(name)
        json(.object(values))
    }
}

/// A representation that writes its own JSON (see ``JSONWriter``).
protocol JSONWritable: Encodable, Sendable {
    func write(to writer: inout JSONWriter)
}
