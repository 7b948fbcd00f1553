# satchel-read browse, driven in tmux (tests/e2e/tui_lib.sh): the verification banner
# (genuine, fingerprint, trust, date), the library rows, the help screen, search as you
# type, a Korean article wrapped at the right column (and again after a resize), saving
# its attachment, the Korean and the English interface, the terminal restored after q and after SIGTERM, and
# the panic key leaving nothing on the screen.
. "$E2E_LIB"
. "$(dirname "$E2E_LIB")/tui_lib.sh"

keygen demo
demo_bundle d.satchel
fp=$("$READ" verify d.satchel -p demo.pub | sed -n 's/.*(fingerprint \(.*\))$/\1/p')
[ -n "$fp" ] || fail "no fingerprint from verify"
# the row of the Korean rice article in the library (rows are in id order, as list prints)
row=$("$READ" list d.satchel -p demo.pub | grep -n '^articles-ko-2026-11-03-rice-prices ' |
    cut -d: -f1)
[ -n "$row" ] || fail "the rice article is not in the bundle"
downs=$(printf '%*s' $((row - 1)) '' | tr ' ' j)

# run NAME ARGS: browse in the window; afterwards NAME.exit holds "EXIT=<status>", and
# NAME.stty-before / NAME.stty-after the terminal settings around it.
run() {
    name=$1
    shift
    tui_start "printf 'SHELL-BEFORE\n'; stty -g > $name.stty-before; \
$TUI_ENV sh -c 'echo \$\$ > $name.pid; exec \"\$0\" \"\$@\"' $READ $*; \
echo EXIT=\$? > $name.exit; stty -g > $name.stty-after; printf 'SHELL-AFTER\n'; sleep 600"
}

# restored NAME STATUS: the program ended with STATUS and the shell's screen is back
restored() {
    tui_wait_file "$1.exit"
    grep -qx "EXIT=$2" "$1.exit" || fail "$1: exit status $(cat "$1.exit"), expected $2"
    tui_wait SHELL-AFTER
    cmp -s "$1.stty-before" "$1.stty-after" ||
        fail "$1: terminal settings differ after exit: $(cat "$1.stty-before") / $(cat "$1.stty-after")"
    tui_screen > "$1.after"
    grep -q SHELL-BEFORE "$1.after" || fail "$1: the shell's screen did not come back"
    if grep -q -e 'Library' -e '목록' -e '분야' "$1.after"; then
        cat "$1.after" >&2
        fail "$1: the interface is still on the screen after exit"
    fi
}

# 1. Korean: banner, library, help, search, reading, resize, q
run ko browse d.satchel -p demo.pub --lang ko
tui_wait "진본입니다"
tui_wait "지문: $fp"
tui_wait "열쇠 신뢰: 예, 직접 지정한 열쇠"
tui_wait "만든 날: 2026-11-20T00:00:00Z"
# the age in days (or, on a machine whose clock is behind the bundle, a warning about it)
tui_screen | grep -q -e '일 전)' -e '앞으로 올 날짜' || fail "the banner does not give the bundle's age"
tui_check_width 80
tui_keys x
tui_wait "목록: Satchel demo"
tui_wait "분야       날짜       종류       언어  제목"
tui_wait "economy    2026-11-03 기사       ko    쌀값 석 달째 올라"
tui_check_width 80
tui_keys End
tui_wait "world      2026-11-02 방송 원고  ko    11월 2일 아침 소식"
tui_wait "35 / 전체 35"
tui_keys Home
tui_wait "1 / 전체 35"
tui_keys '?'
tui_wait "도움말"
tui_wait "F12 또는 Ctrl-X: 화면을 지우고 바로 끝내기"
tui_keys q
tui_wait "목록: Satchel demo"
# search as you type: the first syllable already lists hits, the word narrows them
tui_keys /
tui_wait "찾기:"
tui_keys -l '평양'
tui_wait "건 찾음"
tui_wait "평양 가을 마라톤"
tui_keys -l ' 마라톤'
tui_wait "1건 찾음"
tui_keys Enter
tui_wait "우승 기록은 2시간 11분"
tui_keys q
tui_wait "찾기: 평양 마라톤"
tui_keys Escape
tui_wait "Enter 읽기"
# the Korean article, wrapped at 80 columns: the first paragraph's line break falls where
# the next word no longer fits
tui_keys -l "$downs"
tui_keys Enter
tui_wait "가을걷이가 끝났는데도"
l1="가을걷이가 끝났는데도 쌀값이 석 달째 오르고 있다. 국경 지역 상인들과 여러 경로로"
l2="확인한 가격을 보면, 11월 첫 주 신의주 장마당의 쌀 1킬로그램 값은 7월보다 약"
tui_screen > read80.txt
grep -A1 -xF "$l1" read80.txt | tail -n 1 | grep -qxF "$l2" ||
    { cat read80.txt >&2; fail "the Korean paragraph is not wrapped as expected at 80 columns"; }
