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
    char *relpath;   /* source file, relative to the source folder */
} pack_doc;

/* A media file stored as is (image or audio). */
typedef struct pack_media {
    sat_meta meta;   /* kind IMAGE or AUDIO; title = file name unless given; parent set when
                        attached to a doc */
    char *path;      /* path to open (source folder joined with relpath) */
    char *relpath;
} pack_media;

typedef struct pack_skip {
    char *relpath;
    char *reason;    /* "file:line: what is wrong" */
} pack_skip;

typedef struct pack_source {
    pack_doc *docs;
    size_t n_docs;
    pack_media *media;
    size_t n_media;
    pack_skip *skipped;
    size_t n_skipped;
} pack_source;

typedef struct pack_scan_opts {
    int skip_bad; /* nonzero: record bad files in skipped[] and go on */
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

/* Derives an entry id from a relative path (see docs/INPUT.md). keep_ext: keep the
 * extension (media) or drop it (documents). Returns malloc'd id or NULL (invalid/OOM). */
char *pack_id_from_path(const char *relpath, int keep_ext);

/* Walks dir (sorted, deterministic), parses every file, pairs attachments. Without
 * skip_bad the first bad file fails the scan with "relpath:line: reason". Returns 0,
 * or a negative SAT_E_* code with err set. */
int pack_source_scan(const char *dir, const pack_scan_opts *opts, pack_source **out,
                     sat_err *err);

void pack_doc_free(pack_doc *doc);
void pack_source_free(pack_source *src);

#endif
