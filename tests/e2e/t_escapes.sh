# Terminal escapes and bidi overrides never reach the terminal: neither from a packed
# source (the packer strips or rejects them) nor from a signed bundle whose body carries
# them (hand-made here with python + minisign, since satchel-pack would not write one).
. "$E2E_LIB"

keygen demo
ESC=$(printf '\033'); BEL=$(printf '\007')

# check_clean FILE WHAT: no ESC, BEL, raw 0x9b (the fixtures are ASCII apart from the
# hostile characters), C1 CSI (c2 9b), U+202E (e2 80 ae), U+2066 (e2 81 a6), DEL
check_clean() {
    hex=" $(od -An -tx1 -v "$1" | tr -s ' \n' '  ') "
    for bad in "1b" "07" "9b" "7f" "e2 80 ae" "e2 81 a6" "e2 80 ab" "e2 80 ac" "e2 81 a9"; do
        case "$hex" in
        *" $bad "*) od -c "$1" | head -n 40; fail "$2: output contains bytes $bad" ;;
        esac
    done
    return 0
}

# 1. Through the packer
mkdir src
printf -- '---\ntitle: "Red \033[31mALERT\033[0m \033]0;pwned\007 csi\302\233 2J bidi\342\200\256gnp.exe"\ndate: 2026-11-20\nlang: en\n---\nBody \033[2J\033[H cleared \033]0;pwned\007 title \302\2332J and \342\200\256 reversed \177 del.\n\nSecond paragraph.\n' > src/evil.md
set +e
"$PACK" build src -o p.satchel -s demo.key --quiet > pack.out 2> pack.err
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
    # rejecting is fine if it says why; then pack with --skip-bad and a clean title
    grep -q 'evil.md' pack.err || fail "packer rejected evil.md without saying why: $(cat pack.err)"
    echo "packer rejected: $(cat pack.err)"
    printf -- '---\ntitle: Plain title\ndate: 2026-11-20\n---\nBody \033[2J cleared \342\200\256 reversed.\n' > src/evil.md
    "$PACK" build src -o p.satchel -s demo.key --quiet --skip-bad || fail "packing a clean title failed"
fi
expect_exit 0 "$READ" list p.satchel -p demo.pub
check_clean "$T/out" "list (packed)"
grep -q 'ALERT' "$T/out" || fail "list (packed): title text lost: $(cat "$T/out")"
expect_exit 0 "$READ" list p.satchel -p demo.pub --json
check_clean "$T/out" "list --json (packed)"
python3 -m json.tool "$T/out" >/dev/null || fail "list --json (packed) is not JSON"
expect_exit 0 "$READ" show p.satchel evil -p demo.pub
check_clean "$T/out" "show (packed)"
grep -q 'cleared' "$T/out" && grep -q 'Second paragraph' "$T/out" || fail "show (packed): text lost"
expect_exit 0 "$READ" info p.satchel -p demo.pub
check_clean "$T/out" "info (packed)"
# (extract writes the exact, hash-checked bytes: no terminal involved, no check here)

# 2. A signed bundle whose body and title carry hostile characters (SPEC 7: renderers MUST
# replace them). craft OUT TITLE-HEX BODY-HEX [BUNDLE-TITLE-HEX] writes a version-3 bundle (without a search index).
cat > craft.py <<'PY'
import hashlib, os, subprocess, sys
out, title, body = sys.argv[1], bytes.fromhex(sys.argv[2]), bytes.fromhex(sys.argv[3])
btitle = bytes.fromhex(sys.argv[4]) if len(sys.argv) > 4 else b"Crafted"
h = lambda d: hashlib.blake2b(d, digest_size=32).hexdigest().encode()
pad = lambda d: d + b"\0" * (-len(d) % 512)
def zst(data):
    open("z.in", "wb").write(data)
    subprocess.run(["zstd", "-q", "-f", "-19", "z.in", "-o", "z.zst"], check=True)
    return open("z.zst", "rb").read()
cz = zst(body)
page = b"E\tevil\tarticle\t-\t2026-11-20\ten\t-\t-\t-\t-\t" + title + b"\t0\t0\t%d\t%s\n" % (len(body), h(body))
pz = zst(page)
# offsets count from D, the end of the root manifest member; pages come before clusters
poff = 512
coff = poff + len(pad(pz)) + 512
dsize = coff + len(pad(cz))
created = b"2026-11-20T00:00:00Z"
m = b"\n".join([b"satchel-manifest\t5", b"bundle\t" + b"ab" * 16, b"title\t" + btitle,
    b"publisher\t-", b"created\t" + created, b"seq\t1", b"collection\t-", b"data\t%d" % dsize, b"dict\t-", b"clusters\t1",
    b"media\t0", b"pages\t1", b"entries\t1", b"search\t-", b"C\t%d\t%d\t%d\t%s" % (coff, len(cz), len(body), h(cz)),
    b"P\t%d\t%d\t%d\t1\tevil\t%s" % (poff, len(pz), len(page), h(pz)), b"end"]) + b"\n"
