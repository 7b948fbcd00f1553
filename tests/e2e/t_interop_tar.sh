# The bundle is a plain ustar archive that GNU tar, bsdtar, minisign and zstd understand,
# laid out as formats/SPEC.md section 1-3 says.
. "$E2E_LIB"

keygen demo
# small clusters so that there are several
"$PACK" build "$ROOT/examples" -o demo.satchel -s demo.key --title "Satchel demo" \
    --date 2026-11-20 --seq 3 --cluster-size 8192 --quiet
TAB=$(printf '\t')

expect_exit 0 tar -tvf demo.satchel
cp "$T/out" gnu-tv.txt
expect_exit 0 tar -tf demo.satchel
cp "$T/out" gnu.txt
expect_exit 0 bsdtar -tvf demo.satchel
cp "$T/out" bsd-tv.txt
expect_exit 0 bsdtar -tf demo.satchel
cp "$T/out" bsd.txt
cmp gnu.txt bsd.txt || fail "GNU tar and bsdtar list different members"
[ "$(wc -l < gnu-tv.txt)" -eq "$(wc -l < gnu.txt)" ] && [ "$(wc -l < bsd-tv.txt)" -eq "$(wc -l < gnu.txt)" ] ||
    fail "tar -tv and -t disagree"
# owner 0/0, mode 0644 everywhere
awk '$1 != "-rw-r--r--" || $2 != "0/0" { exit 1 }' gnu-tv.txt || fail "unexpected modes/owners: $(cat gnu-tv.txt)"

# member order (SPEC 2): signature, root manifest, [dict], index pages in order, the search
# index (document table, then term blocks in order), clusters in order, media in id order,
# then the copies of root manifest and signature
[ "$(sed -n 1p gnu.txt)" = satchel-manifest.zst.minisig ] || fail "first member: $(head -n 1 gnu.txt)"
[ "$(sed -n 2p gnu.txt)" = satchel-manifest.zst ] || fail "second member: $(sed -n 2p gnu.txt)"
[ "$(tail -n 2 gnu.txt | head -n 1)" = satchel-manifest-copy.zst ] || fail "next to last member"
[ "$(tail -n 1 gnu.txt)" = satchel-manifest-copy.zst.minisig ] || fail "last member: $(tail -n 1 gnu.txt)"
sed '1,2d' gnu.txt | sed '$d' | sed '$d' > middle.txt
grep -v -e '^satchel-dict$' -e '^clusters/[0-9]\{6\}\.zst$' -e '^media/[A-Za-z0-9._-]*$' \
    -e '^index/[0-9]\{6\}\.zst$' -e '^search/docs\.zst$' -e '^search/[0-9]\{6\}\.zst$' middle.txt &&
    fail "unexpected members above"
grep '^clusters/' middle.txt > clusters.txt
nc=$(wc -l < clusters.txt)
[ "$nc" -ge 3 ] || fail "want several clusters with --cluster-size 8192, got $nc"
i=0
while read -r c; do
    [ "$c" = "$(printf 'clusters/%06d.zst' "$i")" ] || fail "cluster $i is named $c"
    i=$((i + 1))
done < clusters.txt
grep -n . middle.txt | awk -F: '/clusters\// { lc = $1 } /media\// && !fm { fm = $1 } END { exit !(fm > lc) }' ||
    fail "media members are not after the clusters"
grep -n . middle.txt | awk -F: '/index\// { li = $1 } /clusters\// && !fc { fc = $1 } END { exit !(fc > li) }' ||
    fail "index pages are not before the clusters"
grep -n . middle.txt | awk -F: '/index\// { li = $1 } /search\// && !fs { fs = $1 } /search\// { ls = $1 }
        /clusters\// && !fc { fc = $1 } END { exit !(fs > li && fc > ls) }' ||
    fail "the search index is not between the index pages and the clusters"
grep '^search/' middle.txt > search.txt
[ "$(head -n 1 search.txt)" = search/docs.zst ] || fail "search/docs.zst is not the first search member"
sed 1d search.txt > blocks.txt
i=0
while read -r s; do
    [ "$s" = "$(printf 'search/%06d.zst' "$i")" ] || fail "term block $i is named $s"
    i=$((i + 1))
done < blocks.txt
[ "$(wc -l < search.txt)" -ge 2 ] || fail "no term block"
grep '^index/' middle.txt > pages.txt
[ "$(head -n 1 pages.txt)" = index/000000.zst ] || fail "no index page 0"
grep '^media/' middle.txt > media.txt
LC_ALL=C sort media.txt | cmp -s - media.txt || fail "media members are not in id order"
[ "$(wc -l < media.txt)" -eq "$(find "$ROOT/examples" -name '*.png' -o -name '*.ogg' | wc -l)" ] || fail "media count"

