/*
 * satchel-pack - build signed Satchel bundles.
 *
 *   satchel-pack keygen -p PUBFILE -s SECFILE [--no-passphrase] [--passphrase-file F] [--force]
 *   satchel-pack build SRC_DIR -o BUNDLE -s SECFILE [options]
 *   satchel-pack build --from ARCHIVE -o BUNDLE -s SECFILE [options]
 *   satchel-pack stage BUNDLE... --to MOUNTPOINT -p PUBKEY [options] (cmd_stage.c)
 *   satchel-pack parity BUNDLE --percent P [-o FILE]
 *   satchel-pack iso BUNDLE... -o IMAGE -p PUBKEY [options] (cmd_iso.c)
 *
 * Exit codes: 0 success, 1 failure (message on stderr), 2 usage error.
 */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd_iso.h"
#include "cmd_stage.h"
#include "pack_input.h"
#include "pack_volumes.h"
#include "pack_parity.h"
#include "passphrase.h"
#include "sat_bundle.h"
#include "sat_sig.h"
#include "sat_text.h"

#define EXIT_USAGE 2

static const char *prog = "satchel-pack";

static void usage(FILE *f)
{
    fprintf(f,
            "Usage:\n"
            "  %s keygen -p PUBFILE -s SECFILE [--no-passphrase] [--passphrase-file FILE] "
            "[--force]\n"
            "  %s build (SRC_DIR | --from ARCHIVE) -o BUNDLE -s SECFILE [--title T]\n"
            "        [--publisher P] [--date ISO8601] [--seq N] [--skip-bad]\n"
            "        [--passphrase-file FILE] [--level N] [--cluster-size BYTES]\n"
            "        [--threads N] [--no-index] [--parity PERCENT] [--quiet] [--json]\n"
            "        [--max-size SIZE | --media cd|dvd|dvd-dl|usb-4g] [--reserve SIZE]\n"
            "  %s parity BUNDLE --percent P [-o FILE] [--quiet]\n"
            "  %s stage BUNDLE... --to MOUNTPOINT -p PUBKEY [--reader FILE]... [--no-reader]\n"
            "        [--export-html [--lang ko|en]] [--force] [--quiet] [--json]\n"
            "  %s iso BUNDLE... -o IMAGE -p PUBKEY [--label L] [--reader FILE]... [--no-reader]\n"
            "        [--export-html [--lang ko|en]] [--force] [--quiet] [--json]\n"
            "  %s --help | --version\n"
            "\n"
            "keygen writes a minisign-compatible key pair (secret key encrypted with a\n"
            "passphrase read from the terminal or the first line of FILE) and prints the\n"
            "public key's fingerprint for reading aloud.\n"
            "build packs Markdown, text, HTML pages, RSS/Atom feeds, WebVTT/SRT\n"
            "transcripts, images and audio from SRC_DIR, or from a zip, tar, tar.gz or 7z\n"
            "ARCHIVE read in memory, into one signed bundle. Text in EUC-KR/CP949 and\n"
            "other declared charsets is converted to UTF-8 (NFC). A satchel.conf file at\n"
            "the top sets the title, publisher, language, section names and per-file\n"
            "metadata. The same article twice is stored once. --skip-bad lists bad files\n"
            "and goes on. --json prints the result (counts, notes, skips) as one JSON\n"
            "object on stdout. The bundle carries a full-text search index (Korean found\n"
            "inside longer words) unless --no-index. See docs/INPUT.md and formats/SPEC.md.\n"
            "--max-size or --media splits a collection too large for one medium into\n"
            "volumes NAME-1.satchel ... NAME-M.satchel, each a complete signed bundle,\n"
            "newest entries first, an entry always with its images and audio; each fits\n"
            "with the filesystem's overhead (ISO 9660 or FAT32) counted. SIZE: 4.7G, 700M,\n"
            "3.5GiB (K M G T = powers of 1000, KiB MiB GiB TiB = of 1024). --media keeps\n"
            "8 MiB for the drive's other files (readers, README, key), --max-size none\n"
            "unless --reserve. What fits in one is written as one plain bundle.\n"
            "--parity PERCENT (1..50) also writes BUNDLE.parity, recovery data from which\n"
            "satchel-read repair rebuilds the bundle when up to PERCENT of its 2 KiB sectors\n"
            "are lost (scratched disc, worn stick); parity adds it to an existing bundle.\n"
            "stage lays out a USB drive mounted at MOUNTPOINT: the bundles (each verified\n"
            "against PUBKEY first) with their .parity files, static readers (--reader, or\n"
            "satchel-read-static beside this program), the key and its fingerprint, a\n"
            "Korean/English README.txt, CHECKSUMS.b2 and, with --export-html, a web export\n"
            "of each bundle. It checks free space first, then reads every byte back past\n"
            "the page cache and fails (exit 1) if the drive did not keep it.\n"
            "iso writes the same layout into an ISO 9660 image for a CD or DVD (Rock Ridge,\n"
            "Joliet, level 3 for files over 4 GiB; --label sets the volume id, made A-Z,\n"
            "0-9 and _), then reads the image back and removes it (exit 1) if any file\n"
            "differs from the plan.\n"
            "\n"
            "Exit status: 0 success, 1 failure, 2 usage error.\n",
            prog, prog, prog, prog, prog, prog);
}

