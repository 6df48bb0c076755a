/// Why DEFLATE data (RFC 1951) could not be decompressed.
public enum InflateError: Error, Hashable, Sendable {
    /// The data ends before its last block does.
    case truncated
    /// A block header names the reserved block type 3.
    case invalidBlockType
    /// A stored block's length and its one's complement disagree.
    case storedLengthMismatch
    /// A block's code lengths do not describe a usable Huffman code (over-subscribed, or a repeat with
    /// nothing to repeat, or more lengths than symbols).
    case invalidCodeLengths
    /// The bits match no code, or a code that the format reserves (length symbols 286–287, distances 30–31).
    case invalidSymbol
    /// A back-reference reaches before the start of the output.
    case distanceTooFar
    /// The output would pass the caller's limit: a zip bomb, or a file too big to take.
    case outputTooLarge(limit: Int)
}

/// Decompresses DEFLATE data (RFC 1951), the method ZIP archives (and so XLSX files) use: stored, fixed-Huffman
/// and dynamic-Huffman blocks.
///
/// Written from the RFC. Codes are decoded through a table indexed by the next bits of input (as many as the
/// block's longest code), built once per block. Every malformed input ends in an ``InflateError``, never a trap,
/// and the output never grows past the caller's limit.
public enum Inflate {
    /// Decompresses raw DEFLATE data (no zlib or gzip wrapper).
    /// - Parameters:
    ///   - bytes: the compressed data; bytes after the final block are ignored.
    ///   - limit: the most bytes the output may have.
    /// - Returns: the decompressed bytes.
    /// - Throws: an ``InflateError`` naming what is wrong.
    public static func decompress(_ bytes: [UInt8], limit: Int) throws(InflateError) -> [UInt8] {
        var input = BitInput(bytes)
        var output: [UInt8] = []
        output.reserveCapacity(min(limit, max(bytes.count * 4, 1024)))
        var isFinal = false
        while !isFinal {
            isFinal = try input.bits(1) == 1
            switch try input.bits(2) {
            case 0: try copyStored(&input, into: &output, limit: limit)
            case 1: try inflateBlock(&input, literals: fixedLiterals, distances: fixedDistances, into: &output, limit: limit)
            case 2:
                let (literals, distances) = try readDynamicCodes(&input)
                try inflateBlock(&input, literals: literals, distances: distances, into: &output, limit: limit)
            default: throw .invalidBlockType
            }
        }
        return output
    }

    private static func copyStored(_ input: inout BitInput, into output: inout [UInt8], limit: Int) throws(InflateError) {
        input.alignToByte()
        let length = try input.bits(16)
        let complement = try input.bits(16)
        guard length ^ 0xFFFF == complement else { throw .storedLengthMismatch }
        guard output.count + length <= limit else { throw .outputTooLarge(limit: limit) }
        output += try input.bytes(length)
    }

    // Base values and extra bits of length symbols 257...285 and distance symbols 0...29 (RFC 1951, 3.2.5).
    private static let lengthBase: [Int] = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
    ]
    private static let lengthExtra: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    private static let distanceBase: [Int] = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193,
        12289, 16385, 24577,
    ]
    private static let distanceExtra: [Int] = [
        0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
    ]

    // The fixed codes of block type 1 (RFC 1951, 3.2.6). Both sets are complete, so building cannot fail.
    private static let fixedLiterals: HuffmanTable = {
        let lengths =
            [Int](repeating: 8, count: 144) + [Int](repeating: 9, count: 112) + [Int](repeating: 7, count: 24)
            + [Int](repeating: 8, count: 8)
        return (try? HuffmanTable(lengths: lengths)) ?? HuffmanTable()
    }()
    private static let fixedDistances: HuffmanTable = (try? HuffmanTable(lengths: [Int](repeating: 5, count: 32))) ?? HuffmanTable()

    // The order in which a dynamic block lists the code lengths of the code-length alphabet (RFC 1951, 3.2.7).
    private static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    private static func readDynamicCodes(_ input: inout BitInput) throws(InflateError) -> (HuffmanTable, HuffmanTable) {
        let literalCount = try input.bits(5) + 257
        let distanceCount = try input.bits(5) + 1
        let codeLengthCount = try input.bits(4) + 4
        guard literalCount <= 286, distanceCount <= 30 else { throw .invalidCodeLengths }
        var codeLengthLengths = [Int](repeating: 0, count: 19)
        for index in 0..<codeLengthCount {
            codeLengthLengths[codeLengthOrder[index]] = try input.bits(3)
        }
        let codeLengths = try HuffmanTable(lengths: codeLengthLengths)
        // Literal/length and distance lengths form one sequence; a repeat may run from one into the other.
        var lengths: [Int] = []
        lengths.reserveCapacity(literalCount + distanceCount)
        while lengths.count < literalCount + distanceCount {
            let symbol = try codeLengths.decode(&input)
            let repeated: Int
            let count: Int
            switch symbol {
            case 0...15:
                lengths.append(symbol)
                continue
            case 16:
                guard let previous = lengths.last else { throw .invalidCodeLengths }
                (repeated, count) = (previous, try input.bits(2) + 3)
            case 17: (repeated, count) = (0, try input.bits(3) + 3)
            default: (repeated, count) = (0, try input.bits(7) + 11)
            }
            guard lengths.count + count <= literalCount + distanceCount else { throw .invalidCodeLengths }
            lengths += repeatElement(repeated, count: count)
        }
        // Without an end-of-block code the block could never end.
        guard lengths[256] > 0 else { throw .invalidCodeLengths }
        return (try HuffmanTable(lengths: Array(lengths[..<literalCount])), try HuffmanTable(lengths: Array(lengths[literalCount...])))
    }

    private static func inflateBlock(
        _ input: inout BitInput, literals: HuffmanTable, distances: HuffmanTable, into output: inout [UInt8], limit: Int
    ) throws(InflateError) {
        while true {
            let symbol = try literals.decode(&input)
            if symbol < 256 {
                guard output.count < limit else { throw .outputTooLarge(limit: limit) }
                output.append(UInt8(symbol))
                continue
            }
            if symbol == 256 { return }
            let lengthIndex = symbol - 257
            guard lengthIndex < lengthBase.count else { throw .invalidSymbol }
            let length = lengthBase[lengthIndex] + (try input.bits(lengthExtra[lengthIndex]))
            let distanceSymbol = try distances.decode(&input)
            guard distanceSymbol < distanceBase.count else { throw .invalidSymbol }
            let distance = distanceBase[distanceSymbol] + (try input.bits(distanceExtra[distanceSymbol]))
            guard distance <= output.count else { throw .distanceTooFar }
            guard output.count + length <= limit else { throw .outputTooLarge(limit: limit) }
            // Byte by byte: the source may overlap what is being written (a run of one byte has distance 1).
            var from = output.count - distance
            for _ in 0..<length {
                output.append(output[from])
                from += 1
            }
        }
    }
}

