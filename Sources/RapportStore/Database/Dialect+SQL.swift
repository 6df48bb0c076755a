import SQLKit

/// The few places where SQLite and PostgreSQL SQL differ, each named.
extension Dialect {
    /// Pins a table to an index where the planner is known to guess wrong (SQLite's `INDEXED BY`;
    /// PostgreSQL's planner is left to itself).
    func indexedBy(_ index: String) -> String { self == .sqlite ? " INDEXED BY \(index)" : "" }

    /// A custom field's value as text, from the JSON `custom_fields` column. `key` must already be
    /// validated as `[A-Za-z0-9_]`.
    func customFieldText(_ key: String, column: String = "custom_fields") -> SQLQueryString {
        switch self {
        case .sqlite: return "CAST(json_extract(\(unsafeRaw: column), \(bind: "$." + key)) AS TEXT)"
        case .postgres: return "(\(unsafeRaw: column)::jsonb ->> \(bind: key))"
        }
    }

    /// Whether a multi-select custom field's JSON array contains a value.
    func customFieldArrayContains(_ key: String, value: String, column: String = "custom_fields") -> SQLQueryString {
        switch self {
        case .sqlite:
            return
                "EXISTS (SELECT 1 FROM json_each(\(unsafeRaw: column), \(bind: "$." + key)) WHERE json_each.value = \(bind: value))"
        case .postgres:
            return "COALESCE((\(unsafeRaw: column)::jsonb -> \(bind: key)) ? \(bind: value), FALSE)"
        }
    }

    /// A number or money custom field's value as a number (money compares its minor units).
    func customFieldNumber(_ key: String, money: Bool, column: String = "custom_fields") -> SQLQueryString {
        switch self {
        case .sqlite:
            return "CAST(json_extract(\(unsafeRaw: column), \(bind: "$." + key + (money ? ".amount" : ""))) AS REAL)"
        case .postgres:
            return money
                ? "((\(unsafeRaw: column)::jsonb -> \(bind: key)) ->> 'amount')::numeric"
                : "(\(unsafeRaw: column)::jsonb ->> \(bind: key))::numeric"
        }
    }

    /// A yes/no custom field's value as a boolean.
    func customFieldFlag(_ key: String, column: String = "custom_fields") -> SQLQueryString {
        switch self {
        case .sqlite: return "(json_extract(\(unsafeRaw: column), \(bind: "$." + key)) = 1)"
        case .postgres: return "(\(unsafeRaw: column)::jsonb ->> \(bind: key))::boolean"
        }
    }
}
