/* export_html.c - satchel-read export-html: walks the bundle, verifies every entry and
 * writes the site beneath the folder the user chose (export_html.h). */
#include "export_html.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export_pages.h"
#include "export_search.h"
#include "export_toc.h"
#include "sat_bundle.h"

#define EH_EXIT_DAMAGED 1
#define EH_EXIT_FORGED 3
#define EH_EXIT_IO 4

/* One tree of the export (e/, m/ or s/) and the last of its folders written to. */
typedef struct eh_tree {
    int fd;          /* DIR/e, DIR/m or DIR/s */
    int sub;         /* DIR/e/NNN, or -1 */
    char subname[24];
} eh_tree;

typedef struct eh_ctx {
    ep_site site;
    FILE *msgs;
    const char *to;       /* DIR as the user gave it (messages) */
    int dirfd;            /* DIR */
    eh_tree e, m, s;      /* pages, media, section pages */
    int owned;            /* DIR was empty or an earlier export: e/, m/ and s/ are ours */
    size_t npages_s;      /* section pages written (s/) */
    uint64_t tmpseq;
    uint64_t pages, files; /* written */
    sat_buf buf;
    sat_buf search; /* search-data.js */
} eh_ctx;

/* Prints untrusted text sanitised. */
static void eh_put(FILE *f, const char *s)
{
    sat_buf b = {0};

    if (s != NULL && sat_text_sanitize(&b, s, strlen(s), 0) == 0 && b.len > 0)
        fwrite(b.data, 1, b.len, f);
    sat_buf_free(&b);
}

static void eh_say(eh_ctx *c, const char *what, const char *id, const char *msg)
{
    fprintf(c->msgs, "satchel-read: %s", what);
    if (id != NULL) {
        fputs(" ", c->msgs);
        eh_put(c->msgs, id);
    }
    if (msg != NULL) {
        fputs(": ", c->msgs);
        eh_put(c->msgs, msg);
    }
    fputc('\n', c->msgs);
}

/* ------------------------------------------------------------------------
 * writing beneath DIR
 * ------------------------------------------------------------------------ */

/* A new temporary file in dfd: O_CREAT|O_EXCL|O_NOFOLLOW, never an existing name. */
static int eh_tmp_open(eh_ctx *c, int dfd, char tmp[48])
{
    snprintf(tmp, 48, ".tmp-%ld-%" PRIu64, (long)getpid(), c->tmpseq++);
    return openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
}

/* Closes fd and renames tmp over name (a symlink there is replaced, never followed);
 * on ok == 0 or any failure the temporary file is removed. Returns 0 or SAT_E_IO. */
static int eh_tmp_finish(int dfd, int fd, const char *tmp, const char *name, int ok, sat_err *err)
{
    int rc = ok ? 0 : SAT_E_IO;

    if (close(fd) != 0 && rc == 0)
        rc = sat_err_set(err, SAT_E_IO, "cannot write %s: %s", name, strerror(errno));
    if (rc == 0 && renameat(dfd, tmp, dfd, name) != 0)
        rc = sat_err_set(err, SAT_E_IO, "cannot put %s in place: %s", name, strerror(errno));
    if (rc != 0)
        unlinkat(dfd, tmp, 0);
    return rc;
}

/* Writes data[0..len) as dfd/name through a temporary file. */
static int eh_write(eh_ctx *c, int dfd, const char *name, const char *data, size_t len,
                    sat_err *err)
{
    char tmp[48];
    size_t done = 0;
    int fd = eh_tmp_open(c, dfd, tmp);

    if (fd < 0)
        return sat_err_set(err, SAT_E_IO, "cannot create a file for %s: %s", name,
                           strerror(errno));
    while (done < len) {
        ssize_t w = write(fd, data + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            sat_err_set(err, SAT_E_IO, "cannot write %s: %s", name,
                        w < 0 ? strerror(errno) : "no space");
            eh_tmp_finish(dfd, fd, tmp, name, 0, NULL);
            return SAT_E_IO;
        }
        done += (size_t)w;
    }
    return eh_tmp_finish(dfd, fd, tmp, name, 1, err);
}

