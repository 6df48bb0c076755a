import Foundation
import RapportCore

/// The refused fields of a form, as messages in the reader's language, keyed by field path.
struct FormErrors: Sendable {
    private(set) var messages: [String: [String]] = [:]

    init() {}

    init(_ error: ValidationError, locale: AppLocale) {
        for issue in error.issues { messages[issue.field, default: []].append(Messages.text(for: issue, locale: locale)) }
    }

    var isEmpty: Bool { messages.isEmpty }

    /// Messages for a field and its members (`phones` also takes `phones[0].number`).
    func forField(_ name: String) -> [String] {
        messages.filter { $0.key == name || $0.key.hasPrefix(name + "[") || $0.key.hasPrefix(name + ".") }
            .sorted { $0.key < $1.key }.flatMap(\.value)
    }

    /// Adds a message (for fields the form itself checks).
    mutating func add(_ field: String, _ message: String) { messages[field, default: []].append(message) }

    /// Every message, for the summary at the top of a form.
    var all: [String] { messages.sorted { $0.key < $1.key }.flatMap(\.value) }
}

/// Form controls: each with its label, its current value and its errors, linked for screen readers.
enum Form {
    static func csrf(_ viewer: Viewer) -> HTML { "<input type=\"hidden\" name=\"_csrf\" value=\"\(viewer.csrfToken)\">" }

    /// The summary of a refused form.
    static func summary(_ errors: FormErrors, _ t: Lang) -> HTML {
        guard !errors.isEmpty else { return .empty }
        return """
            <div class="form-errors" role="alert" tabindex="-1"><p>\(t("Please correct the highlighted fields:", "Исправьте отмеченные поля:"))</p>
            <ul>\(errors.all.map { "<li>\($0)</li>" as HTML })</ul></div>
            """
    }

    static func messages(_ name: String, _ errors: FormErrors) -> (attributes: HTML, html: HTML) {
        let list = errors.forField(name)
        guard !list.isEmpty else { return (.empty, .empty) }
        let id = "err-\(name.filter { $0.isLetter || $0.isNumber })"
        return (
            " aria-invalid=\"true\" aria-describedby=\"\(id)\"",
            "<span class=\"field-error\" id=\"\(id)\">\(list.joined(separator: " "))</span>"
        )
    }

    static func field(
        _ label: String, _ name: String, value: String?, errors: FormErrors = FormErrors(), type: String = "text",
        required: Bool = false, hint: String? = nil, attributes: HTML = .empty
    ) -> HTML {
        let (aria, message) = messages(name, errors)
        return """
            <div class="field"><label for="f-\(name)">\(label)\(if: required, " <span class=\"req\" aria-hidden=\"true\">*</span>")</label>
            <input id="f-\(name)" name="\(name)" type="\(type)" value="\(value ?? "")"\(if: required, " required")\(aria)\(attributes)>
            \(hint.map { "<span class=\"hint\">\($0)</span>" as HTML })\(message)</div>
            """
    }

    static func textarea(
        _ label: String, _ name: String, value: String?, errors: FormErrors = FormErrors(), rows: Int = 3, hint: String? = nil
    ) -> HTML {
        let (aria, message) = messages(name, errors)
        return """
            <div class="field"><label for="f-\(name)">\(label)</label>
            <textarea id="f-\(name)" name="\(name)" rows="\(rows)"\(aria)>\(value ?? "")</textarea>
            \(hint.map { "<span class=\"hint\">\($0)</span>" as HTML })\(message)</div>
            """
    }

    static func select(
        _ label: String, _ name: String, options: [(value: String, text: String)], selected: String?,
        errors: FormErrors = FormErrors(), blank: String? = nil, required: Bool = false, attributes: HTML = .empty
    ) -> HTML {
        let (aria, message) = messages(name, errors)
        return """
            <div class="field"><label for="f-\(name)">\(label)\(if: required, " <span class=\"req\" aria-hidden=\"true\">*</span>")</label>
            <select id="f-\(name)" name="\(name)"\(aria)\(attributes)>\(options: options, selected: selected, blank: blank)</select>\(message)</div>
            """
    }

    static func checkbox(_ label: String, _ name: String, checked: Bool, id: String? = nil) -> HTML {
        let id = id ?? "f-\(name)"
        return
            "<div class=\"field check\"><input id=\"\(id)\" type=\"checkbox\" name=\"\(name)\" value=\"1\"\(if: checked, " checked")><label for=\"\(id)\">\(label)</label></div>"
    }

    static func hidden(_ name: String, _ value: String?) -> HTML {
        guard let value else { return .empty }
        return "<input type=\"hidden\" name=\"\(name)\" value=\"\(value)\">"
    }
}

extension HTML.Interpolation {
    /// `<option>`s with one selected.
    mutating func appendInterpolation(options: [(value: String, text: String)], selected: String?, blank: String?) {
        if let blank { appendInterpolation("<option value=\"\">\(blank)</option>" as HTML) }
        for option in options {
            appendInterpolation(
                "<option value=\"\(option.value)\"\(if: option.value == selected, " selected")>\(option.text)</option>" as HTML)
        }
    }
}

/// Small pieces of pages.
enum Parts {
    /// A coloured chip for readiness.
    static func readiness(_ value: Readiness?, _ t: Lang) -> HTML {
        guard let value else { return .empty }
        return "<span class=\"chip \(value.rawValue)\">\(t.label(value))</span>"
    }

    static func tags(_ tags: [String]) -> HTML {
        HTML.join(tags.map { "<span class=\"tag\">\($0)</span>" as HTML }, separator: " ")
    }

    /// A link that is only followed for web addresses (never `javascript:`).
    static func externalLink(_ text: String) -> HTML {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            return "\(text)"
        }
        return "<a href=\"\(text)\" rel=\"noopener noreferrer\" target=\"_blank\">\(text)</a>"
    }

    static func phoneLink(_ phone: Phone, _ t: Lang) -> HTML {
        let target = phone.number.e164 ?? phone.number.raw.filter { $0.isNumber || $0 == "+" }
        return
            "<a class=\"phone\" href=\"tel:\(target)\">\(Icon.phone)\(phone.number.display)</a> <span class=\"muted\">\(t.label(phone.kind))</span>"
    }

    static func emailLink(_ email: Email, _ t: Lang) -> HTML {
        "<a href=\"mailto:\(email.address)\">\(Icon.mail)\(email.address)</a> <span class=\"muted\">\(t.label(email.kind))</span>"
    }

    /// "Show more" by cursor.
    static func nextPage(_ cursor: String?, base: FormData, path: String, _ t: Lang) -> HTML {
        guard let cursor else { return .empty }
        var query = base.pairs.filter { $0.name != "cursor" }.map { ($0.name, Optional($0.value)) }
        query.append(("cursor", cursor))
        return
            "<p class=\"pager\"><a class=\"button\" rel=\"next\" href=\"\(WebURL(path, query))\">\(t("Next page", "Следующая страница")) →</a></p>"
    }

    static func empty(_ text: String) -> HTML { "<p class=\"empty\">\(text)</p>" }
}
