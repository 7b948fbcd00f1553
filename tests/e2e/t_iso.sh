# satchel-pack iso: the drive layout as an ISO 9660 image, read back by other tools.
# bsdtar lists the layout; xorriso shows the label and loads the Rock Ridge and the Joliet
# trees (same names); both extract it, every file the same as its source (the bundle, the
# static reader, the key, the web export) and CHECKSUMS.b2 passes; Rock Ridge keeps the
# reader's mode 0755 and one fixed time; the reader runs from the extracted disc and
# verifies the bundle there. Refusals: an existing image without --force, a bundle signed by
# another key, a dynamic reader; --label is made a valid volume id and the change is said.
. "$E2E_LIB"

S=$(dirname "$PACK")/satchel-read-static
[ -x "$S" ] || fail "no $S (make static-reader; make check builds it)"
keygen demo
demo_bundle demo.satchel

# 1. the image, with the web export
expect_exit 0 "$PACK" iso demo.satchel -o disc.iso -p demo.pub --export-html --json
python3 - "$T/out" <<'EOF' || fail "iso --json: $(cat "$T/out")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["ok"] is True and r["readback"] == "ok", r
assert r["label"] == "SATCHEL_DEMO" and r["label_changed"] is False, r
assert r["files"] > 6 and r["image_bytes"] > r["bytes"] > 0, r
assert r["error"] is None, r
EOF
[ -f disc.iso ] || fail "no disc.iso"
[ -z "$(ls | grep partial)" ] || fail "a temporary file was left: $(ls)"

# 2. the layout, as bsdtar lists it
bsdtar -tf disc.iso | sed 's#^\./##; s#/$##' | grep -v '^\.\?$' | sort > listing
for p in README.txt CHECKSUMS.b2 satchel/demo.satchel reader/linux-x86_64/satchel-read \
        key/publisher.pub key/fingerprint.txt web/demo/index.html; do
    grep -qxF "$p" listing || fail "bsdtar does not list $p: $(cat listing)"
done
top=$(sed 's#/.*##' listing | sort -u | tr '\n' ' ')
[ "$top" = "CHECKSUMS.b2 README.txt key reader satchel web " ] || fail "top level: $top"
bsdtar -tvf disc.iso | grep ' reader/linux-x86_64/satchel-read$' | grep -q '^-rwxr-xr-x' ||
    fail "bsdtar: the reader is not 0755: $(bsdtar -tvf disc.iso | grep satchel-read)"

# 3. xorriso: the label, Rock Ridge loaded, and the Joliet tree with the same names
xorriso -indev disc.iso -pvd_info > pvd.txt 2>&1
grep -q "^Volume Id    : SATCHEL_DEMO$" pvd.txt || fail "label: $(cat pvd.txt)"
xorriso -indev disc.iso -toc -find / -type f > rr.txt 2>&1
grep -q "^ISO loaded   : Rock_Ridge" rr.txt || fail "no Rock Ridge: $(cat rr.txt)"
xorriso -read_fs norock -indev disc.iso -toc -find / -type f > joliet.txt 2>&1
grep -q "^ISO loaded   : Joliet" joliet.txt || fail "no Joliet tree: $(cat joliet.txt)"
grep "^'/" rr.txt | sort > rr.names
grep "^'/" joliet.txt | sort > joliet.names
[ -s rr.names ] || fail "xorriso found no files: $(cat rr.txt)"
cmp rr.names joliet.names || fail "the Joliet names differ from the Rock Ridge ones"
# the plain ISO 9660 tree exists too (upper case names) for the oldest readers
xorriso -read_fs ecma119 -indev disc.iso -toc -ls / > iso9660.txt 2>&1
grep -q "ISO loaded   : Only_ECMA_119" iso9660.txt && grep -q "'README.TXT'" iso9660.txt ||
    fail "no ISO 9660 tree: $(cat iso9660.txt)"

# 4. extracted by xorriso and by bsdtar: the same files, equal to their sources
mkdir x b
xorriso -osirrox on -indev disc.iso -extract / x > /dev/null 2>&1 || fail "xorriso -extract failed"
bsdtar -xf disc.iso -C b
(cd x && find . -type f | sort) > x.files
(cd b && find . -type f | sort) > b.files
cmp x.files b.files || fail "xorriso and bsdtar extract different files"
[ "$(wc -l < x.files)" -eq "$(wc -l < rr.names)" ] || fail "extracted file count differs"
while read -r f; do
    cmp "x/$f" "b/$f" || fail "$f differs between the xorriso and the bsdtar extraction"
