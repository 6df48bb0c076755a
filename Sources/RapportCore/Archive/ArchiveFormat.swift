import Foundation

/// The full-workspace archive (`rapport export --workspace` / `rapport import --archive`): a ZIP holding
/// `tables/<table>.ndjson` (one JSON object per row, rows in primary-key order, columns sorted by name),
/// `files/<storage key>` (documents' bytes) and `manifest.json` (written last, when the counts are known).
///
/// Values are written the same way whatever database they come from: text as JSON strings, whole numbers
/// (times are Unix milliseconds, UTC, as stored) as JSON integers, the few real numbers in Swift's
/// shortest round-trip form, booleans as `true`/`false`, SQL NULL as `null`. So exporting, importing and
/// exporting again gives byte-identical table files, on SQLite and on PostgreSQL.
public enum ArchiveFormat {
    /// The archive layout's own version (bumped when the layout, not the schema, changes).
    public static let formatVersion = 1
    /// The `format` field of every manifest.
    public static let formatName = "rapport-workspace-archive"
    /// The manifest's path in the archive.
    public static let manifestPath = "manifest.json"

    /// The path of a table's rows.
    public static func tablePath(_ table: String) -> String { "tables/\(table).ndjson" }
    /// The path of a stored file.
    public static func filePath(_ storageKey: String) -> String { "files/\(storageKey)" }

    /// What a column holds, as far as the archive is concerned.
    public enum ColumnKind: String, Codable, Sendable, Hashable {
        case text, integer, real, boolean

        /// The kind of a column from its declared type on either engine (`TEXT`, `BIGINT`, `INTEGER`,
        /// `bigint`, `boolean`, `double precision`, …); nil for a type the archive does not know.
        public init?(declared: String) {
            let type = declared.lowercased()
            if type.contains("bool") {
                self = .boolean
            } else if type.contains("int") || type.contains("serial") {
                self = .integer
            } else if type.contains("double") || type.contains("real") || type.contains("float") || type.contains("numeric") {
                self = .real
            } else if type.contains("text") || type.contains("char") {
                self = .text
            } else {
                return nil
            }
        }
    }

    /// One row as one NDJSON line (without the newline): columns in the given order, values as
    /// ``JSONValue/jsonText`` writes them.
    public static func line(_ columns: [String], _ values: [JSONValue]) -> String {
        var bytes: [UInt8] = [UInt8(ascii: "{")]
        for (index, (column, value)) in zip(columns, values).enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONValue.write(string: column, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            value.write(to: &bytes)
        }
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A value read from an archive line, checked against the column it goes into.
    /// - Returns: the value (a whole number in a real column becomes a real), or nil when it does not fit.
    public static func typed(_ value: JSONValue, as kind: ColumnKind) -> JSONValue? {
        switch (kind, value) {
        case (_, .null): return .null
        case (.text, .string), (.integer, .int), (.boolean, .bool), (.real, .double): return value
        case (.real, .int(let number)): return .double(Double(number))
        default: return nil
        }
    }
}

/// The table of contents of an archive.
public struct ArchiveManifest: Codable, Hashable, Sendable {
    /// Always ``ArchiveFormat/formatName``.
    public var format: String
    /// ``ArchiveFormat/formatVersion`` of the writer.
    public var formatVersion: Int
    /// The database schema version (the newest migration) of the exporting binary; an import needs the same.
    public var schemaVersion: Int
    /// The exported workspace.
    public var workspaceId: String
    /// When the archive was written (RFC 3339, UTC).
    public var createdAt: String
    /// Every table, in the order an import inserts them.
    public var tables: [Table]
    /// Every stored file.
    public var files: [File]

    /// One table's file.
    public struct Table: Codable, Hashable, Sendable {
        /// The table's name.
        public var name: String
        /// Its rows in the archive.
        public var rows: Int
        /// Its columns, in the order of every line.
        public var columns: [Column]

        /// Makes a table entry.
        public init(name: String, rows: Int, columns: [Column]) {
            self.name = name
            self.rows = rows
            self.columns = columns
        }
    }

    /// One column.
    public struct Column: Codable, Hashable, Sendable {
        /// Its name.
        public var name: String
        /// What it holds.
        public var kind: ArchiveFormat.ColumnKind

        /// Makes a column entry.
        public init(name: String, kind: ArchiveFormat.ColumnKind) {
            self.name = name
            self.kind = kind
        }
    }

    /// One stored file.
    public struct File: Codable, Hashable, Sendable {
        /// The storage key (its path under `files/`).
        public var key: String
        /// The SHA-256 of its bytes, lowercase hex.
        public var sha256: String
        /// Its size in bytes.
        public var size: Int64

        /// Makes a file entry.
        public init(key: String, sha256: String, size: Int64) {
            self.key = key
            self.sha256 = sha256
            self.size = size
        }
    }

    /// Makes a manifest.
    public init(schemaVersion: Int, workspaceId: String, createdAt: String, tables: [Table], files: [File]) {
        self.format = ArchiveFormat.formatName
        self.formatVersion = ArchiveFormat.formatVersion
        self.schemaVersion = schemaVersion
        self.workspaceId = workspaceId
        self.createdAt = createdAt
        self.tables = tables
        self.files = files
    }

    /// The manifest as stable JSON (sorted keys, indented), so equal manifests are equal bytes.
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return Array(try encoder.encode(self))
    }
}
