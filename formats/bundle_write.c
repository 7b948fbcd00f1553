/*
 * bundle_write.c - builds a bundle: clusters, dictionary, compression,
 * layout, manifest, signature, and a deterministic ustar file written with
 * libarchive to a temporary name, fsynced and renamed into place.
 */
#include "sat_bundle.h"
#include "sat_file.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sat_index.h"
#include "sat_text.h"
#include "sat_zstd.h"

#define BLOCK 512u
#define PAD(n) (((uint64_t)(n) + BLOCK - 1) / BLOCK * BLOCK)
#define MANIFEST_LEVEL 19
/* The search index's posting lists are bit-packed and hardly compress; its terms do, and
 * level 9 gets nearly all of that at a fraction of level 19's time. */
#define SEARCH_LEVEL 9

typedef struct wtext {
    sat_meta meta;
    char *body;
    size_t len;
    uint8_t hash[SAT_HASH_BYTES];
    uint32_t unit; /* cluster, set by make_clusters */
    uint64_t coff; /* offset inside the decompressed cluster */
    uint32_t entry; /* index among all entries in id order, set in finish */
} wtext;

typedef struct wmedia {
    sat_meta meta;
    char *path;       /* file to copy, or NULL for bytes in memory */
    const void *data; /* caller's bytes (sat_writer_add_media_buf) */
    uint64_t size;
    uint8_t hash[SAT_HASH_BYTES];
} wmedia;

typedef struct wcluster {
    size_t first, count; /* range of order[] */
    size_t usize;
    uint8_t *z;
    size_t zlen;
} wcluster;

struct sat_writer {
    sat_writer_opts o;
    char *title, *publisher, *created;
    wtext *texts;
    size_t n_texts, cap_texts;
    wmedia *media;
    size_t n_media, cap_media;
    wtext **order; /* texts in cluster order */
    wcluster *clusters;
    size_t n_clusters;
    uint8_t *dict;
    size_t dict_len;
    sat_writer_stats st;
};

static void progress(sat_writer *w, const char *stage, uint64_t done, uint64_t total)
{
    if (w->o.progress != NULL)
        w->o.progress(w->o.progress_ctx, stage, done, total);
}

static char *dupstr(const char *s)
{
    return s != NULL ? strdup(s) : NULL;
}

/* ------------------------------------------------------------------------
 * Collecting entries
 * ------------------------------------------------------------------------ */

int sat_writer_create(const sat_writer_opts *opts, sat_writer **out, sat_err *err)
{
    sat_writer *w;
    char now[21];

    *out = NULL;
    if (sodium_init() < 0)
        return sat_err_set(err, SAT_E_CRYPTO, "libsodium failed to initialise");
    if (opts->title == NULL || !sat_field_valid(opts->title, strlen(opts->title), SAT_TITLE_MAX))
        return sat_err_set(err, SAT_E_ARG,
                           "bundle title missing or not valid (UTF-8, no control characters)");
    if (opts->publisher != NULL &&
        !sat_field_valid(opts->publisher, strlen(opts->publisher), SAT_FIELD_MAX))
        return sat_err_set(err, SAT_E_ARG, "publisher is not valid (UTF-8, no control characters)");
    if (opts->created != NULL &&
        (strlen(opts->created) != 20 || !sat_date_valid(opts->created, 20)))
        return sat_err_set(err, SAT_E_ARG, "creation time must be YYYY-MM-DDThh:mm:ssZ");
    if ((opts->volume != 0 || opts->volumes != 0) &&
        (opts->volumes < 1 || opts->volumes > SAT_VOLUMES_MAX || opts->volume < 1 ||
         opts->volume > opts->volumes))
        return sat_err_set(err, SAT_E_ARG, "volume %u of %u: volumes are numbered 1..M, M <= %u",
                           (unsigned)opts->volume, (unsigned)opts->volumes, SAT_VOLUMES_MAX);
    w = calloc(1, sizeof *w);
    if (w == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "out of memory");
    w->o = *opts;
    if (w->o.level <= 0)
        w->o.level = 19;
    if (w->o.cluster_size == 0)
        w->o.cluster_size = SAT_CLUSTER_TARGET_DEFAULT;
    if (w->o.cluster_size > SAT_CLUSTER_MAX)
        w->o.cluster_size = SAT_CLUSTER_MAX;
    if (w->o.dict_size == 0)
        w->o.dict_size = SAT_DICT_SIZE_DEFAULT;
    if (w->o.threads <= 0)
        w->o.threads = 2;
    if (w->o.threads > 64)
        w->o.threads = 64;
    if (opts->created == NULL) {
        sat_time_format((long long)time(NULL), now);
        w->created = strdup(now);
    } else {
        w->created = strdup(opts->created);
    }
    w->title = strdup(opts->title);
    w->publisher = dupstr(opts->publisher);
    if (w->created == NULL || w->title == NULL || (opts->publisher && w->publisher == NULL)) {
        sat_writer_free(w);
        return sat_err_set(err, SAT_E_NOMEM, "out of memory");
    }
    w->o.title = w->title;
    w->o.publisher = w->publisher;
    w->o.created = w->created;
    *out = w;
    return 0;
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    size_t ncap;
    void *np;

    if (need <= *cap)
        return 0;
    ncap = *cap ? *cap * 2 : 64;
    if (ncap < need)
        ncap = need;
    if (ncap > SIZE_MAX / elem)
        return -1;
    np = realloc(*p, ncap * elem);
    if (np == NULL)
        return -1;
    *p = np;
    *cap = ncap;
    return 0;
}

