/*
 * source_keys.h - keys the source scan looks things up by: a string table (entry ids,
 * duplicate keys), and duplicate articles: the same article arriving twice is found by
 * its canonical URL or its normalised text and kept once. Internal to packer/.
 *
 *   pack_keytab t;  pack_keytab_init(&t, expected, own_keys);
 *   pack_keyslot *s = pack_keytab_find(&t, key);  // s->key == NULL: absent
 *   pack_keytab_put(&t, key, relpath, index);     // key not present yet
 *   pack_keytab_free(&t);
 */
#ifndef PACK_SOURCE_KEYS_H
#define PACK_SOURCE_KEYS_H

#include <stddef.h>

#define PACK_KEY_NONE ((size_t)-1)

typedef struct pack_keyslot {
    const char *key;     /* NULL: empty slot */
    const char *relpath; /* borrowed: the file the key came from */
    size_t index;        /* caller's index (a media entry), or PACK_KEY_NONE */
} pack_keyslot;

/* Open addressing, power-of-two size, grows at half full. With own set the table frees
 * its keys; otherwise keys are borrowed and must outlive it. */
typedef struct pack_keytab {
    pack_keyslot *slot;
    size_t cap, n;
    int own;
} pack_keytab;

/* Sized for about expect keys. Returns 0 or SAT_E_NOMEM. */
int pack_keytab_init(pack_keytab *t, size_t expect, int own);
/* The slot holding key, or the empty slot where it would go (valid until the next put). */
pack_keyslot *pack_keytab_find(const pack_keytab *t, const char *key);
/* Adds key, which must not be present. An owned key is taken over even on failure.
 * Returns 0 or SAT_E_NOMEM. */
int pack_keytab_put(pack_keytab *t, const char *key, const char *relpath, size_t index);
/* Frees the slots (and owned keys). */
void pack_keytab_free(pack_keytab *t);

/* The duplicate key of a URL: scheme and host lower-cased, the fragment and "utm_*"
 * query parameters dropped, a trailing "/" of a non-root path dropped. Returns a
 * malloc'd key; NULL when url is NULL or empty (*oom = 0) or out of memory (*oom = 1). */
char *pack_url_key(const char *url, int *oom);

/* The duplicate key of a gemtext body: a hash of its lines other than link lines
 * ("=> "), so the same article saved as a page and taken from a feed matches even when
 * their links differ. *text_len receives the length of those lines. 32 hex digits,
 * malloc'd; NULL on OOM. */
char *pack_text_key(const char *body, size_t len, size_t *text_len);

/* Called for each document dropped as a copy of another: its relpath, the kept one's,
 * and "URL" or "text". Nonzero stops the pass with that code. */
typedef int (*pack_dup_fn)(void *ctx, const char *dropped, const char *kept, const char *key);

struct pack_doc;
/* Drops every document of docs[0..*n) that repeats another (same pack_url_key of its
 * url, or same pack_text_key of its body). Of two copies the one with more text (link
 * lines not counted) is kept
 * (a saved page beats a feed's summary of it), the first one when equal. Dropped
 * documents are reported to fn, freed, and the rest moved together in order (*n
 * updated). Returns 0, SAT_E_NOMEM or fn's code. */
int pack_docs_dedup(struct pack_doc *docs, size_t *n, pack_dup_fn fn, void *ctx);

#endif
