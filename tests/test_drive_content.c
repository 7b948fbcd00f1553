/*
 * test_drive_content.c - dp_build_drive (packer/drive_content.c, drive_readme.c): the layout
 * of a drive from a real signed bundle, its parity file and hand-made ELF headers for the
 * readers (static x86-64 and x86, dynamic, another machine, not ELF); what is refused (a
 * bundle signed by another key, a damaged one, a name FAT cannot hold, a dynamic reader, no
 * reader); README.txt and key/fingerprint.txt (BOM, CRLF, Korean first, the fingerprint);
 * CHECKSUMS.b2 against the plan's hashes; the web export's temporary folder removed by
 * dp_free.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_fixture.h"
#include <sodium.h>

#include "drive_plan.h"
#include "sat_parity.h"
#include "sat_bundle.h"

/* ------------------------------------------------------------------------
 * Fixtures
 * ------------------------------------------------------------------------ */

typedef struct fx {
    char dir[64];
    char bundle[128], foreign[128], pub[128], otherpub[128];
    char r64[128], r32[128], rdyn[128], rarm[128], rtext[128];
    sat_pubkey pk;
} fx;

static void make_bundle(const char *out, const sat_seckey *sk)
{
    sat_writer_opts o;
    sat_writer *w = NULL;
    sat_meta m;
    sat_err err = {0};
    const char *body = "# 물 끓이기\n\n물은 끓여서 마십시오. Boil water before drinking.\n";

    memset(&o, 0, sizeof o);
    o.title = "Drive test";
    o.created = "2026-11-20T00:00:00Z";
    o.seq = 1;
    o.level = 3;
    assert_int_equal(sat_writer_create(&o, &w, &err), 0);
    memset(&m, 0, sizeof m);
    m.id = "water";
    m.kind = SAT_KIND_ARTICLE;
    m.title = "물 끓이기";
    m.date = "2026-11-19";
    m.lang = "ko";
    assert_int_equal(sat_writer_add_text(w, &m, body, strlen(body), &err), 0);
    if (sat_writer_finish(w, out, sk, &err) != 0)
        fail_msg("finish: %s", err.msg);
    sat_writer_free(w);
}

static void put(uint8_t *b, size_t off, uint64_t v, int n)
{
    int i;

    for (i = 0; i < n; i++)
        b[off + (size_t)i] = (uint8_t)(v >> (8 * i));
}

/* An ELF header (little-endian) with one PT_LOAD and, when interp, one PT_INTERP. */
static void write_elf(const char *path, int is64, unsigned machine, int interp)
{
    uint8_t b[256];
    size_t eh = is64 ? 64 : 52, ph = is64 ? 56 : 32;
    FILE *f;

    memset(b, 0, sizeof b);
    memcpy(b, "\x7f" "ELF", 4);
    b[4] = is64 ? 2 : 1; /* class */
    b[5] = 1;            /* little-endian */
    b[6] = 1;
    put(b, 16, 2, 2); /* ET_EXEC */
    put(b, 18, machine, 2);
    put(b, 20, 1, 4);
    if (is64) {
        put(b, 32, eh, 8);
        put(b, 52, eh, 2);
        put(b, 54, ph, 2);
        put(b, 56, interp ? 2 : 1, 2);
    } else {
        put(b, 28, eh, 4);
        put(b, 40, eh, 2);
        put(b, 42, ph, 2);
        put(b, 44, interp ? 2 : 1, 2);
    }
    put(b, eh, 1, 4); /* PT_LOAD */
    if (interp)
        put(b, eh + ph, 3, 4); /* PT_INTERP */
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b, 1, sizeof b, f), sizeof b);
    assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
    fx *x = calloc(1, sizeof *x);
    sat_seckey *sk = NULL, *osk = NULL;
    sat_pubkey opk;
    sat_err err = {0};
    FILE *f;

    if (x == NULL)
        return -1;
    strcpy(x->dir, "/tmp/satchel-dcontent-XXXXXX");
    if (mkdtemp(x->dir) == NULL)
        return -1;