int sat_writer_add_text(sat_writer *w, const sat_meta *meta, const char *body, size_t len,
                        sat_err *err)
{
    wtext *t;
    size_t bad;

    if (!sat_kind_is_text(meta->kind))
        return sat_err_set(err, SAT_E_ARG, "%s: not a text entry", meta->id ? meta->id : "?");
    if (sat_meta_check(meta, err) != 0)
        return SAT_E_FORMAT;
    if (len > SAT_CLUSTER_MAX)
        return sat_err_set(err, SAT_E_LIMIT, "%s: body is %zu bytes, above the %llu byte limit",
                           meta->id, len, (unsigned long long)SAT_CLUSTER_MAX);
    if (!sat_utf8_valid(body, len, &bad))
        return sat_err_set(err, SAT_E_FORMAT, "%s: body is not valid UTF-8 at byte %zu", meta->id,
                           bad);
    if (w->n_texts + w->n_media >= SAT_ENTRIES_MAX)
        return sat_err_set(err, SAT_E_LIMIT, "more than %u entries", SAT_ENTRIES_MAX);
    if (grow((void **)&w->texts, &w->cap_texts, w->n_texts + 1, sizeof *w->texts) != 0)
        return sat_err_set(err, SAT_E_NOMEM, "out of memory");
    t = &w->texts[w->n_texts];
    memset(t, 0, sizeof *t);
    if (sat_meta_copy(&t->meta, meta, err) != 0)
        return SAT_E_NOMEM;
    t->body = malloc(len ? len : 1);
    if (t->body == NULL) {
        sat_meta_free(&t->meta);
        return sat_err_set(err, SAT_E_NOMEM, "out of memory");
    }
    memcpy(t->body, body, len);
    t->len = len;
    crypto_generichash(t->hash, sizeof t->hash, (const uint8_t *)body, len, NULL, 0);
    w->n_texts++;
    w->st.text_bytes += len;
    return 0;
}

/* Hashes a whole file and sets *size to its length. With an archive, also copies it
 * there, refusing a file that grew or shrank from the *size given. */
static int hash_file(const char *path, int fd, uint64_t *size, uint8_t out[SAT_HASH_BYTES],
                     struct archive *a, sat_err *err)
{
    crypto_generichash_state st;
    static _Thread_local uint8_t buf[1 << 16];
    uint64_t total = 0;
    ssize_t r;

    crypto_generichash_init(&st, NULL, 0, SAT_HASH_BYTES);
    for (;;) {
        r = read(fd, buf, sizeof buf);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return sat_err_set(err, SAT_E_IO, "%s: read failed: %s", path, strerror(errno));
        }
        if (r == 0)
            break;
        crypto_generichash_update(&st, buf, (unsigned long long)r);
        if (a != NULL) {
            la_ssize_t wr;
            if (total + (uint64_t)r > *size)
                return sat_err_set(err, SAT_E_IO, "%s: file grew while packing", path);
            wr = archive_write_data(a, buf, (size_t)r);
            if (wr != r)
                return sat_err_set(err, SAT_E_IO, "writing %s: %s", path, archive_error_string(a));
        }
        total += (uint64_t)r;
    }
    crypto_generichash_final(&st, out, SAT_HASH_BYTES);
    if (a != NULL && total != *size)
        return sat_err_set(err, SAT_E_IO, "%s: file changed size while packing", path);
    *size = total;
    return 0;
}

/* Checks meta for a media entry and makes room for it: returns the zeroed slot in *out. */
static int media_slot(sat_writer *w, const sat_meta *meta, wmedia **out, sat_err *err)
{
    if (sat_kind_is_text(meta->kind))
        return sat_err_set(err, SAT_E_ARG, "%s: not a media entry", meta->id ? meta->id : "?");
    if (sat_meta_check(meta, err) != 0)
        return SAT_E_FORMAT;
    if (w->n_texts + w->n_media >= SAT_ENTRIES_MAX)
        return sat_err_set(err, SAT_E_LIMIT, "more than %u entries", SAT_ENTRIES_MAX);
    if (grow((void **)&w->media, &w->cap_media, w->n_media + 1, sizeof *w->media) != 0)
        return sat_err_set(err, SAT_E_NOMEM, "out of memory");
    *out = &w->media[w->n_media];
    memset(*out, 0, sizeof **out);
    return 0;
}

int sat_writer_add_media(sat_writer *w, const sat_meta *meta, const char *path, sat_err *err)
{
    wmedia *m;
    struct stat sb;
    int fd = -1, rc;

    if ((rc = media_slot(w, meta, &m, err)) != 0)
        return rc;
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return sat_err_set(err, SAT_E_IO, "%s: cannot open: %s", path, strerror(errno));
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return sat_err_set(err, SAT_E_IO, "%s: not a regular file", path);
    }
    if ((uint64_t)sb.st_size > SAT_MEDIA_MAX) {
        close(fd);
        return sat_err_set(err, SAT_E_LIMIT, "%s: larger than %llu bytes", path,
                           (unsigned long long)SAT_MEDIA_MAX);
    }
    rc = hash_file(path, fd, &m->size, m->hash, NULL, err);
    close(fd);
    if (rc != 0)
        return rc;
    if (sat_meta_copy(&m->meta, meta, err) != 0)
        return SAT_E_NOMEM;
    m->path = strdup(path);
    if (m->path == NULL) {
        sat_meta_free(&m->meta);
        return sat_err_set(err, SAT_E_NOMEM, "out of memory");
    }
    w->n_media++;
    return 0;
}

