import RapportCore
import Testing

@Suite("CRC-32")
struct CRC32Tests {
    @Test(
        "Known check values",
        arguments: [
            ("", 0x0000_0000 as UInt32), ("a", 0xE8B7_BE43), ("hi", 0xD893_2AAC), ("123456789", 0xCBF4_3926),
            ("The quick brown fox jumps over the lazy dog", 0x414F_A339),
        ])
    func vectors(_ text: String, _ expected: UInt32) {
        #expect(CRC32.checksum(Array(text.utf8)) == expected)
    }

    @Test("Feeding bytes in pieces gives the same checksum as feeding them at once")
    func incremental() {
        let bytes = Array("123456789".utf8)
        for split in 0...bytes.count {
            var crc = CRC32()
            crc.update(bytes[..<split])
            crc.update(bytes[split...])
            #expect(crc.value == 0xCBF4_3926)
        }
        #expect(CRC32().value == 0)
    }
}

@Suite("ZIP writer and reader")
struct ZipTests {
    // "a.txt" holding "hi", written whole: CRC-32("hi") = D8932AAC.
    static let crcOfHi: [UInt8] = [0xAC, 0x2A, 0x93, 0xD8]

    @Test("An empty archive is only the end record")
    func emptyArchive() throws {
        var writer = ZipWriter()
        let bytes = writer.finish()
        #expect(bytes == [0x50, 0x4B, 0x05, 0x06] + [UInt8](repeating: 0, count: 18))
        #expect(writer.finish().isEmpty)
        #expect(try ZipReader(bytes: bytes).entries.isEmpty)
    }

    @Test("A one-file archive, byte for byte")
    func oneFileBytes() {
        var writer = ZipWriter()
        var bytes = writer.addFile(path: "a.txt", contents: Array("hi".utf8))
        bytes += writer.finish()
        let name: [UInt8] = [0x61, 0x2E, 0x74, 0x78, 0x74]
        let local: [UInt8] =
            [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x21, 0x00] + Self.crcOfHi
            + [0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00] + name + [0x68, 0x69]
        let central: [UInt8] =
            [0x50, 0x4B, 0x01, 0x02, 0x2D, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x21, 0x00]
            + Self.crcOfHi
            + [0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]
            + [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00] + name
        // One entry; the directory is 51 bytes long and starts at 37.
        let end: [UInt8] = [
            0x50, 0x4B, 0x05, 0x06, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x33, 0x00, 0x00, 0x00, 0x25, 0x00,
            0x00, 0x00, 0x00, 0x00,
        ]
        #expect(bytes == local + central + end)
        #expect(writer.byteCount == UInt64(bytes.count))
    }

