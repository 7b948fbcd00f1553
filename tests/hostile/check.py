#!/usr/bin/env python3
"""Runs satchel-read on every case of a corpus built by gen.py and asserts the outcome:
python3 check.py READ PUB CORPUS_DIR [CASE...]

For every command run: the exit code is the expected one; no crash (signal, exit >= 128,
sanitizer report); no terminal escape in stdout or stderr (ESC, other C0 controls but TAB
and LF, DEL, C1 controls as UTF-8 or as raw bytes, bidi overrides and isolates); the
message matches the case's pattern. extract and salvage run with the working folder inside
a fresh sandbox and --to a subfolder; afterwards nothing exists in the sandbox outside that
subfolder, nothing in it is a symlink, and every file in it is an entry with exactly its
original content. Prints one line per case that is not as expected (all its failed checks),
then a summary. Exit 0 when all pass.
"""
import hashlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile

TIMEOUT = 60
RSS_CAP_KB = 768 * 1024     # a bomb must not make the reader allocate gigabytes
SANITIZER = (b"AddressSanitizer", b"LeakSanitizer", b"runtime error", b"UndefinedBehavior")
BAD_CHARS = set(range(0x00, 0x20)) - {0x09, 0x0A} | {0x7F} | set(range(0x80, 0xA0)) | \
    set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A))


def bad_char(data):
    """The first forbidden character in output bytes, described, or None."""
    text = data.decode("utf-8", "surrogateescape")
    for i, ch in enumerate(text):
        o = ord(ch)
        if o in BAD_CHARS:
            return "U+%04X at character %d" % (o, i)
        if 0xDC80 <= o <= 0xDC9F:
            return "raw byte 0x%02x (not UTF-8) at character %d" % (o - 0xDC00, i)
    return None


