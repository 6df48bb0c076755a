/// Which employee handles a call, decided in one place for every telephony event: the active user whose
/// extension (internal PBX number) the event carries. That user authors the call's activity, owns a contact
/// made for an unknown caller and gets the call-back task of a missed call. Without such a user the event
/// falls back to the integration's user (who posted it) for the activity and a new contact, and to the
/// contact's owner for the call-back task.
public struct CallRouting: Sendable, Hashable {
    /// A user as the routing sees them.
    public struct Line: Sendable, Hashable {
        /// The user.
        public var userID: User.ID
        /// Their extension, if any.
        public var `extension`: String?
        /// Whether they may work (deactivated users handle no calls).
        public var isActive: Bool

        /// Makes a line.
        public init(userID: User.ID, extension: String?, isActive: Bool) {
            self.userID = userID
            self.extension = `extension`
            self.isActive = isActive
        }
    }

    /// The employee at the event's extension; nil when no active user has it.
    public var handler: User.ID?
    /// The user whose token posted the event (the PBX integration).
    public var integration: User.ID

    /// Routes a call.
    /// - Parameters:
    ///   - extension: the extension the event (or an earlier event of the same call) reported.
    ///   - staff: users that may have that extension (more do no harm).
    ///   - integration: the user whose token posted the event.
    public init(extension: String?, staff: [Line], integration: User.ID) {
        let wanted = Self.normalized(`extension`)
        let matches = wanted == nil ? [] : staff.filter { $0.isActive && Self.normalized($0.extension) == wanted }
        // Extensions are unique among active users; should two ever share one, neither is guessed.
        self.handler = matches.count == 1 ? matches[0].userID : nil
        self.integration = integration
    }

    /// The author of the call's activity.
    public var activityAuthor: User.ID { handler ?? integration }

    /// The owner of a contact created for an unknown caller.
    public var newContactOwner: User.ID { handler ?? integration }

    /// Who is asked to call back after a missed call: the handler, else the contact's owner, else the
    /// integration's user.
    public func callbackAssignee(contactOwner: User.ID?) -> User.ID { handler ?? contactOwner ?? integration }

    /// The longest extension a user may have.
    public static let maximumExtensionLength = 10

    /// An extension as compared and stored: trimmed; nil when blank.
    public static func normalized(_ extension: String?) -> String? { `extension`.trimmedOrNil }

    /// Checks a user's extension: digits only (0–9), at most ``maximumExtensionLength``. A blank value
    /// means "no extension".
    /// - Returns: the issues found (field `extension`).
    public static func validate(extension: String?) -> [FieldIssue] {
        guard let value = normalized(`extension`) else { return [] }
        if value.count > maximumExtensionLength {
            return [FieldIssue("extension", .tooLong, ["max": String(maximumExtensionLength)])]
        }
        if !value.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) { return [FieldIssue("extension", .invalidFormat)] }
        return []
    }
}
