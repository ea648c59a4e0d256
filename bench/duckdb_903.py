#!/usr/bin/env python3
"""Helper of bench/duckdb.sh: the 903 returns' CSV files in DuckDB.

    duckdb_903.py import DB RETURNS_DIR     # every YYYY-YY/*.csv into DB, one table per file kind
    duckdb_903.py measure DB [--date 2025-03-31] [--report report.json]

`import` makes one table per kind of file (header, episodes, reviews, uasc,
missing, oc2), all years together, with a `year` column from the folder name
(YYYY-YY); dates are read as dd/mm/yyyy.

`measure` is one real measure: children looked after on DATE by legal status.
The episodes of the five returns are deduplicated by (CHILD, DECOM), keeping
the values of the latest return that holds the episode (an episode open
across 31 March is in both years' returns, ended only in the later). An
episode is open on D when DECOM <= D and (DEC is empty or DEC > D); V3/V4
(short breaks) are left out. With --report, it compares the counts with
`profile.end.by_legal_status` in Footprint's report.json.
"""

import argparse
import glob
import json
import os
import sys
import time

import duckdb

KINDS = ["header", "episodes", "reviews", "uasc", "missing", "oc2"]


def sql_str(s):
    return "'" + s.replace("'", "''") + "'"


def cmd_import(a):
    if os.path.exists(a.db):
        os.remove(a.db)
    con = duckdb.connect(a.db)
    t0 = time.perf_counter()
    for kind in KINDS:
        files = sorted(glob.glob(os.path.join(a.dir, "[0-9][0-9][0-9][0-9]-[0-9][0-9]", f"{kind}.csv")))
        if not files:
            continue
        listing = "[" + ", ".join(sql_str(f) for f in files) + "]"
        con.execute(
            f"""CREATE TABLE {kind} AS
                SELECT regexp_extract(filename, '([0-9]{{4}}-[0-9]{{2}})[/\\\\][^/\\\\]*$', 1) AS year,
                       * EXCLUDE (filename)
                FROM read_csv({listing}, filename = true, union_by_name = true, header = true,
                              dateformat = '%d/%m/%Y')"""
        )
        n = con.execute(f"SELECT count(*) FROM {kind}").fetchone()[0]
        print(f"{kind}: {n} rows from {len(files)} files")
    con.close()
    print(f"imported in {time.perf_counter() - t0:.2f} s (in-process)")


MEASURE = """
WITH eps AS (
    SELECT CHILD, DECOM, arg_max(LS, year) AS LS, arg_max(DEC, year) AS DEC
    FROM episodes
    GROUP BY CHILD, DECOM
)
SELECT CAST(LS AS VARCHAR) AS ls, count(DISTINCT CHILD) AS children
FROM eps
WHERE DECOM <= CAST(? AS DATE) AND (DEC IS NULL OR DEC > CAST(? AS DATE))
  AND LS NOT IN ('V3', 'V4')
GROUP BY ALL
ORDER BY ls
"""


def cmd_measure(a):
    con = duckdb.connect(a.db, read_only=True)
    t0 = time.perf_counter()
    rows = con.execute(MEASURE, [a.date, a.date]).fetchall()
    secs = time.perf_counter() - t0
    total = sum(n for _, n in rows)
    print(f"children looked after on {a.date} by legal status (DuckDB, {secs:.2f} s in-process):")
    for ls, n in rows:
        print(f"  {ls:<4} {n}")
    print(f"  total {total}")
    if a.report:
        with open(a.report) as f:
            report = json.load(f)
        theirs = find_breakdown(report, "profile.end.by_legal_status")
        if theirs is None:
            print(f"(no profile.end.by_legal_status in {a.report})")
            return
        ours = {ls: n for ls, n in rows}
        keys = sorted(set(ours) | {k for k, v in theirs.items() if v})
        diff = [(k, ours.get(k, 0), theirs.get(k, 0)) for k in keys if ours.get(k, 0) != theirs.get(k, 0)]
        if diff:
            print("differs from Footprint's profile.end.by_legal_status (LS, DuckDB, Footprint):")
            for row in diff:
                print(f"  {row}")
        else:
            print(f"the same as Footprint's profile.end.by_legal_status in {a.report}")


def find_breakdown(node, key):
    """The {category: count} object of measure `key`, wherever report.json holds it."""
    if isinstance(node, dict):
        if node.get("key") == key or node.get("id") == key or node.get("name") == key:
            for field in ("value", "breakdown", "values"):
                v = node.get(field)
                if isinstance(v, dict):
                    return {k: (x if isinstance(x, int) else x.get("count", x.get("value", 0)) if isinstance(x, dict) else 0) for k, x in v.items()}
        if key in node and isinstance(node[key], dict):
            return {k: (x if isinstance(x, int) else 0) for k, x in node[key].items()}
        for v in node.values():
            r = find_breakdown(v, key)
            if r is not None:
                return r
    elif isinstance(node, list):
        for v in node:
            r = find_breakdown(v, key)
            if r is not None:
                return r
    return None


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    i = sub.add_parser("import")
    i.add_argument("db")
    i.add_argument("dir")
    m = sub.add_parser("measure")
    m.add_argument("db")
    m.add_argument("--date", default="2025-03-31")
    m.add_argument("--report")
    a = p.parse_args()
    {"import": cmd_import, "measure": cmd_measure}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
