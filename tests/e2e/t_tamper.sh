# Tampering and damage: a flipped byte in one copy of the signature and manifest is
# damage the other copy covers (exit 1); the same flip in both copies makes the bundle not
# genuine (exit 3); a damaged cluster or media member costs exactly its entries (exit 1);
# a truncated copy serves what it still holds (exit 1); foreign-signed, empty and random
# files are refused (exit 3).
. "$E2E_LIB"
. "$(dirname "$E2E_LIB")/spec_tools.sh"

keygen demo
# a part of examples/, small clusters so that there are several
mkdir -p src/articles/ko
cp -R "$ROOT/examples/images" "$ROOT/examples/radio" src/
cp "$ROOT/examples/articles/ko/"2026-11-* src/articles/ko/
"$PACK" build src -o good.satchel -s demo.key --title "Satchel demo" \
    --date 2026-11-20 --cluster-size 8192 --quiet
expect_exit 0 "$READ" verify good.satchel -p demo.pub
size=$(wc -c < good.satchel)
# the flips in (a) and (b) run verify about 450 times: on a bundle of three articles and
# an image, so that its manifest is small
mkdir -p tiny/articles/ko tiny/images
cp "$ROOT/examples/articles/ko/"2026-11-0[34]-* "$ROOT/examples/articles/ko/"2026-11-10-* tiny/articles/ko/
cp "$ROOT/examples/images/rice-prices.png" "$ROOT/examples/images/water-steps.png" tiny/images/
"$PACK" build tiny -o tiny.satchel -s demo.key --date 2026-11-20 --quiet
expect_exit 0 "$READ" verify tiny.satchel -p demo.pub

# flip FILE POS: XORs the byte at POS with 0x01 in place (applying it twice restores it)
flip() {
    _fb=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
    [ -n "$_fb" ] || fail "flip: no byte at $2 in $1"
    printf "$(printf '\\%03o' $((_fb ^ 1)))" | dd of="$1" bs=1 seek="$2" count=1 conv=notrunc 2>/dev/null
}
# flip_each FILE FIRST END STEP WHAT [WANT [MIRROR]]: for POS = FIRST, FIRST+STEP, ... < END,
# verify of FILE (a copy of tiny.satchel) with the byte at POS flipped (and the byte at
# POS+MIRROR too, when given: the same byte of the tail copy) must exit WANT (default 3,
# with a NOT VERIFIED message). Kept quick: the original bytes are read once, the messages
# are checked together at the end, and two loops run at the same time on two copies.
flip_each() {
    _f=$1
    _want=${6:-3}
    _mirror=${7:-}
    : > "$_f.out"; : > "$_f.err"
    _n=0
    _pos=$2
    for _b in $(od -An -tu1 -v -j "$2" -N $(($3 - $2)) "$_f" | awk -v s="$4" '{ for (i = 1; i <= NF; i++) if (k++ % s == 0) print $i }'); do
        printf "$(printf '\\%03o' $((_b ^ 1)))" | dd of="$_f" bs=1 seek="$_pos" count=1 conv=notrunc 2>/dev/null
        [ -z "$_mirror" ] || flip "$_f" $((_pos + _mirror))
        set +e
        "$READ" verify "$_f" -p demo.pub >> "$_f.out" 2>> "$_f.err"
        _rc=$?
        set -e
        printf "$(printf '\\%03o' "$_b")" | dd of="$_f" bs=1 seek="$_pos" count=1 conv=notrunc 2>/dev/null
        [ -z "$_mirror" ] || flip "$_f" $((_pos + _mirror))
        [ "$_rc" -eq "$_want" ] || { cat "$_f.out"; tail -n 3 "$_f.err"; fail "$5: flipping byte $_pos gave exit $_rc, want $_want"; }
        _pos=$((_pos + $4)); _n=$((_n + 1))
    done
    [ "$_n" -gt 0 ] || fail "$5: nothing flipped"
    if [ "$_want" -eq 3 ]; then
        [ "$(grep -c 'NOT VERIFIED' "$_f.err")" -eq "$_n" ] || fail "$5: not every flip says NOT VERIFIED"
    else
        [ "$(grep -c '^Signature: good' "$_f.out")" -eq "$_n" ] || fail "$5: signature not good"
        [ "$(grep -c "^DAMAGED .*${8:-index page}" "$_f.out")" -ge "$_n" ] || fail "$5: not every flip is named (${8:-index page})"
    fi
    grep -q '^All .* intact' "$_f.out" && fail "$5: a flipped bundle was called intact"
    cmp -s tiny.satchel "$_f" || fail "$5: the flipper did not restore the file"
    echo "$5: $_n flips, all refused"
}

