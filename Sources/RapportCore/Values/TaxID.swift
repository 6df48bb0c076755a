import Foundation

/// Russian tax identifiers of companies and sole traders: INN and KPP.
public enum TaxID {
    /// What an INN identifies, told by its length.
    public enum INNKind: Sendable {
        /// A legal entity: 10 digits.
        case organisation
        /// A natural person, including a sole trader (ИП): 12 digits.
        case individual
    }

    /// Russian INN: 10 digits (organisation) or 12 (individual) with checksums.
    ///
    /// Surrounding whitespace is ignored. An INN of zeros passes the checksum arithmetically but is a
    /// placeholder, never a real number, so it is refused.
    /// - Parameter s: the INN as typed.
    /// - Returns: whether it is a well-formed INN whose check digits match.
    public static func isValidINN(_ s: String) -> Bool {
        innKind(s) != nil
    }

    /// KPP: 9 characters: 4 digits (tax office), 2 chars [0-9A-Z] (reason), 3 digits.
    ///
    /// Surrounding whitespace is ignored. The reason characters must be uppercase Latin letters or
    /// digits, as the tax service issues them.
    /// - Parameter s: the KPP as typed.
    /// - Returns: whether it has the KPP shape.
    public static func isValidKPP(_ s: String) -> Bool {
        let characters = Array(s.trimmed)
        guard characters.count == 9 else { return false }
        let isDigit: (Character) -> Bool = { $0.isASCII && $0.isNumber }
        let isReason: (Character) -> Bool = { isDigit($0) || ($0.isASCII && $0.isUppercase) }
        return characters[0..<4].allSatisfy(isDigit) && characters[4..<6].allSatisfy(isReason)
            && characters[6..<9].allSatisfy(isDigit)
    }

    /// The kind of a valid INN.
    /// - Parameter s: the INN as typed; surrounding whitespace is ignored.
    /// - Returns: the kind, or `nil` if `s` is not a valid INN.
    public static func innKind(_ s: String) -> INNKind? {
        let text = s.trimmed
        guard text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let digits = text.compactMap(\.wholeNumberValue)
        guard digits.contains(where: { $0 != 0 }) else { return nil }
        switch digits.count {
        case 10:
            return checkDigit(digits, weights: organisationWeights) == digits[9] ? .organisation : nil
        case 12:
            let valid =
                checkDigit(digits, weights: individualWeights11) == digits[10]
                && checkDigit(digits, weights: individualWeights12) == digits[11]
            return valid ? .individual : nil
        default:
            return nil
        }
    }

    // The official weights (Приказ ФНС) for the check digits.
    private static let organisationWeights = [2, 4, 10, 3, 5, 9, 4, 6, 8]
    private static let individualWeights11 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]
    private static let individualWeights12 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]

    /// The check digit over the leading `weights.count` digits: weighted sum mod 11, then mod 10.
    private static func checkDigit(_ digits: [Int], weights: [Int]) -> Int {
        zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 } % 11 % 10
    }
}
