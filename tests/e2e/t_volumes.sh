# build --max-size/--media splits a collection into volumes that fit, each a complete signed
# bundle; satchel-read volumes names what is present, missing, damaged or forged.
. "$E2E_LIB"
. "$(dirname "$E2E_LIB")/tui_lib.sh"

keygen pub
# a generated collection: 30 articles (dates over a year), every other one with a picture of
# about 300 KB that does not compress, and a radio transcript with its audio
python3 - src 30 300 <<'PY'
import os, random, struct, sys, zlib
out, n, kb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(7)
def png(path, nbytes):
    w = 256; h = max(1, nbytes // (w * 3))
    raw = b"".join(b"\0" + rnd.randbytes(w * 3) for _ in range(h))
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                          + chunk(b"IDAT", zlib.compress(raw, 0)) + chunk(b"IEND", b""))
os.makedirs(out + "/articles"); os.makedirs(out + "/images")
words = "river harvest market rail school water winter price grain village report weather".split()
for i in range(n):
    d = "2026-%02d-%02d" % (1 + i % 12, 1 + (i * 7) % 28)
    img = ""
    if i % 2 == 0:
        png("%s/images/pic%03d.png" % (out, i), kb * 1024)
        img = "\n![picture %d](../images/pic%03d.png)\n" % (i, i)
    body = " ".join(rnd.choice(words) for _ in range(400))
    open("%s/articles/a%03d.md" % (out, i), "w").write(
        "---\ntitle: Article %d\ndate: %s\nlang: en\n---\n%s\n%s\nEnd %d.\n" % (i, d, body, img, i))
PY
mkdir src/radio
cp "$ROOT/examples/radio/2026-11-02-morning-news.ogg" "$ROOT/examples/radio/2026-11-02-morning-news.vtt" src/radio/
opts="-s pub.key --title Weekly --publisher Desk --date 2026-11-20 --seq 5"

# the same collection as one bundle: the reference for what the volumes must hold
"$PACK" build src -o single.satchel $opts --quiet
expect_exit 0 "$READ" list single.satchel -p pub.pub --json
cp "$T/out" single.json

