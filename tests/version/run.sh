#!/bin/sh
# dtirank --version: the version of src/dtirank.h, the years of the record as `ls` sees them, and the
# libraries as dpkg knows its -dev packages (upstream part of the Debian version: no epoch, no +dfsg,
# no Debian revision), each written here independently of the program.  Also: a home without a record
# says so, and a record of one year says so.
# Usage: sh tests/version/run.sh path/to/dtirank
bin=$1
[ -x "$bin" ] || { echo "version: no binary '$bin'"; exit 2; }
fail=0
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

ver=$(sed -n 's/^#define DTI_VERSION "\(.*\)"$/\1/p' src/dtirank.h)
years=$(ls data/dti | sed -n 's/^\([0-9][0-9][0-9][0-9]\)\.yaml$/\1/p' | sort -n)
n=$(echo "$years" | wc -l)
first=$(echo "$years" | head -1)
last=$(echo "$years" | tail -1)
upstream() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null | sed 's/^[0-9]*://; s/[+~].*//; s/-[^-]*$//'; }
if command -v dpkg-query >/dev/null 2>&1 && [ -n "$(upstream libgsl-dev)" ]; then
    libs="GSL $(upstream libgsl-dev), libyaml $(upstream libyaml-dev), utf8proc $(upstream libutf8proc-dev), libxlsxwriter $(upstream libxlsxwriter-dev)"
else
    libs=
    echo "version: dpkg-query knows no libgsl-dev: the library line is not checked"
fi

# the record of the source tree
printf 'dtirank %s\ndata: the DTI record to %s (%s-%s, %s yearly records) in ./data/dti\n' \
    "$ver" "$last" "$first" "$last" "$n" >"$tmp/want"
[ -n "$libs" ] && printf 'built against: %s\n' "$libs" >>"$tmp/want"
for opt in --version -V; do
    DTIRANK_HOME=. "$bin" $opt >"$tmp/out" 2>"$tmp/err"; st=$?
    [ -n "$libs" ] || sed -i '/^built against: /d' "$tmp/out"
    if [ $st != 0 ] || [ -s "$tmp/err" ] || ! cmp -s "$tmp/want" "$tmp/out"; then
        echo "version: dtirank $opt (status $st):"; diff "$tmp/want" "$tmp/out"; cat "$tmp/err"; fail=1
    fi
done

# a home without a record
mkdir -p "$tmp/home/data"
DTIRANK_HOME="$tmp/home" "$bin" --version >"$tmp/out" 2>"$tmp/err"; st=$?
line=$(sed -n 2p "$tmp/out")
if [ $st != 0 ] || [ "$line" != "data: no yearly record in $tmp/home/data/dti" ]; then
    echo "version: a home without a record: status $st, '$line'"; fail=1
fi
# a record of one year: the singular
mkdir -p "$tmp/one/data/dti" && : >"$tmp/one/data/dti/2021.yaml" && : >"$tmp/one/data/dti/2021-34.yaml"
line=$(DTIRANK_HOME="$tmp/one" "$bin" --version | sed -n 2p)
[ "$line" = "data: the DTI record to 2021 (1 yearly record) in $tmp/one/data/dti" ] ||
    { echo "version: one year: '$line'"; fail=1; }

[ $fail = 0 ] && echo "version: 4 checks passed"
exit $fail
