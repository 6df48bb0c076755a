import Foundation

/// Why one input field was refused. The code is stable (clients may switch on it); the text shown to a
/// person comes from ``Messages`` in the request's language.
public struct FieldIssue: Hashable, Sendable, Codable {
    /// The field path as the client sent it: `email`, `phones[1].number`, `customFields.budget`.
    public var field: String
    /// The reason.
    public var code: Code
    /// Extra values the message needs (a maximum length, the allowed options).
    public var parameters: [String: String]

    /// Makes an issue.
    public init(_ field: String, _ code: Code, _ parameters: [String: String] = [:]) {
        self.field = field
        self.code = code
        self.parameters = parameters
    }

    /// The stable reasons an input field can be refused.
    public enum Code: String, Sendable, Codable, CaseIterable {
        case required
        case tooLong = "too_long"
        case invalidFormat = "invalid_format"
        case invalidEmail = "invalid_email"
        case invalidPhone = "invalid_phone"
        case invalidINN = "invalid_inn"
        case invalidKPP = "invalid_kpp"
        case invalidDate = "invalid_date"
        case invalidURL = "invalid_url"
        case invalidOption = "invalid_option"
        case invalidCurrency = "invalid_currency"
        case invalidAmount = "invalid_amount"
        case outOfRange = "out_of_range"
        case unknownReference = "unknown_reference"
        case unknownField = "unknown_field"
        case duplicate
        case wrongType = "wrong_type"
        case reasonRequired = "reason_required"
        case notInPipeline = "not_in_pipeline"
        case tooWeak = "too_weak"
        case privateAddress = "private_address"
        case fileTooLarge = "file_too_large"
    }
}

/// Collects field issues while a rule checks a record, so one response names every bad field at once.
public struct FieldIssues: Sendable {
    /// The issues found so far, in the order they were found.
    public private(set) var all: [FieldIssue] = []

    /// An empty collection.
    public init() {}

    /// Records one issue.
    public mutating func add(_ field: String, _ code: FieldIssue.Code, _ parameters: [String: String] = [:]) {
        all.append(FieldIssue(field, code, parameters))
    }

    /// Records several issues.
    public mutating func add(contentsOf issues: [FieldIssue]) { all.append(contentsOf: issues) }

    /// Checks that a required text is present and not blank.
    public mutating func require(_ value: String?, _ field: String) {
        if value?.trimmed.isEmpty ?? true { add(field, .required) }
    }

    /// Checks a maximum length in characters.
    public mutating func limit(_ value: String?, _ field: String, to maximum: Int) {
        if let value, value.count > maximum { add(field, .tooLong, ["max": String(maximum)]) }
    }

    /// Throws ``ValidationError`` if anything was recorded.
    public func throwIfAny() throws(ValidationError) {
        if !all.isEmpty { throw ValidationError(issues: all) }
    }
}

/// A request or record that breaks field rules; maps to 422 with one entry per field.
public struct ValidationError: Error, Hashable, Sendable {
    /// Every refused field.
    public var issues: [FieldIssue]
    /// Makes an error from its issues.
    public init(issues: [FieldIssue]) { self.issues = issues }
    /// One issue.
    public init(_ field: String, _ code: FieldIssue.Code, _ parameters: [String: String] = [:]) {
        self.issues = [FieldIssue(field, code, parameters)]
    }
}

extension String {
    /// Trimmed, with nil for blank: the canonical form of an optional text field.
    public var trimmedOrNil: String? {
        let trimmed = self.trimmed
        return trimmed.isEmpty ? nil : trimmed
    }

    /// Without leading and trailing white space and line breaks: what `trimmingCharacters(in:
    /// .whitespacesAndNewlines)` gives, without Foundation's trip through NSString, which
    /// was a tenth of an import's time.
    public var trimmed: String {
        func isSpace(_ scalar: Unicode.Scalar) -> Bool {
            // Foundation's set is White_Space plus the zero-width space (U+200B), which pasted text often carries.
            scalar.value < 0x80
                ? scalar.value == 0x20 || (0x09...0x0D).contains(scalar.value) : scalar.properties.isWhitespace || scalar.value == 0x200B
        }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }), let last = scalars.lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        if first == scalars.startIndex && scalars.index(after: last) == scalars.endIndex { return self }
        return String(scalars[first...last])
    }
}

extension Optional where Wrapped == String {
    /// Trimmed, with nil for blank.
    public var trimmedOrNil: String? { self?.trimmedOrNil }
}
