/// A fragment of HTML. Interpolating a `String` escapes it; interpolating `HTML` inserts it as it is, so
/// user content can only reach a page as text. There is deliberately no generic interpolation: a new
/// kind of value has to say how it is rendered.
struct HTML: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible, Equatable {
    private(set) var text: String

    init(stringLiteral value: String) { text = value }
    init(stringInterpolation: Interpolation) { text = stringInterpolation.text }
    private init(trusted text: String) { self.text = text }

    /// Nothing.
    static let empty = HTML(trusted: "")

    var description: String { text }
    var isEmpty: Bool { text.isEmpty }

    /// Joins fragments.
    static func join(_ parts: some Sequence<HTML>, separator: HTML = .empty) -> HTML {
        var text = ""
        var first = true
        for part in parts {
            if !first { text += separator.text }
            first = false
            text += part.text
        }
        return HTML(trusted: text)
    }

    /// Escapes text for element content and double- or single-quoted attribute values.
    static func escape(_ value: String, into output: inout String) {
        guard value.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else {
            output += value
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: output.unicodeScalars.append(scalar)
            }
        }
    }

    struct Interpolation: StringInterpolationProtocol {
        var text: String

        init(literalCapacity: Int, interpolationCount: Int) {
            text = ""
            text.reserveCapacity(literalCapacity + interpolationCount * 16)
        }

        mutating func appendLiteral(_ literal: String) { text += literal }
        mutating func appendInterpolation(_ value: String) { HTML.escape(value, into: &text) }
        mutating func appendInterpolation(_ value: String?) { if let value { HTML.escape(value, into: &text) } }
        mutating func appendInterpolation(_ value: HTML) { text += value.text }
        mutating func appendInterpolation(_ value: HTML?) { if let value { text += value.text } }
        mutating func appendInterpolation(_ values: [HTML]) { for value in values { text += value.text } }
        mutating func appendInterpolation(_ value: Int) { text += String(value) }
        mutating func appendInterpolation(_ value: Int64) { text += String(value) }
        mutating func appendInterpolation(_ url: WebURL) { HTML.escape(url.path, into: &text) }
        /// `html` when `condition` holds.
        mutating func appendInterpolation(if condition: Bool, _ html: HTML) { if condition { text += html.text } }
    }
}
