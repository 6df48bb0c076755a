public import Hummingbird
import NIOCore
public import RapportStore

/// What the HTTP layer needs from the application.
public struct HTTPDependencies: Sendable {
    /// The repositories.
    public var store: Store
    /// Where request metrics go.
    public var metrics: any RequestMetrics
    /// The Prometheus exposition text for `/metrics`.
    public var metricsText: @Sendable () -> String
    /// Mark session cookies `Secure` (set when served over HTTPS).
    public var secureCookies: Bool

    /// Makes the dependencies.
    public init(store: Store, metrics: any RequestMetrics, metricsText: @escaping @Sendable () -> String, secureCookies: Bool) {
        self.store = store
        self.metrics = metrics
        self.metricsText = metricsText
        self.secureCookies = secureCookies
    }
}

/// Builds the router: operations endpoints, the public API (sign-in, setup, the contract), and the
/// authenticated API.
public func buildRouter(_ dependencies: HTTPDependencies) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: MetricsMiddleware(metrics: dependencies.metrics))
    router.add(middleware: ErrorMiddleware())
    let store = dependencies.store
    let handlers = Handlers(store: store)

    router.get("healthz") { _, _ in
        try Handlers.json(["status": "ok"])
    }
    router.get("readyz") { _, _ in
        let reachable = await store.database.ping()
        var migrationsCurrent = false
        if reachable, let status = try? await Migrations.status(of: store.database) {
            migrationsCurrent = status.current == status.latest && status.unfinished == nil
        }
        let ready = reachable && migrationsCurrent
        return try Handlers.json(
            [
                "status": ready ? "ready" : "not_ready", "database": reachable ? "reachable" : "unreachable",
                "migrations": migrationsCurrent ? "current" : "pending",
            ],
            status: ready ? .ok : .serviceUnavailable)
    }
    router.get("metrics") { _, _ in
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: dependencies.metricsText())))
    }

    let api = router.group("api/v1")
    api.get("openapi.json") { _, _ in
        Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.data)))
    }
    PublicAPI(handlers: handlers, secureCookies: dependencies.secureCookies).register(on: api)
    FormAPI(handlers: handlers).registerPublic(on: api)

    let authenticated = router.group("api/v1").add(middleware: AuthMiddleware(auth: store.auth))
    ContactAPI(handlers: handlers).register(on: authenticated)
    CompanyAPI(handlers: handlers).register(on: authenticated)
    DealAPI(handlers: handlers).register(on: authenticated)
    WorkAPI(handlers: handlers).register(on: authenticated)
    CommerceAPI(handlers: handlers).register(on: authenticated)
    ReportAPI(handlers: handlers).register(on: authenticated)
    SettingsAPI(handlers: handlers).register(on: authenticated)
    WebhookAPI(handlers: handlers).register(on: authenticated)
    FormAPI(handlers: handlers).register(on: authenticated)
    TelephonyAPI(handlers: handlers).register(on: authenticated)
    registerPublicForms(on: router, store: store)
    DocumentAPI(handlers: handlers).register(on: authenticated)
    DuplicateAPI(handlers: handlers).register(on: authenticated)
    registerWebUI(on: router, store: store, secureCookies: dependencies.secureCookies)
    return router
}
