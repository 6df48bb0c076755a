import Foundation
import Hummingbird
import NIOCore
import RapportCore
import RapportStore

/// Documents attached to contacts, companies and deals, with versions. An upload's body is the file's
/// bytes as they are (any `Content-Type`, which becomes the version's media type); its name comes in the
/// `fileName` query parameter.
struct DocumentAPI {
    let handlers: Handlers
    var store: Store { handlers.store }

    func register(on group: RouterGroup<AppRequestContext>) {
        for kind in DocumentRules.attachableKinds {
            group.get("\(kind.pathNoun)/{id}/documents") { request, context in
                let record = RecordRef(kind: kind, id: try Handlers.id(context, as: RecordRef.self).rawValue)
                let trash = ["true", "1"].contains(formQuery(request)["trash"] ?? "")
                let documents = try await store.documents.list(on: record, trash: trash, by: try context.requireActor())
                return try Handlers.json(ListResponse(data: documents.map(DocumentBody.init), nextCursor: nil))
            }
            group.post("\(kind.pathNoun)/{id}/documents") { request, context in
                let record = RecordRef(kind: kind, id: try Handlers.id(context, as: RecordRef.self).rawValue)
                let (upload, bytes) = try await upload(request)
                let document = try await store.documents.upload(to: record, upload, bytes: bytes, by: try context.requireActor())
                return try Handlers.json(DocumentBody(document), status: .created)
            }
        }
        group.get("documents/{id}") { _, context in
            try Handlers.json(DocumentBody(try await store.documents.get(try Handlers.id(context), by: try context.requireActor())))
        }
        group.post("documents/{id}/versions") { request, context in
            let (upload, bytes) = try await upload(request)
            let document = try await store.documents.addVersion(
                try Handlers.id(context), upload, bytes: bytes, by: try context.requireActor())
            return try Handlers.json(DocumentBody(document), status: .created)
        }
        group.get("documents/{id}/versions/{number}/content") { _, context in
            guard let number = context.parameters.get("number").flatMap({ Int($0) }) else { throw APIError.notFound }
            let (version, data) = try await store.documents.content(
                try Handlers.id(context), version: number, by: try context.requireActor())
            return Self.download(version, data)
        }
        group.delete("documents/{id}") { _, context in
            try Handlers.json(DocumentBody(try await store.documents.delete(try Handlers.id(context), by: try context.requireActor())))
        }
        group.post("documents/{id}/restore") { _, context in
            try Handlers.json(DocumentBody(try await store.documents.restore(try Handlers.id(context), by: try context.requireActor())))
        }
    }

    /// The file of an upload request: the body's bytes (refused, naming `file`, beyond the limit), its
    /// media type and the `fileName` and `title` query parameters.
    static func upload(_ request: Request, limit: Int) async throws -> (DocumentUpload, [UInt8]) {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch {
            throw ValidationError("file", .fileTooLarge, ["max": DocumentRules.megabytes(limit)])
        }
        let query = formQuery(request)
        let upload = DocumentUpload(
            fileName: query["fileName"], title: query["title"], mediaType: request.headers[.contentType], size: buffer.readableBytes)
        return (upload, Array(buffer.readableBytesView))
    }

    private func upload(_ request: Request) async throws -> (DocumentUpload, [UInt8]) {
        try await Self.upload(request, limit: store.documents.files.maximumBytes)
    }

    /// A version's bytes as a download: its media type, its name (RFC 5987 for non-ASCII names), its hash.
    static func download(_ version: DocumentVersion, _ data: Data) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: version.mediaType, .contentDisposition: DocumentRules.contentDisposition(fileName: version.fileName),
                .cacheControl: "private, no-store", .xContentTypeOptions: "nosniff",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(data: data)))
    }
}

/// A document in the API.
struct DocumentBody: Encodable, Sendable {
    var id: String
    var recordType: String
    var recordId: String
    var title: String
    var currentVersion: Int
    var versions: [DocumentVersionBody]
    var createdBy: String?
    var createdAt: Date
    var updatedAt: Date
    var deletedAt: Date?

    init(_ d: Document) {
        id = d.id.rawValue
        recordType = d.record.kind.rawValue
        recordId = d.record.id
        title = d.title
        currentVersion = d.currentVersion
        versions = d.versions.map { DocumentVersionBody($0, document: d.id) }
        createdBy = d.createdBy?.rawValue
        createdAt = d.createdAt
        updatedAt = d.updatedAt
        deletedAt = d.deletedAt
    }
}

/// One version of a document in the API, with the link that downloads it.
struct DocumentVersionBody: Encodable, Sendable {
    var number: Int
    var fileName: String
    var mediaType: String
    var size: Int64
    var sha256: String
    var uploadedBy: String?
    var uploadedAt: Date
    var contentUrl: String

    init(_ v: DocumentVersion, document: Document.ID) {
        number = v.number
        fileName = v.fileName
        mediaType = v.mediaType
        size = v.size
        sha256 = v.sha256
        uploadedBy = v.uploadedBy?.rawValue
        uploadedAt = v.uploadedAt
        contentUrl = "/api/v1/documents/\(document.rawValue)/versions/\(v.number)/content"
    }
}
