# satchel-read export-html (issue 6, static web export): the demo bundle becomes a site
# whose every page has the strict CSP, whose every src/href is a relative path the reader
# generated, with the Korean titles present; the interface language follows --lang and
# the locale; the folder rules (earlier export, non-empty folder, symlinks) hold; a bundle
# that is not genuine writes nothing (exit 3); a damaged one exports the rest and lists
# the damage (exit 1); hostile titles and bodies come out escaped; and headless Chromium
# opens the index, an article and a hostile page with zero requests leaving file:, zero
# console errors or CSP reports, the Korean title in the DOM, and keeps screenshots in
# $ARTIFACTS (else BIN_DIR/artifacts).
. "$E2E_LIB"
ART=${ARTIFACTS:-$(dirname "$READ")/artifacts}
KO_TITLE="북부 철도 화물, 겨울 앞두고 다시 늘어"
TMPPAT='.tmp-'

# site_ok DIR: the checks every export must pass (export_walk.py: no folder above 1,000
# names, no page above 300 KB, every link names a file of the site, every entry page
# reachable from index.html through the section pages)
site_ok() {
    for f in index.html verify.html style.css satchel-export.txt search.html search.js \
        search-data.js; do
        [ -f "$1/$f" ] || fail "$1/$f missing"
    done
    find "$1" -type l | grep . && fail "$1 holds a symlink"
    find "$1" -name "$TMPPAT*" | grep . && fail "$1 holds a temporary file"
    python3 "$ROOT/tests/e2e/export_walk.py" "$1" || fail "$1: the site's shape or links (above)"
    pages=$(find "$1" -name '*.html' | sort)
    # every page (one grep over all of them: a big export has thousands)
    csp="default-src 'none'; img-src 'self'; media-src 'self'; style-src 'self'; base-uri 'none'; form-action 'none'"
    scsp="default-src 'none'; script-src 'self'; img-src 'self'; style-src 'self'; base-uri 'none'; form-action 'none'"
    grep -L "<meta http-equiv=\"Content-Security-Policy\" content=\"$csp\">" \
        $(echo "$pages" | grep -v '^[^/]*/search\.html$') > "$T/no-csp" || true
    grep -q "<meta http-equiv=\"Content-Security-Policy\" content=\"$scsp\">" "$1/search.html" ||
        echo "$1/search.html" >> "$T/no-csp"
    [ ! -s "$T/no-csp" ] || fail "no strict CSP meta in: $(cat "$T/no-csp")"
    grep -L '<meta charset="utf-8">' $pages | grep . && fail "no charset (above)"
    grep -L '<meta name="referrer" content="no-referrer">' $pages | grep . &&
        fail "no referrer policy (above)"
    grep -LE '<html lang="[A-Za-z0-9-]+">' $pages | grep . && fail "no lang attribute (above)"
    # no loading or clickable address that leaves the export ...
    if grep -Eio "(src|href|action|srcset|poster|data)=\"?'?(https?:|//|javascript:|data:|file:|ftp:)" \
        $pages; then
        fail "$1: an external or script address in an attribute (above)"
    fi
    # ... and every src/href is one of the reader's own generated names
    grep -Eoh '(src|href)="[^"]*"' $pages | sort -u |
        grep -Ev '^(src|href)="(\.\./\.\./)?(e|m|s)/[0-9]{3}/[0-9]{6}\.[a-z0-9]{2,5}"$' |
        grep -Ev '^(src|href)="(\.\./\.\./)?(index\.html|verify\.html|search\.html|style\.css)"$' |
        grep -Ev '^src="search(-data)?\.js"$' |
        grep -Ev '^href="#s[0-9]+"$' > "$T/odd-links" || true
    [ ! -s "$T/odd-links" ] || { cat "$T/odd-links" >&2; fail "$1: unexpected src/href"; }
    # no event handler attribute inside a tag; no script element but search.html's two files
    grep -Eiq '<[a-z][^<>]*[[:space:]]on[a-z]+=' $pages &&
        fail "$1: an event handler in a page"
    grep -il '<script' $pages | grep -v '^[^/]*/search\.html$' &&
        fail "$1: script markup in a page"
    [ "$(grep -ic '<script' "$1/search.html")" -eq 2 ] &&
        grep -q '^<script src="search-data.js"></script>$' "$1/search.html" &&
        grep -q '^<script src="search.js"></script>$' "$1/search.html" ||
        fail "$1/search.html: scripts other than the export's two files"
    grep -Eq 'fetch|XMLHttpRequest|WebSocket|sendBeacon|EventSource|innerHTML|outerHTML|eval|import|Function\(' \
        "$1/search.js" && fail "$1/search.js: a network, eval or HTML-building call"
    return 0
}

