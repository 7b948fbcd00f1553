# Shared helpers for end-to-end tests; sourced with `. "$E2E_LIB"`.
# Provides: fail MSG; expect_exit CODE CMD...; keygen NAME (unencrypted pair
# NAME.pub/NAME.key); demo_bundle OUT [KEY] (packs examples/ deterministically).

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
