#!/bin/sh
# Golden CLI tests: each tests/golden/<case>/ holds `args` (the arguments, one line, run from the
# repository root with DTIRANK_HOME=. and SOURCE_DATE_EPOCH=0, which fixes the date a backtest says
# it was made), `stdout` (expected standard output), and optionally `status` (expected exit status,
# default 0) and `stderr` (expected standard error, default empty).
# Usage: sh tests/golden/run.sh path/to/dtirank
bin=$1
[ -x "$bin" ] || { echo "golden: no binary '$bin'"; exit 2; }
pass=0; fail=0
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
for dir in tests/golden/*/; do
    case=$(basename "$dir")
    [ -f "$dir/args" ] || continue
    args=$(cat "$dir/args")
    want_status=0
    [ -f "$dir/status" ] && want_status=$(cat "$dir/status")
    # shellcheck disable=SC2086 # args are split like a shell command line on purpose
    eval "SOURCE_DATE_EPOCH=0 DTIRANK_HOME=. \"$bin\" $args" >"$tmp/out" 2>"$tmp/err"
    status=$?
    ok=1
    [ "$status" = "$want_status" ] || { echo "golden $case: exit status $status, expected $want_status"; ok=0; }
    if ! cmp -s "$tmp/out" "$dir/stdout"; then
        echo "golden $case: stdout differs:"; diff "$dir/stdout" "$tmp/out" | head -20; ok=0
    fi
    want_err=/dev/null
    [ -f "$dir/stderr" ] && want_err="$dir/stderr"
    if ! cmp -s "$tmp/err" "$want_err"; then
        echo "golden $case: stderr differs:"; diff "$want_err" "$tmp/err" | head -20; ok=0
    fi
    if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "golden: $pass passed, $fail failed"
[ $fail = 0 ]
