public import Foundation

/// A file attached to a contact, company or deal, kept in numbered versions ("the three versions of one
/// commercial proposal"). The bytes live in the file store under ``DocumentVersion/storageKey``.
public struct Document: Hashable, Sendable {
    /// The document id.
    public typealias ID = Identifier<Document>
    /// Its id.
    public var id: ID
    /// Its workspace.
    public var workspaceID: Workspace.ID
    /// The record it is attached to (a contact, company or deal).
    public var record: RecordRef
    /// What people call it (the first version's file name unless given).
    public var title: String
    /// The newest version's number (1, 2, …).
    public var currentVersion: Int
    /// Every version, oldest first.
    public var versions: [DocumentVersion]
    /// Who attached it.
    public var createdBy: User.ID?
    /// Creation time.
    public var createdAt: Date
    /// When the last version arrived.
    public var updatedAt: Date
    /// When it was moved to the trash.
    public var deletedAt: Date?

    /// Makes a document.
    public init(
        id: ID, workspaceID: Workspace.ID, record: RecordRef, title: String, currentVersion: Int, versions: [DocumentVersion],
        createdBy: User.ID?, createdAt: Date, updatedAt: Date, deletedAt: Date? = nil
    ) {
        self.id = id
        self.workspaceID = workspaceID
        self.record = record
        self.title = title
        self.currentVersion = currentVersion
        self.versions = versions
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.deletedAt = deletedAt
    }

    /// The newest version.
    public var current: DocumentVersion? { versions.first { $0.number == currentVersion } ?? versions.last }
}

/// One uploaded file of a document.
public struct DocumentVersion: Hashable, Sendable {
    /// 1 for the first upload, then one more for each new version.
    public var number: Int
    /// The file's name as uploaded (cleaned of path parts and control characters).
    public var fileName: String
    /// The media type sent with it (`application/octet-stream` when none was).
    public var mediaType: String
    /// Its size in bytes.
    public var size: Int64
    /// The SHA-256 of its bytes, lowercase hex.
    public var sha256: String
    /// Where the file store keeps the bytes (content-addressed, so equal files are stored once).
    public var storageKey: String
    /// Who uploaded it.
    public var uploadedBy: User.ID?
    /// When.
    public var uploadedAt: Date

    /// Makes a version.
    public init(
        number: Int, fileName: String, mediaType: String, size: Int64, sha256: String, storageKey: String, uploadedBy: User.ID?,
        uploadedAt: Date
    ) {
        self.number = number
        self.fileName = fileName
        self.mediaType = mediaType
        self.size = size
        self.sha256 = sha256
        self.storageKey = storageKey
        self.uploadedBy = uploadedBy
        self.uploadedAt = uploadedAt
    }
}

/// What an upload says about its file before it is stored.
public struct DocumentUpload: Hashable, Sendable {
    /// The file name the client sent.
    public var fileName: String?
    /// A title for a new document (defaults to the file name).
    public var title: String?
    /// The media type the client sent.
    public var mediaType: String?
    /// The size in bytes.
    public var size: Int

    /// Makes an upload description.
    public init(fileName: String?, title: String? = nil, mediaType: String?, size: Int) {
        self.fileName = fileName
        self.title = title
        self.mediaType = mediaType
        self.size = size
    }
}

/// The rules of documents: what may be attached to, who may do what, what a file's name and type may be.
public enum DocumentRules {
    /// The records a document can be attached to.
    public static let attachableKinds: [RecordKind] = [.contact, .company, .deal]

    /// The longest file name or title kept.
    public static let maximumNameLength = 255

    /// The media type of a file sent without one.
    public static let defaultMediaType = "application/octet-stream"

    /// What the actor must be allowed to do to the parent record to do `operation` to its documents:
    /// seeing a record shows its documents; attaching, versioning and deleting change the record.
    public static func parentOperation(for operation: RecordOperation) -> RecordOperation {
        operation == .read ? .read : .update
    }

    /// Checks an upload against the size limit and cleans its names.
    /// - Parameters:
    ///   - upload: what the client sent.
    ///   - maximumBytes: the configured limit.
    ///   - needsTitle: a new document (not a new version), whose title defaults to the file name.
    /// - Returns: the cleaned file name, title and media type.
    /// - Throws: ``ValidationError`` naming `file`, `fileName`, `title` or `mediaType`.
    public static func validate(_ upload: DocumentUpload, maximumBytes: Int, needsTitle: Bool) throws(ValidationError) -> (
        fileName: String, title: String, mediaType: String
    ) {
        var issues = FieldIssues()
        if upload.size > maximumBytes {
            issues.add("file", .fileTooLarge, ["max": megabytes(maximumBytes)])
        } else if upload.size == 0 {
            issues.add("file", .required)
        }
        let fileName = cleanFileName(upload.fileName ?? "")
        if fileName.isEmpty { issues.add("fileName", .required) }
        issues.limit(fileName, "fileName", to: maximumNameLength)
        let title = upload.title.map(cleanTitle) ?? ""
        issues.limit(title, "title", to: maximumNameLength)
        let mediaType = (upload.mediaType?.trimmedOrNil ?? defaultMediaType).lowercased()
        if !isMediaType(mediaType) { issues.add("mediaType", .invalidFormat) }
        try issues.throwIfAny()
        return (fileName, needsTitle && title.isEmpty ? fileName : title, mediaType)
    }

    /// A file name without folders (a browser on Windows may send `C:\…\name`), control characters or
    /// surrounding blanks.
    public static func cleanFileName(_ raw: String) -> String {
        let last = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let cleaned = String(String.UnicodeScalarView(last.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }))
        let trimmed = cleaned.trimmed
        return trimmed == "." || trimmed == ".." ? "" : trimmed
    }

    private static func cleanTitle(_ raw: String) -> String {
        String(String.UnicodeScalarView(raw.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }))
            .trimmed
    }

    /// `type/subtype` with optional parameters, in the characters RFC 6838 allows.
    static func isMediaType(_ text: String) -> Bool {
        let essence = text.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        let parts = essence.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, text.count <= 200 else { return false }
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz0123456789!#$&-^_.+")
        return parts.allSatisfy { !$0.isEmpty && $0.unicodeScalars.allSatisfy(allowed.contains) }
            && !text.unicodeScalars.contains { CharacterSet.controlCharacters.contains($0) }
    }

    /// Where the file store keeps bytes with this hash in a workspace: `<workspace>/<first two hex>/<hash>`.
    public static func storageKey(workspace: Workspace.ID, sha256: String) -> String {
        "\(workspace.rawValue)/\(sha256.prefix(2))/\(sha256)"
    }

    /// The `Content-Disposition` of a download: an ASCII fallback name and the real one in RFC 5987
    /// encoding (`filename*=UTF-8''…`), so Cyrillic names survive every browser.
    public static func contentDisposition(fileName: String) -> String {
        let fallback = String(
            fileName.unicodeScalars.map { scalar -> Character in
                scalar.isASCII && scalar.value >= 0x20 && scalar != "\"" && scalar != "\\" && scalar != "%" ? Character(scalar) : "_"
            })
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$&+-.^_`|~")
        let encoded = fileName.addingPercentEncoding(withAllowedCharacters: unreserved) ?? fallback
        return "attachment; filename=\"\(fallback)\"; filename*=UTF-8''\(encoded)"
    }

    /// A byte count as whole megabytes for messages ("25").
    public static func megabytes(_ bytes: Int) -> String { String(bytes / (1 << 20)) }
}
