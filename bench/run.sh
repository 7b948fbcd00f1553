#!/bin/sh
# make bench: Satchel against the tools a user would otherwise use, side by side, in one run.
#   BENCH_N=20000   articles in the synthetic corpus (bench/gencorpus.c)
#   BENCH_CLUSTERS="131072 262144 1048576 2097152 4194304"  cluster sizes for the trade-off table
#                   (empty to skip)
#   BENCH_HTML_MB=120  megabytes of synthetic saved news pages (bench/genhtml.py) packed by
#                   satchel-pack, zimwriterfs (zim-tools) and tar --zstd + minisign (0 to skip)
#   BENCH_SEARCH=1  the search section (bench/search.sh): index size, packing with and without
#                   the index, query latency, reader memory, recall (0 to skip)
#   BENCH_BIG=100000  articles of the second corpus of the search section (0 to skip it)
#   BENCH_KIWIX=1   after the HTML table, Satchel's search hits beside kiwix-search's on the same
#                   pages (needs kiwix-tools; 0 to skip); BENCH_KIWIX_PORT=8781 for kiwix-serve
#   BENCH_DAMAGE=1  damaged copies of the bundle: 0.1% and 1% of its 2 KiB sectors overwritten
#                   (3 seeds each) and cuts at 25/50/90%, what salvage recovers (0 to skip;
#                   needs python3, tests/damage/damage.py)
# Writes into bench/out/ (kept between runs; the corpus is reused for the same N).
set -eu
BIN=${1:?usage: run.sh BIN_DIR}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${BENCH_N:-20000}
CLUSTERS=${BENCH_CLUSTERS-"131072 1048576 4194304"}
OUT="$ROOT/bench/out"
PACK="$BIN/satchel-pack"
READ="$BIN/satchel-read"
mkdir -p "$OUT"
cd "$OUT"

cc -std=c11 -O2 -D_GNU_SOURCE -Wall -Wextra -Werror -o gencorpus "$ROOT/bench/gencorpus.c"
cc -std=c11 -O2 -D_GNU_SOURCE -Wall -Wextra -Werror -o timeit "$ROOT/bench/timeit.c"

if [ ! -f "corpus-$N.done" ]; then
    rm -rf corpus corpus-*.done
    ./gencorpus corpus "$N" 1 >/dev/null
    touch "corpus-$N.done"
fi
rm -f bench.key bench.pub m.key m.pub
"$PACK" keygen --no-passphrase -p bench.pub -s bench.key >/dev/null
minisign -G -W -p m.pub -s m.key >/dev/null

