#!/usr/bin/env python3
"""Helper for bench/compare-validator.sh: runs the data-to-insight 903
validator (PyPI `csc-validator-be-903`, module `lac_validator`) on a folder of
903 CSV files, and compares its findings with Footprint's
(`footprint validate ssda903 DIR --json`).

Subcommands:

  infer-year DIR
      Prints the collection year (e.g. 2017-18) holding the latest DECOM in
      DIR's episodes table: the same inference `footprint validate` makes.

  d2i DIR --year YYYY-YY --out FILE.json [--ruleset lacYYYY_YY]
      Runs the D2I validator (its Python API: lac_validator.LacValidator,
      the class its web front end and its own `run` CLI use) with the rules
      of that collection year, and writes {ruleset, collection_year, rules:
      {code: {table: [row index, ...]}}, failed: [...], skipped: [...]}. Row
      indices are the pandas row indices D2I reports (0 = the first data
      row). Its log goes to standard error.

  isolation DIR --year YYYY-YY
      Runs D2I as shipped and with each rule given its own deep copy of the
      tables, and lists the rules whose findings differ (as shipped, a rule
      that writes into a table changes what later rules see).

  compare DIR D2I.json FOOTPRINT.json [--markdown]
      For every rule both implement, the rows flagged by both, by D2I only
      and by Footprint only, per table, and the same at the level of
      children. A D2I row index is turned into the file's line (the header is
      line 1) by reading the CSV the same way pandas does (blank lines
      skipped).

  roundtrip INPUT_DIR INPUT_D2I.json EXPORT_DIR EXPORT_D2I.json [--markdown]
      D2I's findings on a return and on Footprint's export of it (the return
      imported, then exported): the rows each table holds in each, the rules
      with findings in one and not the other, and for the rules with findings
      in both the rows (table and CHILD) flagged in one and not the other.
      A row is named by its table and CHILD (rows are not in the same order
      in the export), so a child flagged twice in one and once in the other
      counts once.

  drop-refused DIR FOOTPRINT.json OUT_DIR
      Copies DIR's CSV files into OUT_DIR without the rows `footprint
      validate` found an error in (Footprint refuses a return with any), so
      that what is left can be imported. Prints how many rows each file
      lost; errors not on a row (a missing table) are listed.

  timing LABEL=TIME_V_FILE[,TIME_V_FILE...] ...
      Reads `/usr/bin/time -v` outputs (several runs of one thing per label)
      and prints the median wall time and the peak memory (maximum resident
      set size) of each label, with its ratio to the first label's.

The rules Footprint implements are read from its source
(crates/ssda903/src/*.rs: every `Some("CODE")` that is a D2I rule code), so
this script needs no list kept by hand.
"""

from __future__ import annotations

import argparse
import csv
import glob
import importlib
import json
import os
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# The column sets of the 903 tables, as D2I's config.py recognises them (a CSV
# is identified by its exact set of columns, not by its name). Read from D2I
# itself when it is importable; the compare step also works without it.
def table_columns() -> dict[str, set[str]]:
    try:
        from lac_validator.config import column_names  # type: ignore

        return {t: set(cols) for t, cols in column_names.items()}
    except ImportError:
        sys.exit("compare_validator.py: run it with the bench venv's python (lac_validator not importable)")


