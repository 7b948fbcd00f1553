/*
 * source_scan.c - reads a source folder (or an archive's members, pack_archive.h),
 * classifies and parses every file, derives ids, applies the config file, drops
 * duplicate articles, pairs attachments (images referenced by documents, audio beside
 * transcripts) and records files skipped with --skip-bad and notes for the user.
 *
 * Order of work: collect every file (sorted bytewise by relative path) -> the config
 * file -> media entries (sizes checked, ids) -> documents in order (charset decoded,
 * parsed, config applied, duplicates dropped, ids claimed, attachments claimed) ->
 * final sat_meta_check of everything.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input_common.h"
#include "pack_archive.h"
#include "pack_config.h"
#include "pack_input.h"
#include "sat_meta.h"
#include "source_keys.h"
#include "sat_text.h"

#define SCAN_DEPTH_MAX 64

enum {
    FT_UNKNOWN = 0,
    FT_MD,
    FT_TXT,
    FT_VTT,
    FT_SRT,
    FT_HTML,
    FT_FEED,
    FT_XML, /* a feed when its root element says so */
    FT_IMAGE,
    FT_AUDIO,
    FT_CONFIG
};

#define FT_IS_MEDIA(t) ((t) == FT_IMAGE || (t) == FT_AUDIO)

/* ------------------------------------------------------------------------
 * Scan state
 * ------------------------------------------------------------------------ */

typedef struct scan_file {
    char *relpath;
    int type;
    const char *data; /* the member's bytes when reading an archive, else NULL */
    size_t len;
} scan_file;

typedef struct scan {
    const char *dir; /* folder or archive, for messages */
    int skip_bad;
    pack_source *src;
    sat_err err;
    scan_file *files;
    size_t n_files, cap_files;
    size_t cap_docs, cap_skipped, cap_notes;
    pack_keytab ids; /* entry id -> file (media: index in src->media) */
    pack_config *cfg;
    const char *charset; /* the config's fallback charset, or NULL */
} scan;

static int nomem(scan *sc)
{
    return sat_err_set(&sc->err, SAT_E_NOMEM, "out of memory");
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    size_t nc;
    void *q;

    if (need <= *cap)
        return 0;
    nc = *cap ? *cap : 16;
    while (nc < need) {
        if (nc > SIZE_MAX / 2)
            return SAT_E_NOMEM;
        nc *= 2;
    }
    if (nc > SIZE_MAX / elem)
        return SAT_E_NOMEM;
    q = realloc(*p, nc * elem);
    if (q == NULL)
        return SAT_E_NOMEM;
    *p = q;
    *cap = nc;
    return 0;
}

/* Appends (relpath, reason) to a list of pack_skip records. */
static int list_add(scan *sc, pack_skip **list, size_t *n, size_t *cap, const char *relpath,
                    const char *reason)
{
    pack_skip *s;

    if (grow((void **)list, cap, *n + 1, sizeof **list) != 0)
        return nomem(sc);
    s = &(*list)[*n];
    s->relpath = strdup(relpath);
    s->reason = strdup(reason);
    if (s->relpath == NULL || s->reason == NULL) {
        free(s->relpath);
        free(s->reason);
        return nomem(sc);
    }
    (*n)++;
    return 0;
}

/* A bad file: with skip_bad it is recorded (reason = the message in sc->err) and the
 * scan goes on (returns 0); otherwise the error code is returned. Out of memory and
 * limits of the whole scan are never skipped. */
static int bad_file(scan *sc, const char *relpath, int code)
{
    int rc;

    if (!sc->skip_bad || code == SAT_E_NOMEM)
        return code;
    rc = list_add(sc, &sc->src->skipped, &sc->src->n_skipped, &sc->cap_skipped, relpath,
                  sc->err.msg);
    if (rc == 0)
        sat_err_clear(&sc->err);
    return rc;
}

/* Records a note for the user ("relpath: what happened"). */
static int add_note(scan *sc, const char *relpath, const char *msg)
{
    sat_buf b = {0};
    int rc;

    if (sat_buf_printf(&b, "%s: %s", relpath, msg) != 0) {
        sat_buf_free(&b);
        return nomem(sc);
    }
    rc = list_add(sc, &sc->src->notes, &sc->src->n_notes, &sc->cap_notes, relpath, b.data);
    sat_buf_free(&b);
    return rc;
}

