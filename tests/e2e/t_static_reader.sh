# The static reader (make static-reader): one executable with no runtime dependencies
# (no program interpreter, no shared library), at most 3,000,000 bytes, with no networking
# code; in an empty chroot (no /lib, /usr, /etc, /dev) it verifies, lists and shows Korean
# text byte for byte as the normal build; its terminal interface shows Korean with LC_ALL=C,
# and says in both languages what is missing when there is no UTF-8 locale or no TERM.
. "$E2E_LIB"
. "$(dirname "$E2E_LIB")/tui_lib.sh"

S=$(dirname "$READ")/satchel-read-static
# the unstripped link (Makefile: SB), kept for its symbol table
U=$ROOT/build-static/satchel-read
[ -x "$S" ] || fail "no $S: make static-reader (make check builds it)"
[ -x "$U" ] || fail "no $U: make static-reader"

# 1. no runtime dependencies
set +e
ldd_out=$(ldd "$S" 2>&1)
set -e
echo "$ldd_out" | grep -q "not a dynamic executable" || fail "ldd: $ldd_out"
file "$S" | grep -q "statically linked" || fail "file: $(file "$S")"
readelf -lW "$S" > phdr.txt
grep -q "INTERP" phdr.txt && fail "the static reader has a program interpreter (PT_INTERP)"
grep -q "LOAD" phdr.txt || fail "readelf -l printed no program headers: $(cat phdr.txt)"
readelf -dW "$S" > dyn.txt
grep -q "NEEDED" dyn.txt && fail "the static reader needs shared libraries: $(cat dyn.txt)"
# the same checks see the normal build as dynamic
readelf -lW "$READ" | grep -q INTERP || fail "readelf finds no PT_INTERP in the dynamic reader"
readelf -dW "$READ" | grep -q NEEDED || fail "readelf finds no DT_NEEDED in the dynamic reader"

# 2. size
size=$(wc -c < "$S")
echo "static reader: $size bytes"
[ "$size" -le 3000000 ] || fail "the static reader is $size bytes, over 3,000,000"

# 3. no networking code: symbols (defined or imported) and the resolver's file names.
# net_syms FILE prints the offending symbol names (nm: the symbol table; nm -D: the
# dynamic imports of a dynamic program).
NET_RE='^_*(socket|connect|bind|accept4?|sendto|recvfrom|sendmsg|recvmsg|getaddrinfo|gethostbyname[0-9a-z_]*|gethostbyaddr[0-9a-z_]*|res_[0-9a-z_]+|inet_[0-9a-z_]+)(@.*)?$'
net_syms() {
    { nm "$1" 2>/dev/null; nm -D "$1" 2>/dev/null; } | awk '{print $NF}' | grep -E "$NET_RE" |
        sort -u || true
}
nm "$U" | grep -q " T main$" || fail "nm sees no symbols in $U"
found=$(net_syms "$U")
[ -z "$found" ] || fail "networking code in the static reader: $(echo $found)"
if strings "$S" | grep -E '/etc/resolv\.conf|/etc/hosts|nsswitch'; then
    fail "the static reader names a resolver or NSS file"
fi
# the check itself: the dynamic reader's imports include none of them, a program that
# calls getaddrinfo is caught, and so is a static link of it
[ -n "$(nm -D "$READ" | grep ' U ')" ] || fail "nm -D lists no imports of $READ"
found=$(net_syms "$READ")
[ -z "$found" ] || fail "networking imports in the dynamic reader: $(echo $found)"
cat > net.c <<'EOF'
#include <netdb.h>
#include <stddef.h>
int main(void)
{
    struct addrinfo *ai = NULL;
    return getaddrinfo("example.org", "80", NULL, &ai);
}
EOF
cc -c net.c -o net.o
net_syms net.o | grep -qx getaddrinfo || fail "the symbol check misses getaddrinfo in net.o"
cc net.o -o net-dyn
net_syms net-dyn | grep -q getaddrinfo || fail "the symbol check misses getaddrinfo in net-dyn"