def read_csv_records(path: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and every non-blank record with the line it starts on."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header: list[str] | None = None
        records: list[tuple[int, dict[str, str]]] = []
        prev_end = 0
        for row in reader:
            start = prev_end + 1
            prev_end = reader.line_num
            if not row:  # a blank line: pandas skips it too
                continue
            if header is None:
                header = row
                continue
            records.append((start, dict(zip(header, row))))
    return header or [], records


def csv_files(folder: str) -> list[str]:
    return sorted(p for p in glob.glob(os.path.join(folder, "*.csv")) if os.path.isfile(p))


def identify_tables(folder: str) -> dict[str, dict]:
    """table name -> {path, records}; files whose columns match no table are skipped."""
    cols = table_columns()
    out: dict[str, dict] = {}
    for path in csv_files(folder):
        header, records = read_csv_records(path)
        for table, expected in cols.items():
            if set(header) == expected:
                out[table] = {"path": path, "records": records}
                break
    return out


# ---------------------------------------------------------------- infer-year

def parse_uk(s: str):
    m = re.fullmatch(r"(\d{2})/(\d{2})/(\d{4})", s.strip())
    if not m:
        return None
    return int(m.group(3)), int(m.group(2)), int(m.group(1))


def year_of(d) -> str:
    y, m, _ = d
    start = y if m >= 4 else y - 1
    return f"{start}-{(start + 1) % 100:02d}"


def cmd_infer_year(args) -> int:
    tables = identify_tables(args.dir)
    latest = None
    for table, col in (("Episodes", "DECOM"), ("Reviews", "REVIEW"), ("Missing", "MIS_START")):
        if table not in tables:
            continue
        for _, rec in tables[table]["records"]:
            d = parse_uk(rec.get(col, ""))
            if d and (latest is None or d > latest):
                latest = d
        if latest:
            break
    if latest is None:
        print(f"{args.dir}: no DECOM, REVIEW or MIS_START date to infer the collection year from", file=sys.stderr)
        return 2
    print(year_of(latest))
    return 0


# ----------------------------------------------------------------------- d2i

def available_rulesets() -> list[str]:
    import lac_validator.rules as rules  # type: ignore

    # `rules` is a namespace package (no __init__.py): use its __path__.
    base = Path(list(rules.__path__)[0])
    return sorted(p.name for p in base.iterdir() if p.is_dir() and re.fullmatch(r"lac\d{4}_\d{2}", p.name))


def ruleset_for(year: str) -> tuple[str, bool]:
    """lacYYYY_YY for a YYYY-YY year; the nearest available one otherwise (second value False)."""
    wanted = "lac" + year.replace("-", "_")
    sets = available_rulesets()
    if wanted in sets:
        return wanted, True
    older = [s for s in sets if s < wanted]
    newer = [s for s in sets if s > wanted]
    return (older[-1] if older else newer[0]), False


def isolate_rules() -> None:
    """Gives each D2I rule its own deep copy of the tables. As shipped, each
    rule gets `copy(deep=False)` (datastore.copy_datastore), so a rule that
    writes into a table in place (rule 365 fills every blank DEC with the
    collection end date) changes what the rules after it see."""
    import lac_validator.lac_validator as lv  # type: ignore

    lv.copy_datastore = lambda ds: {k: (v.copy(deep=True) if k != "metadata" else v) for k, v in ds.items()}


def cmd_d2i(args) -> int:
    import logging

    from lac_validator import lac_validator  # type: ignore
    from lac_validator.utils import process_uploaded_files  # type: ignore

    m = re.fullmatch(r"(\d{4})-(\d{2})", args.year)
    if not m:
        print(f"--year {args.year!r}: expected YYYY-YY, e.g. 2024-25", file=sys.stderr)
        return 2
    end_year = int(m.group(1)) + 1
    ruleset, exact = (args.ruleset, True) if args.ruleset else ruleset_for(args.year)
    if not exact:
        print(f"compare_validator.py: D2I has no rules for {args.year}; using {ruleset}", file=sys.stderr)

    files = csv_files(args.dir)
    if not files:
        print(f"{args.dir}: no .csv files", file=sys.stderr)
        return 2
    # D2I identifies each CSV by its columns and refuses a file it does not
    # recognise: leave out files that are not 903 tables.
    known = table_columns()
    usable = []
    for path in files:
        header, _ = read_csv_records(path)
        if any(set(header) == cols for cols in known.values()):
            usable.append(path)
        else:
            print(f"compare_validator.py: {path}: not a 903 table D2I knows; left out", file=sys.stderr)

    logging.getLogger().setLevel(logging.WARNING if args.quiet else logging.INFO)
    if args.isolated:
        isolate_rules()
    inputs = {"This year": usable}
    if args.previous:
        # Last year's return: D2I reads it as the "_last" tables (Episodes_last,
        # Header_last, ...) its rules comparing years use.
        inputs["Prev year"] = [p for p in csv_files(args.previous) if any(set(read_csv_records(p)[0]) == c for c in known.values())]
    uploaded = process_uploaded_files(inputs)
    # collectionYear is the year the collection ends in: D2I sets
    # collection_start = 01/04/(it - 1), collection_end = 31/03/(it).
    metadata = {"collectionYear": str(end_year), "localAuthority": args.la}
    registry = importlib.import_module(f"lac_validator.rules.{ruleset}").registry
    v = lac_validator.LacValidator(metadata=metadata, files=uploaded, registry=registry)

    rules: dict[str, dict[str, list[int]]] = {}
    for table, df in v.ds_results.items():
        if table == "metadata":
            continue
        for col in df.columns:
            if not str(col).startswith("ERR_"):
                continue
            code = str(col)[4:]
            flagged = df.index[df[col] == True].tolist()  # noqa: E712 (pandas mask)
            if flagged:
                rules.setdefault(code, {})[table] = sorted(int(i) for i in flagged)
    out = {
        "ruleset": ruleset,
        "collection_year": args.year,
        "rules": rules,
        "failed": sorted(v.fails),
        "skipped": sorted(v.skips),
        "ran": len(registry),
        "rule_tables": {code: sorted(r.tables or []) for code, r in registry.items()},
        "messages": {code: r.message for code, r in registry.items()},
    }
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
    total = sum(len(rows) for t in rules.values() for rows in t.values())
    print(
        f"D2I {ruleset}: {len(registry)} rules, {len(rules)} with findings ({total} flagged rows), "
        f"{len(v.fails)} failed to run, {len(v.skips)} skipped",
        file=sys.stderr,
    )
    return 0


def cmd_isolation(args) -> int:
    """Runs D2I twice, as shipped and with each rule isolated (a deep copy of
    the tables each), and prints the rules whose findings differ: their
    results depend on which rules ran before them."""
    import logging

    from lac_validator import lac_validator  # type: ignore
    from lac_validator.utils import process_uploaded_files  # type: ignore

    logging.disable(logging.CRITICAL)
    ruleset, _ = ruleset_for(args.year)
    end_year = int(args.year[:4]) + 1
    registry = importlib.import_module(f"lac_validator.rules.{ruleset}").registry
    known = table_columns()
    usable = [p for p in csv_files(args.dir) if any(set(read_csv_records(p)[0]) == c for c in known.values())]
    files = process_uploaded_files({"This year": usable})

    def run() -> dict[str, set]:
        v = lac_validator.LacValidator(
            metadata={"collectionYear": str(end_year), "localAuthority": args.la}, files=files, registry=registry
        )
        out: dict[str, set] = defaultdict(set)
        for t, df in v.ds_results.items():
            if t == "metadata":
                continue
            for c in df.columns:
                if str(c).startswith("ERR_"):
                    out[str(c)[4:]] |= {(t, int(i)) for i in df.index[df[c] == True]}  # noqa: E712
        return out

    shipped = run()
    isolate_rules()
    isolated = run()
    changed = [c for c in sorted(set(shipped) | set(isolated)) if shipped.get(c, set()) != isolated.get(c, set())]
    print(f"{args.dir} ({args.year}, D2I rules {ruleset}): {len(changed)} rules flag different rows "
          f"when each rule gets its own copy of the tables")
    for c in changed:
        a, b = shipped.get(c, set()), isolated.get(c, set())
        print(f"  rule {c}: as shipped {len(a)} rows, isolated {len(b)} ({len(a - b)} only as shipped, {len(b - a)} only isolated)")
    return 0


# ------------------------------------------------------------------- compare

def footprint_rule_codes(d2i_codes: set[str], fp: dict) -> set[str]:
    """The rules both have: those of the rule set Footprint's JSON report
    names as run (`rule_set.codes`: not those needing last year's return or
    Ofsted's list when they were not given, `rule_set.not_run`), or, for an
    older report without it, every rule number in Footprint's source."""
    codes: set[str] = set((fp.get("rule_set") or {}).get("codes") or [])
    if not codes:
        for path in glob.glob(str(REPO / "crates" / "ssda903" / "src" / "**" / "*.rs"), recursive=True):
            with open(path, encoding="utf-8") as f:
                text = f.read()
            codes.update(re.findall(r'Some\("([0-9A-Za-z]+)"\)', text))
            codes.update(re.findall(r'(?:Rule::error|int|int_dob)\(\s*"([0-9A-Za-z]+)"', text))
    return codes & d2i_codes


# Footprint checks that have no DfE rule number in its output but test what
# a DfE rule tests (matched on Footprint's message; see
# docs/validator-comparison.md). Compared as "CODE~".
EQUIVALENT = [
    (re.compile(r"begins while an earlier episode has no end date"), "142"),
    (re.compile(r"with REC X1 \(a new episode begins the same day\) but no episode starts"), "388"),
    (re.compile(r"first episode \(starting [^)]*\) has RNE"), "357"),
    (re.compile(r"has RNE [A-Z] \(a change within a period of care\) but no episode ended with X1"), "433"),
    (re.compile(r"has RNE S \(a new period of care\) but the episode before it ended with X1"), "431"),
]


def equivalent_rule(message: str) -> str | None:
    for pattern, code in EQUIVALENT:
        if pattern.search(message):
            return code
    return None


def cmd_compare(args) -> int:
    with open(args.d2i) as f:
        d2i = json.load(f)
    with open(args.footprint) as f:
        fp = json.load(f)
    tables = identify_tables(args.dir)
    by_path = {os.path.realpath(t["path"]): name for name, t in tables.items()}
    line_to_index = {name: {line: i for i, (line, _) in enumerate(t["records"])} for name, t in tables.items()}

    def child_at(table: str, index: int) -> str:
        recs = tables[table]["records"]
        return recs[index][1].get("CHILD", "") if 0 <= index < len(recs) else ""

    numbered = footprint_rule_codes(set(d2i["rule_tables"]), fp)
    by_message = {code for _, code in EQUIVALENT if code in d2i["rule_tables"] and code not in numbered}
    common = sorted(numbered | by_message, key=lambda c: (not c.isdigit(), c.zfill(6)))

    # Footprint's findings: rule -> table -> set of row indices.
    fp_rows: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    unplaced = 0
    for p in fp.get("errors", []) + fp.get("warnings", []):
        rule, line = p.get("rule"), p.get("line")
        if rule is None:
            rule = equivalent_rule(p.get("message", ""))
            if rule not in by_message:
                rule = None
        if rule not in common or line is None:
            continue
        table = by_path.get(os.path.realpath(p["file"]))
        idx = line_to_index.get(table, {}).get(line) if table else None
        if idx is None:
            unplaced += 1
            continue
        fp_rows[rule][table].add(idx)

    d2i_rows: dict[str, dict[str, set[int]]] = {
        code: {t: set(rows) for t, rows in per.items()} for code, per in d2i["rules"].items()
    }

    rows_out = []
    quiet = []
    for code in common:
        d_t = d2i_rows.get(code, {})
        f_t = fp_rows.get(code, {})
        failed = code in d2i["failed"]
        if not d_t and not f_t and not failed:
            quiet.append(code)
            continue
        table_names = sorted(set(d_t) | set(f_t)) or ["-"]
        d_children = {child_at(t, i) for t, s in d_t.items() for i in s}
        f_children = {child_at(t, i) for t, s in f_t.items() for i in s}
        for t in table_names:
            d, fr = d_t.get(t, set()), f_t.get(t, set())
            rows_out.append(
                {
                    "rule": code,
                    "table": t,
                    "both": len(d & fr),
                    "only_d2i": len(d - fr),
                    "only_footprint": len(fr - d),
                    "d2i_failed": failed,
                    "lines_only_d2i": [tables[t]["records"][i][0] for i in sorted(d - fr)] if t in tables else [],
                    "lines_only_footprint": [tables[t]["records"][i][0] for i in sorted(fr - d)] if t in tables else [],
                    "children_both": len(d_children & f_children),
                    "children_only_d2i": len(d_children - f_children),
                    "children_only_footprint": len(f_children - d_children),
                }
            )

    # D2I's findings under rules Footprint does not implement, and
    # Footprint's findings with no DfE rule number.
    others = sorted(
        ((code, sum(len(v) for v in per.values()), sorted(per)) for code, per in d2i["rules"].items() if code not in common),
        key=lambda x: -x[1],
    )
    fp_unnumbered: dict[str, int] = defaultdict(int)
    fp_other_rules: dict[str, int] = defaultdict(int)
    for p in fp.get("errors", []) + fp.get("warnings", []):
        if p.get("rule") is None and equivalent_rule(p.get("message", "")) in by_message:
            continue
        if p.get("rule") is None:
            # The message without the child and the values: the kind of problem.
            msg = re.sub(r"^child [^:]+: ", "", p["message"])
            msg = re.sub(r"\d{2}/\d{2}/\d{4}", "<date>", msg)
            msg = re.sub(r"line \d+", "line <n>", msg)
            fp_unnumbered[msg[:90]] += 1
        elif p["rule"] not in common:
            fp_other_rules[p["rule"]] += 1

    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(
                {
                    "ruleset": d2i["ruleset"],
                    "year": d2i["collection_year"],
                    "rows": rows_out,
                    "no_findings": quiet,
                    "d2i_other_rules": [{"rule": c, "rows": n, "tables": t} for c, n, t in others],
                    "footprint_unnumbered": fp_unnumbered,
                    "footprint_other_rules": fp_other_rules,
                },
                f,
                indent=1,
            )

    title = f"{args.dir} ({d2i['collection_year']}, D2I rules {d2i['ruleset']})"
    print(f"\nRules both implement ({len(common)}), on {title}:")
    if d2i["failed"]:
        print(f"D2I rules that failed to run (exception, logged and skipped): {', '.join(d2i['failed'])}")
    hdr = ("rule", "table", "both", "only D2I", "only Footprint", "children both/D2I/FP", "first lines only D2I", "first lines only FP")
    if args.markdown:
        print("| " + " | ".join(hdr) + " |")
        print("|" + "---|" * len(hdr))
    else:
        print("{:<6} {:<15} {:>6} {:>9} {:>15}  {:<20} {:<22} {}".format(*hdr))
    for r in rows_out:
        rule = r["rule"] + ("~" if r["rule"] in by_message else "") + (" (D2I failed)" if r["d2i_failed"] else "")
        kids = f"{r['children_both']}/{r['children_only_d2i']}/{r['children_only_footprint']}"
        ex_d = ",".join(map(str, r["lines_only_d2i"][:3]))
        ex_f = ",".join(map(str, r["lines_only_footprint"][:3]))
        cells = (rule, r["table"], r["both"], r["only_d2i"], r["only_footprint"], kids, ex_d, ex_f)
        if args.markdown:
            print("| " + " | ".join(str(c) for c in cells) + " |")
        else:
            print("{:<6} {:<15} {:>6} {:>9} {:>15}  {:<20} {:<22} {}".format(*cells))
    if by_message:
        print("CODE~: a Footprint check with no rule number in its output, matched to the DfE rule by its message")
    if quiet:
        print(f"No findings on either side: {', '.join(quiet)}")
    if unplaced:
        print(f"({unplaced} Footprint findings could not be placed on a row of a recognised table)")
    if others:
        print("D2I findings under rules Footprint does not implement (rule: rows):")
        for code, n, t in others:
            print(f"  {code}: {n} ({', '.join(t)}) {d2i.get('messages', {}).get(code, '')[:100]}")
    if fp_other_rules:
        print("Footprint findings under rule numbers D2I does not have: " + ", ".join(f"{k}: {v}" for k, v in sorted(fp_other_rules.items())))
    if fp_unnumbered:
        print("Footprint findings with no DfE rule number (kind: count):")
        for msg, n in sorted(fp_unnumbered.items(), key=lambda x: -x[1]):
            print(f"  {n:>6}  {msg}")
    return 0


# -------------------------------------------------------------------- timing

def parse_time_v(path: str) -> tuple[float, int, int]:
    """(wall seconds, max RSS in KiB, exit status) from `/usr/bin/time -v` output."""
    wall, rss, status = None, None, 0
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("Elapsed (wall clock) time"):
                value = line.rsplit(": ", 1)[1]
                parts = [float(p) for p in value.split(":")]
                secs = 0.0
                for p in parts:
                    secs = secs * 60 + p
                wall = secs
            elif line.startswith("Maximum resident set size"):
                rss = int(line.rsplit(": ", 1)[1])
            elif line.startswith("Exit status"):
                status = int(line.rsplit(": ", 1)[1])
    if wall is None or rss is None:
        raise SystemExit(f"{path}: not the output of /usr/bin/time -v")
    return wall, rss, status


def cmd_timing(args) -> int:
    """Each argument is LABEL=FILE[,FILE...]: several runs of one thing. The
    median wall time and the largest peak RSS of its runs are shown, and the
    ratio of each line to the first."""
    groups = []
    for arg in args.files:
        label, sep, files = arg.partition("=")
        if not sep or not files:
            sys.exit(f"timing: {arg!r}: expected LABEL=FILE[,FILE...]")
        runs = [parse_time_v(p) for p in files.split(",")]
        walls = sorted(r[0] for r in runs)
        median = walls[len(walls) // 2] if len(walls) % 2 else (walls[len(walls) // 2 - 1] + walls[len(walls) // 2]) / 2
        rss = max(r[1] for r in runs)
        statuses = sorted({r[2] for r in runs})
        groups.append((label, median, walls[0], walls[-1], rss, statuses, len(runs)))
    base_wall, base_rss = groups[0][1], groups[0][4]
    print(f"{'run':<40} {'runs':>4} {'median wall s':>13} {'(min-max)':>15} {'peak RSS MiB':>13} {'wall ratio':>11} {'RSS ratio':>10}")
    for label, median, lo, hi, rss, statuses, n in groups:
        wr = median / base_wall if base_wall else float("nan")
        rr = rss / base_rss if base_rss else float("nan")
        span = f"({lo:.2f}-{hi:.2f})"
        print(
            f"{label:<40} {n:>4} {median:>13.2f} {span:>15} {rss / 1024:>13.1f} {wr:>10.2f}x {rr:>9.2f}x"
            f"  exit {','.join(map(str, statuses))}"
        )
    return 0


# ----------------------------------------------------------------- roundtrip

def d2i_findings(folder: str, d2i: dict) -> dict[str, Counter]:
    """rule -> Counter of (table, CHILD) flagged, from a d2i JSON of FOLDER."""
    tables = identify_tables(folder)
    out: dict[str, Counter] = {}
    for code, by_table in d2i.get("rules", {}).items():
        c: Counter = Counter()
        for table, rows in by_table.items():
            recs = tables.get(table, {}).get("records", [])
            for i in rows:
                child = recs[i][1].get("CHILD", "") if 0 <= i < len(recs) else f"row {i}"
                c[(table, child)] += 1
        out[code] = c
    return out


def cmd_roundtrip(args) -> int:
    with open(args.input_json) as f:
        d2i_in = json.load(f)
    with open(args.export_json) as f:
        d2i_out = json.load(f)
    t_in = identify_tables(args.input_dir)
    t_out = identify_tables(args.export_dir)
    f_in = d2i_findings(args.input_dir, d2i_in)
    f_out = d2i_findings(args.export_dir, d2i_out)
    md = args.markdown
    lines: list[str] = []
    say = lines.append
    say(f"D2I {d2i_in.get('ruleset')} on {args.input_dir} and on Footprint's export of it, {args.export_dir}")
    say("")
    say("| table | rows in the input | rows in the export |" if md else "rows per table (input -> export):")
    if md:
        say("|---|---:|---:|")
    for table in sorted(set(t_in) | set(t_out)):
        a = len(t_in.get(table, {}).get("records", []))
        b = len(t_out.get(table, {}).get("records", []))
        say(f"| {table} | {a} | {b} |" if md else f"  {table:<15} {a:>7} -> {b:>7}{'' if a == b else '   (differs)'}")
    say("")
    only_in = sorted(set(f_in) - set(f_out))
    only_out = sorted(set(f_out) - set(f_in))
    both = sorted(set(f_in) & set(f_out))

    def rows(c: Counter) -> str:
        return f"{sum(c.values())} rows, {len({k[1] for k in c})} children"

    def msg(code: str) -> str:
        m = d2i_in.get("messages", {}).get(code) or d2i_out.get("messages", {}).get(code) or ""
        return m if len(m) <= 110 else m[:107] + "..."

    say(f"rules with findings in the input only ({len(only_in)}):")
    for code in only_in:
        say(f"  {code}: {rows(f_in[code])} -- {msg(code)}")
    say(f"rules with findings in the export only ({len(only_out)}):")
    for code in only_out:
        say(f"  {code}: {rows(f_out[code])} -- {msg(code)}")
    differing = []
    for code in both:
        a, b = set(f_in[code]), set(f_out[code])
        if a != b:
            differing.append((code, a - b, b - a))
    say(f"rules with findings in both ({len(both)}), {len(differing)} of them flagging other rows:")
    for code, gone, new in differing:
        show = lambda ks: ", ".join(f"{t} {c}" for t, c in sorted(ks)[:5]) + (" ..." if len(ks) > 5 else "")
        say(f"  {code}: input only {len(gone)} ({show(gone)}); export only {len(new)} ({show(new)})")
    same = len(both) - len(differing)
    say(f"the same rows flagged in both: {same} rules")
    print("\n".join(lines))
    return 0


def cmd_drop_refused(args) -> int:
    with open(args.footprint) as f:
        fp = json.load(f)
    bad: dict[str, set[int]] = defaultdict(set)
    unplaced = []
    for p in fp.get("errors", []):
        if p.get("line") is None:
            unplaced.append(p.get("message", ""))
            continue
        bad[os.path.realpath(p["file"])].add(int(p["line"]))
    os.makedirs(args.out_dir, exist_ok=True)
    for path in csv_files(args.dir):
        lines_bad = bad.get(os.path.realpath(path), set())
        with open(path, newline="", encoding="utf-8-sig") as f:
            text = f.read().splitlines(keepends=True)
        kept = [line for i, line in enumerate(text, start=1) if i == 1 or i not in lines_bad]
        with open(os.path.join(args.out_dir, os.path.basename(path)), "w", newline="", encoding="utf-8") as f:
            f.writelines(kept)
        print(f"{os.path.basename(path)}: {len(text) - len(kept)} of {len(text) - 1} rows left out")
    for m in unplaced:
        print(f"not on a row: {m}")
    return 0


def cmd_break_rules(args) -> int:
    """Copies a clean generated return (a folder of CSV files) to OUT_DIR and
    breaks, on purpose and always the same way, the rules ported last (SW02,
    SW10a/b, SW18, SW19, 222, 242, 243; and with last year's return 453,
    503G, 503H, 503J), which clean generated data never breaks: so that both
    validators have something to flag. Prints what it changed."""
    import datetime as dt
    import shutil

    shutil.copytree(args.dir, args.out_dir)

    def load(name: str) -> list[dict[str, str]]:
        with open(os.path.join(args.out_dir, name), newline="") as f:
            return list(csv.DictReader(f))

    def save(name: str, rows: list[dict[str, str]]) -> None:
        with open(os.path.join(args.out_dir, name), "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
            w.writeheader()
            w.writerows(rows)

    day = lambda s: dt.datetime.strptime(s, "%d/%m/%Y")  # noqa: E731
    eps = load("episodes.csv")
    first: dict[str, int] = {}
    for i, e in enumerate(eps):
        c = e["CHILD"]
        if c not in first or day(e["DECOM"]) < day(eps[first[c]]["DECOM"]):
            first[c] = i
    # The first episode of children continuing from last year: placed in
    # Cambridge (another PL_LA, PL_LOCATION and distance), in Richmond at
    # another postcode (another distance), or in Cambridge with another RNE.
    start = dt.datetime(int(args.year[:4]), 4, 1)
    cont = [i for _, i in sorted(first.items()) if day(eps[i]["DECOM"]) < start]
    for k, i in enumerate(cont[:60]):
        e = eps[i]
        if k % 4 == 0:
            e["PL_POST"] = "CB2 1TN"
        elif k % 4 == 1:
            e["PL_POST"] = "TW1 2AF"
        elif k % 4 == 2:
            e["PL_POST"] = "CB2 1TN"
            e["RNE"] = "B" if e["RNE"] != "B" else "P"
    # A URN of U4 placements XXXXXXX (allowed), U1/U3 placed in Wales with
    # their URN (243), K2 with XXXXXXX (242), a fostering placement made P1
    # with its URN (222).
    n = {"242": 0, "243": 0, "222": 0}
    for e in eps[400:]:
        if e["PLACE"] in ("U1", "U3") and e["URN"] and n["243"] < 10:
            e["PL_POST"] = "CF10 1EP"
            n["243"] += 1
    for e in eps[600:]:
        if e["PLACE"] == "K2" and n["242"] < 10:
            e["URN"] = "XXXXXXX"
            n["242"] += 1
        elif e["PLACE"] in ("U1", "U4", "U3") and e["URN"] and n["222"] < 10:
            e["PLACE"], e["PLACE_PROVIDER"] = "P1", "PR0"
            n["222"] += 1
    save("episodes.csv", eps)
    sw = load("sw_episodes.csv")
    by_child: dict[str, list[int]] = {}
    for i, r in enumerate(sw):
        by_child.setdefault(r["CHILD"], []).append(i)
    multi = [v for v in by_child.values() if len(v) > 1]
    for k, v in enumerate(multi[:50]):
        a, b = sorted(v, key=lambda i: day(sw[i]["SW_DECOM"]))[:2]
        if k % 5 == 0 and sw[a]["SW_DEC"]:
            sw[b]["SW_DECOM"] = (day(sw[a]["SW_DEC"]) + dt.timedelta(days=12)).strftime("%d/%m/%Y")
        elif k % 5 == 1 and sw[a]["SW_DEC"]:
            sw[b]["SW_REASON"] = "FCONTA"
            sw[b]["SW_DECOM"] = sw[a]["SW_DEC"]
        elif k % 5 == 2:
            sw[b]["SW_DECOM"] = sw[a]["SW_DECOM"]
        elif k % 5 == 3:
            sw[a]["SW_DEC"] = sw[a]["SW_DECOM"]
        else:
            sw[b]["SW_ID"] = "SW7"
    save("sw_episodes.csv", sw)
    print(f"{len(cont[:60])} first episodes moved, {n}, {len(multi[:50])} children's social worker episodes changed")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("infer-year")
    p.add_argument("dir")
    p.set_defaults(func=cmd_infer_year)
    p = sub.add_parser("d2i")
    p.add_argument("dir")
    p.add_argument("--year", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--ruleset")
    p.add_argument("--la", default="E09000027", help="the local authority code D2I's metadata needs")
    p.add_argument("--quiet", action="store_true", help="log warnings only")
    p.add_argument("--isolated", action="store_true", help="give each rule its own deep copy of the tables")
    p.add_argument("--previous", help="last year's return (a folder of CSV files): runs D2I's rules comparing years")
    p.set_defaults(func=cmd_d2i)
    p = sub.add_parser("isolation")
    p.add_argument("dir")
    p.add_argument("--year", required=True)
    p.add_argument("--la", default="E09000027")
    p.set_defaults(func=cmd_isolation)
    p = sub.add_parser("compare")
    p.add_argument("dir")
    p.add_argument("d2i")
    p.add_argument("footprint")
    p.add_argument("--markdown", action="store_true")
    p.add_argument("--json-out")
    p.set_defaults(func=cmd_compare)
    p = sub.add_parser("roundtrip")
    p.add_argument("input_dir")
    p.add_argument("input_json")
    p.add_argument("export_dir")
    p.add_argument("export_json")
    p.add_argument("--markdown", action="store_true")
    p.set_defaults(func=cmd_roundtrip)
    p = sub.add_parser("drop-refused")
    p.add_argument("dir")
    p.add_argument("footprint")
    p.add_argument("out_dir")
    p.set_defaults(func=cmd_drop_refused)
    p = sub.add_parser("break-rules")
    p.add_argument("dir")
    p.add_argument("out_dir")
    p.add_argument("--year", required=True, help="the return's collection year, e.g. 2025-26")
    p.set_defaults(func=cmd_break_rules)
    p = sub.add_parser("timing")
    p.add_argument("files", nargs="+")
    p.set_defaults(func=cmd_timing)
    args = ap.parse_args()
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
