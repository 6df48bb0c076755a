public import Foundation
public import Logging
public import RapportCore

/// Every repository over one database: what the HTTP layer, jobs and commands are given.
public struct Store: Sendable {
    /// The shared context.
    public let context: StoreContext
    public let contacts: ContactRepository
    public let companies: CompanyRepository
    public let deals: DealRepository
    public let pipelines: PipelineRepository
    public let activities: ActivityRepository
    public let tasks: TaskRepository
    public let users: UserRepository
    public let auth: AuthRepository
    public let workspaces: WorkspaceRepository
    public let timeline: TimelineRepository
    public let search: SearchRepository
    public let idempotency: IdempotencyRepository
    public let maintenance: MaintenanceRepository
    public let savedViews: SavedViewRepository
    public let products: ProductRepository
    public let orders: OrderRepository
    public let segments: SegmentRepository
    public let customerMetrics: CustomerMetricsRepository
    public let reports: ReportRepository
    public let winModels: WinModelRepository
    public let dashboards: DashboardRepository
    public let orderImporter: OrderImporter
    public let jobs: JobRepository
    public let imports: ImportRepository
    public let webhooks: WebhookRepository
    public let forms: FormRepository
    public let telephony: TelephonyRepository
    public let documents: DocumentRepository
    public let archive: WorkspaceArchive
    public let duplicates: DuplicateRepository

    /// Builds the repositories.
    /// - Parameters:
    ///   - database: the open, migrated database.
    ///   - effects: clock and ids.
    ///   - bcryptCost: password hashing cost (12 in production; lower only in tests).
    ///   - sessionLifetime: how long an unused session lives.
    ///   - files: where uploaded documents live (`<data>/files`, with the upload size limit).
    ///   - logger: for debug logs.
    public init(
        database: Database, effects: Effects, bcryptCost: UInt8 = 12, sessionLifetime: TimeInterval = 14 * 24 * 3600,
        files: FileStore, logger: Logger
    ) {
        let context = StoreContext(database: database, effects: effects, logger: logger)
        self.context = context
        contacts = ContactRepository(context: context)
        companies = CompanyRepository(context: context)
        deals = DealRepository(context: context)
        pipelines = PipelineRepository(context: context)
        activities = ActivityRepository(context: context)
        tasks = TaskRepository(context: context)
        users = UserRepository(context: context, bcryptCost: bcryptCost)
        auth = AuthRepository(context: context, sessionLifetime: sessionLifetime)
        workspaces = WorkspaceRepository(context: context, users: users)
        timeline = TimelineRepository(context: context)
        search = SearchRepository(context: context)
        idempotency = IdempotencyRepository(context: context)
        maintenance = MaintenanceRepository(context: context)
        savedViews = SavedViewRepository(context: context)
        products = ProductRepository(context: context)
        orders = OrderRepository(context: context)
        segments = SegmentRepository(context: context)
        customerMetrics = CustomerMetricsRepository(context: context)
        reports = ReportRepository(context: context)
        winModels = WinModelRepository(context: context)
        dashboards = DashboardRepository(context: context)
        orderImporter = OrderImporter(context: context)
        jobs = JobRepository(context: context)
        imports = ImportRepository(context: context)
        webhooks = WebhookRepository(context: context)
        forms = FormRepository(context: context)
        telephony = TelephonyRepository(context: context)
        documents = DocumentRepository(context: context, files: files)
        archive = WorkspaceArchive(context: context, files: files)
        duplicates = DuplicateRepository(context: context)
    }

    /// The database.
    public var database: Database { context.database }
}
