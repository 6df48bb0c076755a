import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RapportCore
import RapportStore

/// The public side of web forms, with no session: the hosted page (`/f/{key}`), its post, the thank-you
/// page and the embed script. These pages may be framed by any site (the embed is an iframe), so they
/// carry their own security headers instead of the UI's `frame-ancestors 'none'`. No CSRF token is
/// possible for a cross-site form; a honeypot field and a per-address rate limit keep bots out.
func registerPublicForms(on router: Router<AppRequestContext>, store: Store) {
    let group = router.group("f").add(middleware: PublicFormHeaders()).add(middleware: WebErrorMiddleware())
    group.get("{key}") { request, context in
        let key = context.parameters.get("key") ?? ""
        let (form, workspace) = try await store.forms.published(key: key)
        let query = FormData.query(request)
        let locale = PublicForm.locale(request, query: query, workspace: workspace)
        var hidden: [String: String] = [:]
        for name in PublicForm.utmNames { if let value = query.text(name) { hidden[name] = value } }
        hidden["landing_page"] = query.text("landing") ?? PublicForm.absolute(request)
        hidden["referrer"] = query.text("referrer") ?? request.headers[.referer]
        return WebResponse.html(PublicForm.page(form, key: key, locale: locale, values: hidden, errors: FormErrors()))
    }
    group.post("{key}") { request, context in
        let key = context.parameters.get("key") ?? ""
        let form = try await FormData.readPublic(request)
        let (published, workspace) = try await store.forms.published(key: key)
        let locale = AppLocale(rawValue: form["lang"] ?? "") ?? PublicForm.locale(request, query: form, workspace: workspace)
        var values: [String: String] = [:]
        for pair in form.pairs where values[pair.name] == nil { values[pair.name] = pair.value }
        let post = FormPost(
            values: values, landingPage: form.text("landing_page"), referrer: form.text("referrer"), clientAddress: context.clientAddress)
        do {
            let (saved, _) = try await FormAPI.submit(store, key: key, post)
            if let redirect = saved.redirectURL {
                return Response(status: .seeOther, headers: [.location: redirect])
            }
            return Response(status: .seeOther, headers: [.location: WebURL.publicForm(key: key, "thanks", locale: locale).path])
        } catch let error as ValidationError {
            return WebResponse.html(
                PublicForm.page(published, key: key, locale: locale, values: values, errors: FormErrors(error, locale: locale)),
                status: .unprocessableContent)
        }
    }
    group.get("{key}/thanks") { request, context in
        let (form, workspace) = try await store.forms.published(key: context.parameters.get("key") ?? "")
        let locale = PublicForm.locale(request, query: FormData.query(request), workspace: workspace)
        let t = Lang(locale: locale)
        let text = form.thankYouText ?? t("Thank you! We will be in touch soon.", "Спасибо! Мы скоро свяжемся с вами.")
        return WebResponse.html(
            PublicForm.frame(locale: locale, title: form.name, body: "<main class=\"narrow card\" role=\"status\"><p>\(text)</p></main>"))
    }
    group.get("{key}/embed.js") { request, context in
        let key = context.parameters.get("key") ?? ""
        _ = try await store.forms.published(key: key)
        return Response(
            status: .ok, headers: [.contentType: "application/javascript; charset=utf-8", .cacheControl: "public, max-age=300"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: PublicForm.embedScript(origin: PublicForm.origin(request), key: key))))
    }
}

/// Headers of the public form pages: no inline script or style, framing allowed from anywhere, posts to
/// this server (and the redirect after one) allowed.
struct PublicFormHeaders: RouterMiddleware {
    typealias Context = AppRequestContext

    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self' https: http:; "
        + "frame-ancestors *; base-uri 'none'; object-src 'none'"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "strict-origin-when-cross-origin"
        return response
    }
}

/// The hosted form's markup and the embed script.
enum PublicForm {
    static let utmNames = ["utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term"]

    /// `?lang=`, else the browser's language, else the workspace's.
    static func locale(_ request: Request, query: FormData, workspace: Workspace) -> AppLocale {
        if let lang = query.text("lang").flatMap(AppLocale.init(rawValue:)) { return lang }
        return AppLocale.negotiate(acceptLanguage: request.headers[.acceptLanguage], fallback: workspace.locale)
    }