class Runner:
    def __init__(self, read, pub, corpus):
        self.read, self.pub = read, os.path.abspath(pub)
        with open(os.path.join(corpus, "cases.json")) as f:
            self.spec = json.load(f)
        self.fails = []
        self.tmp = tempfile.mkdtemp(prefix="satchel-hostile-run.")
        self.runs = 0

    def fail(self, case, what, why, out=b"", err=b""):
        tail = (err or out)[-160:].decode("utf-8", "backslashreplace").strip()
        tail = tail.replace("\n", " / ")
        self.fails.append((case["name"], "%s: %s%s" % (what, why, (" [" + tail + "]")
                                                       if tail else "")))

    def run(self, case, what, args, want, rx=None, cwd=None):
        """Runs satchel-read ARGS -p PUB; checks exit code, crash, escapes, message."""
        argv = [os.fsencode(self.read)] + [os.fsencode(a) for a in args] + \
            [b"-p", os.fsencode(self.pub)]
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        self.runs += 1
        try:
            p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL, cwd=cwd, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.fail(case, what, "no answer within %d s" % TIMEOUT)
            return None
        rc, out, err = p.returncode, p.stdout, p.stderr
        after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        ok = True
        if rc < 0 or rc >= 128 or any(s in err for s in SANITIZER):
            self.fail(case, what, "CRASH (exit %d)" % rc, out, err)
            return None
        if before <= RSS_CAP_KB < after:
            self.fail(case, what, "used %d MiB of memory" % (after // 1024))
            ok = False
        wants = want if isinstance(want, list) else [want]
        if rc not in wants:
            self.fail(case, what, "exit %d, expected %s" % (rc, "/".join(map(str, wants))),
                      out, err)
            ok = False
        for stream, data in (("stdout", out), ("stderr", err)):
            b = bad_char(data)
            if b:
                self.fail(case, what, "%s carries %s" % (stream, b), out, err)
                ok = False
        text = (out + b"\n" + err).decode("utf-8", "replace")
        if rx and ok and not re.search(rx, text, re.I | re.S):
            self.fail(case, what, "message does not match /%s/" % rx, out, err)
            ok = False
        return (rc, out, err) if ok else None

    def check_written(self, case, what, sandbox, must):
        out = os.path.join(sandbox, "out")
        files = case["files"]
        for top, dirs, names in os.walk(sandbox):
            for n in dirs + names:
                p = os.path.join(top, n)
                rel = os.path.relpath(p, sandbox)
                if os.path.islink(p):
                    self.fail(case, what, "wrote a symlink: " + rel)
                    continue
                if rel == "out":
                    continue
                if os.path.dirname(rel) != "out":
                    self.fail(case, what, "wrote outside the target folder: " + repr(rel))
                    continue
                if not os.path.isfile(p):
                    self.fail(case, what, "wrote a non-file: " + rel)
                elif n not in files:
                    self.fail(case, what, "wrote a file that is no entry: " + repr(n))
                else:
                    with open(p, "rb") as f:
                        h = hashlib.blake2b(f.read(), digest_size=32).hexdigest()
                    if h not in (files[n] if isinstance(files[n], list) else [files[n]]):
                        self.fail(case, what, "wrote %s with content other than the "
                                  "entry's" % n)
        missing = [n for n in must if not os.path.isfile(os.path.join(out, n))]
        if missing:
            self.fail(case, what, "did not write %d intact entries (%s...)" %
                      (len(missing), missing[0]))

    def case(self, c):
        f = c["file"]
        for p in c["forbid"]:
            if os.path.lexists(p):
                os.unlink(p)
        code, rx = c["verify"]
        self.run(c, "verify", ["verify", f], code, rx)
        r = self.run(c, "verify --json", ["verify", f, "--json"], code)
        if r is not None:
            try:
                j = json.loads(r[1])
                if j.get("ok") is not (r[0] == 0):
                    self.fail(c, "verify --json", '"ok" is %r with exit %d' % (j.get("ok"),
                                                                               r[0]))
            except ValueError as e:
                self.fail(c, "verify --json", "stdout is not JSON: %s" % e, r[1])
        if c["deep"]:
            self.run(c, "verify --deep", ["verify", f, "--deep"], *c["deep"])
        if c["list"]:
            self.run(c, "list", ["list", f], *c["list"])
            self.run(c, "list --json", ["list", f, "--json"], c["list"][0])
        if c["info"]:
            self.run(c, "info", ["info", f], *c["info"])
        for eid, code, srx in c["show"]:
            self.run(c, "show " + eid.encode("unicode_escape").decode(), ["show", f, eid], code,
                     srx)
        for q, code, srx in c.get("search", []):
            r = self.run(c, "search " + q, ["search", f, q], code, srx)
            # a refused search prints no result: nothing from a damaged or broken index
            wants = code if isinstance(code, list) else [code]
            if r is not None and r[0] != 0 and r[1].strip():
                self.fail(c, "search " + q, "exit %d but printed results" % r[0], r[1])
            if r is not None and 0 not in wants and not r[2].strip():
                self.fail(c, "search " + q, "refused without a message")
        for cmd in ("extract", "salvage"):
            if not c[cmd]:
                continue
            code, xrx, must = c[cmd]
            sandbox = tempfile.mkdtemp(dir=self.tmp)
            self.run(c, cmd, [cmd, os.path.abspath(f), "--to", "out"], code, xrx, cwd=sandbox)
            self.check_written(c, cmd, sandbox, must)
            shutil.rmtree(sandbox)
        for p in c["forbid"]:
            if os.path.lexists(p):
                self.fail(c, "all", "created " + p)
                os.unlink(p)


def main():
    read, pub, corpus = sys.argv[1:4]
    only = set(sys.argv[4:])
    r = Runner(read, pub, corpus)
    cases = [c for c in r.spec["cases"] if not only or c["name"] in only]
    for c in cases:
        r.case(c)
    shutil.rmtree(r.tmp)
    failed = {}
    for name, line in r.fails:
        failed.setdefault(name, []).append(line)
    for c in cases:        # one line per case not as expected, all its failed checks
        if c["name"] in failed:
            print("FAIL %s: %s" % (c["name"], "; ".join(failed[c["name"]])))
    if failed:
        print("hostile: %d cases, %d NOT as expected (%s); %d commands run" %
              (len(cases), len(failed), " ".join(sorted(failed)), r.runs))
        return 1
    print("hostile: %d cases, all as expected (%d commands run)" % (len(cases), r.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
