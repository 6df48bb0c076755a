import Foundation
import RapportCore
import Testing

/// Reads a file under Tests/RapportCoreTests/Fixtures (made by the scripts there).
enum Fixture {
    static func bytes(_ path: String) throws -> [UInt8] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/" + path)
        return [UInt8](try Data(contentsOf: url))
    }
}

@Suite("DEFLATE decoder")
struct InflateTests {
    // The inputs make-deflate-fixtures.py compressed, built the same way.
    static func noise(_ count: Int) -> [UInt8] {
        var x: UInt64 = 1
        return (0..<count).map { _ in
            x = (x &* 1_103_515_245 &+ 12345) & 0x7FFF_FFFF
            return UInt8((x >> 16) & 0xFF)
        }
    }

    static func table(_ count: Int) -> [UInt8] {
        Array(
            (0..<count).map {
                "\($0);Иванов Иван \($0 * 7919 % 1000);+7916\(String(repeating: "0", count: 7 - String($0).count))\($0);ivan\($0)@example.ru\n"
            }.joined().utf8)
    }

    static let inputs: [String: [UInt8]] = [
        "empty": [], "hello": Array("hello, hello, hello!".utf8), "table": table(1000), "noise": noise(8000),
        "run": [UInt8](repeating: 0x61, count: 100_000),
    ]

    @Test(
        "Streams zlib wrote at every level and strategy decompress to their input",
        arguments: ["empty", "hello", "table", "noise", "run"], ["level0", "level1", "level6", "level9", "fixed", "huffman"])
    func zlibFixtures(_ input: String, _ variant: String) throws {
        guard input != "run" || variant != "level0" else { return }
        let compressed = try Fixture.bytes("Deflate/\(input)-\(variant).deflate")
        let expected = try #require(Self.inputs[input])
        #expect(try Inflate.decompress(compressed, limit: 1 << 20) == expected)
    }

    @Test("A stored block then a fixed-Huffman block, written by hand")
    func handWrittenBlocks() throws {
        let bytes: [UInt8] = [0x00, 0x02, 0x00, 0xFD, 0xFF, 0x61, 0x62, 0x4B, 0x06, 0x00]
        #expect(try Inflate.decompress(bytes, limit: 3) == Array("abc".utf8))
        // The limit counts every block: the same stream cannot fit in two bytes.
        #expect(throws: InflateError.outputTooLarge(limit: 2)) { try Inflate.decompress(bytes, limit: 2) }
    }

    @Test(
        "Malformed streams fail with the error that names the fault",
        arguments: [
            ([], InflateError.truncated),
            ([0x07], .invalidBlockType),
            ([0x01, 0x03, 0x00, 0xFC, 0xFE, 0x61, 0x62, 0x63], .storedLengthMismatch),
            ([0x01, 0x05, 0x00, 0xFA, 0xFF, 0x61], .truncated),
            ([0x03, 0x02, 0x00], .distanceTooFar),
            ([0x4B, 0x1C, 0x03], .invalidSymbol),
            ([0x05, 0xE0, 0x93, 0x24, 0x49, 0x92, 0x24, 0x49, 0x92, 0x00], .invalidCodeLengths),
            ([0x05, 0x00, 0x24, 0x49, 0x00], .invalidCodeLengths),
        ] as [([UInt8], InflateError)])
    func malformed(_ bytes: [UInt8], _ error: InflateError) {
        #expect(throws: error) { try Inflate.decompress(bytes, limit: 1 << 20) }
    }

    @Test("A stream cut anywhere fails as truncated rather than returning part of the data")
    func cutShort() throws {
        let compressed = try Fixture.bytes("Deflate/table-level9.deflate")
        for length in [0, 1, 2, 10, compressed.count / 2, compressed.count - 1] {
            #expect(throws: InflateError.truncated) { try Inflate.decompress(Array(compressed[..<length]), limit: 1 << 20) }
        }
    }

    @Test("Output stops at the limit: a long run is refused, not inflated")
    func limit() throws {
        let compressed = try Fixture.bytes("Deflate/run-level9.deflate")
        #expect(throws: InflateError.outputTooLarge(limit: 1000)) { try Inflate.decompress(compressed, limit: 1000) }
        #expect(try Inflate.decompress(compressed, limit: 100_000).count == 100_000)
    }

    @Test("A ZIP from Python's zipfile: deflated, stored and empty entries, checked against their CRC-32")
    func pythonZip() throws {
        let reader = try ZipReader(bytes: try Fixture.bytes("Deflate/mixed.zip"))
        #expect(reader.entries.map(\.compressionMethod) == [8, 0, 8])
        #expect(try reader.contents(at: "table.csv") == Self.table(1000))
        #expect(try reader.contents(at: "stored.txt") == Array("hello, hello, hello!".utf8))
        #expect(try reader.contents(at: "empty.txt") == [])
    }

    @Test("A changed byte in deflated data fails as corrupt or as a checksum mismatch, never as wrong bytes")
    func corruptedZipEntry() throws {
        let original = try Fixture.bytes("Deflate/mixed.zip")
        let compressedSize = try #require(try ZipReader(bytes: original).entry(at: "table.csv")?.compressedSize)
        // table.csv's data starts after its 30-byte header and 9-byte name; flip bytes through it.
        for offset in stride(from: 39, to: 39 + Int(compressedSize), by: 397) {
            var bytes = original
            bytes[offset] ^= 0x5A
            let reader = try ZipReader(bytes: bytes)
            #expect(throws: ZipError.self) { try reader.contents(at: "table.csv") }
        }
    }

    @Test("A zip bomb is refused by its stated size, and by its real size when the stated one lies")
    func zipBomb() throws {
        let bytes = try Fixture.bytes("Deflate/bomb.zip")
        let reader = try ZipReader(bytes: bytes)
        #expect(throws: ZipError.tooLarge(path: "zeros.bin", limit: 1 << 20)) { try reader.contents(at: "zeros.bin", limit: 1 << 20) }
        #expect(try reader.contents(at: "zeros.bin", limit: 10 << 20).count == 10 << 20)
        // The central directory record says 10 MiB; make it say 100 bytes.
        let signature: [UInt8] = [0x50, 0x4B, 0x01, 0x02]
        let found = (0..<bytes.count - 4).last { Array(bytes[$0..<$0 + 4]) == signature }
        let central = try #require(found)
        var lying = bytes
        lying.replaceSubrange(central + 24..<central + 28, with: [100, 0, 0, 0])
        #expect(throws: ZipError.checksumMismatch(path: "zeros.bin")) { try ZipReader(bytes: lying).contents(at: "zeros.bin") }
    }
}
