import Foundation
import Hummingbird
import RapportCore
import RapportStore

/// Documents on contact, company and deal cards: the panel (every document with its versions and
/// download links, an upload form, a "new version" form per document) and the forms' handlers.
struct DocumentPages {
    let kit: WebKit
    var store: Store { kit.store }

    func register(on router: RouterGroup<AppRequestContext>) {
        for kind in DocumentRules.attachableKinds {
            router.post("\(kind.pathNoun)/{id}/documents") { request, context in
                let viewer = try await kit.viewer(request, context)
                let record = RecordRef(kind: kind, id: try Handlers.id(context, as: RecordRef.self).rawValue)
                let (form, file) = try await readFile(request, context)
                var upload = file.upload
                upload.title = form.text("title")
                _ = try await store.documents.upload(to: record, upload, bytes: file.bytes, by: viewer.actor)
                return WebResponse.redirect(.card(of: record), flash: .created)
            }
        }
        router.post("documents/{id}/versions") { request, context in
            let viewer = try await kit.viewer(request, context)
            let (_, file) = try await readFile(request, context)
            let document = try await store.documents.addVersion(try Handlers.id(context), file.upload, bytes: file.bytes, by: viewer.actor)
            return WebResponse.redirect(.card(of: document.record), flash: .saved)
        }
        router.post("documents/{id}/delete") { request, context in
            let viewer = try await kit.viewer(request, context)
            _ = try await FormData.read(request, context)
            let document = try await store.documents.delete(try Handlers.id(context), by: viewer.actor)
            return WebResponse.redirect(.card(of: document.record), flash: .deleted)
        }
        router.post("documents/{id}/restore") { request, context in
            let viewer = try await kit.viewer(request, context)
            _ = try await FormData.read(request, context)
            let document = try await store.documents.restore(try Handlers.id(context), by: viewer.actor)
            return WebResponse.redirect(.card(of: document.record), flash: .restored)
        }
        router.get("documents/{id}/versions/{number}") { request, context in
            let viewer = try await kit.viewer(request, context)
            guard let number = context.parameters.get("number").flatMap({ Int($0) }) else { throw APIError.notFound }
            let (version, data) = try await store.documents.content(try Handlers.id(context), version: number, by: viewer.actor)
            return DocumentAPI.download(version, data)
        }
    }

    /// The uploaded file of a form (`file`), with the name and type the browser sent; refused beyond the limit.
    private func readFile(_ request: Request, _ context: AppRequestContext) async throws -> (
        FormData, (upload: DocumentUpload, bytes: [UInt8])
    ) {
        let limit = store.documents.files.maximumBytes
        // The form's other fields and the part headers take a few kilobytes on top of the file.
        let (form, parts) = try await FormData.readUploadParts(
            request, context, limit: limit + 64 << 10,
            tooLarge: ValidationError("file", .fileTooLarge, ["max": DocumentRules.megabytes(limit)]))
        let part = parts.first { $0.name == "file" }
        let bytes = part?.content ?? []
        return (form, (DocumentUpload(fileName: part?.fileName, mediaType: part?.contentType, size: bytes.count), bytes))
    }

    /// The "Documents" panel of a record's card.
    static func panel(_ viewer: Viewer, store: Store, record: RecordRef) async throws -> HTML {
        let t = viewer.t
        let format = viewer.format
        async let trashed = store.documents.list(on: record, trash: true, by: viewer.actor)
        let documents = try await store.documents.list(on: record, by: viewer.actor)
        func size(_ bytes: Int64) -> String {
            bytes < 1024 ? "\(bytes) \(t("B", "Б"))" : "\(format.number(Int((bytes + 1023) / 1024))) \(t("KB", "КБ"))"
        }
        let items: [HTML] = documents.map { document in
            let versions: [HTML] = document.versions.reversed().map { version in
                """
                <li><a href="\(WebURL.documentVersion(document.id, version.number))" download>\(t("v", "в"))\(version.number) · \(version.fileName)</a>
                <span class="muted">\(size(version.size)) · \(format.dateTime(version.uploadedAt))</span></li>
                """
            }
            return """
                <li class="document"><b>\(document.title)</b>
                <ul class="document-versions">\(versions)</ul>
                <details><summary>\(t("Upload a new version", "Загрузить новую версию"))</summary>
                <form method="post" action="\(WebURL.document(document.id, "versions"))" enctype="multipart/form-data" data-native>\(Form.csrf(viewer))
                <div class="field"><label for="f-version-\(document.id.rawValue)">\(t("File", "Файл"))</label>
                <input id="f-version-\(document.id.rawValue)" type="file" name="file" required></div>
                <button type="submit" class="small">\(t("Upload", "Загрузить"))</button></form>
                <form method="post" action="\(WebURL.document(document.id, "delete"))" data-confirm="\(t("Move this document to the trash?", "Переместить документ в корзину?"))">\(Form.csrf(viewer))
                <button type="submit" class="small danger">\(t("Delete", "Удалить"))</button></form></details></li>
                """
        }
        let limit = DocumentRules.megabytes(store.documents.files.maximumBytes)
        // Deleted documents of this record wait here until the trash is purged.
        let restorable: [HTML] = try await trashed.map { document in
            """
            <li>\(document.title) <span class="muted">\(document.deletedAt.map(format.dateTime) ?? "")</span>
            <form method="post" action="\(WebURL.document(document.id, "restore"))" class="inline-edit">\(Form.csrf(viewer))
            <button type="submit" class="small">\(t("Restore", "Восстановить"))</button></form></li>
            """
        }
        return """
            <section class="card documents"><h2>\(t("Documents", "Документы"))</h2>
            \(items.isEmpty ? Parts.empty(t("No documents yet.", "Документов пока нет.")) : "<ul class=\"documents\">\(items)</ul>" as HTML)
            <details><summary>\(t("Attach a document", "Прикрепить документ"))</summary>
            <form method="post" action="\(WebURL.documents(on: record))" enctype="multipart/form-data" data-native>\(Form.csrf(viewer))
            <div class="field"><label for="f-document-file">\(t("File", "Файл")) <span class="muted">(\(t("up to", "до")) \(limit) \(t("MB", "МБ")))</span></label>
            <input id="f-document-file" type="file" name="file" required></div>
            <div class="field"><label for="f-document-title">\(t("Title (optional)", "Название (необязательно)"))</label>
            <input id="f-document-title" type="text" name="title" maxlength="255"></div>
            <button type="submit" class="primary">\(t("Attach", "Прикрепить"))</button></form></details>
            \(restorable.isEmpty ? HTML.empty : """
            <details><summary>\(t("Deleted documents", "Удалённые документы")) (\(restorable.count))</summary><ul>\(restorable)</ul></details>
            """ as HTML)</section>
            """
    }
}

extension WebURL {
    /// The card a document hangs on: one of ``DocumentRules/attachableKinds``, which all have a card.
    static func card(of record: RecordRef) -> WebURL { self.record(record) ?? home }
    /// The documents of a record (the upload form's target).
    static func documents(on record: RecordRef) -> WebURL { WebURL("/\(record.kind.pathNoun)/\(record.id)/documents") }
    /// An action on a document: `versions` (upload the next one), `delete`, `restore`.
    static func document(_ id: Document.ID, _ action: String) -> WebURL { WebURL("/documents/\(id.rawValue)/\(action)") }
    /// The download of one version.
    static func documentVersion(_ id: Document.ID, _ number: Int) -> WebURL { WebURL("/documents/\(id.rawValue)/versions/\(number)") }
}
