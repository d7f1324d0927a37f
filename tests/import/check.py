#!/usr/bin/python3
"""Independent checks of `dtirank import` and `dtirank template` (run by tests/import/run.sh).

    check.py record RECORD TABLE FRAME_COUNT SOURCE [COLUMN=URL ...]
        the record written from TABLE, read with PyYAML (not the program's loader), holds exactly the
        table's figures: one entry per row in the table's order with the row's unit, then the frame's
        other entries with no key; per row `<id>_rank` and `<id>` of every non-empty cell with the cell's
        number (values at 4 decimals, ranks whole), evidence `imported` and its source (COLUMN's URL,
        else SOURCE); and every line has the shipped records' shape (data/tools/import_shared.py).
    check.py rank CSV_OUTPUT TABLE
        `rank --format csv` of the imported year gives every row of TABLE its rank and value.
    check.py project JSON_OUTPUT TABLE UNIT
        `project --format json`: the record ends in 2025, UNIT's 2025 row is observed among the units with
        the table's rank and value, and its forecasts begin in 2026.
    check.py score CSV_OUTPUT TABLE FRAMEWORK
        `score --format csv` of a filled template equals the framework's weighted mean of the table's
        indicators (sum w_i v_i / sum w_i over the children of the index, from the framework file read
        with PyYAML), and the ranks follow the official rule (1 + the number of higher rounded values).

Debian's /usr/bin/python3 with python3-yaml; exits 1 with a message on the first difference.
"""
import csv
import io
import json
import re
import sys
from decimal import ROUND_HALF_UP, Decimal

import yaml


def fail(msg):
    print("import check: " + msg, file=sys.stderr)
    sys.exit(1)


