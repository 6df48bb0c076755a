#!/usr/bin/env python3
"""Writes the DEFLATE fixtures InflateTests reads: raw DEFLATE streams made by zlib at several levels and
strategies, and a ZIP made by zipfile. The inputs are deterministic; InflateTests builds the same ones."""
import os, zipfile, zlib

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Deflate")


def noise(count):
    # The same linear congruential generator as InflateTests.noise.
    x, out = 1, bytearray()
    for _ in range(count):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        out.append((x >> 16) & 0xFF)
    return bytes(out)


def table(count):
    return "".join(f"{i};Иванов Иван {i * 7919 % 1000};+7916{i:07d};ivan{i}@example.ru\n" for i in range(count)).encode()


INPUTS = {"empty": b"", "hello": b"hello, hello, hello!", "table": table(1000), "noise": noise(8000), "run": b"a" * 100000}
VARIANTS = {
    "level0": dict(level=0), "level1": dict(level=1), "level6": dict(level=6), "level9": dict(level=9),
    "fixed": dict(level=9, strategy=zlib.Z_FIXED), "huffman": dict(level=9, strategy=zlib.Z_HUFFMAN_ONLY),
}

os.makedirs(HERE, exist_ok=True)
for name, data in INPUTS.items():
    for variant, options in VARIANTS.items():
        if name == "run" and variant == "level0":
            continue  # 100 kB of stored "a" tests nothing the other stored fixtures do not
        compressor = zlib.compressobj(options["level"], zlib.DEFLATED, -15, 9, options.get("strategy", zlib.Z_DEFAULT_STRATEGY))
        with open(os.path.join(HERE, f"{name}-{variant}.deflate"), "wb") as f:
            f.write(compressor.compress(data) + compressor.flush())

with zipfile.ZipFile(os.path.join(HERE, "mixed.zip"), "w") as archive:
    archive.writestr("table.csv", table(1000), compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    archive.writestr("stored.txt", b"hello, hello, hello!", compress_type=zipfile.ZIP_STORED)
    archive.writestr("empty.txt", b"", compress_type=zipfile.ZIP_DEFLATED)

# 10 MiB of zeros in 10 kB: what a limit must refuse without inflating it all.
with zipfile.ZipFile(os.path.join(HERE, "bomb.zip"), "w") as archive:
    archive.writestr("zeros.bin", b"\0" * (10 << 20), compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