/* Claims id for relpath, or fails naming both files. */
static int id_claim(scan *sc, const char *id, const char *relpath, size_t media)
{
    pack_keyslot *s = pack_keytab_find(&sc->ids, id);

    if (s->key != NULL)
        return sat_err_set(&sc->err, SAT_E_FORMAT,
                           "%s: id '%s' is already used by %s; rename one of the files or set "
                           "a different 'id:'",
                           relpath, id, s->relpath);
    return pack_keytab_put(&sc->ids, id, relpath, media) == 0 ? 0 : nomem(sc);
}

/* ------------------------------------------------------------------------
 * Collecting files: a folder or an archive
 * ------------------------------------------------------------------------ */

static int file_type(const char *name)
{
    static const struct {
        const char *ext;
        int type;
    } exts[] = {{"md", FT_MD},     {"markdown", FT_MD}, {"txt", FT_TXT},   {"vtt", FT_VTT},
                {"srt", FT_SRT},   {"html", FT_HTML},   {"htm", FT_HTML},  {"xhtml", FT_HTML},
                {"rss", FT_FEED},  {"atom", FT_FEED},   {"xml", FT_XML},   {"png", FT_IMAGE},
                {"jpg", FT_IMAGE}, {"jpeg", FT_IMAGE},  {"gif", FT_IMAGE}, {"webp", FT_IMAGE},
                {"ogg", FT_AUDIO}, {"opus", FT_AUDIO},  {"oga", FT_AUDIO}, {"mp3", FT_AUDIO},
                {"wav", FT_AUDIO}, {"flac", FT_AUDIO},  {"m4a", FT_AUDIO}};
    const char *dot = strrchr(name, '.');
    size_t i;

    if (dot == NULL || dot == name)
        return FT_UNKNOWN;
    for (i = 0; i < sizeof exts / sizeof exts[0]; i++)
        if (strcasecmp(dot + 1, exts[i].ext) == 0)
            return exts[i].type;
    return FT_UNKNOWN;
}

