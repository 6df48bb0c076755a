#!/usr/bin/env python3
"""Rapport workspace archive benchmark: seeds a workspace (100,000 contacts, 20,000 deals, 100,000 orders by
default) with a release `rapport seed`, then measures `rapport export --workspace ID --out FILE`, the restore
`rapport import --archive FILE` into an empty data directory, and the export again from the restored install,
each under `/usr/bin/time -v` (wall time and peak memory). The two archives' table files and documents must be
identical byte for byte (the manifests differ only in their creation time), or the benchmark fails.

    python3 bench/archive.py
    python3 bench/archive.py --contacts 20000 --deals 4000 --orders 20000 --no-write

Results are printed and written to docs/PERFORMANCE.md (between the ARCHIVE markers).
"""
import argparse
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import add_binary_options, release_binary, run, timed, write_block  # noqa: E402


def entries(path):
    """Every entry of an archive, the manifest without its creation time."""
    with zipfile.ZipFile(path) as archive:
        result = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(result["manifest.json"])
    manifest.pop("createdAt", None)
    result["manifest.json"] = json.dumps(manifest, sort_keys=True).encode()
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--deals", type=int, default=20_000)
    parser.add_argument("--orders", type=int, default=100_000)
    add_binary_options(parser)
    args = parser.parse_args()
    binary = release_binary(args)

    work = tempfile.mkdtemp(prefix="rapport-archive-")
    source, target = os.path.join(work, "a"), os.path.join(work, "b")
    first, second = os.path.join(work, "first.zip"), os.path.join(work, "second.zip")
    try:
        env = dict(os.environ, RAPPORT_DATA_DIR=source, RAPPORT_LOG_LEVEL="warning")
        run([binary, "seed", "--contacts", str(args.contacts), "--deals", str(args.deals), "--orders", str(args.orders)],
            env=env, stdout=subprocess.DEVNULL)
        with sqlite3.connect(os.path.join(source, "rapport.sqlite")) as db:
            workspace = db.execute("SELECT id FROM workspaces").fetchone()[0]
        export = timed([binary, "export", "--workspace", workspace, "--out", first], env)[:2]
        restore = timed([binary, "import", "--archive", first], dict(env, RAPPORT_DATA_DIR=target))[:2]
        again = timed([binary, "export", "--workspace", workspace, "--out", second], dict(env, RAPPORT_DATA_DIR=target))[:2]
        before, after = entries(first), entries(second)
        if before != after:
            differing = sorted(name for name in set(before) | set(after) if before.get(name) != after.get(name))
            raise SystemExit(f"the archives differ after the round trip: {differing}")
        manifest = json.loads(before["manifest.json"])
        rows = sum(table["rows"] for table in manifest["tables"])
        size = os.path.getsize(first)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    steps = [("`rapport export --workspace ID --out ws.zip`", export),
             ("`rapport import --archive ws.zip` into an empty data directory", restore),
             ("export again from the restored install", again)]
    for label, (wall, peak) in steps:
        print(f"{label}: {wall:.1f} s, peak RSS {peak:.0f} MB")
    print(f"{rows:,} rows in {len(manifest['tables'])} tables, archive {size / 1e6:.0f} MB; round trip identical")
    if args.no_write:
        return 0
    table = "".join(f"| {label} | {wall:.1f} s | {peak:.0f} MB |\n" for label, (wall, peak) in steps)
    write_block(
        "ARCHIVE",
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores ({platform.machine()}), release build, SQLite: "
        f"a workspace of {args.contacts:,} contacts, {args.deals:,} deals and {args.orders:,} orders, {rows:,} rows in "
        f"{len(manifest['tables'])} tables, a {size / 1e6:.0f} MB archive. The two archives' entries are identical.\n\n"
        "| Step | Wall | Peak RSS |\n|---|---:|---:|\n" + table + "\n"
        f"Command: `python3 bench/archive.py --contacts {args.contacts} --deals {args.deals} --orders {args.orders}`\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
