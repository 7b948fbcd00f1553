/*
 * pack_input.h - the packer's input side: turns a source folder of Markdown,
 * plain text, WebVTT/SRT transcripts, images and audio into normalised
 * documents (metadata + gemtext body) and media entries. Knows nothing of tar
 * or zstd.
 *
 * Call sequence:
 *   pack_source *src = NULL;
 *   pack_source_scan(dir, &opts, &src, &err);   // walks, parses, pairs attachments
 *   for docs: src->docs[i]  (meta + gemtext body)
 *   for media: src->media[i] (meta + absolute path)
 *   src->skipped[i] lists files skipped with --skip-bad and why
 *   pack_source_free(src);
 */
#ifndef PACK_INPUT_H
#define PACK_INPUT_H

#include <stddef.h>

#include "sat_err.h"
#include "sat_meta.h"
#include "sat_text.h"

/* Largest input file read (text or media). */
#define PACK_INPUT_MAX ((size_t)1 << 30)
/* Largest text input (Markdown, text, subtitles). */
#define PACK_TEXT_MAX ((size_t)16 << 20)
/* Most files in a source folder. */
#define PACK_FILES_MAX 1000000

/* A normalised text document: an article or a transcript. */
typedef struct pack_doc {
    sat_meta meta;   /* kind ARTICLE or TRANSCRIPT; id, title always set */
    char *body;      /* gemtext, valid UTF-8, LF line endings, ends with "\n" */
    size_t body_len;
    char *relpath;   /* source file, relative to the source folder (feed items:
                        "feed.xml#N", N the 1-based item number) */
    char *url;       /* canonical URL (HTML <link rel=canonical>/og:url, feed item link),
                        used to find duplicates; NULL when unknown */
} pack_doc;

/* A media file stored as is (image or audio). */
typedef struct pack_media {
    sat_meta meta;    /* kind IMAGE or AUDIO; title = file name unless given; parent set when
                         attached to a doc */
    char *path;       /* path to open (source folder joined with relpath), or NULL when the
                         bytes are in memory */
    const char *data; /* the bytes of an archive member (owned by the source), or NULL */
    size_t len;
    char *relpath;
} pack_media;

typedef struct pack_skip {
    char *relpath;
    char *reason;    /* "file:line: what is wrong" */
} pack_skip;

struct pack_archive;

typedef struct pack_source {
    pack_doc *docs;
    size_t n_docs;
    pack_media *media;
    size_t n_media;
    pack_skip *skipped;
    size_t n_skipped;
    pack_skip *notes;  /* for the user: duplicates dropped, charsets guessed or overruled,
                          config blocks that matched nothing (reason = "relpath: ...") */
    size_t n_notes;
    char *title;       /* from the config file, NULL when not set */
    char *publisher;
    struct pack_archive *archive; /* the archive read (media point into it), or NULL */
} pack_source;

typedef struct pack_scan_opts {
    int skip_bad; /* nonzero: record bad files in skipped[] and go on */
    int archive;  /* nonzero: the path is an archive (zip, tar, 7z...) read in memory */
} pack_scan_opts;

/* Parsers: each turns one file's bytes into a doc. relpath names the file in errors
 * ("relpath:LINE: message"). On success doc is filled (caller frees with pack_doc_free). */
int pack_parse_markdown(const char *relpath, const char *data, size_t len, pack_doc *doc,
                        sat_err *err);
int pack_parse_text(const char *relpath, const char *data, size_t len, pack_doc *doc,
                    sat_err *err);
int pack_parse_vtt(const char *relpath, const char *data, size_t len, pack_doc *doc,
                   sat_err *err);
int pack_parse_srt(const char *relpath, const char *data, size_t len, pack_doc *doc,
                   sat_err *err);

/* ------------------------------------------------------------------------
 * Local media lookup (Markdown images, HTML <img>, feed item images)
 * ------------------------------------------------------------------------ */

/* Looks up a media file by its path relative to the source root (already resolved
 * against the referring document's folder, "./" and "x/../" removed). Returns 0 and
 * sets *id (owned by the callee, valid until the scan ends), SAT_E_NOTFOUND when there
 * is no such media file, or another negative code with err set. */
typedef int (*pack_media_fn)(void *ctx, const char *media_relpath, const char **id,
                             sat_err *err);

/* ------------------------------------------------------------------------
 * Character sets (input_charset.c)
 * ------------------------------------------------------------------------ */

typedef enum pack_cs_kind {
    PACK_CS_TEXT = 0, /* Markdown, text, subtitles: BOM, else detection */
    PACK_CS_HTML,     /* BOM, <meta charset> / http-equiv in the first 1024 bytes */
    PACK_CS_XML       /* BOM, <?xml ... encoding="..."?> */
} pack_cs_kind;

