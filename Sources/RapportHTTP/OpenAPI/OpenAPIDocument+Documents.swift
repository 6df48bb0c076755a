import RapportCore

extension OpenAPIDocument {
    /// Documents with versions, attached to contacts, companies and deals.
    static var documentOperations: [Operation] {
        var operations: [Operation] = []
        for (kind, tag, single) in [
            (RecordKind.contact, "Contacts", "Contact"), (.company, "Companies", "Company"), (.deal, "Deals", "Deal"),
        ] {
            operations += [
                Operation(
                    method: "get", path: "/api/v1/\(kind.pathNoun)/{id}/documents", id: "list\(single)Documents",
                    summary: "The record's documents with every version, newest first (trash=true: those in the trash)", tag: tag,
                    parameters: ["id", "trash"], response: "DocumentList", errors: [400, 401, 404]),
                Operation(
                    method: "post", path: "/api/v1/\(kind.pathNoun)/{id}/documents", id: "upload\(single)Document",
                    summary:
                        "Attach a file: the body is the file's bytes, its Content-Type the file's media type, its name the `fileName` parameter; audited",
                    tag: tag, parameters: ["id", "documentFileName", "documentTitle"], body: "DocumentFile",
                    bodyMediaType: "application/octet-stream", status: 201, response: "Document", errors: [400, 401, 403, 404, 422]),
            ]
        }
        return operations + [
            Operation(
                method: "get", path: "/api/v1/documents/{id}", id: "getDocument", summary: "A document with every version",
                tag: "Documents",
                parameters: ["id"], response: "Document", errors: [401, 404]),
            Operation(
                method: "post", path: "/api/v1/documents/{id}/versions", id: "addDocumentVersion",
                summary: "Upload the next version (the body is the file, as for the first upload); audited", tag: "Documents",
                parameters: ["id", "documentFileName"], body: "DocumentFile", bodyMediaType: "application/octet-stream", status: 201,
                response: "Document", errors: [400, 401, 403, 404, 409, 422]),
            Operation(
                method: "get", path: "/api/v1/documents/{id}/versions/{number}/content", id: "downloadDocumentVersion",
                summary:
                    "Download one version's file (Content-Disposition with the file's name, RFC 5987 for non-ASCII); audited as an export",
                tag: "Documents", parameters: ["id", "versionNumber"], response: "FileDownload", errors: [401, 404]),
            Operation(
                method: "delete", path: "/api/v1/documents/{id}", id: "deleteDocument", summary: "Move a document to the trash",
                tag: "Documents", parameters: ["id"], response: "Document", errors: [401, 403, 404, 409]),
            Operation(
                method: "post", path: "/api/v1/documents/{id}/restore", id: "restoreDocument", summary: "Restore a document from the trash",
                tag: "Documents", parameters: ["id"], response: "Document", errors: [401, 403, 404, 409]),
        ]
    }

    /// Parameters of the document operations.
    static var documentParameters: [String: JSONValue] {
        [
            "documentFileName": .object([
                "name": "fileName", "in": "query", "required": true, "schema": string,
                "description": "The file's name (any characters, Cyrillic included; folders are dropped).",
            ]),
            "documentTitle": .object([
                "name": "title", "in": "query", "required": false, "schema": string,
                "description": "What to call the document (default: the file's name).",
            ]),
            "versionNumber": .object([
                "name": "number", "in": "path", "required": true, "schema": .object(["type": "integer", "minimum": 1]),
            ]),
        ]
    }

    /// Schemas of documents.
    static var documentSchemas: [String: JSONValue] {
        let version = object(
            [
                "number": integer, "fileName": string, "mediaType": string, "size": integer,
                "sha256": .object(["type": "string", "pattern": "^[0-9a-f]{64}$"]), "uploadedBy": nullable("string"),
                "uploadedAt": timestamp, "contentUrl": string,
            ], required: ["number", "fileName", "mediaType", "size", "sha256", "uploadedAt", "contentUrl"])
        return [
            "Document": object(
                [
                    "id": string, "recordType": enumeration(["contact", "company", "deal"]), "recordId": string, "title": string,
                    "currentVersion": integer, "versions": array(version), "createdBy": nullable("string"), "createdAt": timestamp,
                    "updatedAt": timestamp, "deletedAt": nullable("string", format: "date-time"),
                ], required: ["id", "recordType", "recordId", "title", "currentVersion", "versions", "createdAt", "updatedAt"]),
            "DocumentList": list("Document"),
            "DocumentFile": .object([
                "type": "string", "format": "binary",
                "description": "The file's bytes as the request body; the upload limit is RAPPORT_MAX_UPLOAD_MB (default 25).",
            ]),
        ]
    }
}
