"""Hostile bulk zips for HostileIngestTest, written at test time (nothing binary in git).

usage: make_zips.py OUT_DIR GOOD_JPEG
Each zip holds, beside its hostile part, one good image made unique per zip (bytes appended after the JPEG's end),
so every batch also shows that good entries go on. Python's zipfile writes what java.util.zip cannot: symlink
modes, forced ZIP64 records, duplicate names.
"""
import io
import os
import struct
import sys
import warnings
import zipfile

warnings.simplefilter("ignore")  # duplicate names are the point
out, good_path = sys.argv[1], sys.argv[2]
GOOD = open(good_path, "rb").read()


def good(tag):
    return GOOD + b"hostile-" + tag.encode()


def build(entries):
    """entries: (name, bytes, compress_type, ZipInfo tweaks dict or None)."""
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as z:
        for name, data, method, tweak in entries:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 2, 3, 4, 5))
            info.compress_type = method
            for k, v in (tweak or {}).items():
                setattr(info, k, v)
            z.writestr(info, data)
    return bytearray(b.getvalue())


def write(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(bytes(data))


D, S = zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED


def cd_records(z):
    """(offset, name) of each central-directory record."""
    eocd = z.rfind(b"PK\x05\x06")
    p = struct.unpack_from("<I", z, eocd + 16)[0]
    recs = []
    while z[p:p + 4] == b"PK\x01\x02":
        n, e, c = struct.unpack_from("<HHH", z, p + 28)
        recs.append((p, z[p + 46:p + 46 + n].decode("utf-8", "replace")))
        p += 46 + n + e + c
    return recs


write("slip-paths.zip", build([("../../evil.jpg", good("s1"), D, None), ("ok/../../../evil2.jpg", good("s2"), D, None),
                               ("fine/good.jpg", good("slip"), D, None)]))
write("absolute-paths.zip", build([("/etc/cron.d/evil.jpg", good("a1"), D, None),
                                   ("C:\\Windows\\evil.jpg", good("a2"), D, None), ("good.jpg", good("abs"), D, None)]))
write("symlink-entry.zip", build([("link.jpg", b"/etc/passwd", S, {"create_system": 3, "external_attr": 0o120777 << 16}),
                                  ("good.jpg", good("symlink"), D, None)]))
write("duplicate-names.zip", build([("cam/a.jpg", good("dup1"), D, None), ("cam/a.jpg", good("dup2"), D, None)]))

# two directory records pointing at one local header: the classic overlapping-entry bomb construction
z = build([("a.jpg", good("overlap-a"), S, None), ("b.jpg", good("overlap-b"), S, None)])
(pa, _), (pb, _) = cd_records(z)
struct.pack_into("<I", z, pb + 42, struct.unpack_from("<I", z, pa + 42)[0])
write("overlapping-entries.zip", z)

z = build([("bad-crc.jpg", good("crc-bad"), D, None), ("good.jpg", good("crc"), D, None)])
p, _ = cd_records(z)[0]
struct.pack_into("<I", z, p + 16, 0x12345678)
write("bad-crc.zip", z)

# encryption flag set in both headers (ZipCrypto data need not be real: the flag alone must refuse it)
z = build([("secret.jpg", good("enc-secret"), S, None), ("good.jpg", good("enc"), D, None)])
p, _ = cd_records(z)[0]
local = struct.unpack_from("<I", z, p + 42)[0]
z[p + 8] |= 1
z[local + 6] |= 1
write("encrypted-entry.zip", z)

b = io.BytesIO()
with zipfile.ZipFile(b, "w", allowZip64=True) as zz:
    with zz.open(zipfile.ZipInfo("zip64/good.jpg", date_time=(2024, 1, 2, 3, 4, 5)), "w", force_zip64=True) as w:
        w.write(good("zip64"))
write("zip64-entry.zip", b.getvalue())

# 42.zip in miniature: 16 zeros-files of 1 MiB, zipped, nested 4 levels (each level 4 copies)
level = build([("0%d.jpg" % i, b"\0" * (1 << 20), D, None) for i in range(4)])
for depth in range(3):
    level = build([("lib%d_%d.zip" % (depth, i), bytes(level), D, None) for i in range(4)])
write("nested-42.zip", level)

# a zip bomb by ratio: 8 entries of 2 MB zeros, each under the per-entry limit
write("ratio-bomb.zip", build([("zeros%d.jpg" % i, b"\0" * 2_000_000, D, None) for i in range(8)]))

# an entry whose directory says 1000 bytes but whose data inflates to 1 MiB
z = build([("liar.jpg", b"\0" * (1 << 20), D, None), ("good.jpg", good("liar"), D, None)])
p, _ = cd_records(z)[0]
struct.pack_into("<I", z, p + 24, 1000)
write("inflates-past-declared.zip", z)

# zip64 locator pointing at 2^63-11 (ZipCatalogHostileTest: read as a range outside the file before the fix)
z = build([("good.jpg", good("z64loc"), D, None)])
eocd = z.rfind(b"PK\x05\x06")
loc = struct.pack("<IIQI", 0x07064B50, 0, (1 << 63) - 11, 1)
z = z[:eocd] + loc + z[eocd:]
struct.pack_into("<H", z, eocd + 20 + 10, 0xFFFF)
write("zip64-locator-past-file.zip", z)

full = build([("a/good.jpg", good("trunc"), D, None), ("b/good2.jpg", good("trunc2"), D, None)])
write("truncated.zip", full[: len(full) * 2 // 3])
write("zero-length.zip", b"")
write("not-a-zip.zip", os.urandom(4000))