# the signature verifies with stock minisign
mkdir x && cd x
tar -xf ../demo.satchel satchel-manifest.zst satchel-manifest.zst.minisig
expect_exit 0 minisign -V -p ../demo.pub -m satchel-manifest.zst
grep -q 'Signature and comment signature verified' "$T/out" "$T/err" || fail "minisign -V: $(cat "$T/out" "$T/err")"
tc=$(sed -n 's/^Trusted comment: //p' "$T/out")
case "$tc" in "satchel-bundle v5 id="*) ;; *) fail "trusted comment: '$tc'" ;; esac
echo "$tc" | grep -Eq '^satchel-bundle v5 id=[0-9a-f]{32} seq=3 created=2026-11-20T00:00:00Z manifest=1536\+[0-9]+:[0-9]+$' ||
    fail "trusted comment not in the SPEC 3.1 form: '$tc'"
[ "$(sed -n 3p satchel-manifest.zst.minisig)" = "trusted comment: $tc" ] || fail "minisig line 3"
# the copies at the end are the same bytes
tar -xf ../demo.satchel satchel-manifest-copy.zst satchel-manifest-copy.zst.minisig
cmp satchel-manifest.zst satchel-manifest-copy.zst || fail "manifest copy differs"
cmp satchel-manifest.zst.minisig satchel-manifest-copy.zst.minisig || fail "signature copy differs"
# another key does not verify it
(cd .. && keygen other)
expect_exit 1 minisign -V -p ../other.pub -m satchel-manifest.zst