# 1. into volumes of at most 3 MB
mkdir vol
expect_exit 0 "$PACK" build src -o vol/news.satchel $opts --max-size 3M --json
cp "$T/out" build.json
grep -q 'volume 1: ' "$T/err" || fail "no progress line per volume on stderr: $(cat "$T/err")"
ls -A vol | grep -v '^news-[0-9]*\.satchel$' && fail "other files left in vol/: $(ls -A vol)"
n=$(ls vol | wc -l)
[ "$n" -ge 3 ] || fail "expected at least 3 volumes, got $n"
for f in vol/*.satchel; do
    expect_exit 0 "$READ" verify "$f" -p pub.pub --deep
    expect_exit 0 "$READ" list "$f" -p pub.pub --json
    cp "$T/out" "$f.list"
    expect_exit 0 "$READ" info "$f" -p pub.pub --json
    cp "$T/out" "$f.info"
done
python3 - "$n" <<'PY'
import glob, json, os, sys
n = int(sys.argv[1])
files = sorted(glob.glob("vol/*.satchel"))
assert [os.path.basename(f) for f in files] == ["news-%d.satchel" % i for i in range(1, n + 1)], files
limit = 3000000
up = lambda x, u: (x + u - 1) // u * u
for f in files:
    size = os.path.getsize(f)
    # on an ISO 9660 image: 2048-byte sectors, 1 MiB for the system area, descriptors, path
    # tables and directories; on FAT32: 32 KiB clusters, two FATs, reserved sectors
    iso = up(size, 2048) + (1 << 20) + 8192
    fat = up(size, 32768) + (1 << 20) + up(2 * 4 * (limit // 4096 + 1), 32768) + 3 * 32768
    assert max(iso, fat) <= limit, (f, size, iso, fat)
build = json.load(open("build.json"))
assert [v["path"] for v in build["volumes"]] == files, build
assert all(v["bytes"] == os.path.getsize(v["path"]) for v in build["volumes"]), build
assert all(v["footprint"] <= limit for v in build["volumes"]), build
single = json.load(open("single.json"))
ids, where = [], {}
for k, f in enumerate(files):
    for e in json.load(open(f + ".list")):
        ids.append(e["id"])
        where[e["id"]] = k
    info = json.load(open(f + ".info"))
    assert info["volume"] == k + 1 and info["volumes"] == n, info
    assert info["collection"] == build["collection"], (info, build["collection"])
    assert info["format"] == 5, info
assert sorted(ids) == sorted(e["id"] for e in single), "entries lost or doubled"
assert len(ids) == len(set(ids)), "an entry in two volumes"
by_id = {e["id"]: e for e in single}
parents = 0
for e in single:
    if e["parent"] is not None:
        parents += 1
        assert where[e["id"]] == where[e["parent"]], ("attachment apart from its parent", e)
assert parents >= 16, parents
# newest first: every dated entry of volume k is at least as new as those of volume k+1
dates = [[by_id[i]["date"] for i in where if where[i] == k and by_id[i]["date"]] for k in range(n)]
for k in range(n - 1):
    assert min(dates[k]) >= max(dates[k + 1]), (k, dates)
PY
# a second build gives the same bytes (the volume count is final before anything is kept)
mkdir again
echo old > "again/news-$((n + 1)).satchel"
expect_exit 0 "$PACK" build src -o again/news.satchel $opts --max-size 3M
grep -q "note: again/news-$((n + 1)).satchel is left from an earlier build" "$T/err" || fail "no note on a stale volume: $(cat "$T/err")"
for f in vol/*.satchel; do cmp "$f" "again/$(basename "$f")" || fail "$f differs on a second build"; done

# 1b. text whose bundle is larger than its source (random Hangul: every bigram is a term of
# the search index): the estimate is too low, so volumes are measured, found over the
# budget and written again with fewer entries; every one still fits, no entry lost
mkdir hangul hv
python3 - <<'PY'
import random
r = random.Random(3)
for i in range(12):
    s = "".join(chr(0xAC00 + r.randrange(11172)) + (" " if r.random() < 0.3 else "") for _ in range(30000))
    open("hangul/h%02d.md" % i, "w").write("---\ntitle: H %d\ndate: 2026-10-%02d\nlang: ko\n---\n%s\n" % (i, i + 1, s))
PY
expect_exit 0 "$PACK" build hangul -o hv/h.satchel $opts --level 3 --max-size 3M
grep -q "is over the budget (.*): moving entries to the next volume" "$T/err" || fail "no volume was measured over the budget: $(cat "$T/err")"
total=0
for f in hv/*.satchel; do
    [ "$(stat -c %s "$f")" -le 1802240 ] || fail "$f is over the budget"
    expect_exit 0 "$READ" verify "$f" -p pub.pub
    expect_exit 0 "$READ" info "$f" -p pub.pub --json
    total=$((total + $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["entries"])' "$T/out")))
done
[ "$total" -eq 12 ] || fail "the Hangul volumes hold $total entries, not 12"
[ "$(ls hv | wc -l)" -ge 2 ] || fail "the Hangul collection was not split"

# 1c. with --parity 5 each volume gets its recovery data, counted against the limit with the
# volume; a volume damaged at 2% of its 2 KiB sectors comes back whole from it
mkdir pv
expect_exit 0 "$PACK" build src -o pv/news.satchel $opts --max-size 3M --parity 5 --quiet
python3 - <<'PY'
import glob, os
limit = 3000000
up = lambda x, u: (x + u - 1) // u * u
vols = sorted(glob.glob("pv/*.satchel"))
assert len(vols) >= 3, vols
assert sorted(glob.glob("pv/*")) == sorted(vols + [v + ".parity" for v in vols]), os.listdir("pv")
for v in vols:
    b, p = os.path.getsize(v), os.path.getsize(v + ".parity")
    assert p >= b * 5 // 100, (v, b, p)
    iso = up(b, 2048) + up(p, 2048) + (1 << 20) + 2 * 8192
    fat = up(b, 32768) + up(p, 32768) + (1 << 20) + up(2 * 4 * (limit // 4096 + 1), 32768) + 4 * 32768
    assert max(iso, fat) <= limit, (v, b, p, iso, fat)
PY
python3 "$ROOT/tests/damage/damage.py" sectors pv/news-1.satchel dmg.satchel --rate 0.02 --seed 4 --sector 2048
expect_exit 1 "$READ" verify dmg.satchel -p pub.pub --deep
expect_exit 0 "$READ" repair dmg.satchel --parity pv/news-1.satchel.parity -o fixed.satchel -p pub.pub
cmp fixed.satchel pv/news-1.satchel || fail "the repaired volume differs from the original"

# 2. satchel-read volumes on the folder: all present
expect_exit 0 "$READ" volumes vol -p pub.pub
grep -q "All volumes present and intact" "$T/out" || fail "volumes: $(cat "$T/out")"
grep -q "missing: none" "$T/out" || fail "volumes: $(cat "$T/out")"
# one removed: its number is missing, exit 1
mv vol/news-2.satchel held-2.satchel
expect_exit 1 "$READ" volumes vol -p pub.pub
grep -q "missing: 2$" "$T/out" || fail "volumes does not name the missing volume 2: $(cat "$T/out")"
expect_exit 1 "$READ" volumes vol -p pub.pub --json
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); c=j["collections"]; assert len(c)==1 and c[0]["missing"]==[2] and not j["ok"], j' "$T/out"
# files given one by one, in any order, work the same
expect_exit 0 "$READ" volumes vol/news-3.satchel held-2.satchel vol/news-1.satchel $(ls vol/news-*.satchel | sed 1,3d) -p pub.pub
mv held-2.satchel vol/news-2.satchel
# a volume of another collection (another seq) is grouped apart
mkdir other
"$PACK" build src -o other/old.satchel -s pub.key --title Weekly --publisher Desk --date 2026-11-13 --seq 4 --max-size 3M --quiet
cp other/old-1.satchel vol/
expect_exit 1 "$READ" volumes vol -p pub.pub --json
python3 - "$T/out" "$n" <<'PY'
import json, sys
j = json.load(open(sys.argv[1])); n = int(sys.argv[2])
c = j["collections"]
assert len(c) == 2, c
whole = [x for x in c if x["volumes"] == n and x["present"] == list(range(1, n + 1))]
part = [x for x in c if x["present"] == [1]]
assert len(whole) == 1 and len(part) == 1 and whole[0] != part[0], c
assert part[0]["missing"] == list(range(2, part[0]["volumes"] + 1)), part
PY
rm vol/old-1.satchel
# a damaged volume (a byte of a picture flipped): exit 1, named damaged
cp vol/news-1.satchel keep-1.satchel
python3 - vol/news-1.satchel <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[len(d) // 2] ^= 0x55
open(sys.argv[1], "wb").write(d)
PY
expect_exit 1 "$READ" volumes vol -p pub.pub
grep -q "damaged: 1$" "$T/out" || fail "volumes does not name the damaged volume 1: $(cat "$T/out")"
# a damaged copy beside an intact one of the same bundle (two folders, the damaged one
# listed first or last): the intact copy is enough, the collection is complete
mkdir copies
mv vol/news-1.satchel copies/news-1.satchel
cp keep-1.satchel vol/news-1.satchel
expect_exit 0 "$READ" volumes copies vol -p pub.pub
grep -q "All volumes present and intact" "$T/out" || fail "an intact copy of volume 1 did not count: $(cat "$T/out")"
expect_exit 0 "$READ" volumes vol copies -p pub.pub --json
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); c=j["collections"]; assert len(c)==1 and 1 in c[0]["present"] and c[0]["damaged"]==[] and c[0]["missing"]==[] and c[0]["complete"] and j["ok"], j' "$T/out"
# two genuine but different bundles numbered 1 of the same collection: still a conflict
mkdir conflict
cp -r src src2
sed -i 's/^End \([0-9]*\)\./The end of \1./' src2/articles/*.md
"$PACK" build src2 -o conflict/news.satchel $opts --max-size 3M --quiet
cmp -s conflict/news-1.satchel vol/news-1.satchel && fail "the changed build made the same volume 1"
expect_exit 1 "$READ" volumes vol conflict/news-1.satchel -p pub.pub
grep -q "CONFLICT: another bundle with the same number" "$T/out" || fail "no conflict shown: $(cat "$T/out")"
grep -q "damaged: 1$" "$T/out" || fail "the conflicting volume 1 is not named: $(cat "$T/out")"
mv copies/news-1.satchel vol/news-1.satchel
# a forged one (signed by a key the reader does not trust): exit 3
keygen stranger
"$PACK" build src -o forged.satchel -s stranger.key --title Weekly --date 2026-11-20 --seq 5 --max-size 3M --quiet
cp keep-1.satchel vol/news-1.satchel
cp forged-1.satchel vol/zz.satchel
expect_exit 3 "$READ" volumes vol -p pub.pub
grep -q "zz.satchel: NOT GENUINE" "$T/out" || fail "volumes: $(cat "$T/out")"
rm vol/zz.satchel
expect_exit 0 "$READ" volumes vol -p pub.pub
# a text info line and the TUI-free view of one volume
expect_exit 0 "$READ" info vol/news-2.satchel -p pub.pub
grep -Eq "^Volume: +2 of $n, collection [0-9a-f]{32}$" "$T/out" || fail "info: $(cat "$T/out")"

# the terminal interface's banner names the volume, in both languages
cid=$(sed -n 's/.*collection \([0-9a-f]\{8\}\).*/\1/p' "$T/out")
tui_start "$TUI_ENV $READ browse vol/news-2.satchel -p pub.pub --lang en; sleep 600"
tui_wait "Volume 2 of $n of collection $cid: the other volumes hold the rest."
tui_start "$TUI_ENV $READ browse vol/news-2.satchel -p pub.pub --lang ko; sleep 600"
tui_wait "권: 2 / 전체 ${n}권 (모음 $cid)."
tui_start "$TUI_ENV $READ browse single.satchel -p pub.pub --lang en; sleep 600"
tui_wait "Fingerprint:"
tui_screen | grep -q "Volume" && fail "a single bundle's banner names a volume"
tui_cleanup