static int unknown_type(scan *sc, const char *relpath)
{
    return sat_err_set(&sc->err, SAT_E_FORMAT,
                       "%s: unknown file type (expected .md, .txt, .vtt, .srt, .html, .rss, "
                       ".atom, .xml, or an image/audio file)",
                       relpath);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_file(const void *a, const void *b)
{
    return strcmp(((const scan_file *)a)->relpath, ((const scan_file *)b)->relpath);
}

static int cmp_skip(const void *a, const void *b)
{
    return strcmp(((const pack_skip *)a)->relpath, ((const pack_skip *)b)->relpath);
}

static char *join(const char *a, const char *b)
{
    sat_buf j = {0};

    if (a[0] != '\0' && (sat_buf_puts(&j, a) != 0 || sat_buf_puts(&j, "/") != 0))
        goto fail;
    if (sat_buf_puts(&j, b) != 0)
        goto fail;
    return j.data;
fail:
    sat_buf_free(&j);
    return NULL;
}

/* Takes relpath (freed on failure). data is NULL for a file on disk. */
static int add_file(scan *sc, char *relpath, int type, const char *data, size_t len)
{
    if (sc->n_files >= PACK_FILES_MAX) {
        free(relpath);
        return sat_err_set(&sc->err, SAT_E_LIMIT, "%s: more than %d files in the source", sc->dir,
                           PACK_FILES_MAX);
    }
    if (grow((void **)&sc->files, &sc->cap_files, sc->n_files + 1, sizeof *sc->files) != 0) {
        free(relpath);
        return nomem(sc);
    }
    sc->files[sc->n_files].relpath = relpath;
    sc->files[sc->n_files].type = type;
    sc->files[sc->n_files].data = data;
    sc->files[sc->n_files].len = len;
    sc->n_files++;
    return 0;
}

/* The type of a file found at relpath (name = its last component); FT_UNKNOWN after
 * recording the error through bad_file (*rc says whether to go on). */
static int classify(scan *sc, const char *relpath, const char *name, int *rc)
{
    int type = strcmp(relpath, PACK_CONFIG_NAME) == 0 ? FT_CONFIG : file_type(name);

    *rc = 0;
    if (type == FT_UNKNOWN && strcmp(name, PACK_CONFIG_NAME) == 0)
        *rc = bad_file(sc, relpath,
                       sat_err_set(&sc->err, SAT_E_FORMAT,
                                   "%s: a config file is read only at the top of the source; "
                                   "move it there (one for the whole bundle)",
                                   relpath));
    else if (type == FT_UNKNOWN)
        *rc = bad_file(sc, relpath, unknown_type(sc, relpath));
    return type;
}

static int walk(scan *sc, int dfd, const char *prefix, int depth)
{
    DIR *d = NULL;
    struct dirent *de;
    char **names = NULL;
    size_t n_names = 0, cap_names = 0, i;
    char *rel = NULL;
    int rc = 0;

    d = fdopendir(dfd);
    if (d == NULL) {
        rc = sat_err_set(&sc->err, SAT_E_IO, "%s: cannot read folder: %s",
                         prefix[0] ? prefix : sc->dir, strerror(errno));
        close(dfd);
        return prefix[0] ? bad_file(sc, prefix, rc) : rc;
    }
    while ((errno = 0, de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue; /* hidden files, "." and ".." */
        if (grow((void **)&names, &cap_names, n_names + 1, sizeof *names) != 0 ||
            (names[n_names] = strdup(de->d_name)) == NULL) {
            rc = nomem(sc);
            goto cleanup;
        }
        n_names++;
    }
    if (errno != 0) {
        rc = sat_err_set(&sc->err, SAT_E_IO, "%s: cannot read folder: %s",
                         prefix[0] ? prefix : sc->dir, strerror(errno));
        rc = prefix[0] ? bad_file(sc, prefix, rc) : rc;
        goto cleanup;
    }
    if (n_names > 1)
        qsort(names, n_names, sizeof *names, cmp_str);
    for (i = 0; i < n_names && rc == 0; i++) {
        struct stat st;

        rel = join(prefix, names[i]);
        if (rel == NULL) {
            rc = nomem(sc);
            break;
        }
        if (fstatat(dirfd(d), names[i], &st, AT_SYMLINK_NOFOLLOW) != 0) {
            rc = bad_file(
                sc, rel,
                sat_err_set(&sc->err, SAT_E_IO, "%s: cannot read: %s", rel, strerror(errno)));
        } else if (S_ISLNK(st.st_mode)) {
            rc = bad_file(sc, rel,
                          sat_err_set(&sc->err, SAT_E_FORMAT, "%s: is a symbolic link", rel));
        } else if (S_ISDIR(st.st_mode)) {
            int sub;
            if (depth >= SCAN_DEPTH_MAX) {
                rc = sat_err_set(&sc->err, SAT_E_LIMIT, "%s: folders nested more than %d deep", rel,
                                 SCAN_DEPTH_MAX);
                break;
            }
            sub = openat(dirfd(d), names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub < 0)
                rc = bad_file(sc, rel,
                              sat_err_set(&sc->err, SAT_E_IO, "%s: cannot open folder: %s", rel,
                                          strerror(errno)));
            else
                rc = walk(sc, sub, rel, depth + 1);
        } else if (!S_ISREG(st.st_mode)) {
            rc = bad_file(sc, rel,
                          sat_err_set(&sc->err, SAT_E_FORMAT,
                                      "%s: not a regular file (device, pipe or socket)", rel));
        } else {
            int type = classify(sc, rel, names[i], &rc);
            if (type != FT_UNKNOWN) {
                rc = add_file(sc, rel, type, NULL, 0);
                rel = NULL; /* owned by sc->files now (or freed) */
            }
        }
        free(rel);
        rel = NULL;
    }
cleanup:
    for (i = 0; i < n_names; i++)
        free(names[i]);
    free(names);
    closedir(d);
    return rc;
}

/* Every member of the archive at sc->dir; the archive stays in src until it is freed
 * (media point into it). Entries the archive reader refused are skips already. */
static int collect_archive(scan *sc)
{
    pack_archive *a = NULL;
    size_t i;
    int rc = pack_archive_read(sc->dir, NULL, sc->skip_bad, &a, &sc->err);

    if (rc != 0)
        return rc;
    sc->src->archive = a;
    for (i = 0; i < a->n_notes; i++)
        if ((rc = list_add(sc, &sc->src->notes, &sc->src->n_notes, &sc->cap_notes, sc->dir,
                           a->notes[i])) != 0)
            return rc;
    for (i = 0; i < a->n_skipped; i++)
        if ((rc = list_add(sc, &sc->src->skipped, &sc->src->n_skipped, &sc->cap_skipped,
                           a->skipped[i].relpath, a->skipped[i].reason)) != 0)
            return rc;
    for (i = 0; i < a->n_files && rc == 0; i++) {
        const char *rel = a->files[i].relpath;
        const char *slash = strrchr(rel, '/');
        int type = classify(sc, rel, slash != NULL ? slash + 1 : rel, &rc);
        char *copy;
        if (type == FT_UNKNOWN)
            continue;
        if ((copy = strdup(rel)) == NULL)
            return nomem(sc);
        rc = add_file(sc, copy, type, a->files[i].data, a->files[i].len);
    }
    return rc;
}

/* ------------------------------------------------------------------------
 * Reading files
 * ------------------------------------------------------------------------ */

static int too_large(scan *sc, const char *relpath, uint64_t size, size_t max, const char *what)
{
    return sat_err_set(&sc->err, SAT_E_LIMIT,
                       "%s: file is too large (%llu bytes; %s files may be at most %zu MiB)",
                       relpath, (unsigned long long)size, what, max >> 20);
}

/* Opens relpath without following symlinks and checks it is a regular file of at most
 * max bytes. Returns the descriptor (size in *size) or a negative code with sc->err set. */
static int open_checked(scan *sc, const char *path, const char *relpath, size_t max,
                        const char *what, size_t *size)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

    if (fd < 0) {
        if (errno == ELOOP)
            return sat_err_set(&sc->err, SAT_E_FORMAT, "%s: is a symbolic link", relpath);
        return sat_err_set(&sc->err, SAT_E_IO, "%s: cannot open: %s", relpath, strerror(errno));
    }
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return sat_err_set(&sc->err, SAT_E_IO, "%s: cannot read: %s", relpath, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return sat_err_set(&sc->err, SAT_E_FORMAT, "%s: not a regular file", relpath);
    }
    if (st.st_size < 0 || (uint64_t)st.st_size > (uint64_t)max) {
        close(fd);
        return too_large(sc, relpath, (uint64_t)st.st_size, max, what);
    }
    *size = (size_t)st.st_size;
    return fd;
}

/* The bytes of a text file: the archive member, or the file read into *owned. */
static int read_text(scan *sc, const scan_file *f, char **owned, const char **data, size_t *len)
{
    size_t size = 0, got = 0;
    char *buf, *path;
    int fd;

    *owned = NULL;
    if (f->data != NULL) {
        if (f->len > PACK_TEXT_MAX)
            return too_large(sc, f->relpath, f->len, PACK_TEXT_MAX, "text");
        *data = f->data;
        *len = f->len;
        return 0;
    }
    if ((path = join(sc->dir, f->relpath)) == NULL)
        return nomem(sc);
    fd = open_checked(sc, path, f->relpath, PACK_TEXT_MAX, "text", &size);
    free(path);
    if (fd < 0)
        return fd;
    buf = malloc(size + 1);
    if (buf == NULL) {
        close(fd);
        return nomem(sc);
    }
    while (got < size) {
        ssize_t r = read(fd, buf + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            free(buf);
            close(fd);
            return sat_err_set(&sc->err, SAT_E_IO, "%s: cannot read: %s", f->relpath, strerror(e));
        }
        if (r == 0)
            break; /* the file shrank: use what is there */
        got += (size_t)r;
    }
    close(fd);
    buf[got] = '\0';
    *owned = buf;
    *data = buf;
    *len = got;
    return 0;
}

/* ------------------------------------------------------------------------
 * The config file
 * ------------------------------------------------------------------------ */

static void config_unused(void *ctx, const char *msg)
{
    scan *sc = ctx;

    if (sc->err.code == 0 && add_note(sc, PACK_CONFIG_NAME, msg) != 0)
        sc->err.code = SAT_E_NOMEM;
}

/* A bad config file always stops the scan: it would change every entry. */
static int load_config(scan *sc, const scan_file *f)
{
    const pack_config_bundle *cb;
    const char *data;
    char *owned = NULL;
    size_t len;
    int rc = read_text(sc, f, &owned, &data, &len);

    if (rc == 0)
        rc = pack_config_parse(f->relpath, data, len, &sc->cfg, &sc->err);
    free(owned);
    if (rc != 0)
        return rc;
    cb = pack_config_get(sc->cfg);
    sc->charset = cb->charset;
    if ((cb->title != NULL && (sc->src->title = strdup(cb->title)) == NULL) ||
        (cb->publisher != NULL && (sc->src->publisher = strdup(cb->publisher)) == NULL))
        return nomem(sc);
    return 0;
}

/* Applies the config to an entry read from relpath ("feed.xml#N" for a feed item) and
 * NFC-normalises its text fields. */
static int apply_config(scan *sc, const char *relpath, sat_meta *m)
{
    char **fields[] = {&m->title, &m->author, &m->source, &m->section, &m->tags, &m->lang};
    size_t i;
    int rc = pack_config_apply(sc->cfg, relpath, m, &sc->err);

    for (i = 0; rc == 0 && i < sizeof fields / sizeof fields[0]; i++) {
        char *nfc;
        size_t n;
        if (*fields[i] == NULL)
            continue;
        rc = pack_nfc(*fields[i], strlen(*fields[i]), &nfc, &n, &sc->err);
        if (rc == 0) {
            free(*fields[i]);
            *fields[i] = nfc;
        }
    }
    if (rc == 0 && (rc = sat_meta_check(m, &sc->err)) != 0)
        sat_err_prefix(&sc->err, "%s", relpath);
    return rc;
}

/* ------------------------------------------------------------------------
 * Media
 * ------------------------------------------------------------------------ */

static int add_media(scan *sc, const scan_file *f)
{
    pack_media *m = &sc->src->media[sc->src->n_media];
    const char *slash = strrchr(f->relpath, '/');
    const char *name = slash != NULL ? slash + 1 : f->relpath;
    size_t size;
    int fd;
    int rc;

    memset(m, 0, sizeof *m);
    m->relpath = strdup(f->relpath);
    m->meta.kind = f->type == FT_IMAGE ? SAT_KIND_IMAGE : SAT_KIND_AUDIO;
    m->meta.id = pack_id_from_path(f->relpath, 1);
    m->meta.title = pack_in_field(name, strlen(name));
    if (f->data == NULL)
        m->path = join(sc->dir, f->relpath);
    if (m->relpath == NULL || (f->data == NULL && m->path == NULL) || m->meta.title == NULL) {
        rc = nomem(sc);
        goto fail;
    }
    if (m->meta.id == NULL) {
        rc = sat_err_set(&sc->err, SAT_E_FORMAT,
                         "%s: cannot make an id from this file name; rename the file", f->relpath);
        goto fail;
    }
    if (f->data != NULL) {
        if (f->len > PACK_INPUT_MAX) {
            rc = too_large(sc, f->relpath, f->len, PACK_INPUT_MAX, "image and audio");
            goto fail;
        }
        m->data = f->data;
        m->len = f->len;
    } else {
        fd = open_checked(sc, m->path, f->relpath, PACK_INPUT_MAX, "image and audio", &size);
        if (fd < 0) {
            rc = fd;
            goto fail;
        }
        close(fd);
    }
    if ((rc = apply_config(sc, f->relpath, &m->meta)) != 0)
        goto fail;
    rc = id_claim(sc, m->meta.id, m->relpath, sc->src->n_media);
    if (rc != 0)
        goto fail;
    sc->src->n_media++;
    return 0;
fail:
    sat_meta_free(&m->meta);
    free(m->path);
    free(m->relpath);
    memset(m, 0, sizeof *m);
    return rc;
}

static int cmp_media_key(const void *key, const void *elem)
{
    return strcmp((const char *)key, ((const pack_media *)elem)->relpath);
}

/* Resolver for local images of Markdown and HTML documents. */
static int media_lookup(void *ctx, const char *media_relpath, const char **id, sat_err *err)
{
    scan *sc = ctx;
    pack_media *m = bsearch(media_relpath, sc->src->media, sc->src->n_media, sizeof *sc->src->media,
                            cmp_media_key);

    (void)err;
    if (m == NULL)
        return SAT_E_NOTFOUND;
    *id = m->meta.id;
    return 0;
}

/* Media the document links to ("=> attachment:ID ...") become its attachments, unless
 * an earlier document has claimed them. */
static int claim_attachments(scan *sc, const pack_doc *doc)
{
    static const char tag[] = "=> attachment:";
    const char *p = doc->body, *end = doc->body + doc->body_len;

    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (eol == NULL)
            eol = end;
        if ((size_t)(eol - p) > sizeof tag - 1 && memcmp(p, tag, sizeof tag - 1) == 0) {
            const char *id = p + sizeof tag - 1, *e = id;
            char buf[SAT_ID_MAX + 1];
            while (e < eol && *e != ' ')
                e++;
            if ((size_t)(e - id) <= SAT_ID_MAX) {
                pack_keyslot *s;
                memcpy(buf, id, (size_t)(e - id));
                buf[e - id] = '\0';
                s = pack_keytab_find(&sc->ids, buf);
                if (s->key != NULL && s->index != PACK_KEY_NONE) {
                    pack_media *m = &sc->src->media[s->index];
                    if (m->meta.parent == NULL && (m->meta.parent = strdup(doc->meta.id)) == NULL)
                        return nomem(sc);
                }
            }
        }
        p = eol + 1;
    }
    return 0;
}

