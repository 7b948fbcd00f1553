# The auditor's recipe of formats/SPEC.md section 10, run verbatim with stock tools, recovers
# entries byte-identical to `satchel-read extract`, and reports damage.
. "$E2E_LIB"
. "$(dirname "$E2E_LIB")/spec_tools.sh"

awk '/^## 10\./ { s = 1; next } s == 1 && /^```sh$/ { s = 2; next }
     s == 2 && /^```$/ { exit } s == 2 { print }' "$ROOT/formats/SPEC.md" > recipe.sh
[ "$(wc -l < recipe.sh)" -ge 10 ] || fail "could not find the recipe in SPEC.md section 10: $(cat recipe.sh)"
grep -q 'minisign -V' recipe.sh || fail "the recipe does not verify the signature"

demo_bundle demo.satchel
B="$T/demo.satchel"; PUB="$T/demo.pub"

# run_recipe DIR BUNDLE PUB ID: runs the recipe in a fresh folder; output in DIR.log
run_recipe() {
    rm -rf "$T/$1"; mkdir "$T/$1"
    set +e
    (cd "$T/$1" && B="$2" PUB="$3" ID="$4" sh -eu "$T/recipe.sh") > "$T/$1.log" 2>&1
    rc=$?
    set -e
}

check_entry() { # check_entry NAME BUNDLE ID EXTRACTED-NAME
    run_recipe "$1" "$2" "$PUB" "$3"
    [ "$rc" -eq 0 ] || { cat "$T/$1.log"; fail "recipe failed for $3 (exit $rc)"; }
    grep -qx "entry $3 OK" "$T/$1.log" || { cat "$T/$1.log"; fail "recipe did not say 'entry $3 OK'"; }
    grep -q 'Signature and comment signature verified' "$T/$1.log" || fail "recipe: no minisign verification"
    expect_exit 0 "$READ" extract "$2" --to "$T/x-$1" -p "$PUB" "$3"
    cmp "$T/$1/entry.out" "$T/x-$1/$4" || fail "recipe's entry.out differs from satchel-read extract for $3"
}

# (a) a Korean text entry, (b) the image media entry
check_entry ko "$B" articles-ko-2026-11-03-rice-prices articles-ko-2026-11-03-rice-prices.gmi
grep -q '쌀값' ko/entry.out || fail "Korean entry content"
check_entry img "$B" images-rice-prices.png images-rice-prices.png
cmp img/entry.out "$ROOT/examples/images/rice-prices.png" || fail "image differs from the source"
check_entry aud "$B" radio-2026-11-02-morning-news.ogg radio-2026-11-02-morning-news.ogg

# a bundle with a trained dictionary exercises the recipe's other branch
mkdir corp
awk 'BEGIN { srand(42); n = split("평양 함흥 쌀값 장마당 문서 선거 market election harvest water river winter 기온 배추 철도 화물 the of and news radio", w, " ")
  for (a = 0; a < 100; a++) { f = sprintf("corp/a%03d.md", a)
    printf "---\ntitle: Synthetic %d\ndate: 2026-11-%02d\nlang: ko\n---\n", a, a % 28 + 1 > f
    for (p = 0; p < 50; p++) { s = ""; for (k = 0; k < 40; k++) s = s w[int(rand() * n) + 1] " "; print s "." > f; print "" > f }
    close(f) } }'
"$PACK" build corp -o dict.satchel -s demo.key --date 2026-11-20 --cluster-size 65536 --quiet
tar -tf dict.satchel | grep -qx satchel-dict || fail "the synthetic corpus got no dictionary"
check_entry dk "$T/dict.satchel" a057 a057.gmi
[ "$(head -n 1 dk/entry.out)" = "$(sed -n 6p corp/a057.md | sed 's/ *$//')" ] || fail "dictionary entry content"

# a damaged cluster: the recipe says DAMAGED and fails
manifest_of "$B" > manifest.txt
coff=$(awk -F'\t' '$1 == "C" { print $2; exit }' manifest.txt)
csize=$(awk -F'\t' '$1 == "C" { print $3; exit }' manifest.txt)
cp "$B" bad.satchel
pos=$((coff + csize / 2))
orig=$(od -An -tu1 -j "$pos" -N1 bad.satchel | tr -d ' ')
printf "$(printf '\\%03o' $(( (orig + 1) % 256 )))" | dd of=bad.satchel bs=1 seek="$pos" conv=notrunc 2>/dev/null
cmp -s "$B" bad.satchel && fail "byte flip did not change the bundle"
run_recipe bad "$T/bad.satchel" "$PUB" articles-ko-2026-11-03-rice-prices
[ "$rc" -ne 0 ] || { cat bad.log; fail "recipe succeeded on a damaged cluster"; }
grep -q 'DAMAGED' bad.log || { cat bad.log; fail "recipe did not report DAMAGED"; }
grep -q 'OK$' bad.log && fail "recipe said OK on a damaged cluster"
# media of the damaged bundle is still fine
run_recipe badimg "$T/bad.satchel" "$PUB" images-rice-prices.png
[ "$rc" -eq 0 ] || { cat badimg.log; fail "recipe failed for an undamaged media entry"; }

# a forged index page (the image's bytes and its E line hash replaced; the signed root
# manifest untouched, so its P line hash no longer matches the page): the recipe must not
# call the forged image OK, and satchel-read must refuse it
python3 - "$B" forged.satchel <<'PY'
import hashlib, subprocess, sys, tarfile
src, dst = sys.argv[1:3]
t = tarfile.open(src)
members = [(m, t.extractfile(m).read()) for m in t.getmembers()]
img = b"forged image bytes\n"
out = []
for m, d in members:
    if m.name == "media/images-rice-prices.png":
        d = img
    if m.name.startswith("index/"):
        txt = subprocess.run(["zstd", "-dq"], input=d, stdout=subprocess.PIPE, check=True).stdout
        lines = txt.decode().split("\n")
        for i, l in enumerate(lines):
            f = l.split("\t")
            if len(f) > 2 and f[1] == "images-rice-prices.png":
                f[13] = str(len(img)); f[14] = hashlib.blake2b(img, digest_size=32).hexdigest()
                lines[i] = "\t".join(f)
        txt = "\n".join(lines).encode()
        d = subprocess.run(["zstd", "-q", "-19", "--stream-size=%d" % len(txt)], input=txt,
                           stdout=subprocess.PIPE, check=True).stdout
    m.size = len(d)
    out.append((m, d))
with open(dst, "wb") as f:
    for m, d in out:
        f.write(m.tobuf(format=tarfile.USTAR_FORMAT))
        f.write(d + b"\0" * (-len(d) % 512))
    f.write(b"\0" * 1024)
PY
run_recipe forged "$T/forged.satchel" "$PUB" images-rice-prices.png
grep -q 'OK$' forged.log && { cat forged.log; fail "the SPEC recipe calls an entry from a forged index page OK"; }
[ "$rc" -ne 0 ] || { cat forged.log; fail "the SPEC recipe succeeded on a forged index page"; }
set +e
"$READ" extract forged.satchel --to xforged -p "$PUB" images-rice-prices.png > /dev/null 2>&1
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "satchel-read extracted from a forged index page"
[ ! -e xforged/images-rice-prices.png ] || fail "satchel-read wrote the forged image"

# a wrong key: the recipe (under set -e) stops at minisign
keygen other
run_recipe wrongkey "$B" "$T/other.pub" articles-ko-2026-11-03-rice-prices
[ "$rc" -ne 0 ] || fail "recipe passed with the wrong public key"
grep -q 'OK$' wrongkey.log && fail "recipe said OK with the wrong public key"
true