def read_table(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    if body and body[0][0].startswith("#"):
        body = body[1:]
    return header, body


def fold(s):
    return re.sub(r"[^a-z0-9]+", " ", s.lower()).strip()


LINE = re.compile(r'^    [a-z][a-z0-9_]*: \{value: [0-9]+(\.[0-9]+)?, evidence: imported, source: "([^"\\]|\\.)*"\}$')


def check_record(record, table, frame_count, source, pairs):
    per_col = {}
    for p in pairs:
        c, u = p.split("=", 1)
        per_col[fold(c)] = u
    header, body = read_table(table)
    with open(record, encoding="utf-8") as f:
        text = f.read()
    doc = yaml.safe_load(text)
    entries = doc["provinces"]
    if doc["units"] != int(frame_count) or len(entries) != int(frame_count):
        fail(f"{record}: units {doc['units']}, {len(entries)} entries, want {frame_count}")
    names = [e["province"] for e in entries]
    if len(set(names)) != len(names):
        fail(f"{record}: an entry twice")
    for i, row in enumerate(body):
        e = entries[i]
        want = {}
        for k, cell in enumerate(row[1:], start=1):
            if cell.strip() == "":
                continue
            key = header[k]
            value = int(cell) if key.endswith("_rank") else float(cell)
            want[key] = (value, per_col.get(fold(key), source))
        got = {k: v for k, v in e.items() if k != "province"}
        if set(got) != set(want):
            fail(f"{record}: entry {i + 1} ({e['province']}) has {sorted(got)}, the table {sorted(want)}")
        for k, (value, src) in want.items():
            fact = got[k]
            if fact["value"] != value or fact["evidence"] != "imported" or fact["source"] != src:
                fail(f"{record}: {e['province']} {k}: {fact}, want value {value} source {src}")
        # the row's unit: its name as the table gives it, or the registry's spelling of it
        if fold(row[0]) != fold(e["province"]):
            fail(f"{record}: entry {i + 1} is {e['province']}, the table's row {row[0]}")
    for e in entries[len(body):]:
        if list(e) != ["province"]:
            fail(f"{record}: {e['province']} is not in the table but has {sorted(e)}")
    for n, line in enumerate(text.split("\n"), start=1):
        if line.startswith("    ") and not LINE.match(line):
            fail(f"{record}:{n}: not the shipped records' shape: {line}")
        if re.match(r"^    [a-z_]+: \{value: 0\.[0-9]+,", line) and not re.match(r"^    [a-z_]+: \{value: 0\.[0-9]{4},", line):
            fail(f"{record}:{n}: a value without its 4 decimals: {line}")
    print(f"import check: {record}: {len(body)} rows of {table}, {sum(len(e) - 1 for e in entries)} facts, ok")


def check_rank(out, table):
    header, body = read_table(table)
    rows = list(csv.DictReader(io.StringIO(open(out, encoding="utf-8").read(), newline="")))
    by_unit = {fold(r["unit"]): r for r in rows}
    kr, kv = header.index("dti_rank"), header.index("dti")
    for row in body:
        r = by_unit.get(fold(row[0]))
        if r is None or int(r["rank"]) != int(row[kr]) or float(r["dti"]) != float(row[kv]):
            fail(f"rank: {row[0]}: {r and (r['rank'], r['dti'])}, the table ({row[kr]}, {row[kv]})")
    print(f"import check: rank: {len(body)} units with the table's ranks and values, ok")


def check_project(out, table, unit):
    header, body = read_table(table)
    doc = json.load(open(out, encoding="utf-8"))
    if doc["metadata"]["record_to"] != 2025:
        fail(f"project: the record ends in {doc['metadata']['record_to']}, not 2025")
    row = [r for r in body if fold(r[0]) == fold(unit)][0]
    rank, value = int(row[header.index("dti_rank")]), float(row[header.index("dti")])
    t = doc["tables"][0]["rows"]
    obs = [r for r in t if r["kind"] == "observed" and r["frame"] == "units" and r["year"] == 2025]
    if len(obs) != 1 or obs[0]["rank_min"] != rank or obs[0]["rank_max"] != rank or obs[0]["dti"] != value:
        fail(f"project: the 2025 row of {unit} among the units is {obs}, the table ({rank}, {value})")
    years = sorted(r["year"] for r in t if r["kind"] == "forecast" and r["frame"] == "units")
    if not years or years[0] != 2026:
        fail(f"project: the units' forecasts are for {years}, not from 2026")
    print(f"import check: project: {unit} observed 2025 at {rank} of 34 ({value}), forecasts {years[0]}-{years[-1]}, ok")


def check_score(out, table, framework):
    header, body = read_table(table)
    fw = yaml.safe_load(open(framework, encoding="utf-8"))
    root = [n for n in fw["nodes"] if "parent" not in n][0]["id"]
    w = {n["id"]: float(n["weight"]) for n in fw["nodes"] if n.get("parent") == root and n.get("role") != "reported"}
    prec = fw.get("precision", 4)
    want = {}
    for row in body:
        vals = {header[k]: float(c) for k, c in enumerate(row) if k and c.strip() and header[k] in w}
        if set(vals) != set(w):
            fail(f"score: {row[0]} does not have every indicator")
        want[fold(row[0])] = sum(w[k] * vals[k] for k in w) / sum(w.values())
    rows = list(csv.DictReader(io.StringIO(open(out, encoding="utf-8").read(), newline="")))
    if len(rows) != len(want):
        fail(f"score: {len(rows)} rows, the table {len(want)}")
    # the official rule: half away from zero on the decimal value, binary noise (below 1e-10) removed first
    q = Decimal(1).scaleb(-prec)
    rounded = {u: Decimal("%.10f" % v).quantize(q, rounding=ROUND_HALF_UP) for u, v in want.items()}
    for r in rows:
        u = fold(r["name"])
        if abs(float(r[root]) - want[u]) > 1e-12:
            fail(f"score: {r['name']} {root} {r[root]}, the weighted mean {want[u]!r}")
        rank = 1 + sum(1 for v in rounded.values() if v > rounded[u])
        if int(r["rank"]) != rank:
            fail(f"score: {r['name']} rank {r['rank']}, the rule gives {rank}")
    print(f"import check: score: {len(rows)} units, the weighted mean of the template's indicators, ok")


def main(argv):
    if len(argv) < 2:
        fail(__doc__)
    what, args = argv[1], argv[2:]
    if what == "record":
        check_record(args[0], args[1], args[2], args[3], args[4:])
    elif what == "rank":
        check_rank(*args)
    elif what == "project":
        check_project(*args)
    elif what == "score":
        check_score(*args)
    else:
        fail("unknown check " + what)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
