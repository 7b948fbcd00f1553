# Hostile bundles (tests/hostile/README.md): packs a small subset of examples/, derives the
# crafted corpus from it (tests/hostile/gen.py: tar surgery, truncation, forged and
# re-signed manifests, lying zstd frames, escapes) and runs satchel-read on every case
# (tests/hostile/check.py: exit codes, messages, no crash or sanitizer report, no escape
# reaching the terminal, extract/salvage write only intact entries inside --to).
. "$E2E_LIB"
H="$ROOT/tests/hostile"

keygen good
keygen other
E="$ROOT/examples"
for f in articles/en/2026-10-14-vaccine-cold-chain.md articles/en/2026-10-18-typhoon-season.md \
        articles/en/2026-11-03-grain-markets.md articles/ko/2026-11-10-safe-water.md \
        articles/ko/2026-11-03-rice-prices.md articles/text/2026-11-08-seed-exchange.txt \
        images/water-steps.png images/rainfall.png images/rice-prices.png \
        radio/2026-11-02-morning-news.ogg radio/2026-11-02-morning-news.vtt \
        radio/2026-11-06-evening-bulletin.srt; do
    mkdir -p "src/$(dirname "$f")"
    cp "$E/$f" "src/$f"
done
"$PACK" build src -o good.satchel -s good.key --title "Hostile base" --publisher "Test desk" \
    --date 2026-11-20 --seq 1 --quiet
expect_exit 0 "$READ" verify good.satchel -p good.pub

python3 "$H/gen.py" good.satchel good.key other.key corpus
ok=1
python3 "$H/check.py" "$READ" good.pub corpus || ok=0

# the README documents exactly this corpus
sed -n '/^<!-- cases -->$/,/^<!-- \/cases -->$/p' "$H/README.md" | sed '1d;$d' > readme-table.md
cmp -s readme-table.md corpus/table.md ||
    fail "tests/hostile/README.md's case table differs from the corpus: paste $T/corpus/table.md into it"
[ "$ok" -eq 1 ] || fail "some hostile cases are not as expected (lines above)"
