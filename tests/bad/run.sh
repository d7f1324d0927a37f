#!/bin/sh
# Bad-input tests: each line of tests/bad/cases.txt is
#     NAME | ARGS | EXPECTED STDERR (one line, exact)
# ARGS are run from the repository root with DTIRANK_HOME=. and `--out TMP/out` appended when the
# line's ARGS contain the word OUT (replaced by the output path); TMP in ARGS and the expected line
# is the runner's temporary directory (for inputs written at test time, e.g. a 100 MB file).  Every case must exit with status
# 1, print exactly the expected line on stderr (usage errors may add the one hint line "Try 'dtirank
# CMD --help'."), nothing on stdout, and leave no file in TMP.
# Usage: sh tests/bad/run.sh path/to/dtirank
bin=$1
[ -x "$bin" ] || { echo "bad: no binary '$bin'"; exit 2; }
pass=0; fail=0
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
while IFS='|' read -r name args expected; do
    name=$(echo "$name" | sed 's/^ *//; s/ *$//')
    case $name in ''|'#'*) continue ;; esac
    args=$(echo "$args" | sed 's/^ *//; s/ *$//' | sed "s|OUT|$tmp/out/result.txt|g; s|TMP|$tmp|g")
    expected=$(echo "$expected" | sed 's/^ *//; s/ *$//' | sed "s|TMP|$tmp|g")
    rm -rf "$tmp/out"; mkdir -p "$tmp/out"
    eval "DTIRANK_HOME=. \"$bin\" $args" >"$tmp/stdout" 2>"$tmp/stderr"
    status=$?
    got=$(cat "$tmp/stderr")
    # a usage error may add the standard hint line "Try 'dtirank CMD --help'."; data errors are one line
    if [ "$(wc -l < "$tmp/stderr")" -eq 2 ] && sed -n 2p "$tmp/stderr" | grep -q "^Try 'dtirank .*--help'\.$"; then
        got=$(sed -n 1p "$tmp/stderr")
    fi
    ok=1
    [ "$status" = 1 ] || { echo "bad $name: exit status $status, expected 1"; ok=0; }
    [ "$got" = "$expected" ] || { printf 'bad %s: stderr\n  got:  %s\n  want: %s\n' "$name" "$got" "$expected"; ok=0; }
    [ -s "$tmp/stdout" ] && { echo "bad $name: wrote to stdout"; ok=0; }
    [ -z "$(ls -A "$tmp/out")" ] || { echo "bad $name: left files: $(ls -A "$tmp/out")"; ok=0; }
    if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done < tests/bad/cases.txt
echo "bad input: $pass passed, $fail failed"
[ $fail = 0 ]
