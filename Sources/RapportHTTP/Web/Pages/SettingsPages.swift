import Foundation
import Hummingbird
import RapportCore
import RapportStore

/// Settings by role: the workspace, users and teams, pipelines and stages, custom fields, tags, API
/// tokens; everyone has their profile.
struct SettingsPages {
    let kit: WebKit
    var store: Store { kit.store }

    enum Tab: String, CaseIterable {
        case workspace, users, teams, pipelines, fields, tags, forms, tokens, profile

        func title(_ t: Lang) -> String {
            switch self {
            case .workspace: t("Workspace", "Пространство")
            case .users: t("Users", "Пользователи")
            case .teams: t("Teams", "Команды")
            case .pipelines: t("Pipelines", "Воронки")
            case .fields: t("Custom fields", "Доп. поля")
            case .tags: t("Tags", "Теги")
            case .forms: t("Web forms", "Веб-формы")
            case .tokens: t("API tokens", "API-токены")
            case .profile: t("Profile", "Профиль")
            }
        }

        func allowed(_ actor: Actor) -> Bool {
            switch self {
            case .workspace, .pipelines, .fields, .tags, .forms: AccessPolicy.allows(actor, .manageSettings)
            case .users, .teams: AccessPolicy.allows(actor, .manageUsers)
            case .tokens, .profile: true
            }
        }
    }

    func register(on router: RouterGroup<AppRequestContext>) {
        router.get("settings") { request, context in
            let viewer = try await kit.viewer(request, context)
            return WebResponse.redirect(.settings(Tab.workspace.allowed(viewer.actor) ? "workspace" : "profile"))
        }
        router.get("settings/{tab}") { request, context in
            let viewer = try await kit.viewer(request, context)
            guard let tab = context.parameters.get("tab").flatMap(Tab.init(rawValue:)) else { throw APIError.notFound }
            guard tab.allowed(viewer.actor) else { throw RecordError.forbidden }
            return WebResponse.html(try await page(viewer, tab, errors: FormErrors(), notice: nil))
        }
        router.post("settings/{tab}") { request, context in
            let viewer = try await kit.viewer(request, context)
            let form = try await FormData.read(request, context)
            guard let tab = context.parameters.get("tab").flatMap(Tab.init(rawValue:)) else { throw APIError.notFound }
            guard tab.allowed(viewer.actor) else { throw RecordError.forbidden }
            // A refused row of the users table shows its error (and what was typed) in that row.
            let edited = form.text("userId").map { (user: $0, extension: form["extension"]) }
            return try await kit.submitting(viewer, form: { try await page(viewer, tab, errors: $0, notice: nil, edited: edited) }) {
                let notice = try await save(viewer, tab, form)
                if let notice { return WebResponse.html(try await page(viewer, tab, errors: FormErrors(), notice: notice)) }
                return WebResponse.redirect(.settings(tab.rawValue), flash: .saved)
            }
        }
        router.post("settings/revoke-token/{id}") { request, context in
            let viewer = try await kit.viewer(request, context)
            _ = try await FormData.read(request, context)
            _ = try await store.auth.revokeToken(context.parameters.get("id") ?? "", by: viewer.actor)
            return WebResponse.redirect(.settings("tokens"), flash: .revoked)
        }
    }

