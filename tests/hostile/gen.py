#!/usr/bin/env python3
"""Builds the hostile corpus from one good bundle: python3 gen.py GOOD KEY OTHER_KEY OUTDIR

GOOD is a bundle packed by satchel-pack and signed with KEY (an unencrypted minisign secret
key, trusted by the reader under test); OTHER_KEY is a key the reader does not trust.
Writes OUTDIR/<case>.satchel and OUTDIR/cases.json (what check.py asserts). Each case is
documented in README.md. Two kinds of adversary:
  - without the key: byte surgery on the good bundle (tar members, truncation, appending);
  - a hostile or broken signer: the model is changed and re-emitted with correct headers,
    padding, offsets and hashes, then signed again with KEY, so the reader gets past the
    signature and the case tests the parser behind it.
"""
import json
import os
import re
import sys

import bundle_model as bm

TEXT_KINDS = ("article", "transcript")
ESC_BODY = (b"Body \x1b[2J\x1b[H cleared\n"
            b"\x1b]0;pwned\x07 set the window title\n"
            b"\xc2\x9b" b"2J C1 CSI and raw \x9b" b"31m byte\n"
            b"# Head \x1b[5mblink\x1b[0m\n"
            b"* item \xe2\x80\xaereversed\xe2\x80\xac and \xe2\x81\xa6isolate\xe2\x81\xa9\n"
            b"> quote \x7f del \x08 back \r cr \x1bP dcs \x1b\\ st\n"
            b"=> https://example.org/\x1b[31m link \x1b]8;;http://evil/\x07x\x1b]8;;\x07\n"
            b"```\npre \x1b[1mbold\x1b[0m \xc2\x9d osc\n```\n"
            b"bad utf8 \xff\xfe, a lone \xc2 byte, overlong \xc0\xaf, surrogate \xed\xa0\x80\n")
BIDI = "\u202e\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069"
BLOCK_TARGET = 2048   # bytes of a term block in the base (SPEC 12)


