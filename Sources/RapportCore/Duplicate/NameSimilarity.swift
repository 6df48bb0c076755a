import Foundation

/// Whether two people's names are "near-identical": the rule the duplicate finder applies to contacts of
/// the same company.
///
/// Both names are first normalized: lowercased, `ё` read as `е`, dots, commas, quotes and brackets
/// dropped (hyphens inside a word are kept: «Салтыков-Щедрин» is one word), runs of spaces collapsed.
/// Then the words of the shorter name must each be paired with a different word of the longer name, in
/// any order (so «Иванов Иван Иванович», «Иван Иванович Иванов» and «Иван Иванов» all match), where a
/// pair is
/// - the same word, or
/// - an initial and a word starting with that letter («И.» and «Иван»), or
/// - two words of at least ``minimumTypoLength`` letters at Levenshtein distance 1 (one letter added,
///   removed or replaced: «Иванов» and «Ивонов»), at most once per name.
///
/// And, to keep weak evidence out:
/// - at least one pair is two whole words (not an initial), so «И. И.» matches nothing;
/// - a one-word name matches only the same one word (with the typo allowance); «Иван» does not match
///   «Иван Петров», since half the company may be called Иван;
/// - the longer name may have at most one word more than the shorter («Иванов Иван» matches «Иванов
///   Иван Иванович», not a four-word name with two unpaired words).
/// Empty names never match.
public enum NameSimilarity {
    /// The shortest word a one-letter typo is forgiven in: in «Ян»/«Ия» one letter is half the word.
    public static let minimumTypoLength = 4

    /// The words of a name as the rule compares them.
    public static func words(_ name: String) -> [String] {
        let dropped: Set<Character> = [".", ",", "\"", "'", "«", "»", "(", ")", "“", "”", ";", ":"]
        let cleaned = String(
            name.lowercased().map { character -> Character in
                if character == "ё" { return "е" }
                return dropped.contains(character) ? " " : character
            })
        return cleaned.split(whereSeparator: \.isWhitespace).map { word in
            // A hyphen at either end is punctuation, not part of a double name.
            String(word).trimmingCharacters(in: ["-"])
        }.filter { !$0.isEmpty }
    }

    /// The words of a contact's name parts, in Russian order.
    public static func words(_ name: PersonName) -> [String] {
        words([name.lastName, name.firstName, name.middleName].compactMap { $0 }.joined(separator: " "))
    }

    /// Whether two names are near-identical under the rule above.
    public static func areSimilar(_ a: [String], _ b: [String]) -> Bool {
        guard !a.isEmpty, !b.isEmpty else { return false }
        let (short, long) = a.count <= b.count ? (a, b) : (b, a)
        guard long.count - short.count <= 1 else { return false }
        if short.count == 1, long.count != 1 { return false }
        var used = [Bool](repeating: false, count: long.count)
        return pair(short, 0, long, &used, typos: 0, wholeWords: 0)
    }

    /// Whether two names are near-identical, from their text.
    public static func areSimilar(_ a: String, _ b: String) -> Bool { areSimilar(words(a), words(b)) }

    /// Whether two names are near-identical, from their parts.
    public static func areSimilar(_ a: PersonName, _ b: PersonName) -> Bool { areSimilar(words(a), words(b)) }

    // Names have a handful of words, so trying every pairing costs nothing.
    private static func pair(_ short: [String], _ index: Int, _ long: [String], _ used: inout [Bool], typos: Int, wholeWords: Int) -> Bool {
        guard index < short.count else { return wholeWords > 0 }
        let word = short[index]
        for candidate in long.indices where !used[candidate] {
            guard let match = match(word, long[candidate]) else { continue }
            let nextTypos = typos + (match == .typo ? 1 : 0)
            guard nextTypos <= 1 else { continue }
            used[candidate] = true
            let whole = wholeWords + (match == .initial ? 0 : 1)
            if pair(short, index + 1, long, &used, typos: nextTypos, wholeWords: whole) { return true }
            used[candidate] = false
        }
        return false
    }

    private enum Match { case same, initial, typo }

    private static func match(_ a: String, _ b: String) -> Match? {
        if a == b { return isInitial(a) ? .initial : .same }
        if isInitial(a) || isInitial(b) {
            let (initial, word) = isInitial(a) ? (a, b) : (b, a)
            return !isInitial(word) && word.first == initial.first ? .initial : nil
        }
        guard a.count >= minimumTypoLength, b.count >= minimumTypoLength else { return nil }
        return levenshtein(a, b, limit: 1) <= 1 ? .typo : nil
    }

    private static func isInitial(_ word: String) -> Bool { word.count == 1 }

    /// The edit distance of two words (insertions, deletions, substitutions), or `limit + 1` as soon as it
    /// is known to exceed `limit`.
    public static func levenshtein(_ a: String, _ b: String, limit: Int = .max) -> Int {
        let x = Array(a)
        let y = Array(b)
        if abs(x.count - y.count) > limit { return limit == .max ? abs(x.count - y.count) : limit + 1 }
        var previous = Array(0...y.count)
        for i in 1...max(x.count, 1) where !x.isEmpty {
            var current = [i] + [Int](repeating: 0, count: y.count)
            var best = current[0]
            for j in 1...max(y.count, 1) where !y.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
                best = min(best, current[j])
            }
            if best > limit { return limit + 1 }
            previous = current
        }
        return x.isEmpty ? y.count : previous[y.count]
    }
}
