/*
 * cmd_iso.c - `satchel-pack iso`: lays out a drive (dp_build_drive, as `stage` does) and
 * writes it as an ISO 9660 image proven by read-back (di_write). Options are parsed here;
 * main.c only dispatches.
 *
 *   satchel-pack iso BUNDLE... -o disc.iso -p PUBKEY [--label L] [--reader FILE]...
 *                    [--no-reader] [--export-html [--lang ko|en]] [--force] [--quiet] [--json]
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd_iso.h"
#include "drive_args.h"
#include "drive_iso.h"
#include "sat_manifest.h"
#include "sat_sig.h"

#define ISO_PROG "satchel-pack"

/* The first bundle's title and creation time: the default label and every file's time. */
static int first_bundle_facts(const char *bundle, const char *pubkey_path, char *title,
                              size_t cap, long long *created, sat_err *err)
{
    sat_pubkey key;
    sat_bundle *b = NULL;
    const sat_manifest *m;
    int rc;

    if ((rc = sat_pubkey_load(&key, pubkey_path, err)) != 0)
        return rc;
    if ((rc = sat_bundle_open(bundle, &key, 1, &b, err)) != 0)
        return sat_err_prefix(err, "%s", bundle);
    m = sat_bundle_manifest(b);
    snprintf(title, cap, "%s", m->head.title ? m->head.title : "");
    if (sat_time_parse(m->head.created, created) != 0 || *created < 0)
        *created = 0;
    sat_bundle_close(b);
    return 0;
}

typedef struct iso_result {
    const char *out;
    const char *label;
    int label_changed;
    size_t files;
    uint64_t bytes, image_bytes;
    int read_back; /* 1 matched, -1 differed, 0 not reached */
} iso_result;

static void print_json(const iso_result *r, const char *msg)
{
    printf("{\n  \"iso\": ");
    drive_json_str(stdout, r->out);
    printf(",\n  \"ok\": %s,\n  \"label\": ", msg == NULL ? "true" : "false");
    drive_json_str(stdout, r->label);
    printf(",\n  \"label_changed\": %s,\n  \"files\": %zu,\n  \"bytes\": %llu,\n"
           "  \"image_bytes\": %llu,\n  \"readback\": \"%s\",\n  \"error\": ",
           r->label_changed ? "true" : "false", r->files, (unsigned long long)r->bytes,
           (unsigned long long)r->image_bytes,
           r->read_back > 0 ? "ok" : r->read_back < 0 ? "failed" : "not done");
    drive_json_str(stdout, msg);
    printf("\n}\n");
}

/* libarchive keeps a copy of the data in $TMPDIR while it lays out the image: without a
 * TMPDIR, the output folder (which needs the room anyway), not a small /tmp. */
static void tmpdir_beside(const char *out)
{
    char dir[4096];
    const char *slash = strrchr(out, '/');

    if (getenv("TMPDIR") != NULL)
        return;
    if (slash == NULL)
        snprintf(dir, sizeof dir, ".");
    else if ((size_t)(slash - out) < sizeof dir)
        snprintf(dir, sizeof dir, "%.*s", slash == out ? 1 : (int)(slash - out), out);
    else
        return;
    setenv("TMPDIR", dir, 0);
}

