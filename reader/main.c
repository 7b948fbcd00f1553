/*
 * satchel-read - verify and read Satchel bundles on an air-gapped machine.
 *
 * Every command opens the bundle through sat_bundle_open, which verifies the
 * manifest's signature against the trusted keys before anything else is
 * parsed; content is shown or written only after its hash matched.
 *
 * Exit codes: 0 success; 1 the bundle is damaged or an entry failed; 2 usage;
 * 3 the bundle is not genuine (bad signature, untrusted key, not a bundle);
 * 4 I/O error outside the bundle (cannot write the target folder, ...).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "entry_save.h"
#include "export_html.h"
#include "msg.h"
#include "reader_keys.h"
#include "render_term.h"
#include "sat_bundle.h"
#include "sat_query.h"
#include "sat_search.h"
#include "sat_text.h"
#include "tui.h"

#define EXIT_DAMAGED 1
#define EXIT_USAGE 2
#define EXIT_FORGED 3
#define EXIT_IO 4
/* Walking every entry, forget the loaded index pages this often (bounded memory). */
#define PAGE_WALK 8192

static const char *prog = "satchel-read";
/* Set when signed content turned out to break the format (exit 3 at the end). */
static int forged_seen;

/* Options shared by every command. */
typedef struct ropts {
    rk_set keys;
    int json, deep, force, width, width_given;
    long limit; /* search: hits to show, 0 = all */
    const char *kind, *lang, *since, *section, *to;
} ropts;

static void usage(FILE *f)
{
    fprintf(f,
            "Usage:\n"
            "  %s browse  BUNDLE [KEYS] [--lang ko|en]   (also: %s BUNDLE, on a terminal)\n"
            "  %s verify  BUNDLE [KEYS] [--deep] [--json]\n"
            "  %s info    BUNDLE [KEYS] [--json]\n"
            "  %s list    BUNDLE [KEYS] [--kind K] [--lang L] [--since DATE] [--section S] "
            "[--json]\n"
            "  %s show    BUNDLE ID [KEYS] [--width N]\n"
            "  %s search  BUNDLE QUERY [KEYS] [--limit N] [--json] [--width N]\n"
            "  %s extract BUNDLE --to DIR [ID...] [KEYS] [--force]\n"
            "  %s salvage BUNDLE --to DIR [KEYS] [--force] [--json]\n"
            "  %s export-html BUNDLE --to DIR [KEYS] [--lang ko|en] [--force]\n"
            "  %s key-info PUBFILE\n"
            "  %s --help | --version\n"
            "\n"
            "KEYS: -p PUBFILE (repeatable), --keyring FILE (one public key per entry);\n"
            "keys compiled into this reader are always trusted.\n"
            "Nothing from a bundle is shown or written before its signature and hashes check out.\n"
            "\n"
            "QUERY (quote it): words must all match (Korean inside longer words: 평양 finds\n"
            "평양에서), \"a phrase\", -word to leave out, elect* for a prefix, and filters\n"
            "kind:K lang:L section:S since:YYYY-MM-DD until:YYYY-MM-DD (man satchel-read).\n"
            "\n"
            "Exit status: 0 ok, 1 damaged entries, 2 usage error, 3 not genuine (bad or\n"
            "untrusted signature, not a bundle), 4 cannot write the target.\n"
            "\n"
            "browse: a full-screen reader (verification first, library, search as you type,\n"
            "reading view, attachments); --lang sets its language (default: the locale).\n"
            "It writes nothing while you read. F12 or Ctrl-X clears the screen and quits.\n"
            "\n"
            "export-html writes a web site (index.html) that opens from the drive in any\n"
            "browser, without network or JavaScript; --lang sets its interface language\n"
            "(default: the locale). Damaged entries are left out and listed on verify.html.\n",
            prog, prog, prog, prog, prog, prog, prog, prog, prog, prog, prog, prog);
}

static int die_usage(const char *msg)
{
    fprintf(stderr, "%s: %s\nTry '%s --help'.\n", prog, msg, prog);
    return EXIT_USAGE;
}

/* Prints untrusted text to a stream, sanitised. */
static void put_safe(FILE *f, const char *s)
{
    sat_buf b = {0};

    if (s == NULL)
        return;
    if (sat_text_sanitize(&b, s, strlen(s), 0) == 0 && b.len > 0)
        fwrite(b.data, 1, b.len, f);
    sat_buf_free(&b);
}

static void put_json(FILE *f, const char *s)
{
    sat_buf b = {0};

    if (s == NULL) {
        fputs("null", f);
        return;
    }
    if (sat_json_string(&b, s, strlen(s)) == 0 && b.len > 0)
        fwrite(b.data, 1, b.len, f);
    sat_buf_free(&b);
}

/* Opens an entry's object in a JSON array (a comma before all but the first) with the
 * fields list and search share: id, kind, date, lang, section, title. */
static void put_entry_json(const sat_mentry *e, int first)
{
    printf("%s\n  {\"id\": ", first ? "" : ",");
    put_json(stdout, e->id);
    printf(", \"kind\": \"%s\", \"date\": ", sat_kind_name(e->kind));
    put_json(stdout, e->date);
    printf(", \"lang\": ");
    put_json(stdout, e->lang);
    printf(", \"section\": ");
    put_json(stdout, e->section);
    printf(", \"title\": ");
    put_json(stdout, e->title);
}

static int exit_for(int code)
{
    switch (code) {
    case SAT_E_SIG:
    case SAT_E_UNTRUSTED:
    case SAT_E_FORMAT:
    case SAT_E_LIMIT:
        return EXIT_FORGED;
    case SAT_E_HASH:
        return EXIT_DAMAGED;
    default:
        return EXIT_DAMAGED;
    }
}

static int open_bundle(const char *path, ropts *o, sat_bundle **b)
{
    sat_err err = {0};
    int rc = sat_bundle_open(path, o->keys.keys, o->keys.n, b, &err);

    if (rc != 0) {
        fprintf(stderr, "%s: NOT VERIFIED: ", prog);
        put_safe(stderr, err.msg);
        fputc('\n', stderr);
        return exit_for(rc);
    }
    return 0;
}

