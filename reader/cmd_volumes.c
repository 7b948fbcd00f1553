/*
 * cmd_volumes.c - `satchel-read volumes PATH...` and the volume line of info (SPEC 4.3).
 *
 * Every bundle is opened and verified like `verify` does (signature, then every stored
 * byte); only then is its collection line believed. Bundles are grouped by collection id
 * (derived from the signer and the header, checked again at opening), and each group is
 * compared with its volume count: present and intact, damaged, missing.
 */
#include "cmd_volumes.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sat_manifest.h"

/* Most bundle files one call looks at (folders included). */
#define VOL_FILES_MAX 100000u

typedef enum { VS_OK, VS_DAMAGED, VS_FORGED } vol_status;

typedef struct vol_file {
    char *path;
    vol_status status;
    char *msg;   /* why it failed (library message, untrusted parts sanitised at print) */
    int opened;  /* the signature verified: what follows is known */
    sat_collection coll;
    uint8_t bundle_id[SAT_BUNDLE_ID_BYTES];
    char *title;
    char created[21];
    size_t n_bad;
} vol_file;

typedef struct vol_list {
    vol_file *v;
    size_t n, cap;
} vol_list;

/* ------------------------------------------------------------------------
 * The info line
 * ------------------------------------------------------------------------ */

const char *vol_line(const sat_collection *c, char *buf, size_t size)
{
    char hex[2 * SAT_COLLECTION_ID_BYTES + 1];

    if (size == 0)
        return "";
    buf[0] = '\0';
    if (!c->present)
        return buf;
    sat_hex(c->id, SAT_COLLECTION_ID_BYTES, hex);
    snprintf(buf, size, "Volume:      %u of %u, collection %s\n", (unsigned)c->volume,
             (unsigned)c->volumes, hex);
    return buf;
}

void vol_put_json(FILE *f, const sat_collection *c)
{
    char hex[2 * SAT_COLLECTION_ID_BYTES + 1];

    if (!c->present) {
        fputs("\"collection\": null, \"volume\": null, \"volumes\": null", f);
        return;
    }
    sat_hex(c->id, SAT_COLLECTION_ID_BYTES, hex);
    fprintf(f, "\"collection\": \"%s\", \"volume\": %u, \"volumes\": %u", hex,
            (unsigned)c->volume, (unsigned)c->volumes);
}

/* ------------------------------------------------------------------------
 * Finding the files
 * ------------------------------------------------------------------------ */

static int list_add(vol_list *l, const char *path)
{
    vol_file *nv;

    if (l->n >= VOL_FILES_MAX) {
        fprintf(stderr, "%s: more than %u bundle files; the rest are left out\n", cli_prog,
                VOL_FILES_MAX);
        return -1;
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        nv = realloc(l->v, cap * sizeof *nv);
        if (nv == NULL)
            return -1;
        l->v = nv;
        l->cap = cap;
    }
    memset(&l->v[l->n], 0, sizeof l->v[l->n]);
    l->v[l->n].path = strdup(path);
    if (l->v[l->n].path == NULL)
        return -1;
    l->n++;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), k = strlen(suf);

    return n > k && strcmp(s + n - k, suf) == 0;
}

/* The regular files named *.satchel directly inside dir, in name order. */
static int add_folder(vol_list *l, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **names = NULL, **nn;
    size_t n = 0, cap = 0, i;
    int rc = 0;

    if (d == NULL) {
        fprintf(stderr, "%s: cannot read the folder ", cli_prog);
        cli_put_safe(stderr, dir);
        fprintf(stderr, ": %s\n", strerror(errno));
        return -1;
    }
    while ((de = readdir(d)) != NULL && rc == 0) {
        if (de->d_name[0] == '.' || !has_suffix(de->d_name, ".satchel"))
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            nn = realloc(names, cap * sizeof *nn);
            if (nn == NULL) {
                rc = -1;
                break;
            }
            names = nn;
        }
        if (n >= VOL_FILES_MAX || (names[n] = strdup(de->d_name)) == NULL)
            rc = -1;
        else
            n++;
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof *names, cmp_str);
    for (i = 0; i < n; i++) {
        char *p = NULL;
        struct stat st;
        if (rc == 0 && asprintf(&p, "%s/%s", dir, names[i]) < 0) {
            rc = -1;
            p = NULL;
        }
        if (rc == 0 && stat(p, &st) == 0 && S_ISREG(st.st_mode) && list_add(l, p) != 0)
            rc = -1;
        free(p);
        free(names[i]);
    }
    free(names);
    return rc;
}

/* ------------------------------------------------------------------------
 * Checking one bundle
 * ------------------------------------------------------------------------ */

typedef struct vol_problems {
    size_t n;
    char first[256];
} vol_problems;

static void on_problem(void *ctx, const sat_mentry *e, const char *msg)
{
    vol_problems *p = ctx;

    if (p->n++ == 0)
        snprintf(p->first, sizeof p->first, "%s", msg);
    (void)e;
}

