# bench/search.sh - the search section of `make bench` (issue 5). Sourced by bench/run.sh,
# which provides $PACK $READ $BIN $ROOT, run(), size(), ratio(), ./gencorpus, ./timeit,
# bench.key / bench.pub and the corpus in corpus/; the working folder is bench/out/.
#   BENCH_SEARCH=1      0 skips the section
#   BENCH_BIG=100000    articles of the second corpus (gencorpus seed 1), packed once per
#                       size and kept in corpus-big/ (0 skips it)
#   BENCH_KIWIX=1       0 skips the kiwix comparison (it needs html.zim from the HTML section)
#   BENCH_KIWIX_PORT=8781  kiwix-serve runs on 127.0.0.1 at this port during the comparison
#                       (bench/kiwix_compare.py asks it and kiwix-search, and computes the
#                       whole-page ground truth kiwix is measured against)
#
# search_section: for the bench corpus and the big one, index size against the compressed
# text (build --json), packing with and without the index (--no-index), query latency in the
# library (build/bench/bench_search over bench/search_queries.txt) and through satchel-read
# search (process start and signature check included), reader peak RSS, and recall
# (build/tests/search_recall over bench/search_recall_queries.tsv). Each measure with a target
# of issue 5 is printed with PASS or FAIL.
# kiwix_section: after the HTML section, Satchel's hit counts beside kiwix's for the same pages.

SQ_SRC="$ROOT/bench/search_queries.txt"
BENCH_SEARCH_BIN="$BIN/bench/bench_search"
RECALL_BIN="$BIN/tests/search_recall"

