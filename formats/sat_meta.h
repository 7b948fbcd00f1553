/*
 * sat_meta.h - the metadata of one bundle entry, shared by the packer's input
 * parsers, the bundle writer and the manifest.
 *
 * Field rules (checked by sat_meta_check, enforced again by the manifest parser):
 *   id      1..SAT_ID_MAX bytes of [A-Za-z0-9._-], not starting with '.' or '-',
 *           no ".." anywhere (ids become file names: no "/", no path tricks)
 *   title   required, valid UTF-8, no control characters (C0, DEL, C1), no TAB/LF,
 *           at most SAT_TITLE_MAX bytes
 *   date    "YYYY-MM-DD" or "YYYY-MM-DDThh:mm:ssZ", or NULL; a real calendar date
 *           (leap years), year 1900..9999, hh 00..23, mm and ss 00..59
 *   lang    BCP 47-ish tag: [A-Za-z0-9-]{1,35}, subtags of 1..8 letters/digits joined
 *           by single hyphens (no leading/trailing hyphen), or NULL
 *   author, source, section, tags: like title but at most SAT_FIELD_MAX bytes, or NULL
 *   tags    comma-separated, no empty tags, no spaces around commas or at either end
 *   parent  id of the entry this one is attached to (image of an article, audio of a
 *           transcript), or NULL
 * Every string is malloc'd and owned by the struct; sat_meta_free frees them.
 */
#ifndef SAT_META_H
#define SAT_META_H

#include <stddef.h>

#include "sat_err.h"

#define SAT_ID_MAX 80
#define SAT_TITLE_MAX 1024
#define SAT_FIELD_MAX 512
#define SAT_LANG_MAX 35

typedef enum sat_kind {
    SAT_KIND_ARTICLE = 0,
    SAT_KIND_TRANSCRIPT = 1,
    SAT_KIND_IMAGE = 2,
    SAT_KIND_AUDIO = 3,
    SAT_KIND_COUNT
} sat_kind;

typedef struct sat_meta {
    char *id;
    sat_kind kind;
    char *parent;
    char *title;
    char *date;
    char *lang;
    char *section;
    char *source;
    char *author;
    char *tags;
} sat_meta;

/* "article", "transcript", "image", "audio"; NULL for an invalid kind. */
const char *sat_kind_name(sat_kind k);
/* Parses a kind name. Returns 0 or SAT_E_FORMAT. */
int sat_kind_parse(const char *s, size_t len, sat_kind *out);
/* 1 for text kinds (article, transcript) whose bodies are gemtext in clusters. */
int sat_kind_is_text(sat_kind k);

/* 1 if id[0..len) is a valid entry id. */
int sat_id_valid(const char *id, size_t len);
/* 1 if s[0..len) is a valid date ("YYYY-MM-DD" or "YYYY-MM-DDThh:mm:ssZ", calendar-checked). */
int sat_date_valid(const char *s, size_t len);
/* 1 if s[0..len) is a valid lang tag. */
int sat_lang_valid(const char *s, size_t len);
/* 1 if s[0..len) is a valid free-text field of at most max bytes (UTF-8, no controls/TAB/LF). */
int sat_field_valid(const char *s, size_t len, size_t max);

/* Checks every field of m against the rules above. Returns 0 or SAT_E_FORMAT with a
 * message naming the entry (when its id is valid), the field, the bad value (sanitised
 * for a terminal and shortened) and what was expected. Empty optional fields pass. */
int sat_meta_check(const sat_meta *m, sat_err *err);

/* Deep copy into *dst, which is overwritten (not freed first). Returns 0 or SAT_E_NOMEM
 * (then *dst is untouched). The copy is freed with sat_meta_free. */
int sat_meta_copy(sat_meta *dst, const sat_meta *src, sat_err *err);

/* Frees every string and zeroes the struct. Accepts NULL. */
void sat_meta_free(sat_meta *m);

#endif
