/*
 * export_html.h - satchel-read export-html: a static web site from a bundle.
 *
 * The site opens from the drive with file:// in any browser, JavaScript off:
 *
 *   DIR/index.html          contents by section, newest first: every entry of a small
 *                           bundle; of a big one each section's count, newest entries and
 *                           links to its pages (export_toc.h)
 *   DIR/s/NNN/NNNNNN.html   section pages: at most 1,000 entries (about 280 KB) each,
 *                           linked previous/next; numbered across the export
 *   DIR/verify.html         verification: signer fingerprint, key, date, counts, damage
 *   DIR/style.css           the only style sheet (no fonts, nothing external)
 *   DIR/search.html         optional search (search.js over search-data.js, export_search.h):
 *                           the only page with script (its own two files), nothing fetched
 *   DIR/e/NNN/NNNNNN.html   one page per article or transcript
 *   DIR/m/NNN/NNNNNN.EXT    images and audio (EXT from a short list, else "bin")
 *   DIR/satchel-export.txt  marks the folder as an export (a later export may overwrite it)
 *
 * NNNNNN is the entry's position in id order, NNN that number / 1000: at most 1,000 files
 * per folder, for FAT32 (ep_shard_path says why). No name comes from the bundle. Every
 * page carries a strict Content-Security-Policy (nothing but files of the export may
 * load, no script but search.html's), referrer policy no-referrer, and every bundle string escaped
 * (render_html.h). Nothing is written before the bundle's signature verified, and no
 * entry before its hash matched: a damaged entry is left out and listed on verify.html.
 *
 * Files are written beneath DIR only: DIR is created if missing (not through a
 * symlink), subfolders and files are opened with O_NOFOLLOW relative to it (a symlink
 * in place of e/, m/, s/ or one of their folders is refused), each file
 * is written to a temporary name (O_CREAT|O_EXCL) and renamed into place, and the file
 * system is synced at the end. A DIR that is not empty and not an earlier export is
 * refused unless force is set. Re-exporting into an earlier export removes, after the
 * new site is complete, the files of e/, m/ and s/ it did not write (only names of the
 * export's own forms, one folder level deep, never through a symlink) and folders left
 * empty there.
 */
#ifndef EXPORT_HTML_H
#define EXPORT_HTML_H

#include <stddef.h>
#include <stdio.h>

#include "msg.h"
#include "sat_sig.h"

#define EH_MARKER "satchel-export.txt"

typedef struct eh_opts {
    const sat_pubkey *keys; /* the trusted keys */
    size_t nkeys;
    const char *to; /* DIR */
    int force;      /* write into a non-empty folder that is not an export */
    rmsg_lang lang; /* interface language of the pages */
} eh_opts;

/* Exports the bundle at path. Messages for the person running it go to msgs (sanitised).
 * Returns the reader's exit status: 0 every entry exported; 1 some entries damaged (left
 * out, listed on verify.html); 3 not genuine (nothing written when the signature fails;
 * signed content that breaks the format is left out and reported); 4 cannot write DIR, or
 * DIR is not empty and not an earlier export. */
int eh_export(const char *path, const eh_opts *o, FILE *msgs);

#endif
