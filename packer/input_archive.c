/*
 * input_archive.c - reads a zip, tar (plain or compressed) or 7z archive into memory with
 * libarchive for `satchel-pack build --from FILE` (see pack_archive.h). Nothing is written
 * to disk: only regular files are taken, each read into a buffer whose growth is checked
 * against the limits byte by byte as libarchive hands them over (the sizes in headers
 * are never trusted), and every name is sanitised before it is used.
 */
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <archive.h>
#include <archive_entry.h>

#include "pack_archive.h"
#include "sat_text.h"

/* Bytes of a buffer allocated up front from a header's size (a hint, never trusted). */
#define ARC_HINT_MAX ((size_t)16 << 20)
/* Smallest buffer for an entry's data. */
#define ARC_BUF_MIN ((size_t)4096)
/* Bytes of an entry name shown in a message. */
#define ARC_SHOW_MAX 160
/* ARCHIVE_RETRY answers accepted in a row before giving up. */
#define ARC_RETRY_MAX 16
/* libarchive's read block for files. */
#define ARC_BLOCK ((size_t)64 << 10)

static const char ARC_KINDS[] = "zip, tar, tar.gz, tar.bz2, tar.xz, tar.zst or 7z";

/* ------------------------------------------------------------------------
 * The set of names taken so far (files and the folders they imply)
 * ------------------------------------------------------------------------ */

/* A key is a slice of an accepted file's relpath (owned by pack_archive.files). */
typedef struct arc_slot {
    const char *s; /* NULL: empty slot */
    size_t n;
    uint64_t h;
    int is_dir;
} arc_slot;

typedef struct arc_set {
    arc_slot *slots;
    size_t cap; /* power of two */
    size_t used;
} arc_set;

static uint64_t arc_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;

    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static arc_slot *arc_set_find(const arc_set *set, const char *s, size_t n, uint64_t h)
{
    size_t i;

    if (set->cap == 0)
        return NULL;
    for (i = (size_t)h & (set->cap - 1);; i = (i + 1) & (set->cap - 1)) {
        arc_slot *sl = &set->slots[i];
        if (sl->s == NULL)
            return NULL;
        if (sl->h == h && sl->n == n && memcmp(sl->s, s, n) == 0)
            return sl;
    }
}

static int arc_set_add(arc_set *set, const char *s, size_t n, uint64_t h, int is_dir)
{
    size_t i;

    if ((set->used + 1) * 2 > set->cap) {
        size_t ncap = set->cap ? set->cap * 2 : 256;
        arc_slot *ns;

        if (ncap > SIZE_MAX / sizeof *ns)
            return SAT_E_NOMEM;
        ns = calloc(ncap, sizeof *ns);
        if (ns == NULL)
            return SAT_E_NOMEM;
        for (size_t k = 0; k < set->cap; k++) {
            if (set->slots[k].s == NULL)
                continue;
            for (i = (size_t)set->slots[k].h & (ncap - 1); ns[i].s != NULL; i = (i + 1) & (ncap - 1))
                ;
            ns[i] = set->slots[k];
        }
        free(set->slots);
        set->slots = ns;
        set->cap = ncap;
    }
    for (i = (size_t)h & (set->cap - 1); set->slots[i].s != NULL; i = (i + 1) & (set->cap - 1))
        ;
    set->slots[i] = (arc_slot){s, n, h, is_dir};
    set->used++;
    return 0;
}

/* ------------------------------------------------------------------------
 * Reading state and messages
 * ------------------------------------------------------------------------ */

typedef struct arc_ctx {
    const char *where; /* the archive's path, for messages */
    pack_archive_limits lim;
    int skip_bad;
    pack_archive *out;
    size_t cap_files, cap_skipped, cap_notes;
    size_t n_warn; /* warnings seen (notes beyond PACK_ARCHIVE_NOTES_MAX are counted) */
    uint64_t total;    /* bytes read, plus the claimed sizes of entries passed over */
    int data_read;     /* the current entry's data was read (else libarchive skips it) */
    size_t n_entries;
    arc_set names;
    sat_err *err;
} arc_ctx;