class Corpus:
    def __init__(self, good_path, key, other_key, outdir):
        self.tools = bm.new_tools()
        self.key, self.other_key, self.outdir = key, other_key, outdir
        with open(good_path, "rb") as f:
            packed = f.read()
        m = bm.parse_bundle(packed, self.tools)
        if bm.write_bundle(m.copy(), self.tools, key)[0] != packed:
            sys.exit("gen.py: re-emitting the packed bundle does not give the same bytes; the "
                     "model or writer does not match the format any more")
        self.packed = packed
        # the base of every case: the same entries in 3 index pages, 6 clusters and with a
        # trained dictionary, as a big bundle would be laid out (and still small enough for
        # extract's fsync per file to stay fast)
        bm.reshape(m, self.tools, cluster_target=3000, page_entries=5, dict_size=4096)
        # and its search index in term blocks of about 2 KB (the packer's are 64 KiB), so
        # that damage to one block leaves the others answering
        bm.reblock(m, self.tools, BLOCK_TARGET)
        self.model = m
        self.good, self.layout = bm.write_bundle(m.copy(), self.tools, key)
        self.entries = m.entries
        self.files = {bm.file_name(i, k): bm.b2(c) for i, (k, c) in self.entries.items()}
        self.where = {}                 # id -> (page index, unit)
        for pi, p in enumerate(m.pages):
            for ln in p["text"].decode().split("\n")[:-1]:
                f = ln.split("\t")
                self.where[f[1]] = (pi, f[11])
        self.text_id = next(i for i, (pi, u) in sorted(self.where.items())
                            if pi == 0 and u == "0" and self.entries[i][0] in TEXT_KINDS)
        self.media_ids = [x["id"] for x in m.media]
        self.ids = sorted(self.entries)      # entry index (SPEC 12) -> id
        self.cases = []
        self.pick_queries()

    def pick_queries(self):
        """Two query words held by different term blocks (k, the block the index cases
        damage, and j, another): the last plain word of each, so that a T line whose first
        term moved up still routes the query to block k. words[b] = a block's plain words;
        hits[w] = the ids whose text holds w (what search must find)."""
        s = self.model.search
        self.words = []
        for b in s["blocks"]:
            recs = bm.block_parse(b["text"], b["count"])
            self.words.append([t.decode() for t, _ in recs if re.fullmatch(rb"[a-z]{5,}", t)])
        plain = [i for i, w in enumerate(self.words) if w]
        assert len(plain) >= 3, "want term blocks with plain words"
        self.k, self.j = plain[1], plain[-1]
        self.qk, self.qj = self.words[self.k][-1], self.words[self.j][-1]
        self.hits = {}
        for w in (self.qk, self.qj):
            self.hits[w] = sorted(i for i, (kind, t) in self.entries.items()
                                  if kind in TEXT_KINDS and w.encode() in t.lower())
            assert self.hits[w], w

    def doc_words(self, entry):
        """Indexed terms that entry (an index in id order) surely holds, sorted: plain words
        found as words in its text, and two-syllable Hangul bigrams found in it."""
        text = self.entries[self.ids[entry]][1].decode("utf-8", "replace").lower()
        # link lines give only their label to the index (SPEC 12.1), not the URL
        text = "\n".join(re.sub(r"^=>\s*\S+", "", ln) for ln in text.split("\n"))
        out = sorted(t for t in (r[0].decode() for r in bm.search_records(self.model))
                     if (re.fullmatch(r"[a-z]{5,}", t) and
                         re.search(r"(?<![a-z0-9])%s(?![a-z0-9])" % t, text)) or
                     (re.fullmatch(r"[\uac00-\ud7a3]{2}", t) and t in text))
        assert out, "no plain word in entry %d" % entry
        return out

    def found(self, w):
        """A search for w succeeds and lists an entry holding it."""
        return (w, 0, "|".join(re.escape(i) for i in self.hits[w]))

    def block_edit(self, fn, bi=None, **kw):
        """A mutation replacing term block bi's records (default k) by fn(records)."""
        bi = self.k if bi is None else bi

        def mut(m):
            b = m.search["blocks"][bi]
            recs = fn(bm.block_parse(b["text"], b["count"]))
            bm.set_block(m, bi, bm.block_build(recs), self.tools, count=len(recs), **kw)
        return mut

    # ------------------------------------------------------------------ helpers
    def ids_in_unit(self, unit):
        return [i for i, (pi, u) in self.where.items() if u == unit]

    def ids_in_page(self, page):
        return [i for i, (pi, u) in self.where.items() if pi == page]

    def names(self, ids):
        return sorted(bm.file_name(i, self.entries[i][0]) for i in ids)

    def emit(self, m, e=None):
        return bm.write_bundle(m, self.tools, self.key, e)[0]

    def resigned(self, mutate=None, **emit):
        """The good model, mutated by mutate(m) and re-emitted with Emit fields."""
        m = self.model.copy()
        if mutate:
            mutate(m)
        e = bm.Emit()
        for k, v in emit.items():
            setattr(e, k, v)
        data = self.emit(m, e)
        if e.sig_bytes is None:
            # really signed: minisign itself accepts the signature over the manifest, so
            # the case tests what lies behind the signature check
            mem = bm.tar_members(data)
            self.tools.check_sig(mem[bm.ROOT_NAME][1], mem[bm.SIG_NAME][1], e.key or self.key,
                                 prehashed=not e.legacy)
        return data

    def member_off(self, name):
        return self.layout[name]

    def member_size(self, name):
        h = self.good[self.layout[name]:self.layout[name] + bm.BLOCK]
        return int(h[124:136].strip(b" \0"), 8)

    def insert(self, at, raw):
        return self.good[:at] + raw + self.good[at:]

    def page_lines(self, m, pi):
        return [ln.split(b"\t") for ln in m.pages[pi]["text"].split(b"\n")[:-1]]

    def set_page_lines(self, m, pi, rows):
        bm.set_page_text(m, pi, b"".join(b"\t".join(r) + b"\n" for r in rows), self.tools)

    def edit_entry(self, m, eid, fn):
        pi = self.where[eid][0]
        rows = self.page_lines(m, pi)
        rows = [fn(r) if r[1] == eid.encode() else r for r in rows]
        self.set_page_lines(m, pi, rows)

    def replace_body(self, m, eid, body):
        """Gives text entry eid a new body: its cluster is rebuilt, offsets after it move."""
        pi, unit = self.where[eid]
        rows = {}
        for p in range(len(m.pages)):
            rows[p] = self.page_lines(m, p)
        me = next(r for r in rows[pi] if r[1] == eid.encode())
        off, size = int(me[12]), int(me[13])
        c = m.clusters[int(unit)]["text"]
        bm.set_cluster_text(m, int(unit), c[:off] + body + c[off + size:], self.tools)
        delta = len(body) - size
        for p, rs in rows.items():
            for r in rs:
                if r[11] == unit.encode() and int(r[12]) > off:
                    r[12] = b"%d" % (int(r[12]) + delta)
            self.set_page_lines(m, p, rs)
        self.edit_entry(m, eid, lambda r: r[:13] + [b"%d" % len(body),
                                                     bm.b2(body).encode()])

    # ------------------------------------------------------------------ expectations
    def add(self, name, what, data, verify, lst=None, show=None, extract=None,
            salvage=None, deep=None, info=None, files=None, forbid=(), msg=None, fname=None,
            search=None):
        """Registers a case. verify/list/...: (exit code or list of codes, regex or None);
        show: list of (id, code, regex); search: list of (query, code, regex);
        extract/salvage: (code, regex, must-exist names); files: name -> hash of what
        extract/salvage may write (default the good entries)."""
        path = os.path.join(self.outdir, fname or name + ".satchel")
        with open(path, "wb") as f:
            f.write(data)
        c = {"name": name, "what": what, "file": path, "verify": verify,
             "verify_msg": msg if msg is not None else verify[1], "list": lst,
             "show": show or [], "extract": extract, "salvage": salvage, "deep": deep,
             "info": info, "files": self.files if files is None else files,
             "forbid": list(forbid), "search": search or []}
        self.cases.append(c)

    def all_files(self, lost=()):
        return sorted(set(self.files) - set(self.names(lost)))

    def intact(self, name, what, data, verify_re, **kw):
        """The signed content is whole; only the tar around it is wrong (verify exit 1)."""
        allf = self.all_files()
        kw.setdefault("show", [(self.text_id, 0, None)])
        self.add(name, what, data, (1, verify_re), lst=(0, None), extract=(0, None, allf),
                 salvage=(0, r"Salvaged %d of %d" % (len(allf), len(allf)), allf), **kw)

    def lost(self, name, what, data, verify_re, lost_ids, lst=(0, None), lost_pages=(),
             name_one=True, **kw):
        """Some entries are lost (exit 1 from verify, extract, salvage), the rest served.
        verify must name one lost entry (name_one): one whose index page is intact if any,
        else the first id of a lost page."""
        keep = self.all_files(lost_ids)
        listed = [i for i in lost_ids if self.where[i][0] not in lost_pages]
        kw["msg"] = verify_re
        if name_one:
            named_id = sorted(listed)[0] if listed else \
                self.model.pages[min(lost_pages)]["first"]
            kw["msg"] += " + a lost id"
            verify_re = r"(?=.*(%s))(?=.*%s)" % (verify_re, re.escape(named_id))
        texts = sorted(i for i in lost_ids if self.entries[i][0] in TEXT_KINDS)
        kw.setdefault("show", [((texts or sorted(lost_ids))[0], 1, None)] +
                      ([(self.text_id, 0, None)] if self.text_id not in lost_ids else []))
        self.add(name, what, data, (1, verify_re), lst=lst,
                 extract=(1, None, keep), salvage=(1, r"Salvaged %d of %d" % (
                     len(keep), len(self.files)), keep), **kw)

    def truncated(self, name, what, cut):
        """The base cut at byte `cut` inside the data area: exactly the entries whose index
        page, unit (and dictionary, for all of them since pages use it) lie wholly before
        the cut survive; list serves the intact pages."""
        def whole(member):
            return member in self.layout and \
                self.layout[member] + bm.BLOCK + self.member_size(member) <= cut
        dict_ok = self.model.dict is None or whole(bm.DICT_NAME)
        pages_ok = {p for p in range(len(self.model.pages))
                    if dict_ok and whole("index/%06d.zst" % p)}
        lost = []
        for i, (p, u) in self.where.items():
            unit = "media/" + i if u == "m" else "clusters/%06d.zst" % int(u)
            if p not in pages_ok or not whole(unit):
                lost.append(i)
        lost_pages = [p for p in range(len(self.model.pages)) if p not in pages_ok]
        shown = sorted(i for i in self.entries if self.where[i][0] in pages_ok)
        lst = (1 if lost_pages else 0, re.escape(shown[0]) if shown else r"truncated")
        self.lost(name, what, self.good[:cut], r"truncated", lost, lst=lst,
                  lost_pages=lost_pages)

    def flipped(self, name, what, data, member):
        """A unit whose bytes no longer match its signed hash: its entries are lost; media
        entries stay salvageable through the root's M lines (SPEC 8) even when the index
        page or dictionary that lists them is lost."""
        pages_ok = set(range(len(self.model.pages)))
        if member == bm.DICT_NAME:
            pages_ok = set()
        elif member.startswith("index/"):
            pages_ok.discard(int(member[6:12]))
        lost = []
        for i, (p, u) in self.where.items():
            unit = "media/" + i if u == "m" else "clusters/%06d.zst" % int(u)
            text = u != "m"
            if unit == member or (text and member == bm.DICT_NAME) or p not in pages_ok:
                lost.append(i)
        # salvage finds media through the M lines: only the flipped member itself is lost
        salv_lost = [i for i in lost if self.where[i][1] != "m" or "media/" + i == member]
        lost_pages = [p for p in range(len(self.model.pages)) if p not in pages_ok]
        self.lost(name, what, data, r"damaged", lost, lost_pages=lost_pages,
                  lst=(1 if lost_pages else 0, None), name_one=member != bm.DICT_NAME)
        keep = self.all_files(salv_lost)
        self.cases[-1]["salvage"] = (1, r"Salvaged %d of %d" % (len(keep), len(self.files)),
                                     keep)

    def forged(self, name, what, data, verify_re, code=3, **kw):
        """Nothing can be trusted: every command refuses, nothing is written."""
        kw.setdefault("search", [(self.qj, code, None)])
        self.add(name, what, data, (code, verify_re), lst=(code, verify_re),
                 show=[(self.text_id, code, None)], extract=(code, None, []),
                 salvage=(code, None, []), files={}, **kw)

    def bad_index(self, name, what, mutate, deep_re, search):
        """A hostile signer's search index part (hash matches) that breaks SPEC 12: plain
        verify (hashes and layout) passes; --deep calls it not genuine (exit 3); every entry
        still lists, shows, extracts and salvages; search fails on the queries that need
        the part, with a message, and answers the others."""
        allf = self.all_files()
        self.add(name, what + " (hash matches, validly signed)", self.resigned(mutate),
                 (0, None), deep=(3, deep_re), lst=(0, None), show=[(self.text_id, 0, None)],
                 extract=(0, None, allf), salvage=(0, None, allf), search=search)

    def bad_page(self, name, what, mutate, verify_re, page=0):
        """A hostile signer's index page that breaks the format: "not genuine" (exit 3,
        man page EXIT STATUS) from every command; extract and salvage still write every
        entry of the other pages."""
        data = self.resigned(mutate)
        lost = self.ids_in_page(page)
        keep = self.all_files(lost)
        # salvage still finds the page's media through the root's M lines (SPEC 8)
        salv_keep = self.all_files([i for i in lost if self.where[i][1] != "m"])
        self.add(name, what, data, (3, verify_re), deep=(3, verify_re),
                 lst=(3, r"index page %d" % page),
                 # the page's last id, which the signed root routes to this page even when
                 # the case moved the first one (an id sorting before the root's first id
                 # is simply not in the bundle, as the root says)
                 show=[(sorted(lost)[-1], 3, None)],
                 extract=(3, None, keep),
                 salvage=(3, r"Salvaged %d of" % len(salv_keep), salv_keep))

    def bad_cluster(self, name, what, mutate, deep_re, unit="0"):
        """A hostile signer's cluster that matches its signed hash but breaks the zstd
        rules: plain verify (hashes and layout, SPEC 8) passes; --deep, show, extract and
        salvage call it not genuine (exit 3) and still write every other entry."""
        data = self.resigned(mutate)
        lost = self.ids_in_unit(unit)
        keep = self.all_files(lost)
        self.add(name, what, data, (0, None), deep=(3, deep_re), lst=(0, None),
                 show=[(sorted(lost)[0], 3, deep_re)], extract=(3, None, keep),
                 salvage=(3, r"Salvaged %d of" % len(keep), keep))

    def write(self):
        with open(os.path.join(self.outdir, "cases.json"), "w") as f:
            json.dump({"good_files": self.files, "text_id": self.text_id,
                       "cases": self.cases}, f, indent=1)
        with open(os.path.join(self.outdir, "table.md"), "w") as f:
            f.write(self.table())

    def table(self):
        """The README's case table (t_hostile.sh checks the README carries exactly it)."""
        def code(x):
            return "-" if not x else "/".join(map(str, x[0] if isinstance(x[0], list)
                                                  else [x[0]]))
        out = ["| case | what it does | verify | list | show | extract | salvage | search |",
               "|---|---|---|---|---|---|---|---|"]
        for c in self.cases:
            v = code(c["verify"])
            if c["verify_msg"]:
                v += " `%s`" % c["verify_msg"].replace("|", "\\|")
            if c["deep"]:
                v += "; --deep " + code(c["deep"])
            show = ", ".join(code((s[1],)) for s in c["show"]) or "-"
            search = ", ".join(code((s[1],)) for s in c["search"]) or "-"
            out.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
                c["name"], c["what"].replace("|", "\\|"), v, code(c["list"]), show,
                code(c["extract"]), code(c["salvage"]), search))
        return "\n".join(out) + "\n"


