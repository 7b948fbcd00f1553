/*
 * source_keys.h - keys the source scan looks things up by: a string table (entry ids,
 * duplicate keys) and the two keys that find the same article arriving twice, its
 * canonical URL and its normalised text. Internal to packer/.
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
 * their links differ. 32 hex digits, malloc'd; NULL on OOM. */
char *pack_text_key(const char *body, size_t len);

#endif
