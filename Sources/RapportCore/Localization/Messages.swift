/// Every text Rapport shows about an error, in Russian and English. Keys are the stable codes, so a
/// missing translation is a compile-time-visible gap in one file, not a string scattered in handlers.
public enum Messages {
    /// The sentence explaining one refused field.
    public static func text(for issue: FieldIssue, locale: AppLocale) -> String {
        let p = issue.parameters
        switch (issue.code, locale) {
        case (.required, .ru): return "Обязательное поле."
        case (.required, .en): return "This field is required."
        case (.tooLong, .ru): return "Слишком длинное значение (не больше \(p["max"] ?? "?") символов)."
        case (.tooLong, .en): return "Too long (at most \(p["max"] ?? "?") characters)."
        case (.invalidFormat, .ru): return "Неверный формат."
        case (.invalidFormat, .en): return "Invalid format."
        case (.invalidEmail, .ru): return "Это не похоже на адрес электронной почты."
        case (.invalidEmail, .en): return "This is not a valid e-mail address."
        case (.invalidPhone, .ru): return "Не удалось распознать номер телефона."
        case (.invalidPhone, .en): return "The phone number could not be recognized."
        case (.invalidINN, .ru): return "Неверный ИНН: нужно 10 или 12 цифр с правильной контрольной суммой."
        case (.invalidINN, .en): return "Invalid INN: 10 or 12 digits with a valid checksum are required."
        case (.invalidKPP, .ru): return "Неверный КПП: нужно 9 символов (у ИП КПП нет)."
        case (.invalidKPP, .en): return "Invalid KPP: 9 characters are required (sole traders have none)."
        case (.invalidDate, .ru): return "Неверная дата, ожидается ГГГГ-ММ-ДД."
        case (.invalidDate, .en): return "Invalid date, expected YYYY-MM-DD."
        case (.invalidURL, .ru): return "Неверная ссылка."
        case (.invalidURL, .en): return "Invalid URL."
        case (.invalidOption, .ru):
            return p["options"].map { "Недопустимое значение. Допустимые: \($0)." } ?? "Недопустимое значение."
        case (.invalidOption, .en):
            return p["options"].map { "Not an allowed value. Allowed: \($0)." } ?? "Not an allowed value."
        case (.invalidCurrency, .ru):
            return p["expected"].map { "Нужна валюта рабочего пространства: \($0)." }
                ?? "Неверный код валюты (ожидается ISO 4217, например RUB)."
        case (.invalidCurrency, .en):
            return p["expected"].map { "Use the workspace currency: \($0)." } ?? "Invalid currency code (ISO 4217 expected, e.g. RUB)."
        case (.invalidAmount, .ru):
            return p["expected"].map { "Сумма не сходится со строками заказа: должно быть \($0)." }
                ?? "Неверная сумма: целое число копеек и код валюты."
        case (.invalidAmount, .en):
            return p["expected"].map { "The total does not match the order lines: it should be \($0)." }
                ?? "Invalid amount: an integer of minor units and a currency code."
        case (.outOfRange, .ru): return "Значение вне допустимого диапазона\(range(p, .ru))."
        case (.outOfRange, .en): return "Value out of range\(range(p, .en))."
        case (.unknownReference, .ru): return "Запись не найдена."
        case (.unknownReference, .en): return "No such record."
        case (.unknownField, .ru): return "Неизвестное поле."
        case (.unknownField, .en): return "Unknown field."
        case (.duplicate, .ru): return "Такое значение уже есть."
        case (.duplicate, .en): return "This value is already taken."
        case (.wrongType, .ru): return "Неверный тип значения\(p["expected"].map { " (ожидается \($0))" } ?? "")."
        case (.wrongType, .en): return "Wrong value type\(p["expected"].map { " (expected \($0))" } ?? "")."
        case (.reasonRequired, .ru): return "Укажите причину проигрыша."
        case (.reasonRequired, .en): return "Give the reason the deal was lost."
        case (.notInPipeline, .ru): return "Этап не принадлежит воронке сделки."
        case (.notInPipeline, .en): return "The stage does not belong to the deal's pipeline."
        case (.tooWeak, .ru): return "Пароль слишком короткий (не меньше \(p["min"] ?? "8") символов)."
        case (.tooWeak, .en): return "The password is too short (at least \(p["min"] ?? "8") characters)."
        case (.privateAddress, .ru):
            return "Адрес ведёт в локальную или частную сеть; разрешить такие может только владелец или администратор."
        case (.privateAddress, .en): return "The address is on a loopback or private network; only an owner or admin may allow that."
        case (.fileTooLarge, .ru): return "Файл слишком большой (не больше \(p["max"] ?? "?") МБ)."
        case (.fileTooLarge, .en): return "The file is too large (at most \(p["max"] ?? "?") MB)."
        }
    }

