public import RapportCore
public import RapportStore

/// The contact export of the list page, as a file's bytes for `rapport export contacts`: the same columns,
/// formats, rights check and audit entry.
public enum ContactFileExport {
    /// The formats: `xlsx`, `csv` (UTF-8 with BOM), `excel` (Windows-1251 with `;`) and `vcard`.
    public static let formats = ExportFormat.allCases.map(\.rawValue) + ["vcard"]

    /// The actor's contacts (or a segment's members) in a format, headed in the actor's workspace language.
    /// - Throws: ``ValidationError`` naming `format` for an unknown format; ``RecordError/forbidden`` without
    ///   the export right.
    public static func bytes(store: Store, actor: Actor, format: String, segment: Segment.ID?) async throws -> [UInt8] {
        var list = ListQuery()
        list.filters.segmentID = segment
        let workspace = try await store.workspaces.get(by: actor)
        guard format == "vcard" || ExportFormat(rawValue: format) != nil else {
            throw ValidationError("format", .invalidOption, ["options": formats.joined(separator: ", ")])
        }
        let rows = try await store.contacts.export(list, by: actor)
        guard let table = ExportFormat(rawValue: format) else {
            return Array(try await ContactExport.vcard(rows, store: store, actor: actor).utf8)
        }
        let t = Lang(locale: workspace.locale)
        let formatting = Formatting(locale: workspace.locale, timeZoneIdentifier: workspace.timeZone)
        let users = try await store.users.list(by: actor)
        return table.encode(SegmentExport.table(t("Contacts", "Контакты"), rows, users: users, t: t, format: formatting)).bytes
    }
}