static void rt_entry_header(sat_buf *out, const sat_mentry *e, size_t width)
{
    sat_meta m = sat_mentry_meta(e);

    rt_meta_header(out, &m, rt_width_clamp(width), NULL);
}

/* One `list` row: id (padded to idw columns), date, kind, lang, title cut to the width. */
static void rt_list_line(sat_buf *out, const sat_mentry *e, size_t width, size_t idw)
{
    size_t w = rt_width_clamp(width), used = idw + 1 + 10 + 1 + 10 + 1 + 5 + 1;
    const char *date = e->date ? e->date : "-";
    const char *lang = e->lang ? e->lang : "-";

    rt_field(out, e->id, strlen(e->id), idw, 1, NULL);
    sat_buf_puts(out, " ");
    rt_field(out, date, strlen(date) < 10 ? strlen(date) : 10, 10, 1, NULL);
    sat_buf_puts(out, " ");
    rt_field(out, sat_kind_name(e->kind), strlen(sat_kind_name(e->kind)), 10, 1, NULL);
    sat_buf_puts(out, " ");
    rt_field(out, lang, strlen(lang), 5, 1, NULL);
    sat_buf_puts(out, " ");
    rt_field(out, e->title, strlen(e->title), w > used + 12 ? w - used : 12, 0, NULL);
    sat_buf_puts(out, "\n");
}

/* ------------------------------------------------------------------------
 * verify
 * ------------------------------------------------------------------------ */

typedef struct vctx {
    int json;
    int first;
    size_t problems; /* not tied to one entry: tar layer, dictionary, index pages */
} vctx;

static void on_problem(void *ctx, const sat_mentry *e, const char *msg)
{
    vctx *v = ctx;

    if (e == NULL)
        v->problems++;
    if (v->json) {
        printf("%s\n    {\"id\": ", v->first ? "" : ",");
        put_json(stdout, e ? e->id : NULL);
        printf(", \"problem\": ");
        put_json(stdout, msg);
        printf("}");
        v->first = 0;
        return;
    }
    printf("DAMAGED ");
    put_safe(stdout, e ? e->id : "(bundle)");
    printf(": ");
    put_safe(stdout, msg);
    printf("\n");
}

static void on_verify_progress(void *ctx, const char *stage, uint64_t done, uint64_t total)
{
    static time_t last;
    time_t now = time(NULL);

    (void)ctx;
    if (!isatty(2) || (now == last && done != total))
        return;
    last = now;
    fprintf(stderr, "\r%s: %s %3d%%", prog, stage, total ? (int)(done * 100 / total) : 100);
    if (done == total)
        fprintf(stderr, "\r%30s\r", "");
}

static void signer_line(const sat_bundle *b, char fp[SAT_FINGERPRINT_LEN + 1], char keyid[17])
{
    sat_pubkey_fingerprint(sat_bundle_signer(b), fp);
    sat_pubkey_keyid(sat_bundle_signer(b), keyid);
}

static int cmd_verify(const char *path, ropts *o)
{
    sat_bundle *b = NULL;
    sat_err err = {0};
    size_t nbad = 0;
    vctx v = {o->json, 1, 0};
    char fp[SAT_FINGERPRINT_LEN + 1], keyid[17];
    int rc;

    if (o->json) {
        rc = sat_bundle_open(path, o->keys.keys, o->keys.n, &b, &err);
        if (rc != 0) {
            printf("{\"bundle\": ");
            put_json(stdout, path);
            printf(", \"signature\": \"bad\", \"ok\": false, \"error\": ");
            put_json(stdout, err.msg);
            printf("}\n");
            return exit_for(rc);
        }
    } else if ((rc = open_bundle(path, o, &b)) != 0) {
        return rc;
    }
    signer_line(b, fp, keyid);
    if (!o->json)
        printf("Signature: good, by key %s (fingerprint %s)\n", keyid, fp);
    else {
        printf("{\"bundle\": ");
        put_json(stdout, path);
        printf(", \"signature\": \"good\", \"key_id\": \"%s\", \"fingerprint\": \"%s\", "
               "\"damaged\": [",
               keyid, fp);
    }
    rc = sat_bundle_verify(b, o->deep, on_problem, &v, &nbad, on_verify_progress, NULL, &err);
    if (rc != 0 && rc != SAT_E_FORMAT) {
        if (o->json)
            printf("]}\n");
        fprintf(stderr, "%s: %s\n", prog, err.msg);
        sat_bundle_close(b);
        return EXIT_DAMAGED;
    }
    if (o->json) {
        printf("%s], \"entries\": %zu, \"damaged_count\": %zu, \"problems\": %zu, "
               "\"genuine\": %s, \"ok\": %s}\n",
               v.first ? "" : "\n  ", (size_t)sat_bundle_count(b), nbad, v.problems,
               rc == SAT_E_FORMAT ? "false" : "true",
               rc != 0 || nbad || v.problems ? "false" : "true");
    } else if (rc == SAT_E_FORMAT) {
        printf("NOT GENUINE: %s\n", err.msg);
    } else if (nbad == 0 && v.problems == 0) {
        printf("All %zu entries intact (%s).\n", (size_t)sat_bundle_count(b),
               o->deep ? "stored bytes and decompressed content checked"
                       : "every stored byte checked");
    } else if (nbad == 0) {
        printf("The bundle file is DAMAGED or altered around its entries (%zu problem%s above); "
               "all %zu entries are intact and readable.\n",
               v.problems, v.problems == 1 ? "" : "s", (size_t)sat_bundle_count(b));
    } else {
        printf("%zu of %zu entries DAMAGED; the others are intact and readable.\n", nbad,
               (size_t)sat_bundle_count(b));
    }
    sat_bundle_close(b);
    if (rc == SAT_E_FORMAT)
        return EXIT_FORGED;
    return nbad || v.problems ? EXIT_DAMAGED : 0;
}