# 1. the demo bundle, in Korean
demo_bundle demo.satchel
"$READ" list demo.satchel -p demo.pub --json > list.json
n_text=$(grep -c '"kind": "\(article\|transcript\)"' list.json)
n_media=$(grep -c '"kind": "\(image\|audio\)"' list.json)
start=$(date +%s)
expect_exit 0 "$READ" export-html demo.satchel --to site -p demo.pub --lang ko
site_ok site
[ "$(find site/e -type f | wc -l)" -eq "$n_text" ] || fail "expected $n_text pages in e/"
[ "$(find site/m -type f | wc -l)" -eq "$n_media" ] || fail "expected $n_media files in m/"
[ "$(ls site/e)" = 000 ] && [ "$(ls site/m)" = 000 ] || fail "e/ or m/ not in one folder 000"
grep -q '<a href="e/000/[0-9]*\.html"' site/index.html || fail "index: no link into e/000/"
grep -q 'class="more"' site/index.html && fail "a small bundle's index is not complete"
[ "$(grep -c '<li><a href="e/' site/index.html)" -eq "$n_text" ] ||
    fail "the index does not list all $n_text entries"
grep -q '<link rel="stylesheet" href="../../style.css">' site/s/000/000000.html ||
    fail "section page: no style sheet two folders up"
grep -q "$KO_TITLE" site/index.html || fail "Korean title not in the index"
article=$(grep -o "href=\"e/[0-9]*/[0-9]*\.html\" lang=\"ko\">$KO_TITLE" site/index.html |
    sed 's/href="\([^"]*\)".*/\1/')
[ -n "$article" ] || fail "no link to the Korean article"
grep -q "<h1>$KO_TITLE" "site/$article" || fail "Korean title not on $article"
grep -q '<html lang="ko">' "site/$article" || fail "article page not lang=ko"
grep -q '<img src="../../m/000/[0-9]*\.png" alt="신의주, 평양, 함흥의 위치' "site/$article" ||
    fail "the article's map is not an <img> of the export"
grep -q '<span class="url">https://example.org/logistics/northeast-asia</span>' "site/$article" ||
    fail "the external link is not shown as text"
# transcripts: timestamps and an <audio> player for their recording
tr=$(grep -o 'href="e/[0-9]*/[0-9]*\.html" lang="ko">11월 2일 아침 소식' site/index.html |
    sed 's/href="\([^"]*\)".*/\1/')
grep -q '<audio controls preload="none" src="../../m/000/[0-9]*\.ogg">' "site/$tr" ||
    fail "transcript without its <audio>"
grep -q '<span class="ts">\[00:00:05\]</span> 김철수' "site/$tr" || fail "transcript timestamps"
# the media files are the entries' exact bytes
cmp "$ROOT/examples/images/map-north.png" \
    "site/$(grep -o 'm/[0-9]*/[0-9]*\.png' "site/$article" | head -n 1)" || fail "map differs"
grep -q '차례' site/index.html || fail "Korean interface text missing"
grep -q '진본입니다' site/verify.html || fail "verify page: no genuine line"
fp=$("$READ" key-info demo.pub | sed -n 's/^Fingerprint: //p')
grep -q "$fp" site/verify.html || fail "verify page: no signer fingerprint $fp"
grep -q "2026-11-20" site/verify.html || fail "verify page: no bundle date"
echo "export of the demo bundle: $(($(date +%s) - start)) s"

# 2. interface language: --lang en, the locale, a bad value
expect_exit 0 "$READ" export-html demo.satchel --to site-en -p demo.pub --lang en
grep -q '>Contents<' site-en/index.html || fail "--lang en: English interface missing"
grep -q '<html lang="en">' site-en/index.html || fail "--lang en: index not lang=en"
grep -q "$KO_TITLE" site-en/index.html || fail "--lang en: Korean title missing"
LC_ALL= LANGUAGE= LANG=ko_KR.UTF-8 expect_exit 0 "$READ" export-html demo.satchel --to site-env \
    -p demo.pub
grep -q '>차례<' site-env/index.html || fail "LANG=ko_KR: Korean interface missing"
expect_exit 2 "$READ" export-html demo.satchel --to site-x -p demo.pub --lang xx
expect_exit 2 "$READ" export-html demo.satchel -p demo.pub
[ ! -e site-x ] || fail "a usage error created the folder"

# 3. the folder: an earlier export is overwritten; another non-empty folder is refused
#    (unless --force); symlinks are replaced or refused, never followed
expect_exit 0 "$READ" export-html demo.satchel --to site -p demo.pub
mkdir busy && echo mine > busy/notes.txt
expect_exit 4 "$READ" export-html demo.satchel --to busy -p demo.pub
grep -q "not empty" "$T/err" || fail "refusal does not say why"
[ "$(ls busy)" = notes.txt ] || fail "a refused export wrote something"
expect_exit 0 "$READ" export-html demo.satchel --to busy -p demo.pub --force
[ "$(cat busy/notes.txt)" = mine ] || fail "--force changed a file that is not the export's"
echo secret > outside.txt
ln -sf ../outside.txt site/index.html
ln -sf ../../../outside.txt "site/$article"
expect_exit 0 "$READ" export-html demo.satchel --to site -p demo.pub
[ "$(cat outside.txt)" = secret ] || fail "the export wrote through a symlink"
site_ok site
rm -rf site/m && mkdir elsewhere && ln -s ../elsewhere site/m
expect_exit 4 "$READ" export-html demo.satchel --to site -p demo.pub
[ -z "$(ls elsewhere)" ] || fail "the export wrote through a symlinked folder"
rm site/m
expect_exit 0 "$READ" export-html demo.satchel --to site -p demo.pub --lang ko
site_ok site
ln -s site linked
expect_exit 4 "$READ" export-html demo.satchel --to linked -p demo.pub

# 4. not genuine: untrusted key, broken signature: exit 3, nothing written
keygen stranger
expect_exit 3 "$READ" export-html demo.satchel --to ng1 -p stranger.pub
grep -q "NOT VERIFIED" "$T/err" || fail "no reason given"
[ ! -e ng1 ] || fail "an untrusted bundle created the folder"
cp demo.satchel forged.satchel
# a byte of the signature line (the head copy) and of the tail copy
python3 - forged.satchel <<'EOF'
import sys, tarfile
p = sys.argv[1]
with tarfile.open(p) as t:
    offs = [m.offset_data for m in t.getmembers() if m.name.endswith(".minisig")]
with open(p, "r+b") as f:
    for o in offs:
        f.seek(o + 60)
        b = f.read(1)
        f.seek(o + 60)
        f.write(bytes([b[0] ^ 0x01]))
EOF
expect_exit 3 "$READ" export-html forged.satchel --to ng2 -p demo.pub
[ ! -e ng2 ] || fail "a forged bundle created the folder"

# 5. damaged: small clusters, one byte flipped in a cluster and in an image
"$PACK" build "$ROOT/examples" -o small.satchel -s demo.key --title "Satchel demo" \
    --date 2026-11-20 --seq 1 --cluster-size 4096 --quiet
python3 - small.satchel <<'EOF'
import sys, tarfile
p = sys.argv[1]
with tarfile.open(p) as t:
    m = {x.name: x for x in t.getmembers()}
hits = [m["clusters/000001.zst"], m["media/images-rainfall.png"]]
with open(p, "r+b") as f:
    for x in hits:
        f.seek(x.offset_data + x.size // 2)
        b = f.read(1)
        f.seek(x.offset_data + x.size // 2)
        f.write(bytes([b[0] ^ 0xff]))
EOF
set +e
"$READ" verify small.satchel -p demo.pub --json > small-verify.json
set -e
grep -o '"id": "[^"]*", "problem"' small-verify.json | sed 's/"id": "\([^"]*\)".*/\1/' > damaged.ids
n_bad=$(wc -l < damaged.ids)
[ "$n_bad" -ge 2 ] || fail "the flips damaged only $n_bad entries"
expect_exit 1 "$READ" export-html small.satchel --to dsite -p demo.pub --lang en
site_ok dsite
"$READ" list small.satchel -p demo.pub --json | grep -o '"id": "[^"]*"' |
    sed 's/"id": "\([^"]*\)"/\1/' > all.ids
while read -r id; do
    num=$(grep -n -x -F "$id" all.ids | cut -d: -f1)
    file=$(printf '%06d' $((num - 1)))
    grep -q "<code>$id</code>" dsite/verify.html || fail "verify.html does not list $id"
    grep -q "$id" "$T/err" || fail "stderr does not name $id"
    find dsite/e dsite/m -name "$file.*" | grep -q . && fail "damaged $id was written as $file"
done < damaged.ids
[ "$(find dsite/e -type f | wc -l)" -eq $((n_text - $(grep -vc '\.png$\|\.ogg$' damaged.ids))) ] ||
    fail "not every intact text entry was exported"
grep -q "Damaged and not exported: $n_bad entries" dsite/verify.html ||
    fail "verify.html does not count the damage"
grep -q 'class="damaged"' dsite/index.html || fail "index does not mark damaged entries"
grep -q 'Chart of November rainfall <span class="mark">(damaged: not exported)' dsite/e/*/*.html ||
    fail "the damaged image is not marked where the article shows it"

# 5b. a recording above SAT_READ_MAX (64 MiB) takes the hash-first-then-copy path
mkdir -p big/radio
head -c 68157440 /dev/urandom > big/radio/long.ogg
printf 'Long talk\n\n[00:00:00] a long talk\n' > big/radio/long.txt
"$PACK" build big -o big.satchel -s demo.key --title Big --quiet
expect_exit 0 "$READ" export-html big.satchel --to bsite -p demo.pub
cmp big/radio/long.ogg bsite/m/000/000001.ogg || fail "the long recording differs"
grep -q '<audio controls preload="none" src="../../m/000/000001.ogg">' bsite/e/000/000000.html ||
    fail "the long recording has no player"
python3 - big.satchel <<'EOF2'
import sys, tarfile
p = sys.argv[1]
with tarfile.open(p) as t:
    x = t.getmember("media/radio-long.ogg")
with open(p, "r+b") as f:
    f.seek(x.offset_data + x.size - 100)
    b = f.read(1)
    f.seek(x.offset_data + x.size - 100)
    f.write(bytes([b[0] ^ 0x40]))
EOF2
expect_exit 1 "$READ" export-html big.satchel --to bsite2 -p demo.pub
[ -z "$(find bsite2/m -type f)" ] || fail "a damaged long recording was written: $(find bsite2/m)"
grep -q '(damaged: not exported)\|손상되어' bsite2/e/000/000000.html ||
    fail "the damaged recording is not marked on its transcript"
rm -rf big big.satchel bsite bsite2

# 6. hostile titles and bodies (tests/hostile): escaped, never raw
hostile_corpus corpus > /dev/null
BIDI_RAW=$(printf '\342\200\256\|\342\200\252\|\342\201\246\|\342\201\251')
for c in esc-title-bidi root-title-bidi esc-body; do
    expect_exit 0 "$READ" export-html "corpus/$c.satchel" --to "h-$c" -p good.pub
    site_ok "h-$c"
    grep -rq --include='*.html' --include='*.css' \
        "$(printf '\033')\|$(printf '\302\233')\|$BIDI_RAW" "h-$c" && fail "$c: raw control"
done
grep -q 'Bidi &lt;U+202E&gt;&lt;U+202A&gt;.*exe.gnp end' h-esc-title-bidi/index.html ||
    fail "esc-title-bidi: the title is not shown escaped"
grep -q '<h1>Bidi &lt;U+202E&gt;' h-root-title-bidi/index.html ||
    fail "root-title-bidi: the bundle title is not shown escaped"
grep -q '<p>\\x1b\]0;pwned\\x07 set the window title</p>' h-esc-body/e/*/*.html ||
    fail "esc-body: the OSC is not shown escaped"
grep -q '<span class="url">https://example.org/\\x1b\[31m</span>' h-esc-body/e/*/*.html ||
    fail "esc-body: the link is not shown as text"
expect_exit 3 "$READ" export-html corpus/page-title-esc.satchel --to h-page-esc -p good.pub
site_ok h-page-esc
grep -rq --include="*.html" "$(printf '\033')" h-page-esc && fail "page-title-esc: raw ESC"
for c in sig-untrusted-key sig-over-other-manifest; do
    expect_exit 3 "$READ" export-html "corpus/$c.satchel" --to "h-$c" -p good.pub
    [ ! -e "h-$c" ] || fail "$c: not genuine, yet the folder was created"
done
# markup in titles and bodies from the packer's own inputs
mkdir -p evil
cat > evil/evil.md <<'EOF'
---
title: <script>alert(1)</script> "><img src=x onerror=alert(2)> '평양' & co
date: 2026-11-21
lang: ko
section: "<b>bold</b>"
author: "\" onmouseover=\"alert(3)"
---
<script>alert(4)</script>

A [click](javascript:alert(5)) and [away](http://evil.example/x) and
![pic](http://evil.example/x.png) and <img src=x onerror=alert(6)>.

=> http://evil.example/y loading?
EOF
"$PACK" build evil -o evil.satchel -s demo.key --title "Evil <i>\"x\"</i>" --date 2026-11-21 \
    --quiet
expect_exit 0 "$READ" export-html evil.satchel --to esite -p demo.pub
site_ok esite
grep -q '&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(2)&gt; &#39;평양&#39; &amp; co' \
    esite/index.html || fail "the hostile title is not escaped in the index"
grep -q '<h1>Evil &lt;i&gt;&quot;x&quot;&lt;/i&gt;</h1>' esite/index.html ||
    fail "the bundle title is not escaped"
evil_page=$(ls esite/e/*/*.html | head -n 1)
# an earlier export of another bundle: its pages go, the user's own files stay
cp -r site stale
echo kept > stale/e/notes.txt
: > stale/e/000/.tmp-123-4
# and the flat layout of older exports (e/NNNNNN.html, m/NNNNNN.png)
: > stale/e/000031.html
: > stale/m/000032.png
expect_exit 0 "$READ" export-html evil.satchel --to stale -p demo.pub
[ "$(ls stale/e)" = "$(printf '000\nnotes.txt')" ] || fail "stale pages left: $(ls stale/e)"
[ "$(ls -A stale/e/000)" = 000000.html ] || fail "stale pages left: $(ls -A stale/e/000)"
[ -z "$(ls -A stale/m)" ] || fail "stale media left: $(ls -A stale/m)"
[ "$(ls -A stale/s/000)" = 000000.html ] || fail "stale section pages left: $(ls -A stale/s/000)"
cmp -s stale/index.html esite/index.html || fail "the re-export differs from a fresh one"
grep -q '<span class="url">javascript:alert(5)</span>' "$evil_page" ||
    fail "a javascript: link is not shown as inert text"
grep -q '<span class="url">http://evil.example/x.png</span>' "$evil_page" ||
    fail "an external link is not shown as inert text"

# 8. a big bundle: 2,150 small entries cross the 1,000-per-folder and 1,000-per-page
#    limits (e/000..e/002, a section of 1,250 over two pages); index.html lists each
#    section's newest 50 and links its pages; a section name that looks like a path
#    becomes no file name; a re-export after removing entries prunes exactly the stale
#    files (as a fresh export into an empty folder shows), keeps the user's own files,
#    and follows no symlink
start=$(date +%s)
gen_big() { # gen_big DIR ALPHA BETA ODD: entries of the sections Alpha, 베타 and a hostile one
    python3 - "$@" <<'EOF'
import os, sys
out, counts = sys.argv[1], [int(x) for x in sys.argv[2:5]]
secs = ["Alpha", "베타", '../../etc/x" <b>']
for n, (sec, c) in enumerate(zip(secs, counts)):
    os.makedirs("%s/%d" % (out, n), exist_ok=True)
    for i in range(c):
        with open("%s/%d/a%05d.md" % (out, n, i), "w") as f:
            f.write("---\ntitle: %s %d\ndate: %d-%02d-%02d\nsection: '%s'\n---\nBody %d/%d.\n"
                    % (sec.replace('"', ''), i, 2020 + i // 336, 1 + (i // 28) % 12,
                       1 + i % 28, sec, n, i))
with open("%s/zz-undated.md" % out, "w") as f:
    f.write("---\ntitle: No section, no date\n---\nBody.\n")
EOF
}
gen_big many 1250 849 50
"$PACK" build many -o many.satchel -s demo.key --title Many --date 2026-11-20 --quiet
expect_exit 0 "$READ" export-html many.satchel --to msite -p demo.pub --lang en
python3 "$ROOT/tests/e2e/export_walk.py" msite --entries 2150 --per-folder 1000 \
    --max-page 307200 || fail "the big export's shape or links (above)"
site_ok msite
[ "$(ls msite/e)" = "$(printf '000\n001\n002')" ] || fail "e/ folders: $(ls msite/e)"
[ "$(ls msite/e/000 | wc -l)" -eq 1000 ] && [ "$(ls msite/e/002 | wc -l)" -eq 150 ] ||
    fail "e/NNN does not hold entries NNN000..NNN999"
[ -f msite/e/001/001999.html ] && [ -f msite/e/002/002000.html ] || fail "shard boundary"
[ "$(ls msite/s/000)" = "$(printf '%06d.html\n' 0 1 2 3 4)" ] ||
    fail "section pages: $(ls msite/s/000)"
[ -z "$(find msite -name '*etc*' -o -name '*<*')" ] || fail "a section name became a file name"
# index.html: each section with its count, its newest 50, links to its pages
grep -q '<h2>Alpha <span class="count">1250 entries</span></h2>' msite/index.html ||
    fail "index: no count for Alpha"
[ "$(grep -c '<li><a href="e/' msite/index.html)" -eq $((50 + 50 + 50 + 1)) ] ||
    fail "index: not the newest 50 per section"
grep -q '<li><a href="e/001/001249.html">Alpha 1249</a> <span class="date">2023-09-18' \
    msite/index.html || fail "index: Alpha's newest entry first"
grep -q 'Pages: <a href="s/000/000001.html">1</a> <a href="s/000/000002.html">2</a>' \
    msite/index.html || fail "index: no links to Alpha's two pages"
# Alpha's pages: 1,000 then 250, newest first, linked both ways
[ "$(grep -c '^<li>' msite/s/000/000001.html)" -eq 1000 ] &&
    [ "$(grep -c '^<li>' msite/s/000/000002.html)" -eq 250 ] || fail "Alpha's pages: not 1000 + 250"
grep -q 'Page 1 of 2 <a href="../../s/000/000002.html">Next page (older)</a>' \
    msite/s/000/000001.html || fail "page 1 has no link to page 2"
grep -q '<a href="../../s/000/000001.html">Previous page (newer)</a> Page 2 of 2 <a href="../../s/000/000003.html">Next section: 베타</a>' \
    msite/s/000/000002.html || fail "page 2 has no link to page 1 and to the next section"
grep -q '<a href="../../s/000/000000.html">Previous section: ../../etc/x&quot; &lt;b&gt;</a> Page 1 of 2' \
    msite/s/000/000001.html || fail "page 1 has no link to the previous section"
sed -n 's/^<li><a href="[^"]*">Alpha \([0-9]*\)<.*/\1/p' msite/s/000/000001.html \
    msite/s/000/000002.html > alpha.order
seq 1249 -1 0 | cmp -s - alpha.order || fail "Alpha's pages are not newest first"
grep -q '<h1>../../etc/x&quot; &lt;b&gt;</h1>' msite/s/000/000000.html ||
    fail "the hostile section name is not shown escaped"
grep -q 'e/002/002099.html' msite/search-data.js || fail "search-data.js: no sharded path"
# re-export after removing entries: the same files as a fresh export, nothing else
echo mine > msite/e/001/notes.txt
mkdir outside2 && echo secret > outside2/000000.html && ln -s ../../outside2 msite/e/005
ln -s ../../../outside2/000000.html msite/e/002/002999.html
rm -rf many && gen_big many 700 300 50
"$PACK" build many -o fewer.satchel -s demo.key --title Many --date 2026-11-20 --quiet
expect_exit 0 "$READ" export-html fewer.satchel --to msite -p demo.pub --lang en
expect_exit 0 "$READ" export-html fewer.satchel --to fresh -p demo.pub --lang en
[ "$(cat outside2/000000.html)" = secret ] || fail "the prune followed a symlink"
[ -L msite/e/005 ] || fail "the prune removed a symlinked folder it must not enter"
[ "$(cat msite/e/001/notes.txt)" = mine ] || fail "the prune removed the user's file"
rm msite/e/001/notes.txt msite/e/005
diff -r msite fresh > prune.diff || { cat prune.diff >&2; fail "re-export differs from a fresh one"; }
[ "$(ls msite/e)" = "$(printf '000\n001')" ] || fail "empty folder e/002 left: $(ls msite/e)"
python3 "$ROOT/tests/e2e/export_walk.py" msite --entries 1051 || fail "re-export (above)"
rm -rf many msite fresh outside2 many.satchel fewer.satchel
# long titles: 300 rows of about 4.5 KB each (900 escaped '<' '>' '&') do not fit one page of
# 300 KB: the section's pages split by size, the index shows fewer than all
python3 - <<'EOF'
import os
os.makedirs("long", exist_ok=True)
for i in range(300):
    with open("long/l%03d.md" % i, "w") as f:
        f.write("---\ntitle: '%03d %s'\ndate: 2026-01-01\nsection: Long\n---\nBody %d.\n"
                % (i, "<>&" * 299, i))
EOF
"$PACK" build long -o long.satchel -s demo.key --title Long --date 2026-11-20 --quiet
expect_exit 0 "$READ" export-html long.satchel --to lsite -p demo.pub --lang en
python3 "$ROOT/tests/e2e/export_walk.py" lsite --entries 300 --max-page 307200 ||
    fail "long titles: the shape or links (above)"
[ "$(ls lsite/s/000 | wc -l)" -ge 5 ] || fail "long titles: pages not split by size"
grep -q 'class="more"' lsite/index.html || fail "long titles: the index claims to be complete"
rm -rf long lsite long.satchel
# 1,500 sections of one entry each: index.html lists as many as fit 300 KB and leads to
# the rest, which follow one another (each section's last page links the next); s/
# crosses its folder limit too
python3 - <<'EOF'
import os
os.makedirs("secs", exist_ok=True)
for i in range(1500):
    with open("secs/s%04d.md" % i, "w") as f:
        f.write("---\ntitle: Entry %d\ndate: 2026-01-01\nsection: 'Section %04d'\n---\nB %d.\n"
                % (i, i, i))
EOF
"$PACK" build secs -o secs.satchel -s demo.key --title Secs --date 2026-11-20 --quiet
expect_exit 0 "$READ" export-html secs.satchel --to ssite -p demo.pub --lang en
python3 "$ROOT/tests/e2e/export_walk.py" ssite --entries 1500 --max-page 307200 ||
    fail "1,500 sections: the shape or links (above)"
[ "$(ls ssite/s)" = "$(printf '000\n001')" ] || fail "1,500 sections: s/ folders $(ls ssite/s)"
grep -q 'more sections: from here' ssite/index.html || fail "1,500 sections: no link to the rest"
rm -rf secs ssite secs.satchel
echo "big bundle: $(($(date +%s) - start)) s"

# 7. a real browser: headless Chromium, offline
kosec=$(grep -l "$KO_TITLE" site/s/*/*.html | head -n 1)
kosec=${kosec#site/}
[ -n "$kosec" ] || fail "no section page lists the Korean article"
rm -f "$ART"/export-*.png
start=$(date +%s)
python3 "$ROOT/tests/e2e/chromium_check.py" site --shots "$ART" \
    --page index.html "$KO_TITLE" --page "$article" "$KO_TITLE" --page "$tr" "김철수" \
    --page verify.html "$fp" --page "$kosec" "$KO_TITLE" \
    --page "search.html?q=%EC%B2%A0%EB%8F%84%20%ED%95%A8%ED%9D%A5" "$KO_TITLE" ||
    fail "Chromium found a problem with the demo export (above)"
python3 "$ROOT/tests/e2e/chromium_check.py" esite --shots "$ART/evil" \
    --page "${evil_page#esite/}" "<script>alert(1)</script> \"><img src=x onerror=alert(2)>" \
    --page "search.html?q=onerror" "<script>alert(1)</script> \"><img src=x onerror=alert(2)>" ||
    fail "Chromium found a problem with the hostile page (above)"
for f in "$ART"/export-0-index.png "$ART"/export-1-*.png; do
    [ -s "$f" ] && [ "$(head -c 4 "$f" | od -An -tx1 | tr -d ' ')" = 89504e47 ] ||
        fail "no PNG screenshot $f"
done
echo "browser checks: $(($(date +%s) - start)) s; screenshots in $ART"
