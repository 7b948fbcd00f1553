/*
 * bundle_batch.c - batch reads on threads: sat_bundle_read_batch reads many entries,
 * sat_bundle_load_entries loads the index pages of many entries, each with the outcome the
 * same calls in sequence would have. The rest of the reader is in bundle_read.c.
 */
#include "bundle_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Batch reads: worker buffers of one batch stay under this many bytes (a batch of larger
 * clusters, which only a hostile signer writes, is read by fewer threads). */
#define BATCH_MEM ((uint64_t)8 << 20)

/* ------------------------------------------------------------------------
 * Batch reads on threads
 *
 * A batch runs jobs (one cluster's entries, or one index page) on up to b->threads
 * threads: this one, reading with b->rd, and helpers, helper k reading with b->wk[k]. A job
 * reads b and writes only its own results and creader, so the outcome is the sequential
 * one whatever the order.
 * ------------------------------------------------------------------------ */

void sat_bundle_set_threads(sat_bundle *b, int n)
{
    b->threads = n < 0 ? 0 : n > SAT_READ_THREADS_MAX ? SAT_READ_THREADS_MAX : n;
}

int sat_bundle_threads(sat_bundle *b)
{
    if (b->threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        b->threads = n < 1 ? 1 : n > SAT_READ_THREADS_MAX ? SAT_READ_THREADS_MAX : (int)n;
    }
    return b->threads;
}

/* Makes b->wk[0..want) ready (their decoders need the loaded dictionary). Returns how many
 * are (fewer when memory runs out). */
static size_t workers_ready(sat_bundle *b, size_t want)
{
    const sat_manifest_head *h = &b->m->head;

    while (b->n_wk < want) {
        creader *r = &b->wk[b->n_wk];
        memset(r, 0, sizeof *r);
        r->unit = SIZE_MAX;
        if (sat_zstd_create(h->has_dict ? b->dict : NULL, h->has_dict ? h->dict_size : 0, 0, &r->z,
                            NULL) != 0)
            break;
        b->n_wk++;
    }
    return b->n_wk < want ? b->n_wk : want;
}

/* Threads for njobs jobs whose buffers hold up to need bytes each: at most one per job,
 * within BATCH_MEM, the helpers' readers ready. 1: read in sequence. */
static size_t batch_threads(sat_bundle *b, size_t njobs, uint64_t need)
{
    size_t n = (size_t)sat_bundle_threads(b);

    if (n > njobs)
        n = njobs;
    if (need < 1)
        need = 1;
    if (n > BATCH_MEM / need)
        n = (size_t)(BATCH_MEM / need);
    if (n > 1 && b->m->head.has_dict && b->dict_state != 1)
        n = 1; /* the workers' decoders need the dictionary */
    return n > 1 ? 1 + workers_ready(b, n - 1) : 1;
}

typedef void (*job_fn)(sat_bundle *b, creader *r, size_t job, void *arg);

typedef struct jobq {
    sat_bundle *b;
    job_fn fn;
    void *arg;
    size_t njobs, next, last; /* last: run by this thread at the end (SIZE_MAX: none) */
    pthread_mutex_t mu;
} jobq;

typedef struct jworker {
    jobq *q;
    creader *r;
} jworker;

static void *job_worker(void *arg)
{
    jworker *w = arg;
    jobq *q = w->q;

    for (;;) {
        size_t j;
        pthread_mutex_lock(&q->mu);
        if (q->next == q->last)
            q->next++;
        j = q->next < q->njobs ? q->next++ : q->njobs;
        pthread_mutex_unlock(&q->mu);
        if (j == q->njobs)
            return NULL;
        q->fn(q->b, w->r, j, q->arg);
    }
}

/* Runs fn for jobs 0..njobs on nthreads threads: this one with b->rd, and nthreads - 1
 * helpers (b->wk[0..nthreads-1) ready). Job `last` (SIZE_MAX: none) runs in this thread
 * after all it took from the others, so b->rd ends as that job leaves it. When a helper
 * cannot be started, the others do its share. */