#define P(field, name) snprintf(x->field, sizeof x->field, "%s/%s", x->dir, name)
    P(bundle, "news.satchel");
    P(foreign, "foreign.satchel");
    P(pub, "news.pub");
    P(otherpub, "other.pub");
    P(r64, "read64");
    P(r32, "read32");
    P(rdyn, "readdyn");
    P(rarm, "readarm");
    P(rtext, "read.sh");
#undef P
    if (sat_keypair_generate(&x->pk, &sk, &err) != 0 ||
        sat_keypair_generate(&opk, &osk, &err) != 0 ||
        sat_pubkey_save(&x->pk, x->pub, 0, &err) != 0 ||
        sat_pubkey_save(&opk, x->otherpub, 0, &err) != 0)
        return -1;
    make_bundle(x->bundle, sk);
    make_bundle(x->foreign, osk);
    sat_seckey_free(sk);
    sat_seckey_free(osk);
    write_elf(x->r64, 1, 62, 0);  /* EM_X86_64 */
    write_elf(x->r32, 0, 3, 0);   /* EM_386 */
    write_elf(x->rdyn, 1, 62, 1); /* dynamic */
    write_elf(x->rarm, 1, 183, 0); /* EM_AARCH64 */
    f = fopen(x->rtext, "w");
    if (f == NULL)
        return -1;
    fputs("#!/bin/sh\necho not a program for the drive\n", f);
    fclose(f);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    fx *x = *state;

    test_rmtree(x->dir);
    free(x);
    return 0;
}

static int build(const fx *x, const char *bundle, const char *pub, const char **readers,
                 size_t nreaders, int no_reader, dp_plan **out, sat_err *err)
{
    dp_drive_opts o;
    const char *bundles[1];

    bundles[0] = bundle;
    memset(&o, 0, sizeof o);
    o.bundles = bundles;
    o.nbundles = 1;
    o.pubkey_path = pub;
    o.readers = readers;
    o.nreaders = nreaders;
    o.no_reader = no_reader;
    o.tmpdir = x->dir;
    assert_int_equal(dp_create(out, err), 0);
    return dp_build_drive(*out, &o, err);
}

static const dp_item *find(const dp_plan *p, const char *path)
{
    size_t i;

    for (i = 0; i < dp_count(p); i++)
        if (strcmp(dp_item_at(p, i)->path, path) == 0)
            return dp_item_at(p, i);
    fail_msg("%s is not in the plan", path);
    return NULL;
}

/* 1 when every LF in data[0..len) follows a CR. */
static int all_crlf(const unsigned char *data, size_t len)
{
    size_t i, lf = 0;

    for (i = 0; i < len; i++)
        if (data[i] == '\n') {
            if (i == 0 || data[i - 1] != '\r')
                return 0;
            lf++;
        }
    return lf > 0;
}

/* ------------------------------------------------------------------------
 * Tests
 * ------------------------------------------------------------------------ */

