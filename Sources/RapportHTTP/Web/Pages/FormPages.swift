import Foundation
import Hummingbird
import RapportCore
import RapportStore

/// Settings → Forms: the list (a settings tab), the builder of one form with its hosted link, its embed
/// snippet and its submissions.
struct FormPages {
    let kit: WebKit
    var store: Store { kit.store }

    func register(on router: RouterGroup<AppRequestContext>) {
        // The tab is served here too: once `settings/forms/…` is routed, `settings/{tab}` no longer reaches it.
        router.get("settings/forms") { request, context in
            let viewer = try await manager(request, context)
            return WebResponse.html(try await SettingsPages(kit: kit).page(viewer, .forms, errors: FormErrors(), notice: nil))
        }
        router.get("settings/forms/new") { request, context in
            let viewer = try await manager(request, context)
            return WebResponse.html(try await builder(viewer, nil, draft: nil, origin: PublicForm.origin(request), errors: FormErrors()))
        }
        router.post("settings/forms/new") { request, context in
            let viewer = try await manager(request, context)
            let form = try await FormData.read(request, context)
            let input = Self.input(form)
            return try await kit.submitting(
                viewer,
                form: { errors in
                    try await builder(viewer, nil, draft: Self.draft(input, viewer), origin: PublicForm.origin(request), errors: errors)
                }
            ) {
                let created = try await store.forms.create(input, by: viewer.actor)
                return WebResponse.redirect(.form(created.id), flash: .saved)
            }
        }
        router.get("settings/forms/{id}") { request, context in
            let viewer = try await kit.viewer(request, context)
            let saved = try await store.forms.get(try Handlers.id(context), by: viewer.actor)
            return WebResponse.html(try await builder(viewer, saved, draft: nil, origin: PublicForm.origin(request), errors: FormErrors()))
        }
        router.post("settings/forms/{id}") { request, context in
            let viewer = try await kit.viewer(request, context)
            let form = try await FormData.read(request, context)
            let saved = try await store.forms.get(try Handlers.id(context), by: viewer.actor)
            var input = Self.input(form)
            input.isActive = form.checked("active")
            let requested = input
            return try await kit.submitting(
                viewer,
                form: { errors in
                    try await builder(
                        viewer, saved, draft: Self.draft(requested, viewer, base: saved), origin: PublicForm.origin(request), errors: errors
                    )
                }
            ) {
                _ = try await store.forms.update(saved.id, requested, expectedVersion: Int64(form["version"] ?? "") ?? -1, by: viewer.actor)
                return WebResponse.redirect(.form(saved.id), flash: .saved)
            }
        }
    }

    /// The signed-in viewer, who must hold the settings right.
    func manager(_ request: Request, _ context: AppRequestContext) async throws -> Viewer {
        let viewer = try await kit.viewer(request, context)
        guard AccessPolicy.allows(viewer.actor, .manageSettings) else { throw RecordError.forbidden }
        return viewer
    }

    /// The settings tab: every form with its address and state.
    func list(_ viewer: Viewer) async throws -> HTML {
        let t = viewer.t
        let forms = try await store.forms.list(by: viewer.actor)
        let rows: [HTML] = forms.map { form in
            """
            <tr><td><a href="\(WebURL.form(form.id))">\(form.name)</a></td>
            <td data-label="\(t("Address", "Адрес"))"><code>\(WebURL.publicForm(key: form.publicKey))</code></td>
            <td data-label="\(t("State", "Состояние"))">\(form.isActive ? t("active", "активна") : t("off", "выключена"))</td></tr>
            """
        }
        return """
            \(rows.isEmpty ? Parts.empty(t("No forms yet.", "Форм пока нет.")) : "<table class=\"list\"><tbody>\(rows)</tbody></table>" as HTML)
            <p><a class="button primary" href="\(WebURL.newForm)">\(t("New form", "Новая форма"))</a></p>
            """
    }