/* A terminal-safe, shortened copy of an entry name for messages (malloc'd; NULL on OOM). */
static char *arc_show(const char *name)
{
    sat_buf b = {0};
    size_t n = strlen(name);
    int cut = 0;

    if (n > ARC_SHOW_MAX) {
        n = ARC_SHOW_MAX;
        while (n > 0 && ((unsigned char)name[n] & 0xC0) == 0x80)
            n--;
        cut = 1;
    }
    if (sat_text_sanitize(&b, name, n, 0) != 0 || (cut && sat_buf_puts(&b, "...") != 0) ||
        sat_buf_append(&b, "", 0) != 0) {
        sat_buf_free(&b);
        return NULL;
    }
    return b.data;
}

/* "N MiB" when n is a whole number of MiB, else "N bytes". */
static void arc_size_str(uint64_t n, char out[32])
{
    if (n >= ((uint64_t)1 << 20) && n % ((uint64_t)1 << 20) == 0)
        snprintf(out, 32, "%llu MiB", (unsigned long long)(n >> 20));
    else
        snprintf(out, 32, "%llu bytes", (unsigned long long)n);
}

/* libarchive's message, never NULL. */
static const char *arc_msg(struct archive *a)
{
    const char *m = archive_error_string(a);
    return m != NULL && m[0] != '\0' ? m : "no details from libarchive (truncated?)";
}

/* Makes room for one more element in the array whose pointer is at vp (n used, *cap
 * allocated, elements of size bytes), doubling. The pointer is read and written with
 * memcpy, so any object pointer type works. Returns 0 or SAT_E_NOMEM (array unchanged). */
static int arc_grow(void *vp, size_t *cap, size_t n, size_t size)
{
    size_t ncap;
    void *v, *nv;

    if (n < *cap)
        return 0;
    ncap = *cap ? *cap * 2 : 16;
    if (ncap > SIZE_MAX / size)
        return SAT_E_NOMEM;
    memcpy(&v, vp, sizeof v);
    nv = realloc(v, ncap * size);
    if (nv == NULL)
        return SAT_E_NOMEM;
    memcpy(vp, &nv, sizeof nv);
    *cap = ncap;
    return 0;
}

/* A bad entry: with skip_bad it is recorded (relpath = shown name) and 0 returned so that
 * reading goes on; else the error is set. why is the text after "entry 'NAME': ". */
static int arc_bad(arc_ctx *c, const char *shown, const char *why)
{
    pack_archive *o = c->out;
    pack_skip sk = {NULL, NULL};
    sat_buf r = {0};

    if (!c->skip_bad)
        return sat_err_set(c->err, SAT_E_FORMAT, "%s: entry '%s': %s", c->where, shown, why);
    if (sat_buf_printf(&r, "%s: entry '%s': %s", c->where, shown, why) != 0)
        goto nomem;
    sk.reason = r.data;
    sk.relpath = strdup(shown);
    if (sk.relpath == NULL)
        goto nomem;
    if (arc_grow(&o->skipped, &c->cap_skipped, o->n_skipped, sizeof *o->skipped) != 0)
        goto nomem;
    o->skipped[o->n_skipped++] = sk;
    return 0;
nomem:
    free(sk.relpath);
    sat_buf_free(&r);
    return sat_err_set(c->err, SAT_E_NOMEM, "%s: out of memory", c->where);
}

