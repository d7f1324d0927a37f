#!/usr/bin/python3
"""Writes the CSV twins of the shipped YAML data tables into tests/csv/ (committed), for the tests
that the CSV route gives the same results as the YAML route (tests/csv/routes.sh) and for the
unit tests (tests/unit/test_csv.c).  Not synthetic: the same numbers as data/asem.yaml (COINr's ASEM
example), data/example-raw.yaml (SYNTHETIC, see tests/gen_example_raw.py) and data/dti/2022.yaml
(the official 2022 DTI record), copied as the YAML text has them (yaml.BaseLoader keeps every scalar
as its text: no float round trip).  Each file exercises another part of the reader:

  asem.csv                 wide, ',' and LF; group:, denominator: columns; names with commas quoted
  asem_long_semicolon.csv  long (unit;name;indicator;value), ';', CRLF, a UTF-8 BOM, decimal commas
  example_raw.csv          wide with previous:ID columns and categorical labels
  example_raw_long.csv     long with a year column: 2024 = the values, 2023 = the year before
  dti2022.csv              wide, BOM + CRLF, Vietnamese header 'Tỉnh' and names, published dti and
                           dti_rank columns (a DTI table: units resolved through data/provinces.yaml)
  dti2022_long.csv         long with year 2022, ASCII names (Ha Noi, Da Nang...)

Run from the repository root with Debian's python3 (python3-yaml):
    /usr/bin/python3 tests/csv/gen_tables.py
"""
import csv
import io

import yaml

OUT = "tests/csv/"


def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=yaml.BaseLoader)


def cell(v):
    return "" if v in (None, "~", "", "null") else v


def write(name, rows, delimiter=",", crlf=False, bom=False):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n" if crlf else "\n")
    w.writerows(rows)
    with open(OUT + name, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        f.write(buf.getvalue())


def ordered_keys(units, field):
    keys = []
    for u in units:
        for k in (u.get(field) or {}):
            if k not in keys:
                keys.append(k)
    return keys


def generic(path, wide_name, long_name, long_args, long_years=False):
    units = load(path)["units"]
    groups = ordered_keys(units, "groups")
    denoms = ordered_keys(units, "denominators")
    values = ordered_keys(units, "values")
    prev = ordered_keys(units, "previous")
    head = ["unit", "name"] + ["group:" + g for g in groups] + ["denominator:" + d for d in denoms] + values
    head += ["previous:" + p for p in prev]
    rows = [head]
    for u in units:
        r = [u["unit"], u.get("name", "")]
        r += [cell((u.get("groups") or {}).get(g)) for g in groups]
        r += [cell((u.get("denominators") or {}).get(d)) for d in denoms]
        r += [cell((u.get("values") or {}).get(v)) for v in values]
        r += [cell((u.get("previous") or {}).get(p)) for p in prev]
        rows.append(r)
    write(wide_name, rows)

    comma = long_args.get("delimiter") == ";"
    rows = [["unit", "name", "indicator", "value"] + (["year"] if long_years else [])]
    for u in units:
        items = [("group:" + k, v) for k, v in (u.get("groups") or {}).items()]
        items += [("denominator:" + k, v) for k, v in (u.get("denominators") or {}).items()]
        items += [(k, v) for k, v in (u.get("values") or {}).items()]
        for k, v in items:
            if cell(v) == "":
                continue  # a long table leaves a missing value out
            v = v.replace(".", ",") if comma and not k.startswith("group:") else v
            rows.append([u["unit"], u.get("name", ""), k, v] + (["2024"] if long_years else []))
        for k, v in (u.get("previous") or {}).items():
            if cell(v) != "":
                rows.append([u["unit"], u.get("name", ""), k, v, "2023"])
    write(long_name, rows, **long_args)


def dti():
    rec = load("data/dti/2022.yaml")
    reg = {p["name"]: p for p in load("data/provinces.yaml")["provinces"]}
    provs = rec["provinces"]
    keys = []
    for p in provs:
        for k in p:
            if k != "province" and k not in keys:
                keys.append(k)

    def val(p, k):
        f = p.get(k)
        if f is None:
            return ""
        if isinstance(f, dict):
            return cell(f.get("value"))  # a rank known only by bounds (min/max) stays empty
        return cell(f)

    rows = [["Tỉnh"] + keys]
    for p in provs:
        rows.append([p["province"]] + [val(p, k) for k in keys])
    write("dti2022.csv", rows, crlf=True, bom=True)
    rows = [["province", "indicator", "value", "year"]]
    for p in provs:
        for k in keys:
            if val(p, k) != "":
                rows.append([reg[p["province"]]["ascii"], k, val(p, k), "2022"])
    write("dti2022_long.csv", rows)


def main():
    generic("data/asem.yaml", "asem.csv", "asem_long_semicolon.csv",
            {"delimiter": ";", "crlf": True, "bom": True})
    generic("data/example-raw.yaml", "example_raw.csv", "example_raw_long.csv", {}, long_years=True)
    dti()


if __name__ == "__main__":
    main()
