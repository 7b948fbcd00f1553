# extract never writes through symlinks, overwrites only with --force, creates --to,
# writes only what was asked, and leaves no temporary files.
. "$E2E_LIB"

demo_bundle demo.satchel
ID=articles-ko-2026-11-03-rice-prices
IMG=images-rice-prices.png
expect_exit 0 "$READ" extract demo.satchel --to ref -p demo.pub
n_all=$(ls ref | wc -l)
[ "$n_all" -gt 20 ] || fail "reference extract wrote only $n_all files"

no_tmp() { # no_tmp DIR
    ls -A "$1" | grep -q '^\.' && fail "temporary files left in $1: $(ls -A "$1")"
    return 0
}

# symlinks named like entries, pointing outside (one to a file, one dangling)
mkdir x
echo "outside, do not touch" > outside-target
cp outside-target outside-orig
ln -s "$T/outside-target" "x/$ID.gmi"
ln -s "$T/outside-new" "x/$IMG"
expect_exit 4 "$READ" extract demo.satchel --to x -p demo.pub
grep -q "$ID.gmi exists; not overwriting" "$T/err" || fail "no refusal message: $(cat "$T/err")"
cmp outside-target outside-orig || fail "extract wrote through a symlink"
[ ! -e outside-new ] || fail "extract created a file through a dangling symlink"
[ -L "x/$ID.gmi" ] && [ -L "x/$IMG" ] || fail "symlinks were replaced without --force"
no_tmp x
# the other entries were written
[ "$(ls x | wc -l)" -eq "$n_all" ] || fail "extract wrote $(ls x | wc -l) names, want $n_all"

# --force replaces the symlinks with regular files; the targets stay untouched
expect_exit 0 "$READ" extract demo.satchel --to x -p demo.pub --force "$ID" "$IMG"
[ ! -L "x/$ID.gmi" ] && [ -f "x/$ID.gmi" ] || fail "--force did not replace the symlink with a file"
[ ! -L "x/$IMG" ] && [ -f "x/$IMG" ] || fail "--force did not replace the dangling symlink"
cmp "x/$ID.gmi" "ref/$ID.gmi" || fail "replaced file has the wrong content"
cmp "x/$IMG" "$ROOT/examples/images/rice-prices.png" || fail "replaced image has the wrong content"
cmp outside-target outside-orig || fail "--force wrote through the symlink"
[ ! -e outside-new ] || fail "--force created the dangling symlink's target"
no_tmp x

# a folder named like an entry is never replaced, even with --force
mkdir y y/"$ID.gmi"
touch y/"$ID.gmi"/keep
expect_exit 4 "$READ" extract demo.satchel --to y -p demo.pub --force "$ID"
grep -q 'not a file' "$T/err" || fail "folder in the way: message: $(cat "$T/err")"
[ -f y/"$ID.gmi"/keep ] || fail "folder in the way was touched"
no_tmp y

# one id writes only that file; --to creates the folder
expect_exit 0 "$READ" extract demo.satchel --to newdir -p demo.pub "$ID"
[ "$(ls -A newdir)" = "$ID.gmi" ] || fail "extract of one id wrote: $(ls -A newdir)"
[ "$(cat "$T/out")" = "$ID.gmi" ] || fail "extract prints: $(cat "$T/out")"
cmp "newdir/$ID.gmi" "ref/$ID.gmi" || fail "single extract content"
# a second extract without --force refuses and keeps the file
echo "local edits" > "newdir/$ID.gmi"
set +e; "$READ" extract demo.satchel --to newdir -p demo.pub "$ID" >o2 2>e2; rc=$?; set -e
[ "$rc" -eq 4 ] || [ "$rc" -eq 1 ] || fail "second extract without --force: exit $rc"
[ "$(cat "newdir/$ID.gmi")" = "local edits" ] || fail "second extract overwrote the file"
grep -q 'force' e2 || fail "second extract: message does not mention --force: $(cat e2)"
expect_exit 0 "$READ" extract demo.satchel --to newdir -p demo.pub --force "$ID"
cmp "newdir/$ID.gmi" "ref/$ID.gmi" || fail "--force did not overwrite"
[ "$(ls -A newdir)" = "$ID.gmi" ] || fail "newdir holds: $(ls -A newdir)"
# several ids, media among them
expect_exit 0 "$READ" extract demo.satchel --to two -p demo.pub "$IMG" radio-2026-11-05-farm-hour
[ "$(ls -A two | tr '\n' ' ')" = "$IMG radio-2026-11-05-farm-hour.gmi " ] || fail "two ids wrote: $(ls -A two)"

# an unknown id: nothing written at all
expect_exit 1 "$READ" extract demo.satchel --to none -p demo.pub "$ID" no-such-id
grep -q 'no entry' "$T/err" || fail "unknown id: message: $(cat "$T/err")"
[ ! -e none ] || [ -z "$(ls -A none)" ] || fail "extract with an unknown id wrote files"

# an unverifiable bundle: nothing written, folder not created
keygen other
expect_exit 3 "$READ" extract demo.satchel --to forged -p other.pub
[ ! -e forged ] || fail "extract created its folder for an unverified bundle"
# --to pointing at a file
echo file > afile
expect_exit 4 "$READ" extract demo.satchel --to afile -p demo.pub "$ID"
[ "$(cat afile)" = file ] || fail "--to a file changed it"
no_tmp ref; no_tmp two; no_tmp newdir

# a full disk (here: a file size limit, so write() fails with EFBIG part way through the
# audio): extract says so, removes the partial file, stops, exits 4; salvage the same
AUD=radio-2026-11-02-morning-news.ogg
aud_size=$(wc -c < "ref/$AUD")
[ "$aud_size" -gt 20480 ] || fail "the example audio is only $aud_size bytes"
for cmd in extract salvage; do
    set +e
    (trap '' XFSZ; ulimit -f 20; exec "$READ" $cmd demo.satchel --to "full-$cmd" -p demo.pub) \
        > "$cmd.out" 2> "$cmd.err"
    rc=$?
    set -e
    [ "$rc" -eq 4 ] || fail "$cmd on a full disk: exit $rc, want 4: $(cat "$cmd.err")"
    grep -q "cannot write $AUD (the partial file was removed)" "$cmd.err" ||
        fail "$cmd on a full disk: message: $(cat "$cmd.err")"
    [ ! -e "full-$cmd/$AUD" ] || fail "$cmd left a partial $AUD"
    no_tmp "full-$cmd"
    # what was written before the failure is complete and correct
    for f in full-$cmd/*; do
        cmp "$f" "ref/$(basename "$f")" || fail "$cmd on a full disk: $f differs"
    done
done
grep -q 'stopped: cannot write' salvage.out || fail "salvage summary: $(cat salvage.out)"

# salvage of an intact bundle writes what extract writes
expect_exit 0 "$READ" salvage demo.satchel --to saved -p demo.pub
grep -q "^Salvaged $n_all of $n_all entries (100.0%) to saved$" "$T/out" || fail "salvage: $(cat "$T/out")"
diff -r saved ref >/dev/null || fail "salvage wrote other bytes than extract"
expect_exit 4 "$READ" salvage demo.satchel --to saved -p demo.pub
grep -q 'exists; not overwriting' "$T/err" || fail "salvage over existing files: $(cat "$T/err")"
expect_exit 3 "$READ" salvage demo.satchel --to salv-forged -p other.pub
[ ! -e salv-forged ] || fail "salvage created its folder for an unverified bundle"
