# Damaged media (issue 3): a bundle of a few hundred synthetic Korean/English articles and
# some media, in many small clusters, copied with 0.1% and 1% of its 2 KiB sectors
# overwritten (several seeds), with the head (and tail) signature hit, and cut short at
# several points (tests/damage/damage.py).
# For each damaged copy the ground truth (computed from the ORIGINAL with tar headers,
# `zstd -d` and the dictionary) says which entries must survive; then:
#   verify --json  names exactly the damaged entries (those of a lost index page counted
#                  through the page problem), exit 1 (3 when no signed root survives);
#   list --json    lists every entry of the intact index pages;
#   show           works for intact entries, fails cleanly (exit 1, a message) for damaged
#                  ones (every 6th of each is tried, and every damaged media entry);
#   salvage        writes exactly the intact entries (and media of lost index pages, found
#                  through the root's M lines), byte-identical to a clean extract.
# Never a crash, a sanitizer report or an escape byte in any output.
. "$E2E_LIB"
DMG="$ROOT/tests/damage/damage.py"
CHECK="$ROOT/tests/damage/check_reader.py"
ESC=$(printf '\033')

keygen demo
cc -std=c11 -O2 -D_GNU_SOURCE -o gencorpus "$ROOT/bench/gencorpus.c"
./gencorpus src 360 11 >/dev/null
mkdir -p src/media
cp "$ROOT/examples/images/"*.png "$ROOT/examples/radio/"*.ogg src/media/
"$PACK" build src -o good.satchel -s demo.key --title "Damage test" --date 2026-11-20 \
    --cluster-size 16384 --level 3 --quiet
expect_exit 0 "$READ" verify good.satchel -p demo.pub
"$READ" extract good.satchel --to clean -p demo.pub > /dev/null
n_clean=$(ls clean | wc -l)
[ "$n_clean" -gt 360 ] || fail "clean extract wrote only $n_clean files"
(cd clean && ls | xargs b2sum --) > clean.sums

# no_crash NAME CODE: exit codes 0..4 only, no sanitizer report, no escape byte in NAME.out/err
no_crash() {
    [ "$2" -le 4 ] || { cat "$1.err" >&2; fail "$1: exit $2 (crash?)"; }
    ! grep -q 'Sanitizer\|runtime error' "$1.err" || { cat "$1.err" >&2; fail "$1: sanitizer report"; }
    ! grep -q "$ESC" "$1.out" "$1.err" || fail "$1: escape byte in the output"
}
# run NAME CMD...: runs CMD with stdout in NAME.out, stderr in NAME.err, status in $rc
run() {
    _n=$1
    shift
    set +e
    "$@" > "$_n.out" 2> "$_n.err"
    rc=$?
    set -e
    no_crash "$_n" "$rc"
}

