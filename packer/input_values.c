/*
 * input_values.c - metadata values as newsrooms write them, normalised to what a bundle
 * stores: dates (ISO 8601, RFC 822 as in RSS, "2026.11.02", Korean "2026년 11월 2일")
 * to "YYYY-MM-DD" or UTC "YYYY-MM-DDThh:mm:ssZ", and language tags ("ko_KR", "EN") to
 * BCP 47 case conventions ("ko-KR", "en").
 */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "input_common.h"
#include "sat_bundle.h"
#include "sat_meta.h"

/* ------------------------------------------------------------------------
 * Dates
 * ------------------------------------------------------------------------ */

static unsigned days_in_month(unsigned y, unsigned m)
{
    static const unsigned dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* A date being read: the text, the position, and what was found. */
typedef struct date_rd {
    const char *s;
    size_t n;
    size_t i;
    unsigned y, mo, d, h, mi, se;
    int has_time;
    int has_zone;
    int off_min; /* zone offset east of UTC, minutes */
} date_rd;

static int rd_end(const date_rd *r)
{
    return r->i >= r->n;
}

static int rd_is(const date_rd *r, char c)
{
    return r->i < r->n && r->s[r->i] == c;
}

static int rd_digit(const date_rd *r)
{
    return r->i < r->n && r->s[r->i] >= '0' && r->s[r->i] <= '9';
}

static int rd_alpha(const date_rd *r)
{
    char c = r->i < r->n ? r->s[r->i] : '\0';

    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Skips spaces and TABs; returns how many. */
static size_t rd_ws(date_rd *r)
{
    size_t k = r->i;

    while (r->i < r->n && (r->s[r->i] == ' ' || r->s[r->i] == '\t'))
        r->i++;
    return r->i - k;
}

/* Takes the literal w when it comes next. */
static int rd_lit(date_rd *r, const char *w)
{
    size_t k = strlen(w);

    if (r->n - r->i < k || memcmp(r->s + r->i, w, k) != 0)
        return 0;
    r->i += k;
    return 1;
}

/* Reads min..max digits. Returns the count, 0 when fewer than min. */
static size_t rd_num(date_rd *r, size_t min, size_t max, unsigned *v)
{
    size_t k = 0;

    *v = 0;
    while (k < max && rd_digit(r)) {
        *v = *v * 10 + (unsigned)(r->s[r->i] - '0');
        r->i++;
        k++;
    }
    if (k < min) {
        r->i -= k;
        return 0;
    }
    return k;
}

/* Reads a run of ASCII letters (at most 16); returns its length (0: none). */
static size_t rd_word(date_rd *r, const char **w)
{
    size_t k = r->i;

    *w = r->s + r->i;
    while (rd_alpha(r) && r->i - k < 16)
        r->i++;
    if (rd_alpha(r)) {
        r->i = k;
        return 0;
    }
    return r->i - k;
}

/* Index 0..11 of an English month name ("Jun", "June", "Sept"), or -1. */
static int month_index(const char *w, size_t n)
{
    static const char *const names[] = {"january", "february", "march",     "april",
                                        "may",     "june",     "july",      "august",
                                        "september", "october", "november", "december"};
    int m;

    if (n == 4 && strncasecmp(w, "sept", 4) == 0)
        return 8;
    for (m = 0; m < 12; m++)
        if ((n == 3 || n == strlen(names[m])) && strncasecmp(w, names[m], n) == 0)
            return m;
    return -1;
}

static int is_weekday(const char *w, size_t n)
{
    static const char *const names[] = {"monday", "tuesday", "wednesday", "thursday",
                                        "friday", "saturday", "sunday"};
    size_t k;

    for (k = 0; k < 7; k++)
        if ((n == 3 || n == strlen(names[k])) && strncasecmp(w, names[k], n) == 0)
            return 1;
    return 0;
}

/* "+hh:mm", "+hhmm", "+hh" (or '-'). */
static int rd_offset(date_rd *r)
{
    unsigned oh, om = 0;
    int sign;

    if (!rd_is(r, '+') && !rd_is(r, '-'))
        return 0;
    sign = r->s[r->i] == '+' ? 1 : -1;
    r->i++;
    if (!rd_num(r, 2, 2, &oh))
        return -1;
    if (rd_is(r, ':')) {
        r->i++;
        if (!rd_num(r, 2, 2, &om))
            return -1;
    } else if (rd_digit(r) && !rd_num(r, 2, 2, &om)) {
        return -1;
    }
    if (oh > 23 || om > 59)
        return -1;
    r->off_min += sign * (int)(oh * 60 + om);
    r->has_zone = 1;
    return 0;
}

/* An optional time zone: "Z", an offset, or a name (UT, UTC, GMT, KST, JST and the US
 * zones of RFC 822), a name optionally followed by an offset ("GMT+9" is not taken:
 * two digits are needed). Returns 0, or -1 when something is there but is no zone. */
static int rd_zone(date_rd *r)
{
    static const struct {
        const char *name;
        int off;
    } zones[] = {{"Z", 0},       {"UT", 0},      {"UTC", 0},     {"GMT", 0},
                 {"KST", 9 * 60}, {"JST", 9 * 60}, {"EST", -5 * 60}, {"EDT", -4 * 60},
                 {"CST", -6 * 60}, {"CDT", -5 * 60}, {"MST", -7 * 60}, {"MDT", -6 * 60},
                 {"PST", -8 * 60}, {"PDT", -7 * 60}};
    const char *w;
    size_t n, k;

    rd_ws(r);
    if (rd_end(r))
        return 0;
    if (rd_is(r, '+') || rd_is(r, '-'))
        return rd_offset(r);
    n = rd_word(r, &w);
    if (n == 0)
        return -1;
    for (k = 0; k < sizeof zones / sizeof zones[0]; k++) {
        if (strlen(zones[k].name) == n && strncasecmp(w, zones[k].name, n) == 0) {
            r->off_min = zones[k].off;
            r->has_zone = 1;
            return rd_offset(r);
        }
    }
    return -1;
}

/* "hh:mm[:ss[.fraction]]" (hour 1 or 2 digits); fractions are dropped. */
static int rd_time(date_rd *r)
{
    unsigned f;

    if (!rd_num(r, 1, 2, &r->h) || !rd_is(r, ':'))
        return -1;
    r->i++;
    if (!rd_num(r, 2, 2, &r->mi))
        return -1;
    if (rd_is(r, ':')) {
        r->i++;
        if (!rd_num(r, 2, 2, &r->se))
            return -1;
        if ((rd_is(r, '.') || rd_is(r, ',')) && r->i + 1 < r->n && r->s[r->i + 1] >= '0' &&
            r->s[r->i + 1] <= '9') {
            r->i++;
            while (rd_num(r, 1, 9, &f))
                ;
        }
    }
    if (r->h > 23 || r->mi > 59 || r->se > 59)
        return -1;
    r->has_time = 1;
    return 0;
}

/* ISO 8601 after "YYYY-MM-DD": [T or space] time [zone]. */
static int rd_iso_rest(date_rd *r)
{
    if (rd_end(r))
        return 0;
    if (rd_is(r, 'T') || rd_is(r, 't'))
        r->i++;
    else if (rd_ws(r) == 0)
        return -1;
    if (rd_time(r) != 0)
        return -1;
    if (rd_is(r, 'z')) {
        r->i++;
        r->has_zone = 1;
        return 0;
    }
    return rd_zone(r);
}

/* "2026.11.02", "2026. 11. 2.", "2026/11/02", optionally with a time and zone. */
static int rd_dotted(date_rd *r)
{
    char sep = r->s[r->i];

    r->i++;
    rd_ws(r);
    if (!rd_num(r, 1, 2, &r->mo) || !rd_is(r, sep))
        return -1;
    r->i++;
    rd_ws(r);
    if (!rd_num(r, 1, 2, &r->d))
        return -1;
    if (sep == '.' && rd_is(r, '.'))
        r->i++;
    if (rd_ws(r) == 0 || rd_end(r))
        return rd_end(r) ? 0 : -1;
    if (rd_time(r) != 0)
        return -1;
    return rd_zone(r);
}

/* "2026년 11월 2일", then optionally a weekday ("(월)", "월요일") and a time
 * ("오후 3:04", "15:04:05") and a zone. */
static int rd_korean(date_rd *r)
{
    int pm = -1;

    rd_ws(r);
    if (!rd_num(r, 1, 2, &r->mo) || (rd_ws(r), !rd_lit(r, "월")))
        return -1;
    rd_ws(r);
    if (!rd_num(r, 1, 2, &r->d) || (rd_ws(r), !rd_lit(r, "일")))
        return -1;
    rd_ws(r);
    if (rd_is(r, '(')) {
        const char *close = memchr(r->s + r->i, ')', r->n - r->i);
        if (close == NULL || close - (r->s + r->i) > 12)
            return -1;
        r->i = (size_t)(close - r->s) + 1;
        rd_ws(r);
    } else {
        static const char *const days[] = {"월요일", "화요일", "수요일", "목요일",
                                           "금요일", "토요일", "일요일"};
        size_t k;
        for (k = 0; k < 7; k++)
            if (rd_lit(r, days[k]))
                break;
        rd_ws(r);
    }
    if (rd_end(r))
        return 0;
    if (rd_lit(r, "오전"))
        pm = 0;
    else if (rd_lit(r, "오후"))
        pm = 1;
    rd_ws(r);
    if (rd_time(r) != 0)
        return -1;
    if (pm >= 0) {
        if (r->h < 1 || r->h > 12)
            return -1;
        r->h = r->h % 12 + (pm ? 12 : 0);
    }
    return rd_zone(r);
}

/* RFC 822 / 1123 as RSS writes them: "[Tue,] 03 Jun 2025 [09:39[:21] zone]" (a 2-digit
 * year is 19xx from 50, else 20xx), also with '-' between the parts. */
static int rd_rfc822(date_rd *r)
{
    const char *w;
    size_t n;
    int m;

    if (rd_alpha(r)) {
        n = rd_word(r, &w);
        if (n == 0 || !is_weekday(w, n))
            return -1;
        if (rd_is(r, ','))
            r->i++;
        rd_ws(r);
    }
    if (!rd_num(r, 1, 2, &r->d))
        return -1;
    if (rd_is(r, '-'))
        r->i++;
    else
        rd_ws(r);
    n = rd_word(r, &w);
    m = n > 0 ? month_index(w, n) : -1;
    if (m < 0)
        return -1;
    r->mo = (unsigned)m + 1;
    if (rd_is(r, '-'))
        r->i++;
    else
        rd_ws(r);
    n = rd_num(r, 2, 4, &r->y);
    if (n == 3 || n == 0)
        return -1;
    if (n == 2)
        r->y += r->y < 50 ? 2000 : 1900;
    if (rd_ws(r) == 0 || rd_end(r))
        return rd_end(r) ? 0 : -1;
    if (rd_time(r) != 0)
        return -1;
    if (rd_zone(r) != 0)
        return -1;
    rd_ws(r);
    if (rd_is(r, '(')) { /* a comment such as "(UTC)" */
        const char *close = memchr(r->s + r->i, ')', r->n - r->i);
        if (close == NULL)
            return -1;
        r->i = (size_t)(close - r->s) + 1;
    }
    return 0;
}

int pack_in_date_norm(const char *s, size_t n, char out[21])
{
    date_rd r;
    int64_t t;
    int rc;

    memset(&r, 0, sizeof r);
    pack_in_trim(&s, &n);
    r.s = s;
    r.n = n;
    if (rd_num(&r, 4, 4, &r.y)) {
        if (rd_is(&r, '-')) {
            r.i++;
            rc = -1;
            if (rd_num(&r, 2, 2, &r.mo) && rd_lit(&r, "-") && rd_num(&r, 2, 2, &r.d))
                rc = rd_iso_rest(&r);
        } else if (rd_is(&r, '.') || rd_is(&r, '/')) {
            rc = rd_dotted(&r);
        } else {
            rd_ws(&r);
            rc = rd_lit(&r, "년") ? rd_korean(&r) : -1;
        }
    } else {
        rc = rd_rfc822(&r);
    }
    rd_ws(&r);
    if (rc != 0 || !rd_end(&r))
        return -1;
    if (r.y < 1 || r.y > 9999 || r.mo < 1 || r.mo > 12 || r.d < 1 ||
        r.d > days_in_month(r.y, r.mo))
        return -1;
    if (!r.has_time || !r.has_zone) {
        /* a date, or a local time in an unknown zone: the date is what is certain */
        out[0] = (char)('0' + r.y / 1000);
        out[1] = (char)('0' + r.y / 100 % 10);
        out[2] = (char)('0' + r.y / 10 % 10);
        out[3] = (char)('0' + r.y % 10);
        out[4] = '-';
        out[5] = (char)('0' + r.mo / 10);
        out[6] = (char)('0' + r.mo % 10);
        out[7] = '-';
        out[8] = (char)('0' + r.d / 10);
        out[9] = (char)('0' + r.d % 10);
        out[10] = '\0';
        return 0;
    }
    t = days_from_civil(r.y, r.mo, r.d) * 86400 + (int64_t)r.h * 3600 + (int64_t)r.mi * 60 +
        r.se - (int64_t)r.off_min * 60;
    if (t < days_from_civil(1, 1, 1) * 86400 || t >= days_from_civil(10000, 1, 1) * 86400)
        return -1;
    sat_time_format((long long)t, out);
    return 0;
}

/* ------------------------------------------------------------------------
 * Language tags
 * ------------------------------------------------------------------------ */

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static char upper(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static int is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

int pack_in_lang_norm(const char *s, size_t n, char out[SAT_LANG_MAX + 1])
{
    size_t i = 0, o = 0, k;
    size_t idx = 0;   /* subtag number */
    int private = 0;  /* after a singleton ("x", "u", ...): all lower case */

    pack_in_trim(&s, &n);
    /* a POSIX locale: "ko_KR.UTF-8", "de_DE@euro" */
    for (k = 0; k < n; k++)
        if (s[k] == '.' || s[k] == '@')
            n = k;
    if (n == 0 || n > SAT_LANG_MAX)
        return -1;
    while (i < n) {
        size_t j = i, len, letters = 0;

        while (j < n && s[j] != '-' && s[j] != '_')
            j++;
        len = j - i;
        if (len == 0 || len > 8)
            return -1;
        for (k = i; k < j; k++) {
            if (is_letter(s[k]))
                letters++;
            else if (s[k] < '0' || s[k] > '9')
                return -1;
        }
        if (idx == 0 && letters != len)
            return -1; /* the language is letters ("x-..." private use included) */
        for (k = i; k < j; k++) {
            char c = lower(s[k]);
            if (idx > 0 && !private && len == 2 && letters == 2)
                c = upper(s[k]); /* region */
            else if (idx > 0 && !private && len == 4 && letters == 4 && k == i)
                c = upper(s[k]); /* script: title case */
            out[o++] = c;
        }
        if (len == 1)
            private = 1;
        idx++;
        if (j < n) {
            if (j + 1 >= n)
                return -1; /* trailing hyphen */
            out[o++] = '-';
        }
        i = j + 1;
    }
    out[o] = '\0';
    return sat_lang_valid(out, o) ? 0 : -1;
}