done < x.files
cmp x/satchel/demo.satchel demo.satchel || fail "the bundle on the disc differs from its source"
cmp x/reader/linux-x86_64/satchel-read "$S" || fail "the reader on the disc is not $S"
cmp x/key/publisher.pub demo.pub || fail "the key on the disc differs"
"$READ" export-html demo.satchel --to ref -p demo.pub --lang ko > /dev/null 2>&1
diff -r ref x/web/demo > /dev/null || fail "the web export on the disc differs from export-html"
(cd x && b2sum -c --quiet CHECKSUMS.b2) || fail "b2sum -c CHECKSUMS.b2 fails (xorriso)"
(cd b && b2sum -c --quiet CHECKSUMS.b2) || fail "b2sum -c CHECKSUMS.b2 fails (bsdtar)"
[ "$(wc -l < x/CHECKSUMS.b2)" -eq $(($(wc -l < x.files) - 1)) ] ||
    fail "CHECKSUMS.b2 does not cover every other file"

# 5. Rock Ridge attributes: modes as planned, one fixed time (the bundle's creation)
[ "$(stat -c %a x/reader/linux-x86_64/satchel-read)" = 755 ] || fail "reader mode (xorriso)"
[ "$(stat -c %a b/reader/linux-x86_64/satchel-read)" = 755 ] || fail "reader mode (bsdtar)"
[ "$(stat -c %a b/README.txt)" = 644 ] || fail "README.txt mode"
created=$(date -u -d 2026-11-20 +%s)
for f in README.txt satchel/demo.satchel web/demo/index.html; do
    [ "$(stat -c %Y "b/$f")" = "$created" ] || fail "$f: time $(stat -c %Y "b/$f"), not $created"
done

# 6. the reader runs from the extracted disc and verifies the bundle there
x/reader/linux-x86_64/satchel-read verify x/satchel/demo.satchel -p x/key/publisher.pub > v.txt ||
    fail "the disc's reader does not verify the disc's bundle: $(cat v.txt)"
grep -q "^Signature: good" v.txt || fail "verify: $(cat v.txt)"

# 7. refusals
cp disc.iso disc.keep
expect_exit 1 "$PACK" iso demo.satchel -o disc.iso -p demo.pub --quiet
grep -q "already exists" "$T/err" || fail "no 'already exists': $(cat "$T/err")"
cmp disc.iso disc.keep || fail "disc.iso was changed without --force"
expect_exit 0 "$PACK" iso demo.satchel -o disc.iso -p demo.pub --force --quiet --no-reader
bsdtar -tf disc.iso | grep -q '^reader' && fail "--no-reader: a reader on the disc"
keygen other
demo_bundle other.satchel other
expect_exit 1 "$PACK" iso other.satchel -o bad.iso -p demo.pub --quiet
[ -e bad.iso ] && fail "an image of a bundle signed by another key"
expect_exit 1 "$PACK" iso demo.satchel -o bad.iso -p demo.pub --reader "$READ" --quiet
grep -q "static-reader" "$T/err" || fail "a dynamic reader: $(cat "$T/err")"
[ -e bad.iso ] && fail "an image with a dynamic reader"
[ -z "$(ls | grep partial)" ] || fail "a temporary file was left: $(ls)"
expect_exit 2 "$PACK" iso demo.satchel -p demo.pub
expect_exit 2 "$PACK" iso -o x.iso -p demo.pub

# 8. --label: made a volume id, and said so
expect_exit 0 "$PACK" iso demo.satchel -o label.iso -p demo.pub --label "News disc #3, 2026" \
    --reader "$S"
grep -q 'volume label is "NEWS_DISC_3_2026"' "$T/err" || fail "label message: $(cat "$T/err")"
xorriso -indev label.iso -pvd_info 2>&1 | grep -q "^Volume Id    : NEWS_DISC_3_2026$" ||
    fail "label.iso: $(xorriso -indev label.iso -pvd_info 2>&1 | grep Volume)"
echo "iso: ok"
