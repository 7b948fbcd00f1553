# Trusted keys: a keyring of several keys, repeated -p, and keys compiled into the reader.
. "$E2E_LIB"

keygen demo; keygen k2; keygen k3
demo_bundle demo.satchel demo
demo_bundle two.satchel k2
demo_bundle three.satchel k3

# a keyring: concatenated public key files
cat demo.pub k2.pub > ring.txt
for b in demo two; do
    expect_exit 0 "$READ" verify $b.satchel --keyring ring.txt
    grep -q '^All .* entries intact' "$T/out" || fail "keyring verify $b: $(cat "$T/out")"
done
expect_exit 0 "$READ" verify two.satchel --keyring ring.txt
grep -q "by key $(head -n 1 k2.pub | sed 's/.* //')" "$T/out" || fail "verify does not name the signing key"
expect_exit 3 "$READ" verify three.satchel --keyring ring.txt
grep -Eq 'trusted|key' "$T/err" || fail "third key: message: $(cat "$T/err")"
expect_exit 3 "$READ" list three.satchel --keyring ring.txt
[ ! -s "$T/out" ] || fail "list of an untrusted bundle printed entries"
# keyring + -p combine; -p repeats
expect_exit 0 "$READ" verify three.satchel --keyring ring.txt -p k3.pub
expect_exit 0 "$READ" verify two.satchel -p demo.pub -p k2.pub
# a keyring with blank lines between keys, in the other order
{ cat k2.pub; echo; cat demo.pub; echo; } > ring2.txt
expect_exit 0 "$READ" verify demo.satchel --keyring ring2.txt
expect_exit 0 "$READ" verify two.satchel --keyring ring2.txt
# a damaged keyring or key file is a usage error, not a silent empty set
printf 'untrusted comment: minisign public key 0\nnot base64 at all!\n' > badring.txt
expect_exit 2 "$READ" verify demo.satchel --keyring badring.txt
expect_exit 2 "$READ" verify demo.satchel -p no-such.pub
# without any key: refused
expect_exit 3 "$READ" verify demo.satchel
grep -q 'no trusted public key' "$T/err" || fail "no key: message: $(cat "$T/err")"

# a reader with demo.pub compiled in
make -s -C "$ROOT" B="$T/bk" READER_KEYS="$T/demo.pub" "$T/bk/satchel-read" > make.log 2>&1 ||
    { cat make.log; fail "building a reader with a compiled-in key failed"; }
BK="$T/bk/satchel-read"
expect_exit 0 "$BK" verify demo.satchel
grep -q '^All .* entries intact' "$T/out" || fail "built-in key verify: $(cat "$T/out")"
expect_exit 0 "$BK" show demo.satchel articles-ko-2026-11-03-rice-prices
grep -q '쌀값' "$T/out" || fail "built-in key show"
expect_exit 3 "$BK" verify two.satchel
expect_exit 0 "$BK" verify two.satchel -p k2.pub
# the normal reader has no compiled-in keys
expect_exit 3 "$READ" verify demo.satchel
# the build left the main tree's generated key file alone
if [ -f "$ROOT/build/reader/trusted_keys.c" ]; then
    grep -q "$(sed -n 2p demo.pub)" "$ROOT/build/reader/trusted_keys.c" &&
        fail "the demo key leaked into build/reader/trusted_keys.c"
fi
true
