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

#include "cli.h"
#include "cmd_volumes.h"
#include "cmd_repair.h"
#include "export_html.h"
#include "msg.h"
#include "reader_keys.h"
#include "render_term.h"
#include "sat_bundle.h"
#include "sat_query.h"
#include "sat_search.h"
#include "sat_text.h"
#include "tui.h"

/* Walking every entry, forget the loaded index pages this often (bounded memory). */
#define PAGE_WALK 8192

static void usage(FILE *f)
{
    const char *p = cli_prog;

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
            "  %s volumes PATH... [KEYS] [--deep] [--json]   (files or folders)\n"
            "  %s repair  BUNDLE -o OUT [--parity FILE] [KEYS] [--force] [--json]\n"
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
            "(default: the locale). Damaged entries are left out and listed on verify.html.\n"
            "\n"
            "volumes verifies every bundle given (folders: their *.satchel files), groups\n"
            "them by collection and names the volumes present, missing and damaged\n"
            "(exit 0 all present and intact, 1 some missing or damaged, 3 one not genuine).\n"
            "\n"
            "repair rebuilds a damaged bundle from its recovery data (BUNDLE.parity, made by\n"
            "satchel-pack build --parity) into OUT, which appears only when it is whole and\n"
            "its signature and every hash check out. Exit 1: damage beyond the recovery data.\n",
            p, p, p, p, p, p, p, p, p, p, p, p, p, p);
}

/* Opens an entry's object in a JSON array (a comma before all but the first) with the
 * fields list and search share: id, kind, date, lang, section, title. */
static void put_entry_json(const sat_mentry *e, int first)
{
    printf("%s\n  {\"id\": ", first ? "" : ",");
    cli_put_json(stdout, e->id);
    printf(", \"kind\": \"%s\", \"date\": ", sat_kind_name(e->kind));
    cli_put_json(stdout, e->date);
    printf(", \"lang\": ");
    cli_put_json(stdout, e->lang);
    printf(", \"section\": ");
    cli_put_json(stdout, e->section);
    printf(", \"title\": ");
    cli_put_json(stdout, e->title);
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
        cli_put_json(stdout, e ? e->id : NULL);
        printf(", \"problem\": ");
        cli_put_json(stdout, msg);
        printf("}");
        v->first = 0;
        return;
    }
    printf("DAMAGED ");
    cli_put_safe(stdout, e ? e->id : "(bundle)");
    printf(": ");
    cli_put_safe(stdout, msg);
    printf("\n");
}

static void signer_line(const sat_bundle *b, char fp[SAT_FINGERPRINT_LEN + 1], char keyid[17])
{
    sat_pubkey_fingerprint(sat_bundle_signer(b), fp);
    sat_pubkey_keyid(sat_bundle_signer(b), keyid);
}

