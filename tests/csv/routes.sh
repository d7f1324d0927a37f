#!/bin/sh
# The CSV route equals the YAML route: every command that reads a data table is run on a YAML table
# and on its CSV twins (written from it by tests/csv/gen_tables.py), and the outputs must be byte
# for byte the same once the data path is replaced.  The YAML route's numbers are proven elsewhere
# (tests/reference/, tests/golden/check_scores.py); this proves the CSV reader loses nothing.
# Usage: sh tests/csv/routes.sh path/to/dtirank   (from the repository root)
bin=$1
[ -x "$bin" ] || { echo "routes: no binary '$bin'"; exit 2; }
pass=0; fail=0
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

# same YAML CSV [ARGS...]: ARGS with @ standing for the data table; the CSV options follow '--'
same() {
    yaml=$1; csv=$2; shift 2
    yargs=""; cargs=""; csvopt=0
    for a in "$@"; do
        if [ "$a" = "--" ]; then csvopt=1; continue; fi
        q=$(printf "'%s'" "$a")
        if [ $csvopt = 1 ]; then cargs="$cargs $q"; continue; fi
        if [ "$a" = "@" ]; then yargs="$yargs '$yaml'"; cargs="$cargs '$csv'"; else yargs="$yargs $q"; cargs="$cargs $q"; fi
    done
    eval "DTIRANK_HOME=. \"$bin\" $yargs" >"$tmp/yaml" 2>"$tmp/yaml.err"; ys=$?
    eval "DTIRANK_HOME=. \"$bin\" $cargs" >"$tmp/csv" 2>"$tmp/csv.err"; cs=$?
    sed "s|$csv|$yaml|g" "$tmp/csv" >"$tmp/csv.same"
    if [ $ys = 0 ] && [ $cs = 0 ] && [ -s "$tmp/yaml" ] && cmp -s "$tmp/yaml" "$tmp/csv.same" &&
       cmp -s "$tmp/yaml.err" "$tmp/csv.err"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "routes: $csv differs from $yaml ($*): status $ys / $cs"
        diff "$tmp/yaml" "$tmp/csv.same" | head -10
        cat "$tmp/csv.err" | head -3
    fi
}

A=data/asem.yaml; E=data/example-raw.yaml; D=data/dti/2022.yaml
same $A tests/csv/asem.csv score --model models/asem.yaml --data @ --format csv
same $A tests/csv/asem.csv score --model models/asem.yaml --data @ --format json --detail
same $A tests/csv/asem_long_semicolon.csv score --model models/asem.yaml --data @ --format csv -- --decimal-comma
same $A tests/csv/asem_long_semicolon.csv score --model models/asem.yaml --data @ --format csv -- --decimal-comma --delimiter ';'
same $A tests/csv/asem.csv audit --model models/asem.yaml --data @ --format json
same $A tests/csv/asem_long_semicolon.csv audit --model models/asem.yaml --data @ --format csv -- --decimal-comma
same $A tests/csv/asem.csv tune sensitivity --model models/asem.yaml --data @ --runs 300 --sobol 100 --province AUT
same $A tests/csv/asem.csv tune stability --model models/asem.yaml --data @ --province AUT --format csv
same $E tests/csv/example_raw.csv score --model models/example-raw.yaml --data @ --format json --detail
same $E tests/csv/example_raw_long.csv score --model models/example-raw.yaml --data @ --format json --detail
same $E tests/csv/example_raw_long.csv audit --model models/example-raw.yaml --data @ --format csv
same $D tests/csv/dti2022.csv score --model models/dti-2022.yaml --data @ --format csv
same $D tests/csv/dti2022_long.csv score --model models/dti-2022.yaml --data @ --format json --detail
same $D tests/csv/dti2022.csv score --model models/dti-2022.yaml --data @ --units 34 --format csv
same $D tests/csv/dti2022.csv tune sensitivity --model models/dti-2022.yaml --data @ --runs 500 --sobol 100 --province "TP. Đà Nẵng"
same $D tests/csv/dti2022.csv tune stability --model models/dti-2022.yaml --data @ --province "Da Nang" --format json
same $D tests/csv/dti2022_long.csv tune stability --model models/dti-2022.yaml --data @ --province "Quang Ninh" --units 34
same $D tests/csv/dti2022_long.csv tune goal --model models/dti-2022.yaml --data @ --province "Can Tho" --top 3
same $D tests/csv/dti2022_long.csv tune fit --model models/dti-2022.yaml --data @
# a multi-year table (SYNTHETIC, tests/gen_toolkit_data.py): YAML years: and a long CSV with a year column
T=tests/toolkit
same $T/panel.yaml $T/panel_long.csv score --model $T/panel-model.yaml --data @ --impute-years linear --table-year 2021 --format json
same $T/panel.yaml $T/panel_long.csv audit --model $T/panel-model.yaml --data @ --impute-years locf --format json
echo "routes (CSV = YAML): $pass passed, $fail failed"
[ $fail = 0 ]
