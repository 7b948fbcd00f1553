# No traces: a scripted browse session (banner, library, filter, search as you type,
# reading, scrolling, help, resize, quit) runs under strace, and the log must show that
# nothing was created, opened for writing, truncated, renamed, unlinked, linked,
# chmod-ed, chown-ed, touched or mkdir-ed anywhere, and that every write went to the
# terminal (the standard descriptors). The checker is first shown to catch such calls.
. "$E2E_LIB"
. "$(dirname "$E2E_LIB")/tui_lib.sh"

cat > notrace.py <<'PY'
"""Reads an `strace -f -e trace=%file,%desc` log; exits 1 naming every call that
changes a file or writes anywhere but the terminal."""
import re, sys

CHANGE = {"creat", "rename", "renameat", "renameat2", "link", "linkat", "symlink", "symlinkat",
          "unlink", "unlinkat", "rmdir", "mkdir", "mkdirat", "mknod", "mknodat", "chmod",
          "fchmod", "fchmodat", "fchmodat2", "chown", "fchown", "lchown", "fchownat",
          "truncate", "ftruncate", "utime", "utimes", "utimensat", "futimesat", "setxattr",
          "lsetxattr", "fsetxattr", "removexattr", "lremovexattr", "fremovexattr",
          "fallocate", "open_by_handle_at", "swapon", "acct", "mount", "umount2"}
WRITE = {"write", "pwrite64", "writev", "pwritev", "pwritev2", "sendfile", "sendfile64",
         "copy_file_range", "splice", "tee", "vmsplice", "sendto", "sendmsg", "sendmmsg"}
OPEN = {"open", "openat", "openat2"}
WRITE_FLAGS = ("O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND", "O_TMPFILE")
TTY = re.compile(r'"(/dev/tty|/dev/pts/[0-9]+)"')

allowed = {0, 1, 2}  # the terminal the session runs on
bad, writes, opened_bundle = [], 0, False
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    m = re.match(r"\s*(?:\d+\s+)?(?:<\.\.\. )?(\w+)(?:\(| resumed>)(.*)", line)
    if not m:
        continue
    name, rest = m.group(1), m.group(2)
    ret = re.search(r"\)\s+=\s+(-?\d+)", line)
    ret = int(ret.group(1)) if ret else None
    if name in CHANGE:
        bad.append(line.strip())
    elif name in OPEN:
        flags = rest.split(",")
        if any(f in rest for f in WRITE_FLAGS):
            if TTY.search(rest) and "O_CREAT" not in rest and "O_TRUNC" not in rest:
                if ret is not None and ret >= 0:
                    allowed.add(ret)
            else:
                bad.append(line.strip())
        if sys.argv[2] in rest and ret is not None and ret >= 0:
            opened_bundle = True
    elif name in ("dup", "dup2", "dup3") or (name == "fcntl" and "F_DUPFD" in rest):
        src = re.match(r"\s*(\d+)", rest)
        if src and int(src.group(1)) in allowed and ret is not None and ret >= 0:
            allowed.add(ret)
    elif name in WRITE and "resumed>" not in line.split(name, 1)[1][:9]:
        fd = re.match(r"\s*(\d+)", rest)
        if fd is None or int(fd.group(1)) not in allowed:
            bad.append(line.strip())
        else:
            writes += 1
    elif name == "close":
        fd = re.match(r"\s*(\d+)", rest)
        if fd and int(fd.group(1)) > 2:
            allowed.discard(int(fd.group(1)))
for b in bad:
    print("TRACE LEFT: " + b[:300], file=sys.stderr)
if not opened_bundle:
    print("the log does not show the bundle being opened", file=sys.stderr)
if writes < int(sys.argv[3]):
    print("only %d writes to the terminal: the session did not run" % writes, file=sys.stderr)
sys.exit(1 if bad or not opened_bundle or writes < int(sys.argv[3]) else 0)
PY

