import RapportCore

extension TabularFile {
    /// Reads an uploaded file for an import: CSV or XLSX, recognised by content.
    /// - Throws: a `ValidationError` on `file` (invalid format) when a workbook cannot be read, so the user is
    ///   told what is wrong with the file rather than getting a server error.
    static func readUpload(_ bytes: [UInt8]) throws -> Document {
        do {
            return try read(bytes)
        } catch {
            throw ValidationError("file", .invalidFormat)
        }
    }

    /// Reads an uploaded file for an import as the text it keeps (see ``TabularFile/text(_:)``), with the same
    /// error as ``readUpload(_:)``.
    static func readUploadText(_ bytes: [UInt8]) throws -> Text {
        do {
            return try text(bytes)
        } catch {
            throw ValidationError("file", .invalidFormat)
        }
    }
}
