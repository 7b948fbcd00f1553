#!/usr/bin/env python3
"""Walks a satchel-read export-html site and checks its shape and its links.

    export_walk.py SITE [--per-folder N] [--max-page BYTES] [--entries N]

Checks, each a failure when broken:
  - no folder of the site holds more than --per-folder names (files and folders);
  - no .html page is larger than --max-page bytes;
  - every href/src of every page, and every href in search-data.js, is a relative path
    that stays inside SITE and names a file that exists (a '#fragment' must name an id
    of its page);
  - every entry page (e/*/*.html) is reachable from index.html by following links
    through index.html and the section pages (s/) only, and (--entries) there are
    exactly N of them.
Prints what it measured: pages, the largest page, the fullest folder, entries reached.
Exit 0 when every check passed, 1 otherwise. Standard library only.
"""
import argparse
import json
import os
import re
import sys

LINK = re.compile(r'\b(?:href|src)="([^"]*)"')
ID = re.compile(r'\bid="([^"]*)"')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("site")
    ap.add_argument("--per-folder", type=int, default=1000)
    ap.add_argument("--max-page", type=int, default=300 * 1024)
    ap.add_argument("--entries", type=int)
    a = ap.parse_args()
    site = os.path.realpath(a.site)
    bad = []
    pages, fullest, largest = {}, ("", 0), ("", 0)

    for d, dirs, files in os.walk(site):
        n = len(dirs) + len(files)
        if n > fullest[1]:
            fullest = (os.path.relpath(d, site), n)
        if n > a.per_folder:
            bad.append("%s holds %d names (limit %d)" % (os.path.relpath(d, site), n, a.per_folder))
        for f in files:
            p = os.path.join(d, f)
            if f.endswith(".html"):
                rel = os.path.relpath(p, site)
                size = os.path.getsize(p)
                if size > largest[1]:
                    largest = (rel, size)
                if size > a.max_page:
                    bad.append("%s is %d bytes (limit %d)" % (rel, size, a.max_page))
                with open(p, encoding="utf-8") as fh:
                    pages[rel] = fh.read()

    ids = {rel: set(ID.findall(text)) for rel, text in pages.items()}

    def resolve(rel, link):
        """The site-relative path a link of page rel names, or None (reported)."""
        target, _, frag = link.partition("#")
        target = target.partition("?")[0]
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", link) or link.startswith("/"):
            bad.append("%s: absolute or external link %r" % (rel, link))
            return None
        if target == "":
            if frag not in ids.get(rel, set()):
                bad.append("%s: #%s names no id of the page" % (rel, frag))
            return None
        path = os.path.normpath(os.path.join(os.path.dirname(os.path.join(site, rel)), target))
        if not path.startswith(site + os.sep):
            bad.append("%s: %r leaves the site" % (rel, link))
            return None
        if not os.path.isfile(path) or os.path.islink(path):
            bad.append("%s: %r names no file" % (rel, link))
            return None
        out = os.path.relpath(path, site)
        if frag and out in ids and frag not in ids[out]:
            bad.append("%s: %r names no id of %s" % (rel, link, out))
        return out

    links = {}
    for rel, text in pages.items():
        links[rel] = [t for t in (resolve(rel, l) for l in LINK.findall(text)) if t]
    data = os.path.join(site, "search-data.js")
    if os.path.exists(data):
        with open(data, encoding="utf-8") as fh:
            body = fh.read()
        arr = body[body.index("["):body.rindex("]") + 1]
        for rec in json.loads(re.sub(r",\s*\]$", "]", arr)):
            resolve("search-data.js", rec[0])

    # reachability through the contents only: index.html and s/ pages are followed
    seen, todo = set(), ["index.html"]
    while todo:
        rel = todo.pop()
        if rel in seen:
            continue
        seen.add(rel)
        if rel == "index.html" or rel.startswith("s" + os.sep):
            todo += [t for t in links.get(rel, []) if t.endswith(".html")]
    entries = [r for r in pages if r.startswith("e" + os.sep)]
    unreached = [r for r in entries if r not in seen]
    for r in sorted(unreached)[:10]:
        bad.append("%s is not reachable from index.html through the section pages" % r)
    if unreached:
        bad.append("%d entry pages unreachable in all" % len(unreached))
    if a.entries is not None and len(entries) != a.entries:
        bad.append("%d entry pages, expected %d" % (len(entries), a.entries))

    print("export_walk: %d pages (%d entries, %d section pages), largest %s (%d bytes), "
          "fullest folder %s (%d names), %d links checked" % (
              len(pages), len(entries), sum(1 for r in pages if r.startswith("s" + os.sep)),
              largest[0], largest[1], fullest[0], fullest[1],
              sum(len(v) for v in links.values())))
    for b in bad[:40]:
        print("FAIL " + b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
