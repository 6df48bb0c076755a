/// CRC-32 as ZIP uses it (IEEE 802.3: reflected polynomial 0xEDB88320, initial value and final XOR all ones).
public struct CRC32: Hashable, Sendable {
    // The running register, kept inverted as the algorithm wants; `value` undoes that.
    private var register: UInt32 = 0xFFFF_FFFF

    /// Starts a checksum of no bytes (whose value is 0).
    public init() {}

    /// The checksum of the bytes fed so far.
    public var value: UInt32 { ~register }

    /// Feeds more bytes.
    public mutating func update(_ bytes: some Sequence<UInt8>) {
        var register = self.register
        crc32Table.withUnsafeBufferPointer { table in
            for byte in bytes {
                register = table[Int((register ^ UInt32(byte)) & 0xFF)] ^ (register >> 8)
            }
        }
        self.register = register
    }

    /// The checksum of `bytes`.
    public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc = CRC32()
        crc.update(bytes)
        return crc.value
    }
}

// One entry per byte value: the register's change after shifting that byte through, eight bits at a time.
private let crc32Table: [UInt32] = (0..<256).map { index in
    var value = UInt32(index)
    for _ in 0..<8 {
        value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1
    }
    return value
}

/// Writes a ZIP archive as a stream of bytes, never seeking back, so an archive of any size can go straight to
/// a file or an HTTP response.
///
/// A state machine: each method returns the bytes to append to the output, in order. Entries are stored
/// (not compressed). Every entry carries the same timestamp, 1980-01-01 00:00, so the same input always gives
/// the same bytes. Entries written piece by piece (``beginFile(path:)``, ``writeFileData(_:)``,
/// ``endFile()``) have their checksum and size in a data descriptor after the data (general purpose bit 3).
/// Sizes and offsets past 4 GiB and more than 65,534 entries switch to ZIP64 records where needed, as Go's and
/// Info-ZIP's writers do. Paths are stored as UTF-8 (bit 11 set when not ASCII); use `/` between folders.
public struct ZipWriter: Hashable, Sendable {
    private struct Record: Hashable, Sendable {
        var name: [UInt8]
        var flags: UInt16
        var crc: UInt32
        var size: UInt64
        var offset: UInt64
    }

    private struct OpenFile: Hashable, Sendable {
        var name: [UInt8]
        var flags: UInt16
        var offset: UInt64
        var checksum = CRC32()
        var size: UInt64 = 0
    }

    private var records: [Record] = []
    private var openFile: OpenFile?
    private var isFinished = false
    // From this value up a size or offset does not fit its 32-bit field: 0xFFFFFFFF itself marks "see ZIP64".
    private let zip64Threshold: UInt64

    /// The number of bytes returned so far.
    public private(set) var byteCount: UInt64 = 0

    /// Starts an empty archive.
    public init() {
        self.init(zip64Threshold: 0xFFFF_FFFF)
    }

    /// Starts an archive that switches to ZIP64 at a lower size, so tests can exercise ZIP64 without 4 GiB.
    package init(zip64Threshold: UInt64) {
        self.zip64Threshold = zip64Threshold
    }

    /// Adds a whole file at once: its header (with checksum and size) followed by its bytes.
    /// - Parameters:
    ///   - path: the path inside the archive, e.g. `xl/workbook.xml`.
    ///   - contents: the file's bytes.
    /// - Returns: the bytes to append (after ending an entry still open).
    public mutating func addFile(path: String, contents: [UInt8]) -> [UInt8] {
        var output = endFile()
        guard UInt64(contents.count) < zip64Threshold else {
            // A size that needs ZIP64 goes the streamed way, whose data descriptor has 64-bit sizes.
            output += beginFile(path: path)
            output += writeFileData(contents)
            output += endFile()
            return output
        }
        precondition(!isFinished, "ZipWriter: addFile after finish")
        let name = Array(path.utf8)
        let record = Record(
            name: name, flags: Self.nameFlags(name), crc: CRC32.checksum(contents), size: UInt64(contents.count),
            offset: byteCount)
        var header = Self.localHeader(name: name, flags: record.flags)
        header.overwrite(at: 14, with: record.crc)
        header.overwrite(at: 18, with: UInt32(record.size))
        header.overwrite(at: 22, with: UInt32(record.size))
        records.append(record)
        header += contents
        return emit(output, header)
    }

