#!/bin/sh
# fuzz/run.sh BUILD SECONDS TARGET...   runs each libFuzzer target SECONDS seconds, two at
#                                       a time, and prints one line of final stats each
# fuzz/run.sh --merge BUILD TARGET...   minimises each target's corpus into tests/fuzz/<t>
#
# Working corpus: BUILD/corpus/<t> (written by libFuzzer), read-only extras: tests/fuzz/<t>
# (committed) and BUILD/seeds/<t> (fuzz/seeds.sh). Crashes go to
# tests/data/fuzz-crashes/<t>/; logs to BUILD/logs/<t>.log; the table to
# BUILD/fuzz-summary.txt. Exit 1 when a target crashed (or did not run).
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1

if [ "${1:-}" = "--merge" ]; then
    B=$2
    shift 2
    for t in "$@"; do
        # inputs up to 64 KiB; bundles up to 128 KiB (the dictionary seed is about 110 KiB)
        case $t in bundle*) max=131072 ;; *) max=65536 ;; esac
        fresh=$B/merge/$t
        rm -rf "$fresh"
        mkdir -p "$fresh" "$B/corpus/$t" "$B/seeds/$t" "tests/fuzz/$t"
        if ! "$B/fuzz/fuzz_$t" -set_cover_merge=1 -max_len=$max "$fresh" "tests/fuzz/$t" "$B/corpus/$t" \
            "$B/seeds/$t" >"$B/logs/merge-$t.log" 2>&1; then
            echo "merge $t failed: see $B/logs/merge-$t.log" >&2
            exit 1
        fi
        find "tests/fuzz/$t" -type f ! -name '.*' -delete
        cp "$fresh"/* "tests/fuzz/$t/" 2>/dev/null
        echo "$t: $(find "tests/fuzz/$t" -type f | wc -l) files," \
            "$(du -sk "tests/fuzz/$t" | cut -f1) KiB"
    done
    exit 0
fi

B=$1
SECONDS_EACH=$2
shift 2
mkdir -p "$B/logs"

run_one() {
    t=$1
    mkdir -p "$B/corpus/$t" "$B/seeds/$t" "tests/fuzz/$t" "tests/data/fuzz-crashes/$t"
    touch "$B/logs/$t.start"
    "$B/fuzz/fuzz_$t" -max_total_time="$SECONDS_EACH" -print_final_stats=1 -timeout=20 \
        -rss_limit_mb=2048 -artifact_prefix="tests/data/fuzz-crashes/$t/" \
        "$B/corpus/$t" "tests/fuzz/$t" "$B/seeds/$t" >"$B/logs/$t.log" 2>&1
    echo $? >"$B/logs/$t.rc"
}

# stat LOG KEY: value of libFuzzer's "stat::KEY: N" line
stat_of() {
    sed -n "s/^stat::$2: *\\([0-9]*\\).*/\\1/p" "$1" | tail -n 1
}
# field LINE NAME: the number after "NAME: " in libFuzzer's status line
field() {
    printf '%s\n' "$1" | sed -n "s/.* $2: *\\([0-9][0-9]*\\).*/\\1/p"
}

ROW='%-14s %7s %11s %7s %6s %7s %6s %7s\n'

summarise() {
    t=$1
    log=$B/logs/$t.log
    last=$(grep -E '^#[0-9]+' "$log" 2>/dev/null | tail -n 1)
    crashes=$(find "tests/data/fuzz-crashes/$t" -type f -newer "$B/logs/$t.start" | wc -l)
    printf "$ROW" "$t" "$SECONDS_EACH" "$(stat_of "$log" number_of_executed_units)" \
        "$(stat_of "$log" average_exec_per_sec)" "$(field "$last" cov)" "$(field "$last" ft)" \
        "$(field "$last" corp)" "$crashes"
}

TARGETS=$*
set -- $TARGETS
while [ $# -gt 0 ]; do
    a=$1
    shift
    run_one "$a" &
    if [ $# -gt 0 ]; then
        run_one "$1" &
        shift
    fi
    wait
done

status=0
{
    printf "$ROW" target seconds execs exec/s cov ft corpus crashes
    for t in $TARGETS; do
        summarise "$t"
    done
} >"$B/fuzz-summary.txt"
cat "$B/fuzz-summary.txt"
for t in $TARGETS; do
    rc=$(cat "$B/logs/$t.rc" 2>/dev/null || echo 1)
    if [ "$rc" -ne 0 ]; then
        echo "fuzz_$t stopped with status $rc: see $B/logs/$t.log and tests/data/fuzz-crashes/$t/" >&2
        status=1
    fi
done
exit $status
