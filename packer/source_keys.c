/*
 * source_keys.c - the string table and the duplicate keys of source_keys.h.
 */
#include "source_keys.h"

#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pack_input.h"
#include "sat_meta.h"
#include "sat_err.h"
#include "sat_text.h"

/* ------------------------------------------------------------------------
 * Ids
 * ------------------------------------------------------------------------ */

static int id_char_ok(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

char *pack_id_from_path(const char *relpath, int keep_ext)
{
    size_t n, end, i, o = 0;
    const char *slash;
    char *id;
    int pending = 0;

    if (relpath == NULL)
        return NULL;
    n = strlen(relpath);
    end = n;
    if (!keep_ext) {
        const char *base;
        const char *dot;
        slash = strrchr(relpath, '/');
        base = slash != NULL ? slash + 1 : relpath;
        dot = strrchr(base, '.');
        if (dot != NULL && dot != base)
            end = (size_t)(dot - relpath);
    }
    id = malloc(end + 1);
    if (id == NULL)
        return NULL;
    i = 0;
    while (i < end) {
        char c = relpath[i];
        if (c == '/')
            c = '-';
        if (!id_char_ok(c)) {
            uint32_t cp;
            /* one '_' per run of other characters; a UTF-8 sequence counts as one */
            i += (unsigned char)c >= 0x80 ? sat_utf8_decode(relpath + i, end - i, &cp) : 1;
            pending = 1;
            continue;
        }
        if (pending) {
            id[o++] = '_';
            pending = 0;
        }
        if (!(c == '.' && o > 0 && id[o - 1] == '.')) /* ".." never appears in an id */
            id[o++] = c;
        i++;
    }
    if (pending)
        id[o++] = '_';
    id[o] = '\0';
    i = 0;
    while (i < o && (id[i] == '.' || id[i] == '-'))
        i++;
    memmove(id, id + i, o - i + 1);
    o -= i;
    if (o > SAT_ID_MAX) {
        o = SAT_ID_MAX;
        id[o] = '\0';
    }
    if (!sat_id_valid(id, o)) {
        free(id);
        return NULL;
    }
    return id;
}

/* ------------------------------------------------------------------------
 * The string table
 * ------------------------------------------------------------------------ */

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */

    while (*s != '\0') {
        h ^= (unsigned char)*s++;
        h *= 1099511628211ULL;
    }
    return h;
}

pack_keyslot *pack_keytab_find(const pack_keytab *t, const char *key)
{
    size_t mask = t->cap - 1;
    size_t i = (size_t)hash_str(key) & mask;

    while (t->slot[i].key != NULL && strcmp(t->slot[i].key, key) != 0)
        i = (i + 1) & mask;
    return &t->slot[i];
}

int pack_keytab_init(pack_keytab *t, size_t expect, int own)
{
    t->cap = 16;
    while (t->cap < 2 * (expect + 1) && t->cap < SIZE_MAX / 4)
        t->cap *= 2;
    t->n = 0;
    t->own = own;
    t->slot = calloc(t->cap, sizeof *t->slot);
    return t->slot != NULL ? 0 : SAT_E_NOMEM;
}

int pack_keytab_put(pack_keytab *t, const char *key, const char *relpath, size_t index)
{
    pack_keyslot *s;

    if (2 * (t->n + 1) > t->cap) {
        pack_keytab bigger = {NULL, t->cap * 2, 0, t->own};
        size_t i;
        bigger.slot = calloc(bigger.cap, sizeof *bigger.slot);
        if (bigger.slot == NULL) {
            if (t->own)
                free((char *)key);
            return SAT_E_NOMEM;
        }
        for (i = 0; i < t->cap; i++)
            if (t->slot[i].key != NULL)
                *pack_keytab_find(&bigger, t->slot[i].key) = t->slot[i];
        bigger.n = t->n;
        free(t->slot);
        *t = bigger;
    }
    s = pack_keytab_find(t, key);
    s->key = key;
    s->relpath = relpath;
    s->index = index;
    t->n++;
    return 0;
}

void pack_keytab_free(pack_keytab *t)
{
    size_t i;

    if (t->own && t->slot != NULL)
        for (i = 0; i < t->cap; i++)
            free((char *)t->slot[i].key);
    free(t->slot);
    t->slot = NULL;
    t->cap = t->n = 0;
}

