import Foundation
import RapportCore
import SQLKit
import Testing

@testable import RapportHTTP
@testable import RapportStore

/// The full workspace archive: export → import into an empty install → export gives identical data.
@Suite struct WorkspaceArchiveTests {
    static func temporaryFile(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("rapport-archive-\(UUID().uuidString)-\(name)")
    }

    /// A workspace with a bit of everything: records with phones, e-mails, tags and custom fields, a deal
    /// that moved stages, tasks, activities, products and orders with lines, segments with members, a
    /// saved view, a document with two versions (one with a Cyrillic name), a user's phone extension.
    static func seed(_ app: TestApp, _ api: API) async throws -> Crew {
        let crew = try await Crew.make(app.store)
        let token = crew.token("owner")
        try await TelephonyExtensionTests.setExtension(api, crew, "rep", "101")
        _ = try await api.post(
            "/api/v1/custom-fields", token, ["entity": "contact", "key": "budget", "label": "Бюджет", "kind": "number"])
        _ = try await api.post("/api/v1/tags", token, ["name": "VIP", "color": "#aa0000"])
        let company = try await api.post("/api/v1/companies", token, ["name": "ООО «Ромашка»", "inn": "7707083893"])
        let contact = try await api.post(
            "/api/v1/contacts", token,
            [
                "fullName": "Иванов Пётр Сергеевич", "phones": [["number": "+7 912 345-67-89"]],
                "emails": [["address": "petr@example.ru"]], "tags": ["VIP"], "customFields": ["budget": 150_000],
                "companyIds": [.string(company.id)], "emailConsent": true, "city": "Москва \"Центр\"\n\\ tab\t",
            ])
        #expect(contact.status == 201)
        let stages = try await api.get("/api/v1/pipelines", token).data[0]["stages"].arrayValue
        let deal = try await api.post(
            "/api/v1/deals", token,
            [
                "title": "Поставка", "amount": ["amount": 1_500_000, "currency": "RUB"], "contactIds": [.string(contact.id)],
                "companyId": .string(company.id),
            ])
        _ = try await api.post("/api/v1/deals/\(deal.id)/move", token, ["stageId": stages[1]["id"]])
        let won = stages.first { $0["kind"] == "won" }!
        _ = try await api.post("/api/v1/deals/\(deal.id)/move", token, ["stageId": won["id"]])
        _ = try await api.post("/api/v1/tasks", token, ["title": "Позвонить", "dueAt": "2099-01-01T09:00:00+03:00"])
        _ = try await api.post("/api/v1/activities", token, ["kind": "note", "body": "Созвонились", "contactId": .string(contact.id)])
        let product = try await api.post(
            "/api/v1/products", token, ["name": "Курс", "sku": "C-1", "price": ["amount": 990_00, "currency": "RUB"]])
        let order = try await api.post(
            "/api/v1/orders", token,
            ["contactId": .string(contact.id), "lines": [["productId": .string(product.id), "quantity": 2]]])
        #expect(order.status == 201)
        _ = try await api.post("/api/v1/deals/\(deal.id)/order", token)
        _ = try await api.post("/api/v1/segments", token, ["name": "Все", "filter": ["all": []]])
        let list = try await api.post("/api/v1/segments", token, ["name": "Список", "kind": "static"])
        _ = try await api.post("/api/v1/segments/\(list.id)/members", token, ["ids": [.string(contact.id)]])
        let document = try await DocumentTests.upload(
            api, "/api/v1/contacts/\(contact.id)/documents", token, DocumentTests.bytes(3_000, seed: 5), fileName: "КП.pdf")
        _ = try await DocumentTests.upload(
            api, "/api/v1/documents/\(document.id)/versions", token, DocumentTests.bytes(4_000, seed: 6), fileName: "КП v2.pdf")
        return crew
    }

    /// Every entry of an archive; the manifest without its creation time.
    static func entries(_ url: URL) throws -> [String: [UInt8]] {
        let reader = try ZipReader(bytes: Array(try Data(contentsOf: url)))
        var result: [String: [UInt8]] = [:]
        for entry in reader.entries { result[entry.path] = try reader.contents(of: entry) }
        var manifest = try JSONDecoder().decode(ArchiveManifest.self, from: Data(result[ArchiveFormat.manifestPath] ?? []))
        manifest.createdAt = ""
        result[ArchiveFormat.manifestPath] = try manifest.encoded()
        return result
    }

