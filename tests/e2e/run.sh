#!/bin/sh
# Runs every end-to-end test (tests/e2e/t_*.sh) against the binaries in BIN_DIR.
# Each test is a POSIX shell script run with `set -eu`, in its own empty work
# folder ($T), with $PACK and $READ naming the real binaries. A test passes when
# it exits 0. Prints one line per test and a closing "N passed, N failed".
set -u
BIN_DIR=${1:?usage: run.sh BIN_DIR [TEST...]}
shift
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
pass=0
fail=0
failed=""
if [ $# -eq 0 ]; then
    set -- "$HERE"/t_*.sh
fi
for t in "$@"; do
    name=$(basename "$t" .sh)
    work=$(mktemp -d "${TMPDIR:-/tmp}/satchel-e2e-$name.XXXXXX")
    log="$work.log"
    if (cd "$work" && PACK="$BIN_DIR/satchel-pack" READ="$BIN_DIR/satchel-read" \
        ROOT="$ROOT" T="$work" E2E_LIB="$HERE/lib.sh" sh -eu "$t") >"$log" 2>&1; then
        pass=$((pass + 1))
        echo "PASS $name"
        rm -rf "$work" "$log"
    else
        fail=$((fail + 1))
        failed="$failed $name"
        echo "FAIL $name (log: $log, work folder: $work)"
        tail -n 25 "$log" | sed 's/^/    /'
    fi
done
echo "e2e: $pass passed, $fail failed"
[ -n "$failed" ] && echo "failed:$failed"
[ "$fail" -eq 0 ]