static void run_jobs(sat_bundle *b, size_t nthreads, size_t njobs, size_t last, job_fn fn,
                     void *arg)
{
    pthread_t t[SAT_READ_THREADS_MAX];
    int started[SAT_READ_THREADS_MAX] = {0};
    jworker w[SAT_READ_THREADS_MAX];
    jobq q;
    size_t k;

    q.b = b;
    q.fn = fn;
    q.arg = arg;
    q.njobs = njobs;
    q.next = 0;
    q.last = last;
    if (pthread_mutex_init(&q.mu, NULL) != 0)
        nthreads = 1;
    for (k = 0; k < nthreads; k++) {
        w[k].q = &q;
        w[k].r = k == 0 ? &b->rd : &b->wk[k - 1];
        if (k > 0)
            started[k] = pthread_create(&t[k], NULL, job_worker, &w[k]) == 0;
    }
    if (nthreads > 1) {
        job_worker(&w[0]);
        if (last < njobs)
            fn(b, &b->rd, last, arg);
        for (k = 1; k < nthreads; k++)
            if (started[k])
                pthread_join(t[k], NULL);
        pthread_mutex_destroy(&q.mu);
    } else {
        for (k = 0; k < njobs; k++)
            if (k != last)
                fn(b, &b->rd, k, arg);
        if (last < njobs)
            fn(b, &b->rd, last, arg);
    }
}

/* The cluster jobs of a batch read. Job j reads req[order[start[j]..start[j+1])], the
 * entries of one cluster in request order; keep[i] says the request before i that went
 * through a cluster went through the same one (so the sequential path would find it
 * kept). The job of the last such request runs last with b->rd, so the bundle keeps that
 * cluster afterwards, as the sequential path would. */
typedef struct rslot {
    uint32_t unit;
    size_t i;
} rslot;

typedef struct rjobs {
    sat_bundle_req *req;
    rslot *order;
    size_t *start;
    unsigned char *keep;
    size_t last_job;
} rjobs;

static void read_job(sat_bundle *b, creader *r, size_t j, void *arg)
{
    rjobs *a = arg;
    size_t k;

    for (k = a->start[j]; k < a->start[j + 1]; k++) {
        size_t i = a->order[k].i;
        sat_bundle_req *q = &a->req[i];
        if (!a->keep[i])
            r->unit = SIZE_MAX; /* another cluster was read in between */
        q->rc = bundle_read_entry(b, r, q->e, &q->text, &q->len, &q->err);
    }
}

static int cmp_rslot(const void *pa, const void *pb)
{
    const rslot *x = pa, *y = pb;

    if (x->unit != y->unit)
        return x->unit < y->unit ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* Plans the cluster jobs of req[0..n), all after the first request that reads a cluster
 * other than b->rd's. Returns the number of jobs, 0 when none (or out of memory: the
 * caller reads them in sequence), with *need the most bytes one job's buffers hold. */
static size_t plan_reads(sat_bundle *b, sat_bundle_req *req, size_t n, rjobs *a, uint64_t *need)
{
    size_t i, k, nt = 0, nj = 0, prev = SIZE_MAX;

    *need = 0;
    a->req = req;
    a->order = malloc((n + 1) * sizeof *a->order);
    a->start = malloc((n + 2) * sizeof *a->start);
    a->keep = malloc(n + 1);
    if (a->order == NULL || a->start == NULL || a->keep == NULL)
        return 0;
    for (i = 0; i < n; i++) {
        a->keep[i] = 0;
        if (!bundle_reads_cluster(req[i].e))
            continue;
        a->keep[i] = prev != SIZE_MAX && req[prev].e->unit == req[i].e->unit;
        a->order[nt].unit = req[i].e->unit;
        a->order[nt++].i = prev = i;
    }
    qsort(a->order, nt, sizeof *a->order, cmp_rslot);
    for (k = 0; k < nt; k++) {
        const sat_cluster *c = &b->m->clusters[a->order[k].unit];
        if (k > 0 && a->order[k - 1].unit == a->order[k].unit)
            continue;
        if (req[prev].e->unit == a->order[k].unit)
            a->last_job = nj;
        a->start[nj++] = k;
        if (c->usize + c->size + 1 > *need)
            *need = c->usize + c->size + 1;
    }
    a->start[nj] = nt;
    return nj;
}

