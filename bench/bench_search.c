/*
 * bench_search.c - query latency of the bundle's full-text search (formats/sat_search.h).
 *
 *   build/bench/bench_search BUNDLE PUBKEY QUERIES_FILE [LIMIT=10 [EACH_TSV]]
 *
 * Opens the bundle and its index once, then for each query of QUERIES_FILE (one per line;
 * empty lines and lines starting with '#' skipped) times what `satchel-read search` does
 * after opening: parse, sat_search_run for the top LIMIT, and a snippet of each hit.
 * Prints the open time, the 50th / 95th percentile and maximum per query in ms, and the
 * slowest query and the one with the most matches; the last line is machine-readable for
 * bench/search.sh:
 *   RESULT open_ms p50_ms p95_ms max_ms queries worst_index most_index
 * (the indexes count from 1 over the queries, comments not counted). With EACH_TSV, also
 * writes one line per query there: ms, matches, query. Exit 1 when a query fails (bad
 * syntax, damaged index). SATCHEL_READ_THREADS=N sets the reader's threads for batch reads
 * (sat_bundle_set_threads; 1: the sequential path; unset: as many as the online CPUs, at most
 * 4), to compare them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sat_bundle.h"
#include "sat_query.h"
#include "sat_search.h"
#include "sat_sig.h"

#define BENCH_LINE_MAX 1024
#define BENCH_QUERIES_MAX 100000
#define BENCH_SNIPPET_WIDTH 160

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* Times one query: parse, run (top limit), snippets. Returns 0 and the ms in *ms and the
 * number of matches in *total, or an error with err set. */
static int time_query(sat_search *s, const char *text, size_t limit, double *ms, size_t *total,
                      sat_err *err)
{
    sat_query *q = NULL;
    sat_search_result *r = NULL;
    double t0 = now_ms();
    int rc = sat_query_parse(text, strlen(text), &q, err);

    if (rc == 0)
        rc = sat_search_run(s, q, limit, &r, err);
    for (size_t i = 0; rc == 0 && i < r->n; i++) {
        sat_snippet sn;

        rc = sat_search_snippet(s, q, &r->hits[i], BENCH_SNIPPET_WIDTH, &sn, err);
        if (rc == 0)
            sat_snippet_free(&sn);
    }
    *ms = now_ms() - t0;
    *total = rc == 0 ? r->total : 0;
    sat_search_result_free(r);
    sat_query_free(q);
    return rc;
}

int main(int argc, char **argv)
{
    sat_pubkey pk;
    sat_bundle *b = NULL;
    sat_search *s = NULL;
    sat_err err = {0, ""};
    FILE *f = NULL, *each = NULL;
    char line[BENCH_LINE_MAX + 2];
    char worst[BENCH_LINE_MAX + 2] = "";
    double *ms = NULL, t0, open_ms, worst_ms = -1;
    size_t n = 0, worst_i = 0, worst_total = 0, most_i = 0, most_total = 0, limit = 10;
    int rc = 1;

    if (argc < 4 || argc > 6) {
        fprintf(stderr, "usage: bench_search BUNDLE PUBKEY QUERIES_FILE [LIMIT=10 [EACH_TSV]]\n");
        return 2;
    }
    if (argc >= 5)
        limit = (size_t)strtoul(argv[4], NULL, 10);
    if (argc == 6 && (each = fopen(argv[5], "w")) == NULL) {
        fprintf(stderr, "bench_search: %s: cannot write\n", argv[5]);
        return 1;
    }
    ms = malloc(BENCH_QUERIES_MAX * sizeof *ms);
    f = fopen(argv[3], "r");
    if (ms == NULL || f == NULL) {
        fprintf(stderr, "bench_search: %s: cannot read\n", argv[3]);
        goto cleanup;
    }
    t0 = now_ms();
    if (sat_pubkey_load(&pk, argv[2], &err) < 0 || sat_bundle_open(argv[1], &pk, 1, &b, &err) < 0 ||
        sat_search_open(b, &s, &err) < 0) {
        fprintf(stderr, "bench_search: %s\n", err.msg);
        goto cleanup;
    }
    open_ms = now_ms() - t0;
    if (getenv("SATCHEL_READ_THREADS") != NULL)
        sat_bundle_set_threads(b, atoi(getenv("SATCHEL_READ_THREADS")));
    while (fgets(line, sizeof line, f) != NULL) {
        size_t len = strcspn(line, "\r\n"), total = 0;

        line[len] = '\0';
        if (line[0] == '\0' || line[0] == '#')
            continue;
        if (n == BENCH_QUERIES_MAX) {
            fprintf(stderr, "bench_search: more than %d queries\n", BENCH_QUERIES_MAX);
            goto cleanup;
        }
        if (time_query(s, line, limit, &ms[n], &total, &err) < 0) {
            fprintf(stderr, "bench_search: query \"%s\": %s\n", line, err.msg);
            goto cleanup;
        }
        if (each != NULL)
            fprintf(each, "%.3f\t%zu\t%s\n", ms[n], total, line);
        if (ms[n] > worst_ms) {
            worst_ms = ms[n];
            worst_i = n + 1;
            worst_total = total;
            memcpy(worst, line, len + 1);
        }
        if (most_i == 0 || total > most_total) {
            most_i = n + 1;
            most_total = total;
        }
        n++;
    }
    if (n == 0) {
        fprintf(stderr, "bench_search: %s: no queries\n", argv[3]);
        goto cleanup;
    }
    qsort(ms, n, sizeof *ms, cmp_double);
    printf("%llu text entries indexed; open (signature, manifest, document table): %.2f ms; "
           "%d read threads\n",
           (unsigned long long)sat_search_doc_count(s), open_ms, sat_bundle_threads(b));
    printf("%zu queries, top %zu with snippets: p50 %.2f ms, p95 %.2f ms, max %.2f ms\n", n, limit,
           ms[n / 2], ms[(n * 95 + 99) / 100 - 1], ms[n - 1]);
    printf("slowest: \"%s\" (%zu matches); most matches: query %zu (%zu)\n", worst, worst_total,
           most_i, most_total);
    printf("RESULT %.3f %.3f %.3f %.3f %zu %zu %zu\n", open_ms, ms[n / 2],
           ms[(n * 95 + 99) / 100 - 1], ms[n - 1], n, worst_i, most_i);
    rc = 0;
cleanup:
    if (f != NULL)
        fclose(f);
    if (each != NULL && fclose(each) != 0 && rc == 0) {
        fprintf(stderr, "bench_search: %s: write failed\n", argv[5]);
        rc = 1;
    }
    free(ms);
    sat_search_free(s);
    sat_bundle_close(b);
    return rc;
}
