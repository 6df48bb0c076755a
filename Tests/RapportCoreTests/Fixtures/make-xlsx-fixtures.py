#!/usr/bin/env python3
"""Writes the XLSX fixtures XLSXReaderTests reads, with openpyxl (pip install openpyxl)."""
import datetime, os
import openpyxl
from openpyxl.utils.datetime import CALENDAR_MAC_1904

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "XLSX")
os.makedirs(HERE, exist_ok=True)

book = openpyxl.Workbook()
sheet = book.active
sheet.title = "Контакты"
sheet.append(["ФИО", "Телефон", "E-mail", "Дата рождения", "Сумма", "VIP", "Теги", "Комментарий"])
sheet.append(["Иванов Иван Иванович", 79161234567, "ivan@example.ru", datetime.date(1986, 9, 5), 1500.5, True, "опт, москва", "a & b <c>"])
sheet.append(["Петрова Анна", "+7 (916) 765-43-21", None, datetime.date(2000, 2, 29), 0.1 + 0.2, False, None, None])
# A sparse row: only B and H.
sheet["B4"] = "8 800 555-35-35"
sheet["H4"] = "строка\nвторая"
sheet.append([])  # nothing: row 5 is absent
sheet["A6"] = "Дата и время"
sheet["D6"] = datetime.datetime(2026, 11, 30, 14, 5)
sheet["E6"] = 12345678901234567890
for row in (2, 3):
    sheet.cell(row=row, column=4).number_format = "DD.MM.YYYY"
sheet["D6"].number_format = "dd.mm.yyyy hh:mm"
other = book.create_sheet("Второй")
other["A1"] = "не тот лист"
book.save(os.path.join(HERE, "contacts-openpyxl.xlsx"))

mac = openpyxl.Workbook()
mac.epoch = CALENDAR_MAC_1904
mac.active.append(["Дата"])
mac.active.append([datetime.date(2026, 1, 1)])
mac.active["A2"].number_format = "yyyy-mm-dd"
mac.save(os.path.join(HERE, "dates-1904.xlsx"))

# Shaped as Excel writes a workbook: shared strings (rich text runs, a phonetic hint, an escaped carriage
# return), a prefixed namespace, cells without references, a built-in date format (14) and styles.xml's
# cellStyleXfs before cellXfs. Written by hand with zipfile, deflated.
import zipfile

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
parts = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{MAIN}" xmlns:r="{REL}"><workbookPr/><sheets><sheet name="Лист1" sheetId="7" r:id="rId3"/><sheet name="Лист2" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId3" Type="{REL}/worksheet" Target="/xl/worksheets/data.xml"/>'
    f'<Relationship Id="rId4" Type="{REL}/sharedStrings" Target="strings.xml"/>'
    f'<Relationship Id="rId5" Type="{REL}/styles" Target="styles.xml"/></Relationships>',
    "xl/strings.xml": f'<sst xmlns="{MAIN}" count="5" uniqueCount="5"><si><t>Название</t></si><si><t xml:space="preserve">ИНН </t></si>'
    '<si><r><rPr><b/></rPr><t>ООО </t></r><r><t>«Ромашка»</t></r><rPh sb="0" eb="1"><t>ろ</t></rPh></si>'
    '<si><t>строка_x000D_\nвторая</t></si><si/><si><t><![CDATA[a<b]]></t></si></sst>',
    "xl/styles.xml": f'<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="170" formatCode="0.00&quot;р.&quot;"/></numFmts>'
    '<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="170"/></cellXfs></styleSheet>',
    "xl/worksheets/data.xml": f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData>'
    '<x:row r="1"><x:c t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v>1</x:v></x:c><x:c><x:v>2</x:v></x:c></x:row>'
    '<x:row r="2"><x:c r="A2" t="s"><x:v>2</x:v></x:c><x:c r="B2"><x:v>7707083893</x:v></x:c><x:c r="C2" s="1"><x:v>60</x:v></x:c><x:c r="D2" s="2"><x:v>99.5</x:v></x:c></x:row>'
    '<x:row r="3"><x:c r="A3" t="s"><x:v>3</x:v></x:c><x:c r="C3" s="1"><x:v>61</x:v></x:c><x:c r="E3" t="str"><x:f>1+1</x:f><x:v>2</x:v></x:c><x:c r="F3" t="e"><x:v>#DIV/0!</x:v></x:c></x:row>'
    '<x:row r="4"><x:c r="A4" t="s"><x:v>4</x:v></x:c></x:row>'
    '<x:row r="5"><x:c r="AA5" t="s"><x:v>5</x:v></x:c></x:row>'
    '</x:sheetData></x:worksheet>',
    "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>не тот лист</t></is></c></row></sheetData></worksheet>',
}
with zipfile.ZipFile(os.path.join(HERE, "excel-style.xlsx"), "w", zipfile.ZIP_DEFLATED) as archive:
    for name, text in parts.items():
        archive.writestr(name, text.encode())