    /// This server's origin as the client reached it.
    static func origin(_ request: Request) -> String {
        let host = request.head.authority ?? "localhost"
        let proto = request.headers[.forwardedProto] ?? request.head.scheme ?? "http"
        return "\(proto == "https" ? "https" : "http")://\(host)"
    }

    /// The request's address as the client reached it.
    static func absolute(_ request: Request) -> String { origin(request) + request.uri.description }

    static func frame(locale: AppLocale, title: String, body: HTML) -> HTML {
        """
        \(Layout.head(locale: locale, title: title, csrf: nil))<body class="bare public-form">
        \(body)
        </body></html>
        """
    }

    static func page(_ form: WebForm, key: String, locale: AppLocale, values: [String: String], errors: FormErrors) -> HTML {
        let t = Lang(locale: locale)
        let fields: [HTML] = form.fields.map { field in
            let label = field.label(locale)
            switch field.type {
            case .textarea:
                return Form.textarea(label + (field.required ? " *" : ""), field.target, value: values[field.target], errors: errors)
            case .checkbox:
                return Form.checkbox(label, field.target, checked: values[field.target] != nil)
            case .number, .email, .tel, .text:
                return Form.field(
                    label, field.target, value: values[field.target], errors: errors, type: field.type.rawValue, required: field.required)
            }
        }
        let hidden: [HTML] = (utmNames + ["landing_page", "referrer"]).compactMap { name in
            values[name].map { Form.hidden(name, $0) }
        }
        let consent: HTML =
            form.consentText.map { text in
                let messages = errors.forField(WebFormRules.consentField)
                return """
                    \(Form.checkbox(text, WebFormRules.consentField, checked: values[WebFormRules.consentField] != nil))
                    \(messages.isEmpty ? .empty : "<span class=\"field-error\">\(messages.joined(separator: " "))</span>" as HTML)
                    """
            } ?? .empty
        return frame(
            locale: locale, title: form.name,
            body: """
                <main class="narrow card"><h1>\(form.name)</h1>
                \(Form.summary(errors, t))
                <form method="post" action="\(WebURL.publicForm(key: key))">
                \(Form.hidden("lang", locale.rawValue))\(hidden)
                \(fields)
                <div hidden><label for="f-\(WebFormRules.honeypotField)">Website</label><input id="f-\(WebFormRules.honeypotField)" name="\(WebFormRules.honeypotField)" type="text" tabindex="-1" autocomplete="off"></div>
                \(consent)
                <button class="primary" type="submit">\(t("Send", "Отправить"))</button>
                </form></main>
                """)
    }

    /// The script a site includes where the form should appear: it puts an iframe of the hosted page there,
    /// passing the page's `utm_*`, its address and its referrer, so the lead is attributed to the campaign.
    static func embedScript(origin: String, key: String) -> String {
        let base = jsString(origin + WebURL.publicForm(key: key).path)
        return """
            (function () {
              var script = document.currentScript;
              var params = new URLSearchParams(window.location.search);
              var query = new URLSearchParams();
              ["utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term"].forEach(function (name) {
                var value = params.get(name);
                if (value) { query.set(name, value); }
              });
              query.set("landing", window.location.href);
              if (document.referrer) { query.set("referrer", document.referrer); }
              var lang = (script && script.getAttribute("data-lang")) || "";
              if (lang) { query.set("lang", lang); }
              var frame = document.createElement("iframe");
              frame.src = \(base) + "?" + query.toString();
              frame.title = (script && script.getAttribute("data-title")) || "Form";
              frame.style.width = "100%";
              frame.style.border = "0";
              frame.style.minHeight = ((script && script.getAttribute("data-height")) || "640") + "px";
              var target = script && script.getAttribute("data-target") ? document.querySelector(script.getAttribute("data-target")) : null;
              if (target) { target.appendChild(frame); } else if (script && script.parentNode) { script.parentNode.insertBefore(frame, script.nextSibling); }
            })();

            """
    }

    /// A JavaScript string literal.
    static func jsString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "<": out += "\\u003c"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}

extension WebURL {
    /// A form's public page (`/f/<key>`), or one of its parts: `thanks`, `embed.js`.
    static func publicForm(key: String, _ part: String? = nil, locale: AppLocale? = nil) -> WebURL {
        WebURL("/f/\(encode(key))" + (part.map { "/" + $0 } ?? ""), [("lang", locale?.rawValue)])
    }
}
