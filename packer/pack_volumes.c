/*
 * pack_volumes.c - split a collection into volumes that fit their medium (pack_volumes.h).
 *
 * The plan is made by measuring, not by trusting an estimate: each volume is written with
 * as many groups (an entry with its attachments) as the estimate lets in, then its real
 * size is compared with the budget. Too large: groups move out (to the next volume) and it
 * is written again; room left: more groups come in. The estimate only chooses what to try;
 * it learns the compression ratio from every measurement. A volume is accepted only when
 * its measured size is within the budget less a small slack (the volume count M, written in
 * every volume, is known only at the end: volumes written with another M are written again
 * and measured again, which the slack absorbs).
 */
#include "pack_volumes.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sat_text.h"

/* Budget kept free while planning, for the digits of M changing at the end. */
#define PV_SLACK 4096u
/* Estimate of a bundle's fixed bytes: signature and root twice, tar end, headers. */
#define PV_FIXED_EST ((uint64_t)16 << 10)
/* Estimate per media entry (header, padding, M and E lines) and per text entry (E line,
 * search document). */
#define PV_MEDIA_EST 1536u
#define PV_TEXT_EST 192u
/* Writes of one volume before the plan falls back to bisection. */
#define PV_TRIES_EST 6

typedef struct pv_group {
    size_t first;           /* first item; the rest follow through next[] */
    size_t n_text, n_media;
    uint64_t text, media;   /* raw text bytes, media bytes */
    const char *date;       /* latest date in the group, NULL when none has one */
    const char *name;       /* the group's first text entry id, else its first id */
} pv_group;

typedef struct pv_plan {
    const pack_source *src;
    const sat_writer_opts *wo;
    const sat_seckey *sk;
    const pv_opts *po;
    size_t n_items;
    size_t *next;           /* next item of the same group, SIZE_MAX at the end */
    pv_group *g;
    size_t n_groups;
    unsigned char *take;
    double ratio;           /* stored bytes per raw text byte, learnt */
    uint64_t budget, plan;
    const char *out;        /* -o */
    char *stem, *ext;       /* out split at its extension: "dir/news", ".satchel" */
    size_t *vfirst, *vcount; /* per volume (1-based): its groups */
    uint32_t *vbuilt_m;     /* the M each volume was last written with */
} pv_plan;

/* ------------------------------------------------------------------------
 * Items of the source
 * ------------------------------------------------------------------------ */

static const sat_meta *item_meta(const pv_plan *p, size_t i)
{
    return i < p->src->n_docs ? &p->src->docs[i].meta : &p->src->media[i - p->src->n_docs].meta;
}

static const char *item_relpath(const pv_plan *p, size_t i)
{
    return i < p->src->n_docs ? p->src->docs[i].relpath
                              : p->src->media[i - p->src->n_docs].relpath;
}

