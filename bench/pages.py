#!/usr/bin/env python3
"""Render time of the web UI's heaviest pages on the benchmark database (the one bench/bench.py seeds,
plus companies and deals for the kanban): contact list, filtered and searched lists, contact card,
kanban, deal card and Home, each driven by wrk with a signed-in session cookie.

    python3 bench/pages.py                       # needs bench-data/contacts-1000000 (bench/bench.py seeds it)
    python3 bench/pages.py --no-build --duration 10

Results are printed and written to docs/PERFORMANCE.md (the table between the PAGES markers). The
latency is measured by wrk over loopback, so it is the server's render time plus a loopback round trip.
"""
import argparse
import os
import platform
import re
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import ROOT, run, serve, wrk  # noqa: E402

PASSWORD = "bench-pages-password"


def sign_in(url, email):
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    body = urllib.parse.urlencode({"email": email, "password": PASSWORD}).encode()
    try:
        opener.open(urllib.request.Request(url + "/login", data=body, method="POST"))
    except urllib.error.HTTPError as redirect:
        cookie = redirect.headers.get("Set-Cookie", "")
        match = re.search(r"rapport_session=([^;]+)", cookie)
        if match:
            return match.group(1)
    raise SystemExit("could not sign in")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--data", default=os.path.join(ROOT, "bench-data"))
    parser.add_argument("--port", type=int, default=8182)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", default="1,4")
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    binary = os.path.join(ROOT, ".build-release", "release", "rapport")
    if not args.no_build:
        run(["swift", "build", "-c", "release", "--product", "rapport", "--scratch-path", ".build-release"], cwd=ROOT)
    data = os.path.join(args.data, f"contacts-{args.contacts}")
    path = os.path.join(data, "rapport.sqlite")
    env = dict(os.environ, RAPPORT_DATA_DIR=data, RAPPORT_LOG_LEVEL="warning")
    if not os.path.exists(path):
        raise SystemExit(f"no benchmark database at {path}: run python3 bench/bench.py first")
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    deals, = db.execute("SELECT COUNT(*) FROM deals WHERE deleted_at IS NULL").fetchone()
    if deals < 100_000:
        run([binary, "seed", "--companies", "100000", "--deals", "300000", "--seed", "7"], env=env)
        deals, = db.execute("SELECT COUNT(*) FROM deals WHERE deleted_at IS NULL").fetchone()
    contacts, = db.execute("SELECT COUNT(*) FROM contacts WHERE deleted_at IS NULL").fetchone()
    companies, = db.execute("SELECT COUNT(*) FROM companies WHERE deleted_at IS NULL").fetchone()
    email = "bench@rapport.local"
    run([binary, "user", "set-password", "--email", email, "--password", PASSWORD], env=env, stdout=subprocess.DEVNULL)
    contact_ids = [row[0] for row in db.execute("SELECT id FROM contacts ORDER BY random() LIMIT 1000")]
    deal_ids = [row[0] for row in db.execute("SELECT id FROM deals ORDER BY random() LIMIT 1000")]

    server, url = serve(binary, env, args.port)
    scenarios = [
        ("contact list, first page", ["/contacts"]),
        ("contact list, filtered by city", ["/contacts?city=" + urllib.parse.quote("Казань")]),
        ("contact list, name search", ["/contacts?q=" + urllib.parse.quote("иванов")]),
        ("contact card", [f"/contacts/{i}" for i in contact_ids]),
        ("kanban (all deals of the pipeline)", ["/deals"]),
        ("deal card", [f"/deals/{i}" for i in deal_ids]),
        ("home", ["/"]),
    ]
    tables = []
    try:
        cookie = sign_in(url, email)
        headers = {"Cookie": f"rapport_session={cookie}"}
        for connections in [int(c) for c in args.connections.split(",")]:
            rows = []
            for name, paths in scenarios:
                for p in paths[:10]:
                    urllib.request.urlopen(urllib.request.Request(url + p, headers=headers)).read()
                rps, p50, p99, errors = wrk(url, None, args.duration, connections, paths, headers=headers)
                rows.append(f"| {name} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {errors} |")
                print(f"c={connections:<3} {name:38} {rps:8.0f} pages/s  p50 {p50:7.2f} ms  p99 {p99:7.2f} ms  non-200 {errors}", flush=True)
            tables.append(
                f"**{connections} concurrent connection{'s' if connections > 1 else ''}** (wrk -t{min(2, connections)} -c{connections} -d{args.duration}s):\n\n"
                "| Page | pages/s | p50 ms | p99 ms | non-200 |\n|---|---:|---:|---:|---:|\n" + "\n".join(rows) + "\n")
    finally:
        server.terminate()
        server.wait()
    cpu = platform.processor() or platform.machine()
    table = (
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores ({cpu}, shared with wrk), SQLite, release build, "
        f"{contacts:,} contacts, {companies:,} companies, {deals:,} deals, signed in as an owner (sees everything).\n\n"
        + "\n".join(tables) + "\n"
        f"Command: `python3 bench/pages.py --contacts {args.contacts} --duration {args.duration} --connections {args.connections}`\n")
    print(table)
    if not args.no_write:
        doc = os.path.join(ROOT, "docs", "PERFORMANCE.md")
        text = open(doc).read()
        text = re.sub(r"<!-- PAGES:START -->.*<!-- PAGES:END -->", "<!-- PAGES:START -->\n" + table + "<!-- PAGES:END -->", text, flags=re.S)
        open(doc, "w").write(text)


if __name__ == "__main__":
    sys.exit(main())
