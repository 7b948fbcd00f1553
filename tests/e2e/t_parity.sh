# Recovery data (issue 7): build --parity 5 writes BUNDLE.parity; satchel-read repair
# rebuilds the bundle from it and verifies it before OUT appears.
#   - 2% of the 2 KiB sectors of the bundle AND 2% of the parity file's, 5 seeds: the repair
#     gives the original bytes back (cmp) and verify --deep passes;
#   - a burst of consecutive sectors, a truncated copy, a longer copy: repaired;
#   - 20% damage: exit 1, the damage named, no OUT;
#   - garbled, truncated and foreign parity files: a clear error, exit 1, no OUT;
#   - a repair whose result is not signed by a trusted key, or that was made from a forged
#     bundle: exit 3, no OUT;
#   - OUT is never BUNDLE, never an existing file without --force.
. "$E2E_LIB"
DMG="$ROOT/tests/damage/damage.py"

keygen demo
keygen other
# a few MB: the examples plus generated media that does not compress
mkdir -p src
cp -r "$ROOT/examples/." src/
python3 -c "
import random
r = random.Random(7)
for i in range(3):
    open('src/images/noise%d.png' % i, 'wb').write(bytes(r.getrandbits(8) for _ in range(900000)))
"
"$PACK" build src -o good.satchel -s demo.key --title "Parity test" --date 2026-11-20 \
    --parity 5 > build.out
grep -q "Recovery data good.satchel.parity" build.out || fail "build --parity printed no summary"
[ -f good.satchel.parity ] || fail "no good.satchel.parity"
size=$(stat -c %s good.satchel)
psize=$(stat -c %s good.satchel.parity)
[ "$size" -gt 2500000 ] || fail "test bundle too small: $size"
# about 5% plus the tables: between 5% and 8% of the bundle
[ $((psize * 100)) -ge $((size * 5)) ] && [ $((psize * 100)) -le $((size * 8)) ] ||
    fail "parity file of $psize bytes for a $size-byte bundle"
expect_exit 0 "$READ" verify good.satchel -p demo.pub

# the parity command makes the same file
"$PACK" parity good.satchel --percent 5 -o again.parity --quiet
cmp good.satchel.parity again.parity || fail "parity command and build --parity differ"
expect_exit 2 "$PACK" parity good.satchel --percent 51
# a BUNDLE that cannot be read: exit 4, no claim about sectors checked, nothing written
expect_exit 4 "$READ" repair nosuch.satchel --parity good.satchel.parity -o nosuch.out -p demo.pub
grep -q "Checked" "$T/out" && fail "repair of a missing bundle claims it checked sectors"
[ ! -e nosuch.out ] || fail "repair of a missing bundle wrote OUT"
# never over the bundle it protects (by name, or through a hard link)
cp good.satchel victim.satchel
ln victim.satchel alias.satchel
for o in victim.satchel alias.satchel; do
    expect_exit 1 "$PACK" parity victim.satchel --percent 5 -o "$o" --quiet
    grep -q "is the file to protect" "$T/err" || fail "no reason given for -o $o: $(cat "$T/err")"
    cmp victim.satchel good.satchel || fail "parity -o $o damaged the bundle"
done
"$PACK" build src -o js.satchel -s demo.key --title "Parity test" --date 2026-11-20 \
    --parity 5 --json > js.json
python3 -c "
import json
d = json.load(open('js.json'))
assert d['parity_file'] == 'js.satchel.parity', d
" || fail "build --parity --json does not name the parity file"
cmp good.satchel.parity js.satchel.parity || fail "the same bundle gave other recovery data"
expect_exit 2 "$PACK" build src -o x.satchel -s demo.key --parity 0

# repaired NAME [PARITY]: repairs NAME.satchel into NAME.out, which must equal good.satchel
repaired() {
    expect_exit 0 "$READ" repair "$1.satchel" --parity "${2:-good.satchel.parity}" \
        -o "$1.out" -p demo.pub
    cp "$T/out" "$1.rep"
    grep -q "^Repaired: $1.out is whole and genuine" "$1.rep" || fail "$1: no verdict"
    cmp good.satchel "$1.out" || fail "$1: repaired copy differs from the original"
    expect_exit 0 "$READ" verify "$1.out" --deep -p demo.pub
}
# refused NAME CODE [PARITY] [ARGS]: repair exits CODE and writes nothing
refused() {
    n=$1 code=$2 par=${3:-good.satchel.parity}
    shift 3 || shift $#
    expect_exit "$code" "$READ" repair "$n.satchel" --parity "$par" -o "$n.out" "$@"
    [ ! -e "$n.out" ] || fail "$n: OUT written although the repair failed"
    ! ls "$n.out".tmp.* >/dev/null 2>&1 || fail "$n: temporary file left"
    ! grep -q 'Sanitizer\|runtime error' "$T/err" || fail "$n: sanitizer report"
}

for seed in 1 2 3 4 5; do
    python3 "$DMG" sectors good.satchel "r$seed.satchel" --rate 0.02 --seed "$seed" \
        --sector 2048 --ranges /dev/null
    python3 "$DMG" sectors good.satchel.parity "r$seed.parity" --rate 0.02 \
        --seed $((seed + 50)) --sector 2048 --ranges /dev/null
    expect_exit 1 "$READ" verify "r$seed.satchel" -p demo.pub
    repaired "r$seed" "r$seed.parity"
    grep -q "damaged or missing (1\.9[0-9]%\|damaged or missing (2\.0[0-9]%" "r$seed.rep" ||
        { cat "r$seed.rep"; fail "r$seed: the damage share is not reported"; }