/* Records a libarchive warning about an entry that is read anyway. */
static int arc_note(arc_ctx *c, const char *shown, const char *msg)
{
    pack_archive *o = c->out;
    sat_buf b = {0};

    c->n_warn++;
    if (c->n_warn > PACK_ARCHIVE_NOTES_MAX + 1)
        return 0;
    if (c->n_warn == PACK_ARCHIVE_NOTES_MAX + 1) {
        if (sat_buf_printf(&b, "%s: more libarchive warnings (not shown)", c->where) != 0)
            goto nomem;
    } else if (sat_buf_printf(&b, "%s: entry '%s': libarchive warning: %s", c->where, shown,
                              msg) != 0) {
        goto nomem;
    }
    if (arc_grow(&o->notes, &c->cap_notes, o->n_notes, sizeof *o->notes) != 0)
        goto nomem;
    o->notes[o->n_notes++] = b.data;
    return 0;
nomem:
    sat_buf_free(&b);
    return sat_err_set(c->err, SAT_E_NOMEM, "%s: out of memory", c->where);
}

/* ------------------------------------------------------------------------
 * Names
 * ------------------------------------------------------------------------ */

/* The entry's name as UTF-8: the stored bytes when they are valid UTF-8 (zip files often
 * hold UTF-8 without saying so), else libarchive's conversion to UTF-8 (tar pax headers,
 * zip names flagged UTF-8 while the locale is not), else NULL. */
static const char *arc_name_utf8(struct archive_entry *e, const char **raw)
{
    const char *r = archive_entry_pathname(e);
    const char *u;

    *raw = r;
    if (r != NULL && sat_utf8_valid(r, strlen(r), NULL))
        return r;
    u = archive_entry_pathname_utf8(e);
    if (u != NULL && sat_utf8_valid(u, strlen(u), NULL))
        return u;
    if (*raw == NULL)
        *raw = u;
    return NULL;
}

int pack_archive_name_clean(const char *name, char *out, const char **why)
{
    size_t n = strlen(name), o = 0, depth = 0, i = 0;
    int ignore = 0;

    if (n > PACK_ARCHIVE_NAME_MAX) {
        *why = "name longer than 1024 bytes";
        return -1;
    }
    for (size_t k = 0; k < n;) {
        uint32_t cp;
        size_t step = sat_utf8_decode(name + k, n - k, &cp);
        if (step == 0 || sat_cp_is_dangerous(cp)) {
            *why = "name contains a control or bidi character; rename the file";
            return -1;
        }
        k += step;
    }
    if (name[0] == '/' || name[0] == '\\' ||
        (((name[0] | 0x20) >= 'a' && (name[0] | 0x20) <= 'z') && name[1] == ':' &&
         (name[2] == '\0' || name[2] == '/' || name[2] == '\\'))) {
        *why = "absolute path (path traversal): refused";
        return -1;
    }
    while (i < n) {
        size_t s = i;
        while (i < n && name[i] != '/' && name[i] != '\\')
            i++;
        if (i == s || (i - s == 1 && name[s] == '.')) {
            i++;
            continue;
        }
        if (i - s == 2 && name[s] == '.' && name[s + 1] == '.') {
            *why = "'..' in the path (path traversal): refused";
            return -1;
        }
        if (name[s] == '.' || (i - s == 8 && memcmp(name + s, "__MACOSX", 8) == 0))
            ignore = 1;
        if (++depth > PACK_ARCHIVE_DEPTH_MAX) {
            *why = "more than 64 folder levels";
            return -1;
        }
        if (o > 0)
            out[o++] = '/';
        memcpy(out + o, name + s, i - s);
        o += i - s;
        i++;
    }
    out[o] = '\0';
    if (ignore)
        return 1;
    if (o == 0) {
        *why = "empty name";
        return -1;
    }
    return 0;
}

/* Checks name against the names taken: not taken, no folder of it a file, not itself a
 * folder of a file. Returns 0 or -1 with the reason in why[]. */
