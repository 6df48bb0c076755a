import Foundation
public import RapportCore
import SQLKit

extension ImportRepository {
    /// A draft import's header and first rows, for the person to check the column mapping.
    /// - Parameters:
    ///   - id: an import started with `review: true` and not confirmed yet.
    ///   - count: how many rows after the header.
    /// - Throws: `RecordError.notFound` for another workspace's import; a `ValidationError` on `status` when it is
    ///   no longer a draft.
    public func preview(_ id: ImportRun.ID, rows count: Int = 5, by actor: Actor) async throws -> [[String]] {
        let run = try await get(id, by: actor)
        guard run.status == "draft" else { throw ValidationError("status", .invalidOption, ["options": "draft"]) }
        // Only the file's beginning is read; its last record may be cut, so it counts only when a record
        // follows it. A beginning too short for the rows wanted falls back to the whole text.
        guard
            let row = try await context.database.reader.raw(
                """
                SELECT substr(f.content, 1, \(unsafeRaw: String(Self.previewCharacters + 1))) AS head, i.delimiter,
                    (SELECT COUNT(*) FROM import_files p WHERE p.import_id = i.id) AS parts
                FROM imports i JOIN import_files f ON f.import_id = i.id AND f.part = 0 WHERE i.id = \(bind: id.rawValue)
                """
            ).first()
        else { throw RecordError.notFound(.contact) }
        let head = try row.string("head")
        let delimiter = Character(try row.string("delimiter"))
        // The first part read whole: enough when it holds the rows wanted or is the whole file.
        if head.unicodeScalars.count <= Self.previewCharacters {
            let records = Array(CSVReader.Records(head, delimiter: delimiter).prefix(count + 1))
            let parts = try row.int("parts")
            if records.count == count + 1 || parts == 1 { return records }
        } else {
            let records = Array(CSVReader.Records(head, delimiter: delimiter).prefix(count + 2))
            if records.count == count + 2 { return Array(records.prefix(count + 1)) }
        }
        let (text, _) = try await content(id)
        return Array(CSVReader.Records(text, delimiter: delimiter).prefix(count + 1))
    }

    /// How many characters of the kept file ``preview(_:rows:by:)`` reads first.
    static let previewCharacters = 262_144

    /// Applies the person's column mapping to a draft import and queues it.
    /// - Parameters:
    ///   - id: the draft import.
    ///   - choices: one per column of the file's header (see ``ImportMapping``).
    /// - Throws: a `ValidationError` on `status` when it is not a draft, on `columns` when no column identifies a
    ///   record any more.
    public func confirm(_ id: ImportRun.ID, choices: [ImportMapping.Choice], by actor: Actor) async throws -> ImportRun {
        let run = try await get(id, by: actor)
        guard run.status == "draft" else { throw ValidationError("status", .invalidOption, ["options": "draft"]) }
        let entity = run.entity
        let (text, delimiter) = try await content(id, part: 0)
        var records = CSVReader.Records(text, delimiter: delimiter)
        guard let header = records.next() else { throw ValidationError("file", .required) }
        let mapped = ImportMapping.header(header, choices: choices, entity: entity)
        guard Self.identifies(mapped, entity: entity) else { throw ValidationError("columns", .required) }
        // Only the header line (in the first part) is rewritten; the rows stay as they came.
        let rewritten = CSVReader.line(of: mapped, delimiter: delimiter) + "\n" + String(text[records.offset...])
        try await context.database.transaction { db in
            try await db.raw(
                """
                UPDATE import_files SET content = \(bind: rewritten)
                WHERE import_id = \(bind: id.rawValue) AND part = 0
                AND EXISTS (SELECT 1 FROM imports WHERE id = \(bind: id.rawValue) AND status = 'draft')
                """
            ).run()
            try await db.raw("UPDATE imports SET status = 'queued' WHERE id = \(bind: id.rawValue) AND status = 'draft'").run()
        }
        try await JobRepository(context: context).enqueue(
            kind: Self.jobKind, payload: ["importId": .string(id.rawValue)], workspace: actor.workspaceID,
            uniqueKey: "import:\(id.rawValue)")
        return try await get(id, by: actor)
    }

    /// The kept text of an import (all of it, or one part) and its field separator.
    func content(_ id: ImportRun.ID, part: Int? = nil) async throws -> (text: String, delimiter: Character) {
        var query: SQLQueryString = """
            SELECT f.content, i.delimiter FROM imports i JOIN import_files f ON f.import_id = i.id WHERE i.id = \(bind: id.rawValue)
            """
        if let part { query = query + " AND f.part = \(bind: part)" }
        let rows = try await context.database.reader.raw(query + " ORDER BY f.part").all()
        guard let first = rows.first else { throw RecordError.notFound(.contact) }
        return (try rows.map { try $0.string("content") }.joined(), Character(try first.string("delimiter")))
    }

    /// Whether a header has the column that identifies a record of this kind (a name, a phone or e-mail for
    /// contacts; a name for companies; a title for deals).
    static func identifies(_ header: [String], entity: ImportEntity) -> Bool {
        switch entity {
        case .contacts:
            ContactImport.mapColumns(header).contains { [.fullName, .lastName, .firstName, .email].contains($0.field) || $0.field.isPhone }
        case .companies: CompanyImport.mapColumns(header).contains { $0.field == .name }
        case .deals: DealImport.mapColumns(header).contains { $0.field == .title }
        }
    }
}
