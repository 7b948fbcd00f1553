/*
 * fuzz_html.c - the packer's HTML converter on fuzzer bytes: the input as a whole page
 * (pack_html_parse, with a media lookup that knows some paths and not others) and as a
 * feed item fragment (pack_html_fragment) appended to a body already holding a line.
 * Oracles: a page that parses passes fuzz_pack_parse's checks (UTF-8 body ending in
 * "\n", no NUL, id and title set, metadata sat_meta_check accepts) and its canonical
 * URL is http(s) without spaces or controls; a fragment only appends, and what it
 * appends is UTF-8 without NUL or control characters, made of whole lines; a failing
 * call leaves a message.
 */
#include <string.h>

#include "fuzz.h"
#include "input_common.h"
#include "sat_text.h"

/* Knows media paths whose length is even (deterministic, exercises both answers). */
static int fuzz_media(void *ctx, const char *relpath, const char **id, sat_err *err)
{
    (void)ctx;
    (void)err;
    if (strlen(relpath) % 2 != 0)
        return SAT_E_NOTFOUND;
    *id = "fuzz-media.png";
    return 0;
}

static int fuzz_html_page(const char *relpath, const char *data, size_t len, pack_doc *doc,
                          sat_err *err)
{
    int rc = pack_html_parse(relpath, data, len, fuzz_media, NULL, doc, err);
    size_t i;

    if (rc != 0) {
        if (err->msg[0] == '\0')
            fuzz_fail("%s: failed (%d) without a message", relpath, rc);
        return rc;
    }
    if (doc->url != NULL) {
        if (strncmp(doc->url, "http://", 7) != 0 && strncmp(doc->url, "https://", 8) != 0)
            fuzz_fail("canonical URL is not http(s): %s", doc->url);
        for (i = 0; doc->url[i] != '\0'; i++)
            if ((unsigned char)doc->url[i] <= ' ' || doc->url[i] == 0x7F)
                fuzz_fail("canonical URL holds a space or control at %zu", i);
    }
    return 0;
}

static void fuzz_fragment(const uint8_t *data, size_t size)
{
    pack_gem g;
    sat_err err;
    size_t before, i, bad = 0;
    int rc;

    memset(&g, 0, sizeof g);
    memset(&err, 0, sizeof err);
    if (pack_gem_add(&g, PACK_GEM_PARA, "Lead.", 5) != 0)
        fuzz_fail("out of memory");
    before = g.out.len;
    rc = pack_html_fragment("fuzz/feed.xml:3", "fuzz/feed.xml", "https://feed.example/item/1", (const char *)data, size,
                            fuzz_media, NULL, &g, &err);
    if (rc != 0 && err.msg[0] == '\0')
        fuzz_fail("fragment failed (%d) without a message", rc);
    if (g.out.len < before || memcmp(g.out.data, "Lead.\n", 6) != 0)
        fuzz_fail("fragment changed what was there before");
    if (!sat_utf8_valid(g.out.data, g.out.len, &bad))
        fuzz_fail("fragment output is not UTF-8 (byte %zu)", bad);
    if (rc == 0 && g.out.data[g.out.len - 1] != '\n')
        fuzz_fail("fragment output does not end with a newline");
    for (i = 0; i < g.out.len; i++) {
        unsigned char c = (unsigned char)g.out.data[i];
        if ((c < 0x20 && c != '\n') || c == 0x7F)
            fuzz_fail("fragment output holds control byte 0x%02x at %zu", c, i);
    }
    pack_gem_free(&g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_pack_parse(fuzz_html_page, "fuzz/2026-11-20-page.html", data, size);
    fuzz_fragment(data, size);
    return 0;
}