    /// Starts a file whose bytes follow in ``writeFileData(_:)`` calls; ``endFile()`` (or the next file, or
    /// ``finish()``) ends it.
    /// - Parameter path: the path inside the archive.
    /// - Returns: the bytes to append: the end of an entry still open, then the new entry's header.
    public mutating func beginFile(path: String) -> [UInt8] {
        let output = endFile()
        precondition(!isFinished, "ZipWriter: beginFile after finish")
        let name = Array(path.utf8)
        // Bit 3: checksum and sizes are not in this header (left zero) but in a descriptor after the data.
        let flags = Self.nameFlags(name) | 0x0008
        openFile = OpenFile(name: name, flags: flags, offset: byteCount)
        return emit(output, Self.localHeader(name: name, flags: flags))
    }

    /// Adds bytes to the file begun with ``beginFile(path:)``.
    /// - Parameter bytes: the next bytes of the file.
    /// - Returns: the same bytes (entries are stored uncompressed), to append to the output.
    public mutating func writeFileData(_ bytes: [UInt8]) -> [UInt8] {
        precondition(openFile != nil, "ZipWriter: writeFileData without beginFile")
        openFile?.checksum.update(bytes)
        openFile?.size += UInt64(bytes.count)
        byteCount += UInt64(bytes.count)
        return bytes
    }

    /// Ends the file begun with ``beginFile(path:)``: its data descriptor. Empty when no file is open.
    public mutating func endFile() -> [UInt8] {
        guard let file = openFile else { return [] }
        openFile = nil
        records.append(Record(name: file.name, flags: file.flags, crc: file.checksum.value, size: file.size, offset: file.offset))
        var descriptor: [UInt8] = []
        descriptor.append(littleEndian: UInt32(0x0807_4B50))
        descriptor.append(littleEndian: file.checksum.value)
        if file.size >= zip64Threshold {
            descriptor.append(littleEndian: file.size)
            descriptor.append(littleEndian: file.size)
        } else {
            descriptor.append(littleEndian: UInt32(file.size))
            descriptor.append(littleEndian: UInt32(file.size))
        }
        return emit([], descriptor)
    }

    /// Ends the archive: ends a file still open, then writes the central directory and the end records.
    /// Nothing may be added afterwards; a second call returns nothing.
    public mutating func finish() -> [UInt8] {
        guard !isFinished else { return [] }
        let output = endFile()
        isFinished = true
        let directoryOffset = byteCount
        var directory: [UInt8] = []
        for record in records {
            directory += centralHeader(record)
        }
        let directorySize = UInt64(directory.count)
        let needsZip64 = records.count >= 0xFFFF || directoryOffset >= zip64Threshold || directorySize >= zip64Threshold
        if needsZip64 {
            let zip64EndOffset = directoryOffset + directorySize
            directory.append(littleEndian: UInt32(0x0606_4B50))
            directory.append(littleEndian: UInt64(44))  // the size of the rest of this record
            directory.append(littleEndian: UInt16(45))  // made by: version 4.5
            directory.append(littleEndian: UInt16(45))  // needed: 4.5, ZIP64
            directory.append(littleEndian: UInt32(0))  // this disk
            directory.append(littleEndian: UInt32(0))  // the disk where the directory starts
            directory.append(littleEndian: UInt64(records.count))
            directory.append(littleEndian: UInt64(records.count))
            directory.append(littleEndian: directorySize)
            directory.append(littleEndian: directoryOffset)
            directory.append(littleEndian: UInt32(0x0706_4B50))  // the locator of the record above
            directory.append(littleEndian: UInt32(0))
            directory.append(littleEndian: zip64EndOffset)
            directory.append(littleEndian: UInt32(1))  // disks in all
        }
        let entryCount = UInt16(clamping: needsZip64 ? 0xFFFF : records.count)
        directory.append(littleEndian: UInt32(0x0605_4B50))
        directory.append(littleEndian: UInt16(0))  // this disk
        directory.append(littleEndian: UInt16(0))  // the disk where the directory starts
        directory.append(littleEndian: entryCount)
        directory.append(littleEndian: entryCount)
        directory.append(littleEndian: needsZip64 ? UInt32.max : UInt32(directorySize))
        directory.append(littleEndian: needsZip64 ? UInt32.max : UInt32(directoryOffset))
        directory.append(littleEndian: UInt16(0))  // comment length
        return emit(output, directory)
    }

