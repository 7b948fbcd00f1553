# --help and --version of both programs; usage errors exit 2.
. "$E2E_LIB"

# the format version the library reads and writes (formats/sat_manifest.h)
fv=$(sed -n 's/^#define SAT_FORMAT_VERSION \([0-9][0-9]*\)$/\1/p' "$ROOT/formats/sat_manifest.h")
[ -n "$fv" ] || fail "no SAT_FORMAT_VERSION in formats/sat_manifest.h"
for p in "$PACK" "$READ"; do
    name=$(basename "$p")
    expect_exit 0 "$p" --help
    grep -q '^Usage:' "$T/out" || fail "$name --help prints no Usage:"
    grep -q "$name" "$T/out" || fail "$name --help does not name the program"
    grep -q 'Exit status' "$T/out" || fail "$name --help does not describe exit codes"
    [ ! -s "$T/err" ] || fail "$name --help wrote to stderr"

    expect_exit 0 "$p" --version
    grep -Eq "^$name [0-9]+\.[0-9]+\.[0-9]+ \(bundle format $fv\)$" "$T/out" ||
        fail "$name --version: unexpected output: $(cat "$T/out")"

    expect_exit 2 "$p"
    grep -q "no command" "$T/err" || fail "$name without arguments: no message"
    expect_exit 2 "$p" frobnicate
    expect_exit 2 "$p" frobnicate some.satchel
    grep -q "unknown command 'frobnicate'" "$T/err" || fail "$name: unknown command not named"
    [ ! -s "$T/out" ] || fail "$name: usage error wrote to stdout"
done

# Subcommand --help.
expect_exit 0 "$PACK" build --help
grep -q '^Usage:' "$T/out" || fail "satchel-pack build --help"
expect_exit 0 "$PACK" keygen --help
grep -q 'keygen' "$T/out" || fail "satchel-pack keygen --help"

# Missing arguments: exit 2 and a hint, nothing created.
expect_exit 2 "$PACK" keygen -p only.pub
grep -q -- '-s SECFILE' "$T/err" || fail "keygen without -s: no message"
[ ! -e only.pub ] || fail "keygen without -s created only.pub"
expect_exit 2 "$PACK" build "$ROOT/examples" -s x.key
grep -q -- '-o BUNDLE' "$T/err" || fail "build without -o: no message"
expect_exit 2 "$PACK" build -o x.satchel -s x.key
grep -q 'SRC_DIR' "$T/err" || fail "build without SRC_DIR: no message"
[ ! -e x.satchel ] || fail "build with a usage error wrote a bundle"
expect_exit 2 "$PACK" build "$ROOT/examples" -o x.satchel -s x.key --bogus-option
expect_exit 2 "$PACK" build "$ROOT/examples" -o x.satchel -s x.key --date 2026-13-40
expect_exit 2 "$PACK" build "$ROOT/examples" -o x.satchel -s x.key --seq -1

expect_exit 2 "$READ" verify
grep -q 'no BUNDLE' "$T/err" || fail "verify without a bundle: no message"
expect_exit 2 "$READ" show some.satchel
grep -q 'wrong number of arguments' "$T/err" || fail "show without an id: no message"
expect_exit 2 "$READ" extract some.satchel
grep -q -- '--to' "$T/err" || fail "extract without --to: no message"
expect_exit 2 "$READ" key-info
expect_exit 2 "$READ" list some.satchel --kind novel
expect_exit 2 "$READ" show some.satchel x --width 5
expect_exit 2 "$READ" verify some.satchel --no-such-option
grep -q "Try 'satchel-read --help'" "$T/err" || fail "usage error without a hint"
