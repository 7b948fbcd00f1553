#!/bin/sh
# Installs the Debian packages Satchel builds and tests with, when they are missing.
# Needs root on Debian (or Ubuntu). Prints what it would need otherwise.
set -eu

# build: compiler, pkg-config, the libraries (libxml2 and utf8proc for the packer's HTML,
# feed and Unicode NFC input); tests: cmocka, and the stock tools
# the interop and end-to-end tests drive (minisign, GNU tar, bsdtar, zstd, b2sum from
# coreutils, python3 to validate JSON, script from bsdutils, GNU time for the bench);
# make fuzz: clang with its libFuzzer and sanitizer runtimes; make bench: zim-tools
# (zimwriterfs, the tool the packer is compared with) and kiwix-tools (kiwix-search and
# kiwix-serve, whose search the bench compares with Satchel's); the reader's terminal
# interface: ncursesw, and tmux and strace to drive and watch it in tests; the web export:
# chromium (headless, in tests) and fonts-noto-cjk so its screenshots show Korean; the drive
# and disc tests: xorriso (reads ISO images back), dosfstools and mtools (FAT32 images) and
# fusefat (mounts a FAT32 image without a kernel driver, as a stick stand-in); file (the static
# reader test checks the executable's kind with it); make bench-media: par2 (par2cmdline, the
# recovery-data tool Satchel's parity files are compared with).
PKGS="build-essential pkg-config libsodium-dev libzstd-dev libarchive-dev libcmocka-dev
libxml2-dev libutf8proc-dev libncurses-dev tmux strace chromium fonts-noto-cjk
xorriso dosfstools mtools fusefat
zim-tools kiwix-tools par2
zstd minisign libarchive-tools tar coreutils bsdutils python3 time file
clang libclang-rt-dev"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1 || [ ! -f /etc/debian_version ]; then
    echo "deps: this is not a Debian system; install these packages by hand:$missing" >&2
    exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "deps: missing packages:$missing" >&2
    echo "deps: run as root (or: sudo apt-get install$missing)" >&2
    exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || { echo "deps: apt-get update failed (no network or mirror?)" >&2; exit 1; }
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
    { echo "deps: apt-get install$missing failed" >&2; exit 1; }