    // Counts what leaves; `earlier` was already counted by the method that made it.
    private mutating func emit(_ earlier: [UInt8], _ new: [UInt8]) -> [UInt8] {
        byteCount += UInt64(new.count)
        return earlier + new
    }

    private static func nameFlags(_ name: [UInt8]) -> UInt16 {
        // Bit 11: the name is UTF-8. Set only when it matters, as most writers do.
        name.allSatisfy { $0 < 0x80 } ? 0 : 0x0800
    }

    // A local file header with checksum and sizes zero, for the caller to fill in or leave to a descriptor.
    private static func localHeader(name: [UInt8], flags: UInt16) -> [UInt8] {
        var header: [UInt8] = []
        header.reserveCapacity(30 + name.count)
        header.append(littleEndian: UInt32(0x0403_4B50))
        header.append(littleEndian: UInt16(20))  // needed: version 2.0
        header.append(littleEndian: flags)
        header.append(littleEndian: UInt16(0))  // method: stored
        header.append(littleEndian: dosTime)
        header.append(littleEndian: dosDate)
        header.append(littleEndian: UInt32(0))  // CRC-32
        header.append(littleEndian: UInt32(0))  // compressed size
        header.append(littleEndian: UInt32(0))  // size
        header.append(littleEndian: UInt16(name.count))
        header.append(littleEndian: UInt16(0))  // extra field length
        header += name
        return header
    }

    private func centralHeader(_ record: Record) -> [UInt8] {
        // ZIP64 extra field: the values that do not fit, in this fixed order, with 0xFFFFFFFF in their fields.
        var extra: [UInt8] = []
        let sizeOverflows = record.size >= zip64Threshold
        let offsetOverflows = record.offset >= zip64Threshold
        if sizeOverflows {
            extra.append(littleEndian: record.size)  // size
            extra.append(littleEndian: record.size)  // compressed size: the same, as entries are stored
        }
        if offsetOverflows {
            extra.append(littleEndian: record.offset)
        }
        if !extra.isEmpty {
            extra = [0x01, 0x00] + UInt16(extra.count).littleEndianBytes + extra
        }
        var header: [UInt8] = []
        header.append(littleEndian: UInt32(0x0201_4B50))
        header.append(littleEndian: UInt16(45))  // made by: version 4.5, MS-DOS attributes
        header.append(littleEndian: UInt16(extra.isEmpty ? 20 : 45))  // needed: 2.0, or 4.5 for ZIP64
        header.append(littleEndian: record.flags)
        header.append(littleEndian: UInt16(0))  // method: stored
        header.append(littleEndian: Self.dosTime)
        header.append(littleEndian: Self.dosDate)
        header.append(littleEndian: record.crc)
        header.append(littleEndian: sizeOverflows ? UInt32.max : UInt32(record.size))
        header.append(littleEndian: sizeOverflows ? UInt32.max : UInt32(record.size))
        header.append(littleEndian: UInt16(record.name.count))
        header.append(littleEndian: UInt16(extra.count))
        header.append(littleEndian: UInt16(0))  // comment length
        header.append(littleEndian: UInt16(0))  // disk number
        header.append(littleEndian: UInt16(0))  // internal attributes
        header.append(littleEndian: UInt32(0))  // external attributes
        header.append(littleEndian: offsetOverflows ? UInt32.max : UInt32(record.offset))
        header += record.name
        header += extra
        return header
    }

