# satchel-pack stage (issue 7) onto a real FAT32 file system: an image made with
# mkfs.vfat -F 32 and mounted with fusefat (FUSE; unmounted in a trap). The demo bundle, a
# parity file beside it, a static reader and the web export are staged; the layout, the
# checksums (b2sum -c), the reader running from the drive and verifying the staged bundle,
# README.txt (BOM, CRLF, Korean then English), the fingerprint, the long names (mdir on the
# unmounted image) and the absence of symlinks are checked. Refused before anything is
# written: a bundle signed by another key, a dynamic reader, layout files that exist
# (without --force), a file of 4 GiB on FAT32. A drive too small fails with the free-space
# error and leaves nothing.
#
# The reader staged is the real static one, satchel-read-static beside satchel-pack (make
# static-reader; make e2e builds it first): it must run from the drive.
. "$E2E_LIB"

MNT="$T/mnt"
MNT2="$T/mnt2"
mounted=""
cleanup() {
    for m in $mounted; do fusermount -u "$m" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM

# fat_image IMG SIZE_MB MOUNTPOINT: a fresh FAT32 image, mounted read-write.
fat_image() {
    rm -f "$1"
    truncate -s "$2M" "$1"
    mkfs.vfat -F 32 "$1" >/dev/null
    mkdir -p "$3"
    fusefat -o rw+ "$1" "$3" >/dev/null 2>&1 || fail "fusefat could not mount $1"
    mounted="$mounted $3"
}

unmount() {
    fusermount -u "$1"
    mounted=$(echo "$mounted" | sed "s#$1##")
}

keygen demo
keygen other
demo_bundle news.satchel demo
demo_bundle foreign.satchel other
"$PACK" parity news.satchel --percent 5 --quiet || fail "satchel-pack parity"

STATIC_READER="$(dirname "$PACK")/satchel-read-static"
[ -x "$STATIC_READER" ] || fail "no $STATIC_READER: make static-reader"

# ---- refused before anything is written ------------------------------------------------
fat_image "$T/drive.img" 64 "$MNT"
expect_exit 1 "$PACK" stage news.satchel foreign.satchel --to "$MNT" -p demo.pub \
    --reader "$STATIC_READER" --quiet
grep -q "foreign.satchel" "$T/err" || fail "the foreign bundle is not named"
grep -q "not signed by the publisher" "$T/err" || fail "no 'not signed by the publisher'"
grep -q "nothing was written" "$T/err" || fail "no 'nothing was written'"
[ -z "$(ls -A "$MNT")" ] || fail "something was written for a foreign bundle"

expect_exit 1 "$PACK" stage news.satchel --to "$MNT" -p demo.pub --reader "$READ" --quiet
grep -q "dynamically linked" "$T/err" || fail "a dynamic reader is not refused as such"
grep -q "make static-reader" "$T/err" || fail "no hint to build make static-reader"
[ -z "$(ls -A "$MNT")" ] || fail "something was written for a dynamic reader"

cp news.satchel "bad name.satchel"
expect_exit 1 "$PACK" stage "bad name.satchel" --to "$MNT" -p demo.pub --no-reader --quiet
grep -q "rename it" "$T/err" || fail "a bad bundle name does not ask for a rename"

expect_exit 2 "$PACK" stage news.satchel -p demo.pub
expect_exit 2 "$PACK" stage news.satchel --to "$MNT" -p demo.pub --reader x --no-reader

# ---- stage --------------------------------------------------------------------------
expect_exit 0 "$PACK" stage news.satchel --to "$MNT" -p demo.pub --reader "$STATIC_READER" \
    --export-html --lang en --json
python3 - "$T/out" <<'EOF' || fail "stage --json (above)"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["ok"] is True and j["readback"] == "ok" and j["mismatched"] == [], j
assert j["bundles_verified"] == 1 and j["files"] > 8 and j["bytes"] > 100000, j
EOF
grep -q "reading back" "$T/err" || fail "no read-back progress on stderr"

for f in README.txt CHECKSUMS.b2 satchel/news.satchel satchel/news.satchel.parity \
    reader/linux-x86_64/satchel-read key/publisher.pub key/fingerprint.txt \
    web/news/index.html web/news/verify.html; do
    [ -f "$MNT/$f" ] || fail "$f missing on the drive"
done
cmp news.satchel "$MNT/satchel/news.satchel" || fail "the staged bundle differs"
cmp news.satchel.parity "$MNT/satchel/news.satchel.parity" || fail "the parity file differs"
cmp "$STATIC_READER" "$MNT/reader/linux-x86_64/satchel-read" || fail "the reader differs"
[ -z "$(find "$MNT" -type l)" ] || fail "a symlink on the drive"
[ -z "$(find "$MNT" -name '.satchel-stage-*')" ] || fail "a temporary file left on the drive"

# checksums: one line for every other file, and b2sum agrees
n_files=$(find "$MNT" -type f | wc -l)
[ "$(wc -l <"$MNT/CHECKSUMS.b2")" -eq $((n_files - 1)) ] || fail "CHECKSUMS.b2 misses files"
(cd "$MNT" && b2sum -l 256 -c --quiet CHECKSUMS.b2) || fail "b2sum -c CHECKSUMS.b2"

# the reader runs from the drive; the staged bundle verifies from the drive
(cd "$MNT" && ./reader/linux-x86_64/satchel-read verify satchel/news.satchel \
    -p key/publisher.pub --deep) >verify.out || fail "the staged reader did not verify"
# and the recovery data on the drive repairs a damaged copy of the staged bundle
python3 "$ROOT/tests/damage/damage.py" sectors "$MNT/satchel/news.satchel" dmg.satchel --rate 0.02 \
    --seed 9 --sector 2048
expect_exit 0 "$MNT/reader/linux-x86_64/satchel-read" repair dmg.satchel \
    --parity "$MNT/satchel/news.satchel.parity" -o fixed.satchel -p "$MNT/key/publisher.pub"
cmp fixed.satchel news.satchel || fail "the bundle repaired with the drive's parity file differs"
grep -q "Signature: good" verify.out || fail "no good signature from the drive"

# key and fingerprint as the reader shows them
cmp demo.pub "$MNT/key/publisher.pub" || fail "key/publisher.pub differs from -p"
fp=$("$READ" key-info demo.pub | sed -n 's/^Fingerprint: //p')
[ -n "$fp" ] || fail "no fingerprint from key-info"
grep -q "Fingerprint: $fp" "$MNT/key/fingerprint.txt" || fail "fingerprint.txt lacks $fp"
grep -q "$fp" "$MNT/README.txt" || fail "README.txt lacks the fingerprint"

# README.txt: BOM, CRLF on every line, Korean first then English, what to open first
[ "$(head -c 3 "$MNT/README.txt" | od -An -tx1 | tr -d ' ')" = "efbbbf" ] ||
    fail "README.txt has no UTF-8 BOM"
cr=$(printf '\r')
[ "$(grep -c "$cr\$" "$MNT/README.txt")" -eq "$(wc -l <"$MNT/README.txt")" ] ||
    fail "README.txt has lines without CRLF"
ko=$(grep -n "먼저 여십시오" "$MNT/README.txt" | cut -d: -f1)
en=$(grep -n "Open this first" "$MNT/README.txt" | cut -d: -f1)
[ -n "$ko" ] && [ -n "$en" ] && [ "$ko" -lt "$en" ] || fail "README.txt: Korean, then English"
grep -q "web/news/index.html" "$MNT/README.txt" || fail "README.txt does not point to the web export"
grep -q "F12" "$MNT/README.txt" || fail "README.txt does not name the panic key"
grep -q "chmod +x" "$MNT/README.txt" || fail "README.txt does not say how to run from FAT"
iconv -f UTF-8 -t UTF-8 "$MNT/README.txt" >/dev/null || fail "README.txt is not UTF-8"

# again without --force: refused, nothing changed; with --force: fine
expect_exit 1 "$PACK" stage news.satchel --to "$MNT" -p demo.pub --reader "$STATIC_READER" --quiet
grep -q -- "--force" "$T/err" || fail "existing layout files do not ask for --force"
echo "mine" >"$MNT/notes.txt"
expect_exit 0 "$PACK" stage news.satchel --to "$MNT" -p demo.pub --reader "$STATIC_READER" \
    --force --quiet
[ "$(cat "$MNT/notes.txt")" = "mine" ] || fail "a file stage did not write was touched"
(cd "$MNT" && b2sum -l 256 -c --quiet CHECKSUMS.b2) || fail "b2sum -c after --force"

# the long names survive on the FAT file system itself
unmount "$MNT"
mdir -/ -b -i "$T/drive.img" ::/ >mdir.out
for f in README.txt CHECKSUMS.b2 satchel/news.satchel satchel/news.satchel.parity \
    reader/linux-x86_64/satchel-read key/publisher.pub key/fingerprint.txt \
    web/news/index.html; do
    grep -qx "::/$f" mdir.out || fail "mdir does not list $f on the image"
done

# ---- FAT32 holds no file of 4 GiB: refused before writing (a sparse parity file) -------
mkdir huge
cp news.satchel huge/news.satchel
truncate -s 4294967296 huge/news.satchel.parity
fat_image "$T/fat.img" 40 "$MNT2"
expect_exit 1 "$PACK" stage huge/news.satchel --to "$MNT2" -p demo.pub --no-reader --quiet
grep -q "FAT32 holds files of at most 4 GiB - 1" "$T/err" || fail "no FAT32 file size error"
grep -q "nothing was written" "$T/err" || fail "FAT32 limit: no 'nothing was written'"
[ -z "$(ls -A "$MNT2")" ] || fail "something was written for a file over 4 GiB"
unmount "$MNT2"
rm -rf huge

# ---- a drive too small: the free-space error, and nothing left behind ------------------
mkdir big bigsrc
# a bundle of 40 MB: one article with a picture that does not compress
python3 - bigsrc <<'PY'
import os, struct, sys, zlib
out = sys.argv[1]
w, h = 1024, 13000
raw = b"".join(b"\0" + os.urandom(w * 3) for _ in range(h))
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
open(out + "/big.png", "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                                   + chunk(b"IDAT", zlib.compress(raw, 0)) + chunk(b"IEND", b""))
open(out + "/a.md", "w").write("---\ntitle: Big\ndate: 2026-11-20\n---\nA picture.\n\n![big](big.png)\n")
PY
"$PACK" build bigsrc -o big/news.satchel -s demo.key --title Big --date 2026-11-20 --quiet
[ "$(stat -c %s big/news.satchel)" -gt 36000000 ] || fail "the big bundle is too small"
fat_image "$T/small.img" 34 "$MNT2"
expect_exit 1 "$PACK" stage big/news.satchel --to "$MNT2" -p demo.pub --no-reader --quiet
grep -q "free space" "$T/err" || fail "no free-space error for a drive too small"
[ -z "$(find "$MNT2" -type f)" ] || fail "files left on the drive after a failed stage"
unmount "$MNT2"
echo "t_stage: ok"
