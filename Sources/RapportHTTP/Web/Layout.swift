import RapportCore

/// The sections of the navigation.
enum Section: String, Sendable, CaseIterable {
    case home, contacts, companies, deals, tasks, orders, segments, reports, trash, settings, search
}

/// The frame of every page: head, navigation, the global search, the one-time message.
enum Layout {
    static func head(locale: AppLocale, title: String, csrf: String?) -> HTML {
        """
        <!doctype html>
        <html lang="\(locale.rawValue)"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title) · Rapport</title>
        <link rel="stylesheet" href="\(WebURL.asset("app.css", version: Assets.version))">
        <link rel="icon" href="\(WebURL.asset("icon.svg", version: Assets.version))" type="image/svg+xml">
        \(csrf.map { "<meta name=\"csrf-token\" content=\"\($0)\">" as HTML })
        <script src="\(WebURL.asset("app.js", version: Assets.version))" defer></script>
        </head>
        """
    }

    /// A page without navigation (sign-in, first run, errors).
    static func bare(locale: AppLocale, title: String, body: HTML) -> HTML {
        """
        \(head(locale: locale, title: title, csrf: nil))<body class="bare">
        <div class="brand-bare">\(Icon.logo) Rapport</div>
        \(body)
        </body></html>
        """
    }

    /// A page of the signed-in UI.
    static func page(_ viewer: Viewer, title: String, section: Section, body: HTML) -> HTML {
        let t = viewer.t
        func link(_ target: Section, _ url: WebURL, _ icon: HTML, _ label: String) -> HTML {
            let current = target == section
            return "<a href=\"\(url)\"\(if: current, " aria-current=\"page\" class=\"current\"")>\(icon)<span>\(label)</span></a>"
        }
        var links: [HTML] = [
            link(.home, .home, Icon.home, t("Home", "Главная")),
            link(.contacts, .contacts, Icon.contacts, t("Contacts", "Контакты")),
            link(.companies, .companies, Icon.companies, t("Companies", "Компании")),
            link(.deals, .deals, Icon.deals, t("Deals", "Сделки")),
            link(.tasks, .tasks, Icon.tasks, t("Tasks", "Задачи")),
            link(.orders, .orders, Icon.orders, t("Orders", "Заказы")),
            link(.segments, .segments, Icon.segments, t("Segments", "Сегменты")),
            link(.reports, .reports, Icon.reports, t("Reports", "Отчёты")),
            link(.trash, .trash, Icon.trash, t("Trash", "Корзина")),
        ]
        if AccessPolicy.allows(viewer.actor, .manageSettings) || AccessPolicy.allows(viewer.actor, .manageUsers) {
            links.append(link(.settings, .settings, Icon.settings, t("Settings", "Настройки")))
        } else {
            links.append(link(.settings, .settings("profile"), Icon.settings, t("Profile", "Профиль")))
        }
        let other: AppLocale = viewer.locale == .ru ? .en : .ru
        return """
            \(head(locale: viewer.locale, title: title, csrf: viewer.csrfToken))<body>
            <a class="skip" href="#main">\(t("Skip to content", "К содержимому"))</a>
            <header class="top">
              <details class="menu"><summary aria-label="\(t("Menu", "Меню"))">\(Icon.menu)</summary>
                <nav aria-label="\(t("Sections", "Разделы"))">\(links)</nav></details>
              <a class="brand" href="\(WebURL.home)">\(Icon.logo)<span>Rapport</span></a>
              <form class="global-search" role="search" method="get" action="\(WebURL.search)">
                <label class="visually-hidden" for="global-q">\(t("Search contacts, companies, deals", "Поиск контактов, компаний, сделок"))</label>
                <input id="global-q" type="search" name="q" autocomplete="off" data-live-search="\(WebURL.search)"
                  placeholder="\(t("Search: name, phone, e-mail, INN…", "Поиск: имя, телефон, e-mail, ИНН…"))" aria-controls="live-results">
                <div id="live-results" class="live-results" role="listbox" hidden></div>
              </form>
              <a class="button primary add-task" href="\(WebURL.newTask([("return", viewer.path)]))" data-dialog>\(Icon.plus)<span>\(t("Task", "Задача"))</span></a>
              <form method="post" action="\(WebURL.language)" class="lang-switch">\(Form.csrf(viewer))
                <input type="hidden" name="lang" value="\(other.rawValue)"><input type="hidden" name="return" value="\(viewer.path)">
                <button type="submit" class="link" lang="\(other.rawValue)" title="\(t("Язык: русский", "Language: English"))">\(other == .ru ? "RU" : "EN")</button></form>
              <form method="post" action="\(WebURL.signOut)" class="sign-out">\(Form.csrf(viewer))
                <button type="submit" class="link" title="\(viewer.user.name)">\(Icon.signOut)<span>\(t("Sign out", "Выйти"))</span></button></form>
            </header>
            <div class="shell">
            <nav class="side" aria-label="\(t("Sections", "Разделы"))">\(links)</nav>
            <main id="main" tabindex="-1">
            \(viewer.flash.map { "<p class=\"\($0 == .conflict ? "notice" : "flash")\" role=\"status\">\($0.text(t))</p>" as HTML })
            <div id="notice" class="notice" role="alert" hidden></div>
            \(body)
            </main></div>
            <dialog id="dialog" aria-labelledby="dialog-title"><div class="dialog-body"></div></dialog>
            </body></html>
            """
    }
}

/// Icons drawn by Rapport: symbols of one SVG sprite served with the assets.
enum Icon {
    static func named(_ name: String) -> HTML {
        "<svg class=\"icon\" aria-hidden=\"true\" focusable=\"false\"><use href=\"\(WebURL.asset("icons.svg", version: Assets.version))#\(name)\"></use></svg>"
    }
    static var logo: HTML { named("logo") }
    static var home: HTML { named("home") }
    static var contacts: HTML { named("contacts") }
    static var companies: HTML { named("companies") }
    static var deals: HTML { named("deals") }
    static var tasks: HTML { named("tasks") }
    static var trash: HTML { named("trash") }
    static var segments: HTML { named("segments") }
    static var orders: HTML { named("orders") }
    static var reports: HTML { named("reports") }
    static var settings: HTML { named("settings") }
    static var menu: HTML { named("menu") }
    static var plus: HTML { named("plus") }
    static var phone: HTML { named("phone") }
    static var mail: HTML { named("mail") }
    static var check: HTML { named("check") }
    static var signOut: HTML { named("sign-out") }
    static var search: HTML { named("search") }
    static var edit: HTML { named("edit") }
}