    @Test func everyTableOfTheSchemaIsArchivedOrDeliberatelyLeftOut() async throws {
        try await TestApp.with { app, _ in
            let uncovered = try await app.store.archive.uncoveredTables()
            #expect(uncovered.isEmpty, "add \(uncovered) to WorkspaceArchive.tables or excludedTables")
        }
    }

    /// The export pages through each table by its key, so a key that two rows share would lose rows at a page's
    /// edge: every key must be the columns of a unique index.
    @Test func everyArchivedTableIsKeyedByAUniqueIndex() async throws {
        try await TestApp.with { app, _ in
            let db = app.store.database.reader
            for spec in WorkspaceArchive.tables {
                let rows: [any SQLRow]
                switch app.store.database.dialect {
                case .sqlite:
                    rows = try await db.raw(
                        """
                        SELECT (SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_index_info(l.name) ORDER BY seqno)) AS columns
                        FROM pragma_index_list(\(bind: spec.name)) l WHERE l."unique" = 1 AND l.partial = 0
                        """
                    ).all()
                case .postgres:
                    rows = try await db.raw(
                        """
                        SELECT string_agg(a.attname, ',' ORDER BY k.position) AS columns
                        FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
                        CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, position)
                        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
                        WHERE c.relname = \(bind: spec.name) AND c.relnamespace = current_schema()::regnamespace
                            AND i.indisunique AND i.indpred IS NULL
                        GROUP BY i.indexrelid
                        """
                    ).all()
                }
                let unique = try rows.map { try $0.string("columns") }
                #expect(
                    unique.contains(spec.key.joined(separator: ",")), "\(spec.name) is keyed by \(spec.key); its unique indexes: \(unique)")
            }
        }
    }

    @Test func exportImportExportIsByteIdentical() async throws {
        let first = Self.temporaryFile("first.zip")
        let second = Self.temporaryFile("second.zip")
        defer {
            try? FileManager.default.removeItem(at: first)
            try? FileManager.default.removeItem(at: second)
        }
        let (crew, contacts) = try await TestApp.with { app, api in
            let crew = try await Self.seed(app, api)
            let manifest = try await app.store.archive.export(workspace: crew.workspace.id, to: first)
            #expect(manifest.files.count == 2)
            let partial = first.deletingLastPathComponent().appendingPathComponent(".\(first.lastPathComponent).partial")
            #expect(!FileManager.default.fileExists(atPath: partial.path), "the archive is renamed into place whole")
            let rows = Dictionary(uniqueKeysWithValues: manifest.tables.map { ($0.name, $0.rows) })
            for table in [
                "contacts", "companies", "deals", "stage_history", "tasks", "activities", "orders", "order_lines", "segments",
                "segment_members", "custom_field_definitions", "documents", "phones", "emails", "record_tags", "audit_log", "users",
            ] {
                #expect((rows[table] ?? 0) > 0, "\(table) is in the archive")
            }
            #expect(rows["document_versions"] == 2)
            #expect(rows["stage_history"] == 3)
            // Read a row at a time, each table comes out the same: every page starts right after the one before.
            let paged = WorkspaceArchive(
                context: app.store.archive.context, files: app.store.archive.files, pageSize: 1, pieceSize: 1 << 20)
            try await paged.export(workspace: crew.workspace.id, to: second)
            #expect(try Self.entries(second) == Self.entries(first), "an export a row per page is the same archive")
            return (crew, try await api.get("/api/v1/contacts", crew.token("owner")).json)
        }
        try await TestApp.with { app, api in
            // Read 7 bytes at a time, the table files' lines are cut between pieces and put together again.
            let pieces = WorkspaceArchive(context: app.store.archive.context, files: app.store.archive.files, pageSize: 5_000, pieceSize: 7)
            try await pieces.restore(from: first)
            try await app.store.archive.export(workspace: crew.workspace.id, to: second)
            let before = try Self.entries(first)
            let after = try Self.entries(second)
            #expect(before.keys.sorted() == after.keys.sorted())
            for (path, bytes) in before {
                #expect(after[path] == bytes, "\(path) differs after the round trip")
            }
            // The move is usable: the same API token works and sees the same contacts; documents download.
            let token = crew.token("owner")
            #expect(try await api.get("/api/v1/contacts", token).json == contacts)
            let contactID = try #require(contacts["data"][0]["id"].stringValue)
            let documents = try await api.get("/api/v1/contacts/\(contactID)/documents", token)
            let documentID = try #require(documents.data.first?["id"].stringValue)
            let (status, body, _) = try await DocumentTests.download(api, "/api/v1/documents/\(documentID)/versions/2/content", token)
            #expect(status == 200)
            #expect(body == DocumentTests.bytes(4_000, seed: 6))
            let rep = try await api.get("/api/v1/users/\(crew.user("rep").id.rawValue)", token)
            #expect(rep["extension"] == "101", "users keep their phone extensions")
            // Search was carried too.
            let found = try await api.get("/api/v1/search?q=%D0%A0%D0%BE%D0%BC%D0%B0%D1%88%D0%BA%D0%B0", token)
            #expect(found["companies"].arrayValue.count == 1, "«Ромашка» is found in the restored search index")
            // The reports' per-day rollups are not carried: their triggers rebuilt them as the rows came in.
            let (kept, fresh) = try await SourceAndStageRollupTests.rollups(app.store.database.reader)
            #expect(kept == fresh, "the restored rollups")
            #expect(!kept.isEmpty)
        }
    }

    /// The export holds a page of rows, not a table: three contacts read two at a time come as two pages.
    @Test func anExportReadsATableAPageAtATime() async throws {
        try await TestApp.with { app, _ in
            let crew = try await Crew.make(app.store)
            for name in ["Иванов", "Петров", "Сидоров"] {
                var input = ContactInput()
                input.lastName = .set(name)
                _ = try await app.store.contacts.create(input, by: crew.actor("owner"))
            }
            let archive = WorkspaceArchive(context: app.store.archive.context, files: app.store.archive.files, pageSize: 2, pieceSize: 1)
            let spec = try #require(WorkspaceArchive.tables.first { $0.name == "contacts" })
            let pages = try await app.store.database.snapshot { db in
                var pages: [[String]] = []
                try await archive.forEachPage(db, spec, columns: try await archive.columns(db, "contacts"), workspace: crew.workspace.id) {
                    pages.append(try $0.map { try $0.string("last_name") })
                }
                return pages
            }
            #expect(pages.map(\.count) == [2, 1])
            #expect(Set(pages.joined()) == ["Иванов", "Петров", "Сидоров"], "every row once")
        }
    }

    @Test func anExportReadsEveryTableAsOfOneMoment() async throws {
        try await TestApp.with { app, _ in
            let crew = try await Crew.make(app.store)
            var first = ContactInput()
            first.lastName = .set("Иванов")
            _ = try await app.store.contacts.create(first, by: crew.actor("owner"))
            var later = ContactInput()
            later.lastName = .set("Петров")
            let second = later
            let database = app.store.database
            let count = { @Sendable (db: any SQLDatabase) in try await db.raw("SELECT COUNT(*) AS n FROM contacts").first()?.int("n") ?? -1
            }
            // A contact committed while the snapshot is open is not in it; it is there after.
            let (before, during) = try await database.snapshot { db in
                let before = try await count(db)
                _ = try await app.store.contacts.create(second, by: crew.actor("owner"))
                return (before, try await count(db))
            }
            #expect(before == 1)
            #expect(during == 1, "the snapshot still sees the database as it was")
            #expect(try await count(database.reader) == 2)
        }
    }

    /// Writes `archive` again as `copy`, each entry's contents passed through `change` (path, contents).
    static func rewrite(_ archive: URL, to copy: URL, _ change: (String, [UInt8]) throws -> [UInt8]) throws {
        let reader = try ZipReader(bytes: Array(try Data(contentsOf: archive)))
        var writer = ZipWriter()
        var bytes: [UInt8] = []
        for entry in reader.entries {
            bytes += writer.addFile(path: entry.path, contents: try change(entry.path, try reader.contents(of: entry)))
        }
        bytes += writer.finish()
        try Data(bytes).write(to: copy)
    }

    @Test func anArchiveGoesOnlyIntoAnEmptyInstallOfTheSameSchema() async throws {
        let archive = Self.temporaryFile("a.zip")
        let tampered = Self.temporaryFile("b.zip")
        defer {
            try? FileManager.default.removeItem(at: archive)
            try? FileManager.default.removeItem(at: tampered)
        }
        try await TestApp.with { app, _ in
            let crew = try await Crew.make(app.store)
            try await app.store.archive.export(workspace: crew.workspace.id, to: archive)
            await #expect(throws: WorkspaceArchive.Failure.installNotEmpty) { try await app.store.archive.restore(from: archive) }
            await #expect(throws: WorkspaceArchive.Failure.noSuchWorkspace("nope")) {
                try await app.store.archive.export(workspace: Workspace.ID("nope"), to: tampered)
            }
            // The same archive claiming another schema version.
            try Self.rewrite(archive, to: tampered) { path, contents in
                guard path == ArchiveFormat.manifestPath else { return contents }
                var manifest = try JSONDecoder().decode(ArchiveManifest.self, from: Data(contents))
                manifest.schemaVersion += 1
                return try manifest.encoded()
            }
        }
        try await TestApp.with { app, _ in
            await #expect(
                throws: WorkspaceArchive.Failure.schemaMismatch(archive: Migrations.latestVersion + 1, binary: Migrations.latestVersion)
            ) {
                try await app.store.archive.restore(from: tampered)
            }
            try Data([1, 2, 3]).write(to: tampered)
            await #expect(throws: WorkspaceArchive.Failure.self) { try await app.store.archive.restore(from: tampered) }
            #expect(try await app.store.database.reader.raw("SELECT id FROM workspaces").all().isEmpty, "nothing was half-written")
        }
    }

    /// Rows go in a table at a time; a bad line in a table restored late (after the workspace, its users and
    /// contacts are in) leaves nothing of the archive's rows behind, and the error names the table and line.
    @Test func aBadLineLateInTheArchiveRollsBackEveryRow() async throws {
        let archive = Self.temporaryFile("a.zip")
        let tampered = Self.temporaryFile("b.zip")
        defer {
            try? FileManager.default.removeItem(at: archive)
            try? FileManager.default.removeItem(at: tampered)
        }
        try await TestApp.with { app, api in
            let crew = try await Self.seed(app, api)
            try await app.store.archive.export(workspace: crew.workspace.id, to: archive)
        }
        let reader = try ZipReader(bytes: Array(try Data(contentsOf: archive)))
        let manifest = try JSONDecoder().decode(ArchiveManifest.self, from: Data(try reader.contents(at: ArchiveFormat.manifestPath)))
        let names = manifest.tables.map(\.name)
        let contacts = try #require(names.firstIndex(of: "contacts"))
        let table = try #require(manifest.tables.last { $0.rows > 1 && names.firstIndex(of: $0.name)! > contacts }?.name)
        try Self.rewrite(archive, to: tampered) { path, contents in
            guard path == ArchiveFormat.tablePath(table) else { return contents }
            var lines = contents.split(separator: UInt8(ascii: "\n")).map(Array.init)
            lines[1] = Array("{\"not\": \"a row\"}".utf8)
            return Array(lines.joined(separator: [UInt8(ascii: "\n")])) + [UInt8(ascii: "\n")]
        }
        try await TestApp.with { app, _ in
            await #expect(throws: WorkspaceArchive.Failure.malformed("\(table) line 2")) {
                try await app.store.archive.restore(from: tampered)
            }
            for written in ["workspaces", "users", "contacts", table] {
                let rows = try await app.store.database.reader.raw("SELECT 1 AS one FROM \(unsafeRaw: written)").all()
                #expect(rows.isEmpty, "\(written)")
            }
        }
    }
}