static uint64_t item_bytes(const pv_plan *p, size_t i)
{
    const pack_media *m;
    struct stat st;

    if (i < p->src->n_docs)
        return p->src->docs[i].body_len;
    m = &p->src->media[i - p->src->n_docs];
    if (m->data != NULL)
        return m->len;
    return stat(m->path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

int pack_add_source(sat_writer *w, const pack_source *src, const unsigned char *take,
                    sat_err *err)
{
    size_t i;

    for (i = 0; i < src->n_docs; i++) {
        const pack_doc *d = &src->docs[i];
        if (take != NULL && !take[i])
            continue;
        if (sat_writer_add_text(w, &d->meta, d->body, d->body_len, err) != 0) {
            sat_err_prefix(err, "%s", d->relpath);
            return err->code != 0 ? err->code : SAT_E_FORMAT;
        }
    }
    for (i = 0; i < src->n_media; i++) {
        const pack_media *m = &src->media[i];
        int rc;
        if (take != NULL && !take[src->n_docs + i])
            continue;
        rc = m->data != NULL ? sat_writer_add_media_buf(w, &m->meta, m->data, m->len, err)
                             : sat_writer_add_media(w, &m->meta, m->path, err);
        if (rc != 0) {
            sat_err_prefix(err, "%s", m->relpath);
            return rc;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * Groups: an entry with its parent chain and everything attached to it
 * ------------------------------------------------------------------------ */

static const pv_plan *sort_plan; /* qsort has no context argument */

static int cmp_item_id(const void *a, const void *b)
{
    return strcmp(item_meta(sort_plan, *(const size_t *)a)->id,
                  item_meta(sort_plan, *(const size_t *)b)->id);
}

static size_t uf_find(size_t *uf, size_t i)
{
    while (uf[i] != i) {
        uf[i] = uf[uf[i]];
        i = uf[i];
    }
    return i;
}

/* Newest first (undated last), then by name. */
static int cmp_group(const void *a, const void *b)
{
    const pv_group *x = a, *y = b;

    if ((x->date == NULL) != (y->date == NULL))
        return x->date == NULL ? 1 : -1;
    if (x->date != NULL && strcmp(x->date, y->date) != 0)
        return strcmp(y->date, x->date);
    return strcmp(x->name, y->name);
}

static int make_groups(pv_plan *p, sat_err *err)
{
    size_t n = p->n_items, i, *byid = NULL, *uf = NULL, *gi = NULL, *last = NULL;
    int rc = SAT_E_NOMEM;

    byid = malloc((n + 1) * sizeof *byid);
    uf = malloc((n + 1) * sizeof *uf);
    gi = malloc((n + 1) * sizeof *gi);
    last = malloc((n + 1) * sizeof *last);
    p->next = malloc((n + 1) * sizeof *p->next);
    p->g = calloc(n + 1, sizeof *p->g);
    if (byid == NULL || uf == NULL || gi == NULL || last == NULL || p->next == NULL ||
        p->g == NULL)
        goto out;
    for (i = 0; i < n; i++) {
        byid[i] = uf[i] = i;
        gi[i] = SIZE_MAX;
        p->next[i] = SIZE_MAX;
    }
    sort_plan = p;
    qsort(byid, n, sizeof *byid, cmp_item_id);
    for (i = 0; i < n; i++) {
        const char *parent = item_meta(p, i)->parent;
        size_t lo = 0, hi = n;
        if (parent == NULL)
            continue;
        while (lo < hi) { /* the item with id == parent, if any */
            size_t mid = lo + (hi - lo) / 2;
            int c = strcmp(item_meta(p, byid[mid])->id, parent);
            if (c == 0) {
                uf[uf_find(uf, i)] = uf_find(uf, byid[mid]);
                break;
            }
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
    }
    for (i = 0; i < n; i++) {
        size_t r = uf_find(uf, i);
        const sat_meta *m = item_meta(p, i);
        pv_group *g;
        if (gi[r] == SIZE_MAX) {
            gi[r] = p->n_groups++;
            g = &p->g[gi[r]];
            g->first = i;
            g->name = m->id;
        } else {
            g = &p->g[gi[r]];
            p->next[last[r]] = i;
            if (sat_kind_is_text(m->kind) && !sat_kind_is_text(item_meta(p, g->first)->kind) &&
                (g->n_text == 0 || strcmp(m->id, g->name) < 0))
                g->name = m->id;
        }
        last[r] = i;
        if (sat_kind_is_text(m->kind)) {
            g->n_text++;
            g->text += item_bytes(p, i);
        } else {
            g->n_media++;
            g->media += item_bytes(p, i);
        }
        if (m->date != NULL && (g->date == NULL || strcmp(m->date, g->date) > 0))
            g->date = m->date;
    }
    qsort(p->g, p->n_groups, sizeof *p->g, cmp_group);
    rc = 0;
out:
    free(byid);
    free(uf);
    free(gi);
    free(last);
    if (rc != 0)
        sat_err_set(err, SAT_E_NOMEM, "out of memory");
    return rc;
}

/* ------------------------------------------------------------------------
 * Estimates (they only choose what to try; sizes are measured)
 * ------------------------------------------------------------------------ */

static uint64_t est_fixed(const pv_group *g)
{
    return g->media + g->n_media * PV_MEDIA_EST + g->n_text * PV_TEXT_EST;
}

static uint64_t est_group(const pv_plan *p, const pv_group *g)
{
    return est_fixed(g) + (uint64_t)((double)g->text * p->ratio) + 1;
}

/* How many groups from s on fit in room bytes by the estimate (0 when not the first). */
static size_t est_fit(const pv_plan *p, size_t s, uint64_t room)
{
    uint64_t sum = 0;
    size_t k = 0;

    while (s + k < p->n_groups) {
        uint64_t e = est_group(p, &p->g[s + k]);
        if (sum + e > room)
            break;
        sum += e;
        k++;
    }
    return k;
}

/* Learns the ratio from a volume of groups [s, s+k) measured at size bytes. */
static void learn(pv_plan *p, size_t s, size_t k, uint64_t size)
{
    uint64_t fixed = PV_FIXED_EST, text = 0;
    size_t i;
    double r;

    for (i = s; i < s + k; i++) {
        fixed += est_fixed(&p->g[i]);
        text += p->g[i].text;
    }
    if (text < 4096)
        return; /* too little text to say anything */
    r = size > fixed ? (double)(size - fixed) / (double)text : 0.0;
    r *= 1.05;
    p->ratio = r < 0.02 ? 0.02 : r > 1.5 ? 1.5 : r;
}

/* ------------------------------------------------------------------------
 * Writing one volume
 * ------------------------------------------------------------------------ */

/* The temporary (staging) name of volume v, or the final name of volume v of m (m = 0:
 * the single bundle's own name). Caller frees. */
static char *vol_name(const pv_plan *p, uint32_t v, uint32_t m, int staging)
{
    const char *slash = strrchr(p->stem, '/');
    size_t dlen = slash ? (size_t)(slash - p->stem) + 1 : 0;
    char *s = NULL;
    int width = m > 99 ? 3 : m > 9 ? 2 : 1, n;

    if (staging)
        n = asprintf(&s, "%.*s.%s-%u%s.volume-part", (int)dlen, p->stem, p->stem + dlen,
                     (unsigned)v, p->ext);
    else
        n = asprintf(&s, "%s-%0*u%s", p->stem, width, (unsigned)v, p->ext);
    return n < 0 ? NULL : s;
}

static void say(const pv_plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(const pv_plan *p, const char *fmt, ...)
{
    va_list ap;

    if (p->po->quiet)
        return;
    if (isatty(2)) /* over the writer's progress line */
        fprintf(stderr, "\r%70s\r", "");
    fprintf(stderr, "satchel-pack: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* Writes groups [s, s+k) as volume v of m (v = 0: a single bundle) to path; *size gets
 * the file's size. */
static int write_volume(pv_plan *p, size_t s, size_t k, uint32_t v, uint32_t m,
                        const char *path, uint64_t *size, sat_writer_stats *st, sat_err *err)
{
    sat_writer_opts wo = *p->wo;
    sat_writer *w = NULL;
    struct stat sb;
    size_t i, it;
    int rc;

    memset(p->take, 0, p->n_items);
    for (i = s; i < s + k; i++)
        for (it = p->g[i].first; it != SIZE_MAX; it = p->next[it])
            p->take[it] = 1;
    wo.volume = v;
    wo.volumes = v ? m : 0;
    if ((rc = sat_writer_create(&wo, &w, err)) != 0)
        return rc;
    if ((rc = pack_add_source(w, p->src, p->take, err)) != 0 ||
        (rc = sat_writer_finish(w, path, p->sk, err)) != 0)
        goto out;
    sat_writer_get_stats(w, st);
    if (stat(path, &sb) != 0) {
        rc = sat_err_set(err, SAT_E_IO, "%s: cannot measure the volume just written", path);
        goto out;
    }
    *size = (uint64_t)sb.st_size;
out:
    sat_writer_free(w);
    return rc;
}

static size_t group_entries(const pv_plan *p, size_t s, size_t k)
{
    size_t i, n = 0;

    for (i = s; i < s + k; i++)
        n += p->g[i].n_text + p->g[i].n_media;
    return n;
}

static int too_large(const pv_plan *p, const pv_group *g, uint64_t size, sat_err *err)
{
    size_t i, n = 0;

    for (i = g->first; i != SIZE_MAX; i = p->next[i])
        n++;
    return sat_err_set(err, SAT_E_LIMIT,
                       "entry \"%s\"%s%s (%zu entr%s with its attachments, %llu bytes as a "
                       "bundle) does not fit in one volume: the budget is %llu bytes (%s "
                       "%llu bytes, less the filesystem's overhead and the room kept for "
                       "other files); give a larger --max-size or leave it out",
                       g->name, " from ", item_relpath(p, g->first), n, n == 1 ? "y" : "ies",
                       (unsigned long long)size, (unsigned long long)p->budget,
                       p->po->medium.name ? p->po->medium.name : "limit",
                       (unsigned long long)p->po->medium.capacity);
}

/* Chooses and writes volume v starting at group s: *k groups, written at staging name as
 * volume v of m (or a single bundle when v == 1 and every group fits: *single). */
static int plan_volume(pv_plan *p, size_t s, uint32_t v, uint32_t m, size_t *kout,
                       int *single, uint64_t *size_out, sat_writer_stats *st, sat_err *err)
{
    size_t left = p->n_groups - s, lo = 0, hi = left + 1, k, built = 0, tries = 0;
    uint64_t size = 0;
    char *path = vol_name(p, v, 0, 1);
    int rc = 0;

    if (path == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "out of memory");
    k = est_fit(p, s, p->plan > PV_FIXED_EST ? p->plan - PV_FIXED_EST : 0);
    if (k == 0)
        k = 1;
    for (;;) {
        int one = v == 1 && k == left;
        if ((rc = write_volume(p, s, k, one ? 0 : v, m, path, &size, st, err)) != 0)
            goto out;
        built = k;
        tries++;
        learn(p, s, k, size);
        /* a single bundle is final as written; a volume keeps the slack for M */
        if (size <= (one ? p->budget : p->plan)) {
            size_t more;
            lo = k;
            if (k == left || k + 1 >= hi)
                break;
            more = size < p->plan ? est_fit(p, s + k, p->plan - size) : 0;
            if (more == 0)
                break;
            k = tries >= PV_TRIES_EST ? lo + (hi - lo) / 2 : k + more;
            if (k >= hi)
                k = hi - 1;
        } else {
            uint64_t over = size > p->plan ? size - p->plan : 1, removed = 0;
            hi = k;
            if (k == 1) {
                rc = too_large(p, &p->g[s], size, err);
                goto out;
            }
            say(p, "volume %u: %llu bytes with %zu entries is over the budget (%llu): moving "
                   "entries to the next volume",
                (unsigned)v, (unsigned long long)size, group_entries(p, s, k),
                (unsigned long long)p->budget);
            while (k > lo + 1 && removed < over + over / 16)
                removed += est_group(p, &p->g[s + --k]);
            if (tries >= PV_TRIES_EST)
                k = lo + (hi - lo) / 2;
            if (k <= lo) /* hi == lo + 1: lo groups is the answer */
                break;
        }
    }
    if (built != lo) { /* the last write was over: the file holds more than lo groups */
        int one = v == 1 && lo == left;
        if ((rc = write_volume(p, s, lo, one ? 0 : v, m, path, &size, st, err)) != 0)
            goto out;
    }
    *kout = lo;
    *single = v == 1 && lo == left;
    *size_out = size;
out:
    free(path);
    return rc;
}

/* ------------------------------------------------------------------------
 * The whole collection
 * ------------------------------------------------------------------------ */

static void plan_free(pv_plan *p)
{
    free(p->next);
    free(p->g);
    free(p->take);
    free(p->stem);
    free(p->vfirst);
    free(p->vcount);
    free(p->vbuilt_m);
}

static int split_out(pv_plan *p, const char *out)
{
    const char *slash = strrchr(out, '/'), *dot = strrchr(out, '.');

    if (dot == NULL || (slash != NULL && dot < slash) || dot == (slash ? slash + 1 : out))
        dot = out + strlen(out);
    p->stem = strndup(out, (size_t)(dot - out));
    p->ext = p->stem != NULL ? strdup(dot) : NULL;
    if (p->ext == NULL)
        return -1;
    /* one allocation to free: keep ext after the stem's NUL */
    {
        size_t sl = strlen(p->stem), el = strlen(p->ext);
        char *both = realloc(p->stem, sl + el + 2);
        if (both == NULL) {
            free(p->ext);
            return -1;
        }
        memcpy(both + sl + 1, p->ext, el + 1);
        free(p->ext);
        p->stem = both;
        p->ext = both + sl + 1;
    }
    return 0;
}

static void unlink_staging(const pv_plan *p, uint32_t n)
{
    uint32_t v;

    for (v = 1; v <= n; v++) {
        char *s = vol_name(p, v, 0, 1);
        if (s != NULL)
            unlink(s);
        free(s);
    }
}

static uint32_t guess_volumes(const pv_plan *p, uint32_t done, size_t s)
{
    uint64_t rest = 0, per = p->plan > PV_FIXED_EST ? p->plan - PV_FIXED_EST : 1;
    size_t i;

    for (i = s; i < p->n_groups; i++)
        rest += est_group(p, &p->g[i]);
    rest = done + (rest + per - 1) / per;
    if (rest < 2)
        rest = 2;
    return rest > SAT_VOLUMES_MAX ? SAT_VOLUMES_MAX : (uint32_t)rest;
}

/* A volume m+1 left by an earlier build in the same place is not part of this collection:
 * say so (it is not removed: it may be the user's). */
static void warn_stale(const pv_plan *p, uint32_t m)
{
    static const uint32_t widths[] = {9, 99, 999}; /* a count of that size: 1, 2, 3 digits */
    size_t i;

    for (i = 0; i < 3 && m < SAT_VOLUMES_MAX; i++) {
        char *s = vol_name(p, m + 1, widths[i], 0);
        if (s != NULL && access(s, F_OK) == 0)
            say(p, "note: %s is left from an earlier build; it is not one of these %u volumes",
                s, (unsigned)m);
        free(s);
    }
}

/* Renames the staging files to their final names (volume count m) and fills res. */
static int place_volumes(pv_plan *p, uint32_t m, pv_result *res, const uint64_t *sizes,
                         sat_writer_stats *stats, sat_err *err)
{
    uint32_t v;

    res->v = calloc(m, sizeof *res->v);
    if (res->v == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "out of memory");
    for (v = 1; v <= m; v++) {
        pv_volume *o = &res->v[v - 1];
        char *from = vol_name(p, v, 0, 1);
        /* a single bundle takes the name given with -o, as without volumes */
        o->path = res->single ? strdup(p->out) : vol_name(p, v, m, 0);
        if (from == NULL || o->path == NULL) {
            free(from);
            return sat_err_set(err, SAT_E_NOMEM, "out of memory");
        }
        if (rename(from, o->path) != 0) {
            int e = sat_err_set(err, SAT_E_IO, "renaming %s to %s failed", from, o->path);
            free(from);
            return e;
        }
        free(from);
        o->bytes = sizes[v - 1];
        o->footprint = pv_footprint(&p->po->medium, o->bytes, p->po->parity);
        o->entries = group_entries(p, p->vfirst[v], p->vcount[v]);
        o->st = stats[v - 1];
        res->n = v;
    }
    warn_stale(p, m);
    return 0;
}

int pv_build(const pack_source *src, const sat_writer_opts *wo_in, const sat_seckey *sk,
             const char *out, const pv_opts *po, pv_result *res, sat_err *err)
{
    sat_writer_opts wo_fixed = *wo_in, *wo = &wo_fixed;
    char created[21];
    sat_pubkey pk;
    pv_plan p;
    uint64_t *sizes = NULL;
    sat_writer_stats *stats = NULL;
    uint32_t v = 0, m, i;
    size_t s = 0;
    int rc = 0, single = 0;

    memset(res, 0, sizeof *res);
    memset(&p, 0, sizeof p);
    /* one creation time for every volume: it is part of the collection id */
    if (wo->created == NULL) {
        sat_time_format((long long)time(NULL), created);
        wo->created = created;
    }
    p.out = out;
    p.src = src;
    p.wo = wo;
    p.sk = sk;
    p.po = po;
    p.ratio = 1.0;
    p.n_items = src->n_docs + src->n_media;
    p.budget = res->budget = pv_budget(&po->medium, po->parity);
    if (p.budget < ((uint64_t)64 << 10)) {
        return sat_err_set(err, SAT_E_LIMIT,
                           "a volume of %llu bytes leaves %llu bytes for the bundle once the "
                           "filesystem's overhead and the room for other files (%llu bytes) are "
                           "counted: too small",
                           (unsigned long long)po->medium.capacity,
                           (unsigned long long)p.budget, (unsigned long long)po->medium.reserve);
    }
    p.plan = p.budget - PV_SLACK;
    p.take = malloc(p.n_items + 1);
    p.vfirst = calloc(SAT_VOLUMES_MAX + 1, sizeof *p.vfirst);
    p.vcount = calloc(SAT_VOLUMES_MAX + 1, sizeof *p.vcount);
    p.vbuilt_m = calloc(SAT_VOLUMES_MAX + 1, sizeof *p.vbuilt_m);
    sizes = calloc(SAT_VOLUMES_MAX, sizeof *sizes);
    stats = calloc(SAT_VOLUMES_MAX, sizeof *stats);
    if (p.take == NULL || p.vfirst == NULL || p.vcount == NULL || p.vbuilt_m == NULL ||
        sizes == NULL || stats == NULL || split_out(&p, out) != 0) {
        rc = sat_err_set(err, SAT_E_NOMEM, "out of memory");
        goto out;
    }
    if (p.n_items == 0) {
        rc = sat_err_set(err, SAT_E_ARG, "nothing to pack");
        goto out;
    }
    if ((rc = make_groups(&p, err)) != 0)
        goto out;
    for (i = 0; i < p.n_groups; i++) /* media alone too large: say so before compressing */
        if (p.g[i].media + PV_FIXED_EST > p.budget) {
            rc = too_large(&p, &p.g[i], p.g[i].media + PV_FIXED_EST, err);
            goto out;
        }
    m = guess_volumes(&p, 0, 0);
    while (s < p.n_groups) {
        size_t k = 0;
        if (v == SAT_VOLUMES_MAX) {
            rc = sat_err_set(err, SAT_E_LIMIT, "the collection needs more than %u volumes of "
                             "%llu bytes", SAT_VOLUMES_MAX, (unsigned long long)p.budget);
            goto out;
        }
        v++;
        if (m < v)
            m = v;
        rc = plan_volume(&p, s, v, m, &k, &single, &sizes[v - 1], &stats[v - 1], err);
        if (rc != 0)
            goto out;
        p.vfirst[v] = s;
        p.vcount[v] = k;
        p.vbuilt_m[v] = single ? 0 : m;
        s += k;
        if (!single)
            say(&p, "volume %u: %zu entries, %llu bytes (budget %llu)", (unsigned)v,
                group_entries(&p, p.vfirst[v], k), (unsigned long long)sizes[v - 1],
                (unsigned long long)p.budget);
        if (s < p.n_groups)
            m = guess_volumes(&p, v, s);
    }
    m = v;
    /* volumes written while M was still a guess are written again with the real M */
    for (i = 1; i <= m && !single; i++) {
        char *path;
        if (p.vbuilt_m[i] == m)
            continue;
        say(&p, "volume %u: written again as one of %u volumes", (unsigned)i, (unsigned)m);
        if ((path = vol_name(&p, i, 0, 1)) == NULL) {
            rc = sat_err_set(err, SAT_E_NOMEM, "out of memory");
            goto out;
        }
        rc = write_volume(&p, p.vfirst[i], p.vcount[i], i, m, path, &sizes[i - 1],
                          &stats[i - 1], err);
        free(path);
        if (rc != 0)
            goto out;
        p.vbuilt_m[i] = m;
    }
    for (i = 1; i <= m; i++) { /* the guarantee, measured on the files as they are */
        uint64_t fp = pv_footprint(&po->medium, sizes[i - 1], po->parity);
        if (sizes[i - 1] > p.budget) {
            rc = sat_err_set(err, SAT_E_LIMIT, "volume %u came out at %llu bytes, over the "
                             "budget of %llu bytes", (unsigned)i,
                             (unsigned long long)sizes[i - 1], (unsigned long long)p.budget);
            goto out;
        }
        if (fp > po->medium.capacity) { /* pv_budget says no size within it does this */
            rc = sat_err_set(err, SAT_E_LIMIT, "volume %u (%llu bytes) takes %llu bytes on the "
                             "medium with its filesystem and parity, over the limit of %llu",
                             (unsigned)i, (unsigned long long)sizes[i - 1],
                             (unsigned long long)fp, (unsigned long long)po->medium.capacity);
            goto out;
        }
    }
    res->single = single;
    if (!single) {
        sat_seckey_pubkey(sk, &pk);
        sat_collection_derive(&pk, wo->created, wo->seq, wo->title, wo->publisher,
                              res->collection);
    }
    rc = place_volumes(&p, m, res, sizes, stats, err);
out:
    if (rc != 0) {
        if (p.stem != NULL)
            unlink_staging(&p, v);
        pv_result_free(res);
    }
    free(sizes);
    free(stats);
    plan_free(&p);
    return rc;
}

void pv_print_json(const pv_result *res, const pv_opts *po, const char *fingerprint)
{
    char hex[2 * SAT_COLLECTION_ID_BYTES + 1];
    sat_buf b = {0};
    size_t i;

    sat_hex(res->collection, SAT_COLLECTION_ID_BYTES, hex);
    printf("{\n  \"collection\": \"%s\",\n  \"medium\": ", hex);
    if (po->medium.name != NULL)
        printf("\"%s\"", po->medium.name);
    else
        printf("null");
    printf(",\n  \"limit\": %llu,\n  \"budget\": %llu,\n  \"parity_percent\": %u,\n"
           "  \"fingerprint\": \"%s\",\n  \"volumes\": [",
           (unsigned long long)po->medium.capacity, (unsigned long long)res->budget,
           po->parity, fingerprint);
    for (i = 0; i < res->n; i++) {
        const pv_volume *o = &res->v[i];
        b.len = 0;
        printf("%s\n    {\"volume\": %zu, \"path\": ", i ? "," : "", i + 1);
        if (sat_json_string(&b, o->path, strlen(o->path)) == 0)
            fwrite(b.data, 1, b.len, stdout);
        else
            fputs("null", stdout);
        printf(", \"bytes\": %llu, \"footprint\": %llu, \"entries\": %zu, \"media\": %llu, "
               "\"text_entries\": %llu}",
               (unsigned long long)o->bytes, (unsigned long long)o->footprint, o->entries,
               (unsigned long long)o->st.n_media, (unsigned long long)o->st.n_text);
    }
    printf("\n  ]\n}\n");
    sat_buf_free(&b);
}

void pv_result_free(pv_result *res)
{
    size_t i;

    for (i = 0; res->v != NULL && i < res->n; i++)
        free(res->v[i].path);
    free(res->v);
    res->v = NULL;
    res->n = 0;
}
