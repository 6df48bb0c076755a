public import Foundation

/// The effects the domain needs from the outside world, passed in so tests can freeze time and ids.
public struct Effects: Sendable {
    /// The current time.
    public var now: @Sendable () -> Date
    /// A new UUIDv7 string.
    public var newID: @Sendable () -> String

    /// Makes effects from closures.
    public init(now: @escaping @Sendable () -> Date, newID: @escaping @Sendable () -> String) {
        self.now = now
        self.newID = newID
    }

    /// The real clock and UUIDv7 ids from the system random source.
    public static let live = Effects(
        now: { Date() },
        newID: {
            var random = SystemRandomNumberGenerator()
            return UUIDv7.make(unixMilliseconds: Int64(Date().timeIntervalSince1970 * 1000), using: &random)
        })

    /// A typed new id.
    public func id<T>(_: T.Type = T.self) -> Identifier<T> { Identifier(newID()) }
}
