#!/usr/bin/env python3
"""Rapport HTTP benchmark: seeds N contacts into an embedded SQLite database, starts a release
`rapport serve`, drives each API scenario with wrk (requests/s, p50, p99), and measures the raw SQL the
store runs for the same request (the floor) with Python's sqlite3 on the same file.

    python3 bench/bench.py                      # 1,000,000 contacts, 20 s per scenario
    python3 bench/bench.py --contacts 100000 --duration 10

Results are printed and written to docs/PERFORMANCE.md (the table between the BENCH markers).
"""
import argparse
import base64
import json
import os
import platform
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(cmd, **kw):
    print("+", " ".join(cmd), flush=True)
    return subprocess.run(cmd, check=True, **kw)


def timed(cmd, env):
    """Runs `cmd` under /usr/bin/time -v and exits if it fails: (wall seconds, peak RSS in MB, its stdout)."""
    started = time.time()
    done = subprocess.run(["/usr/bin/time", "-v"] + cmd, env=env, capture_output=True, text=True)
    elapsed = time.time() - started
    if done.returncode != 0:
        print(done.stdout, done.stderr, file=sys.stderr)
        raise SystemExit(f"failed: {' '.join(cmd)}")
    peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1))
    return elapsed, peak_kb / 1024, done.stdout


def add_binary_options(parser):
    """The options every benchmark shares: which release binary to run, and whether to update the docs."""
    parser.add_argument("--no-build", action="store_true", help="use the existing release binary")
    parser.add_argument("--binary", help="run this rapport binary instead of building one (implies --no-build)")
    parser.add_argument("--no-write", action="store_true", help="do not update docs/PERFORMANCE.md")


def release_binary(args):
    """The release binary to benchmark, built first unless told otherwise. A separate scratch folder keeps the
    release build from invalidating the debug one."""
    if args.binary:
        return args.binary
    if not args.no_build:
        run(["swift", "build", "-c", "release", "--product", "rapport", "--scratch-path", ".build-release"], cwd=ROOT)
    return os.path.join(ROOT, ".build-release", "release", "rapport")


def write_block(marker, body, section=None):
    """Replaces the text between `<!-- MARKER:START -->` and `<!-- MARKER:END -->` in docs/PERFORMANCE.md with
    `body`; when the markers are missing, adds `section` (a heading and text) with the block before
    "## How to reproduce"."""
    doc = os.path.join(ROOT, "docs", "PERFORMANCE.md")
    text = open(doc).read()
    block = f"<!-- {marker}:START -->\n{body}<!-- {marker}:END -->"
    if f"<!-- {marker}:START -->" in text:
        text = re.sub(f"<!-- {marker}:START -->.*<!-- {marker}:END -->", lambda _: block, text, flags=re.S)
    else:
        text = text.replace("## How to reproduce", f"{section}\n\n{block}\n\n## How to reproduce")
    open(doc, "w").write(text)


