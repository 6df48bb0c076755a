import Foundation
import RapportCore
import RapportHTTP
import Testing

@Suite struct TimestampTests {
    /// Times are stored as whole milliseconds; the fast formatter must print exactly the stored millisecond,
    /// as Foundation does (Foundation is given the middle of that millisecond, since it truncates the binary
    /// fraction and would otherwise print 13.710 for a stored 13.711).
    @Test func theFastFormatterAgreesWithFoundation() {
        var random = SeededRandom(seed: 3)
        let fixed: [Int64] = [0, -1, 1, 951_782_400_000, 1_709_251_199_999, 4_102_444_800_000, -2_208_988_800_000, 253_402_300_799_999]
        let sampled = (0..<5000).map { _ in Int64(random.next(in: -2_000_000_000_000...4_000_000_000_000)) }
        for millis in fixed + sampled {
            let date = Date(timeIntervalSince1970: Double(millis) / 1000)
            let middle = Date(timeIntervalSince1970: (Double(millis) + 0.5) / 1000)
            let expected = middle.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
            #expect(APIJSON.formatTimestamp(date) == expected, "\(millis)")
        }
    }
}
