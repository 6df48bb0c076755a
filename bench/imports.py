#!/usr/bin/env python3
"""Rapport import benchmark: writes a contact CSV the way Russian Excel saves one (Windows-1251, `;`,
"ФИО" in one column, phones written every way, some rows repeating an e-mail), imports it with a release
`rapport import contacts FILE --json` into a fresh embedded database, and reports the wall time and the peak
memory (`/usr/bin/time -v`), with the import's own counts.

    python3 bench/imports.py                     # 1,000,000 rows
    python3 bench/imports.py --rows 100000 --no-write
    python3 bench/imports.py --binary .build/release/rapport

Results are printed and written to docs/PERFORMANCE.md (between the IMPORT markers), with the floor: the time
SQLite itself takes to write the same rows (see `sqlite_floor`).
"""
import argparse
import json
import os
import platform
import random
import shutil
import sqlite3
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import ROOT, add_binary_options, release_binary, run, timed, write_block  # noqa: E402

LAST = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков", "Фёдоров",
        "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев"]
FIRST = ["Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Максим", "Евгений", "Иван", "Михаил", "Артём"]
MIDDLE = ["Александрович", "Сергеевич", "Дмитриевич", "Андреевич", "Алексеевич", "Иванович", "Петрович"]
CITIES = ["Москва", "Санкт-Петербург", "Казань", "Екатеринбург", "Новосибирск", "Самара", "Уфа", "Пермь"]
TAGS = ["VIP", "опт", "розница", "партнёр", "выставка"]


def phone(rng, n):
    """The same kind of mobile number, written the ways people type it."""
    digits = f"9{n % 1_000_000_000:09d}"
    a, b, c, d = digits[:3], digits[3:6], digits[6:8], digits[8:]
    return rng.choice([f"+7 ({a}) {b}-{c}-{d}", f"8 {a} {b} {c} {d}", f"7{digits}", f"8-{a}-{b}-{c}-{d}", f"+7{digits}"])


def write_csv(path, rows, seed):
    """Rows with unique e-mails and phones, except about 2% that repeat an earlier row's e-mail."""
    rng = random.Random(seed)
    with open(path, "w", encoding="cp1251", newline="") as out:
        out.write("ФИО;Телефон;E-mail;Город;Должность;Теги\r\n")
        for i in range(rows):
            n = rng.randrange(i) if i > 1000 and rng.random() < 0.02 else i
            name = f"{LAST[n % 20]}{'а' if n % 7 == 0 else ''} {FIRST[n % 10]} {MIDDLE[n % 7]}"
            out.write(f"{name};{phone(rng, n)};client{n}@example.ru;{CITIES[n % 8]};менеджер;{TAGS[n % 5]}\r\n")


def sqlite_floor(source, batch=4000):
    """The raw SQL floor of an import: the rows the import wrote, copied by SQLite alone (`INSERT … SELECT` from
    the attached finished database, no parsing, binding or Swift) into a fresh database with the same schema,
    indexes, triggers and search index, with the import's settings and in as many transactions as it had
    batches, every table's share of a batch in one transaction. Returns the seconds."""
    target = os.path.join(os.path.dirname(source), "floor.sqlite")
    db = sqlite3.connect(target, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    for pragma in ["synchronous = NORMAL", "cache_size = -262144", "wal_autocheckpoint = 16384"]:
        db.execute(f"PRAGMA {pragma}")
    db.execute("ATTACH DATABASE ? AS done", (source,))
    schema = db.execute(
        "SELECT type, name, tbl_name, sql FROM done.sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'search_fts_%' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY type = 'table' DESC, rowid").fetchall()
    for _, _, _, sql in schema:
        db.execute(sql)
    db.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('automerge', 16)")
    tables = [name for kind, name, _, sql in schema if kind == "table" and not sql.upper().startswith("CREATE VIRTUAL")]
    sizes = {t: db.execute(f'SELECT COUNT(*) FROM done."{t}"').fetchone()[0] for t in tables}
    # Tables the import filled (more rows than a batch) are copied a batch at a time, the rest up front.
    filled = [t for t in tables if sizes[t] > batch]
    for table in tables:
        if table not in filled:
            db.execute(f'INSERT INTO "{table}" SELECT * FROM done."{table}"')
    batches = max(sizes[t] for t in filled) // batch + 1 if filled else 0
    chunks = {}
    for table in filled:
        rowids = [r[0] for r in db.execute(f'SELECT rowid FROM done."{table}" ORDER BY rowid')]
        edges = rowids[::-(-len(rowids) // batches)] + [None]
        chunks[table] = list(zip(edges, edges[1:]))
    started = time.time()
    for index in range(batches):
        db.execute("BEGIN")
        for table in filled:
            if index < len(chunks[table]):
                low, high = chunks[table][index]
                upper = "" if high is None else f" AND rowid < {high}"
                db.execute(f'INSERT INTO "{table}" SELECT * FROM done."{table}" WHERE rowid >= {low}{upper} ORDER BY rowid')
        db.execute("COMMIT")
    elapsed = time.time() - started
    db.close()
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--data", default=os.path.join(ROOT, "bench-data"), help="where the CSV is kept")
    add_binary_options(parser)
    args = parser.parse_args()
    binary = release_binary(args)
    os.makedirs(args.data, exist_ok=True)
    csv = os.path.join(args.data, f"import-{args.rows}.csv")
    if not os.path.exists(csv):
        write_csv(csv, args.rows, seed=7)
    size = os.path.getsize(csv)

    data = tempfile.mkdtemp(prefix="rapport-import-")
    env = dict(os.environ, RAPPORT_DATA_DIR=data, RAPPORT_LOG_LEVEL="warning")
    try:
        run([binary, "seed", "--contacts", "0"], env=env)  # a workspace and its owner, nothing else
        elapsed, peak_mb, stdout = timed([binary, "import", "contacts", csv, "--json"], env)
        summary = json.loads(stdout.strip().splitlines()[-1])
        floor = sqlite_floor(os.path.join(data, "rapport.sqlite"))
    finally:
        shutil.rmtree(data, ignore_errors=True)

    rate = args.rows / elapsed
    print(f"{args.rows:,} rows in {elapsed:.1f} s ({rate:,.0f} rows/s), peak RSS {peak_mb:.0f} MB, {summary}")
    print(f"SQLite floor (the same rows copied by SQLite alone): {floor:.1f} s, the import {elapsed / floor:.1f}x")
    if args.no_write:
        return 0
    counts = ", ".join(f"{key} {summary[key]:,}" for key in ["created", "updated", "skipped", "failed"] if key in summary)
    write_block(
        "IMPORT",
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores ({platform.machine()}), release build, SQLite, "
        f"a fresh database.\n\n"
        "| Rows | File | Wall time | Rows/s | Peak memory (RSS) | SQLite floor | Ratio | Outcome |\n"
        "|---:|---:|---:|---:|---:|---:|---:|---|\n"
        f"| {args.rows:,} | {size / 1e6:.0f} MB (Windows-1251, `;`) | {elapsed:.1f} s | {rate:,.0f} | {peak_mb:.0f} MB "
        f"| {floor:.1f} s | {elapsed / floor:.1f}x | {counts} |\n\n"
        "SQLite floor: the same rows copied by SQLite alone into a fresh database with the same schema, in as many "
        "transactions (`sqlite_floor` in the script, Python's `sqlite3`).\n\n"
        f"Command: `python3 bench/imports.py --rows {args.rows}`\n",
        "## Contact import\n\nTarget (issue \"Data in and out\"): 1,000,000 rows in under 60 s with peak memory under 500 MB, "
        "release build.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