# (a) the signature member: data at 512; lines 2-4 (signature, trusted comment, global
# signature), every byte including the line ends; and a sample of its tar header (name,
# mode, size, checksum, typeflag, magic)
sig=$(tar -xOf tiny.satchel satchel-manifest.zst.minisig)
l1=$(printf '%s\n' "$sig" | sed -n 1p | wc -c)
l24=$(printf '%s\n' "$sig" | sed -n 2,4p | wc -c)
[ "$l24" -gt 200 ] || fail "signature lines 2-4 are only $l24 bytes"
tsize=$(wc -c < tiny.satchel)
sigmirror=$((tsize - 2048 - 0))   # the tail signature header lies 2048 bytes before the end
cp tiny.satchel t1.satchel
(
    # both copies: not genuine
    flip_each t1.satchel $((512 + l1)) $((512 + l1 + l24)) 1 "signature lines 2-4" 3 "$sigmirror"
    for pos in 0 5 27 100 103 124 130 148 150 156 257 262; do
        flip_each t1.satchel "$pos" $((pos + 1)) 1 "signature header byte $pos" 3 "$sigmirror"
    done
    # the head copy alone: the tail copy serves, verify names the damage
    flip_each t1.satchel $((512 + l1)) $((512 + l1 + l24)) 3 "head signature only" 1 "" "(bundle)"
) > job1.log 2>&1 &
job1=$!

# (b) the compressed manifest, every 7th byte, its last byte and a sample of its header
tc=$(printf '%s\n' "$sig" | sed -n 's/^trusted comment: //p')
moff=$(echo "$tc" | sed 's/.*manifest=\([0-9]*\)+.*/\1/')
mzlen=$(echo "$tc" | sed 's/.*manifest=[0-9]*+\([0-9]*\):.*/\1/')
[ "$((moff + mzlen))" -le "$(wc -c < tiny.satchel)" ] && [ "$mzlen" -gt 100 ] || fail "bad manifest location: $tc"
[ "$moff" -eq 1536 ] || fail "the root manifest is not second: $tc"
manmirror=$((tsize - 2048 - (mzlen + 511) / 512 * 512 - moff))
cp tiny.satchel t2.satchel
(
    flip_each t2.satchel "$moff" $((moff + mzlen)) 7 "compressed manifest" 3 "$manmirror"
    flip_each t2.satchel $((moff + mzlen - 1)) $((moff + mzlen)) 1 "manifest's last byte" 3 "$manmirror"
    for pos in $((moff - 512)) $((moff - 512 + 124)) $((moff - 512 + 148)) $((moff - 512 + 257)); do
        flip_each t2.satchel "$pos" $((pos + 1)) 1 "manifest header byte $pos" 3 "$manmirror"
    done
    flip_each t2.satchel "$moff" $((moff + mzlen)) 13 "head manifest only" 1 "" "(bundle)"
    flip_each t2.satchel $((moff + manmirror)) $((moff + manmirror + mzlen)) 13 "tail manifest only" 1 "" "(bundle)"
) > job2.log 2>&1 &
job2=$!
# (b2) the index page, every 11th byte: damaged (exit 1), the signature still good
tD=$(data_start_of tiny.satchel)
pg=$(manifest_of tiny.satchel | awk -F'\t' -v D="$tD" '$1 == "P" { print $2 + D, $3; exit }')
[ -n "$pg" ] || fail "tiny.satchel has no index page"
set -- $pg
cp tiny.satchel t3.satchel
flip_each t3.satchel "$1" $(($1 + $2)) 11 "index page" 1
flip t3.satchel $(($1 + $2 / 2))
expect_exit 1 "$READ" show t3.satchel articles-ko-2026-11-03-rice-prices -p demo.pub
grep -q 'index page' "$T/err" || fail "show with a damaged index page: $(cat "$T/err")"
[ ! -s "$T/out" ] || fail "show with a damaged index page printed something"
expect_exit 1 "$READ" extract t3.satchel --to xt3 -p demo.pub
[ -z "$(ls -A xt3 2>/dev/null)" ] || fail "extract with a damaged index page wrote files"
wait "$job1" || { cat job1.log; fail "signature flips"; }
wait "$job2" || { cat job2.log; fail "manifest flips"; }
cat job1.log job2.log

