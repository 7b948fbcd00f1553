/*
 * input_common.h - helpers shared by the packer's input parsers (input_markdown.c,
 * input_text.c, input_subtitle.c) and source_scan.c. Internal to packer/: the
 * rest of the packer uses pack_input.h only.
 *
 * Call sequence inside a parser:
 *   sat_buf text = {0};
 *   pack_in_prepare(relpath, data, len, &text, err);  // UTF-8 check, BOM, LF, controls
 *   pack_in_lines it; pack_in_lines_init(&it, text.data, text.len);
 *   while (pack_in_lines_next(&it, &line, &n)) { ... pack_gem_add(&gem, ...) ... }
 *   pack_in_doc_finish(doc, relpath, kind, &gem, err);  // id, body, sat_meta_check
 */
#ifndef PACK_INPUT_COMMON_H
#define PACK_INPUT_COMMON_H

#include <stddef.h>

#include "pack_input.h"
#include "sat_text.h"

/* ------------------------------------------------------------------------
 * Preparing raw file bytes
 * ------------------------------------------------------------------------ */

/* Checks data[0..len) (at most PACK_TEXT_MAX bytes, valid UTF-8, no NUL), strips a
 * leading UTF-8 BOM, turns CRLF and CR into LF and removes control characters other
 * than TAB and LF (C0, DEL, C1). Line numbers are unchanged by the conversion.
 * Appends the result to out (caller frees). Returns 0, SAT_E_LIMIT or SAT_E_FORMAT
 * ("relpath:LINE: invalid UTF-8 (byte offset N)"), SAT_E_NOMEM. */
int pack_in_prepare(const char *relpath, const char *data, size_t len, sat_buf *out,
                    sat_err *err);

/* 1-based line number of byte offset off in data, counting from data[start] (LF, CRLF
 * and CR end lines). */
size_t pack_in_line_of(const char *data, size_t start, size_t off);

/* (input_charset.c) 1 if the valid UTF-8 s[0..n) is certainly in NFC because every code
 * point is in a range that NFC never changes (ASCII, Latin-1, Hangul syllables, CJK
 * ideographs, common punctuation); 0 means "maybe not" and pack_nfc asks utf8proc. */
int pack_nfc_quick(const char *s, size_t n);

/* Iterates over LF-terminated lines of prepared text (the last line may lack LF). */
typedef struct pack_in_lines {
    const char *p;
    size_t len;
    size_t pos;
    size_t lineno; /* 1-based number of the line last returned */
} pack_in_lines;

void pack_in_lines_init(pack_in_lines *it, const char *p, size_t len);
/* Returns 1 and sets *line and *n (without the LF), or 0 at the end. */
int pack_in_lines_next(pack_in_lines *it, const char **line, size_t *n);

/* 1 if s[0..n) holds only spaces and TABs. */
int pack_in_is_blank(const char *s, size_t n);
/* 1 for ASCII space or TAB. */
int pack_in_is_space(char c);
/* Trims spaces/TABs at both ends of [*s, *s + *n). */
void pack_in_trim(const char **s, size_t *n);

/* ------------------------------------------------------------------------
 * Building a gemtext body
 * ------------------------------------------------------------------------ */

typedef enum pack_gem_type {
    PACK_GEM_PARA = 0, /* text line; one block each */
    PACK_GEM_H1,
    PACK_GEM_H2,
    PACK_GEM_H3,
    PACK_GEM_ITEM,  /* "* " list item; consecutive items form one block */
    PACK_GEM_QUOTE, /* "> " quote; consecutive quotes form one block */
    PACK_GEM_CUE    /* "[hh:mm:ss] ..." transcript line; consecutive cues form one block */
} pack_gem_type;

/* A gemtext body under construction. Zero-initialise. */
typedef struct pack_gem {
    sat_buf out;
    int last;          /* group of the last block written; 0 = nothing written yet */
    int in_pre;        /* inside a ``` block */
    size_t pre_end;    /* end of the last non-blank line inside the open ``` block */
    size_t pre_start;  /* body length before the open ``` block (to drop it when empty) */
    int pre_prev;      /* last before the open ``` block */
    int pre_text;      /* the open ``` block has a non-blank line */
} pack_gem;