    @Test("A streamed file has a zero header flagged with bit 3 and a data descriptor after its bytes")
    func streamedFileBytes() {
        var writer = ZipWriter()
        let header = writer.beginFile(path: "a.txt")
        let first = writer.writeFileData([0x68])
        let second = writer.writeFileData([0x69])
        let descriptor = writer.endFile()
        #expect(
            header == [
                0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x21, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x61, 0x2E, 0x74, 0x78, 0x74,
            ])
        #expect(first == [0x68] && second == [0x69])
        #expect(descriptor == [0x50, 0x4B, 0x07, 0x08] + Self.crcOfHi + [0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00])
        #expect(writer.endFile().isEmpty)
    }

    @Test("Non-ASCII names are flagged as UTF-8 (bit 11)")
    func utf8NameFlag() {
        var writer = ZipWriter()
        let header = writer.addFile(path: "отчёт.csv", contents: [])
        #expect(Array(header[6..<8]) == [0x00, 0x08])
        #expect(Array(header[30...]) == Array("отчёт.csv".utf8))
    }

    @Test("What the writer writes, the reader reads back: paths, sizes, checksums and bytes")
    func roundTrip() throws {
        let big = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var writer = ZipWriter()
        var bytes = writer.addFile(path: "[Content_Types].xml", contents: Array("<Types/>".utf8))
        bytes += writer.addFile(path: "empty.txt", contents: [])
        bytes += writer.beginFile(path: "data/большой.bin")
        for start in stride(from: 0, to: big.count, by: 7_000) {
            bytes += writer.writeFileData(Array(big[start..<min(start + 7_000, big.count)]))
        }
        // The next file ends the streamed one by itself.
        bytes += writer.beginFile(path: "last.txt")
        bytes += writer.writeFileData(Array("123456789".utf8))
        bytes += writer.finish()
        #expect(writer.byteCount == UInt64(bytes.count))

        let reader = try ZipReader(bytes: bytes)
        #expect(reader.entries.map(\.path) == ["[Content_Types].xml", "empty.txt", "data/большой.bin", "last.txt"])
        #expect(reader.entries.map(\.size) == [8, 0, 100_000, 9])
        #expect(reader.entries.allSatisfy { $0.compressionMethod == 0 && $0.compressedSize == $0.size })
        #expect(reader.entries.map { $0.flags & 0x0008 } == [0, 0, 8, 8])
        #expect(reader.entries[3].crc32 == 0xCBF4_3926)
        #expect(try reader.contents(at: "[Content_Types].xml") == Array("<Types/>".utf8))
        #expect(try reader.contents(at: "empty.txt") == [])
        #expect(try reader.contents(at: "data/большой.bin") == big)
        #expect(try reader.contents(at: "last.txt") == Array("123456789".utf8))
        // A stored entry as a slice of the archive's bytes: the same bytes, where the archive holds them.
        let slice = try reader.slice(at: "data/большой.bin")
        #expect(Array(slice) == big)
        #expect(Array(bytes[slice.indices]) == big)
        #expect(reader.size == bytes.count)
        #expect(throws: ZipError.tooLarge(path: "data/большой.bin", limit: 99_999)) {
            try reader.slice(of: reader.entries[2], limit: 99_999)
        }
        var corrupt = bytes
        corrupt[slice.startIndex + 500] ^= 1
        #expect(throws: ZipError.checksumMismatch(path: "data/большой.bin")) { try ZipReader(bytes: corrupt).slice(of: reader.entries[2]) }
    }

    @Test("The same entries always give the same bytes")
    func deterministic() {
        func archive() -> [UInt8] {
            var writer = ZipWriter()
            var bytes = writer.addFile(path: "a", contents: [1, 2, 3])
            bytes += writer.beginFile(path: "b")
            bytes += writer.writeFileData([4, 5])
            return bytes + writer.finish()
        }
        #expect(archive() == archive())
    }

    @Test("Reads an archive written by Python's zipfile: a UTF-8 name, a folder, a timestamp and a comment")
    func readsForeignArchive() throws {
        let reader = try ZipReader(bytes: Self.pythonArchive)
        #expect(reader.entries.map(\.path) == ["notes/привет.txt", "empty/"])
        #expect(reader.entries.map(\.localHeaderOffset) == [0, 62])
        #expect(try reader.contents(at: "notes/привет.txt") == Array("Hello, ZIP".utf8))
        #expect(try reader.contents(at: "empty/") == [])
        #expect(reader.entry(at: "missing") == nil)
    }

    @Test("ZIP64 records when sizes and offsets pass the limit, read back by the reader")
    func zip64() throws {
        // A limit of 16 bytes stands in for 4 GiB.
        var writer = ZipWriter(zip64Threshold: 16)
        let contents = Array("0123456789abcdefghij".utf8)  // 20 bytes: too big for the "32-bit" fields
        var bytes = writer.addFile(path: "big.txt", contents: contents)
        bytes += writer.addFile(path: "small", contents: Array("hi".utf8))
        bytes += writer.beginFile(path: "s")
        bytes += writer.writeFileData(contents)
        let descriptor = writer.endFile()
        bytes += descriptor
        bytes += writer.finish()
        // CRC-32("0123456789abcdefghij") = 0x638C0D29 per zlib; the sizes take 8 bytes each.
        #expect(
            descriptor == [
                0x50, 0x4B, 0x07, 0x08, 0x29, 0x0D, 0x8C, 0x63, 0x14, 0, 0, 0, 0, 0, 0, 0, 0x14, 0, 0, 0, 0, 0, 0, 0,
            ])
        #expect(bytes.containsSequence([0x50, 0x4B, 0x06, 0x06]))  // ZIP64 end of central directory
        #expect(bytes.containsSequence([0x50, 0x4B, 0x06, 0x07]))  // and its locator
        // The classic end record defers to the ZIP64 one.
        #expect(Array(bytes[bytes.count - 14..<bytes.count - 2]) == [UInt8](repeating: 0xFF, count: 12))
        let reader = try ZipReader(bytes: bytes)
        #expect(reader.entries.map(\.path) == ["big.txt", "small", "s"])
        #expect(reader.entries.map(\.size) == [20, 2, 20])
        #expect(try reader.contents(at: "big.txt") == contents)
        #expect(try reader.contents(at: "small") == Array("hi".utf8))
        #expect(try reader.contents(at: "s") == contents)
    }

    @Test("Bytes that are not an archive are refused", arguments: [[], [0x50, 0x4B, 0x03, 0x04], Array("hello, world".utf8)])
    func notAnArchive(_ bytes: [UInt8]) {
        #expect(throws: ZipError.notAnArchive) { try ZipReader(bytes: bytes) }
    }

    /// An archive given a range at a time, as a file is (each range a copy, indexed from zero).
    struct Ranges: ZipSource {
        let bytes: [UInt8]
        var size: Int { bytes.count }
        func read(_ range: Range<Int>) -> ArraySlice<UInt8> { Array(bytes[range])[...] }
    }

    @Test("A stored entry read a piece at a time comes in order; a changed byte fails its checksum after the last piece")
    func pieces() async throws {
        var writer = ZipWriter()
        let contents = (0..<1_000).map { UInt8($0 % 251) }
        let bytes = writer.addFile(path: "t.ndjson", contents: contents) + writer.finish()
        let reader = try ZipReader(source: Ranges(bytes: bytes))
        var pieces: [[UInt8]] = []
        try await reader.forEachPiece(of: reader.entries[0], pieceSize: 64) { pieces.append(Array($0)) }
        #expect(pieces.count == 16)
        #expect(Array(pieces.joined()) == contents)
        #expect(try reader.contents(at: "t.ndjson") == contents)
        var corrupt = bytes
        corrupt[500] ^= 0x01
        let bad = try ZipReader(source: Ranges(bytes: corrupt))
        var seen = 0
        do {
            try await bad.forEachPiece(of: bad.entries[0], pieceSize: 64) { seen += $0.count }
            Issue.record("a changed byte passed the checksum")
        } catch {
            #expect(error as? ZipError == .checksumMismatch(path: "t.ndjson"))
        }
        #expect(seen == 1_000, "the pieces were passed on, and the mismatch told after the last")
    }

    @Test("A source that gives fewer bytes than asked is reported, not misread")
    func shortRead() throws {
        struct Short: ZipSource {
            let bytes: [UInt8]
            var size: Int { bytes.count + 10 }
            func read(_ range: Range<Int>) -> ArraySlice<UInt8> {
                bytes[min(range.lowerBound, bytes.count)..<min(range.upperBound, bytes.count)]
            }
        }
        // The whole of a small archive is read at once, from its start.
        #expect(throws: ZipError.unreadable("\(Self.pythonArchive.count + 10) bytes at 0")) {
            try ZipReader(source: Short(bytes: Self.pythonArchive))
        }
    }

    @Test("A changed byte inside an entry fails its checksum")
    func corruptedData() throws {
        var bytes = Self.pythonArchive
        bytes[52] ^= 0x20  // the "H" of "Hello, ZIP"
        let reader = try ZipReader(bytes: bytes)
        #expect(throws: ZipError.checksumMismatch(path: "notes/привет.txt")) {
            try reader.contents(at: "notes/привет.txt")
        }
    }

    @Test("An archive cut short loses its end record; a directory pointing past the end is malformed")
    func truncated() {
        #expect(throws: ZipError.notAnArchive) { try ZipReader(bytes: Array(Self.pythonArchive.dropLast(40))) }
        var bytes = Self.pythonArchive
        bytes[236] = 0xF0  // the directory's offset, now past the end
        #expect(throws: ZipError.malformed) { try ZipReader(bytes: bytes) }
    }

    @Test("Compressed and encrypted entries are reported, not misread; unknown paths too")
    func unsupportedEntries() throws {
        var bzipped = Self.pythonArchive
        bzipped[98 + 10] = 0x0C  // the first central directory record's method: 12, bzip2
        #expect(throws: ZipError.unsupportedCompression(path: "notes/привет.txt", method: 12)) {
            try ZipReader(bytes: bzipped).contents(at: "notes/привет.txt")
        }
        var encrypted = Self.pythonArchive
        encrypted[98 + 8] |= 0x01  // its flags: bit 0, encrypted
        #expect(throws: ZipError.encrypted(path: "notes/привет.txt")) {
            try ZipReader(bytes: encrypted).contents(at: "notes/привет.txt")
        }
        #expect(throws: ZipError.entryNotFound(path: "nope")) { try ZipReader(bytes: Self.pythonArchive).contents(at: "nope") }
    }

    // Written by Python 3's zipfile (ZIP_STORED): "notes/привет.txt" holding "Hello, ZIP", the folder "empty/",
    // and the archive comment "made by Python". Its central directory starts at 98.
    static let pythonArchive: [UInt8] = [
        0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x00, 0x08, 0x00, 0x00, 0x05, 0x39, 0xA6, 0x58, 0xC6, 0xA6, 0x1B, 0xC5, 0x0A,
        0x00, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x00, 0x16, 0x00, 0x00, 0x00, 0x6E, 0x6F, 0x74, 0x65, 0x73, 0x2F, 0xD0, 0xBF,
        0xD1, 0x80, 0xD0, 0xB8, 0xD0, 0xB2, 0xD0, 0xB5, 0xD1, 0x82, 0x2E, 0x74, 0x78, 0x74, 0x48, 0x65, 0x6C, 0x6C, 0x6F,
        0x2C, 0x20, 0x5A, 0x49, 0x50, 0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x39, 0xA6, 0x58,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x65, 0x6D, 0x70,
        0x74, 0x79, 0x2F, 0x50, 0x4B, 0x01, 0x02, 0x14, 0x03, 0x14, 0x00, 0x00, 0x08, 0x00, 0x00, 0x05, 0x39, 0xA6, 0x58,
        0xC6, 0xA6, 0x1B, 0xC5, 0x0A, 0x00, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x00, 0x16, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x01, 0x00, 0x00, 0x00, 0x00, 0x6E, 0x6F, 0x74, 0x65, 0x73, 0x2F, 0xD0, 0xBF,
        0xD1, 0x80, 0xD0, 0xB8, 0xD0, 0xB2, 0xD0, 0xB5, 0xD1, 0x82, 0x2E, 0x74, 0x78, 0x74, 0x50, 0x4B, 0x01, 0x02, 0x14,
        0x03, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x39, 0xA6, 0x58, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x01, 0x3E,
        0x00, 0x00, 0x00, 0x65, 0x6D, 0x70, 0x74, 0x79, 0x2F, 0x50, 0x4B, 0x05, 0x06, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00,
        0x02, 0x00, 0x78, 0x00, 0x00, 0x00, 0x62, 0x00, 0x00, 0x00, 0x0E, 0x00, 0x6D, 0x61, 0x64, 0x65, 0x20, 0x62, 0x79,
        0x20, 0x50, 0x79, 0x74, 0x68, 0x6F, 0x6E,
    ]
}

extension [UInt8] {
    /// Whether `needle` occurs as a contiguous run.
    func containsSequence(_ needle: [UInt8]) -> Bool {
        guard needle.count <= count else { return false }
        return (0...(count - needle.count)).contains { self[$0..<$0 + needle.count].elementsEqual(needle) }
    }
}