# run "label" cmd... : wall seconds, peak RSS (KB) and CPU seconds (user + system, children
# included) of one run, into $secs, $rss and $cpu
run() {
    /usr/bin/time -f "%e %M %U %S" -o time.out "$@" >/dev/null
    secs=$(cut -d' ' -f1 time.out)
    rss=$(cut -d' ' -f2 time.out)
    cpu=$(awk '{ printf "%.2f", $3 + $4 }' time.out)
}
size() { stat -c %s "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }

raw=$(du -sb corpus | cut -f1)
echo "corpus: $N articles, $raw bytes of Markdown (bench/gencorpus.c, seed 1)"
echo

# ---- pack
run "$PACK" build corpus -o bench.satchel -s bench.key --date 2026-11-20 --quiet
pack_s=$secs pack_rss=$rss bundle=$(size bench.satchel)
# the same without the search index (issue 5): the size target below predates the index
"$PACK" build corpus -o bench-noindex.satchel -s bench.key --date 2026-11-20 --quiet --no-index
bundle_ni=$(size bench-noindex.satchel)
run sh -c 'tar -cf - corpus | zstd -19 -T2 -q -c > corpus.tar.zst && minisign -S -s m.key -m corpus.tar.zst -x corpus.tar.zst.minisig'
tz_s=$secs tz_rss=$rss tz=$(size corpus.tar.zst)

# ---- the bundle's own normalised content, solid
rm -rf content && mkdir content
"$READ" extract bench.satchel --to content/bodies -p bench.pub >/dev/null
"$READ" list bench.satchel --json -p bench.pub > content/metadata.json
tar -cf - content/bodies | zstd -19 -T2 -q -c > bodies.tar.zst
tar -cf - content | zstd -19 -T2 -q -c > content.tar.zst
solid_bodies=$(size bodies.tar.zst)
solid=$(size content.tar.zst)

# ---- verify
set -- $(./timeit 5 "$READ" verify bench.satchel -p bench.pub)
best_v=$(awk -v m="$1" 'BEGIN { print m / 1000 }') v_rss=$4
set -- $(./timeit 5 b2sum bench.satchel)
best_b=$(awk -v m="$1" 'BEGIN { print m / 1000 }') b_rss=$4
run "$READ" verify --deep bench.satchel -p bench.pub
deep_s=$secs deep_rss=$rss

# ---- show one random article
step=$((N / 50)); [ "$step" -ge 1 ] || step=1
"$READ" list bench.satchel -p bench.pub | cut -d' ' -f1 | awk -v s="$step" 'NR % s == 0' | head -n 50 > ids.txt
show=$(./timeit 50 "$READ" show bench.satchel {} -p bench.pub < ids.txt)
# the same articles out of the tar.zst (path from the id: DIR-FILE -> corpus/DIR/FILE.md)
awk '{ d = substr($0, 1, 3); f = substr($0, 5); print "corpus/" d "/" f ".md" }' ids.txt > paths.txt
tzshow=$(./timeit 10 sh -c 'zstd -dcq corpus.tar.zst | tar -xOf - "$0"' {} < paths.txt)

# ---- report
printf '\n%-44s %14s %14s %10s\n' "measure" "satchel" "baseline" "ratio"
printf '%-44s %14s %14s %10s\n' "--------------------------------------------" "-------" "--------" "-----"
printf '%-44s %13ss %13ss %10s\n' "pack time (vs tar|zstd -19 -T2 + minisign)" "$pack_s" "$tz_s" "$(ratio "$pack_s" "$tz_s")"
printf '%-44s %14s %14s %10s\n' "pack peak RSS KB" "$pack_rss" "$tz_rss" ""
printf '%-44s %14s %14s %10s\n' "size vs tar|zstd -19 of the input folder" "$bundle" "$tz" "$(ratio "$bundle" "$tz")"
printf '%-44s %14s %14s %10s\n' "size vs solid zstd -19 of own content*" "$bundle" "$solid" "$(ratio "$bundle" "$solid")"
printf '%-44s %14s %14s %10s\n' "  (bodies only, without metadata)" "$bundle" "$solid_bodies" "$(ratio "$bundle" "$solid_bodies")"
printf '%-44s %14s %14s %10s\n' "  without the search index (--no-index)" "$bundle_ni" "$solid" "$(ratio "$bundle_ni" "$solid")"
thr_v=$(awk -v s="$bundle" -v t="$best_v" 'BEGIN { printf "%.0f", s / t / 1e6 }')
thr_b=$(awk -v s="$bundle" -v t="$best_b" 'BEGIN { printf "%.0f", s / t / 1e6 }')
printf '%-44s %12sMB/s %12sMB/s %10s\n' "verify throughput (vs b2sum of the bundle)" "$thr_v" "$thr_b" "$(ratio "$thr_v" "$thr_b")"
printf '%-44s %13ss %14s %10s\n' "verify --deep (decompress + content hashes)" "$deep_s" "" ""
printf '%-44s %14s %14s %10s\n' "verify peak RSS KB (vs b2sum)" "$v_rss" "$b_rss" ""
set -- $show
s_med=$1 s_p95=$2 s_rss=$4
set -- $tzshow
printf '%-44s %12sms %12sms %10s\n' "show one article, median (vs from tar.zst)" "$s_med" "$1" "$(ratio "$s_med" "$1")"
printf '%-44s %12sms %12sms %10s\n' "show one article, 95th percentile" "$s_p95" "$2" ""
printf '%-44s %14s %14s %10s\n' "show peak RSS KB" "$s_rss" "$4" ""
echo
echo "* own content = every entry as satchel-read extract writes it, plus the metadata listing"
echo "  (satchel-read list --json): what a reader gets out of the bundle, without hashes or locations."
echo "targets: size <= 1.15x solid (without the search index, which adds its own share: see the search section); verify >= 0.8x b2sum; show <= 10 ms; reader RSS <= 32768 KB"

# ---- cluster size trade-off
if [ -n "$CLUSTERS" ]; then
    printf '\n%-14s %12s %10s %12s %12s\n' "cluster size" "bundle" "x solid" "show med ms" "show p95 ms"
    for c in $CLUSTERS; do
        "$PACK" build corpus -o c.satchel -s bench.key --date 2026-11-20 --quiet --cluster-size "$c"
        set -- $(./timeit 50 "$READ" show c.satchel {} -p bench.pub < ids.txt)
        printf '%-14s %12s %10s %12s %12s\n' "$c" "$(size c.satchel)" "$(ratio "$(size c.satchel)" "$solid")" "$1" "$2"
    done
    rm -f c.satchel
fi

# ---- full-text search (bench/search.sh)
. "$ROOT/bench/search.sh"
search_section

# ---- HTML corpus: saved news pages packed by satchel-pack, zimwriterfs and tar --zstd + minisign
HTML_MB=${BENCH_HTML_MB:-120}
if [ "$HTML_MB" != 0 ]; then
    stamp="html-$HTML_MB-$(cksum < "$ROOT/bench/genhtml.py" | cut -d' ' -f1).done"
    if [ ! -f "$stamp" ]; then
        rm -rf html html-*.done
        python3 "$ROOT/bench/genhtml.py" html "$HTML_MB" 1 >/dev/null
        touch "$stamp"
    fi
    h_in=$(find html -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
    h_html=$(find html -type f -name '*.html' -printf '%s\n' | awk '{ s += $1 } END { print s }')
    h_pages=$(find html -type f -name '*.html' | wc -l)
    h_imgs=$(find html -type f ! -name '*.html' | wc -l)
    mbps() { awk -v b="$1" -v t="$2" 'BEGIN { if (t > 0) printf "%.1f", b / t / 1e6; else print "-" }'; }

    # try_run NAME cmd...: like run, but returns the command's exit status; stderr in NAME.err
    try_run() {
        _e=$1.err
        shift
        /usr/bin/time -f "%e %M %U %S" -o time.out "$@" >/dev/null 2>"$_e" || return 1
        secs=$(cut -d' ' -f1 time.out)
        rss=$(cut -d' ' -f2 time.out)
        cpu=$(awk '{ printf "%.2f", $3 + $4 }' time.out)
    }

    rm -f html.satchel html.zim html.tar.zst html.tar.zst.minisig
    if try_run html "$PACK" build html -o html.satchel -s bench.key --date 2026-11-20 --quiet; then
        hs_s=$secs hs_cpu=$cpu hs_rss=$rss hs_size=$(size html.satchel) hs_thr=$(mbps "$h_in" "$secs")
        hs_n=$("$READ" info html.satchel --json -p bench.pub |
            python3 -c 'import json, sys; j = json.load(sys.stdin); print(j["articles"], j["images"])')
        hs_note="satchel-pack: $(echo "$hs_n" | cut -d' ' -f1) articles, $(echo "$hs_n" | cut -d' ' -f2) images"
    else
        hs_s=FAILED hs_cpu=- hs_rss=- hs_size=- hs_thr=-
        hs_note="satchel-pack FAILED: $(grep -v '^ ' html.err | head -n 2 | tr '\n' ' ')"
    fi
    if command -v zimwriterfs >/dev/null; then
        # 2 threads like the others (default 4); a Xapian full-text index is built (its default)
        if try_run zim zimwriterfs -w index.html -I favicon.png -l kor -t "Bench news" \
            -d "Synthetic news pages (bench/genhtml.py)" -c "Satchel bench" -p "Satchel bench" \
            -n bench_news -J 2 html html.zim; then
            hz_s=$secs hz_cpu=$cpu hz_rss=$rss hz_size=$(size html.zim) hz_thr=$(mbps "$h_in" "$secs")
        else
            hz_s=FAILED hz_cpu=- hz_rss=- hz_size=- hz_thr=-
            hs_note="$hs_note; zimwriterfs FAILED: $(tail -n 1 zim.err)"
        fi
    else
        hz_s=missing hz_cpu=- hz_rss=- hz_size=- hz_thr=-
    fi
    # tar's own --zstd (zstd's default level 3): -19 would take minutes on this corpus
    run sh -c 'tar --zstd -cf html.tar.zst html && minisign -S -s m.key -m html.tar.zst -x html.tar.zst.minisig'
    ht_s=$secs ht_cpu=$cpu ht_rss=$rss ht_size=$(size html.tar.zst) ht_thr=$(mbps "$h_in" "$secs")

    printf '\nHTML corpus: %s pages (%s bytes) and %s images (%s bytes), %s bytes in all (bench/genhtml.py, seed 1)\n' \
        "$h_pages" "$h_html" "$h_imgs" "$((h_in - h_html))" "$h_in"
    printf '%-44s %14s %14s %14s\n' "measure" "satchel" "zimwriterfs" "tar --zstd"
    printf '%-44s %14s %14s %14s\n' "--------------------------------------------" "-------" "-----------" "----------"
    printf '%-44s %14s %14s %14s\n' "pack time s (wall)" "$hs_s" "$hz_s" "$ht_s"
    printf '%-44s %14s %14s %14s\n' "input MB per second (wall)" "$hs_thr" "$hz_thr" "$ht_thr"
    printf '%-44s %14s %14s %14s\n' "CPU s (user + system)" "$hs_cpu" "$hz_cpu" "$ht_cpu"
    printf '%-44s %14s %14s %14s\n' "input MB per CPU second" \
        "$(mbps "$h_in" "$hs_cpu")" "$(mbps "$h_in" "$hz_cpu")" "$(mbps "$h_in" "$ht_cpu")"
    printf '%-44s %14s %14s %14s\n' "output bytes" "$hs_size" "$hz_size" "$ht_size"
    printf '%-44s %14s %14s %14s\n' "output / input" \
        "$( [ "$hs_size" = - ] && echo - || ratio "$hs_size" "$h_in")" \
        "$( [ "$hz_size" = - ] && echo - || ratio "$hz_size" "$h_in")" "$(ratio "$ht_size" "$h_in")"
    printf '%-44s %14s %14s %14s\n' "peak RSS KB" "$hs_rss" "$hz_rss" "$ht_rss"
    echo "$hs_note"
    echo "satchel keeps each page's article text (signed, per-entry hashes) and its photos;"
    echo "zimwriterfs keeps whole pages plus a full-text index, unsigned; tar --zstd keeps the files, signed whole."
    kiwix_section
fi

# ---- damaged copies: what salvage recovers (tests/damage/damage.py; BENCH_DAMAGE=0 skips)
if [ "${BENCH_DAMAGE:-1}" != 0 ]; then
    DMG="$ROOT/tests/damage/damage.py"
    entries=$("$READ" info bench.satchel --json -p bench.pub |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["entries"])')
    : > damage.tsv
    # one_damage LABEL damage.py-ARGS...: damaged copy, ground truth, verify, salvage; one
    # line of damage.tsv: label, salvaged, truth salvageable (dmg.want), named damaged by verify, seconds
    one_damage() {
        _l=$1
        shift
        python3 "$DMG" "$@" --ranges dmg.json
        python3 "$DMG" truth bench.satchel --ranges dmg.json --prefix dmg
        . ./dmg.vars
        /usr/bin/time -f "%e" -o time.v "$READ" verify dmg.satchel --json -p bench.pub > dmg.verify || true
        rm -rf salvaged
        /usr/bin/time -f "%e" -o time.s "$READ" salvage dmg.satchel --to salvaged --json -p bench.pub \
            > dmg.salvage || true
        python3 - "$_l" "$(wc -l < dmg.want)" "$(tail -n 1 time.v)" "$(tail -n 1 time.s)" >> damage.tsv <<'PY'
import json, sys
label, intact, tv, ts = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
def load(p):
    try:
        return json.load(open(p))
    except ValueError:
        return {}
v, s = load("dmg.verify"), load("dmg.salvage")
print("%s\t%d\t%d\t%d\t%.2f\t%.2f" % (label, s.get("salvaged", 0), intact,
      v.get("damaged_count", -1), tv, ts))
PY
        rm -rf salvaged dmg.satchel
    }
    for rate in 0.001 0.01; do
        for seed in 1 2 3; do
            one_damage "sectors $(awk -v r="$rate" 'BEGIN { print r * 100 }')%" \
                sectors bench.satchel dmg.satchel --rate "$rate" --seed "$seed"
        done
    done
    for share in 0.25 0.5 0.9; do
        one_damage "cut at $(awk -v s="$share" 'BEGIN { print s * 100 }')%" \
            truncate bench.satchel dmg.satchel --share "$share"
    done
    printf '\n%s entries, %s bytes; 2 KiB sectors overwritten at random (seeds 1-3), or the file cut short\n' \
        "$entries" "$bundle"
    printf '%-16s %5s %14s %14s %18s %10s %10s\n' "damage" "runs" "salvaged mean" "salvaged min" \
        "verify: damaged" "verify s" "salvage s"
    awk -F'\t' -v n="$entries" '
        { k = $1; if (!(k in runs)) order[++m] = k; runs[k]++; sum[k] += $2; bad[k] += $4
          if (!(k in mn) || $2 < mn[k]) mn[k] = $2; tv[k] += $5; ts[k] += $6
          if ($2 != $3) off[k]++ }
        END { for (i = 1; i <= m; i++) { k = order[i]
            printf "%-16s %5d %13.2f%% %13.2f%% %18.0f %10.2f %10.2f%s\n", k, runs[k],
                100 * sum[k] / runs[k] / n, 100 * mn[k] / n, bad[k] / runs[k], tv[k] / runs[k],
                ts[k] / runs[k], off[k] ? "  (salvaged != ground truth in " off[k] " runs)" : "" } }' damage.tsv
fi
