/*
 * source_scan.c - walks a source folder, classifies and parses every file, derives
 * ids, pairs attachments (images referenced by Markdown, audio beside transcripts)
 * and records files skipped with --skip-bad.
 *
 * Order of work: walk (collect every file, sorted bytewise by relative path) ->
 * media entries (sizes checked, ids) -> documents in order (parsed, ids checked for
 * duplicates, attachments claimed) -> final sat_meta_check of everything.
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
#include "pack_input.h"
#include "sat_meta.h"
#include "sat_text.h"

#define SCAN_DEPTH_MAX 64

enum { FT_UNKNOWN = 0, FT_MD, FT_TXT, FT_VTT, FT_SRT, FT_IMAGE, FT_AUDIO };

/* ------------------------------------------------------------------------
 * Ids
 * ------------------------------------------------------------------------ */

static int id_char_ok(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '-';
}

char *pack_id_from_path(const char *relpath, int keep_ext)
{
    size_t n, end, i, o = 0;
    const char *slash;
    char *id;
    int pending = 0;

    if (relpath == NULL)
        return NULL;
    n = strlen(relpath);
    end = n;
    if (!keep_ext) {
        const char *base;
        const char *dot;
        slash = strrchr(relpath, '/');
        base = slash != NULL ? slash + 1 : relpath;
        dot = strrchr(base, '.');
        if (dot != NULL && dot != base)
            end = (size_t)(dot - relpath);
    }
    id = malloc(end + 1);
    if (id == NULL)
        return NULL;
    i = 0;
    while (i < end) {
        char c = relpath[i];
        if (c == '/')
            c = '-';
        if (!id_char_ok(c)) {
            uint32_t cp;
            /* one '_' per run of other characters; a UTF-8 sequence counts as one */
            i += (unsigned char)c >= 0x80 ? sat_utf8_decode(relpath + i, end - i, &cp) : 1;
            pending = 1;
            continue;
        }
        if (pending) {
            id[o++] = '_';
            pending = 0;
        }
        if (!(c == '.' && o > 0 && id[o - 1] == '.')) /* ".." never appears in an id */
            id[o++] = c;
        i++;
    }
    if (pending)
        id[o++] = '_';
    id[o] = '\0';
    i = 0;
    while (i < o && (id[i] == '.' || id[i] == '-'))
        i++;
    memmove(id, id + i, o - i + 1);
    o -= i;
    if (o > SAT_ID_MAX) {
        o = SAT_ID_MAX;
        id[o] = '\0';
    }
    if (!sat_id_valid(id, o)) {
        free(id);
        return NULL;
    }
    return id;
}

/* ------------------------------------------------------------------------
 * Scan state
 * ------------------------------------------------------------------------ */

typedef struct scan_file {
    char *relpath;
    int type;
} scan_file;

typedef struct id_slot {
    const char *id;
    const char *relpath;
} id_slot;

typedef struct scan {
    const char *dir;
    int skip_bad;
    pack_source *src;
    sat_err err;
    scan_file *files;
    size_t n_files, cap_files;
    size_t cap_skipped;
    id_slot *ids; /* open addressing, power-of-two size */
    size_t ids_cap;
    size_t *refs; /* media claimed by the document being parsed */
    size_t n_refs, cap_refs;
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

/* A bad file: with skip_bad it is recorded (reason = the message in sc->err) and the
 * scan goes on (returns 0); otherwise the error code is returned. Out of memory and
 * limits of the whole scan are never skipped. */
static int bad_file(scan *sc, const char *relpath, int code)
{
    pack_skip *s;

    if (!sc->skip_bad || code == SAT_E_NOMEM)
        return code;
    if (grow((void **)&sc->src->skipped, &sc->cap_skipped, sc->src->n_skipped + 1,
             sizeof *sc->src->skipped) != 0)
        return nomem(sc);
    s = &sc->src->skipped[sc->src->n_skipped];
    s->relpath = strdup(relpath);
    s->reason = strdup(sc->err.msg);
    if (s->relpath == NULL || s->reason == NULL) {
        free(s->relpath);
        free(s->reason);
        return nomem(sc);
    }
    sc->src->n_skipped++;
    sat_err_clear(&sc->err);
    return 0;
}

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */

    while (*s != '\0') {
        h ^= (unsigned char)*s++;
        h *= 1099511628211ULL;
    }
    return h;
}