    // 1980-01-01 00:00:00, the earliest DOS timestamp: fixed so that output is deterministic.
    private static let dosTime: UInt16 = 0
    private static let dosDate: UInt16 = (0 << 9) | (1 << 5) | 1
}

/// Why a ZIP archive could not be read.
public enum ZipError: Error, Hashable, Sendable {
    /// No end of central directory record: not a ZIP archive, or cut short.
    case notAnArchive
    /// A record lies outside the bytes or lacks its signature.
    case malformed
    /// The entry is compressed with a method this reader does not support (0, stored, and 8, deflated, are).
    case unsupportedCompression(path: String, method: UInt16)
    /// The entry's compressed bytes are not valid DEFLATE data.
    case corrupt(path: String, InflateError)
    /// The entry is bigger than the caller accepts (a zip bomb, or simply too big).
    case tooLarge(path: String, limit: Int)
    /// The entry is encrypted.
    case encrypted(path: String)
    /// The entry's bytes do not match its CRC-32 or size.
    case checksumMismatch(path: String)
    /// No entry has this path.
    case entryNotFound(path: String)
    /// The archive's bytes could not be read (a file's read failed, or it is shorter than it was).
    case unreadable(String)
}

/// Where an archive's bytes come from, a range at a time: memory (``ZipReader/init(bytes:)``), or a file the
/// caller reads (a workspace archive larger than memory should hold).
public protocol ZipSource: Sendable {
    /// The archive's size in bytes.
    var size: Int { get }
    /// The bytes in `range`, which lies inside `0..<size`.
    func read(_ range: Range<Int>) throws -> ArraySlice<UInt8>
}

/// An archive held in memory: a range is a slice of it, not a copy.
private struct ZipBytes: ZipSource {
    let bytes: [UInt8]
    var size: Int { bytes.count }
    func read(_ range: Range<Int>) -> ArraySlice<UInt8> { bytes[range] }
}

/// Reads a ZIP archive: lists its entries and returns stored and deflated entries' bytes, checked against their
/// CRC-32 and size. Reads what ``ZipWriter`` writes, ZIP64 included, and what Excel, LibreOffice and Python's
/// `zipfile` write. Only the directory is read up front; an entry's bytes are read when asked for.
///
/// Paths are returned as written (decoded as UTF-8); a caller extracting to disk must refuse absolute paths and
/// `..` components itself.
public struct ZipReader: Sendable {
    /// One entry of the central directory.
    public struct Entry: Hashable, Sendable {
        /// The path inside the archive; folders end with `/`.
        public let path: String
        /// 0 for stored, 8 for deflated, …
        public let compressionMethod: UInt16
        /// The general purpose flags (bit 0: encrypted, bit 3: data descriptor, bit 11: UTF-8 name).
        public let flags: UInt16
        /// The CRC-32 of the uncompressed bytes.
        public let crc32: UInt32
        /// The size as stored in the archive.
        public let compressedSize: UInt64
        /// The size of the file itself.
        public let size: UInt64
        /// Where the entry's local header starts.
        public let localHeaderOffset: UInt64
    }

    /// The entries in central directory order.
    public let entries: [Entry]
    private let source: any ZipSource
    /// The archive's size in bytes.
    public var size: Int { source.size }

    /// Reads the central directory of an archive held in memory.
    /// - Parameter bytes: the whole archive.
    /// - Throws: ``ZipError/notAnArchive`` or ``ZipError/malformed``.
    public init(bytes: [UInt8]) throws(ZipError) {
        try self.init(source: ZipBytes(bytes: bytes))
    }