static void test_layout(void **state)
{
    static const char *const want[] = {
        "CHECKSUMS.b2",         "README.txt",           "key/fingerprint.txt",
        "key/publisher.pub",    "reader/linux-x86/satchel-read",
        "reader/linux-x86_64/satchel-read", "satchel/news.satchel",
        "satchel/news.satchel.parity"};
    fx *x = *state;
    const char *readers[2] = {x->r32, x->r64};
    char par[160], hex[65], line[200], fp[SAT_FINGERPRINT_LEN + 1], key[256];
    const dp_item *it, *ck, *rd;
    dp_plan *p = NULL;
    sat_err err = {0};
    FILE *f;
    size_t i;
    char *text;

    snprintf(par, sizeof par, "%s.parity", x->bundle);
    if (sat_parity_write(x->bundle, 5, par, NULL, NULL, &err) != 0)
        fail_msg("sat_parity_write: %s", err.msg);
    (void)f;
    if (build(x, x->bundle, x->pub, readers, 2, 0, &p, &err) != 0)
        fail_msg("dp_build_drive: %s", err.msg);
    assert_int_equal(dp_count(p), 8);
    for (i = 0; i < 8; i++) {
        it = dp_item_at(p, i);
        assert_string_equal(it->path, want[i]);
        assert_true(it->hashed);
    }
    assert_int_equal(find(p, "reader/linux-x86_64/satchel-read")->mode, 0755);
    assert_string_equal(find(p, "reader/linux-x86_64/satchel-read")->src, x->r64);
    assert_string_equal(find(p, "reader/linux-x86/satchel-read")->src, x->r32);
    assert_int_equal(find(p, "satchel/news.satchel")->kind, DP_BUNDLE);
    assert_int_equal(find(p, "satchel/news.satchel")->mode, 0644);
    assert_int_equal(find(p, "satchel/news.satchel.parity")->kind, DP_PARITY);
    assert_int_equal(find(p, "satchel/news.satchel.parity")->size,
                     sat_parity_size(find(p, "satchel/news.satchel")->size, 5));

    /* CHECKSUMS.b2: one line per other item, in order, with its hash */
    ck = find(p, "CHECKSUMS.b2");
    text = calloc(1, (size_t)ck->size + 1);
    assert_non_null(text);
    memcpy(text, ck->data, (size_t)ck->size);
    line[0] = '\0';
    for (i = 0; i < 8; i++) {
        char *pos;

        it = dp_item_at(p, i);
        if (it == ck)
            continue;
        sodium_bin2hex(hex, sizeof hex, it->hash, 32);
        snprintf(line, sizeof line, "%s  %s\n", hex, it->path);
        pos = strstr(text, line);
        assert_non_null(pos);
    }
    assert_null(strstr(text, "CHECKSUMS.b2"));
    assert_int_equal(ck->size, 7 * (64 + 2) + strlen("README.txt\n") +
                                   strlen("key/fingerprint.txt\n") +
                                   strlen("key/publisher.pub\n") +
                                   strlen("reader/linux-x86/satchel-read\n") +
                                   strlen("reader/linux-x86_64/satchel-read\n") +
                                   strlen("satchel/news.satchel\n") +
                                   strlen("satchel/news.satchel.parity\n"));
    free(text);

    /* README.txt: BOM, CRLF, Korean first, the fingerprint and the commands */
    sat_pubkey_fingerprint(&x->pk, fp);
    rd = find(p, "README.txt");
    text = calloc(1, (size_t)rd->size + 1);
    assert_non_null(text);
    memcpy(text, rd->data, (size_t)rd->size);
    assert_memory_equal(text, "\xEF\xBB\xBF", 3);
    assert_true(all_crlf(rd->data, (size_t)rd->size));
    assert_non_null(strstr(text, fp));
    assert_non_null(strstr(text, "먼저 여십시오"));
    assert_non_null(strstr(text, "Open this first"));
    assert_true(strstr(text, "먼저 여십시오") < strstr(text, "Open this first"));
    assert_non_null(strstr(text, "reader/linux-x86_64/satchel-read satchel/news.satchel"));
    assert_non_null(strstr(text, "reader/linux-x86/satchel-read"));
    assert_null(strstr(text, "web/news/index.html")); /* no export asked */
    assert_non_null(strstr(text, "F12"));
    free(text);

    /* key files */
    it = find(p, "key/fingerprint.txt");
    assert_true(all_crlf(it->data, (size_t)it->size));
    snprintf(line, sizeof line, "Fingerprint: %s\r\n", fp);
    assert_non_null(memmem(it->data, (size_t)it->size, line, strlen(line)));
    it = find(p, "key/publisher.pub");
    assert_int_equal(sat_pubkey_format(&x->pk, key, sizeof key), (int)it->size);
    assert_memory_equal(it->data, key, (size_t)it->size);
    dp_free(p);
}