done

# the default parity file name is BUNDLE.parity; --json
cp r1.satchel j.satchel
cp r1.parity j.satchel.parity
expect_exit 0 "$READ" repair j.satchel -o j.out -p demo.pub --json
python3 -c "
import json, sys
d = json.load(open('$T/out'))
assert d['ok'] is True and d['result'] == 'repaired', d
assert d['damaged_sectors'] > 20 and d['rebuilt_sectors'] == d['damaged_sectors'], d
assert d['parity'] == 'j.satchel.parity', d
" || fail "repair --json"
cmp good.satchel j.out || fail "j: differs"

# a burst: 70 consecutive sectors (a scratch) in the middle
python3 -c "
d = bytearray(open('good.satchel', 'rb').read())
for i in range(500 * 2048, 570 * 2048):
    d[i] ^= 0x33
open('burst.satchel', 'wb').write(d)
"
repaired burst
# a truncated copy (the last 60 sectors and a half missing) and a longer one
python3 "$DMG" truncate good.satchel trunc.satchel --at $((size - 60 * 2048 - 1000)) \
    --ranges /dev/null
repaired trunc
{ cat good.satchel; head -c 5000 /dev/zero; } > long.satchel
repaired long

# 20% damage: beyond 5%
python3 "$DMG" sectors good.satchel big.satchel --rate 0.20 --seed 9 --sector 2048 \
    --ranges /dev/null
refused big 1 good.satchel.parity -p demo.pub
grep -q "cannot repair" "$T/err" || fail "big: no reason given"
grep -q "parity covers" "$T/err" || fail "big: what the parity covers is not said"
grep -q "NOT repaired" "$T/out" || fail "big: no verdict"

# garbled parity files: random bytes, cut to 1000 bytes, empty, missing, a bundle
cp r1.satchel g.satchel
head -c 300000 /dev/urandom > garbage.parity
refused g 1 garbage.parity -p demo.pub
grep -q "not a Satchel parity file" "$T/err" || fail "garbage: unclear error"
head -c 1000 good.satchel.parity > cut.parity
refused g 1 cut.parity -p demo.pub
: > empty.parity
refused g 1 empty.parity -p demo.pub
refused g 4 missing.parity -p demo.pub
refused g 1 good.satchel -p demo.pub
# every copy of the header garbled, the rest intact
python3 -c "
d = bytearray(open('good.satchel.parity', 'rb').read())
for i in range(len(d) // 2048):
    if d[i * 2048:i * 2048 + 8] == b'SATPARTY':
        d[i * 2048 + 100] ^= 1
open('nohead.parity', 'wb').write(d)
"
refused g 1 nohead.parity -p demo.pub

# the parity file of another bundle
mkdir -p src2
cp -r "$ROOT/examples/." src2/
"$PACK" build src2 -o other.satchel -s demo.key --title "Other" --date 2026-11-20 \
    --parity 5 --quiet
refused g 1 other.satchel.parity -p demo.pub
grep -q "cannot repair" "$T/err" || fail "other: no reason"

# not signed by a trusted key: the repaired bytes are right, but OUT is not written
cp r2.satchel u.satchel
refused u 3 r2.parity -p other.pub
grep -q "NOT repaired (not genuine)" "$T/out" || fail "untrusted: no verdict"

# a forged bundle (one byte of the signed root changed, in both copies) with recovery data
# made from it: the repair rebuilds the forgery faithfully and the signature check refuses it
python3 -c "
d = bytearray(open('good.satchel', 'rb').read())
head = bytes(d[1536:1536 + 64])
tail = d.find(head, 1536 + 64)
assert tail > 0
d[1536 + 40] ^= 1
d[tail + 40] ^= 1
open('forged.satchel', 'wb').write(d)
"
"$PACK" parity forged.satchel --percent 5 --quiet
python3 "$DMG" sectors forged.satchel fd.satchel --rate 0.02 --seed 3 --sector 2048 \
    --ranges /dev/null
refused fd 3 forged.satchel.parity -p demo.pub

# recovery data made from a bundle whose head copy was already damaged: the repair gives
# those bytes back, verify finds the damage, and OUT is not written
python3 -c "
d = bytearray(open('good.satchel', 'rb').read())
d[1536 + 40] ^= 1
open('hd.satchel', 'wb').write(d)
"
"$PACK" parity hd.satchel --percent 5 --quiet
refused hd 1 hd.satchel.parity -p demo.pub
grep -q "damaged" "$T/err" || fail "hd: no reason"

# OUT is never BUNDLE, never an existing file without --force
cp r3.satchel same.satchel
expect_exit 2 "$READ" repair same.satchel --parity r3.parity -o same.satchel --force -p demo.pub
cmp same.satchel r3.satchel || fail "same: BUNDLE changed"
echo keep > exists.out
expect_exit 4 "$READ" repair r3.satchel --parity r3.parity -o exists.out -p demo.pub
[ "$(cat exists.out)" = keep ] || fail "existing OUT replaced without --force"
expect_exit 0 "$READ" repair r3.satchel --parity r3.parity -o exists.out --force -p demo.pub
cmp good.satchel exists.out || fail "exists: differs after --force"
expect_exit 2 "$READ" repair r3.satchel --parity r3.parity -p demo.pub
echo "parity: 5 seeds at 2% (bundle and parity file), burst, truncation repaired; 20%, garbled," \
    "foreign, untrusted and forged refused"