# (c) one byte of cluster 0: exactly cluster 0's entries are damaged, the rest readable
manifest_of good.satchel > manifest.txt
entries_of good.satchel > entries.txt
gD=$(data_start_of good.satchel)
c0off=$(awk -F'\t' -v D="$gD" '$1 == "C" { print $2 + D; exit }' manifest.txt)
c0size=$(awk -F'\t' '$1 == "C" { print $3; exit }' manifest.txt)
[ "$(grep -c '^C' manifest.txt)" -ge 3 ] || fail "want several clusters"
awk -F'\t' '$1 == "E" && $12 == "0" { print $2 }' entries.txt | LC_ALL=C sort > in0.txt
awk -F'\t' '$1 == "E" && $12 == "1" { print $2; exit }' entries.txt > in1.txt
[ -s in0.txt ] && [ -s in1.txt ] || fail "no entries in clusters 0 and 1"
cp good.satchel c.satchel
flip c.satchel $((c0off + c0size / 3))
expect_exit 1 "$READ" verify c.satchel -p demo.pub
grep -q '^Signature: good' "$T/out" || fail "damaged cluster: signature no longer good?"
sed -n 's/^DAMAGED \([^:]*\):.*/\1/p' "$T/out" | LC_ALL=C sort > named.txt
cmp -s in0.txt named.txt || { diff in0.txt named.txt; fail "verify named other entries than cluster 0's"; }
nent=$(grep -c '^E' entries.txt)
grep -q "^$(wc -l < in0.txt) of $nent entries DAMAGED" "$T/out" || fail "verify summary: $(tail -n 1 "$T/out")"
expect_exit 1 "$READ" verify c.satchel -p demo.pub --json
python3 - "$T/out" in0.txt <<'PY' || fail "verify --json on damage: $(cat "$T/out")"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["ok"] is False and j["signature"] == "good"
assert sorted(d["id"] for d in j["damaged"]) == open(sys.argv[2]).read().split()
PY
expect_exit 0 "$READ" show c.satchel "$(cat in1.txt)" -p demo.pub
[ -s "$T/out" ] || fail "show of an entry in cluster 1 printed nothing"
expect_exit 1 "$READ" show c.satchel "$(head -n 1 in0.txt)" -p demo.pub
grep -q 'DAMAGED' "$T/err" || fail "show of a damaged entry: $(cat "$T/err")"
[ ! -s "$T/out" ] || fail "show of a damaged entry printed content"
# extract: everything but cluster 0's entries, and those not at all
expect_exit 1 "$READ" extract c.satchel --to xc -p demo.pub
while read -r id; do
    [ ! -e "xc/$id.gmi" ] || fail "extract wrote damaged entry $id"
done < in0.txt
[ -s "xc/$(cat in1.txt).gmi" ] || fail "extract skipped an intact entry"
[ "$(ls xc | wc -l)" -eq $((nent - $(wc -l < in0.txt))) ] || fail "extract wrote $(ls xc | wc -l) files"
ls -A xc | grep -q '^\.' && fail "extract left temporary files"

# a damaged media member: only that entry
moff_img=$(awk -F'\t' -v D="$gD" '$1 == "M" && $5 == "images-rice-prices.png" { print $2 + D }' manifest.txt)
[ -n "$moff_img" ] || fail "no M line for images-rice-prices.png"
cp good.satchel m.satchel
flip m.satchel $((moff_img + 100))
expect_exit 1 "$READ" verify m.satchel -p demo.pub
[ "$(grep -c '^DAMAGED' "$T/out")" -eq 1 ] && grep -q '^DAMAGED images-rice-prices.png:' "$T/out" ||
    fail "media damage: $(cat "$T/out")"
expect_exit 1 "$READ" extract m.satchel --to xm -p demo.pub images-rice-prices.png
[ ! -e xm/images-rice-prices.png ] || fail "damaged image was written"
expect_exit 0 "$READ" show m.satchel articles-ko-2026-11-03-rice-prices -p demo.pub

