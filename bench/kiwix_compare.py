#!/usr/bin/env python3
"""kiwix_compare.py - Satchel's search beside kiwix's on the same HTML pages (bench/search.sh).

    python3 bench/kiwix_compare.py RECALL_JSON QUERIES HTML_DIR ZIM PORT SATCHEL_READ BUNDLE PUBKEY

RECALL_JSON is `search_recall BUNDLE PUBKEY QUERIES --json` on the satchel bundle of HTML_DIR
(article-text truth and Satchel's hits); QUERIES is LANG<TAB>QUERY per line; a kiwix-serve
serving ZIM must be listening on 127.0.0.1:PORT (book name: the ZIM's file name without .zim).

Prints one tab-separated line per query: lang, query, article truth, satchel total (from
`satchel-read search --json`), Satchel hits in the article truth, page truth, kiwix-search's
printed results (at most 10), kiwix hits (every /search result of kiwix-serve, paged), kiwix
hits in the page truth. "Page truth" is what kiwix indexes: the pages whose whole text (title
and body, scripts and styles left out: menus, the ticker, sidebars, comments included),
NFKC + case folded, contains the query.
"""
import html.parser
import json
import os
import re
import subprocess
import sys
import time
import unicodedata
import urllib.parse
import urllib.request


def norm(s):
    return unicodedata.normalize("NFKC", s).casefold()


class PageText(html.parser.HTMLParser):
    """The text of a page outside <script> and <style>, as a search engine would index it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def page_texts(root):
    """{path relative to root: normalised text} of every .html page."""
    out = {}
    for d, _, names in os.walk(root):
        for n in names:
            if not n.endswith(".html"):
                continue
            p = os.path.join(d, n)
            rel = os.path.relpath(p, root)
            with open(p, encoding="utf-8", errors="replace") as f:
                parser = PageText()
                parser.feed(f.read())
                parser.close()
            out[rel] = norm("\n".join(parser.parts))
    return out


def get(url):
    for _ in range(150):  # the server may still be starting
        try:
            return urllib.request.urlopen(url, timeout=60).read().decode("utf-8", "replace")
        except OSError:
            time.sleep(0.2)
    return None


def kiwix_hits(port, book, q):
    """Every result of kiwix-serve's /search, paged 140 at a time (its largest page), as page
    paths; None when the server does not answer. Its totalResults estimate is not used: it
    said 1 for a word that is on most pages."""
    seen, start = set(), 1
    while len(seen) < 1000000:
        t = get("http://127.0.0.1:%s/search?%s" % (port, urllib.parse.urlencode(
            {"books.name": book, "pattern": q, "format": "xml", "pageLength": "140",
             "start": str(start)})))
        if t is None:
            return None
        links = re.findall(r"<item>.*?<link>([^<]*)</link>", t, re.S)
        new = [urllib.parse.unquote(l).split("/", 2)[-1] for l in links]
        new = [l for l in new if l not in seen]
        if not new:
            break
        seen.update(new)
        start += len(links)
    return seen


def main():
    rec_path, queries, root, zim, port, read, bundle, pub = sys.argv[1:9]
    book = os.path.basename(zim)[:-4] if zim.endswith(".zim") else os.path.basename(zim)
    try:
        rec = {q["query"]: q for q in json.load(open(rec_path))["queries"]}
    except (OSError, ValueError, KeyError):
        rec = {}
    pages = page_texts(root)
    for line in open(queries, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        lang, q = line.split("\t")
        r = rec.get(q, {})
        # --limit 0: the total is exact only when every hit is checked (with a limit, a
        # group of several terms is checked only as far as the shown hits need)
        s = subprocess.run([read, "search", bundle, q, "-p", pub, "--json", "--limit", "0"],
                           capture_output=True)
        try:
            sat = str(json.loads(s.stdout)["total"])
        except (ValueError, KeyError):
            sat = "-"
        k = subprocess.run(["kiwix-search", zim, q], capture_output=True)
        # one title per line; libkiwix also prints "No stemming for language 'ko'" there
        kn = str(len([l for l in k.stdout.decode("utf-8", "replace").splitlines()
                      if l.strip() and not l.startswith("No stemming for language")])) \
            if k.returncode == 0 else "-"
        nq = norm(q)
        truth = {p for p, t in pages.items() if nq in t}
        hits = kiwix_hits(port, book, q)
        print("\t".join([lang, q, str(r.get("truth", "-")), sat, str(r.get("true_hits", "-")),
                         str(len(truth)), kn, "-" if hits is None else str(len(hits)),
                         "-" if hits is None else str(len(hits & truth))]))


if __name__ == "__main__":
    main()
