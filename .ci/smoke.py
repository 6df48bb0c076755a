#!/usr/bin/env python3
"""End-to-end smoke test of the README's run command over real HTTP.

Starts `swift run rapport serve --demo` on a fresh data folder and a free port, takes a token from
`rapport token create`, and walks the flow a client follows: create a company, a contact and a deal,
move the deal through stages, add a note and a task, read the timeline, find the contact by `иванов`,
`+7 912` and a run of its digits. Ends with SIGTERM and checks the server stops cleanly.
Prints `N passed, N failed`.
"""
import json
import os
import signal
import socket
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
    print(f"{checks['passed']} passed, {checks['failed']} failed")
    return 1 if checks["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
