/// Following merges: a record merged away stays in the trash pointing at the record it went into, which may
/// itself have been merged away since.
enum MergeChain {
    /// The most merges followed from one record.
    static let maximumHops = 10

    /// The last record of a chain of merges.
    /// - Parameters:
    ///   - first: the raw id the starting record was merged into, or nil when it was not merged away (or was
    ///     restored from the trash since).
    ///   - next: the same for the record with a raw id.
    /// - Returns: the raw id of the record the chain ends at, or nil when `first` is nil.
    static func end(from first: String?, next: (String) async throws -> String?) async throws -> String? {
        guard var current = first else { return nil }
        for _ in 1..<maximumHops {
            guard let following = try await next(current) else { break }
            current = following
        }
        return current
    }
}