static int die_usage(const char *msg)
{
    fprintf(stderr, "%s: %s\n", prog, msg);
    fprintf(stderr, "Try '%s --help'.\n", prog);
    return EXIT_USAGE;
}

/* ------------------------------------------------------------------------
 * keygen
 * ------------------------------------------------------------------------ */

static int cmd_keygen(int argc, char **argv)
{
    static const struct option opts[] = {{"pub", required_argument, NULL, 'p'},
                                         {"sec", required_argument, NULL, 's'},
                                         {"no-passphrase", no_argument, NULL, 'W'},
                                         {"passphrase-file", required_argument, NULL, 'P'},
                                         {"force", no_argument, NULL, 'f'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *pubf = NULL, *secf = NULL;
    pack_pass_src src = {NULL};
    int nopass = 0, force = 0, c, rc = 1;
    sat_pubkey pk;
    sat_seckey *sk = NULL;
    char *pass = NULL;
    char fp[SAT_FINGERPRINT_LEN + 1], keyid[17];
    sat_err err = {0};

    optind = 1;
    while ((c = getopt_long(argc, argv, "p:s:WP:fh", opts, NULL)) != -1) {
        switch (c) {
        case 'p': pubf = optarg; break;
        case 's': secf = optarg; break;
        case 'W': nopass = 1; break;
        case 'P': src.file = optarg; break;
        case 'f': force = 1; break;
        case 'h': usage(stdout); return 0;
        default: return die_usage("keygen: unknown option");
        }
    }
    if (pubf == NULL || secf == NULL || optind != argc)
        return die_usage("keygen needs -p PUBFILE and -s SECFILE");
    if (nopass && src.file != NULL)
        return die_usage("--no-passphrase and --passphrase-file exclude each other");
    if (!force && (access(pubf, F_OK) == 0 || access(secf, F_OK) == 0)) {
        fprintf(stderr, "%s: %s or %s exists already; refusing to overwrite a key without --force\n",
                prog, pubf, secf);
        return 1;
    }
    if (!nopass) {
        pass = sodium_malloc(1024);
        if (pass == NULL || pack_passphrase_get(&src, pass, 1024, 1) != 0)
            goto out;
    }
    if (sat_keypair_generate(&pk, &sk, &err) != 0 ||
        sat_seckey_save(sk, secf, pass, 0, 0, force, &err) != 0 ||
        sat_pubkey_save(&pk, pubf, force, &err) != 0) {
        fprintf(stderr, "%s: %s\n", prog, err.msg);
        goto out;
    }
    sat_pubkey_fingerprint(&pk, fp);
    sat_pubkey_keyid(&pk, keyid);
    printf("Public key:  %s\nSecret key:  %s%s\nKey id:      %s\nFingerprint: %s\n", pubf, secf,
           pass ? " (encrypted)" : " (NOT encrypted)", keyid, fp);
    rc = 0;
out:
    if (pass != NULL)
        sodium_free(pass); /* sodium_free wipes the memory */
    sat_seckey_free(sk);
    return rc;
}

/* ------------------------------------------------------------------------
 * build
 * ------------------------------------------------------------------------ */

typedef struct prog_state {
    int on;
    time_t last;
} prog_state;

static void on_progress(void *ctx, const char *stage, uint64_t done, uint64_t total)
{
    prog_state *p = ctx;
    time_t now = time(NULL);

    if (!p->on || (now == p->last && done != total))
        return;
    p->last = now;
    fprintf(stderr, "\r%s: %-10s %llu/%llu   ", prog, stage, (unsigned long long)done,
            (unsigned long long)total);
    fflush(stderr);
}

/* Prints s as a JSON string. */
static void put_json(const char *s)
{
    sat_buf b = {0};

    if (s != NULL && sat_json_string(&b, s, strlen(s)) == 0)
        fwrite(b.data, 1, b.len, stdout);
    else
        fputs("null", stdout); /* no string, or one JSON cannot carry: still valid JSON */
    sat_buf_free(&b);
}

static void put_json_list(const char *name, const char *field, const pack_skip *l, size_t n)
{
    size_t i;

    printf(",\n  \"%s\": [", name);
    for (i = 0; i < n; i++) {
        printf("%s\n    {\"path\": ", i ? "," : "");
        put_json(l[i].relpath);
        printf(", \"%s\": ", field);
        put_json(l[i].reason);
        putchar('}');
    }
    printf("%s]", n ? "\n  " : "");
}

/* The result of build --json: one object on stdout. */
static void print_json(const char *out, const sat_writer_stats *st, const pack_source *src,
                       const char *fp, const char *parity_path)
{
    printf("{\n  \"bundle\": ");
    put_json(out);
    printf(",\n  \"bytes\": %llu,\n  \"entries\": %llu,\n  \"text_entries\": %llu,\n"
           "  \"media\": %llu,\n  \"clusters\": %llu,\n  \"text_bytes\": %llu,\n"
           "  \"compressed_bytes\": %llu,\n  \"index_bytes\": %llu,\n  \"index_terms\": %llu,\n"
           "  \"index_postings\": %llu,\n  \"fingerprint\": \"%s\"",
           (unsigned long long)st->bundle_bytes,
           (unsigned long long)(st->n_text + st->n_media), (unsigned long long)st->n_text,
           (unsigned long long)st->n_media, (unsigned long long)st->n_clusters,
           (unsigned long long)st->text_bytes, (unsigned long long)st->compressed_bytes,
           (unsigned long long)st->search_zbytes, (unsigned long long)st->search_terms,
           (unsigned long long)st->search_postings, fp);
    if (parity_path != NULL) { /* build --parity: the recovery data beside the bundle */
        printf(",\n  \"parity_file\": ");
        put_json(parity_path);
    }
    put_json_list("notes", "message", src->notes, src->n_notes);
    put_json_list("skipped", "reason", src->skipped, src->n_skipped);
    printf("\n}\n");
}

static int cmd_build(int argc, char **argv)
{
    static const struct option opts[] = {{"output", required_argument, NULL, 'o'},
                                         {"sec", required_argument, NULL, 's'},
                                         {"title", required_argument, NULL, 't'},
                                         {"publisher", required_argument, NULL, 'u'},
                                         {"date", required_argument, NULL, 'd'},
                                         {"seq", required_argument, NULL, 'n'},
                                         {"skip-bad", no_argument, NULL, 'k'},
                                         {"from", required_argument, NULL, 'F'},
                                         {"passphrase-file", required_argument, NULL, 'P'},
                                         {"level", required_argument, NULL, 'L'},
                                         {"cluster-size", required_argument, NULL, 'C'},
                                         {"threads", required_argument, NULL, 'T'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"json", no_argument, NULL, 'J'},
                                         {"no-index", no_argument, NULL, 'N'},
                                         {"max-size", required_argument, NULL, 'M'},
                                         {"media", required_argument, NULL, 'm'},
                                         {"reserve", required_argument, NULL, 'R'},
                                         {"parity", required_argument, NULL, 'A'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *out = NULL, *secf = NULL, *src_dir, *from = NULL;
    pack_pass_src psrc = {NULL};
    pack_scan_opts sopts = {0};
    pack_source *src = NULL;
    sat_writer_opts wo;
    sat_writer *w = NULL;
    sat_writer_stats st;
    sat_seckey *sk = NULL;
    sat_pubkey pk;
    sat_err err = {0};
    char created[21], fp[SAT_FINGERPRINT_LEN + 1];
    char *end;
    long long t;
    int quiet = 0, json = 0, c, rc = 1;
    unsigned parity = 0;
    char ppath[4096];
    size_t i;
    prog_state ps = {0, 0};
    pv_opts po;
    pv_result res = {0};
    uint64_t reserve = UINT64_MAX;

    memset(&po, 0, sizeof po);
    memset(&wo, 0, sizeof wo);
    wo.seq = 1;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:s:t:u:d:n:kF:P:L:C:T:qJNM:m:R:A:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 's': secf = optarg; break;
        case 't': wo.title = optarg; break;
        case 'u': wo.publisher = optarg; break;
        case 'd':
            if (sat_time_parse(optarg, &t) != 0)
                return die_usage("--date must be YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ");
            sat_time_format(t, created);
            wo.created = created;
            break;
        case 'n':
            wo.seq = strtoull(optarg, &end, 10);
            if (*optarg == '\0' || *end != '\0' || *optarg == '-')
                return die_usage("--seq needs a whole number");
            break;
        case 'k': sopts.skip_bad = 1; break;
        case 'F': from = optarg; break;
        case 'P': psrc.file = optarg; break;
        case 'L':
            wo.level = atoi(optarg);
            if (wo.level < 1 || wo.level > 22)
                return die_usage("--level must be 1..22");
            break;
        case 'C':
            wo.cluster_size = (size_t)strtoull(optarg, &end, 10);
            if (*end != '\0' || wo.cluster_size < 4096 || wo.cluster_size > SAT_CLUSTER_MAX)
                return die_usage("--cluster-size must be 4096..16777216 bytes");
            break;
        case 'T': wo.threads = atoi(optarg); break;
        case 'q': quiet = 1; break;
        case 'J': json = 1; break;
        case 'N': wo.no_index = 1; break;
        case 'M':
            if (po.medium.capacity || pv_size_parse(optarg, &po.medium.capacity) != 0)
                return die_usage("--max-size needs a size such as 4.7G, 700M or 3.5GiB, once, "
                                 "and not with --media");
            break;
        case 'm':
            if (po.medium.capacity || pv_medium_named(optarg, &po.medium) != 0)
                return die_usage("--media must be cd, dvd, dvd-dl or usb-4g, once, and not "
                                 "with --max-size");
            break;
        case 'R':
            if (pv_size_parse(optarg, &reserve) != 0 && strcmp(optarg, "0") != 0)
                return die_usage("--reserve needs a size such as 8MiB (or 0)");
            if (strcmp(optarg, "0") == 0)
                reserve = 0;
            break;
        case 'A':
            if (pack_parity_percent(optarg, &parity) != 0)
                return die_usage("--parity must be a percent, 1..50");
            break;
        case 'h': usage(stdout); return 0;
        default: return die_usage("build: unknown option");
        }
    }
    if (from != NULL ? optind != argc : optind + 1 != argc)
        return die_usage("build needs exactly one SRC_DIR, or --from ARCHIVE");
    src_dir = from != NULL ? from : argv[optind];
    sopts.archive = from != NULL;
    if (out == NULL || secf == NULL)
        return die_usage("build needs -o BUNDLE and -s SECFILE");
    if (reserve != UINT64_MAX) {
        if (po.medium.capacity == 0)
            return die_usage("--reserve goes with --max-size or --media");
        po.medium.reserve = reserve;
    }
    po.quiet = quiet;
    po.parity = parity;
    ps.on = !quiet && !json && isatty(2);
    wo.progress = on_progress;
    wo.progress_ctx = &ps;

    /* Key first: a wrong passphrase should not cost a whole scan. */
    if (sat_seckey_load(&sk, secf, pack_passphrase_get, &psrc, &err) != 0) {
        fprintf(stderr, "%s: %s\n", prog, err.msg);
        goto out;
    }
    if (pack_source_scan(src_dir, &sopts, &src, &err) != 0) {
        fprintf(stderr, "%s: %s\n", prog, err.msg);
        fprintf(stderr, "%s: no bundle written\n", prog);
        goto out;
    }
    for (i = 0; i < src->n_notes; i++)
        fprintf(stderr, "%s: note: %s\n", prog, src->notes[i].reason);
    for (i = 0; i < src->n_skipped; i++)
        fprintf(stderr, "%s: skipped %s\n", prog, src->skipped[i].reason);
    /* the command line wins over the config file */
    if (wo.title == NULL)
        wo.title = src->title != NULL ? src->title : "Satchel bundle";
    if (wo.publisher == NULL)
        wo.publisher = src->publisher;
    sat_seckey_pubkey(sk, &pk);
    sat_pubkey_fingerprint(&pk, fp);
    if (po.medium.capacity != 0) { /* volumes (pack_volumes.c) */
        if (pv_build(src, &wo, sk, out, &po, &res, &err) != 0)
            goto fail;
        if (ps.on)
            fprintf(stderr, "\r%60s\r", "");
        /* recovery data for each volume (counted in the budget), before the summary */
        for (i = 0; !res.single && parity && i < res.n; i++)
            if (pack_parity_make(res.v[i].path, parity, NULL, ps.on ? PACK_PARITY_PROGRESS : 0)) {
                fprintf(stderr, "%s: the volumes were written, but %s without recovery data\n",
                        prog, res.v[i].path);
                goto out;
            }
        if (!res.single) {
            if (json)
                pv_print_json(&res, &po, fp);
            else if (!quiet)
                for (i = 0; i < res.n; i++)
                    printf("Wrote %s: volume %zu of %zu, %llu bytes, %zu entries\n",
                           res.v[i].path, i + 1, res.n, (unsigned long long)res.v[i].bytes,
                           res.v[i].entries);
            if (!json && !quiet)
                printf("Each volume within %llu bytes (of %llu); signed by key %s\n",
                       (unsigned long long)res.budget,
                       (unsigned long long)po.medium.capacity, fp);
            rc = 0;
            goto out;
        }
        st = res.v[0].st;
    } else {
        if (sat_writer_create(&wo, &w, &err) != 0 || pack_add_source(w, src, NULL, &err) != 0 ||
            sat_writer_finish(w, out, sk, &err) != 0)
            goto fail;
        if (ps.on)
            fprintf(stderr, "\r%60s\r", "");
        sat_writer_get_stats(w, &st);
    }
    /* an earlier build's recovery data may not match the new bundle: say so (stage and iso
     * refuse one that does not) rather than delete a file this run did not write */
    if (!parity && snprintf(ppath, sizeof ppath, "%s.parity", out) < (int)sizeof ppath &&
        access(ppath, F_OK) == 0)
        fprintf(stderr, "%s: note: %s is left from an earlier build; unless the bundle came out "
                "the same, it cannot repair %s: make it again (satchel-pack parity %s "
                "--percent P) or remove it\n", prog, ppath, out, out);
    /* recovery data before the summary, so --json can name it; the bundle stays on failure */
    if (parity && (snprintf(ppath, sizeof ppath, "%s.parity", out) >= (int)sizeof ppath ||
                   pack_parity_make(out, parity, ppath, ps.on ? PACK_PARITY_PROGRESS : 0) != 0)) {
        fprintf(stderr, "%s: %s was written, but without recovery data\n", prog, out);
        goto out;
    }
    if (json) {
        print_json(out, &st, src, fp, parity ? ppath : NULL);
    } else if (!quiet) {
        printf("Wrote %s: %llu bytes, %llu text entries in %llu clusters, %llu media",
               out, (unsigned long long)st.bundle_bytes, (unsigned long long)st.n_text,
               (unsigned long long)st.n_clusters, (unsigned long long)st.n_media);
        if (src->n_skipped)
            printf(", %zu files skipped", src->n_skipped);
        printf("\nText %llu bytes -> %llu bytes compressed (dictionary %llu bytes, manifest "
               "%llu -> %llu bytes)\n",
               (unsigned long long)st.text_bytes, (unsigned long long)st.compressed_bytes,
               (unsigned long long)st.dict_bytes, (unsigned long long)st.manifest_bytes,
               (unsigned long long)st.manifest_zbytes);
        if (st.search_zbytes > 0)
            printf("Search index %llu bytes (%llu words, %.0f%% of the compressed text)\n",
                   (unsigned long long)st.search_zbytes, (unsigned long long)st.search_terms,
                   st.compressed_bytes ? 100.0 * (double)st.search_zbytes /
                                             (double)st.compressed_bytes
                                       : 0.0);
        printf("Signed by key %s\n", fp);
    }
    if (parity && !json && !quiet)
        pack_parity_print(out, parity, ppath);
    rc = 0;
    goto out;
fail:
    if (ps.on)
        fprintf(stderr, "\n");
    fprintf(stderr, "%s: %s\n%s: no bundle written\n", prog, err.msg, prog);
out:
    pv_result_free(&res);
    sat_writer_free(w);
    pack_source_free(src);
    sat_seckey_free(sk);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return die_usage("no command given");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("satchel-pack %s (bundle format %d)\n", SAT_VERSION, SAT_FORMAT_VERSION);
        return 0;
    }
    if (sodium_init() < 0) {
        fprintf(stderr, "%s: libsodium failed to initialise\n", prog);
        return 1;
    }
    if (strcmp(argv[1], "keygen") == 0)
        return cmd_keygen(argc - 1, argv + 1);
    if (strcmp(argv[1], "build") == 0)
        return cmd_build(argc - 1, argv + 1);
    if (strcmp(argv[1], "stage") == 0)
        return pack_cmd_stage(argc - 1, argv + 1);
    if (strcmp(argv[1], "parity") == 0)
        return pack_cmd_parity(argc - 1, argv + 1);
    if (strcmp(argv[1], "iso") == 0)
        return pack_cmd_iso(argc - 1, argv + 1);
    fprintf(stderr, "%s: unknown command '%s'\n", prog, argv[1]);
    fprintf(stderr, "Try '%s --help'.\n", prog);
    return EXIT_USAGE;
}