char *pack_url_key(const char *url, int *oom)
{
    sat_buf k = {0};
    const char *p = url, *q, *host_end, *end;
    int first = 1;

    *oom = 0;
    if (url == NULL || url[0] == '\0')
        return NULL;
    end = url + strcspn(url, "#");
    q = strstr(url, "://");
    host_end = (q != NULL && q < end) ? q + 3 + strcspn(q + 3, "/?#") : url;
    for (; p < host_end; p++) {
        char c = (*p >= 'A' && *p <= 'Z') ? (char)(*p + 32) : *p;
        if (sat_buf_append(&k, &c, 1) != 0)
            goto oom;
    }
    while (p < end && *p != '?')
        p++;
    if (sat_buf_append(&k, host_end, (size_t)(p - host_end)) != 0)
        goto oom;
    if (p - host_end > 1 && k.data[k.len - 1] == '/')
        k.len--;
    if (p < end)
        p++; /* the query: every parameter but utm_* */
    while (p < end) {
        size_t m = strcspn(p, "&");
        if (m > (size_t)(end - p))
            m = (size_t)(end - p);
        if (m > 0 && strncmp(p, "utm_", 4) != 0) {
            if (sat_buf_append(&k, first ? "?" : "&", 1) != 0 || sat_buf_append(&k, p, m) != 0)
                goto oom;
            first = 0;
        }
        p += m;
        if (p < end)
            p++;
    }
    if (sat_buf_append(&k, "", 0) != 0)
        goto oom;
    return k.data;
oom:
    sat_buf_free(&k);
    *oom = 1;
    return NULL;
}

char *pack_text_key(const char *body, size_t len, size_t *text_len)
{
    crypto_generichash_state st;
    uint8_t h[16];
    const char *p = body, *end = body + len;
    char *hex = malloc(2 * sizeof h + 1);

    if (hex == NULL)
        return NULL;
    *text_len = 0;
    crypto_generichash_init(&st, NULL, 0, sizeof h);
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        size_t n = eol != NULL ? (size_t)(eol - p) + 1 : (size_t)(end - p);
        if (!(n >= 3 && memcmp(p, "=> ", 3) == 0)) {
            crypto_generichash_update(&st, (const unsigned char *)p, n);
            *text_len += n;
        }
        p += n;
    }
    crypto_generichash_final(&st, h, sizeof h);
    sodium_bin2hex(hex, 2 * sizeof h + 1, h, sizeof h);
    return hex;
}

/* ------------------------------------------------------------------------
 * Duplicate articles
 * ------------------------------------------------------------------------ */

typedef struct dedup {
    pack_doc *docs;
    size_t *winner; /* winner[i] == i: kept so far; else the copy that replaced it */
    size_t *text;   /* length of each document's text (pack_text_key) */
    const char **why;
} dedup;

static size_t dup_root(const dedup *d, size_t i)
{
    while (d->winner[i] != i)
        i = d->winner[i];
    return i;
}

/* Looks key (owned) up in t for document i: absent -> registered for i; present -> the
 * copy kept between i and the document holding it is decided and the other dropped. */
static int dup_key(dedup *d, pack_keytab *t, char *key, size_t i, const char *why)
{
    pack_keyslot *s;
    size_t j;

    if (key == NULL)
        return 0;
    s = pack_keytab_find(t, key);
    if (s->key == NULL)
        return pack_keytab_put(t, key, d->docs[i].relpath, i);
    free(key);
    j = dup_root(d, s->index);
    if (j == i)
        return 0;
    if (d->text[i] > d->text[j]) {
        d->winner[j] = i;
        d->why[j] = why;
        s->index = i;
    } else {
        d->winner[i] = j;
        d->why[i] = why;
    }
    return 0;
}

int pack_docs_dedup(pack_doc *docs, size_t *n, pack_dup_fn fn, void *ctx)
{
    pack_keytab urls = {0}, texts = {0};
    dedup d;
    size_t i, o = 0;
    int rc = 0;

    d.docs = docs;
    d.winner = malloc((*n + 1) * sizeof *d.winner);
    d.why = calloc(*n + 1, sizeof *d.why);
    d.text = calloc(*n + 1, sizeof *d.text);
    if (d.winner == NULL || d.why == NULL || d.text == NULL ||
        pack_keytab_init(&urls, *n, 1) != 0 || pack_keytab_init(&texts, *n, 1) != 0) {
        rc = SAT_E_NOMEM;
        goto cleanup;
    }
    for (i = 0; i < *n; i++)
        d.winner[i] = i;
    for (i = 0; i < *n && rc == 0; i++) {
        int oom = 0;
        char *ukey = pack_url_key(docs[i].url, &oom);
        char *tkey = oom ? NULL : pack_text_key(docs[i].body, docs[i].body_len, &d.text[i]);
        if (oom || tkey == NULL) {
            free(ukey);
            rc = SAT_E_NOMEM;
            break;
        }
        rc = dup_key(&d, &urls, ukey, i, "URL");
        if (rc == 0 && d.winner[i] == i)
            rc = dup_key(&d, &texts, tkey, i, "text");
        else
            free(tkey);
    }
    for (i = 0; i < *n && rc == 0; i++)
        if (d.winner[i] != i)
            rc = fn(ctx, docs[i].relpath, docs[dup_root(&d, i)].relpath, d.why[i]);
    if (rc != 0)
        goto cleanup;
    for (i = 0; i < *n; i++) {
        if (d.winner[i] != i)
            pack_doc_free(&docs[i]);
        else
            docs[o++] = docs[i];
    }
    *n = o;
cleanup:
    pack_keytab_free(&urls);
    pack_keytab_free(&texts);
    free(d.winner);
    free(d.why);
    free(d.text);
    return rc;
}