    /// The builder's fields as an input (rows without a target are dropped; rows are ordered by position).
    static func input(_ form: FormData) -> WebFormInput {
        var input = WebFormInput()
        input.name = form["name"] ?? ""
        var rows: [(position: Int, field: FormField)] = []
        for index in 0..<WebFormRules.maxFields {
            guard let target = form.text("field.\(index).target") else { continue }
            let type = form.text("field.\(index).type").flatMap(FormFieldType.init(rawValue:))
            let field = FormField(
                target: target, labelRU: form.text("field.\(index).labelRu"), labelEN: form.text("field.\(index).labelEn"),
                required: form.checked("field.\(index).required"), type: type)
            rows.append((Int(form["field.\(index).position"] ?? "") ?? (index + 1) * 10, field))
        }
        input.fields = rows.sorted { $0.position < $1.position }.map(\.field)
        input.consentText = form.text("consentText").map { .set($0) } ?? .clear
        input.createsDeal = form.checked("createsDeal")
        input.pipelineID = form.text("pipelineId").map { .set(Pipeline.ID($0)) } ?? .clear
        input.stageID = form.text("stageId").map { .set(Stage.ID($0)) } ?? .clear
        input.createsTask = form.checked("createsTask")
        input.ownerIDs = form.all("owner").map(User.ID.init(rawValue:))
        input.thankYouText = form.text("thankYouText").map { .set($0) } ?? .clear
        input.redirectURL = form.text("redirectUrl").map { .set($0) } ?? .clear
        return input
    }

    /// What the user typed, to show again beside the errors.
    static func draft(_ input: WebFormInput, _ viewer: Viewer, base: WebForm? = nil) -> WebForm {
        let form = base ?? WebForm(id: WebForm.ID("new"), workspaceID: viewer.workspace.id, publicKey: "", now: Date(), createdBy: nil)
        return WebFormRules.merging(input, into: form)
    }