/* A subfolder of DIR, created if missing, opened without following a symlink. */
static int eh_subdir(int dirfd, const char *name, const char *to, FILE *msgs)
{
    int fd;

    if (mkdirat(dirfd, name, 0755) != 0 && errno != EEXIST) {
        fprintf(msgs, "satchel-read: cannot create folder %s/%s: %s\n", to, name, strerror(errno));
        return -1;
    }
    fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        fprintf(msgs, "satchel-read: cannot open folder %s/%s (%s)\n", to, name,
                errno == ELOOP || errno == ENOTDIR ? "it is not a plain folder" : strerror(errno));
    return fd;
}

/* The folder of path ("e/012/012345.html": DIR/e/012) in tree t, created if missing and
 * opened without following a symlink; the last one stays open. Sets *name to the file
 * name. Returns the folder's descriptor, or -1 (reported). */
static int eh_tree_dir(eh_ctx *c, eh_tree *t, const char *path, const char **name)
{
    const char *a = strchr(path, '/'), *z = strrchr(path, '/');
    size_t n = (size_t)(z - a - 1);
    char where[4096];

    *name = z + 1;
    if (t->sub >= 0 && strlen(t->subname) == n && memcmp(t->subname, a + 1, n) == 0)
        return t->sub;
    if (t->sub >= 0)
        close(t->sub);
    snprintf(t->subname, sizeof t->subname, "%.*s", (int)n, a + 1);
    snprintf(where, sizeof where, "%s/%.*s", c->to, (int)(a - path), path);
    t->sub = eh_subdir(t->fd, t->subname, where, c->msgs);
    return t->sub;
}

/* Writes data[0..len) as path ("e/012/012345.html") in tree t. */
static int eh_write_path(eh_ctx *c, eh_tree *t, const char *path, const char *data, size_t len,
                         sat_err *err)
{
    const char *name;
    int dfd = eh_tree_dir(c, t, path, &name);

    if (dfd < 0)
        return sat_err_set(err, SAT_E_IO, "cannot open the folder of %s", path);
    return eh_write(c, dfd, name, data, len, err);
}

