# Packs examples/ and reads it back: verify, info, list (filters, JSON), show, extract.
. "$E2E_LIB"
. "$(dirname "$E2E_LIB")/spec_tools.sh"

EX="$ROOT/examples"
demo_bundle demo.satchel
[ -s demo.satchel ] || fail "no bundle written"

# Expected entries, from the source files (ids: path relative to examples/, '/' -> '-',
# extension dropped for text, kept for media; docs/INPUT.md).
(cd "$EX" && find . -type f | sed 's|^\./||' | LC_ALL=C sort) > files.txt
: > exp-article; : > exp-transcript; : > exp-image; : > exp-audio; : > media-map
while IFS= read -r f; do
    case "$f" in
    *.md|*.txt|*.html) echo "${f%.*}" | tr / - >> exp-article ;;
    *.vtt|*.srt) echo "${f%.*}" | tr / - >> exp-transcript ;;
    *.png|*.jpg|*.jpeg|*.gif|*.webp) id=$(echo "$f" | tr / -); echo "$id" >> exp-image; echo "$id $f" >> media-map ;;
    *.ogg|*.opus|*.mp3|*.m4a|*.wav) id=$(echo "$f" | tr / -); echo "$id" >> exp-audio; echo "$id $f" >> media-map ;;
    *) fail "unexpected file type in examples/: $f" ;;
    esac
done < files.txt
n_art=$(wc -l < exp-article); n_tr=$(wc -l < exp-transcript)
n_img=$(wc -l < exp-image); n_aud=$(wc -l < exp-audio)
total=$((n_art + n_tr + n_img + n_aud))
cat exp-article exp-transcript exp-image exp-audio | LC_ALL=C sort > exp-all
[ "$n_art" -ge 20 ] && [ "$n_tr" -ge 3 ] && [ "$n_img" -ge 1 ] && [ "$n_aud" -ge 1 ] ||
    fail "examples/ changed shape: $n_art articles, $n_tr transcripts, $n_img images, $n_aud audio"

# verify
expect_exit 0 "$READ" verify demo.satchel -p demo.pub
grep -q '^Signature: good' "$T/out" || fail "verify: no good-signature line"
grep -q "^All $total entries intact" "$T/out" || fail "verify: want 'All $total entries intact': $(cat "$T/out")"
expect_exit 0 "$READ" verify demo.satchel -p demo.pub --deep
grep -q "^All $total entries intact" "$T/out" || fail "verify --deep: $(cat "$T/out")"
expect_exit 0 "$READ" verify demo.satchel -p demo.pub --json
python3 -m json.tool "$T/out" >/dev/null || fail "verify --json is not JSON: $(cat "$T/out")"

# info --json: valid JSON with the right counts
expect_exit 0 "$READ" info demo.satchel -p demo.pub --json
cp "$T/out" info.json
python3 -m json.tool info.json >/dev/null || fail "info --json is not JSON: $(cat info.json)"
python3 - info.json "$total" "$n_art" "$n_tr" "$n_img" "$n_aud" "$(wc -c < demo.satchel)" <<'PY' || fail "info --json: wrong values: $(cat info.json)"
import json, sys
j = json.load(open(sys.argv[1]))
want = dict(zip(["entries", "articles", "transcripts", "images", "audio", "size"], map(int, sys.argv[2:])))
bad = {k: (j.get(k), v) for k, v in want.items() if j.get(k) != v}
bad.update({k: j.get(k) for k, v in [("title", "Satchel demo"), ("publisher", "Example newsroom"),
           ("created", "2026-11-20T00:00:00Z"), ("seq", 1), ("format", 5), ("collection", None), ("volume", None), ("volumes", None)] if j.get(k) != v})
if bad:
    print(bad); sys.exit(1)
PY
expect_exit 0 "$READ" info demo.satchel -p demo.pub
grep -q "^Entries: *$total ($n_art articles, $n_tr transcripts, $n_img images, $n_aud audio)" "$T/out" ||
    fail "info: wrong entry line: $(cat "$T/out")"
grep -q '^Title: *Satchel demo$' "$T/out" || fail "info: no title"

# list: every entry, by id
expect_exit 0 "$READ" list demo.satchel -p demo.pub
[ "$(wc -l < "$T/out")" -eq "$total" ] || fail "list: $(wc -l < "$T/out") lines, want $total"
awk '{print $1}' "$T/out" | LC_ALL=C sort > got-all
cmp -s exp-all got-all || { diff exp-all got-all; fail "list: ids differ from the source files"; }
grep -q '금속활자의 나라' "$T/out" || fail "list: Korean title missing"

# list --kind transcript: exactly the transcripts
expect_exit 0 "$READ" list demo.satchel -p demo.pub --kind transcript
awk '{print $1}' "$T/out" | LC_ALL=C sort > got-tr
LC_ALL=C sort exp-transcript | cmp -s - got-tr || { cat "$T/out"; fail "list --kind transcript"; }
awk '$3 != "transcript" { exit 1 }' "$T/out" || fail "list --kind transcript shows other kinds"
expect_exit 0 "$READ" list demo.satchel -p demo.pub --kind image
[ "$(wc -l < "$T/out")" -eq "$n_img" ] || fail "list --kind image"

