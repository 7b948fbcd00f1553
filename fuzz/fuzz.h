/*
 * fuzz.h - shared pieces of the libFuzzer targets in fuzz/ (see fuzz/README.md).
 *
 * Each fuzz_<name>.c defines LLVMFuzzerTestOneInput. The same object links either
 * with libFuzzer (make fuzz, clang) or with fuzz/replay_main.c (make check, any C
 * compiler), which feeds it the committed corpus and the crash reproducers.
 *
 * A harness calls fuzz_fail() when an oracle does not hold: it prints what broke
 * and aborts, which libFuzzer reports as a crash and the replay as a failure.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "pack_input.h"
#include "sat_bundle.h"
#include "sat_sig.h"
#include "sat_text.h"

/* The libFuzzer entry point every target defines. Returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Prints "fuzz oracle failed: <message>" to stderr and aborts. */
void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Sets a UTF-8 LC_CTYPE once, as satchel-read runs (so wcwidth(3) measures), and returns
 * a NUL-terminated copy of data[0..size) for the caller to free (NULL when out of memory). */
char *fuzz_terminal_text(const uint8_t *data, size_t size);

/* Fails (fuzz_fail, naming what) unless out holds valid UTF-8 with no terminal control
 * (ESC, any other C0 but LF, DEL, C1, a bidi control: the harness's own list, not the
 * library's) and no line wider than width columns (sat_text_width). */
void fuzz_check_terminal(const sat_buf *out, size_t width, const char *what);

/* The fixed test key pair (tests/data/fuzz-key.pub / .key), loaded once; aborts if the
 * files are missing or broken (the harness cannot do anything useful without them). */
const sat_pubkey *fuzz_pubkey(void);
const sat_seckey *fuzz_seckey(void);

/* A path naming a file that holds exactly data[0..size): a memfd created once per
 * process (ftruncate + pwrite per call), opened by its /proc/self/fd path. The path
 * stays valid until the next call. Aborts on a system error. */
const char *fuzz_memfd_path(const uint8_t *data, size_t size);

/* Like fuzz_memfd_path, but a real regular file under /dev/shm or /tmp (created once,
 * removed at exit), for loaders that refuse symbolic links (O_NOFOLLOW). */
const char *fuzz_tmpfile_path(const uint8_t *data, size_t size);

/* Opens the bundle held in data with the fixed test public key and walks everything a
 * reader can reach: deep verify, every entry (sat_bundle_entry + sat_bundle_read, then
 * sat_bundle_find by its id), page forgetting, lookups of absent ids. Oracles: an entry
 * found by index is found again by id, a read returns exactly the entry's size, and a
 * bundle that opened and verified with no problem reads every entry back, and damage
 * counted is damage reported. */
void fuzz_bundle_walk(const uint8_t *data, size_t size);

/* Oracle for a parsed document: the body is valid UTF-8 without NUL and ends with "\n",
 * id and title are set and the metadata passes sat_meta_check. Aborts otherwise. */
void fuzz_pack_doc_check(const char *relpath, const pack_doc *doc);

/* Runs one packer input parser on data with the given relative path. Oracle: on
 * success the body is valid UTF-8 without NUL and ends with "\n", id and title are
 * set and the metadata passes sat_meta_check. */
typedef int (*fuzz_pack_parser)(const char *relpath, const char *data, size_t len,
                                pack_doc *doc, sat_err *err);
void fuzz_pack_parse(fuzz_pack_parser parse, const char *relpath, const uint8_t *data,
                     size_t size);

#endif
