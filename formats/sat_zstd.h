/*
 * sat_zstd.h - zstd with the caps untrusted input needs.
 *
 * Compression writes exactly one frame with the content size and checksum
 * flags set (and the dictionary id when a dictionary is used). Decompression
 * accepts exactly one frame whose declared content size equals the size the
 * signed manifest gives, whose window is at most SAT_ZSTD_WINDOW_MAX, whose dictionary id
 * is the expected one, with no trailing bytes; output is bounded by that size, never by
 * the frame's claim.
 */
#ifndef SAT_ZSTD_H
#define SAT_ZSTD_H

#include <stddef.h>
#include <stdint.h>

#include "sat_err.h"

/* Largest window a frame may declare (32 MiB, windowLog 25): a cluster is at most 16 MiB,
 * so a larger window is a lie meant to make a decoder allocate. */
#define SAT_ZSTD_WINDOW_MAX ((uint64_t)1 << 25)

typedef struct sat_zstd sat_zstd;

/* Creates a codec with an optional dictionary (dict may be NULL). For compression
 * pass level > 0; for decompression only, level 0. The dictionary is copied. */
int sat_zstd_create(const void *dict, size_t dict_len, int level, sat_zstd **out, sat_err *err);
void sat_zstd_free(sat_zstd *z);

/* Compresses src into a malloc'd single frame (*out, *out_len). */
int sat_zstd_compress(sat_zstd *z, const void *src, size_t n, uint8_t **out, size_t *out_len,
                      sat_err *err);

/* Decompresses src (exactly one frame, nothing after it) into dst, which must have
 * exactly `expect` bytes. Fails with SAT_E_FORMAT/SAT_E_HASH style errors when the frame
 * header lies, the dictionary id differs, or the output size differs. */
int sat_zstd_decompress(sat_zstd *z, const void *src, size_t n, void *dst, size_t expect,
                        sat_err *err);

/* Like sat_zstd_decompress, with the same checks, but stops once at least the first
 * `need` bytes of dst are decoded (dst must still hold `expect` bytes). Used to read one
 * entry early in a cluster without decoding the rest; the caller has already checked the
 * stored bytes' hash, so the frame checksum at the end is not needed. */
int sat_zstd_decompress_prefix(sat_zstd *z, const void *src, size_t n, void *dst, size_t expect,
                               size_t need, sat_err *err);

/* Trains a dictionary of at most cap bytes from samples. Returns 0 and *out_len > 0,
 * or 0 with *out_len == 0 when the samples are too few to train on (no dictionary). */
int sat_zstd_train(void *dict, size_t cap, const void *samples, const size_t *sizes, unsigned n,
                   size_t *out_len, sat_err *err);

#endif