python3 - "$l1" "$l2" <<'PY' || fail "the expected 80-column lines are not a correct wrap"
import sys, unicodedata
w = lambda s: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
l1, l2 = sys.argv[1], sys.argv[2]
assert w(l1) <= 80, w(l1)
assert w(l1) + 1 + w(l2.split(" ")[0]) > 80, "the next word would have fit"
PY
tui_check_width 80
grep -q '[0-9]*/[0-9]*줄' read80.txt || fail "no line position shown"
# the header's labels in Korean, values aligned at column 10 (labels measured: 2 columns a
# syllable)
grep -qxF "날짜:    2026-11-03" read80.txt && grep -qxF "분야:    economy" read80.txt ||
    { cat read80.txt >&2; fail "the reading view's header is not in Korean or not aligned"; }
# scrolling: End shows the links list (its heading in Korean too), Home the title again
tui_keys End
tui_wait "연결:"
tui_keys Home
tui_wait "쌀값 석 달째 올라… 신의주·평양 장마당 가격 차이 커져"
# resize: the text is laid out again at 60 columns
l60=$("$READ" show d.satchel articles-ko-2026-11-03-rice-prices -p demo.pub --width 60 |
    grep '^가을걷이가')
[ -n "$l60" ] && [ "$l60" != "$l1" ] || fail "show --width 60 gives no different first line"
tmux -L "$TUI_SOCK" resize-window -t tui -x 60 -y 24
tui_wait "$l60"
tui_check_width 60
tmux -L "$TUI_SOCK" resize-window -t tui -x 80 -y 24
tui_wait "$l1"
tui_check_width 80
# its attachment (the rice price chart) saved into a folder typed at the prompt: written
# there, the same bytes as extract writes, and never over an existing file
mkdir saved
tui_keys a
tui_wait "첨부 자료"
tui_wait "images-rice-prices.png"
tui_keys Enter
tui_wait "저장할 폴더"
tui_keys -l "nowhere"
tui_keys Enter
tui_wait "저장하지 못했습니다: nowhere 폴더가 없거나 열 수 없습니다."
[ -e nowhere ] && fail "a folder was created"
tui_keys x Enter
tui_wait "저장할 폴더"
# the last folder is offered again: 7 backspaces erase "nowhere" (relative: the cwd)
tui_keys BSpace BSpace BSpace BSpace BSpace BSpace BSpace
tui_keys -l "saved"
tui_keys Enter
tui_wait "images-rice-prices.png 파일을 saved 폴더에 저장했습니다."
"$READ" extract d.satchel --to ref images-rice-prices.png -p demo.pub >/dev/null
cmp -s saved/images-rice-prices.png ref/images-rice-prices.png ||
    fail "the saved attachment differs from what extract writes"
