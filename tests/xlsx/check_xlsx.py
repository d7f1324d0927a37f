#!/usr/bin/python3
"""Every command's --format xlsx read back with openpyxl and compared, cell by cell, with its CSV.

For each command below: `--format json` lists the tables; `--format xlsx --out F` must write a workbook
whose first sheet "about" holds the JSON's title, metadata (typed) and sources, and then one sheet per
table, named by the table, in the JSON's order; every sheet must equal `--format csv --table NAME` of the
same command: the header row (bold, frozen), and every cell -- an empty CSV field is an empty cell, true
and false are booleans, a number is a number (compared at 16 significant digits: libxlsxwriter writes
%.16G, the CSV every digit), anything else the same text (Vietnamese names byte for byte).  Number
formats are General or fixed decimals ("0", "0.0000"); a cell with a published figure (the column dti of
rank) shows its published precision; every column is at least as wide as its header.  Then --table
keeps one sheet, the same document with SOURCE_DATE_EPOCH is byte-identical, and a TMPDIR that does not
exist is one error line (the workbook is built in a temporary file) with no output left.

Needs Debian's python3-openpyxl (apt-get install -y python3-openpyxl); says "skipped" without it.
From the repository root:  /usr/bin/python3 tests/xlsx/check_xlsx.py build/dtirank
"""
import csv
import io
import json
import os
import re
import subprocess
import sys
import tempfile

try:
    import openpyxl
except ImportError:
    print("xlsx: python3-openpyxl not installed (apt-get install -y python3-openpyxl): tests/xlsx/check_xlsx.py skipped")
    sys.exit(0)

COMMANDS = [
    "rank --year 2022",
    "rank --year 2024",
    "rank --year 2022 --units 34",
    "rank --data data/dti/2024-34.yaml",
    "units --units 34",
    "validate models/asem.yaml data/dti/2021.yaml data/aliases.yaml",
    "score --model models/asem.yaml --data data/asem.yaml --detail",
    "score --model models/example-raw.yaml --data data/example-raw.yaml --detail",
    "score --model models/dti-2022.yaml --year 2022 --units 34",
    "audit --model models/asem.yaml --data data/asem.yaml",
    "tune fit --year 2022",
    "tune sensitivity --model models/asem.yaml --data data/asem.yaml --runs 200 --sobol 100",
    "tune stability --model models/dti-2022.yaml --year 2022 --province 'Da Nang'",
    "project --runs 2000 --settings tests/golden/projection-quick.yaml --compare 0 --threads 1",
    "backtest --origin 2023 --model effects --runs 500 --settings tests/golden/projection-quick.yaml --threads 1",
    "template --model dti-2024 --units 34",
]

failures = []
checks = 0


def check(ok, msg):
    global checks
    checks += 1
    if not ok:
        failures.append(msg)
    return ok


def run(binary, args, env_extra=None):
    env = dict(os.environ, DTIRANK_HOME=".")
    env.update(env_extra or {})
    p = subprocess.run(binary + " " + args, shell=True, env=env, capture_output=True)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def g16(x):
    return "%.16g" % float(x)


def same_cell(text, value):
    """CSV field `text` and the xlsx cell's value."""
    if text == "":
        return value is None
    if isinstance(value, bool):
        return text == ("true" if value else "false")
    if isinstance(value, (int, float)):
        try:
            return g16(text) == g16(value)
        except ValueError:
            return False
    return value == text


FIXED = re.compile(r"^0(\.0+)?$")


def check_sheet(where, ws, rows):
    got = [list(r) for r in ws.iter_rows(values_only=True)]
    width = max((len(r) for r in rows), default=0)
    got = [r + [None] * (width - len(r)) for r in got]
    if not check(len(got) == len(rows), f"{where}: {len(got)} rows in the sheet, {len(rows)} in the csv"):
        return
    check(ws.freeze_panes == "A2", f"{where}: header not frozen ({ws.freeze_panes})")
    for k, name in enumerate(rows[0]):
        cell = ws.cell(row=1, column=k + 1)
        check(cell.value == name and cell.font.b, f"{where}: header {k + 1} {cell.value!r} (bold {cell.font.b}), csv {name!r}")
        letter = openpyxl.utils.get_column_letter(k + 1)
        w = ws.column_dimensions[letter].width
        check(w is not None and w >= len(name), f"{where}: column {name} {w} wide")
    bad = 0
    for i, (want, have) in enumerate(zip(rows[1:], got[1:]), start=2):
        for k, (t, v) in enumerate(zip(want, have)):
            if not same_cell(t, v):
                bad += 1
                if bad <= 3:
                    failures.append(f"{where}: row {i} column {rows[0][k]}: csv {t!r}, xlsx {v!r}")
            cell = ws.cell(row=i, column=k + 1)
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                check(cell.number_format == "General" or FIXED.match(cell.number_format),
                      f"{where}: row {i} {rows[0][k]}: number format {cell.number_format!r}")
    check(bad == 0, f"{where}: {bad} cells differ from the csv")


