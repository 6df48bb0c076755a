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

/// A list's download as a file's bytes, for `rapport export contacts|companies|deals`: the whole list (or a
/// segment's share of it) as the actor sees it, headed in the workspace language; audited like the pages'.
public enum ListFileExport {
    /// The formats of a list: contacts add vCard to the table formats.
    public static func formats(of entity: String) -> [String] {
        entity == "contacts" ? ContactFileExport.formats : ExportFormat.allCases.map(\.rawValue)
    }

    /// - Throws: ``ValidationError`` naming `format` for a format the list does not have.
    public static func bytes(store: Store, actor: Actor, entity: String, format: String, segment: Segment.ID?) async throws -> [UInt8] {
        if entity == "contacts" { return try await ContactFileExport.bytes(store: store, actor: actor, format: format, segment: segment) }
        guard let table = ExportFormat(rawValue: format) else {
            throw ValidationError("format", .invalidOption, ["options": formats(of: entity).joined(separator: ", ")])
        }
        var list = ListQuery()
        list.filters.segmentID = segment
        let workspace = try await store.workspaces.get(by: actor)
        let t = Lang(locale: workspace.locale)
        let formatting = Formatting(locale: workspace.locale, timeZoneIdentifier: workspace.timeZone)
        if entity == "companies" {
            let companies = try await store.companies.export(list, by: actor)
            return table.encode(RecordExport.companyTable(companies, users: try await store.users.list(by: actor), t: t)).bytes
        }
        return table.encode(try await RecordExport.dealTable(store: store, actor: actor, t: t, format: formatting, list: list)).bytes
    }
}
