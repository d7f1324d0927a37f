#!/bin/sh
# Markdown check of the documents: the headings a plain reader sees (lines starting with '#' outside
# ``` fences, counted line by line) must be the headings CommonMark sees (cmark's <h1>..<h6>).  A fence
# that does not close -- text after a closing ```, as docs/methods.md once had -- swallows the headings
# after it, and the two counts differ.
# Usage: sh tests/docs/check.sh [FILE.md...]   (default: README.md docs/*.md)
command -v cmark >/dev/null 2>&1 || { echo "docs: cmark not installed (apt-get install -y cmark), skipped"; exit 0; }
[ $# -gt 0 ] || set -- README.md docs/*.md
fail=0
for f in "$@"; do
    plain=$(awk '/^(```|~~~)/ { fence = !fence; next } !fence && /^(#|##|###|####|#####|######) / { n++ } END { print n + 0 }' "$f")
    seen=$(cmark "$f" | grep -c '<h[1-6]>')
    if [ "$plain" != "$seen" ]; then
        echo "docs $f: $plain headings outside fences, but CommonMark sees $seen (an unclosed code fence?)"
        fail=1
    fi
done
[ $fail = 0 ] && echo "docs: $# files, headings as written"
exit $fail
