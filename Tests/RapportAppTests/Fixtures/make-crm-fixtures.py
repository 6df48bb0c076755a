#!/usr/bin/env python3
"""Writes files shaped like the exports of amoCRM, Bitrix24 and HubSpot (their headers, separators, encodings
and value formats) that CRMExportImportTests imports without any manual fix. Values are made up."""
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, rows, separator=";", encoding="utf-8-sig", newline="\r\n"):
    def cell(value):
        value = str(value)
        if any(c in value for c in (separator, '"', "\n")):
            value = '"' + value.replace('"', '""') + '"'
        return value
    with open(os.path.join(HERE, name), "w", encoding=encoding, newline="") as f:
        f.write(newline.join(separator.join(cell(v) for v in row) for row in rows) + newline)


# amoCRM: UTF-8 with BOM, ";" separated; money as "150 000"; dates as DD.MM.YYYY HH:MM:SS.
write("amocrm-companies.csv", [
    ["ID", "Название", "Ответственный", "Дата создания", "Теги", "Рабочий телефон", "Email", "Web", "Адрес", "ИНН", "КПП", "Сфера деятельности"],
    ["2101", "ООО «Ромашка»", "Владелец", "01.09.2026 10:00:00", "опт, москва", "+7 (495) 123-45-67", "info@romashka.ru", "romashka.ru", "Москва, ул. Ленина, 1", "7707083893", "773601001", "Торговля"],
    ["2102", "ИП Сидоров", "", "02.09.2026 11:00:00", "", "8 912 000-11-22", "", "", "", "500100732259", "", ""],
    ["2103", "Ромашка ООО", "", "03.09.2026 12:00:00", "", "", "sales@romashka.ru", "", "", "", "", ""],
    ["2104", "Ошибка", "", "04.09.2026 12:00:00", "", "", "", "", "", "1234567890", "", ""],
])
write("amocrm-deals.csv", [
    ["ID", "Название сделки", "Бюджет", "Ответственный", "Дата создания", "Этап сделки", "Воронка", "Теги", "Основной контакт", "Компания", "Рабочий телефон (контакт)", "Рабочий email (контакт)", "Дата закрытия", "utm_source", "utm_medium", "utm_campaign", "Причина отказа"],
    ["31001", "Поставка бумаги", "150 000", "Владелец", "01.09.2026 10:00:00", "Переговоры", "Продажи", "опт", "Смирнова Ольга", "ООО «Ромашка»", "", "olga@example.ru", "30.09.2026 00:00:00", "yandex", "cpc", "autumn", ""],
    ["31002", "Сервисный договор", "80 000,50", "", "02.09.2026 10:00:00", "Успешно реализовано", "Продажи", "", "", "", "+7 912 555-66-77", "", "", "", "", "", ""],
    ["31003", "Отказ", "10 000", "", "03.09.2026 10:00:00", "Закрыто и не реализовано", "Продажи", "", "", "", "", "", "", "", "", "", "Дорого"],
    ["31004", "Бюджет не число", "много", "", "03.09.2026 10:00:00", "Первичный контакт", "", "", "", "", "", "", "", "", "", "", ""],
])

# Bitrix24: Windows-1251, ";" separated, as its "Excel" CSV export writes.
write("bitrix24-companies.csv", [
    ["ID", "Название компании", "Тип компании", "Сфера деятельности", "Рабочий телефон", "Мобильный телефон", "Рабочий e-mail", "Корпоративный сайт", "Адрес", "Ответственный", "Комментарий", "ИНН", "КПП", "Дата создания"],
    ["11", "АО «Вектор»", "Клиент", "Производство", "+7 812 000-00-01", "", "office@vector.ru", "https://vector.ru", "Санкт-Петербург, Невский пр., 1", "Владелец", "", "7736207543", "", "05.09.2026 09:00:00"],
    ["13", "ООО Альфа", "Поставщик", "", "", "8 (900) 000-00-02", "alpha@alpha.ru; boss@alpha.ru", "", "", "", "Важный", "", "", "06.09.2026 09:00:00"],
], encoding="cp1251")
write("bitrix24-deals.csv", [
    ["ID", "Название сделки", "Стадия сделки", "Воронка", "Сумма", "Валюта", "Ответственный", "Контакт", "Компания", "Предполагаемая дата закрытия", "Источник", "UTM Source", "UTM Medium", "UTM Campaign"],
    ["101", "Станки", "Сделка успешна", "Общая", "1 200 000,00", "RUB", "Владелец", "", "АО «Вектор»", "15.10.2026", "Веб-сайт", "google", "cpc", "machines"],
    ["103", "Запчасти", "В работе", "Общая", "5000", "USD", "", "", "Альфа", "", "Звонок", "", "", ""],
], encoding="cp1251")

# HubSpot: UTF-8 without BOM, comma separated; associations as "Name (e-mail)"; dates as YYYY-MM-DD HH:MM.
write("hubspot-companies.csv", [
    ["Record ID", "Company name", "Company Domain Name", "Company owner", "Industry", "Phone Number", "City", "Street Address", "Create Date", "Lifecycle Stage"],
    ["9001", "Acme Inc", "acme.com", "Владелец", "COMPUTER_SOFTWARE", "+1 415 555 0100", "San Francisco", "1 Market St", "2026-09-01 10:00", "Customer"],
    ["9002", "Globex LLC", "globex.com", "", "", "", "", "", "2026-09-02 10:00", "Lead"],
], separator=",", encoding="utf-8", newline="\n")
write("hubspot-deals.csv", [
    ["Record ID", "Deal Name", "Deal Stage", "Pipeline", "Amount", "Close Date", "Deal owner", "Create Date", "Associated Company", "Associated Contact"],
    ["7001", "Acme renewal", "Closed Won", "Sales Pipeline", "1500", "2026-10-01 00:00", "Владелец", "2026-09-01 10:00", "Acme Inc", "Jane Doe (jane@acme.com)"],
    ["7002", "Globex pilot", "Appointment Scheduled", "Sales Pipeline", "", "", "", "2026-09-02 10:00", "Globex LLC", ""],
], separator=",", encoding="utf-8", newline="\n")