# srun CMD...: like run.sh's run (wall s, peak RSS KB, CPU s into $secs $rss $cpu), but fails
# when CMD fails
srun() {
    /usr/bin/time -f "%e %M %U %S" -o time.out "$@" >/dev/null || return 1
    set -- $(tail -n 1 time.out)
    secs=$1 rss=$2
    cpu=$(awk -v u="$3" -v s="$4" 'BEGIN { printf "%.2f", u + s }')
}
# verdict VALUE LIMIT: PASS when the number VALUE <= LIMIT, FAIL when above, nothing when no number
verdict() {
    awk -v v="$1" -v l="$2" 'BEGIN { if (v !~ /^[0-9]+(\.[0-9]+)?$/) print "";
        else print (v + 0 <= l + 0) ? "PASS" : "FAIL" }'
}
# sval TAG KEY: a value measured by search_measure (- when missing)
sval() {
    awk -v k="$2" '$1 == k { v = $2 } END { print (v == "" ? "-" : v) }' "search-$1.vals" 2>/dev/null ||
        echo -
}
# srow LABEL KEY [TARGET_TEXT LIMIT]: one table row, both corpora, with PASS/FAIL per value
srow() {
    _a=$(sval 20k "$2") _b=$(sval big "$2")
    if [ $# -ge 4 ]; then
        printf '%-48s %10s %-4s %10s %-4s  %s\n' "$1" "$_a" "$(verdict "$_a" "$4")" \
            "$_b" "$( [ "$BIG" = 0 ] && echo "" || verdict "$_b" "$4")" "$3"
    else
        printf '%-48s %10s %-4s %10s %-4s\n' "$1" "$_a" "" "$_b" ""
    fi
}

# search_measure TAG DIR: measures the search on corpus DIR into search-TAG.vals ("key value"
# lines) and keeps the bundle as s-TAG.satchel.
search_measure() {
    _t=$1 _d=$2 _v=search-$1.vals
    : > "$_v"
    # the same corpus without the index, then with it (the bundle kept), back to back
    if ! srun "$PACK" build "$_d" -o "s-$_t-noidx.satchel" -s bench.key --date 2026-11-20 --quiet \
        --no-index; then
        echo "satchel-pack --no-index FAILED on $_d" >&2
        return 0
    fi
    echo "pack_wall_noidx $secs" >> "$_v"
    echo "pack_cpu_noidx $cpu" >> "$_v"
    echo "pack_rss_noidx $rss" >> "$_v"
    echo "bundle_noidx $(size "s-$_t-noidx.satchel")" >> "$_v"
    rm -f "s-$_t-noidx.satchel"
    if ! /usr/bin/time -f "%e %M %U %S" -o time.out "$PACK" build "$_d" -o "s-$_t.satchel" \
        -s bench.key --date 2026-11-20 --json > "s-$_t.build.json"; then
        echo "satchel-pack FAILED on $_d" >&2
        return 0
    fi
    awk '{ printf "pack_wall %s\npack_rss %s\npack_cpu %.2f\n", $1, $2, $3 + $4 }' time.out >> "$_v"
    echo "bundle $(size "s-$_t.satchel")" >> "$_v"
    python3 - "s-$_t.build.json" >> "$_v" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
print("index_bytes", j.get("index_bytes", "-"))
print("compressed_bytes", j["compressed_bytes"])
print("articles", j["text_entries"])
if isinstance(j.get("index_bytes"), int) and j["compressed_bytes"] > 0:
    print("index_ratio %.3f" % (j["index_bytes"] / j["compressed_bytes"]))
PY
    awk '$1 == "pack_wall" { w = $2 } $1 == "pack_wall_noidx" { n = $2 }
         $1 == "pack_cpu" { c = $2 } $1 == "pack_cpu_noidx" { m = $2 }
         END { if (n > 0) printf "slow_wall %.3f\n", w / n; if (m > 0) printf "slow_cpu %.3f\n", c / m }' \
        "$_v" >> "$_v.tmp" && cat "$_v.tmp" >> "$_v" && rm -f "$_v.tmp"

    # query latency in the library: open once, 200 queries, top 10 with snippets
    if "$BENCH_SEARCH_BIN" "s-$_t.satchel" bench.pub "$SQ_SRC" 10 "s-$_t.each.tsv" \
        > "s-$_t.latency" 2>&1; then
        awk '$1 == "RESULT" { printf "lib_open %.2f\nlib_p50 %.2f\nlib_p95 %.2f\nlib_max %.2f\nworst_i %d\nbig_i %d\n",
             $2, $3, $4, $5, $7, $8 }' "s-$_t.latency" >> "$_v"
    else
        echo "bench_search FAILED: $(tail -n 1 "s-$_t.latency")" >&2
    fi
    # the same queries through satchel-read search, one process each
    if _r=$(./timeit "$(grep -c . sq.txt)" "$READ" search "s-$_t.satchel" {} -p bench.pub \
        < sq.txt 2>/dev/null); then
        set -- $_r
        printf 'cli_p50 %s\ncli_p95 %s\ncli_max %s\ncli_rss %s\n' "$1" "$2" "$3" "$4" >> "$_v"
    else
        echo "satchel-read search FAILED on a query of bench/search_queries.txt; the first one says:" >&2
        "$READ" search "s-$_t.satchel" "$(head -n 1 sq.txt)" -p bench.pub 2>&1 >/dev/null |
            head -n 2 >&2 || true
    fi
    # peak RSS (GNU time) for the slowest query of the library run, and with --limit 0 for
    # the query with the most matches (every hit printed with its snippet)
    _wi=$(sval "$_t" worst_i) _bi=$(sval "$_t" big_i)
    if [ "$_wi" != - ] && [ "$_bi" != - ]; then
        _q=$(sed -n "${_wi}p" sq.txt)
        if srun "$READ" search "s-$_t.satchel" "$_q" -p bench.pub 2>/dev/null; then
            printf 'rss_worst %s\nworst_q %s\n' "$rss" "$(echo "$_q" | tr ' ' '_')" >> "$_v"
        fi
        _q=$(sed -n "${_bi}p" sq.txt)
        if srun "$READ" search "s-$_t.satchel" "$_q" -p bench.pub --limit 0 2>/dev/null; then
            printf 'rss_all %s\nall_wall %s\nall_q %s\n' "$rss" "$secs" "$(echo "$_q" | tr ' ' '_')" >> "$_v"
        fi
    fi
}

