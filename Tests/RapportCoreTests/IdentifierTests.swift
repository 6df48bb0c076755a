import Foundation
import RapportCore
import Testing

@Suite("Identifiers, UUIDv7, seeded randomness, effects")
struct IdentifierTests {
    static let millis: Int64 = 1_790_000_000_000

    static func hexDigits(_ id: String) -> String { id.replacingOccurrences(of: "-", with: "") }

    // MARK: - UUIDv7

    @Test("Shape, version and variant bits", arguments: 0..<32)
    func versionAndVariant(_ seed: Int) throws {
        var random = SeededRandom(seed: UInt64(seed))
        let id = UUIDv7.make(unixMilliseconds: Self.millis + Int64(seed), using: &random)
        #expect(UUIDv7.isWellFormed(id))
        #expect(id == id.lowercased())
        let characters = Array(id)
        #expect(characters.count == 36)
        #expect([8, 13, 18, 23].allSatisfy { characters[$0] == "-" })
        #expect(characters[14] == "7")
        #expect("89ab".contains(characters[19]))
    }

    @Test("The first 48 bits are the Unix milliseconds")
    func timestamp() {
        var random = SeededRandom(seed: 7)
        let id = UUIDv7.make(unixMilliseconds: Self.millis, using: &random)
        let expected = String(Self.millis, radix: 16)
        #expect(String(Self.hexDigits(id).prefix(12)) == String(repeating: "0", count: 12 - expected.count) + expected)

        var zero = SeededRandom(seed: 7)
        #expect(UUIDv7.make(unixMilliseconds: -5, using: &zero).hasPrefix("00000000-0000-7"))
    }

    @Test("Ids sort by creation time, whatever their random bits")
    func monotonicByTime() {
        var random = SeededRandom(seed: 42)
        var previous = UUIDv7.make(unixMilliseconds: Self.millis, using: &random)
        for step in 1...200 {
            let next = UUIDv7.make(unixMilliseconds: Self.millis + Int64(step), using: &random)
            #expect(previous < next)
            #expect(Contact.ID(previous) < Contact.ID(next))
            previous = next
        }
    }

    @Test("The same seed and time give the same id; different seeds differ")
    func deterministic() {
        var a = SeededRandom(seed: 1)
        var b = SeededRandom(seed: 1)
        var c = SeededRandom(seed: 2)
        let first = UUIDv7.make(unixMilliseconds: Self.millis, using: &a)
        #expect(first == UUIDv7.make(unixMilliseconds: Self.millis, using: &b))
        #expect(first != UUIDv7.make(unixMilliseconds: Self.millis, using: &c))
        #expect(first != UUIDv7.make(unixMilliseconds: Self.millis, using: &a))
    }

    @Test(
        "Well-formed UUIDs of any version and case",
        arguments: ["6f9619ff-8b86-d011-b42d-00cf4fc964ff", "6F9619FF-8B86-D011-B42D-00CF4FC964FF", "00000000-0000-0000-0000-000000000000"])
    func wellFormed(_ text: String) {
        #expect(UUIDv7.isWellFormed(text))
    }

    @Test(
        "Malformed ids",
        arguments: [
            "", "not-a-uuid", "6f9619ff8b86d011b42d00cf4fc964ff", "6f9619ff-8b86-d011-b42d-00cf4fc964f",
            "6f9619ff-8b86-d011-b42d-00cf4fc964fff", "{6f9619ff-8b86-d011-b42d-00cf4fc964ff}",
            "6f9619ff-8b86-d011-b42d_00cf4fc964ff", "6f9619fg-8b86-d011-b42d-00cf4fc964ff",
            "6f9619ff-8b86-d011-b42d-00cf4fc964fé", "6f9619ff-8b86-d011-b42d-00cf4fc96 ff", "------------------------------------",
        ])
    func malformed(_ text: String) {
        #expect(!UUIDv7.isWellFormed(text))
    }

    // MARK: - Identifier

    struct Holder: Codable, Equatable {
        var id: Contact.ID
        var owner: User.ID?
    }

