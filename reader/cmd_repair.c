/*
 * cmd_repair.c - satchel-read repair (cmd_repair.h).
 *
 * The parity file is as untrusted as the bundle: the library rebuilds the bad sectors and
 * checks the whole result against the hash the parity file carries, and then this command
 * opens the result as a bundle and checks it deeply (signature against the trusted keys,
 * every stored byte, every text entry's content) before renaming it to OUT. A result that
 * is not whole and genuine never appears under OUT.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cmd_repair.h"
#include "sat_file.h"
#include "sat_parity.h"

typedef struct rp_out {
    const char *bundle, *parity, *out;
    int json;
    sat_parity_info info;
    sat_parity_report rep;
    int have_info, have_rep;
    char fp[SAT_FINGERPRINT_LEN + 1];
    const char *verdict; /* "repaired", "unrepairable", "not genuine", "error" */
    const char *error;   /* message, or NULL */
} rp_out;

/* The result: one JSON object on stdout with --json; otherwise a summary on stdout and the
 * error on stderr. */
static void rp_print(const rp_out *r)
{
    const sat_parity_report *p = &r->rep;

    if (r->json) {
        printf("{\"bundle\": ");
        cli_put_json(stdout, r->bundle);
        printf(", \"parity\": ");
        cli_put_json(stdout, r->parity);
        printf(", \"out\": ");
        cli_put_json(stdout, r->out);
        if (r->have_info)
            printf(", \"size\": %llu, \"percent\": %u, \"sectors\": %llu, "
                   "\"parity_sectors\": %llu",
                   (unsigned long long)r->info.size, r->info.percent,
                   (unsigned long long)r->info.data_sectors,
                   (unsigned long long)r->info.parity_sectors);
        if (r->have_rep)
            printf(", \"damaged_sectors\": %llu, \"damaged_parity_sectors\": %llu, "
                   "\"rebuilt_sectors\": %llu, \"stripes_lost\": %u",
                   (unsigned long long)p->data_bad, (unsigned long long)p->parity_bad,
                   (unsigned long long)p->rebuilt, p->stripes_lost);
        printf(", \"result\": \"%s\", \"ok\": %s", r->verdict,
               strcmp(r->verdict, "repaired") == 0 ? "true" : "false");
        if (r->fp[0])
            printf(", \"fingerprint\": \"%s\"", r->fp);
        printf(", \"error\": ");
        cli_put_json(stdout, r->error);
        printf("}\n");
        return;
    }
    if (r->have_rep)
        printf("Checked %llu sectors of %s: %llu damaged or missing (%.2f%%); %llu of %llu "
               "parity sectors damaged; %llu rebuilt.\n",
               (unsigned long long)r->info.data_sectors, r->bundle,
               (unsigned long long)p->data_bad,
               100.0 * (double)p->data_bad / (double)r->info.data_sectors,
               (unsigned long long)p->parity_bad, (unsigned long long)r->info.parity_sectors,
               (unsigned long long)p->rebuilt);
    if (r->error != NULL) {
        fprintf(stderr, "%s: ", cli_prog);
        cli_put_safe(stderr, r->error);
        fputc('\n', stderr);
    }
    if (strcmp(r->verdict, "repaired") == 0)
        printf("Repaired: %s is whole and genuine (signed by key %s; every hash checked).\n",
               r->out, r->fp);
    else
        printf("NOT repaired (%s): nothing written to %s.\n", r->verdict, r->out);
}

/* Moves tmp to out: over an existing file only with force, atomically either way. */
static int rp_install(const char *tmp, const char *out, int force)
{
    if (force)
        return rename(tmp, out);
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, out, RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS)
        return -1;
    if (link(tmp, out) != 0)
        return -1;
    unlink(tmp);
    return 0;
}

/* Counts every problem verify reports, tied to an entry or not (a damaged head copy). */
static void rp_problem(void *ctx, const sat_mentry *e, const char *msg)
{
    (void)e;
    (void)msg;
    (*(size_t *)ctx)++;
}

/* Opens the repaired file as a bundle and checks everything. Returns 0 or the exit
 * status; the reason goes to r->error. */
