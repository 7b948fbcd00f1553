/*
 * pack_config.h - the bundle config file "satchel.conf" at the root of a source folder
 * (or archive): bundle title, publisher, default language and charset, section names
 * per folder, and per-file metadata overrides. Format in docs/INPUT.md.
 *
 * Call sequence:
 *   pack_config *c = NULL;
 *   pack_config_parse("satchel.conf", data, len, &c, &err);  // strict, errors name the line
 *   c->title, c->publisher, c->lang, c->charset (NULL when not set)
 *   pack_config_apply(c, doc_relpath, &meta, &err);          // per document or media
 *   pack_config_unused(c, ...)                              // overrides that matched nothing
 *   pack_config_free(c);
 */
#ifndef PACK_CONFIG_H
#define PACK_CONFIG_H

#include <stddef.h>

#include "sat_err.h"
#include "sat_meta.h"

#define PACK_CONFIG_NAME "satchel.conf"

typedef struct pack_config pack_config;

/* Bundle-wide settings, NULL when not set. Owned by the config. */
typedef struct pack_config_bundle {
    const char *title;
    const char *publisher;
    const char *lang;    /* default language of entries without one (BCP 47) */
    const char *charset; /* fallback charset of text files without a declaration */
} pack_config_bundle;

/* Parses the config text (UTF-8). Errors: "relpath:LINE: what is wrong". Returns 0,
 * SAT_E_FORMAT or SAT_E_NOMEM. */
int pack_config_parse(const char *relpath, const char *data, size_t len, pack_config **out,
                      sat_err *err);

/* The bundle-wide settings. */
const pack_config_bundle *pack_config_get(const pack_config *c);

/* Applies the config to the metadata of the entry read from relpath (a feed item's
 * relpath "feed.xml#N": the block [file feed.xml] applies to every item of the feed, then
 * [file feed.xml#N] to item N). First a per-file override block replaces the fields it
 * sets; then the section of the nearest folder that names one and the default language
 * fill empty fields. The result is not checked here (the caller runs sat_meta_check).
 * Returns 0 or SAT_E_NOMEM. Accepts c == NULL (no change). */
int pack_config_apply(pack_config *c, const char *relpath, sat_meta *m, sat_err *err);

/* Calls fn for every override or section block whose path matched no file, so the
 * packer can warn about a misspelt path. */
void pack_config_unused(const pack_config *c, void (*fn)(void *ctx, const char *msg),
                        void *ctx);

void pack_config_free(pack_config *c);

#endif
