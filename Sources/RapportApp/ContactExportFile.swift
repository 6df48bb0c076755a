public import RapportCore
import RapportHTTP
public import RapportStore

/// The formats `rapport export contacts` writes: xlsx, csv, excel (Windows-1251) and vcard.
public let contactExportFormats = ContactFileExport.formats

/// The contact export of the list page as a file's bytes, for `rapport export contacts`.
/// - Parameters:
///   - store: the repositories.
///   - actor: who exports (their visibility and export right apply; the export is audited).
///   - format: one of ``contactExportFormats``.
///   - segment: only this segment's members.
public func contactExportFile(store: Store, actor: Actor, format: String, segment: Segment.ID?) async throws -> [UInt8] {
    try await ContactFileExport.bytes(store: store, actor: actor, format: format, segment: segment)
}

/// The lists `rapport export` writes: contacts, companies and deals.
public let listExportEntities = ListFileExport.entities

/// The formats of a list's export.
public func listExportFormats(_ entity: String) -> [String] { ListFileExport.formats(of: entity) }

/// A list's export as a file's bytes, for `rapport export companies|deals`.
public func listExportFile(store: Store, actor: Actor, entity: String, format: String, segment: Segment.ID?) async throws -> [UInt8] {
    try await ListFileExport.bytes(store: store, actor: actor, entity: entity, format: format, segment: segment)
}
