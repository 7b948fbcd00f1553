/* test_export_pages.c - tests for the pure parts of reader/export_pages.c: the sharded
 * file names of the web export and the paging of its contents. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "export_pages.h"
#include "export_toc.h"
#include "msg.h"
#include "render_html.h"

/* ------------------------------------------------------------------------ */
/* file names                                                               */
/* ------------------------------------------------------------------------ */

static void t_shard_path(void **state)
{
    char p[RH_HREF_MAX];

    (void)state;
    ep_shard_path('e', 0, "html", p);
    assert_string_equal(p, "e/000/000000.html");
    ep_shard_path('e', 999, "html", p);
    assert_string_equal(p, "e/000/000999.html");
    ep_shard_path('e', 1000, "html", p); /* the first of the next folder */
    assert_string_equal(p, "e/001/001000.html");
    ep_shard_path('m', 99999, "jpeg", p);
    assert_string_equal(p, "m/099/099999.jpeg");
    ep_shard_path('s', 123456, "html", p);
    assert_string_equal(p, "s/123/123456.html");
    ep_shard_path('e', 1234567, "html", p); /* past a million: the names grow a digit */
    assert_string_equal(p, "e/1234/1234567.html");
    ep_shard_path('e', UINT64_MAX, "toolongext", p); /* never past the buffer */
    assert_true(strlen(p) < RH_HREF_MAX);
    assert_int_equal(strncmp(p, "e/18446744073709551/18446744073709551615.toolong", 49), 0);
    /* every name a page links to passes the renderer's href check, from two folders down */
    {
        char href[RH_HREF_MAX + 8];
        ep_shard_path('m', 2001, "png", p);
        snprintf(href, sizeof href, "../../%s", p);
        assert_true(rh_href_safe(href));
        assert_true(rh_href_safe(p));
    }
}

static void t_item_path(void **state)
{
    sat_mentry text = {0}, img = {0};
    ep_item it = {0};
    char p[RH_HREF_MAX];

    (void)state;
    text.id = "news/a";
    text.kind = SAT_KIND_ARTICLE;
    it.e = &text;
    it.num = 1042;
    ep_item_path(&it, p);
    assert_string_equal(p, "e/001/001042.html");
    text.kind = SAT_KIND_TRANSCRIPT;
    ep_item_path(&it, p);
    assert_string_equal(p, "e/001/001042.html");
    img.id = "pic.png";
    img.kind = SAT_KIND_IMAGE;
    it.e = &img;
    it.num = 7;
    snprintf(it.ext, sizeof it.ext, "png");
    ep_item_path(&it, p);
    assert_string_equal(p, "m/000/000007.png");
}

/* ------------------------------------------------------------------------ */
/* paging                                                                   */
/* ------------------------------------------------------------------------ */

/* The pages of n rows of equal length len. */
static size_t plan_equal(size_t n, size_t len, size_t rows, size_t bytes, size_t *first)
{
    size_t *l = calloc(n + 1, sizeof *l), k, np;

    assert_non_null(l);
    for (k = 0; k < n; k++)
        l[k] = len;
    np = ep_pages_plan(l, n, rows, bytes, first);
    free(l);
    return np;
}

static void t_pages_by_rows(void **state)
{
    size_t first[2600];

    (void)state;
    assert_int_equal(plan_equal(0, 100, 1000, 1000000, first), 1); /* nothing: one page */
    assert_int_equal(first[0], 0);
    assert_int_equal(plan_equal(1, 100, 1000, 1000000, first), 1);
    assert_int_equal(plan_equal(1000, 100, 1000, 1000000, first), 1); /* exactly full */
    assert_int_equal(plan_equal(1001, 100, 1000, 1000000, first), 2); /* one over */
    assert_int_equal(first[1], 1000);
    assert_int_equal(plan_equal(2500, 10, 1000, 1000000, first), 3);
    assert_int_equal(first[0], 0);
    assert_int_equal(first[1], 1000);
    assert_int_equal(first[2], 2000);
}

static void t_pages_by_bytes(void **state)
{
    size_t first[16];
    size_t mixed[] = {40, 40, 20, 1, 100, 250, 30, 70};

    (void)state;
    /* 100 bytes a page: 40+40+20 | 1 | 100 | 250 (alone, too long) | 30+70 */
    assert_int_equal(ep_pages_plan(mixed, 8, 1000, 100, first), 5);
    assert_int_equal(first[0], 0);
    assert_int_equal(first[1], 3);
    assert_int_equal(first[2], 4);
    assert_int_equal(first[3], 5);
    assert_int_equal(first[4], 6);
    /* both limits: 3 rows a page wins over bytes */
    assert_int_equal(ep_pages_plan(mixed, 8, 3, 1000, first), 3);
    assert_int_equal(first[1], 3);
    assert_int_equal(first[2], 6);
    /* the export's own limits: 1,000 rows of 300 bytes do not fit EP_PAGE_BYTES */
    {
        size_t big[2600];
        size_t np = plan_equal(1000, 300, EP_PAGE_ROWS, EP_PAGE_BYTES, big), p;
        assert_int_equal(np, 2);
        assert_int_equal(big[1], EP_PAGE_BYTES / 300);
        /* no page over the byte bound, none over the row bound, every row on a page */
        np = plan_equal(2600, 200, EP_PAGE_ROWS, EP_PAGE_BYTES, big);
        for (p = 0; p < np; p++) {
            size_t end = p + 1 < np ? big[p + 1] : 2600;
            assert_true(end > big[p]);
            assert_true(end - big[p] <= EP_PAGE_ROWS);
            assert_true((end - big[p]) * 200 <= EP_PAGE_BYTES);
        }
        /* a hostile length near SIZE_MAX does not wrap the sum */
        mixed[1] = SIZE_MAX;
        assert_int_equal(ep_pages_plan(mixed, 3, 1000, 100, first), 3);
        assert_int_equal(first[1], 1);
        assert_int_equal(first[2], 2);
    }
}

