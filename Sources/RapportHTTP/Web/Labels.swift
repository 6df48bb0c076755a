import RapportCore

// The names of the domain's values in both languages: the one home for them in the UI.

extension Lang {
    func label(_ value: Readiness) -> String {
        switch value {
        case .hot: self("Hot", "Горячий")
        case .warm: self("Warm", "Тёплый")
        case .cold: self("Cold", "Холодный")
        }
    }

    func label(_ value: Lifecycle) -> String {
        switch value {
        case .lead: self("Lead", "Лид")
        case .prospect: self("Prospect", "Потенциальный")
        case .customer: self("Customer", "Клиент")
        case .lapsed: self("Lapsed", "Ушедший")
        }
    }

    func label(_ value: ActivityKind) -> String {
        switch value {
        case .note: self("Note", "Заметка")
        case .call: self("Call", "Звонок")
        case .email: self("E-mail", "Письмо")
        case .meeting: self("Meeting", "Встреча")
        case .sms: self("SMS", "SMS")
        case .system: self("Event", "Событие")
        }
    }

    func label(_ value: TaskKind) -> String {
        switch value {
        case .call: self("Call", "Звонок")
        case .meeting: self("Meeting", "Встреча")
        case .todo: self("To-do", "Дело")
        }
    }

    func label(_ value: Direction) -> String {
        switch value {
        case .inbound: self("Inbound", "Входящий")
        case .outbound: self("Outbound", "Исходящий")
        }
    }

    func label(_ value: CallResult) -> String {
        switch value {
        case .answered: self("Answered", "Состоялся")
        case .missed: self("Missed", "Пропущен")
        case .busy: self("Busy", "Занято")
        case .noAnswer: self("No answer", "Не ответили")
        case .voicemail: self("Voicemail", "Автоответчик")
        case .failed: self("Failed", "Сбой")
        }
    }

    func label(_ value: Role) -> String {
        switch value {
        case .owner: self("Owner", "Владелец")
        case .admin: self("Administrator", "Администратор")
        case .headOfSales: self("Head of sales", "Руководитель продаж")
        case .salesRep: self("Sales rep", "Менеджер по продажам")
        case .marketer: self("Marketer", "Маркетолог")
        case .support: self("Support", "Поддержка")
        case .readOnly: self("Read only", "Только чтение")
        }
    }

    func label(_ value: DealStatus) -> String {
        switch value {
        case .open: self("Open", "В работе")
        case .won: self("Won", "Успешно")
        case .lost: self("Lost", "Проиграна")
        }
    }

    func label(_ value: StageKind) -> String {
        switch value {
        case .open: self("Open", "Открытый")
        case .won: self("Won", "Успех")
        case .lost: self("Lost", "Провал")
        }
    }

    func label(_ value: PhoneKind) -> String {
        switch value {
        case .mobile: self("mobile", "мобильный")
        case .work: self("work", "рабочий")
        case .home: self("home", "домашний")
        case .fax: self("fax", "факс")
        case .other: self("other", "другой")
        }
    }

    func label(_ value: EmailKind) -> String {
        switch value {
        case .work: self("work", "рабочий")
        case .personal: self("personal", "личный")
        case .other: self("other", "другой")
        }
    }

    func label(_ value: RecordKind) -> String {
        switch value {
        case .contact: self("Contact", "Контакт")
        case .company: self("Company", "Компания")
        case .deal: self("Deal", "Сделка")
        case .task: self("Task", "Задача")
        case .activity: self("Activity", "Событие")
        case .pipeline: self("Pipeline", "Воронка")
        case .user: self("User", "Пользователь")
        case .team: self("Team", "Команда")
        case .tag: self("Tag", "Тег")
        case .customField: self("Custom field", "Доп. поле")
        case .apiToken: self("API token", "API-токен")
        case .workspace: self("Workspace", "Рабочее пространство")
        case .product: self("Product", "Товар")
        case .order: self("Order", "Заказ")
        case .segment: self("Segment", "Сегмент")
        case .form: self("Web form", "Веб-форма")
        }
    }

    func label(_ value: CustomFieldKind) -> String {
        switch value {
        case .text: self("Text", "Текст")
        case .number: self("Number", "Число")
        case .money: self("Money", "Деньги")
        case .date: self("Date", "Дата")
        case .select: self("List", "Список")
        case .multiSelect: self("Multiple choice", "Несколько из списка")
        case .boolean: self("Yes / no", "Да / нет")
        case .url: self("Link", "Ссылка")
        }
    }

