import RapportCore
import Testing

@Suite("INN and KPP")
struct TaxIDTests {
    @Test(
        "Valid organisation INNs (10 digits)",
        arguments: [
            "7707083893",  // ПАО Сбербанк
            "7736050003",  // ПАО Газпром
            "7702070139",  // Банк ВТБ
            "7740000076",  // МТС
            "7728168971",  // Альфа-Банк
            "7830002293",
            "7700000070",  // weighted sum mod 11 is 10, so the check digit is 0
        ])
    func validOrganisation(_ inn: String) {
        #expect(TaxID.isValidINN(inn))
        #expect(TaxID.innKind(inn) == .organisation)
    }

    @Test(
        "Valid individual INNs (12 digits)",
        arguments: ["500100732259", "773173084809", "770712345633", "662300000112", "027400001727"])
    func validIndividual(_ inn: String) {
        #expect(TaxID.isValidINN(inn))
        #expect(TaxID.innKind(inn) == .individual)
    }

    @Test(
        "Surrounding whitespace is ignored",
        arguments: [" 7707083893", "7707083893 ", "\t7707083893\n", "\u{00A0}500100732259\u{00A0}"])
    func trimmed(_ inn: String) {
        #expect(TaxID.isValidINN(inn))
    }

    @Test(
        "Invalid INNs",
        arguments: [
            "",
            "   ",
            "7707083890",  // wrong check digit
            "7707083894",
            "7707083983",  // transposed digits
            "500100732249",  // wrong 11th digit
            "500100732258",  // wrong 12th digit
            "500100732269",
            "770708389",  // 9 digits
            "77070838933",  // 11 digits
            "5001007322591",  // 13 digits
            "0000000000",  // passes the arithmetic but is a placeholder
            "000000000000",
            "7707 083893",  // space inside
            "7707-083893",
            "77O7083893",  // letter O for zero
            "７７０７０８３８９３",  // full-width digits are not typed by tax forms
            "+7707083893",
            "-7707083893",
        ])
    func invalidINN(_ inn: String) {
        #expect(!TaxID.isValidINN(inn))
        #expect(TaxID.innKind(inn) == nil)
    }

    @Test("Every single-digit change to a valid INN is caught in the check digit")
    func checkDigitDetectsChange() {
        for inn in ["7707083893", "500100732259"] {
            let original = Array(inn)
            let last = original.count - 1
            for replacement in "0123456789" where replacement != original[last] {
                var digits = original
                digits[last] = replacement
                #expect(!TaxID.isValidINN(String(digits)), "\(String(digits))")
            }
        }
    }

    @Test(
        "Valid KPPs",
        arguments: ["773601001", "770701001", "500101001", "7736AB001", "77360Z001", " 773601001 ", "027401001"])
    func validKPP(_ kpp: String) {
        #expect(TaxID.isValidKPP(kpp))
    }

    @Test(
        "Invalid KPPs",
        arguments: [
            "",
            "77360100",  // 8 characters
            "7736010010",  // 10 characters
            "7736ab001",  // reason characters must be uppercase
            "A73601001",  // tax office must be digits
            "773601A01",  // the serial number must be digits
            "7736 1001",
            "7736-0100",
            "7736ЖЖ001",  // Cyrillic letters
            "7736ÄB001",
            "７７３６０１００１",
        ])
    func invalidKPP(_ kpp: String) {
        #expect(!TaxID.isValidKPP(kpp))
    }
}
