#!/bin/sh
# fuzz/seeds.sh PACK OUT - seed inputs for every fuzz target, made fresh each run so
# that bundle seeds always follow the current format: packs small bundles from
# examples/ (and a generated folder with two index pages) with satchel-pack and the
# fixed fuzz key, then takes manifests, index pages, clusters and signatures out of
# them with GNU tar and zstd. Writes OUT/<target>/, replacing what was there.
set -eu

PACK=$1
mkdir -p "$2"
OUT=$(cd "$2" && pwd) # absolute: the archive seeds are made from another folder
ROOT=$(cd "$(dirname "$0")/.." && pwd)
KEY=$ROOT/tests/data/fuzz-key.key
EX=$ROOT/examples
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM

rm -rf "$OUT"
for t in manifest sig bundle bundle_signed zstd render render_html tui markdown text vtt srt charset feed html archive config token postings query index search parity; do
    mkdir -p "$OUT/$t"
done

# byte N: writes one byte with value N (0..255).
byte() {
    # shellcheck disable=SC2059
    printf "\\$(printf '%03o' "$1")"
}
# le N COUNT: N as COUNT little-endian bytes.
le() {
    v=$1
    i=0
    while [ "$i" -lt "$2" ]; do
        byte $((v % 256))
        v=$((v / 256))
        i=$((i + 1))
    done
}

pack() { # pack SRC NAME
    "$PACK" build "$1" -o "$T/$2.satchel" -s "$KEY" --title "Fuzz seed $2" \
        --publisher "Satchel fuzz" --date 2026-11-20 --seq 7 --quiet
}

# 1. a few of each kind from examples/ (same layout, so image links resolve)
mkdir -p "$T/small/articles/en" "$T/small/articles/ko" "$T/small/images" "$T/small/radio"
cp "$EX/articles/en/2026-11-09-comet-sighting.md" "$T/small/articles/en/"
cp "$EX/articles/ko/2026-11-10-safe-water.md" "$T/small/articles/ko/"
cp "$EX/images/water-steps.png" "$T/small/images/"
cp "$EX/radio/2026-11-06-evening-bulletin.srt" "$EX/radio/2026-11-02-morning-news.vtt" \
    "$T/small/radio/"
pack "$T/small" small
# 2. one short text article
mkdir -p "$T/one"
cp "$EX/articles/text/2026-11-08-seed-exchange.txt" "$T/one/"
pack "$T/one" one
# 3. 300 tiny articles: two index pages, several clusters
mkdir -p "$T/many"
i=0
while [ "$i" -lt 300 ]; do
    printf -- '---\ntitle: Note %d\ndate: 2026-11-%02d\nlang: en\n---\nLine %d of the notes.\n' \
        "$i" $((i % 28 + 1)) "$i" >"$T/many/n$(printf '%03d' "$i").md"
    i=$((i + 1))
done
cp "$EX/images/rice-prices.png" "$T/many/"
"$PACK" build "$T/many" -o "$T/many.satchel" -s "$KEY" --title "Fuzz seed many" --date \
    2026-11-20 --seq 8 --cluster-size 4096 --quiet