mz = zst(m)
open("satchel-manifest.zst", "wb").write(mz)
tc = "satchel-bundle v5 id=%s seq=1 created=%s manifest=1536+%d:%d" % ("ab" * 16, created.decode(), len(mz), len(m))
subprocess.run(["minisign", "-S", "-s", "demo.key", "-m", "satchel-manifest.zst", "-x", "sig",
                "-c", "satchel bundle manifest signature", "-t", tc], check=True, stdout=subprocess.DEVNULL)
sig = open("sig", "rb").read()
assert len(sig) < 512
def hdr(name, size):  # the canonical ustar header (SPEC 2)
    b = bytearray(512)
    b[0:len(name)] = name.encode()
    b[100:108] = b"000644 \0"; b[108:116] = b"000000 \0"; b[116:124] = b"000000 \0"
    b[124:136] = b"%011o " % size; b[136:148] = b"%011o " % 1795132800
    b[156:157] = b"0"; b[257:265] = b"ustar\x0000"
    b[329:337] = b"000000 \0"; b[337:345] = b"000000 \0"
    b[148:156] = b" " * 8
    b[148:156] = b"%06o\0 " % sum(b)
    return bytes(b)
data = hdr("satchel-manifest.zst.minisig", len(sig)) + pad(sig) + hdr("satchel-manifest.zst", len(mz)) + pad(mz)
data += hdr("index/000000.zst", len(pz)) + pad(pz) + hdr("clusters/000000.zst", len(cz)) + pad(cz)
data += hdr("satchel-manifest-copy.zst", len(mz)) + pad(mz) + hdr("satchel-manifest-copy.zst.minisig", len(sig)) + pad(sig)
data += b"\0" * 1024
open(out, "wb").write(data)
PY
hexof() { printf "$1" | od -An -tx1 -v | tr -d ' \n'; }
# the crafting itself is right: a clean bundle verifies and reads
python3 craft.py clean.satchel "$(hexof 'Clean title')" "$(hexof 'Clean body.\n')"
expect_exit 0 "$READ" verify clean.satchel -p demo.pub
expect_exit 0 "$READ" show clean.satchel evil -p demo.pub
grep -q 'Clean body' "$T/out" || fail "crafted clean bundle does not read"

title='Bidi \342\200\256exe.gnp\342\200\254 iso \342\201\246x\342\201\251 end'
body='Body \033[2J\033[H cleared\n\033]0;pwned\007 set the window title\n\302\2332J C1 CSI\n# Head \033[5mblink\033[0m\n* item \342\200\256reversed\n> quote \177 del \b back \r cr\n=> https://example.org/\033[31m link \033]8;;http://evil/\007x\033]8;;\007\n```\npre \033[1mbold\033[0m\n```\nbad utf8 \377\376 and a lone \302 byte\n'
python3 craft.py evil.satchel "$(hexof "$title")" "$(hexof "$body")" "$(hexof 'Bundle \342\200\256title')"
expect_exit 0 "$READ" verify evil.satchel -p demo.pub
for args in "list" "list --json" "info" "info --json" "show evil" "show evil --width 30" \
        "verify" "verify --json" "verify --deep"; do
    set -- $args
    cmd=$1; shift
    expect_exit 0 "$READ" "$cmd" evil.satchel "$@" -p demo.pub
    check_clean "$T/out" "$args (crafted)"
    check_clean "$T/err" "$args (crafted, stderr)"
done
expect_exit 0 "$READ" show evil.satchel evil -p demo.pub --width 200
grep -q 'cleared' "$T/out" && grep -q 'set the window title' "$T/out" && grep -q 'C1 CSI' "$T/out" ||
    fail "show (crafted): text around the escapes lost: $(cat "$T/out")"
expect_exit 0 "$READ" list evil.satchel -p demo.pub
grep -q 'exe.gnp' "$T/out" || fail "list (crafted): title text lost"
# an error message naming a hostile id is clean too
expect_exit 1 "$READ" show evil.satchel "$(printf 'no\033[31mid\342\200\256')" -p demo.pub
check_clean "$T/err" "show unknown hostile id (stderr)"

# the manifest and index pages may not carry controls at all (SPEC 4): such a bundle is
# refused (the title is in the index page)
python3 craft.py ctl.satchel "$(hexof 'Red \033[31mALERT')" "$(hexof 'Body.\n')"
set +e
"$READ" list ctl.satchel -p demo.pub > "$T/out" 2> "$T/err"
rc=$?
set -e
[ "$rc" -eq 1 ] || [ "$rc" -eq 3 ] || fail "list of a manifest with ESC in a title: exit $rc"
[ ! -s "$T/out" ] || fail "list of a manifest with ESC in a title printed: $(cat "$T/out")"
check_clean "$T/out" "list of a manifest with ESC"
check_clean "$T/err" "list of a manifest with ESC (stderr)"