/* Returns the slot holding id, or the empty slot where it would go. */
static id_slot *id_find(scan *sc, const char *id)
{
    size_t mask = sc->ids_cap - 1;
    size_t i = (size_t)hash_str(id) & mask;

    while (sc->ids[i].id != NULL && strcmp(sc->ids[i].id, id) != 0)
        i = (i + 1) & mask;
    return &sc->ids[i];
}

/* Claims id for relpath, or fails naming both files. */
static int id_claim(scan *sc, const char *id, const char *relpath)
{
    id_slot *s = id_find(sc, id);

    if (s->id != NULL)
        return sat_err_set(&sc->err, SAT_E_FORMAT,
                           "%s: id '%s' is already used by %s; rename one of the files or set "
                           "a different 'id:'",
                           relpath, id, s->relpath);
    s->id = id;
    s->relpath = relpath;
    return 0;
}

/* ------------------------------------------------------------------------
 * Walking the folder
 * ------------------------------------------------------------------------ */

static int file_type(const char *name)
{
    static const struct {
        const char *ext;
        int type;
    } exts[] = {{"md", FT_MD},     {"markdown", FT_MD}, {"txt", FT_TXT},   {"vtt", FT_VTT},
                {"srt", FT_SRT},   {"png", FT_IMAGE},   {"jpg", FT_IMAGE}, {"jpeg", FT_IMAGE},
                {"gif", FT_IMAGE}, {"webp", FT_IMAGE},  {"ogg", FT_AUDIO}, {"opus", FT_AUDIO},
                {"oga", FT_AUDIO}, {"mp3", FT_AUDIO},   {"wav", FT_AUDIO}, {"flac", FT_AUDIO},
                {"m4a", FT_AUDIO}};
    const char *dot = strrchr(name, '.');
    size_t i;

    if (dot == NULL || dot == name)
        return FT_UNKNOWN;
    for (i = 0; i < sizeof exts / sizeof exts[0]; i++)
        if (strcasecmp(dot + 1, exts[i].ext) == 0)
            return exts[i].type;
    return FT_UNKNOWN;
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

static int add_file(scan *sc, char *relpath, int type)
{
    if (sc->n_files >= PACK_FILES_MAX) {
        free(relpath);
        return sat_err_set(&sc->err, SAT_E_LIMIT, "%s: more than %d files in the source folder",
                           sc->dir, PACK_FILES_MAX);
    }
    if (grow((void **)&sc->files, &sc->cap_files, sc->n_files + 1, sizeof *sc->files) != 0) {
        free(relpath);
        return nomem(sc);
    }
    sc->files[sc->n_files].relpath = relpath;
    sc->files[sc->n_files].type = type;
    sc->n_files++;
    return 0;
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
            rc = bad_file(sc, rel, sat_err_set(&sc->err, SAT_E_IO, "%s: cannot read: %s", rel,
                                               strerror(errno)));
        } else if (S_ISLNK(st.st_mode)) {
            rc = bad_file(sc, rel,
                          sat_err_set(&sc->err, SAT_E_FORMAT, "%s: is a symbolic link", rel));
        } else if (S_ISDIR(st.st_mode)) {
            int sub;
            if (depth >= SCAN_DEPTH_MAX) {
                rc = sat_err_set(&sc->err, SAT_E_LIMIT,
                                 "%s: folders nested more than %d deep", rel, SCAN_DEPTH_MAX);
                break;
            }
            sub = openat(dirfd(d), names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub < 0)
                rc = bad_file(sc, rel, sat_err_set(&sc->err, SAT_E_IO,
                                                   "%s: cannot open folder: %s", rel,
                                                   strerror(errno)));
            else
                rc = walk(sc, sub, rel, depth + 1);
        } else if (!S_ISREG(st.st_mode)) {
            rc = bad_file(sc, rel,
                          sat_err_set(&sc->err, SAT_E_FORMAT,
                                      "%s: not a regular file (device, pipe or socket)", rel));
        } else {
            int type = file_type(names[i]);
            if (type == FT_UNKNOWN) {
                rc = bad_file(sc, rel,
                              sat_err_set(&sc->err, SAT_E_FORMAT,
                                          "%s: unknown file type (expected .md, .txt, .vtt, "
                                          ".srt, or an image/audio file)",
                                          rel));
            } else {
                rc = add_file(sc, rel, type);
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

/* ------------------------------------------------------------------------
 * Reading files
 * ------------------------------------------------------------------------ */

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
        return sat_err_set(&sc->err, SAT_E_LIMIT,
                           "%s: file is too large (%lld bytes; %s files may be at most %zu MiB)",
                           relpath, (long long)st.st_size, what, max >> 20);
    }
    *size = (size_t)st.st_size;
    return fd;
}

static int read_text(scan *sc, const char *path, const char *relpath, char **data,
                     size_t *len)
{
    size_t size = 0, got = 0;
    char *buf;
    int fd = open_checked(sc, path, relpath, PACK_TEXT_MAX, "text", &size);

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
            return sat_err_set(&sc->err, SAT_E_IO, "%s: cannot read: %s", relpath, strerror(e));
        }
        if (r == 0)
            break; /* the file shrank: use what is there */
        got += (size_t)r;
    }
    close(fd);
    buf[got] = '\0';
    *data = buf;
    *len = got;
    return 0;
}

