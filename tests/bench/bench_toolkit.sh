#!/bin/sh
# Wall time of the analyst's toolkit commands (issue 14: profile and leave-one-out under 50 ms), the whole
# program each time (start, load, compute, write): the median of N runs, and the fastest.
# Usage: sh tests/bench/bench_toolkit.sh path/to/dtirank [N]
bin=$1
n=${2:-21}
echo "toolkit bench: median (fastest) wall time of $n runs, the whole program"
while IFS='|' read -r label args; do
    [ -n "$label" ] || continue
    i=0
    while [ $i -lt "$n" ]; do
        s=$(date +%s%N)
        eval "DTIRANK_HOME=. \"$bin\" $args" >/dev/null || exit 1
        e=$(date +%s%N)
        echo $(( (e - s) / 1000 ))
        i=$((i + 1))
    done | sort -n >/tmp/bench_toolkit.$$
    med=$(sed -n "$(( (n + 1) / 2 ))p" /tmp/bench_toolkit.$$)
    min=$(sed -n 1p /tmp/bench_toolkit.$$)
    printf '  %-44s %6.1f ms (%.1f)\n' "$label" "$(echo "$med / 1000" | bc -l)" "$(echo "$min / 1000" | bc -l)"
done <<'CMDS'
profile (5 year records)|profile --province "Thai Nguyen"
profile --units 34|profile --province "Bac Kan" --units 34
compare --drop all (ASEM, 49 indicators)|compare --model models/asem.yaml --data data/asem.yaml --drop all
compare --year 2022 --year 2023|compare --year 2022 --year 2023
rank --by-region|rank --year 2024 --by-region
dtirank --version (start-up alone)|--version
CMDS
rm -f /tmp/bench_toolkit.$$
