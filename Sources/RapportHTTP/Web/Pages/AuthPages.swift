import Foundation
import Hummingbird
import RapportCore
import RapportStore

/// Sign-in, sign-out, first run and the language switch: the pages that need no session.
struct AuthPages {
    let store: Store
    let secureCookies: Bool

    func register(on router: RouterGroup<AppRequestContext>) {
        router.get("login") { request, context in
            guard !(try await store.workspaces.isEmpty()) else { return WebResponse.redirect(.setup) }
            let query = FormData.query(request)
            let locale = WebLanguage.preferred(request, fallback: context.locale)
            return WebResponse.html(
                signInPage(locale: locale, email: nil, next: query["next"], error: query["expired"] == "1" ? .expired : nil))
        }
        router.post("login") { request, context in
            let form = try await FormData.readPublic(request)
            let locale = WebLanguage.preferred(request, fallback: context.locale)
            let email = form.text("email") ?? ""
            do {
                let session = try await store.auth.signIn(
                    email: email, password: form["password"] ?? "", clientAddress: context.clientAddress)
                let next = WebURL.localReturn(form["next"]) ?? .home
                var response = WebResponse.redirect(next.path.hasPrefix("/login") ? .home : next)
                response.setCookie(
                    Cookie(
                        name: AuthMiddleware.cookieName, value: session.token, expires: session.expiresAt, path: "/",
                        secure: secureCookies || request.headers[.forwardedProto] == "https", httpOnly: true, sameSite: .lax))
                return response
            } catch AuthRepository.SignInError.invalidCredentials {
                return WebResponse.html(
                    signInPage(locale: locale, email: email, next: form["next"], error: .invalid), status: .unauthorized)
            } catch AuthRepository.SignInError.rateLimited(let seconds) {
                return WebResponse.html(
                    signInPage(locale: locale, email: email, next: form["next"], error: .throttled(seconds)), status: .tooManyRequests)
            }
        }
        router.post("logout") { request, context in
            // Signing out needs no CSRF token: the worst a forged request does is sign someone out.
            if let token = request.cookies[AuthMiddleware.cookieName]?.value { try await store.auth.signOut(token: token) }
            var response = WebResponse.redirect(.signIn())
            response.setCookie(Cookie(name: AuthMiddleware.cookieName, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .lax))
            return response
        }
        router.get("setup") { request, context in
            guard try await store.workspaces.isEmpty() else { return WebResponse.redirect(.signIn()) }
            let locale = WebLanguage.preferred(request, fallback: context.locale)
            return WebResponse.html(setupPage(locale: locale, form: FormData(), errors: FormErrors()))
        }
        router.post("setup") { request, context in
            guard try await store.workspaces.isEmpty() else { return WebResponse.redirect(.signIn()) }
            let form = try await FormData.readPublic(request)
            let locale = AppLocale(rawValue: form["locale"] ?? "") ?? WebLanguage.preferred(request, fallback: context.locale)
            let setup = WorkspaceRepository.Setup(
                name: form.text("name"), timeZone: form.text("timeZone"), currency: form.text("currency"), locale: locale,
                phoneRegion: PhoneRegion(rawValue: form["phoneRegion"] ?? "") ?? .ru,
                owner: UserRepository.NewUser(
                    email: form.text("owner.email"), name: form.text("owner.name"), password: form["owner.password"], role: .owner,
                    locale: locale))
            do {
                let (_, user) = try await store.workspaces.create(setup)
                let session = try await store.auth.signIn(
                    email: user.email, password: form["owner.password"] ?? "", clientAddress: context.clientAddress)
                var response = WebResponse.redirect(.home)
                response.setCookie(
                    Cookie(
                        name: AuthMiddleware.cookieName, value: session.token, expires: session.expiresAt, path: "/",
                        secure: secureCookies || request.headers[.forwardedProto] == "https", httpOnly: true, sameSite: .lax))
                response.setCookie(WebLanguage.cookie(locale))
                return response
            } catch let error as ValidationError {
                return WebResponse.html(
                    setupPage(locale: locale, form: form, errors: FormErrors(error, locale: locale)), status: .unprocessableContent)
            }
        }
        // Signed out, the language is a cookie; a link may set it (it changes nothing else).
        router.get("language") { request, _ in
            let query = FormData.query(request)
            var response = WebResponse.redirect(WebURL.localReturn(query["return"]) ?? .signIn())
            if let locale = AppLocale(rawValue: query["lang"] ?? "") { response.setCookie(WebLanguage.cookie(locale)) }
            return response
        }
        router.get("assets/{name}") { _, context in
            guard let name = context.parameters.get("name"), let response = Assets.response(named: name) else {
                throw APIError.notFound
            }
            return response
        }
    }