/* 1 when dirfd holds nothing, or holds the marker of an earlier export. */
static int eh_dir_reusable(int dirfd)
{
    struct stat st;
    struct dirent *d;
    DIR *dir;
    int fd = dup(dirfd), empty = 1;

    if (fstatat(dirfd, EH_MARKER, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
        return 1;
    if (fd < 0 || (dir = fdopendir(fd)) == NULL) {
        if (fd >= 0)
            close(fd);
        return 0;
    }
    while (empty && (d = readdir(dir)) != NULL)
        if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0)
            empty = 0;
    closedir(dir);
    return empty;
}

/* DIR created if missing (never through a symlink), refused when it is a file, a symlink,
 * or not empty and not an earlier export (unless force); then e/ and m/. 0 or -1. */
static int eh_open_target(eh_ctx *c, const char *to, int force)
{
    struct stat st;

    if (lstat(to, &st) == 0) {
        if (S_ISLNK(st.st_mode) || !S_ISDIR(st.st_mode)) {
            fprintf(c->msgs, "satchel-read: %s is %s; give a plain folder\n", to,
                    S_ISLNK(st.st_mode) ? "a symbolic link" : "not a folder");
            return -1;
        }
    } else if (errno != ENOENT || mkdir(to, 0755) != 0) {
        fprintf(c->msgs, "satchel-read: cannot create folder %s: %s\n", to, strerror(errno));
        return -1;
    }
    c->dirfd = open(to, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (c->dirfd < 0) {
        fprintf(c->msgs, "satchel-read: cannot open folder %s: %s\n", to, strerror(errno));
        return -1;
    }
    c->owned = eh_dir_reusable(c->dirfd);
    if (!force && !c->owned) {
        fprintf(c->msgs,
                "satchel-read: %s is not empty and holds no earlier export (no %s); "
                "choose an empty folder or add --force\n",
                to, EH_MARKER);
        return -1;
    }
    if ((c->e.fd = eh_subdir(c->dirfd, "e", to, c->msgs)) < 0 ||
        (c->m.fd = eh_subdir(c->dirfd, "m", to, c->msgs)) < 0 ||
        (c->s.fd = eh_subdir(c->dirfd, "s", to, c->msgs)) < 0)
        return -1;
    return 0;
}

/* ------------------------------------------------------------------------
 * the entries
 * ------------------------------------------------------------------------ */

/* A media file's extension and how pages show it: from the id's own extension when it
 * is on the list (no SVG: it can hold script), else "bin", a plain link. */
static void eh_media_type(ep_item *it)
{
    static const char *const images[] = {"png", "jpg", "jpeg", "gif", "webp", "bmp"};
    static const char *const audio[] = {"ogg", "oga", "opus", "mp3", "wav", "m4a", "flac",
                                        "aac", "weba", "webm"};
    const char *dot = strrchr(it->e->id, '.');
    size_t i;

    snprintf(it->ext, sizeof it->ext, "bin");
    it->mkind = RH_T_FILE;
    if (dot == NULL)
        return;
    for (i = 0; i < sizeof images / sizeof images[0]; i++)
        if (it->e->kind == SAT_KIND_IMAGE && strcasecmp(dot + 1, images[i]) == 0) {
            snprintf(it->ext, sizeof it->ext, "%s", images[i]);
            it->mkind = RH_T_IMAGE;
        }
    for (i = 0; i < sizeof audio / sizeof audio[0]; i++)
        if (it->e->kind == SAT_KIND_AUDIO && strcasecmp(dot + 1, audio[i]) == 0) {
            snprintf(it->ext, sizeof it->ext, "%s", audio[i]);
            it->mkind = RH_T_AUDIO;
        }
}

static void eh_damaged(eh_ctx *c, ep_item *it, const sat_err *err)
{
    it->status = EP_DAMAGED;
    free(it->why);
    it->why = strdup(err->msg);
    c->site.n_damaged++;
    c->site.forged |= err->code == SAT_E_FORMAT;
    eh_say(c, err->code == SAT_E_FORMAT ? "NOT GENUINE, not exported:" : "DAMAGED, not exported:",
           it->e->id, err->msg);
}

/* Every entry of every index page that loads, in id order; lost pages are counted and
 * listed for verify.html. Then attachments are linked to their parents. */
static int eh_collect(eh_ctx *c)
{
    ep_site *s = &c->site;
    const sat_manifest *m = sat_bundle_manifest(s->b);
    size_t pi, k;

    s->items = calloc((size_t)sat_bundle_count(s->b) + 1, sizeof *s->items);
    if (s->items == NULL)
        return SAT_E_NOMEM;
    for (pi = 0; pi < m->n_pages; pi++) {
        const sat_page *pg = &m->pages[pi];
        const sat_mentry *e;
        sat_err err = {0};
        uint64_t j;
        if (sat_bundle_entry(s->b, pg->first, &e, &err) != 0) {
            s->n_lost += pg->count;
            s->forged |= err.code == SAT_E_FORMAT;
            eh_say(c,
                   err.code == SAT_E_FORMAT ? "NOT GENUINE index page, entries not exported from"
                                            : "DAMAGED index page, entries not exported from",
                   pg->first_id, err.msg);
            if (sat_buf_puts(&s->lost_html, "<li>") != 0 ||
                rmsg_appendf(&s->lost_html, MSG_HTML_LOST_PAGE, (unsigned long)pg->count) != 0 ||
                sat_buf_puts(&s->lost_html, "<br><small>") != 0 ||
                rh_escape_str(&s->lost_html, err.msg) != 0 ||
                sat_buf_puts(&s->lost_html, "</small></li>\n") != 0)
                return SAT_E_NOMEM;
            continue;
        }
        for (j = 0; j < pg->count; j++) {
            if (sat_bundle_entry(s->b, pg->first + j, &e, NULL) != 0)
                continue;
            s->items[s->n].e = e;
            s->items[s->n].num = pg->first + j;
            s->items[s->n].parent = s->items[s->n].child = s->items[s->n].sibling = SIZE_MAX;
            if (!sat_kind_is_text(e->kind))
                eh_media_type(&s->items[s->n]);
            s->n++;
        }
    }
    /* attachments: the parent's list, in id order */
    for (k = s->n; k-- > 0;) {
        ep_item *it = &s->items[k];
        size_t p;
        if (sat_kind_is_text(it->e->kind) || it->e->parent == NULL)
            continue;
        p = ep_find(s, it->e->parent, strlen(it->e->parent));
        if (p == SIZE_MAX || !sat_kind_is_text(s->items[p].e->kind))
            continue;
        it->parent = p;
        it->sibling = s->items[p].child;
        s->items[p].child = k;
    }
    return 0;
}

/* A media entry above SAT_READ_MAX: every byte was hashed by sat_bundle_check; the copy
 * checks again and is only renamed into place when it matches (a file changed between the
 * two reads is removed). Returns 0, a sat error of the entry, or 1 when m/ cannot be
 * written (reported). */
static int eh_copy_big(eh_ctx *c, const ep_item *it, const char *path, sat_err *err)
{
    char tmp[48];
    const char *name;
    int dfd = eh_tree_dir(c, &c->m, path, &name), fd = -1, rc;

    if (dfd < 0 || (fd = eh_tmp_open(c, dfd, tmp)) < 0) {
        eh_say(c, "cannot create a file for", path, dfd < 0 ? NULL : strerror(errno));
        return 1;
    }
    rc = sat_bundle_copy(c->site.b, it->e, fd, err);
    if (rc == SAT_E_IO || rc == SAT_E_NOMEM) {
        eh_tmp_finish(dfd, fd, tmp, name, 0, NULL);
        eh_say(c, "cannot write", path, err->msg);
        return 1;
    }
    if (eh_tmp_finish(dfd, fd, tmp, name, rc == 0, rc == 0 ? err : NULL) != 0 && rc == 0) {
        eh_say(c, "cannot write", path, err->msg);
        return 1;
    }
    return rc;
}

/* Writes every media entry into m/, each only after all its bytes matched their signed
 * hash (in memory up to SAT_READ_MAX, else hashed once before the copy); a damaged one
 * is never written. */
static int eh_media(eh_ctx *c)
{
    ep_site *s = &c->site;
    size_t k;

    for (k = 0; k < s->n; k++) {
        ep_item *it = &s->items[k];
        char path[RH_HREF_MAX], *data = NULL;
        size_t len = 0;
        sat_err err = {0};
        int rc;
        if (sat_kind_is_text(it->e->kind))
            continue;
        ep_item_path(it, path);
        if (it->e->size <= SAT_READ_MAX) {
            rc = sat_bundle_read(s->b, it->e, &data, &len, &err);
            if (rc == 0 && eh_write_path(c, &c->m, path, data, len, &err) != 0) {
                free(data);
                eh_say(c, "cannot write", path, err.msg);
                return SAT_E_IO;
            }
            free(data);
        } else if ((rc = sat_bundle_check(s->b, it->e, &err)) == 0 &&
                   (rc = eh_copy_big(c, it, path, &err)) == 1) {
            return SAT_E_IO;
        }
        if (rc != 0) {
            eh_damaged(c, it, &err);
            continue;
        }
        it->status = EP_WRITTEN;
        c->files++;
    }
    return 0;
}

/* Storage order: each cluster is decompressed once. */
static const ep_item *cmp_items;
static int eh_cmp_storage(const void *a, const void *b)
{
    const sat_mentry *x = cmp_items[*(const size_t *)a].e, *y = cmp_items[*(const size_t *)b].e;

    if (x->unit != y->unit)
        return x->unit < y->unit ? -1 : 1;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* Reads (hash-checked), renders and writes the page of every text entry. */
static int eh_texts(eh_ctx *c)
{
    ep_site *s = &c->site;
    size_t *order = calloc(s->n + 1, sizeof *order), n = 0, k;
    int rc = 0;

    if (order == NULL)
        return SAT_E_NOMEM;
    for (k = 0; k < s->n; k++)
        if (sat_kind_is_text(s->items[k].e->kind))
            order[n++] = k;
    cmp_items = s->items;
    qsort(order, n, sizeof *order, eh_cmp_storage);
    for (k = 0; k < n && rc == 0; k++) {
        ep_item *it = &s->items[order[k]];
        char path[RH_HREF_MAX], *body = NULL;
        size_t len = 0;
        sat_err err = {0};
        if (sat_bundle_read(s->b, it->e, &body, &len, &err) != 0) {
            eh_damaged(c, it, &err);
            continue;
        }
        s->cur = order[k];
        c->buf.len = 0;
        rc = ep_entry_page(&c->buf, s, body, len, &err);
        ep_item_path(it, path);
        if (rc == 0)
            rc = eh_write_path(c, &c->e, path, c->buf.data, c->buf.len, &err);
        if (rc == 0 && es_data_add(&c->search, path, it->e, body, len) != 0)
            rc = sat_err_set(&err, SAT_E_NOMEM, "out of memory building the search index");
        free(body);
        if (rc != 0) {
            eh_say(c, "cannot write", path, err.msg);
            rc = SAT_E_IO;
            break;
        }
        it->status = EP_WRITTEN;
        c->pages++;
    }
    free(order);
    return rc;
}

/* The item numbered num (numbers rise with the id order of items), or NULL. */
static const ep_item *eh_find_num(const ep_site *s, uint64_t num)
{
    size_t lo = 0, hi = s->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->items[mid].num == num)
            return &s->items[mid];
        if (s->items[mid].num < num)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* 1 if name has the form of an export's file ("000012.html", "000031.png") or of its
 * temporary files (".tmp-PID-N"). */
static int eh_own_name(const char *name, uint64_t *num, int *tmp)
{
    size_t i = 0, ext = 0;

    *tmp = strncmp(name, ".tmp-", 5) == 0;
    if (*tmp)
        return strspn(name + 5, "0123456789-") == strlen(name + 5);
    *num = 0;
    for (; name[i] >= '0' && name[i] <= '9' && i < 8; i++)
        *num = *num * 10 + (uint64_t)(name[i] - '0');
    if (i < 6 || name[i] != '.')
        return 0;
    ext = strspn(name + i + 1, "abcdefghijklmnopqrstuvwxyz0123456789");
    return ext >= 2 && ext <= 5 && name[i + 1 + ext] == '\0';
}

/* 1 if name has the form of a folder of a tree ("012": 3 to 5 digits). */
static int eh_shard_name(const char *name)
{
    size_t n = strspn(name, "0123456789");

    return n >= 3 && n <= 5 && name[n] == '\0';
}

/* 1 when TREE/sub/name is a file this export wrote (tree 'e', 'm' or 's'). */
static int eh_keep(const eh_ctx *c, char tree, const char *sub, const char *name, uint64_t num)
{
    char want[RH_HREF_MAX], have[RH_HREF_MAX];
    const ep_item *it;

    if (tree == 's') {
        if (num >= c->npages_s)
            return 0;
        ep_shard_path('s', num, "html", want);
    } else {
        it = eh_find_num(&c->site, num);
        if (it == NULL || it->status != EP_WRITTEN)
            return 0;
        ep_item_path(it, want);
    }
    if (snprintf(have, sizeof have, "%c/%s/%s", tree, sub, name) >= (int)sizeof have)
        return 0;
    return strcmp(want, have) == 0;
}

/* After a complete export into a folder that is ours: removes from tree (e/, m/ or s/,
 * open as dfd) what an earlier export left and this one did not write (entries no
 * longer in the bundle or damaged now, section pages no longer needed, the flat e/ and m/
 * of older exports), temporary files of a run that was killed, and folders of the tree
 * left empty. Only names of the export's own forms are touched; a folder is entered only
 * when it is a real folder (O_NOFOLLOW|O_DIRECTORY), never through a symlink, and one
 * level deep. Other names are kept. */
static void eh_prune(eh_ctx *c, int dfd, char tree, const char *sub)
{
    struct dirent *d;
    DIR *dir;
    int fd = dup(dfd);

    if (fd < 0 || lseek(fd, 0, SEEK_SET) != 0 || (dir = fdopendir(fd)) == NULL) {
        if (fd >= 0)
            close(fd);
        return;
    }
    while ((d = readdir(dir)) != NULL) {
        uint64_t num = 0;
        int tmp;
        if (sub == NULL && eh_shard_name(d->d_name)) {
            int sfd = openat(dfd, d->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sfd < 0)
                continue; /* a symlink or a file: not entered, not removed */
            eh_prune(c, sfd, tree, d->d_name);
            close(sfd);
            unlinkat(dfd, d->d_name, AT_REMOVEDIR); /* only when it is empty now */
            continue;
        }
        if (!eh_own_name(d->d_name, &num, &tmp))
            continue;
        if (!tmp && sub != NULL && eh_keep(c, tree, sub, d->d_name, num))
            continue;
        unlinkat(dfd, d->d_name, 0);
    }
    closedir(dir);
}

/* The contents: index.html and the section pages s/NNN/NNNNNN.html (export_toc.h). */
static int eh_contents(eh_ctx *c, sat_err *err)
{
    et_toc *t = NULL;
    char path[RH_HREF_MAX];
    size_t p;
    int rc = et_toc_create(&t, &c->site, err);

    for (p = 0; rc == 0 && p < et_page_count(t); p++) {
        c->buf.len = 0;
        ep_shard_path('s', p, "html", path);
        rc = et_section_page(&c->buf, t, p, err);
        if (rc == 0)
            rc = eh_write_path(c, &c->s, path, c->buf.data, c->buf.len, err);
        if (rc == 0)
            c->npages_s = p + 1;
    }
    c->buf.len = 0;
    if (rc == 0)
        rc = et_index_page(&c->buf, t, err);
    if (rc == 0)
        rc = eh_write(c, c->dirfd, "index.html", c->buf.data, c->buf.len, err);
    if (rc == 0)
        c->pages += c->npages_s;
    et_toc_free(t);
    return rc;
}

/* index.html, verify.html, style.css and the marker. */
static int eh_site_files(eh_ctx *c)
{
    static const char marker[] = "This folder was written by satchel-read export-html.\n"
                                 "Open index.html in a web browser.\n";
    const char *css = ep_style_css();
    sat_err err = {0};
    int rc;

    rc = eh_contents(c, &err);
    c->buf.len = 0;
    if (rc == 0)
        rc = ep_verify_page(&c->buf, &c->site, &err);
    if (rc == 0)
        rc = eh_write(c, c->dirfd, "verify.html", c->buf.data, c->buf.len, &err);
    if (rc == 0)
        rc = eh_write(c, c->dirfd, "style.css", css, strlen(css), &err);
    c->buf.len = 0;
    if (rc == 0 && (es_page(&c->buf) != 0 || es_data_end(&c->search) != 0))
        rc = sat_err_set(&err, SAT_E_NOMEM, "out of memory building the search page");
    if (rc == 0)
        rc = eh_write(c, c->dirfd, "search.html", c->buf.data, c->buf.len, &err);
    if (rc == 0)
        rc = eh_write(c, c->dirfd, "search-data.js", c->search.data, c->search.len, &err);
    if (rc == 0)
        rc = eh_write(c, c->dirfd, "search.js", es_script(), strlen(es_script()), &err);
    if (rc == 0)
        rc = eh_write(c, c->dirfd, EH_MARKER, marker, sizeof marker - 1, &err);
    if (rc != 0)
        eh_say(c, "cannot write the site", NULL, err.msg);
    else
        c->pages += 3;
    return rc;
}

/* ------------------------------------------------------------------------
 * the command
 * ------------------------------------------------------------------------ */

int eh_export(const char *path, const eh_opts *o, FILE *msgs)
{
    eh_ctx c;
    sat_err err = {0};
    size_t k;
    int rc, status = 0;

    memset(&c, 0, sizeof c);
    c.msgs = msgs;
    c.to = o->to;
    c.dirfd = c.e.fd = c.m.fd = c.s.fd = -1;
    c.e.sub = c.m.sub = c.s.sub = -1;
    rmsg_set_lang(o->lang);
    /* nothing is created before the signature verified */
    if ((rc = sat_bundle_open(path, o->keys, o->nkeys, &c.site.b, &err)) != 0) {
        fputs("satchel-read: NOT VERIFIED, nothing exported: ", msgs);
        eh_put(msgs, err.msg);
        fputc('\n', msgs);
        return rc == SAT_E_SIG || rc == SAT_E_UNTRUSTED || rc == SAT_E_FORMAT || rc == SAT_E_LIMIT
                   ? EH_EXIT_FORGED
                   : EH_EXIT_DAMAGED;
    }
    if (eh_collect(&c) != 0 || es_data_begin(&c.search) != 0) {
        fputs("satchel-read: out of memory\n", msgs);
        status = EH_EXIT_IO;
        goto cleanup;
    }
    if (eh_open_target(&c, o->to, o->force) != 0 || eh_media(&c) != 0 || eh_texts(&c) != 0 ||
        eh_site_files(&c) != 0) {
        status = EH_EXIT_IO;
        goto cleanup;
    }
    if (c.owned) {
        eh_prune(&c, c.e.fd, 'e', NULL);
        eh_prune(&c, c.m.fd, 'm', NULL);
        eh_prune(&c, c.s.fd, 's', NULL);
    }
    if (syncfs(c.dirfd) != 0) {
        fprintf(msgs, "satchel-read: cannot flush %s to the drive: %s\n", o->to, strerror(errno));
        status = EH_EXIT_IO;
        goto cleanup;
    }
    c.buf.len = 0;
    if (rmsg_appendf(&c.buf, MSG_HTML_CLI_DONE, (unsigned long)c.pages, (unsigned long)c.files,
                "index.html") == 0)
        fprintf(msgs, "satchel-read: %s\n", c.buf.data);
    if (c.site.forged)
        status = EH_EXIT_FORGED;
    else if (c.site.n_damaged > 0 || c.site.n_lost > 0)
        status = EH_EXIT_DAMAGED;
cleanup:
    for (k = 0; k < c.site.n; k++)
        free(c.site.items[k].why);
    free(c.site.items);
    sat_buf_free(&c.site.lost_html);
    sat_buf_free(&c.buf);
    sat_buf_free(&c.search);
    for (k = 0; k < 3; k++) {
        eh_tree *t = k == 0 ? &c.e : k == 1 ? &c.m : &c.s;
        if (t->sub >= 0)
            close(t->sub);
        if (t->fd >= 0)
            close(t->fd);
    }
    if (c.dirfd >= 0)
        close(c.dirfd);
    sat_bundle_close(c.site.b);
    return status;
}