static int arc_name_free(const arc_ctx *c, const char *name, char *why, size_t whylen)
{
    size_t n = strlen(name);
    const arc_slot *sl = arc_set_find(&c->names, name, n, arc_hash(name, n));

    if (sl != NULL) {
        snprintf(why, whylen, "%s", sl->is_dir ? "is also a folder of other files in the archive"
                                               : "the archive holds this name twice (the first "
                                                 "one is taken)");
        return -1;
    }
    /* folders from the longest: once one is known as a folder, shorter ones are too */
    for (size_t k = n; k-- > 0;) {
        if (name[k] != '/')
            continue;
        sl = arc_set_find(&c->names, name, k, arc_hash(name, k));
        if (sl == NULL)
            continue;
        if (sl->is_dir)
            break;
        snprintf(why, whylen, "its folder '%.*s' is a file in the archive",
                 (int)(k < ARC_SHOW_MAX ? k : ARC_SHOW_MAX), name);
        return -1;
    }
    return 0;
}

/* Adds an accepted name (owned by the caller until pack_archive_free) and its folders. */
static int arc_name_take(arc_ctx *c, const char *name)
{
    size_t n = strlen(name);
    int rc = arc_set_add(&c->names, name, n, arc_hash(name, n), 0);

    for (size_t k = n; rc == 0 && k-- > 0;) {
        uint64_t h;
        if (name[k] != '/')
            continue;
        h = arc_hash(name, k);
        if (arc_set_find(&c->names, name, k, h) != NULL)
            break;
        rc = arc_set_add(&c->names, name, k, h, 1);
    }
    return rc;
}

/* ------------------------------------------------------------------------
 * Reading one entry
 * ------------------------------------------------------------------------ */

static int arc_total_err(arc_ctx *c, const char *shown)
{
    char sz[32];

    arc_size_str(c->lim.total_max, sz);
    return sat_err_set(c->err, SAT_E_LIMIT,
                       "%s: the files in the archive expand beyond %s in total (at entry '%s'; "
                       "a zip bomb?)",
                       c->where, sz, shown);
}

/* Reads the current entry's data into a malloc'd, NUL-terminated buffer, counting bytes
 * against the limits as they come. Returns 0, 1 for an unreadable entry (skippable; the
 * reason in why[]), or a negative SAT_E_* with err set (limits, damage, OOM). */
static int arc_read_data(arc_ctx *c, struct archive *a, struct archive_entry *e,
                         const char *shown, char **data, size_t *len, char *why, size_t whylen)
{
    size_t emax = c->lim.entry_max < SIZE_MAX - 2 ? c->lim.entry_max : SIZE_MAX - 2;
    size_t cap = ARC_BUF_MIN, n = 0;
    int retries = 0;
    char *buf;
    char sz[32];

    if (archive_entry_size_is_set(e) && archive_entry_size(e) > 0) {
        uint64_t hint = (uint64_t)archive_entry_size(e) + 1;
        if (hint > ARC_HINT_MAX)
            hint = ARC_HINT_MAX;
        if (hint > (uint64_t)emax + 2)
            hint = (uint64_t)emax + 2;
        if (hint > cap)
            cap = (size_t)hint;
    }
    buf = malloc(cap);
    if (buf == NULL)
        return sat_err_set(c->err, SAT_E_NOMEM, "%s: out of memory", c->where);
    c->data_read = 1;
    for (;;) {
        la_ssize_t got;

        if (cap - 1 - n == 0) { /* full: grow, up to one byte past the limit */
            size_t ncap = cap <= (emax + 2) / 2 ? cap * 2 : emax + 2;
            char *nb = realloc(buf, ncap);
            if (nb == NULL) {
                free(buf);
                return sat_err_set(c->err, SAT_E_NOMEM, "%s: out of memory reading entry '%s'",
                                   c->where, shown);
            }
            buf = nb;
            cap = ncap;
        }
        got = archive_read_data(a, buf + n, cap - 1 - n);
        if (got == 0)
            break;
        if (got > 0) {
            n += (size_t)got;
            c->total += (uint64_t)got;
            if (n > c->lim.entry_max) {
                free(buf);
                arc_size_str(c->lim.entry_max, sz);
                return sat_err_set(c->err, SAT_E_LIMIT,
                                   "%s: entry '%s' expands beyond %s (a zip bomb?)", c->where,
                                   shown, sz);
            }
            if (c->total > c->lim.total_max) {
                free(buf);
                return arc_total_err(c, shown);
            }
            retries = 0;
            continue;
        }
        if (got == ARCHIVE_RETRY && ++retries <= ARC_RETRY_MAX)
            continue;
        free(buf);
        if (got == ARCHIVE_FAILED) { /* this entry only (unsupported method, ...) */
            snprintf(why, whylen, "cannot be read: %s", arc_msg(a));
            return 1;
        }
        return sat_err_set(c->err, SAT_E_FORMAT, "%s: entry '%s': damaged archive: %s", c->where,
                           shown, arc_msg(a));
    }
    buf[n] = '\0';
    if (cap - n > ARC_BUF_MIN * 16) { /* doubling left much unused: give it back */
        char *nb = realloc(buf, n + 1);
        if (nb != NULL)
            buf = nb;
    }
    *data = buf;
    *len = n;
    return 0;
}

