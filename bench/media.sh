#!/bin/sh
# make bench-media (and the end of make bench unless BENCH_MEDIA=0): issue 7's work on the way
# onto the media, side by side in one run with the tools a user would otherwise use, on one
# generated collection heavy with photos and audio (bench/genmedia.py). Four tables:
#   1. recovery data: satchel-pack parity --percent 5 against par2 (par2cmdline) at 5%,
#      encoding, then damaged copies (2 KiB sectors of the bundle AND of the recovery files)
#      repaired by each: how many came back byte-identical, and how fast
#   2. DVD image: satchel-pack iso (with its read-back) against xorriso -as mkisofs of the same
#      layout, and the read-back/verify of each image
#   3. USB staging: satchel-pack stage (read-back past the page cache, bundles verified) against
#      cp -r + sync + b2sum -c of the copy
#   4. volumes: build --max-size against one bundle of the same collection
# Settings (environment):
#   BENCH_MEDIA_MB=50       megabytes of the collection (the bundle is about as large)
#   BENCH_MEDIA_SEEDS=3     damage trials per rate (seeds 1..N), each repaired by every tool
#   BENCH_MEDIA_RATES="2 3 4"  percent of 2 KiB sectors damaged
#   BENCH_MEDIA_VOL=        --max-size of table 4 (default 40% of BENCH_MEDIA_MB, at least 10M)
#   BENCH_PARITY_STATS=0    1: then also bench/parity_bench.sh (200 MB encode/repair, 20 trials
#                           per rate on random files of 3 and 20 MB; about 3 more minutes)
# Needs par2, xorriso, b2sum (coreutils), python3 and $(B)/satchel-read-static (make
# static-reader). Writes into bench/out/media/ (the collection is kept for the same size).
set -eu
BIN=${1:?usage: media.sh BIN_DIR}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/bench/out/media"
PACK="$BIN/satchel-pack"
READ="$BIN/satchel-read"
DMG="$ROOT/tests/damage/damage.py"
MB=${BENCH_MEDIA_MB:-50}
SEEDS=${BENCH_MEDIA_SEEDS:-3}
RATES=${BENCH_MEDIA_RATES:-"2 3 4"}
VOL=$((MB * 2 / 5))
[ "$VOL" -ge 10 ] || VOL=10 # the largest generated audio (4 MB) with its transcript must fit
VOL=${BENCH_MEDIA_VOL:-${VOL}M}
LABEL=MEDIA_BENCH

for t in par2 xorriso b2sum python3 cc; do
    command -v "$t" >/dev/null || { echo "media.sh: $t is missing (scripts/deps.sh installs it)" >&2; exit 1; }
done
[ -x "$BIN/satchel-read-static" ] ||
    { echo "media.sh: $BIN/satchel-read-static is missing: run make static-reader" >&2; exit 1; }
mkdir -p "$OUT"
cd "$OUT"
cc -std=c11 -O2 -D_GNU_SOURCE -Wall -Wextra -Werror -o timeit "$ROOT/bench/timeit.c"