/// `rapport export contacts`: the list page's export as a file.
@Suite struct ContactFileExportTests {
    @Test func contactsExportAsTheListPageDoesWithTheSameRights() async throws {
        try await TestApp.with { app, api in
            let crew = try await Crew.make(app.store)
            let token = crew.token("owner")
            _ = try await api.post("/api/v1/contacts", token, ["fullName": "Иванова Анна", "emails": [["address": "anna@example.ru"]]])
            let list = try await api.post("/api/v1/segments", token, ["name": "Пусто", "kind": "static"])
            let csv = try await ContactFileExport.bytes(store: app.store, actor: crew.actor("owner"), format: "csv", segment: nil)
            let text = String(decoding: csv, as: UTF8.self)
            #expect(text.hasPrefix("\u{FEFF}Фамилия,Имя"), "headed in the workspace's language, with a BOM for Excel")
            #expect(text.contains("Иванова,Анна"))
            #expect(text.contains("anna@example.ru"))
            let vcard = String(
                decoding: try await ContactFileExport.bytes(store: app.store, actor: crew.actor("owner"), format: "vcard", segment: nil),
                as: UTF8.self)
            #expect(vcard.contains("N:Иванова;Анна;;;"))
            let members = try await ContactFileExport.bytes(
                store: app.store, actor: crew.actor("owner"), format: "csv", segment: Segment.ID(list.id))
            #expect(!String(decoding: members, as: UTF8.self).contains("Иванова"), "only the segment's members")
            await #expect(throws: ValidationError.self) {
                try await ContactFileExport.bytes(store: app.store, actor: crew.actor("owner"), format: "pdf", segment: nil)
            }
            await #expect(throws: RecordError.forbidden) {
                try await ContactFileExport.bytes(store: app.store, actor: crew.actor("rep"), format: "csv", segment: nil)
            }
        }
    }
}