void sat_bundle_read_batch(sat_bundle *b, sat_bundle_req *req, size_t n)
{
    rjobs a;
    uint64_t need;
    size_t i = 0, nj = 0, nthreads = 1;

    for (i = 0; i < n; i++) {
        req[i].text = NULL;
        req[i].len = 0;
        req[i].rc = 0;
        sat_err_clear(&req[i].err);
    }
    /* In sequence: until the dictionary is loaded (its errors come with the first read),
     * and while the cluster b->rd keeps serves (that run uses b->rd as it is). */
    for (i = 0; i < n && (b->dict_state != 1 || !bundle_reads_cluster(req[i].e) ||
                          req[i].e->unit == b->rd.unit);
         i++)
        req[i].rc = bundle_read_entry(b, &b->rd, req[i].e, &req[i].text, &req[i].len, &req[i].err);
    memset(&a, 0, sizeof a);
    if (i < n && sat_bundle_threads(b) > 1)
        nj = plan_reads(b, req + i, n - i, &a, &need);
    if (nj > 1)
        nthreads = batch_threads(b, nj, need);
    if (nthreads > 1) {
        run_jobs(b, nthreads, nj, a.last_job, read_job, &a);
        for (; i < n; i++) /* media, and entries too large to read: no cluster involved */
            if (!bundle_reads_cluster(req[i].e))
                req[i].rc =
                    bundle_read_entry(b, &b->rd, req[i].e, &req[i].text, &req[i].len, &req[i].err);
    } else {
        for (; i < n; i++)
            req[i].rc =
                bundle_read_entry(b, &b->rd, req[i].e, &req[i].text, &req[i].len, &req[i].err);
    }
    free(a.order);
    free(a.start);
    free(a.keep);
}

/* The page jobs of sat_bundle_load_entries: job j fetches page pi[j]. */
typedef struct pjobs {
    size_t *pi;
    sat_mpage **pg;
    signed char *state;
    int *rc;
    sat_err *err;
} pjobs;

static void page_job(sat_bundle *b, creader *r, size_t j, void *arg)
{
    pjobs *a = arg;

    a->rc[j] = bundle_fetch_page(b, r->z, a->pi[j], &a->pg[j], &a->state[j], &a->err[j]);
}

void sat_bundle_load_entries(sat_bundle *b, const uint64_t *idx, size_t n)
{
    pjobs a;
    unsigned char *seen = calloc(b->m->n_pages + 1, 1);
    uint64_t need = 0;
    size_t i, k, np = 0, nthreads = 1;

    memset(&a, 0, sizeof a);
    a.pi = malloc((n + 1) * sizeof *a.pi);
    if (a.pi == NULL || seen == NULL) {
        free(a.pi);
        free(seen);
        return;
    }
    for (i = 0; i < n; i++) {
        size_t pi;
        if (idx[i] >= b->m->n_entries)
            continue;
        pi = sat_manifest_page_of_index(b->m, idx[i]);
        if (!seen[pi] && (b->page_state[pi] == 0 || b->page_state[pi] == 2)) {
            const sat_page *pg = &b->m->pages[pi];
            seen[pi] = 1;
            a.pi[np++] = pi;
            /* the stored and decompressed page, and the parsed copy with its entries */
            if (pg->size + 3 * pg->usize > need)
                need = pg->size + 3 * pg->usize;
        }
    }
    /* The first page in this thread when the dictionary is not loaded yet: its errors
     * come with the first page, as they would. */
    k = 0;
    if (np > 0 && b->m->head.has_dict && b->dict_state != 1)
        bundle_load_page(b, a.pi[k++], NULL);
    a.pg = calloc(np + 1, sizeof *a.pg);
    a.state = calloc(np + 1, sizeof *a.state);
    a.rc = calloc(np + 1, sizeof *a.rc);
    a.err = calloc(np + 1, sizeof *a.err);
    if (np - k > 1 && a.pg != NULL && a.state != NULL && a.rc != NULL && a.err != NULL)
        nthreads = batch_threads(b, np - k, need);
    if (nthreads > 1) {
        pjobs rest = {a.pi + k, a.pg + k, a.state + k, a.rc + k, a.err + k};
        run_jobs(b, nthreads, np - k, SIZE_MAX, page_job, &rest);
        for (i = k; i < np; i++)
            bundle_page_done(b, a.pi[i], a.rc[i], a.pg[i], a.state[i], &a.err[i]);
    } else {
        for (i = k; i < np; i++)
            bundle_load_page(b, a.pi[i], NULL);
    }
    free(seen);
    free(a.pi);
    free(a.pg);
    free(a.state);
    free(a.rc);
    free(a.err);
}