# check NAME: NAME.satchel damaged as NAME.json says
check() {
    n=$1
    python3 "$DMG" truth good.satchel --ranges "$n.json" --prefix "$n" --show-every 6
    . "./$n.vars"
    echo "$n: $summary"
    run "$n.verify" "$READ" verify "$n.satchel" --json -p demo.pub
    vrc=$rc
    run "$n.list" "$READ" list "$n.satchel" --json -p demo.pub
    python3 "$CHECK" "$n.truth" "$n.verify.out" "$vrc" "$n.list.out" "$rc" ||
        fail "$n: verify or list differ from the ground truth"

    # show: every 6th intact and damaged entry and every damaged media entry (salvage below
    # reads every entry)
    : > "$n.show.out"
    : > "$n.show.err"
    while read -r want id; do
        set +e
        "$READ" show "$n.satchel" "$id" -p demo.pub > "$n.one.out" 2> "$n.one.err"
        rc=$?
        set -e
        cat "$n.one.out" >> "$n.show.out"
        cat "$n.one.err" >> "$n.show.err"
        if [ "$root_ok" -eq 0 ]; then
            [ "$rc" -eq 1 ] || [ "$rc" -eq 3 ] || fail "$n: show $id: exit $rc without a signed root"
        elif [ "$want" = ok ]; then
            [ "$rc" -eq 0 ] && [ -s "$n.one.out" ] || { cat "$n.one.err"; fail "$n: show $id: exit $rc, want 0"; }
        else
            [ "$rc" -eq 1 ] || { cat "$n.one.err"; fail "$n: show $id (damaged): exit $rc, want 1"; }
            [ -s "$n.one.err" ] || fail "$n: show $id (damaged): no message"
        fi
    done < "$n.show"
    no_crash "$n.show" 0

    # salvage: exactly the intact entries, each as a clean extract wrote it
    run "$n.salvage" "$READ" salvage "$n.satchel" --to "$n.dir" -p demo.pub
    if [ "$root_ok" -eq 0 ]; then
        [ "$rc" -eq 3 ] || fail "$n: salvage without a signed root: exit $rc, want 3"
        [ ! -d "$n.dir" ] || [ -z "$(ls -A "$n.dir")" ] || fail "$n: salvage wrote files without a signed root"
        return 0
    fi
    [ "$rc" -eq $([ "$n_salvage_lost" -eq 0 ] && echo 0 || echo 1) ] || { cat "$n.salvage.err"; fail "$n: salvage exit $rc ($n_salvage_lost lost)"; }
    (cd "$n.dir" && ls -A) | sort > "$n.got"
    cmp -s "$n.want" "$n.got" || { diff "$n.want" "$n.got" | head; fail "$n: salvage wrote other files than the intact entries"; }
    (cd "$n.dir" && xargs -r b2sum --) < "$n.want" > "$n.sums"
    awk 'NR == FNR { w[$1]; next } $2 in w' "$n.want" clean.sums > "$n.want.sums"
    cmp -s "$n.want.sums" "$n.sums" || fail "$n: a salvaged entry differs from the clean extract"
    grep -q "^Salvaged $(wc -l < "$n.want") of $(wc -l < clean.sums) entries" "$n.salvage.out" ||
        fail "$n: no 'Salvaged N of M entries' line"
    # one DAMAGED line per lost entry of an intact page (and per damaged media member of a
    # lost page, found through its M line), one per lost page
    sed -n 's/^DAMAGED \([^(][^:]*\): .*/\1/p' "$n.salvage.out" | sort > "$n.salvage.named"
    cmp -s "$n.snamed" "$n.salvage.named" || { diff "$n.snamed" "$n.salvage.named" | head; fail "$n: salvage names other entries as lost"; }
    [ "$(grep -c '^DAMAGED (bundle): .* entries from .* lost' "$n.salvage.out")" -eq "$n_lost_pages" ] ||
        fail "$n: salvage does not say once per lost index page"
}

# seeds chosen so that, between them, the damage hits an index page (0.001-1, 0.01-3), the
# dictionary (0.001-2, 0.01-6), clusters only (0.001-3), media and clusters (0.01-5)
for rs in 0.001-1 0.001-2 0.001-3 0.01-3 0.01-5 0.01-6; do
    n=s$rs
    python3 "$DMG" sectors good.satchel "$n.satchel" --rate "${rs%-*}" --seed "${rs#*-}" --ranges "$n.json"
    check "$n"
done
size=$(wc -c < good.satchel)
# the head signature and a cluster (the tail copy serves), then both copies of the signature
tail_sig=$(tar -tvRf good.satchel | awk '/satchel-manifest-copy.zst.minisig$/ { sub(":", "", $2); print ($2 + 1) * 512 }')
[ -n "$tail_sig" ] || fail "no tail copy of the signature in the bundle"
python3 "$DMG" sectors good.satchel head.satchel --at 600 --at $((size / 2)) --ranges head.json
check head
# a second salvage into the same folder overwrites nothing without --force (exit 4)
(cd head.dir && b2sum -- *) > head.before
run head.again "$READ" salvage head.satchel --to head.dir -p demo.pub
[ "$rc" -eq 4 ] || fail "salvage over existing files: exit $rc, want 4"
grep -q 'exists; not overwriting' head.again.err || fail "salvage over existing files: no message"
(cd head.dir && b2sum -- *) | cmp -s head.before - || fail "salvage without --force changed files"
[ -z "$(ls -A head.dir | grep -v -F -x -f head.want)" ] || fail "salvage left temporary files"
python3 "$DMG" sectors good.satchel both.satchel --at 600 --at "$tail_sig" --ranges both.json
check both
for at in 1000 $((size / 4)) $((size / 2)) $((size * 9 / 10)) $((size - 1024)) $((size - 1)); do
    n=cut-$at
    python3 "$DMG" truncate good.satchel "$n.satchel" --at "$at" --ranges "$n.json"
    check "$n"
done
