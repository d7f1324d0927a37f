#!/bin/sh
# Records a golden case: sh tests/golden/record.sh path/to/dtirank NAME ARGS...
# Writes tests/golden/NAME/{args,stdout[,stderr][,status]} from one run (DTIRANK_HOME=., from the
# repository root).  A recorded case pins the output as it is: read it before committing it, and
# say in the commit message why an existing case changed.
bin=$1; name=$2; shift 2
[ -x "$bin" ] && [ -n "$name" ] || { echo "usage: record.sh BIN NAME ARGS..."; exit 2; }
dir=tests/golden/$name
mkdir -p "$dir"
printf '%s\n' "$*" >"$dir/args"
eval "SOURCE_DATE_EPOCH=0 DTIRANK_HOME=. \"$bin\" $*" >"$dir/stdout" 2>"$dir/stderr"
status=$?
[ -s "$dir/stderr" ] || rm -f "$dir/stderr"
if [ $status = 0 ]; then rm -f "$dir/status"; else echo $status >"$dir/status"; fi
echo "golden $name: status $status, $(wc -l <"$dir/stdout") lines"
