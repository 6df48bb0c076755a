/// A small pull reader for the XML inside office files: start tags with their attributes, end tags and text,
/// in document order. Names lose their namespace prefix (`x:c` is `c`, `r:id` is `id`); entity and character
/// references are decoded; comments, processing instructions and the document type are skipped; CDATA is text.
///
/// Not a validating parser: it reads well-formed documents exactly and never traps on malformed ones (what it
/// cannot make sense of ends the document early or becomes text).
struct XMLScanner {
    enum Event: Hashable {
        /// A start tag; `isEmpty` for `<tag/>`, which has no matching end event.
        case start(String, [String: String], isEmpty: Bool)
        case end(String)
        case text(String)
    }

    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func next() -> Event? {
        while position < bytes.count {
            if bytes[position] != UInt8(ascii: "<") {
                let start = position
                while position < bytes.count, bytes[position] != UInt8(ascii: "<") { position += 1 }
                return .text(Self.decodeEntities(bytes[start..<position]))
            }
            if starts(with: "<!--") {
                skip(past: "-->")
                continue
            }
            if starts(with: "<![CDATA[") {
                let start = position + 9
                skip(past: "]]>")
                let end = max(start, min(position - 3, bytes.count))
                return .text(String(decoding: bytes[start..<end], as: UTF8.self))
            }
            if starts(with: "<?") || starts(with: "<!") {
                skip(past: ">")
                continue
            }
            return tag()
        }
        return nil
    }

    private func starts(with text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        return text.withUTF8Buffer { prefix in prefix.elementsEqual(bytes[position..<position + count]) }
    }

    private mutating func skip(past text: StaticString) {
        while position < bytes.count, !starts(with: text) { position += 1 }
        position = min(bytes.count, position + text.utf8CodeUnitCount)
    }

    // At "<": reads a start or end tag.
    private mutating func tag() -> Event? {
        position += 1
        let isEnd = position < bytes.count && bytes[position] == UInt8(ascii: "/")
        if isEnd { position += 1 }
        let name = readName()
        if isEnd {
            skip(past: ">")
            return .end(name)
        }
        var attributes: [String: String] = [:]
        while position < bytes.count {
            skipSpace()
            guard position < bytes.count else { return nil }
            let byte = bytes[position]
            if byte == UInt8(ascii: ">") {
                position += 1
                return .start(name, attributes, isEmpty: false)
            }
            if byte == UInt8(ascii: "/") {
                skip(past: ">")
                return .start(name, attributes, isEmpty: true)
            }
            let key = readName()
            guard !key.isEmpty else {
                position += 1
                continue
            }
            skipSpace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "=") else { continue }
            position += 1
            skipSpace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") || bytes[position] == UInt8(ascii: "'") else { continue }
            let quote = bytes[position]
            position += 1
            let start = position
            while position < bytes.count, bytes[position] != quote { position += 1 }
            // Namespace declarations are not attributes anyone here asks for; a prefixed name keeps its local part.
            if !key.hasPrefix("xmlns") { attributes[key] = Self.decodeEntities(bytes[start..<position]) }
            position = min(bytes.count, position + 1)
        }
        return nil
    }

    private mutating func skipSpace() {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    }

    // A name up to a space, "=", "/" or ">", without its prefix.
    private mutating func readName() -> String {
        var localStart = position
        while position < bytes.count {
            let byte = bytes[position]
            if [0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: "="), UInt8(ascii: "/"), UInt8(ascii: ">")].contains(byte) { break }
            if byte == UInt8(ascii: ":") { localStart = position + 1 }
            position += 1
        }
        return String(decoding: bytes[localStart..<position], as: UTF8.self)
    }

    /// Text with `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&#NN;` and `&#xNN;` decoded; other `&` are kept.
    static func decodeEntities(_ raw: ArraySlice<UInt8>) -> String {
        let text = String(decoding: raw, as: UTF8.self)
        guard raw.contains(UInt8(ascii: "&")) else { return text }
        var result = ""
        var rest = text.unicodeScalars[...]
        while let ampersand = rest.firstIndex(of: "&") {
            result.unicodeScalars.append(contentsOf: rest[..<ampersand])
            let afterAmpersand = rest.index(after: ampersand)
            guard let semicolon = rest[afterAmpersand...].prefix(10).firstIndex(of: ";") else {
                result.unicodeScalars.append("&")
                rest = rest[afterAmpersand...]
                continue
            }
            let name = String(String.UnicodeScalarView(rest[afterAmpersand..<semicolon]))
            var decoded: Unicode.Scalar?
            switch name {
            case "amp": decoded = "&"
            case "lt": decoded = "<"
            case "gt": decoded = ">"
            case "quot": decoded = "\""
            case "apos": decoded = "'"
            default:
                if name.hasPrefix("#x") || name.hasPrefix("#X") {
                    decoded = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
                } else if name.hasPrefix("#") {
                    decoded = UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init)
                }
            }
            if let decoded {
                result.unicodeScalars.append(decoded)
                rest = rest[rest.index(after: semicolon)...]
            } else {
                result.unicodeScalars.append("&")
                rest = rest[afterAmpersand...]
            }
        }
        result.unicodeScalars.append(contentsOf: rest)
        return result
    }
}
