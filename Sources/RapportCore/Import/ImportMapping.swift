/// The column mapping a person edits before an import runs: each column gets a field, is skipped, or keeps its
/// header (custom fields are found by their label). The choice is applied by rewriting the header row, so the
/// import reads the file exactly as it reads one whose headers were right from the start.
public enum ImportMapping {
    /// What a column is set to.
    public enum Choice: Hashable, Sendable {
        /// Read the header as it is (a custom field's label, or nothing the import knows).
        case asInFile
        /// Ignore the column.
        case skip
        /// The column holds this field (a raw value of the entity's `Field`).
        case field(String)

        /// The value a form sends: `""` for as-in-file, `-` for skip, else the field.
        public init(formValue: String) {
            switch formValue {
            case "": self = .asInFile
            case "-": self = .skip
            default: self = .field(formValue)
            }
        }

        /// The value a form sends for this choice.
        public var formValue: String {
            switch self {
            case .asInFile: ""
            case .skip: "-"
            case .field(let field): field
            }
        }
    }

    /// The fields a column of this entity's file can hold, in the order a person reads them.
    public static func fields(for entity: ImportEntity) -> [String] {
        switch entity {
        case .contacts: ContactImport.Field.allCases.map(\.rawValue)
        case .companies: CompanyImport.Field.allCases.map(\.rawValue)
        case .deals: DealImport.Field.allCases.map(\.rawValue)
        }
    }

    /// What the import would make of each column by itself: the field its header names, else as in the file.
    public static func automatic(_ header: [String], entity: ImportEntity) -> [Choice] {
        var choices = [Choice](repeating: .asInFile, count: header.count)
        let mapped: [(Int, String)] =
            switch entity {
            case .contacts: ContactImport.mapColumns(header).map { ($0.column, $0.field.rawValue) }
            case .companies: CompanyImport.mapColumns(header).map { ($0.column, $0.field.rawValue) }
            case .deals: DealImport.mapColumns(header).map { ($0.column, $0.field.rawValue) }
            }
        for (column, field) in mapped { choices[column] = .field(field) }
        return choices
    }

    /// The header that makes the import read each column as chosen: a chosen field's own title, an empty title
    /// for a skipped column, the file's title otherwise. A header left as in the file that would name a field
    /// chosen for another column is blanked, so the person's choice is the only one.
    /// - Parameters:
    ///   - header: the file's header.
    ///   - choices: one per column (missing ones are as in the file); fields unknown to the entity are skipped.
    ///   - entity: what the file holds.
    public static func header(_ header: [String], choices: [Choice], entity: ImportEntity) -> [String] {
        let known = Set(fields(for: entity))
        let chosen = Set(choices.compactMap { if case .field(let field) = $0, known.contains(field) { field } else { nil } })
        let byItself = Self.automatic(header, entity: entity)
        return header.enumerated().map { column, title in
            switch column < choices.count ? choices[column] : .asInFile {
            case .skip: return ""
            case .field(let field): return known.contains(field) ? Self.title(for: field, entity: entity) : ""
            case .asInFile:
                if case .field(let field) = byItself[column], chosen.contains(field) { return "" }
                return title
            }
        }
    }

    /// The header title the import reads as this field: its first known title.
    static func title(for field: String, entity: ImportEntity) -> String {
        let titles: [String]? =
            switch entity {
            case .contacts: ContactImport.Field(rawValue: field).flatMap { ContactImport.aliases[$0] }
            case .companies: CompanyImport.Field(rawValue: field).flatMap { CompanyImport.aliases[$0] }
            case .deals: DealImport.Field(rawValue: field).flatMap { DealImport.aliases[$0] }
            }
        return titles?.first ?? ""
    }
}
