# Satchel - top-level build.
#   make            build satchel-pack and satchel-read (build/)
#   make demo       install deps, build, pack examples/ with a throw-away key, verify, list, show,
#                   export a web site, stage a drive folder (demo/drive/)
#   make test       install deps, run unit + end-to-end tests, then all again under SAN=1
#   make check      unit + end-to-end tests for the current build flavour (no deps step)
#   make bench      benchmark against tar|zstd + minisign (see bench/); ends with bench-media
#                   unless BENCH_MEDIA=0
#   make bench-media  recovery data, DVD image, USB staging and volumes against par2, xorriso
#                   and cp + sync + b2sum (bench/media.sh; BENCH_MEDIA_MB and more in bench/README.md)
#   make bench-postings  size and speed of the search posting-list codec
#   make search-recall   build/tests/search_recall: search recall against ground truth
#   make install PREFIX=/usr/local
#   make fuzz       libFuzzer targets (clang) in build-fuzz/, each run FUZZ_SECONDS (fuzz/README.md)
#   make static-reader  satchel-read as one static x86-64 executable: build-static/, installed
#                   stripped as $(B)/satchel-read-static (README "A reader with no dependencies")
#   SAN=1           AddressSanitizer + UndefinedBehaviorSanitizer build in build-san/

VERSION    := 0.1.0
PREFIX     ?= /usr/local
CC         ?= cc
PKG_CONFIG ?= pkg-config
PKGS       := libsodium libzstd libarchive libxml-2.0 libutf8proc ncursesw
READER_KEYS ?=

ifeq ($(FUZZ),1)
# libFuzzer build (make fuzz): libraries instrumented, targets linked with -fsanitize=fuzzer
B          ?= build-fuzz
CC         := clang
SANFLAGS   := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
              -fno-omit-frame-pointer
OPT        := -O1 -g
else ifeq ($(SAN),1)
B          ?= build-san
SANFLAGS   := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
OPT        := -O1 -g
else
B          ?= build
SANFLAGS   :=
OPT        := -O2 -g
endif

WARN       := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
              -Wmissing-prototypes -Wformat=2 -Wvla -Wno-unused-parameter
CPPFLAGS   += -D_GNU_SOURCE -DSAT_VERSION='"$(VERSION)"' -Iformats
CFLAGS     ?=
ALL_CFLAGS := -std=c11 $(OPT) $(WARN) $(SANFLAGS) $(CFLAGS) \
              $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
LDLIBS     := -Wl,--as-needed $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lm
TEST_LIBS  := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

