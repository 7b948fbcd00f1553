# Same input, key and --date give byte-identical bundles; another --date does not.
. "$E2E_LIB"

keygen demo
build() {
    "$PACK" build "$ROOT/examples" -o "$1" -s demo.key --title "Satchel demo" \
        --publisher "Example newsroom" --date "$2" --seq 7 --quiet
}
build one.satchel 2026-11-20T08:30:00Z
sleep 1 # a clock leaking into the output would show
build two.satchel 2026-11-20T08:30:00Z
[ -s one.satchel ] || fail "no bundle"
cmp one.satchel two.satchel || fail "two builds with the same inputs differ"
# also with more threads and from a copy of the source in another place and order of creation
mkdir copy
(cd "$ROOT/examples" && find . -type f | sort -r) | while IFS= read -r f; do
    mkdir -p "copy/$(dirname "$f")"
    cp "$ROOT/examples/$f" "copy/$f"
    touch -d '2001-01-01 00:00:00' "copy/$f"
done
"$PACK" build copy -o three.satchel -s demo.key --title "Satchel demo" \
    --publisher "Example newsroom" --date 2026-11-20T08:30:00Z --seq 7 --quiet --threads 3
cmp one.satchel three.satchel || fail "a copy of the source (other mtimes, creation order, threads) gives other bytes"

build four.satchel 2026-11-21T08:30:00Z
cmp -s one.satchel four.satchel && fail "a different --date gives the same bundle"
# the date is visible where it should be: trusted comment and tar mtimes
expect_exit 0 "$READ" info four.satchel -p demo.pub --json
grep -q '"created": "2026-11-21T08:30:00Z"' "$T/out" || fail "info: created date not the --date"
ids1=$(tar -xOf one.satchel satchel-manifest.zst | zstd -dq | sed -n 2p)
ids4=$(tar -xOf four.satchel satchel-manifest.zst | zstd -dq | sed -n 2p)
[ "$ids1" != "$ids4" ] || fail "bundle id does not depend on the creation time"
tar --utc -tvf one.satchel > tv.txt
awk '{ print $4, $5 }' tv.txt | sort -u > times.txt
[ "$(cat times.txt)" = "2026-11-20 08:30" ] || fail "member mtimes are not the --date: $(cat times.txt)"
