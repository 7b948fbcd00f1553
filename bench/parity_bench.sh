#!/bin/sh
# bench/parity_bench.sh BIN_DIR [MB] [SEEDS] - recovery data (formats/sat_parity.h):
# encode and repair speed on an MB-megabyte file (default 200), the parity file's size as a
# share of the file for 1, 5 and 10%, and for 5% parity the share of SEEDS (default 20)
# random damage trials (tests/damage/damage.py, 2 KiB sectors, the same rate on the file
# and on its parity file) that repair, at 2, 3, 4 and 5%, on files of 3 MB (2 stripes) and
# 20 MB (10 stripes). The files are random bytes, not bundles: satchel-read repair then
# refuses the result at the signature check (exit 3) after the repair itself succeeded, and
# exits 1 when the damage is beyond the parity.
set -eu
BIN=$1
MB=${2:-200}
SEEDS=${3:-20}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DMG="$ROOT/tests/damage/damage.py"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
cd "$T"

secs() { # secs CMD...: runs CMD, prints wall seconds
    s=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || true
    e=$(date +%s.%N)
    echo "$s $e" | awk '{printf "%.2f", $2 - $1}'
}
head -c $((MB * 1000000)) /dev/urandom > big
w=$(secs "$BIN/satchel-pack" parity big --percent 5 -o big.parity --quiet)
python3 "$DMG" sectors big bigd --rate 0.02 --seed 1 --ranges /dev/null
r=$(secs "$BIN/satchel-read" repair bigd --parity big.parity -o bigr)
echo "encode ${MB} MB at 5%: $w s ($(echo "$MB $w" | awk '{printf "%.1f", $1 / $2}') MB/s)"
echo "repair ${MB} MB with 2% of sectors damaged: $r s ($(echo "$MB $r" | awk '{printf "%.1f", $1 / $2}') MB/s)"
for p in 1 5 10; do
    "$BIN/satchel-pack" parity big --percent "$p" -o p.parity --quiet
    echo "parity file at $p%: $(stat -c %s p.parity) bytes = $(echo "$(stat -c %s p.parity) $MB" |
        awk '{printf "%.2f", $1 / ($2 * 10000)}')% of the file"
done
for size in 3 20; do
    head -c $((size * 1000000)) /dev/urandom > f
    "$BIN/satchel-pack" parity f --percent 5 -o f.parity --quiet
    for rate in 2 3 4 5; do
        ok=0
        seed=1
        while [ "$seed" -le "$SEEDS" ]; do
            python3 "$DMG" sectors f d --rate "0.0$rate" --seed "$seed" --ranges /dev/null
            python3 "$DMG" sectors f.parity d.parity --rate "0.0$rate" --seed $((seed + 1000)) \
                --ranges /dev/null
            set +e
            "$BIN/satchel-read" repair d --parity d.parity -o out >/dev/null 2>&1
            rc=$?
            set -e
            [ "$rc" -eq 3 ] && ok=$((ok + 1))
            seed=$((seed + 1))
        done
        echo "$size MB, 5% parity, $rate% of sectors damaged (file and parity file): $ok of $SEEDS repaired"
    done
done
