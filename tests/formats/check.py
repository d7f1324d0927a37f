#!/usr/bin/python3
"""Every command in every format, parsed by real parsers.

Also --format html for every command (tests/formats/check_html.py: well-formed, self-contained, one
<table> per table the Markdown shows) and --format svg: the commands with a chart give one SVG that
xml.etree parses (an <svg> root), the others are refused in one line; and `report` (html in both
languages, md, json).

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
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_html  # noqa: E402

binary_path = "build/dtirank"

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
    "backtest --origin 2021 --runs 300 --settings tests/golden/projection-quick.yaml",
    # the analyst's toolkit (issue 14)
    "compare --year 2022 --year 2023",
    "compare --model models/asem.yaml --model tests/toolkit/asem-p05.yaml --data data/asem.yaml",
    "compare --model tests/toolkit/asem-sets.yaml --weights sust3 --weights nopol --data data/asem.yaml",
    "compare --model models/dti-2022.yaml --year 2022 --year 2023",
    "compare --model models/asem.yaml --data data/asem.yaml --drop all",
    "compare --model models/dti-2022.yaml --year 2022 --drop gov_activity,econ_activity --weights pca",
    "profile --province 'Thai Nguyen'",
    "profile --province Hue --units 34 --year 2022",
    "profile --province 'Da Nang' --year 2020",
    "rank --year 2021 --by-region",
    "audit --model models/asem.yaml --data data/asem.yaml --matrices",
    "score --model models/asem.yaml --data data/asem.yaml --weights pca",
    "score --model tests/toolkit/asem-sets.yaml --data data/asem.yaml --weights sust3",
    "tune goal --model models/dti-2022.yaml --year 2022 --province 'Can Tho' --top 3 --weights pca",
    "score --model tests/toolkit/panel-model.yaml --data tests/toolkit/panel_long.csv --impute-years linear-locf",
    "score --model models/dti-2022-block.yaml --year 2023 --detail",
    "tune fit --model models/dti-2022-block.yaml --year 2023",
    "tune goal --model models/dti-2022-block.yaml --year 2023 --province 'Thai Nguyen' --top 10 --units 34",
]
LEGACY = ["project --runs 500 --threads 1 --settings tests/golden/projection-quick.yaml",
          "project --runs 500 --threads 1 --all --units 34 --settings tests/golden/projection-quick.yaml"]
# the commands that draw a chart (--format svg): the rest are refused in one line
CHARTS = ["rank", "tune stability", "tune sensitivity", "audit", "project"]
QUICK = "--settings tests/golden/projection-quick.yaml --runs 2000 --threads 1"
HOME = "build/formats-home"  # tests/browser/synthetic_home.py: SYNTHETIC indicators for the weights section
REPORTS = ["report " + QUICK, "report --lang en " + QUICK, "report --units 63 --province 'Bac Ninh' " + QUICK,
           f"report --home {HOME} " + QUICK]

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


def check_html_svg(args, md):
    """--format html and svg of one command; md is its Markdown (the tables people see)."""
    rc, out, err = run(binary_path, f"{args} --format html")
    check(rc == 0, f"{args} --format html: exit {rc}: {err.strip()[:200]}")
    text = out.decode("utf-8")
    for q in check_html.check(text):
        check(False, f"{args} --format html: {q}")
    md_tables = sum(1 for i, l in enumerate(md.split("\n")) if l.startswith("|") and
                    (i == 0 or not md.split("\n")[i - 1].startswith("|")))
    check(text.count("<table>") == md_tables,
          f"{args} --format html: {text.count('<table>')} tables, the Markdown {md_tables}")
    rc, out, err = run(binary_path, f"{args} --format svg")
    drawn = any(args.startswith(c) for c in CHARTS) and "--sobol 0" not in args
    if drawn:
        check(rc == 0, f"{args} --format svg: exit {rc}: {err.strip()[:200]}")
        try:
            root = ET.fromstring(out)
            check(root.tag == "{http://www.w3.org/2000/svg}svg", f"{args} --format svg: root {root.tag}")
        except ET.ParseError as e:
            check(False, f"{args} --format svg: does not parse: {e}")
    else:
        last = err.strip().split("\n")[-1]  # validate prints the files' warnings first
        check(rc == 1 and out == b"" and last.startswith("dtirank: error: this output has no chart"),
              f"{args} --format svg: not refused in one line (exit {rc}: {err.strip()[:200]})")


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
    global binary_path
    binary = binary_path = sys.argv[1] if len(sys.argv) > 1 else "build/dtirank"
    for args in COMMANDS:
        outs = {}
        for fmt in ("text", "md", "csv", "json"):
            rc, out, err = run(binary, f"{args} --format {fmt}")
            check(rc == 0, f"{args} --format {fmt}: exit {rc}: {err.strip()[:200]}")
            outs[fmt] = out
        check(outs["text"].strip() != b"", f"{args}: empty text")
        check_md(f"{args} --format md", outs["md"].decode("utf-8"))
        check_html_svg(args, outs["md"].decode("utf-8"))
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
    for args in LEGACY[:1]:
        rc, out, err = run(binary, f"{args} --format html")
        check(rc == 0 and not check_html.check(out.decode("utf-8")), f"{args} --format html: {err.strip()[:200]}")
        rc, out, err = run(binary, f"{args} --format svg")
        check(rc == 0 and ET.fromstring(out).tag.endswith("svg"), f"{args} --format svg: exit {rc}")
    subprocess.run(["/usr/bin/python3", "tests/browser/synthetic_home.py", HOME], check=True)
    for args in REPORTS:
        rc, out, err = run(binary, f"{args}")  # html by default
        check(rc == 0, f"{args}: exit {rc}: {err.strip()[:200]}")
        for q in check_html.check(out.decode("utf-8")):
            check(False, f"{args}: {q}")
        # seven sections, each but the first starting a printed page
        check(out.count(b"<section>") == 1 and out.count(b'<section class="page">') == 6,
              f"{args}: not 7 sections of which 6 start a page")
        for fmt in ("md", "json"):
            rc, out, err = run(binary, f"{args} --format {fmt}")
            check(rc == 0, f"{args} --format {fmt}: exit {rc}: {err.strip()[:200]}")
            if fmt == "json":
                check(json_tool(out), f"{args} --format json: python3 -m json.tool refuses it")
                check_doc(args, json.loads(out))
                check(b"0,67" not in out, f"{args} --format json: a decimal comma")
            else:
                check_md(f"{args} --format md", out.decode("utf-8"))
    for f in failures:
        print("formats: " + f)
    print(f"formats: {checks - len(failures)} of {checks} checks passed "
          f"({len(COMMANDS) + len(LEGACY)} commands x 6 formats, {len(REPORTS)} reports)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
