/*
 * sat_collection.h - the root manifest's collection line (SPEC 4.3): a bundle that is
 * volume N of M of a collection, or a single bundle.
 *
 *   sat_collection c;
 *   sat_collection_derive(&pk, created, seq, title, publisher, c.id);  // the writer
 *   c.present = 1; c.volume = 2; c.volumes = 3;
 *   sat_collection_render(&buf, &c);      // "collection\t<hex>\t2\t3\n"
 *   sat_collection_parse(line, len, &c, &why);  // the manifest parser, one line without LF
 */
#ifndef SAT_COLLECTION_H
#define SAT_COLLECTION_H

#include <stddef.h>
#include <stdint.h>

#include "sat_sig.h"
#include "sat_text.h"

/* Bytes of a collection id (shown as 32 lowercase hex digits). */
#define SAT_COLLECTION_ID_BYTES 16
/* Most volumes in one collection (N and M are 1..999). */
#define SAT_VOLUMES_MAX 999u

typedef struct sat_collection {
    int present;                           /* 0: a single bundle ("collection -") */
    uint8_t id[SAT_COLLECTION_ID_BYTES];   /* the same in every volume */
    uint32_t volume;                       /* N, 1..volumes */
    uint32_t volumes;                      /* M, 1..SAT_VOLUMES_MAX */
} sat_collection;

/* Derives a collection id (SPEC 4.3): BLAKE2b-128 over "satchel-collection-id-v1", the
 * signer's keynum and public key, then created, seq (decimal), title and publisher, each
 * NUL-terminated, as the root manifest writes them (title "-" when NULL or empty; publisher
 * omitted when NULL, empty or "-"). Every volume of one build shares it; the reader derives
 * it again from the verified signer and header and refuses a bundle whose line differs. */
void sat_collection_derive(const sat_pubkey *pk, const char *created, uint64_t seq,
                           const char *title, const char *publisher,
                           uint8_t id[SAT_COLLECTION_ID_BYTES]);

/* Appends the canonical line with its LF: "collection\t-" or
 * "collection\t<hex>\t<N>\t<M>". Returns 0, SAT_E_ARG when N or M is out of range, or
 * SAT_E_NOMEM. */
int sat_collection_render(sat_buf *out, const sat_collection *c);

/* Parses one line (without its LF) strictly. Returns 0 and fills *out, or -1 with *why
 * saying what is wrong (a static string). */
int sat_collection_parse(const char *line, size_t len, sat_collection *out, const char **why);

#endif
