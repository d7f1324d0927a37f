#!/usr/bin/python3
"""Helpers of tests/browser/run.sh (standard library only).

  check_render.py size FILE [WORKDIR STEM]
        prints "W,H": the window for FILE (an SVG's own size; an HTML page 1000 px wide and as tall as
        the screen measurement WORKDIR/STEM.screen.dom says, HTML_WINDOW without it)
  check_render.py wrap SVG OUT.html    writes a page that shows SVG at its size and measures every
                                       <text> with the browser's real fonts (getBoundingClientRect)
  check_render.py wrap-print HTML OUT.html
        writes a copy of the page with its print rules applied on screen (@media print -> all) that
        measures, at the width of an A4 page's content, the height of each block that starts a page:
        the title with the first section, then each section of class "page"
  check_render.py wrap-screen HTML OUT.html    a copy that measures the page's height on screen
  check_render.py check FILE WORKDIR OUTDIR STEM
        checks what Chromium made of FILE: OUTDIR/STEM.{png,pdf}, and WORKDIR/STEM.dom,
        WORKDIR/STEM.measure.dom and the logs WORKDIR/STEM.*.log:
        - no console message in any run (our pages have no scripts: any message is an error, a
          failed load or a warning), no XML parse error page;
        - every label (SVG <text>; in HTML also h1-h3) is in the DOM Chromium built, and every line
          of FILE.expect when there is one (e.g. the report's Vietnamese headings and names);
        - the PNG is a PNG of the expected size; the PDF starts with %PDF and has the expected number
          of pages: an SVG is shrunk to the width of a Letter page (Chromium's default paper, margins
          0.4 in) and cut into pages of its printable height; an HTML page (A4, its @page margins
          of 14 mm) has at least the sum over its page-starting blocks of ceil((height - 48 px) /
          page height) pages (a block's last margins need no page) and at most the sum of
          ceil(height / page height) and one more for each block taller than a page (rows and
          figures are not cut, which can leave the end of a page empty);
        - with the real fonts, no two labels overlap and none sticks out of the picture: widths are
          measured by the browser, heights are the ink estimate of docs/charts.md (a font's line box
          is taller than its glyphs, so measured heights would flag neighbours that do not touch);
          the widest measured/estimated width ratio is printed (the estimate must stay >= 1x).
        Prints one line per problem and a summary line; exits 1 on a problem.
"""
import html
import html.parser
import json
import math
import os
import re
import struct
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "chart"))
import check_svg  # noqa: E402  (the same width estimate as the SVG check)

NS = "{http://www.w3.org/2000/svg}"
HTML_WINDOW = (1000, 1600)
HTML_MAX_H = 16000  # px: the tallest screenshot taken (Chromium's surfaces stop near 16384)
TOL = 0.5  # px: sub-pixel rounding of measured boxes
PX_MM = 96 / 25.4  # CSS px per mm
A4_CONTENT = ((210 - 2 * 14) * PX_MM, (297 - 2 * 14) * PX_MM)  # report_html.c: @page{size:A4;margin:14mm}
LETTER_CONTENT = ((8.5 - 0.8) * 96, (11 - 0.8) * 96)  # Chromium's default paper and margins (0.4 in)
PRINT_SLACK = 48  # px: margins at a block's end that need no page (the footer's 2.5rem is 40 px)


def svg_size(path):
    """The SVG's width and height; read from the text when it does not parse (the browser still
    gets to show its parse error)."""
    try:
        root = ET.parse(path).getroot()
        w, h = root.get("width"), root.get("height")
    except ET.ParseError:
        with open(path, encoding="utf-8", errors="replace") as f:
            head = f.read(4096)
        m = re.search(r'<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"', head)
        w, h = m.groups() if m else ("800", "600")
    return int(float(w) + 0.999), int(float(h) + 0.999)


class LabelParser(html.parser.HTMLParser):
    """The text of SVG <text> and HTML h1-h3 elements of an HTML page."""

    def __init__(self):
        super().__init__()
        self.depth, self.buf, self.labels = 0, [], []

    def handle_starttag(self, tag, attrs):
        if tag in ("text", "h1", "h2", "h3"):
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in ("text", "h1", "h2", "h3") and self.depth:
            self.depth -= 1
            if not self.depth:
                self.labels.append("".join(self.buf).strip())
                self.buf = []

    def handle_data(self, data):
        if self.depth:
            self.buf.append(data)


def labels(path):
    if path.endswith(".svg"):
        try:
            return [(el.text or "").strip() for el in ET.parse(path).getroot().iter(NS + "text")]
        except ET.ParseError:
            return []
    p = LabelParser()
    with open(path, encoding="utf-8") as f:
        p.feed(f.read())
    return p.labels


