import Foundation

/// Sort orders a list accepts: a field and a direction (`sort=-createdAt`).
public struct SortOrder<Field: RawRepresentable & Sendable & Hashable>: Sendable, Hashable
where Field.RawValue == String {
    /// The field.
    public var field: Field
    /// Whether the order is descending.
    public var descending: Bool

    /// Makes a sort order.
    public init(field: Field, descending: Bool) {
        self.field = field
        self.descending = descending
    }

    /// Parses `field` or `-field`; nil for an unknown field.
    public init?(parameter: String) {
        let descending = parameter.hasPrefix("-")
        guard let field = Field(rawValue: descending ? String(parameter.dropFirst()) : parameter) else { return nil }
        self.init(field: field, descending: descending)
    }

    /// `field` or `-field`.
    public var parameter: String { (descending ? "-" : "") + field.rawValue }
}

/// A keyset-pagination position: the sort value and id of the last row of a page. Opaque to clients
/// (base64url JSON); bound to the sort it was made for, so a cursor from another sort is refused.
public struct Cursor: Hashable, Sendable, Codable {
    /// The sort it belongs to (`-createdAt`).
    public var sort: String
    /// The last row's sort value.
    public var value: JSONValue
    /// The last row's id, the tie-breaker.
    public var id: String

    /// Makes a cursor.
    public init(sort: String, value: JSONValue, id: String) {
        self.sort = sort
        self.value = value
        self.id = id
    }

    /// The opaque token given to clients.
    public var token: String {
        let data = (try? JSONEncoder().encode(self)) ?? Data()
        return data.base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Decodes a client's token; nil when it is not one of ours or was made for another sort.
    public init?(token: String, sort: String) {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard token.count < 2048, let data = Data(base64Encoded: base64),
            let cursor = try? JSONDecoder().decode(Cursor.self, from: data), cursor.sort == sort
        else { return nil }
        switch cursor.value {
        case .string, .int, .double: break
        default: return nil
        }
        self = cursor
    }
}

/// One page of a list.
public struct Page<Item: Sendable>: Sendable {
    /// The items.
    public var items: [Item]
    /// Where the next page starts, or nil on the last page.
    public var nextCursor: Cursor?
    /// Makes a page.
    public init(items: [Item], nextCursor: Cursor?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

/// Limits of list requests.
public enum PageSize {
    /// The default page size.
    public static let `default` = 50
    /// The largest page a client may ask for.
    public static let maximum = 200
}
