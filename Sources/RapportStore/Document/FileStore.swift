public import Foundation

/// Uploaded files on disk under the data directory (`<data>/files/<storage key>`), content-addressed by
/// SHA-256, so a file uploaded twice is stored once and a key always names the same bytes. A file is
/// written to a temporary name and renamed into place before the row that names it commits, so a crash
/// leaves at worst an unreferenced file, never a row without its bytes.
public struct FileStore: Sendable {
    /// The folder holding the files.
    public let root: URL
    /// The largest file accepted (`RAPPORT_MAX_UPLOAD_MB`).
    public let maximumBytes: Int

    /// Makes a file store.
    /// - Parameters:
    ///   - root: the folder (created on first write).
    ///   - maximumBytes: the upload size limit.
    public init(root: URL, maximumBytes: Int = 25 << 20) {
        self.root = root
        self.maximumBytes = maximumBytes
    }

    /// Errors of the file store.
    public enum Failure: Error, Equatable {
        /// A storage key with `..`, an absolute path or characters no key has.
        case invalidKey(String)
        /// The bytes on disk do not hash to the key's SHA-256.
        case corrupt(String)
        /// A row names a file that is not on disk.
        case missing(String)
    }

    /// Stores bytes under a key if no file is there yet (equal keys mean equal bytes).
    public func write(_ bytes: some Collection<UInt8>, key: String) throws {
        let target = try url(for: key)
        if FileManager.default.fileExists(atPath: target.path) { return }
        let folder = target.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temporary = folder.appendingPathComponent(".upload-\(UUID().uuidString)")
        try Data(bytes).write(to: temporary)
        do {
            try FileManager.default.moveItem(at: temporary, to: target)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            // A concurrent upload of the same bytes got there first: the file is there, which is all we need.
            if !FileManager.default.fileExists(atPath: target.path) { throw error }
        }
    }

    /// The bytes under a key.
    public func read(key: String) throws -> Data {
        let target = try url(for: key)
        guard FileManager.default.fileExists(atPath: target.path) else { throw Failure.missing(key) }
        return try Data(contentsOf: target)
    }

    /// The file's location; refuses keys that could leave the folder.
    func url(for key: String) throws -> URL {
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz0123456789-/")
        guard !key.isEmpty, !key.hasPrefix("/"), !key.contains(".."), !key.contains("//"), key.unicodeScalars.allSatisfy(allowed.contains)
        else { throw Failure.invalidKey(key) }
        return root.appendingPathComponent(key)
    }
}
