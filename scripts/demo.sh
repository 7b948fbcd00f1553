#!/bin/sh
# make demo: a throw-away key, pack examples/, verify, list, show one Korean article, search,
# and write the web export to demo/site/.
set -eu
BIN=${1:?usage: demo.sh BIN_DIR}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/demo"
mkdir -p "$OUT"
rm -f "$OUT/demo.key" "$OUT/demo.pub"
echo "== 1. A throw-away signing key (no passphrase: demo only)"
"$BIN/satchel-pack" keygen --no-passphrase -p "$OUT/demo.pub" -s "$OUT/demo.key"
echo
echo "== 2. Pack examples/ into demo/demo.satchel"
"$BIN/satchel-pack" build "$ROOT/examples" -o "$OUT/demo.satchel" -s "$OUT/demo.key" \
    --title "Satchel demo bundle" --publisher "Example newsroom" --seq 1 --parity 5
echo
echo "== 3. Verify (signature first, then every hash)"
"$BIN/satchel-read" verify "$OUT/demo.satchel" -p "$OUT/demo.pub"
echo
echo "== 4. Bundle info and list"
"$BIN/satchel-read" info "$OUT/demo.satchel" -p "$OUT/demo.pub"
echo
"$BIN/satchel-read" list "$OUT/demo.satchel" -p "$OUT/demo.pub"
echo
ID=$("$BIN/satchel-read" list "$OUT/demo.satchel" -p "$OUT/demo.pub" --lang ko --kind article --json |
    sed -n 's/^.*"id": "\([^"]*\)".*$/\1/p' | head -n 1)
echo "== 5. One Korean article: satchel-read show demo/demo.satchel $ID"
"$BIN/satchel-read" show "$OUT/demo.satchel" "$ID" -p "$OUT/demo.pub"
echo
echo "== 6. Search: 평양 (found inside 평양에서, 평양까지, ...) in the signed index"
"$BIN/satchel-read" search "$OUT/demo.satchel" "평양" -p "$OUT/demo.pub" --limit 3
echo
echo "== 7. A web site for readers without a terminal: demo/site/index.html (Korean interface)"
"$BIN/satchel-read" export-html "$OUT/demo.satchel" --to "$OUT/site" --lang ko --force \
    -p "$OUT/demo.pub"
echo
echo "== 8. A drive for a recipient: demo/drive/ (bundle + recovery data, static reader, key,"
echo "     README in Korean and English, web export), read back and verified after writing"
rm -rf "$OUT/drive"
mkdir "$OUT/drive"
"$BIN/satchel-pack" stage "$OUT/demo.satchel" --to "$OUT/drive" -p "$OUT/demo.pub" --export-html
echo
echo "Done. Open demo/site/index.html in a browser, or read on this terminal:"
echo "  $BIN/satchel-read browse demo/demo.satchel -p demo/demo.pub --lang ko"
echo "More: $BIN/satchel-read --help"