int pack_cmd_iso(int argc, char **argv)
{
    static const struct option opts[] = {{"output", required_argument, NULL, 'o'},
                                         {"pub", required_argument, NULL, 'p'},
                                         {"label", required_argument, NULL, 'L'},
                                         {"reader", required_argument, NULL, 'r'},
                                         {"no-reader", no_argument, NULL, 'N'},
                                         {"export-html", no_argument, NULL, 'E'},
                                         {"lang", required_argument, NULL, 'l'},
                                         {"force", no_argument, NULL, 'f'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"json", no_argument, NULL, 'J'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *readers[DRIVE_READERS_MAX];
    const char *label_in = NULL, *why = NULL;
    char label[DI_LABEL_MAX + 1], title[256];
    dp_drive_opts dopt;
    di_opts iopt;
    iso_result res;
    dp_plan *plan = NULL;
    sat_err err = {0};
    drive_progress pr = {0, NULL, 0, 0};
    struct stat st;
    long long created = 0;
    int quiet = 0, json = 0, c, rc = 1;

    memset(&dopt, 0, sizeof dopt);
    memset(&iopt, 0, sizeof iopt);
    memset(&res, 0, sizeof res);
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:p:L:fqJh" DRIVE_ARGS_GETOPT, opts, NULL)) != -1) {
        switch (c) {
        case 'o': res.out = optarg; break;
        case 'p': dopt.pubkey_path = optarg; break;
        case 'L': label_in = optarg; break;
        case 'f': iopt.force = 1; break;
        case 'q': quiet = 1; break;
        case 'J': json = 1; break;
        case 'h':
            printf("Usage: %s iso BUNDLE... -o disc.iso -p PUBKEY [--label L] [--reader FILE]...\n"
                   "        [--no-reader] [--export-html [--lang ko|en]] [--force] [--quiet] "
                   "[--json]\n(see '%s --help' and man satchel-pack)\n",
                   ISO_PROG, ISO_PROG);
            return 0;
        default:
            if ((why = drive_args_take(&dopt, readers, c, optarg)) != NULL)
                return drive_usage("iso", why);
        }
    }
    if ((why = drive_args_finish(&dopt, readers, argc, argv, optind)) != NULL)
        return drive_usage("iso", why);
    if (res.out == NULL || dopt.pubkey_path == NULL)
        return drive_usage("iso", "needs -o IMAGE and -p PUBKEY");
    /* refused before minutes of verification, not after */
    if (!iopt.force && lstat(res.out, &st) == 0) {
        sat_err_set(&err, SAT_E_EXISTS, "%s already exists (use --force to replace it)",
                    res.out);
        goto fail;
    }
    pr.on = !quiet;
    dopt.progress = drive_progress_fn;
    dopt.progress_ctx = &pr;

    if (dp_create(&plan, &err) != 0 || dp_build_drive(plan, &dopt, &err) != 0 ||
        first_bundle_facts(dopt.bundles[0], dopt.pubkey_path, title, sizeof title, &created,
                           &err) != 0)
        goto fail;
    res.label_changed = di_label(label_in ? label_in : title, label);
    if (label_in == NULL && res.label_changed)
        res.label_changed = 0; /* a title made into a label is not the user's label changed */
    res.label = label;
    if (label_in != NULL && res.label_changed && !quiet)
        fprintf(stderr,
                "%s: the volume label is \"%s\": ISO 9660 allows 32 characters A-Z, 0-9 "
                "and _ only\n",
                ISO_PROG, label);
    res.files = dp_count(plan);
    res.bytes = dp_total_size(plan);
    iopt.label = label;
    iopt.mtime = created;
    iopt.progress = drive_progress_fn;
    iopt.progress_ctx = &pr;
    tmpdir_beside(res.out);
    if (di_write(plan, res.out, &iopt, &err) != 0) {
        res.read_back = err.code == SAT_E_HASH ? -1 : 0;
        goto fail;
    }
    res.read_back = 1;
    if (stat(res.out, &st) == 0)
        res.image_bytes = (uint64_t)st.st_size;
    if (json)
        print_json(&res, NULL);
    else if (!quiet)
        printf("Wrote %s (%.1f MB, volume label %s): %zu files (%.1f MB).\n"
               "Read back: every file present with the planned bytes and modes.\n",
               res.out, (double)res.image_bytes / 1e6, label, res.files,
               (double)res.bytes / 1e6);
    rc = 0;
    goto out;
fail:
    fprintf(stderr, "%s: %s\n%s: no image written\n", ISO_PROG, err.msg, ISO_PROG);
    if (json)
        print_json(&res, err.msg);
out:
    dp_free(plan);
    return rc;
}