# 3. --media cd on this small collection: one plain bundle, the same bytes as without it
expect_exit 0 "$PACK" build src -o cd.satchel $opts --media cd --quiet
[ ! -e cd-1.satchel ] || fail "--media cd wrote a volume for a collection that fits"
cmp cd.satchel single.satchel || fail "--media cd's single bundle differs from a plain build"
expect_exit 0 "$READ" info cd.satchel -p pub.pub --json
grep -q '"collection": null, "volume": null, "volumes": null' "$T/out" || fail "info: $(cat "$T/out")"

# 4. an entry larger than a volume: a clear error naming it, nothing left behind
mkdir big out4
python3 -c 'import os; open("big/huge.png","wb").write(b"\x89PNG\r\n\x1a\n" + os.urandom(2500000))'
printf -- '---\ntitle: Huge\ndate: 2026-11-01\n---\nA big picture.\n\n![map](huge.png)\n' > big/huge.md
cp src/articles/a001.md big/
expect_exit 1 "$PACK" build big -o out4/big.satchel $opts --max-size 3M
grep -q 'entry "huge".*does not fit in one volume' "$T/err" || fail "no clear error: $(cat "$T/err")"
[ -z "$(ls -A out4)" ] || fail "files left after a failed build: $(ls -A out4)"

# 5. usage
expect_exit 2 "$PACK" build src -o x.satchel $opts --max-size 4.7X
expect_exit 2 "$PACK" build src -o x.satchel $opts --max-size 3M --media dvd
expect_exit 2 "$PACK" build src -o x.satchel $opts --media floppy
expect_exit 2 "$PACK" build src -o x.satchel $opts --reserve 1M
expect_exit 2 "$READ" volumes -p pub.pub
mkdir empty
expect_exit 1 "$READ" volumes empty -p pub.pub --json
grep -q '"ok": false' "$T/out" || fail "volumes on an empty folder: $(cat "$T/out")"
expect_exit 1 "$READ" volumes no-such-file.satchel -p pub.pub
grep -q "no-such-file.satchel: NOT VERIFIED" "$T/out" || fail "volumes on a missing file: $(cat "$T/out")"