# timed CMD...: one run of CMD under ./timeit (stdout to /dev/null): wall seconds, peak RSS KB
# and CPU seconds (user + system, children included) into $secs $rss $cpu; CMD's status
timed() {
    _rc=0
    _t=$(./timeit 1 "$@") || _rc=$?
    set -- $_t
    secs=$(awk -v m="$1" 'BEGIN { printf "%.2f", m / 1000 }') rss=$4 cpu=$5
    return $_rc
}
size() { stat -c %s "$1"; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f%%", 100 * a / b }'; }
mbs() { awk -v b="$1" -v t="$2" 'BEGIN { if (t > 0) printf "%.1f", b / t / 1e6; else print "-" }'; }
# row LABEL VALUE...: one table line, the label 40 wide, each value 20
row() {
    printf '%-40s' "$1"
    shift
    for _v in "$@"; do printf ' %20s' "$_v"; done
    printf '\n'
}
rule() { row "$(printf '%040d' 0 | tr 0 -)" "$@"; }
# jget FILE KEY: a top-level value of a JSON object
jget() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

# ---- the collection and its bundle
stamp="media-$MB-$(cksum < "$ROOT/bench/genmedia.py" | cut -d' ' -f1).done"
if [ ! -f "$stamp" ]; then
    rm -rf src media-*.done
    python3 "$ROOT/bench/genmedia.py" src "$MB" 1
    touch "$stamp"
fi
rm -f k.key k.pub
"$PACK" keygen --no-passphrase -p k.pub -s k.key >/dev/null
src_bytes=$(du -sb src | cut -f1)
rm -f m.satchel m.satchel.parity
timed "$PACK" build src -o m.satchel -s k.key --date 2026-11-20 --quiet
one_s=$secs one_cpu=$cpu one_rss=$rss
bundle=$(size m.satchel)
printf 'media collection: %s files, %s bytes (bench/genmedia.py %s MB, seed 1: photos and audio that\n' \
    "$(find src -type f | wc -l)" "$src_bytes" "$MB"
printf 'do not compress); bundle m.satchel %s bytes = %s sectors of 2 KiB\n' "$bundle" \
    "$(((bundle + 2047) / 2048))"

# ---- 1. recovery data: satchel-pack parity against par2 at 5%
timed "$PACK" parity m.satchel --percent 5 -o m.satchel.parity --quiet
sp_s=$secs sp_cpu=$cpu sp_rss=$rss sp_size=$(size m.satchel.parity)
for p in 1 10; do
    "$PACK" parity m.satchel --percent "$p" -o p.parity --quiet
    eval "sp_size$p=\$(size p.parity)"
done
rm -f p.parity
# par2 counts blocks: one bad byte loses its whole block, so a block of k sectors is lost
# with probability 1-(1-r)^k under sector damage r. b1: the smallest multiple of 2048 that
# keeps the bundle within par2's 32,768 source blocks (2048 up to 64 MiB): one sector, one
# block, as satchel's parity counts. b2 = 2 x b1: half as many blocks, so par2's per-block
# checksum packet is half as long, at twice the share of damaged blocks.
b1=2048
while [ $(((bundle + b1 - 1) / b1)) -gt 32768 ]; do b1=$((b1 + 2048)); done
b2=$((b1 * 2))
for b in $b1 $b2; do
    rm -rf "par-$b"
    mkdir "par-$b"
    ln m.satchel "par-$b/m.satchel"
    timed sh -c 'cd "$0" && par2 create -q -q -s"$1" -r5 -n1 m.satchel.par2 m.satchel' "par-$b" "$b"
    eval "p_s$b=\$secs p_cpu$b=\$cpu p_rss$b=\$rss"
    eval "p_size$b=\$(cat par-$b/*.par2 | wc -c)"
done

# trials: the same damaged bundle for every tool; each tool's recovery files damaged at the
# same rate with their own seeds (seed+1000, +2000, ...); byte-identical = cmp with m.satchel
: > trials.tsv
for rate in $RATES; do
    r=$(awk -v p="$rate" 'BEGIN { print p / 100 }')
    seed=1
    while [ "$seed" -le "$SEEDS" ]; do
        python3 "$DMG" sectors m.satchel d.satchel --rate "$r" --seed "$seed" --ranges /dev/null
        python3 "$DMG" sectors m.satchel.parity d.satchel.parity --rate "$r" \
            --seed $((seed + 1000)) --ranges /dev/null
        rm -f r.satchel
        timed sh -c '"$0" repair d.satchel --parity d.satchel.parity -o r.satchel -p k.pub \
            2>repair.err' "$READ" || :
        ok=0
        cmp -s r.satchel m.satchel && ok=1
        # why not: how many stripes lost more sectors than their parity covers
        why=$(sed -n 's/.* \([0-9]*\) of \([0-9]*\) stripes lost more.*/\1 \2/p' repair.err)
        printf '%s\tsatchel\t%s\t%s\t%s\t%s\t%s\n' "$rate" "$ok" "$secs" "$cpu" "$rss" "$why" >> trials.tsv
        for b in $b1 $b2; do
            rm -rf t
            mkdir t
            cp d.satchel t/m.satchel
            k=1000
            for f in "par-$b"/*.par2; do
                python3 "$DMG" sectors "$f" "t/${f##*/}" --rate "$r" --seed $((seed + k)) \
                    --ranges /dev/null
                k=$((k + 1000))
            done
            timed sh -c 'cd t && par2 repair -q m.satchel.par2 >../repair.err 2>&1' || :
            ok=0
            cmp -s t/m.satchel m.satchel && ok=1
            # why not: how many more recovery blocks par2 said it needed
            why=$(tr '\r' '\n' < repair.err | sed -n 's/^You need \([0-9]*\) more recovery blocks.*/\1/p')
            printf '%s\tpar2-%s\t%s\t%s\t%s\t%s\t%s\n' "$rate" "$b" "$ok" "$secs" "$cpu" "$rss" "$why" >> trials.tsv
        done
        seed=$((seed + 1))
    done
