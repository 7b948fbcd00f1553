/*
 * replay_main.c - runs a fuzz target without libFuzzer: feeds every file of the
 * given folders (or the given files) to LLVMFuzzerTestOneInput, in name order.
 * `make check` builds one replay program per target with the normal compiler and
 * runs it on tests/fuzz/<target>/ and tests/data/fuzz-crashes/<target>/, so every
 * corpus input and every crash reproducer runs in the plain and the SAN=1 build.
 *
 *   replay_<target> DIR_OR_FILE...
 *
 * Exit 0 when every input ran (an oracle failure or a sanitizer report aborts),
 * 1 when a folder or file cannot be read, 2 on usage errors. Names starting with
 * '.' are skipped (.gitkeep).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Largest input replayed (libFuzzer's corpora stay far below). */
#define REPLAY_MAX ((size_t)64 << 20)

static int replay_file(const char *path, size_t *count)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0;
    int rc = 0;

    if (f == NULL) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return 1;
    }
    for (;;) {
        size_t got;
        if (len == cap) {
            uint8_t *nb;
            cap = cap ? cap * 2 : 65536;
            if (cap > REPLAY_MAX) {
                fprintf(stderr, "replay: %s: larger than %zu bytes\n", path, REPLAY_MAX);
                rc = 1;
                goto out;
            }
            nb = realloc(buf, cap);
            if (nb == NULL) {
                fprintf(stderr, "replay: %s: out of memory\n", path);
                rc = 1;
                goto out;
            }
            buf = nb;
        }
        got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        fprintf(stderr, "replay: %s: read error\n", path);
        rc = 1;
        goto out;
    }
    /* an exact-size copy, so that ASan sees reads past the input's end */
    {
        uint8_t *exact = malloc(len ? len : 1);
        if (exact == NULL) {
            rc = 1;
            goto out;
        }
        memcpy(exact, buf, len);
        LLVMFuzzerTestOneInput(exact, len);
        free(exact);
    }
    (*count)++;
out:
    free(buf);
    fclose(f);
    return rc;
}

static int replay_path(const char *path, size_t *count)
{
    struct dirent **names = NULL;
    struct stat st;
    int n, i, rc = 0;

    if (stat(path, &st) != 0) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return 1;
    }
    if (!S_ISDIR(st.st_mode))
        return replay_file(path, count);
    n = scandir(path, &names, NULL, alphasort);
    if (n < 0) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return 1;
    }
    for (i = 0; i < n; i++) {
        char full[4096];
        if (rc == 0 && names[i]->d_name[0] != '.') {
            if ((size_t)snprintf(full, sizeof full, "%s/%s", path, names[i]->d_name) >=
                sizeof full) {
                fprintf(stderr, "replay: %s/%s: path too long\n", path, names[i]->d_name);
                rc = 1;
            } else {
                rc = replay_file(full, count);
            }
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    size_t count = 0;
    int i, rc = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: %s DIR_OR_FILE...\n", argv[0]);
        return 2;
    }
    for (i = 1; i < argc && rc == 0; i++)
        rc = replay_path(argv[i], &count);
    if (rc == 0)
        printf("%s: %zu inputs replayed\n", argv[0], count);
    return rc;
}
