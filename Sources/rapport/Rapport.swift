import ArgumentParser
import Foundation
import Logging
import RapportApp
import RapportCore
import RapportStore

/// `rapport`: the CRM server and its administration commands.
@main
struct Rapport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rapport",
        abstract: "Rapport — a self-hosted CRM.",
        discussion: "Settings come from command-line options, then environment variables, then defaults:\n"
            + Configuration.environmentHelp.map { "  \($0.0.padding(toLength: 30, withPad: " ", startingAt: 0)) \($0.1)" }.joined(
                separator: "\n"),
        subcommands: [
            Serve.self, Worker.self, Migrate.self, UserCommand.self, TokenCommand.self, ImportCommand.self, ExportCommand.self, Seed.self,
            OpenAPI.self,
        ],
        defaultSubcommand: Serve.self)
}

/// Options every command shares: where the database is.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("database-url"), help: "postgres://user:password@host:5432/db (overrides RAPPORT_DATABASE_URL).")
    var databaseURL: String?

    @Option(name: .customLong("data-dir"), help: "Folder of the embedded SQLite database (overrides RAPPORT_DATA_DIR).")
    var dataDirectory: String?

    func configuration(_ extra: [String: String] = [:]) throws -> Configuration {
        var options = extra
        if let databaseURL { options["RAPPORT_DATABASE_URL"] = databaseURL }
        if let dataDirectory { options["RAPPORT_DATA_DIR"] = dataDirectory }
        return try Configuration.load(environment: ProcessInfo.processInfo.environment, options: options)
    }

    /// Runs a command's work on the store and closes the database afterwards, also when the work throws
    /// (an unclosed SQLite connection is a crash in debug builds and a leak in release ones).
    /// - Parameter defaults: settings for this command where the environment has none.
    func withStore<R>(defaults: [String: String] = [:], _ body: (Store) async throws -> R) async throws -> R {
        let store = try await openStore(logger: commandLogger(), defaults: defaults)
        do {
            let result = try await body(store)
            await store.database.close()
            return result
        } catch let error as RapportCore.ValidationError {
            // The same field messages the API and the pages give, one per line, instead of the error's dump.
            await store.database.close()
            for issue in error.issues {
                FileHandle.standardError.write(Data("\(issue.field): \(Messages.text(for: issue, locale: .en))\n".utf8))
            }
            throw ExitCode.failure
        } catch {
            await store.database.close()
            throw error
        }
    }

    func openStore(logger: Logger, defaults: [String: String] = [:]) async throws -> Store {
        let environment = ProcessInfo.processInfo.environment
        let configuration = try configuration(defaults.filter { environment[$0.key] == nil })
        let database = try await openDatabase(configuration, logger: logger)
        return Store(
            database: database, effects: .live, bcryptCost: UInt8(configuration.bcryptCost), files: configuration.fileStore, logger: logger)
    }
}