/* Audio files "base.<ext>" beside transcript relpath "base.<ext>" are its attachments:
 * claims them and appends "=> attachment:<id> Audio recording" lines to the body. */
static int pair_audio(scan *sc, pack_doc *doc)
{
    const char *dot = strrchr(doc->relpath, '.');
    const char *slash = strrchr(doc->relpath, '/');
    size_t blen = (dot != NULL && (slash == NULL || dot > slash)) ? (size_t)(dot - doc->relpath)
                                                                  : strlen(doc->relpath);
    size_t lo = 0, hi = sc->src->n_media;
    sat_buf body = {0};
    int first = 1;

    /* lower bound of "base." among media sorted by relpath */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *r = sc->src->media[mid].relpath;
        int c = strncmp(r, doc->relpath, blen);
        if (c < 0 || (c == 0 && (unsigned char)r[blen] < (unsigned char)'.'))
            lo = mid + 1;
        else
            hi = mid;
    }
    body.data = doc->body;
    body.len = doc->body_len;
    body.cap = doc->body_len + 1;
    for (; lo < sc->src->n_media; lo++) {
        pack_media *m = &sc->src->media[lo];
        if (strncmp(m->relpath, doc->relpath, blen) != 0 || m->relpath[blen] != '.')
            break;
        if (m->meta.kind != SAT_KIND_AUDIO || strchr(m->relpath + blen + 1, '/') != NULL ||
            strchr(m->relpath + blen + 1, '.') != NULL)
            continue;
        if (m->meta.parent == NULL && (m->meta.parent = strdup(doc->meta.id)) == NULL)
            goto oom;
        if (sat_buf_printf(&body, "%s=> attachment:%s Audio recording\n", first ? "\n" : "",
                           m->meta.id) != 0)
            goto oom;
        first = 0;
    }
    doc->body = body.data;
    doc->body_len = body.len;
    return 0;
