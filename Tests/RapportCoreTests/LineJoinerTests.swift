import RapportCore
import Testing

@Suite("Lines from pieces")
struct LineJoinerTests {
    /// Every line of `text` fed in pieces of `size` bytes, as strings.
    static func lines(_ text: String, pieces size: Int) -> [String] {
        let bytes = Array(text.utf8)
        var joiner = LineJoiner()
        var lines: [String] = []
        for start in stride(from: 0, to: bytes.count, by: size) {
            lines += joiner.lines(in: bytes[start..<min(start + size, bytes.count)]).map { String(decoding: $0, as: UTF8.self) }
        }
        if let last = joiner.finish() { lines.append(String(decoding: last, as: UTF8.self)) }
        return lines
    }

    @Test("Cut anywhere, the pieces give the text's lines; empty lines are skipped")
    func everyCut() {
        let text = "{\"a\":1}\nБорис\n\n\nccc\nd"
        for size in 1...text.utf8.count + 1 {
            #expect(Self.lines(text, pieces: size) == ["{\"a\":1}", "Борис", "ccc", "d"], "pieces of \(size) bytes")
        }
        #expect(Self.lines("one\ntwo\n", pieces: 3) == ["one", "two"], "a final newline leaves no empty line")
        #expect(Self.lines("", pieces: 4).isEmpty)
    }
}
