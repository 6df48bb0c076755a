public import Foundation

/// Turns a spreadsheet of orders (a shop's or an accounting system's export) into orders: columns found
/// by their Russian or English headers, one order per number (several rows of one number are its lines),
/// each row's problems named with its line number.
public enum OrderImport {
    /// What a column can hold.
    public enum Column: String, CaseIterable, Sendable, Hashable, Codable {
        case number, date, email, phone, inn, product, sku, quantity, price, total, status, channel
    }

    /// Header spellings (compared case- and ё-insensitively, ignoring spaces and punctuation around them).
    static let aliases: [Column: [String]] = [
        .number: ["number", "order", "order number", "order id", "номер", "номер заказа", "заказ", "№", "№ заказа"],
        .date: ["date", "order date", "ordered at", "created", "дата", "дата заказа", "дата покупки"],
        .email: ["email", "e-mail", "e mail", "почта", "эл. почта", "электронная почта", "email клиента"],
        .phone: ["phone", "telephone", "mobile", "телефон", "тел", "тел.", "мобильный", "телефон клиента"],
        .inn: ["inn", "инн", "инн клиента", "инн покупателя"],
        .product: ["product", "item", "product name", "товар", "наименование", "услуга", "номенклатура"],
        .sku: ["sku", "article", "артикул", "код товара"],
        .quantity: ["quantity", "qty", "количество", "кол-во", "кол во"],
        .price: ["price", "unit price", "цена", "цена за единицу"],
        .total: ["total", "amount", "sum", "сумма", "итого", "сумма заказа"],
        .status: ["status", "статус", "статус заказа"],
        .channel: ["channel", "канал", "канал продаж", "source", "источник"],
    ]

    /// The column of each header that names one (the first header wins a column).
    public static func mapColumns(_ header: [String]) -> [Column: Int] {
        var mapping: [Column: Int] = [:]
        for (index, title) in header.enumerated() {
            let key = SearchText.fold(title.trimmingCharacters(in: CharacterSet(charactersIn: " \t\"'*:")))
            for column in Column.allCases where mapping[column] == nil {
                if aliases[column]?.contains(key) == true { mapping[column] = index }
            }
        }
        return mapping
    }

    /// One line of the file as understood.
    public struct Line: Sendable, Hashable {
        /// Its line number in the file (the header is line 1).
        public var row: Int
        public var number: String?
        public var orderedAt: Date?
        public var email: String?
        public var phone: String?
        public var inn: String?
        public var product: String?
        public var sku: String?
        public var quantity: Int64
        public var price: Money?
        public var total: Money?
        public var status: OrderStatus?
        public var channel: String?
    }

    /// A line that cannot be read, and why.
    public struct Problem: Sendable, Hashable {
        /// Its line number in the file.
        public var row: Int
        /// The column at fault.
        public var column: String
        /// The reason, as a field issue code.
        public var code: FieldIssue.Code
    }

    /// Reads every data line against a column mapping.
    public static func lines(
        _ records: [[String]], mapping: [Column: Int], currency: CurrencyCode, timeZone: TimeZone
    ) -> (lines: [Line], problems: [Problem]) {
        var lines: [Line] = []
        var problems: [Problem] = []
        let statuses: [String: OrderStatus] = [
            "new": .new, "новый": .new, "paid": .paid, "оплачен": .paid, "fulfilled": .fulfilled, "completed": .fulfilled,
            "выполнен": .fulfilled, "доставлен": .fulfilled, "cancelled": .cancelled, "canceled": .cancelled, "отменен": .cancelled,
            "refunded": .refunded, "возврат": .refunded,
        ]
        for (offset, record) in records.enumerated().dropFirst() {
            let row = offset + 1
            func value(_ column: Column) -> String? {
                guard let index = mapping[column], index < record.count else { return nil }
                return record[index].trimmedOrNil
            }
            var line = Line(row: row, quantity: 1)
            var bad = false
            func refuse(_ column: Column, _ code: FieldIssue.Code) {
                problems.append(Problem(row: row, column: column.rawValue, code: code))
                bad = true
            }
            line.number = value(.number)
            if let text = value(.date) {
                line.orderedAt = date(text, timeZone: timeZone)
                if line.orderedAt == nil { refuse(.date, .invalidDate) }
            }
            line.email = value(.email)
            line.phone = value(.phone)
            line.inn = value(.inn)
            line.product = value(.product)
            line.sku = value(.sku)
            line.channel = value(.channel)
            if let text = value(.quantity) {
                if let quantity = Int64(text.replacingOccurrences(of: " ", with: "")), quantity > 0 {
                    line.quantity = quantity
                } else {
                    refuse(.quantity, .outOfRange)
                }
            }
            for column in [Column.price, .total] {
                guard let text = value(column) else { continue }
                if let money = try? Money.parse(text, currency: currency), money.amount >= 0 {
                    if column == .price { line.price = money } else { line.total = money }
                } else {
                    refuse(column, .invalidAmount)
                }
            }
            if let text = value(.status) {
                line.status = statuses[SearchText.fold(text)]
                if line.status == nil { refuse(.status, .invalidOption) }
            }
            if line.email == nil, line.phone == nil, line.inn == nil { refuse(.email, .required) }
            if line.price == nil, line.total == nil { refuse(.total, .required) }
            if !bad { lines.append(line) }
        }
        return (lines, problems)
    }

    /// Dates as spreadsheets write them: `2026-11-30`, `30.11.2026`, either with `hh:mm`, or RFC 3339.
    public static func date(_ text: String, timeZone: TimeZone) -> Date? {
        if let instant = try? Date(text, strategy: .iso8601) { return instant }
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "T" })
        guard let dayText = parts.first else { return nil }
        guard let day = LocalDate(typed: String(dayText)) else { return nil }
        let time = parts.count > 1 ? Formatting.timeOfDay(String(parts[1])) : nil
        return Formatting(locale: .en, timeZone: timeZone).instant(on: day, hour: time?.hour ?? 12, minute: time?.minute ?? 0)
    }
}