done
rm -rf t d.satchel d.satchel.parity r.satchel repair.err
# trial_cell RATE TOOL FIELD: "k/N" (FIELD ok), the mean wall s / CPU s of the trials that
# came back identical and the peak RSS over all trials (FIELD s, cpu, rss), or why the failed
# ones failed (FIELD why: satchel's stripes over their parity "a,b of N", par2's missing blocks)
trial_cell() {
    awk -F'\t' -v r="$1" -v t="$2" -v f="$3" '
        $1 == r && $2 == t { n++; if ($3) { k++; s += $4; c += $5 } if ($6 > m) m = $6
                             if (!$3 && $7 != "") { split($7, w, " "); y = y (y == "" ? "" : ",") w[1]
                                                    if (w[2] != "") of = " of " w[2] } }
        END { if (f == "ok") print k + 0 "/" n
              else if (f == "rss") print m
              else if (f == "why") print (y == "" ? "-" : y of)
              else if (!k) print "-"
              else printf "%.2f\n", (f == "s" ? s : c) / k }' trials.tsv
}

echo
echo "1. Recovery data at 5%: satchel-pack parity against par2 (par2cmdline $(par2 -V 2>&1 | head -n 1 | awk '{ print $NF }'))"
row "measure" "satchel-pack parity" "par2 -s$b1" "par2 -s$b2"
rule "-------------------" "----------" "----------"
row "options" "--percent 5" "-s$b1 -r5 -n1" "-s$b2 -r5 -n1"
row "encode s (wall)" "$sp_s" "$(eval echo \$p_s$b1)" "$(eval echo \$p_s$b2)"
row "encode MB/s (wall)" "$(mbs "$bundle" "$sp_s")" "$(mbs "$bundle" "$(eval echo \$p_s$b1)")" \
    "$(mbs "$bundle" "$(eval echo \$p_s$b2)")"
row "encode CPU s (user + system)" "$sp_cpu" "$(eval echo \$p_cpu$b1)" "$(eval echo \$p_cpu$b2)"
row "encode peak RSS KB" "$sp_rss" "$(eval echo \$p_rss$b1)" "$(eval echo \$p_rss$b2)"
row "recovery data bytes" "$sp_size" "$(eval echo \$p_size$b1)" "$(eval echo \$p_size$b2)"
row "  share of the bundle" "$(pct "$sp_size" "$bundle")" "$(pct "$(eval echo \$p_size$b1)" "$bundle")" \
    "$(pct "$(eval echo \$p_size$b2)" "$bundle")"
