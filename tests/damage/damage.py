#!/usr/bin/env python3
"""Damage simulator and ground truth for Satchel bundles (python3 stdlib, zstd on PATH).

  damage.py sectors IN OUT [--rate R] [--seed S] [--at BYTE]... [--sector 2048] [--ranges FILE]
      Copies IN to OUT, overwriting max(1, round(R x sectors)) distinct sectors (chosen with
      the seed), and the sectors holding each BYTE, with random bytes, each one different from
      the byte it replaces: what a worn USB stick or a scratched DVD gives back. The last
      sector may be short.
  damage.py truncate IN OUT (--at BYTES | --share F) [--ranges FILE]
      Copies the first BYTES (or F x size) bytes of IN to OUT: an interrupted copy.
  damage.py truth ORIG --ranges FILE [--prefix P [--show-every N]]
      Prints, as JSON, which entries of ORIG must still be intact after the damage that
      FILE describes, computed from the ORIGINAL bundle with stock tools only (tar headers
      parsed here, the root decoded with `zstd -d`, index pages with `zstd -d -D satchel-dict`).
      With --prefix, writes P.truth (that JSON), P.vars (shell variables), P.want (the files
      salvage must write), P.named (the damaged entries of intact index pages) and P.show
      (entries to try with show) for shell tests.

The ranges file (written by the first two commands) is JSON:
  {"size": <size of the damaged copy>, "ranges": [[start, end], ...]}   (end exclusive)

Ground truth rule: an entry is intact iff its stored unit (its cluster, or its media
member's data), its index page, the dictionary (for text entries, and for the page when the
bundle has a dictionary: pages are compressed with it), and at least one full copy of
signature + root manifest (header blocks and data) are undamaged and inside the file.
Format v2 (plan/v2.md): offsets in the root are relative to D, the header of the member after
the root; the tail copies are members 7 and 8. Format v1 (offsets absolute, no tail copy) is
read too.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

BLOCK = 512
SIG = "satchel-manifest.zst.minisig"
ROOT = "satchel-manifest.zst"
ROOT_COPY = "satchel-manifest-copy.zst"
SIG_COPY = "satchel-manifest-copy.zst.minisig"
TEXT_KINDS = ("article", "transcript")


def fail(msg):
    sys.stderr.write("damage.py: %s\n" % msg)
    sys.exit(2)


def read_file(path):
    with open(path, "rb") as f:
        return f.read()


def write_file(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def write_ranges(path, size, ranges):
    text = json.dumps({"size": size, "ranges": ranges}) + "\n"
    if path is None:
        sys.stdout.write(text)
    else:
        with open(path, "w") as f:
            f.write(text)


# ---------------------------------------------------------------- damage


def cmd_sectors(a):
    data = bytearray(read_file(a.input))
    n = (len(data) + a.sector - 1) // a.sector
    rng = random.Random(a.seed)
    chosen = set(b // a.sector for b in a.at if 0 <= b < len(data))
    if a.rate is not None:
        k = max(1, round(a.rate * n))
        chosen |= set(rng.sample(range(n), min(k, n)))
    elif not chosen:
        fail("sectors needs --rate or --at inside the file")
    chosen = sorted(chosen)
    ranges = []
    for s in chosen:
        lo, hi = s * a.sector, min(len(data), (s + 1) * a.sector)
        for i in range(lo, hi):
            data[i] ^= rng.randrange(1, 256)
        ranges.append([lo, hi])
    write_file(a.output, bytes(data))
    write_ranges(a.ranges, len(data), ranges)


def cmd_truncate(a):
    data = read_file(a.input)
    if (a.at is None) == (a.share is None):
        fail("truncate needs exactly one of --at and --share")
    cut = a.at if a.at is not None else int(len(data) * a.share)
    if cut < 0 or cut > len(data):
        fail("cut %d outside the file (%d bytes)" % (cut, len(data)))
    write_file(a.output, data[:cut])
    write_ranges(a.ranges, cut, [[cut, len(data)]] if cut < len(data) else [])


# ---------------------------------------------------------------- the original bundle


def tar_members(data):
    """Members of the (trusted) original: name -> (header, data offset, size, end)."""
    out = {}
    order = []
    off = 0
    while off + BLOCK <= len(data) and data[off:off + BLOCK] != bytes(BLOCK):
        h = data[off:off + BLOCK]
        name = h[:100].split(b"\0", 1)[0].decode()
        size = int(h[124:136].split(b"\0", 1)[0].strip() or b"0", 8)
        end = off + BLOCK + (size + BLOCK - 1) // BLOCK * BLOCK
        out[name] = (off, off + BLOCK, size, end)
        order.append(name)
        off = end
    return out, order


def unzstd(blob, dict_path=None):
    cmd = ["zstd", "-dq", "-c"]
    if dict_path is not None:
        cmd += ["-D", dict_path]
    r = subprocess.run(cmd, input=blob, stdout=subprocess.PIPE, check=True)
    return r.stdout


class Bundle:
    """What the original bundle holds: units with absolute byte ranges, pages, entries."""

    def __init__(self, path):
        data = read_file(path)
        self.size = len(data)
        self.members, self.order = tar_members(data)
        if SIG not in self.members or ROOT not in self.members:
            fail("%s: not a bundle (no signature or root member)" % path)
        root = self.members[ROOT]
        text = unzstd(data[root[1]:root[1] + root[2]]).decode()
        lines = [ln.split("\t") for ln in text.split("\n") if ln]
        self.version = int(lines[0][1])
        base = root[3] if self.version >= 2 else 0  # D: the header after the root member
        self.dict = None
        self.clusters, self.media, self.pages = [], [], []
        for f in lines:
            if f[0] == "dict" and f[1] != "-":
                self.dict = (base + int(f[1]), int(f[2]))
            elif f[0] == "C":
                self.clusters.append((base + int(f[1]), int(f[2])))
            elif f[0] == "M":
                self.media.append((base + int(f[1]), int(f[2])))
            elif f[0] == "P":
                self.pages.append((base + int(f[1]), int(f[2]), int(f[3]), int(f[4])))
        # copies of signature + root: header and data (not the padding)
        self.copies = []
        for s, r in ((SIG, ROOT), (SIG_COPY, ROOT_COPY)):
            if s in self.members and r in self.members:
                self.copies.append([(m[0], m[1] + m[2]) for m in (self.members[s], self.members[r])])
        # entries, page by page (all pages in one zstd run: frames concatenate)
        dpath = None
        with tempfile.NamedTemporaryFile(prefix="satchel-dict-") as df:
            if self.dict is not None:
                df.write(data[self.dict[0]:self.dict[0] + self.dict[1]])
                df.flush()
                dpath = df.name
            blob = b"".join(data[o:o + s] for o, s, _, _ in self.pages)
            plain = unzstd(blob, dpath) if blob else b""
        self.entries = []  # (id, kind, page, unit range)
        pos = 0
        for pi, (_, _, usize, count) in enumerate(self.pages):
            ptext = plain[pos:pos + usize].decode()
            pos += usize
            elines = [ln.split("\t") for ln in ptext.split("\n") if ln]
            if len(elines) != count:
                fail("page %d: %d lines, root says %d" % (pi, len(elines), count))
            for e in elines:
                eid, kind, unit, off = e[1], e[2], e[11], int(e[12])
                if unit == "m":
                    if self.version >= 2:
                        rng = self.media[off]
                    else:
                        rng = next(m for m in self.media if m[0] == off)
                else:
                    rng = self.clusters[int(unit)]
                self.entries.append((eid, kind, pi, rng))


# ---------------------------------------------------------------- ground truth


def damaged_by(rngs, size, lo, n):
    """Whether bytes [lo, lo+n) are damaged or missing."""
    if lo + n > size:
        return True
    return any(a < lo + n and lo < b for a, b in rngs)


def cmd_truth(a):
    b = Bundle(a.original)
    with open(a.ranges) as f:
        dmg = json.load(f)
    size, rngs = dmg["size"], [tuple(r) for r in dmg["ranges"]]

    def bad(lo, n):
        return damaged_by(rngs, size, lo, n)

    copies_ok = [not any(bad(lo, hi - lo) for lo, hi in c) for c in b.copies]
    root_ok = any(copies_ok)
    dict_ok = b.dict is None or not bad(*b.dict)
    pages_ok = [not bad(o, s) and dict_ok for o, s, _, _ in b.pages]
    intact, damaged, salvaged = [], [], []
    for eid, kind, pi, (off, sz) in b.entries:
        ok = root_ok and pages_ok[pi] and not bad(off, sz)
        if kind in TEXT_KINDS:
            ok = ok and dict_ok
        e = {"id": eid, "kind": kind, "page": pi,
             "file": eid + (".gmi" if kind in TEXT_KINDS else "")}
        (intact if ok else damaged).append(e)
        # salvage also finds media through the root's M lines, whatever their page
        if ok or (kind not in TEXT_KINDS and root_ok and not bad(off, sz)):
            salvaged.append(e)
    out = {
        "version": b.version,
        "entries": len(b.entries),
        "size": b.size,
        "damaged_size": size,
        "root_ok": root_ok,
        "copies_ok": copies_ok,
        "dict_ok": dict_ok,
        "lost_pages": [i for i, ok in enumerate(pages_ok) if not ok],
        "lost_page_entries": sum(b.pages[i][3] for i, ok in enumerate(pages_ok) if not ok),
        "intact": intact,
        "damaged": damaged,
        "salvaged": salvaged,
    }
    if a.prefix is None:
        json.dump(out, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return
    # for shell tests: PREFIX.truth (the JSON), PREFIX.vars (shell assignments),
    # PREFIX.want (file names salvage must write, sorted), PREFIX.named (damaged entries of
    # intact index pages, which verify and salvage name one by one, sorted), PREFIX.show
    # (sample to show)
    with open(a.prefix + ".truth", "w") as f:
        json.dump(out, f, indent=1)
    with open(a.prefix + ".vars", "w") as f:
        f.write("root_ok=%d\nn_damaged=%d\nn_intact=%d\nn_lost_pages=%d\nn_salvage_lost=%d\n"
                % (root_ok, len(damaged), len(intact), len(out["lost_pages"]),
                   len(b.entries) - len(salvaged)))
        f.write("summary='%d of %d intact, %d lost pages (%d entries), dictionary %s, "
                "signed root %s'\n"
                % (len(intact), len(b.entries), len(out["lost_pages"]), out["lost_page_entries"],
                   "ok" if dict_ok else "DAMAGED", "ok" if root_ok else "LOST"))
    with open(a.prefix + ".want", "w") as f:
        f.writelines(n + "\n" for n in sorted(e["file"] for e in salvaged))
    lost = set(out["lost_pages"])
    with open(a.prefix + ".named", "w") as f:
        f.writelines(n + "\n" for n in sorted(e["id"] for e in damaged if e["page"] not in lost))
    # salvage names the lost entries of intact pages, and media of lost pages it found
    # through their M lines but whose bytes are damaged
    saved = set(e["id"] for e in salvaged)
    with open(a.prefix + ".snamed", "w") as f:
        f.writelines(n + "\n" for n in sorted(
            e["id"] for e in damaged if e["id"] not in saved and
            (e["page"] not in lost or e["kind"] not in TEXT_KINDS)))
    with open(a.prefix + ".show", "w") as f:
        f.writelines("ok %s\n" % e["id"] for e in intact[::a.show_every])
        f.writelines("bad %s\n" % e["id"] for i, e in enumerate(damaged)
                     if i % a.show_every == 0 or e["kind"] not in TEXT_KINDS)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sectors")
    s.add_argument("input")
    s.add_argument("output")
    s.add_argument("--rate", type=float)
    s.add_argument("--seed", type=int, default=1)
    s.add_argument("--at", type=int, action="append", default=[],
                   help="also damage the sector holding this byte (repeatable)")
    s.add_argument("--sector", type=int, default=2048)
    s.add_argument("--ranges")
    t = sub.add_parser("truncate")
    t.add_argument("input")
    t.add_argument("output")
    t.add_argument("--at", type=int)
    t.add_argument("--share", type=float)
    t.add_argument("--ranges")
    g = sub.add_parser("truth")
    g.add_argument("original")
    g.add_argument("--ranges", required=True)
    g.add_argument("--prefix", help="write PREFIX.truth/.vars/.want/.show instead of printing")
    g.add_argument("--show-every", type=int, default=1,
                   help="PREFIX.show lists every Nth intact and damaged entry, and every "
                        "damaged media entry")
    a = p.parse_args()
    {"sectors": cmd_sectors, "truncate": cmd_truncate, "truth": cmd_truth}[a.cmd](a)


if __name__ == "__main__":
    main()