    func builder(_ viewer: Viewer, _ saved: WebForm?, draft: WebForm?, origin: String, errors: FormErrors) async throws -> HTML {
        let t = viewer.t
        let form = draft ?? saved
        let pipelines = try await store.pipelines.list(by: viewer.actor)
        let users = try await kit.users(viewer).filter(\.isActive)
        let custom = try await store.workspaces.customFields(entity: nil, by: viewer.actor)
        var targets: [(value: String, text: String)] = FormTarget.standard.map { ($0, Self.targetLabel($0, t)) }
        for definition in custom where definition.entity == .contact || definition.entity == .deal {
            let prefix = definition.entity == .contact ? FormTarget.contactCustom : FormTarget.dealCustom
            targets.append(("\(prefix)\(definition.key)", "\(t.label(definition.entity)): \(definition.label)"))
        }
        let fields = form?.fields ?? []
        let rows: [HTML] = (0..<(fields.count + 3)).map { index in
            let field = index < fields.count ? fields[index] : nil
            let id = "fld-\(index)"
            return """
                <tr><td><label class="visually-hidden" for="\(id)-pos">\(t("Order", "Порядок"))</label><input id="\(id)-pos" type="number" name="field.\(index).position" value="\((index + 1) * 10)"></td>
                <td><label class="visually-hidden" for="\(id)-target">\(t("Fills", "Заполняет"))</label><select id="\(id)-target" name="field.\(index).target">\(options: targets, selected: field?.target, blank: "—")</select></td>
                <td><label class="visually-hidden" for="\(id)-ru">\(t("Label (Russian)", "Подпись (рус.)"))</label><input id="\(id)-ru" type="text" name="field.\(index).labelRu" value="\(field?.labelRU ?? "")" placeholder="Подпись"></td>
                <td><label class="visually-hidden" for="\(id)-en">\(t("Label (English)", "Подпись (англ.)"))</label><input id="\(id)-en" type="text" name="field.\(index).labelEn" value="\(field?.labelEN ?? "")" placeholder="Label"></td>
                <td><label class="visually-hidden" for="\(id)-type">\(t("Input", "Ввод"))</label><select id="\(id)-type" name="field.\(index).type">\(options: FormFieldType.allCases.map { ($0.rawValue, $0.rawValue) }, selected: field?.type.rawValue, blank: t("auto", "авто"))</select></td>
                <td>\(Form.checkbox(t("Required", "Обязательное"), "field.\(index).required", checked: field?.required ?? false, id: "\(id)-req"))</td></tr>
                """
        }
        let stageOptions: [(value: String, text: String)] = pipelines.flatMap { pipeline in
            pipeline.stages.map { ($0.id.rawValue, "\(pipeline.name) — \($0.name)") }
        }
        let owners: [HTML] = users.map { user in
            let id = "owner-\(user.id.rawValue)"
            let checked = form?.ownerIDs.contains(user.id) ?? false
            return
                "<div class=\"field check\"><input id=\"\(id)\" type=\"checkbox\" name=\"owner\" value=\"\(user.id.rawValue)\"\(if: checked, " checked")><label for=\"\(id)\">\(user.name)</label></div>"
        }
        let action = saved.map { WebURL.form($0.id) } ?? WebURL.newForm
        var publish: HTML = .empty
        var submissionsHTML: HTML = .empty
        if let saved {
            let hosted = origin + WebURL.publicForm(key: saved.publicKey).path
            let snippet = "<script src=\"\(origin + WebURL.publicForm(key: saved.publicKey, "embed.js").path)\"></script>"
            publish = """
                <section class="card"><h2>\(t("Publish", "Публикация"))</h2>
                <p>\(t("Hosted page", "Страница формы")): <a href="\(hosted)" target="_blank" rel="noopener">\(hosted)</a></p>
                <div class="field"><label for="embed-snippet">\(t("Embed on your site (paste where the form should appear)", "Код для сайта (вставьте туда, где должна быть форма)"))</label>
                <textarea id="embed-snippet" rows="2" readonly>\(snippet)</textarea></div></section>
                """
            let page = try await store.forms.submissions(saved.id, ListQuery(limit: 50), by: viewer.actor)
            let lines: [HTML] = page.items.map { item in
                let utm = [item.source.utmSource, item.source.utmMedium, item.source.utmCampaign].map { $0 ?? "—" }.joined(separator: " / ")
                return """
                    <tr><td>\(viewer.format.dateTime(item.createdAt))</td>
                    <td data-label="\(t("Contact", "Контакт"))">\(item.contactID.map { "<a href=\"\(WebURL.contact($0))\">\(item.payload["contact.fullName"] ?? item.payload["contact.email"] ?? item.payload["contact.phone"] ?? t("contact", "контакт"))</a>\(item.contactCreated ? "" : " (\(t("existing", "существующий")))")" as HTML } ?? "—")</td>
                    <td data-label="\(t("Deal", "Сделка"))">\(item.dealID.map { "<a href=\"\(WebURL.deal($0))\">\(t("deal", "сделка"))</a>" as HTML } ?? "—")</td>
                    <td data-label="UTM source / medium / campaign">\(utm)</td>
                    <td data-label="\(t("Referrer", "Откуда"))">\(item.source.referrer ?? "—")</td>
                    <td data-label="\(t("Landing page", "Страница входа"))">\(item.source.landingPage ?? "—")</td></tr>
                    """
            }
            submissionsHTML = """
                <section class="card"><h2>\(t("Submissions", "Заявки"))</h2>
                \(lines.isEmpty ? Parts.empty(t("No submissions yet.", "Заявок пока нет.")) : """
                    <table class="list"><thead><tr><th scope="col">\(t("When", "Когда"))</th><th scope="col">\(t("Contact", "Контакт"))</th><th scope="col">\(t("Deal", "Сделка"))</th><th scope="col">UTM source / medium / campaign</th><th scope="col">\(t("Referrer", "Откуда"))</th><th scope="col">\(t("Landing page", "Страница входа"))</th></tr></thead><tbody>\(lines)</tbody></table>
                    """ as HTML)</section>
                """
        }
        let title = saved?.name ?? t("New form", "Новая форма")
        return Layout.page(
            viewer, title: title, section: .settings,
            body: """
                <p><a href="\(WebURL.settings("forms"))">← \(t("Forms", "Формы"))</a></p>
                <h1>\(title)</h1>
                \(Form.summary(errors, t))
                \(publish)
                <form method="post" action="\(action)">\(Form.csrf(viewer))\(Form.hidden("version", saved.map { String($0.version) }))
                <section class="card">
                \(Form.field(t("Name", "Название"), "name", value: form?.name, errors: errors, required: true))
                <table class="list"><thead><tr><th scope="col">\(t("Order", "Порядок"))</th><th scope="col">\(t("Fills", "Заполняет"))</th><th scope="col">\(t("Label (Russian)", "Подпись (рус.)"))</th><th scope="col">\(t("Label (English)", "Подпись (англ.)"))</th><th scope="col">\(t("Input", "Ввод"))</th><th scope="col">\(t("Required", "Обязательное"))</th></tr></thead><tbody>\(rows)</tbody></table>
                <p class="hint">\(t("Choose “—” to remove a field; save to get three more empty rows.", "Выберите «—», чтобы убрать поле; после сохранения появятся ещё три пустые строки."))</p>
                \(Form.textarea(t("Consent text (a checkbox the visitor must tick)", "Текст согласия (галочка, которую нужно отметить)"), "consentText", value: form?.consentText, errors: errors))
                </section>
                <section class="card"><h2>\(t("What a submission creates", "Что создаёт заявка"))</h2>
                \(Form.checkbox(t("Create a deal", "Создавать сделку"), "createsDeal", checked: form?.createsDeal ?? false))
                <div class="grid2">\(Form.select(t("Pipeline", "Воронка"), "pipelineId", options: pipelines.map { ($0.id.rawValue, $0.name) }, selected: form?.pipelineID?.rawValue, errors: errors, blank: "—"))
                \(Form.select(t("Stage", "Этап"), "stageId", options: stageOptions, selected: form?.stageID?.rawValue, errors: errors, blank: t("first open stage", "первый открытый этап")))</div>
                \(Form.checkbox(t("Create a task", "Создавать задачу"), "createsTask", checked: form?.createsTask ?? false))
                <fieldset><legend>\(t("Owners, in turn (round robin)", "Ответственные по очереди"))</legend>\(owners)</fieldset>
                </section>
                <section class="card"><h2>\(t("After sending", "После отправки"))</h2>
                \(Form.textarea(t("Thank-you text", "Текст благодарности"), "thankYouText", value: form?.thankYouText, errors: errors))
                \(Form.field(t("Or send the visitor to", "Или перенаправить на"), "redirectUrl", value: form?.redirectURL, errors: errors, type: "url"))
                \(saved == nil ? .empty : Form.checkbox(t("Active (accepts submissions)", "Активна (принимает заявки)"), "active", checked: form?.isActive ?? true))
                <button class="primary" type="submit">\(saved == nil ? t("Create form", "Создать форму") : t("Save", "Сохранить"))</button>
                </section></form>
                \(submissionsHTML)
                """)
    }