# the manifest: one zstd frame; first line "satchel-manifest<TAB>5"
zstd -dq satchel-manifest.zst -o manifest.txt || fail "zstd -d of the manifest"
[ "$(head -n 1 manifest.txt)" = "satchel-manifest${TAB}5" ] || fail "manifest first line: $(head -n 1 manifest.txt | od -c | head -2)"
[ "$(tail -n 1 manifest.txt)" = end ] || fail "manifest does not end with 'end'"
id=$(echo "$tc" | sed 's/.* id=\([0-9a-f]*\) .*/\1/')
grep -qx "bundle${TAB}$id" manifest.txt || fail "manifest bundle id differs from the trusted comment's"
grep -qx "seq${TAB}3" manifest.txt || fail "manifest seq"
# a single bundle: the collection line right after seq says "-" (SPEC 4.3)
[ "$(sed -n 7p manifest.txt)" = "collection${TAB}-" ] || fail "manifest line 7: $(sed -n 7p manifest.txt)"
grep -qx "clusters${TAB}$nc" manifest.txt || fail "manifest cluster count"
grep -qx "pages${TAB}$(wc -l < ../pages.txt)" manifest.txt || fail "manifest page count"
tar -xf ../demo.satchel index
zstd -dqc index/*.zst > entries.txt || fail "zstd -d of the index pages"
nent=$(find "$ROOT/examples" -type f | wc -l)
grep -qx "entries${TAB}$nent" manifest.txt || fail "manifest entry count is not $nent"
[ "$(grep -c '^E' entries.txt)" -eq "$nent" ] && [ "$(wc -l < entries.txt)" -eq "$nent" ] ||
    fail "index pages do not hold exactly $nent E lines"
cut -f2 entries.txt | LC_ALL=C sort -c -u || fail "index ids not strictly increasing"
zlen=$(wc -c < satchel-manifest.zst); len=$(wc -c < manifest.txt)
echo "$tc" | grep -q "+$zlen:$len\$" || fail "trusted comment sizes are not $zlen:$len: $tc"
cd ..

# offsets: trusted comment and manifest point at the members' data (python's tarfile
# reads the archive independently); the archive is strict ustar and ends properly
python3 - demo.satchel x/manifest.txt "$tc" x/entries.txt <<'PY' || fail "offsets or ustar layout wrong"
import os, re, subprocess, sys, tarfile, hashlib
path, mpath, tc, epath = sys.argv[1:5]
data = open(path, "rb").read()
with tarfile.open(path, "r:") as t:
    ms = t.getmembers()
    by = {m.name: m for m in ms}
    for m in ms:
        assert m.type == tarfile.REGTYPE and m.uid == 0 and m.gid == 0, m.name
        assert m.uname == "" and m.gname == "" and m.mode == 0o644, m.name
        h = data[m.offset:m.offset + 512]
        assert h[257:265] == b"ustar\x0000", (m.name, h[257:265])
        assert h[345:500] == b"\0" * 155, m.name  # empty prefix
    end = ms[-1].offset_data + (ms[-1].size + 511) // 512 * 512
    assert data[end:] == b"\0" * 1024, ("archive end", len(data) - end)
    m = re.search(r"manifest=(\d+)\+(\d+):(\d+)$", tc)
    off, zlen = int(m.group(1)), int(m.group(2))
    mf = by["satchel-manifest.zst"]
    assert (mf.offset_data, mf.size) == (off, zlen), (mf.offset_data, mf.size, off, zlen)
    assert by["satchel-manifest.zst.minisig"].offset_data == 512
    D = off + (zlen + 511) // 512 * 512  # offsets in the manifest count from here
    lines = open(mpath, encoding="utf-8").read().split("\n")
    dsize = int([l for l in lines if l.startswith("data\t")][0].split("\t")[1])
    assert by["satchel-manifest-copy.zst"].offset == D + dsize, "data size"
    ms_ = [l.split("\t") for l in lines if l.startswith("M\t")]
    cs = [l.split("\t") for l in lines if l.startswith("C\t")]
    for i, c in enumerate(cs):
        m = by["clusters/%06d.zst" % i]
        assert (D + int(c[1]), int(c[2])) == (m.offset_data, m.size), ("C", i)
        assert hashlib.blake2b(data[m.offset_data:m.offset_data + m.size], digest_size=32).hexdigest() == c[4]
    ps = [l.split("\t") for l in lines if l.startswith("P\t")]
    for i, p in enumerate(ps):
        m = by["index/%06d.zst" % i]
        assert (D + int(p[1]), int(p[2])) == (m.offset_data, m.size), ("P", i)
        assert hashlib.blake2b(data[m.offset_data:m.offset_data + m.size], digest_size=32).hexdigest() == p[6]
    assert ps and cs
    # the search index (SPEC 6): "search OFF SIZE USIZE NDOCS NBLOCKS HASH", then a T line
    # "T OFF SIZE USIZE COUNT FIRST-TERM HASH" per term block, after the P lines
    sl = [l.split("\t") for l in lines if l.startswith("search\t")]
    assert len(sl) == 1 and len(sl[0]) == 7, sl
    ts = [l.split("\t") for l in lines if l.startswith("T\t")]
    assert lines.index("\t".join(ts[0])) > lines.index("\t".join(ps[-1])), "T lines before P"
    assert len(ts) == int(sl[0][5]) and ts, (len(ts), sl)
    units = [("search/docs.zst", sl[0][1], sl[0][2], sl[0][3], sl[0][6])] + \
        [("search/%06d.zst" % i, t[1], t[2], t[3], t[6]) for i, t in enumerate(ts)]
    for name, off, size, usize, h in units:
        m = by[name]
        z = data[m.offset_data:m.offset_data + m.size]
        assert (D + int(off), int(size)) == (m.offset_data, m.size), name
        assert hashlib.blake2b(z, digest_size=32).hexdigest() == h, name
        # one frame, no dictionary, that stock zstd decodes to exactly USIZE bytes
        assert z[:4] == b"\x28\xb5\x2f\xfd" and z[4] & 3 == 0, name
        u = subprocess.run(["zstd", "-dqc"], input=z, stdout=subprocess.PIPE, check=True).stdout
        assert len(u) == int(usize), (name, len(u), usize)
    firsts = [t[5] for t in ts]
    assert firsts == sorted(firsts, key=lambda f: f.encode()) and len(set(firsts)) == len(firsts)
    assert 0 < int(sl[0][4]) <= len([l for l in open(epath, encoding="utf-8") if l.startswith("E")])
    nm = 0
    for l in open(epath, encoding="utf-8").read().split("\n"):
        f = l.split("\t")
        if f[0] == "E" and f[11] == "m":
            nm += 1
            m = by["media/" + f[1]]
            ml = ms_[int(f[12])]  # pages name the root's M line
            assert ml[4] == f[1] and (D + int(ml[1]), int(ml[2])) == (m.offset_data, m.size), ("E", f[1])
            assert hashlib.blake2b(data[m.offset_data:m.offset_data + m.size], digest_size=32).hexdigest() == f[14]
    assert nm == len([n for n in by if n.startswith("media/")]) and nm > 0, nm
PY

# bsdtar and GNU tar unpack the media unchanged
mkdir gx bx
tar -xf demo.satchel -C gx
bsdtar -xf demo.satchel -C bx
diff -r gx bx >/dev/null || fail "GNU tar and bsdtar unpack different bytes"
cmp gx/media/images-rice-prices.png "$ROOT/examples/images/rice-prices.png" || fail "media/images-rice-prices.png"
cmp bx/media/radio-2026-11-02-morning-news.ogg "$ROOT/examples/radio/2026-11-02-morning-news.ogg" || fail "audio member"
# every cluster is one zstd frame that stock zstd decompresses (no dictionary here)
grep -qx "dict${TAB}-" x/manifest.txt || fail "examples/ unexpectedly got a dictionary"
for c in gx/clusters/*.zst; do
    zstd -t -q "$c" || fail "zstd -t $c"
done
