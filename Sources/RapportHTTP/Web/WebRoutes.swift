import Hummingbird
import RapportCore
import RapportStore

/// The web UI: public pages (sign-in, first run, assets) and the signed-in pages, each group with its
/// security headers and HTML error pages.
func registerWebUI(on router: Router<AppRequestContext>, store: Store, secureCookies: Bool) {
    let web = router.group().add(middleware: WebSecurityMiddleware()).add(middleware: WebErrorMiddleware())
    AuthPages(store: store, secureCookies: secureCookies).register(on: web)
    let pages = web.group().add(middleware: WebAuthMiddleware(auth: store.auth))
    let kit = WebKit(store: store)
    HomePage(kit: kit).register(on: pages)
    TaskPages(kit: kit).register(on: pages)
    DuplicatePages(kit: kit).register(on: pages)
    ContactPages(kit: kit).register(on: pages)
    CompanyPages(kit: kit).register(on: pages)
    DealPages(kit: kit).register(on: pages)
    SearchAndTrashPages(kit: kit).register(on: pages)
    SettingsPages(kit: kit).register(on: pages)
    WebhookPages(kit: kit).register(on: pages)
    FormPages(kit: kit).register(on: pages)
    ActivityPages(kit: kit).register(on: pages)
    SegmentPages(kit: kit).register(on: pages)
    ReportPages(kit: kit).register(on: pages)
    OrderPages(kit: kit).register(on: pages)
    ImportPages(kit: kit).register(on: pages)
    DocumentPages(kit: kit).register(on: pages)
    pages.post("language") { request, context in
        let form = try await FormData.read(request, context)
        let back = WebURL.localReturn(form["return"]) ?? .home
        guard let locale = AppLocale(rawValue: form["lang"] ?? ""), let user = context.user else { return WebResponse.redirect(back) }
        var change = UserRepository.UserChange()
        change.locale = .set(locale)
        _ = try await store.users.update(user.id, change, expectedVersion: user.version, by: user.actor)
        var response = WebResponse.redirect(back)
        response.setCookie(WebLanguage.cookie(locale))
        return response
    }
}