/* ------------------------------------------------------------------------
 * info, list
 * ------------------------------------------------------------------------ */

static int cmd_info(const char *path, ropts *o)
{
    sat_bundle *b = NULL;
    const sat_manifest *m;
    char fp[SAT_FINGERPRINT_LEN + 1], keyid[17], id[2 * SAT_BUNDLE_ID_BYTES + 1];
    size_t counts[SAT_KIND_COUNT] = {0}, i, damaged_index = 0;
    long long created = 0, age;
    int rc;

    if ((rc = open_bundle(path, o, &b)) != 0)
        return rc;
    m = sat_bundle_manifest(b);
    signer_line(b, fp, keyid);
    sat_hex(m->head.bundle_id, SAT_BUNDLE_ID_BYTES, id);
    for (i = 0; i < sat_bundle_count(b); i++) {
        const sat_mentry *e;
        if (i % PAGE_WALK == 0)
            sat_bundle_forget_pages(b);
        if (sat_bundle_entry(b, i, &e, NULL) == 0)
            counts[e->kind]++;
        else
            damaged_index++;
    }
    sat_time_parse(m->head.created, &created);
    age = ((long long)time(NULL) - created) / 86400;
    if (o->json) {
        printf("{\"bundle\": ");
        put_json(stdout, path);
        printf(", \"format\": %d, \"id\": \"%s\", \"title\": ", m->version, id);
        put_json(stdout, m->head.title);
        printf(", \"publisher\": ");
        put_json(stdout, m->head.publisher);
        printf(", \"created\": \"%s\", \"age_days\": %lld, \"seq\": %llu, \"key_id\": \"%s\", "
               "\"fingerprint\": \"%s\", \"entries\": %zu, \"articles\": %zu, \"transcripts\": "
               "%zu, \"images\": %zu, \"audio\": %zu, \"clusters\": %zu, \"dictionary\": %s, "
               "\"size\": %llu}\n",
               m->head.created, age, (unsigned long long)m->head.seq, keyid, fp,
               (size_t)m->n_entries, counts[SAT_KIND_ARTICLE], counts[SAT_KIND_TRANSCRIPT],
               counts[SAT_KIND_IMAGE], counts[SAT_KIND_AUDIO], m->n_clusters,
               m->head.has_dict ? "true" : "false", (unsigned long long)sat_bundle_file_size(b));
    } else {
        printf("Title:       ");
        put_safe(stdout, m->head.title);
        printf("\nPublisher:   ");
        put_safe(stdout, m->head.publisher ? m->head.publisher : "-");
        printf("\nCreated:     %s (%lld days ago)\nSequence:    %llu\nBundle id:   %s\n"
               "Signed by:   key %s\nFingerprint: %s\nEntries:     %zu (%zu articles, %zu "
               "transcripts, %zu images, %zu audio)\nStorage:     %zu clusters%s, %llu bytes, "
               "format %d\n",
               m->head.created, age, (unsigned long long)m->head.seq, id, keyid, fp,
               (size_t)m->n_entries, counts[SAT_KIND_ARTICLE], counts[SAT_KIND_TRANSCRIPT],
               counts[SAT_KIND_IMAGE], counts[SAT_KIND_AUDIO], m->n_clusters,
               m->head.has_dict ? " with a trained dictionary" : "",
               (unsigned long long)sat_bundle_file_size(b), m->version);
    }
    if (damaged_index > 0)
        fprintf(stderr, "%s: %zu entries are in damaged index pages (run verify)\n", prog,
                damaged_index);
    if (sat_bundle_head_problem(b) != NULL) {
        fprintf(stderr, "%s: ", prog);
        put_safe(stderr, sat_bundle_head_problem(b));
        fprintf(stderr, " (run verify)\n");
    }
    sat_bundle_close(b);
    return damaged_index ? EXIT_DAMAGED : 0;
}

static int matches(const sat_mentry *e, const ropts *o)
{
    if (o->kind != NULL && strcmp(sat_kind_name(e->kind), o->kind) != 0)
        return 0;
    if (o->lang != NULL && (e->lang == NULL || strcasecmp(e->lang, o->lang) != 0))
        return 0;
    if (o->section != NULL && (e->section == NULL || strcmp(e->section, o->section) != 0))
        return 0;
    if (o->since != NULL && (e->date == NULL || strcmp(e->date, o->since) < 0))
        return 0;
    return 1;
}

/* ------------------------------------------------------------------------
 * search
 * ------------------------------------------------------------------------ */

/* Prints a snippet sanitised, its marks in reverse video on a terminal, else in « ». */
static void put_snippet(const sat_snippet *sn, int tty)
{
    size_t i, at = 0;
    sat_buf b = {0};

    for (i = 0; i <= sn->n_marks; i++) {
        size_t end = i < sn->n_marks ? sn->marks[i][0] : sn->len;
        b.len = 0;
        sat_text_sanitize(&b, sn->text + at, end - at, 0);
        fwrite(b.data ? b.data : "", 1, b.len, stdout);
        if (i == sn->n_marks)
            break;
        b.len = 0;
        sat_text_sanitize(&b, sn->text + sn->marks[i][0], sn->marks[i][1] - sn->marks[i][0], 0);
        fputs(tty ? "\033[7m" : "\xc2\xab", stdout);
        fwrite(b.data ? b.data : "", 1, b.len, stdout);
        fputs(tty ? "\033[0m" : "\xc2\xbb", stdout);
        at = sn->marks[i][1];
    }
    sat_buf_free(&b);
}

