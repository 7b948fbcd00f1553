/*
 * fuzz_common.c - helpers shared by the fuzz targets: the fixed test keys, files
 * that hold the current input, the bundle walk and the packer parser oracle.
 */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "sat_text.h"

#ifndef FUZZ_DATA
#error "FUZZ_DATA must name the tests/data folder (set by the Makefile)"
#endif

/* Most entries walked per input: bounds the time one input can take. */
#define FUZZ_WALK_MAX 2048

void fuzz_fail(const char *fmt, ...)
{
    va_list ap;

    fputs("fuzz oracle failed: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

/* ------------------------------------------------------------------------
 * The fixed test key pair
 * ------------------------------------------------------------------------ */

static sat_pubkey fuzz_pk;
static sat_seckey *fuzz_sk;
static int fuzz_pk_loaded;

static void fuzz_free_seckey(void)
{
    sat_seckey_free(fuzz_sk);
    fuzz_sk = NULL;
}

const sat_pubkey *fuzz_pubkey(void)
{
    sat_err err;

    if (!fuzz_pk_loaded) {
        if (sat_pubkey_load(&fuzz_pk, FUZZ_DATA "/fuzz-key.pub", &err) != 0)
            fuzz_fail("cannot load the fuzz public key: %s", err.msg);
        fuzz_pk_loaded = 1;
    }
    return &fuzz_pk;
}

const sat_seckey *fuzz_seckey(void)
{
    sat_pubkey pk;
    sat_err err;

    if (fuzz_sk == NULL) {
        if (sat_seckey_load(&fuzz_sk, FUZZ_DATA "/fuzz-key.key", NULL, NULL, &err) != 0)
            fuzz_fail("cannot load the fuzz secret key: %s", err.msg);
        sat_seckey_pubkey(fuzz_sk, &pk);
        if (memcmp(&pk, fuzz_pubkey(), sizeof pk) != 0)
            fuzz_fail("fuzz-key.key and fuzz-key.pub are not one pair");
        atexit(fuzz_free_seckey);
    }
    return fuzz_sk;
}

/* ------------------------------------------------------------------------
 * Files holding the input
 * ------------------------------------------------------------------------ */

/* Replaces the whole content of fd with data[0..size). */
static void fuzz_fill_fd(int fd, const uint8_t *data, size_t size)
{
    size_t done = 0;

    if (ftruncate(fd, 0) != 0 || ftruncate(fd, (off_t)size) != 0)
        fuzz_fail("ftruncate: %s", strerror(errno));
    while (done < size) {
        ssize_t w = pwrite(fd, data + done, size - done, (off_t)done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            fuzz_fail("pwrite: %s", strerror(errno));
        done += (size_t)w;
    }
}

const char *fuzz_memfd_path(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64];

    if (fd < 0) {
        fd = memfd_create("satchel-fuzz", MFD_CLOEXEC);
        if (fd < 0)
            fuzz_fail("memfd_create: %s", strerror(errno));
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    fuzz_fill_fd(fd, data, size);
    return path;
}

static char fuzz_tmp_name[64];

static void fuzz_tmp_remove(void)
{
    if (fuzz_tmp_name[0] != '\0')
        unlink(fuzz_tmp_name);
}

const char *fuzz_tmpfile_path(const uint8_t *data, size_t size)
{
    static int fd = -1;

    if (fd < 0) {
        const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        snprintf(fuzz_tmp_name, sizeof fuzz_tmp_name, "%s/satchel-fuzz-XXXXXX", dir);
        fd = mkstemp(fuzz_tmp_name);
        if (fd < 0)
            fuzz_fail("mkstemp %s: %s", fuzz_tmp_name, strerror(errno));
        atexit(fuzz_tmp_remove);
    }
    fuzz_fill_fd(fd, data, size);
    return fuzz_tmp_name;
}

/* ------------------------------------------------------------------------
 * Bundle walk
 * ------------------------------------------------------------------------ */

static void fuzz_count_problem(void *ctx, const sat_mentry *e, const char *msg)
{
    size_t *n = ctx;

    if (msg == NULL || msg[0] == '\0')
        fuzz_fail("verify reported a problem without a message");
    (*n)++;
}

/* Reads entry e (index i) and checks what the API promises about it. */
static void fuzz_walk_entry(sat_bundle *b, const sat_mentry *e, uint64_t i, int clean)
{
    const sat_mentry *again = NULL;
    char *body = NULL;
    size_t len = 0;
    sat_err err;
    int rc;

    rc = sat_bundle_read(b, e, &body, &len, &err);
    if (rc == 0) {
        if (len != e->size || body[len] != '\0')
            fuzz_fail("entry %llu: read %zu bytes, the manifest says %llu", (unsigned long long)i,
                      len, (unsigned long long)e->size);
        free(body);
    } else if (clean && rc != SAT_E_LIMIT && rc != SAT_E_NOMEM) {
        fuzz_fail("entry %llu (%s): deep verify found no problem but read failed: %s",
                  (unsigned long long)i, e->id, err.msg);
    }
    rc = sat_bundle_find(b, e->id, &again, &err);
    if (rc != 0 || again == NULL || strcmp(again->id, e->id) != 0)
        fuzz_fail("entry %llu (%s) found by index but not by id: %s", (unsigned long long)i, e->id,
                  rc != 0 ? err.msg : "other entry");
}

void fuzz_bundle_walk(const uint8_t *data, size_t size)
{
    sat_bundle *b = NULL;
    const sat_mentry *e = NULL;
    size_t n_bad = 0, n_told = 0;
    uint64_t i, n;
    sat_err err;
    int verified;

    if (sat_bundle_open(fuzz_memfd_path(data, size), fuzz_pubkey(), 1, &b, &err) != 0)
        return;
    verified = sat_bundle_verify(b, 1, fuzz_count_problem, &n_told, &n_bad, NULL, NULL, &err) == 0;
    /* a damaged index page counts all its entries but is one report */
    if (verified && n_bad > 0 && n_told == 0)
        fuzz_fail("verify counted %zu damaged entries but reported none", n_bad);
    n = sat_bundle_count(b);
    for (i = 0; i < n && i < FUZZ_WALK_MAX; i++) {
        if (sat_bundle_entry(b, i, &e, &err) != 0) {
            if (verified && n_bad == 0 && n_told == 0)
                fuzz_fail("entry %llu: verify found no problem but its page fails: %s",
                          (unsigned long long)i, err.msg);
            continue;
        }
        fuzz_walk_entry(b, e, i, verified && n_bad == 0 && n_told == 0);
    }
    sat_bundle_forget_pages(b);
    (void)sat_bundle_find(b, "", &e, &err);
    (void)sat_bundle_find(b, "zzzzzzzz-not-an-entry", &e, &err);
    if (n > 0 && sat_bundle_entry(b, n - 1, &e, &err) == 0) {
        int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
        if (fd >= 0) {
            (void)sat_bundle_copy(b, e, fd, &err);
            close(fd);
        }
    }
    sat_bundle_close(b);
}

/* ------------------------------------------------------------------------
 * Packer parsers
 * ------------------------------------------------------------------------ */

void fuzz_pack_doc_check(const char *relpath, const pack_doc *doc)
{
    sat_err err;
    size_t bad = 0;

    if (doc->body == NULL || doc->body_len == 0 || doc->body[doc->body_len - 1] != '\n')
        fuzz_fail("%s: body does not end with a newline", relpath);
    if (!sat_utf8_valid(doc->body, doc->body_len, &bad))
        fuzz_fail("%s: body is not UTF-8 (byte %zu)", relpath, bad);
    if (memchr(doc->body, '\0', doc->body_len) != NULL)
        fuzz_fail("%s: body holds a NUL byte", relpath);
    if (doc->meta.id == NULL || doc->meta.title == NULL)
        fuzz_fail("%s: parsed without an id or a title", relpath);
    if (sat_meta_check(&doc->meta, &err) != 0)
        fuzz_fail("%s: parsed metadata the writer refuses: %s", relpath, err.msg);
}

void fuzz_pack_parse(fuzz_pack_parser parse, const char *relpath, const uint8_t *data, size_t size)
{
    pack_doc doc;
    sat_err err;

    memset(&doc, 0, sizeof doc);
    if (parse(relpath, (const char *)data, size, &doc, &err) != 0)
        return;
    fuzz_pack_doc_check(relpath, &doc);
    pack_doc_free(&doc);
}

/* The harness's own list of what must never reach a terminal (see render_term.h). */
static int fuzz_is_control(uint32_t cp)
{
    return (cp < 0x20 && cp != '\n') || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C ||
           cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069) || (cp >= 0xFFF9 && cp <= 0xFFFB);
}

void fuzz_check_terminal(const sat_buf *out, size_t width, const char *what)
{
    size_t i = 0, line_start = 0, bad = 0;
    uint32_t cp;

    if (out->len == 0)
        return;
    if (!sat_utf8_valid(out->data, out->len, &bad))
        fuzz_fail("%s: output is not UTF-8 at byte %zu", what, bad);
    while (i <= out->len) {
        size_t n = 1;
        if (i == out->len || out->data[i] == '\n') {
            size_t w = sat_text_width(out->data + line_start, i - line_start);
            if (w > width)
                fuzz_fail("%s: line at byte %zu is %zu columns wide, the width is %zu", what,
                          line_start, w, width);
            line_start = i + 1;
        } else {
            n = sat_utf8_decode(out->data + i, out->len - i, &cp);
            if (fuzz_is_control(cp))
                fuzz_fail("%s: code point U+%04X reaches the terminal at byte %zu", what,
                          (unsigned)cp, i);
        }
        i += n;
    }
}

char *fuzz_terminal_text(const uint8_t *data, size_t size)
{
    static int locale_set;
    char *text;

    if (!locale_set) {
        setlocale(LC_CTYPE, "C.UTF-8");
        locale_set = 1;
    }
    text = malloc(size + 1);
    if (text == NULL)
        return NULL;
    memcpy(text, data, size);
    text[size] = '\0';
    return text;
}
