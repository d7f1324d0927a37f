#!/bin/sh
# The whole `dtirank project` command (the sampler's fit, the Monte Carlo of both frames to 2030, the model
# dependence) at 1 and 2 threads, median of 3 timings each, and a check that both give identical output.
# The figures of each stage, median of 5 beside their goals: bench_project.c.
# Usage: sh tests/bench/bench_project.sh path/to/dtirank [RUNS]
bin=$1
runs=${2:-100000}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
echo "projection command: $runs runs of the default model to 2030 (the fit included, no model dependence), median of 3"
for t in 1 2; do
    for k in 1 2 3; do
        s=$(date +%s.%N)
        DTIRANK_HOME=. "$bin" project --runs "$runs" --compare 0 --threads "$t" --seed 1 --format csv >"$tmp/out$t" || exit 1
        e=$(date +%s.%N)
        echo "$e - $s" | bc -l
    done | sort -n | sed -n 2p >"$tmp/time$t"
    secs=$(cat "$tmp/time$t")
    printf '  threads %d: %.3f s  (%.0f runs/s)\n' "$t" "$secs" "$(echo "$runs / $secs" | bc -l)"
done
cmp -s "$tmp/out1" "$tmp/out2" && echo "  1 and 2 threads: identical output" || { echo "  OUTPUT DIFFERS"; exit 1; }
