/*
 * cmd_save.c - the commands that write entries out of a bundle: extract (what the user
 * names, or everything) and salvage (everything that still verifies in a damaged bundle).
 * Every write goes through es_write_entry (entry_save.c): only verified bytes, only beneath
 * the folder the user chose.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "entry_save.h"
#include "sat_text.h"

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
    fprintf(stderr, "%s: %s: ", cli_prog,
            rc == SAT_E_HASH     ? "DAMAGED, not written"
            : rc == SAT_E_FORMAT ? "NOT GENUINE, not written"
                                 : "cannot write");
    cli_put_safe(stderr, e->id);
    fprintf(stderr, ": ");
    cli_put_safe(stderr, err.msg);
    fprintf(stderr, "\n");
    if (rc == SAT_E_IO)
        *io_fail = 1;
    if (rc == SAT_E_EXISTS)
        *refused = 1;
    if (rc == SAT_E_FORMAT)
        cli_forged_seen = 1;
    return -1;
}

/* A lost index page, reported once (not once per entry) by whoever walks the pages. */
typedef void (*lost_page_fn)(void *ctx, const sat_page *pg, const sat_err *err);

/* Every entry of every index page that loads, into all[] (room for every entry); lost
 * pages go to lost(). Signed pages that break the format set cli_forged_seen. */
static uint64_t collect_entries(sat_bundle *b, const sat_mentry **all, lost_page_fn lost, void *ctx)
{
    const sat_manifest *m = sat_bundle_manifest(b);
    uint64_t got = 0, k;
    size_t pi;

    for (pi = 0; pi < m->n_pages; pi++) {
        const sat_page *pg = &m->pages[pi];
        sat_err err = {0};
        if (sat_bundle_entry(b, pg->first, &all[got], &err) != 0) {
            cli_forged_seen |= err.code == SAT_E_FORMAT;
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
    fprintf(stderr, "%s: %s: ", cli_prog, err->code == SAT_E_FORMAT ? "NOT GENUINE" : "DAMAGED");
    cli_put_safe(stderr, err->msg);
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
        fprintf(stderr, "%s: cannot create %s: %s\n", cli_prog, dir, strerror(errno));
        return -1;
    }
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        fprintf(stderr, "%s: cannot open folder %s: %s\n", cli_prog, dir, strerror(errno));
    return fd;
}

int cli_extract(const char *path, char **ids, int nids, cli_opts *o)
{
    sat_bundle *b = NULL;
    int dirfd = -1, rc, bad = 0, io_fail = 0, refused = 0, i;
    uint64_t k;

    if (o->to == NULL)
        return cli_die_usage("extract needs --to DIR");
    if ((rc = cli_open_bundle(path, o, &b)) != 0)
        return rc;
    for (i = 0; i < nids; i++) {
        const sat_mentry *e;
        sat_err err = {0};
        if (sat_bundle_find(b, ids[i], &e, &err) != 0) {
            fprintf(stderr, "%s: ", cli_prog);
            cli_put_safe(stderr, err.msg);
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
            fprintf(stderr, "%s: out of memory\n", cli_prog);
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
    if (cli_forged_seen)
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
    cli_put_safe(stdout, id != NULL ? id : "(bundle)");
    printf(": ");
    cli_put_safe(stdout, msg);
    printf("\n");
}

static void salvage_lost_page(void *ctx, const sat_page *pg, const sat_err *err)
{
    char msg[SAT_ERR_MSG_MAX + 128];

    snprintf(msg, sizeof msg, "%u entries from \"%s\" lost: %s", (unsigned)pg->count, pg->first_id,
             err->msg);
    salv_problem(ctx, NULL, msg);
}

int cli_salvage(const char *path, cli_opts *o)
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
        return cli_die_usage("salvage needs --to DIR");
    if ((rc = cli_open_bundle(path, o, &b)) != 0)
        return rc; /* nothing verifiable: nothing written */
    m = sat_bundle_manifest(b);
    n = sat_bundle_count(b);
    all = calloc((size_t)n + m->n_media + 1, sizeof *all);
    extra = calloc(m->n_media + 1, sizeof *extra);
    have = calloc(m->n_media + 1, 1);
    if (all == NULL || extra == NULL || have == NULL) {
        fprintf(stderr, "%s: out of memory\n", cli_prog);
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
            fprintf(stderr, "%s: ", cli_prog);
            cli_put_safe(stderr, err.msg);
            fprintf(stderr, "\n");
            if (rc == SAT_E_IO)
                io_fail = 1; /* a full disk: stop */
            else
                refused = 1;
        } else {
            salv_problem(&sv, all[k]->id, err.msg);
            cli_forged_seen |= rc == SAT_E_FORMAT;
        }
        cli_progress(NULL, "salvage", k + 1, got);
    }
    fsync(dirfd);
    close(dirfd);
    sv.lost = n > written ? n - written : 0;
    if (sv.json) {
        printf("{\"bundle\": ");
        cli_put_json(stdout, path);
        printf(", \"to\": ");
        cli_put_json(stdout, o->to);
        printf(", \"entries\": %llu, \"salvaged\": %llu, \"lost\": %llu, \"complete\": %s, "
               "\"problems\": [%.*s%s]}\n",
               (unsigned long long)n, (unsigned long long)written, (unsigned long long)sv.lost,
               io_fail ? "false" : "true", (int)sv.problems.len,
               sv.problems.data ? sv.problems.data : "", sv.first ? "" : "\n  ");
    } else {
        printf("Salvaged %llu of %llu entries (%.1f%%) to ", (unsigned long long)written,
               (unsigned long long)n, n ? 100.0 * (double)written / (double)n : 100.0);
        cli_put_safe(stdout, o->to);
        printf("%s\n", io_fail ? "; stopped: cannot write (see above)" : "");
    }
    sat_buf_free(&sv.problems);
    free(all);
    free(extra);
    free(have);
    sat_bundle_close(b);
    if (io_fail || refused)
        return EXIT_IO;
    if (cli_forged_seen)
        return EXIT_FORGED;
    return written == n ? 0 : EXIT_DAMAGED;
}