/* Appends one line of type t. The text is made single-line: runs of spaces/TABs become
 * one space, ends trimmed. An empty result is skipped. A text or cue line that would
 * read as gemtext markup ("#", ">", "* ", "=>", "```") gets a leading space.
 * Returns 0 or SAT_E_NOMEM. */
int pack_gem_add(pack_gem *g, pack_gem_type t, const char *text, size_t n);
/* Appends a "=> url label" line (links group together). Spaces in url become %20.
 * label may be empty. An empty url is skipped. Returns 0 or SAT_E_NOMEM. */
int pack_gem_link(pack_gem *g, const char *url, size_t url_n, const char *label,
                  size_t label_n);
/* Link lines waiting for the end of their block are kept as "url NUL label NUL" pairs
 * in a buffer: pack_gem_links_add appends one (0 or SAT_E_NOMEM); pack_gem_links_emit
 * writes them all as link lines and ends the group (pack_gem_break_links); the caller
 * empties the buffer. */
int pack_gem_links_add(sat_buf *pairs, const char *url, size_t url_n, const char *label,
                       size_t label_n);
int pack_gem_links_emit(pack_gem *g, const sat_buf *pairs);
/* Ends the current group of link lines: the next link line starts a new block. */
void pack_gem_break_links(pack_gem *g);
/* Opens a preformatted block with an optional alt text. */
int pack_gem_pre_open(pack_gem *g, const char *alt, size_t n);
/* Appends one preformatted line verbatim (TAB -> space, trailing spaces removed, a
 * leading "```" protected by a space). */
int pack_gem_pre_line(pack_gem *g, const char *s, size_t n);
/* Closes the preformatted block if open. Trailing blank lines in it are dropped, and a
 * block with no text at all is removed. */
int pack_gem_pre_close(pack_gem *g);
/* Frees the buffer. */
void pack_gem_free(pack_gem *g);

/* ------------------------------------------------------------------------
 * Metadata helpers
 * ------------------------------------------------------------------------ */

/* Returns a malloc'd single-line copy of s[0..n): whitespace runs collapsed to one
 * space, ends trimmed (may be ""). NULL on OOM. */
char *pack_in_field(const char *s, size_t n);

/* (input_values.c) Normalises a date to "YYYY-MM-DD" or UTC "YYYY-MM-DDThh:mm:ssZ" in
 * out. Accepts (spaces around ignored):
 *   ISO 8601: "2026-11-03", "2026-11-03T06:30:00Z", "...+09:00" / "+0900" / "+09", with
 *     or without seconds, fractional seconds (dropped), a space instead of "T";
 *   RFC 822/1123 as in RSS: "Tue, 03 Jun 2025 09:39:21 GMT" (weekday optional, 2-digit
 *     years 1950..2049, zones Z UT UTC GMT KST JST EST EDT CST CDT MST MDT PST PDT or an
 *     offset);
 *   "2026.11.03", "2026. 11. 3.", "2026/11/03", optionally with "hh:mm[:ss]" and a zone;
 *   Korean "2026년 11월 2일", optionally "(월)" or "월요일", "오전/오후 h:mm" or "hh:mm",
 *     and a zone.
 * A time without a zone cannot be placed in UTC: only its date is kept. Returns 0, or -1
 * when the text is no such date (calendar-checked; out is then unspecified). */
int pack_in_date_norm(const char *s, size_t n, char out[21]);

/* (input_values.c) Normalises a language tag to BCP 47 case conventions: '_' becomes
 * '-', the language lower case, a 4-letter script title case, a 2-letter region upper
 * case, the rest lower case ("ko_KR" -> "ko-KR", "KO" -> "ko", "zh-hant-tw" ->
 * "zh-Hant-TW"); a POSIX locale's ".UTF-8" or "@euro" is dropped. Returns 0, or -1 when
 * it is not a tag (subtags of 1-8 letters/digits, the first letters only, at most
 * SAT_LANG_MAX bytes). */
int pack_in_lang_norm(const char *s, size_t n, char out[SAT_LANG_MAX + 1]);