search_section() {
    [ "${BENCH_SEARCH:-1}" != 0 ] || return 0
    BIG=${BENCH_BIG:-100000}
    grep -v '^#' "$SQ_SRC" | grep . > sq.txt
    rm -f search-20k.vals search-big.vals
    search_measure 20k corpus
    if [ "$BIG" != 0 ]; then
        if [ ! -f "corpus-big-$BIG.done" ]; then
            rm -rf corpus-big corpus-big-*.done
            ./gencorpus corpus-big "$BIG" 1 >/dev/null
            touch "corpus-big-$BIG.done"
        fi
        search_measure big corpus-big
    fi

    printf '\nsearch (issue 5): %s and %s articles (gencorpus seed 1); %s two-word queries\n' \
        "$(sval 20k articles)" "$( [ "$BIG" = 0 ] && echo "no big corpus (BENCH_BIG=0)" || sval big articles)" \
        "$(wc -l < sq.txt)"
    printf '%-48s %15s %15s  %s\n' "measure" "bench corpus" "big corpus" "target"
    printf '%-48s %15s %15s  %s\n' "------------------------------------------------" "------------" "----------" "------"
    srow "index bytes (stored)" index_bytes
    srow "compressed text bytes (stored clusters)" compressed_bytes
    srow "index / compressed text" index_ratio "<= 0.30" 0.30
    srow "bundle bytes, with index" bundle
    srow "bundle bytes, --no-index" bundle_noidx
    srow "pack wall s, with index" pack_wall
    srow "pack wall s, --no-index" pack_wall_noidx
    srow "pack slowdown, wall" slow_wall "<= 1.30" 1.30
    srow "pack CPU s, with index" pack_cpu
    srow "pack CPU s, --no-index" pack_cpu_noidx
    srow "pack slowdown, CPU" slow_cpu "<= 1.30" 1.30
    srow "pack peak RSS KB, with index" pack_rss
    srow "pack peak RSS KB, --no-index" pack_rss_noidx
    srow "library: open bundle + index, ms" lib_open
    srow "library: query + 10 snippets, p50 ms" lib_p50
    srow "library: query + 10 snippets, p95 ms" lib_p95 "<= 20 ms" 20
    srow "library: query + 10 snippets, max ms" lib_max
    srow "satchel-read search (a process), p50 ms" cli_p50
    srow "satchel-read search (a process), p95 ms" cli_p95
    srow "satchel-read search, peak RSS KB, all queries" cli_rss "<= 32768 KB" 32768
    srow "  the slowest query (GNU time)" rss_worst "<= 32768 KB" 32768
    srow "  --limit 0, the query with most matches" rss_all "<= 32768 KB" 32768
    srow "  --limit 0, wall s" all_wall
    echo "slowest query: bench $(sval 20k worst_q | tr '_' ' '), big $(sval big worst_q | tr '_' ' ');" \
        "most matches: bench $(sval 20k all_q | tr '_' ' '), big $(sval big all_q | tr '_' ' ')"
    for _t in 20k big; do
        [ -s "s-$_t.each.tsv" ] || continue
        echo "slowest 5 of the library run ($_t): $(sort -t'	' -k1,1 -g -r "s-$_t.each.tsv" | head -n 5 |
            awk -F'\t' '{ printf "%s%s %.0f ms (%d matches)", (NR > 1 ? "; " : ""), $3, $1, $2 }')"
    done
    echo "library: build/bench/bench_search opens the bundle once and times parse + search (top 10)"
    echo "+ snippets per query; satchel-read search is one process per query (start, signature check,"
    echo "manifest, index, query, output); a - means the step failed (its message is above)."

    # recall against substring ground truth on the bench bundle
    if "$RECALL_BIN" s-20k.satchel bench.pub "$ROOT/bench/search_recall_queries.tsv" > recall-20k.txt 2>&1; then
        _rv=PASS
    else
        _rv=FAIL
    fi
    printf '\nrecall on the bench corpus (build/tests/search_recall, bench/search_recall_queries.tsv;\n'
    printf 'full table in bench/out/recall-20k.txt):\n'
    grep -E '^(recall (ko|en)|PASS|FAIL|search_recall)' recall-20k.txt || tail -n 3 recall-20k.txt
    echo "target: Korean recall >= 0.99: $_rv (English is reported: whole words against substrings)"
}