# list --lang ko: only Korean entries, all of them (lang: ko in front matter / NOTE block,
# <html lang="ko"> of a web page)
n_ko=$(cd "$EX" && grep -l -r -E '^lang: *ko *$|^<html lang="ko">' . | wc -l)
[ "$n_ko" -ge 10 ] || fail "examples/ has only $n_ko Korean sources"
expect_exit 0 "$READ" list demo.satchel -p demo.pub --lang ko --json
cp "$T/out" ko.json
python3 - ko.json "$n_ko" <<'PY' || fail "list --lang ko: $(cat ko.json)"
import json, sys
l = json.load(open(sys.argv[1]))
assert len(l) == int(sys.argv[2]), (len(l), sys.argv[2])
assert all(e["lang"] == "ko" for e in l)
PY
expect_exit 0 "$READ" list demo.satchel -p demo.pub --lang ko
[ "$(wc -l < "$T/out")" -eq "$n_ko" ] || fail "list --lang ko: $(wc -l < "$T/out") lines, want $n_ko"
grep -q 'articles-en-' "$T/out" && fail "list --lang ko shows English articles"

# list --json: valid JSON, every entry, kinds and parents
expect_exit 0 "$READ" list demo.satchel -p demo.pub --json
cp "$T/out" list.json
python3 -m json.tool list.json >/dev/null || fail "list --json is not JSON"
python3 - list.json exp-all <<'PY' || fail "list --json: wrong content"
import json, sys
l = json.load(open(sys.argv[1]))
ids = [e["id"] for e in l]
assert ids == open(sys.argv[2]).read().split(), ids
byid = {e["id"]: e for e in l}
# attachments point at their article / transcript
assert byid["images-rice-prices.png"]["parent"] == "articles-ko-2026-11-03-rice-prices", byid["images-rice-prices.png"]
assert byid["radio-2026-11-02-morning-news.ogg"]["parent"] == "radio-2026-11-02-morning-news"
assert byid["radio-2026-11-02-morning-news.ogg"]["kind"] == "audio"
assert byid["articles-ko-2026-09-15-metal-type-history"]["title"] == "금속활자의 나라, 책을 찍은 사람들의 이야기"
PY

# show a Korean article: title and a sentence of the body
src="$EX/articles/ko/2026-11-03-rice-prices.md"
id=articles-ko-2026-11-03-rice-prices
title=$(sed -n 's/^title: *//p' "$src" | head -n 1)
sentence=$(awk 'f == 2 && NF { print; exit } /^---$/ { f++ }' "$src" | sed 's/\. .*/./')
[ -n "$title" ] && [ -n "$sentence" ] || fail "could not read $src"
expect_exit 0 "$READ" show demo.satchel "$id" -p demo.pub --width 1000
grep -qF "$title" "$T/out" || fail "show: title '$title' missing"
grep -qF "$sentence" "$T/out" || fail "show: sentence '$sentence' missing"
grep -q 'attachment images-rice-prices.png' "$T/out" || fail "show: attachment not mentioned"

# --width 40: no line wider than 40 columns (Hangul counts 2)
for sid in "$id" articles-ko-2026-11-20-northern-rail-freight radio-2026-11-05-farm-hour \
        articles-en-2026-11-03-grain-markets; do
    LC_ALL=C.UTF-8 "$READ" show demo.satchel "$sid" -p demo.pub --width 40 > narrow.txt ||
        fail "show --width 40 $sid failed"
    [ "$(wc -l < narrow.txt)" -gt 5 ] || fail "show --width 40 $sid: too short"
    while IFS= read -r line; do
        w=$(printf '%s\n' "$line" | LC_ALL=C.UTF-8 wc -L)
        [ "$w" -le 40 ] || fail "show --width 40 $sid: line $w columns wide: $line"
    done < narrow.txt
done
LC_ALL=C.UTF-8 "$READ" show demo.satchel "$id" -p demo.pub --width 40 > narrow.txt
grep -qF "${title%% *}" narrow.txt || fail "show --width 40: title start missing"

# show of an unknown id
expect_exit 1 "$READ" show demo.satchel no-such-entry -p demo.pub
grep -q 'no entry' "$T/err" || fail "show unknown id: no message"
[ ! -s "$T/out" ] || fail "show unknown id printed something"

# extract everything
expect_exit 0 "$READ" extract demo.satchel --to xout -p demo.pub
[ "$(ls xout | wc -l)" -eq "$total" ] || fail "extract wrote $(ls xout | wc -l) files, want $total"
ls -A xout | grep -q '^\.' && fail "extract left hidden (temporary) files: $(ls -A xout)"
while read -r mid path; do
    cmp "$EX/$path" "xout/$mid" || fail "extracted media $mid differs from $path"
done < media-map
# text entries: gemtext whose BLAKE2b-256 is the manifest's content hash
entries_of demo.satchel > entries.txt
[ "$(grep -c '^E' entries.txt)" -eq "$total" ] || fail "index pages hold $(grep -c '^E' entries.txt) entries, want $total"
for tid in $(cat exp-article exp-transcript); do
    f="xout/$tid.gmi"
    [ -s "$f" ] || fail "extract: $f missing"
    want=$(awk -F'\t' -v id="$tid" '$1 == "E" && $2 == id { print $15 }' entries.txt)
    got=$(b2sum -l 256 "$f" | cut -d' ' -f1)
    [ -n "$want" ] && [ "$got" = "$want" ] || fail "extract: $f hash $got, manifest says '$want'"
    [ "$(tail -c 1 "$f" | od -An -tx1 | tr -d ' ')" = 0a ] || fail "$f does not end in LF"
done
grep -qF "$sentence" xout/$id.gmi || fail "extracted gemtext lacks the sentence"
grep -q '^=> attachment:images-rice-prices.png ' xout/$id.gmi || fail "gemtext lacks the image link"
grep -q '^\[00:00:11\] 리정호: ' xout/radio-2026-11-05-farm-hour.gmi || fail "transcript cue format"