func commandLogger() -> Logger {
    var logger = Logger(label: "rapport")
    logger.logLevel = .warning
    return logger
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP server (migrates the database first).")

    @Option(help: "Address to listen on (overrides RAPPORT_HOST; default 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on (overrides RAPPORT_PORT; default 8080).") var port: Int?
    @Flag(help: "Fill an empty embedded database with a Russian demo workspace and print its sign-in.") var demo = false
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        var extra: [String: String] = [:]
        if let host { extra["RAPPORT_HOST"] = host }
        if let port { extra["RAPPORT_PORT"] = String(port) }
        let configuration = try database.configuration(extra)
        let app = try await buildApplication(configuration: configuration)
        if demo {
            if let workspace = try await DemoData.seedIfEmpty(app.store) {
                print("Demo workspace «\(workspace.name)» created.")
            } else {
                print("The database already has data; demo data was not added.")
            }
            print("Sign in as \(DemoData.ownerEmail) with password \(DemoData.password)")
        }
        print("Rapport is listening on http://\(configuration.host):\(configuration.port) (API: /api/v1, contract: /api/v1/openapi.json)")
        try await app.application.runService()
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Bring the database schema up to date.")
    @Flag(help: "Re-run a migration that started but did not finish (after checking the schema).") var retryUnfinished = false
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let logger = commandLogger()
        var configuration = try database.configuration()
        configuration.autoMigrate = false
        let db = try await Database.open(location: configuration.database, poolSize: 1, logger: logger)
        defer { Task { await db.close() } }
        let applied = try await Migrations.migrate(db, retryUnfinished: retryUnfinished, logger: logger)
        let status = try await Migrations.status(of: db)
        print(
            applied.isEmpty
                ? "Schema is current (version \(status.current))."
                : "Applied migrations \(applied.map(String.init).joined(separator: ", ")); schema version \(status.current).")
        await db.close()
    }
}

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage users.", subcommands: [Create.self, List.self, SetPassword.self, Deactivate.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user (the first user also creates the workspace).")
        @Option(help: "E-mail (the sign-in name).") var email: String
        @Option(help: "Display name.") var name: String
        @Option(help: "Role: \(Role.allCases.map(\.rawValue).joined(separator: ", ")).") var role: String = "sales_rep"
        @Option(help: "Password (at least 8 characters); read from RAPPORT_PASSWORD when omitted.") var password: String?
        @Option(help: "Workspace name, when this creates the first workspace.") var workspace: String = "Rapport"
        @Option(name: .customLong("extension"), help: "Phone extension (internal PBX number) that routes calls to this user.")
        var phoneExtension: String?
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            guard let role = Role(rawValue: role) else { throw ValidationError("Unknown role \(self.role).") }
            guard let password = password ?? ProcessInfo.processInfo.environment["RAPPORT_PASSWORD"] else {
                throw ValidationError("Give --password or set RAPPORT_PASSWORD.")
            }
            try await database.withStore { store in
                let new = UserRepository.NewUser(email: email, name: name, password: password, role: role, extension: phoneExtension)
                let user: User
                if let existing = try await store.workspaces.all().first {
                    user = try await store.users.create(new, by: nil, workspace: existing.id)
                } else {
                    user = try await store.workspaces.create(
                        WorkspaceRepository.Setup(
                            name: workspace, timeZone: "Europe/Moscow", currency: "RUB", locale: .ru, phoneRegion: .ru, owner: new)
                    ).1
                }
                print("Created \(user.role.rawValue) \(user.email) (\(user.id)).")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users.")
        @OptionGroup var database: DatabaseOptions
        func run() async throws {
            try await database.withStore { store in
                for user in try await store.users.listAll() {
                    print("\(user.email)\t\(user.name)\t\(user.role.rawValue)\t\(user.isActive ? "active" : "inactive")\t\(user.id)")
                }
            }
        }
    }

    struct SetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-password", abstract: "Set a user's password (signs out their sessions).")
        @Option(help: "The user's e-mail.") var email: String
        @Option(help: "New password; read from RAPPORT_PASSWORD when omitted.") var password: String?
        @OptionGroup var database: DatabaseOptions
        func run() async throws {
            guard let password = password ?? ProcessInfo.processInfo.environment["RAPPORT_PASSWORD"] else {
                throw ValidationError("Give --password or set RAPPORT_PASSWORD.")
            }
            try await database.withStore { store in
                guard let user = try await store.users.find(email: email) else { throw ValidationError("No user \(email).") }
                try await store.users.setPassword(user.id, password: password)
                print("Password changed for \(user.email).")
            }
        }
    }

    struct Deactivate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deactivate a user: no sign-in, tokens stop working, records stay.")
        @Option(help: "The user's e-mail.") var email: String
        @OptionGroup var database: DatabaseOptions
        func run() async throws {
            try await database.withStore { store in
                guard let user = try await store.users.find(email: email) else { throw ValidationError("No user \(email).") }
                var change = UserRepository.UserChange()
                change.isActive = false
                let system = Actor(userID: user.id, workspaceID: user.workspaceID, teamID: nil, role: .owner)
                _ = try await store.users.update(user.id, change, expectedVersion: user.version, by: system)
                print("Deactivated \(user.email).")
            }
        }
    }
}

struct Worker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run background job workers without the HTTP server (any number of these may share one PostgreSQL database).")
    @Option(help: "How many workers in this process.") var count = 1
    @OptionGroup var database: DatabaseOptions
    func run() async throws {
        guard (1...16).contains(count) else { throw ValidationError("--count must be 1…16.") }
        var logger = Logger(label: "rapport-worker")
        let configuration = try database.configuration()
        logger.logLevel = configuration.logLevel
        try await runWorkers(configuration: configuration, count: count, logger: logger)
    }
}

