/*
 * export_search.h - the optional search page of the static web export.
 *
 * search.html loads two script files of the export (CSP script-src 'self'; every other
 * page has no script at all): search-data.js, the precomputed index written here as one
 * JavaScript array literal of JSON strings, and search.js, which filters it as the user
 * types. Nothing is fetched (no fetch, no XHR: connect-src falls back to 'none'); results
 * are built with textContent, never as HTML; links are checked against the export's own
 * name form before use. With JavaScript off the page says so and the contents page works.
 *
 *   sat_buf data = {0};
 *   es_data_begin(&data);
 *   es_data_add(&data, "e/000/000012.html", entry, body, len); // per written text entry
 *   es_data_end(&data);                                      // then write search-data.js
 *   es_page(&html);                                          // search.html
 *   es_script();                                             // search.js
 */
#ifndef EXPORT_SEARCH_H
#define EXPORT_SEARCH_H

#include <stddef.h>

#include "sat_manifest.h"
#include "sat_text.h"

/* Body text kept per entry (the beginning of longer ones), and in all (beyond it only
 * titles, sections and tags are searchable). */
#define ES_TEXT_PER_ENTRY 4096
#define ES_TEXT_TOTAL ((size_t)48 << 20)

/* CSP of search.html: the export's own scripts, nothing else. */
#define ES_CSP                                                                             \
    "default-src 'none'; script-src 'self'; img-src 'self'; style-src 'self'; "           \
    "base-uri 'none'; form-action 'none'"

int es_data_begin(sat_buf *data);
/* Appends one record [href, title, date, section, tags, lang, text] (JSON strings,
 * controls escaped): text is the body without gemtext markers and link addresses. href is
 * the export's own name ("e/000/000012.html"). Returns 0 or SAT_E_NOMEM. */
int es_data_add(sat_buf *data, const char *href, const sat_mentry *e, const char *body,
                size_t len);
int es_data_end(sat_buf *data);

/* Appends search.html. */
int es_page(sat_buf *out);

/* The text of search.js. */
const char *es_script(void);

#endif
