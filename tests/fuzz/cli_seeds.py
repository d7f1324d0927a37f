#!/usr/bin/env python3
"""cli_seeds.py -- seeds of fuzz_cli: the argument lists of the golden and bad-input tests, one
argument per line (the harness splits its input at newlines).  Usage: cli_seeds.py OUTDIR"""
import os
import shlex
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
lines = []
for case in sorted(os.listdir("tests/golden")):
    p = os.path.join("tests/golden", case, "args")
    if os.path.isfile(p):
        lines.append(open(p, encoding="utf-8").read().strip())
for row in open("tests/bad/cases.txt", encoding="utf-8"):
    if row.strip() and not row.startswith("#") and row.count("|") >= 2:
        lines.append(row.split("|")[1].strip().replace("OUT", "out/result.txt"))
# the slow commands with small runs, as the harness requires them
lines += ["project --runs 20 --threads 2", "project --runs 20 --units 34 --all --format csv",
          "backtest --origin 2021 --runs 20", "tune sensitivity --model models/asem.yaml --data data/asem.yaml "
          "--runs 50 --sobol 100 --threads 2", "tune sensitivity --model models/dti-2022.yaml --year 2022 --runs 50 "
          "--sobol 0 --units 34", "rank --year 2022 --out out/r.txt --force", "validate data/provinces.yaml "
          "data/merger-2025.yaml models/targets.yaml"]
for i, line in enumerate(lines):
    with open(os.path.join(out, "seed%03d" % i), "w", encoding="utf-8") as f:
        f.write("\n".join(shlex.split(line)))
