#!/usr/bin/env python3
"""End-to-end smoke test of the README's run command over real HTTP.

Starts `swift run rapport serve --demo` on a fresh data folder and a free port, takes a token from
`rapport token create`, and walks the flow a client follows: create a company, a contact and a deal,
move the deal through stages, add a note and a task, read the timeline, find the contact by `иванов`,
`+7 912` and a run of its digits. Ends with SIGTERM and checks the server stops cleanly.
Then kills `rapport import contacts` with SIGKILL in the middle of a file and checks that no batch is half
written, and that `rapport worker` resumes the import to the end with every row once.
Prints `N passed, N failed`.
"""
import json
import os
import signal
import random
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
checks = {"passed": 0, "failed": 0}


def check(condition, label):
    checks["passed" if condition else "failed"] += 1
    print(("ok   " if condition else "FAIL ") + label, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    data = tempfile.mkdtemp(prefix="rapport-smoke-")
    port = free_port()
    env = dict(os.environ, RAPPORT_DATA_DIR=data, RAPPORT_PORT=str(port), RAPPORT_LOG_LEVEL="warning")
    server = subprocess.Popen(["swift", "run", "--skip-build", "rapport", "serve", "--demo"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            urllib.request.urlopen(base + "/readyz", timeout=1)
            break
        except Exception:
            if server.poll() is not None:
                print(server.stdout.read())
                raise SystemExit("server exited")
            time.sleep(0.2)
    token = subprocess.run(["swift", "run", "--skip-build", "rapport", "token", "create", "--email", "demo@rapport.local"],
                           cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout.strip()
    check(token.startswith("rpt_"), "rapport token create prints a token")
    rapport = ["swift", "run", "--skip-build", "rapport"]
    for email, expected in [("ext-a@rapport.local", 0), ("ext-b@rapport.local", 1)]:
        made = subprocess.run(rapport + ["user", "create", "--email", email, "--name", "Оператор", "--password", "password-1",
                                         "--extension", "777"], cwd=ROOT, env=env, capture_output=True, text=True)
        check(made.returncode == expected, f"rapport user create --extension 777 for {email} exits {expected}")
    check("extension: This value is already taken." in made.stderr, "a taken extension is named on stderr")

    def call(method, path, body=None):
        request = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body is not None else None,
                                         headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    status, contacts = call("GET", "/api/v1/contacts?limit=200")
    check(status == 200 and len(contacts["data"]) == 200, "the demo workspace has 200 contacts")
    status, pipelines = call("GET", "/api/v1/pipelines")
    check(len(pipelines["data"]) == 2, "the demo workspace has two pipelines")
    status, company = call("POST", "/api/v1/companies", {"name": "ООО «Смоук»", "inn": "7707083893"})
    check(status == 201, "create a company")
    status, contact = call("POST", "/api/v1/contacts", {"fullName": "Иванов Смоук Петрович", "phones": [{"number": "8 (912) 765-43-21"}],
                                                       "companies": [{"companyId": company["id"]}]})
    check(status == 201 and contact["phones"][0]["e164"] == "+79127654321", "create a contact with a normalized phone")
    stages = pipelines["data"][0]["stages"]
    status, deal = call("POST", "/api/v1/deals", {"title": "Смоук-сделка", "amount": {"amount": 5000000, "currency": "RUB"},
                                                 "contactIds": [contact["id"]], "companyId": company["id"]})
    check(status == 201 and deal["stageId"] == stages[0]["id"], "create a deal at the first stage")
    for stage in stages[1:3]:
        status, deal = call("POST", f"/api/v1/deals/{deal['id']}/move", {"stageId": stage["id"], "version": deal["version"]})
        check(status == 200 and deal["stageId"] == stage["id"], f"move the deal to «{stage['name']}»")
    status, _ = call("POST", "/api/v1/activities", {"kind": "note", "body": "Смоук-заметка", "dealId": deal["id"]})
    check(status == 201, "add a note")
    status, _ = call("POST", "/api/v1/tasks", {"title": "Смоук-задача", "related": {"kind": "deal", "id": deal["id"]}})
    check(status == 201, "add a task")
    status, timeline = call("GET", f"/api/v1/deals/{deal['id']}/timeline")
    kinds = [item["type"] for item in timeline["data"]]
    check(status == 200 and "activity" in kinds and kinds.count("stage_change") == 3, "the timeline shows the note and the stage changes")
    for query in ["иванов", "+7 912", "7654321"]:
        status, found = call("GET", "/api/v1/search?q=" + urllib.parse.quote(query))
        check(any(c["id"] == contact["id"] for c in found["contacts"]), f"search {query!r} finds the contact")
    status, problem = call("POST", "/api/v1/contacts", {"emails": [{"address": "нет"}]})
    check(status == 422 and problem["errors"][0]["field"] == "emails[0].address", "bad input gets 422 naming the field")

    server.send_signal(signal.SIGTERM)
    try:
        code = server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        code = None
    check(code == 0, "SIGTERM stops the server gracefully")
    import_killed_and_resumed()
    print(f"{checks['passed']} passed, {checks['failed']} failed")
    return 1 if checks["failed"] else 0


def import_killed_and_resumed(rows=30_000):
    """`kill -9` during `rapport import contacts`, then `rapport worker` finishes the import it left."""
    data = tempfile.mkdtemp(prefix="rapport-kill-")
    env = dict(os.environ, RAPPORT_DATA_DIR=data, RAPPORT_LOG_LEVEL="warning")
    rapport = ["swift", "run", "--skip-build", "rapport"]
    subprocess.run(rapport + ["seed", "--contacts", "0"], cwd=ROOT, env=env, check=True, capture_output=True)
    # A Russian Excel file: Windows-1251, semicolons; every 50th row repeats an earlier row's e-mail.
    rng = random.Random(3)
    path = os.path.join(data, "contacts.csv")
    keys = set()
    with open(path, "w", encoding="cp1251", newline="") as out:
        out.write("ФИО;Телефон;E-mail\r\n")
        for i in range(rows):
            n = rng.randrange(i) if i > 0 and i % 50 == 0 else i
            digits = f"{n:07d}"
            out.write(f"Клиентов{n} Иван Петрович;8 (912) {digits[:3]}-{digits[3:5]}-{digits[5:]};client{n}@example.ru\r\n")
            keys.add(n)
    unique = len(keys)
    database = os.path.join(data, "rapport.sqlite")

    def one(sql):
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10) as db:
            return db.execute(sql).fetchone()

    importer = subprocess.Popen(rapport + ["import", "contacts", path, "--json"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    processed = 0
    for _ in range(6000):
        try:
            processed = one("SELECT processed_rows FROM imports")[0]
        except Exception:
            processed = 0
        if processed >= 2000 or importer.poll() is not None:
            break
        time.sleep(0.01)
    importer.send_signal(signal.SIGKILL)
    importer.wait()
    status, processed, created, skipped = one("SELECT status, processed_rows, created, skipped FROM imports")
    contacts = one("SELECT COUNT(*) FROM contacts")[0]
    outcomes = one("SELECT COUNT(*) FROM import_rows")[0]
    check(status == "running" and 0 < processed < rows, f"kill -9 stops the import in the middle (after {processed:,} of {rows:,} rows)")
    check(contacts == created and outcomes == processed and created + skipped == processed,
          "after kill -9 every committed batch is whole: contacts, row outcomes and counts agree")

    worker = subprocess.Popen(rapport + ["worker"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(1200):
        if one("SELECT status FROM imports")[0] == "done":
            break
        time.sleep(0.1)
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
    status, created, skipped, failed = one("SELECT status, created, skipped, failed FROM imports")
    contacts = one("SELECT COUNT(*) FROM contacts")[0]
    repeated = one("SELECT COUNT(*) FROM (SELECT address FROM emails GROUP BY address HAVING COUNT(*) > 1) AS d")[0]
    check(status == "done" and (created, skipped, failed) == (unique, rows - unique, 0),
          f"rapport worker resumes the import to the end: {created:,} created, {skipped:,} skipped")
    check(contacts == unique and repeated == 0, "every row once: no duplicate contact after the restart")


if __name__ == "__main__":
    sys.exit(main())
