/*
 * bundle_verify.c - sat_bundle_verify: every stored unit hashed, every index page parsed,
 * the tar layer around them checked byte for byte against sat_bundle_tar_header (the
 * canonical member header the packer's libarchive writes), and with deep every entry's
 * content and the search index decoded. Damaged entries are named through the intact
 * index pages. The rest of the reader is in bundle_read.c.
 */
#include "bundle_internal.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sat_index.h"

/* ------------------------------------------------------------------------
 * The tar layer, byte for byte
 * ------------------------------------------------------------------------ */

/* n as `digits` octal digits (leading zeros); the caller adds the terminator. */
static void octal_field(unsigned char *f, size_t digits, uint64_t n)
{
    while (digits-- > 0) {
        f[digits] = (unsigned char)('0' + (n & 7));
        n >>= 3;
    }
}

void sat_bundle_tar_header(unsigned char h[512], const char *name, uint64_t size, long long mtime)
{
    uint64_t sum = 0;
    size_t i, n = strlen(name);

    memset(h, 0, BUNDLE_BLOCK);
    memcpy(h, name, n > 100 ? 100 : n);
    memcpy(h + 100, "000644 ", 8);
    memcpy(h + 108, "000000 ", 8);
    memcpy(h + 116, "000000 ", 8);
    octal_field(h + 124, 11, size);
    h[135] = ' ';
    octal_field(h + 136, 11, mtime < 0 ? 0 : (uint64_t)mtime);
    h[147] = ' ';
    h[156] = '0';
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    memcpy(h + 329, "000000 ", 8);
    memcpy(h + 337, "000000 ", 8);
    memset(h + 148, ' ', 8);
    for (i = 0; i < BUNDLE_BLOCK; i++)
        sum += h[i];
    octal_field(h + 148, 6, sum);
    h[154] = '\0';
    h[155] = ' ';
}

/* Printable, bounded form of a name read from an untrusted header. */
static void safe_name(const unsigned char *p, size_t max, char *out, size_t cap)
{
    size_t i, o = 0;

    for (i = 0; i < max && p[i] != '\0' && o + 5 < cap; i++) {
        if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' && p[i] != '\\')
            out[o++] = (char)p[i];
        else
            o += (size_t)snprintf(out + o, cap - o, "\\x%02x", p[i]);
    }
    out[o] = '\0';
}

typedef struct lcheck {
    sat_bundle *b;
    long long mtime;
    uint64_t pos; /* where the next header belongs */
    size_t problems;
    int stop; /* the file ended */
    sat_problem_fn fn;
    void *ctx;
    char *buf; /* BUNDLE_BLOCK bytes at least */
} lcheck;

