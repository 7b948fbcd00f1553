/*
 * fuzz_config.c - the bundle config parser (pack_config_parse) on fuzzer bytes, then
 * pack_config_apply on a few paths and pack_config_unused.
 * Oracles: a parse that succeeds gives bundle settings that are valid fields (title,
 * publisher, lang as a tag); applying to valid metadata never makes a field invalid
 * UTF-8 or empty-but-set, and keeps the id valid; unused messages name the config file.
 */
#include <string.h>

#include "fuzz.h"
#include "pack_config.h"
#include "sat_text.h"

static void unused_msg(void *ctx, const char *msg)
{
    (void)ctx;
    if (strncmp(msg, "satchel.conf:", 13) != 0 || !sat_utf8_valid(msg, strlen(msg), NULL))
        fuzz_fail("unused message does not name the file: %s", msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {"a.md", "news/ko/flood.html", "feeds/world.xml#2",
                                        "news/a.html", "x/y/z/w.vtt", "feed.xml#10"};
    pack_config *c = NULL;
    const pack_config_bundle *b;
    sat_err err;

    if (pack_config_parse("satchel.conf", (const char *)data, size, &c, &err) != 0) {
        if (c != NULL)
            fuzz_fail("failed parse left a config");
        return 0;
    }
    b = pack_config_get(c);
    if ((b->title != NULL && !sat_field_valid(b->title, strlen(b->title), SAT_TITLE_MAX)) ||
        (b->publisher != NULL &&
         !sat_field_valid(b->publisher, strlen(b->publisher), SAT_FIELD_MAX)) ||
        (b->lang != NULL && !sat_lang_valid(b->lang, strlen(b->lang))) ||
        (b->charset != NULL && b->charset[0] == '\0'))
        fuzz_fail("parsed bundle settings are not valid");
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        sat_meta m = {0};
        m.id = strdup("entry-1");
        m.title = strdup("A title");
        if (m.id == NULL || m.title == NULL)
            fuzz_fail("out of memory");
        if (pack_config_apply(c, paths[i], &m, &err) != 0)
            fuzz_fail("apply failed: %s", err.msg);
        if (sat_meta_check(&m, &err) != 0)
            fuzz_fail("apply made metadata invalid for %s: %s", paths[i], err.msg);
        sat_meta_free(&m);
    }
    pack_config_unused(c, unused_msg, NULL);
    pack_config_free(c);
    return 0;
}