    enum SignInProblem {
        case invalid, expired, throttled(Int)
    }

    private func languageLinks(_ locale: AppLocale, back: String) -> HTML {
        let other: AppLocale = locale == .ru ? .en : .ru
        return """
            <p class="muted center"><a href="\(WebURL("/language", [("lang", other.rawValue), ("return", back)]))" lang="\(other.rawValue)">\(other == .ru ? "Русский" : "English")</a></p>
            """
    }

    func signInPage(locale: AppLocale, email: String?, next: String?, error: SignInProblem?) -> HTML {
        let t = Lang(locale: locale)
        let message: HTML? =
            switch error {
            case .invalid?:
                "<div class=\"form-errors\" role=\"alert\">\(t("Wrong e-mail or password.", "Неверный e-mail или пароль."))</div>"
            case .expired?:
                "<div class=\"notice\" role=\"status\">\(t("Your session has ended. Please sign in again.", "Сеанс завершён. Войдите снова."))</div>"
            case .throttled(let seconds)?:
                "<div class=\"form-errors\" role=\"alert\">\(t("Too many attempts. Try again in \(seconds) s.", "Слишком много попыток. Повторите через \(seconds) с."))</div>"
            case nil: nil
            }
        return Layout.bare(
            locale: locale, title: t("Sign in", "Вход"),
            body: """
                <main id="main" class="narrow card"><h1>\(t("Sign in", "Вход"))</h1>\(message)
                <form method="post" action="/login" data-native>
                \(Form.hidden("next", WebURL.localReturn(next)?.path))
                \(Form.field(t("E-mail", "E-mail"), "email", value: email, type: "email", required: true, attributes: " autocomplete=\"username\" autofocus"))
                \(Form.field(t("Password", "Пароль"), "password", value: nil, type: "password", required: true, attributes: " autocomplete=\"current-password\""))
                <button class="primary" type="submit">\(t("Sign in", "Войти"))</button>
                </form></main>
                \(languageLinks(locale, back: "/login"))
                """)
    }

    func setupPage(locale: AppLocale, form: FormData, errors: FormErrors) -> HTML {
        let t = Lang(locale: locale)
        let zones = [
            "Europe/Kaliningrad", "Europe/Moscow", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Omsk", "Asia/Novosibirsk",
            "Asia/Krasnoyarsk", "Asia/Irkutsk", "Asia/Yakutsk", "Asia/Vladivostok", "Asia/Magadan", "Asia/Kamchatka", "Asia/Almaty",
            "Europe/Minsk", "UTC",
        ]
        return Layout.bare(
            locale: locale, title: t("Welcome to Rapport", "Добро пожаловать в Rapport"),
            body: """
                <main id="main" class="narrow card"><h1>\(t("Set up your workspace", "Настройка рабочего пространства"))</h1>
                <p class="muted">\(t("This is a new installation. Create the workspace and its owner account.", "Это новая установка. Создайте рабочее пространство и учётную запись владельца."))</p>
                \(Form.summary(errors, t))
                <form method="post" action="/setup" data-native>
                <fieldset><legend>\(t("Company", "Компания"))</legend>
                \(Form.field(t("Workspace name", "Название"), "name", value: form["name"], errors: errors, required: true))
                \(Form.select(t("Time zone", "Часовой пояс"), "timeZone", options: zones.map { ($0, $0) }, selected: form["timeZone"] ?? "Europe/Moscow", errors: errors))
                \(Form.select(t("Currency", "Валюта"), "currency", options: [("RUB", "₽ RUB"), ("KZT", "₸ KZT"), ("BYN", "Br BYN"), ("USD", "$ USD"), ("EUR", "€ EUR")], selected: form["currency"] ?? "RUB", errors: errors))
                \(Form.select(t("Language", "Язык"), "locale", options: [("ru", "Русский"), ("en", "English")], selected: form["locale"] ?? locale.rawValue))
                </fieldset>
                <fieldset><legend>\(t("Owner", "Владелец"))</legend>
                \(Form.field(t("Your name", "Ваше имя"), "owner.name", value: form["owner.name"], errors: errors, required: true))
                \(Form.field(t("E-mail", "E-mail"), "owner.email", value: form["owner.email"], errors: errors, type: "email", required: true, attributes: " autocomplete=\"username\""))
                \(Form.field(t("Password", "Пароль"), "owner.password", value: nil, errors: errors, type: "password", required: true, hint: t("At least 8 characters.", "Не меньше 8 символов."), attributes: " autocomplete=\"new-password\""))
                </fieldset>
                <button class="primary" type="submit">\(t("Create workspace", "Создать"))</button>
                </form></main>
                \(languageLinks(locale, back: "/setup"))
                """)
    }
}
