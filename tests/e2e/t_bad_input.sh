# Bad source files: the build fails naming the file (and line), leaves no bundle and no
# temporary file; with --skip-bad it succeeds, lists every skipped file with a reason, and
# the bundle holds only the good entries.
. "$E2E_LIB"

keygen demo

good_files() {
    printf -- '---\ntitle: Good one\ndate: 2026-11-01\nlang: en\n---\nGood text.\n' > src/good.md
    printf 'A plain title\n\nPlain text body.\n' > src/good2.txt
}

# run_case LABEL SETUP PATTERN: SETUP (sh code, run in src/) adds bad file(s); PATTERN is an
# extended regex that the error line must match (file name, line number where known).
run_case() {
    rm -rf src dest
    mkdir src dest
    good_files
    (cd src && eval "$2")
    expect_exit 1 "$PACK" build src -o dest/b.satchel -s demo.key --quiet
    grep -Eq "^satchel-pack: $3" "$T/err" || fail "$1: stderr does not match '$3': $(cat "$T/err")"
    grep -q 'no bundle written' "$T/err" || fail "$1: no 'no bundle written'"
    [ -z "$(ls -A dest)" ] || fail "$1: files left in the output folder: $(ls -A dest)"

    expect_exit 0 "$PACK" build src -o dest/b.satchel -s demo.key --skip-bad
    grep -Eq "^satchel-pack: skipped $3" "$T/err" || fail "$1: --skip-bad: no 'skipped' line matching '$3': $(cat "$T/err")"
    [ "$(grep -c '^satchel-pack: skipped ' "$T/err")" -eq 1 ] || fail "$1: --skip-bad: want one skipped line: $(cat "$T/err")"
    grep -q ', 1 files skipped' "$T/out" || fail "$1: summary does not count the skipped file: $(cat "$T/out")"
    [ "$(ls -A dest)" = b.satchel ] || fail "$1: output folder holds: $(ls -A dest)"
    expect_exit 0 "$READ" list dest/b.satchel -p demo.pub
    [ "$(awk '{ print $1 }' "$T/out" | tr '\n' ' ')" = "good good2 " ] ||
        fail "$1: --skip-bad bundle holds: $(cat "$T/out")"
    echo "ok: $1"
}

run_case "unknown front matter key" \
    "printf -- '---\ntitle: Bad\nfoo: bar\n---\nText.\n' > zz.md" \
    "zz\.md:3: unknown key 'foo'"
run_case "unterminated front matter" \
    "printf -- '---\ntitle: Bad\ndate: 2026-11-01\n\nText.\n' > zz.md" \
    "zz\.md:1: front matter is not closed"
run_case "non-UTF-8 bytes" \
    "printf -- '---\ntitle: Bad\n---\nfirst line\nText \377 here.\n' > zz.md" \
    "zz\.md:5: text is not UTF-8"
run_case "non-UTF-8 in a transcript" \
    "printf 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nBad \300 byte\n' > zz.vtt" \
    "zz\.vtt:4: text is not UTF-8"
run_case "missing title" \
    "printf -- '---\ndate: 2026-11-01\n---\nText only.\n' > zz.md" \
    "zz\.md: missing title"
run_case "duplicate id" \
    "printf -- '---\ntitle: Dup\nid: good\n---\nText.\n' > zz.md" \
    "zz\.md: id 'good' is already used by good\.md"
run_case "unknown file type" \
    "printf 'PK\003\004' > zz.docx" \
    "zz\.docx: unknown file type"
run_case "symlink to a file outside" \
    "ln -s /etc/passwd zz.md" \
    "zz\.md: is a symbolic link"
run_case "symlink to a folder" \
    "mkdir sub && ln -s /usr/share sub/zz" \
    "sub/zz: is a symbolic link"
run_case "invalid date" \
    "printf -- '---\ntitle: Bad\ndate: 2026-02-30\n---\nText.\n' > zz.md" \
    "zz\.md:3: date '2026-02-30'"
run_case "bad cue timing" \
    "printf '1\n00:00:01,000 -> 00:00:02,000\nHello\n' > zz.srt" \
    "zz\.srt:2: bad cue timing"
run_case "no text" \
    "printf -- '---\ntitle: Empty\n---\n' > zz.md" \
    "zz\.md: no text"

# all at once: every bad file is listed with its reason
rm -rf src dest; mkdir src dest; good_files
printf -- '---\ntitle: Bad\nfoo: bar\n---\nText.\n' > src/b1.md
printf -- '---\ntitle: Bad\n---\nText \377 here.\n' > src/b2.md
printf 'PK' > src/b3.docx
ln -s good.md src/b4.md
printf -- '---\ntitle: Dup\nid: good2\n---\nText.\n' > src/zz.md
expect_exit 1 "$PACK" build src -o dest/b.satchel -s demo.key --quiet
[ -z "$(ls -A dest)" ] || fail "files left in the output folder: $(ls -A dest)"
expect_exit 0 "$PACK" build src -o dest/b.satchel -s demo.key --skip-bad --quiet
for f in 'b1\.md:3: unknown key' 'b2\.md:4: text is not UTF-8' 'b3\.docx: unknown file type' \
        'b4\.md: is a symbolic link' "zz\.md: id 'good2' is already used"; do
    grep -Eq "^satchel-pack: skipped $f" "$T/err" || fail "--skip-bad does not list '$f': $(cat "$T/err")"
done
[ "$(grep -c '^satchel-pack: skipped ' "$T/err")" -eq 5 ] || fail "want 5 skipped lines: $(cat "$T/err")"
expect_exit 0 "$READ" list dest/b.satchel -p demo.pub --json
python3 -c 'import json, sys; l = json.load(open(sys.argv[1])); assert [e["id"] for e in l] == ["good", "good2"], l' "$T/out" ||
    fail "--skip-bad bundle: $(cat "$T/out")"

# a failed build leaves an existing bundle at -o untouched
rm -f src/b* src/zz.md
"$PACK" build src -o dest/b.satchel -s demo.key --quiet
cp dest/b.satchel keep.satchel
printf -- '---\ntitle: Bad\nfoo: bar\n---\nText.\n' > src/zz.md
expect_exit 1 "$PACK" build src -o dest/b.satchel -s demo.key --quiet
cmp dest/b.satchel keep.satchel || fail "a failed build changed the existing bundle"
[ "$(ls -A dest)" = b.satchel ] || fail "output folder holds: $(ls -A dest)"
# a source folder that does not exist, an empty one
expect_exit 1 "$PACK" build no-such-folder -o dest/c.satchel -s demo.key --quiet
grep -q 'no-such-folder' "$T/err" || fail "missing source folder not named: $(cat "$T/err")"
mkdir empty
expect_exit 1 "$PACK" build empty -o dest/c.satchel -s demo.key --quiet
[ ! -e dest/c.satchel ] || fail "bundle written for an empty folder"
[ "$(ls -A dest)" = b.satchel ] || fail "output folder holds: $(ls -A dest)"