    static func targetLabel(_ target: String, _ t: Lang) -> String {
        switch target {
        case "contact.fullName": t("Contact: full name", "Контакт: ФИО")
        case "contact.lastName": t("Contact: last name", "Контакт: фамилия")
        case "contact.firstName": t("Contact: first name", "Контакт: имя")
        case "contact.middleName": t("Contact: middle name", "Контакт: отчество")
        case "contact.phone": t("Contact: phone", "Контакт: телефон")
        case "contact.email": t("Contact: e-mail", "Контакт: e-mail")
        case "contact.position": t("Contact: position", "Контакт: должность")
        case "contact.city": t("Contact: city", "Контакт: город")
        case "contact.address": t("Contact: address", "Контакт: адрес")
        case "contact.comment": t("Message (logged on the contact)", "Сообщение (в историю контакта)")
        case "company.name": t("Company: name", "Компания: название")
        case "company.inn": t("Company: INN", "Компания: ИНН")
        case "deal.title": t("Deal: title", "Сделка: название")
        case "deal.amount": t("Deal: amount", "Сделка: сумма")
        default: target
        }
    }
}

extension WebURL {
    static let newForm = WebURL("/settings/forms/new")
    static func form(_ id: WebForm.ID) -> WebURL { WebURL("/settings/forms/\(id.rawValue)") }
}
