#!/bin/sh
# Shell completion (issue 16): `dtirank units --complete` (hidden) against the names read here from
# data/provinces.yaml, data/aliases.yaml and data/merger-2025.yaml with Debian's python3 + python3-yaml,
# and completion/dtirank run by bash on typed command lines (with bash-completion's helpers when
# installed, without them otherwise), its answers pinned.
# Usage: sh tests/completion/run.sh path/to/dtirank
bin=$1
[ -x "$bin" ] || { echo "completion: no binary '$bin'"; exit 2; }
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0

# 1. the names: every code, name, ASCII name and alias of the provinces, and the units' names (a unit's
# ASCII name is its province's, or its name without diacritics), each once, sorted bytewise
DTIRANK_HOME=. "$bin" units --complete >"$tmp/names" 2>"$tmp/err" || { echo "completion: units --complete failed"; cat "$tmp/err"; fail=1; }
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import yaml' 2>/dev/null; then
    /usr/bin/python3 - >"$tmp/want" <<'PY'
import unicodedata, yaml
prov = yaml.safe_load(open("data/provinces.yaml", encoding="utf-8"))["provinces"]
names = set()
for p in prov:
    names |= {p["code"], p["name"], p["ascii"]}
for v in yaml.safe_load(open("data/aliases.yaml", encoding="utf-8"))["aliases"].values():
    names |= set(v)
ascii_of = {p["name"]: p["ascii"] for p in prov}
def fold(s):
    s = s.replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")
for u in yaml.safe_load(open("data/merger-2025.yaml", encoding="utf-8"))["units"]:
    names |= {u["new"], ascii_of.get(u["new"], fold(u["new"]))}
for s in sorted(names, key=lambda s: s.encode("utf-8")):
    print(s)
PY
    if cmp -s "$tmp/want" "$tmp/names"; then n=$((n + 1)); else echo "completion: units --complete differs:"; diff "$tmp/want" "$tmp/names" | head; fail=1; fi
else
    echo "completion: /usr/bin/python3 with python3-yaml not found: the names of units --complete not checked"
fi
"$bin" units --help | grep -q -- --complete && { echo "completion: --complete is in units --help"; fail=1; }

# 2. the completion function, on command lines: "LINE|EXPECTED" where LINE ends at the cursor and
# EXPECTED is COMPREPLY joined by '|' (sorted)
command -v bash >/dev/null 2>&1 || { echo "completion: bash not found: completion/dtirank not checked"; exit $fail; }
mkdir -p "$tmp/files/sub" && : >"$tmp/files/a.yaml" && : >"$tmp/files/b.csv" && : >"$tmp/files/c.txt" && : >"$tmp/files/my table.csv"
# WORDS,...|EXPECTED: the words as bash hands them to the function (raw, quotes and backslashes kept;
# the last is the word at the cursor), EXPECTED the answers sorted and joined by '|'
cat >"$tmp/cases" <<'CASES'
dtirank,r|rank|report
dtirank,tu|tune
dtirank,--v|--version
dtirank,tune,go|goal
dtirank,tune,goal,--to|--top
dtirank,rank,--fo|--force|--format
dtirank,rank,--format,|csv|html|json|md|svg|text|xlsx
dtirank,units,--c|
dtirank,rank,--units,|34|63
dtirank,report,--lang,e|en
dtirank,rank,--province,thai|Thai\ Binh|Thai\ Nguyen
dtirank,rank,--province,"Thai N|Thai Nguyen
dtirank,rank,--province,'thái|Thái Bình|Thái Nguyên
dtirank,rank,--province,Thai\ N|Thai\ Nguyen
dtirank,profile,-p,sa|Saigon
dtirank,profile,-p,Sà|Sài\ Gòn
dtirank,rank,--province,TP.\ H|TP.\ Ha\ Noi|TP.\ Hai\ Phong|TP.\ Ho\ Chi\ Minh|TP.\ Hue|TP.\ Huế|TP.\ Hà\ Nội|TP.\ Hải\ Phòng|TP.\ Hồ\ Chí\ Minh
dtirank,rank,--home,/nonexistent,--province,Thai|
dtirank,validate,|a.yaml|b.csv|my table.csv|sub
dtirank,import,my|my table.csv
dtirank,score,--data,|a.yaml|b.csv|my table.csv|sub
CASES
LC_ALL=C.UTF-8 DTIRANK_HOME="$(pwd)" bash -c '
    bin=$1 cases=$2 dir=$3
    [ -f /usr/share/bash-completion/bash_completion ] && . /usr/share/bash-completion/bash_completion
    . ./completion/dtirank
    cd "$dir" || exit 2
    while IFS= read -r c; do
        line=${c%%|*} want=${c#*|}
        IFS=, read -r -a COMP_WORDS <<<"$line,"
        COMP_WORDS[0]=$bin
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        COMP_LINE="${COMP_WORDS[*]}" COMP_POINT=${#COMP_LINE}
        COMPREPLY=()
        _dtirank dtirank "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
        got=$(printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort | paste -sd "|")
        if [ "$got" = "$want" ]; then echo PASS; else echo "FAIL $line: got [$got], want [$want]"; fi
    done <"$cases"
' sh "$bin" "$tmp/cases" "$tmp/files" >"$tmp/out" 2>&1
grep -v '^PASS$' "$tmp/out" && fail=1
n=$((n + $(grep -c '^PASS$' "$tmp/out")))
[ $fail = 0 ] && echo "completion: $n checks passed"
exit $fail
