# satchel-read browse on hostile bundles (tests/hostile/gen.py), driven in tmux: titles
# and bodies carrying terminal escapes, OSC, C1 and bidi controls appear escaped (the
# visible "\x1b", "<U+202E>" forms), never as raw sequences in the pane; a bundle whose
# signed manifest breaks the format is refused (exit 3, nothing shown); damaged entries
# are marked and cannot be opened.
. "$E2E_LIB"
. "$(dirname "$E2E_LIB")/tui_lib.sh"
H="$ROOT/tests/hostile"

keygen good
keygen other
hostile_base good.satchel good
python3 "$H/gen.py" good.satchel good.key other.key corpus >/dev/null
tid=articles-en-2026-11-03-grain-markets
row=$("$READ" list corpus/esc-body.satchel -p good.pub | grep -n "^$tid " | cut -d: -f1)
[ -n "$row" ] || fail "$tid is not in the corpus bundle"
downs=$(printf '%*s' $((row - 1)) '' | tr ' ' j)

# clean WHAT: the pane, with its attributes (capture-pane -e), holds no escape sequence
# but tmux's own SGR attributes, no C0/C1 control, no bidi control
cat > clean.py <<'PY'
import re, sys
t = open(sys.argv[1], encoding="utf-8", errors="surrogateescape").read()
t = re.sub("\x1b\\[[0-9;:]*m", "", t)  # the pane's colours and reverse video
bad = [c for c in t if (ord(c) < 0x20 and c != "\n") or 0x7f <= ord(c) <= 0x9f
       or c in "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
       or 0xdc80 <= ord(c) <= 0xdcff]
if bad:
    print("raw characters on screen: %r" % sorted(set(bad)), file=sys.stderr)
    sys.exit(1)
PY
clean() {
    tui_screen_e > "$1.e"
    python3 clean.py "$1.e" || fail "$1: a raw control sequence reached the pane"
}
# the check itself must catch what it is for: an OSC, a bidi override, a raw C1
printf 'ok \033[7mreverse\033[0m\n' > selftest.ok
python3 clean.py selftest.ok || fail "clean.py rejects plain SGR"
for bad in '\033]0;pwned\007' '\342\200\256' '\302\233' '\033[2J'; do
    printf "x $bad y\n" > selftest.bad
    python3 clean.py selftest.bad 2>/dev/null && fail "clean.py misses $bad"
done

browse() {
    tui_start "$TUI_ENV $READ browse $1 -p good.pub --lang en 2> err.txt; echo EXIT=\$? > exit.txt; sleep 600"
}

# 1. Bidi controls in the bundle title: the banner and the library's title bar
rm -f exit.txt
browse corpus/root-title-bidi.satchel
tui_wait "Genuine"
tui_wait "Bundle: Bidi"
tui_wait "<U+202E><U+202A><U+202B><U+202C><U+202D><U+2066><U+2067><U+2068><U+2069> gnp.exe"
clean root-title-bidi-banner
tui_keys x
tui_wait "Library: Bidi <U+202E>"
clean root-title-bidi-library
tui_keys q
tui_wait_file exit.txt
grep -qx EXIT=0 exit.txt || fail "root-title-bidi: $(cat exit.txt)"

# 2. Bidi controls in an entry's title, section and author: the row and the reading view
rm -f exit.txt
browse corpus/esc-title-bidi.satchel
tui_wait "Genuine"
tui_keys x
tui_wait "Library"
tui_keys -l "$downs"
tui_wait "Bidi <U+202E>"
clean esc-title-bidi-library
tui_keys Enter
tui_wait "<U+2069>exe.gnp"
tui_wait "Author:  Bidi"
tui_wait "         >exe.gnp end"
clean esc-title-bidi-read
tui_keys q q
tui_wait_file exit.txt

# 3. A body with CSI, OSC, DCS, C1, DEL, BS, CR and invalid UTF-8 (validly signed): shown
# escaped
rm -f exit.txt
browse corpus/esc-body.satchel
tui_wait "Genuine"
tui_keys x
tui_wait "Library"
tui_keys -l "$downs"
tui_keys Enter
tui_wait 'Body \x1b[2J\x1b[H cleared'
tui_wait '\x1b]0;pwned\x07 set the window title'
tui_wait 'item <U+202E>reversed<U+202C>'
clean esc-body-read
# tmux interprets what reaches it: an OSC 0 would have renamed the pane, a CSI 2J cleared it
title=$(tmux -L "$TUI_SOCK" display-message -p -t tui '#{pane_title}')
case "$title" in *pwned*) fail "esc-body: the body's OSC set the pane title" ;; esac
tui_keys End
tui_wait "Links:"
clean esc-body-links
tui_keys q q
tui_wait_file exit.txt
grep -qx EXIT=0 exit.txt || fail "esc-body: $(cat exit.txt)"

# 4. ESC in the (validly signed) bundle title breaks the format: refused, nothing shown
rm -f exit.txt
browse corpus/root-title-esc.satchel
tui_wait_file exit.txt
grep -qx EXIT=3 exit.txt || fail "root-title-esc: $(cat exit.txt), expected 3"
grep -q "NOT GENUINE: this bundle was not opened. Reason: .*control" err.txt ||
    fail "root-title-esc: $(cat err.txt)"
od -An -c err.txt | grep -q '033' && fail "root-title-esc: a raw ESC in the message"
tui_screen | grep -q -e ALERT -e Library -e Genuine && fail "root-title-esc: content shown"
clean root-title-esc

# 5. A damaged cluster: its entry is marked in the library and cannot be opened
rm -f exit.txt
browse corpus/flip-cluster-0.satchel
tui_wait "Genuine"
tui_keys x
tui_wait "Library"
tui_keys -l "$downs"
tui_wait "✗ damaged World grain prices"
tui_keys Enter
tui_wait "This entry is damaged and cannot be opened"
tui_screen | grep -q "Date:    2026-11-03" && fail "flip-cluster-0: the damaged entry was opened"
tui_keys x
tui_wait "Library"
tui_keys q
tui_wait_file exit.txt
grep -qx EXIT=0 exit.txt || fail "flip-cluster-0: $(cat exit.txt)"

# A damaged media entry is found damaged when opened (media are hashed then), and its row
# is marked from then on
mrow=$("$READ" list corpus/flip-media-0.satchel -p good.pub | grep -n '^images-rainfall.png ' |
    cut -d: -f1)
rm -f exit.txt
browse corpus/flip-media-0.satchel
tui_wait "Genuine"
tui_keys x
tui_wait "Library"
tui_keys -l "$(printf '%*s' $((mrow - 1)) '' | tr ' ' j)"
tui_keys Enter
tui_wait "This entry is damaged and cannot be opened"
tui_keys x
tui_wait "image      -     ✗ damaged rainfall.png"
tui_keys q
tui_wait_file exit.txt

# 6. A signed index page that breaks the format: its rows are marked, not opened
rm -f exit.txt
browse corpus/page-title-esc.satchel
tui_wait "Genuine"
tui_keys x
tui_wait "✗ damaged ?"
tui_keys Enter
tui_wait "This entry is damaged and cannot be opened"
clean page-title-esc
tui_keys x q
tui_wait_file exit.txt
echo "t_tui_hostile: ok"
