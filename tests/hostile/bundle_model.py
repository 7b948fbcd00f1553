"""Parse a Satchel bundle into a model and write it back (formats/SPEC.md, format v5).

Only the Python standard library plus the `zstd` and `minisign` command-line tools.
The writer produces canonical ustar headers, zero padding and correct offsets, so a model
re-emitted unchanged is byte-identical to what satchel-pack wrote (gen.py checks this).
A case mutates the model (hostile signer: re-signed) or the written bytes (attacker
without the key) and keeps everything else valid.
"""
import base64
import hashlib
import os
import subprocess
import tempfile

BLOCK = 512
SIG_NAME = "satchel-manifest.zst.minisig"
ROOT_NAME = "satchel-manifest.zst"
COPY_NAME = "satchel-manifest-copy.zst"
COPY_SIG_NAME = "satchel-manifest-copy.zst.minisig"
DICT_NAME = "satchel-dict"
DOCS_NAME = "search/docs.zst"
TC_PREFIX = "satchel-bundle v5 "
SEARCH_LEVEL = 9      # the writer's level for the search index (bundle_write.c)


def pad(b):
    return b + b"\0" * (-len(b) % BLOCK)


def b2(b):
    return hashlib.blake2b(b, digest_size=32).hexdigest()


# ----------------------------------------------------------------------------- tar

def tar_header(name, size, mtime, typeflag=b"0", linkname=b"", size_field=None,
               mode=b"000644 \0", magic=b"ustar\0", version=b"00", prefix=b"",
               chksum=None, devmajor=b"000000 \0", devminor=b"000000 \0"):
    """One ustar header, canonical by default (v2.md); keyword arguments break it."""
    if isinstance(name, str):
        name = name.encode()
    h = bytearray(BLOCK)
    h[0:len(name[:100])] = name[:100]
    h[100:108] = mode
    h[108:116] = b"000000 \0"
    h[116:124] = b"000000 \0"
    h[124:136] = size_field if size_field is not None else b"%011o " % size
    h[136:148] = b"%011o " % mtime
    h[148:156] = b" " * 8
    h[156:157] = typeflag
    h[157:157 + len(linkname)] = linkname
    h[257:263] = magic
    h[263:265] = version
    h[329:337] = devmajor
    h[337:345] = devminor
    h[345:345 + len(prefix)] = prefix
    h[148:156] = chksum if chksum is not None else b"%06o\0 " % sum(h)
    return bytes(h)


def tar_member(name, data, mtime, **kw):
    return tar_header(name, len(data), mtime, **kw) + pad(data)


def tar_members(data):
    """{name: (header offset, data)} of a tar's members."""
    return {n: (o, data[o + BLOCK:o + BLOCK + s]) for o, n, s, _ in tar_walk(data)}


def tar_walk(data):
    """Yields (header offset, name, size, typeflag) of each member up to the end blocks."""
    off = 0
    while off + BLOCK <= len(data):
        h = data[off:off + BLOCK]
        if h == b"\0" * BLOCK:
            return
        name = h[0:100].split(b"\0")[0].decode()
        size = int(h[124:136].strip(b" \0") or b"0", 8)
        yield off, name, size, h[156:157]
        off += BLOCK + len(pad(data[off + BLOCK:off + BLOCK + size]))


# ----------------------------------------------------------------------------- tools

