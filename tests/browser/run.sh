#!/bin/sh
# Browser tests: renders each SVG or HTML file with headless Chromium (Debian's chromium-headless-shell,
# or chromium) to PNG (--screenshot; an HTML page whole) and PDF (--print-to-pdf), dumps the DOM
# (--dump-dom), measures every label with the real fonts (an HTML page: its height, and its blocks in
# print), and checks the results with tests/browser/check_render.py (no console message, every label
# and every line of FILE.expect in the DOM, PNG size, PDF pages, no overlapping labels).  Each run
# gets a fresh profile directory.  PNGs and PDFs stay in OUTDIR (the CI artefacts).
# Usage: sh tests/browser/run.sh [-x] OUTDIR FILE|DIR...   (a DIR stands for its *.svg and *.html)
#   -x: the harness's own test: every FILE is broken on purpose (tests/browser/bad/) and must fail.
expect_fail=0
[ "$1" = -x ] && { expect_fail=1; shift; }
out=$1
shift
[ -n "$out" ] && [ $# -gt 0 ] || { echo "usage: run.sh [-x] OUTDIR FILE..."; exit 2; }
browser=$(command -v chromium-headless-shell || command -v chromium) ||
    { echo "browser: no chromium (apt-get install -y chromium-headless-shell fonts-noto-core)"; exit 2; }
py=/usr/bin/python3
[ -x $py ] || py=python3
here=$(dirname "$0")
# Vietnamese needs a font that has its glyphs, or labels render as boxes
if command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list ':lang=vi' family)" ]; then
    echo "browser: no font with Vietnamese glyphs (apt-get install -y fonts-noto-core)"; exit 1
fi
mkdir -p "$out" || exit 2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

# run LOG ARGS...: one Chromium run with a fresh profile; its stderr (the console log) goes to LOG
run() {
    log=$1
    shift
    prof=$(mktemp -d "$tmp/profile.XXXXXX")
    "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$prof" --enable-logging=stderr --v=0 "$@" 2>"$log"
    rc=$?
    rm -rf "$prof"
    return $rc
}

pass=0; fail=0
for arg in "$@"; do
    if [ -d "$arg" ]; then set -- "$@" "$arg"/*.svg "$arg"/*.html; else set -- "$@" "$arg"; fi
    shift
done
for f in "$@"; do
    [ -f "$f" ] || continue # an unmatched DIR/*.html
    name=$(basename "$f"); stem=${name%.*}
    abs=$(cd "$(dirname "$f")" && pwd)/$name
    rm -f "$out/$stem.png" "$out/$stem.pdf"
    ok=1
    case $name in
    *.html) # the page's height on screen (the screenshot's), and its blocks at an A4 page's width in print
        $py "$here/check_render.py" wrap-screen "$abs" "$tmp/$stem.screen.html" &&
            run "$tmp/$stem.screen.log" --window-size=1000,1600 --virtual-time-budget=2000 --dump-dom \
                "file://$tmp/$stem.screen.html" >"$tmp/$stem.screen.dom" || ok=0
        $py "$here/check_render.py" wrap-print "$abs" "$tmp/$stem.print.html" &&
            run "$tmp/$stem.print.log" --window-size=688,1000 --virtual-time-budget=2000 --dump-dom \
                "file://$tmp/$stem.print.html" >"$tmp/$stem.print.dom" || ok=0 ;;
    esac
    size=$($py "$here/check_render.py" size "$abs" "$tmp" "$stem") || { echo "browser $stem: cannot read its size"; fail=$((fail + 1)); continue; }
    run "$tmp/$stem.png.log" --window-size="$size" --hide-scrollbars --screenshot="$out/$stem.png" "file://$abs" >/dev/null || ok=0
    run "$tmp/$stem.pdf.log" --no-pdf-header-footer --print-to-pdf="$out/$stem.pdf" "file://$abs" >/dev/null || ok=0
    run "$tmp/$stem.dom.log" --dump-dom "file://$abs" >"$tmp/$stem.dom" || ok=0
    case $name in
    *.svg)
        $py "$here/check_render.py" wrap "$abs" "$tmp/$stem.measure.html" &&
            run "$tmp/$stem.measure.log" --window-size="$size" --virtual-time-budget=2000 --dump-dom \
                "file://$tmp/$stem.measure.html" >"$tmp/$stem.measure.dom" || ok=0 ;;
    esac
    [ $ok = 1 ] || echo "browser $stem: chromium failed (logs: see below)"
    if [ $expect_fail = 1 ]; then
        if $py "$here/check_render.py" check "$abs" "$tmp" "$out" "$stem" >"$tmp/$stem.out" && [ $ok = 1 ]; then
            echo "browser $stem: accepted, but it is broken on purpose"; fail=$((fail + 1))
        else
            pass=$((pass + 1))
        fi
    elif $py "$here/check_render.py" check "$abs" "$tmp" "$out" "$stem" && [ $ok = 1 ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        cat "$tmp/$stem".*.log | grep -v -e dbus -e vaapi -e sandbox_linux | head -5
    fi
done
[ $expect_fail = 1 ] && echo "browser (broken files refused): $pass passed, $fail failed" ||
    echo "browser: $pass passed, $fail failed"
[ $fail = 0 ]
