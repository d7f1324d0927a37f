#!/usr/bin/python3
"""HTML validity of dtirank's --format html, with the standard library's html.parser only.

check(text) returns a list of problems (empty: valid):
- it starts with <!DOCTYPE html>, has <html lang=...>, <meta charset="utf-8"> and a non-empty <title>;
- every element is closed in order (void elements excepted, and SVG's self-closed ones), nothing is
  closed that was not opened, nothing is left open;
- at most one <h1>; no <script>, <iframe>, <object>, <embed>, <img>, <link> or <base>, no src= or srcset=
  attribute, no url( or @import in the CSS: the file needs nothing from elsewhere (links to sources
  are <a href> and load nothing);
- no id twice; every <table> has a <thead> and a <tbody>, every row of a table as many cells as its
  header.
Usage as a program: check_html.py FILE...  (exit 1 when a file has a problem)
"""
import html.parser
import sys

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
FORBIDDEN = {"script", "iframe", "object", "embed", "img", "link", "base", "frame", "audio", "video"}


class Checker(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.problems, self.ids = [], [], set()
        self.h1 = 0
        self.doctype = False
        self.lang = None
        self.charset = False
        self.title = ""
        self.in_title = False
        self.style = []
        self.in_style = False
        self.tables = []  # per open table: [header cells, rows' cell counts, saw thead, saw tbody]

    def where(self):
        line, col = self.getpos()
        return "line %d" % line

    def handle_decl(self, decl):
        self.doctype = self.doctype or decl.lower() == "doctype html"

    def handle_starttag(self, tag, attrs, selfclosing=False):
        a = dict(attrs)
        if tag in FORBIDDEN:
            self.problems.append("%s: <%s> (the file must need nothing from elsewhere)" % (self.where(), tag))
        for k in ("src", "srcset"):
            if k in a:
                self.problems.append("%s: %s= on <%s>" % (self.where(), k, tag))
        if "id" in a:
            if a["id"] in self.ids:
                self.problems.append("%s: id %r twice" % (self.where(), a["id"]))
            self.ids.add(a["id"])
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "meta" and (a.get("charset") or "").lower() == "utf-8":
            self.charset = True
        if tag == "h1":
            self.h1 += 1
        if tag == "title" and not self.stack[-1:] == ["svg"]:
            self.in_title = True
        if tag == "style":
            self.in_style = True
        if tag == "table":
            self.tables.append([None, [], False, False])
        if self.tables:
            t = self.tables[-1]
            if tag == "thead":
                t[2] = True
            if tag == "tbody":
                t[3] = True
            if tag == "tr":
                t[1].append(0)
            if tag in ("th", "td") and t[1]:
                t[1][-1] += 1
        if tag not in VOID and not selfclosing:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs, selfclosing=True)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append("%s: </%s> closes %s" % (self.where(), tag, "<%s>" % self.stack[-1] if self.stack
                                                          else "nothing"))
            if tag in self.stack:
                while self.stack and self.stack[-1] != tag:
                    self.stack.pop()
                self.stack.pop()
            return
        self.stack.pop()
        if tag == "title":
            self.in_title = False
        if tag == "style":
            self.in_style = False
        if tag == "thead" and self.tables:
            t = self.tables[-1]
            t[0] = t[1][0] if t[1] else 0
            t[1] = []
        if tag == "table" and self.tables:
            head, rows, thead, tbody = self.tables.pop()
            if not thead or not tbody:
                self.problems.append("%s: a table without <thead> or <tbody>" % self.where())
            elif any(n != head for n in rows):
                self.problems.append("%s: a table whose rows have %s cells, its header %s" % (
                    self.where(), sorted(set(rows)), head))

    def handle_data(self, data):
        if self.in_title:
            self.title += data
        if self.in_style:
            self.style.append(data)


def check(text):
    p = Checker()
    p.feed(text)
    p.close()
    problems = list(p.problems)
    if not text.startswith("<!DOCTYPE html>"):
        problems.append("it does not start with <!DOCTYPE html>")
    if not p.lang:
        problems.append("no <html lang=...>")
    if not p.charset:
        problems.append('no <meta charset="utf-8">')
    if not p.title.strip():
        problems.append("no <title>, or an empty one")
    if p.h1 > 1:
        problems.append("%d <h1> elements, not one" % p.h1)
    if p.stack:
        problems.append("left open at the end: %s" % ", ".join("<%s>" % t for t in p.stack))
    css = "".join(p.style)
    for bad in ("url(", "@import"):
        if bad in css:
            problems.append("the CSS has %s" % bad)
    return problems


def main():
    failed = 0
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as f:
            problems = check(f.read())
        for q in problems:
            print("%s: %s" % (path, q))
        failed += bool(problems)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
