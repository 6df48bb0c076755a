import Foundation
import RapportCore
import Testing

@Suite("Cursors, sort orders, partial edits")
struct ListQueryTests {
    enum Field: String, Sendable, Hashable {
        case createdAt
        case name
    }

    // MARK: - Cursor

    @Test(
        "A cursor token round-trips for its sort",
        arguments: [
            Cursor(sort: "-createdAt", value: "2026-09-21T10:00:00Z", id: "0199-a"),
            Cursor(sort: "name", value: "Ёжиков Пётр «ООО»", id: "id/with+chars?"),
            Cursor(sort: "amount", value: 9_223_372_036_854_775_807, id: "x"),
            Cursor(sort: "-probability", value: -1.25, id: ""),
        ])
    func roundTrip(_ cursor: Cursor) throws {
        let token = cursor.token
        #expect(try #require(Cursor(token: token, sort: cursor.sort)) == cursor)
    }

    @Test("Tokens are URL-safe base64 without padding")
    func urlSafe() {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        // Enough different values that '+', '/' and '=' would show up in plain base64.
        for index in 0..<64 {
            let cursor = Cursor(sort: "name", value: .string(String(repeating: "?>~", count: index % 7) + "\(index)"), id: "\(index)")
            let token = cursor.token
            #expect(token.allSatisfy(allowed.contains), "\(token)")
            #expect(Cursor(token: token, sort: "name") == cursor)
        }
    }

    @Test("A cursor made for another sort is refused")
    func wrongSort() {
        let token = Cursor(sort: "-createdAt", value: 1, id: "a").token
        #expect(Cursor(token: token, sort: "createdAt") == nil)
        #expect(Cursor(token: token, sort: "-name") == nil)
        #expect(Cursor(token: token, sort: "-createdAt") != nil)
    }

    static func base64url(_ json: String) -> String {
        Data(json.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    @Test(
        "Garbage tokens are refused",
        arguments: [
            "", "!!!!", "abc", "%%%", "eyJ", base64url("not json"), base64url("{}"),
            base64url(#"{"sort":"name","id":"x"}"#), base64url(#"{"sort":"name","value":null,"id":"x"}"#),
            base64url(#"{"sort":"name","value":true,"id":"x"}"#), base64url(#"{"sort":"name","value":[1],"id":"x"}"#),
            base64url(#"{"sort":"name","value":{"a":1},"id":"x"}"#), base64url(#"{"sort":"name","value":"v","id":7}"#),
        ])
    func garbage(_ token: String) {
        #expect(Cursor(token: token, sort: "name") == nil)
    }

    @Test("A hand-made token of the right shape is accepted")
    func handMade() {
        #expect(
            Cursor(token: Self.base64url(#"{"sort":"name","value":"v","id":"x"}"#), sort: "name")
                == Cursor(sort: "name", value: "v", id: "x"))
    }

    @Test("Oversized tokens are refused")
    func oversized() {
        let cursor = Cursor(sort: "name", value: .string(String(repeating: "x", count: 1_600)), id: "a")
        #expect(cursor.token.count >= 2048)
        #expect(Cursor(token: cursor.token, sort: "name") == nil)
        let fits = Cursor(sort: "name", value: .string(String(repeating: "x", count: 1_400)), id: "a")
        #expect(fits.token.count < 2048)
        #expect(Cursor(token: fits.token, sort: "name") == fits)
    }

    // MARK: - SortOrder

    @Test(
        "Sort parameters",
        arguments: [
            ("name", Field.name, false), ("-name", .name, true), ("createdAt", .createdAt, false),
            ("-createdAt", .createdAt, true),
        ])
    func sortParsing(_ parameter: String, _ field: Field, _ descending: Bool) throws {
        let order = try #require(SortOrder<Field>(parameter: parameter))
        #expect(order == SortOrder(field: field, descending: descending))
        #expect(order.parameter == parameter)
    }

    @Test("Unknown sort parameters are refused", arguments: ["", "-", "--name", "+name", "Name", "name ", "title", "-title"])
    func sortRefused(_ parameter: String) {
        #expect(SortOrder<Field>(parameter: parameter) == nil)
    }

    // MARK: - Edit

    @Test("Optional.apply: absent keeps, set replaces, clear removes")
    func optionalApply() {
        var city: String? = "Омск"
        city.apply(nil)
        #expect(city == "Омск")
        city.apply(.set("Томск"))
        #expect(city == "Томск")
        city.apply(.clear)
        #expect(city == nil)
        city.apply(.set("Орёл"))
        #expect(city == "Орёл")
    }

    @Test("Edit.value")
    func editValue() {
        #expect(Edit.set(5).value == 5)
        #expect(Edit<Int>.clear.value == nil)
        #expect(Edit.set("") != Edit<String>.clear)
    }

    // MARK: - ListQuery

    @Test("A default list query is the first page with no filters")
    func defaults() {
        let query = ListQuery()
        #expect(query.limit == PageSize.default)
        #expect(PageSize.default == 50)
        #expect(PageSize.maximum == 200)
        #expect(PageSize.default <= PageSize.maximum)
        #expect(query.cursor == nil && query.sort == nil && query.search == nil && !query.trash)
        #expect(query.filters == ListQuery.Filters())
        #expect(query.filters.customFields.isEmpty)
        #expect(query.filters.ownerID == nil && query.filters.done == nil)
    }
}