# The checker catches what it is for (lines as strace -f writes them).
good='123 openat(AT_FDCWD, "d.satchel", O_RDONLY|O_CLOEXEC) = 3
123 pread64(3, "x", 1, 0) = 1
123 write(1, "\33[H", 3) = 3
123 openat(AT_FDCWD, "/dev/tty", O_RDWR) = 4
123 write(4, "x", 1) = 1
123 dup(1) = 5
123 write(5, "y", 1) = 1'
printf '%s\n' "$good" > ok.log
python3 notrace.py ok.log d.satchel 3 || fail "notrace.py rejects a clean log"
for evil in \
    '123 openat(AT_FDCWD, "/home/u/.satchel_history", O_WRONLY|O_CREAT|O_APPEND, 0600) = 6' \
    '123 openat(AT_FDCWD, "/tmp", O_RDWR|O_TMPFILE, 0600) = 6' \
    '123 open("/home/u/.cache/x", O_RDONLY|O_CREAT, 0666) = 6' \
    '123 write(3, "x", 1) = 1' \
    '123 pwrite64(7, "x", 1, 0) = 1' \
    '123 rename("/home/u/a", "/home/u/b") = 0' \
    '123 unlinkat(AT_FDCWD, "/tmp/x", 0) = 0' \
    '123 mkdir("/home/u/.satchel", 0700) = 0' \
    '123 chmod("/home/u/x", 0600) = 0' \
    '123 ftruncate(3, 0) = 0' \
    '123 linkat(AT_FDCWD, "a", AT_FDCWD, "b", 0) = 0' \
    '123 utimensat(AT_FDCWD, "d.satchel", NULL, 0) = 0' \
    '123 creat("/tmp/x", 0644) = 6'; do
    printf '%s\n%s\n' "$good" "$evil" > bad.log
    python3 notrace.py bad.log d.satchel 3 2>/dev/null && fail "notrace.py misses: $evil"
done
# a write through a closed-and-reused terminal descriptor number is caught too
printf '%s\n123 close(4) = 0\n123 openat(AT_FDCWD, "notes.txt", O_RDONLY) = 4\n123 write(4, "x", 1) = 1\n' \
    "$good" > bad.log
python3 notrace.py bad.log d.satchel 3 2>/dev/null && fail "notrace.py misses a write to a reused fd"

keygen demo
demo_bundle d.satchel
mkdir home
touch stamp
sleep 1
# LeakSanitizer (SAN=1) stops the world with ptrace, which fails under strace: off here
tui_start "env HOME=$T/home ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
$TUI_ENV strace -f -e trace=%file,%desc -o $T/strace.log $READ browse d.satchel -p demo.pub \
--lang ko; echo EXIT=\$? > exit.txt; sleep 600"
tui_wait "진본입니다"
tui_keys x
tui_wait "목록: Satchel demo"
tui_keys Down Down PageDown PageUp
tui_keys t
tui_wait "[종류: 기사]"
tui_keys c
tui_keys /
tui_wait "찾기:"
tui_keys -l '평양'
tui_wait "건 찾음"
tui_keys Down Enter
tui_wait "줄"
tui_keys Space Down Down End Home
tui_keys L
tui_wait "연결이 없습니다"
tui_keys x
tui_keys '?'
tui_wait "도움말"
tmux -L "$TUI_SOCK" resize-window -t tui -x 70 -y 20
tui_keys q q
tui_wait "찾기: 평양"
tui_keys Escape
tui_wait "Enter 읽기"
tui_keys Enter
tui_wait "줄"
tui_keys q q
tui_wait_file exit.txt
grep -qx EXIT=0 exit.txt || fail "the session ended with $(cat exit.txt)"
python3 notrace.py strace.log d.satchel 50 || fail "browsing left traces (strace.log above)"
# and on the disk: nothing new in the home folder or the work folder
new=$(find "$T/home" "$T" -newer stamp ! -name strace.log ! -name exit.txt ! -path "$T" \
    ! -path "$T/home" -print)
[ -z "$new" ] || fail "files changed while browsing: $new"
echo "t_tui_notrace: ok"