LIB_SRC    := $(sort $(wildcard formats/*.c))
PACK_SRC   := $(filter-out packer/main.c,$(sort $(wildcard packer/*.c)))
READ_SRC   := $(filter-out reader/main.c,$(sort $(wildcard reader/*.c)))
TEST_SRC   := $(sort $(wildcard tests/test_*.c))

LIB_OBJ    := $(LIB_SRC:%.c=$(B)/%.o)
PACK_OBJ   := $(PACK_SRC:%.c=$(B)/%.o)
READ_OBJ   := $(READ_SRC:%.c=$(B)/%.o)
TEST_BIN   := $(TEST_SRC:tests/%.c=$(B)/tests/%)

.PHONY: all static-reader demo test check unit e2e bench bench-media bench-postings search-recall install deps format clean fuzz fuzz-build fuzz-replay \
        fuzz-merge
all: $(B)/satchel-pack $(B)/satchel-read

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(B)/libsatchel.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^
$(B)/libpacker.a: $(PACK_OBJ)
	@rm -f $@
	ar rcs $@ $^
$(B)/libreader.a: $(READ_OBJ) $(B)/reader/trusted_keys.o
	@rm -f $@
	ar rcs $@ $^

# Keys compiled into the reader: make READER_KEYS="a.pub b.pub"
$(B)/reader/trusted_keys.c: scripts/embed-keys.sh $(READER_KEYS) FORCE
	@mkdir -p $(dir $@)
	@sh scripts/embed-keys.sh $(READER_KEYS) > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
$(B)/reader/trusted_keys.o: $(B)/reader/trusted_keys.c
	$(CC) $(CPPFLAGS) -Ireader $(ALL_CFLAGS) -c $< -o $@
FORCE:

# stage --export-html runs the reader's web export in-process (packer/drive_content.c)
$(B)/packer/drive_content.o: CPPFLAGS += -Ireader
$(B)/satchel-pack: $(B)/packer/main.o $(B)/libpacker.a $(B)/libreader.a $(B)/libsatchel.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)
$(B)/satchel-read: $(B)/reader/main.o $(B)/libreader.a $(B)/libsatchel.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/%: tests/%.c tests/test_fixture.h $(B)/libpacker.a $(B)/libreader.a $(B)/libsatchel.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Ipacker -Ireader $(ALL_CFLAGS) -o $@ $(filter-out %.h,$^) $(TEST_LIBS) $(LDLIBS)

deps:
	@sh scripts/deps.sh

unit: $(TEST_BIN)
	@fail=0; for t in $(TEST_BIN); do echo "== $$t"; \
	  SATCHEL_TEST_DATA=$(CURDIR)/tests/data $$t || fail=1; done; exit $$fail

e2e: all $(B)/tests/search_recall $(B)/satchel-read-static
	@sh tests/e2e/run.sh $(CURDIR)/$(B)

check: unit e2e fuzz-replay

test: deps
	$(MAKE) check
	$(MAKE) SAN=1 check
	@echo "make test: all unit and end-to-end tests passed (plain and SAN=1)"

demo: deps all $(B)/satchel-read-static
	@sh scripts/demo.sh $(CURDIR)/$(B)

bench: deps all $(B)/tests/search_recall $(B)/bench/bench_search $(B)/satchel-read-static
	@sh bench/run.sh $(CURDIR)/$(B)
	@if [ "$(BENCH_MEDIA)" != 0 ]; then sh bench/media.sh $(CURDIR)/$(B); fi

# The media work of issue 7 (parity, iso, stage, volumes) against par2, xorriso, cp + b2sum
bench-media: deps all $(B)/satchel-read-static
	@sh bench/media.sh $(CURDIR)/$(B)

# Size and speed of the posting-list codec on a synthetic Zipf corpus (bench/bench_postings.c)
bench-postings: $(B)/bench/bench_postings
	$(B)/bench/bench_postings
# bench/bench_*.c: one program each, linked with the library (bench_search: query latency)
$(B)/bench/bench_%: bench/bench_%.c $(B)/libsatchel.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

# Recall of the search against substring ground truth (tests/search_recall.c; not a cmocka
# test: tests/e2e/t_search_recall.sh and bench/run.sh run it)
search-recall: $(B)/tests/search_recall
$(B)/tests/search_recall: tests/search_recall.c $(B)/libsatchel.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

# ---- static reader (make static-reader) ----
# satchel-read as one static executable with no runtime dependencies, for the recipient's
# machine: its own objects in $(SB)/ (no sanitizers in any flavour, -Os, unused sections
# dropped), linked with Debian's static libraries; $(SB)/satchel-read keeps its symbols (the
# e2e test checks them for networking code), $(B)/satchel-read-static is the stripped copy
# that goes on a drive. Only the reader's libraries: libarchive and libxml2 (packer side)
# must not be linked in.
SB            ?= build-static
STATIC_PKGS   := libsodium libzstd libutf8proc ncursesw
STATIC_CFLAGS := -std=c11 -Os $(WARN) -ffunction-sections -fdata-sections $(CFLAGS) \
                 $(shell $(PKG_CONFIG) --cflags $(STATIC_PKGS) 2>/dev/null)
STATIC_LIBS   := $(shell $(PKG_CONFIG) --static --libs $(STATIC_PKGS) 2>/dev/null) -lm
STATIC_LIB_OBJ  := $(LIB_SRC:%.c=$(SB)/%.o)
STATIC_READ_OBJ := $(READ_SRC:%.c=$(SB)/%.o) $(SB)/reader/trusted_keys.o
# one thread only: keeps glibc's resolver out (reader/static/static_threads.c)
STATIC_ONLY_OBJ := $(SB)/reader/static/static_threads.o

static-reader: $(B)/satchel-read-static

$(SB)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(STATIC_CFLAGS) -MMD -MP -c $< -o $@
$(SB)/libsatchel.a: $(STATIC_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^
$(SB)/libreader.a: $(STATIC_READ_OBJ)
	@rm -f $@
	ar rcs $@ $^
$(SB)/reader/trusted_keys.c: scripts/embed-keys.sh $(READER_KEYS) FORCE
	@mkdir -p $(dir $@)
	@sh scripts/embed-keys.sh $(READER_KEYS) > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
$(SB)/reader/trusted_keys.o: $(SB)/reader/trusted_keys.c
	$(CC) $(CPPFLAGS) -Ireader $(STATIC_CFLAGS) -c $< -o $@
$(SB)/satchel-read: $(STATIC_ONLY_OBJ) $(SB)/reader/main.o $(SB)/libreader.a $(SB)/libsatchel.a
	$(CC) $(STATIC_CFLAGS) -static -Wl,--gc-sections -o $@ $^ $(STATIC_LIBS)
$(B)/satchel-read-static: $(SB)/satchel-read
	@mkdir -p $(dir $@)
	strip --strip-all -o $@.tmp $<
	mv $@.tmp $@

# satchel-read-static goes beside satchel-pack: stage and iso put it on the drive from there
install: all $(B)/satchel-read-static
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(B)/satchel-pack $(B)/satchel-read $(B)/satchel-read-static \
	    $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 man/satchel-pack.1 man/satchel-read.1 $(DESTDIR)$(PREFIX)/share/man/man1/

# ---- fuzzing (fuzz/README.md) ----
# Each fuzz/fuzz_<t>.c links with libFuzzer (make fuzz, clang, build-fuzz/) or with
# fuzz/replay_main.c (make check, $(CC)), which replays tests/fuzz/<t>/ and the
# reproducers in tests/data/fuzz-crashes/<t>/.
FUZZ_TARGETS := manifest sig bundle bundle_signed zstd render render_html tui markdown text vtt srt charset feed html \
                archive config token postings query index search parity
FUZZ_SECONDS ?= 60
FUZZ_OBJ     := $(B)/fuzz/fuzz_common.o
REPLAY_BIN   := $(FUZZ_TARGETS:%=$(B)/fuzz/replay_%)
FUZZ_BIN     := $(FUZZ_TARGETS:%=$(B)/fuzz/fuzz_%)

$(B)/fuzz/%.o: CPPFLAGS += -Ipacker -Ireader -DFUZZ_DATA='"$(CURDIR)/tests/data"' \
                           -DFUZZ_DIR='"$(CURDIR)/fuzz"'
$(B)/fuzz/replay_%: $(B)/fuzz/replay_main.o $(B)/fuzz/fuzz_%.o $(FUZZ_OBJ) $(B)/libpacker.a \
                    $(B)/libreader.a $(B)/libsatchel.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)
$(B)/fuzz/fuzz_%: $(B)/fuzz/fuzz_%.o $(FUZZ_OBJ) $(B)/libpacker.a $(B)/libreader.a \
                  $(B)/libsatchel.a
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)
.SECONDARY: $(FUZZ_TARGETS:%=$(B)/fuzz/fuzz_%.o) $(FUZZ_OBJ) $(B)/fuzz/replay_main.o

fuzz-replay: $(REPLAY_BIN)
	@for t in $(FUZZ_TARGETS); do \
	  $(B)/fuzz/replay_$$t tests/fuzz/$$t \
	    $$(ls -d tests/data/fuzz-crashes/$$t 2>/dev/null) || exit 1; done

fuzz:
	$(MAKE) FUZZ=1 fuzz-build
	sh fuzz/seeds.sh build-fuzz/satchel-pack build-fuzz/seeds
	sh fuzz/run.sh build-fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)
fuzz-build: $(FUZZ_BIN) $(B)/satchel-pack
# Minimises every target's corpus (tests/fuzz/<t> + build-fuzz/corpus/<t>) into tests/fuzz/<t>.
fuzz-merge:
	$(MAKE) FUZZ=1 fuzz-build
	sh fuzz/run.sh --merge build-fuzz $(FUZZ_TARGETS)

format:
	clang-format -i formats/*.[ch] packer/*.[ch] reader/*.[ch] tests/*.c fuzz/*.[ch]

clean:
	rm -rf build build-san build-fuzz $(SB)

-include $(shell find $(B) $(SB) -name '*.d' 2>/dev/null)
