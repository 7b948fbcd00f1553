# Hostile bundles (tests/hostile/README.md): packs a small subset of examples/, derives the
# crafted corpus from it (tests/hostile/gen.py: tar surgery, truncation, forged and
# re-signed manifests, lying zstd frames, escapes) and runs satchel-read on every case
# (tests/hostile/check.py: exit codes, messages, no crash or sanitizer report, no escape
# reaching the terminal, extract/salvage write only intact entries inside --to).
. "$E2E_LIB"
H="$ROOT/tests/hostile"

keygen good
keygen other
hostile_base good.satchel good
expect_exit 0 "$READ" verify good.satchel -p good.pub

python3 "$H/gen.py" good.satchel good.key other.key corpus
ok=1
python3 "$H/check.py" "$READ" good.pub corpus || ok=0

# the README documents exactly this corpus
sed -n '/^<!-- cases -->$/,/^<!-- \/cases -->$/p' "$H/README.md" | sed '1d;$d' > readme-table.md
cmp -s readme-table.md corpus/table.md ||
    fail "tests/hostile/README.md's case table differs from the corpus: paste $T/corpus/table.md into it"
[ "$ok" -eq 1 ] || fail "some hostile cases are not as expected (lines above)"