# ---- kiwix comparison: the HTML corpus as html.satchel (satchel-pack) and html.zim
# (zimwriterfs with its default Xapian full-text index), the same queries on both
kiwix_section() {
    [ "${BENCH_KIWIX:-1}" != 0 ] || return 0
    KQ="$ROOT/bench/search_kiwix_queries.tsv"
    if [ ! -f html.zim ] || [ ! -f html.satchel ]; then
        echo
        echo "kiwix comparison: skipped (no html.zim or html.satchel from the HTML section)"
        return 0
    fi
    if ! command -v kiwix-search >/dev/null || ! command -v kiwix-serve >/dev/null; then
        echo
        echo "kiwix comparison: kiwix-tools is not installed (scripts/deps.sh installs it)"
        return 0
    fi
    # ground truth (article text) and Satchel's search in one pass
    "$RECALL_BIN" html.satchel bench.pub "$KQ" --json > kiwix-recall.json 2> kiwix-recall.err || true
    # kiwix-serve on localhost only, for kiwix's uncapped match counts
    _port=${BENCH_KIWIX_PORT:-8781}
    kiwix-serve --address 127.0.0.1 --port "$_port" html.zim > kiwix-serve.log 2>&1 &
    _kpid=$!
    python3 "$ROOT/bench/kiwix_compare.py" kiwix-recall.json "$KQ" html html.zim "$_port" "$READ" \
        html.satchel bench.pub > kiwix.tsv || echo "bench/kiwix_compare.py FAILED" >&2
    kill "$_kpid" 2>/dev/null || true
    wait "$_kpid" 2>/dev/null || true
    printf '\nkiwix comparison on the HTML corpus (%s pages): pages found for the same queries\n' \
        "$(find html -type f -name '*.html' | wc -l)"
    printf '%-4s %7s %7s %7s %6s | %7s %7s %7s %7s %6s  %s\n' "lang" "truth1" "satchel" "in t1" \
        "recall" "truth2" "k-srch" "kiwix" "in t2" "recall" "query"
    awk -F'\t' 'function r(a, b) { return b > 0 ? sprintf("%.3f", a / b) : "-" }
        { printf "%-4s %7s %7s %7s %6s | %7s %7s %7s %7s %6s  %s\n", $1, $3, $4, $5, r($5, $3),
          $6, $7, $8, $9, r($9, $6), $2 }' kiwix.tsv
    echo "truth1: pages whose article text (as satchel-pack keeps it), NFKC + case folded, contains the"
    echo "  query (build/tests/search_recall on html.satchel); satchel: total of satchel-read search"
    echo "  --json; in t1: Satchel hits among truth1. truth2: pages whose whole text (menus, ticker,"
    echo "  sidebar titles of other pages, comments; not scripts) contains it, what the ZIM indexes."
    echo "  k-srch: results kiwix-search prints (kiwix-tools 3.3: at most 10, no count); kiwix: every"
    echo "  result of kiwix-serve's /search on the same ZIM (libkiwix, the engine of kiwix-search),"
    echo "  paged and counted (its totalResults estimate says 1 for a word on most pages); in t2:"
    echo "  kiwix hits among truth2. zimwriterfs builds the full-text index by default (-j turns it"
    echo "  off). Xapian indexes a Korean word whole: 평양 does not find 평양에서, 쌀 not 쌀값."
    [ -s kiwix-recall.err ] && echo "search_recall on html.satchel: $(head -n 1 kiwix-recall.err)"
    return 0
}