def check_about(where, ws, doc):
    cells = [list(r) for r in ws.iter_rows(values_only=True)]
    title = doc["title"] if doc["title"] is not None else "dtirank " + doc["command"]
    check(cells and cells[0][0] == title, f"{where}: A1 {cells[0][0] if cells else None!r}, json title {title!r}")
    pairs = {}
    section = None
    for r in cells:
        if r[0] in ("metadata", "sources") and (len(r) < 2 or r[1] is None):
            section = r[0]
            continue
        if section and r[0] is not None and len(r) > 1:
            pairs.setdefault(section, []).append((r[0], r[1]))
    meta = dict(pairs.get("metadata", []))
    check(meta.get("command") == doc["command"], f"{where}: command {meta.get('command')!r}")
    for k, v in doc["metadata"].items():
        have = meta.get(k)
        ok = (have is None if v is None else
              have == v if isinstance(v, (bool, str)) else
              isinstance(have, (int, float)) and g16(have) == g16(v))
        check(ok, f"{where}: metadata {k}: json {v!r}, xlsx {have!r}")
    srcs = pairs.get("sources", [])
    check(srcs == [(s["role"], s["path"]) for s in doc["sources"]], f"{where}: sources {srcs} != {doc['sources']}")
    text = "\n".join(str(r[0]) for r in cells if r[0] is not None)
    for note in doc["notes"]:
        check(all(line in text for line in note.split("\n") if line), f"{where}: note {note[:60]!r} not on the first sheet")


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "build/dtirank"
    tmp = tempfile.mkdtemp()
    for args in COMMANDS:
        rc, out, err = run(binary, f"{args} --format json")
        if not check(rc == 0, f"{args} --format json: exit {rc}: {err.strip()[:200]}"):
            continue
        doc = json.loads(out)
        path = os.path.join(tmp, "out.xlsx")
        rc, out, err = run(binary, f"{args} --format xlsx --out {path}")
        if not check(rc == 0 and out == b"", f"{args} --format xlsx: exit {rc}: {err.strip()[:200]}"):
            continue
        wb = openpyxl.load_workbook(path)
        names = [t["name"] for t in doc["tables"]]
        check(wb.sheetnames == ["about"] + names, f"{args}: sheets {wb.sheetnames}, tables {names}")
        check_about(f"{args} about", wb["about"], doc)
        for name in names:
            if name not in wb.sheetnames:
                continue
            rc, out, err = run(binary, f"{args} --format csv --table {name}")
            check(rc == 0, f"{args} --format csv --table {name}: exit {rc}")
            rows = list(csv.reader(io.StringIO(out.decode("utf-8"), newline="")))
            check_sheet(f"{args} [{name}]", wb[name], rows)
        if len(names) > 1:  # --table keeps one sheet
            rc, _, _ = run(binary, f"{args} --format xlsx --out {path} --table {names[-1]}")
            check(rc == 0 and openpyxl.load_workbook(path).sheetnames == ["about", names[-1]],
                  f"{args} --table {names[-1]}: not one sheet")
        os.unlink(path)
    # a published figure keeps its precision as the cell's format (rank 2022: dti 0.8002 -> "0.0000")
    path = os.path.join(tmp, "rank.xlsx")
    run(binary, f"rank --year 2022 --format xlsx --out {path}")
    ws = openpyxl.load_workbook(path)["ranking"]
    col = [c.value for c in ws[1]].index("dti") + 1
    check(ws.cell(row=2, column=col).value == 0.8002 and ws.cell(row=2, column=col).number_format == "0.0000",
          "rank 2022: dti of the first row is not 0.8002 shown as 0.0000")
    # reproducible with SOURCE_DATE_EPOCH (the creation time is the only varying byte otherwise)
    a, b = os.path.join(tmp, "a.xlsx"), os.path.join(tmp, "b.xlsx")
    run(binary, f"rank --year 2022 --format xlsx --out {a}", {"SOURCE_DATE_EPOCH": "1700000000"})
    run(binary, f"rank --year 2022 --format xlsx --out {b}", {"SOURCE_DATE_EPOCH": "1700000000"})
    check(open(a, "rb").read() == open(b, "rb").read(), "two runs with SOURCE_DATE_EPOCH differ")
    # no temporary file for the workbook: one line, exit 1, no output file
    out = os.path.join(tmp, "never.xlsx")
    rc, o, e = run(binary, f"rank --year 2022 --format xlsx --out {out}", {"TMPDIR": "/nonexistent/dtirank"})
    check(rc == 1 and o == b"" and not os.path.exists(out) and
          e == "dtirank: error: cannot create a temporary file in /nonexistent/dtirank (the workbook is built there; "
               "TMPDIR names another directory): No such file or directory\n",
          f"TMPDIR without a directory: exit {rc}, stderr {e!r}")
    check(sorted(os.listdir(tmp)) == ["a.xlsx", "b.xlsx", "rank.xlsx"], f"files left: {sorted(os.listdir(tmp))}")
    for f in (path, a, b):
        os.unlink(f)
    os.rmdir(tmp)
    for f in failures:
        print("xlsx: " + f)
    print(f"xlsx: {checks - len(failures)} of {checks} checks passed ({len(COMMANDS)} commands, every cell against the csv)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
