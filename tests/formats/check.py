#!/usr/bin/python3
"""Every command in every format, parsed by real parsers.

For each command below and each of --format text, md, csv, json: the command must exit 0; the JSON must
parse with `python3 -m json.tool` (run as a program, as a user would) and have the report layer's shape
(command, version, title, metadata, sources, notes, tables with columns and rows whose keys are the
columns); the CSV must parse with the csv module in strict mode, with CRLF line ends, a header and rows
of the header's length -- for every table the JSON lists (--table NAME), and with --bom starting with
the UTF-8 byte order mark; every Markdown pipe table must have the same number of cells in each row;
text must not be empty.  `project` is not on the report layer yet: its JSON must parse and its CSV be
rectangular.

Standard library only; from the repository root:  /usr/bin/python3 tests/formats/check.py build/dtirank
"""
import csv
import io
import json
import os
import subprocess
import sys

COMMANDS = [
    "rank --year 2022",
    "rank --year 2020 --by gov",
    "rank --year 2024 --units 34",
    "rank --data data/dti/2024-34.yaml",
    "units",
    "units --units 34",
    "validate models/asem.yaml data/dti/2021.yaml data/aliases.yaml",
    "score --model models/asem.yaml --data data/asem.yaml --detail",
    "score --model models/dti-2022.yaml --year 2022 --units 34",
    "audit --model models/asem.yaml --data data/asem.yaml",
    "audit --model models/dti-2022.yaml --year 2022",
    "tune fit --year 2020",
    "tune fit --year 2022",
    "tune sensitivity --model models/asem.yaml --data data/asem.yaml --runs 200 --sobol 100",
    "tune sensitivity --model models/dti-2022.yaml --year 2022 --runs 200 --sobol 100 --units 34 --province Hue",
    "tune stability --model models/dti-2022.yaml --year 2022 --province 'Da Nang'",
    "tune stability --model models/asem.yaml --data data/asem.yaml --province Germany --top 10",
    "tune goal --model models/dti-2022.yaml --year 2022 --province 'Can Tho' --top 3",
    "tune goal --model models/dti-2022.yaml --year 2022 --province 'Quang Ninh' --top 1 --units 34",
    "backtest --origin 2021 --runs 300",
    "score --model models/dti-2022-block.yaml --year 2023 --detail",
    "tune fit --model models/dti-2022-block.yaml --year 2023",
    "tune goal --model models/dti-2022-block.yaml --year 2023 --province 'Thai Nguyen' --top 10 --units 34",
]
LEGACY = ["project --runs 500 --threads 1", "project --runs 500 --threads 1 --all --units 34"]

failures = []
checks = 0


def check(ok, msg):
    global checks
    checks += 1
    if not ok:
        failures.append(msg)


def run(binary, args):
    env = dict(os.environ, DTIRANK_HOME=".")
    p = subprocess.run(binary + " " + args, shell=True, env=env, capture_output=True)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def json_tool(data):
    p = subprocess.run(["/usr/bin/python3", "-m", "json.tool"], input=data, capture_output=True)
    return p.returncode == 0


def check_csv(where, data, bom=False):
    if bom:
        check(data.startswith(b"\xef\xbb\xbf"), f"{where}: no byte order mark with --bom")
        data = data[3:]
    text = data.decode("utf-8")
    lines = text.split("\r\n")
    check(text.endswith("\r\n") and "\n" not in text.replace("\r\n", ""),
          f"{where}: not CRLF line ends throughout (quoted line breaks aside)")
    rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    check(len(rows) >= 1 and all(rows[0]), f"{where}: no header, or an empty column name")
    widths = {len(r) for r in rows}
    check(len(widths) == 1, f"{where}: rows of {sorted(widths)} fields")
    return rows, lines


def check_md(where, text):
    block = []
    for line in text.split("\n") + [""]:
        if line.startswith("|"):
            block.append(line)
            continue
        if block:
            cells = {len(l.replace("\\|", "")[1:-1].split("|")) for l in block}
            check(len(cells) == 1, f"{where}: a pipe table with rows of {sorted(cells)} cells")
            check(len(block) >= 2 and set(block[1]) <= set("|-: "), f"{where}: no alignment row")
        block = []


def check_doc(where, doc):
    for key in ("command", "version", "title", "metadata", "sources", "notes", "tables"):
        check(key in doc, f"{where}: no '{key}'")
    for t in doc.get("tables", []):
        names = [c["name"] for c in t["columns"]]
        check(len(names) == len(set(names)), f"{where} {t['name']}: a column name twice")
        for r in t["rows"]:
            check(list(r.keys()) == names, f"{where} {t['name']}: a row's keys are not the columns")
            for k, v in r.items():
                check(not isinstance(v, float) or v == v and abs(v) != float("inf"),
                      f"{where} {t['name']}: {k} is NaN or infinite")


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "build/dtirank"
    for args in COMMANDS:
        outs = {}
        for fmt in ("text", "md", "csv", "json"):
            rc, out, err = run(binary, f"{args} --format {fmt}")
            check(rc == 0, f"{args} --format {fmt}: exit {rc}: {err.strip()[:200]}")
            outs[fmt] = out
        check(outs["text"].strip() != b"", f"{args}: empty text")
        check_md(f"{args} --format md", outs["md"].decode("utf-8"))
        check(json_tool(outs["json"]), f"{args} --format json: python3 -m json.tool refuses it")
        try:
            doc = json.loads(outs["json"])
        except ValueError:
            continue
        check_doc(args, doc)
        check(doc.get("command") == args.split()[0] if not args.startswith("tune") else
              doc.get("command") == " ".join(args.split()[:2]), f"{args}: json command {doc.get('command')!r}")
        tables = doc.get("tables", [])
        first, _ = check_csv(f"{args} --format csv", outs["csv"])
        if tables:
            check(first[0] == [c["name"] for c in tables[0]["columns"]],
                  f"{args}: the csv header is not the first table's columns")
            check(len(first) - 1 == len(tables[0]["rows"]), f"{args}: csv and json rows differ")
        for t in tables[1:]:
            rc, out, err = run(binary, f"{args} --format csv --table {t['name']}")
            check(rc == 0, f"{args} --table {t['name']}: exit {rc}: {err.strip()[:200]}")
            rows, _ = check_csv(f"{args} --table {t['name']}", out)
            check(rows[0] == [c["name"] for c in t["columns"]] and len(rows) - 1 == len(t["rows"]),
                  f"{args} --table {t['name']}: the csv is not the json's table")
        rc, out, err = run(binary, f"{args} --format csv --bom")
        check(rc == 0, f"{args} --format csv --bom: exit {rc}")
        check_csv(f"{args} --format csv --bom", out, bom=True)
    for args in LEGACY:
        for fmt in ("text", "md", "csv", "json"):
            rc, out, err = run(binary, f"{args} --format {fmt}")
            check(rc == 0, f"{args} --format {fmt}: exit {rc}: {err.strip()[:200]}")
            if fmt == "json":
                check(json_tool(out), f"{args} --format json: python3 -m json.tool refuses it")
            if fmt == "csv":
                check_csv(f"{args} --format csv", out)
    for f in failures:
        print("formats: " + f)
    print(f"formats: {checks - len(failures)} of {checks} checks passed "
          f"({len(COMMANDS) + len(LEGACY)} commands x 4 formats)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
