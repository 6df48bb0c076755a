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
                SELECT substr(content, 1, \(unsafeRaw: String(Self.previewCharacters + 1))) AS head, delimiter
                FROM imports WHERE id = \(bind: id.rawValue)
                """
            ).first()
        else { throw RecordError.notFound(.contact) }
        let head = try row.string("head")
        let delimiter = Character(try row.string("delimiter"))
        guard head.unicodeScalars.count > Self.previewCharacters else {
            return Array(CSVReader.Records(head, delimiter: delimiter).prefix(count + 1))
        }
        let records = Array(CSVReader.Records(head, delimiter: delimiter).prefix(count + 2))
        if records.count == count + 2 { return Array(records.prefix(count + 1)) }
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
        let (text, delimiter) = try await content(id)
        var records = CSVReader.Records(text, delimiter: delimiter)
        guard let header = records.next() else { throw ValidationError("file", .required) }
        let mapped = ImportMapping.header(header, choices: choices, entity: entity)
        guard Self.identifies(mapped, entity: entity) else { throw ValidationError("columns", .required) }
        // Only the header line is rewritten; the rows stay as they came.
        let rewritten = CSVReader.line(of: mapped, delimiter: delimiter) + "\n" + String(text[records.offset...])
        try await context.database.transaction { db in
            try await db.raw(
                """
                UPDATE imports SET content = \(bind: rewritten), status = 'queued'
                WHERE id = \(bind: id.rawValue) AND status = 'draft'
                """
            ).run()
        }
        try await JobRepository(context: context).enqueue(
            kind: Self.jobKind, payload: ["importId": .string(id.rawValue)], workspace: actor.workspaceID,
            uniqueKey: "import:\(id.rawValue)")
        return try await get(id, by: actor)
    }

    /// The kept text of an import and its field separator.
    func content(_ id: ImportRun.ID) async throws -> (text: String, delimiter: Character) {
        guard
            let row = try await context.database.reader.raw("SELECT content, delimiter FROM imports WHERE id = \(bind: id.rawValue)")
                .first()
        else { throw RecordError.notFound(.contact) }
        return (try row.string("content"), Character(try row.string("delimiter")))
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