[ "$(ls -A saved)" = "images-rice-prices.png" ] || fail "other files in the folder: $(ls -A saved)"
printf 'mine' > saved/images-rice-prices.png
tui_keys x Enter
tui_wait "저장할 폴더"
tui_keys Enter
tui_wait "그 폴더에 images-rice-prices.png 파일이 이미 있습니다."
tui_wait "덮어쓰지 않았습니다."
[ "$(cat saved/images-rice-prices.png)" = mine ] || fail "an existing file was overwritten"
tui_keys x q
tui_wait "줄"
tui_keys q
tui_wait "목록: Satchel demo"
tui_keys q
restored ko 0

# 2. English; SIGTERM restores the terminal (status 128 + 15)
run en browse d.satchel -p demo.pub --lang en
tui_wait "Genuine: the signature is valid and made with a trusted key."
tui_wait "Fingerprint: $fp"
tui_wait "Key trusted: yes, because you gave it"
tui_keys Enter
tui_wait "Library: Satchel demo"
tui_wait "Section    Date       Kind       Lang  Title"
tui_keys G
tui_wait "world      2026-11-02 transcript ko    11월 2일 아침 소식"
tui_keys '?'
tui_wait "F12 or Ctrl-X: clear the screen and quit at once"
tui_keys q
# filters: kind (t) cycles to article, then transcript
tui_keys t t
tui_wait "[kind: transcript]"
tui_wait "of 3"
tui_screen | grep -q ' article ' && fail "the transcript filter still lists articles"
# a transcript shows its timestamps
tui_keys Enter
tui_wait "[00:00:00] 김철수: 안녕하십니까. 11월 2일 아침 소식입니다."
tui_wait "[00:00:16] 이영희:"
tui_keys q
tui_keys c
tui_wait "of 35"
# language (l) and section (s) cycle through the values the bundle has, in entry order
tui_keys l
tui_wait "[language: en]"
tui_keys l
tui_wait "[language: ko]"
tui_screen | sed -n '3,23p' | grep -v '^$' | grep -vq ' ko    ' &&
    fail "the language filter lists other languages"
tui_keys s
tui_wait "[section: culture]"
tui_wait "culture    2026-09-15 article    ko    금속활자의 나라"
tui_keys c
tui_wait "of 35"
kill -TERM "$(cat en.pid)"
restored en 143

# 3. The locale chooses the language when --lang is not given; SIGINT, SIGHUP too
tui_start "printf 'SHELL-BEFORE\n'; stty -g > loc.stty-before; env LANG=ko_KR.UTF-8 \
LC_ALL= LANGUAGE= TERM=screen sh -c 'echo \$\$ > loc.pid; exec \"\$0\" \"\$@\"' $READ \
browse d.satchel -p demo.pub; echo EXIT=\$? > loc.exit; stty -g > loc.stty-after; \
printf 'SHELL-AFTER\n'; sleep 600"
tui_wait "진본입니다"
kill -HUP "$(cat loc.pid)"
restored loc 129
run int browse d.satchel -p demo.pub --lang en
tui_wait "Genuine"
tui_keys x
tui_wait "Library"
tui_keys C-c
restored int 130
# SIGQUIT: restored too, and no core file left behind (core dumps are turned off)
run quit browse d.satchel -p demo.pub --lang en
tui_wait "Genuine"
kill -QUIT "$(cat quit.pid)"
restored quit 131
ls | grep -q '^core' && fail "a core file was left behind"

# 4. satchel-read BUNDLE on a terminal opens the same; the panic key (F12) leaves nothing
run panic d.satchel -p demo.pub --lang en
tui_wait "Genuine"
tui_keys x
tui_wait "Library: Satchel demo"
tui_keys F12
tui_wait_file panic.exit
grep -qx "EXIT=0" panic.exit || fail "panic key: exit status $(cat panic.exit)"
# the wrapper prints SHELL-AFTER after the exit: everything before it was cleared
tui_wait SHELL-AFTER
tui_screen | sed '/^$/d' > panic.after
[ "$(cat panic.after)" = "SHELL-AFTER" ] ||
    { cat panic.after >&2; fail "panic key: something is left on the screen"; }