/* Adds a file read from the archive; takes data and name. */
static int arc_add(arc_ctx *c, char *name, char *data, size_t len)
{
    pack_archive *o = c->out;

    if (arc_grow(&o->files, &c->cap_files, o->n_files, sizeof *o->files) != 0 ||
        arc_name_take(c, name) != 0)
        goto nomem;
    o->files[o->n_files++] = (pack_archive_file){name, data, len};
    return 0;
nomem:
    free(name);
    free(data);
    return sat_err_set(c->err, SAT_E_NOMEM, "%s: out of memory", c->where);
}

/* Handles the entry whose header was just read. Returns 0 (taken, ignored or skipped) or
 * a negative SAT_E_* with err set. */
static int arc_entry(arc_ctx *c, struct archive *a, struct archive_entry *e, const char *name,
                     const char *raw, const char *shown, const char *warn_msg)
{
    char clean[PACK_ARCHIVE_NAME_MAX + 1];
    char why[256];
    const char *reason = NULL;
    char *mine, *data = NULL;
    mode_t type = archive_entry_filetype(e);
    size_t len = 0;
    int rc, k;

    if (type == AE_IFDIR)
        return 0; /* folders: nothing is made from them, whatever their name ("./") */
    if (name == NULL)
        return arc_bad(c, shown,
                       raw == NULL ? "entry without a name"
                                   : "name is not UTF-8 (made with a legacy code page such as "
                                     "CP949?): make the archive again with UTF-8 names");
    k = pack_archive_name_clean(name, clean, &reason);
    if (k < 0)
        return arc_bad(c, shown, reason);
    if (k == 1)
        return 0; /* hidden, __MACOSX */
    if (warn_msg != NULL && (rc = arc_note(c, shown, warn_msg)) != 0)
        return rc;
    if (archive_entry_hardlink(e) != NULL)
        return arc_bad(c, shown, "is a hard link: refused (store the file itself)");
    if (type == AE_IFLNK || archive_entry_symlink(e) != NULL)
        return arc_bad(c, shown, "is a symbolic link: refused (store the file itself)");
    if (type != AE_IFREG && type != 0)
        return arc_bad(c, shown, "is a device, pipe or socket: refused");
    if (arc_name_free(c, clean, why, sizeof why) != 0)
        return arc_bad(c, shown, why);
    if (archive_entry_is_data_encrypted(e))
        return arc_bad(c, shown, "is encrypted (password-protected): make the archive again "
                                 "without a password");
    rc = arc_read_data(c, a, e, shown, &data, &len, why, sizeof why);
    if (rc == 1)
        return arc_bad(c, shown, why);
    if (rc != 0)
        return rc;
    mine = strdup(clean);
    if (mine == NULL) {
        free(data);
        return sat_err_set(c->err, SAT_E_NOMEM, "%s: out of memory", c->where);
    }
    return arc_add(c, mine, data, len);
}