static void check_one(vol_file *f, cli_opts *o)
{
    sat_bundle *b = NULL;
    sat_err err = {0};
    vol_problems pr = {0, ""};
    size_t nbad = 0;
    int rc;

    rc = sat_bundle_open(f->path, o->keys.keys, o->keys.n, &b, &err);
    if (rc != 0) {
        f->status = cli_exit_for(rc) == EXIT_FORGED ? VS_FORGED : VS_DAMAGED;
        f->msg = strdup(err.msg);
        return;
    }
    f->opened = 1;
    {
        const sat_manifest *m = sat_bundle_manifest(b);
        f->coll = m->head.collection;
        memcpy(f->bundle_id, m->head.bundle_id, SAT_BUNDLE_ID_BYTES);
        memcpy(f->created, m->head.created, sizeof f->created);
        f->title = strdup(m->head.title != NULL ? m->head.title : "-");
    }
    rc = sat_bundle_verify(b, o->deep, on_problem, &pr, &nbad, cli_progress, NULL, &err);
    if (rc == SAT_E_FORMAT) {
        f->status = VS_FORGED;
        f->msg = strdup(err.msg);
    } else if (rc != 0) {
        f->status = VS_DAMAGED;
        f->msg = strdup(err.msg);
    } else if (nbad > 0 || pr.n > 0) {
        f->status = VS_DAMAGED;
        f->n_bad = nbad;
        f->msg = strdup(pr.first);
    }
    sat_bundle_close(b);
}

/* ------------------------------------------------------------------------
 * Grouping and the report
 * ------------------------------------------------------------------------ */

static const char *status_word(vol_status s)
{
    return s == VS_OK ? "ok" : s == VS_DAMAGED ? "damaged" : "not genuine";
}

/* Order: opened collection volumes by collection id then volume number, then single
 * bundles, then the files that did not open; by path within each. */
static int cmp_file(const void *a, const void *b)
{
    const vol_file *x = a, *y = b;
    int kx = !x->opened ? 2 : x->coll.present ? 0 : 1;
    int ky = !y->opened ? 2 : y->coll.present ? 0 : 1;
    int c;

    if (kx != ky)
        return kx - ky;
    if (kx == 0) {
        c = memcmp(x->coll.id, y->coll.id, SAT_COLLECTION_ID_BYTES);
        if (c != 0)
            return c;
        if (x->coll.volume != y->coll.volume)
            return x->coll.volume < y->coll.volume ? -1 : 1;
    }
    return strcmp(x->path, y->path);
}

static int same_collection(const vol_file *a, const vol_file *b)
{
    return a->opened && b->opened && a->coll.present && b->coll.present &&
           memcmp(a->coll.id, b->coll.id, SAT_COLLECTION_ID_BYTES) == 0;
}

/* Prints the numbers i in 1..m with have[i] == want, comma-separated (JSON or text). */
static size_t put_numbers(const unsigned char *have, unsigned m, unsigned char want, int json)
{
    size_t k = 0;
    unsigned i;

    for (i = 1; i <= m; i++)
        if (have[i] == want)
            printf("%s%u", k++ ? (json ? ", " : ", ") : "", i);
    if (k == 0 && !json)
        printf("none");
    return k;
}

/* Reports the collection of files v[0..n) (sorted by volume); returns its exit status. */
static int report_collection(const vol_file *v, size_t n, int json, int first)
{
    /* have[i]: 0 missing, 1 present and intact, 2 damaged (or conflicting copies) */
    unsigned char have[SAT_VOLUMES_MAX + 1];
    char hex[2 * SAT_COLLECTION_ID_BYTES + 1];
    unsigned m = 0;
    size_t i, j, missing = 0, damaged = 0;

    memset(have, 0, sizeof have);
    for (i = 0; i < n; i++)
        if (v[i].coll.volumes > m)
            m = v[i].coll.volumes;
    /* the copies of one number (together: sorted by number): one intact copy is enough,
     * unless they are different bundles (or say different counts): a conflict */
    for (i = 0; i < n; i = j) {
        unsigned k = v[i].coll.volume;
        int intact = 0, conflict = 0;
        for (j = i; j < n && v[j].coll.volume == k; j++) {
            intact |= v[j].status == VS_OK;
            conflict |= v[j].coll.volumes != m ||
                        memcmp(v[i].bundle_id, v[j].bundle_id, SAT_BUNDLE_ID_BYTES) != 0;
        }
        have[k] = intact && !conflict ? 1 : 2;
    }
    for (i = 1; i <= m; i++) {
        missing += have[i] == 0;
        damaged += have[i] == 2;
    }
    sat_hex(v[0].coll.id, SAT_COLLECTION_ID_BYTES, hex);
    if (json) {
        printf("%s\n    {\"collection\": \"%s\", \"title\": ", first ? "" : ",", hex);
        cli_put_json(stdout, v[0].title);
        printf(", \"created\": \"%s\", \"volumes\": %u, \"present\": [", v[0].created, m);
        put_numbers(have, m, 1, 1);
        printf("], \"missing\": [");
        put_numbers(have, m, 0, 1);
        printf("], \"damaged\": [");
        put_numbers(have, m, 2, 1);
        printf("], \"files\": [");
        for (i = 0; i < n; i++) {
            printf("%s{\"volume\": %u, \"path\": ", i ? ", " : "", (unsigned)v[i].coll.volume);
            cli_put_json(stdout, v[i].path);
            printf(", \"status\": \"%s\"}", status_word(v[i].status));
        }
        printf("], \"complete\": %s}", missing == 0 && damaged == 0 ? "true" : "false");
    } else {
        printf("Collection %s: ", hex);
        cli_put_safe(stdout, v[0].title);
        printf(" (created %s), %u volume%s\n", v[0].created, m, m == 1 ? "" : "s");
        for (i = 0; i < n; i++) {
            printf("  volume %u of %u: ", (unsigned)v[i].coll.volume,
                   (unsigned)v[i].coll.volumes);
            cli_put_safe(stdout, v[i].path);
            printf("  %s", v[i].status == VS_OK ? "intact" : "DAMAGED");
            if (v[i].n_bad)
                printf(" (%zu entries)", v[i].n_bad);
            if (i > 0 && v[i - 1].coll.volume == v[i].coll.volume)
                printf(memcmp(v[i - 1].bundle_id, v[i].bundle_id, SAT_BUNDLE_ID_BYTES) == 0
                           ? " (a second copy)"
                           : " (CONFLICT: another bundle with the same number)");
            if (v[i].coll.volumes != m)
                printf(" (CONFLICT: says %u volumes)", (unsigned)v[i].coll.volumes);
            putchar('\n');
        }
        printf("  present and intact: ");
        put_numbers(have, m, 1, 0);
        printf("\n  missing: ");
        put_numbers(have, m, 0, 0);
        printf("\n  damaged: ");
        put_numbers(have, m, 2, 0);
        printf("\n  %s\n", missing == 0 && damaged == 0 ? "All volumes present and intact."
                                                        : "INCOMPLETE.");
    }
    return missing == 0 && damaged == 0 ? 0 : EXIT_DAMAGED;
}

