/*
 * search_recall - how many of the entries that contain a query string the search finds.
 *
 *   search_recall BUNDLE PUBKEY QUERIES_FILE [--min-recall-ko R] [--json [--ids]]
 *
 * QUERIES_FILE: one query per line, "LANG<TAB>QUERY" (ko, en or another tag); empty lines
 * and lines starting with '#' are skipped. A query is one word or another string without
 * spaces (평양, 쌀, election).
 *
 * Ground truth, computed here without the index: every text entry (article, transcript)
 * whose title or body, each normalised on its own with utf8proc NFKC + case folding +
 * default ignorables removed (the tokeniser's normalisation, formats/sat_token.c), contains
 * the normalised query as a substring. The body is the text the tokeniser reads from the
 * gemtext: link lines give their label only, "=> attachment:" lines and fence lines
 * nothing. Then sat_search_run (limit 0: every hit) runs the query through the index, and
 * each query gets truth, hits, true hits, recall (true / truth) and precision (true /
 * hits); overall recall per language is the sum of true hits over the sum of truth.
 * --json prints one object (per query: counts, up to 20 missed and extra ids; with --ids
 * also every truth and hit id, sorted).
 *
 * Exit status: 0 when the Korean recall is at least R (default 0.99), 1 when it is below
 * (or no Korean query has any ground truth), 2 on usage errors or when the bundle, key,
 * queries or index cannot be read. English recall is reported only: search matches whole
 * words (election does not find elections) while the ground truth counts substrings.
 *
 * Built by the Makefile as build/tests/search_recall (not a cmocka test); used by
 * tests/e2e/t_search_recall.sh and bench/run.sh.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "sat_bundle.h"
#include "sat_query.h"
#include "sat_search.h"
#include "sat_sig.h"
#include "sat_text.h"

/* The tokeniser's normalisation (sat_token.c, TOK_NORM_OPTS). */
#define RECALL_NORM_OPTS                                                                           \
    ((utf8proc_option_t)(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |                    \
                         UTF8PROC_CASEFOLD | UTF8PROC_IGNORE))
/* Largest queries file, most queries, longest query line. */
#define RECALL_FILE_MAX ((size_t)1 << 20)
#define RECALL_QUERIES_MAX 10000u
#define RECALL_LINE_MAX 1024
/* Ids listed per query in the JSON "missed" and "extra" lists, and in the table. */
#define RECALL_LIST_MAX 20
#define RECALL_TABLE_MISSES 5

typedef struct id_list {
    char **ids;
    size_t n, cap;
} id_list;

typedef struct recall_query {
    char lang[16];
    char *text; /* as written in the file */
    char *norm; /* NFKC + casefold */
    size_t norm_len;
    id_list truth;    /* ids of the entries that contain it */
    id_list hits;     /* ids sat_search_run returned */
    size_t true_hits; /* hits also in truth */
    id_list missed;   /* truth ids not among the hits (at most RECALL_LIST_MAX kept) */
    id_list extra;    /* hits not in truth (at most RECALL_LIST_MAX kept) */
    size_t n_missed, n_extra;
} recall_query;

typedef struct recall_run {
    recall_query *q;
    size_t n;
    uint64_t n_text, n_damaged; /* text entries seen, left out of the truth as damaged */
} recall_run;

static void die_nomem(void)
{
    fprintf(stderr, "search_recall: out of memory\n");
    exit(2);
}

static int id_list_add(id_list *l, const char *id)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        char **p = realloc(l->ids, cap * sizeof *p);

        if (p == NULL)
            return SAT_E_NOMEM;
        l->ids = p;
        l->cap = cap;
    }
    l->ids[l->n] = strdup(id);
    if (l->ids[l->n] == NULL)
        return SAT_E_NOMEM;
    l->n++;
    return 0;
}

static void id_list_free(id_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->ids[i]);
    free(l->ids);
    memset(l, 0, sizeof *l);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* s[0..len) normalised as the tokeniser normalises terms, malloc'd, length in *out_len.
 * NULL when s is not valid UTF-8 (or on allocation failure). */
static char *normalise(const char *s, size_t len, size_t *out_len)
{
    utf8proc_uint8_t *dst = NULL;
    utf8proc_ssize_t n;

    if (len == 0) {
        *out_len = 0;
        return strdup("");
    }
    n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &dst, RECALL_NORM_OPTS);
    if (n < 0)
        return NULL;
    *out_len = (size_t)n;
    return (char *)dst;
}

/* The text sat_token_gemtext reads from a gemtext body, lines joined by LF: link lines
 * give their label (after "=>", blanks and the URL), "=> attachment:" lines and fence
 * lines nothing; inside a preformatted block every line is plain text. */