static void test_refused(void **state)
{
    fx *x = *state;
    const char *r[2];
    dp_plan *p = NULL;
    sat_err err = {0};
    char bad[160], damaged[160];
    unsigned char *buf;
    size_t len;
    FILE *f;

    /* signed by another key, or checked against another key */
    assert_int_equal(build(x, x->foreign, x->pub, NULL, 0, 1, &p, &err), SAT_E_UNTRUSTED);
    assert_non_null(strstr(err.msg, "foreign.satchel"));
    assert_non_null(strstr(err.msg, "not signed by the publisher"));
    dp_free(p);
    assert_int_equal(build(x, x->bundle, x->otherpub, NULL, 0, 1, &p, &err), SAT_E_UNTRUSTED);
    dp_free(p);

    /* readers: dynamic, another machine, not ELF, two for one machine */
    r[0] = x->rdyn;
    assert_int_equal(build(x, x->bundle, x->pub, r, 1, 0, &p, &err), SAT_E_ARG);
    assert_non_null(strstr(err.msg, "dynamically linked"));
    assert_non_null(strstr(err.msg, "make static-reader"));
    dp_free(p);
    r[0] = x->rarm;
    assert_int_equal(build(x, x->bundle, x->pub, r, 1, 0, &p, &err), SAT_E_ARG);
    assert_non_null(strstr(err.msg, "machine 183"));
    dp_free(p);
    r[0] = x->rtext;
    assert_int_equal(build(x, x->bundle, x->pub, r, 1, 0, &p, &err), SAT_E_FORMAT);
    assert_non_null(strstr(err.msg, "not an ELF"));
    dp_free(p);
    r[0] = x->r64;
    r[1] = x->r64;
    assert_int_equal(build(x, x->bundle, x->pub, r, 2, 0, &p, &err), SAT_E_ARG);
    assert_non_null(strstr(err.msg, "given already"));
    dp_free(p);

    /* no reader at all: only with no_reader (none lies beside the test program) */
    assert_int_equal(build(x, x->bundle, x->pub, NULL, 0, 0, &p, &err), SAT_E_ARG);
    assert_non_null(strstr(err.msg, "--no-reader"));
    dp_free(p);
    assert_int_equal(build(x, x->bundle, x->pub, NULL, 0, 1, &p, &err), 0);
    assert_non_null(memmem(find(p, "README.txt")->data, (size_t)find(p, "README.txt")->size,
                           "no reader program on this drive", 31));
    assert_null(memmem(find(p, "README.txt")->data, (size_t)find(p, "README.txt")->size,
                       "reader/linux-x86_64/satchel-read satchel/", 41));
    dp_free(p);

    /* a name FAT cannot hold */
    snprintf(bad, sizeof bad, "%s/bad name.satchel", x->dir);
    assert_int_equal(link(x->bundle, bad), 0);
    assert_int_equal(build(x, bad, x->pub, NULL, 0, 1, &p, &err), SAT_E_ARG);
    assert_non_null(strstr(err.msg, "rename it"));
    dp_free(p);

    /* a damaged bundle: one byte flipped in its last data block */
    snprintf(damaged, sizeof damaged, "%s/damaged.satchel", x->dir);
    f = fopen(x->bundle, "rb");
    assert_non_null(f);
    buf = malloc(1 << 20);
    assert_non_null(buf);
    len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    assert_true(len > 4096);
    buf[len / 2] ^= 0x40;
    f = fopen(damaged, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, len, f), len);
    fclose(f);
    free(buf);
    assert_int_not_equal(build(x, damaged, x->pub, NULL, 0, 1, &p, &err), 0);
    assert_non_null(strstr(err.msg, "damaged.satchel"));
    dp_free(p);
}

/* A parity file beside the bundle must be the one made from it as it is now: one made from
 * other bytes (an earlier build), or garbage, is refused with a reason. */
