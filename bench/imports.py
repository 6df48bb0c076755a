#!/usr/bin/env python3
"""Rapport import benchmark: writes a contact CSV the way Russian Excel saves one (Windows-1251, `;`,
"ФИО" in one column, phones written every way, some rows repeating an e-mail), imports it with a release
`rapport import contacts FILE --json` into a fresh embedded database, and reports the wall time and the peak
memory (`/usr/bin/time -v`), with the import's own counts.

    python3 bench/imports.py                     # 1,000,000 rows
    python3 bench/imports.py --rows 100000 --no-write
    python3 bench/imports.py --binary .build/release/rapport

Results are printed and written to docs/PERFORMANCE.md (between the IMPORT markers).
"""
import argparse
import json
import os
import platform
import random
import shutil
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
    finally:
        shutil.rmtree(data, ignore_errors=True)

    rate = args.rows / elapsed
    print(f"{args.rows:,} rows in {elapsed:.1f} s ({rate:,.0f} rows/s), peak RSS {peak_mb:.0f} MB, {summary}")
    if args.no_write:
        return 0
    counts = ", ".join(f"{key} {summary[key]:,}" for key in ["created", "updated", "skipped", "failed"] if key in summary)
    write_block(
        "IMPORT",
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores ({platform.machine()}), release build, SQLite, "
        f"a fresh database.\n\n"
        "| Rows | File | Wall time | Rows/s | Peak memory (RSS) | Outcome |\n|---:|---:|---:|---:|---:|---|\n"
        f"| {args.rows:,} | {size / 1e6:.0f} MB (Windows-1251, `;`) | {elapsed:.1f} s | {rate:,.0f} | {peak_mb:.0f} MB | {counts} |\n\n"
        f"Command: `python3 bench/imports.py --rows {args.rows}`\n",
        "## Contact import\n\nTarget (issue \"Data in and out\"): 1,000,000 rows in under 60 s with peak memory under 500 MB, "
        "release build.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
