#!/bin/sh
# The manual pages (man/gen.sh, help2man over the --help texts): generated into a temporary directory,
# one page per command of `dtirank --help` and of `dtirank tune --help` (a new command without a page
# fails here), each with its sections, and `man --warnings` prints nothing for any of them.
# Skipped, with a message, when man or help2man is not installed.
# Usage: sh tests/man/run.sh path/to/dtirank
bin=$1
[ -x "$bin" ] || { echo "man: no binary '$bin'"; exit 2; }
command -v man >/dev/null 2>&1 || { echo "man: 'man' not found (apt-get install -y man-db): the manual pages are not checked"; exit 0; }
command -v help2man >/dev/null 2>&1 || { echo "man: help2man not found (apt-get install -y help2man): the manual pages are not checked"; exit 0; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0
sh man/gen.sh "$bin" "$tmp" /usr/share/dtirank /usr/share/doc/dtirank || { echo "man: man/gen.sh failed"; exit 1; }
# the commands as the help lists them: two-space indent, a lower-case word, spaces, a description
cmds=$("$bin" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z]*\)  .*/\1/p')
tunes=$("$bin" tune --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z]*\)  .*/tune-\1/p')
[ "$(echo "$cmds" | wc -l)" -ge 13 ] || { echo "man: the command list of --help was not read: '$cmds'"; exit 1; }
for c in "" $cmds $tunes; do
    page=dtirank${c:+-$c}
    f="$tmp/$page.1"
    n=$((n + 1))
    [ -s "$f" ] || { echo "man: no page $page.1"; fail=1; continue; }
    for sec in NAME SYNOPSIS DESCRIPTION EXAMPLES "EXIT STATUS" FILES "SEE ALSO"; do
        grep -q "^\.SH \"*$sec\"*\$" "$f" || { echo "man: $page.1 has no $sec section"; fail=1; }
    done
    grep -q "^$page \\\\- [^ ]" "$f" || { echo "man: $page.1: NAME is not '$page \\- ...'"; fail=1; }
    warn=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$f" 2>&1 >/dev/null)
    [ -z "$warn" ] || { echo "man: $page.1: man --warnings printed:"; echo "$warn" | head -5; fail=1; }
done
extra=$(ls "$tmp" | grep -c '\.1$')
[ "$extra" = "$n" ] || { echo "man: $extra pages for $n commands"; fail=1; }
[ $fail = 0 ] && echo "man: $n pages, no warning"
exit $fail