tmux -L "$TUI_SOCK" capture-pane -p -S - -t tui | grep -q -e 'Library' -e 'Genuine' &&
    fail "panic key: the interface is in the scrollback"

# Ctrl-X is the other panic key, also in the reading view
run panic2 d.satchel -p demo.pub --lang ko
tui_wait "진본입니다"
tui_keys x
tui_wait "목록"
tui_keys Enter
tui_wait "줄"
tui_keys C-x
tui_wait_file panic2.exit
grep -qx "EXIT=0" panic2.exit || fail "Ctrl-X: exit status $(cat panic2.exit)"
tui_wait SHELL-AFTER
tui_screen | sed '/^$/d' > panic2.after
[ "$(cat panic2.after)" = "SHELL-AFTER" ] || fail "Ctrl-X: something is left on the screen"

# 5. Not genuine: a key that is not trusted, a tampered manifest: exit 3, the reason
# only, no content on the screen
keygen other
# one byte changed in the manifest and in its copy at the end (tar member data follows its
# 512-byte header)
python3 - d.satchel t.satchel <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
for name in (b"satchel-manifest.zst\0", b"satchel-manifest-copy.zst\0"):
    h = b.find(name)
    assert h >= 0 and h % 512 == 0, name
    b[h + 512 + 40] ^= 0x55
open(sys.argv[2], "wb").write(b)
PY
for c in "other:d.satchel -p other.pub" "tampered:t.satchel -p demo.pub"; do
    name=${c%%:*}
    tui_start "$TUI_ENV $READ browse ${c#*:} --lang en 2> $name.err; echo EXIT=\$? > $name.exit; sleep 600"
    tui_wait_file "$name.exit"
    grep -qx "EXIT=3" "$name.exit" || fail "$name: exit $(cat "$name.exit"), expected 3"
    grep -q "NOT GENUINE: this bundle was not opened. Reason: " "$name.err" ||
        fail "$name: no reason given: $(cat "$name.err")"
    tui_screen | grep -q -e 'Satchel demo' -e 'Library' -e '쌀값' -e 'Genuine' &&
        fail "$name: content shown for a bundle that is not genuine"
done
tui_start "$TUI_ENV $READ browse d.satchel -p other.pub --lang ko 2> ko.err; echo EXIT=\$? > ko3.exit; sleep 600"
tui_wait_file ko3.exit
grep -qx "EXIT=3" ko3.exit && grep -q "진본이 아닙니다: 이 묶음을 열지 않았습니다." ko.err ||
    fail "the Korean refusal is missing: $(cat ko3.exit ko.err)"
# the reason in Korean too (the library's detail after it), and in English with --lang en
grep -q "이유: 이 열람기가 믿지 않는 열쇠로 서명되었습니다 (.*)" ko.err ||
    fail "the Korean refusal gives no Korean reason: $(cat ko.err)"
grep -q "Reason: it was signed with a key this reader does not trust (.*)" other.err ||
    fail "the English refusal gives no reason for the untrusted key: $(cat other.err)"
grep -q "Reason: the signature does not match" tampered.err ||
    fail "the English refusal gives no reason for the tampered bundle: $(cat tampered.err)"

# 6. Without a terminal: browse is refused with a hint to use a command (exit 2)
expect_exit 2 "$READ" browse d.satchel -p demo.pub
grep -q "list BUNDLE" "$T/err" || fail "no hint to use a command: $(cat "$T/err")"
expect_exit 2 "$READ" d.satchel -p demo.pub
grep -q "use a command" "$T/err" || fail "satchel-read BUNDLE without a terminal: $(cat "$T/err")"
expect_exit 2 "$READ" browse d.satchel -p demo.pub --lang xx
echo "t_tui: ok"
