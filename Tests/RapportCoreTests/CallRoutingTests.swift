import RapportCore
import Testing

/// Which employee handles a call (author of the activity, owner of a new contact, assignee of the
/// call-back task), and what an extension may be.
@Suite struct CallRoutingTests {
    let integration = User.ID("integration")
    let anna = User.ID("anna")
    let boris = User.ID("boris")
    let owner = User.ID("contact-owner")

    func line(_ id: User.ID, _ ext: String?, active: Bool = true) -> CallRouting.Line {
        CallRouting.Line(userID: id, extension: ext, isActive: active)
    }

    @Test func theActiveUserAtTheExtensionHandlesTheCall() {
        let routing = CallRouting(extension: "101", staff: [line(anna, "101"), line(boris, "102")], integration: integration)
        #expect(routing.handler == anna)
        #expect(routing.activityAuthor == anna)
        #expect(routing.newContactOwner == anna)
        #expect(routing.callbackAssignee(contactOwner: owner) == anna, "the handler is asked to call back, not the contact's owner")
        #expect(routing.callbackAssignee(contactOwner: nil) == anna)
    }

    @Test func extensionsAreComparedTrimmed() {
        #expect(CallRouting(extension: " 101\n", staff: [line(anna, "101")], integration: integration).handler == anna)
        #expect(CallRouting(extension: "101", staff: [line(anna, " 101 ")], integration: integration).handler == anna)
        #expect(CallRouting(extension: "1010", staff: [line(anna, "101")], integration: integration).handler == nil)
        #expect(CallRouting(extension: "0101", staff: [line(anna, "101")], integration: integration).handler == nil)
    }

    @Test(arguments: [
        ("no extension in the event", nil as String?, [("anna", "101" as String?, true)]),
        ("a blank extension", "  ", [("anna", nil, true)]),
        ("nobody has it", "555", [("anna", "101", true)]),
        ("its user is deactivated", "101", [("anna", "101", false)]),
        ("two active users share it", "101", [("anna", "101", true), ("boris", "101", true)]),
        ("no staff at all", "101", []),
    ])
    func withoutAHandlerTheCurrentRulesApply(_ why: String, _ ext: String?, _ staff: [(String, String?, Bool)]) {
        let routing = CallRouting(
            extension: ext, staff: staff.map { line(User.ID($0.0), $0.1, active: $0.2) }, integration: integration)
        #expect(routing.handler == nil, "\(why)")
        #expect(routing.activityAuthor == integration, "\(why)")
        #expect(routing.newContactOwner == integration, "\(why)")
        #expect(routing.callbackAssignee(contactOwner: owner) == owner, "\(why)")
        #expect(routing.callbackAssignee(contactOwner: nil) == integration, "\(why)")
    }

    @Test func aDeactivatedUserDoesNotHideTheActiveOneWithTheSameExtension() {
        let routing = CallRouting(
            extension: "101", staff: [line(boris, "101", active: false), line(anna, "101")], integration: integration)
        #expect(routing.handler == anna)
    }

    @Test(arguments: [nil, "", "   ", "1", "101", " 2044 ", "0123456789"])
    func validExtensions(_ ext: String?) {
        #expect(CallRouting.validate(extension: ext).isEmpty)
    }

    @Test(arguments: [
        ("01234567890", FieldIssue.Code.tooLong), ("12a", .invalidFormat), ("+7101", .invalidFormat), ("10 1", .invalidFormat),
        ("١٠١", .invalidFormat), ("101#", .invalidFormat), ("١٠١١٠١١٠١١٠١", .tooLong),
    ])
    func invalidExtensions(_ ext: String, _ code: FieldIssue.Code) {
        let issues = CallRouting.validate(extension: ext)
        #expect(issues.map(\.field) == ["extension"])
        #expect(issues.map(\.code) == [code])
        if code == .tooLong { #expect(issues.first?.parameters == ["max": "10"]) }
    }

    @Test func theStoredFormIsTrimmedAndBlankIsNone() {
        #expect(CallRouting.normalized(" 101 ") == "101")
        #expect(CallRouting.normalized("  ") == nil)
        #expect(CallRouting.normalized(nil) == nil)
    }
}