static void test_stale_parity(void **state)
{
    fx *x = *state;
    dp_plan *p = NULL;
    sat_err err = {0};
    char par[160], other[160];
    FILE *f;

    snprintf(par, sizeof par, "%s.parity", x->bundle);
    snprintf(other, sizeof other, "%s.other", x->bundle);
    f = fopen(other, "wb");
    assert_non_null(f);
    fputs("an earlier bundle of the same name", f);
    fclose(f);
    assert_int_equal(sat_parity_write(other, 5, par, NULL, NULL, &err), 0);
    assert_int_not_equal(build(x, x->bundle, x->pub, NULL, 0, 1, &p, &err), 0);
    assert_non_null(strstr(err.msg, "was made for another bundle"));
    dp_free(p);
    p = NULL;
    f = fopen(par, "wb");
    assert_non_null(f);
    fputs("parity bytes", f);
    fclose(f);
    assert_int_not_equal(build(x, x->bundle, x->pub, NULL, 0, 1, &p, &err), 0);
    assert_non_null(strstr(err.msg, "is not usable recovery data"));
    dp_free(p);
    p = NULL;
    /* the right one is taken */
    assert_int_equal(sat_parity_write(x->bundle, 5, par, NULL, NULL, &err), 0);
    if (build(x, x->bundle, x->pub, NULL, 0, 1, &p, &err) != 0)
        fail_msg("dp_build_drive: %s", err.msg);
    dp_free(p);
    assert_int_equal(unlink(par), 0);
    assert_int_equal(unlink(other), 0);
}

/* With a medium's largest file set (FAT32), a parity file of 4 GiB is refused before the
 * bundle is verified or hashed. */
static void test_max_file(void **state)
{
    fx *x = *state;
    const char *bundles[1] = {x->bundle};
    dp_drive_opts o;
    dp_plan *p = NULL;
    sat_err err = {0};
    char par[160];
    int fd;

    snprintf(par, sizeof par, "%s.parity", x->bundle);
    fd = open(par, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)DP_FAT32_MAX_FILE + 1), 0);
    close(fd);
    memset(&o, 0, sizeof o);
    o.bundles = bundles;
    o.nbundles = 1;
    o.pubkey_path = x->pub;
    o.no_reader = 1;
    o.max_file = DP_FAT32_MAX_FILE;
    assert_int_equal(dp_create(&p, &err), 0);
    assert_int_equal(dp_build_drive(p, &o, &err), SAT_E_LIMIT);
    assert_non_null(strstr(err.msg, "satchel/news.satchel.parity"));
    assert_non_null(strstr(err.msg, "FAT32"));
    dp_free(p);
    assert_int_equal(truncate(par, (off_t)DP_FAT32_MAX_FILE), 0); /* 4 GiB - 1 fits */
    assert_int_equal(dp_check_size("x", DP_FAT32_MAX_FILE, DP_FAT32_MAX_FILE, &err), 0);
    assert_int_equal(unlink(par), 0);
}

static void test_export_tmpdir(void **state)
{
    fx *x = *state;
    const char *bundles[1] = {x->bundle};
    dp_drive_opts o;
    dp_plan *p = NULL;
    sat_err err = {0};
    const dp_item *it;
    char src[4096], *slash;
    struct stat st;

    memset(&o, 0, sizeof o);
    o.bundles = bundles;
    o.nbundles = 1;
    o.pubkey_path = x->pub;
    o.no_reader = 1;
    o.export_html = 1;
    o.lang = "en";
    o.tmpdir = x->dir;
    assert_int_equal(dp_create(&p, &err), 0);
    if (dp_build_drive(p, &o, &err) != 0)
        fail_msg("dp_build_drive: %s", err.msg);
    it = find(p, "web/news/index.html");
    assert_non_null(it->src);
    assert_int_equal(strncmp(it->src, x->dir, strlen(x->dir)), 0);
    find(p, "web/news/verify.html");
    /* README points to the export */
    assert_non_null(memmem(find(p, "README.txt")->data, (size_t)find(p, "README.txt")->size,
                           "web/news/index.html", 19));
    snprintf(src, sizeof src, "%s", it->src);
    assert_int_equal(stat(src, &st), 0);
    slash = strrchr(src, '/'); /* .../satchel-stage-XXXXXX/web-0/index.html */
    *slash = '\0';
    slash = strrchr(src, '/');
    *slash = '\0';
    dp_free(p);
    assert_int_not_equal(stat(src, &st), 0); /* the temporary folder is gone */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_layout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_max_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale_parity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export_tmpdir, setup, teardown),
    };

    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