# plain-root copy of a bundle for fuzz_bundle_signed: the root manifest member holds
# its decompressed text (the harness compresses and signs it again)
plain_root() {
    python3 - "$1" "$2" <<'PY'
import re, subprocess, sys
d = bytearray(open(sys.argv[1], 'rb').read())
size = lambda h: int(bytes(h[124:136]).strip(b' \0') or b'0', 8)
sig = d[512:512 + size(d[0:512])].decode()
m = re.search(r'manifest=(\d+)\+(\d+):(\d+)', sig.split('\n')[2])
off, zlen = int(m.group(1)), int(m.group(2))
plain = subprocess.run(['zstd', '-q', '-d', '-c'], input=bytes(d[off:off + zlen]),
                       stdout=subprocess.PIPE, check=True).stdout
h = bytearray(d[off - 512:off])
h[124:136] = b'%011o ' % len(plain)
h[148:156] = b' ' * 8
h[148:156] = b'%06o\0 ' % sum(h)
pad = bytes(-len(plain) % 512)
out = d[:off - 512] + h + plain + pad + d[off + (zlen + 511) // 512 * 512:]
open(sys.argv[2], 'wb').write(out)
PY
}

# 4. 72 articles of 13 KB made from examples/ paragraphs: enough text for a dictionary
#    (SAT_DICT_SIZE_DEFAULT x 8 bytes, 64 texts), so dictionary-compressed pages and
#    clusters are reached too (about 120 KB; seeds are not committed, only what the
#    merged corpus keeps)
mkdir -p "$T/dict"
python3 - "$EX" "$T/dict" <<'PY'
import glob, random, sys
random.seed(7)
paras = []
for f in sorted(glob.glob(sys.argv[1] + '/articles/*/*.md')):
    text = open(f, encoding='utf-8').read().split('---')[-1]
    paras += [p.strip() for p in text.split('\n\n') if len(p.strip()) > 40 and '![' not in p]
for i in range(72):
    body, n = [], 0
    while n < 13000:
        p = random.choice(paras).replace('2026', str(1990 + random.randrange(40)))
        body.append(p)
        n += len(p.encode())
    with open('%s/a%03d.md' % (sys.argv[2], i), 'w', encoding='utf-8') as out:
        out.write('---\ntitle: Article %d\ndate: 2026-10-%02d\nlang: en\n---\n' % (i, i % 28 + 1))
        out.write('\n\n'.join(body) + '\n')
PY
"$PACK" build "$T/dict" -o "$T/dict.satchel" -s "$KEY" --title "Fuzz seed dict" --date \
    2026-11-20 --seq 9 --level 3 --quiet
# 5. volume 1 of 2 of a collection (format v5's collection line; the others say "-")
mkdir -p "$T/vol"
"$PACK" build "$EX" -o "$T/vol/v.satchel" -s "$KEY" --title "Fuzz seed volumes" --date \
    2026-11-20 --seq 11 --max-size 1.3M --quiet
cp "$T/vol/v-1.satchel" "$T/vol.satchel"

# index_seeds ROOT DIR NAME: fuzz_index inputs from an unpacked bundle (DIR) whose root
# manifest text is ROOT: the document table, each term block (shallow and deep first),
# and the first 8 terms of each block as a small block of its own
index_seeds() {
    python3 - "$1" "$2" "$OUT/index/$3" <<'PY'
import struct, subprocess, sys
root, x, out = sys.argv[1:4]
lines = open(root, encoding="utf-8").read().split("\n")
search = [l.split("\t") for l in lines if l.startswith("search\t")][0]
if search[1] == "-":
    sys.exit(0)
entries = int([l for l in lines if l.startswith("entries\t")][0].split("\t")[1])
ndocs = int(search[4])
T = [l.split("\t") for l in lines if l.startswith("T\t")]
unz = lambda p: subprocess.run(["zstd", "-q", "-d", "-c", p], stdout=subprocess.PIPE,
                               check=True).stdout

def head(flags, a, c, first, nxt):
    return bytes([flags]) + struct.pack("<HH", a, c) + bytes([len(first)]) + first + \
        bytes([len(nxt)]) + nxt

def varint(b, p):
    v = s = 0
    while True:
        v |= (b[p] & 0x7F) << s
        s += 7
        p += 1
        if b[p - 1] < 0x80:
            return v, p

open(out + "-docs", "wb").write(head(1, ndocs, entries, b"", b"") + unz(x + "/search/docs.zst"))
for i, t in enumerate(T):
    blk = unz(x + "/search/%06d.zst" % i)
    first = t[5].encode()
    nxt = T[i + 1][5].encode() if i + 1 < len(T) else b""
    for flags in (0, 2):
        open("%s-block%d-%d" % (out, i, flags), "wb").write(
            head(flags, int(t[4]) - 1, ndocs, first, nxt) + blk)
    p, prev, term = 0, b"", b""
    for k in range(min(9, int(t[4]))):
        start = p
        shared, p = varint(blk, p)
        n, p = varint(blk, p)
        term = prev[:shared] + blk[p:p + n]
        p += n
        n, p = varint(blk, p)
        p += n
        prev = term
        if k == 7:
            end = p
    if int(t[4]) > 8:
        open("%s-block%d-first8" % (out, i), "wb").write(
            head(2, 7, ndocs, first, term if int(t[4]) > 8 else b"") + blk[:end])
PY
}

for b in small one many dict vol; do
    cp "$T/$b.satchel" "$OUT/bundle/$b.satchel"
    cp "$T/$b.satchel" "$OUT/bundle_signed/$b.satchel"
    plain_root "$T/$b.satchel" "$OUT/bundle_signed/$b-plain-root.satchel"
    x="$T/x-$b"
    mkdir -p "$x"
    tar -xf "$T/$b.satchel" -C "$x"
    dict=""
    [ -f "$x/satchel-dict" ] && dict="-D $x/satchel-dict"
    cp "$x/satchel-manifest.zst.minisig" "$OUT/sig/$b.minisig"
    # manifest: root, then NUL, page selector, page text for each page
    zstd -q -d -c "$x/satchel-manifest.zst" >"$T/root"
    cp "$T/root" "$OUT/manifest/$b-root"
    {
        cat "$T/root"
        n=0
        for p in "$x"/index/*.zst; do
            byte 0
            byte "$n"
            # shellcheck disable=SC2086
            zstd -q -d -c $dict "$p"
            n=$((n + 1))
        done
    } >"$OUT/manifest/$b-pages"
    # index: the search index's document table and term blocks behind fuzz_index's header
    index_seeds "$T/root" "$x" "$b"
    # zstd: flags, expected size (u24), prefix size (u16), frame
    for c in "$x"/clusters/*.zst; do
        [ -f "$c" ] || continue
        name=$b-$(basename "$c" .zst)
        # shellcheck disable=SC2086
        zstd -q -d -c $dict "$c" >"$T/plain"
        usize=$(wc -c <"$T/plain")
        [ "$usize" -lt 16777216 ] || continue
        { byte 0; le "$usize" 3; le $((usize / 3)) 2; cat "$c"; } >"$OUT/zstd/$name"
        head -c 16384 "$T/plain" >"$OUT/render/$name.gmi"
    done
done

# zstd: frames made with the harness's dictionary, and round-trip inputs
for f in "$EX/articles/en/2026-11-09-comet-sighting.md" "$EX/radio/2026-11-05-farm-hour.vtt"; do
    name=$(basename "$f")
    usize=$(wc -c <"$f")
    { byte 1; le "$usize" 3; le 100 2; zstd -q -c --check -D "$ROOT/fuzz/zstd.dict" "$f"; } \
        >"$OUT/zstd/dict-$name"
    { byte 2; cat "$f"; } >"$OUT/zstd/rt-$name"
    { byte 7; cat "$f"; } >"$OUT/zstd/rtd-$name"
done

# sig: signatures, keys, keyrings
cp "$ROOT"/tests/data/sig-*.minisig "$ROOT"/tests/data/*.pub "$ROOT/tests/data/sig-keyring.txt" \
    "$OUT/sig/"

# render: gemtext bodies (above), Markdown sources, a header's fields split by NUL
cp "$EX/articles/en/2026-11-18-"*.md "$OUT/render/" 2>/dev/null || true
cp "$EX/articles/ko/2026-11-10-safe-water.md" "$OUT/render/"
printf 'A title that is long enough to wrap at twenty\0002026-11-20\000Kim\000Radio\000ko\000News\000a,b\000id-1\000' \
    >"$OUT/render/meta-fields"

# tui: the same gemtext bodies and metadata fields (rows, lines, attachment links, typing)
cp "$OUT"/render/* "$OUT/tui/" 2>/dev/null || true

# render_html: the same gemtext bodies, and the hostile ones committed in tests/fuzz/render_html
cp "$OUT"/render/*.gmi "$OUT/render_html/" 2>/dev/null || true
cp "$ROOT"/tests/fuzz/render_html/* "$OUT/render_html/"

# packer parsers: every example and test input of their kind
for f in "$EX"/articles/*/*.md "$ROOT"/tests/data/input/*.md; do
    [ -f "$f" ] && cp "$f" "$OUT/markdown/"
done
for f in "$EX"/articles/*/*.txt "$ROOT"/tests/data/input/*.txt "$ROOT"/tests/data/input/*/*.txt; do
    [ -f "$f" ] && cp "$f" "$OUT/text/"
done
for f in "$EX"/radio/*.vtt "$ROOT"/tests/data/input/*.vtt "$ROOT"/tests/data/input/*/*.vtt; do
    [ -f "$f" ] && cp "$f" "$OUT/vtt/"
done
for f in "$EX"/radio/*.srt "$ROOT"/tests/data/input/*.srt "$ROOT"/tests/data/input/*/*.srt; do
    [ -f "$f" ] && cp "$f" "$OUT/srt/"
done
# charset: the encoding fixtures (EUC-KR, CP949, UTF-16, wrong and missing declarations)
for f in "$ROOT"/tests/data/input/charset/*; do
    [ -f "$f" ] && cp "$f" "$OUT/charset/"
done
# feeds: the RSS and Atom test fixtures (good, broken, hostile)
cp "$ROOT"/tests/data/input/feed/*.xml "$OUT/feed/"
# html: the hand-written test pages (news layout, no <article>, declared EUC-KR,
# broken markup, empty page)
for f in "$ROOT"/tests/data/input/html/*.html; do
    [ -f "$f" ] && cp "$f" "$OUT/html/"
done
# archive: small archives of every kind made by bsdtar, also with a symbolic link, a
# hidden file, a "../" name and a duplicate name
A=$T/arc
mkdir -p "$A/news" "$T/arcout"
cp "$EX/articles/en/2026-11-09-comet-sighting.md" "$A/news/comet.md"
cp "$EX/radio/2026-11-06-evening-bulletin.srt" "$A/bulletin.srt"
printf '<html><body><p>Flood news.</p></body></html>\n' >"$A/news/a.html"
printf 'x\n' >"$A/.hidden"
ln -s bulletin.srt "$A/link.srt"
(
    cd "$A"
    bsdtar -cf "$OUT/archive/plain.tar" news bulletin.srt
    bsdtar -czf "$OUT/archive/gz.tar.gz" news
    bsdtar -cjf "$OUT/archive/bz2.tar.bz2" news/a.html
    bsdtar -cJf "$OUT/archive/xz.tar.xz" news/a.html
    bsdtar --zstd -cf "$OUT/archive/zst.tar.zst" news/a.html
    bsdtar --format zip -cf "$OUT/archive/plain.zip" news bulletin.srt link.srt .hidden
    bsdtar --format 7zip -cf "$OUT/archive/plain.7z" news bulletin.srt
    bsdtar --format ustar -cf "$OUT/archive/link.tar" link.srt news/a.html
    bsdtar -cf "$OUT/archive/traversal.tar" -P -s ',^bulletin,../bulletin,' bulletin.srt
    bsdtar -cf "$OUT/archive/dup.tar" news/a.html news/a.html
)

# config: a full satchel.conf and a few short ones
printf '%s\n' '# weekly bundle' 'title = 자유 소식' 'publisher = "Example NGO"' 'lang = ko' \
    'charset = cp949' '' '[section news]' 'name = 소식' '[section news/ko]' 'name = 국내 소식' \
    '' '[file news/ko/flood.html]' 'title = 홍수' 'date = 2026-11-02T15:30:00+09:00' \
    'author = 한서윤' 'source = 새벽별' 'lang = ko-KR' 'section = 재난' 'tags = a, b' \
    'id = flood' '[file feeds/world.xml]' 'author = Desk' '[file feeds/world.xml#2]' \
    'title = Two' >"$OUT/config/full.conf"
printf 'title = A\n[file a.md]\ndate = 2026-02-30\n' >"$OUT/config/bad-date.conf"
printf '[section x]\nname = X\n[section x/]\nname = Y\n' >"$OUT/config/dup.conf"

# token: gemtext bodies taken out of the bundles above (render seeds), the example
# articles, and the tokeniser's test strings (tests/fuzz/token/)
cp "$OUT"/render/*.gmi "$OUT/token/" 2>/dev/null || true
for f in "$EX"/articles/*/*.md "$EX"/articles/*/*.txt; do
    [ -f "$f" ] && cp "$f" "$OUT/token/"
done
# postings: hand-written lists (the layout example of sat_postings.h, a wide k, one
# doc, an empty one) whole, and pairs behind a length byte for AND / AND NOT / OR; the
# test lists (several chunks, every frequency code) are in tests/fuzz/postings/ (made by
# SAT_TEST_POSTINGS_DUMP=DIR test_postings)
P=$OUT/postings
printf '\004\001\023\012\032\360' >"$P/docs"
printf '\002\000\107\164\060\024' >"$P/wide-k"
printf '\001\000\002' >"$P/one"
printf '\000' >"$P/empty"
{ byte 6; cat "$P/docs"; printf '\003\000\005\120'; } >"$P/pair-docs"
{ byte 1; cat "$P/empty" "$P/wide-k"; } >"$P/pair-empty"

# index: seeds from the bundles (above) and from the whole of examples/ (the demo bundle:
# Korean and English terms); the committed corpus is tests/fuzz/index/
"$PACK" build "$EX" -o "$T/demo.satchel" -s "$KEY" --title "Fuzz seed demo" --date 2026-11-20 \
    --seq 10 --quiet
mkdir -p "$T/x-demo"
tar -xf "$T/demo.satchel" -C "$T/x-demo"
zstd -q -d -c "$T/x-demo/satchel-manifest.zst" >"$T/root"
index_seeds "$T/root" "$T/x-demo" demo

# query: a few search queries beyond the parser's test queries (tests/fuzz/query/):
# every filter, quoted filter values, all separators, an unclosed quote
Q=$OUT/query
printf '%s' 'section:"국내 소식" lang:ko-KR kind:transcript since:2026-01-01 평양' >"$Q/filters"
printf '"평양에서 문서를" -"rice prices" elect* 20* Ωμ* ＧＤＰ' >"$Q/mixed"
printf 'a\t-b\r\nc\302\240d\343\200\200"e f"' >"$Q/spaces"
printf 'lang:"ko" until:"2026-12-31" "unclosed' >"$Q/quoted-values"

# search: a limit byte (low 2 bits: 1, 2, 5 or 20 hits; the rest the snippet width) then a
# query run over fuzz_search.c's built-in bundle: Korean inside words, one syllable, the
# last syllable of words, phrases, prefixes, exclusions, filters, other scripts
S=$OUT/search
n=0
for q in 평양 쌀 다 평양에서 '"rice prices"' 'elect*' 'market -rice' '평양 -"쌀값이"' 東京 'выборы' \
    gdp café 3.5 '"3.5 percent"' '평양 lang:ko kind:transcript' '평양 section:국내' '같은' \
    '"같은 글입니다"' '평양 since:2026-10-15' 링크 https pre 인용문 "people's" 'ω*'; do
    n=$((n + 1))
    { byte $((n * 5 % 256)); printf '%s' "$q"; } >"$S/q$n"
done

# parity: a flags byte (bit 0 reseal blocks, bit 1 repair the file itself) then a parity
# file made by satchel-pack parity: one stripe at 5% and 50%, two stripes at 1%, damaged
P=$OUT/parity
python3 -c "import sys; sys.stdout.buffer.write(bytes((i * 7 + i // 251) % 256 for i in range(5000)))" >"$T/p5k"
python3 -c "import sys; sys.stdout.buffer.write(bytes((i * 13) % 256 for i in range(2099200)))" >"$T/p2m"
"$PACK" parity "$T/p5k" --percent 5 -o "$T/p5k-5.parity" --quiet
"$PACK" parity "$T/p5k" --percent 50 -o "$T/p5k-50.parity" --quiet
"$PACK" parity "$T/p2m" --percent 1 -o "$T/p2m-1.parity" --quiet
for f in p5k-5 p5k-50 p2m-1; do
    for fl in 0 1 3; do
        { byte $fl; cat "$T/$f.parity"; } >"$P/$f-$fl"
    done
done
python3 -c "
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
d[100] ^= 1          # header copy 0
d[2048 + 300] ^= 1   # table block 1, copy 0
d[-1] ^= 1           # the last block
sys.stdout.buffer.write(b'\x00' + bytes(d))
" "$T/p5k-5.parity" >"$P/p5k-5-damaged"

for t in manifest sig bundle bundle_signed zstd render render_html tui markdown text vtt srt charset feed html archive config token postings query index search parity; do
    printf '%s:%s ' "$t" "$(find "$OUT/$t" -type f | wc -l)"
done
echo "seed files in $OUT"