/// Reads bits least significant first, as DEFLATE packs them.
private struct BitInput {
    private let bytes: [UInt8]
    private var position = 0
    private var buffer: UInt64 = 0
    private var bufferedBits = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    // Tops the buffer up to at least `count` bits where the input has them.
    private mutating func fill(_ count: Int) {
        while bufferedBits < count, position < bytes.count {
            buffer |= UInt64(bytes[position]) << UInt64(bufferedBits)
            position += 1
            bufferedBits += 8
        }
    }

    /// The next `count` (at most 32) bits as a number, consumed.
    mutating func bits(_ count: Int) throws(InflateError) -> Int {
        guard count > 0 else { return 0 }
        fill(count)
        guard bufferedBits >= count else { throw .truncated }
        let value = Int(buffer & ((1 << UInt64(count)) - 1))
        buffer >>= UInt64(count)
        bufferedBits -= count
        return value
    }

    /// The next `count` bits without consuming them; past the end of input they read as zeros, so a short final
    /// code can be looked up in a table indexed by more bits than it has.
    mutating func peek(_ count: Int) -> Int {
        fill(count)
        return Int(buffer & ((1 << UInt64(count)) - 1))
    }

    /// Consumes `count` bits already seen through ``peek(_:)``.
    mutating func skip(_ count: Int) throws(InflateError) {
        guard bufferedBits >= count else { throw .truncated }
        buffer >>= UInt64(count)
        bufferedBits -= count
    }

    /// Drops the bits up to the next byte boundary (stored blocks start there).
    mutating func alignToByte() {
        let extra = bufferedBits % 8
        buffer >>= UInt64(extra)
        bufferedBits -= extra
    }

    /// The next `count` whole bytes; only called when aligned to a byte.
    mutating func bytes(_ count: Int) throws(InflateError) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(count)
        while bufferedBits >= 8, result.count < count {
            result.append(UInt8(buffer & 0xFF))
            buffer >>= 8
            bufferedBits -= 8
        }
        let rest = count - result.count
        guard rest <= bytes.count - position else { throw .truncated }
        result += bytes[position..<position + rest]
        position += rest
        return result
    }
}

/// A canonical Huffman code as a lookup table: indexed by the next `bits` input bits (first bit lowest), each
/// entry holds the symbol and its code length, or zero where no code starts with those bits.
private struct HuffmanTable {
    private var entries: [UInt16] = []
    private var bits = 0

    init() {}

    /// Builds the code whose symbol `i` has code length `lengths[i]` (0: unused).
    /// - Throws: ``InflateError/invalidCodeLengths`` when the lengths over-subscribe the code space. Incomplete
    ///   codes are allowed (the RFC permits a single distance code); bits matching no code fail at decoding.
    init(lengths: [Int]) throws(InflateError) {
        var countPerLength = [Int](repeating: 0, count: 16)
        for length in lengths {
            guard (0...15).contains(length) else { throw .invalidCodeLengths }
            countPerLength[length] += 1
        }
        countPerLength[0] = 0
        // Each length has 2^length codes; the space left must never go negative.
        var left = 1
        for length in 1...15 {
            left = left * 2 - countPerLength[length]
            guard left >= 0 else { throw .invalidCodeLengths }
        }
        let longest = lengths.max() ?? 0
        bits = longest
        guard longest > 0 else { return }
        // The first code of each length (RFC 1951, 3.2.2, step 2).
        var nextCode = [Int](repeating: 0, count: 16)
        var code = 0
        for length in 1...15 {
            code = (code + countPerLength[length - 1]) << 1
            nextCode[length] = code
        }
        entries = [UInt16](repeating: 0, count: 1 << longest)
        for (symbol, length) in lengths.enumerated() where length > 0 {
            let code = nextCode[length]
            nextCode[length] += 1
            // Codes are sent most significant bit first, while the input is read lowest bit first.
            var reversed = 0
            for bit in 0..<length where code & (1 << (length - 1 - bit)) != 0 {
                reversed |= 1 << bit
            }
            let entry = UInt16(symbol << 4 | length)
            for index in stride(from: reversed, to: entries.count, by: 1 << length) {
                entries[index] = entry
            }
        }
    }

    /// Reads one symbol.
    func decode(_ input: inout BitInput) throws(InflateError) -> Int {
        guard bits > 0 else { throw .invalidSymbol }
        let entry = Int(entries[input.peek(bits)])
        let length = entry & 0xF
        guard length > 0 else { throw .invalidSymbol }
        try input.skip(length)
        return entry >> 4
    }
}
