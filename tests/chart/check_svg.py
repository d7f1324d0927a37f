#!/usr/bin/python3
"""Checks every SVG in a directory (the output of tests/chart/chart_demo.c) with the standard
library's XML parser only:

- it parses; the root is <svg> in the SVG namespace with width, height and a viewBox of 4 finite
  numbers that agree with them; the first child is a non-empty <title>;
- no attribute holds NaN or infinity;
- every <text> is non-empty;
- no two text boxes overlap and every box lies inside the viewBox.  The boxes are recomputed here,
  independently of the C code, from the text, its font size, weight, anchor and rotation with the
  width estimate documented in docs/charts.md (display columns x 0.62 em, 0.68 em bold; 0.95 em
  above the baseline, 0.25 em below).

Usage: check_svg.py DIR   (exit 0 when every file passes; one line per problem otherwise)
       check_svg.py --expect-fail DIR   (the checker's own test: every file of DIR must be refused;
                                         tests/chart/bad/ holds one broken SVG per rule)
"""
import math
import os
import re
import sys
import unicodedata
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"
GLYPH_EM, GLYPH_EM_BOLD = 0.62, 0.68  # chart.h DTI_CHART_GLYPH_EM, _BOLD
ASCENT_EM, DESCENT_EM = 0.95, 0.25    # chart.h DTI_CHART_ASCENT_EM, _DESCENT_EM
TOL = 0.01                            # px: boxes that merely touch do not overlap
BAD_NUMBER = re.compile(r"(?i)\b(nan|inf|infinity)\b")
ROTATE = re.compile(r"^rotate\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s*\)$")


def columns(s):
    """Display columns as utf8proc_charwidth counts them: combining marks 0, wide and full-width 2."""
    w = 0
    for c in s:
        if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf", "Cc"):
            continue
        w += 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1
    return w


def text_box(el):
    """(x0, y0, x1, y1) of a <text> element."""
    x, y = float(el.get("x")), float(el.get("y"))
    size = float(el.get("font-size"))
    em = GLYPH_EM_BOLD if el.get("font-weight") == "bold" else GLYPH_EM
    w = columns(el.text or "") * em * size
    anchor = el.get("text-anchor", "start")
    x0 = x - w if anchor == "end" else x - w / 2 if anchor == "middle" else x
    box = (x0, y - ASCENT_EM * size, x0 + w, y + DESCENT_EM * size)
    tr = el.get("transform")
    if tr:
        m = ROTATE.match(tr)
        if not m or float(m.group(1)) != -90 or float(m.group(2)) != x or float(m.group(3)) != y:
            raise ValueError("unsupported transform %r" % tr)
        # rotate(-90 x y): (x + dx, y + dy) -> (x + dy, y - dx)
        (a0, b0, a1, b1) = box
        box = (x + (b0 - y), y - (a1 - x), x + (b1 - y), y - (a0 - x))
    return box


def overlap(a, b):
    return a[0] < b[2] - TOL and b[0] < a[2] - TOL and a[1] < b[3] - TOL and b[1] < a[3] - TOL


def check(path):
    problems = []
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        return ["%s: does not parse: %s" % (path, e)], 0
    if root.tag != NS + "svg":
        problems.append("root is %s, not svg in the SVG namespace" % root.tag)
    try:
        vb = [float(v) for v in root.get("viewBox", "").split()]
        W, H = float(root.get("width")), float(root.get("height"))
    except (TypeError, ValueError):
        return ["%s: viewBox, width or height missing or not numbers" % path], 0
    if len(vb) != 4 or not all(math.isfinite(v) for v in vb) or vb[0] != 0 or vb[1] != 0 or vb[2] != W or vb[3] != H:
        problems.append("viewBox %r does not match width %g, height %g" % (root.get("viewBox"), W, H))
    kids = list(root)
    if not kids or kids[0].tag != NS + "title" or not (kids[0].text or "").strip():
        problems.append("the first child is not a non-empty <title>")
    boxes = []
    for el in root.iter():
        for k, v in el.attrib.items():
            if BAD_NUMBER.search(v):
                problems.append("<%s %s=%r>: not a finite number" % (el.tag[len(NS):], k, v))
        if el.tag != NS + "text":
            continue
        if not (el.text or "").strip():
            problems.append("empty <text> at x=%s y=%s" % (el.get("x"), el.get("y")))
            continue
        try:
            b = text_box(el)
        except (TypeError, ValueError) as e:
            problems.append("<text> %r: %s" % (el.text, e))
            continue
        if b[0] < -TOL or b[1] < -TOL or b[2] > W + TOL or b[3] > H + TOL:
            problems.append("text %r sticks out of the %gx%g viewBox: box %s" % (el.text, W, H, fmt(b)))
        boxes.append((b, el.text))
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            if overlap(boxes[i][0], boxes[j][0]):
                problems.append("texts overlap: %r %s and %r %s" % (boxes[i][1], fmt(boxes[i][0]), boxes[j][1],
                                                                    fmt(boxes[j][0])))
    return ["%s: %s" % (path, p) for p in problems], len(boxes)


def fmt(b):
    return "[%.1f,%.1f .. %.1f,%.1f]" % b


def main():
    args = sys.argv[1:]
    expect_fail = args[:1] == ["--expect-fail"]
    if expect_fail:
        args = args[1:]
    if len(args) != 1:
        sys.exit("usage: check_svg.py [--expect-fail] DIR")
    files = sorted(f for f in os.listdir(args[0]) if f.endswith(".svg"))
    if not files:
        sys.exit("check_svg: no SVG files in %s" % args[0])
    passed = failed = 0
    for f in files:
        problems, _ = check(os.path.join(args[0], f))
        if expect_fail:
            if problems:
                passed += 1
            else:
                print("%s: accepted, but it is broken on purpose" % os.path.join(args[0], f))
                failed += 1
            continue
        for p in problems:
            print(p)
        if problems:
            failed += 1
        else:
            passed += 1
    print("svg%s: %d passed, %d failed" % (" (broken files refused)" if expect_fail else "", passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
