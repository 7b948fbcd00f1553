/*
 * parity_internal.h - what parity_write.c and parity_repair.c share: the geometry of a
 * parity file, its self-checked blocks, sector check values and a sequential sector reader
 * (formats/SPEC.md, "Recovery data (parity files)"). Not a public header.
 */
#ifndef SAT_PARITY_INTERNAL_H
#define SAT_PARITY_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "sat_file.h"
#include "sat_err.h"
#include "sat_parity.h"
#include "sat_rs.h"

#define PAR_MAGIC "SATPARTY"
#define PAR_VERSION 1u
#define PAR_SECTOR SAT_RS_SECTOR
#define PAR_COPIES 3u
/* Block layout: magic[8] version[4] index[4] copy[4] zero[4] id[16] payload check[32]. */
#define PAR_ID_BYTES 16u
#define PAR_PAYLOAD_OFF 40u
#define PAR_CHECK_OFF (PAR_SECTOR - 32u)
#define PAR_PAYLOAD_LEN (PAR_CHECK_OFF - PAR_PAYLOAD_OFF)
/* Check values: 8 bytes each, this many per table block. */
#define PAR_CV_BYTES 8u
#define PAR_CV_PER_BLOCK (PAR_PAYLOAD_LEN / PAR_CV_BYTES)
/* Bytes read at once from the bundle. */
#define PAR_CHUNK ((size_t)1 << 20)

/* Everything that follows from the protected size and the percent. */
typedef struct par_geom {
    uint64_t size;   /* protected file size */
    unsigned percent;
    uint64_t n;      /* data sectors */
    uint64_t s;      /* stripes */
    uint64_t kmax;   /* most data sectors in a stripe */
    uint64_t m;      /* parity sectors per stripe */
    uint64_t mtot;   /* parity sectors, m * s */
    uint64_t t;      /* table blocks */
    uint64_t h;      /* blocks per copy: 1 + t */
    uint64_t sectors; /* sectors of the parity file: 3h + mtot */
} par_geom;

/* Fills g from size and percent. Returns 0, or -1 when either is out of range. */
int sat_parity_geom(uint64_t size, unsigned percent, par_geom *g);
/* Sector number in the parity file of copy c of block b, and of parity sector p. */
uint64_t sat_parity_block_pos(const par_geom *g, unsigned c, uint64_t b);
uint64_t sat_parity_psector_pos(const par_geom *g, uint64_t p);
/* Data sectors of stripe j (j < s). */
uint64_t sat_parity_stripe_k(const par_geom *g, uint64_t j);

/* The check value of sector index idx (data s: s; parity p: n + p) holding sec[0..2048)
 * (zero padded), keyed with the protected file's hash. */
void sat_parity_cv(const uint8_t key[32], uint64_t idx, const uint8_t *sec,
                   uint8_t out[PAR_CV_BYTES]);

/* Fills the frame of block b, copy c (magic, version, index, copy, id, check over the
 * payload already in blk[PAR_PAYLOAD_OFF..]). */
void sat_parity_block_seal(uint8_t *blk, uint64_t b, unsigned c, const uint8_t *id);
/* 1 when blk is a well-formed, self-consistent block (magic, version, zero field,
 * check); its index and copy go to *b, *c, its id stays in blk. */
int sat_parity_block_ok(const uint8_t *blk, uint32_t *b, uint32_t *c);

/* Little-endian helpers. */
void sat_parity_put32(uint8_t *p, uint32_t v);
void sat_parity_put64(uint8_t *p, uint64_t v);
uint32_t sat_parity_get32(const uint8_t *p);
uint64_t sat_parity_get64(const uint8_t *p);

/* Reads sectors of a file in increasing order through a PAR_CHUNK buffer. */
typedef struct par_reader {
    int fd;
    uint8_t *buf;
    uint64_t base; /* file offset of buf[0] */
    size_t len;    /* bytes valid in buf */
    const char *path;
} par_reader;

int sat_parity_reader_init(par_reader *r, int fd, const char *path, sat_err *err);
void sat_parity_reader_free(par_reader *r);
/* Copies sector s into sec (zero padded) and returns through *got how many bytes of it
 * the file holds (0 past the end). Returns 0 or SAT_E_IO. */
int sat_parity_reader_sector(par_reader *r, uint64_t s, uint8_t *sec, size_t *got,
                             sat_err *err);

/* pwrite of exactly n bytes (reads: sat_pread_full, sat_file.h). */
int sat_parity_pwrite(int fd, const void *buf, size_t n, uint64_t off);

#endif