/* Converts a file's bytes to UTF-8 (appended to out, no BOM). Order: BOM; the
 * declaration of the kind; the fallback charset (the config's "charset", may be NULL);
 * detection (valid UTF-8, else CP949/EUC-KR when that decodes cleanly). A declaration
 * the bytes contradict is detected where possible (e.g. declared EUC-KR but valid
 * multi-byte UTF-8) and the right charset used. *note receives a malloc'd sentence when
 * the charset was guessed or a declaration overruled (else NULL); it does not name the
 * file ("no charset declared; read as CP949 (Korean)"). Bytes that fit no charset fail
 * with "relpath:LINE: ..." naming the charset and byte offset; so does a NUL. Line ends
 * and line numbers are kept, so pack_in_prepare's line numbers still match the file.
 * The output still holds the file's own declaration (<meta charset=euc-kr>, encoding=
 * "EUC-KR"): give libxml2 the encoding "UTF-8" (htmlReadMemory / xmlReadMemory's encoding
 * argument), or it decodes the UTF-8 again as EUC-KR and fails.
 * EUC-KR is read as CP949, Latin-1 as windows-1252 (docs/INPUT.md, "Encodings").
 * Returns 0, SAT_E_FORMAT, SAT_E_LIMIT (over PACK_TEXT_MAX, before or after conversion)
 * or SAT_E_NOMEM; on error out is as it was and *note NULL. */
int pack_charset_decode(const char *relpath, const char *data, size_t len, pack_cs_kind kind,
                        const char *fallback, sat_buf *out, char **note, sat_err *err);

/* 1 if name (case-insensitive) is a charset pack_charset_decode accepts as a fallback
 * (e.g. "euc-kr", "cp949", "utf-8", "windows-1252"), else 0. For checking a config file. */
int pack_charset_known(const char *name);

/* Unicode NFC of valid UTF-8 s[0..n): malloc'd, NUL-terminated, length in *out_len.
 * Returns 0, SAT_E_FORMAT (invalid UTF-8) or SAT_E_NOMEM. */
int pack_nfc(const char *s, size_t n, char **out, size_t *out_len, sat_err *err);

/* ------------------------------------------------------------------------
 * HTML pages and feeds (input_html.c, input_feed.c); input is UTF-8 already
 * ------------------------------------------------------------------------ */

/* One HTML page to an article: metadata from <title>, <meta> (Open Graph,
 * article:published_time, author), <time>, <html lang>, <link rel=canonical> (doc->url);
 * main text found as docs/INPUT.md describes; links as numbered references; local
 * images through fn become attachment links (fn NULL: assumed present). */
int pack_html_parse(const char *relpath, const char *utf8, size_t len, pack_media_fn fn,
                    void *ctx, pack_doc *doc, sat_err *err);

/* An HTML fragment (a feed item's content) converted and appended to the gemtext
 * body g with the same rules (no main-text search). where names it in errors
 * ("feed.xml:12"); base_relpath is the file local image paths are relative to;
 * base_url (the item's link, may be NULL) is what relative links are resolved against. */
struct pack_gem;
int pack_html_fragment(const char *where, const char *base_relpath, const char *base_url,
                       const char *utf8, size_t len, pack_media_fn fn, void *ctx,
                       struct pack_gem *g, sat_err *err);

/* An RSS 2.0 (0.9x, 1.0) or Atom file: one article per item, in file order (*docs
 * malloc'd, each freed with pack_doc_free, then free(*docs)). Items that cannot be used
 * (no text, a bad date, a duplicate guid, ...) are left out and listed in *skips (relpath
 * "feed.xml#N", reason "feed.xml:LINE: item N: ..."; items beyond the cap of 10,000: one
 * record with relpath "feed.xml"; each relpath and reason malloc'd, then the array; skips
 * may be NULL to drop them). A feed with no usable item fails with the first reason; the
 * caller decides whether a skip fails the pack (as a bad file would without --skip-bad). */
int pack_feed_parse(const char *relpath, const char *utf8, size_t len, pack_media_fn fn,
                    void *ctx, pack_doc **docs, size_t *n_docs, pack_skip **skips,
                    size_t *n_skips, sat_err *err);

/* 1 if an .xml file's first element (after the declaration, comments and doctype,
 * within its first 64 KiB) is an RSS or Atom root: <rss> or <feed>/<x:feed>. */
int pack_feed_sniff(const char *utf8, size_t len);

/* Derives an entry id from a relative path (see docs/INPUT.md). keep_ext: keep the
 * extension (media) or drop it (documents). Returns malloc'd id or NULL (invalid/OOM). */
char *pack_id_from_path(const char *relpath, int keep_ext);

/* Walks the folder at path, or reads the archive at path (opts->archive), sorted and
 * deterministic; reads satchel.conf at its root (pack_config.h), decodes and parses
 * every file, drops duplicate articles (same canonical URL or same text; a note says
 * so), pairs attachments. Without skip_bad the first bad file fails the scan with
 * "relpath:line: reason"; a bad config file always does. Returns 0, or a negative
 * SAT_E_* code with err set. */
int pack_source_scan(const char *path, const pack_scan_opts *opts, pack_source **out,
                     sat_err *err);

void pack_doc_free(pack_doc *doc);
void pack_source_free(pack_source *src);

#endif