    /// Applies a settings form; returns a one-time message to show instead of redirecting (a new token).
    func save(_ viewer: Viewer, _ tab: Tab, _ form: FormData) async throws -> HTML? {
        let actor = viewer.actor
        switch tab {
        case .workspace:
            _ = try await store.workspaces.update(
                name: form.text("name"), timeZone: form.text("timeZone"), currency: form.text("currency"),
                locale: form.text("locale").flatMap(AppLocale.init(rawValue:)),
                phoneRegion: form.text("phoneRegion").flatMap(PhoneRegion.init(rawValue:)),
                by: actor)
        case .users:
            if let id = form.text("userId") {
                var change = UserRepository.UserChange()
                change.role = form.text("role").flatMap(Role.init(rawValue:))
                change.teamID = form.text("teamId").map { .set(Team.ID($0)) } ?? .clear
                change.isActive = form.checked("active")
                change.extension = form.text("extension").map { .set($0) } ?? .clear
                _ = try await store.users.update(User.ID(id), change, expectedVersion: Int64(form["version"] ?? "") ?? -1, by: actor)
            } else {
                _ = try await store.users.create(
                    UserRepository.NewUser(
                        email: form.text("email"), name: form.text("name"), password: form["password"],
                        role: form.text("role").flatMap(Role.init(rawValue:)) ?? .salesRep,
                        teamID: form.text("teamId").map(Team.ID.init(rawValue:)), extension: form.text("extension")),
                    by: actor, workspace: actor.workspaceID)
            }
        case .teams: _ = try await store.users.createTeam(name: form.text("name"), by: actor)
        case .forms: break  // forms are built on their own pages (FormPages)
        case .tags: _ = try await store.workspaces.createTag(name: form.text("name"), color: nil, by: actor)
        case .fields:
            guard let kind = form.text("kind").flatMap(CustomFieldKind.init(rawValue:)) else { throw ValidationError("kind", .required) }
            _ = try await store.workspaces.createCustomField(
                entity: form.text("entity").flatMap(RecordKind.init(rawValue:)) ?? .contact, key: form.text("key"),
                label: form.text("label"),
                kind: kind, options: form.list("options"), required: form.checked("required"), by: actor)
        case .pipelines:
            var stages: [(position: Int, input: StageInput)] = []
            for index in 0..<40 {
                guard let name = form.text("stage.\(index).name") else { continue }
                let kind = form.text("stage.\(index).kind").flatMap(StageKind.init(rawValue:)) ?? .open
                let id = form.text("stage.\(index).id").flatMap { UUIDv7.isWellFormed($0) ? Stage.ID($0) : nil }
                let position = Int(form["stage.\(index).position"] ?? "") ?? (index + 1) * 10
                stages.append(
                    (
                        position,
                        StageInput(id: id, name: name, kind: kind, probability: form.text("stage.\(index).probability").flatMap { Int($0) })
                    ))
            }
            let ordered = stages.sorted { $0.position < $1.position }.map(\.input)
            if let id = form.text("pipelineId") {
                _ = try await store.pipelines.update(
                    Pipeline.ID(id), name: form.text("name"), stages: ordered, expectedVersion: Int64(form["version"] ?? "") ?? -1,
                    by: actor)
            } else {
                _ = try await store.pipelines.create(name: form.text("name"), stages: ordered, by: actor)
            }
        case .tokens:
            let (secret, _) = try await store.auth.createToken(for: viewer.user.id, name: form.text("name"), by: actor)
            let t = viewer.t
            return """
                <div class="flash" role="status"><p>\(t("Copy the token now: it is shown only once.", "Скопируйте токен сейчас: он показывается только один раз."))</p>
                <p><code>\(secret)</code></p></div>
                """
        case .profile:
            var change = UserRepository.UserChange()
            change.name = form.text("name")
            change.locale = form.text("locale").flatMap(AppLocale.init(rawValue:)).map { .set($0) }
            _ = try await store.users.update(viewer.user.id, change, expectedVersion: viewer.user.version, by: actor)
        }
        return nil
    }

