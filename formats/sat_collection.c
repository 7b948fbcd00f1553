/*
 * sat_collection.c - the collection line of the root manifest (SPEC 4.3).
 */
#include "sat_collection.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "sat_cursor.h"
#include "sat_err.h"
#include "sat_manifest.h"

void sat_collection_derive(const sat_pubkey *pk, const char *created, uint64_t seq,
                           const char *title, const char *publisher,
                           uint8_t id[SAT_COLLECTION_ID_BYTES])
{
    static const char domain[] = "satchel-collection-id-v1";
    crypto_generichash_state hs;
    char num[24];

    /* as the root manifest carries them: an absent title or publisher is written "-" */
    if (title == NULL || title[0] == '\0')
        title = "-";
    if (publisher != NULL && (publisher[0] == '\0' || strcmp(publisher, "-") == 0))
        publisher = NULL;
    crypto_generichash_init(&hs, NULL, 0, SAT_COLLECTION_ID_BYTES);
    crypto_generichash_update(&hs, (const uint8_t *)domain, sizeof domain - 1);
    crypto_generichash_update(&hs, pk->keynum, sizeof pk->keynum);
    crypto_generichash_update(&hs, pk->pk, sizeof pk->pk);
    crypto_generichash_update(&hs, (const uint8_t *)created, strlen(created) + 1);
    snprintf(num, sizeof num, "%llu", (unsigned long long)seq);
    crypto_generichash_update(&hs, (const uint8_t *)num, strlen(num) + 1);
    crypto_generichash_update(&hs, (const uint8_t *)title, strlen(title) + 1);
    if (publisher != NULL)
        crypto_generichash_update(&hs, (const uint8_t *)publisher, strlen(publisher) + 1);
    crypto_generichash_final(&hs, id, SAT_COLLECTION_ID_BYTES);
}

int sat_collection_render(sat_buf *out, const sat_collection *c)
{
    char hex[2 * SAT_COLLECTION_ID_BYTES + 1];

    if (!c->present)
        return sat_buf_puts(out, "collection\t-\n") != 0 ? SAT_E_NOMEM : 0;
    if (c->volumes < 1 || c->volumes > SAT_VOLUMES_MAX || c->volume < 1 ||
        c->volume > c->volumes)
        return SAT_E_ARG;
    sat_hex(c->id, SAT_COLLECTION_ID_BYTES, hex);
    if (sat_buf_printf(out, "collection\t%s\t%u\t%u\n", hex, (unsigned)c->volume,
                       (unsigned)c->volumes) != 0)
        return SAT_E_NOMEM;
    return 0;
}

int sat_collection_parse(const char *line, size_t len, sat_collection *out, const char **why)
{
    sat_cursor c = sat_cursor_make(line, len);
    sat_span f[4];
    uint64_t n, m;
    size_t i;

    memset(out, 0, sizeof *out);
    if (len == 12 && memcmp(line, "collection\t-", 12) == 0)
        return 0;
    if (len < 11 || memcmp(line, "collection\t", 11) != 0) {
        *why = "expected the \"collection\" line";
        return -1;
    }
    for (i = 0; i < 4; i++)
        if (sat_cursor_field(&c, '\t', &f[i]) != 0 || f[i].len == 0) {
            *why = "the collection line needs an id, a volume number and a volume count "
                   "(or \"-\")";
            return -1;
        }
    if (sat_cursor_left(&c) != 0 || line[len - 1] == '\t') {
        *why = "the collection line has too many fields";
        return -1;
    }
    if (sat_span_hex(f[1], out->id, SAT_COLLECTION_ID_BYTES) != 0) {
        *why = "collection id must be 32 lowercase hex digits";
        return -1;
    }
    if (sat_span_u64(f[3], SAT_VOLUMES_MAX, &m) != 0 || m == 0) {
        *why = "volume count must be a canonical number 1..999";
        return -1;
    }
    if (sat_span_u64(f[2], m, &n) != 0 || n == 0) {
        *why = "volume number must be a canonical number 1..volume count";
        return -1;
    }
    out->present = 1;
    out->volume = (uint32_t)n;
    out->volumes = (uint32_t)m;
    return 0;
}
