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
}