/// The user an import acts as (and whose rights it has): the one named, else the workspace's first owner.
func importingUser(_ store: Store, email: String?) async throws -> User {
    if let email {
        guard let user = try await store.users.find(email: email) else { throw ValidationError("No user \(email).") }
        return user
    }
    guard let owner = try await store.users.listAll().first(where: { $0.role == .owner }) else {
        throw ValidationError("No owner yet: create one with `rapport user create`.")
    }
    return owner
}

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import records from files, or restore a whole workspace (--archive).",
        subcommands: [Contacts.self, Companies.self, Deals.self, Orders.self, Archive.self], defaultSubcommand: Archive.self)

    struct Archive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Restore a workspace archive written by `rapport export --workspace` into this empty install: `rapport import --archive FILE`."
        )
        @Option(help: "The archive file.") var archive: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await database.withStore { store in
                let manifest = try await store.archive.restore(from: URL(fileURLWithPath: archive))
                let rows = manifest.tables.reduce(0) { $0 + $1.rows }
                print(
                    "Restored workspace \(manifest.workspaceId): \(rows) rows in \(manifest.tables.count) tables, \(manifest.files.count) files."
                )
            }
        }
    }

    struct Contacts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Import contacts from an XLSX, CSV (UTF-8 or Windows-1251) or vCard file (the headers of amoCRM, Bitrix24, HubSpot and Russian Excel).",
            discussion: "Runs the import here and now, in batches that each commit whole; interrupted, it resumes where it stopped.")
        @OptionGroup var options: RecordImportOptions
        func run() async throws { try await options.run(.contacts) }
    }

    struct Orders: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import orders from an XLSX or CSV file (UTF-8 or Windows-1251), matching clients by e-mail, phone or INN.",
            discussion: "An order number already in the workspace is skipped, so importing the same file twice adds nothing.")
        @Argument(help: "The XLSX or CSV file.") var file: String
        @Flag(help: "Check the file and print what would happen, writing nothing.") var dryRun = false
        @Flag(help: "Print the summary as JSON.") var json = false
        @Option(help: "Import as this user (default: the workspace's first owner).") var email: String?
        @OptionGroup var database: DatabaseOptions
        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("Cannot read \(file).") }
            try await database.withStore { store in
                let user = try await importingUser(store, email: email)
                let report = try await store.orderImporter.run(Array(data), dryRun: dryRun, by: user.actor)
                if json {
                    print(
                        #"{"created": \#(report.created), "skipped": \#(report.skipped), "failed": \#(report.failed), "dryRun": \#(dryRun)}"#
                    )
                } else {
                    print(
                        "\(dryRun ? "Would create" : "Created") \(report.created), skipped \(report.skipped), failed \(report.failed) (\(report.encoding.rawValue))."
                    )
                    for row in report.rows {
                        let reasons = row.issues.map { "\($0.field): \(Messages.text(for: $0, locale: .en))" }.joined(separator: "; ")
                        print("  line \(row.row)\(row.number.map { " (№\($0))" } ?? ""): \(row.outcome) — \(reasons)")
                    }
                }
            }
        }
    }
}

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write a whole workspace to one archive, or a list (contacts, companies, deals) to a file.",
        subcommands: [Archive.self, Contacts.self, Companies.self, Deals.self], defaultSubcommand: Archive.self)

    struct Archive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Write a whole workspace to one archive (tables as NDJSON, documents' files, a manifest): `rapport export --workspace ID --out FILE`.",
            discussion:
                "Restore it into an empty install with `rapport import --archive FILE`. Password and API-token hashes travel, so people sign in as before; sessions do not."
        )
        @Option(help: "The workspace's id.") var workspace: String
        @Option(help: "The archive file to write (ZIP).") var out: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            // No memory map: the export reads the whole file once, and mapped pages would count as its memory (the
            // same speed here, 145 MB instead of 573 MB for 100,000 contacts).
            try await database.withStore(defaults: ["RAPPORT_SQLITE_MMAP_MB": "0"]) { store in
                let manifest = try await store.archive.export(workspace: Workspace.ID(workspace), to: URL(fileURLWithPath: out))
                let rows = manifest.tables.reduce(0) { $0 + $1.rows }
                print(
                    "Wrote \(out): \(rows) rows in \(manifest.tables.count) tables, \(manifest.files.count) files (schema \(manifest.schemaVersion))."
                )
            }
        }
    }

    struct Contacts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export contacts (or a segment's members) as the list page does: XLSX, CSV, CSV for Russian Excel or vCard; audited.")
        @OptionGroup var list: ListExportOptions
        func run() async throws { try await list.write("contacts") }
    }

    struct Companies: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export companies (or a segment's) as the list page does: XLSX, CSV or CSV for Russian Excel; audited.")
        @OptionGroup var list: ListExportOptions
        func run() async throws { try await list.write("companies") }
    }

    struct Deals: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export deals (or those of a segment's clients) as the list page does: XLSX, CSV or CSV for Russian Excel; audited.")
        @OptionGroup var list: ListExportOptions
        func run() async throws { try await list.write("deals") }
    }
}

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Manage API tokens.", subcommands: [Create.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an API token for a user and print it (shown once).")
        @Option(help: "The user's e-mail.") var email: String
        @Option(help: "A name to recognise the token by.") var name: String = "CLI"
        @OptionGroup var database: DatabaseOptions
        func run() async throws {
            try await database.withStore { store in
                guard let user = try await store.users.find(email: email) else { throw ValidationError("No user \(email).") }
                let (secret, info) = try await store.auth.createToken(for: user.id, name: name, by: nil)
                print(secret)
                FileHandle.standardError.write(Data("Token \(info.id) for \(user.email). Store it now: it is not shown again.\n".utf8))
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an API token by its id.")
        @Option(help: "The token id.") var id: String
        @OptionGroup var database: DatabaseOptions
        func run() async throws {
            try await database.withStore { store in
                let info = try await store.auth.revokeToken(id, by: nil)
                print("Revoked token \(info.id) (\(info.name)).")
            }
        }
    }
}