    /// Reads an archive's central directory from `source`.
    /// - Throws: ``ZipError/notAnArchive``, ``ZipError/malformed`` or ``ZipError/unreadable(_:)``.
    public init(source: some ZipSource) throws(ZipError) {
        self.source = source
        let total = source.size
        // The end record is the last 22 bytes plus a comment of up to 65,535 bytes; search back for it. The
        // ZIP64 locator (20 bytes) comes right before it.
        guard total >= 22 else { throw .notAnArchive }
        let tailStart = max(0, total - 22 - 0xFFFF - 20)
        let tail = try Self.read(source, tailStart..<total)
        var endOffset: Int?
        for candidate in stride(from: tail.count - 22, through: max(0, tail.count - 22 - 0xFFFF), by: -1)
        where tail.uint32(at: candidate) == 0x0605_4B50 {
            endOffset = candidate
            break
        }
        guard let end = endOffset else { throw .notAnArchive }
        // The end record lies wholly inside the tail, so these reads cannot fail.
        var count = UInt64(tail.uint16(at: end + 10)!)
        var directorySize = UInt64(tail.uint32(at: end + 12)!)
        var directoryOffset = UInt64(tail.uint32(at: end + 16)!)
        if count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF,
            end >= 20, tail.uint32(at: end - 20) == 0x0706_4B50
        {
            guard let recordOffset = tail.uint64(at: end - 12).flatMap(Int.init(exactly:)),
                recordOffset >= 0, recordOffset <= total - 56
            else { throw .malformed }
            let record = try Self.read(source, recordOffset..<recordOffset + 56)
            guard record.uint32(at: 0) == 0x0606_4B50, let entries = record.uint64(at: 32), let size = record.uint64(at: 40),
                let offset = record.uint64(at: 48)
            else { throw .malformed }
            count = entries
            directorySize = size
            directoryOffset = offset
        }
        guard let start = Int(exactly: directoryOffset), let size = Int(exactly: directorySize),
            start.addingReportingOverflow(size).partialValue <= total, count <= UInt64(size / 46)
        else { throw .malformed }
        let directory = try Self.read(source, start..<start + size)
        var entries: [Entry] = []
        var position = 0
        for _ in 0..<count {
            guard directory.uint32(at: position) == 0x0201_4B50, let flags = directory.uint16(at: position + 8),
                let method = directory.uint16(at: position + 10), let crc = directory.uint32(at: position + 16),
                let compressed32 = directory.uint32(at: position + 20), let size32 = directory.uint32(at: position + 24),
                let nameLength = directory.uint16(at: position + 28).map(Int.init),
                let extraLength = directory.uint16(at: position + 30).map(Int.init),
                let commentLength = directory.uint16(at: position + 32).map(Int.init),
                let offset32 = directory.uint32(at: position + 42)
            else { throw .malformed }
            let nameStart = position + 46
            let extraStart = nameStart + nameLength
            let next = extraStart + extraLength + commentLength
            guard next <= directory.count else { throw .malformed }
            // ZIP64 values follow in a fixed order, present only for the fields marked 0xFFFFFFFF.
            var size = UInt64(size32)
            var compressedSize = UInt64(compressed32)
            var offset = UInt64(offset32)
            var extra = extraStart
            while extra + 4 <= extraStart + extraLength {
                // Inside the record, whose end was checked against the directory above.
                let id = directory.uint16(at: extra)!
                let length = Int(directory.uint16(at: extra + 2)!)
                if id == 0x0001 {
                    var field = extra + 4
                    func next64() throws(ZipError) -> UInt64 {
                        guard field + 8 <= extra + 4 + length, let value = directory.uint64(at: field) else { throw .malformed }
                        field += 8
                        return value
                    }
                    if size32 == 0xFFFF_FFFF { size = try next64() }
                    if compressed32 == 0xFFFF_FFFF { compressedSize = try next64() }
                    if offset32 == 0xFFFF_FFFF { offset = try next64() }
                }
                extra += 4 + length
            }
            entries.append(
                Entry(
                    path: String(decoding: directory[nameStart..<extraStart], as: UTF8.self), compressionMethod: method,
                    flags: flags, crc32: crc, compressedSize: compressedSize, size: size, localHeaderOffset: offset))
            position = next
        }
        self.entries = entries
    }

