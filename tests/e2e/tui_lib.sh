# Helpers for the terminal interface's end-to-end tests (t_tui*.sh), sourced after
# lib.sh: a private tmux server (socket satchel-test-PID, no user configuration) with one
# 80x24 window, killed on exit (one server per tui_start); polling the screen until text appears (never fixed
# sleeps), so the slower SAN=1 binary passes too.
#   tui_start CMD       runs the shell command CMD in the window (cwd $T)
#   tui_keys KEY...     tmux send-keys (names like Enter, Down, F12, C-x; -l for text)
#   tui_screen          the visible text; tui_screen_e: with attributes (capture-pane -e)
#   tui_wait TEXT [S]   waits (S seconds, default $TUI_TIMEOUT) until TEXT is on screen
#   tui_wait_file F     waits until file F exists and is not empty
#   tui_check_width W   fails if a screen line is wider than W columns (display width)

TUI_N=0
TUI_SOCK="satchel-test-$$-0"
TUI_TIMEOUT=${TUI_TIMEOUT:-20}
# a UTF-8 locale every Debian system has; the interface language comes from --lang
TUI_ENV="env LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE= TERM=screen"

tui_cleanup() {
    tmux -L "$TUI_SOCK" kill-server 2>/dev/null || true
    # the server leaves its socket file behind
    rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$TUI_SOCK"
}
trap tui_cleanup EXIT INT TERM

tui_start() {
    # a fresh server (socket) for every session: no race with the last one's shutdown
    tui_cleanup
    TUI_N=$((TUI_N + 1))
    TUI_SOCK="satchel-test-$$-$TUI_N"
    tmux -L "$TUI_SOCK" -f /dev/null new-session -d -x 80 -y 24 -s tui -c "$T" "$1"
    tmux -L "$TUI_SOCK" set-option -g remain-on-exit on >/dev/null
}

tui_keys() {
    tmux -L "$TUI_SOCK" send-keys -t tui "$@"
}

tui_screen() {
    tmux -L "$TUI_SOCK" capture-pane -p -t tui
}

tui_screen_e() {
    tmux -L "$TUI_SOCK" capture-pane -p -e -t tui
}

tui_wait() {
    _want=$1
    _limit=$(( ${2:-$TUI_TIMEOUT} * 10 ))
    _i=0
    while [ "$_i" -lt "$_limit" ]; do
        if tui_screen | grep -qF -- "$_want"; then
            return 0
        fi
        sleep 0.1
        _i=$((_i + 1))
    done
    echo "--- screen:" >&2
    tui_screen >&2 || true
    fail "waited ${2:-$TUI_TIMEOUT}s for '$_want' on the screen"
}

tui_wait_file() {
    _limit=$(( ${2:-$TUI_TIMEOUT} * 10 ))
    _i=0
    while [ "$_i" -lt "$_limit" ]; do
        [ -s "$1" ] && return 0
        sleep 0.1
        _i=$((_i + 1))
    done
    echo "--- screen:" >&2
    tui_screen >&2 || true
    fail "waited ${2:-$TUI_TIMEOUT}s for $1"
}

tui_check_width() {
    tui_screen > "$T/screen.txt"
    python3 - "$1" "$T/screen.txt" <<'PY' || fail "a screen line is wider than $1 columns"
import sys, unicodedata
limit = int(sys.argv[1])
def width(s):
    w = 0
    for ch in s:
        if unicodedata.combining(ch):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return w
bad = [l for l in open(sys.argv[2], encoding="utf-8").read().split("\n") if width(l) > limit]
for l in bad:
    print("too wide (%d): %s" % (width(l), l), file=sys.stderr)
sys.exit(1 if bad else 0)
PY
}