MEASURE_JS = """
<script>
document.fonts.ready.then(function () {
  var out = [];
  document.querySelectorAll('svg text').forEach(function (t) {
    var r = t.getBoundingClientRect();
    out.push({text: t.textContent, x: r.left, y: r.top, w: r.width, h: r.height});
  });
  var pre = document.createElement('pre');
  pre.id = 'dti-measure';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>
"""


MEASURE_PRINT_JS = """
<script>
document.fonts.ready.then(function () {
  var top = document.body.getBoundingClientRect().top, prev = top, blocks = [];
  document.querySelectorAll('section.page').forEach(function (s) {
    var y = s.getBoundingClientRect().top;
    blocks.push(y - prev);
    prev = y;
  });
  blocks.push(document.body.getBoundingClientRect().bottom - prev);
  var pre = document.createElement('pre');
  pre.id = 'dti-print';
  pre.textContent = JSON.stringify(blocks);
  document.documentElement.appendChild(pre);
});
</script>
"""

MEASURE_SCREEN_JS = """
<script>
document.fonts.ready.then(function () {
  var h = Math.ceil(document.documentElement.scrollHeight);
  var pre = document.createElement('pre');
  pre.id = 'dti-screen';
  pre.textContent = JSON.stringify(h);
  document.documentElement.appendChild(pre);
});
</script>
"""


def wrap_html(src, out, print_rules):
    with open(src, encoding="utf-8") as f:
        page = f.read()
    if print_rules:  # the print rules on screen, and the body as wide as an A4 page's content
        page = page.replace("@media print{", "@media all{")
        js = MEASURE_PRINT_JS
    else:
        js = MEASURE_SCREEN_JS
    with open(out, "w", encoding="utf-8") as f:
        f.write(page.replace("</body>", js + "</body>"))


def measured(work, stem, kind):
    path = os.path.join(work, "%s.%s.dom" % (stem, kind))
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8", errors="replace") as f:
        m = re.search(r'<pre id="dti-%s">(.*?)</pre>' % kind, f.read(), re.S)
    return json.loads(html.unescape(m.group(1))) if m else None


def expected_pages(src, work, stem):
    """(lo, hi) pages of the PDF of src, or None when the measurement is missing."""
    if src.endswith(".svg"):
        w, h = svg_size(src)
        scale = min(1.0, LETTER_CONTENT[0] / w)
        n = max(1, math.ceil(h * scale / LETTER_CONTENT[1] - 1e-6))
        return n, n
    blocks = measured(work, stem, "print")
    if not blocks:
        return None
    # a block's last margins (a paragraph's, the footer's 2.5rem) may end past the page's bottom
    # without a page of their own
    lo = sum(max(1, math.ceil((b - PRINT_SLACK) / A4_CONTENT[1])) for b in blocks)
    hi = sum(max(1, math.ceil(b / A4_CONTENT[1] - 1e-6)) for b in blocks)
    return lo, hi + sum(1 for b in blocks if b > A4_CONTENT[1])


def wrap(svg, out):
    with open(svg, encoding="utf-8") as f:
        body = re.sub(r"^<\?xml[^>]*\?>\s*", "", f.read())
    with open(out, "w", encoding="utf-8") as f:
        f.write('<!DOCTYPE html>\n<html><head><meta charset="utf-8"><style>body{margin:0}svg{display:block}'
                "</style></head><body>\n" + body + MEASURE_JS + "</body></html>\n")


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


