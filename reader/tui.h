/*
 * tui.h - `satchel-read browse`: the full-screen terminal interface (ncursesw).
 *
 *   rmsg_set_lang(lang);                        the interface language
 *   return tui_browse(path, &keys);             the process's exit status
 *
 * The bundle is opened through sat_bundle_open (signature first) before the screen is
 * touched: a bundle that does not verify is not opened and only the reason is printed.
 * Then a verification banner, the library (filters, search as you type) and the
 * reading view. While browsing nothing is written to any file; only an attachment the
 * user saves is written, into the folder they type.
 */
#ifndef TUI_H
#define TUI_H

#include "reader_keys.h"

/* Exit statuses (as reader/main.c): 0 ok (also after the panic key), 1 the bundle
 * could not be read, 2 no usable terminal (not a terminal, no TERM or no description of
 * it, no UTF-8 locale: reader/tui_env.h), 3 not genuine; 128 + N after signal N (the
 * terminal restored first). */
int tui_browse(const char *path, const rk_set *keys);

#endif
