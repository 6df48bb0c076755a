public import Foundation

/// The records a taken submission writes besides the contact: its deal, its follow-up task and the
/// activity that logs it. Pure, so their titles, links and texts are tested without a server.
extension WebFormRules {
    /// The deal of a submission to a form that creates deals: the visitor's title, else
    /// "<form>: <contact>"; the amount when it reads (``read(_:form:region:currency:source:)`` refused one
    /// that does not); the form's pipeline and stage; the owner the round robin picked; the contact, its
    /// company, the lead's source and its deal custom fields.
    public static func deal(
        _ lead: FormLead, form: WebForm, contactID: Contact.ID, contactName: String, companyID: Company.ID?, owner: User.ID,
        currency: CurrencyCode
    ) -> DealInput {
        var input = DealInput()
        input.title = lead.dealTitle ?? "\(form.name): \(contactName)"
        if let amount = lead.dealAmount { input.amount = try? Money.parse(amount, currency: currency) }
        input.pipelineID = form.pipelineID
        input.stageID = form.stageID
        input.ownerID = .set(owner)
        input.contactIDs = [contactID]
        if let companyID { input.companyID = .set(companyID) }
        input.source = lead.source
        if !lead.dealCustomFields.isEmpty { input.customFields = lead.dealCustomFields }
        return input
    }

    /// How long the owner has to call a new lead back.
    public static let followUpDelay: TimeInterval = 3600

    /// The follow-up task of a submission to a form that creates tasks: a call for the owner, due an hour
    /// after `now`, on the deal when one was opened, else on the contact; titled in the workspace's language.
    public static func followUpTask(
        form: WebForm, contactID: Contact.ID, contactName: String, dealID: Deal.ID?, owner: User.ID, locale: AppLocale, now: Date
    ) -> TaskInput {
        var input = TaskInput()
        let title =
            locale == .ru ? "Обработать заявку с формы «\(form.name)»" : "Follow up the lead from «\(form.name)»"
        input.title = "\(title): \(contactName)"
        input.kind = .call
        input.dueAt = .set(now.addingTimeInterval(followUpDelay))
        input.assigneeID = .set(owner)
        input.related = .set(dealID.map { RecordRef(kind: .deal, id: $0.rawValue) } ?? RecordRef(kind: .contact, id: contactID.rawValue))
        return input
    }

    /// The system activity that logs a submission on the contact (and its deal): the form's name, and each
    /// filled field as "<label>: <value>" in the form's order, then the consent text the visitor ticked (kept
    /// as given: consent to data processing, not to marketing mail); at most 10,000 characters.
    public static func submissionActivity(
        _ values: [String: String], form: WebForm, contactID: Contact.ID, dealID: Deal.ID?, locale: AppLocale
    ) -> ActivityInput {
        var event = ActivityInput()
        event.kind = .system
        event.subject = .set(locale == .ru ? "Заявка с формы «\(form.name)»" : "Web form «\(form.name)» submitted")
        var lines = form.fields.compactMap { field in
            values[field.target].trimmedOrNil.map { "\(field.label(locale)): \($0)" }
        }
        if let consent = form.consentText { lines.append((locale == .ru ? "Согласие: " : "Agreed: ") + consent) }
        if !lines.isEmpty { event.body = .set(String(lines.joined(separator: "\n").prefix(10_000))) }
        event.contactID = .set(contactID)
        if let dealID { event.dealID = .set(dealID) }
        return event
    }
}