row "  at 1% / 10% (satchel only)" "$(pct "$sp_size1" "$bundle") / $(pct "$sp_size10" "$bundle")" "" ""
for rate in $RATES; do
    row "$rate% of sectors damaged: byte-identical" "$(trial_cell "$rate" satchel ok)" \
        "$(trial_cell "$rate" "par2-$b1" ok)" "$(trial_cell "$rate" "par2-$b2" ok)"
    row "  repair s (wall, mean of the repaired)" "$(trial_cell "$rate" satchel s)" \
        "$(trial_cell "$rate" "par2-$b1" s)" "$(trial_cell "$rate" "par2-$b2" s)"
    row "  repair CPU s (mean of the repaired)" "$(trial_cell "$rate" satchel cpu)" \
        "$(trial_cell "$rate" "par2-$b1" cpu)" "$(trial_cell "$rate" "par2-$b2" cpu)"
    row "  repair peak RSS KB (all trials)" "$(trial_cell "$rate" satchel rss)" \
        "$(trial_cell "$rate" "par2-$b1" rss)" "$(trial_cell "$rate" "par2-$b2" rss)"
    row "  failed: stripes over / blocks short" "$(trial_cell "$rate" satchel why)" \
        "$(trial_cell "$rate" "par2-$b1" why)" "$(trial_cell "$rate" "par2-$b2" why)"
done
echo "Seeds 1-$SEEDS per rate: the same sectors of the bundle damaged for every tool, and each tool's"
echo "recovery files (satchel: m.satchel.parity; par2: its index file and one volume file) damaged"
echo "at the same rate. satchel: satchel-read repair -o (writes only a whole, genuine bundle);"
echo "par2: par2 repair in place. par2 -s$b1 is one block per 2 KiB sector where par2's block limit"
echo "allows it (no loss amplified), -s$b2 halves par2's block-checksum packet and doubles the share"
echo "of damaged blocks. Both encoders ran on the 2 cores (par2: OpenMP threads). \"failed\": for"
echo "satchel the stripes (of 1,024 sectors) that lost more than their parity covers, for par2 how"
echo "many more recovery blocks it needed. par2 checks each block against a checksum packet (20"
echo "bytes per block) stored in one piece, a copy in each file: when sector damage hits every copy,"
echo "par2 can check no block and needs nearly all of them (-s$b1: $(((bundle + b1 - 1) / b1)) blocks)."