    func label(_ value: OrderStatus) -> String {
        switch value {
        case .new: self("New", "Новый")
        case .paid: self("Paid", "Оплачен")
        case .fulfilled: self("Fulfilled", "Выполнен")
        case .cancelled: self("Cancelled", "Отменён")
        case .refunded: self("Refunded", "Возврат")
        }
    }

    func label(_ value: RFMClass) -> String {
        switch value {
        case .champions: self("Champions", "Чемпионы")
        case .loyal: self("Loyal", "Лояльные")
        case .potentialLoyalists: self("Potential loyalists", "Потенциально лояльные")
        case .newCustomers: self("New customers", "Новые клиенты")
        case .promising: self("Promising", "Перспективные")
        case .needAttention: self("Need attention", "Требуют внимания")
        case .aboutToSleep: self("About to sleep", "Засыпающие")
        case .atRisk: self("At risk", "В зоне риска")
        case .cannotLose: self("Can't lose them", "Нельзя потерять")
        case .hibernating: self("Hibernating", "Спящие")
        case .lost: self("Lost", "Потерянные")
        }
    }

    func label(_ value: SegmentField) -> String {
        switch value {
        case .city: self("City", "Город")
        case .source: self("Source", "Источник")
        case .utmSource: "utm_source"
        case .utmMedium: "utm_medium"
        case .utmCampaign: "utm_campaign"
        case .utmContent: "utm_content"
        case .utmTerm: "utm_term"
        case .lifecycle: self("Lifecycle stage", "Статус клиента")
        case .readiness: self("Readiness", "Готовность")
        case .owner: self("Owner", "Ответственный")
        case .team: self("Team", "Команда")
        case .rfmClass: self("RFM class", "RFM-класс")
        case .orderCount: self("Number of orders", "Количество заказов")
        case .revenue: self("Revenue, ₽", "Сумма покупок, ₽")
        case .averageCheck: self("Average check, ₽", "Средний чек, ₽")
        case .rfmRecency: self("RFM recency (1–5)", "RFM давность (1–5)")
        case .rfmFrequency: self("RFM frequency (1–5)", "RFM частота (1–5)")
        case .rfmMonetary: self("RFM monetary (1–5)", "RFM сумма (1–5)")
        case .createdAt: self("Created", "Создан")
        case .firstOrderAt: self("First order", "Первый заказ")
        case .lastOrderAt: self("Last order", "Последний заказ")
        case .emailConsent: self("E-mail consent", "Согласие на e-mail")
        case .smsConsent: self("SMS consent", "Согласие на SMS")
        case .hasEmail: self("Has an e-mail", "Есть e-mail")
        case .hasPhone: self("Has a phone", "Есть телефон")
        case .tag: self("Tags", "Теги")
        case .orders: self("Orders (in the last N days)", "Заказы (за последние N дней)")
        case .deals: self("Deals (in the last N days)", "Сделки (за последние N дней)")
        case .activities: self("Contact with us (in the last N days)", "Общение (за последние N дней)")
        }
    }

    /// The segment builder's operators, by their JSON name.
    func segmentOperator(_ op: String) -> String {
        switch op {
        case "is": self("is", "равно")
        case "isNot": self("is not", "не равно")
        case "contains": self("contains", "содержит")
        case "in": self("is one of (comma-separated)", "одно из (через запятую)")
        case "notIn": self("is none of", "ни одно из")
        case "isEmpty": self("is empty", "не заполнено")
        case "isNotEmpty": self("is filled", "заполнено")
        case "eq": "="
        case "gt": ">"
        case "gte": "≥"
        case "lt": "<"
        case "lte": "≤"
        case "between": self("between (a–b)", "между (a–b)")
        case "before": self("before (date)", "раньше (дата)")
        case "after": self("on or after (date)", "не раньше (дата)")
        case "withinDays": self("in the last N days", "за последние N дней")
        case "notWithinDays": self("not in the last N days", "не было N дней")
        case "isTrue": self("yes", "да")
        case "isFalse": self("no", "нет")
        case "hasAny": self("has any of", "есть любой из")
        case "hasAll": self("has all of", "есть все")
        case "hasNone": self("has none of", "нет ни одного из")
        case "exists": self("exist", "есть")
        case "notExists": self("do not exist", "нет")
        default: op
        }
    }
}