class Tools:
    """zstd and minisign through their command lines, in a private work folder."""

    def __init__(self, work):
        self.work = work
        self.n = 0
        self.cache = {}
        self.pubs = {}

    def _tmp(self, data=None):
        self.n += 1
        p = os.path.join(self.work, "t%d" % self.n)
        if data is not None:
            with open(p, "wb") as f:
                f.write(data)
        return p

    def compress(self, data, dict_bytes=None, level=19):
        key = (b2(data), b2(dict_bytes) if dict_bytes else None, level)
        if key in self.cache:
            return self.cache[key]
        src, out = self._tmp(data), self._tmp()
        cmd = ["zstd", "-q", "-f", "-%d" % level, src, "-o", out]
        if dict_bytes:
            cmd += ["-D", self._tmp(dict_bytes)]
        subprocess.run(cmd, check=True)
        with open(out, "rb") as f:
            z = f.read()
        self.cache[key] = z
        return z

    def decompress(self, z, dict_bytes=None):
        cmd = ["zstd", "-dqc"]
        if dict_bytes:
            cmd += ["-D", self._tmp(dict_bytes)]
        return subprocess.run(cmd + [self._tmp(z)], check=True, stdout=subprocess.PIPE).stdout

    def train(self, samples, size):
        """A zstd dictionary of at most `size` bytes trained on the samples."""
        d = os.path.join(self.work, "train%d" % self.n)
        self.n += 1
        os.mkdir(d)
        for i, s in enumerate(samples):
            with open(os.path.join(d, "%d" % i), "wb") as f:
                f.write(s)
        out = self._tmp()
        subprocess.run(["zstd", "-q", "--train", "-r", d, "-o", out, "--maxdict=%d" % size],
                       check=True, stderr=subprocess.DEVNULL)
        with open(out, "rb") as f:
            return f.read()

    def check_sig(self, data, sig, key, prehashed=True):
        """Raises unless minisign verifies sig over data with key's public key."""
        if key not in self.pubs:
            self.pubs[key] = self._tmp()
            subprocess.run(["minisign", "-R", "-s", key, "-p", self.pubs[key]], check=True,
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        subprocess.run(["minisign", "-V", "-q", "-p", self.pubs[key], "-m", self._tmp(data),
                        "-x", self._tmp(sig)] + (["-H"] if prehashed else []), check=True,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)

    def sign(self, data, key, tc, uc, legacy=False):
        src, sig = self._tmp(data), self._tmp()
        subprocess.run(["minisign", "-S", "-s", key, "-m", src, "-x", sig, "-t", tc, "-c", uc]
                       + (["-l"] if legacy else []), check=True, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL)
        with open(sig, "rb") as f:
            return f.read()


# ----------------------------------------------------------------------------- model

class Model:
    """A bundle as data: head lines, dictionary, pages, clusters, media, signature."""

    def copy(self):
        m = Model()
        m.__dict__.update(self.__dict__)
        m.head = list(self.head)
        m.pages = [dict(p) for p in self.pages]
        m.clusters = [dict(c) for c in self.clusters]
        m.media = [dict(x) for x in self.media]
        if self.search is not None:
            m.search = dict(self.search)
            m.search["blocks"] = [dict(b) for b in self.search["blocks"]]
        return m


def parse_bundle(data, tools):
    members = {}
    order = []
    mtime = None
    for off, name, size, _ in tar_walk(data):
        if mtime is None:
            mtime = int(data[off + 136:off + 147], 8)
        members[name] = data[off + BLOCK:off + BLOCK + size]
        order.append(name)
    m = Model()
    m.mtime = mtime
    sig = members[SIG_NAME].decode()
    lines = sig.split("\n")
    m.uc = lines[0][len("untrusted comment: "):]
    m.tc = lines[2][len("trusted comment: "):]
    if not m.tc.startswith(TC_PREFIX):
        raise ValueError("not a format v5 bundle: " + m.tc)
    root = tools.decompress(members[ROOT_NAME]).decode()
    m.head = []
    clines, mlines, plines, tlines = [], [], [], []
    for ln in root.split("\n")[:-1]:
        f = ln.split("\t")
        if f[0] == "C":
            clines.append(f)
        elif f[0] == "M":
            mlines.append(f)
        elif f[0] == "P":
            plines.append(f)
        elif f[0] == "T":
            tlines.append(f)
        elif f[0] != "end":
            m.head.append((f[0], "\t".join(f[1:])))
    m.dict = members.get(DICT_NAME)
    m.clusters = []
    for i, f in enumerate(clines):
        z = members["clusters/%06d.zst" % i]
        m.clusters.append({"z": z, "text": tools.decompress(z, m.dict)})
    m.pages = []
    for i, f in enumerate(plines):
        z = members["index/%06d.zst" % i]
        m.pages.append({"z": z, "text": tools.decompress(z, m.dict), "count": int(f[4]),
                        "first": f[5]})
    m.search = None
    search = [v for k, v in m.head if k == "search"]
    if search and search[0] != "-":
        ndocs = int(search[0].split("\t")[3])
        z = members[DOCS_NAME]
        m.search = {"docs_z": z, "docs": tools.decompress(z), "ndocs": ndocs, "blocks": []}
        for i, f in enumerate(tlines):
            z = members[block_name(i)]
            m.search["blocks"].append({"z": z, "text": tools.decompress(z), "count": int(f[4]),
                                       "first": f[5].encode()})
    media_names = [n for n in order if n.startswith("media/")]
    m.media = [{"id": n[len("media/"):], "data": members[n]} for n in media_names]
    m.entries = entries_of(m)
    return m


def entries_of(m):
    """{id: (kind, content bytes)} from the model's pages (the good bundle's truth)."""
    out = {}
    media_by_id = {x["id"]: x["data"] for x in m.media}
    for p in m.pages:
        for ln in p["text"].decode().split("\n")[:-1]:
            f = ln.split("\t")
            eid, kind, unit, off, size = f[1], f[2], f[11], int(f[12]), int(f[13])
            if unit == "m":
                out[eid] = (kind, media_by_id[eid])
            else:
                out[eid] = (kind, m.clusters[int(unit)]["text"][off:off + size])
    return out


def file_name(eid, kind):
    return eid + ".gmi" if kind in ("article", "transcript") else eid


# ----------------------------------------------------------------------------- writer

class Emit:
    """Hooks a case may set; the defaults write the model canonically."""

    def __init__(self):
        self.root_hook = None      # list of root lines -> list of lines (without LF)
        self.text_hook = None      # root text bytes -> bytes (after root_hook)
        self.rootz_hook = None     # compressed root bytes -> bytes
        self.tc_hook = None        # trusted comment -> trusted comment
        self.key = None            # secret key that signs (None: the model's signer)
        self.sig_bytes = None      # signature file bytes instead of signing
        self.copy = None           # (rootz, sig) for the tail copy instead of the head's
        self.legacy = False        # sign in minisign's legacy (not prehashed) mode


def write_bundle(m, tools, key, e=None):
    """Returns (bytes, layout): the bundle in format v5 (SPEC 2, 6). layout maps member
    names to header offsets, plus 'D' (data start), 'copy' (header of the tail copy) and
    'end' (the end blocks)."""
    e = e or Emit()
    units = [] if m.dict is None else [(DICT_NAME, m.dict)]
    units += [("index/%06d.zst" % i, p["z"]) for i, p in enumerate(m.pages)]
    if m.search is not None:
        units += [(DOCS_NAME, m.search["docs_z"])]
        units += [(block_name(i), b["z"]) for i, b in enumerate(m.search["blocks"])]
    units += [("clusters/%06d.zst" % i, c["z"]) for i, c in enumerate(m.clusters)]
    units += [("media/" + x["id"], x["data"]) for x in m.media]
    rel, n_data = unit_offsets(units)
    root = root_lines(m, rel, n_data)
    if e.root_hook:
        root = e.root_hook(root)
    text = ("\n".join(root) + "\n").encode()
    if e.text_hook:
        text = e.text_hook(text)
    rootz = tools.compress(text)
    if e.rootz_hook:
        rootz = e.rootz_hook(rootz)
    tc = TC_PREFIX + "id=%s seq=%s created=%s manifest=%d+%d:%d" % (
        head_value(m, "bundle"), head_value(m, "seq"), head_value(m, "created"), 3 * BLOCK,
        len(rootz), len(text))
    if e.tc_hook:
        tc = e.tc_hook(tc)
    sig = e.sig_bytes
    if sig is None:
        sig = tools.sign(rootz, e.key or key, tc, m.uc, e.legacy)
    out = bytearray()
    layout = {}

    def put(name, data):
        layout[name] = len(out)
        out.extend(tar_member(name, data, m.mtime))

    put(SIG_NAME, sig)
    put(ROOT_NAME, rootz)
    layout["D"] = len(out)
    for name, data in units:
        put(name, data)
    layout["copy"] = len(out)
    crootz, csig = e.copy if e.copy is not None else (rootz, sig)
    put(COPY_NAME, crootz)
    put(COPY_SIG_NAME, csig)
    layout["end"] = len(out)
    out.extend(b"\0" * (2 * BLOCK))
    return bytes(out), layout


def unit_offsets(units):
    """Header offsets of the units relative to D, and the size of the data area."""
    rel = {}
    pos = 0
    for name, data in units:
        rel[name] = pos
        pos += BLOCK + len(pad(data))
    return rel, pos


def key_public(key_path):
    """(keynum, pk) of an unencrypted minisign secret key file (SPEC 3)."""
    raw = base64.b64decode(open(key_path).read().split("\n")[1])
    return raw[54:62], raw[62 + 32:62 + 64]


def collection_id(m, key_path):
    """The collection id SPEC 4.3 derives for model m signed with key_path (32 hex)."""
    keynum, pk = key_public(key_path)
    title, pub = head_value(m, "title"), head_value(m, "publisher")
    h = hashlib.blake2b(digest_size=16)
    h.update(b"satchel-collection-id-v1" + keynum + pk)
    for v in (head_value(m, "created"), head_value(m, "seq"), title):
        h.update(v.encode() + b"\0")
    if pub != "-":
        h.update(pub.encode() + b"\0")
    return h.hexdigest()


def head_value(m, key):
    for k, v in m.head:
        if k == key:
            return v
    raise KeyError(key)


def root_lines(m, rel, n_data):
    counts = {"clusters": len(m.clusters), "media": len(m.media), "pages": len(m.pages),
              "entries": sum(p["count"] for p in m.pages), "data": n_data}
    lines = []
    for k, v in m.head:
        if k == "dict":
            v = "-" if m.dict is None else "%d\t%d\t%s" % (rel[DICT_NAME] + BLOCK, len(m.dict),
                                                           b2(m.dict))
        elif k == "search":
            s = m.search
            v = "-" if s is None else "%d\t%d\t%d\t%d\t%d\t%s" % (
                rel[DOCS_NAME] + BLOCK, len(s["docs_z"]), len(s["docs"]), s["ndocs"],
                len(s["blocks"]), b2(s["docs_z"]))
        elif k in counts:
            v = str(counts[k])
        lines.append(k + "\t" + v)
    for i, c in enumerate(m.clusters):
        lines.append("C\t%d\t%d\t%d\t%s" % (rel["clusters/%06d.zst" % i] + BLOCK, len(c["z"]),
                                            len(c["text"]), b2(c["z"])))
    for x in m.media:
        lines.append("M\t%d\t%d\t%s\t%s" % (rel["media/" + x["id"]] + BLOCK, len(x["data"]),
                                             b2(x["data"]), x["id"]))
    for i, p in enumerate(m.pages):
        lines.append("P\t%d\t%d\t%d\t%d\t%s\t%s" % (rel["index/%06d.zst" % i] + BLOCK,
                                                    len(p["z"]), len(p["text"]), p["count"],
                                                    p["first"], b2(p["z"])))
    for i, b in enumerate(m.search["blocks"] if m.search is not None else []):
        lines.append("T\t%d\t%d\t%d\t%d\t%s\t%s" % (
            rel[block_name(i)] + BLOCK, len(b["z"]), len(b["text"]), b["count"],
            b["first"].decode("utf-8", "surrogateescape"), b2(b["z"])))
    lines.append("end")
    return lines


def reshape(m, tools, cluster_target, page_entries, dict_size):
    """Re-lays a bundle's content like a bigger bundle would be: several clusters of about
    cluster_target bytes, index pages of page_entries entries, a trained dictionary (when
    dict_size). Same entries, same contents; still a valid bundle (SPEC 4, 5)."""
    rows = []
    for p in m.pages:
        rows += [ln.split(b"\t") for ln in p["text"].split(b"\n")[:-1]]
    texts = [r for r in rows if r[11] != b"m"]
    texts.sort(key=lambda r: (int(r[11]), int(r[12])))
    bodies = {}
    for r in texts:
        off, size = int(r[12]), int(r[13])
        bodies[r[1]] = m.clusters[int(r[11])]["text"][off:off + size]
    clusters = [b""]
    for r in texts:
        body = bodies[r[1]]
        if clusters[-1] and len(clusters[-1]) + len(body) > cluster_target:
            clusters.append(b"")
        r[11], r[12] = b"%d" % (len(clusters) - 1), b"%d" % len(clusters[-1])
        clusters[-1] += body
    if dict_size:
        samples = [b[i:i + 256] for b in bodies.values() for i in range(0, len(b), 256)]
        m.dict = tools.train(samples, dict_size)
    m.clusters = [{"z": tools.compress(t, m.dict), "text": t} for t in clusters]
    m.pages = []
    for i in range(0, len(rows), page_entries):
        text = b"".join(b"\t".join(r) + b"\n" for r in rows[i:i + page_entries])
        m.pages.append({"text": text, "z": tools.compress(text, m.dict)})
        set_page_text(m, len(m.pages) - 1, text, tools)
    m.entries = entries_of(m)


def set_page_text(m, i, text, tools):
    """Replaces index page i's text (recompressed with the dictionary; count and first id
    follow the text)."""
    p = m.pages[i]
    p["text"] = text
    p["z"] = tools.compress(text, m.dict)
    lines = text.split(b"\n")[:-1]
    p["count"] = len(lines)
    if lines and len(lines[0].split(b"\t")) > 1:
        p["first"] = lines[0].split(b"\t")[1].decode("utf-8", "replace")


# ----------------------------------------------------------------------------- search index
# formats/sat_index.h: the document table is (entry, length) varint pairs; a term block is
# COUNT records (shared, suffix length, suffix, list length, list). Posting lists are kept
# as opaque bytes: only the reader's codec (sat_postings) interprets them.

def block_name(i):
    return "search/%06d.zst" % i


def varint(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def varint_read(b, p):
    v = shift = 0
    while True:
        x = b[p]
        p += 1
        v |= (x & 0x7F) << shift
        shift += 7
        if x < 0x80:
            return v, p


def docs_parse(text, ndocs):
    """[(entry, length)] of a well-formed document table."""
    out, p = [], 0
    for _ in range(ndocs):
        e, p = varint_read(text, p)
        n, p = varint_read(text, p)
        out.append((e, n))
    assert p == len(text)
    return out


def docs_build(rows):
    return b"".join(varint(e) + varint(n) for e, n in rows)


def block_parse(text, count):
    """[(term, list)] of a well-formed term block (bytes, bytes)."""
    out, p, prev = [], 0, b""
    for _ in range(count):
        shared, p = varint_read(text, p)
        n, p = varint_read(text, p)
        term = prev[:shared] + text[p:p + n]
        p += n
        n, p = varint_read(text, p)
        out.append((term, text[p:p + n]))
        p += n
        prev = term
    assert p == len(text)
    return out


def block_build(records):
    """A term block of records [(term, list)] as the writer lays it out (each term shares
    its prefix with the one before; nothing checked: cases break the rules on purpose)."""
    out, prev = bytearray(), b""
    for i, (term, lst) in enumerate(records):
        shared = 0
        while i > 0 and shared < min(len(prev), len(term)) and prev[shared] == term[shared]:
            shared += 1
        out += varint(shared) + varint(len(term) - shared) + term[shared:]
        out += varint(len(lst)) + lst
        prev = term
    return bytes(out)


def set_block(m, i, text, tools, count=None, first=None):
    """Replaces term block i's text (recompressed; count and first term follow the text
    unless given)."""
    b = m.search["blocks"][i]
    b["text"] = text
    b["z"] = tools.compress(text, level=SEARCH_LEVEL)
    if count is not None:
        b["count"] = count
    if first is not None:
        b["first"] = first


def set_docs(m, text, tools, ndocs=None):
    s = m.search
    s["docs"] = text
    s["docs_z"] = tools.compress(text, level=SEARCH_LEVEL)
    if ndocs is not None:
        s["ndocs"] = ndocs


def search_records(m):
    return [r for b in m.search["blocks"] for r in block_parse(b["text"], b["count"])]


def reblock(m, tools, target):
    """Splits the term records again into blocks of about `target` bytes, as a bigger
    bundle's index would be (SPEC 12: a record that would pass the target opens a block)."""
    blocks, cur, size = [], [], 0
    for term, lst in search_records(m):
        rec = len(varint(len(term))) + len(term) + len(varint(len(lst))) + len(lst) + 1
        if cur and size + rec > target:
            blocks.append(cur)
            cur, size = [], 0
        cur.append((term, lst))
        size += rec
    blocks.append(cur)
    m.search["blocks"] = []
    for recs in blocks:
        m.search["blocks"].append({})
        set_block(m, len(m.search["blocks"]) - 1, block_build(recs), tools, count=len(recs),
                  first=recs[0][0])


def set_cluster_text(m, i, text, tools):
    c = m.clusters[i]
    c["text"] = text
    c["z"] = tools.compress(text, m.dict)


# ----------------------------------------------------------------------------- zstd frames

def frame_parse(z):
    """Frame header fields of a zstd frame, and where its blocks end."""
    assert z[0:4] == b"\x28\xb5\x2f\xfd", "not a zstd frame"
    fhd = z[4]
    fcs_flag, single, cksum, did_flag = fhd >> 6, (fhd >> 5) & 1, (fhd >> 2) & 1, fhd & 3
    p = 5
    wd = None
    if not single:
        wd = z[p]
        p += 1
    did_len = [0, 1, 2, 4][did_flag]
    did = int.from_bytes(z[p:p + did_len], "little")
    p += did_len
    fcs_len = [1 if single else 0, 2, 4, 8][fcs_flag]
    fcs = int.from_bytes(z[p:p + fcs_len], "little") if fcs_len else None
    if fcs_len == 2:
        fcs += 256
    p += fcs_len
    blocks = p
    while True:
        bh = int.from_bytes(z[p:p + 3], "little")
        last, btype, bsize = bh & 1, (bh >> 1) & 3, bh >> 3
        p += 3 + (1 if btype == 1 else bsize)
        if last:
            break
    end = p + (4 if cksum else 0)
    return {"did": did, "fcs": fcs, "cksum": cksum, "wd": wd, "blocks": z[blocks:p],
            "checksum": z[p:end], "end": end}


def frame_build(blocks, fcs=None, did=0, window_log=None, checksum=b""):
    """A frame header (+ blocks, + checksum) with exactly the given fields. fcs None: no
    content size; window_log None: single segment (needs fcs)."""
    single = window_log is None
    if fcs is None:
        fcs_flag, fcs_bytes = 0, b""
    elif single and fcs < 256:
        fcs_flag, fcs_bytes = 0, bytes([fcs])
    elif 256 <= fcs < 65536 + 256:
        fcs_flag, fcs_bytes = 1, (fcs - 256).to_bytes(2, "little")
    elif fcs < 1 << 32:
        fcs_flag, fcs_bytes = 2, fcs.to_bytes(4, "little")
    else:
        fcs_flag, fcs_bytes = 3, fcs.to_bytes(8, "little")
    did_flag, did_bytes = (0, b"") if did == 0 else (3, did.to_bytes(4, "little"))
    fhd = (fcs_flag << 6) | (single << 5) | ((1 if checksum else 0) << 2) | did_flag
    hdr = b"\x28\xb5\x2f\xfd" + bytes([fhd])
    if not single:
        hdr += bytes([(window_log - 10) << 3])
    return hdr + did_bytes + fcs_bytes + blocks + checksum


def frame_with(z, **changes):
    """The same frame (blocks and checksum kept) with some header fields changed."""
    f = frame_parse(z)
    args = {"fcs": f["fcs"], "did": f["did"], "window_log": None, "checksum": f["checksum"]}
    args.update(changes)
    return frame_build(f["blocks"], **args) + z[f["end"]:]


def rle_blocks(total, byte=0):
    """Blocks of 128 KiB RLE runs: `total` bytes of `byte` in 4 bytes per block."""
    out = bytearray()
    left = total
    while True:
        n = min(left, 1 << 17)
        left -= n
        last = 1 if left == 0 else 0
        out += ((n << 3) | (1 << 1) | last).to_bytes(3, "little") + bytes([byte])
        if last:
            return bytes(out)


def raw_frame(data, fcs="same", did=0):
    """A frame of one raw block holding `data` (at most 128 KiB)."""
    assert len(data) <= 1 << 17
    blocks = ((len(data) << 3) | 1).to_bytes(3, "little") + data
    return frame_build(blocks, fcs=len(data) if fcs == "same" else fcs, did=did)


def dict_id(d):
    return int.from_bytes(d[4:8], "little") if d and d[0:4] == b"\x37\xa4\x30\xec" else 0


def new_tools():
    return Tools(tempfile.mkdtemp(prefix="satchel-hostile-tools."))
