#!/usr/bin/env python3
"""Writes the XLSX files the import tests upload, with openpyxl (pip install openpyxl)."""
import datetime, os
import openpyxl

HERE = os.path.dirname(os.path.abspath(__file__))


def save(rows, name, date_columns=()):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for column in date_columns:
        for cell in sheet[column][1:]:
            cell.number_format = "DD.MM.YYYY"
    book.save(os.path.join(HERE, name))


# The contacts of ContactImportTests.amo, as a workbook: a phone typed as a number, a birthday as a date.
save([
    ["Полное имя", "Рабочий телефон", "Мобильный телефон", "Рабочий email", "Компания", "Должность", "Теги", "День рождения"],
    ["Смирнова Ольга Петровна", "+7 (495) 123-45-67", 89120001122, "olga@example.ru", "ООО «Ромашка»", "Директор", "vip, опт", datetime.date(1980, 5, 17)],
    ["Кузнецов Иван", None, "8-912-555-66-77"],
    ["Попов Пётр Ильич", None, None, "petr@example.ru"],
    ["Попов П.", None, None, "PETR@example.ru"],
    ["Ошибкин Олег", None, None, "не почта"],
], "contacts-amocrm.xlsx", date_columns=("H",))

# The orders of OrderImportTests.file, as a workbook: real dates and numbers instead of typed text.
save([
    ["Номер заказа", "Дата", "E-mail", "Телефон", "Товар", "Количество", "Цена", "Сумма", "Статус"],
    [5001, datetime.date(2026, 9, 1), "anna@example.ru", None, "Курс", 2, 1500, None, "Оплачен"],
    [5001, datetime.date(2026, 9, 1), "anna@example.ru", None, "Доставка", 1, 300, None, "Оплачен"],
    [5002, datetime.date(2026, 9, 2), None, "8 (912) 555-00-01", None, None, None, 4999.9],
    [5003, datetime.date(2026, 9, 3), "nobody@example.ru", None, None, None, None, 100],
    [5004, "вчера", "anna@example.ru", None, None, None, None, 100],
    [5005, datetime.date(2026, 9, 5), "anna@example.ru", None, None, None, None, 7000, "Отменён"],
], "orders.xlsx", date_columns=("B",))