struct Seed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add synthetic data at scale (for benchmarks) to the first workspace, creating one if needed.")
    @Option(help: "Contacts to add.") var contacts: Int = 0
    @Option(help: "Companies to add.") var companies: Int = 0
    @Option(help: "Deals to add.") var deals: Int = 0
    @Option(help: "Orders to add, over the workspace's contacts (then purchase totals and RFM scores are set).") var orders: Int = 0
    @Option(help: "Random seed (the same seed gives the same data).") var seed: UInt64 = 1
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await database.withStore { store in
            let started = ContinuousClock.now
            let summary = try await BulkSeeder(store: store).seed(
                contacts: contacts, companies: companies, deals: deals, orders: orders, seed: seed
            ) { line in
                print(line)
            }
            print("\(summary) in \(ContinuousClock.now - started).")
        }
    }
}

struct OpenAPI: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "openapi", abstract: "Print the OpenAPI 3.1 document of the API.")
    func run() throws {
        FileHandle.standardOutput.write(openAPIDocumentData())
        print()
    }
}

/// The options every list export takes, and the writing.
struct ListExportOptions: ParsableArguments {
    @Option(help: "xlsx, csv (UTF-8 with BOM), excel (Windows-1251, `;`), or for contacts also vcard.") var format = "xlsx"
    @Option(help: "Only the records of this segment's members.") var segment: String?
    @Option(help: "The file to write.") var out: String
    @Option(help: "Export as this user, with their visibility (default: the workspace's first owner).") var email: String?
    @OptionGroup var database: DatabaseOptions

    func write(_ entity: String) async throws {
        guard listExportFormats(entity).contains(format) else {
            throw ValidationError("--format: \(listExportFormats(entity).joined(separator: ", ")).")
        }
        try await database.withStore { store in
            let user = try await importingUser(store, email: email)
            let bytes = try await listExportFile(
                store: store, actor: user.actor, entity: entity, format: format, segment: segment.map { Segment.ID($0) })
            try Data(bytes).write(to: URL(fileURLWithPath: out))
            print("Wrote \(out) (\(bytes.count) bytes).")
        }
    }
}
