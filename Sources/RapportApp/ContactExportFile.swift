public import RapportCore
import RapportHTTP
public import RapportStore

/// The formats of a list's export.
public func listExportFormats(_ entity: String) -> [String] { ListFileExport.formats(of: entity) }

/// A list's export as a file's bytes, for `rapport export contacts|companies|deals`.
public func listExportFile(store: Store, actor: Actor, entity: String, format: String, segment: Segment.ID?) async throws -> [UInt8] {
    try await ListFileExport.bytes(store: store, actor: actor, entity: entity, format: format, segment: segment)
}