def pdf_pages(path):
    with open(path, "rb") as f:
        data = f.read()
    if not data.startswith(b"%PDF"):
        return 0
    counts = [int(m) for m in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", data)]
    counts += [int(m) for m in re.findall(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", data)]
    return max(counts) if counts else 0


def measured_boxes(src, measure_dom):
    """Boxes from the browser's widths and the ink estimate's heights, with the estimated boxes."""
    m = re.search(r'<pre id="dti-measure">(.*?)</pre>', measure_dom, re.S)
    if not m:
        return None, []
    got = json.loads(html.unescape(m.group(1)))
    els = list(ET.parse(src).getroot().iter(NS + "text"))
    if len(got) != len(els):
        return None, []
    out = []
    for el, g in zip(els, got):
        est = check_svg.text_box(el)
        if el.get("transform"):  # written upwards: the measured extent is vertical
            box = (est[0], g["y"], est[2], g["y"] + g["h"])
            ratio = g["h"] / max(est[3] - est[1], 1e-9)
        else:
            box = (g["x"], est[1], g["x"] + g["w"], est[3])
            ratio = g["w"] / max(est[2] - est[0], 1e-9)
        out.append((box, el.text, ratio))
    return out, els


def check(src, work, outdir, stem):
    problems = []
    for kind in ("png", "pdf", "dom", "measure", "screen", "print"):
        log = os.path.join(work, "%s.%s.log" % (stem, kind))
        if os.path.exists(log):
            with open(log, encoding="utf-8", errors="replace") as f:
                for line in f:
                    if ":CONSOLE" in line or "CONSOLE(" in line:
                        problems.append("console (%s run): %s" % (kind, line.strip()))
    with open(os.path.join(work, stem + ".dom"), encoding="utf-8", errors="replace") as f:
        dom = f.read()
    if "<parsererror" in dom:
        problems.append("the browser could not parse the file")
    text = html.unescape(dom)
    missing = [t for t in labels(src) if t and t not in text]
    if os.path.exists(src + ".expect"):
        with open(src + ".expect", encoding="utf-8") as f:
            missing += [t for t in (line.strip() for line in f) if t and t not in text]
    for t in missing[:10]:
        problems.append("label not in the DOM: %r" % t)
    want = svg_size(src) if src.endswith(".svg") else html_window(work, stem)
    size = png_size(os.path.join(outdir, stem + ".png")) if os.path.exists(os.path.join(outdir, stem + ".png")) else None
    if size is None:
        problems.append("no PNG screenshot")
    elif tuple(size) != tuple(want):
        problems.append("PNG is %dx%d, expected %dx%d" % (size + want))
    pages = pdf_pages(os.path.join(outdir, stem + ".pdf")) if os.path.exists(os.path.join(outdir, stem + ".pdf")) else 0
    if pages < 1:
        problems.append("no PDF, or a PDF without pages")
    span = expected_pages(src, work, stem)
    if span is None:
        problems.append("no print measurement from the browser")
    elif pages >= 1 and not span[0] <= pages <= span[1]:
        problems.append("the PDF has %d pages, expected %s" % (pages, span[0] if span[0] == span[1] else
                                                                 "%d to %d" % span))
    worst, worst_text = 0.0, ""
    if src.endswith(".svg"):
        try:
            ET.parse(src)
        except ET.ParseError as e:
            problems.append("does not parse as XML: %s" % e)
    if src.endswith(".svg") and not problems:
        mpath = os.path.join(work, stem + ".measure.dom")
        mdom = open(mpath, encoding="utf-8", errors="replace").read() if os.path.exists(mpath) else ""
        boxes, _ = measured_boxes(src, mdom)
        if boxes is None:
            problems.append("no measurements from the browser")
        else:
            W, H = svg_size(src)
            for b, t, r in boxes:
                if r > worst:
                    worst, worst_text = r, t
                if b[0] < -TOL or b[1] < -TOL or b[2] > W + TOL or b[3] > H + TOL:
                    problems.append("rendered text %r sticks out of the picture: %s" % (t, check_svg.fmt(b)))
            for i in range(len(boxes)):
                for j in range(i + 1, len(boxes)):
                    a, b = boxes[i][0], boxes[j][0]
                    if a[0] < b[2] - TOL and b[0] < a[2] - TOL and a[1] < b[3] - TOL and b[1] < a[3] - TOL:
                        problems.append("rendered texts overlap: %r %s and %r %s" % (
                            boxes[i][1], check_svg.fmt(a), boxes[j][1], check_svg.fmt(b)))
    for p in problems:
        print("browser %s: %s" % (stem, p))
    widest = ", widest text %.2fx its estimate (%r)" % (worst, worst_text) if worst > 0 else ""
    expect = "" if not span else " (expected %s)" % (span[0] if span[0] == span[1] else "%d-%d" % span)
    print("browser %s: %d labels, %d PDF page(s)%s%s%s" % (stem, len(labels(src)), pages, expect, widest,
                                                           "" if not problems else ", FAILED"))
    return 1 if problems else 0


def html_window(work, stem):
    h = measured(work, stem, "screen") if work else None
    return (HTML_WINDOW[0], min(int(h), HTML_MAX_H)) if h else HTML_WINDOW


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "size":
        w, h = svg_size(sys.argv[2]) if sys.argv[2].endswith(".svg") else \
            html_window(*(sys.argv[3:5] if len(sys.argv) >= 5 else (None, None)))
        print("%d,%d" % (w, h))
    elif len(sys.argv) == 4 and sys.argv[1] == "wrap":
        wrap(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] in ("wrap-print", "wrap-screen"):
        wrap_html(sys.argv[2], sys.argv[3], sys.argv[1] == "wrap-print")
    elif len(sys.argv) == 6 and sys.argv[1] == "check":
        sys.exit(check(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
