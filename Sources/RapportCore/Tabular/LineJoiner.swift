/// The lines of a text that arrives in pieces cut anywhere (a table file of an archive read a megabyte at a
/// time): each piece gives the lines it completes, a line cut between pieces put together again. Empty lines
/// are skipped.
public struct LineJoiner: Sendable {
    /// The start of a line the last piece cut.
    private var cut: [UInt8] = []

    public init() {}

    /// The lines `piece` completes, in order.
    public mutating func lines(in piece: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var parts = piece.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)[...]
        // After the last newline (or the whole piece without one): the start of a line the next piece ends.
        let rest = parts.removeLast()
        var lines: [ArraySlice<UInt8>] = []
        if let first = parts.popFirst() {
            lines.append(cut.isEmpty ? first : (cut + first)[...])
            cut.removeAll(keepingCapacity: true)
        }
        lines += parts
        cut += rest
        return lines.filter { !$0.isEmpty }
    }

    /// The last line, when the text does not end with a newline.
    public mutating func finish() -> ArraySlice<UInt8>? {
        defer { cut = [] }
        return cut.isEmpty ? nil : cut[...]
    }
}
