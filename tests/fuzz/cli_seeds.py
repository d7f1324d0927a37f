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
          "data/merger-2025.yaml models/targets.yaml",
          "project --runs 30 --province 'Bac Ninh' --target 2025:5 --target 2030:3 --format json --model trend",
          "project --runs 30 --units 63 --all --format md --seed 7 --until 2027",
          "backtest --origin 2022 --runs 30 --model panel --threads 1",
          "score --model models/dti-2022.yaml --year 2022 --units 34 --merge-weight population --format csv",
          "score --model models/example-raw.yaml --data data/example-raw.yaml --detail --format json --out out/s.json",
          "score --model models/asem.yaml --data data/asem.yaml --format md",
          "audit --model models/example-raw.yaml --data data/example-raw.yaml --format csv",
          "audit --model models/dti-2022.yaml --data data/dti/2022.yaml --format json",
          "tune fit --year 2021 --model models/dti-2022.yaml --out out/f.txt",
          "tune stability --model models/dti-2022.yaml --year 2022 --province 'Da Nang' --top 5 --format json",
          "tune stability --model models/asem.yaml --data data/asem.yaml --province AUT --format csv",
          "tune goal --model models/dti-2022.yaml --year 2022 --province 'Can Tho' --top 3 "
          "--costs tests/bad/files/costs_negative.yaml",
          "tune goal --model models/dti-2022.yaml --year 2022 --province 'Bac Kan' --top 3 --units 34",
          "tune sensitivity --model models/asem.yaml --data data/asem.yaml --runs 30 --sobol 100 --top 3 "
          "--province AUT --seed 9 --uncertainty models/uncertainty-asem.yaml",
          "rank --year 2021 --by society --format md", "rank --year 2023 --units 34 --format json",
          "validate --registry data/provinces.yaml --models models data/dti/2020.yaml models/example-raw.yaml"]
for i, line in enumerate(lines):
    with open(os.path.join(out, "seed%03d" % i), "w", encoding="utf-8") as f:
        f.write("\n".join(shlex.split(line)))
