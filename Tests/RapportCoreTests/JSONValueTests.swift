import Foundation
import RapportCore
import Testing

@Suite("JSON values")
struct JSONValueTests {
    static func decode(_ json: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
    }

    static func roundTrip(_ value: JSONValue) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
    }

    @Test("Decodes every JSON type")
    func decodesEverything() throws {
        let value = try Self.decode(
            #"{"n":null,"b":true,"f":false,"i":42,"neg":-7,"d":1.5,"s":"текст","a":[1,"x",null],"o":{"k":{"deep":[]}}}"#)
        #expect(
            value
                == .object([
                    "n": .null, "b": .bool(true), "f": .bool(false), "i": .int(42), "neg": .int(-7), "d": .double(1.5),
                    "s": .string("текст"), "a": .array([.int(1), .string("x"), .null]),
                    "o": .object(["k": .object(["deep": .array([])])]),
                ]))
    }

    @Test("Numbers 0 and 1 are integers, not Booleans")
    func numbersAreNotBooleans() throws {
        #expect(try Self.decode("[true, 1, 0, false]") == [true, 1, 0, false])
        #expect(try Self.decode("1") == .int(1))
    }

    @Test("Whole numbers are integers; others and huge ones are doubles")
    func numbers() throws {
        #expect(try Self.decode("9223372036854775807") == .int(.max))
        #expect(try Self.decode("-9223372036854775808") == .int(.min))
        #expect(try Self.decode("0.25") == .double(0.25))
        #expect(try Self.decode("9223372036854775808") == .double(9.223372036854775808e18))
        #expect(try Self.decode("1e300") == .double(1e300))
    }

    @Test(
        "Encoding and decoding round-trip",
        arguments: [
            JSONValue.null, true, false, 0, -1, 9_223_372_036_854_775_807, 2.5, -0.125, "", "строка \"с\" кавычками",
            [], [1, "a", nil, [true]], [:], ["a": ["b": [1, 2]], "c": nil],
        ] as [JSONValue])
    func roundTrip(_ value: JSONValue) throws {
        #expect(try Self.roundTrip(value) == value)
    }

    @Test("Encodes as plain JSON")
    func plainEncoding() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let value: JSONValue = ["a": [1, "x", nil, true, 1.5]]
        #expect(String(decoding: try encoder.encode(value), as: UTF8.self) == #"{"a":[1,"x",null,true,1.5]}"#)
    }

    @Test("Literals")
    func literals() {
        let string: JSONValue = "x"
        let integer: JSONValue = 7
        let double: JSONValue = 7.5
        let flag: JSONValue = true
        let null: JSONValue = nil
        let array: JSONValue = [1, "a"]
        let object: JSONValue = ["k": 1, "k2": "v"]
        #expect(string == .string("x"))
        #expect(integer == .int(7))
        #expect(double == .double(7.5))
        #expect(flag == .bool(true))
        #expect(null == .null)
        #expect(array == .array([.int(1), .string("a")]))
        #expect(object == .object(["k": .int(1), "k2": .string("v")]))
        #expect(JSONValue(dictionaryLiteral: ("k", 1), ("k", 2)) == ["k": 2])
    }

    @Test("Optional wrappers map nil to null")
    func optionalWrappers() {
        #expect(JSONValue(String?.none) == .null)
        #expect(JSONValue(String?.some("a")) == .string("a"))
        #expect(JSONValue(Int64?.none) == .null)
        #expect(JSONValue(Int64?.some(3)) == .int(3))
        #expect(JSONValue(Bool?.none) == .null)
        #expect(JSONValue(Bool?.some(false)) == .bool(false))
    }

    @Test(
        "Plain text rendering",
        arguments: [
            (JSONValue.null, ""), (true, "true"), (false, "false"), (42, "42"), (-3, "-3"), (1.5, "1.5"), ("текст", "текст"),
            (["a", 1, true], "a, 1, true"), ([], ""), (["k": "v"], ""), ([["x", "y"], "z"], "x, y, z"),
        ] as [(JSONValue, String)])
    func plainText(_ value: JSONValue, _ text: String) {
        #expect(value.plainText == text)
    }

    @Test("String payload")
    func stringValue() {
        #expect(JSONValue.string("a").stringValue == "a")
        #expect(JSONValue.int(1).stringValue == nil)
        #expect(JSONValue.null.stringValue == nil)
    }
}