    /// `range` of the source as an array indexed from zero, or why it could not be read.
    private static func read(_ source: some ZipSource, _ range: Range<Int>) throws(ZipError) -> [UInt8] {
        Array(try slice(source, range))
    }

    private static func slice(_ source: some ZipSource, _ range: Range<Int>) throws(ZipError) -> ArraySlice<UInt8> {
        do {
            let bytes = try source.read(range)
            guard bytes.count == range.count else { throw ZipError.unreadable("\(range.count) bytes at \(range.lowerBound)") }
            return bytes
        } catch let error as ZipError {
            throw error
        } catch {
            throw .unreadable("\(error)")
        }
    }

    /// The entry with this path, if any.
    public func entry(at path: String) -> Entry? {
        entries.first { $0.path == path }
    }

    /// The bytes of the entry with this path.
    /// - Parameters:
    ///   - path: the entry's path.
    ///   - limit: the most bytes the entry may decompress to.
    /// - Throws: ``ZipError/entryNotFound(path:)``, or what ``contents(of:limit:)`` throws.
    public func contents(at path: String, limit: Int = ZipReader.defaultLimit) throws(ZipError) -> [UInt8] {
        Array(try slice(at: path, limit: limit))
    }

    /// ``contents(at:limit:)`` as ``slice(of:limit:)`` gives it: a stored entry's bytes in place.
    public func slice(at path: String, limit: Int = ZipReader.defaultLimit) throws(ZipError) -> ArraySlice<UInt8> {
        guard let entry = entry(at: path) else { throw .entryNotFound(path: path) }
        return try slice(of: entry, limit: limit)
    }

    /// The most bytes one entry may decompress to unless the caller says otherwise: 64 MiB.
    public static let defaultLimit = 64 << 20

    /// The bytes of a stored or deflated entry, checked against its CRC-32 and size.
    ///
    /// An entry whose size (as the directory states it, or as it turns out while decompressing) passes `limit`
    /// is refused without decompressing more than `limit` bytes, so a zip bomb costs little.
    /// - Parameters:
    ///   - entry: one of ``entries``.
    ///   - limit: the most bytes the entry may decompress to.
    /// - Throws: ``ZipError/unsupportedCompression(path:method:)``, ``ZipError/encrypted(path:)``,
    ///   ``ZipError/tooLarge(path:limit:)``, ``ZipError/corrupt(path:_:)``, ``ZipError/checksumMismatch(path:)``
    ///   or ``ZipError/malformed``.
    public func contents(of entry: Entry, limit: Int = ZipReader.defaultLimit) throws(ZipError) -> [UInt8] {
        Array(try slice(of: entry, limit: limit))
    }

    /// ``contents(of:limit:)`` without copying a stored entry out of an archive in memory: its bytes as a slice
    /// of the archive's own (a deflated entry's are decompressed, as there).
    public func slice(of entry: Entry, limit: Int = ZipReader.defaultLimit) throws(ZipError) -> ArraySlice<UInt8> {
        let (range, size) = try dataRange(of: entry, limit: limit)
        let data: ArraySlice<UInt8>
        if entry.compressionMethod == 0 {
            data = try Self.slice(source, range)
        } else {
            data = try inflate(entry, range, size: size)
        }
        guard CRC32.checksum(data) == entry.crc32 else { throw .checksumMismatch(path: entry.path) }
        return data
    }

