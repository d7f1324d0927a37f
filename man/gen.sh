#!/bin/sh
# The manual pages from the --help texts (help2man) and the hand-written sections of man/: for each
# page of man/pages.txt, its NAME, the page's EXAMPLES (man/PAGE.h2m) and the common sections
# (man/common.h2m: environment, files, exit status, bugs), and SEE ALSO the other pages.
# Usage: sh man/gen.sh path/to/dtirank OUTDIR DATADIR DOCDIR
set -eu
bin=$1 out=$2 datadir=$3 docdir=$4
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
command -v help2man >/dev/null 2>&1 || { echo "man: help2man not found (apt-get install -y help2man)" >&2; exit 1; }
mkdir -p "$out/wrap"
ver=$(DTIRANK_HOME=/nonexistent "$bin" --version | sed -n 1p)
pages=$(grep -v '^#' man/pages.txt | cut -f1)
while IFS='	' read -r page words name; do
    case $page in '#'*|'') continue ;; esac
    [ "$words" = - ] && words=
    # help2man runs a program: one that is `dtirank WORDS` (whose --help must succeed)
    printf '#!/bin/sh\nexec "%s" %s "$@"\n' "$bin" "$words" >"$out/wrap/$page"
    chmod +x "$out/wrap/$page"
    "$out/wrap/$page" --help >/dev/null || { echo "man: '$bin $words --help' failed" >&2; exit 1; }
    {
        printf '[NAME]\n%s \\- %s\n' "$page" "$name"
        sed "s|@DATADIR@|$datadir|g; s|@DOCDIR@|$docdir|g" man/common.h2m
        printf '[SEE ALSO]\n'
        sep=
        for p in $pages; do
            [ "$p" = "$page" ] && continue
            if [ "$page" = dtirank ] || [ "$p" = dtirank ]; then printf '%s\\fB%s\\fR(1)' "$sep" "$p"; sep=', '; fi
        done
        printf '\n.PP\nThe documents in \\fI%s/\\fR: guide.md, data.md, methods.md, projection.md, merger.md, tuning.md.\n' "$docdir"
    } >"$out/wrap/$page.h2m"
    up=$(echo "$page" | tr 'a-z' 'A-Z')
    help2man --no-info --no-discard-stderr --version-string="$ver" --include="$out/wrap/$page.h2m" \
        --include="man/$page.h2m" "$out/wrap/$page" | sed "s/^\\.TH DTIRANK /.TH $up /" >"$out/$page.1"
done <man/pages.txt
rm -rf "$out/wrap"