def cursor_token(sort, value, record_id):
    raw = json.dumps({"sort": sort, "value": value, "id": record_id}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def fold(text):
    return " ".join(text.lower().replace("ё", "е").split())


def wrk(url, token, duration, connections, paths, headers=None, timeout=None):
    """Runs wrk over a list of paths (round-robin per request); returns (req/s, p50 ms, p99 ms, errors).
    Requests carry the API token, or the given headers instead (a session cookie for pages). Requests
    slower than `timeout` seconds (wrk's default: 2) are left out of wrk's latency figures."""
    headers = headers or {"Authorization": f"Bearer {token}"}
    fields = ", ".join(f"[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items())
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    script.write("paths = {" + ",".join(json.dumps(p) for p in paths) + "}\n")
    script.write(
        'counter = 0\nrequest = function()\n  counter = counter + 1\n'
        '  return wrk.format("GET", paths[(counter % #paths) + 1], {' + fields + '})\nend\n'
    )
    script.close()
    out = subprocess.run(
        ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{duration}s", "--latency", "-s", script.name, url]
        + ([f"--timeout={timeout}s"] if timeout else []),
        capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"wrk failed: {out.stderr}{out.stdout}")
    out = out.stdout
    os.unlink(script.name)

    def ms(label):
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)", out, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rps, ms("50"), ms("99"), int(non2xx.group(1)) if non2xx else 0


def serve(binary, env, port):
    """Starts `rapport serve` and waits until it is ready (migrations included); returns (process, url)."""
    server = subprocess.Popen([binary, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(url + "/readyz", timeout=1)
            return server, url
        except Exception:
            if server.poll() is not None:
                raise SystemExit("rapport serve exited")
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("rapport serve did not become ready")


def floor(db, statements, repeat):
    """p50/p99 in ms of running the statements (the same SQL the store runs for one request)."""
    times = []
    for i in range(repeat):
        start = time.perf_counter()
        for sql, params in statements(i):
            db.execute(sql, params).fetchall()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return times[len(times) // 2], times[int(len(times) * 0.99) - 1]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--data", default=os.path.join(ROOT, "bench-data"))
    parser.add_argument("--port", type=int, default=8181)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", default="16,4", help="comma-separated wrk connection counts, one table each")
    add_binary_options(parser)
    args = parser.parse_args()
    binary = release_binary(args)
    data = os.path.join(args.data, f"contacts-{args.contacts}")
    path = os.path.join(data, "rapport.sqlite")
    env = dict(os.environ, RAPPORT_DATA_DIR=data, RAPPORT_LOG_LEVEL="warning")
    if not os.path.exists(path):
        started = time.time()
        run([binary, "seed", "--contacts", str(args.contacts)], env=env)
        print(f"seeded in {time.time() - started:.0f} s")
    token = subprocess.run([binary, "token", "create", "--email", "bench@rapport.local", "--name", "bench"],
                           env=env, check=True, capture_output=True, text=True).stdout.strip()

    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    workspace, = db.execute("SELECT id FROM workspaces LIMIT 1").fetchone()
    count, = db.execute("SELECT COUNT(*) FROM contacts WHERE deleted_at IS NULL").fetchone()
    rng = random.Random(42)
    ids = [row[0] for row in db.execute("SELECT id FROM contacts ORDER BY random() LIMIT 2000")]
    deep_created, deep_id = db.execute(
        "SELECT created_at, id FROM contacts WHERE workspace_id = ? AND deleted_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET ?",
        (workspace, count // 2)).fetchone()
    deep = cursor_token("-createdAt", deep_created, deep_id)
    owner, = db.execute("SELECT owner_id FROM contacts LIMIT 1").fetchone()
    phones = [row[0][-7:] for row in db.execute("SELECT e164 FROM phones ORDER BY random() LIMIT 500")]

    server, url = serve(binary, env, args.port)

    def parts(page_ids):
        # The store's one query for a page's phones, e-mails, tags and company links.
        marks = ",".join("?" * len(page_ids))
        sql = (f"SELECT 't' AS part, rt.record_id AS record_id, rt.position AS pos, t.name AS a, NULL AS b, NULL AS c "
               f"FROM record_tags rt JOIN tags t ON t.id = rt.tag_id WHERE rt.record_kind = 'contact' AND rt.record_id IN ({marks}) "
               f"UNION ALL SELECT 'p', record_id, position, raw, e164, kind FROM phones WHERE record_kind = 'contact' AND record_id IN ({marks}) "
               f"UNION ALL SELECT 'e', record_id, position, address, NULL, kind FROM emails WHERE record_kind = 'contact' AND record_id IN ({marks}) "
               f"UNION ALL SELECT 'c', contact_id, position, company_id, CASE WHEN is_primary THEN '1' ELSE '0' END, NULL "
               f"FROM contact_companies WHERE contact_id IN ({marks}) ORDER BY part, record_id, pos")
        return [(sql, page_ids * 4)]

    def by_ids(page_ids):
        marks = ",".join("?" * len(page_ids))
        return [(f"SELECT * FROM contacts WHERE workspace_id = ? AND id IN ({marks})", [workspace, *page_ids])] + parts(page_ids)

    def page(where, params, order="c.created_at DESC, c.id DESC"):
        # The store's keyset page: whole rows in one query, then the parts query.
        sql = (f"SELECT c.*, c.created_at AS sort_value FROM contacts c WHERE c.workspace_id = ? AND c.deleted_at IS NULL"
               f"{where} ORDER BY {order} LIMIT 51")
        page_ids = [row[0] for row in db.execute(sql, [workspace, *params]).fetchall()][:50]
        return [(sql, [workspace, *params])] + parts(page_ids)

    def search(term):
        # The store's search page: newest match first, read off the FTS5 index, one page.
        sql = ("SELECT c.*, search_fts.rowid AS doc FROM search_fts JOIN search_docs sd ON sd.id = search_fts.rowid "
               "JOIN contacts c ON c.id = sd.record_id WHERE c.workspace_id = ? AND c.deleted_at IS NULL "
               "AND sd.workspace_id = ? AND sd.record_kind = 'contact' AND search_fts MATCH ? ORDER BY search_fts.rowid DESC LIMIT 51")
        params = [workspace, workspace, f'"{term}"']
        page_ids = [row[0] for row in db.execute(sql, params).fetchall()][:50]
        return [(sql, params)] + parts(page_ids)

    city = "Казань"
    scenarios = [
        ("get by id", [f"/api/v1/contacts/{i}" for i in ids],
         lambda i: by_ids([ids[i % len(ids)]])),
        ("list, first page (50)", ["/api/v1/contacts?limit=50"],
         lambda i: page("", [])),
        (f"list, deep cursor (row {count // 2:,})", [f"/api/v1/contacts?limit=50&cursor={deep}"],
         lambda i: page(" AND (c.created_at, c.id) < (?, ?)", [deep_created, deep_id])),
        ("filter by city", [f"/api/v1/contacts?limit=50&city={urllib.parse.quote(city)}"],
         lambda i: page(" AND c.city_key = ?", [fold(city)])),
        ("filter by owner", [f"/api/v1/contacts?limit=50&ownerId={owner}"],
         lambda i: page(" AND c.owner_id = ?", [owner])),
        ("search a name (иванов)", ["/api/v1/contacts?limit=50&q=" + urllib.parse.quote("иванов")],
         lambda i: search("иванов")),
        ("search 7 phone digits", [f"/api/v1/contacts?limit=50&q={p}" for p in phones],
         lambda i: search(phones[i % len(phones)])),
    ]

    counts = [int(c) for c in str(args.connections).split(",") if c.strip()]
    floors = {}
    tables = []
    try:
        for connections in counts:
            results = []
            for name, paths, statements in scenarios:
                # Warm up, then measure.
                for p in paths[:20]:
                    request = urllib.request.Request(url + p, headers={"Authorization": f"Bearer {token}"})
                    urllib.request.urlopen(request).read()
                rps, p50, p99, errors = wrk(url, token, args.duration, connections, paths)
                if name not in floors:
                    floors[name] = floor(db, statements, 300)
                f50, f99 = floors[name]
                results.append((name, rps, p50, p99, errors, f50, f99))
                print(f"c={connections:<3} {name:38} {rps:9.0f} req/s  p50 {p50:7.2f} ms  p99 {p99:7.2f} ms  non-200 {errors}  | SQL floor p50 {f50:6.2f} ms p99 {f99:6.2f} ms", flush=True)
            rows = "\n".join(
                f"| {name} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {f50:.2f} | {f99:.2f} | {p99 / max(f99, 0.001):.1f}× | {errors} |"
                for name, rps, p50, p99, errors, f50, f99 in results)
            tables.append(
                f"**{connections} concurrent connections** (wrk -t2 -c{connections} -d{args.duration}s):\n\n"
                "| Scenario | req/s | p50 ms | p99 ms | SQL floor p50 ms | SQL floor p99 ms | p99 / floor | non-200 |\n"
                "|---|---:|---:|---:|---:|---:|---:|---:|\n" + rows + "\n")
    finally:
        server.terminate()
        server.wait()

    cpu = platform.processor() or platform.machine()
    build = "release build" if binary.endswith(os.path.join(".build-release", "release", "rapport")) else f"binary {binary}"
    table = (
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores ({cpu}, shared with wrk), SQLite, {build}, "
        f"{count:,} contacts, over loopback with an API token.\n\n" + "\n".join(tables) + "\n"
        f"Command: `python3 bench/bench.py --contacts {args.contacts} --duration {args.duration} --connections {args.connections}`\n")
    print(table)
    if not args.no_write:
        write_block("BENCH", table)


if __name__ == "__main__":
    sys.exit(main())