    /// A stored or deflated entry's bytes passed to `body` a piece at a time, so that a caller reading a large
    /// stored entry from a file holds one piece and not the entry (a deflated entry is one piece). The CRC-32
    /// and size are checked after the last piece: a caller that acts on pieces must undo what it did when this
    /// throws.
    /// - Parameters:
    ///   - pieceSize: the most bytes of a stored entry passed at once.
    /// - Throws: what ``slice(of:limit:)`` throws, and what `body` throws.
    public func forEachPiece(
        of entry: Entry, limit: Int = ZipReader.defaultLimit, pieceSize: Int = 1 << 20,
        _ body: (ArraySlice<UInt8>) async throws -> Void
    ) async throws {
        let (range, size) = try dataRange(of: entry, limit: limit)
        guard entry.compressionMethod == 0 else {
            let data = try inflate(entry, range, size: size)
            guard CRC32.checksum(data) == entry.crc32 else { throw ZipError.checksumMismatch(path: entry.path) }
            try await body(data)
            return
        }
        var checksum = CRC32()
        let step = max(1, pieceSize)
        for start in stride(from: range.lowerBound, to: range.upperBound, by: step) {
            let piece = try Self.slice(source, start..<min(start + step, range.upperBound))
            checksum.update(piece)
            try await body(piece)
        }
        guard checksum.value == entry.crc32 else { throw ZipError.checksumMismatch(path: entry.path) }
    }

    /// Where an entry's stored bytes lie in the archive, and its size once decompressed; refuses what this
    /// reader cannot read and what passes `limit`.
    private func dataRange(of entry: Entry, limit: Int) throws(ZipError) -> (Range<Int>, size: Int) {
        guard entry.flags & 0x0001 == 0 else { throw .encrypted(path: entry.path) }
        guard entry.compressionMethod == 0 || entry.compressionMethod == 8 else {
            throw .unsupportedCompression(path: entry.path, method: entry.compressionMethod)
        }
        guard entry.size <= UInt64(max(0, limit)) else { throw .tooLarge(path: entry.path, limit: limit) }
        guard let header = Int(exactly: entry.localHeaderOffset), header <= source.size - 30 else { throw .malformed }
        let fixed = try Self.read(source, header..<header + 30)
        guard fixed.uint32(at: 0) == 0x0403_4B50, let nameLength = fixed.uint16(at: 26), let extraLength = fixed.uint16(at: 28)
        else { throw .malformed }
        let start = header + 30 + Int(nameLength) + Int(extraLength)
        guard let size = Int(exactly: entry.size), let stored = Int(exactly: entry.compressedSize),
            start.addingReportingOverflow(stored).partialValue <= source.size
        else { throw .malformed }
        guard entry.compressionMethod != 0 || stored == size else { throw .malformed }
        return (start..<start + stored, size)
    }

    /// A deflated entry's bytes, decompressed; the stated size is the limit.
    private func inflate(_ entry: Entry, _ range: Range<Int>, size: Int) throws(ZipError) -> ArraySlice<UInt8> {
        let compressed = try Self.read(source, range)
        let data: [UInt8]
        do {
            // An entry that inflates past its stated size is lying about it.
            data = try Inflate.decompress(compressed, limit: size)
        } catch .outputTooLarge {
            throw .checksumMismatch(path: entry.path)
        } catch {
            throw .corrupt(path: entry.path, error)
        }
        guard data.count == size else { throw .checksumMismatch(path: entry.path) }
        return data[...]
    }
}

extension [UInt8] {
    mutating func append<Integer: FixedWidthInteger>(littleEndian value: Integer) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    fileprivate mutating func overwrite(at index: Int, with value: UInt32) {
        Swift.withUnsafeBytes(of: value.littleEndian) { replaceSubrange(index..<index + 4, with: $0) }
    }

    fileprivate func uint16(at index: Int) -> UInt16? { integer(at: index) }
    fileprivate func uint32(at index: Int) -> UInt32? { integer(at: index) }
    fileprivate func uint64(at index: Int) -> UInt64? { integer(at: index) }

    // Nil when the bytes run past the end (or the index is negative), so that parsing never traps on bad input.
    private func integer<Integer: FixedWidthInteger>(at index: Int) -> Integer? {
        let width = Integer.bitWidth / 8
        guard index >= 0, index <= count - width else { return nil }
        var value: Integer = 0
        for offset in 0..<width {
            value |= Integer(self[index + offset]) << (8 * offset)
        }
        return value
    }
}

extension UInt16 {
    fileprivate var littleEndianBytes: [UInt8] { [UInt8(self & 0xFF), UInt8(self >> 8)] }
}