static void report_other(const vol_file *f, int json, int *first)
{
    if (json) {
        printf("%s\n    {\"path\": ", *first ? "" : ",");
        cli_put_json(stdout, f->path);
        printf(", \"status\": \"%s\"", status_word(f->status));
        if (f->opened) {
            printf(", \"title\": ");
            cli_put_json(stdout, f->title);
        }
        printf(", \"message\": ");
        cli_put_json(stdout, f->msg);
        putchar('}');
    } else {
        cli_put_safe(stdout, f->path);
        if (f->opened) {
            printf(": a single bundle (not a volume), ");
            cli_put_safe(stdout, f->title);
            printf(", %s", f->status == VS_OK ? "intact" : "DAMAGED");
        } else {
            printf(": %s", f->status == VS_FORGED ? "NOT GENUINE" : "NOT VERIFIED");
        }
        if (f->msg != NULL) {
            printf(": ");
            cli_put_safe(stdout, f->msg);
        }
        putchar('\n');
    }
    *first = 0;
}

int cli_volumes(char **paths, int n, cli_opts *o)
{
    vol_list l = {NULL, 0, 0};
    size_t i, j;
    int rc = 0, r, first = 1, forged = 0;
    struct stat st;

    for (i = 0; i < (size_t)n; i++) {
        if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode))
            r = add_folder(&l, paths[i]);
        else
            r = list_add(&l, paths[i]);
        if (r != 0)
            rc = EXIT_DAMAGED;
    }
    for (i = 0; i < l.n; i++) {
        if (isatty(2)) {
            fprintf(stderr, "%s: checking %zu of %zu: ", cli_prog, i + 1, l.n);
            cli_put_safe(stderr, l.v[i].path);
            fputc('\n', stderr);
        }
        check_one(&l.v[i], o);
        forged |= l.v[i].status == VS_FORGED;
    }
    if (l.n > 1)
        qsort(l.v, l.n, sizeof *l.v, cmp_file);
    if (o->json)
        printf("{\"collections\": [");
    for (i = 0; i < l.n && l.v[i].opened && l.v[i].coll.present; i = j) {
        for (j = i + 1; j < l.n && same_collection(&l.v[i], &l.v[j]); j++)
            ;
        r = report_collection(&l.v[i], j - i, o->json, i == 0);
        if (r > rc)
            rc = r;
    }
    if (o->json)
        printf("%s], \"others\": [", i > 0 ? "\n  " : "");
    else if (l.n == 0)
        printf("No bundle found.\n");
    first = 1;
    for (; i < l.n; i++) {
        report_other(&l.v[i], o->json, &first);
        if (l.v[i].status != VS_OK && rc < EXIT_DAMAGED)
            rc = EXIT_DAMAGED;
    }
    if (forged)
        rc = EXIT_FORGED;
    if (l.n == 0 && rc == 0)
        rc = EXIT_DAMAGED;
    if (o->json)
        printf("%s], \"ok\": %s}\n", first ? "" : "\n  ", rc == 0 ? "true" : "false");
    for (i = 0; i < l.n; i++) {
        free(l.v[i].path);
        free(l.v[i].msg);
        free(l.v[i].title);
    }
    free(l.v);
    return rc;
}