oom:
    doc->body = body.data;
    doc->body_len = body.len;
    return nomem(sc);
}

/* ------------------------------------------------------------------------
 * Duplicates
 * ------------------------------------------------------------------------ */

/* Records the note for a dropped duplicate. */
static int note_duplicate(void *ctx, const char *dropped, const char *kept, const char *key)
{
    scan *sc = ctx;
    sat_buf msg = {0};
    int rc;

    if (sat_buf_printf(&msg, "duplicate of %s (the same %s); stored once", kept, key) != 0)
        rc = nomem(sc);
    else
        rc = add_note(sc, dropped, msg.data);
    sat_buf_free(&msg);
    return rc;
}

/* Gives every kept document its id and attachments, in file order. A document whose id
 * is taken is a bad file (skipped with --skip-bad). */
static int claim_docs(scan *sc)
{
    pack_doc *d = sc->src->docs;
    size_t n = sc->src->n_docs, i, o = 0;
    int rc = 0;

    for (i = 0; i < n; i++) {
        if (rc == 0 && (rc = id_claim(sc, d[i].meta.id, d[i].relpath, PACK_KEY_NONE)) != 0) {
            rc = bad_file(sc, d[i].relpath, rc);
            pack_doc_free(&d[i]);
            continue;
        }
        if (rc == 0)
            rc = claim_attachments(sc, &d[i]);
        if (rc == 0 && d[i].meta.kind == SAT_KIND_TRANSCRIPT)
            rc = pair_audio(sc, &d[i]);
        d[o++] = d[i];
    }
    sc->src->n_docs = o;
    return rc;
}