static int gemtext_plain(const char *s, size_t len, sat_buf *out)
{
    size_t a = 0;
    int pre = 0, rc = 0;

    while (rc == 0 && a < len) {
        const char *nl = memchr(s + a, '\n', len - a);
        size_t b = nl != NULL ? (size_t)(nl - s) : len;

        if (b - a >= 3 && memcmp(s + a, "```", 3) == 0) {
            pre = !pre;
        } else if (!pre && b - a >= 2 && memcmp(s + a, "=>", 2) == 0) {
            size_t p = a + 2;

            while (p < b && (s[p] == ' ' || s[p] == '\t'))
                p++;
            if (!(b - p >= 11 && memcmp(s + p, "attachment:", 11) == 0)) {
                while (p < b && s[p] != ' ' && s[p] != '\t')
                    p++;
                rc = sat_buf_append(out, s + p, b - p);
            }
        } else {
            rc = sat_buf_append(out, s + a, b - a);
        }
        if (rc == 0)
            rc = sat_buf_append(out, "\n", 1);
        a = b + 1;
    }
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Queries file                                                             */
/* ------------------------------------------------------------------------ */

static char *slurp(const char *path, size_t max, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n;

    if (f == NULL)
        return NULL;
    buf = malloc(max + 1);
    if (buf == NULL)
        die_nomem();
    n = fread(buf, 1, max + 1, f);
    if (ferror(f) || n > max) {
        fclose(f);
        free(buf);
        return NULL;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Parses the queries file into run->q. Returns 0, or -1 after printing what is wrong. */
static int load_queries(const char *path, recall_run *run)
{
    size_t len = 0, a = 0, line_no = 0;
    char *text = slurp(path, RECALL_FILE_MAX, &len);

    if (text == NULL) {
        fprintf(stderr, "search_recall: %s: cannot read (or larger than %zu bytes)\n", path,
                RECALL_FILE_MAX);
        return -1;
    }
    run->q = calloc(RECALL_QUERIES_MAX, sizeof *run->q);
    if (run->q == NULL)
        die_nomem();
    while (a < len) {
        char *nl = memchr(text + a, '\n', len - a);
        size_t b = nl != NULL ? (size_t)(nl - text) : len, e = b;
        char *line = text + a, *tab;
        recall_query *q;

        line_no++;
        a = b + 1;
        if (e > 0 && text[e - 1] == '\r')
            e--;
        text[e] = '\0';
        if (line[0] == '\0' || line[0] == '#')
            continue;
        tab = strchr(line, '\t');
        if (tab == NULL || tab == line || (size_t)(tab - line) >= sizeof q->lang ||
            tab[1] == '\0' || strpbrk(tab + 1, " \t") != NULL ||
            strlen(tab + 1) > RECALL_LINE_MAX || !sat_utf8_valid(tab + 1, strlen(tab + 1), NULL)) {
            fprintf(stderr,
                    "search_recall: %s:%zu: want LANG<TAB>QUERY, the query one string without "
                    "spaces, valid UTF-8, at most %d bytes\n",
                    path, line_no, RECALL_LINE_MAX);
            free(text);
            return -1;
        }
        if (run->n == RECALL_QUERIES_MAX) {
            fprintf(stderr, "search_recall: %s: more than %u queries\n", path, RECALL_QUERIES_MAX);
            free(text);
            return -1;
        }
        q = &run->q[run->n++];
        memcpy(q->lang, line, (size_t)(tab - line));
        q->text = strdup(tab + 1);
        q->norm = normalise(tab + 1, strlen(tab + 1), &q->norm_len);
        if (q->text == NULL || q->norm == NULL)
            die_nomem();
        if (q->norm_len == 0) {
            fprintf(stderr, "search_recall: %s:%zu: the query normalises to nothing\n", path,
                    line_no);
            free(text);
            return -1;
        }
    }
    free(text);
    if (run->n == 0) {
        fprintf(stderr, "search_recall: %s: no queries\n", path);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Ground truth: one pass over every text entry                             */
/* ------------------------------------------------------------------------ */

/* Adds e's id to the truth of every query its title or body contains. */
static int truth_entry(sat_bundle *b, const sat_mentry *e, recall_run *run, sat_err *err)
{
    char *body = NULL, *title_n = NULL, *body_n = NULL;
    size_t body_len = 0, title_len = 0, body_n_len = 0;
    sat_buf plain = {0};
    int rc = sat_bundle_read(b, e, &body, &body_len, err);

    if (rc == SAT_E_HASH) {
        run->n_damaged++; /* search leaves damaged entries out too */
        return 0;
    }
    if (rc < 0)
        return rc;
    run->n_text++;
    rc = gemtext_plain(body, body_len, &plain);
    if (rc < 0)
        goto cleanup;
    title_n = normalise(e->title != NULL ? e->title : "", e->title != NULL ? strlen(e->title) : 0,
                        &title_len);
    body_n = normalise(plain.data != NULL ? plain.data : "", plain.len, &body_n_len);
    if (title_n == NULL || body_n == NULL) {
        rc = sat_err_set(err, SAT_E_FORMAT, "entry %s: title or body is not valid UTF-8", e->id);
        goto cleanup;
    }
    for (size_t i = 0; i < run->n && rc == 0; i++) {
        recall_query *q = &run->q[i];

        if (memmem(title_n, title_len, q->norm, q->norm_len) != NULL ||
            memmem(body_n, body_n_len, q->norm, q->norm_len) != NULL)
            rc = id_list_add(&q->truth, e->id);
    }
cleanup:
    free(body);
    free(title_n);
    free(body_n);
    sat_buf_free(&plain);
    return rc;
}

static int compute_truth(sat_bundle *b, recall_run *run, sat_err *err)
{
    uint64_t n = sat_bundle_count(b);

    for (uint64_t i = 0; i < n; i++) {
        const sat_mentry *e = NULL;
        int rc = sat_bundle_entry(b, i, &e, err);

        if (rc < 0)
            return rc;
        if (e->kind == SAT_KIND_ARTICLE || e->kind == SAT_KIND_TRANSCRIPT) {
            rc = truth_entry(b, e, run, err);
            if (rc < 0)
                return rc;
        }
        if (i % SAT_PAGE_ENTRIES == SAT_PAGE_ENTRIES - 1)
            sat_bundle_forget_pages(b); /* ids were copied: bounded memory on 100k entries */
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Search and comparison                                                    */
/* ------------------------------------------------------------------------ */

/* Sorted-list difference: counts a \ b into *n_out, keeping the first RECALL_LIST_MAX. */
static int diff_sorted(const id_list *a, const id_list *b, id_list *keep, size_t *n_out)
{
    size_t i = 0, j = 0;

    *n_out = 0;
    while (i < a->n) {
        int c = j < b->n ? strcmp(a->ids[i], b->ids[j]) : -1;

        if (c < 0) {
            if (keep->n < RECALL_LIST_MAX && id_list_add(keep, a->ids[i]) < 0)
                return SAT_E_NOMEM;
            (*n_out)++;
            i++;
        } else if (c > 0) {
            j++;
        } else {
            i++;
            j++;
        }
    }
    return 0;
}

static int search_one(sat_bundle *b, sat_search *s, recall_query *q, sat_err *err)
{
    sat_query *pq = NULL;
    sat_search_result *r = NULL;
    int rc = sat_query_parse(q->text, strlen(q->text), &pq, err);

    if (rc < 0)
        return sat_err_prefix(err, "query \"%s\"", q->text);
    rc = sat_search_run(s, pq, 0, &r, err);
    if (rc < 0) {
        sat_err_prefix(err, "query \"%s\"", q->text);
        goto cleanup;
    }
    if (r->n != r->total) {
        rc = sat_err_set(err, SAT_E_FORMAT, "query \"%s\": limit 0 returned %zu of %zu hits",
                         q->text, r->n, r->total);
        goto cleanup;
    }
    for (size_t i = 0; i < r->n && rc == 0; i++) {
        const sat_mentry *e = NULL;
        if (i % 32 == 0)
            sat_bundle_forget_pages(b);
        rc = sat_bundle_entry(b, r->hits[i].entry, &e, err);
        if (rc == 0)
            rc = id_list_add(&q->hits, e->id);
    }
    if (rc < 0)
        goto cleanup;
    if (q->truth.n > 1) /* (qsort of a NULL array is undefined, even of 0 elements) */
        qsort(q->truth.ids, q->truth.n, sizeof *q->truth.ids, cmp_str);
    if (q->hits.n > 1)
        qsort(q->hits.ids, q->hits.n, sizeof *q->hits.ids, cmp_str);
    for (size_t i = 1; i < q->hits.n; i++) {
        if (strcmp(q->hits.ids[i - 1], q->hits.ids[i]) == 0) {
            rc = sat_err_set(err, SAT_E_FORMAT, "query \"%s\": entry %s returned twice", q->text,
                             q->hits.ids[i]);
            goto cleanup;
        }
    }
    rc = diff_sorted(&q->truth, &q->hits, &q->missed, &q->n_missed);
    if (rc == 0)
        rc = diff_sorted(&q->hits, &q->truth, &q->extra, &q->n_extra);
    q->true_hits = q->truth.n - q->n_missed;
cleanup:
    sat_search_result_free(r);
    sat_query_free(pq);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Report                                                                   */
/* ------------------------------------------------------------------------ */

typedef struct lang_sum {
    size_t queries, truth, true_hits, hits;
} lang_sum;

static lang_sum sum_lang(const recall_run *run, const char *lang)
{
    lang_sum t = {0, 0, 0, 0};

    for (size_t i = 0; i < run->n; i++) {
        if (strcmp(run->q[i].lang, lang) != 0)
            continue;
        t.queries++;
        t.truth += run->q[i].truth.n;
        t.true_hits += run->q[i].true_hits;
        t.hits += run->q[i].hits.n;
    }
    return t;
}

static void put_ratio(FILE *o, size_t num, size_t den, int json)
{
    if (den == 0)
        fputs(json ? "null" : "     -", o);
    else
        fprintf(o, "%6.4f", (double)num / (double)den);
}

/* s as a JSON string literal (sat_json_string: controls escaped, invalid UTF-8 replaced). */
static void put_json_str(FILE *o, const char *s)
{
    sat_buf b = {0};

    if (sat_json_string(&b, s, strlen(s)) < 0)
        die_nomem();
    fwrite(b.data, 1, b.len, o);
    sat_buf_free(&b);
}

static void put_json_ids(FILE *o, const char *name, const id_list *l)
{
    fprintf(o, ", \"%s\": [", name);
    for (size_t i = 0; i < l->n; i++) {
        if (i > 0)
            fputs(", ", o);
        put_json_str(o, l->ids[i]);
    }
    fputs("]", o);
}

static void report_json(FILE *o, const recall_run *run, const char *bundle, double min_ko, int pass,
                        int ids)
{
    lang_sum ko = sum_lang(run, "ko"), en = sum_lang(run, "en");

    fputs("{\"bundle\": ", o);
    put_json_str(o, bundle);
    fprintf(o, ", \"text_entries\": %llu, \"damaged\": %llu, \"queries\": [",
            (unsigned long long)run->n_text, (unsigned long long)run->n_damaged);
    for (size_t i = 0; i < run->n; i++) {
        const recall_query *q = &run->q[i];

        fputs(i > 0 ? ",\n  {\"lang\": " : "\n  {\"lang\": ", o);
        put_json_str(o, q->lang);
        fputs(", \"query\": ", o);
        put_json_str(o, q->text);
        fprintf(o, ", \"truth\": %zu, \"hits\": %zu, \"true_hits\": %zu, \"recall\": ", q->truth.n,
                q->hits.n, q->true_hits);
        put_ratio(o, q->true_hits, q->truth.n, 1);
        fputs(", \"precision\": ", o);
        put_ratio(o, q->true_hits, q->hits.n, 1);
        fprintf(o, ", \"n_missed\": %zu, \"n_extra\": %zu", q->n_missed, q->n_extra);
        put_json_ids(o, "missed", &q->missed);
        put_json_ids(o, "extra", &q->extra);
        if (ids) {
            put_json_ids(o, "truth_ids", &q->truth);
            put_json_ids(o, "hit_ids", &q->hits);
        }
        fputs("}", o);
    }
    fputs("],\n \"recall_ko\": ", o);
    put_ratio(o, ko.true_hits, ko.truth, 1);
    fputs(", \"recall_en\": ", o);
    put_ratio(o, en.true_hits, en.truth, 1);
    fputs(", \"precision_ko\": ", o);
    put_ratio(o, ko.true_hits, ko.hits, 1);
    fputs(", \"precision_en\": ", o);
    put_ratio(o, en.true_hits, en.hits, 1);
    fprintf(o, ", \"min_recall_ko\": %.4f, \"pass\": %s}\n", min_ko, pass ? "true" : "false");
}

static void report_table(FILE *o, const recall_run *run, double min_ko, int pass)
{
    const char *langs[2] = {"ko", "en"};

    fprintf(o, "%-5s %7s %7s %7s %6s %9s  %s\n", "lang", "truth", "hits", "true", "recall",
            "precision", "query");
    for (size_t i = 0; i < run->n; i++) {
        const recall_query *q = &run->q[i];

        fprintf(o, "%-5s %7zu %7zu %7zu ", q->lang, q->truth.n, q->hits.n, q->true_hits);
        put_ratio(o, q->true_hits, q->truth.n, 0);
        fputs("    ", o);
        put_ratio(o, q->true_hits, q->hits.n, 0);
        fprintf(o, "  %s\n", q->text);
        if (strcmp(q->lang, "ko") == 0 && q->n_missed > 0) {
            fprintf(o, "      missed %zu:", q->n_missed);
            for (size_t k = 0; k < q->missed.n && k < RECALL_TABLE_MISSES; k++)
                fprintf(o, " %s", q->missed.ids[k]);
            fputs(q->n_missed > RECALL_TABLE_MISSES ? " ...\n" : "\n", o);
        }
    }
    fprintf(o, "\n%llu text entries", (unsigned long long)run->n_text);
    if (run->n_damaged > 0)
        fprintf(o, " (%llu damaged, left out)", (unsigned long long)run->n_damaged);
    fputs("\n", o);
    for (size_t k = 0; k < 2; k++) {
        lang_sum t = sum_lang(run, langs[k]);

        fprintf(o, "recall %s: ", langs[k]);
        put_ratio(o, t.true_hits, t.truth, 0);
        fprintf(o, " (%zu of %zu matching entries found, %zu queries), precision ", t.true_hits,
                t.truth, t.queries);
        put_ratio(o, t.true_hits, t.hits, 0);
        fputs("\n", o);
    }
    fputs("truth: text entries whose title or body, NFKC + case folded, contains the query\n"
          "as a substring. Korean is searched by syllable pairs, so 평양 finds 평양에서: its\n"
          "recall is asserted. English is searched by whole words (a search for election does\n"
          "not find elections, which the substring truth counts): its recall is reported only.\n",
          o);
    if (sum_lang(run, "ko").truth == 0)
        fputs("no Korean query has any ground truth\n", o);
    fprintf(o, "%s: Korean recall %s %.4f\n", pass ? "PASS" : "FAIL", pass ? ">=" : "below",
            min_ko);
}

/* ------------------------------------------------------------------------ */
/* main                                                                     */
/* ------------------------------------------------------------------------ */

static void usage(void)
{
    fprintf(stderr, "usage: search_recall BUNDLE PUBKEY QUERIES_FILE [--min-recall-ko R] "
                    "[--json [--ids]]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *pos[3] = {NULL, NULL, NULL};
    size_t npos = 0;
    double min_ko = 0.99;
    int json = 0, ids = 0, rc = 2, pass;
    recall_run run = {NULL, 0, 0, 0};
    sat_pubkey pk;
    sat_bundle *b = NULL;
    sat_search *s = NULL;
    sat_err err = {0, ""};
    lang_sum ko;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--ids") == 0) {
            ids = 1;
        } else if (strcmp(argv[i], "--min-recall-ko") == 0 && i + 1 < argc) {
            char *end = NULL;

            min_ko = strtod(argv[++i], &end);
            if (end == argv[i] || *end != '\0' || !(min_ko >= 0 && min_ko <= 1))
                usage();
        } else if (argv[i][0] == '-' || npos == 3) {
            usage();
        } else {
            pos[npos++] = argv[i];
        }
    }
    if (npos != 3)
        usage();
    if (load_queries(pos[2], &run) < 0)
        goto cleanup;
    if (sat_pubkey_load(&pk, pos[1], &err) < 0 || sat_bundle_open(pos[0], &pk, 1, &b, &err) < 0 ||
        compute_truth(b, &run, &err) < 0 || sat_search_open(b, &s, &err) < 0) {
        fprintf(stderr, "search_recall: %s\n", err.msg);
        goto cleanup;
    }
    for (size_t i = 0; i < run.n; i++) {
        if (search_one(b, s, &run.q[i], &err) < 0) {
            fprintf(stderr, "search_recall: %s\n", err.msg);
            goto cleanup;
        }
    }
    ko = sum_lang(&run, "ko");
    pass = ko.truth > 0 && (double)ko.true_hits >= min_ko * (double)ko.truth;
    if (json)
        report_json(stdout, &run, pos[0], min_ko, pass, ids);
    else
        report_table(stdout, &run, min_ko, pass);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "search_recall: cannot write the report\n");
        goto cleanup;
    }
    rc = pass ? 0 : 1;
cleanup:
    for (size_t i = 0; i < run.n; i++) {
        recall_query *q = &run.q[i];

        free(q->text);
        free(q->norm);
        id_list_free(&q->truth);
        id_list_free(&q->hits);
        id_list_free(&q->missed);
        id_list_free(&q->extra);
    }
    free(run.q);
    sat_search_free(s);
    sat_bundle_close(b);
    return rc;
}
