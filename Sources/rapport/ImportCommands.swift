import ArgumentParser
import Foundation
import RapportCore
import RapportStore

#if canImport(Glibc)
    import Glibc
#endif

/// What `rapport import contacts|companies|deals` share: the file, the duplicate policy, a dry run, the output.
struct RecordImportOptions: ParsableArguments {
    @Argument(help: "The XLSX, CSV or (contacts) vCard file.") var file: String
    @Flag(help: "Check the file and print what would happen, writing nothing.") var dryRun = false
    @Option(
        help: "A row matching an existing record (contacts by e-mail or phone, companies by INN or name): skip, fill, overwrite or create."
    ) var onDuplicate = "skip"
    @Flag(help: "Print the summary as JSON.") var json = false
    @Option(help: "Import as this user (default: the workspace's first owner).") var email: String?
    @OptionGroup var database: DatabaseOptions

    /// Runs the import here and now (in batches that each commit whole) and prints its summary and report.
    func run(_ entity: ImportEntity) async throws {
        guard let policy = DuplicatePolicy(rawValue: onDuplicate) else {
            throw ValidationError("--on-duplicate: skip, fill, overwrite or create.")
        }
        guard FileManager.default.isReadableFile(atPath: file) else { throw ValidationError("Cannot read \(file).") }
        ImportMemory.limit()
        // No memory map: an import writes, and mapped pages would count as its memory.
        try await database.withStore(defaults: ["RAPPORT_SQLITE_MMAP_MB": "0"]) { store in
            let user = try await importingUser(store, email: email)
            // The file's bytes are read here and let go once the import has kept its text.
            guard let bytes = ImportMemory.bytes(of: file) else { throw ValidationError("Cannot read \(file).") }
            let started = try await store.imports.start(
                consume bytes, entity: entity, fileName: URL(fileURLWithPath: file).lastPathComponent, dryRun: dryRun, policy: policy,
                by: user.actor)
            let quiet = json
            try await store.imports.process(started.id) { done, total in
                if !quiet { FileHandle.standardError.write(Data("\r\(done) / \(total)".utf8)) }
            }
            let run = try await store.imports.get(started.id, by: user.actor)
            if json {
                print(
                    #"{"id": "\#(run.id)", "entity": "\#(run.entity.rawValue)", "created": \#(run.created), "updated": \#(run.updated), "skipped": \#(run.skipped), "failed": \#(run.failed), "dryRun": \#(dryRun)}"#
                )
            } else {
                FileHandle.standardError.write(Data("\n".utf8))
                print(
                    "\(dryRun ? "Would create" : "Created") \(run.created), updated \(run.updated), skipped \(run.skipped), failed \(run.failed)."
                )
                for row in try await store.imports.report(started.id, by: user.actor) {
                    let reasons = row.issues.map { "\($0.field): \(Messages.text(for: $0, locale: .en))" }.joined(separator: "; ")
                    print("  line \(row.row): \(row.outcome)\(reasons.isEmpty ? "" : " — \(reasons)")")
                }
            }
        }
    }
}

extension ImportCommand {
    struct Companies: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import companies from an XLSX or CSV file (the headers of amoCRM, Bitrix24, HubSpot and Russian Excel).",
            discussion: "Duplicates are matched by INN, then by name. INN and KPP are checked; a row with a wrong one fails alone.")
        @OptionGroup var options: RecordImportOptions
        func run() async throws { try await options.run(.companies) }
    }

    struct Deals: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import deals from an XLSX or CSV file (the headers of amoCRM, Bitrix24, HubSpot and Russian Excel).",
            discussion:
                "Pipelines and stages are found by name; the contact by e-mail or phone, the company by INN or name. Deals are always created."
        )
        @OptionGroup var options: RecordImportOptions
        func run() async throws { try await options.run(.deals) }
    }
}

/// The C allocator's settings for a large import. By default glibc gives each thread that allocates its own arena
/// and serves large blocks (a batch's statements, the file's text) from them once one was freed, so freed memory
/// stayed in the process: the resident size of an import was a third higher than what it held.
enum ImportMemory {
    static func limit() {
        #if canImport(Glibc)
            // `mallopt` (malloc.h, not in the Glibc module): blocks of 256 KB and more are mapped and unmapped on
            // their own (M_MMAP_THRESHOLD, -3), and two arenas serve every thread (M_ARENA_MAX, -8).
            typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
            let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
            _ = mallopt(-3, 256 * 1024)
            _ = mallopt(-8, 2)
        #endif
    }

    /// A file's bytes, read straight into one array (not a `Data` and then a copy of it).
    static func bytes(of path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        guard fseek(file, 0, SEEK_END) == 0 else { return nil }
        let size = ftell(file)
        guard size >= 0, fseek(file, 0, SEEK_SET) == 0 else { return nil }
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = size == 0 ? 0 : fread(buffer.baseAddress, 1, size, file)
            failed = count != size
        }
        return failed ? nil : bytes
    }
}