# (d) truncated bundles: without the head signature and manifest nothing verifies (600
# bytes, 1500, inside the manifest); with them the copy serves what it holds
gmoff=$(tar -xOf good.satchel satchel-manifest.zst.minisig | sed -n 's/.*manifest=\([0-9]*\)+.*/\1/p')
[ "$gmoff" = 1536 ] || fail "no manifest offset in good.satchel"
gmzlen=$(tar -xOf good.satchel satchel-manifest.zst.minisig | sed -n 's/.*manifest=[0-9]*+\([0-9]*\):.*/\1/p')
for cut in 600 1500 $((gmoff - 100)) $((gmoff + 10)) $((gmoff + gmzlen - 1)); do
    head -c "$cut" good.satchel > cut.satchel
    expect_exit 3 "$READ" verify cut.satchel -p demo.pub
    grep -Eq 'truncated|too short' "$T/err" ||
        fail "truncated at $cut: unclear message: $(cat "$T/err")"
done
for cut in $((size / 2)) $((size - 2000)) $((c0off + 100)); do
    head -c "$cut" good.satchel > cut.satchel
    expect_exit 1 "$READ" verify cut.satchel -p demo.pub
    grep -q '^Signature: good' "$T/out" || fail "truncated at $cut: signature not good"
    grep -q '^DAMAGED (bundle): the file is truncated' "$T/out" || fail "truncated at $cut: $(cat "$T/out")"
    expect_exit 0 "$READ" list cut.satchel -p demo.pub
    [ "$(wc -l < "$T/out")" -eq "$nent" ] || fail "truncated at $cut: list does not list every entry"
done

# (e) signed by another key
keygen other
"$PACK" build src -o other.satchel -s other.key --date 2026-11-20 --quiet
expect_exit 3 "$READ" verify other.satchel -p demo.pub
grep -Eq 'trusted|key' "$T/err" || fail "foreign key: message: $(cat "$T/err")"
grep -q "$(head -n 1 other.pub | sed 's/.* //')" "$T/err" || fail "foreign key: key id not named"
for cmd in info list; do
    expect_exit 3 "$READ" $cmd other.satchel -p demo.pub
    [ ! -s "$T/out" ] || fail "$cmd of a foreign bundle printed: $(cat "$T/out")"
done
expect_exit 3 "$READ" show other.satchel articles-ko-2026-11-03-rice-prices -p demo.pub
[ ! -s "$T/out" ] || fail "show of a foreign bundle printed content"
expect_exit 3 "$READ" extract other.satchel --to xo -p demo.pub
[ ! -e xo ] || [ -z "$(ls -A xo)" ] || fail "extract of a foreign bundle wrote files"
# a signature transplanted from another bundle onto this manifest: the tail copy still
# holds the genuine one; transplanted onto both copies, nothing verifies
cp good.satchel sw.satchel
dd if=other.satchel of=sw.satchel bs=512 count=2 conv=notrunc 2>/dev/null
expect_exit 1 "$READ" verify sw.satchel -p demo.pub -p other.pub
grep -q '^DAMAGED (bundle): the signature and manifest at the start are damaged' "$T/out" ||
    fail "transplanted head signature: $(cat "$T/out")"
dd if=other.satchel of=sw.satchel bs=512 skip=$(($(wc -c < other.satchel) / 512 - 4)) \
    seek=$((size / 512 - 4)) count=2 conv=notrunc 2>/dev/null
expect_exit 3 "$READ" verify sw.satchel -p demo.pub -p other.pub

# (f) an empty file, random bytes, a plain tar archive
: > empty.satchel
expect_exit 3 "$READ" verify empty.satchel -p demo.pub
[ -s "$T/err" ] || fail "empty file: no message"
head -c 102400 /dev/urandom > random.satchel
expect_exit 3 "$READ" verify random.satchel -p demo.pub
grep -q 'not a Satchel bundle' "$T/err" || fail "random file: message: $(cat "$T/err")"
tar -cf plain.tar manifest.txt demo.pub
expect_exit 3 "$READ" verify plain.tar -p demo.pub
grep -q 'not a Satchel bundle' "$T/err" || fail "plain tar: message: $(cat "$T/err")"