/* Takes one parsed document: config applied and checked, then kept for the duplicate
 * and id passes. The doc is moved into the source (or freed on error). */
static int take_doc(scan *sc, pack_doc *doc)
{
    int rc = apply_config(sc, doc->relpath, &doc->meta);

    if (rc == 0 && grow((void **)&sc->src->docs, &sc->cap_docs, sc->src->n_docs + 1,
                        sizeof *sc->src->docs) != 0)
        rc = nomem(sc);
    if (rc != 0) {
        pack_doc_free(doc);
        return rc;
    }
    sc->src->docs[sc->src->n_docs++] = *doc;
    memset(doc, 0, sizeof *doc);
    return 0;
}

/* A feed: its items, and the items it left out as bad files of their own (without
 * --skip-bad the first one stops the pack). */
static int parse_feed(scan *sc, const scan_file *f, const char *text, size_t len, pack_doc **docs,
                      size_t *n_docs)
{
    pack_skip *skips = NULL;
    size_t n_skips = 0, i;
    int rc = pack_feed_parse(f->relpath, text, len, media_lookup, sc, docs, n_docs, &skips,
                             &n_skips, &sc->err);

    for (i = 0; i < n_skips; i++) {
        if (rc == 0) {
            sat_err_set(&sc->err, SAT_E_FORMAT, "%s", skips[i].reason);
            rc = bad_file(sc, skips[i].relpath, SAT_E_FORMAT);
        }
        free(skips[i].relpath);
        free(skips[i].reason);
    }
    free(skips);
    if (rc != 0) {
        for (i = 0; i < *n_docs; i++)
            pack_doc_free(&(*docs)[i]);
        free(*docs);
        *docs = NULL;
        *n_docs = 0;
    }
    return rc;
}