/* ------------------------------------------------------------------------ */
/* section pages (export_toc.c) on a site built in memory                   */
/* ------------------------------------------------------------------------ */

static size_t count_of(const char *h, const char *needle)
{
    size_t n = 0;

    for (; (h = strstr(h, needle)) != NULL; h += strlen(needle))
        n++;
    return n;
}

#define TOC_N 1205

/* 1,200 dated entries in section "A", 3 in "B <b>", one with no section, one image that
 * belongs to no page. */
static void t_toc_pages(void **state)
{
    static sat_mentry e[TOC_N];
    static ep_item items[TOC_N];
    static char ids[TOC_N][16], dates[TOC_N][16], titles[TOC_N][16];
    ep_site site;
    et_toc *t = NULL;
    sat_buf h = {0};
    sat_err err = {0};
    size_t k;

    (void)state;
    memset(&site, 0, sizeof site);
    for (k = 0; k < TOC_N; k++) {
        snprintf(ids[k], sizeof ids[k], "id%05zu", k);
        snprintf(dates[k], sizeof dates[k], "%04zu-%02zu-%02zu", 2000 + k / 336,
                 1 + k / 28 % 12, 1 + k % 28);
        snprintf(titles[k], sizeof titles[k], "T%zu", k);
        memset(&e[k], 0, sizeof e[k]);
        e[k].id = ids[k];
        e[k].kind = SAT_KIND_ARTICLE;
        e[k].title = titles[k];
        e[k].date = k < 1200 ? dates[k] : NULL;
        e[k].section = k < 1200 ? "A" : k < 1203 ? "B <b>" : NULL;
        items[k].e = &e[k];
        items[k].num = k;
        items[k].status = EP_WRITTEN;
        items[k].parent = items[k].child = items[k].sibling = SIZE_MAX;
    }
    e[TOC_N - 1].kind = SAT_KIND_IMAGE;
    snprintf(items[TOC_N - 1].ext, sizeof items[TOC_N - 1].ext, "png");
    site.items = items;
    site.n = TOC_N;
    assert_int_equal(et_toc_create(&t, &site, &err), 0);
    /* A: 1,000 + 200; B; no section; the image */
    assert_int_equal(et_page_count(t), 5);
    assert_false(et_index_complete(t));
    assert_int_equal(et_section_page(&h, t, 0, &err), 0);
    assert_int_equal(count_of(h.data, "<li>"), 1000);
    assert_non_null(strstr(h.data, "<link rel=\"stylesheet\" href=\"../../style.css\">"));
    assert_non_null(strstr(h.data, "Page 1 of 2 <a href=\"../../s/000/000001.html\">Next page"));
    assert_null(strstr(h.data, "Previous")); /* the first page of all */
    h.len = 0;
    assert_int_equal(et_section_page(&h, t, 1, &err), 0);
    assert_int_equal(count_of(h.data, "<li>"), 200);
    assert_non_null(strstr(h.data, "<a href=\"../../s/000/000000.html\">Previous page (newer)"
                                   "</a> Page 2 of 2 <a href=\"../../s/000/000002.html\">Next "
                                   "section: B &lt;b&gt;</a>"));
    /* newest first: the oldest of A (entry 0) is the last row of its last page */
    assert_non_null(strstr(h.data, "<li><a href=\"../../e/000/000000.html\">T0</a>"));
    assert_true(strstr(h.data, ">T28<") < strstr(h.data, ">T0<"));
    assert_non_null(strstr(h.data, ">T0</a> <span class=\"date\">2000-01-01</span> <span "
                                   "class=\"kind\">Article</span></li>\n</ul>"));
    h.len = 0;
    assert_int_equal(et_section_page(&h, t, 3, &err), 0);
    assert_non_null(strstr(h.data, "<h1>Other</h1>"));
    assert_non_null(strstr(h.data, "../../e/001/001203.html"));
    h.len = 0;
    assert_int_equal(et_section_page(&h, t, 4, &err), 0);
    assert_non_null(strstr(h.data, "<h1>Attachments</h1>"));
    assert_non_null(strstr(h.data, "<li><a href=\"../../m/001/001204.png\">"));
    assert_null(strstr(h.data, "Next")); /* the last page of all */
    h.len = 0;
    assert_int_equal(et_section_page(&h, t, 5, &err), SAT_E_ARG);
    sat_buf_free(&h);
    et_toc_free(t);
    et_toc_free(NULL);
}

static int setup(void **state)
{
    (void)state;
    rmsg_set_lang(RMSG_EN);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_shard_path),
        cmocka_unit_test(t_item_path),
        cmocka_unit_test(t_pages_by_rows),
        cmocka_unit_test(t_pages_by_bytes),
        cmocka_unit_test(t_toc_pages),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
