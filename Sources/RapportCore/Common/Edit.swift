/// One field of a partial update: absent (leave as is), or set to a value, or cleared.
/// `PATCH {"city": null}` clears the city; leaving `city` out keeps it.
public enum Edit<Value: Sendable & Hashable>: Sendable, Hashable {
    /// Set the field to this value.
    case set(Value)
    /// Clear the field.
    case clear

    /// The new value: the set value, or nil when cleared.
    public var value: Value? {
        if case .set(let value) = self { return value }
        return nil
    }
}

extension Optional {
    /// Applies an optional edit to an optional field.
    public mutating func apply(_ edit: Edit<Wrapped>?) where Wrapped: Sendable & Hashable {
        guard let edit else { return }
        self = edit.value
    }
}
