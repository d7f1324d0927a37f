#!/bin/sh
# make install / make uninstall (issue 16): installed into a temporary PREFIX, then the installed program
# run from elsewhere (its data from PREFIX/share/dtirank, as --version says), the manual found by man -w,
# a C program of someone else's (probe.c) built with `pkg-config --cflags --libs dtirank` and run against
# the shared library (its soname checked); then the same install under DESTDIR with PREFIX=/usr, the two
# file lists compared, and `make uninstall` leaving no file behind.
# Usage (from the Makefile): MAKE=make BUILD=build sh tests/install/run.sh
set -u
make=${MAKE:-make} build=${BUILD:-build} cc=${CC:-cc}
src=$(pwd)
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0
no() { echo "install: $*"; fail=1; }
ok() { n=$((n + 1)); }

$make --no-print-directory -s BUILD="$build" PREFIX="$tmp/usr" install >"$tmp/log" 2>&1 || { cat "$tmp/log"; no "make install failed"; exit 1; }
(cd "$tmp/usr" && find . \( -type f -o -type l \) | sort) >"$tmp/files"
for f in ./bin/dtirank ./include/dtirank.h ./lib/libdtirank.a ./lib/libdtirank.so ./lib/libdtirank.so.0 \
    ./lib/pkgconfig/dtirank.pc ./share/man/man1/dtirank.1 ./share/man/man1/dtirank-rank.1 \
    ./share/man/man1/dtirank-tune-goal.1 ./share/doc/dtirank/README.md ./share/doc/dtirank/guide.md \
    ./share/dtirank/data/provinces.yaml ./share/dtirank/data/dti/2024.yaml ./share/dtirank/models/dti-2024.yaml \
    ./share/bash-completion/completions/dtirank; do
    grep -qx "$f" "$tmp/files" && ok || no "not installed: $f"
done
so=$(readelf -d "$tmp/usr/lib/libdtirank.so" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$so" = libdtirank.so.0 ] && ok || no "soname '$so', expected libdtirank.so.0"
[ "$(readlink "$tmp/usr/lib/libdtirank.so.0")" = "libdtirank.so.$(sed -n 's/^#define DTI_VERSION "\(.*\)"$/\1/p' src/dtirank.h)" ] &&
    ok || no "libdtirank.so.0 does not point to libdtirank.so.VERSION"

# the installed program, away from the source tree, its home not set
# the golden table, its source the installed record
sed "s|Source: ./data/dti/2022.yaml\$|Source: $tmp/usr/share/dtirank/data/dti/2022.yaml|" tests/golden/rank_2022/stdout >"$tmp/rank_2022.want"
cd "$tmp" || exit 2
line=$(env -u DTIRANK_HOME "$tmp/usr/bin/dtirank" --version | sed -n 2p)
case $line in "data: the DTI record to "*" in $tmp/usr/share/dtirank/data/dti") ok ;; *) no "installed --version: '$line'" ;; esac
env -u DTIRANK_HOME "$tmp/usr/bin/dtirank" rank --year 2022 >"$tmp/rank.out" 2>&1 && cmp -s "$tmp/rank.out" "$tmp/rank_2022.want" &&
    ok || { no "installed dtirank rank --year 2022 differs from tests/golden/rank_2022"; head -5 "$tmp/rank.out"; }
if command -v man >/dev/null 2>&1; then
    w=$(MANPATH="$tmp/usr/share/man" man -w dtirank-units 2>&1)
    [ "$w" = "$tmp/usr/share/man/man1/dtirank-units.1" ] && ok || no "man -w dtirank-units: '$w'"
else
    echo "install: 'man' not found: man -w not checked"
fi

# someone else's program, through pkg-config, against the shared library
export PKG_CONFIG_PATH="$tmp/usr/lib/pkgconfig"
# shellcheck disable=SC2046,SC2086 # pkg-config's flags are split on purpose
$cc ${SAN:-} -o "$tmp/probe" "$src/tests/install/probe.c" $(pkg-config --cflags --libs dtirank) 2>"$tmp/cc.err" &&
    ok || { cat "$tmp/cc.err"; no "probe.c does not build with pkg-config --cflags --libs dtirank"; }
if [ -x "$tmp/probe" ]; then
    readelf -d "$tmp/probe" | grep -q 'NEEDED.*\[libdtirank\.so\.0\]' && ok || no "probe is not linked to libdtirank.so.0"
    got=$(LD_LIBRARY_PATH="$tmp/usr/lib" "$tmp/probe" "$tmp/usr/share/dtirank/data/provinces.yaml" 2>&1)
    # 63 provinces in data/provinces.yaml; Thái Nguyên is code 19; 0.61 0.7385 0.61 0.5 rank 2 1 2 4
    [ "$got" = "63 provinces; 19 = Thái Nguyên (Thai Nguyen); ranks 2 1 2 4" ] && ok || no "probe printed '$got'"
fi
cd "$src" || exit 2

# DESTDIR + PREFIX=/usr: the same files; then uninstall removes every one of them
$make --no-print-directory -s BUILD="$build" DESTDIR="$tmp/stage" PREFIX=/usr install >"$tmp/log" 2>&1 || { cat "$tmp/log"; no "make install DESTDIR failed"; }
(cd "$tmp/stage/usr" && find . \( -type f -o -type l \) | sort) >"$tmp/files2"
cmp -s "$tmp/files" "$tmp/files2" && ok || { no "DESTDIR install differs from the PREFIX one:"; diff "$tmp/files" "$tmp/files2" | head; }
strings "$tmp/stage/usr/bin/dtirank" | grep -qx '/usr/share/dtirank' && ok || no "DESTDIR binary does not read /usr/share/dtirank"
for d in "DESTDIR=$tmp/stage PREFIX=/usr" "PREFIX=$tmp/usr"; do
    # shellcheck disable=SC2086
    $make --no-print-directory -s BUILD="$build" $d uninstall >"$tmp/log" 2>&1 || { cat "$tmp/log"; no "make uninstall $d failed"; }
done
left=$(find "$tmp/stage" "$tmp/usr" \( -type f -o -type l \) | head -5)
[ -z "$left" ] && ok || no "left after make uninstall: $left"

[ $fail = 0 ] && echo "install: $n checks passed ($(wc -l <"$tmp/files") files installed, all removed by uninstall)"
exit $fail