static int cmd_search(const char *path, char **words, int nwords, ropts *o)
{
    sat_bundle *b = NULL;
    sat_search *s = NULL;
    sat_query *q = NULL;
    sat_search_result *r = NULL;
    sat_buf qtext = {0}, line = {0};
    sat_err err = {0};
    int rc, i, tty = isatty(1) && getenv("TERM") != NULL && strcmp(getenv("TERM"), "dumb") != 0;
    size_t k;

    for (i = 0; i < nwords; i++)
        if ((i > 0 && sat_buf_puts(&qtext, " ") != 0) || sat_buf_puts(&qtext, words[i]) != 0) {
            sat_buf_free(&qtext);
            return die_usage("out of memory");
        }
    if (sat_query_parse(qtext.data ? qtext.data : "", qtext.len, &q, &err) != 0) {
        fprintf(stderr, "%s: search: ", prog);
        put_safe(stderr, err.msg);
        fputc('\n', stderr);
        sat_buf_free(&qtext);
        return EXIT_USAGE;
    }
    if ((rc = open_bundle(path, o, &b)) != 0)
        goto out;
    if ((rc = sat_search_open(b, &s, &err)) != 0 ||
        (rc = sat_search_run(s, q, (size_t)o->limit, &r, &err)) != 0) {
        fprintf(stderr, "%s: %s", prog,
                rc == SAT_E_FORMAT ? "NOT GENUINE: " : rc == SAT_E_HASH ? "DAMAGED: " : "");
        put_safe(stderr, err.msg);
        fputc('\n', stderr);
        forged_seen |= rc == SAT_E_FORMAT;
        rc = rc == SAT_E_NOTFOUND ? EXIT_DAMAGED : exit_for(rc);
        goto out;
    }
    if (!isatty(1) && !o->width_given)
        o->width = RT_WIDTH_MAX;
    if (o->json) {
        printf("{\"query\": ");
        put_json(stdout, qtext.data);
        printf(", \"total\": %zu, \"total_exact\": %s, \"damaged\": %zu, \"results\": [",
               r->total, r->total_exact ? "true" : "false", r->n_damaged);
    } else if (r->total == 0) {
        printf("No entry matches.\n");
    } else {
        printf("%s%zu %s", r->total_exact ? "" : "At most ", r->total,
               r->total == 1 ? "entry matches" : "entries match");
        if (r->n < r->total)
            printf(" (the best %zu shown; --limit 0 shows all)", r->n);
        printf(".\n");
    }
    for (k = 0; k < r->n; k++) {
        const sat_mentry *e = NULL;
        sat_snippet sn;
        size_t sw = (size_t)(o->width > 24 ? o->width - 4 : 20);
        if (sw > 160)
            sw = 160; /* piped output: one readable line */
        if (k % 32 == 0) /* hits are in rank order, their pages random: keep few */
            sat_bundle_forget_pages(b);
        if ((rc = sat_bundle_entry(b, r->hits[k].entry, &e, &err)) != 0 ||
            (rc = sat_search_snippet(s, q, &r->hits[k], o->json ? 160 : sw, &sn, &err)) != 0) {
            fprintf(stderr, "%s: %s\n", prog, err.msg);
            rc = exit_for(rc);
            goto out;
        }
        if (o->json) {
            size_t m;
            put_entry_json(e, k == 0);
            printf(", \"score\": %.4f, \"snippet\": ", r->hits[k].score);
            put_json(stdout, sn.text);
            printf(", \"marks\": [");
            for (m = 0; m < sn.n_marks; m++)
                printf("%s[%zu, %zu]", m ? ", " : "", sn.marks[m][0], sn.marks[m][1]);
            printf("]}");
        } else {
            line.len = 0;
            rt_list_line(&line, e, (size_t)o->width, strlen(e->id));
            fwrite(line.data, 1, line.len, stdout);
            fputs("    ", stdout);
            put_snippet(&sn, tty);
            fputc('\n', stdout);
        }
        sat_snippet_free(&sn);
    }
    if (o->json)
        printf("%s]}\n", r->n ? "\n" : "");
    if (r->n_damaged > 0)
        fprintf(stderr, "%s: %zu matching entr%s DAMAGED and left out (run verify)\n", prog,
                r->n_damaged, r->n_damaged == 1 ? "y is" : "ies are");
    rc = r->n_damaged ? EXIT_DAMAGED : 0;
out:
    sat_search_result_free(r);
    sat_search_free(s);
    sat_query_free(q);
    sat_bundle_close(b);
    sat_buf_free(&qtext);
    sat_buf_free(&line);
    return rc;
}

static int cmd_list(const char *path, ropts *o)
{
    sat_bundle *b = NULL;
    size_t shown = 0, idw = 2, damaged = 0;
    uint64_t i, n;
    int rc, first = 1, last_code = 0, forged = 0;
    char last_msg[SAT_ERR_MSG_MAX] = "";
    sat_buf line = {0};

    if (o->kind != NULL) {
        sat_kind k;
        if (sat_kind_parse(o->kind, strlen(o->kind), &k) != 0)
            return die_usage("--kind must be article, transcript, image or audio");
    }
    if ((rc = open_bundle(path, o, &b)) != 0)
        return rc;
    /* piped output (scripts, grep) keeps whole titles unless --width says otherwise */
    if (!isatty(1) && !o->width_given)
        o->width = RT_WIDTH_MAX;
    n = sat_bundle_count(b);
    /* ids are never cut: they are what `show` and `extract` take */
    for (i = 0; i < n; i++) {
        const sat_mentry *e;
        if (i % PAGE_WALK == 0)
            sat_bundle_forget_pages(b); /* bounded memory for huge bundles */
        if (sat_bundle_entry(b, i, &e, NULL) == 0 && matches(e, o) && strlen(e->id) > idw)
            idw = strlen(e->id);
    }
    if (o->json)
        printf("[");
    for (i = 0; i < n; i++) {
        const sat_mentry *e;
        sat_err err = {0};
        if (i % PAGE_WALK == 0)
            sat_bundle_forget_pages(b);
        if (sat_bundle_entry(b, i, &e, &err) != 0) {
            /* a damaged index page: say so once per page, keep listing the rest */
            if (err.code != last_code || strcmp(err.msg, last_msg) != 0) {
                fprintf(stderr, "%s: %s: ", prog,
                        err.code == SAT_E_FORMAT ? "NOT GENUINE" : "DAMAGED");
                put_safe(stderr, err.msg);
                fputc('\n', stderr);
                snprintf(last_msg, sizeof last_msg, "%s", err.msg);
                last_code = err.code;
            }
            damaged++;
            forged |= err.code == SAT_E_FORMAT;
            continue;
        }
        if (!matches(e, o))
            continue;
        shown++;
        if (o->json) {
            put_entry_json(e, first);
            printf(", \"author\": ");
            put_json(stdout, e->author);
            printf(", \"source\": ");
            put_json(stdout, e->source);
            printf(", \"tags\": ");
            put_json(stdout, e->tags);
            printf(", \"parent\": ");
            put_json(stdout, e->parent);
            printf(", \"size\": %llu}", (unsigned long long)e->size);
            first = 0;
            continue;
        }
        line.len = 0;
        rt_list_line(&line, e, (size_t)o->width, idw);
        if (line.len > 0)
            fwrite(line.data, 1, line.len, stdout);
    }
    if (o->json)
        printf("%s]\n", first ? "" : "\n");
    else if (isatty(1))
        printf("%zu of %llu entries\n", shown, (unsigned long long)n);
    sat_buf_free(&line);
    sat_bundle_close(b);
    return forged ? EXIT_FORGED : damaged ? EXIT_DAMAGED : 0;
}