    @Test("Identifiers encode as plain JSON strings")
    func codable() throws {
        let holder = Holder(id: Contact.ID("0199-abc"), owner: User.ID("u-1"))
        let data = try JSONEncoder().encode(holder)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: String])
        #expect(object == ["id": "0199-abc", "owner": "u-1"])
        #expect(try JSONDecoder().decode(Holder.self, from: data) == holder)
        #expect(try JSONDecoder().decode(Holder.self, from: Data(#"{"id":"x"}"#.utf8)) == Holder(id: Contact.ID("x"), owner: nil))
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Holder.self, from: Data(#"{"id":5}"#.utf8)) }
    }

    @Test("Identifier basics")
    func basics() {
        let id = Deal.ID("abc")
        #expect(id.rawValue == "abc")
        #expect(id.description == "abc")
        #expect(Deal.ID(rawValue: "abc") == id)
        #expect(Deal.ID("a") < Deal.ID("b"))
        #expect([Deal.ID("c"), Deal.ID("a"), Deal.ID("b")].sorted() == [Deal.ID("a"), Deal.ID("b"), Deal.ID("c")])
    }

    // MARK: - Effects

    @Test("Effects hand out typed ids and the frozen time")
    func effects() {
        let effects = Effects(now: { CoreFixture.now }, newID: { "fixed-id" })
        #expect(effects.now() == CoreFixture.now)
        #expect(effects.id(Contact.self) == Contact.ID("fixed-id"))
        let deal: Deal.ID = effects.id()
        #expect(deal.rawValue == "fixed-id")
    }

    @Test("Live effects make well-formed UUIDv7 ids")
    func liveEffects() {
        let id = Effects.live.newID()
        #expect(UUIDv7.isWellFormed(id))
        #expect(Array(id)[14] == "7")
        #expect(Effects.live.newID() != id)
    }

    // MARK: - SeededRandom

    @Test("SplitMix64 reference values")
    func splitMixReference() {
        var random = SeededRandom(seed: 0)
        #expect(random.next() == 0xE220_A839_7B1D_CDAF)
        #expect(random.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(random.next() == 0x06C4_5D18_8009_454F)
    }

    @Test("The same seed gives the same sequence")
    func determinism() {
        var a = SeededRandom(seed: 2026)
        var b = SeededRandom(seed: 2026)
        var c = SeededRandom(seed: 2027)
        let first = (0..<20).map { _ in a.next() }
        #expect(first == (0..<20).map { _ in b.next() })
        #expect(first != (0..<20).map { _ in c.next() })
        var d = SeededRandom(seed: 9)
        var e = SeededRandom(seed: 9)
        #expect((0..<50).map { _ in d.next(in: 1...6) } == (0..<50).map { _ in e.next(in: 1...6) })
    }

    @Test("Ranges and bounds")
    func ranges() {
        var random = SeededRandom(seed: 3)
        var seen = Set<Int>()
        for _ in 0..<500 {
            let value = random.next(in: 1...6)
            #expect((1...6).contains(value))
            seen.insert(value)
        }
        #expect(seen == Set(1...6))
        for _ in 0..<100 { #expect((0..<3).contains(random.next(below: 3))) }
        #expect(random.next(below: 0) == 0)
        #expect(random.next(below: -5) == 0)
        #expect(random.next(below: 1) == 0)
        #expect(random.next(in: 4...4) == 4)
    }

    // MARK: - RecordKind

    @Test(
        "API path nouns and stable raw values",
        arguments: [
            (RecordKind.contact, "contact", "contacts"), (.company, "company", "companies"), (.deal, "deal", "deals"),
            (.task, "task", "tasks"), (.activity, "activity", "activities"), (.pipeline, "pipeline", "pipelines"),
            (.user, "user", "users"), (.team, "team", "teams"), (.tag, "tag", "tags"),
            (.customField, "custom_field", "custom-fields"), (.apiToken, "api_token", "api-tokens"),
            (.workspace, "workspace", "workspace"),
        ])
    func recordKinds(_ kind: RecordKind, _ raw: String, _ noun: String) {
        #expect(kind.rawValue == raw)
        #expect(kind.pathNoun == noun)
    }

    @Test("The record kind table is complete")
    func recordKindsComplete() {
        #expect(RecordKind.allCases.count == 16)
        #expect(Set(RecordKind.allCases.map(\.pathNoun)).count == 16)
    }
}
