#!/usr/bin/env python3
"""Browser tests of the web UI in headless Chromium driven by Selenium.

Starts the built `rapport serve --demo` on a fresh data folder and walks, once in Russian and once in
English, what a new employee does: sign in; create a company, a contact (named with an XSS payload)
and a deal; drag the deal to the next stage on the kanban and see it there after a reload; complete a
task on Home; find the contact with the global search; open the kanban and the contact card at phone
width without horizontal scrolling; build a segment ("bought two times or more, nothing in the last 90
days") in the builder, count it, open its members and export them; open the funnel and RFM reports;
import contacts from a Windows-1251 CSV through the upload page, follow it to the end and undo it; merge
two duplicate contacts made through the API on the merge screen, picking a value from the second. Fails
on any JavaScript error or CSP violation in the console.

    python3 .ci/browser.py [--screenshots docs/screenshots]

Prints `N passed, N failed`; exits non-zero when a check failed.
"""
import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
XSS = "<img src=x onerror=alert(1)>"
checks = {"passed": 0, "failed": 0}


def check(condition, label):
    checks["passed" if condition else "failed"] += 1
    print(("ok   " if condition else "FAIL ") + label, flush=True)
    return condition


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server():
    data = tempfile.mkdtemp(prefix="rapport-browser-")
    port = free_port()
    env = dict(os.environ, RAPPORT_DATA_DIR=data, RAPPORT_PORT=str(port), RAPPORT_LOG_LEVEL="warning")
    binary = os.path.join(ROOT, ".build", "debug", "rapport")
    command = [binary, "serve", "--demo"] if os.path.exists(binary) else ["swift", "run", "--skip-build", "rapport", "serve", "--demo"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            urllib.request.urlopen(base + "/readyz", timeout=1)
            return server, base
        except Exception:
            if server.poll() is not None:
                print(server.stdout.read())
                raise SystemExit("server exited")
            time.sleep(0.2)
    raise SystemExit("server did not start")


def make_driver():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900", "--lang=ru-RU"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


class Flow:
    def __init__(self, driver, base, lang, shots):
        self.d = driver
        self.base = base
        self.lang = lang
        self.shots = shots
        self.wait = WebDriverWait(driver, 10, ignored_exceptions=[StaleElementReferenceException])

    def t(self, en, ru):
        return ru if self.lang == "ru" else en

    def go(self, path):
        self.d.get(self.base + path)

    def css(self, selector):
        return self.d.find_element(By.CSS_SELECTOR, selector)

    def fill(self, name, value):
        field = self.css(f'main [name="{name}"]')
        field.clear()
        field.send_keys(value)

    def submit(self, form_selector="main form[method=post]:not(.sign-out)"):
        old = self.d.current_url
        self.css(form_selector + " button[type=submit].primary").click()
        return old

    def heading(self):
        return self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "main h1"))).text

    def console_errors(self):
        return [entry for entry in self.d.get_log("browser") if entry["level"] == "SEVERE"]

    def no_alert(self):
        try:
            self.d.switch_to.alert
            return False
        except NoAlertPresentException:
            return True

    def phone_width(self, on):
        if on:
            self.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 375, "height": 812, "deviceScaleFactor": 2, "mobile": True})
        else:
            self.d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    def fits(self):
        return self.d.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")

    def shot(self, name):
        if self.shots:
            time.sleep(0.3)
            self.d.save_screenshot(os.path.join(self.shots, f"{name}.png"))

    def run(self):
        lang, t = self.lang, self.t
        suffix = "ru" if lang == "ru" else "en"
        print(f"--- flow in {'Russian' if lang == 'ru' else 'English'}")

        # Sign in (the language cookie chooses the sign-in page's language), then make it the user's.
        self.go(f"/language?lang={lang}&return=/login")
        check(self.heading() == t("Sign in", "Вход"), f"[{lang}] sign-in page is in the chosen language")
        self.fill("email", "demo@rapport.local")
        self.fill("password", "rapport-demo")
        self.css("main button[type=submit]").click()
        self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#today-tasks")))
        switch = self.d.find_elements(By.CSS_SELECTOR, f'.lang-switch button[lang="{lang}"]')
        if switch:
            switch[0].click()
            self.wait.until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang)
        check(self.heading().startswith(t("Hello", "Здравствуйте")), f"[{lang}] signed in: Home greets the user")
        self.shot(f"home-desktop-{suffix}")

        # A company.
        company = t("Northwind Trading", "ООО Ромашка") + f" {suffix}"
        self.go("/companies/new")
        self.fill("name", company)
        self.fill("inn", "7707083893")
        self.submit()
        try:
            self.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "main h1").text == company)
        except TimeoutException:
            pass
        check(self.css("main h1").text == company and re.search(r"/companies/[0-9a-f-]{36}$", self.d.current_url), f"[{lang}] company created and its card shown")

        # A contact of the company, named with a script payload.
        self.css(f'main a[href^="/contacts/new?companyId="]').click()
        self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, 'main [name="lastName"]')))
        last = XSS + f" {suffix}"
        first = t("Alice", "Алёна")
        self.fill("lastName", last)
        self.fill("firstName", first)
        self.fill("phones", "8 (912) 555-12-3" + ("4" if lang == "ru" else "5"))
        self.fill("emails", f"alice.{suffix}@example.com")
        self.submit()
        self.wait.until(lambda d: "/edit" not in d.current_url and d.find_element(By.CSS_SELECTOR, "main h1").text.startswith("<img"))
        contact_url = self.d.current_url
        h1 = self.css("main h1")
        check(h1.text == f"{last} {first}", f"[{lang}] the XSS payload in the name shows as text")
        check(not h1.find_elements(By.TAG_NAME, "img") and self.no_alert(), f"[{lang}] no element or script came from the payload")
        check(bool(self.d.find_elements(By.CSS_SELECTOR, 'main a[href^="tel:+7912555123"]')), f"[{lang}] the phone is a normalized tel: link")
        check(company in self.css("main .facts").text, f"[{lang}] the contact card shows its company")
        Select = __import__("selenium.webdriver.support.select", fromlist=["Select"]).Select
        # The card still shows the "created" message: wait for it to be replaced by the save's own.
        earlier = self.d.find_elements(By.CSS_SELECTOR, "main .flash")
        Select(self.css("#inline-readiness")).select_by_value("hot")
        try:
            if earlier:
                self.wait.until(EC.staleness_of(earlier[0]))
            self.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "main .flash"))
            self.d.refresh()
            inline = Select(self.wait.until(EC.presence_of_element_located((By.ID, "inline-readiness")))).first_selected_option.get_attribute("value")
        except TimeoutException:
            inline = None
        check(inline == "hot", f"[{lang}] readiness edited inline on the card, in place")

        # A deal for the contact.
        self.css('main a[href^="/deals/new?contactId="]').click()
        self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, 'main [name="title"]')))
        deal_title = t("Annual supply", "Поставка на год") + f" {suffix}"
        self.fill("title", deal_title)
        self.fill("amount", "150 000")
        self.submit()
        self.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "main h1").text == deal_title)
        deal_id = self.d.current_url.rstrip("/").split("/")[-1]
        check(company in self.css("main .facts").text, f"[{lang}] the deal was created with the contact's company")

        # Drag the deal to the next stage on the kanban; it stays there after a reload.
        self.go("/deals")
        card = self.wait.until(EC.presence_of_element_located((By.ID, f"deal-{deal_id}")))
        columns = self.d.find_elements(By.CSS_SELECTOR, ".board .column")
        first_stage = card.get_attribute("data-stage")
        index = [c.get_attribute("data-stage") for c in columns].index(first_stage)
        target = columns[index + 1]
        target_stage = target.get_attribute("data-stage")
        self.d.execute_script(
            """
            const [card, zone] = arguments;
            const data = new DataTransfer();
            card.dispatchEvent(new DragEvent('dragstart', {bubbles: true, dataTransfer: data}));
            zone.dispatchEvent(new DragEvent('dragover', {bubbles: true, cancelable: true, dataTransfer: data}));
            zone.dispatchEvent(new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: data}));
            card.dispatchEvent(new DragEvent('dragend', {bubbles: true, dataTransfer: data}));
            """, card, target)
        try:
            self.wait.until(lambda d: d.find_element(By.ID, f"deal-{deal_id}").get_attribute("data-stage") == target_stage)
            moved = True
        except TimeoutException:
            moved = False
        check(moved, f"[{lang}] dragging the deal moves it to the next stage")
        self.d.refresh()
        card = self.wait.until(EC.presence_of_element_located((By.ID, f"deal-{deal_id}")))
        column = card.find_element(By.XPATH, "ancestor::section[contains(@class,'column')]")
        check(column.get_attribute("data-stage") == target_stage, f"[{lang}] after a reload the deal is in the new stage")
        self.shot(f"kanban-desktop-{suffix}")

        # Complete a task on Home with one click.
        self.go("/")
        items = self.d.find_elements(By.CSS_SELECTOR, "#today-tasks li[data-task]")
        if check(bool(items), f"[{lang}] Home lists tasks due today or overdue"):
            task_id = items[0].get_attribute("data-task")
            items[0].find_element(By.CSS_SELECTOR, "button.done-button").click()
            try:
                self.wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, f'#today-tasks li[data-task="{task_id}"]'))
                gone = True
            except TimeoutException:
                gone = False
            check(gone, f"[{lang}] the completed task leaves the list in place")
            self.d.refresh()
            self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#today-tasks")))
            check(not self.d.find_elements(By.CSS_SELECTOR, f'#today-tasks li[data-task="{task_id}"]'), f"[{lang}] and stays done after a reload")

        # Find the contact with the global search, as you type.
        box = self.css("#global-q")
        box.clear()
        box.send_keys(f"alice.{suffix}")
        try:
            link = self.wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, "#live-results a[href^='/contacts/']")))
            found = link.get_attribute("href") == contact_url
        except TimeoutException:
            found, link = False, None
        check(found, f"[{lang}] the global search shows the contact as you type")
        if link:
            link.click()
            self.wait.until(lambda d: d.current_url == contact_url)
        self.shot(f"contact-desktop-{suffix}")

        # Phone width: the kanban and the contact card fit without horizontal scrolling.
        self.phone_width(True)
        self.go("/deals")
        self.wait.until(EC.presence_of_element_located((By.ID, f"deal-{deal_id}")))
        check(self.fits(), f"[{lang}] the kanban fits a 375 px screen")
        self.shot(f"kanban-phone-{suffix}")
        self.go(contact_url.replace(self.base, ""))
        self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "main .facts")))
        check(self.fits(), f"[{lang}] the contact card fits a 375 px screen")
        self.shot(f"contact-phone-{suffix}")
        self.go("/contacts")
        self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "table.list")))
        check(self.fits(), f"[{lang}] the contact list fits a 375 px screen")
        self.shot(f"contacts-phone-{suffix}")
        self.go("/")
        self.shot(f"home-phone-{suffix}")
        self.phone_width(False)

        if self.shots:
            for path, name in [("/contacts", "contacts"), ("/tasks/calendar", "calendar"), (f"/deals/{deal_id}", "deal")]:
                self.go(path)
                self.heading()
                self.shot(f"{name}-desktop-{suffix}")

        self.marketing(lang, t, suffix)
        self.importing(lang, t, suffix)
        self.merging(lang, t, suffix)

        errors = self.console_errors()
        check(not errors, f"[{lang}] no JavaScript errors or CSP violations" + (f": {errors}" if errors else ""))
        self.css(".sign-out button").click()
        self.wait.until(lambda d: "/login" in d.current_url)
        self.go("/contacts")
        check("/login" in self.d.current_url, f"[{lang}] signed out: pages ask to sign in again")

    def marketing(self, lang, t, suffix):
        """Build "bought two times or more, nothing in the last 90 days" in the builder, count it, open its
        members, export them; open the funnel and the RFM grid."""
        Select = __import__("selenium.webdriver.support.select", fromlist=["Select"]).Select
        self.go("/segments/new")
        self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".segment-builder")))
        name = t("Bought twice, quiet 90 days", "Купили дважды, молчат 90 дней") + f" ({suffix})"
        self.fill("name", name)
        Select(self.css('select[name="c0.field"]')).select_by_value("orderCount")
        Select(self.css('select[name="c0.op"]')).select_by_value("gte")
        self.fill("c0.value", "2")
        self.css('button[value="add"]').click()
        self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, 'select[name="c1.field"]')))
        Select(self.css('select[name="c1.field"]')).select_by_value("lastOrderAt")
        Select(self.css('select[name="c1.op"]')).select_by_value("notWithinDays")
        self.fill("c1.value", "90")
        self.css('button[value="count"]').click()
        try:
            counted = self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "[data-segment-count]"))).text
        except TimeoutException:
            counted = ""
        check(counted.replace("\u202f", "").replace("\xa0", "").isdigit(), f"[{lang}] the builder counts the segment before saving: {counted}")
        self.css('button[value="save"]').click()
        self.wait.until(lambda d: re.search(r"/segments/[0-9a-f-]{36}$", d.current_url))
        saved = self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "[data-segment-count]"))).text
        check(saved == counted and self.heading() == name, f"[{lang}] the saved segment shows its name and count")
        segment_url = self.d.current_url
        # The count the API gives agrees, and so does the members list.
        segment_id = segment_url.rstrip("/").split("/")[-1]
        api_count = self.d.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            f"fetch('/api/v1/segments/{segment_id}/count', {{credentials: 'same-origin'}}).then(r => r.json()).then(j => done(j.count)).catch(() => done(-1));")
        check(str(api_count) == saved.replace("\u202f", "").replace("\xa0", ""), f"[{lang}] the API count agrees ({api_count})")
        self.css(f'main a[href="/contacts?segment={segment_id}"]').click()
        self.wait.until(lambda d: f"segment={segment_id}" in d.current_url)
        rows = len(self.d.find_elements(By.CSS_SELECTOR, "table.list tbody tr"))
        check(rows == min(int(api_count), 50) and rows > 0, f"[{lang}] the members open as a contact list ({rows} rows)")
        self.shot(f"segment-members-{suffix}")
        self.go(segment_url.replace(self.base, ""))
        self.shot(f"segment-builder-{suffix}")
        href = self.css('main a[href$="/export?format=xlsx"]').get_attribute("href")
        exported = self.d.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "fetch(arguments[0], {credentials: 'same-origin'}).then(async r => { const b = new Uint8Array(await r.arrayBuffer());"
            " done([r.status, r.headers.get('content-type'), b.length, String.fromCharCode(b[0], b[1])]); }).catch(e => done([0, String(e), 0, '']));",
            href)
        check(exported[0] == 200 and "spreadsheetml" in exported[1] and exported[3] == "PK" and exported[2] > 1000,
              f"[{lang}] the members export as an XLSX workbook ({exported[2]} bytes)")
        self.go("/reports/funnel")
        bars = self.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "main svg.chart rect.bar"))
        check(len(bars) >= 3 and len(self.d.find_elements(By.CSS_SELECTOR, "table.report tbody tr")) >= 3,
              f"[{lang}] the funnel report draws its chart and table")
        self.shot(f"report-funnel-{suffix}")
        self.go("/reports/rfm")
        cells = self.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "main svg.chart.rfm rect"))
        check(len(cells) == 25 and self.d.find_elements(By.CSS_SELECTOR, "table.report tbody tr"),
              f"[{lang}] the RFM report draws the 5×5 grid and the classes")
        self.shot(f"report-rfm-{suffix}")

    def importing(self, lang, t, suffix):
        """Import a CSV saved by Russian Excel through the upload page; follow it to the end; undo it."""
        Select = __import__("selenium.webdriver.support.select", fromlist=["Select"]).Select
        rows = [f"Импортов{suffix} Иван Петрович;8 (900) 111-22-3{n};import{n}.{suffix}@example.ru" for n in range(3)]
        rows.append(f"Импортов{suffix} И.;;IMPORT0.{suffix}@example.ru")  # the first row again, by e-mail
        path = os.path.join(tempfile.mkdtemp(), f"contacts-{suffix}.csv")
        with open(path, "wb") as f:
            f.write(("ФИО;Телефон;E-mail\r\n" + "\r\n".join(rows) + "\r\n").encode("cp1251"))
        self.go("/contacts")
        self.css('main a[href="/imports/new"]').click()
        self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, 'input[type="file"]'))).send_keys(path)
        Select(self.css('select[name="onDuplicate"]')).select_by_value("skip")
        self.submit('main form[action="/imports"]')
        self.wait.until(lambda d: re.search(r"/imports/[0-9a-f-]{36}$", d.current_url))
        status = ""
        for _ in range(60):
            status = self.css("[data-import-status]").get_attribute("data-import-status")
            if status == "done":
                break
            time.sleep(0.5)
            self.d.refresh()
        created = self.css("[data-created]").text
        check(status == "done" and created == "3", f"[{lang}] the import wizard imports a Windows-1251 file ({status}, {created} created)")
        check(len(self.d.find_elements(By.CSS_SELECTOR, "table.report tbody tr")) == 1, f"[{lang}] the duplicate row is explained")
        self.shot(f"import-{suffix}")
        self.d.execute_script("window.confirm = () => true;")
        self.css('main form[action$="/undo"] button').click()
        self.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "[data-import-status]").get_attribute("data-import-status") == "undone")
        self.go(f"/contacts?q=import0.{suffix}@example.ru")
        self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "main h1")))
        left = len(self.d.find_elements(By.CSS_SELECTOR, "table.list tbody tr"))
        check(left == 0, f"[{lang}] undoing the import takes its contacts away ({left} left)")

    def merging(self, lang, t, suffix):
        """Two duplicate contacts made through the API (as the signed-in user, with the page's CSRF token);
        the duplicates page lists them; the merge screen takes the second one's city; the survivor's card
        shows that city and both phones, and the merged one's URL leads to it."""
        self.go("/contacts")
        self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "main h1")))
        n = "1" if lang == "ru" else "2"
        people = [
            {"lastName": f"Дублев{suffix}", "firstName": "Иван", "city": t("Boston", "Москва"), "phones": [{"number": f"+7 900 777-1{n}-01"}]},
            {"fullName": f"Иван Дублев{suffix}", "city": t("Denver", "Тула"),
             "phones": [{"number": f"8 900 777 1{n} 01"}, {"number": f"+7 900 777-1{n}-02"}]},
        ]
        ids = []
        for body in people:
            reply = self.d.execute_async_script(
                "const done = arguments[arguments.length - 1];"
                "const token = document.querySelector('meta[name=\"csrf-token\"]').content;"
                "fetch('/api/v1/contacts', {method: 'POST', credentials: 'same-origin',"
                " headers: {'Content-Type': 'application/json', 'X-CSRF-Token': token}, body: JSON.stringify(arguments[0])})"
                ".then(async r => done([r.status, (await r.json()).id])).catch(e => done([0, String(e)]));", body)
            ids.append(reply[1] if reply[0] == 201 else None)
        if not check(all(ids), f"[{lang}] two duplicate contacts created through the API"):
            return
        first, second = ids
        self.go("/contacts")
        self.css('main a[href="/contacts/duplicates"]').click()
        self.wait.until(lambda d: d.current_url.endswith("/contacts/duplicates"))
        groups = [g for g in self.d.find_elements(By.CSS_SELECTOR, "section.duplicate-group")
                  if set(ids) <= set((g.get_attribute("data-ids") or "").split())]
        check(len(groups) == 1 and t("Same phone", "Одинаковый телефон") in groups[0].text,
              f"[{lang}] the duplicates page lists the two with the reason")
        if not groups:
            return
        self.shot(f"duplicates-{suffix}")
        groups[0].find_element(By.CSS_SELECTOR, "a.merge-link").click()
        self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "table.merge-table")))
        check(self.css(f"#survivor-{first}").is_selected(), f"[{lang}] the merge screen keeps the oldest record by default")
        self.css(f"#choice-city-{second}").click()
        self.shot(f"merge-{suffix}")
        self.css("#merge-submit").click()
        try:
            self.wait.until(lambda d: d.current_url.endswith(f"/contacts/{first}"))
            facts = self.css("main .facts").text
        except TimeoutException:
            facts = ""
        check(t("Denver", "Тула") in facts, f"[{lang}] the survivor's card shows the value picked from the second record")
        check(f"+7 900 777-1{n}-01" in facts and f"+7 900 777-1{n}-02" in facts, f"[{lang}] the survivor's card shows both phones")
        self.go(f"/contacts/{second}")
        try:
            self.wait.until(lambda d: d.current_url.endswith(f"/contacts/{first}"))
            moved = bool(self.d.find_elements(By.CSS_SELECTOR, "main .flash"))
        except TimeoutException:
            moved = False
        check(moved, f"[{lang}] the merged contact's URL leads to the survivor with a notice")



def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--screenshots", help="write screenshots of the main pages into this folder")
    args = parser.parse_args()
    if args.screenshots:
        os.makedirs(args.screenshots, exist_ok=True)
    server, base = start_server()
    driver = make_driver()
    try:
        for lang in ["ru", "en"]:
            Flow(driver, base, lang, args.screenshots).run()
    finally:
        driver.quit()
        server.terminate()
        server.wait(timeout=20)
    print(f"{checks['passed']} passed, {checks['failed']} failed")
    sys.exit(1 if checks["failed"] else 0)


if __name__ == "__main__":
    main()
