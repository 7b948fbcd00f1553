/*
 * pack_medium.h - what fits on a medium: sizes on the command line, the media satchel-pack
 * knows, and the budget of one volume (the largest bundle file that fits, counting the
 * filesystem's own overhead, the drive's other files and the parity file).
 *
 *   pv_medium md;
 *   pv_medium_named("dvd", &md);                 // or pv_size_parse("4.7G", &md.capacity)
 *   uint64_t budget = pv_budget(&md, parity);     // largest bundle file size
 *   pv_footprint(&md, real_size, parity) <= md.capacity   // the check after writing
 */
#ifndef PACK_MEDIUM_H
#define PACK_MEDIUM_H

#include <stdint.h>

/* The filesystem a volume is written onto. PV_FS_ANY: either (--max-size): the stricter
 * bound of the two at every size, and FAT32's file size limit. */
typedef enum { PV_FS_ANY, PV_FS_ISO9660, PV_FS_FAT32 } pv_fs;

typedef struct pv_medium {
    const char *name;  /* "cd", "dvd", "dvd-dl", "usb-4g", or NULL for --max-size */
    uint64_t capacity; /* bytes the medium holds */
    pv_fs fs;
    uint64_t reserve;  /* room kept for the drive's other files: PV_RESERVE for a named
                          medium, 0 for --max-size (the limit is the volume's own), or
                          --reserve */
} pv_medium;

/* Room a named medium keeps for the drive's other files (stage/iso: two static readers of
 * at most 3 MB each, README in two languages, the public key and its fingerprint, checksum
 * list), each rounded up to the filesystem's unit: a fixed 8 MiB. A web export (stage
 * --export-html) is not counted: it needs room of its own. */
#define PV_RESERVE ((uint64_t)8 << 20)
/* ISO 9660: 2048-byte sectors; system area (16 sectors = 32 KiB), volume descriptors
 * (primary, Joliet, terminator), four path tables and the directory records of ISO 9660,
 * Joliet and Rock Ridge (with continuation areas): bounded by 1 MiB plus 8 KiB per file. */
#define PV_ISO_SECTOR 2048u
#define PV_ISO_META ((uint64_t)1 << 20)
#define PV_ISO_PER_FILE ((uint64_t)8 << 10)
/* FAT32: files take whole clusters (counted at 32 KiB, the largest common size); two FATs
 * of 4 bytes per cluster (counted at 4 KiB clusters, the smallest common size, so the
 * tables are not underestimated either); reserved sectors, boot sector copies, FSInfo, the
 * partition table and its 1 MiB alignment: 1 MiB; directory clusters: 32 KiB per file plus
 * two (root, satchel/). A file is at most 4 GiB - 1 bytes. */
#define PV_FAT_CLUSTER ((uint64_t)32 << 10)
#define PV_FAT_TABLE_CLUSTER 4096u
#define PV_FAT_FIXED ((uint64_t)1 << 20)
#define PV_FAT_FILE_MAX ((uint64_t)0xFFFFFFFFu)

/* Parses a size: a number with an optional fraction ("4.7") and an optional suffix K M G T
 * (powers of 1000) or KiB MiB GiB TiB (powers of 1024); no suffix means bytes. At most six
 * fraction digits; the result is rounded down to whole bytes and must be 1..2^50. Returns
 * 0, or -1 when s is not such a size. */
int pv_size_parse(const char *s, uint64_t *out);

/* Fills *out for a medium name: cd (737,280,000 bytes, ISO 9660), dvd (4,700,372,992),
 * dvd-dl (8,547,991,552), usb-4g (3,800,000,000, FAT32). Returns 0, or -1 for another
 * name. reserve is PV_RESERVE. */
int pv_medium_named(const char *name, pv_medium *out);

/* The parity file's size for a bundle of bundle_size bytes at percent (0: none): exactly
 * what sat_parity_size() says (formats/sat_parity.h). */
uint64_t pv_parity_size(uint64_t bundle_size, unsigned percent);

/* Bytes a volume of bundle_size bytes (and its parity file, when percent > 0) takes on the
 * medium with everything else the medium needs (m->reserve, the filesystem's metadata,
 * rounding of each file to its unit). UINT64_MAX when the filesystem cannot hold the file
 * at all (FAT32's 4 GiB - 1 per file). */
uint64_t pv_footprint(const pv_medium *m, uint64_t bundle_size, unsigned percent);

/* The budget of one volume: the largest bundle file size such that every size up to it
 * has a footprint within the medium's capacity (with parity the footprint is not monotone:
 * the parity file shrinks after each stripe boundary, so a size below one that fits may
 * not); 0 when not even a one-byte bundle would. */
uint64_t pv_budget(const pv_medium *m, unsigned percent);

#endif