/* ------------------------------------------------------------------------
 * show
 * ------------------------------------------------------------------------ */

static int cmd_show(const char *path, const char *id, ropts *o)
{
    sat_bundle *b = NULL;
    const sat_mentry *e;
    sat_err err = {0};
    sat_buf out = {0};
    char *body = NULL;
    size_t len = 0;
    int rc;

    if ((rc = open_bundle(path, o, &b)) != 0)
        return rc;
    if ((rc = sat_bundle_find(b, id, &e, &err)) != 0) {
        fprintf(stderr, "%s: ", prog);
        put_safe(stderr, err.msg);
        fprintf(stderr, rc == SAT_E_NOTFOUND ? " (see '%s list')\n" : "\n", prog);
        sat_bundle_close(b);
        return rc == SAT_E_FORMAT || rc == SAT_E_LIMIT ? EXIT_FORGED : EXIT_DAMAGED;
    }
    /* media are not displayed, but never called intact unchecked */
    if (sat_kind_is_text(e->kind))
        rc = sat_bundle_read(b, e, &body, &len, &err);
    else
        rc = sat_bundle_check(b, e, &err);
    if (rc != 0) {
        fprintf(stderr, "%s: %s: ", prog, rc == SAT_E_FORMAT ? "NOT GENUINE" : "DAMAGED");
        put_safe(stderr, err.msg);
        fprintf(stderr, "\n");
        sat_bundle_close(b);
        return rc == SAT_E_FORMAT ? EXIT_FORGED : EXIT_DAMAGED;
    }
    rt_entry_header(&out, e, (size_t)o->width);
    sat_buf_puts(&out, "\n");
    if (!sat_kind_is_text(e->kind)) {
        sat_buf hint = {0};
        sat_buf_printf(&hint,
                       "%s attachment, %llu bytes. To save it: %s extract BUNDLE --to DIR %s\n",
                       sat_kind_name(e->kind), (unsigned long long)e->size, prog, e->id);
        rt_body(&out, hint.data, hint.len, rt_width_clamp((size_t)o->width), NULL);
        sat_buf_free(&hint);
    } else {
        rt_body(&out, body, len, rt_width_clamp((size_t)o->width), NULL);
    }
    if (out.len > 0)
        fwrite(out.data, 1, out.len, stdout);
    if (out.len > 0 && out.data[out.len - 1] != '\n')
        fputc('\n', stdout);
    free(body);
    sat_buf_free(&out);
    sat_bundle_close(b);
    return 0;
}

/* ------------------------------------------------------------------------
 * extract
 * ------------------------------------------------------------------------ */

/* extract: prints the written name, or why not. A name that is taken is refused and the
 * others go on (*refused); a write error stops everything (*io_fail). */
static int extract_report(sat_bundle *b, int dirfd, const sat_mentry *e, int force, int *refused,
                          int *io_fail)
{
    sat_err err = {0};
    int rc = es_write_entry(b, dirfd, e, force, &err);

    if (rc == 0) {
        printf("%s%s\n", e->id, sat_kind_is_text(e->kind) ? ".gmi" : "");
        return 0;
    }
    fprintf(stderr, "%s: %s: ", prog,
            rc == SAT_E_HASH     ? "DAMAGED, not written"
            : rc == SAT_E_FORMAT ? "NOT GENUINE, not written"
                                 : "cannot write");
    put_safe(stderr, e->id);
    fprintf(stderr, ": ");
    put_safe(stderr, err.msg);
    fprintf(stderr, "\n");
    if (rc == SAT_E_IO)
        *io_fail = 1;
    if (rc == SAT_E_EXISTS)
        *refused = 1;
    if (rc == SAT_E_FORMAT)
        forged_seen = 1;
    return -1;
}

/* A lost index page, reported once (not once per entry) by whoever walks the pages. */
typedef void (*lost_page_fn)(void *ctx, const sat_page *pg, const sat_err *err);

/* Every entry of every index page that loads, into all[] (room for every entry); lost
 * pages go to lost(). Signed pages that break the format set forged_seen. */
static uint64_t collect_entries(sat_bundle *b, const sat_mentry **all, lost_page_fn lost, void *ctx)
{
    const sat_manifest *m = sat_bundle_manifest(b);
    uint64_t got = 0, k;
    size_t pi;

    for (pi = 0; pi < m->n_pages; pi++) {
        const sat_page *pg = &m->pages[pi];
        sat_err err = {0};
        if (sat_bundle_entry(b, pg->first, &all[got], &err) != 0) {
            forged_seen |= err.code == SAT_E_FORMAT;
            lost(ctx, pg, &err);
            continue;
        }
        for (k = 0; k < pg->count; k++)
            if (sat_bundle_entry(b, pg->first + k, &all[got], &err) == 0)
                got++;
    }
    return got;
}