# ---------------------------------------------------------------------- tar layer

def named(*parts):
    """A pattern requiring every part (regex) somewhere in the output."""
    return "".join("(?=.*(%s))" % p for p in parts)


def tar_cases(c):
    g, mt = c.good, c.model.mtime
    at = c.member_off(bm.COPY_NAME)
    evil = b"hostile content\n"
    # a foreign member where the tail copy belongs: verify must name it
    for name, member_name, shown, what in [
            ("tar-dotdot-name", b"../hostile-dotdot.txt", "../hostile-dotdot.txt",
             "a member named ../hostile-dotdot.txt"),
            ("tar-absolute-name", b"/tmp/satchel-hostile-abs.txt",
             "/tmp/satchel-hostile-abs.txt", "a member with an absolute path"),
            ("tar-backslash-name", b"..\\..\\hostile-backslash.txt", "hostile-backslash.txt",
             "a member named with backslashes"),
            ("tar-nul-name", b"media/x\0/../../hostile-nul.txt", "media/x",
             "a member name with a NUL"),
            ("tar-escape-name", b"\x1b]0;pwned\x07\x1b[2J\xc2\x9b" b"31m\xe2\x80\xaeevil.txt",
             "pwned.*evil.txt", "a member name with ANSI/OSC/C1/bidi"),
            ("tar-extra-member", b"media/not-in-manifest", "media/not-in-manifest",
             "a member the manifest does not list")]:
        c.intact(name, what + ", inserted before the tail copy",
                 c.insert(at, bm.tar_member(member_name, evil, mt)),
                 re.escape(shown) if ".*" not in shown else shown,
                 forbid=["/tmp/satchel-hostile-abs.txt"])
    for name, tf, nm, link, what in [
            ("tar-symlink", b"2", b"hostile-link", b"/etc",
             "a symlink member hostile-link -> /etc"),
            ("tar-hardlink", b"1", b"hostile-hardlink", b"/etc/passwd",
             "a hard link member -> /etc/passwd"),
            ("tar-chardev", b"3", b"hostile-chardev", b"", "a character device member"),
            ("tar-fifo", b"6", b"hostile-fifo", b"", "a FIFO member"),
            ("tar-directory", b"5", b"hostile-dir/", b"", "a directory member hostile-dir/")]:
        c.intact(name, what + ", inserted before the tail copy",
                 c.insert(at, bm.tar_header(nm, 0, mt, typeflag=tf, linkname=link)),
                 re.escape(nm.decode()))
    last = "media/" + c.media_ids[-1]
    lo, lsz = c.member_off(last), c.member_size(last)
    lend = lo + bm.BLOCK + len(bm.pad(b"\0" * lsz))
    c.intact("tar-duplicate-member", "the last media member appears twice",
             c.insert(lend, g[lo:lend]), named(re.escape(last), "belongs|foreign|duplicate"))
    c.lost("tar-missing-member", "the last media member is cut out of the tar",
           g[:lo] + g[lend:], "belongs|missing|truncated", [c.media_ids[-1]],
           show=[(c.text_id, 0, None)])
    pax = b"30 path=../../hostile-pax.txt\n"
    c.intact("tar-pax-header", "a pax extended header (path=../../hostile-pax.txt) and its file",
             c.insert(at, bm.tar_member(b"PaxHeader/x", pax, mt, typeflag=b"x") +
                      bm.tar_member(b"x", evil, mt)), r"PaxHeader")
    long = b"../" * 60 + b"hostile-gnu.txt"
    c.intact("tar-gnu-longname", "a GNU long-name (L) header naming ../../..hostile-gnu.txt",
             c.insert(at, bm.tar_member(b"././@LongLink", long + b"\0", mt, typeflag=b"L") +
                      bm.tar_member(b"x", evil, mt)), r"@LongLink")
    second = bm.tar_member(b"../hostile-appended.txt", evil, mt) + b"\0" * 1024
    c.intact("tar-appended-archive", "a second tar archive appended after the end blocks",
             g + second, r"after the end")
    c.intact("tar-trailing-bytes", "3000 garbage bytes after the end blocks",
             g + b"garbage\n" * 375, r"3000 bytes after the end")
    # a broken header in front of intact data: the entry still verifies and is served
    # (the reader never reads the tar headers to find data); verify names the header
    for name, field, tf, what in [
            ("tar-size-overflow", b"77777777777 ", b"0", "size field 8 GiB - 1 (octal maximum)"),
            ("tar-size-base256", b"\x80" + b"\xff" * 11, b"0", "size field in GNU base-256, huge"),
            ("tar-size-negative", b"\xff" * 12, b"0", "size field in base-256, negative"),
            ("tar-member-made-symlink", None, b"2", "typeflag 2 (symlink -> /etc/passwd)")]:
        h = bytearray(g)
        h[lo:lo + bm.BLOCK] = bm.tar_header(last, lsz, mt, size_field=field, typeflag=tf,
                                            linkname=b"/etc/passwd" if tf == b"2" else b"")
        c.intact(name, what + " in the last media member's header; its data intact",
                 bytes(h), named(re.escape(last), "size|not a regular file"))
    cl = "clusters/000000.zst"
    co = c.member_off(cl)
    h = bytearray(g)
    h[co + 148:co + 156] = b"000000\0 "
    c.intact("tar-bad-checksum", "cluster 0's header checksum is wrong; its data intact",
             bytes(h), named(re.escape(cl), "header"))
    c.add("tar-size-beyond-file", "ends with a member header whose size runs past the file",
          g[:at] + bm.tar_header(b"hostile-big", 10 ** 9, mt), (1, named("hostile-big",
                                                                          "truncated")),
          lst=(0, None), show=[(c.text_id, 0, None)], extract=(0, None, c.all_files()),
          salvage=(0, None, c.all_files()))
    padded = [n for n in c.layout if n.startswith(("clusters/", "index/", "media/"))
              and c.member_size(n) % bm.BLOCK]
    pn = padded[0]
    h = bytearray(g)
    h[c.member_off(pn) + bm.BLOCK + c.member_size(pn)] = 0x41
    c.intact("tar-padding-nonzero", "a non-zero byte in the padding after " + pn, bytes(h),
             named("padding", re.escape(pn)))
    h = bytearray(g)
    h[len(g) - 100] = 1
    c.intact("tar-end-block-nonzero", "a non-zero byte in the last end block", bytes(h),
             r"end blocks")


# ---------------------------------------------------------------------- truncation

