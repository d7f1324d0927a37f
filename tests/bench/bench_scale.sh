#!/bin/sh
# Scale: wall time and peak memory (/usr/bin/time -v, maximum resident set size) of loading and
# scoring SYNTHETIC tables of 1,000, 10,000 and 50,000 units x 50 indicators (tests/gen_scale.py,
# written into build/bench), of a short tune sensitivity on them (100 runs, no Sobol, 1, 2 and 4 threads),
# and of validating a registry of as many provinces (duplicate checks by hashing).
# Usage: sh tests/bench/bench_scale.sh path/to/dtirank [N ...]
bin=$1; shift
sizes=${*:-1000 10000 50000}
dir=build/bench
command -v /usr/bin/time >/dev/null 2>&1 || { echo "scale bench: needs /usr/bin/time (apt-get install -y time)"; exit 1; }
# shellcheck disable=SC2086
python3 tests/gen_scale.py $dir $sizes || exit 1
measure() { # measure LABEL ARGS...: one line with seconds and megabytes
    label=$1; shift
    /usr/bin/time -v "$bin" "$@" >/dev/null 2>"$dir/time.txt" || { echo "  $label: FAILED"; sed -n 1,3p "$dir/time.txt"; return; }
    secs=$(sed -n 's/^.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$dir/time.txt" | awk -F: '{ print ($1 * 60) + $2 }')
    kb=$(sed -n 's/^.*Maximum resident set size (kbytes): //p' "$dir/time.txt")
    printf '  %-44s %8.2f s %8.0f MB\n' "$label" "$secs" "$(echo "$kb / 1024" | bc -l)"
}
echo "scale bench (SYNTHETIC, 50 indicators in 5 pillars; wall time, peak resident memory):"
for n in $sizes; do
    measure "$n units: validate the table" validate --models $dir $dir/scale-$n.yaml
    measure "$n units: score (load, engine, csv)" score --model $dir/scale.yaml --data $dir/scale-$n.yaml --format csv
    for t in 1 2 4; do
        measure "$n units: tune sensitivity, 100 runs, $t thread(s)" tune sensitivity --model $dir/scale.yaml \
            --data $dir/scale-$n.yaml --uncertainty $dir/uncertainty-scale.yaml --runs 100 --sobol 0 --threads $t
    done
    measure "$n provinces: validate a registry" validate --registry $dir/registry-$n.yaml $dir/registry-$n.yaml
done