static void extract_lost_page(void *ctx, const sat_page *pg, const sat_err *err)
{
    fprintf(stderr, "%s: %s: ", prog, err->code == SAT_E_FORMAT ? "NOT GENUINE" : "DAMAGED");
    put_safe(stderr, err->msg);
    fputc('\n', stderr);
    *(int *)ctx += (int)pg->count;
}

/* Storage order: by cluster and offset; media (unit SAT_UNIT_MEDIA) last, by offset. */
static int cmp_storage(const void *a, const void *b)
{
    const sat_mentry *x = *(const sat_mentry *const *)a, *y = *(const sat_mentry *const *)b;

    if (x->unit != y->unit)
        return x->unit < y->unit ? -1 : 1;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* The folder the user chose (created if missing, never through a symlink at its last
 * component); every write goes beneath it with openat. */
static int open_target(const char *dir)
{
    int fd;

    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "%s: cannot create %s: %s\n", prog, dir, strerror(errno));
        return -1;
    }
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        fprintf(stderr, "%s: cannot open folder %s: %s\n", prog, dir, strerror(errno));
    return fd;
}

static int cmd_extract(const char *path, char **ids, int nids, ropts *o)
{
    sat_bundle *b = NULL;
    int dirfd = -1, rc, bad = 0, io_fail = 0, refused = 0, i;
    uint64_t k;

    if (o->to == NULL)
        return die_usage("extract needs --to DIR");
    if ((rc = open_bundle(path, o, &b)) != 0)
        return rc;
    for (i = 0; i < nids; i++) {
        const sat_mentry *e;
        sat_err err = {0};
        if (sat_bundle_find(b, ids[i], &e, &err) != 0) {
            fprintf(stderr, "%s: ", prog);
            put_safe(stderr, err.msg);
            fputc('\n', stderr);
            sat_bundle_close(b);
            return EXIT_DAMAGED;
        }
    }
    if ((dirfd = open_target(o->to)) < 0) {
        sat_bundle_close(b);
        return EXIT_IO;
    }
    if (nids == 0) {
        /* every entry, in storage order, so each cluster is decoded once */
        uint64_t n = sat_bundle_count(b), got = 0;
        const sat_mentry **all = calloc((size_t)n + 1, sizeof *all);
        if (all == NULL) {
            fprintf(stderr, "%s: out of memory\n", prog);
            close(dirfd);
            sat_bundle_close(b);
            return EXIT_IO;
        }
        got = collect_entries(b, all, extract_lost_page, &bad);
        qsort(all, (size_t)got, sizeof *all, cmp_storage);
        for (k = 0; k < got && !io_fail; k++)
            if (extract_report(b, dirfd, all[k], o->force, &refused, &io_fail) != 0)
                bad++;
        free(all);
    } else {
        for (i = 0; i < nids && !io_fail; i++) {
            const sat_mentry *e;
            sat_bundle_find(b, ids[i], &e, NULL);
            if (extract_report(b, dirfd, e, o->force, &refused, &io_fail) != 0)
                bad++;
        }
    }
    fsync(dirfd);
    close(dirfd);
    sat_bundle_close(b);
    if (io_fail || refused)
        return EXIT_IO;
    if (forged_seen)
        return EXIT_FORGED;
    return bad ? EXIT_DAMAGED : 0;
}

/* ------------------------------------------------------------------------
 * salvage: everything that still verifies, out of a damaged bundle
 * ------------------------------------------------------------------------ */

typedef struct salv {
    int json, first;
    sat_buf problems; /* JSON array items */
    uint64_t lost;
} salv;

static void salv_problem(salv *s, const char *id, const char *msg)
{
    if (s->json) {
        sat_buf_printf(&s->problems, "%s\n    {\"id\": ", s->first ? "" : ",");
        if (id != NULL)
            sat_json_string(&s->problems, id, strlen(id));
        else
            sat_buf_puts(&s->problems, "null");
        sat_buf_puts(&s->problems, ", \"problem\": ");
        sat_json_string(&s->problems, msg, strlen(msg));
        sat_buf_puts(&s->problems, "}");
        s->first = 0;
        return;
    }
    printf("DAMAGED ");
    put_safe(stdout, id != NULL ? id : "(bundle)");
    printf(": ");
    put_safe(stdout, msg);
    printf("\n");
}

static void salvage_lost_page(void *ctx, const sat_page *pg, const sat_err *err)
{
    char msg[SAT_ERR_MSG_MAX + 128];

    snprintf(msg, sizeof msg, "%u entries from \"%s\" lost: %s", (unsigned)pg->count, pg->first_id,
             err->msg);
    salv_problem(ctx, NULL, msg);
}