def trunc_cases(c):
    g = c.good
    for name, n, what in [("trunc-empty", 0, "an empty file"),
                          ("trunc-100", 100, "cut inside the signature header"),
                          ("trunc-700", 700, "cut inside the signature")]:
        c.forged(name, what, g[:n], r"truncat|too short", code=[1, 3])
    zlen = c.member_size(bm.ROOT_NAME)
    c.forged("trunc-in-root", "cut inside the head root manifest",
             g[:c.member_off(bm.ROOT_NAME) + bm.BLOCK + zlen // 2],
             r"truncat|too short", code=[1, 3])
    c.truncated("trunc-at-data", "cut right after the head root: every unit lost",
                c.layout["D"])
    # a cut in the middle of every unit: what lies wholly before it survives
    units = [n for n in c.layout if n.startswith((bm.DICT_NAME, "index/", "clusters/", "media/"))
             or n in (bm.DOCS_NAME, bm.block_name(c.k))]
    for member in units:
        if member.startswith("media/"):
            short = "media-%d" % c.media_ids.index(member[len("media/"):])
        elif member == bm.DICT_NAME:
            short = "dict"
        elif member == bm.DOCS_NAME:
            short = "search-docs"
        elif member.startswith("search/"):
            short = "search-block"
        else:
            short = "%s-%d" % ("page" if member.startswith("index/") else "cluster",
                               int(member.split("/")[1][:6]))
        c.truncated("trunc-in-" + short, "cut in the middle of " +
                    ("a term block" if short == "search-block" else member),
                    c.member_off(member) + bm.BLOCK + c.member_size(member) // 2)
    # one flipped byte in a unit (an attacker without the key, or a bad sector)
    for member, short in [(bm.DICT_NAME, "dict"), ("index/000001.zst", "page-1"),
                          ("clusters/000000.zst", "cluster-0"),
                          ("media/" + c.media_ids[0], "media-0")]:
        h = bytearray(g)
        h[c.member_off(member) + bm.BLOCK + c.member_size(member) // 2] ^= 0x20
        c.flipped("flip-" + short, "one byte flipped in the middle of " + member, bytes(h),
                  member)
    cp = c.member_off(bm.COPY_NAME)
    for name, n, what in [("trunc-before-copy", cp, "cut where the tail copy starts"),
                          ("trunc-in-copy", cp + 700, "cut inside the tail copy"),
                          ("trunc-last-byte", len(g) - 1, "the last byte missing"),
                          ("trunc-end-blocks", len(g) - 1024, "the two end blocks missing")]:
        c.intact(name, what + "; every unit intact", g[:n], r"truncated")


# ---------------------------------------------------------------------- signatures

def sig_cases(c):
    g = c.good
    c.forged("sig-untrusted-key", "validly signed by a key the reader does not trust",
             c.resigned(key=c.other_key), r"untrusted|not trusted|unknown key|no trusted key")

    c.forged("sig-over-other-manifest", "a good signature (trusted key, same trusted comment) "
             "of other bytes, in both copies", c.resigned(sig_bytes=other_manifest_sig(c)),
             r"signature")
    c.forged("sig-legacy", "signed in minisign's legacy (not prehashed, 'Ed') mode",
             c.resigned(legacy=True), r"signature|prehash|legacy|algorithm")
    c.forged("sig-tc-edited", "trusted comment edited after signing (seq=1 -> seq=9)",
             c.resigned(sig_bytes=edit_sig_tc(c, b" seq=1 ", b" seq=9 ")),
             r"signature|trusted comment")
    c.forged("sig-tc-mismatch", "re-signed, but the trusted comment's seq differs from the "
             "manifest's", c.resigned(tc_hook=lambda t: t.replace(" seq=1 ", " seq=2 ")),
             r"seq|trusted comment|does not match")
    c.forged("sig-tc-other-version", "re-signed with a trusted comment of another format "
             "version", c.resigned(tc_hook=lambda t: t.replace("satchel-bundle v", "satchel-"
                                                                "bundle v7", 1)),
             r"version|trusted comment|not a bundle")
    c.forged("sig-tc-v4", "a format v4 bundle (trusted comment and manifest say 4, validly "
             "signed): refused with the versions this reader reads",
             c.resigned(tc_hook=lambda t: t.replace("satchel-bundle v5 ", "satchel-bundle v4 "),
                        root_hook=lambda ls: ["satchel-manifest\t4"] + ls[1:]),
             r"version 4 is not supported.*reads version 5")
    c.forged("sig-garbage", "the signature member is random bytes (both copies)",
             c.resigned(sig_bytes=os.urandom(300)), r"signature")
    h = bytearray(g)
    line2 = g.index(b"\n", bm.BLOCK) + 5
    h[line2] = ord("A") if h[line2] != ord("A") else ord("B")
    c.intact("sig-head-bad-tail-good", "head signature damaged, the tail copy intact",
             bytes(h), r"copy|head|signature")
    z = bytearray(g)
    z[3 * bm.BLOCK + 20] ^= 0xFF
    c.intact("root-head-bad-tail-good", "head root manifest damaged, the tail copy intact",
             bytes(z), r"copy|head|manifest")
    cp = c.member_off(bm.COPY_NAME)

    def retitle(x):
        x.head = [(k, "Another title" if k == "title" else v) for k, v in x.head]
    other = c.resigned(retitle)
    om = bm.tar_members(other)
    c.intact("copy-differs", "the tail copy is another validly signed manifest",
             g[:cp] + other[om[bm.COPY_NAME][0]:], r"copy")
    # mix and match: the genuine manifest of bundle B with the units of bundle A
    b = c.resigned(lambda x: c.replace_body(x, c.text_id, b"Another body.\n"))
    bmem = bm.tar_members(b)
    first = bm.DICT_NAME if c.model.dict is not None else "index/000000.zst"
    mixed = b[:bmem[first][0]] + g[c.layout["D"]:cp] + b[bmem[bm.COPY_NAME][0]:]
    bfiles = {bm.file_name(i, k): bm.b2(t)
              for i, (k, t) in bm.parse_bundle(b, c.tools).entries.items()}
    c.add("mix-manifest-other-units", "the signed manifest of bundle B with the units of "
          "bundle A (B differs in one body)", mixed, (1, r"damaged|hash"), lst=([0, 1], None),
          show=[(c.text_id, 1, None)], extract=(1, None, []), salvage=(1, None, []),
          files=bfiles)


def other_manifest_sig(c):
    """A signature by the trusted key, with the base's trusted comment, over other bytes of
    the same size (the base's compressed root with its last byte changed): it passes every
    check before the Ed25519 one."""
    mem = bm.tar_members(c.good)
    rootz = mem[bm.ROOT_NAME][1]
    lines = mem[bm.SIG_NAME][1].decode().split("\n")
    tc = lines[2][len("trusted comment: "):]
    return c.tools.sign(rootz[:-1] + bytes([rootz[-1] ^ 1]), c.key, tc, c.model.uc)


def edit_sig_tc(c, old, new):
    s = c.good[bm.BLOCK:bm.BLOCK + c.member_size(bm.SIG_NAME)]
    assert old in s
    return s.replace(old, new)


# ---------------------------------------------------------------------- root manifest

def root_cases(c):
    def head_edit(key, val):
        return lambda lines: [key + "\t" + val if ln.split("\t")[0] == key else ln
                              for ln in lines]

    for name, what, kw, rx in [
            ("root-crlf", "CRLF line ends",
             {"text_hook": lambda t: t.replace(b"\n", b"\r\n")}, r"control"),
            ("root-nul", "a NUL inside the title", {"root_hook": head_edit("title", "a\0b")},
             r"control"),
            ("root-unknown-field", "an unknown head line 'colour red'",
             {"root_hook": lambda ls: ls[:3] + ["colour\tred"] + ls[3:]}, r"line 4"),
            ("root-duplicate-title", "the title line twice",
             {"root_hook": lambda ls: ls[:3] + [ls[2]] + ls[3:]}, r"line 4"),
            ("root-extra-field", "a C line with a sixth field",
             {"root_hook": lambda ls: [ln + "\t0" if ln.startswith("C\t") else ln
                                       for ln in ls]}, r"fields"),
            ("root-hash-uppercase", "a cluster hash in uppercase hex",
             {"root_hook": lambda ls: [_upper_hash(ln) for ln in ls]}, r"hash"),
            ("root-hash-short", "a cluster hash of 63 hex digits",
             {"root_hook": lambda ls: [ln[:-1] if ln.startswith("C\t") else ln
                                       for ln in ls]}, r"hash"),
            ("root-hash-long", "a cluster hash of 66 hex digits",
             {"root_hook": lambda ls: [ln + "ab" if ln.startswith("C\t") else ln
                                       for ln in ls]}, r"hash"),
            ("root-enormous-line", "a 100,000-byte title",
             {"root_hook": head_edit("title", "A" * 100000)}, r"long"),
            ("root-huge-count", "'entries 2000000' with one page of entries",
             {"root_hook": head_edit("entries", "2000000")}, r"2000000"),
            ("root-huge-clusters", "'clusters 1000000' with the lines missing",
             {"root_hook": head_edit("clusters", "1000000")}, r"count"),
            ("root-version-4", "first line 'satchel-manifest 4' (the format before volumes)",
             {"root_hook": lambda ls: ["satchel-manifest\t4"] + ls[1:]}, r"version 4"),
            ("root-version-6", "first line 'satchel-manifest 6'",
             {"root_hook": lambda ls: ["satchel-manifest\t6"] + ls[1:]}, r"version"),
            ("root-bytes-after-end", "bytes after the 'end' line",
             {"text_hook": lambda t: t + b"x\n"}, r"after"),
            ("root-no-end", "the 'end' line missing",
             {"text_hook": lambda t: t[:-4]}, r"end"),
            ("root-seq-leading-zero", "seq written as 01 (trusted comment too)",
             {"root_hook": head_edit("seq", "01")}, r"seq"),
            ("root-offset-overlap", "cluster 1 placed at cluster 0's offset",
             {"root_hook": _overlap}, r"cluster 1"),
            ("root-invalid-utf8", "a title of invalid UTF-8",
             {"text_hook": lambda t: t.replace(b"title\t", b"title\t\xff\xfe", 1)},
             r"UTF-8"),
            ("root-title-esc", "an ESC sequence in the bundle title",
             {"root_hook": head_edit("title", "Red \x1b[31mALERT\x1b]0;pwned\x07")},
             r"control"),
            ("root-publisher-c1", "a C1 control (U+009B) in the publisher",
             {"root_hook": head_edit("publisher", "Pub \u009b31m")}, r"control")]:
        c.forged(name, what + " (validly signed)", c.resigned(**kw), named("manifest", rx))
    collection_cases(c, head_edit)
    c.add("root-title-bidi", "bidi overrides and isolates in the bundle title (validly "
          "signed): shown, sanitized", c.resigned(root_hook=head_edit(
              "title", "Bidi " + BIDI + " gnp.exe")), (0, None), lst=(0, None),
          show=[(c.text_id, 0, None)], info=(0, r"gnp\.exe"))


def collection_cases(c, head_edit):
    """The collection line (SPEC 4.3), right after seq: every malformed form is refused by
    a validly signed manifest; a well-formed volume reads like any bundle."""
    cid = bm.collection_id(c.model, c.key)

    def moved(after):
        def hook(ls):
            cl = [ln for ln in ls if ln.startswith("collection\t")]
            rest = [ln for ln in ls if not ln.startswith("collection\t")]
            i = next(k for k, ln in enumerate(rest) if ln.split("\t")[0] == after)
            return rest[:i + 1] + cl + rest[i + 1:]
        return hook
    for name, what, hook in [
            ("root-collection-n0", "volume 0 of 3", head_edit("collection", cid + "\t0\t3")),
            ("root-collection-n-above-m", "volume 4 of 3",
             head_edit("collection", cid + "\t4\t3")),
            ("root-collection-m1000", "volume 1 of 1000",
             head_edit("collection", cid + "\t1\t1000")),
            ("root-collection-bad-hex", "a collection id with a 'g'",
             head_edit("collection", "g" + cid[1:] + "\t1\t3")),
            ("root-collection-upper-hex", "a collection id in uppercase hex",
             head_edit("collection", cid.upper() + "\t1\t3")),
            ("root-collection-short-id", "a collection id of 30 hex digits",
             head_edit("collection", cid[2:] + "\t1\t3")),
            ("root-collection-missing-field", "the volume count missing",
             head_edit("collection", cid + "\t1")),
            ("root-collection-extra-field", "a fourth field after the volume count",
             head_edit("collection", cid + "\t1\t3\t3")),
            ("root-collection-leading-zero", "volume number written 01",
             head_edit("collection", cid + "\t01\t3")),
            ("root-collection-plus", "volume count written +3",
             head_edit("collection", cid + "\t1\t+3")),
            ("root-collection-dash-extra", "'collection - 1'",
             head_edit("collection", "-\t1")),
            ("root-collection-after-data", "the collection line after the data line",
             moved("data")),
            ("root-collection-before-seq", "the collection line before the seq line",
             moved("created")),
            ("root-collection-missing", "no collection line",
             lambda ls: [ln for ln in ls if not ln.startswith("collection\t")]),
            ("root-collection-not-derived", "a well-formed collection id that is not the "
             "one the signer and header give (a volume claiming another collection)",
             head_edit("collection", "0123456789abcdef0123456789abcdef\t2\t3"))]:
        c.forged(name, what + " (validly signed)", c.resigned(root_hook=hook),
                 r"manifest line \d+")
    allf = c.all_files()
    c.add("root-collection-volume", "volume 2 of 3 of a collection (validly signed): reads "
          "like any bundle, info names the volume", c.resigned(root_hook=head_edit(
              "collection", cid + "\t2\t3")), (0, r"intact"), lst=(0, None),
          show=[(c.text_id, 0, None)], info=(0, r"2 of 3.*" + cid), deep=(0, r"intact"),
          extract=(0, None, allf), salvage=(0, None, allf))


def _upper_hash(ln):
    if not ln.startswith("C\t"):
        return ln
    f = ln.split("\t")
    f[-1] = f[-1].upper()
    return "\t".join(f)


def _overlap(ls):
    cl = [i for i, ln in enumerate(ls) if ln.startswith("C\t")]
    if len(cl) < 2:
        return ls
    a, b = ls[cl[0]].split("\t"), ls[cl[1]].split("\t")
    b[1] = a[1]
    ls[cl[1]] = "\t".join(b)
    return ls


# ---------------------------------------------------------------------- zstd frames

def zstd_cases(c):
    m = c.model
    ZR = r"zstd|frame|content size|size|dictionary|manifest"
    fcs = lambda z: bm.frame_parse(z)["fcs"]

    def two_frames(z):
        t = c.tools.decompress(z)
        return bm.raw_frame(t[:len(t) // 2]) + bm.raw_frame(t[len(t) // 2:])
    for name, what, hook, rx in [
            ("zstd-root-size-lie", "root frame declares 7 bytes more than the signed length",
             lambda z: bm.frame_with(z, fcs=fcs(z) + 7), ZR),
            ("zstd-root-no-size", "root frame without a content size",
             lambda z: bm.frame_with(z, fcs=None, window_log=20), ZR),
            ("zstd-root-huge-window", "root frame asking for a 2 TiB window",
             lambda z: bm.frame_with(z, window_log=41), ZR + r"|window|memory"),
            ("zstd-root-dict-id", "root frame naming dictionary 12345",
             lambda z: bm.frame_with(z, did=12345), ZR),
            ("zstd-root-trailing", "3 bytes after the root frame",
             lambda z: z + b"\0\0\0", ZR + r"|trailing"),
            ("zstd-root-two-frames", "the root as two raw frames", two_frames, ZR)]:
        c.forged(name, what + " (validly signed)", c.resigned(rootz_hook=hook), rx)
    for name, size, what, rx in [
            ("zstd-root-bomb", 24 << 20, "root frame of 24 MiB of zeros in 800 bytes (24 MiB "
             "declared and signed, within the 256 MiB limit)", r"control character"),
            ("zstd-root-bomb-limit", 1 << 30, "root frame of 1 GiB of zeros in 32 KB (1 GiB "
             "declared and signed, over the 256 MiB limit)", r"trusted comment|limit|large")]:
        bomb = bm.frame_build(bm.rle_blocks(size), fcs=size)
        c.forged(name, what, c.resigned(rootz_hook=lambda z, b=bomb: b,
                                        tc_hook=lambda t, n=size: t[:t.rindex(":") + 1] + str(n)),
                 rx)
    # clusters: hash recomputed, so only the zstd rules catch them
    did = bm.dict_id(m.dict)

    def cl(fn):
        def mut(x):
            x.clusters[0]["z"] = fn(x.clusters[0]["z"], len(x.clusters[0]["text"]))
        return mut
    CR = r"cluster 0|frame|content size|size|dictionary|damaged"
    for name, what, fn in [
            ("zstd-cluster-size-lie", "cluster 0's frame declares one byte more than USIZE",
             lambda z, u: bm.frame_with(z, fcs=u + 1)),
            ("zstd-cluster-no-size", "cluster 0's frame without a content size",
             lambda z, u: bm.frame_with(z, fcs=None, window_log=22)),
            ("zstd-cluster-huge-window", "cluster 0's frame asking for a 2 TiB window",
             lambda z, u: bm.frame_with(z, window_log=41)),
            ("zstd-cluster-wrong-dict", "cluster 0's frame names another dictionary id",
             lambda z, u: bm.frame_with(z, did=(did + 1) & 0xFFFFFFFF or 7)),
            ("zstd-cluster-trailing", "4 bytes after cluster 0's frame",
             lambda z, u: z + b"\x28\xb5\x2f\xfd"),
            ("zstd-cluster-two-frames", "cluster 0 as two raw frames (same text)",
             None),
            ("zstd-cluster-bomb", "cluster 0 replaced by 64 MiB of zeros declaring 1 TiB",
             lambda z, u: bm.frame_build(bm.rle_blocks(64 << 20), fcs=1 << 40, did=did)),
            ("zstd-cluster-bomb-nosize", "cluster 0 replaced by 1 GiB of zeros, no content size",
             lambda z, u: bm.frame_build(bm.rle_blocks(1 << 30), window_log=17, did=did))]:
        if fn is None:
            t = m.clusters[0]["text"]
            parts = [t[i:i + (1 << 17)] for i in range(0, len(t), 1 << 17)]
            if len(parts) < 2:
                parts = [t[:len(t) // 2], t[len(t) // 2:]]
            two = b"".join(bm.raw_frame(p, did=did) for p in parts)
            fn = (lambda two_: (lambda z, u: two_))(two)
        c.bad_cluster(name, what + " (hash matches, validly signed)", cl(fn), CR)
    if m.pages:
        def pg(fn):
            def mut(x):
                x.pages[0]["z"] = fn(x.pages[0]["z"], len(x.pages[0]["text"]))
            return mut
        PR = named("index page 0", "frame|size|dictionary")
        c.bad_page("zstd-page-size-lie", "index page 0's frame declares a wrong size "
                   "(hash matches, validly signed)",
                   pg(lambda z, u: bm.frame_with(z, fcs=u + 1)), PR)
        c.bad_page("zstd-page-wrong-dict", "index page 0's frame names another dictionary "
                   "(hash matches, validly signed)",
                   pg(lambda z, u: bm.frame_with(z, did=(did + 1) & 0xFFFFFFFF or 7)), PR)


# ---------------------------------------------------------------------- index pages

def page_cases(c):
    tid = c.text_id.encode()

    def rows_edit(fn, page=0):
        def mut(m):
            c.set_page_lines(m, page, fn(c.page_lines(m, page)))
        return mut

    def field(fi, val, eid=tid):
        return rows_edit(lambda rs: [r[:fi] + [val] + r[fi + 1:] if r[1] == eid else r
                                     for r in rs])
    for name, what, mut, rx in [
            ("page-duplicate-id", "the first entry twice",
             rows_edit(lambda rs: rs[:1] + rs), r"duplicate"),
            ("page-unsorted", "the first two entries swapped",
             rows_edit(lambda rs: [rs[1], rs[0]] + rs[2:]), r"order|sorted"),
            ("page-id-dotdot", "an id '../../hostile-id'", field(1, b"../../hostile-id"),
             r"\bid\b"),
            ("page-id-absolute", "an id '/tmp/hostile-id'", field(1, b"/tmp/hostile-id"),
             r"\bid\b"),
            ("page-id-backslash", "an id 'a\\..\\hostile'", field(1, b"a\\..\\hostile"),
             r"\bid\b"),
            ("page-id-dot", "an id '.hidden'", field(1, b".hidden"), r"\bid\b"),
            ("page-crlf", "CRLF line ends",
             lambda m: bm.set_page_text(m, 0, m.pages[0]["text"].replace(b"\n", b"\r\n"),
                                        c.tools), r"control"),
            ("page-count-mismatch", "the P line counts one entry more than the page holds",
             lambda m: m.pages[0].update(count=m.pages[0]["count"] + 1), r"count|holds"),
            ("page-first-id-wrong", "the P line's first id is not the page's first id",
             lambda m: m.pages[0].update(first="0"), r"first|range"),
            ("page-hash-uppercase", "an entry hash in uppercase hex",
             lambda m: c.edit_entry(m, c.text_id, lambda r: r[:14] + [r[14].upper()]),
             r"hash"),
            ("page-size-huge", "a text entry of size 2^40", field(13, b"1099511627776"),
             r"size|range|large"),
            ("page-kind-unknown", "an entry of kind 'script'", field(2, b"script"),
             r"kind"),
            ("page-parent-self", "an entry that is its own parent", field(3, tid),
             r"parent"),
            ("page-title-esc", "an ESC sequence in an entry title",
             field(10, b"Red \x1b[31mALERT\x1b]0;pwned\x07"), r"control"),
            ("page-title-c1", "a C1 control (U+009B) in an entry title",
             field(10, "C1 \u009b31m".encode()), r"control"),
            ("page-title-invalid-utf8", "invalid UTF-8 in an entry title",
             field(10, b"bad \xff\xfe utf8"), r"UTF-8"),
            ("page-title-nul", "a NUL in an entry title", field(10, b"nul\0title"),
             r"control"),
            ("page-tags-empty", "empty tags (',,'), which the packer cannot write",
             field(9, b",,"), r"tag"),
            ("page-long-title", "a 100,000-byte title", field(10, b"T" * 100000),
             r"long")]:
        c.bad_page(name, what + " (validly signed)", mut, named("index page 0", rx))
    c.bad_page("page-hash-short", "an entry hash of 63 hex digits (validly signed)",
               lambda m: c.edit_entry(m, c.text_id, lambda r: r[:14] + [r[14][:-1]]),
               named("index page 0", "hash"))
    media = [i for i, (pi, u) in c.where.items() if u == "m"]
    same = [i for i in sorted(media) if c.where[i][0] == c.where[sorted(media)[0]][0]]
    if len(same) >= 2:
        a, b = same[0], same[1]

        def swap(m):
            rows = c.page_lines(m, c.where[a][0])
            ra = next(r for r in rows if r[1] == a.encode())
            rb = next(r for r in rows if r[1] == b.encode())
            ra[12], rb[12] = rb[12], ra[12]
            c.set_page_lines(m, c.where[a][0], rows)
        c.bad_page("page-media-swapped", "two media entries point at each other's M line (the "
                   "M line's id differs from the entry's; validly signed)", swap,
                   named("index page %d" % c.where[a][0], "media|id"), page=c.where[a][0])
    if media:
        mid = sorted(media)[0]
        c.bad_page("page-media-bad-index", "a media entry pointing at M line 999",
                   lambda m: c.edit_entry(m, mid, lambda r: r[:12] + [b"999"] + r[13:]),
                   named("index page %d" % c.where[mid][0], "media"), page=c.where[mid][0])


# ---------------------------------------------------------------------- search index

def index_cases(c):
    """The search index (SPEC 12): damaged parts (an attacker without the key, a bad sector)
    and signed parts that break the format (a hostile signer). Block k holds the query word
    qk, block j the word qj; the entries never depend on the index."""
    g, k, qk, qj = c.good, c.k, c.qk, c.qj
    allf = c.all_files()
    S = bm.block_name(k)
    blk = named("term block %d" % k)
    touch_k = lambda code, rx=blk: [(qk, code, rx), c.found(qj)]

    # damaged: the bytes no longer match the signed hash (what the table shows names no
    # block number: it depends on the index's content)
    for member, short, part, what, search in [
            (S, "block", "term block %d" % k, "a term block",
             touch_k(1, named("term block %d" % k, "damaged"))),
            (bm.DOCS_NAME, "docs", "document table", "search/docs.zst",
             [(qk, 1, named("document table", "damaged")), (qj, 1, r"document table")])]:
        h = bytearray(g)
        h[c.member_off(member) + bm.BLOCK + c.member_size(member) // 2] ^= 0x20
        rx = named("search index", part, "damaged")
        c.intact("flip-search-" + short, "one byte flipped in the middle of " + what +
                 ": the entries are intact, search refuses what needs it", bytes(h), rx,
                 deep=(1, rx), search=search, msg="search index + the part + damaged")
    # the tar layer: the reader finds units by the signed offsets, never by member names
    h = bytearray(g)
    o, size = c.member_off(S), c.member_size(S)
    h[o:o + bm.BLOCK] = bm.tar_header("search/renamed.zst", size, c.model.mtime)
    c.intact("tar-search-block-renamed", "a term block's member renamed search/renamed.zst; "
             "its data intact", bytes(h), named("search/renamed\\.zst"),
             search=[c.found(qk), c.found(qj)])
    end = o + bm.BLOCK + len(bm.pad(b"\0" * size))
    later = [i for i, (p, u) in c.where.items()]   # every unit lies after the index
    c.lost("tar-search-block-missing", "a term block's member cut out of the tar: the units "
           "after it move", g[:o] + g[end:], r"belongs|missing|truncated|damaged", later,
           search=[(qk, 1, None), (qj, 1, None)])

    # a hostile signer's document table (hash recomputed)
    ndocs = c.model.search["ndocs"]
    rows = bm.docs_parse(c.model.search["docs"], ndocs)
    media_ix = [n for n, i in enumerate(c.ids) if c.entries[i][0] not in TEXT_KINDS]

    def docs(fn, count=0):
        def mut(m):
            bm.set_docs(m, bm.docs_build(fn(list(rows))), c.tools, ndocs=ndocs + count)
        return mut
    every = lambda rx: [(qk, 3, rx), (qj, 3, rx)]
    D = "document table"
    for name, what, mut, rx in [
            ("docs-entry-twice", "the document table names an entry twice",
             docs(lambda r: [r[0]] + [(r[0][0], r[1][1])] + r[2:]), named(D, "twice")),
            ("docs-entry-beyond", "a document names entry %d of %d" % (len(c.ids), len(c.ids)),
             docs(lambda r: [(len(c.ids), r[0][1])] + r[1:]), named(D, "names entry")),
            ("docs-trailing", "two bytes after the last document",
             lambda m: bm.set_docs(m, m.search["docs"] + b"\x01\x01", c.tools),
             named(D, "after")),
            ("docs-count-high", "the search line counts one document more than the table holds",
             docs(lambda r: r, count=1), named(D, "truncated")),
            ("docs-overlong-varint", "a length written as a 2-byte varint (not the shortest "
             "form)", lambda m: bm.set_docs(m, bm.varint(rows[0][0]) + bytes(
                 [rows[0][1] & 0x7F | 0x80, rows[0][1] >> 7]) + bm.docs_build(rows[1:])
                 if rows[0][1] < 128 else bm.varint(rows[0][0]) + bytes(
                     [rows[0][1] & 0x7F | 0x80, rows[0][1] >> 7 | 0x80, 0]) +
                 bm.docs_build(rows[1:]), c.tools), named(D, "shortest"))]:
        c.bad_index(name, what, mut, rx, every(rx))
    # SPEC 12 says each document is a text entry; search and verify --deep refuse a media one
    c.add("docs-media-entry", "the document table names a media entry (validly signed)",
          c.resigned(docs(lambda r: [(media_ix[0], r[0][1])] + r[1:])), (0, None),
          deep=(3, r"media entry"),
          lst=(0, None), show=[(c.text_id, 0, None)], extract=(0, None, allf),
          salvage=(0, None, allf),
          search=[(c.doc_words(rows[0][0])[0], 3, r"media entry"), c.found(qj)])

    # a hostile signer's term block k (hash recomputed)
    recs = bm.block_parse(c.model.search["blocks"][k]["text"],
                          c.model.search["blocks"][k]["count"])
    # the plain word nearest the middle: the term the record cases break (and query)
    mid = min((i for i in range(1, len(recs) - 1) if re.fullmatch(rb"[a-z]{5,}", recs[i][0])),
              key=lambda i: abs(i - len(recs) // 2))
    qmid = recs[mid][0].decode()
    # two neighbours to swap, neither a prefix of the other (a term that repeats all of the
    # one before it would be refused for its empty suffix instead)
    sw = next(i for i in range(1, len(recs) - 1) if not recs[i + 1][0].startswith(recs[i][0]))
    assert len(recs) >= 4 and k + 1 < len(c.model.search["blocks"])
    nxt = c.model.search["blocks"][k + 1]
    last_doc = [(e, n) for e, n in rows][-1]
    cut_list = lambda r: r[:mid] + [(r[mid][0], r[mid][1][:-1])] + r[mid + 1:]
    for name, what, mut, rx, *search in [
            ("tblock-unsorted", "two neighbouring terms swapped",
             c.block_edit(lambda r: r[:sw] + [r[sw + 1], r[sw]] + r[sw + 2:]),
             r"increasing order"),
            ("tblock-first-term", "the block's first term is not the T line's",
             lambda m: m.search["blocks"][k].update(first=recs[0][0] + b"0"),
             r"first term differs"),
            ("tblock-control-char", "a term holding ESC (order kept)",
             c.block_edit(lambda r: r[:mid] + [(r[mid][0] + b"\x1b", r[mid][1])] + r[mid + 1:]),
             r"control character"),
            ("tblock-invalid-utf8", "a term holding a byte 0xff",
             c.block_edit(lambda r: r[:mid] + [(r[mid][0] + b"\xff", r[mid][1])] + r[mid + 1:]),
             r"UTF-8"),
            ("tblock-term-too-long", "a term of 65 bytes",
             c.block_edit(lambda r: r[:-1] + [(r[-1][0] + b"z" * (65 - len(r[-1][0])),
                                               r[-1][1])]), r"length"),
            ("tblock-term-in-next", "the next block's first term also in this one",
             c.block_edit(lambda r: r + [(nxt["first"], r[-1][1])]), r"next block"),
            ("tblock-list-empty", "a term with an empty posting list",
             c.block_edit(lambda r: r[:mid] + [(r[mid][0], b"")] + r[mid + 1:]),
             r"empty"),
            ("tblock-list-short", "a posting list one byte short (its length says so)",
             c.block_edit(cut_list), r"term %d" % mid,
             # the shallow parse may not see it (list headers only): query that term
             [(qmid, 3, r"term block %d|posting" % k), c.found(qj)]),
            ("tblock-cut", "the block ends one byte early, inside the last list",
             lambda m: bm.set_block(m, k, m.search["blocks"][k]["text"][:-1], c.tools),
             r"truncated"),
            ("tblock-trailing", "a byte after the last term",
             lambda m: bm.set_block(m, k, m.search["blocks"][k]["text"] + b"\x00", c.tools),
             r"after the last term"),
            ("tblock-link-with-docs", "a link term (U+E000 inside) with a posting list",
             c.block_edit(lambda r: r + [(r[-1][0] + b"\xee\x80\x80x", r[-1][1])]),
             r"link term with documents"),
            ("tblock-link-bad", "a term ending in the link separator U+E000",
             c.block_edit(lambda r: r + [(r[-1][0] + b"\xee\x80\x80", b"\x00")]),
             r"link term without"),
            ("tblock-count-high", "the T line counts one term more than the block holds",
             lambda m: m.search["blocks"][k].update(count=len(recs) + 1), r"truncated"),
            ("zstd-tblock-size-lie", "the block's frame declares one byte more than USIZE",
             lambda m: m.search["blocks"][k].update(z=bm.frame_with(
                 m.search["blocks"][k]["z"], fcs=len(m.search["blocks"][k]["text"]) + 1)),
             r"frame|size"),
            ("zstd-tblock-dict", "the block's frame names a dictionary",
             lambda m: m.search["blocks"][k].update(z=bm.frame_with(
                 m.search["blocks"][k]["z"], did=7)), r"frame|dictionary"),
            ("zstd-tblock-trailing", "4 bytes after the block's frame",
             lambda m: m.search["blocks"][k].update(z=m.search["blocks"][k]["z"] +
                                                    b"\x28\xb5\x2f\xfd"),
             r"frame|trailing|size")]:
        # (verify --deep names no block number for a frame error: "term block: zstd: ...")
        brx = named("term block" if name.startswith("zstd-") else "term block %d" % k, rx)
        c.bad_index(name, "a term block: " + what, mut, brx,
                    search[0] if search else touch_k(3, named("term block %d" % k, rx)))
    # a posting list naming a document the table does not hold: the table loses its last
    # document (its count too), so every list holding it points past the end
    last_words = c.doc_words(last_doc[0])
    c.bad_index("tblock-doc-beyond", "the document table lost its last document (and its "
                "count): posting lists name a document beyond it",
                docs(lambda r: r[:-1], count=-1), r"beyond|longer than the document count",
                [(last_words[0], 3, r"document")])

    # a character with more link terms than SPEC 12.1 allows (64): the one-character query
    # and verify --deep refuse it; the links added name bigrams the index lacks (Y from
    # U+F900 on, sorting after the Hangul ones, so the block stays in order)
    sep = b"\xee\x80\x80"
    best = None
    for bi, b in enumerate(c.model.search["blocks"]):
        rr = bm.block_parse(b["text"], b["count"])
        for i, (t, _) in enumerate(rr):
            x = t.split(sep)[0]
            if sep in t and re.fullmatch("[\uac00-\ud7a3]", x.decode()) and \
                    (i + 1 == len(rr) or not rr[i + 1][0].startswith(x + sep)):
                n = sum(1 for r in rr if r[0].startswith(x + sep))
                if best is None or n > best[3]:
                    best = (bi, i, x, n)
    lbi, li, lx, ln = best
    extra = [(lx + sep + chr(0xF900 + j).encode(), b"\x00") for j in range(65)]
    if lbi + 1 < len(c.model.search["blocks"]):
        assert extra[-1][0] < c.model.search["blocks"][lbi + 1]["first"]
    c.bad_index("tblock-links-65", "the character %s with %d link terms (at most 64)" %
                (lx.decode(), ln + 65),
                c.block_edit(lambda r: r[:li + 1] + extra + r[li + 1:], bi=lbi),
                named("term block %d" % lbi, "more than 64 link terms"),
                [(lx.decode(), 3, r"more than 64 link terms"), c.found(qj)])

    # the root's search lines, signed: the manifest itself is refused, by every command
    def tl(fn):
        def hook(ls):
            t = [i for i, ln in enumerate(ls) if ln.startswith("T\t")]
            return fn(ls, t)
        return hook

    def swap_t(ls, t):
        ls[t[k]], ls[t[k + 1]] = ls[t[k + 1]], ls[t[k]]
        return ls

    def search_field(i, val):
        def hook(ls):
            return [("\t".join(ln.split("\t")[:i] + [val] + ln.split("\t")[i + 1:])
                     if ln.startswith("search\t") else ln) for ln in ls]
        return hook

    def t_field(i, val):
        def fn(ls, t):
            f = ls[t[k]].split("\t")
            f[i] = val
            ls[t[k]] = "\t".join(f)
            return ls
        return tl(fn)
    for name, what, hook, rx in [
            ("root-tlines-unsorted", "two neighbouring T lines swapped", tl(swap_t),
             r"term order"),
            ("root-tlines-missing", "the last T line missing",
             tl(lambda ls, t: ls[:t[-1]] + ls[t[-1] + 1:]), r"fields|term block"),
            ("root-search-blocks-huge", "'search' claims 1000000 term blocks",
             search_field(5, "1000000"), r"counts larger than the manifest can hold"),
            ("root-search-docs-above-entries", "'search' claims more documents than entries",
             search_field(4, str(len(c.ids) + 1)), r"document count"),
            ("root-search-docs-zero", "'search' claims 0 documents", search_field(4, "0"),
             r"document count"),
            ("root-tline-usize-huge", "a T line's size above the 16 MiB block limit",
             t_field(3, str((16 << 20) + 1)), r"term block size"),
            ("root-tline-count-huge", "a T line counting more terms than its size can hold",
             t_field(4, "65536"), r"term count"),
            ("root-tline-first-long", "a T line's first term of 65 bytes",
             t_field(5, "z" * 65), r"first term"),
            ("root-search-dash", "'search -' with the search members still in the data",
             lambda ls: [("search\t-" if ln.startswith("search\t") else ln) for ln in ls
                         if not ln.startswith("T\t")], r"document table|layout|offset|gap|search")]:
        c.forged(name, what + " (validly signed)", c.resigned(root_hook=hook),
                 named("manifest", rx))


# ---------------------------------------------------------------------- escapes

def escape_cases(c):
    tid = c.text_id
    files = dict(c.files)
    files[tid + ".gmi"] = bm.b2(ESC_BODY)
    allf = c.all_files()
    c.add("esc-body", "a text body with CSI, OSC, DCS, C1 (raw and UTF-8), bidi, DEL, BS, CR "
          "and invalid UTF-8 (validly signed): show sanitizes, extract writes the exact bytes",
          c.resigned(lambda m: c.replace_body(m, tid, ESC_BODY)), (0, None), lst=(0, None),
          show=[(tid, 0, r"cleared.*set the window title|set the window title")],
          deep=(0, None), extract=(0, None, allf), salvage=(0, None, allf), files=files)
    bidi = ("Bidi " + BIDI + "exe.gnp end").encode()
    c.add("esc-title-bidi", "bidi overrides and isolates in an entry title, section and "
          "author (validly signed): listed and shown sanitized",
          c.resigned(lambda m: c.edit_entry(m, tid, lambda r: r[:6] + [bidi, r[7], bidi,
                                                                        r[9], bidi] + r[11:])),
          (0, None), lst=(0, r"exe\.gnp"), show=[(tid, 0, r"exe\.gnp")],
          extract=(0, None, allf), salvage=(0, None, allf))
    # a file on a hostile stick may carry escapes in its own name; messages print it
    evil = "evil\x1b]0;pwned\x07\x1b[2J\u202egnp\u009b.satchel"
    c.add("esc-file-name", "a good bundle whose file name holds OSC, CSI, bidi and C1",
          c.good, (0, None), lst=(0, None), info=(0, None), deep=(0, None),
          show=[(tid, 0, None)], extract=(0, None, allf), salvage=(0, None, allf),
          fname=evil)
    c.forged("esc-file-name-forged", "a forged bundle (cut after 700 bytes) whose file name "
             "holds OSC, CSI, bidi and C1: the error names the file", c.good[:700],
             r"gnp", code=[1, 3], fname="forged-" + evil)
    c.add("esc-show-hostile-id", "show asks the good bundle for an id full of escapes",
          c.good, (0, None), show=[("no\x1b[31mid\u202e\x9b", 1, r"no entry")])


def good_cases(c):
    allf = c.all_files()
    for name, data, what in [("good-packed", c.packed, "the bundle satchel-pack wrote"),
                             ("good-base", c.good, "the base of the other cases: the same "
                              "entries in 3 pages, 6 clusters, with a dictionary")]:
        c.add(name, what + ": everything works", data, (0, r"intact"), lst=(0, c.text_id),
              search=[c.found(c.qk), c.found(c.qj)],
              show=[(c.text_id, 0, None)], deep=(0, r"intact"), info=(0, None),
              extract=(0, None, allf), salvage=(0, r"Salvaged %d of %d" % (len(allf),
                                                                           len(allf)), allf))


def collision_cases(c):
    """Two valid, distinct ids that extract would write to the same file name: text
    entries are written as <id>.gmi, media as <id>, so a media id '<text id>.gmi' collides."""
    media = sorted(i for i, (p, u) in c.where.items() if u == "m")
    old, new = media[0], c.text_id + ".gmi"

    def rename(m):
        rows = []
        for p in range(len(m.pages)):
            rows += c.page_lines(m, p)
        for x in m.media:
            if x["id"] == old:
                x["id"] = new
        m.media.sort(key=lambda x: x["id"])
        index = {x["id"].encode(): b"%d" % k for k, x in enumerate(m.media)}
        for r in rows:
            if r[1] == old.encode():
                r[1] = new.encode()
            if r[11] == b"m":
                r[12] = index[r[1]]
        rows.sort(key=lambda r: r[1])
        i = 0
        for p in range(len(m.pages)):
            n = m.pages[p]["count"]
            c.set_page_lines(m, p, rows[i:i + n])
            i += n
    files = dict(c.files)
    del files[old]
    files[new] = [c.files[new], c.files[old]]
    names = sorted(files)
    # SPEC 4.1: a media id must not end in ".gmi", so the page holding it breaks the format
    # (exit 3 everywhere); whatever extract and salvage write of the other pages is exact
    c.add("name-collision", "a media entry whose id is a text entry's id + '.gmi' (validly "
          "signed): refused, so no entry's file can replace another's", c.resigned(rename),
          (3, r"gmi"), lst=(3, r"gmi"), show=[(new, 3, None)], extract=(3, None, []),
          salvage=(3, None, []), files=files)


def main():
    good, key, other_key, outdir = sys.argv[1:5]
    os.makedirs(outdir, exist_ok=True)
    c = Corpus(good, key, other_key, outdir)
    for fn in (good_cases, tar_cases, trunc_cases, sig_cases, root_cases, zstd_cases, page_cases,
               index_cases, collision_cases, escape_cases):
        fn(c)
    c.write()
    print("gen.py: %d cases in %s" % (len(c.cases), outdir))


if __name__ == "__main__":
    main()