int sat_writer_add_media_buf(sat_writer *w, const sat_meta *meta, const void *data, size_t len,
                             sat_err *err)
{
    wmedia *m;
    int rc;

    if ((rc = media_slot(w, meta, &m, err)) != 0)
        return rc;
    if ((uint64_t)len > SAT_MEDIA_MAX)
        return sat_err_set(err, SAT_E_LIMIT, "%s: larger than %llu bytes", meta->id,
                           (unsigned long long)SAT_MEDIA_MAX);
    if (sat_meta_copy(&m->meta, meta, err) != 0)
        return SAT_E_NOMEM;
    crypto_generichash(m->hash, sizeof m->hash, data, len, NULL, 0);
    m->data = data;
    m->size = len;
    w->n_media++;
    return 0;
}

/* ------------------------------------------------------------------------
 * Clustering, dictionary, compression
 * ------------------------------------------------------------------------ */

static int cmp_text(const void *a, const void *b)
{
    return strcmp(((const wtext *)a)->meta.id, ((const wtext *)b)->meta.id);
}

static int cmp_media(const void *a, const void *b)
{
    return strcmp(((const wmedia *)a)->meta.id, ((const wmedia *)b)->meta.id);
}

static int cmp_str0(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

/* Cluster order: like with like compresses better, so texts are grouped by kind,
 * language and section, then ordered by id. Deterministic. */
static int cmp_cluster_order(const void *a, const void *b)
{
    const wtext *x = *(wtext *const *)a, *y = *(wtext *const *)b;
    int c;

    if (x->meta.kind != y->meta.kind)
        return x->meta.kind < y->meta.kind ? -1 : 1;
    if ((c = cmp_str0(x->meta.lang, y->meta.lang)) != 0)
        return c;
    if ((c = cmp_str0(x->meta.section, y->meta.section)) != 0)
        return c;
    return strcmp(x->meta.id, y->meta.id);
}

static int make_clusters(sat_writer *w, sat_err *err)
{
    size_t i, cap = 0;

    w->order = malloc((w->n_texts + 1) * sizeof *w->order);
    if (w->order == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "out of memory");
    for (i = 0; i < w->n_texts; i++)
        w->order[i] = &w->texts[i];
    if (w->n_texts > 1)
        qsort(w->order, w->n_texts, sizeof *w->order, cmp_cluster_order);
    for (i = 0; i < w->n_texts; i++) {
        wtext *t = w->order[i];
        wcluster *c = w->n_clusters ? &w->clusters[w->n_clusters - 1] : NULL;
        if (c == NULL || (c->usize > 0 && c->usize + t->len > w->o.cluster_size)) {
            if (grow((void **)&w->clusters, &cap, w->n_clusters + 1, sizeof *w->clusters))
                return sat_err_set(err, SAT_E_NOMEM, "out of memory");
            c = &w->clusters[w->n_clusters++];
            memset(c, 0, sizeof *c);
            c->first = i;
        }
        t->unit = (uint32_t)(w->n_clusters - 1);
        t->coff = c->usize;
        c->count++;
        c->usize += t->len;
    }
    /* An empty body makes a cluster of zero bytes, which the format forbids. */
    for (i = 0; i < w->n_clusters; i++)
        if (w->clusters[i].usize == 0)
            return sat_err_set(err, SAT_E_FORMAT, "%s: empty body",
                               w->order[w->clusters[i].first]->meta.id);
    return 0;
}

static int train_dict(sat_writer *w, sat_err *err)
{
    /* Sample at most 100x the dictionary size, spread evenly over the texts. */
    uint64_t budget = (uint64_t)w->o.dict_size * 100;
    size_t *sizes = NULL;
    char *samples = NULL;
    size_t i, n = 0, used = 0, step = 1;
    int rc = 0;

    if (w->st.text_bytes < (uint64_t)w->o.dict_size * 8 || w->n_texts < 64)
        return 0; /* too little text for a dictionary to pay for itself */
    if (w->st.text_bytes > budget)
        step = (size_t)(w->st.text_bytes / budget) + 1;
    sizes = malloc(w->n_texts * sizeof *sizes);
    samples = malloc((size_t)(budget < w->st.text_bytes ? budget : w->st.text_bytes) + 1);
    w->dict = malloc(w->o.dict_size);
    if (sizes == NULL || samples == NULL || w->dict == NULL) {
        rc = sat_err_set(err, SAT_E_NOMEM, "out of memory");
        goto out;
    }
    for (i = 0; i < w->n_texts; i += step) {
        size_t len = w->texts[i].len;
        if (len > 64 * 1024)
            len = 64 * 1024;
        if (used + len > budget)
            break;
        memcpy(samples + used, w->texts[i].body, len);
        sizes[n++] = len;
        used += len;
    }
    rc = sat_zstd_train(w->dict, w->o.dict_size, samples, sizes, (unsigned)n, &w->dict_len, err);
out:
    if (rc != 0 || w->dict_len == 0) {
        free(w->dict);
        w->dict = NULL;
        w->dict_len = 0;
    }
    free(sizes);
    free(samples);
    return rc;
}

typedef struct cjob {
    sat_writer *w;
    pthread_mutex_t mu;
    size_t next, done;
    int rc;
    sat_err err;
} cjob;

static void *compress_worker(void *arg)
{
    cjob *j = arg;
    sat_writer *w = j->w;
    sat_zstd *z = NULL;
    sat_err e;
    char *buf = NULL;

    if (sat_zstd_create(w->dict, w->dict_len, w->o.level, &z, &e) != 0) {
        pthread_mutex_lock(&j->mu);
        if (j->rc == 0) {
            j->rc = e.code;
            j->err = e;
        }
        pthread_mutex_unlock(&j->mu);
        return NULL;
    }
    buf = malloc(w->o.cluster_size > SAT_CLUSTER_MAX ? SAT_CLUSTER_MAX : SAT_CLUSTER_MAX);
    for (;;) {
        size_t ci, k, off = 0;
        wcluster *c;
        pthread_mutex_lock(&j->mu);
        ci = j->next++;
        if (j->rc != 0 || ci >= w->n_clusters || buf == NULL) {
            if (buf == NULL && j->rc == 0) {
                j->rc = SAT_E_NOMEM;
                sat_err_set(&j->err, SAT_E_NOMEM, "out of memory");
            }
            pthread_mutex_unlock(&j->mu);
            break;
        }
        pthread_mutex_unlock(&j->mu);
        c = &w->clusters[ci];
        for (k = 0; k < c->count; k++) {
            const wtext *t = w->order[c->first + k];
            memcpy(buf + off, t->body, t->len);
            off += t->len;
        }
        if (sat_zstd_compress(z, buf, off, &c->z, &c->zlen, &e) != 0) {
            pthread_mutex_lock(&j->mu);
            if (j->rc == 0) {
                j->rc = e.code;
                j->err = e;
            }
            pthread_mutex_unlock(&j->mu);
            break;
        }
        pthread_mutex_lock(&j->mu);
        j->done++;
        progress(w, "compress", j->done, w->n_clusters);
        pthread_mutex_unlock(&j->mu);
    }
    free(buf);
    sat_zstd_free(z);
    return NULL;
}

static int compress_clusters(sat_writer *w, sat_err *err)
{
    pthread_t th[64];
    int i, nth = w->o.threads, started = 0;
    cjob j;

    memset(&j, 0, sizeof j);
    j.w = w;
    pthread_mutex_init(&j.mu, NULL);
    if ((size_t)nth > w->n_clusters)
        nth = (int)(w->n_clusters ? w->n_clusters : 1);
    for (i = 0; i < nth; i++) {
        if (pthread_create(&th[i], NULL, compress_worker, &j) != 0)
            break;
        started++;
    }
    if (started == 0)
        compress_worker(&j);
    for (i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    pthread_mutex_destroy(&j.mu);
    if (j.rc != 0) {
        if (err != NULL)
            *err = j.err;
        return j.rc;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * Writing the tar
 * ------------------------------------------------------------------------ */

static int tar_member(struct archive *a, const char *name, uint64_t size, long long mtime,
                      sat_err *err)
{
    struct archive_entry *e = archive_entry_new();
    int r;

    if (e == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "out of memory");
    archive_entry_set_pathname(e, name);
    archive_entry_set_size(e, (la_int64_t)size);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_mtime(e, (time_t)mtime, 0);
    archive_entry_set_uid(e, 0);
    archive_entry_set_gid(e, 0);
    r = archive_write_header(a, e);
    archive_entry_free(e);
    if (r != ARCHIVE_OK)
        return sat_err_set(err, SAT_E_IO, "writing tar header for %s: %s", name,
                           archive_error_string(a));
    return 0;
}

static int tar_data(struct archive *a, const char *name, const void *p, size_t n, sat_err *err)
{
    if (n > 0 && archive_write_data(a, p, n) != (la_ssize_t)n)
        return sat_err_set(err, SAT_E_IO, "writing %s: %s", name, archive_error_string(a));
    return 0;
}

/* The search index (SPEC 12), built from the texts in cluster order: document numbers that
 * follow language and section make smaller gaps in the posting lists. */
typedef struct windex {
    sat_buf docs;        /* document table, then compressed */
    uint8_t *docs_z;
    size_t docs_zlen;
    sat_ixblock_out *blocks;
    size_t n_blocks;
    uint8_t **bz;        /* each block compressed */
    size_t *bzlen;
    sat_page *lines;     /* the root's T lines */
} windex;

static void windex_free(windex *x)
{
    size_t i;

    sat_buf_free(&x->docs);
    free(x->docs_z);
    for (i = 0; x->bz != NULL && i < x->n_blocks; i++)
        free(x->bz[i]);
    free(x->bz);
    free(x->bzlen);
    free(x->lines);
    sat_ixblock_out_free(x->blocks, x->n_blocks);
    memset(x, 0, sizeof *x);
}

/* The index numbers documents by language first (sat_ixbuild_add's group): the number of
 * lang in langs[0..*n), added when new (the languages past LANG_GROUPS share the last). */
#define LANG_GROUPS 64
static uint32_t lang_group(const char **langs, size_t *n, const char *lang)
{
    size_t i;

    if (lang == NULL)
        lang = "";
    for (i = 0; i < *n; i++)
        if (strcmp(langs[i], lang) == 0)
            return (uint32_t)i;
    if (*n == LANG_GROUPS)
        return LANG_GROUPS - 1;
    langs[*n] = lang;
    return (uint32_t)(*n)++;
}

static int build_index(sat_writer *w, windex *x, sat_manifest_head *head, sat_err *err)
{
    const char *langs[LANG_GROUPS];
    size_t n_langs = 0;
    sat_ixbuild *ix = NULL;
    sat_zstd *z = NULL;
    sat_ixstats st;
    size_t i;
    int rc;

    if ((rc = sat_ixbuild_create(&ix, err)) != 0)
        return rc;
    for (i = 0; i < w->n_texts; i++) {
        const wtext *t = w->order[i];
        if ((rc = sat_ixbuild_add(ix, t->entry, lang_group(langs, &n_langs, t->meta.lang),
                                  t->meta.title, t->meta.section, t->body, t->len, err)) != 0) {
            sat_err_prefix(err, "%s", t->meta.id);
            goto out;
        }
        if (i % 256 == 0)
            progress(w, "index", i, w->n_texts);
    }
    sat_ixbuild_stats(ix, &st);
    if (st.terms == 0)
        goto out; /* not one word to find: no index */
    if ((rc = sat_ixbuild_finish(ix, SAT_TBLOCK_TARGET, &x->docs, &x->blocks, &x->n_blocks,
                                 err)) != 0)
        goto out;
    sat_ixbuild_free(ix); /* the build lists are large: free them before compressing */
    ix = NULL;
    if (x->docs.len > SAT_DOCTABLE_MAX || x->n_blocks > SAT_TBLOCKS_MAX) {
        rc = sat_err_set(err, SAT_E_LIMIT, "search index too large");
        goto out;
    }
    x->bz = calloc(x->n_blocks, sizeof *x->bz);
    x->bzlen = calloc(x->n_blocks, sizeof *x->bzlen);
    x->lines = calloc(x->n_blocks, sizeof *x->lines);
    if (x->bz == NULL || x->bzlen == NULL || x->lines == NULL) {
        rc = sat_err_set(err, SAT_E_NOMEM, "out of memory");
        goto out;
    }
    if ((rc = sat_zstd_create(NULL, 0, SEARCH_LEVEL, &z, err)) != 0)
        goto out;
    if ((rc = sat_zstd_compress(z, x->docs.data, x->docs.len, &x->docs_z, &x->docs_zlen, err)) !=
        0)
        goto out;
    for (i = 0; i < x->n_blocks; i++) {
        sat_page *l = &x->lines[i];
        if (x->blocks[i].data.len > SAT_TBLOCK_MAX) {
            rc = sat_err_set(err, SAT_E_LIMIT, "search index: the term \"%s\" is too common",
                             x->blocks[i].first);
            goto out;
        }
        if ((rc = sat_zstd_compress(z, x->blocks[i].data.data, x->blocks[i].data.len, &x->bz[i],
                                    &x->bzlen[i], err)) != 0)
            goto out;
        l->size = x->bzlen[i];
        l->usize = x->blocks[i].data.len;
        l->count = x->blocks[i].count;
        l->first_id = x->blocks[i].first;
        crypto_generichash(l->hash, SAT_HASH_BYTES, x->bz[i], x->bzlen[i], NULL, 0);
        w->st.search_zbytes += x->bzlen[i];
        if (i % 16 == 0)
            progress(w, "index", i, x->n_blocks);
    }
    head->has_search = 1;
    head->search_size = x->docs_zlen;
    head->search_usize = x->docs.len;
    head->search_docs = w->n_texts;
    crypto_generichash(head->search_hash, SAT_HASH_BYTES, x->docs_z, x->docs_zlen, NULL, 0);
    head->search_blocks = x->lines;
    head->n_search_blocks = x->n_blocks;
    w->st.search_zbytes += x->docs_zlen;
    w->st.n_search_blocks = x->n_blocks;
    w->st.search_terms = st.terms;
    w->st.search_postings = st.postings;
out:
    sat_zstd_free(z);
    sat_ixbuild_free(ix);
    return rc;
}

int sat_writer_finish(sat_writer *w, const char *out_path, const sat_seckey *sk, sat_err *err)
{
    windex wx;
    sat_buf mtext = {0};
    sat_page *pages = NULL;
    uint8_t **pz = NULL;
    size_t *pzlen = NULL, n_pages = 0;
    sat_meta *metas = NULL;
    sat_mentry *locs = NULL;
    sat_cluster *crec = NULL, *mrec = NULL;
    sat_manifest_head head;
    sat_pubkey pk;
    sat_zstd *mz = NULL, *pzc = NULL;
    uint8_t *mzbuf = NULL;
    size_t mzlen = 0, i, ti, mi, n;
    char *sigtext = NULL;
    size_t siglen = 0;
    char tc[SAT_TRUSTED_COMMENT_MAX + 1];
    char hex[2 * SAT_HASH_BYTES + 1];
    char name[256];
    char *tmp = NULL;
    struct archive *a = NULL;
    long long mtime = 0;
    uint64_t dict_off = 0, data_size, total;
    crypto_generichash_state hs;
    int fd = -1, rc = 0, placed_tmp = 0;
    struct stat sb;

    memset(&head, 0, sizeof head);
    memset(&wx, 0, sizeof wx);
    if (w->n_texts + w->n_media == 0)
        return sat_err_set(err, SAT_E_ARG, "nothing to pack: no entries");
    if (w->n_texts > 1)
        qsort(w->texts, w->n_texts, sizeof *w->texts, cmp_text);
    if (w->n_media > 1)
        qsort(w->media, w->n_media, sizeof *w->media, cmp_media);

    /* One id space: merge both sorted lists into the manifest order. */
    n = w->n_texts + w->n_media;
    metas = calloc(n, sizeof *metas);
    locs = calloc(n, sizeof *locs);
    if (metas == NULL || locs == NULL)
        goto nomem;

    progress(w, "cluster", 0, w->n_texts);
    if ((rc = make_clusters(w, err)) != 0)
        goto out;
    progress(w, "dictionary", 0, 1);
    if ((rc = train_dict(w, err)) != 0)
        goto out;
    if ((rc = compress_clusters(w, err)) != 0)
        goto out;

    sat_time_parse(w->created, &mtime);
    crec = calloc(w->n_clusters + 1, sizeof *crec);
    mrec = calloc(w->n_media + 1, sizeof *mrec);
    if (crec == NULL || mrec == NULL)
        goto nomem;
    /* offsets are filled in by the layout, once the index pages' sizes are known */
    for (i = 0; i < w->n_media; i++) {
        mrec[i].id = w->media[i].meta.id;
        mrec[i].size = mrec[i].usize = w->media[i].size;
        memcpy(mrec[i].hash, w->media[i].hash, SAT_HASH_BYTES);
    }
    for (i = 0; i < w->n_clusters; i++) {
        crec[i].size = w->clusters[i].zlen;
        crec[i].usize = w->clusters[i].usize;
        crypto_generichash(crec[i].hash, SAT_HASH_BYTES, w->clusters[i].z, w->clusters[i].zlen,
                           NULL, 0);
        w->st.compressed_bytes += w->clusters[i].zlen;
    }
    /* Entry locations, merged in id order. */
    {
        size_t k = 0;
        ti = mi = 0;
        while (ti < w->n_texts || mi < w->n_media) {
            int take_text;
            if (ti < w->n_texts && mi < w->n_media) {
                int c = strcmp(w->texts[ti].meta.id, w->media[mi].meta.id);
                if (c == 0) {
                    rc = sat_err_set(err, SAT_E_FORMAT, "duplicate entry id \"%s\"",
                                     w->media[mi].meta.id);
                    goto out;
                }
                take_text = c < 0;
            } else {
                take_text = ti < w->n_texts;
            }
            if (k > 0 && strcmp(metas[k - 1].id,
                                take_text ? w->texts[ti].meta.id : w->media[mi].meta.id) == 0) {
                rc = sat_err_set(err, SAT_E_FORMAT, "duplicate entry id \"%s\"", metas[k - 1].id);
                goto out;
            }
            if (take_text) {
                w->texts[ti].entry = (uint32_t)k;
                metas[k] = w->texts[ti].meta;
                locs[k].unit = w->texts[ti].unit;
                locs[k].offset = w->texts[ti].coff;
                locs[k].size = w->texts[ti].len;
                memcpy(locs[k].hash, w->texts[ti].hash, SAT_HASH_BYTES);
                ti++;
            } else {
                metas[k] = w->media[mi].meta;
                locs[k].unit = SAT_UNIT_MEDIA;
                locs[k].offset = mi; /* pages name the root's M line, not a file offset */
                locs[k].size = w->media[mi].size;
                memcpy(locs[k].hash, w->media[mi].hash, SAT_HASH_BYTES);
                mi++;
            }
            k++;
        }
    }
    /* Parents must name an entry. */
    for (i = 0; i < n; i++) {
        size_t lo = 0, hi = n;
        int found = 0;
        if (metas[i].parent == NULL)
            continue;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            int c = strcmp(metas[mid].id, metas[i].parent);
            if (c == 0) {
                found = metas[mid].parent == NULL && mid != i;
                break;
            }
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (!found) {
            rc = sat_err_set(err, SAT_E_FORMAT, "%s: parent \"%s\" is not an entry of the bundle",
                             metas[i].id, metas[i].parent);
            goto out;
        }
    }

    /* Bundle id: derived from the signer, the header and every content hash, so the
     * same input, key and date give the same id (and the same bytes). */
    sat_seckey_pubkey(sk, &pk);
    crypto_generichash_init(&hs, NULL, 0, SAT_BUNDLE_ID_BYTES);
    crypto_generichash_update(&hs, (const uint8_t *)"satchel-bundle-id-v1", 20);
    crypto_generichash_update(&hs, pk.keynum, sizeof pk.keynum);
    crypto_generichash_update(&hs, pk.pk, sizeof pk.pk);
    crypto_generichash_update(&hs, (const uint8_t *)w->created, strlen(w->created) + 1);
    snprintf(name, sizeof name, "%llu", (unsigned long long)w->o.seq);
    crypto_generichash_update(&hs, (const uint8_t *)name, strlen(name) + 1);
    crypto_generichash_update(&hs, (const uint8_t *)w->title, strlen(w->title) + 1);
    if (w->publisher)
        crypto_generichash_update(&hs, (const uint8_t *)w->publisher, strlen(w->publisher) + 1);
    for (i = 0; i < n; i++) {
        crypto_generichash_update(&hs, (const uint8_t *)metas[i].id, strlen(metas[i].id) + 1);
        crypto_generichash_update(&hs, locs[i].hash, SAT_HASH_BYTES);
    }
    crypto_generichash_final(&hs, head.bundle_id, SAT_BUNDLE_ID_BYTES);
    head.title = w->title;
    head.publisher = w->publisher;
    memcpy(head.created, w->created, 21);
    head.seq = w->o.seq;
    if (w->o.volumes > 0) {
        head.collection.present = 1;
        head.collection.volume = w->o.volume;
        head.collection.volumes = w->o.volumes;
        sat_collection_derive(&pk, w->created, w->o.seq, w->title, w->publisher,
                              head.collection.id);
    }
    if (w->dict_len > 0) {
        head.has_dict = 1;
        head.dict_size = w->dict_len;
        crypto_generichash(head.dict_hash, SAT_HASH_BYTES, w->dict, w->dict_len, NULL, 0);
    }
    progress(w, "manifest", 0, 1);
    if ((rc = sat_zstd_create(NULL, 0, MANIFEST_LEVEL, &mz, err)) != 0)
        goto out;
    /* Index pages use the bundle's dictionary when there is one: titles, authors and tags
     * share its vocabulary (17% smaller pages on the bench corpus). */
    if ((rc = sat_zstd_create(w->dict_len ? w->dict : NULL, w->dict_len, MANIFEST_LEVEL, &pzc,
                              err)) != 0)
        goto out;
    /* Index pages: SAT_PAGE_ENTRIES entries each, compressed alone, placed before the
     * clusters so that a truncated copy still lists every entry. */
    n_pages = (n + SAT_PAGE_ENTRIES - 1) / SAT_PAGE_ENTRIES;
    pages = calloc(n_pages + 1, sizeof *pages);
    pz = calloc(n_pages + 1, sizeof *pz);
    pzlen = calloc(n_pages + 1, sizeof *pzlen);
    if (pages == NULL || pz == NULL || pzlen == NULL)
        goto nomem;
    for (i = 0; i < n_pages; i++) {
        size_t first = i * SAT_PAGE_ENTRIES;
        size_t cnt = n - first < SAT_PAGE_ENTRIES ? n - first : SAT_PAGE_ENTRIES;
        mtext.len = 0;
        if ((rc = sat_manifest_render_page(&mtext, metas + first, locs + first, cnt, err)) != 0)
            goto out;
        if ((rc = sat_zstd_compress(pzc, mtext.data, mtext.len, &pz[i], &pzlen[i], err)) != 0)
            goto out;
        if (mtext.len > SAT_PAGE_MAX) {
            rc = sat_err_set(err, SAT_E_LIMIT, "index page %zu too large", i);
            goto out;
        }
        pages[i].size = pzlen[i];
        pages[i].usize = mtext.len;
        pages[i].count = (uint32_t)cnt;
        pages[i].first_id = metas[first].id;
        crypto_generichash(pages[i].hash, SAT_HASH_BYTES, pz[i], pzlen[i], NULL, 0);
        w->st.index_zbytes += pzlen[i];
    }
    if (!w->o.no_index && w->n_texts > 0 && (rc = build_index(w, &wx, &head, err)) != 0)
        goto out;
    /* Layout: offsets relative to D, the end of the root manifest member (SPEC 2). */
    data_size = sat_manifest_layout(w->dict_len, &dict_off, pages, n_pages, &head, crec,
                                    w->n_clusters, mrec, w->n_media);
    head.dict_offset = dict_off;
    head.data_size = data_size;
    mtext.len = 0;
    if ((rc = sat_manifest_render(&mtext, &head, crec, w->n_clusters, mrec, w->n_media, pages,
                                  n_pages, n, err)) != 0)
        goto out;
    if ((rc = sat_zstd_compress(mz, mtext.data, mtext.len, &mzbuf, &mzlen, err)) != 0)
        goto out;
    if (mzlen > SAT_MANIFEST_ZMAX || mtext.len > SAT_MANIFEST_MAX) {
        rc = sat_err_set(err, SAT_E_LIMIT, "manifest too large (%zu bytes)", mtext.len);
        goto out;
    }
    /* head signature and root, data, tail root and signature, two end blocks */
    total = SAT_MANIFEST_OFFSET + PAD(mzlen) + data_size + BLOCK + PAD(mzlen) + 4 * BLOCK;

    sat_hex(head.bundle_id, SAT_BUNDLE_ID_BYTES, hex);
    snprintf(tc, sizeof tc, SAT_TC_PREFIX "id=%s seq=%llu created=%s manifest=%llu+%zu:%zu", hex,
             (unsigned long long)w->o.seq, w->created, (unsigned long long)SAT_MANIFEST_OFFSET,
             mzlen, mtext.len);
    if ((rc = sat_sign(sk, mzbuf, mzlen, "satchel bundle manifest signature", tc, &sigtext, &siglen,
                       err)) != 0)
        goto out;
    if (siglen >= BLOCK) {
        rc = sat_err_set(err, SAT_E_LIMIT, "signature file too long (%zu bytes)", siglen);
        goto out;
    }

    /* Write. */
    {
        const char *base = strrchr(out_path, '/');
        size_t dlen = base ? (size_t)(base - out_path + 1) : 0;
        base = base ? base + 1 : out_path;
        tmp = malloc(dlen + strlen(base) + 32);
        if (tmp == NULL)
            goto nomem;
        memcpy(tmp, out_path, dlen);
        snprintf(tmp + dlen, strlen(base) + 32, ".%s.tmp-XXXXXX", base);
    }
    if (stat(out_path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        rc = sat_err_set(err, SAT_E_ARG, "%s is a directory", out_path);
        goto out;
    }
    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        rc = sat_err_set(err, SAT_E_IO, "cannot create a temporary file beside %s: %s", out_path,
                         strerror(errno));
        goto out;
    }
    placed_tmp = 1;
    fchmod(fd, 0644);
    a = archive_write_new();
    if (a == NULL)
        goto nomem;
    if (archive_write_set_format_ustar(a) != ARCHIVE_OK ||
        archive_write_set_bytes_per_block(a, 10240) != ARCHIVE_OK ||
        archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
        archive_write_open_fd(a, fd) != ARCHIVE_OK) {
        rc = sat_err_set(err, SAT_E_IO, "libarchive: %s", archive_error_string(a));
        goto out;
    }
    progress(w, "write", 0, n);
    if ((rc = tar_member(a, SAT_MEMBER_SIG, siglen, mtime, err)) != 0 ||
        (rc = tar_data(a, SAT_MEMBER_SIG, sigtext, siglen, err)) != 0 ||
        (rc = tar_member(a, SAT_MEMBER_MANIFEST, mzlen, mtime, err)) != 0 ||
        (rc = tar_data(a, SAT_MEMBER_MANIFEST, mzbuf, mzlen, err)) != 0)
        goto out;
    if (w->dict_len > 0 && ((rc = tar_member(a, SAT_MEMBER_DICT, w->dict_len, mtime, err)) != 0 ||
                            (rc = tar_data(a, SAT_MEMBER_DICT, w->dict, w->dict_len, err)) != 0))
        goto out;
    for (i = 0; i < n_pages; i++) {
        snprintf(name, sizeof name, SAT_MEMBER_PAGE_FMT, i);
        if ((rc = tar_member(a, name, pzlen[i], mtime, err)) != 0 ||
            (rc = tar_data(a, name, pz[i], pzlen[i], err)) != 0)
            goto out;
    }
    if (head.has_search &&
        ((rc = tar_member(a, SAT_MEMBER_SEARCH_DOCS, wx.docs_zlen, mtime, err)) != 0 ||
         (rc = tar_data(a, SAT_MEMBER_SEARCH_DOCS, wx.docs_z, wx.docs_zlen, err)) != 0))
        goto out;
    for (i = 0; head.has_search && i < wx.n_blocks; i++) {
        snprintf(name, sizeof name, SAT_MEMBER_SEARCH_FMT, i);
        if ((rc = tar_member(a, name, wx.bzlen[i], mtime, err)) != 0 ||
            (rc = tar_data(a, name, wx.bz[i], wx.bzlen[i], err)) != 0)
            goto out;
    }
    for (i = 0; i < w->n_clusters; i++) {
        snprintf(name, sizeof name, SAT_MEMBER_CLUSTER_FMT, i);
        if ((rc = tar_member(a, name, w->clusters[i].zlen, mtime, err)) != 0 ||
            (rc = tar_data(a, name, w->clusters[i].z, w->clusters[i].zlen, err)) != 0)
            goto out;
    }
    for (i = 0; i < w->n_media; i++) {
        wmedia *m = &w->media[i];
        uint8_t h[SAT_HASH_BYTES];
        uint64_t size = m->size;
        int mfd;
        snprintf(name, sizeof name, SAT_MEMBER_MEDIA_PREFIX "%s", m->meta.id);
        if ((rc = tar_member(a, name, m->size, mtime, err)) != 0)
            goto out;
        if (m->path == NULL) {
            if ((rc = tar_data(a, name, m->data, m->size, err)) != 0)
                goto out;
            progress(w, "write", i + 1, w->n_media);
            continue;
        }
        mfd = open(m->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (mfd < 0) {
            rc = sat_err_set(err, SAT_E_IO, "%s: cannot open: %s", m->path, strerror(errno));
            goto out;
        }
        rc = hash_file(m->path, mfd, &size, h, a, err);
        close(mfd);
        if (rc != 0)
            goto out;
        if (sodium_memcmp(h, m->hash, SAT_HASH_BYTES) != 0) {
            rc = sat_err_set(err, SAT_E_IO, "%s: file changed while packing", m->path);
            goto out;
        }
        progress(w, "write", i + 1, w->n_media);
    }
    /* The tail copy: a truncated or start-damaged copy keeps one of the two. */
    if ((rc = tar_member(a, SAT_MEMBER_MANIFEST_COPY, mzlen, mtime, err)) != 0 ||
        (rc = tar_data(a, SAT_MEMBER_MANIFEST_COPY, mzbuf, mzlen, err)) != 0 ||
        (rc = tar_member(a, SAT_MEMBER_SIG_COPY, siglen, mtime, err)) != 0 ||
        (rc = tar_data(a, SAT_MEMBER_SIG_COPY, sigtext, siglen, err)) != 0)
        goto out;
    if (archive_write_close(a) != ARCHIVE_OK) {
        rc = sat_err_set(err, SAT_E_IO, "finishing %s: %s", tmp, archive_error_string(a));
        goto out;
    }
    if (fstat(fd, &sb) != 0 || (uint64_t)sb.st_size != total) {
        rc = sat_err_set(err, SAT_E_IO, "internal error: bundle is %lld bytes, layout says %llu",
                         (long long)sb.st_size, (unsigned long long)total);
        goto out;
    }
    if (fsync(fd) != 0) {
        rc = sat_err_set(err, SAT_E_IO, "fsync %s: %s", tmp, strerror(errno));
        goto out;
    }
    if (close(fd) != 0) {
        fd = -1;
        rc = sat_err_set(err, SAT_E_IO, "close %s: %s", tmp, strerror(errno));
        goto out;
    }
    fd = -1;
    if (rename(tmp, out_path) != 0) {
        rc = sat_err_set(err, SAT_E_IO, "rename %s to %s: %s", tmp, out_path, strerror(errno));
        goto out;
    }
    placed_tmp = 0;
    sat_fsync_dir_of(out_path);
    w->st.n_text = w->n_texts;
    w->st.n_media = w->n_media;
    w->st.n_clusters = w->n_clusters;
    w->st.dict_bytes = w->dict_len;
    w->st.manifest_bytes = mtext.len;
    w->st.n_pages = n_pages;
    w->st.manifest_zbytes = mzlen;
    w->st.bundle_bytes = total;
    goto out;

nomem:
    rc = sat_err_set(err, SAT_E_NOMEM, "out of memory");
out:
    if (a != NULL)
        archive_write_free(a);
    if (fd >= 0)
        close(fd);
    if (placed_tmp)
        unlink(tmp);
    free(tmp);
    free(sigtext);
    free(mzbuf);
    sat_zstd_free(mz);
    sat_zstd_free(pzc);
    sat_buf_free(&mtext);
    free(crec);
    free(mrec);
    for (i = 0; pz != NULL && i < n_pages; i++)
        free(pz[i]);
    free(pz);
    free(pzlen);
    free(pages);
    windex_free(&wx);
    free(metas); /* shallow copies: the strings belong to texts/media */
    free(locs);
    return rc;
}

void sat_writer_get_stats(const sat_writer *w, sat_writer_stats *st)
{
    *st = w->st;
}

void sat_writer_free(sat_writer *w)
{
    size_t i;

    if (w == NULL)
        return;
    for (i = 0; i < w->n_texts; i++) {
        sat_meta_free(&w->texts[i].meta);
        free(w->texts[i].body);
    }
    for (i = 0; i < w->n_media; i++) {
        sat_meta_free(&w->media[i].meta);
        free(w->media[i].path);
    }
    for (i = 0; i < w->n_clusters; i++)
        free(w->clusters[i].z);
    free(w->order);
    free(w->texts);
    free(w->media);
    free(w->clusters);
    free(w->dict);
    free(w->title);
    free(w->publisher);
    free(w->created);
    free(w);
}
