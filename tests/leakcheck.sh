#!/bin/sh
# Runs representative commands under valgrind: no leak, no invalid access (exit status 9 otherwise).
# Usage: sh tests/leakcheck.sh path/to/dtirank
bin=$1
command -v valgrind >/dev/null 2>&1 || { echo "leakcheck: valgrind not installed (apt-get install valgrind)"; exit 2; }
pass=0; fail=0
# the report's weights section needs a home whose 2023 record has every weighted indicator (SYNTHETIC)
/usr/bin/python3 tests/browser/synthetic_home.py /tmp/dtirank_leakcheck_home || exit 2
while IFS= read -r args; do
    case $args in ''|'#'*) continue ;; esac
    eval "DTIRANK_HOME=. valgrind -q --leak-check=full --errors-for-leak-kinds=all --error-exitcode=9 \"$bin\" $args" \
        >/dev/null 2>/tmp/leakcheck.$$
    rc=$?
    if [ $rc = 9 ] || grep -q 'definitely lost\|Invalid' /tmp/leakcheck.$$; then
        echo "leakcheck: $args"; cat /tmp/leakcheck.$$; fail=$((fail + 1))
    else
        pass=$((pass + 1))
    fi
done <<'CMDS'
rank --year 2022
rank --year 2020 --by gov --format json
rank --year 2022 --units 34 --format csv
rank --data tests/bad/files/decimal_comma.yaml
validate models/dti-2022.yaml data/dti/2021.yaml data/merger-2025.yaml models/targets.yaml models/merger.yaml models/uncertainty-dti.yaml data/aliases.yaml data/asem.yaml
validate --model models/asem.yaml tests/bad/files/unc_levels.yaml tests/golden/validate_table_no_model/table.yaml
units --units 34 --format json
units --format md
project --settings tests/golden/projection-quick.yaml --runs 2000
project --settings tests/golden/projection-quick.yaml --runs 2000 --units 34 --format json
backtest --settings tests/golden/projection-quick.yaml --origin 2021 --runs 1000
score --model models/asem.yaml --data data/asem.yaml --detail --format json
score --model models/dti-2022.yaml --year 2022 --units 34
audit --model models/asem.yaml --data data/asem.yaml
tune fit --model models/dti-2022.yaml --data data/dti/2022.yaml
tune sensitivity --model models/asem.yaml --data data/asem.yaml --runs 2000 --format json
tune sensitivity --model models/dti-2022.yaml --year 2022 --runs 300 --sobol 100 --units 34 --province Hue
tune sensitivity --model models/dti-2022.yaml --year 2022 --province "Thai Nguyen" --runs 100
tune fit --year 2020 --format csv
audit --model models/dti-2022.yaml --year 2022 --format md
rank --year 2024 --units 34 --format json --table units
score --model models/asem.yaml --data data/asem.yaml --format csv --bom --out /tmp/leakcheck_out.csv
tune stability --model models/dti-2022.yaml --year 2022 --province "Da Nang"
compare --year 2021 --year 2022 --format json
compare --model models/asem.yaml --model tests/toolkit/asem-p05.yaml --data data/asem.yaml
compare --model tests/toolkit/asem-sets.yaml --weights sust3 --weights pca --data data/asem.yaml --format csv
compare --model models/asem.yaml --data data/asem.yaml --drop all --format json
compare --model models/asem.yaml --data data/asem.yaml --drop lpii
profile --province "Thai Nguyen" --format json
profile --province "Bac Kan" --units 34 --year 2023
rank --year 2021 --by-region --format md
score --model models/asem.yaml --data data/asem.yaml --weights balance --format json
score --model tests/toolkit/panel-model.yaml --data tests/toolkit/panel_long.csv --impute-years linear-locf
score --model tests/toolkit/panel-model.yaml --data tests/bad/files/panel_mixed.yaml
tune goal --model models/dti-2022.yaml --year 2022 --province "Can Tho" --top 3 --format json
tune goal --model models/dti-2022.yaml --year 2022 --province Hue --top 1 --units 34 --costs tests/bad/files/costs_unknown.yaml
tune stability --model models/dti-2020.yaml --year 2020 --province "Thai Ngyuen"
tune stability --model models/dti-2022.yaml --year 2022 --province "Quang Ninh" --units 34
score --model models/asem.yaml --data tests/csv/asem_long_semicolon.csv --decimal-comma
audit --model models/example-raw.yaml --data tests/csv/example_raw.csv
tune fit --model models/dti-2022.yaml --data tests/csv/dti2022_long.csv
score --model models/dti-2022.yaml --data tests/bad/files/csv_unit_two_spellings.csv
score --model models/asem.yaml --data tests/bad/files/csv_unbalanced_quote.csv
report --settings tests/golden/projection-quick.yaml --runs 500
report --settings tests/golden/projection-quick.yaml --runs 500 --lang en --units 63 --province "Bac Ninh" --format md
report --home /tmp/dtirank_leakcheck_home --settings tests/golden/projection-quick.yaml --runs 500 --format json
rank --year 2024 --province "Thai Nguyen" --format svg
audit --model models/asem.yaml --data data/asem.yaml --format html
tune stability --model models/dti-2022.yaml --year 2022 --province "Da Nang" --format svg
template --model dti-2024 --units 34 --format xlsx --out /tmp/leakcheck_out.xlsx
score --model models/asem.yaml --data data/asem.yaml --detail --format xlsx --out /tmp/leakcheck_out.xlsx
import --year 2024 --units 34 tests/import/conflict.csv --source https://example.org/SYNTHETIC --force
tune goal --model models/dti-2022-block.yaml --year 2023 --province "Thai Nguyen" --top 10 --units 34 --costs models/costs-dti-block.yaml
tune fit --model models/dti-2022-block.yaml --year 2022
score --model models/dti-2022-block.yaml --data tests/bad/files/yr_block_out_of_range.yaml
tune fit --model tests/bad/files/fw_block_gov210.yaml --year 2022
CMDS
rm -f /tmp/leakcheck.$$ /tmp/leakcheck_out.csv /tmp/leakcheck_out.xlsx
echo "leakcheck: $pass passed, $fail failed"
[ $fail = 0 ]
