import Foundation
import RapportCore
import Testing

@Suite("Web form records: the deal, the follow-up task and the logged activity of a submission")
struct WebFormRecordsTests {
    static let contact = Contact.ID("ct-1")
    static let company = Company.ID("co-1")
    static let deal = Deal.ID("dl-1")
    static let owner = User.ID("user-ann")

    static func form() -> WebForm {
        var form = WebFormRulesTests.form(
            [
                FormField(target: "contact.fullName", labelRU: "ФИО", labelEN: "Name"), WebFormRulesTests.email,
                FormField(target: "contact.comment", labelEN: "Message"),
            ], consent: "Согласен на обработку данных")
        form.createsDeal = true
        form.pipelineID = Pipeline.ID("pl-1")
        form.stageID = Stage.ID("st-1")
        return form
    }

    /// A lead as the rules read it from posted values (deal fields included when given).
    static func lead(title: String? = nil, amount: String? = nil, size: String? = nil) throws -> FormLead {
        var form = WebFormRulesTests.form([WebFormRulesTests.email])
        var values = ["contact.email": "petr@example.ru"]
        for (target, value) in [("deal.title", title), ("deal.amount", amount), ("deal.custom.size", size)] {
            guard let value else { continue }
            form.fields.append(FormField(target: target, labelRU: target))
            values[target] = value
        }
        return try WebFormRules.read(values, form: form, region: .ru, currency: .rub, source: Self.source)
    }

    static let source = LeadSource(source: "web-form", utmSource: "vk")

    @Test("The deal takes the visitor's title and amount, the form's pipeline and stage, the owner and the links")
    func dealFromTheVisitor() throws {
        let input = WebFormRules.deal(
            try Self.lead(title: "Поставка", amount: "150000", size: "XL"), form: Self.form(), contactID: Self.contact,
            contactName: "Петров Пётр", companyID: Self.company, owner: Self.owner, currency: .rub)
        #expect(input.title == "Поставка")
        #expect(input.amount == (try Money.parse("150000", currency: .rub)))
        #expect(input.pipelineID == Pipeline.ID("pl-1"))
        #expect(input.stageID == Stage.ID("st-1"))
        #expect(input.ownerID == .set(Self.owner))
        #expect(input.contactIDs == [Self.contact])
        #expect(input.companyID == .set(Self.company))
        #expect(input.source == Self.source)
        #expect(input.customFields == ["size": .string("XL")])
    }

    @Test("Without a title the deal is named after the form and the contact; no amount, company or custom fields stay unset")
    func dealByDefault() throws {
        let input = WebFormRules.deal(
            try Self.lead(), form: Self.form(), contactID: Self.contact, contactName: "Петров Пётр", companyID: nil, owner: Self.owner,
            currency: .rub)
        #expect(input.title == "Заявка: Петров Пётр")
        #expect(input.amount == nil)
        #expect(input.companyID == nil)
        #expect(input.customFields == nil)
    }

    @Test("The follow-up task is a call for the owner due in an hour, on the deal when there is one, titled in the language")
    func followUpTask() {
        let now = CoreFixture.now
        let onDeal = WebFormRules.followUpTask(
            form: Self.form(), contactID: Self.contact, contactName: "Петров Пётр", dealID: Self.deal, owner: Self.owner, locale: .ru,
            now: now)
        #expect(onDeal.title == "Обработать заявку с формы «Заявка»: Петров Пётр")
        #expect(onDeal.kind == .call)
        #expect(onDeal.dueAt == .set(now.addingTimeInterval(3600)))
        #expect(onDeal.assigneeID == .set(Self.owner))
        #expect(onDeal.related == .set(RecordRef(kind: .deal, id: "dl-1")))
        let onContact = WebFormRules.followUpTask(
            form: Self.form(), contactID: Self.contact, contactName: "Pyotr", dealID: nil, owner: Self.owner, locale: .en, now: now)
        #expect(onContact.title == "Follow up the lead from «Заявка»: Pyotr")
        #expect(onContact.related == .set(RecordRef(kind: .contact, id: "ct-1")))
    }

    @Test("The activity lists the filled fields in the form's order with their labels, then the consent")
    func activity() {
        let values = ["contact.comment": " Перезвоните ", "contact.email": "petr@example.ru", "contact.fullName": "  ", "utm_source": "vk"]
        let ru = WebFormRules.submissionActivity(values, form: Self.form(), contactID: Self.contact, dealID: Self.deal, locale: .ru)
        #expect(ru.kind == .system)
        #expect(ru.subject == .set("Заявка с формы «Заявка»"))
        #expect(ru.body == .set("Почта: petr@example.ru\nMessage: Перезвоните\nСогласие: Согласен на обработку данных"))
        #expect(ru.contactID == .set(Self.contact))
        #expect(ru.dealID == .set(Self.deal))
        var bare = Self.form()
        bare.consentText = nil
        let en = WebFormRules.submissionActivity([:], form: bare, contactID: Self.contact, dealID: nil, locale: .en)
        #expect(en.subject == .set("Web form «Заявка» submitted"))
        #expect(en.body == nil, "nothing filled, nothing to list")
        #expect(en.dealID == nil)
    }

    @Test("The activity's body is cut at 10,000 characters")
    func longActivity() {
        let values = ["contact.comment": String(repeating: "я", count: 12_000)]
        let input = WebFormRules.submissionActivity(values, form: Self.form(), contactID: Self.contact, dealID: nil, locale: .en)
        guard case .set(let body)? = input.body else {
            Issue.record("no body")
            return
        }
        #expect(body.count == 10_000)
        #expect(body.hasPrefix("Message: яя"))
    }
}

@Suite("Telephony call-back task")
struct TelephonyCallbackTests {
    @Test("A missed call's task: a call due now for the assignee on the contact, the number after a name that is not it")
    func callback() {
        let now = CoreFixture.now
        let task = TelephonyRules.callbackTask(
            contactID: Contact.ID("ct-1"), contactName: "Петров Пётр", number: "+7 912 555-66-77", assignee: User.ID("user-bob"),
            locale: .ru, now: now)
        #expect(task.title == "Перезвонить: Петров Пётр (+7 912 555-66-77)")
        #expect(task.kind == .call)
        #expect(task.dueAt == .set(now))
        #expect(task.assigneeID == .set(User.ID("user-bob")))
        #expect(task.related == .set(RecordRef(kind: .contact, id: "ct-1")))
        let unnamed = TelephonyRules.callbackTask(
            contactID: Contact.ID("ct-2"), contactName: "+79125556677", number: "+79125556677", assignee: User.ID("user-bob"),
            locale: .en, now: now)
        #expect(unnamed.title == "Call back: +79125556677")
    }
}