/* ------------------------------------------------------------------------
 * The whole archive
 * ------------------------------------------------------------------------ */

static int arc_cmp(const void *x, const void *y)
{
    return strcmp(((const pack_archive_file *)x)->relpath,
                  ((const pack_archive_file *)y)->relpath);
}

static struct archive *arc_new(void)
{
    struct archive *a = archive_read_new();

    if (a == NULL)
        return NULL;
    /* only in-process decoders (no external programs), only these formats: not mtree
     * (it names files on disk), not raw (anything would pass), not empty */
    if (archive_read_support_filter_gzip(a) != ARCHIVE_OK ||
        archive_read_support_filter_bzip2(a) != ARCHIVE_OK ||
        archive_read_support_filter_xz(a) != ARCHIVE_OK ||
        archive_read_support_filter_lzma(a) != ARCHIVE_OK ||
        archive_read_support_filter_zstd(a) != ARCHIVE_OK ||
        archive_read_support_format_tar(a) != ARCHIVE_OK ||
        archive_read_support_format_gnutar(a) != ARCHIVE_OK ||
        archive_read_support_format_zip(a) != ARCHIVE_OK ||
        archive_read_support_format_7zip(a) != ARCHIVE_OK) {
        archive_read_free(a);
        return NULL;
    }
    return a;
}

/* The open step failed: a file we could not read, bytes no format recognises (libarchive's
 * "file format" errno is EILSEQ), or a recognised but damaged start. */
static int arc_open_failed(arc_ctx *c, struct archive *a)
{
    int e = archive_errno(a);

    if (e == EILSEQ)
        return sat_err_set(c->err, SAT_E_FORMAT,
                           "%s: not an archive libarchive recognises (expected %s): %s",
                           c->where, ARC_KINDS, arc_msg(a));
    if (e == ENOMEM)
        return sat_err_set(c->err, SAT_E_NOMEM, "%s: out of memory", c->where);
    if (e > 0)
        return sat_err_set(c->err, SAT_E_IO, "%s: cannot read: %s", c->where, arc_msg(a));
    return sat_err_set(c->err, SAT_E_FORMAT, "%s: damaged archive: %s", c->where, arc_msg(a));
}

/* Reads every entry of an opened archive into c->out. */
static int arc_walk(arc_ctx *c, struct archive *a)
{
    struct archive_entry *e;
    char *last = NULL; /* shown name of the last entry, for damage messages */
    int retries = 0, rc = 0;

    for (;;) {
        int r = archive_read_next_header(a, &e);
        const char *raw = NULL, *name;
        char *shown;

        if (r == ARCHIVE_EOF)
            break;
        if (r == ARCHIVE_RETRY && ++retries <= ARC_RETRY_MAX)
            continue;
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
            if (c->n_entries == 0 && archive_format(a) == 0)
                rc = arc_open_failed(c, a);
            else if (last == NULL)
                rc = sat_err_set(c->err, SAT_E_FORMAT, "%s: damaged archive (at its first "
                                 "entry): %s", c->where, arc_msg(a));
            else
                rc = sat_err_set(c->err, SAT_E_FORMAT, "%s: damaged archive after entry '%s': %s",
                                 c->where, last, arc_msg(a));
            break;
        }
        retries = 0;
        if (++c->n_entries > c->lim.files_max) {
            rc = sat_err_set(c->err, SAT_E_LIMIT, "%s: more than %zu entries in the archive "
                             "(split it into smaller archives)", c->where, c->lim.files_max);
            break;
        }
        name = arc_name_utf8(e, &raw);
        shown = arc_show(name != NULL ? name : raw != NULL ? raw : "");
        if (shown == NULL) {
            rc = sat_err_set(c->err, SAT_E_NOMEM, "%s: out of memory", c->where);
            break;
        }
        free(last);
        last = shown;
        c->data_read = 0;
        rc = arc_entry(c, a, e, name, raw, shown, r == ARCHIVE_WARN ? arc_msg(a) : NULL);
        if (rc != 0)
            break;
        /* an entry passed over (hidden, refused) may still be decompressed to skip it (tar.gz,
         * 7z): its claimed size counts, so that skipping cannot take unbounded time */
        if (!c->data_read && archive_entry_size_is_set(e) && archive_entry_size(e) > 0) {
            uint64_t sz = (uint64_t)archive_entry_size(e);
            c->total = sz > UINT64_MAX - c->total ? UINT64_MAX : c->total + sz;
            if (c->total > c->lim.total_max) {
                rc = arc_total_err(c, shown);
                break;
            }
        }
    }
    free(last);
    return rc;
}