/* Metadata keys accepted by front matter (all) and WebVTT NOTE blocks (not id/kind). */
#define PACK_IN_KEYS_FRONT 1
#define PACK_IN_KEYS_NOTE 0
/* 1 if key[0..n) (case-insensitive) is an accepted key. */
int pack_in_key_known(const char *key, size_t n, int front);
/* Splits "key: value" into key and trimmed value, removing matching outer quotes from
 * the value. Returns 0, or -1 when there is no ':' or the key is not [A-Za-z_-]+. */
int pack_in_split_kv(const char *s, size_t n, const char **key, size_t *klen, const char **val,
                     size_t *vlen);
/* Sets one metadata field from a "key: value" line (key known). kind_out receives the
 * kind for key "kind". Errors name "relpath:line". Duplicate keys are errors. Returns 0,
 * SAT_E_FORMAT or SAT_E_NOMEM. */
int pack_in_meta_set(sat_meta *m, sat_kind *kind_out, const char *key, size_t klen,
                     const char *val, size_t vlen, const char *relpath, size_t line,
                     sat_err *err);

/* Title made from a file name: base name without extension, '-' and '_' as spaces.
 * malloc'd, NULL on OOM. */
char *pack_in_title_from_name(const char *relpath);
/* Date "YYYY-MM-DD" found in the base name (first valid one), malloc'd; NULL if none. */
char *pack_in_date_from_name(const char *relpath);

/* Decodes an HTML entity at s (s[0] == '&'): &amp; &lt; &gt; &quot; &apos; &nbsp; (as a
 * space) &lrm; &rlm; (dropped) and &#N; / &#xH;. Appends the result and returns the
 * bytes consumed, or 0 if s does not start a known entity. -1 on OOM. */
int pack_in_entity(const char *s, size_t n, sat_buf *out);

/* ------------------------------------------------------------------------
 * Local media references (Markdown and HTML images)
 * ------------------------------------------------------------------------ */

/* 1 if s[0..n) starts with a URL scheme ("https:", "mailto:") or "//". */
int pack_in_is_url(const char *s, size_t n);
/* Joins dir ("" or ending with '/') and a local path p[0..n) (percent-decoded, with
 * md_escapes also Markdown backslash escapes; "." and ".." resolved; a leading '/'
 * means the source folder) into out. Returns 0, 1 if the path leaves the source
 * folder (or is empty), or SAT_E_NOMEM. */
int pack_in_local_path(const char *dir, const char *p, size_t n, int md_escapes, sat_buf *out);
/* Resolves a local image reference p[0..n) as pack_in_local_path does, looks it up with
 * fn (fn NULL: an id derived from the path) and appends "attachment:<id>" to url.
 * Errors name "where:line" (line 0: where alone). Returns 0, 1 if the path leaves the
 * source folder (nothing appended, err untouched), SAT_E_FORMAT ("...: image '...' is
 * not an image or audio file in the source folder"), SAT_E_NOMEM or fn's error. */
int pack_in_media_ref(const char *dir, const char *p, size_t n, int md_escapes,
                      pack_media_fn fn, void *ctx, const char *where, size_t line, sat_buf *url,
                      sat_err *err);

/* ------------------------------------------------------------------------
 * Markdown with local media lookup (used by source_scan.c)
 * ------------------------------------------------------------------------ */

/* The lookup for local images (see pack_media_fn in pack_input.h). */
typedef pack_media_fn pack_md_media_fn;

/* pack_parse_markdown with a lookup for local images. With fn NULL every local image
 * is assumed to exist and its id is derived from its path. */
int pack_md_parse(const char *relpath, const char *data, size_t len, pack_md_media_fn fn,
                  void *ctx, pack_doc *doc, sat_err *err);

/* Finishes a parser: sets doc->relpath, doc->meta.id (from the path unless set),
 * kind, takes the gemtext body (an empty body is an error "relpath: no text"), and runs
 * sat_meta_check. On error the doc is freed. Returns 0 or a negative SAT_E_*. */
int pack_in_doc_finish(pack_doc *doc, const char *relpath, sat_kind kind, pack_gem *g,
                       sat_err *err);

#endif
