/*
 * fuzz_archive.c - the packer's archive reader (pack_archive_read_memory: libarchive's
 * zip, tar, 7z readers and gzip/bzip2/xz/lzma/zstd filters) on fuzzer bytes, with small
 * limits, once strict and once with skip_bad.
 * Oracles: every file taken has a clean relative name (valid UTF-8, no control or bidi
 * character, no empty, ".", ".." or hidden component, no backslash, not absolute), names
 * are strictly ascending (sorted, unique) and no name is a folder of another; data is
 * NUL-terminated and within the limits; a strict read that succeeds gives the same files
 * with skip_bad and skips nothing.
 */
#include <string.h>

#include "fuzz.h"
#include "pack_archive.h"
#include "sat_text.h"

static void check_name(const char *n)
{
    size_t len = strlen(n), i = 0;

    if (len == 0 || len > PACK_ARCHIVE_NAME_MAX || !sat_utf8_valid(n, len, NULL))
        fuzz_fail("bad name length or UTF-8: '%s'", n);
    if (n[0] == '/' || strchr(n, '\\') != NULL)
        fuzz_fail("absolute name or backslash: '%s'", n);
    while (i < len) {
        uint32_t cp;
        size_t step = sat_utf8_decode(n + i, len - i, &cp);
        if (sat_cp_is_dangerous(cp))
            fuzz_fail("control character in '%s'", n);
        i += step;
    }
    for (const char *c = n; c != NULL;) {
        const char *end = strchr(c, '/');
        size_t cl = end != NULL ? (size_t)(end - c) : strlen(c);
        if (cl == 0 || c[0] == '.' || (cl == 8 && memcmp(c, "__MACOSX", 8) == 0))
            fuzz_fail("empty, dot or hidden component in '%s'", n);
        c = end != NULL ? end + 1 : NULL;
    }
}

static void check(const pack_archive *a, const pack_archive_limits *lim)
{
    uint64_t total = 0;

    for (size_t i = 0; i < a->n_files; i++) {
        const pack_archive_file *f = &a->files[i];
        check_name(f->relpath);
        if (f->data == NULL || f->data[f->len] != '\0' || f->len > lim->entry_max)
            fuzz_fail("data of '%s' not terminated or over the entry limit", f->relpath);
        total += f->len;
        if (i > 0) {
            const char *p = a->files[i - 1].relpath;
            if (strcmp(p, f->relpath) >= 0)
                fuzz_fail("names not strictly ascending: '%s', '%s'", p, f->relpath);
        }
    }
    /* no file's folder is a file: look every folder prefix up (names are sorted) */
    for (size_t i = 0; i < a->n_files; i++) {
        const char *n = a->files[i].relpath;
        for (const char *s = strchr(n, '/'); s != NULL; s = strchr(s + 1, '/')) {
            size_t lo = 0, hi = a->n_files, k = (size_t)(s - n);
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (strncmp(a->files[mid].relpath, n, k) < 0)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            /* lo: the first name >= the folder's name */
            if (lo < a->n_files && strncmp(a->files[lo].relpath, n, k) == 0 &&
                a->files[lo].relpath[k] == '\0')
                fuzz_fail("'%.*s' is a file and a folder", (int)k, n);
        }
    }
    if (total > lim->total_max || a->n_files > lim->files_max)
        fuzz_fail("over the total or count limit");
    for (size_t i = 0; i < a->n_skipped; i++)
        if (a->skipped[i].relpath == NULL || a->skipped[i].reason == NULL)
            fuzz_fail("skip without a name or reason");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pack_archive_limits lim = {(size_t)1 << 20, (uint64_t)4 << 20, 512};
    pack_archive *strict = NULL, *lax = NULL;
    sat_err err;
    int rs, rl;

    rs = pack_archive_read_memory("fuzz.zip", data, size, &lim, 0, &strict, &err);
    rl = pack_archive_read_memory("fuzz.zip", data, size, &lim, 1, &lax, &err);
    if (strict != NULL)
        check(strict, &lim);
    if (lax != NULL)
        check(lax, &lim);
    if (rs == 0) {
        if (rl != 0 || lax->n_skipped != 0 || lax->n_files != strict->n_files)
            fuzz_fail("strict read succeeded, skip_bad read differs");
        for (size_t i = 0; i < strict->n_files; i++)
            if (strcmp(strict->files[i].relpath, lax->files[i].relpath) != 0 ||
                strict->files[i].len != lax->files[i].len ||
                memcmp(strict->files[i].data, lax->files[i].data, strict->files[i].len) != 0)
                fuzz_fail("strict and skip_bad reads differ at '%s'", strict->files[i].relpath);
    }
    pack_archive_free(strict);
    pack_archive_free(lax);
    return 0;
}