static int arc_read(const char *where, const char *path, const void *mem, size_t mem_len,
                    const pack_archive_limits *lim, int skip_bad, pack_archive **out,
                    sat_err *err)
{
    arc_ctx c;
    struct archive *a = NULL;
    /* libarchive converts names through the current locale: in the C locale a 7z or pax
     * name outside ASCII would be lost, so this thread reads in C.UTF-8 */
    locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    locale_t old = utf8 != (locale_t)0 ? uselocale(utf8) : (locale_t)0;
    int rc;

    *out = NULL;
    memset(&c, 0, sizeof c);
    c.where = where;
    c.err = err;
    c.skip_bad = skip_bad;
    c.lim = lim != NULL ? *lim
                        : (pack_archive_limits){PACK_ARCHIVE_ENTRY_MAX, PACK_ARCHIVE_TOTAL_MAX,
                                                PACK_ARCHIVE_FILES_MAX};
    c.out = calloc(1, sizeof *c.out);
    a = arc_new();
    if (c.out == NULL || a == NULL) {
        rc = sat_err_set(err, SAT_E_NOMEM, "%s: out of memory", where);
        goto done;
    }
    if (path != NULL)
        rc = archive_read_open_filename(a, path, ARC_BLOCK);
    else
        rc = archive_read_open_memory(a, mem, mem_len);
    if (rc != ARCHIVE_OK) {
        rc = arc_open_failed(&c, a);
        goto done;
    }
    rc = arc_walk(&c, a);
    if (rc == 0 && c.out->n_files > 1)
        qsort(c.out->files, c.out->n_files, sizeof *c.out->files, arc_cmp);
done:
    if (a != NULL)
        archive_read_free(a);
    free(c.names.slots);
    if (utf8 != (locale_t)0) {
        uselocale(old);
        freelocale(utf8);
    }
    if (rc != 0) {
        pack_archive_free(c.out);
        return rc;
    }
    *out = c.out;
    return 0;
}

int pack_archive_read(const char *path, const pack_archive_limits *lim, int skip_bad,
                      pack_archive **out, sat_err *err)
{
    return arc_read(path, path, NULL, 0, lim, skip_bad, out, err);
}

int pack_archive_read_memory(const char *name, const void *data, size_t len,
                             const pack_archive_limits *lim, int skip_bad, pack_archive **out,
                             sat_err *err)
{
    return arc_read(name, NULL, data, len, lim, skip_bad, out, err);
}

void pack_archive_free(pack_archive *a)
{
    if (a == NULL)
        return;
    for (size_t i = 0; i < a->n_files; i++) {
        free(a->files[i].relpath);
        free(a->files[i].data);
    }
    for (size_t i = 0; i < a->n_skipped; i++) {
        free(a->skipped[i].relpath);
        free(a->skipped[i].reason);
    }
    for (size_t i = 0; i < a->n_notes; i++)
        free(a->notes[i]);
    free(a->files);
    free(a->skipped);
    free(a->notes);
    free(a);
}