    private static func range(_ p: [String: String], _ locale: AppLocale) -> String {
        switch (p["min"], p["max"], locale) {
        case let (min?, max?, .ru): return ": от \(min) до \(max)"
        case let (min?, max?, .en): return ": \(min) to \(max)"
        case let (nil, max?, .ru): return ": не больше \(max)"
        case let (nil, max?, .en): return ": at most \(max)"
        case let (min?, nil, .ru): return ": не меньше \(min)"
        case let (min?, nil, .en): return ": at least \(min)"
        default: return ""
        }
    }

    /// The title of a problem response, by its stable code.
    public static func title(for problem: ProblemCode, locale: AppLocale) -> String {
        switch (problem, locale) {
        case (.validationFailed, .ru): return "Проверьте заполнение полей."
        case (.validationFailed, .en): return "Some fields are invalid."
        case (.malformedRequest, .ru): return "Запрос не удалось разобрать."
        case (.malformedRequest, .en): return "The request could not be parsed."
        case (.notFound, .ru): return "Запись не найдена."
        case (.notFound, .en): return "Not found."
        case (.forbidden, .ru): return "Недостаточно прав."
        case (.forbidden, .en): return "You are not allowed to do this."
        case (.unauthenticated, .ru): return "Требуется вход."
        case (.unauthenticated, .en): return "Sign-in required."
        case (.invalidCredentials, .ru): return "Неверный e-mail или пароль."
        case (.invalidCredentials, .en): return "Wrong e-mail or password."
        case (.rateLimited, .ru): return "Слишком много попыток. Попробуйте позже."
        case (.rateLimited, .en): return "Too many attempts. Try again later."
        case (.csrfFailed, .ru): return "Сессия устарела: обновите страницу."
        case (.csrfFailed, .en): return "The page is out of date: reload it."
        case (.versionConflict, .ru): return "Запись уже изменил кто-то другой. Обновите и повторите."
        case (.versionConflict, .en): return "Someone else changed this record. Reload and try again."
        case (.inTrash, .ru): return "Запись в корзине. Сначала восстановите её."
        case (.inTrash, .en): return "The record is in the trash. Restore it first."
        case (.notInTrash, .ru): return "Запись не в корзине."
        case (.notInTrash, .en): return "The record is not in the trash."
        case (.alreadyExists, .ru): return "Такая запись уже есть."
        case (.alreadyExists, .en): return "Such a record already exists."
        case (.idempotencyKeyReused, .ru): return "Ключ идемпотентности уже использован для другого запроса."
        case (.idempotencyKeyReused, .en): return "The Idempotency-Key was already used for a different request."
        case (.idempotencyInProgress, .ru): return "Запрос с этим ключом ещё выполняется."
        case (.idempotencyInProgress, .en): return "A request with this Idempotency-Key is still in progress."
        case (.methodNotAllowed, .ru): return "Метод не поддерживается."
        case (.methodNotAllowed, .en): return "Method not allowed."
        case (.payloadTooLarge, .ru): return "Слишком большой запрос."
        case (.payloadTooLarge, .en): return "The request is too large."
        case (.internalError, .ru): return "Внутренняя ошибка. Сообщите администратору номер запроса."
        case (.internalError, .en): return "Internal error. Give the request id to your administrator."
        case (.unavailable, .ru): return "Сервис временно недоступен."
        case (.unavailable, .en): return "Service temporarily unavailable."
        }
    }
}

/// Stable problem codes of the API (the `code` member of every problem+json body).
public enum ProblemCode: String, Sendable, Codable, CaseIterable {
    case validationFailed = "validation_failed"
    case malformedRequest = "malformed_request"
    case notFound = "not_found"
    case forbidden
    case unauthenticated
    case invalidCredentials = "invalid_credentials"
    case rateLimited = "rate_limited"
    case csrfFailed = "csrf_failed"
    case versionConflict = "version_conflict"
    case inTrash = "in_trash"
    case notInTrash = "not_in_trash"
    case alreadyExists = "already_exists"
    case idempotencyKeyReused = "idempotency_key_reused"
    case idempotencyInProgress = "idempotency_in_progress"
    case methodNotAllowed = "method_not_allowed"
    case payloadTooLarge = "payload_too_large"
    case internalError = "internal_error"
    case unavailable

    /// The HTTP status code of the problem.
    public var status: Int {
        switch self {
        case .validationFailed, .idempotencyKeyReused: 422
        case .malformedRequest: 400
        case .notFound: 404
        case .forbidden, .csrfFailed: 403
        case .unauthenticated, .invalidCredentials: 401
        case .rateLimited: 429
        case .versionConflict, .inTrash, .notInTrash, .alreadyExists, .idempotencyInProgress: 409
        case .methodNotAllowed: 405
        case .payloadTooLarge: 413
        case .internalError: 500
        case .unavailable: 503
        }
    }
}
