#!/bin/sh
# The tutorial of docs/guide.md, "Your own index in ten minutes", run as written: every line of its
# ```sh blocks that is not a comment is run in order, in an empty directory (with models/ of the
# repository beside it, as in a checkout), `dtirank` being the binary under test.  The one step a
# person does by hand -- filling my-data.csv in a spreadsheet -- is done after `dtirank template` by
# tests/import/fill_template.py (SYNTHETIC numbers).  Fails when a command fails, when the section has
# fewer than 10 commands (emptied or renamed), or when the files it promises are not there: my-data.csv
# read back, my-index.xlsx with a sheet per stage of the pipeline.
# Usage: sh tests/tutorial/run.sh path/to/dtirank   (from the repository root)
bin=$1
[ -x "$bin" ] || { echo "tutorial: no binary '$bin'"; exit 2; }
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
repo=$(pwd)
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
# the commands: the section's ```sh blocks, comments and blank lines left out
awk '/^## Your own index in ten minutes/ {on = 1; next} /^## / {on = 0}
     on && /^```sh/ {code = 1; next} on && /^```/ {code = 0; next}
     on && code && !/^ *#/ && !/^ *$/ {print}' docs/guide.md >"$tmp/commands"
n=$(wc -l <"$tmp/commands")
fail=0
[ "$n" -ge 10 ] || { echo "tutorial: only $n commands in docs/guide.md's tutorial"; exit 1; }
ln -s "$repo/models" "$tmp/models"
dtirank() { DTIRANK_HOME="$repo" "$bin" "$@"; }
k=0
while IFS= read -r line; do
    k=$((k + 1))
    (cd "$tmp" && eval "$line") >"$tmp/out.$k" 2>"$tmp/err.$k" </dev/null ||
        { echo "tutorial: '$line' failed:"; head -3 "$tmp/err.$k"; fail=1; }
    case $line in
    "dtirank template "*) # the hand step: fill the table in a spreadsheet (here: SYNTHETIC numbers)
        (cd "$tmp" && /usr/bin/python3 "$repo/tests/import/fill_template.py" my-data.csv my-data.csv --seed 10) ||
            { echo "tutorial: cannot fill my-data.csv"; fail=1; } ;;
    esac
done <"$tmp/commands"
grep -q "^63 of 63 units have a score" "$tmp"/out.* || { echo "tutorial: no score of the 63 provinces"; fail=1; }
/usr/bin/python3 - "$tmp/my-index.xlsx" <<'PY' || fail=1
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = re.findall(r'<sheet name="([^"]+)"', z.read("xl/workbook.xml").decode("utf-8"))
want = ["about", "scores", "raw", "imputed", "treated", "normalised", "aggregated", "treatment"]
if names != want:
    print("tutorial: my-index.xlsx has the sheets %s, not %s" % (names, want))
    sys.exit(1)
PY
[ $fail = 0 ] && echo "tutorial (docs/guide.md, your own index in ten minutes): $n commands run, ok"
[ $fail = 0 ]