static int rp_verify(const char *tmp, cli_opts *o, rp_out *r, sat_err *err)
{
    sat_bundle *b = NULL;
    size_t nbad = 0, problems = 0;
    int rc = sat_bundle_open(tmp, o->keys.keys, o->keys.n, &b, err);

    if (rc != 0) {
        r->verdict = "not genuine";
        r->error = err->msg;
        return cli_exit_for(rc);
    }
    sat_pubkey_fingerprint(sat_bundle_signer(b), r->fp);
    rc = sat_bundle_verify(b, 1, rp_problem, &problems, &nbad, cli_progress, NULL, err);
    sat_bundle_close(b);
    if (rc == SAT_E_FORMAT) {
        r->verdict = "not genuine";
        r->error = err->msg;
        return EXIT_FORGED;
    }
    if (rc != 0 || nbad > 0 || problems > 0) {
        r->verdict = "unrepairable";
        r->error = rc != 0 ? err->msg
                           : "the rebuilt bundle still has damaged entries: the recovery data "
                             "was made from a damaged bundle";
        return EXIT_DAMAGED;
    }
    return 0;
}

int cli_repair(const char *path, cli_opts *o)
{
    char ppath[PATH_MAX], tmp[PATH_MAX];
    rp_out r;
    sat_parity *p = NULL;
    sat_err err = {0}, verr = {0};
    struct stat sb, so;
    int fd = -1, made = 0, rc = EXIT_DAMAGED, n;

    memset(&r, 0, sizeof r);
    r.bundle = path;
    r.out = o->out;
    r.json = o->json;
    r.verdict = "error";
    if (o->out == NULL)
        return cli_die_usage("repair needs -o OUT (the repaired copy; BUNDLE is never changed)");
    n = o->parity != NULL ? snprintf(ppath, sizeof ppath, "%s", o->parity)
                          : snprintf(ppath, sizeof ppath, "%s%s", path, SAT_PARITY_SUFFIX);
    if (n < 0 || (size_t)n >= sizeof ppath ||
        snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", o->out) >= (int)sizeof tmp)
        return cli_die_usage("path too long");
    r.parity = ppath;
    if (stat(path, &sb) == 0 && stat(o->out, &so) == 0 && sb.st_dev == so.st_dev &&
        sb.st_ino == so.st_ino)
        return cli_die_usage("OUT must not be BUNDLE: repair writes a new copy");
    if (!o->force && access(o->out, F_OK) == 0) {
        r.error = "OUT exists already; use --force to replace it";
        rc = EXIT_IO;
        goto done;
    }
    rc = sat_parity_open(ppath, &p, &err);
    if (rc != 0) {
        r.error = err.msg;
        r.verdict = "unrepairable";
        rc = rc == SAT_E_IO ? EXIT_IO : EXIT_DAMAGED;
        goto done;
    }
    sat_parity_get_info(p, &r.info);
    r.have_info = 1;
    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        snprintf(verr.msg, sizeof verr.msg, "%.300s: cannot create a file beside it: %s", o->out,
                 strerror(errno));
        r.error = verr.msg;
        rc = EXIT_IO;
        goto done;
    }
    made = 1;
    sat_remove_on_signal(tmp); /* Ctrl-C leaves no half-repaired copy beside OUT */
    rc = sat_parity_repair(p, path, fd, &r.rep, cli_progress, NULL, &err);
    r.have_rep = rc != SAT_E_IO; /* an I/O error (BUNDLE unreadable) comes before the scan */
    if (rc != 0) {
        r.error = err.msg;
        r.verdict = rc == SAT_E_IO ? "error" : "unrepairable";
        rc = rc == SAT_E_IO ? EXIT_IO : EXIT_DAMAGED;
        goto done;
    }
    if (fchmod(fd, 0644) != 0 || close(fd) != 0) {
        fd = -1;
        snprintf(verr.msg, sizeof verr.msg, "%.300s: %s", tmp, strerror(errno));
        r.error = verr.msg;
        rc = EXIT_IO;
        goto done;
    }
    fd = -1;
    if ((rc = rp_verify(tmp, o, &r, &verr)) != 0)
        goto done;
    if (rp_install(tmp, o->out, o->force) != 0) {
        snprintf(verr.msg, sizeof verr.msg, "%.300s: cannot create: %s", o->out,
                 errno == EEXIST ? "it exists already (use --force)" : strerror(errno));
        r.error = verr.msg;
        rc = EXIT_IO;
        goto done;
    }
    made = 0;
    (void)sat_fsync_dir_of(o->out); /* the new name on disk too */
    r.verdict = "repaired";
    rc = 0;
done:
    if (fd >= 0)
        close(fd);
    if (made)
        unlink(tmp);
    sat_remove_on_signal(NULL);
    rp_print(&r);
    sat_parity_close(p);
    return rc;
}