static int parse_doc(scan *sc, const scan_file *f, const char *text, size_t len, pack_doc **docs,
                     size_t *n_docs)
{
    pack_doc *one = calloc(1, sizeof *one);
    int rc;

    *docs = NULL;
    *n_docs = 0;
    if (one == NULL)
        return nomem(sc);
    switch (f->type) {
    case FT_MD:
        rc = pack_md_parse(f->relpath, text, len, media_lookup, sc, one, &sc->err);
        break;
    case FT_TXT:
        rc = pack_parse_text(f->relpath, text, len, one, &sc->err);
        break;
    case FT_VTT:
        rc = pack_parse_vtt(f->relpath, text, len, one, &sc->err);
        break;
    case FT_SRT:
        rc = pack_parse_srt(f->relpath, text, len, one, &sc->err);
        break;
    case FT_HTML:
        rc = pack_html_parse(f->relpath, text, len, media_lookup, sc, one, &sc->err);
        break;
    default: /* FT_FEED, FT_XML */
        free(one);
        if (f->type == FT_XML && !pack_feed_sniff(text, len))
            return sat_err_set(&sc->err, SAT_E_FORMAT,
                               "%s: not an RSS or Atom feed (the only .xml files taken)",
                               f->relpath);
        return parse_feed(sc, f, text, len, docs, n_docs);
    }
    if (rc != 0) {
        free(one);
        return rc;
    }
    *docs = one;
    *n_docs = 1;
    return 0;
}

static int add_doc(scan *sc, const scan_file *f)
{
    pack_cs_kind kind = f->type == FT_HTML                          ? PACK_CS_HTML
                        : (f->type == FT_FEED || f->type == FT_XML) ? PACK_CS_XML
                                                                    : PACK_CS_TEXT;
    const char *raw;
    char *owned = NULL, *note = NULL;
    sat_buf text = {0};
    pack_doc *docs = NULL;
    size_t len = 0, n_docs = 0, i;
    int rc = read_text(sc, f, &owned, &raw, &len);

    if (rc != 0)
        goto cleanup;
    rc = pack_charset_decode(f->relpath, raw, len, kind, sc->charset, &text, &note, &sc->err);
    free(owned);
    owned = NULL;
    if (rc != 0)
        goto cleanup;
    if (note != NULL && (rc = add_note(sc, f->relpath, note)) != 0)
        goto cleanup;
    if ((rc = parse_doc(sc, f, text.data != NULL ? text.data : "", text.len, &docs, &n_docs)) != 0)
        goto cleanup;
    /* each document on its own: a bad feed item does not cost its neighbours */
    for (i = 0; i < n_docs && rc == 0; i++) {
        char *rel = docs[i].relpath != NULL ? strdup(docs[i].relpath) : NULL;
        if (rel == NULL) {
            rc = nomem(sc);
            break;
        }
        rc = take_doc(sc, &docs[i]);
        if (rc != 0)
            rc = bad_file(sc, rel, rc);
        free(rel);
    }
cleanup:
    for (i = 0; i < n_docs; i++)
        pack_doc_free(&docs[i]);
    free(docs);
    free(note);
    free(owned);
    sat_buf_free(&text);
    return rc;
}

/* ------------------------------------------------------------------------
 * Entry point
 * ------------------------------------------------------------------------ */

static void skips_free(pack_skip *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(s[i].relpath);
        free(s[i].reason);
    }
    free(s);
}