# 4. an empty chroot: only the binary, a bundle and its key
keygen demo
demo_bundle d.satchel
ko=articles-ko-2026-11-10-safe-water
# as root chroot(8); otherwise in a user namespace where the caller is root
CHROOT=$(command -v chroot)
[ "$(id -u)" -eq 0 ] || CHROOT="$(command -v unshare) -r $CHROOT"
in_chroot() {
    env -i $CHROOT "$@"
}
mkdir root
cp "$S" root/satchel-read
cp d.satchel root/b.satchel
cp demo.pub root/k.pub
[ "$(ls root | wc -l)" -eq 3 ] || fail "the chroot holds more than the reader, bundle and key"
in_chroot root /satchel-read verify /b.satchel -p /k.pub > v.ch ||
    fail "verify in the empty chroot failed: $(cat v.ch)"
grep -q "^Signature: good" v.ch || fail "verify: $(cat v.ch)"
"$READ" verify d.satchel -p demo.pub > v.dyn
cmp v.ch v.dyn || fail "verify prints differently in the chroot"
in_chroot root /satchel-read list /b.satchel -p /k.pub > l.ch
"$READ" list d.satchel -p demo.pub > l.dyn
cmp l.ch l.dyn || fail "list differs in the chroot"
grep -q "겨울철 마실 물" l.ch || fail "list shows no Korean title"
in_chroot root /satchel-read show /b.satchel "$ko" -p /k.pub > s.ch
"$READ" show d.satchel "$ko" -p demo.pub > s.dyn
cmp s.ch s.dyn || fail "show of the Korean article differs in the chroot"
grep -q "거르고 끓이는 두 단계" s.ch || fail "show printed no Korean text"
# a forged bundle is still refused there (exit 3)
cp d.satchel root/f.satchel
python3 - root/f.satchel <<'EOF'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 0x55
open(p, "wb").write(b)
EOF
set +e
in_chroot root /satchel-read verify /f.satchel -p /k.pub > f.out 2>&1
rc=$?
set -e
[ "$rc" -eq 1 ] || [ "$rc" -eq 3 ] || fail "a damaged bundle in the chroot: exit $rc: $(cat f.out)"

# 5. the terminal interface with the static binary
# LC_ALL=C on a machine that has C.UTF-8: the reader switches to it, Korean is shown
tui_start "env -i LC_ALL=C TERM=screen $S browse d.satchel -p demo.pub --lang ko; echo EXIT=\$? > ko.exit; sleep 600"
tui_wait "진본입니다"
tui_wait "묶음: Satchel demo"
tui_keys x
tui_wait "목록: Satchel demo"
tui_wait "쌀값 석 달째 올라"
tui_screen | grep -q '~' && { tui_screen >&2; fail "escapes (~) on the Korean screen"; }
tui_keys q
tui_wait_file ko.exit
grep -qx "EXIT=0" ko.exit || fail "browse ended with $(cat ko.exit)"
# no UTF-8 locale at all (the chroot, with a terminal description): a message in both
# languages instead of ~M escapes
mkdir -p root/usr/share/terminfo/s
cp "$(find /usr/share/terminfo /lib/terminfo -name screen -path '*/s/*' | head -n 1)" \
    root/usr/share/terminfo/s/screen
# refused NAME CMD EN KO: CMD (browse) on the terminal ends with status 2 and says EN and
# KO on stderr
refused() {
    tui_start "$2 2> $1.err; echo EXIT=\$? > $1.exit; sleep 600"
    tui_wait_file "$1.exit"
    grep -qx "EXIT=2" "$1.exit" || fail "$1: browse ended with $(cat "$1.exit"): $(cat "$1.err")"
    grep -qF "$3" "$1.err" && grep -qF "$4" "$1.err" ||
        fail "$1: no message in both languages: $(cat "$1.err")"
}
refused noloc "env -i LC_ALL=C TERM=screen $CHROOT root /satchel-read browse /b.satchel -p /k.pub" \
    "no UTF-8 locale" "UTF-8 로케일이 없어서"
# no TERM, and a TERM with no description
refused noterm "env -i LC_ALL=C $S browse d.satchel -p demo.pub" \
    "the TERM variable is not set" "TERM 변수가 정해져 있지 않습니다"
refused badterm "env -i LC_ALL=C TERM=no-such-term $S browse d.satchel -p demo.pub --lang ko" \
    "no description of this terminal (TERM=no-such-term)" \
    "단말기(TERM=no-such-term)의 설명을 찾지 못했습니다"
echo "static reader: ok"