static int cmd_verify(const char *path, cli_opts *o)
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
            cli_put_json(stdout, path);
            printf(", \"signature\": \"bad\", \"ok\": false, \"error\": ");
            cli_put_json(stdout, err.msg);
            printf("}\n");
            return cli_exit_for(rc);
        }
    } else if ((rc = cli_open_bundle(path, o, &b)) != 0) {
        return rc;
    }
    signer_line(b, fp, keyid);
    if (!o->json)
        printf("Signature: good, by key %s (fingerprint %s)\n", keyid, fp);
    else {
        printf("{\"bundle\": ");
        cli_put_json(stdout, path);
        printf(", \"signature\": \"good\", \"key_id\": \"%s\", \"fingerprint\": \"%s\", "
               "\"damaged\": [",
               keyid, fp);
    }
    rc = sat_bundle_verify(b, o->deep, on_problem, &v, &nbad, cli_progress, NULL, &err);
    if (rc != 0 && rc != SAT_E_FORMAT) {
        if (o->json)
            printf("]}\n");
        fprintf(stderr, "%s: %s\n", cli_prog, err.msg);
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

static int cmd_info(const char *path, cli_opts *o)
{
    sat_bundle *b = NULL;
    const sat_manifest *m;
    char fp[SAT_FINGERPRINT_LEN + 1], keyid[17], id[2 * SAT_BUNDLE_ID_BYTES + 1], vol[96];
    size_t counts[SAT_KIND_COUNT] = {0}, i, damaged_index = 0;
    long long created = 0, age;
    int rc;

    if ((rc = cli_open_bundle(path, o, &b)) != 0)
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
        cli_put_json(stdout, path);
        printf(", \"format\": %d, \"id\": \"%s\", \"title\": ", m->version, id);
        cli_put_json(stdout, m->head.title);
        printf(", \"publisher\": ");
        cli_put_json(stdout, m->head.publisher);
        printf(", \"created\": \"%s\", \"age_days\": %lld, \"seq\": %llu, \"key_id\": \"%s\", "
               "\"fingerprint\": \"%s\", \"entries\": %zu, \"articles\": %zu, \"transcripts\": "
               "%zu, \"images\": %zu, \"audio\": %zu, \"clusters\": %zu, \"dictionary\": %s, "
               "\"size\": %llu, ",
               m->head.created, age, (unsigned long long)m->head.seq, keyid, fp,
               (size_t)m->n_entries, counts[SAT_KIND_ARTICLE], counts[SAT_KIND_TRANSCRIPT],
               counts[SAT_KIND_IMAGE], counts[SAT_KIND_AUDIO], m->n_clusters,
               m->head.has_dict ? "true" : "false", (unsigned long long)sat_bundle_file_size(b));
        vol_put_json(stdout, &m->head.collection);
        printf("}\n");
    } else {
        printf("Title:       ");
        cli_put_safe(stdout, m->head.title);
        printf("\nPublisher:   ");
        cli_put_safe(stdout, m->head.publisher ? m->head.publisher : "-");
        printf("\nCreated:     %s (%lld days ago)\nSequence:    %llu\nBundle id:   %s\n%s"
               "Signed by:   key %s\nFingerprint: %s\nEntries:     %zu (%zu articles, %zu "
               "transcripts, %zu images, %zu audio)\nStorage:     %zu clusters%s, %llu bytes, "
               "format %d\n",
               m->head.created, age, (unsigned long long)m->head.seq, id,
               vol_line(&m->head.collection, vol, sizeof vol), keyid, fp,
               (size_t)m->n_entries, counts[SAT_KIND_ARTICLE], counts[SAT_KIND_TRANSCRIPT],
               counts[SAT_KIND_IMAGE], counts[SAT_KIND_AUDIO], m->n_clusters,
               m->head.has_dict ? " with a trained dictionary" : "",
               (unsigned long long)sat_bundle_file_size(b), m->version);
    }
    if (damaged_index > 0)
        fprintf(stderr, "%s: %zu entries are in damaged index pages (run verify)\n", cli_prog,
                damaged_index);
    if (sat_bundle_head_problem(b) != NULL) {
        fprintf(stderr, "%s: ", cli_prog);
        cli_put_safe(stderr, sat_bundle_head_problem(b));
        fprintf(stderr, " (run verify)\n");
    }
    sat_bundle_close(b);
    return damaged_index ? EXIT_DAMAGED : 0;
}

static int matches(const sat_mentry *e, const cli_opts *o)
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