static int cmd_salvage(const char *path, ropts *o)
{
    sat_bundle *b = NULL;
    const sat_manifest *m;
    const sat_mentry **all = NULL;
    sat_mentry *extra = NULL;
    unsigned char *have = NULL;
    salv sv;
    uint64_t n, got = 0, k, written = 0;
    size_t pi;
    int dirfd = -1, rc = 0, io_fail = 0, refused = 0;

    memset(&sv, 0, sizeof sv);
    sv.json = o->json;
    sv.first = 1;
    if (o->to == NULL)
        return die_usage("salvage needs --to DIR");
    if ((rc = open_bundle(path, o, &b)) != 0)
        return rc; /* nothing verifiable: nothing written */
    m = sat_bundle_manifest(b);
    n = sat_bundle_count(b);
    all = calloc((size_t)n + m->n_media + 1, sizeof *all);
    extra = calloc(m->n_media + 1, sizeof *extra);
    have = calloc(m->n_media + 1, 1);
    if (all == NULL || extra == NULL || have == NULL) {
        fprintf(stderr, "%s: out of memory\n", prog);
        free(all);
        free(extra);
        free(have);
        sat_bundle_close(b);
        return EXIT_IO;
    }
    if ((dirfd = open_target(o->to)) < 0) {
        free(all);
        free(extra);
        free(have);
        sat_bundle_close(b);
        return EXIT_IO;
    }
    if (sat_bundle_head_problem(b) != NULL)
        salv_problem(&sv, NULL, sat_bundle_head_problem(b));
    got = collect_entries(b, all, salvage_lost_page, &sv);
    /* Media whose index page is lost (or unreadable without the dictionary) are still
     * located, named and hash-checked by the root's M lines. */
    for (k = 0; k < got; k++) {
        size_t mi =
            all[k]->unit == SAT_UNIT_MEDIA ? sat_manifest_media_at(m, all[k]->offset) : SIZE_MAX;
        if (mi != SIZE_MAX)
            have[mi] = 1;
    }
    for (pi = 0; pi < m->n_media; pi++) {
        sat_mentry *x = &extra[pi];
        if (have[pi])
            continue;
        x->id = x->title = m->media[pi].id;
        x->kind = SAT_KIND_IMAGE; /* any media kind: written under its id, as is */
        x->unit = SAT_UNIT_MEDIA;
        x->offset = m->media[pi].offset;
        x->size = m->media[pi].size;
        memcpy(x->hash, m->media[pi].hash, SAT_HASH_BYTES);
        all[got++] = x;
    }
    /* In storage order, so each cluster is decoded once. */
    qsort(all, (size_t)got, sizeof *all, cmp_storage);
    for (k = 0; k < got && !io_fail; k++) {
        sat_err err = {0};
        rc = es_write_entry(b, dirfd, all[k], o->force, &err);
        if (rc == 0) {
            written++;
        } else if (rc == SAT_E_IO || rc == SAT_E_EXISTS) {
            fprintf(stderr, "%s: ", prog);
            put_safe(stderr, err.msg);
            fprintf(stderr, "\n");
            if (rc == SAT_E_IO)
                io_fail = 1; /* a full disk: stop */
            else
                refused = 1;
        } else {
            salv_problem(&sv, all[k]->id, err.msg);
            forged_seen |= rc == SAT_E_FORMAT;
        }
        on_verify_progress(NULL, "salvage", k + 1, got);
    }
    fsync(dirfd);
    close(dirfd);
    sv.lost = n > written ? n - written : 0;
    if (sv.json) {
        printf("{\"bundle\": ");
        put_json(stdout, path);
        printf(", \"to\": ");
        put_json(stdout, o->to);
        printf(", \"entries\": %llu, \"salvaged\": %llu, \"lost\": %llu, \"complete\": %s, "
               "\"problems\": [%.*s%s]}\n",
               (unsigned long long)n, (unsigned long long)written, (unsigned long long)sv.lost,
               io_fail ? "false" : "true", (int)sv.problems.len,
               sv.problems.data ? sv.problems.data : "", sv.first ? "" : "\n  ");
    } else {
        printf("Salvaged %llu of %llu entries (%.1f%%) to ", (unsigned long long)written,
               (unsigned long long)n, n ? 100.0 * (double)written / (double)n : 100.0);
        put_safe(stdout, o->to);
        printf("%s\n", io_fail ? "; stopped: cannot write (see above)" : "");
    }
    sat_buf_free(&sv.problems);
    free(all);
    free(extra);
    free(have);
    sat_bundle_close(b);
    if (io_fail || refused)
        return EXIT_IO;
    if (forged_seen)
        return EXIT_FORGED;
    return written == n ? 0 : EXIT_DAMAGED;
}

/* ------------------------------------------------------------------------
 * export-html (reader/export_html.c)
 * ------------------------------------------------------------------------ */

static int cmd_export_html(const char *path, ropts *o)
{
    eh_opts eo = {o->keys.keys, o->keys.n, o->to, o->force, rmsg_lang_from_env()};

    if (o->to == NULL)
        return die_usage("export-html needs --to DIR");
    /* --lang is the interface language here (for list/search it filters entries) */
    if (o->lang != NULL && rmsg_lang_parse(o->lang, &eo.lang) != 0)
        return die_usage("--lang must be ko or en");
    return eh_export(path, &eo, stderr);
}

/* ------------------------------------------------------------------------
 * key-info
 * ------------------------------------------------------------------------ */

static int cmd_key_info(const char *path)
{
    sat_pubkey pk;
    sat_err err = {0};
    char fp[SAT_FINGERPRINT_LEN + 1], keyid[17];

    if (sat_pubkey_load(&pk, path, &err) != 0) {
        fprintf(stderr, "%s: %s\n", prog, err.msg);
        return EXIT_FORGED;
    }
    sat_pubkey_fingerprint(&pk, fp);
    sat_pubkey_keyid(&pk, keyid);
    printf("Key id:      %s\nFingerprint: %s\n", keyid, fp);
    printf("Compare the fingerprint, group by group, with the one the publisher announces.\n");
    return 0;
}

/* ------------------------------------------------------------------------
 * browse (reader/tui*.c)
 * ------------------------------------------------------------------------ */

static int cmd_browse(const char *path, ropts *o)
{
    rmsg_lang lang = rmsg_lang_from_env();

    /* --lang is the interface language here, not a filter as for list */
    if (o->lang != NULL && rmsg_lang_parse(o->lang, &lang) != 0)
        return die_usage("--lang must be ko or en");
    rmsg_set_lang(lang);
    return tui_browse(path, &o->keys);
}

static int is_command(const char *s)
{
    static const char *const cmds[] = {"browse",  "verify",  "info",        "list",
                                       "show",    "search",  "extract",     "salvage",
                                       "export-html", "key-info"};
    size_t i;

    for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (strcmp(s, cmds[i]) == 0)
            return 1;
    return 0;
}

