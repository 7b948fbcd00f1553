# Real newsroom input end to end: a folder of saved web pages (news-site layout, an
# EUC-KR page, a copy of one page), RSS and Atom feeds, a WebVTT transcript with audio,
# an image and satchel.conf is packed; the bundle must hold exactly the right entries
# with the right metadata and text, duplicates noted and stored once. The same folder
# as zip, tar.gz and 7z (read in memory with --from) must give the identical bundle.
# Bad input (traversal in an archive, a non-feed .xml, undecodable and oversized text,
# an empty page) fails naming the file, or is listed and skipped with --skip-bad.
. "$E2E_LIB"

keygen k
cp -r "$ROOT/tests/data/newsroom" src
# a Markdown article whose title and text are in decomposed (NFD) Hangul: stored as NFC
python3 - <<'PY'
import unicodedata
t = "겨울 채소 기르기"
body = "비닐 덮개로 배추와 무를 얼지 않게 지킬 수 있다."
open("src/nfd-winter-vegetables.md", "w", encoding="utf-8").write(
    "---\ntitle: " + unicodedata.normalize("NFD", t) + "\ndate: 2026-11-24\n---\n\n"
    + unicodedata.normalize("NFD", body) + "\n")
PY
build() { "$PACK" build "$@" -s k.key --date 2026-11-25 --seq 3 --quiet; }

expect_exit 0 build src -o folder.satchel
cp "$T/err" build.err
grep -q "note: web/saved-copy-of-market-day.htm: duplicate of web/market-day.html (the same URL); stored once" build.err ||
    fail "no duplicate note for the saved-again page: $(cat build.err)"
grep -q "note: feeds/radio.rss#2: duplicate of web/market-day.html (the same URL); stored once" build.err ||
    fail "no duplicate note for the feed's copy of the page: $(cat build.err)"
[ "$(grep -c 'note:' build.err)" -eq 2 ] || fail "unexpected notes: $(cat build.err)"

expect_exit 0 "$READ" info folder.satchel -p k.pub --json
python3 - "$T/out" <<'PY' || fail "info: $(cat "$T/out")"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["title"] == "새소식 묶음 11월", j["title"]        # from satchel.conf
assert j["publisher"] == "Example Free Press", j["publisher"]
assert j["entries"] == 8, j["entries"]
PY

expect_exit 0 "$READ" list folder.satchel -p k.pub --json
cp "$T/out" list.json
python3 - list.json <<'PY' || fail "list: $(cat list.json)"
import json, sys, unicodedata
L = json.load(open(sys.argv[1]))
by = {e["id"]: e for e in L}
def one(prefix):
    m = [e for e in L if e["id"].startswith(prefix)]
    assert len(m) == 1, (prefix, [e["id"] for e in m])
    return m[0]
def want(e, **kw):
    bad = {k: (e.get(k), v) for k, v in kw.items() if e.get(k) != v}
    assert not bad, (e["id"], bad)

want(by["web-market-day"], kind="article", title="장마당 쌀값 내림세",
     author="김은정 기자", tags="시장,쌀",          # satchel.conf [file] override
     section="웹 기사", lang="ko-KR", date="2026-11-19T23:30:00Z",
     source="https://news.example.org/ko/market-day")
want(by["web-images-rice-stall.png"], kind="image", parent="web-market-day")
want(by["web-first-snow-euckr"], kind="article", title="첫눈 예보", date="2026-11-22",
     lang="ko", section="웹 기사")
want(one("feeds-radio-"), kind="article", title="저녁 소식: 겨울 난방 안전", author="박민호",
     date="2026-11-21T10:00:00Z", section="방송 소식", lang="ko-KR",
     source="https://radio.example.org/2026/11/21/heating")
want(one("feeds-world-"), kind="article", title="Ferry service resumes after storm",
     author="Ana Lima", date="2026-11-23T05:45:00Z", lang="en", section="방송 소식",
     source="https://world.example.net/ferry-resumes")
want(by["radio-evening-news"], kind="transcript", lang="ko")
want(by["radio-evening-news.ogg"], kind="audio", parent="radio-evening-news")
nfd = by["nfd-winter-vegetables"]
assert nfd["title"] == unicodedata.normalize("NFC", "겨울 채소 기르기"), nfd["title"].encode()
assert len(L) == 8, sorted(by)
PY

show() { expect_exit 0 "$READ" show folder.satchel "$1" -p k.pub --width 200; cp "$T/out" "$1.txt"; }
has() { grep -qF -- "$2" "$1.txt" || fail "$1: missing '$2': $(cat "$1.txt")"; }
hasnt() { ! grep -qF -- "$2" "$1.txt" || fail "$1: should not contain '$2': $(cat "$1.txt")"; }
show web-market-day
has web-market-day "가을걷이가 끝나면서 여러 지역 장마당의 쌀값이 지난달보다 낮아졌다고 상인들이 전했다."
has web-market-day "지역별 모습"
has web-market-day "북쪽 지역: 조금 내림"
has web-market-day "값이 더 내려갈지는 날씨에 달려 있다."
has web-market-day "https://news.example.org/ko/prices"
for junk in "많이 본 기사" "댓글" "광고" "구독" "공유하기" "정치" "모든 권리" "dataLayer"; do
    hasnt web-market-day "$junk"