/* ------------------------------------------------------------------------
 * Media
 * ------------------------------------------------------------------------ */

static int add_media(scan *sc, const scan_file *f)
{
    pack_media *m = &sc->src->media[sc->src->n_media];
    const char *slash = strrchr(f->relpath, '/');
    size_t size;
    int fd;
    int rc;

    memset(m, 0, sizeof *m);
    m->relpath = strdup(f->relpath);
    m->path = join(sc->dir, f->relpath);
    m->meta.kind = f->type == FT_IMAGE ? SAT_KIND_IMAGE : SAT_KIND_AUDIO;
    m->meta.id = pack_id_from_path(f->relpath, 1);
    m->meta.title = pack_in_field(slash != NULL ? slash + 1 : f->relpath,
                                  strlen(slash != NULL ? slash + 1 : f->relpath));
    if (m->relpath == NULL || m->path == NULL || m->meta.title == NULL) {
        rc = nomem(sc);
        goto fail;
    }
    if (m->meta.id == NULL) {
        rc = sat_err_set(&sc->err, SAT_E_FORMAT,
                         "%s: cannot make an id from this file name; rename the file",
                         f->relpath);
        goto fail;
    }
    fd = open_checked(sc, m->path, f->relpath, PACK_INPUT_MAX, "image and audio", &size);
    if (fd < 0) {
        rc = fd;
        goto fail;
    }
    close(fd);
    rc = sat_meta_check(&m->meta, &sc->err);
    if (rc != 0) {
        sat_err_prefix(&sc->err, "%s", f->relpath);
        goto fail;
    }
    rc = id_claim(sc, m->meta.id, m->relpath);
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

/* Resolver for Markdown images: finds the media entry and remembers the claim. */
static int media_lookup(void *ctx, const char *media_relpath, const char **id, sat_err *err)
{
    scan *sc = ctx;
    pack_media *m = bsearch(media_relpath, sc->src->media, sc->src->n_media,
                            sizeof *sc->src->media, cmp_media_key);

    if (m == NULL)
        return SAT_E_NOTFOUND;
    if (grow((void **)&sc->refs, &sc->cap_refs, sc->n_refs + 1, sizeof *sc->refs) != 0)
        return sat_err_set(err, SAT_E_NOMEM, "out of memory");
    sc->refs[sc->n_refs++] = (size_t)(m - sc->src->media);
    *id = m->meta.id;
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
 * Documents
 * ------------------------------------------------------------------------ */

static int add_doc(scan *sc, const scan_file *f)
{
    pack_doc *doc = &sc->src->docs[sc->src->n_docs];
    char *path = join(sc->dir, f->relpath);
    char *data = NULL;
    size_t len = 0, i;
    int rc;

    memset(doc, 0, sizeof *doc);
    sc->n_refs = 0;
    if (path == NULL) {
        rc = nomem(sc);
        goto cleanup;
    }
    rc = read_text(sc, path, f->relpath, &data, &len);
    if (rc != 0)
        goto cleanup;
    switch (f->type) {
    case FT_MD:
        rc = pack_md_parse(f->relpath, data, len, media_lookup, sc, doc, &sc->err);
        break;
    case FT_TXT:
        rc = pack_parse_text(f->relpath, data, len, doc, &sc->err);
        break;
    case FT_VTT:
        rc = pack_parse_vtt(f->relpath, data, len, doc, &sc->err);
        break;
    default:
        rc = pack_parse_srt(f->relpath, data, len, doc, &sc->err);
        break;
    }
    if (rc != 0)
        goto cleanup;
    rc = id_claim(sc, doc->meta.id, doc->relpath);
    if (rc != 0) {
        pack_doc_free(doc);
        goto cleanup;
    }
    /* the document is in: its references now claim their media */
    for (i = 0; i < sc->n_refs; i++) {
        pack_media *m = &sc->src->media[sc->refs[i]];
        if (m->meta.parent == NULL && (m->meta.parent = strdup(doc->meta.id)) == NULL) {
            rc = nomem(sc);
            goto cleanup;
        }
    }
    sc->src->n_docs++; /* from here on pack_source_free owns the doc */
    if (doc->meta.kind == SAT_KIND_TRANSCRIPT)
        rc = pair_audio(sc, doc);
cleanup:
    if (rc != 0 && sc->src->docs + sc->src->n_docs == doc)
        pack_doc_free(doc);
    free(data);
    free(path);
    return rc;
}

/* ------------------------------------------------------------------------
 * Entry point
 * ------------------------------------------------------------------------ */

void pack_doc_free(pack_doc *doc)
{
    if (doc == NULL)
        return;
    sat_meta_free(&doc->meta);
    free(doc->body);
    free(doc->relpath);
    free(doc->url);
    memset(doc, 0, sizeof *doc);
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
    for (i = 0; i < src->n_skipped; i++) {
        free(src->skipped[i].relpath);
        free(src->skipped[i].reason);
    }
    free(src->docs);
    free(src->media);
    free(src->skipped);
    free(src);
}

int pack_source_scan(const char *dir, const pack_scan_opts *opts, pack_source **out,
                     sat_err *err)
{
    scan sc;
    size_t i, n_text = 0, n_media = 0;
    int dfd;
    int rc;

    memset(&sc, 0, sizeof sc);
    if (out == NULL || dir == NULL || dir[0] == '\0')
        return sat_err_set(err, SAT_E_ARG, "pack_source_scan: no folder given");
    *out = NULL;
    sc.dir = dir;
    sc.skip_bad = opts != NULL && opts->skip_bad;
    sc.src = calloc(1, sizeof *sc.src);
    if (sc.src == NULL) {
        rc = nomem(&sc);
        goto cleanup;
    }
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        rc = sat_err_set(&sc.err, SAT_E_IO, "%s: cannot open folder: %s", dir, strerror(errno));
        goto cleanup;
    }
    rc = walk(&sc, dfd, "", 0);
    if (rc != 0)
        goto cleanup;
    if (sc.n_files > 1)
        qsort(sc.files, sc.n_files, sizeof *sc.files, cmp_file);
    for (i = 0; i < sc.n_files; i++) {
        if (sc.files[i].type == FT_IMAGE || sc.files[i].type == FT_AUDIO)
            n_media++;
        else
            n_text++;
    }
    sc.ids_cap = 16;
    while (sc.ids_cap < 2 * (sc.n_files + 1))
        sc.ids_cap *= 2;
    sc.ids = calloc(sc.ids_cap, sizeof *sc.ids);
    sc.src->docs = calloc(n_text + 1, sizeof *sc.src->docs);
    sc.src->media = calloc(n_media + 1, sizeof *sc.src->media);
    if (sc.ids == NULL || sc.src->docs == NULL || sc.src->media == NULL) {
        rc = nomem(&sc);
        goto cleanup;
    }
    for (i = 0; i < sc.n_files && rc == 0; i++)
        if (sc.files[i].type == FT_IMAGE || sc.files[i].type == FT_AUDIO) {
            rc = add_media(&sc, &sc.files[i]);
            if (rc != 0)
                rc = bad_file(&sc, sc.files[i].relpath, rc);
        }
    for (i = 0; i < sc.n_files && rc == 0; i++)
        if (sc.files[i].type != FT_IMAGE && sc.files[i].type != FT_AUDIO) {
            rc = add_doc(&sc, &sc.files[i]);
            if (rc != 0)
                rc = bad_file(&sc, sc.files[i].relpath, rc);
        }
    if (rc != 0)
        goto cleanup;
    if (sc.src->n_docs == 0 && sc.src->n_media == 0) {
        rc = sat_err_set(&sc.err, SAT_E_FORMAT, "no articles found in %s", dir);
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
    free(sc.ids);
    free(sc.refs);
    return rc;
}
