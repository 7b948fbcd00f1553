/*
 * cmd_stage.c - `satchel-pack stage`: lays out a drive (dp_build_drive) and writes it with
 * read-back (ds_stage). Options are parsed here; main.c only dispatches.
 *
 *   satchel-pack stage BUNDLE... --to MOUNTPOINT -p PUBKEY [--reader FILE]... [--no-reader]
 *                      [--export-html [--lang ko|en]] [--force] [--quiet] [--json]
 */
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd_stage.h"
#include "drive_args.h"
#include "drive_stage.h"
#include "sat_text.h"

#define STAGE_PROG "satchel-pack"

static volatile sig_atomic_t stage_stop;

static void on_signal(int sig)
{
    (void)sig;
    stage_stop = 1;
}

/* While the drive is written, SIGINT, SIGTERM and SIGHUP stop stage cleanly (no temporary
 * file left on the drive, the export's temporary folder removed). */
static void catch_signals(int on)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction sa;
    size_t i;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on ? on_signal : SIG_DFL;
    sigemptyset(&sa.sa_mask);
    for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
}

static double mb_s(uint64_t bytes, double s)
{
    return s > 0 ? (double)bytes / 1e6 / s : 0.0;
}

static void print_json(const char *to, const ds_result *r, int ok, const char *msg)
{
    size_t i;

    printf("{\n  \"to\": ");
    drive_json_str(stdout, to);
    printf(",\n  \"ok\": %s,\n  \"files\": %zu,\n  \"bytes\": %llu,\n"
           "  \"write_seconds\": %.3f,\n  \"write_mb_s\": %.1f,\n  \"read_seconds\": %.3f,\n"
           "  \"read_mb_s\": %.1f,\n  \"bundles_verified\": %zu,\n  \"readback\": \"%s\",\n"
           "  \"mismatched\": [",
           ok ? "true" : "false", r->files, (unsigned long long)r->bytes, r->write_seconds,
           mb_s(r->bytes, r->write_seconds), r->read_seconds, mb_s(r->bytes, r->read_seconds),
           r->bundles_checked, r->nbad ? "failed" : r->files ? "ok" : "not done");
    for (i = 0; i < r->nbad; i++) {
        printf("%s", i ? ", " : "");
        drive_json_str(stdout, r->bad[i]);
    }
    printf("],\n  \"error\": ");
    drive_json_str(stdout, ok ? NULL : msg);
    printf("\n}\n");
}

int pack_cmd_stage(int argc, char **argv)
{
    static const struct option opts[] = {{"to", required_argument, NULL, 't'},
                                         {"pub", required_argument, NULL, 'p'},
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
    const char *why = NULL;
    dp_drive_opts dopt;
    ds_opts sopt;
    ds_result res;
    dp_plan *plan = NULL;
    sat_pubkey key;
    sat_err err = {0};
    drive_progress vp = {0, "checking bundles: ", 0, 0};
    int quiet = 0, json = 0, c, rc = 1, written = 0, fd;

    memset(&dopt, 0, sizeof dopt);
    memset(&sopt, 0, sizeof sopt);
    memset(&res, 0, sizeof res);
    optind = 1;
    while ((c = getopt_long(argc, argv, "t:p:fqJh" DRIVE_ARGS_GETOPT, opts, NULL)) != -1) {
        switch (c) {
        case 't': sopt.to = optarg; break;
        case 'p': dopt.pubkey_path = optarg; break;
        case 'f': sopt.force = 1; break;
        case 'q': quiet = 1; break;
        case 'J': json = 1; break;
        case 'h':
            printf("Usage: %s stage BUNDLE... --to MOUNTPOINT -p PUBKEY [--reader FILE]...\n"
                   "        [--no-reader] [--export-html [--lang ko|en]] [--force] [--quiet] "
                   "[--json]\n(see '%s --help' and man satchel-pack)\n",
                   STAGE_PROG, STAGE_PROG);
            return 0;
        default:
            if ((why = drive_args_take(&dopt, readers, c, optarg)) != NULL)
                return drive_usage("stage", why);
        }
    }
    if ((why = drive_args_finish(&dopt, readers, argc, argv, optind)) != NULL)
        return drive_usage("stage", why);
    if (sopt.to == NULL || dopt.pubkey_path == NULL)
        return drive_usage("stage", "needs --to MOUNTPOINT and -p PUBKEY");
    vp.on = !quiet;
    dopt.progress = drive_progress_fn;
    dopt.progress_ctx = &vp;

    /* FAT32's file size limit is known before the bundles are verified and hashed */
    if ((fd = open(sopt.to, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
        dopt.max_file = ds_is_fat(fd, sopt.to) ? DP_FAT32_MAX_FILE : 0;
        close(fd);
    }
    if (dp_create(&plan, &err) != 0 || dp_build_drive(plan, &dopt, &err) != 0 ||
        sat_pubkey_load(&key, dopt.pubkey_path, &err) != 0)
        goto fail;
    sopt.key = &key;
    sopt.progress = !quiet;
    written = 1;
    sopt.stop = &stage_stop;
    catch_signals(1);
    rc = ds_stage(plan, &sopt, &res, &err);
    catch_signals(0);
    if (rc != 0) {
        rc = 1;
        written = res.files > 0; /* 0 when nothing was put in place */
        goto fail;
    }
    if (json)
        print_json(sopt.to, &res, 1, NULL);
    else if (!quiet)
        printf("Staged %zu files (%.1f MB) onto %s: written at %.1f MB/s, read back at %.1f "
               "MB/s.\nEvery byte read back matched; %zu bundle(s) verified from the drive.\n",
               res.files, (double)res.bytes / 1e6, sopt.to, mb_s(res.bytes, res.write_seconds),
               mb_s(res.bytes, res.read_seconds), res.bundles_checked);
    rc = 0;
    goto out;
fail:
    if (vp.on)
        fprintf(stderr, "\n");
    fprintf(stderr, "%s: %s\n", STAGE_PROG, err.msg);
    if (!written)
        fprintf(stderr, "%s: nothing was written to the drive\n", STAGE_PROG);
    if (json)
        print_json(sopt.to, &res, 0, err.msg);
out:
    ds_result_free(&res);
    dp_free(plan);
    return rc;
}