static int cmd_search(const char *path, char **words, int nwords, cli_opts *o)
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
            return cli_die_usage("out of memory");
        }
    if (sat_query_parse(qtext.data ? qtext.data : "", qtext.len, &q, &err) != 0) {
        fprintf(stderr, "%s: search: ", cli_prog);
        cli_put_safe(stderr, err.msg);
        fputc('\n', stderr);
        sat_buf_free(&qtext);
        return EXIT_USAGE;
    }
    if ((rc = cli_open_bundle(path, o, &b)) != 0)
        goto out;
    if ((rc = sat_search_open(b, &s, &err)) != 0 ||
        (rc = sat_search_run(s, q, (size_t)o->limit, &r, &err)) != 0) {
        fprintf(stderr, "%s: %s", cli_prog,
                rc == SAT_E_FORMAT ? "NOT GENUINE: " : rc == SAT_E_HASH ? "DAMAGED: " : "");
        cli_put_safe(stderr, err.msg);
        fputc('\n', stderr);
        cli_forged_seen |= rc == SAT_E_FORMAT;
        rc = rc == SAT_E_NOTFOUND ? EXIT_DAMAGED : cli_exit_for(rc);
        goto out;
    }
    if (!isatty(1) && !o->width_given)
        o->width = RT_WIDTH_MAX;
    if (o->json) {
        printf("{\"query\": ");
        cli_put_json(stdout, qtext.data);
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
            fprintf(stderr, "%s: %s\n", cli_prog, err.msg);
            rc = cli_exit_for(rc);
            goto out;
        }
        if (o->json) {
            size_t m;
            put_entry_json(e, k == 0);
            printf(", \"score\": %.4f, \"snippet\": ", r->hits[k].score);
            cli_put_json(stdout, sn.text);
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
        fprintf(stderr, "%s: %zu matching entr%s DAMAGED and left out (run verify)\n", cli_prog,
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

static int cmd_list(const char *path, cli_opts *o)
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
            return cli_die_usage("--kind must be article, transcript, image or audio");
    }
    if ((rc = cli_open_bundle(path, o, &b)) != 0)
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
                fprintf(stderr, "%s: %s: ", cli_prog,
                        err.code == SAT_E_FORMAT ? "NOT GENUINE" : "DAMAGED");
                cli_put_safe(stderr, err.msg);
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
            cli_put_json(stdout, e->author);
            printf(", \"source\": ");
            cli_put_json(stdout, e->source);
            printf(", \"tags\": ");
            cli_put_json(stdout, e->tags);
            printf(", \"parent\": ");
            cli_put_json(stdout, e->parent);
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

static int cmd_show(const char *path, const char *id, cli_opts *o)
{
    sat_bundle *b = NULL;
    const sat_mentry *e;
    sat_err err = {0};
    sat_buf out = {0};
    char *body = NULL;
    size_t len = 0;
    int rc;

    if ((rc = cli_open_bundle(path, o, &b)) != 0)
        return rc;
    if ((rc = sat_bundle_find(b, id, &e, &err)) != 0) {
        fprintf(stderr, "%s: ", cli_prog);
        cli_put_safe(stderr, err.msg);
        fprintf(stderr, rc == SAT_E_NOTFOUND ? " (see '%s list')\n" : "\n", cli_prog);
        sat_bundle_close(b);
        return rc == SAT_E_FORMAT || rc == SAT_E_LIMIT ? EXIT_FORGED : EXIT_DAMAGED;
    }
    /* media are not displayed, but never called intact unchecked */
    if (sat_kind_is_text(e->kind))
        rc = sat_bundle_read(b, e, &body, &len, &err);
    else
        rc = sat_bundle_check(b, e, &err);
    if (rc != 0) {
        fprintf(stderr, "%s: %s: ", cli_prog, rc == SAT_E_FORMAT ? "NOT GENUINE" : "DAMAGED");
        cli_put_safe(stderr, err.msg);
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
                       sat_kind_name(e->kind), (unsigned long long)e->size, cli_prog, e->id);
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
 * export-html (reader/export_html.c)
 * ------------------------------------------------------------------------ */

static int cmd_export_html(const char *path, cli_opts *o)
{
    eh_opts eo = {o->keys.keys, o->keys.n, o->to, o->force, rmsg_lang_from_env()};

    if (o->to == NULL)
        return cli_die_usage("export-html needs --to DIR");
    /* --lang is the interface language here (for list/search it filters entries) */
    if (o->lang != NULL && rmsg_lang_parse(o->lang, &eo.lang) != 0)
        return cli_die_usage("--lang must be ko or en");
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
        fprintf(stderr, "%s: %s\n", cli_prog, err.msg);
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

static int cmd_browse(const char *path, cli_opts *o)
{
    rmsg_lang lang = rmsg_lang_from_env();

    /* --lang is the interface language here, not a filter as for list */
    if (o->lang != NULL && rmsg_lang_parse(o->lang, &lang) != 0)
        return cli_die_usage("--lang must be ko or en");
    rmsg_set_lang(lang);
    return tui_browse(path, &o->keys);
}

static int is_command(const char *s)
{
    static const char *const cmds[] = {"browse",  "verify",  "info",        "list",
                                       "show",    "search",  "extract",     "salvage",
                                       "export-html", "key-info", "volumes", "repair"};
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
                                         {"parity", required_argument, NULL, 'P'},
                                         {"output", required_argument, NULL, 'o'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    static cli_opts o;
    const char *cmd;
    sat_err err = {0};
    struct stat st;
    int c, implicit;

    setlocale(LC_ALL, "");
    if (argc < 2)
        return cli_die_usage("no command given");
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
        fprintf(stderr, "%s: %s\n", cli_prog, err.msg);
        return EXIT_USAGE;
    }
    /* `satchel-read BUNDLE`: the first argument names a file, not a command */
    implicit = !is_command(cmd) && cmd[0] != '-' && stat(cmd, &st) == 0 && S_ISREG(st.st_mode);
    o.width = term_width();
    optind = 2;
    o.limit = 20;
    while ((c = getopt_long(argc, argv, "p:K:jDfw:k:l:s:S:t:n:P:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            if (rk_add_file(&o.keys, optarg, &err) != 0) {
                fprintf(stderr, "%s: %s\n", cli_prog, err.msg);
                return EXIT_USAGE;
            }
            break;
        case 'K':
            if (rk_add_keyring(&o.keys, optarg, &err) != 0) {
                fprintf(stderr, "%s: %s\n", cli_prog, err.msg);
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
                return cli_die_usage("--width must be 20..1000");
            break;
        case 'k':
            o.kind = optarg;
            break;
        case 'l':
            o.lang = optarg;
            break;
        case 's':
            if (!sat_date_valid(optarg, strlen(optarg)))
                return cli_die_usage("--since must be YYYY-MM-DD");
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
                return cli_die_usage("--limit must be 0..1000000 (0: every hit)");
            break;
        }
        case 'P':
            o.parity = optarg;
            break;
        case 'o':
            o.out = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            return cli_die_usage("unknown option");
        }
    }
    if (implicit) {
        if (optind != argc)
            return cli_die_usage("wrong number of arguments");
        if (!isatty(0) || !isatty(1))
            return cli_die_usage("not a terminal: to read a bundle here, use a command "
                             "(list, show, search, extract, export-html)");
        return cmd_browse(cmd, &o);
    }
    if (!is_command(cmd)) {
        fprintf(stderr, "%s: unknown command '%s'\nTry '%s --help'.\n", cli_prog, cmd, cli_prog);
        return EXIT_USAGE;
    }
    if (strcmp(cmd, "key-info") == 0) {
        if (optind + 1 != argc)
            return cli_die_usage("key-info needs one PUBFILE");
        return cmd_key_info(argv[optind]);
    }
    if (optind >= argc)
        return cli_die_usage("no BUNDLE given");
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
    if (strcmp(cmd, "volumes") == 0)
        return cli_volumes(argv + optind, argc - optind, &o);
    if (strcmp(cmd, "extract") == 0)
        return cli_extract(argv[optind], argv + optind + 1, argc - optind - 1, &o);
    if (strcmp(cmd, "salvage") == 0 && optind + 1 == argc)
        return cli_salvage(argv[optind], &o);
    if (strcmp(cmd, "export-html") == 0 && optind + 1 == argc)
        return cmd_export_html(argv[optind], &o);
    if (strcmp(cmd, "repair") == 0 && optind + 1 == argc)
        return cli_repair(argv[optind], &o);
    if (strcmp(cmd, "search") == 0) {
        if (optind + 2 > argc)
            return cli_die_usage("search needs BUNDLE and QUERY");
        return cmd_search(argv[optind], argv + optind + 1, argc - optind - 1, &o);
    }
    if (strcmp(cmd, "browse") == 0 || strcmp(cmd, "verify") == 0 || strcmp(cmd, "info") == 0 ||
        strcmp(cmd, "list") == 0 || strcmp(cmd, "show") == 0 || strcmp(cmd, "salvage") == 0 ||
        strcmp(cmd, "export-html") == 0 || strcmp(cmd, "repair") == 0)
        return cli_die_usage("wrong number of arguments");
    fprintf(stderr, "%s: unknown command '%s'\nTry '%s --help'.\n", cli_prog, cmd, cli_prog);
    return EXIT_USAGE;
}
