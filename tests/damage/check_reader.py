#!/usr/bin/env python3
"""Checks satchel-read's verify --json and list --json on a damaged bundle against the
ground truth of damage.py (python3 stdlib).

  check_reader.py TRUTH VERIFY_OUT VERIFY_RC LIST_OUT LIST_RC

verify: names exactly the damaged entries of the intact index pages (each once), counts
those of the lost pages through page problems (damaged_count = every damaged entry), exit 1
(1 or 3, nothing named, when no signed root survives). list: exactly the entries of the
intact index pages, exit 1 when a page is lost. Prints what differs and exits 1.
"""
import json
import sys


def main():
    truth_path, vout, vrc, lout, lrc = sys.argv[1:6]
    vrc, lrc = int(vrc), int(lrc)
    t = json.load(open(truth_path))
    errors = []
    if not t["root_ok"]:
        v = json.load(open(vout))
        if vrc not in (1, 3) or v.get("ok") is not False or v.get("damaged"):
            errors.append("verify without a signed root: exit %d, want 1 or 3, ok false, "
                          "nothing named" % vrc)
        if lrc not in (1, 3) or open(lout).read().strip() not in ("", "[]"):
            errors.append("list without a signed root: exit %d, want 1 or 3, nothing listed" % lrc)
        return errors
    lost = set(t["lost_pages"])
    v = json.load(open(vout))
    if v.get("signature") != "good" or v.get("entries") != t["entries"]:
        errors.append("verify: signature %s, %s entries (want good, %d)"
                      % (v.get("signature"), v.get("entries"), t["entries"]))
        return errors
    want = sorted(e["id"] for e in t["damaged"] if e["page"] not in lost)
    named = [d["id"] for d in v["damaged"] if d["id"] is not None]
    if len(named) != len(set(named)):
        errors.append("verify: an entry is named twice")
    if sorted(set(named)) != want:
        errors.append("verify: named %d entries, truth %d; extra %s, missing %s"
                      % (len(set(named)), len(want), sorted(set(named) - set(want))[:5],
                         sorted(set(want) - set(named))[:5]))
    if v["damaged_count"] != len(t["damaged"]):
        errors.append("verify: damaged_count %d, truth %d (%d of them on lost pages)"
                      % (v["damaged_count"], len(t["damaged"]), t["lost_page_entries"]))
    if lost and not any(d["id"] is None for d in v["damaged"]):
        errors.append("verify: index pages lost but no problem without an id reported")
    # v2 checks the whole tar layout, so any damaged byte is a problem; v1 hashes units only
    if t["damaged"] or t["version"] >= 2:
        if vrc != 1 or v["ok"] is not False:
            errors.append("verify: exit %d, ok %s; want exit 1, ok false" % (vrc, v["ok"]))
    lst = json.load(open(lout))
    want = sorted(e["id"] for e in t["intact"] + t["damaged"] if e["page"] not in lost)
    got = sorted(e["id"] for e in lst)
    if got != want:
        errors.append("list: %d entries, want the %d of the intact pages; extra %s, missing %s"
                      % (len(got), len(want), sorted(set(got) - set(want))[:5],
                         sorted(set(want) - set(got))[:5]))
    if lrc != (1 if lost else 0):
        errors.append("list: exit %d with %d lost pages" % (lrc, len(lost)))
    return errors


if __name__ == "__main__":
    errs = main()
    for e in errs:
        sys.stderr.write("check_reader: %s\n" % e)
    sys.exit(1 if errs else 0)
