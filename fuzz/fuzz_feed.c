/*
 * fuzz_feed.c - the packer's feed reader (pack_feed_parse: RSS and Atom, through the
 * HTML fragment converter) on fuzzer bytes.
 * Oracles: on success there is at least one and at most 10,000 articles, each passes
 * fuzz_pack_doc_check, item numbers in relpaths rise strictly, ids are distinct, and
 * every skip names its item and has a UTF-8 reason; on failure nothing is returned.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sat_text.h"

#define FEED_PATH "fuzz/2026-11-20-feed.xml"

static int id_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pack_doc *docs = NULL;
    pack_skip *skips = NULL;
    size_t n = 0, ns = 0, i, last = 0, bad = 0;
    const size_t pre = sizeof FEED_PATH; /* "fuzz/...xml#" */
    char **ids;
    sat_err err;

    if (pack_feed_parse(FEED_PATH, (const char *)data, size, NULL, NULL, &docs, &n, &skips, &ns,
                        &err) != 0) {
        if (docs != NULL || skips != NULL || n != 0 || ns != 0)
            fuzz_fail("a failed parse returned articles or skips: %s", err.msg);
        return 0;
    }
    if (n == 0 || n > 10000)
        fuzz_fail("parsed %zu articles", n);
    ids = malloc(n * sizeof *ids);
    if (ids == NULL)
        abort();
    for (i = 0; i < n; i++) {
        const char *rel = docs[i].relpath;
        size_t no;
        fuzz_pack_doc_check(FEED_PATH, &docs[i]);
        if (rel == NULL || strncmp(rel, FEED_PATH "#", pre) != 0)
            fuzz_fail("article %zu has relpath %s", i, rel != NULL ? rel : "(null)");
        no = strtoul(rel + pre, NULL, 10);
        if (no <= last)
            fuzz_fail("item numbers do not rise: %s after #%zu", rel, last);
        last = no;
        ids[i] = docs[i].meta.id;
    }
    qsort(ids, n, sizeof *ids, id_cmp);
    for (i = 1; i < n; i++)
        if (strcmp(ids[i - 1], ids[i]) == 0)
            fuzz_fail("two articles with id %s", ids[i]);
    free(ids);
    for (i = 0; i < ns; i++) {
        if (skips[i].relpath == NULL || skips[i].reason == NULL ||
            strncmp(skips[i].relpath, FEED_PATH, pre - 1) != 0)
            fuzz_fail("skip %zu without its item or reason", i);
        if (!sat_utf8_valid(skips[i].reason, strlen(skips[i].reason), &bad))
            fuzz_fail("skip reason is not UTF-8: %s", skips[i].reason);
        free(skips[i].relpath);
        free(skips[i].reason);
    }
    for (i = 0; i < n; i++)
        pack_doc_free(&docs[i]);
    free(docs);
    free(skips);
    return 0;
}