static void lproblem(lcheck *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void lproblem(lcheck *L, const char *fmt, ...)
{
    char msg[SAT_ERR_MSG_MAX];
    va_list ap;

    L->problems++;
    if (L->problems > 20)
        return;
    if (L->problems == 20) {
        snprintf(msg, sizeof msg, "more tar layer problems; not listing them all");
    } else {
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
    }
    if (L->fn != NULL)
        L->fn(L->ctx, NULL, msg);
}

/* Reads up to n bytes at off; returns how many the file has (short at the end). */
static size_t lread(lcheck *L, uint64_t off, void *buf, size_t n)
{
    sat_bundle *b = L->b;

    if (off >= b->file_size)
        return 0;
    if (n > b->file_size - off)
        n = (size_t)(b->file_size - off);
    if (bundle_read_at(b, off, buf, n, NULL) != 0)
        return 0;
    return n;
}

/* The member `name` of `size` bytes belongs at L->pos: its header must be the canonical
 * one; its data, when `data` is given, those bytes; its padding zeros. */
static void lmember(lcheck *L, const char *name, uint64_t size, const void *data)
{
    unsigned char want[BUNDLE_BLOCK], *got = (unsigned char *)L->buf;
    uint64_t at = L->pos, pad_at = at + BUNDLE_BLOCK + size,
             end = at + BUNDLE_BLOCK + BUNDLE_PAD(size);
    size_t n, i;

    L->pos = end;
    if (L->stop)
        return;
    sat_bundle_tar_header(want, name, size, L->mtime);
    n = lread(L, at, got, BUNDLE_BLOCK);
    if (n < BUNDLE_BLOCK) {
        lproblem(L,
                 "the file is truncated: it ends at byte %llu, inside or before member %s "
                 "(the bundle is %llu bytes long)",
                 (unsigned long long)L->b->file_size, name,
                 (unsigned long long)(L->b->data + L->b->m->head.data_size + 6 * BUNDLE_BLOCK +
                                      BUNDLE_PAD(L->b->mzlen)));
        L->stop = 1;
        return;
    }
    if (memcmp(got, want, BUNDLE_BLOCK) != 0) {
        char found[420];
        if (memcmp(got, want, 100) != 0) {
            safe_name(got, 100, found, sizeof found);
            lproblem(L,
                     "byte %llu: a member named \"%s\" where %s belongs (damaged, or a "
                     "foreign member was added)",
                     (unsigned long long)at, found, name);
        } else if (got[156] != '0') {
            lproblem(L, "byte %llu: member %s is not a regular file (tar type '%c')",
                     (unsigned long long)at, name,
                     got[156] >= 0x20 && got[156] < 0x7f ? got[156] : '?');
        } else if (memcmp(got + 124, want + 124, 12) != 0) {
            lproblem(L, "byte %llu: member %s has the wrong size in its tar header",
                     (unsigned long long)at, name);
        } else {
            lproblem(L,
                     "byte %llu: the tar header of %s differs from the canonical one "
                     "(damaged or altered)",
                     (unsigned long long)at, name);
        }
    }
    if (data != NULL) {
        uint64_t done = 0;
        while (done < size) {
            size_t k = size - done > BUNDLE_BLOCK ? BUNDLE_BLOCK : (size_t)(size - done);
            if (lread(L, at + BUNDLE_BLOCK + done, got, k) != k ||
                memcmp(got, (const char *)data + done, k) != 0) {
                lproblem(L, "member %s (bytes %llu..%llu) differs from the verified copy", name,
                         (unsigned long long)(at + BUNDLE_BLOCK),
                         (unsigned long long)(at + BUNDLE_BLOCK + size));
                break;
            }
            done += k;
        }
    }
    if (end > pad_at) {
        n = lread(L, pad_at, got, (size_t)(end - pad_at));
        for (i = 0; i < n && got[i] == 0; i++)
            ;
        if (i < n)
            lproblem(L, "byte %llu: non-zero bytes in the padding after %s",
                     (unsigned long long)(pad_at + i), name);
    }
}

/* Checks the whole tar layer against the layout the signed root implies (SPEC 2): every
 * header byte-exact, every padding zero, both copies of signature and root identical, the
 * end blocks, and nothing after them. Returns the number of problems reported. */
static size_t check_tar_layer(sat_bundle *b, sat_problem_fn fn, void *ctx, char *buf)
{
    const sat_manifest *m = b->m;
    lcheck L;
    char name[128];
    size_t i, n;

    memset(&L, 0, sizeof L);
    L.b = b;
    L.fn = fn;
    L.ctx = ctx;
    L.buf = buf;
    sat_time_parse(m->head.created, &L.mtime);
    if (b->head_problem[0] != '\0')
        lproblem(&L, "%s", b->head_problem);
    lmember(&L, SAT_MEMBER_SIG, b->siglen, b->sigtext);
    lmember(&L, SAT_MEMBER_MANIFEST, b->mzlen, b->mz);
    if (m->head.has_dict)
        lmember(&L, SAT_MEMBER_DICT, m->head.dict_size, NULL);
    for (i = 0; i < m->n_pages; i++) {
        snprintf(name, sizeof name, SAT_MEMBER_PAGE_FMT, i);
        lmember(&L, name, m->pages[i].size, NULL);
    }
    if (m->head.has_search)
        lmember(&L, SAT_MEMBER_SEARCH_DOCS, m->head.search_size, NULL);
    for (i = 0; m->head.has_search && i < m->head.n_search_blocks; i++) {
        snprintf(name, sizeof name, SAT_MEMBER_SEARCH_FMT, i);
        lmember(&L, name, m->head.search_blocks[i].size, NULL);
    }
    for (i = 0; i < m->n_clusters; i++) {
        snprintf(name, sizeof name, SAT_MEMBER_CLUSTER_FMT, i);
        lmember(&L, name, m->clusters[i].size, NULL);
    }
    for (i = 0; i < m->n_media; i++) {
        snprintf(name, sizeof name, SAT_MEMBER_MEDIA_PREFIX "%s", m->media[i].id);
        lmember(&L, name, m->media[i].size, NULL);
    }
    lmember(&L, SAT_MEMBER_MANIFEST_COPY, b->mzlen, b->mz);
    lmember(&L, SAT_MEMBER_SIG_COPY, b->siglen, b->sigtext);
    if (!L.stop) {
        n = lread(&L, L.pos, buf, 2 * BUNDLE_BLOCK);
        for (i = 0; i < n && buf[i] == 0; i++)
            ;
        if (n < 2 * BUNDLE_BLOCK)
            lproblem(&L, "the file is truncated: the tar end blocks are missing");
        else if (i < n)
            lproblem(&L, "byte %llu: the tar end blocks are not zero",
                     (unsigned long long)(L.pos + i));
        if (b->file_size > L.pos + 2 * BUNDLE_BLOCK)
            lproblem(&L,
                     "%llu bytes after the end of the bundle, not covered by the signature "
                     "(appended data or a second archive)",
                     (unsigned long long)(b->file_size - L.pos - 2 * BUNDLE_BLOCK));
    }
    return L.problems;
}

typedef struct vstate {
    int forged;                 /* signed content that breaks the format was found */
    unsigned char *c, *md, *pg; /* per cluster, media, page: 1 ok, 2 damaged */
    char (*cmsg)[160];
    int dict_bad;
    char search_msg[SAT_ERR_MSG_MAX]; /* set when a part of the search index is damaged */
    const sat_mentry **deep_list; /* text entries left for the deep check */
    size_t n_deep;
} vstate;

/* Names the damaged entries of one intact page. */
static size_t verify_page_entries(sat_bundle *b, size_t pi, vstate *v, int deep, sat_problem_fn fn,
                                  void *ctx)
{
    const sat_mpage *pg = b->pages[pi];
    size_t i, bad = 0;
    sat_err e;

    for (i = 0; i < pg->n; i++) {
        const sat_mentry *en = &pg->entries[i];
        const char *why = NULL;
        char msg[200];
        sat_err_clear(&e);
        if (en->unit == SAT_UNIT_MEDIA) {
            size_t mi = sat_manifest_media_at(b->m, en->offset);
            if (mi == SIZE_MAX || v->md[mi] == 2) {
                snprintf(msg, sizeof msg, "media member at byte %llu is damaged",
                         (unsigned long long)(b->data + en->offset));
                why = msg;
            }
        } else if (v->dict_bad) {
            why = "the compression dictionary is damaged";
        } else if (v->c[en->unit] == 2) {
            why = v->cmsg[en->unit];
        } else if (deep) {
            v->deep_list[v->n_deep++] = en; /* checked cluster by cluster afterwards */
        }
        if (why != NULL) {
            bad++;
            if (fn != NULL)
                fn(ctx, en, why);
        }
    }
    return bad;
}

static int cmp_unit(const void *a, const void *b)
{
    const sat_mentry *x = *(const sat_mentry *const *)a, *y = *(const sat_mentry *const *)b;

    if (x->unit != y->unit)
        return x->unit < y->unit ? -1 : 1;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* Deep check: decompress each cluster once and check the content hash of each of its
 * entries (collected from the pages, then sorted by cluster). */
static size_t verify_deep(sat_bundle *b, vstate *v, sat_problem_fn fn, void *ctx)
{
    size_t i, bad = 0;
    sat_err e;

    qsort(v->deep_list, v->n_deep, sizeof *v->deep_list, cmp_unit);
    for (i = 0; i < v->n_deep; i++) {
        const sat_mentry *en = v->deep_list[i];
        const char *why = NULL;
        sat_err_clear(&e);
        if (bundle_load_cluster(b, &b->rd, en->unit, SIZE_MAX, &e) != 0) {
            why = e.msg;
            v->forged |= e.code == SAT_E_FORMAT;
        } else if (!bundle_hash_ok(b->rd.cbuf + en->offset, (size_t)en->size, en->hash)) {
            why = "content differs from its signed hash (its cluster's signed hash matches: "
                  "made by a broken or hostile signer)";
            v->forged = 1;
        }
        if (why != NULL) {
            bad++;
            if (fn != NULL)
                fn(ctx, en, why);
        }
    }
    return bad;
}

/* Step 1 of verify: the dictionary, every cluster and every media member, read once, in
 * file order, hashed (index pages are hashed where they are parsed). Runs in its own
 * thread while the caller parses the index pages; touches only its own buffer and the
 * vstate arrays (pread on the shared descriptor is safe). */
typedef struct hjob {
    sat_bundle *b;
    vstate *v;
    char *buf;
    size_t cap;
    int any; /* something is damaged */
    sat_progress_fn prog;
    void *prog_ctx;
} hjob;

static void *hash_units(void *arg)
{
    hjob *j = arg;
    sat_bundle *b = j->b;
    const sat_manifest *m = b->m;
    vstate *v = j->v;
    uint64_t total = 0, done = 0;
    size_t i;
    sat_err e;

    for (i = 0; i < m->n_clusters; i++)
        total += m->clusters[i].size;
    for (i = 0; i < m->n_media; i++)
        total += m->media[i].size;
    if (m->head.has_dict && !bundle_range_ok(b, b->data + m->head.dict_offset, m->head.dict_size,
                                             m->head.dict_hash, j->buf, j->cap, &e))
        v->dict_bad = j->any = 1;
    if (m->head.has_search &&
        !bundle_range_ok(b, b->data + m->head.search_offset, m->head.search_size,
                         m->head.search_hash, j->buf, j->cap, &e))
        snprintf(v->search_msg, sizeof v->search_msg, "the search index's document table");
    for (i = 0; m->head.has_search && i < m->head.n_search_blocks; i++) {
        const sat_page *t = &m->head.search_blocks[i];
        if (!bundle_range_ok(b, b->data + t->offset, t->size, t->hash, j->buf, j->cap, &e) &&
            v->search_msg[0] == '\0')
            snprintf(v->search_msg, sizeof v->search_msg,
                     "the search index's term block %zu (terms from \"%.64s\")", i, t->first_id);
    }
    for (i = 0; i < m->n_clusters; i++) {
        const sat_cluster *c = &m->clusters[i];
        sat_err_clear(&e);
        v->c[i] =
            bundle_range_ok(b, b->data + c->offset, c->size, c->hash, j->buf, j->cap, &e) ? 1 : 2;
        if (v->c[i] == 2) {
            snprintf(v->cmsg[i], sizeof v->cmsg[i], "cluster %zu: %.120s", i, e.msg);
            j->any = 1;
        }
        done += c->size;
        if (j->prog != NULL && (i % 16 == 0 || i + 1 == m->n_clusters))
            j->prog(j->prog_ctx, "verify", done, total);
    }
    for (i = 0; i < m->n_media; i++) {
        const sat_cluster *c = &m->media[i];
        v->md[i] =
            bundle_range_ok(b, b->data + c->offset, c->size, c->hash, j->buf, j->cap, &e) ? 1 : 2;
        j->any |= v->md[i] == 2;
        done += c->size;
        if (j->prog != NULL)
            j->prog(j->prog_ctx, "verify", done, total);
    }
    if (j->prog != NULL)
        j->prog(j->prog_ctx, "verify", total, total);
    return NULL;
}

/* Deep check of the search index (its hashes matched): the document table and every term
 * block parse, every posting list decodes, no character has too many link terms. Returns
 * 0, or the first error (reported). */
static int verify_search_deep(sat_bundle *b, sat_problem_fn fn, void *ctx)
{
    const sat_manifest_head *h = &b->m->head;
    sat_ixlink_run links = {{0}, 0, 0};
    uint8_t *buf = NULL;
    uint32_t *entry = NULL, *dlen = NULL;
    uint64_t total;
    size_t i;
    int rc, parsed = 0; /* 1: the error comes from a parser (not yet marked as signed) */
    char what[64];
    sat_err e;

    sat_err_clear(&e);
    entry = malloc((size_t)h->search_docs * sizeof *entry);
    dlen = malloc((size_t)h->search_docs * sizeof *dlen);
    if (entry == NULL || dlen == NULL) {
        rc = sat_err_set(&e, SAT_E_NOMEM, "out of memory");
        goto out;
    }
    if ((rc = sat_bundle_load_unit(b, h->search_offset, h->search_size, h->search_usize,
                                   h->search_hash, "search document table", &buf, &e)) != 0)
        goto out;
    parsed = 1;
    if ((rc = sat_ixdocs_parse(buf, (size_t)h->search_usize, h->search_docs, b->m->n_entries,
                               entry, dlen, &total, &e)) != 0)
        goto out;
    /* every document is a text entry (entries on damaged pages cannot be checked) */
    for (i = 0; i < h->search_docs; i++) {
        const sat_mentry *en;
        if (sat_bundle_entry(b, entry[i], &en, NULL) == 0 && en->unit == SAT_UNIT_MEDIA) {
            rc = sat_err_set(&e, SAT_E_FORMAT,
                             "search document table: document %zu names the media entry "
                             "\"%.80s\"",
                             i, en->id);
            goto out;
        }
    }
    for (i = 0; i < h->n_search_blocks; i++) {
        const sat_page *t = &h->search_blocks[i];
        sat_ixblock *blk = NULL;
        free(buf);
        buf = NULL;
        parsed = 0;
        snprintf(what, sizeof what, "search term block %zu", i);
        if ((rc = sat_bundle_load_unit(b, t->offset, t->size, t->usize, t->hash, what, &buf,
                                       &e)) != 0)
            goto out;
        parsed = 1;
        rc = sat_ixblock_parse(buf, (size_t)t->usize, t->count, t->first_id,
                               i + 1 < h->n_search_blocks ? h->search_blocks[i + 1].first_id
                                                          : NULL,
                               h->search_docs, 1, &blk, &e);
        buf = NULL; /* the block owned it */
        if (rc == 0)
            rc = sat_ixlink_run_feed(&links, blk, &e);
        sat_ixblock_free(blk);
        if (rc != 0) {
            sat_err_prefix(&e, "term block %zu", i);
            goto out;
        }
    }
out:
    if (rc != 0 && fn != NULL) {
        if (rc == SAT_E_FORMAT && parsed)
            bundle_signed_but_malformed(&e);
        fn(ctx, NULL, e.msg);
    }
    free(buf);
    free(entry);
    free(dlen);
    return rc == SAT_E_FORMAT ? rc : 0;
}

int sat_bundle_verify(sat_bundle *b, int deep, sat_problem_fn fn, void *ctx, size_t *n_bad,
                      sat_progress_fn prog, void *prog_ctx, sat_err *err)
{
    const sat_manifest *m = b->m;
    const size_t cap = (size_t)1 << 20;
    vstate v;
    hjob j;
    pthread_t t;
    char *buf = NULL;
    size_t i, bad = 0;
    int rc = 0, threaded, pages_bad = 0;
    sat_err e;

    *n_bad = 0;
    memset(&v, 0, sizeof v);
    v.c = calloc(m->n_clusters + 1, 1);
    v.md = calloc(m->n_media + 1, 1);
    v.pg = calloc(m->n_pages + 1, 1);
    v.cmsg = calloc(m->n_clusters + 1, sizeof *v.cmsg);
    buf = malloc(cap);
    if (deep)
        v.deep_list = malloc((size_t)(m->n_entries + 1) * sizeof *v.deep_list);
    if (v.c == NULL || v.md == NULL || v.pg == NULL || v.cmsg == NULL || buf == NULL ||
        (deep && v.deep_list == NULL)) {
        rc = sat_err_set(err, SAT_E_NOMEM, "out of memory");
        goto out;
    }

    /* 1. Hash the other units (a second thread) while this one hashes and parses every page:
     *    a listing that would be refused is not "intact". Pages loaded here alone are
     *    dropped again, so memory stays bounded (deep keeps them: it points into them). */
    memset(&j, 0, sizeof j);
    j.b = b;
    j.v = &v;
    j.buf = buf;
    j.cap = cap;
    j.prog = prog;
    j.prog_ctx = prog_ctx;
    threaded = pthread_create(&t, NULL, hash_units, &j) == 0;
    if (!threaded)
        hash_units(&j);
    for (i = 0; i < m->n_pages; i++) {
        int was_loaded = b->page_state[i] == 1;
        if (bundle_load_page(b, i, NULL) != 0)
            pages_bad = 1; /* damaged (state -1), malformed (-2), or its dictionary is */
        else if (!deep && !was_loaded)
            bundle_forget_page(b, i);
        v.pg[i] = b->page_state[i] == -1 ? 2 : 1;
    }
    if (threaded)
        pthread_join(t, NULL);
    if (v.dict_bad && fn != NULL)
        fn(ctx, NULL, "the compression dictionary is damaged: no text entry can be read");
    if (v.search_msg[0] != '\0' && fn != NULL) {
        char msg[SAT_ERR_MSG_MAX + 100];
        snprintf(msg, sizeof msg,
                 "%.300s is damaged: search will refuse to run; the entries are not affected",
                 v.search_msg);
        fn(ctx, NULL, msg);
    }
    /* With deep, the search index is parsed too: every posting list decoded. */
    if (deep && m->head.has_search && v.search_msg[0] == '\0')
        v.forged |= verify_search_deep(b, fn, ctx) != 0;

    /* 2. The tar layer around them, byte for byte. */
    check_tar_layer(b, fn, ctx, buf);

    if (!j.any && !pages_bad && !deep)
        goto out; /* every byte matched, every page parsed: no entry to name */

    /* 3. Name the damaged entries through the intact index pages. */
    for (i = 0; i < m->n_pages; i++) {
        int was_loaded = b->page_state[i] == 1;
        sat_err_clear(&e);
        if (v.pg[i] == 2 || bundle_load_page(b, i, &e) != 0) {
            char msg[SAT_ERR_MSG_MAX];
            if (v.pg[i] == 2)
                snprintf(msg, sizeof msg,
                         "index page %zu is damaged: its %u entries (from \"%.80s\") cannot be "
                         "listed",
                         i, (unsigned)m->pages[i].count, m->pages[i].first_id);
            else
                snprintf(msg, sizeof msg, "%.400s", e.msg);
            bad += m->pages[i].count;
            v.forged |= v.pg[i] != 2 && e.code == SAT_E_FORMAT;
            if (fn != NULL)
                fn(ctx, NULL, msg);
            continue;
        }
        bad += verify_page_entries(b, i, &v, deep, fn, ctx);
        if (!deep && !was_loaded)
            bundle_forget_page(b, i);
    }
    if (deep)
        bad += verify_deep(b, &v, fn, ctx);
    if (v.forged)
        rc = sat_err_set(err, SAT_E_FORMAT,
                         "signed content breaks the format (see above): the bundle was made by a "
                         "broken or hostile signer");
out:
    free(v.deep_list);
    free(v.c);
    free(v.md);
    free(v.pg);
    free(v.cmsg);
    free(buf);
    *n_bad = bad;
    return rc;
}
