import Foundation
public import Logging
public import RapportCore

/// What every repository needs: the database, the clock and id source, a logger.
public struct StoreContext: Sendable {
    /// The database.
    public let database: Database
    /// Clock and ids.
    public let effects: Effects
    /// For debug logs of the store.
    public let logger: Logger

    /// Makes a context.
    public init(database: Database, effects: Effects, logger: Logger) {
        self.database = database
        self.effects = effects
        self.logger = logger
    }

    var dialect: Dialect { database.dialect }

    /// `FOR UPDATE` on PostgreSQL, so concurrent transactions queue on the row; SQLite already has the
    /// whole database locked for writing inside a transaction.
    var forUpdate: String { dialect == .postgres ? " FOR UPDATE" : "" }
}