    func page(_ viewer: Viewer, _ tab: Tab, errors: FormErrors, notice: HTML?, edited: (user: String, extension: String?)? = nil)
        async throws -> HTML
    {
        let t = viewer.t
        let tabs: [HTML] = Tab.allCases.filter { $0.allowed(viewer.actor) }.map {
            "<a href=\"\(WebURL.settings($0.rawValue))\"\(if: $0 == tab, " class=\"current\" aria-current=\"page\"")>\($0.title(t))</a>"
        }
        let webhooksTab: [HTML] =
            AccessPolicy.mayManageWebhooks(viewer.actor) ? ["<a href=\"\(WebURL.webhooks)\">\(t("Webhooks", "Вебхуки"))</a>"] : []
        let form: (HTML) -> HTML = { fields in
            "<form method=\"post\" action=\"\(WebURL.settings(tab.rawValue))\">\(Form.csrf(viewer))\(fields)</form>"
        }
        let content: HTML
        switch tab {
        case .workspace:
            let workspace = viewer.workspace
            content = form(
                """
                <div class="card">\(Form.field(t("Name", "Название"), "name", value: workspace.name, errors: errors, required: true))
                <div class="grid2">\(Form.field(t("Time zone", "Часовой пояс"), "timeZone", value: workspace.timeZone, errors: errors, hint: "Europe/Moscow, Asia/Almaty…"))
                \(Form.field(t("Currency", "Валюта"), "currency", value: workspace.currency.rawValue, errors: errors, hint: "RUB, KZT, USD…"))
                \(Form.select(t("Language", "Язык"), "locale", options: [("ru", "Русский"), ("en", "English")], selected: workspace.locale.rawValue))
                \(Form.select(t("Phone region", "Регион телефонов"), "phoneRegion", options: PhoneRegion.allCases.map { ($0.rawValue, $0.rawValue.uppercased()) }, selected: workspace.phoneRegion.rawValue))</div>
                <button class="primary" type="submit">\(t("Save", "Сохранить"))</button></div>
                """)
        case .users:
            let users = try await kit.users(viewer)
            let teams = try await store.users.teams(by: viewer.actor)
            let teamOptions = teams.map { ($0.id.rawValue, $0.name) }
            let roleOptions = Role.allCases.map { ($0.rawValue, t.label($0)) }
            let rows: [HTML] = users.map { user in
                let id = user.id.rawValue
                let isEdited = edited?.user == id
                let (aria, message) = Form.messages("extension", isEdited ? errors : FormErrors())
                return """
                    <tr><td><b>\(user.name)</b><div class="muted">\(user.email)</div></td><td colspan="3">
                    <form method="post" action="\(WebURL.settings("users"))" class="bulk">\(Form.csrf(viewer))
                    <input type="hidden" name="userId" value="\(id)"><input type="hidden" name="version" value="\(user.version)">
                    <div class="field"><label for="role-\(id)">\(t("Role", "Роль"))</label><select id="role-\(id)" name="role">\(options: roleOptions, selected: user.role.rawValue, blank: nil)</select></div>
                    <div class="field"><label for="team-\(id)">\(t("Team", "Команда"))</label><select id="team-\(id)" name="teamId">\(options: teamOptions, selected: user.teamID?.rawValue, blank: "—")</select></div>
                    <div class="field"><label for="ext-\(id)">\(t("Extension", "Внутренний номер"))</label><input id="ext-\(id)" name="extension" value="\(isEdited ? edited?.extension ?? "" : user.extension ?? "")" inputmode="numeric" maxlength="10" size="6"\(aria)>\(message)</div>
                    \(Form.checkbox(t("Active", "Активен"), "active", checked: user.isActive, id: "active-\(id)"))
                    <button type="submit" class="small">\(t("Save", "Сохранить"))</button></form></td></tr>
                    """
            }
            let addErrors = edited == nil ? errors : FormErrors()
            content = """
                <table class="list"><thead><tr><th scope="col">\(t("User", "Пользователь"))</th><th scope="col" colspan="3">\(t("Role, team and extension", "Роль, команда и внутренний номер"))</th></tr></thead><tbody>\(rows)</tbody></table>
                <section class="card"><h2>\(t("Add a user", "Добавить пользователя"))</h2>\(form("""
                    <div class="grid2">\(Form.field(t("Name", "Имя"), "name", value: nil, errors: addErrors, required: true))
                    \(Form.field("E-mail", "email", value: nil, errors: addErrors, type: "email", required: true))
                    \(Form.field(t("Password", "Пароль"), "password", value: nil, errors: addErrors, type: "password", required: true, attributes: " autocomplete=\"new-password\""))
                    \(Form.select(t("Role", "Роль"), "role", options: roleOptions, selected: "sales_rep", errors: addErrors))
                    \(Form.select(t("Team", "Команда"), "teamId", options: teamOptions, selected: nil, blank: "—"))
                    \(Form.field(t("Extension", "Внутренний номер"), "extension", value: nil, errors: addErrors, hint: t("Internal PBX number: calls to it are logged for this user.", "Номер в АТС: звонки на него записываются на этого пользователя."), attributes: " inputmode=\"numeric\" maxlength=\"10\""))</div>
                    <button class="primary" type="submit">\(t("Add user", "Добавить"))</button>
                    """))</section>
                """
        case .teams:
            let teams = try await store.users.teams(by: viewer.actor)
            content = """
                <section class="card">\(teams.isEmpty ? Parts.empty(t("No teams yet.", "Команд пока нет.")) : "<ul>\(teams.map { "<li>\($0.name)</li>" as HTML })</ul>" as HTML)</section>
                <section class="card"><h2>\(t("New team", "Новая команда"))</h2>\(form("\(Form.field(t("Name", "Название"), "name", value: nil, errors: errors, required: true))<button class=\"primary\" type=\"submit\">\(t("Create", "Создать"))</button>"))</section>
                """
        case .tags:
            let tags = try await store.workspaces.tags(by: viewer.actor)
            content = """
                <section class="card">\(tags.isEmpty ? Parts.empty(t("No tags yet.", "Тегов пока нет.")) : Parts.tags(tags.map(\.name)))</section>
                <section class="card"><h2>\(t("New tag", "Новый тег"))</h2>\(form("\(Form.field(t("Name", "Название"), "name", value: nil, errors: errors, required: true))<button class=\"primary\" type=\"submit\">\(t("Create", "Создать"))</button>"))</section>
                """
        case .fields:
            let fields = try await store.workspaces.customFields(entity: nil, by: viewer.actor)
            let rows: [HTML] = fields.map {
                "<tr><td>\($0.label)</td><td data-label=\"\(t("Key", "Ключ"))\"><code>\($0.key)</code></td><td data-label=\"\(t("Record", "Запись"))\">\(t.label($0.entity))</td><td data-label=\"\(t("Type", "Тип"))\">\(t.label($0.kind))\($0.options.isEmpty ? "" : ": \($0.options.joined(separator: ", "))")</td></tr>"
            }
            content = """
                \(rows.isEmpty ? Parts.empty(t("No custom fields yet.", "Дополнительных полей пока нет.")) : "<table class=\"list\"><tbody>\(rows)</tbody></table>" as HTML)
                <section class="card"><h2>\(t("New field", "Новое поле"))</h2>\(form("""
                    <div class="grid2">\(Form.field(t("Label", "Название"), "label", value: nil, errors: errors, required: true))
                    \(Form.field(t("Key", "Ключ"), "key", value: nil, errors: errors, hint: t("Latin letters, digits and _ ; made from the label when empty", "Латиница, цифры и _ ; по названию, если пусто")))
                    \(Form.select(t("Record", "Запись"), "entity", options: CustomFieldDefinition.entities.map { ($0.rawValue, t.label($0)) }, selected: "contact", errors: errors))
                    \(Form.select(t("Type", "Тип"), "kind", options: CustomFieldKind.allCases.map { ($0.rawValue, t.label($0)) }, selected: "text", errors: errors))</div>
                    \(Form.field(t("Options (for lists)", "Варианты (для списков)"), "options", value: nil, errors: errors, hint: t("Separated by commas", "Через запятую")))
                    \(Form.checkbox(t("Required", "Обязательное"), "required", checked: false))
                    <button class="primary" type="submit">\(t("Add field", "Добавить поле"))</button>
                    """))</section>
                """
        case .pipelines:
            let pipelines = try await store.pipelines.list(by: viewer.actor)
            func editor(_ pipeline: Pipeline?) -> HTML {
                let stages = pipeline?.stages ?? []
                let rows: [HTML] = (0..<(stages.count + 2)).map { index in
                    let stage = index < stages.count ? stages[index] : nil
                    return """
                        <tr><td><input type="hidden" name="stage.\(index).id" value="\(stage?.id.rawValue ?? "")">
                        <label class="visually-hidden" for="s\(pipeline?.id.rawValue ?? "new")-\(index)-pos">\(t("Order", "Порядок"))</label><input id="s\(pipeline?.id.rawValue ?? "new")-\(index)-pos" type="number" name="stage.\(index).position" value="\((index + 1) * 10)"></td>
                        <td><label class="visually-hidden" for="s\(pipeline?.id.rawValue ?? "new")-\(index)-name">\(t("Stage", "Этап"))</label><input id="s\(pipeline?.id.rawValue ?? "new")-\(index)-name" type="text" name="stage.\(index).name" value="\(stage?.name ?? "")" placeholder="\(t("New stage", "Новый этап"))"></td>
                        <td><label class="visually-hidden" for="s\(pipeline?.id.rawValue ?? "new")-\(index)-kind">\(t("Kind", "Вид"))</label><select id="s\(pipeline?.id.rawValue ?? "new")-\(index)-kind" name="stage.\(index).kind">\(options: StageKind.allCases.map { ($0.rawValue, t.label($0)) }, selected: stage?.kind.rawValue ?? "open", blank: nil)</select></td>
                        <td><label class="visually-hidden" for="s\(pipeline?.id.rawValue ?? "new")-\(index)-p">%</label><input id="s\(pipeline?.id.rawValue ?? "new")-\(index)-p" type="number" min="0" max="100" name="stage.\(index).probability" value="\(stage.map { String($0.probability) } ?? "")"></td></tr>
                        """
                }
                return form(
                    """
                    \(Form.hidden("pipelineId", pipeline?.id.rawValue))\(Form.hidden("version", pipeline.map { String($0.version) }))
                    \(Form.field(t("Pipeline name", "Название воронки"), "name", value: pipeline?.name, errors: pipeline == nil ? errors : FormErrors(), required: true))
                    <table class="list"><thead><tr><th scope="col">\(t("Order", "Порядок"))</th><th scope="col">\(t("Stage", "Этап"))</th><th scope="col">\(t("Kind", "Вид"))</th><th scope="col">\(t("Probability, %", "Вероятность, %"))</th></tr></thead><tbody>\(rows)</tbody></table>
                    <p class="hint">\(t("Clear a name to remove the stage (only when it holds no deals).", "Очистите название, чтобы удалить этап (если в нём нет сделок)."))</p>
                    <button class="primary" type="submit">\(pipeline == nil ? t("Create pipeline", "Создать воронку") : t("Save", "Сохранить"))</button>
                    """)
            }
            content = """
                \(Form.summary(errors, t))
                \(pipelines.map { "<section class=\"card\"><h2>\($0.name)</h2>\(editor($0))</section>" as HTML })
                <details class="panel"><summary>\(t("New pipeline", "Новая воронка"))</summary>\(editor(nil))</details>
                """
        case .forms:
            content = try await FormPages(kit: kit).list(viewer)
        case .tokens:
            let tokens = try await store.auth.tokens(by: viewer.actor)
            let rows: [HTML] = tokens.map { token in
                """
                <tr><td>\(token.name) <code>\(token.prefix)…</code></td><td data-label="\(t("Last used", "Использован"))">\(token.lastUsedAt.map(viewer.format.dateTime) ?? "—")</td>
                <td>\(token.revokedAt == nil ? "<form method=\"post\" action=\"\(WebURL.revokeToken(token.id))\">\(Form.csrf(viewer))<button type=\"submit\" class=\"small danger\">\(t("Revoke", "Отозвать"))</button></form>" as HTML : "\(t("revoked", "отозван"))")</td></tr>
                """
            }
            content = """
                \(notice)
                \(rows.isEmpty ? Parts.empty(t("No tokens yet.", "Токенов пока нет.")) : "<table class=\"list\"><tbody>\(rows)</tbody></table>" as HTML)
                <section class="card"><h2>\(t("New token", "Новый токен"))</h2>\(form("\(Form.field(t("What is it for", "Для чего"), "name", value: nil, errors: errors))<button class=\"primary\" type=\"submit\">\(t("Create token", "Создать токен"))</button>"))</section>
                """
        case .profile:
            content = form(
                """
                <div class="card">\(Form.field(t("Name", "Имя"), "name", value: viewer.user.name, errors: errors, required: true))
                \(Form.select(t("Language", "Язык"), "locale", options: [("ru", "Русский"), ("en", "English")], selected: viewer.user.locale?.rawValue ?? viewer.locale.rawValue))
                <p class="muted">E-mail: \(viewer.user.email) · \(t.label(viewer.user.role))</p>
                <button class="primary" type="submit">\(t("Save", "Сохранить"))</button></div>
                """)
        }
        return Layout.page(
            viewer, title: tab.title(t), section: .settings,
            body: """
                <h1>\(t("Settings", "Настройки")): \(tab.title(t))</h1>
                <nav class="quick-tabs" aria-label="\(t("Settings", "Настройки"))">\(tabs)\(webhooksTab)</nav>
                \(tab == .pipelines ? .empty : Form.summary(errors, t))
                \(content)
                """)
    }
}