/* ------------------------------------------------------------------------
 * main
 * ------------------------------------------------------------------------ */

static int term_width(void)
{
    struct winsize ws;
    const char *cols = getenv("COLUMNS");

    if (isatty(1) && ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
        return ws.ws_col;
    if (cols != NULL && atoi(cols) >= 20)
        return atoi(cols);
    return 80;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"pub", required_argument, NULL, 'p'},
                                         {"keyring", required_argument, NULL, 'K'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"deep", no_argument, NULL, 'D'},
                                         {"force", no_argument, NULL, 'f'},
                                         {"width", required_argument, NULL, 'w'},
                                         {"kind", required_argument, NULL, 'k'},
                                         {"lang", required_argument, NULL, 'l'},
                                         {"since", required_argument, NULL, 's'},
                                         {"section", required_argument, NULL, 'S'},
                                         {"to", required_argument, NULL, 't'},
                                         {"limit", required_argument, NULL, 'n'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    static ropts o;
    const char *cmd;
    sat_err err = {0};
    struct stat st;
    int c, implicit;

    setlocale(LC_ALL, "");
    if (argc < 2)
        return die_usage("no command given");
    cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("satchel-read %s (bundle format %d)\n", SAT_VERSION, SAT_FORMAT_VERSION);
        return 0;
    }
    if (rk_add_builtin(&o.keys, &err) != 0) {
        fprintf(stderr, "%s: %s\n", prog, err.msg);
        return EXIT_USAGE;
    }
    /* `satchel-read BUNDLE`: the first argument names a file, not a command */
    implicit = !is_command(cmd) && cmd[0] != '-' && stat(cmd, &st) == 0 && S_ISREG(st.st_mode);
    o.width = term_width();
    optind = 2;
    o.limit = 20;
    while ((c = getopt_long(argc, argv, "p:K:jDfw:k:l:s:S:t:n:h", opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            if (rk_add_file(&o.keys, optarg, &err) != 0) {
                fprintf(stderr, "%s: %s\n", prog, err.msg);
                return EXIT_USAGE;
            }
            break;
        case 'K':
            if (rk_add_keyring(&o.keys, optarg, &err) != 0) {
                fprintf(stderr, "%s: %s\n", prog, err.msg);
                return EXIT_USAGE;
            }
            break;
        case 'j':
            o.json = 1;
            break;
        case 'D':
            o.deep = 1;
            break;
        case 'f':
            o.force = 1;
            break;
        case 'w':
            o.width = atoi(optarg);
            o.width_given = 1;
            if (o.width < 20 || o.width > 1000)
                return die_usage("--width must be 20..1000");
            break;
        case 'k':
            o.kind = optarg;
            break;
        case 'l':
            o.lang = optarg;
            break;
        case 's':
            if (!sat_date_valid(optarg, strlen(optarg)))
                return die_usage("--since must be YYYY-MM-DD");
            o.since = optarg;
            break;
        case 'S':
            o.section = optarg;
            break;
        case 't':
            o.to = optarg;
            break;
        case 'n': {
            char *end = NULL;
            o.limit = strtol(optarg, &end, 10);
            if (end == optarg || *end != '\0' || o.limit < 0 || o.limit > 1000000)
                return die_usage("--limit must be 0..1000000 (0: every hit)");
            break;
        }
        case 'h':
            usage(stdout);
            return 0;
        default:
            return die_usage("unknown option");
        }
    }
    if (implicit) {
        if (optind != argc)
            return die_usage("wrong number of arguments");
        if (!isatty(0) || !isatty(1))
            return die_usage("not a terminal: to read a bundle here, use a command "
                             "(list, show, search, extract, export-html)");
        return cmd_browse(cmd, &o);
    }
    if (!is_command(cmd)) {
        fprintf(stderr, "%s: unknown command '%s'\nTry '%s --help'.\n", prog, cmd, prog);
        return EXIT_USAGE;
    }
    if (strcmp(cmd, "key-info") == 0) {
        if (optind + 1 != argc)
            return die_usage("key-info needs one PUBFILE");
        return cmd_key_info(argv[optind]);
    }
    if (optind >= argc)
        return die_usage("no BUNDLE given");
    if (strcmp(cmd, "browse") == 0 && optind + 1 == argc)
        return cmd_browse(argv[optind], &o);
    if (strcmp(cmd, "verify") == 0 && optind + 1 == argc)
        return cmd_verify(argv[optind], &o);
    if (strcmp(cmd, "info") == 0 && optind + 1 == argc)
        return cmd_info(argv[optind], &o);
    if (strcmp(cmd, "list") == 0 && optind + 1 == argc)
        return cmd_list(argv[optind], &o);
    if (strcmp(cmd, "show") == 0 && optind + 2 == argc)
        return cmd_show(argv[optind], argv[optind + 1], &o);
    if (strcmp(cmd, "extract") == 0)
        return cmd_extract(argv[optind], argv + optind + 1, argc - optind - 1, &o);
    if (strcmp(cmd, "salvage") == 0 && optind + 1 == argc)
        return cmd_salvage(argv[optind], &o);
    if (strcmp(cmd, "export-html") == 0 && optind + 1 == argc)
        return cmd_export_html(argv[optind], &o);
    if (strcmp(cmd, "search") == 0) {
        if (optind + 2 > argc)
            return die_usage("search needs BUNDLE and QUERY");
        return cmd_search(argv[optind], argv + optind + 1, argc - optind - 1, &o);
    }
    if (strcmp(cmd, "browse") == 0 || strcmp(cmd, "verify") == 0 || strcmp(cmd, "info") == 0 ||
        strcmp(cmd, "list") == 0 || strcmp(cmd, "show") == 0 || strcmp(cmd, "salvage") == 0 ||
        strcmp(cmd, "export-html") == 0)
        return die_usage("wrong number of arguments");
    fprintf(stderr, "%s: unknown command '%s'\nTry '%s --help'.\n", prog, cmd, prog);
    return EXIT_USAGE;
}
