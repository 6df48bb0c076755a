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
