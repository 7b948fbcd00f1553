# Shared helpers for end-to-end tests; sourced with `. "$E2E_LIB"`.
# Provides: fail MSG; expect_exit CODE CMD...; keygen NAME (unencrypted pair
# NAME.pub/NAME.key); demo_bundle OUT [KEY] (packs examples/ deterministically);
# hostile_corpus OUTDIR (tests/hostile: keys good/other, good.satchel, the crafted cases).

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# expect_exit CODE CMD... : runs CMD, requires exit status CODE; output in $T/out, $T/err.
expect_exit() {
    want=$1
    shift
    set +e
    "$@" >"$T/out" 2>"$T/err"
    got=$?
    set -e
    if [ "$got" -ne "$want" ]; then
        echo "--- stdout" >&2; cat "$T/out" >&2
        echo "--- stderr" >&2; cat "$T/err" >&2
        fail "expected exit $want, got $got: $*"
    fi
}

keygen() {
    "$PACK" keygen --no-passphrase -p "$1.pub" -s "$1.key" >/dev/null
}

demo_bundle() {
    key=${2:-demo}
    [ -f "$key.key" ] || keygen "$key"
    "$PACK" build "$ROOT/examples" -o "$1" -s "$key.key" --title "Satchel demo" \
        --publisher "Example newsroom" --date 2026-11-20 --seq 1 --quiet
}

# hostile_base OUT KEY: packs the small subset of examples/ that tests/hostile/gen.py
# derives its cases from into OUT, signed with KEY.key (tests/hostile/README.md).
hostile_base() {
    for f in articles/en/2026-10-14-vaccine-cold-chain.md articles/en/2026-10-18-typhoon-season.md \
            articles/en/2026-11-03-grain-markets.md articles/ko/2026-11-10-safe-water.md \
            articles/ko/2026-11-03-rice-prices.md articles/text/2026-11-08-seed-exchange.txt \
            images/water-steps.png images/rainfall.png images/rice-prices.png \
            radio/2026-11-02-morning-news.ogg radio/2026-11-02-morning-news.vtt \
            radio/2026-11-06-evening-bulletin.srt; do
        mkdir -p "src/$(dirname "$f")"
        cp "$ROOT/examples/$f" "src/$f"
    done
    "$PACK" build src -o "$1" -s "$2.key" --title "Hostile base" --publisher "Test desk" \
        --date 2026-11-20 --seq 1 --quiet
}

# hostile_corpus OUTDIR: the hostile base (good.satchel, signed with the key `good`;
# `other` is a second key) and the crafted corpus gen.py writes from it into OUTDIR.
hostile_corpus() {
    keygen good
    keygen other
    hostile_base good.satchel good
    expect_exit 0 "$READ" verify good.satchel -p good.pub
    python3 "$ROOT/tests/hostile/gen.py" good.satchel good.key other.key "$1"
}