done
show web-first-snow-euckr
has web-first-snow-euckr "이번 주말 북부 산간 지역에 첫눈이 내릴 것으로 보인다."
has web-first-snow-euckr "아침 최저 기온은 영하 7도 안팎이 되겠다."
hasnt web-first-snow-euckr "처음으로"
hasnt web-first-snow-euckr "날씨 소식지"
radio=$(python3 -c "import json;print([e['id'] for e in json.load(open('list.json')) if e['id'].startswith('feeds-radio-')][0])")
show "$radio"
has "$radio" "환기"
has "$radio" "잠들기 전 불 끄기"
show radio-evening-news
has radio-evening-news "아나운서"
has radio-evening-news "00:00:01"
has radio-evening-news "첫눈"
show nfd-winter-vegetables
python3 - nfd-winter-vegetables.txt <<'PY' || fail "body not NFC"
import sys, unicodedata
t = open(sys.argv[1], encoding="utf-8").read()
assert unicodedata.normalize("NFC", "비닐 덮개로 배추와 무를 얼지 않게 지킬 수 있다.") in t
PY

# The same folder as archives read in memory: the identical bundle, byte for byte.
python3 - <<'PY'
import os, zipfile
with zipfile.ZipFile("src.zip", "w", zipfile.ZIP_DEFLATED) as z:
    for d, _, fs in os.walk("src"):
        for f in sorted(fs):
            p = os.path.join(d, f)
            z.write(p, os.path.relpath(p, "src"))
PY
(cd src && tar czf ../src.tar.gz .)
(cd src && bsdtar --format 7zip -cf ../src.7z .)
for a in src.zip src.tar.gz src.7z; do
    expect_exit 0 build --from "$a" -o "from-$a.satchel"
    cmp -s folder.satchel "from-$a.satchel" || fail "--from $a: bundle differs from the folder's"
done
expect_exit 2 "$PACK" build src --from src.zip -o x.satchel -s k.key

# Bad input: each fails naming the file, or is skipped and listed with --skip-bad.
mkdir bad bad/web
cp -r src/web/market-day.html src/web/images bad/web/
printf '<?xml version="1.0"?>\n<catalog><book/></catalog>\n' > bad/books.xml
printf 'Title\n\n\377\376\375\374 broken \200\201\n' > bad/junk.txt
printf '<html><body><nav>menu</nav><script>x()</script></body></html>\n' > bad/web/empty.html
python3 -c "open('bad/huge.txt','w').write('word ' * (17 << 18))"
expect_exit 1 build bad -o bad.satchel
grep -q "books.xml: not an RSS or Atom feed" "$T/err" || fail "non-feed .xml: $(cat "$T/err")"
grep -q "no bundle written" "$T/err" || fail "no 'no bundle written'"
[ ! -e bad.satchel ] || fail "a bundle was written despite the error"
expect_exit 0 build bad -o bad.satchel --skip-bad
for f in "books.xml: not an RSS or Atom feed" "junk.txt:3:" "huge.txt: file is too large" \
    "web/empty.html"; do
    grep "skipped" "$T/err" | grep -qF "$f" || fail "--skip-bad: no skip line with '$f': $(cat "$T/err")"
done
[ "$(grep -c '^satchel-pack: skipped' "$T/err")" -eq 4 ] || fail "want 4 skips: $(cat "$T/err")"
expect_exit 0 build bad -o bad.satchel --skip-bad --json
python3 - "$T/out" <<'PY' || fail "build --json: $(cat "$T/out")"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["entries"] == 2 and j["text_entries"] == 1 and j["media"] == 1, j
assert sorted(s["path"] for s in j["skipped"]) == ["books.xml", "huge.txt", "junk.txt", "web/empty.html"], j["skipped"]
assert all(s["reason"].startswith(s["path"]) for s in j["skipped"]), j["skipped"]
assert j["notes"] == [] and j["bundle"] == "bad.satchel" and len(j["fingerprint"]) > 10, j
PY
expect_exit 0 "$READ" list bad.satchel -p k.pub --json
python3 -c "import json,sys; L=json.load(open(sys.argv[1])); assert sorted(e['id'] for e in L)==['web-images-rice-stall.png','web-market-day'], L" "$T/out" ||
    fail "good page lost beside the bad ones: $(cat "$T/out")"

# Path traversal and links inside an archive: refused by name; nothing is written anywhere.
python3 - <<'PY'
import zipfile
with zipfile.ZipFile("evil.zip", "w") as z:
    z.writestr("news/good.md", "---\ntitle: Good\n---\n\nGood text.\n")
    z.writestr("../escape.md", "---\ntitle: Escape\n---\n\nBad.\n")
    z.writestr("/abs/path.md", "---\ntitle: Abs\n---\n\nBad.\n")
PY
expect_exit 1 build --from evil.zip -o evil.satchel
grep -qF "../escape.md" "$T/err" || fail "traversal not named: $(cat "$T/err")"
expect_exit 0 build --from evil.zip -o evil.satchel --skip-bad
[ "$(grep -c '^satchel-pack: skipped' "$T/err")" -eq 2 ] || fail "want 2 skips: $(cat "$T/err")"
[ ! -e ../escape.md ] && [ ! -e escape.md ] && [ ! -e /abs/path.md ] || fail "archive wrote files"
expect_exit 0 "$READ" list evil.satchel -p k.pub --json
grep -q '"news-good"' "$T/out" || fail "good member lost: $(cat "$T/out")"
printf 'not an archive at all\n' > notes.zip
expect_exit 1 build --from notes.zip -o n.satchel
grep -q "notes.zip" "$T/err" || fail "non-archive not named: $(cat "$T/err")"
