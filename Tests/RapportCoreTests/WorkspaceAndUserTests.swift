import Foundation
import RapportCore
import Testing

@Suite("Workspace and user rules")
struct WorkspaceAndUserTests {
    // MARK: - User.validate

    @Test("A valid new user")
    func validUser() {
        #expect(User.validate(email: " Anna@Example.RU ", name: "Анна", password: "correct horse").isEmpty)
        // The password is checked only when given.
        #expect(User.validate(email: "anna@example.ru", name: "Анна", password: nil).isEmpty)
    }

    @Test("Name is required and at most 200 characters")
    func userName() {
        #expect(User.validate(email: "a@example.ru", name: nil, password: nil) == [FieldIssue("name", .required)])
        #expect(User.validate(email: "a@example.ru", name: "  ", password: nil) == [FieldIssue("name", .required)])
        #expect(
            User.validate(email: "a@example.ru", name: String(repeating: "и", count: 201), password: nil) == [
                FieldIssue("name", .tooLong, ["max": "200"])
            ])
        #expect(User.validate(email: "a@example.ru", name: String(repeating: "и", count: 200), password: nil).isEmpty)
    }

    @Test(
        "E-mail is required and must be valid",
        arguments: [
            (nil, FieldIssue.Code.required), ("", .required), ("   ", .required), ("anna", .invalidEmail),
            ("anna@", .invalidEmail), ("Анна <anna@example.ru>", .invalidEmail),
        ] as [(String?, FieldIssue.Code)])
    func userEmail(_ email: String?, _ code: FieldIssue.Code) {
        #expect(User.validate(email: email, name: "Анна", password: nil) == [FieldIssue("email", code)])
    }

    @Test("Every issue at once")
    func userAllIssues() {
        #expect(
            User.validate(email: "bad", name: "", password: "short") == [
                FieldIssue("name", .required), FieldIssue("email", .invalidEmail), FieldIssue("password", .tooWeak, ["min": "8"]),
            ])
    }

    // MARK: - Passwords

    @Test(
        "Password length: at least 8 characters, at most 72 bytes",
        arguments: [
            ("", FieldIssue.Code?.some(.tooWeak)), ("1234567", .tooWeak), ("12345678", nil),
            (String(repeating: "p", count: 72), nil), (String(repeating: "p", count: 73), .tooLong),
            // Cyrillic letters take two bytes: 36 fit, 37 do not.
            (String(repeating: "ж", count: 36), nil), (String(repeating: "ж", count: 37), .tooLong),
            // Length is counted in characters for the minimum.
            (String(repeating: "ж", count: 7), .tooWeak), ("пароль12", nil),
        ] as [(String, FieldIssue.Code?)])
    func password(_ password: String, _ code: FieldIssue.Code?) {
        let issues = User.validatePassword(password, field: "newPassword")
        switch code {
        case nil: #expect(issues.isEmpty)
        case .tooWeak?: #expect(issues == [FieldIssue("newPassword", .tooWeak, ["min": "8"])])
        case let other?: #expect(issues == [FieldIssue("newPassword", other, ["max": "72"])])
        }
    }

    // MARK: - Workspace.validate

    @Test("Workspace settings")
    func workspace() {
        #expect(Workspace.validate(name: "ООО «Ромашка»", timeZone: "Europe/Moscow").isEmpty)
        #expect(Workspace.validate(name: "Acme", timeZone: nil).isEmpty)
        #expect(Workspace.validate(name: "Acme", timeZone: "Asia/Almaty").isEmpty)
        #expect(Workspace.validate(name: nil, timeZone: nil) == [FieldIssue("name", .required)])
        #expect(Workspace.validate(name: " ", timeZone: nil) == [FieldIssue("name", .required)])
        #expect(
            Workspace.validate(name: String(repeating: "w", count: 201), timeZone: nil) == [
                FieldIssue("name", .tooLong, ["max": "200"])
            ])
    }

    @Test("Unknown time zones are refused", arguments: ["Mars/Olympus", "Moscow", "Europe/Moskva", ""])
    func unknownTimeZone(_ zone: String) {
        #expect(Workspace.validate(name: "Acme", timeZone: zone) == [FieldIssue("timeZone", .invalidOption)])
    }

    @Test("Users and workspaces round-trip through JSON")
    func codable() throws {
        let user = User(
            id: User.ID("u-1"), workspaceID: CoreFixture.workspace, email: "a@example.ru", name: "Анна", role: .headOfSales,
            teamID: Team.ID("t-1"), isActive: true, locale: .en, createdAt: CoreFixture.now, version: 3)
        #expect(try JSONDecoder().decode(User.self, from: JSONEncoder().encode(user)) == user)
        let workspace = Workspace(
            id: CoreFixture.workspace, name: "Acme", timeZone: "Europe/Moscow", currency: .rub, locale: .ru,
            phoneRegion: .ru, createdAt: CoreFixture.now)
        #expect(try JSONDecoder().decode(Workspace.self, from: JSONEncoder().encode(workspace)) == workspace)
        let json = String(decoding: try JSONEncoder().encode(user), as: UTF8.self)
        #expect(json.contains(#""role":"head_of_sales""#))
    }
}
