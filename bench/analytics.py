#!/usr/bin/env python3
"""Rapport analytics benchmark: segment counts and reports over the benchmark seed (1,000,000 contacts,
5,000,000 orders, 1,000,000 deals) on SQLite, release build.

Seeds the database once (`rapport seed --contacts N --deals N --orders N`, kept in bench-data/), starts
`rapport serve`, creates the segments through the API, drives each request with wrk (requests/s, p50, p99)
at each connection count, and beside each runs the same SQL statements the store runs for that request
(copied from ReportRepository / SegmentCompiler with the binds filled in) through Python's sqlite3 on the
same file: the raw SQL floor, best and median of several runs.

    python3 bench/analytics.py                      # the full seed, 15 s per scenario, 1 and 4 connections
    python3 bench/analytics.py --no-build --explain # reuse the release binary; print each query plan
    python3 bench/analytics.py --contacts 100000 --orders 500000 --deals 100000 --no-write

Results are printed and written to docs/PERFORMANCE.md between the ANALYTICS markers.
"""
import argparse
import datetime
import json
import os
import platform
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zoneinfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import ROOT, add_binary_options, release_binary, run, serve, wrk, write_block  # noqa: E402

TARGET_MS = 300


def api(url, token, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url + path, data=data, method=method, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        raise SystemExit(f"{method} {path}: {error.code} {error.read()[:500]!r}")


def floor(db, statements, budget_s, most=30, least=3):
    """Best and median ms of running the statements (one request's SQL), repeated for about budget_s."""
    times = []
    started = time.perf_counter()
    while len(times) < most and (len(times) < least or time.perf_counter() - started < budget_s):
        start = time.perf_counter()
        for sql, params in statements:
            db.execute(sql, params).fetchall()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return times[0], times[len(times) // 2], len(times)


def ms(value):
    """A floor in ms for the table, or a dash where none is written out."""
    return "—" if value is None else f"{value:,.1f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=5_000_000)
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument("--data", default=os.path.join(ROOT, "bench-data"))
    parser.add_argument("--port", type=int, default=8184)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", default="1,4", help="comma-separated wrk connection counts, one table each")
    parser.add_argument("--floor-seconds", type=float, default=5, help="time spent on each SQL floor (at least 3 runs)")
    parser.add_argument("--only", help="run only the scenarios whose name contains this text")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN QUERY PLAN of every floor statement")
    add_binary_options(parser)
    args = parser.parse_args()
    binary = release_binary(args)
    data = os.path.join(args.data, f"analytics-{args.contacts}-{args.orders}-{args.deals}")
    path = os.path.join(data, "rapport.sqlite")
    done_marker = os.path.join(data, "seeded")
    env = dict(os.environ, RAPPORT_DATA_DIR=data, RAPPORT_LOG_LEVEL="warning")
    if not os.path.exists(done_marker):
        if os.path.exists(path):
            raise SystemExit(f"{path} exists but its seeding did not finish: delete {data} and run again")
        started = time.time()
        run([binary, "seed", "--contacts", str(args.contacts), "--deals", str(args.deals), "--orders", str(args.orders)], env=env)
        seconds = time.time() - started
        open(done_marker, "w").write(f"{seconds:.0f}\n")
        print(f"seeded in {seconds:.0f} s")
    seed_seconds = int(float(open(done_marker).read().strip() or 0))
    token = subprocess.run([binary, "token", "create", "--email", "bench@rapport.local", "--name", "bench"],
                           env=env, check=True, capture_output=True, text=True).stdout.strip()

    server, url = serve(binary, env, args.port)  # migrates the file first, so the floor sees the same indexes
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        db.execute("PRAGMA cache_size = -65536")
        # The server's start runs the purchases.tally and clv.project jobs, which build the per-day tallies
        # and each buyer's CLV projection on a base migrated to them; until they are done the reports work
        # from the orders and predict in Swift, and the jobs load the machine, so wait for both.
        started = time.time()
        while True:
            built = db.execute("SELECT COUNT(*) FROM purchase_tallies t JOIN workspaces w ON w.id = t.workspace_id "
                               "AND w.time_zone = t.time_zone").fetchone()[0]
            unprojected = db.execute("SELECT COUNT(*) FROM contacts WHERE clv_future IS NULL AND order_count > 0").fetchone()[0]
            if built == db.execute("SELECT COUNT(*) FROM workspaces").fetchone()[0] and unprojected == 0:
                break
            if time.time() - started > 3600:
                raise SystemExit("the purchase tallies and CLV projections were not built within an hour")
            time.sleep(5)
        if time.time() - started > 5:
            print(f"purchase tallies and CLV projections built by the server in {time.time() - started:.0f} s", flush=True)
        db.execute("PRAGMA mmap_size = 1073741824")
        workspace, zone = db.execute("SELECT id, time_zone FROM workspaces ORDER BY created_at LIMIT 1").fetchone()
        tz = zoneinfo.ZoneInfo(zone)
        counts = {table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                  for table in ["contacts", "orders", "deals", "stage_history"]}
        pipeline, = db.execute(
            "SELECT id FROM pipelines WHERE workspace_id = ? AND deleted_at IS NULL ORDER BY position LIMIT 1", (workspace,)).fetchone()
        # Two products from the middle of the catalog's sales ranking.
        products = [row[0] for row in db.execute(
            "SELECT id FROM products WHERE workspace_id = ? AND sku LIKE 'BENCH-%' ORDER BY sku LIMIT 2 OFFSET 10", (workspace,))]

        # The segments, created through the API as a user would.
        lapsed_filter = {"all": [{"field": "orderCount", "op": "gte", "value": 2},
                                 {"field": "lastOrderAt", "op": "notWithinDays", "value": 90}]}
        product_filter = {"field": "orders", "op": "exists", "value": {"productIds": products}}
        city_filter = {"all": [{"field": "city", "op": "is", "value": "Казань"},
                               {"field": "orders", "op": "exists", "value": {"productIds": products}}]}
        segments = {}
        for key, name, filter_ in [("lapsed", "Купили дважды, молчат 90 дней", lapsed_filter),
                                   ("product", "Купили товар", product_filter),
                                   ("city", "Казань, купили товар", city_filter)]:
            segments[key] = api(url, token, "POST", "/api/v1/segments", {"name": name, "filter": filter_})["id"]

        now = datetime.datetime.now(tz)
        today = now.date()

        def midnight(day):
            return int(datetime.datetime.combine(day, datetime.time(), tz).timestamp() * 1000)

        def period(first):
            start, end = midnight(first), midnight(today + datetime.timedelta(days=1))
            return (start, end), (start - (end - start), start)

        month_first = today - datetime.timedelta(days=29)
        year_first = today - datetime.timedelta(days=365)
        month, month_before = period(month_first)
        year, year_before = period(year_first)
        now_ms = int(now.timestamp() * 1000)

        # The store's SQL, as ReportRepository and SegmentCompiler write it (the actor is the owner: "1 = 1").
        def segment_count(condition, binds):
            return [("SELECT COUNT(*) AS n FROM contacts c WHERE (c.workspace_id = ?) AND (c.deleted_at IS NULL) AND (1 = 1) AND ("
                     + condition + ")", [workspace, *binds])]

        def orders_exists(ids):
            # What each client bought (migration 17), kept by the order writes.
            marks = ",".join("?" * len(ids))
            return f"c.id IN (SELECT cp.client_id FROM client_products cp WHERE cp.product_id IN ({marks}))", list(ids)

        def deal_conditions(span, closed):
            column = "d.closed_at" if closed else "d.created_at"
            return (f"(d.workspace_id = ?) AND (d.deleted_at IS NULL) AND ({column} >= ?) AND ({column} < ?) AND (1 = 1)",
                    [workspace, *span])

        # Each deal's furthest stage is kept on its row (migration 14); the funnel names the pipeline's
        # reachable stages so the index answers one range per stage.
        reachable = [row[0] for row in db.execute(
            "SELECT id FROM stages WHERE pipeline_id = ? AND kind <> 'lost' AND archived = 0 ORDER BY position", (pipeline,))]

        def funnel(span):
            where, binds = deal_conditions(span, False)
            where += " AND (d.pipeline_id = ?)"
            binds = binds + [pipeline]
            marks = ",".join("?" * len(reachable))
            return [
                ("SELECT d.furthest_stage_id AS stage_id, COUNT(*) AS n FROM deals d WHERE " + where
                 + f" AND (d.furthest_stage_id IN ({marks})) GROUP BY d.furthest_stage_id", binds + reachable),
                ("SELECT COUNT(*) AS n FROM deals d WHERE " + where + " AND (d.status = 'lost')", binds),
            ]

        def sales(span):
            created, created_binds = deal_conditions(span, False)
            closed, closed_binds = deal_conditions(span, True)
            return [
                ("SELECT COUNT(*) AS n FROM deals d WHERE " + created, created_binds),
                ("SELECT SUM(CASE WHEN d.status = 'won' THEN 1 ELSE 0 END) AS won, SUM(CASE WHEN d.status = 'lost' THEN 1 ELSE 0 END) AS lost, "
                 "CAST(COALESCE(SUM(CASE WHEN d.status = 'won' AND d.currency = ? THEN d.amount ELSE 0 END), 0) AS BIGINT) AS revenue, "
                 "CAST(COALESCE(SUM(CASE WHEN d.status = 'won' THEN d.closed_at - d.created_at ELSE 0 END), 0) AS BIGINT) AS cycle "
                 "FROM deals d WHERE " + closed, ["RUB", *closed_binds]),
            ]

        def local_day(millis):
            return (datetime.datetime.fromtimestamp(millis / 1000, tz).date() - datetime.date(1970, 1, 1)).days

        def purchases(span):
            # The per-day tallies (migration 18, built by the purchases.tally job): day sums, then the orders
            # whose buyer's previous and second-previous order fall in the period.
            first, end = local_day(span[0]), local_day(span[1])
            gaps = ("SELECT CAST(COALESCE(SUM(orders), 0) AS BIGINT) AS n FROM purchase_gaps "
                    "WHERE workspace_id = ? AND gap = ? AND earlier_day >= ? AND day < ?")
            return [
                ("SELECT CAST(COALESCE(SUM(orders), 0) AS BIGINT) AS orders, CAST(COALESCE(SUM(revenue), 0) AS BIGINT) AS revenue, "
                 "CAST(COALESCE(SUM(buyer_orders), 0) AS BIGINT) AS buyer_orders FROM purchase_days "
                 "WHERE workspace_id = ? AND day >= ? AND day < ?", [workspace, first, end]),
                (gaps, [workspace, 1, first, end]),
                (gaps, [workspace, 2, first, end]),
            ]

        rfm = [("SELECT c.rfm_recency AS r, c.rfm_frequency AS f, COUNT(*) AS n, CAST(SUM(c.revenue) AS BIGINT) AS revenue FROM contacts c "
                "WHERE (c.workspace_id = ?) AND (c.deleted_at IS NULL) AND (c.rfm_recency IS NOT NULL) AND (1 = 1) "
                "GROUP BY c.rfm_recency, c.rfm_frequency ORDER BY c.rfm_recency DESC, c.rfm_frequency DESC", [workspace])]

        ninety = now_ms - 90 * 86_400_000
        product_sql, product_binds = orders_exists(products)
        year_param = "from=" + year_first.isoformat()
        scenarios = [
            ("segment count: ≥2 orders, none in 90 days", f"/api/v1/segments/{segments['lapsed']}/count",
             segment_count("((c.order_count >= ?) AND ((c.last_order_at IS NULL OR c.last_order_at < ?)))",
                           [2, ninety])),
            ("segment count: bought 2 products", f"/api/v1/segments/{segments['product']}/count",
             segment_count("(" + product_sql + ")", product_binds)),
            ("segment count: Kazan and bought 2 products", f"/api/v1/segments/{segments['city']}/count",
             segment_count("((COALESCE(c.city_key = ?, FALSE)) AND (" + product_sql + "))", ["казань", *product_binds])),
            ("funnel, 30 days (+ previous 30)", f"/api/v1/reports/funnel?pipelineId={pipeline}", funnel(month) + funnel(month_before)),
            ("funnel, 365 days (+ previous 365)", f"/api/v1/reports/funnel?pipelineId={pipeline}&{year_param}",
             funnel(year) + funnel(year_before)),
            ("sales, 30 days (+ previous 30)", "/api/v1/reports/sales", sales(month) + sales(month_before)),
            ("sales, 365 days (+ previous 365)", f"/api/v1/reports/sales?{year_param}", sales(year) + sales(year_before)),
            ("purchases, 30 days (+ previous 30)", "/api/v1/reports/purchases", purchases(month) + purchases(month_before)),
            ("purchases, 365 days (+ previous 365)", f"/api/v1/reports/purchases?{year_param}", purchases(year) + purchases(year_before)),
            ("RFM grid", "/api/v1/reports/rfm", rfm),
            # The other reports, measured through the API only (no SQL floor written out here).
            ("time in stage, 30 days (+ previous 30)", f"/api/v1/reports/stage-time?pipelineId={pipeline}", []),
            ("time in stage, 365 days (+ previous 365)", f"/api/v1/reports/stage-time?pipelineId={pipeline}&{year_param}", []),
            ("lost reasons, 365 days", f"/api/v1/reports/lost-reasons?{year_param}", []),
            ("forecast (open deals by close month)", "/api/v1/reports/forecast", []),
            ("managers, 30 days", "/api/v1/reports/managers", []),
            ("managers, 365 days", f"/api/v1/reports/managers?{year_param}", []),
            ("sources, 30 days", "/api/v1/reports/sources", []),
            ("sources, 365 days", f"/api/v1/reports/sources?{year_param}", []),
            ("cohorts, 12 months", "/api/v1/reports/cohorts", []),
            ("CLV distribution", "/api/v1/reports/clv", []),
        ]
        if args.only:
            scenarios = [s for s in scenarios if args.only in s[0]]

        # Every request answers 200 once (and warms the cache) before it is measured. A segment created a
        # moment ago may answer 404 from a reader connection that has not caught up yet (seen here, reported
        # as a bug): retry until it answers.
        for name, path_, _ in scenarios:
            for attempt in range(20):
                started = time.perf_counter()
                try:
                    body = api(url, token, "GET", path_)
                    break
                except SystemExit as error:
                    print(f"{name}: attempt {attempt + 1}: {str(error)[:120]}", flush=True)
                    time.sleep(0.5)
            print(f"{name}: {(time.perf_counter() - started) * 1000:.0f} ms first call, {json.dumps(body, ensure_ascii=False)[:300]}",
                  flush=True)

        floors = {}
        for name, _, statements in scenarios:
            if args.explain:
                for sql, params in statements:
                    print(f"-- {name}\n{sql}")
                    for row in db.execute("EXPLAIN QUERY PLAN " + sql, params):
                        print("   ", row[3])
            if not statements:
                floors[name] = (None, None, 0)
                continue
            floors[name] = floor(db, statements, args.floor_seconds)
            best, median, runs = floors[name]
            print(f"floor {name:45} best {best:8.1f} ms  median {median:8.1f} ms  ({runs} runs)", flush=True)

        tables = []
        for connections in [int(c) for c in str(args.connections).split(",") if c.strip()]:
            results = []
            for name, path_, _ in scenarios:
                rps, p50, p99, errors = wrk(url, token, args.duration, connections, [path_], timeout=60)
                best, median, _ = floors[name]
                results.append((name, rps, p50, p99, errors, best, median))
                print(f"c={connections} {name:45} {rps:7.1f} req/s  p50 {p50:8.1f} ms  p99 {p99:8.1f} ms  non-200 {errors}"
                      f"  | floor best {ms(best)} ms", flush=True)
            rows = "\n".join(
                f"| {name} | {rps:,.1f} | {p50:,.1f} | {p99:,.1f} | {ms(best)} | {ms(median)} | "
                f"{'yes' if p99 < TARGET_MS and errors == 0 else '**no**'} | {errors} |"
                for name, rps, p50, p99, errors, best, median in results)
            tables.append(
                f"**{connections} concurrent connection{'s' if connections > 1 else ''}** "
                f"(wrk -t{min(2, connections)} -c{connections} -d{args.duration}s):\n\n"
                f"| Request | req/s | p50 ms | p99 ms | SQL floor best ms | SQL floor median ms | p99 < {TARGET_MS} ms | non-200 |\n"
                "|---|---:|---:|---:|---:|---:|:---:|---:|\n" + rows + "\n")
    finally:
        server.terminate()
        server.wait()

    cpu = platform.processor() or platform.machine()
    size = os.path.getsize(path) / 1e9
    table = (
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores ({cpu}, shared with wrk and other work), SQLite "
        f"{db.execute('select sqlite_version()').fetchone()[0]} for the floor, release build, "
        f"{counts['contacts']:,} contacts, {counts['orders']:,} orders, {counts['deals']:,} deals "
        f"({counts['stage_history']:,} stage visits), database {size:.1f} GB (seeded in {seed_seconds // 60} min), "
        f"signed in with an owner's API token (sees everything).\n\n" + "\n".join(tables) + "\n"
        f"Command: `python3 bench/analytics.py --contacts {args.contacts} --orders {args.orders} --deals {args.deals} "
        f"--duration {args.duration} --connections {args.connections}`\n")
    print(table)
    if not args.no_write and not args.only:
        write_block("ANALYTICS", table, "## Segments and reports, 1,000,000 contacts and 5,000,000 orders")


if __name__ == "__main__":
    sys.exit(main())