void pack_source_free(pack_source *src)
{
    size_t i;

    if (src == NULL)
        return;
    for (i = 0; i < src->n_docs; i++)
        pack_doc_free(&src->docs[i]);
    for (i = 0; i < src->n_media; i++) {
        sat_meta_free(&src->media[i].meta);
        free(src->media[i].path);
        free(src->media[i].relpath);
    }
    skips_free(src->skipped, src->n_skipped);
    skips_free(src->notes, src->n_notes);
    free(src->docs);
    free(src->media);
    free(src->title);
    free(src->publisher);
    pack_archive_free(src->archive);
    free(src);
}

int pack_source_scan(const char *path, const pack_scan_opts *opts, pack_source **out, sat_err *err)
{
    scan sc;
    size_t i, n_media = 0;
    int rc;

    memset(&sc, 0, sizeof sc);
    if (out == NULL || path == NULL || path[0] == '\0')
        return sat_err_set(err, SAT_E_ARG, "pack_source_scan: no source given");
    *out = NULL;
    sc.dir = path;
    sc.skip_bad = opts != NULL && opts->skip_bad;
    sc.src = calloc(1, sizeof *sc.src);
    if (sc.src == NULL) {
        rc = nomem(&sc);
        goto cleanup;
    }
    if (opts != NULL && opts->archive) {
        rc = collect_archive(&sc);
    } else {
        int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0) {
            rc =
                sat_err_set(&sc.err, SAT_E_IO, "%s: cannot open folder: %s", path, strerror(errno));
            goto cleanup;
        }
        rc = walk(&sc, dfd, "", 0);
    }
    if (rc != 0)
        goto cleanup;
    if (sc.n_files > 1)
        qsort(sc.files, sc.n_files, sizeof *sc.files, cmp_file);
    for (i = 0; i < sc.n_files; i++)
        n_media += FT_IS_MEDIA(sc.files[i].type);
    sc.src->media = calloc(n_media + 1, sizeof *sc.src->media);
    if (sc.src->media == NULL || pack_keytab_init(&sc.ids, sc.n_files, 0) != 0) {
        rc = nomem(&sc);
        goto cleanup;
    }
    for (i = 0; i < sc.n_files && rc == 0; i++)
        if (sc.files[i].type == FT_CONFIG)
            rc = load_config(&sc, &sc.files[i]);
    for (i = 0; i < sc.n_files && rc == 0; i++)
        if (FT_IS_MEDIA(sc.files[i].type)) {
            rc = add_media(&sc, &sc.files[i]);
            if (rc != 0)
                rc = bad_file(&sc, sc.files[i].relpath, rc);
        }
    for (i = 0; i < sc.n_files && rc == 0; i++)
        if (!FT_IS_MEDIA(sc.files[i].type) && sc.files[i].type != FT_CONFIG) {
            rc = add_doc(&sc, &sc.files[i]);
            if (rc != 0)
                rc = bad_file(&sc, sc.files[i].relpath, rc);
        }
    if (rc == 0 &&
        (rc = pack_docs_dedup(sc.src->docs, &sc.src->n_docs, note_duplicate, &sc)) == SAT_E_NOMEM)
        nomem(&sc);
    if (rc == 0)
        rc = claim_docs(&sc);
    if (rc != 0)
        goto cleanup;
    if (sc.src->n_docs == 0 && sc.src->n_media == 0) {
        rc = sat_err_set(&sc.err, SAT_E_FORMAT, "no articles found in %s", path);
        goto cleanup;
    }
    /* every entry once more, now that parents are set */
    for (i = 0; i < sc.src->n_docs && rc == 0; i++)
        if ((rc = sat_meta_check(&sc.src->docs[i].meta, &sc.err)) != 0)
            sat_err_prefix(&sc.err, "%s", sc.src->docs[i].relpath);
    for (i = 0; i < sc.src->n_media && rc == 0; i++)
        if ((rc = sat_meta_check(&sc.src->media[i].meta, &sc.err)) != 0)
            sat_err_prefix(&sc.err, "%s", sc.src->media[i].relpath);
    if (rc != 0)
        goto cleanup;
    pack_config_unused(sc.cfg, config_unused, &sc);
    if ((rc = sc.err.code) != 0)
        goto cleanup;
    if (sc.src->n_skipped > 1)
        qsort(sc.src->skipped, sc.src->n_skipped, sizeof *sc.src->skipped, cmp_skip);
    *out = sc.src;
    sc.src = NULL;
cleanup:
    if (rc != 0 && err != NULL)
        *err = sc.err;
    pack_source_free(sc.src);
    for (i = 0; i < sc.n_files; i++)
        free(sc.files[i].relpath);
    free(sc.files);
    pack_keytab_free(&sc.ids);
    pack_config_free(sc.cfg);
    return rc;
}