# ---- 2. DVD image: satchel-pack iso against xorriso -as mkisofs on the same layout
rm -rf layout
mkdir layout
"$PACK" stage m.satchel --to layout -p k.pub --quiet
layout_bytes=$(find layout -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
rm -f s.iso x.iso
# progress lines on stderr, each stamped as it arrives: "writing 100%" ends the image, the
# read-back follows
timed sh -c '"$0" iso "$1" -o s.iso -p "$2" --label "$3" --json 2>&1 >iso.json |
    while IFS= read -r l; do echo "$(date +%s.%N) $l"; done > iso.stamps' \
    "$PACK" m.satchel k.pub "$LABEL"
si_s=$secs si_cpu=$cpu si_rss=$rss
[ "$(jget iso.json readback)" = ok ] || { echo "media.sh: satchel-pack iso failed: $(cat iso.stamps)" >&2; exit 1; }
si_rb=$(awk '/writing 100%/ { w = $1 } /reading back 100%/ { r = $1 }
    END { if (w && r) printf "%.2f", r - w; else print "-" }' iso.stamps) # "-": the lines changed
# -iso-level 3 as satchel-pack iso (a bundle over 4 GiB needs several extents); -J -R as asked
timed sh -c 'xorriso -as mkisofs -iso-level 3 -J -R -V "$0" -o x.iso layout 2>x.err' "$LABEL"
xi_s=$secs xi_cpu=$cpu xi_rss=$rss
# verify (the same for both images): xorriso extracts the image without mounting it, then
# b2sum -c checks every file against the layout's own CHECKSUMS.b2 (BLAKE2b-256)
verify_iso() {
    chmod -R u+w xo 2>/dev/null || :
    rm -rf xo
    timed sh -c 'xorriso -osirrox on -indev "$0" -extract / xo 2>xv.err &&
        cd xo && b2sum -l 256 -c --quiet CHECKSUMS.b2' "$1" ||
        { echo "media.sh: $1 did not verify: $(tail -n 2 xv.err)" >&2; exit 1; }
    chmod -R u+w xo
    rm -rf xo
}
verify_iso s.iso
sv_s=$secs sv_cpu=$cpu sv_rss=$rss
verify_iso x.iso
xv_s=$secs xv_cpu=$cpu xv_rss=$rss

echo
echo "2. DVD image of the same layout ($(find layout -type f | wc -l) files, $layout_bytes bytes: bundle, parity file, static reader, key, README)"
row "measure" "satchel-pack iso" "xorriso -as mkisofs" ""
rule "----------------" "-------------------" ""
row "options" "--label $LABEL" "-iso-level 3 -J -R" ""
row "make the image s (wall)" "$si_s" "$xi_s" ""
row "  of which read-back s (built in)" "$si_rb" "-" ""
row "CPU s (user + system)" "$si_cpu" "$xi_cpu" ""
row "peak RSS KB" "$si_rss" "$xi_rss" ""
row "image bytes" "$(size s.iso)" "$(size x.iso)" ""
row "  over the files" "$(($(size s.iso) - layout_bytes))" "$(($(size x.iso) - layout_bytes))" ""
row "verify: xorriso -extract + b2sum -c, s" "$sv_s" "$xv_s" ""
row "  verify CPU s / peak RSS KB" "$sv_cpu / $sv_rss" "$xv_cpu / $xv_rss" ""
echo "satchel-pack iso verifies the bundle against the key, writes the image, then reads it back"
echo "with libarchive and compares every file with the plan (the read-back row: stamped progress)."
echo "The verify row is what a user of xorriso would do: extract without mounting, b2sum -c."
rm -f s.iso x.iso

# ---- 3. USB staging: satchel-pack stage against cp -r + sync + b2sum -c
rm -rf usb-s usb-c
mkdir usb-s
timed sh -c '"$0" stage "$1" --to usb-s -p "$2" --json > stage.json 2>stage.err' "$PACK" m.satchel k.pub ||
    { echo "media.sh: satchel-pack stage failed: $(cat stage.err)" >&2; exit 1; }
ss_s=$secs ss_cpu=$cpu ss_rss=$rss
ss_w=$(printf '%.2f' "$(jget stage.json write_seconds)") ss_r=$(printf '%.2f' "$(jget stage.json read_seconds)")
ss_bytes=$(jget stage.json bytes)
timed sh -c 'cp -r layout usb-c && sync'
cc_s=$secs cc_cpu=$cpu cc_rss=$rss
timed sh -c 'cd usb-c && b2sum -l 256 -c --quiet CHECKSUMS.b2' ||
    { echo "media.sh: b2sum -c of the copy failed" >&2; exit 1; }
cb_s=$secs cb_cpu=$cpu cb_rss=$rss
# the same check with the copy dropped from the page cache first (GNU dd: iflag=nocache
# count=0 advises the kernel to drop the whole file), as stage's read-back does
timed sh -c 'find usb-c -type f -exec dd if={} iflag=nocache count=0 status=none \; &&
    cd usb-c && b2sum -l 256 -c --quiet CHECKSUMS.b2' ||
    { echo "media.sh: b2sum -c of the copy failed" >&2; exit 1; }
cn_s=$secs cn_cpu=$cpu cn_rss=$rss
rm -rf usb-s usb-c

echo
echo "3. USB staging onto a local folder ($ss_bytes bytes; the folder stands in for the stick)"
row "measure" "satchel-pack stage" "cp -r, sync, b2sum -c" "... cache dropped"
rule "------------------" "---------------------" "-----------------"
row "total s (wall)" "$ss_s" "$(awk -v a="$cc_s" -v b="$cb_s" 'BEGIN { printf "%.2f", a + b }')" \
    "$(awk -v a="$cc_s" -v b="$cn_s" 'BEGIN { printf "%.2f", a + b }')"
row "  write s (stage: to the last fsync)" "$ss_w" "$cc_s" "$cc_s"
row "  read-back s" "$ss_r" "$cb_s" "$cn_s"
row "read-back MB/s" "$(mbs "$ss_bytes" "$ss_r")" "$(mbs "$ss_bytes" "$cb_s")" "$(mbs "$ss_bytes" "$cn_s")"
row "CPU s (user + system)" "$ss_cpu" "$(awk -v a="$cc_cpu" -v b="$cb_cpu" 'BEGIN { printf "%.2f", a + b }')" \
    "$(awk -v a="$cc_cpu" -v b="$cn_cpu" 'BEGIN { printf "%.2f", a + b }')"
row "peak RSS KB" "$ss_rss" "$cc_rss / $cb_rss" "$cc_rss / $cn_rss"
echo "stage: verifies the bundle, checks free space, writes through temporary names with fsync,"
echo "drops the files from the page cache, reads every byte back and verifies the bundle again"
echo "from the folder (its read-back row includes that). By hand: cp -r of the same layout, sync"
echo "(the whole system), b2sum -c CHECKSUMS.b2 in the copy: from the page cache unless dropped"
echo "first (third column). f3write/f3read test a stick's capacity by filling it, not the files."

# ---- 4. volumes: build --max-size against one bundle
rm -rf vol
mkdir vol
timed sh -c '"$0" build src -o vol/m.satchel -s k.key --date 2026-11-20 --max-size "$1" --json \
    > vol.json 2>vol.err' "$PACK" "$VOL" || { echo "media.sh: build --max-size failed: $(tail -n 2 vol.err)" >&2; exit 1; }
v_s=$secs v_cpu=$cpu v_rss=$rss
set -- $(python3 -c '
import json, os, sys
j = json.load(open("vol.json"))
v = j["volumes"]
big = max(v, key=lambda x: x["footprint"])
print(len(v), j["limit"], sum(x["bytes"] for x in v), big["path"], big["bytes"], big["footprint"])')
v_n=$1 v_limit=$2 v_sum=$3 v_big=$4 v_bigb=$5 v_foot=$6
# the largest volume alone in an ISO image made by xorriso: a second opinion on the footprint
xorriso -as mkisofs -iso-level 3 -J -R -o vol.iso "$v_big" 2>/dev/null
v_iso=$(size vol.iso)
rm -f vol.iso

echo
echo "4. Volumes: build --max-size $VOL against one bundle of the same collection"
row "measure" "one bundle" "--max-size $VOL" ""
rule "----------" "--------------" ""
row "build s (wall)" "$one_s" "$v_s" ""
row "CPU s (user + system)" "$one_cpu" "$v_cpu" ""
row "peak RSS KB" "$one_rss" "$v_rss" ""
row "volumes" "1" "$v_n" ""
row "bytes, all volumes" "$bundle" "$v_sum" ""
row "largest volume: bytes" "" "$v_bigb" ""
row "  footprint counted by satchel-pack" "" "$v_foot" ""
row "  limit" "" "$v_limit" ""
row "  margin: bytes" "" "$((v_limit - v_foot))" ""
row "  margin: share of the limit" "" "$(pct "$((v_limit - v_foot))" "$v_limit")" ""
row "  alone in an ISO by xorriso: bytes" "" "$v_iso" ""
row "  ISO margin: bytes" "" "$((v_limit - v_iso))" ""
echo "The footprint is the larger of the volume's size on ISO 9660 and on FAT32 (their own"
echo "overhead counted); build writes a volume again smaller when it comes out over its budget."
rm -rf vol

if [ "${BENCH_PARITY_STATS:-0}" != 0 ]; then
    echo
    echo "bench/parity_bench.sh (random files, not bundles):"
    sh "$ROOT/bench/parity_bench.sh" "$BIN"
fi
