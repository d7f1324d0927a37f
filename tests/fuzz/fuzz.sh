#!/bin/sh
# fuzz.sh -- builds the libFuzzer harnesses (clang, ASan + UBSan) and runs each for TIME seconds on
# its corpus in build-fuzz/corpus/<harness> (seeded from the shipped files and tests/bad/files; kept
# between runs, so the corpora grow).  With "coverage" instead, builds them again with clang's source
# coverage in build-cov, replays every corpus once and prints the line coverage of the loaders.
# Usage: sh tests/fuzz/fuzz.sh TIME | sh tests/fuzz/fuzz.sh coverage   (from the repository root)
set -e
mode=$1
libs="$(pkg-config --libs gsl yaml-0.1 libutf8proc) -lcsv -lm -lpthread"
harnesses="fuzz_yaml fuzz_table fuzz_csv fuzz_merger fuzz_targets fuzz_costs fuzz_uncertainty fuzz_cli"
cli_src="src/cli.c $(ls src/cmd_*.c)" # the program above the library (main.c is included by fuzz_cli.c)

seed() { # seed DIR FILES...: copies the seed files into the corpus DIR
    d=$1; shift; mkdir -p "$d"
    for f in "$@"; do [ -f "$f" ] && cp "$f" "$d/$(echo "$f" | tr / _)"; done
    return 0
}

build() { # build DIR FLAGS: the library and every harness
    dir=$1; flags=$2
    make --no-print-directory BUILD="$dir" CC=clang OPT="-O1 -g" SAN="$flags -fsanitize=fuzzer-no-link" \
        "$dir/libdtirank.a" >/dev/null
    for h in $harnesses; do
        extra=""; [ $h = fuzz_cli ] && extra="$cli_src"
        clang -std=c11 -D_POSIX_C_SOURCE=200809L -O1 -g -Isrc -Itests/fuzz -DDTI_SRCDIR="\"$(pwd)\"" \
            -DDTI_DATADIR="\"$(pwd)\"" $flags -fsanitize=fuzzer -o "$dir/$h" tests/fuzz/$h.c $extra \
            "$dir/libdtirank.a" $libs
    done
}

corpora() {
    c=build-fuzz/corpus
    seed $c/fuzz_yaml data/*.yaml data/dti/*.yaml models/*.yaml tests/bad/files/*.yaml tests/bad/files/models/*.yaml
    seed $c/fuzz_table data/asem.yaml data/example-raw.yaml data/dti/2022.yaml tests/bad/files/score_*.yaml \
        tests/bad/files/decimal_comma.yaml tests/bad/files/yaml_*.yaml tests/bad/files/harden_*.yaml \
        tests/fuzz/seeds/table_*.yaml tests/csv/*.csv
    seed $c/fuzz_csv tests/csv/*.csv tests/bad/files/csv_*
    seed $c/fuzz_merger data/merger-2025.yaml models/merger.yaml tests/bad/files/merger_*.yaml \
        tests/fuzz/seeds/merger_*.yaml
    seed $c/fuzz_targets models/targets.yaml tests/bad/files/target*.yaml
    seed $c/fuzz_costs tests/fuzz/seeds/costs.yaml tests/bad/files/costs_*.yaml tests/bad/files/harden_costs*.yaml
    seed $c/fuzz_uncertainty models/uncertainty-*.yaml tests/bad/files/unc*.yaml tests/fuzz/seeds/uncertainty_*.yaml
    # the registry with a numbers column, for the merger weights of fuzz_merger and the yaml seeds
    sed 's/^\(    ascii: .*\)$/\1\n    numbers: {population: 1000.5, area: 12}/' data/provinces.yaml >build-fuzz/registry-numbers.yaml
    seed $c/fuzz_yaml build-fuzz/registry-numbers.yaml
    python3 tests/fuzz/cli_seeds.py $c/fuzz_cli
}

if [ "$mode" = coverage ]; then
    flags="-fprofile-instr-generate -fcoverage-mapping"
    build build-cov "$flags"
    corpora
    rm -f build-cov/*.profraw
    for h in $harnesses; do
        LLVM_PROFILE_FILE="$(pwd)/build-cov/$h.profraw" ./build-cov/$h -runs=0 -close_fd_mask=3 \
            "$(pwd)/build-fuzz/corpus/$h" >/dev/null 2>&1 || echo "coverage: $h stopped on an input"
    done
    llvm-profdata-14 merge -o build-cov/all.profdata build-cov/*.profraw
    objs=""; for h in $harnesses; do [ $h = fuzz_yaml ] || objs="$objs -object build-cov/$h"; done
    objs="build-cov/fuzz_yaml$objs"
    # shellcheck disable=SC2086
    llvm-cov-14 report $objs -instr-profile=build-cov/all.profdata src/io.c src/yaml_io.c src/ynode.c \
        src/registry.c src/framework.c src/methods.c src/year.c src/dataset.c src/merger.c src/targets.c \
        src/csv_read.c src/dataset_csv.c src/tune_load.c src/tune_sens.c src/tune_what.c src/main.c $cli_src
    echo "per function: llvm-cov-14 report $objs -instr-profile=build-cov/all.profdata -show-functions FILE"
    exit 0
fi

time=${mode:-60}
build build-fuzz "-fsanitize=address,undefined -fno-sanitize-recover=all"
corpora
status=0
for h in ${FUZZ_ONLY:-$harnesses}; do
    top=$(pwd)
    opts="-max_total_time=$time -max_len=8192 -print_final_stats=1 -close_fd_mask=3 -artifact_prefix=$top/build-fuzz/"
    [ $h = fuzz_cli ] && opts="$opts -timeout=60"
    # findings (crash-*, leak-*, timeout-*) land in build-fuzz/; paths are absolute (fuzz_cli changes
    # its working directory)
    if ./build-fuzz/$h $opts "$top/build-fuzz/corpus/$h" >build-fuzz/$h.log 2>&1; then r=ok; else r=FINDING; status=1; fi
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' build-fuzz/$h.log)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' build-fuzz/$h.log)
    echo "$h: $r, $execs executions in $time s ($rate/s), corpus $(ls build-fuzz/corpus/$h | wc -l) files"
    [ $r = ok ] || grep -E "ERROR|SUMMARY|Test unit written" build-fuzz/$h.log | head -5
done
rm -rf /dev/shm/dti_fuzz_* /tmp/dti_fuzz_* # the harnesses' input files and sandboxes
exit $status
