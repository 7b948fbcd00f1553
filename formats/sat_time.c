/* sat_time.c - the two date forms bundles use, to and from seconds since the epoch. */
#include "sat_bundle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


int sat_time_parse(const char *s, long long *out)
{
    struct tm tm;
    size_t n = strlen(s);
    time_t t;

    if (!sat_date_valid(s, n))
        return -1;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = atoi(s) - 1900;
    tm.tm_mon = atoi(s + 5) - 1;
    tm.tm_mday = atoi(s + 8);
    if (n == 20) {
        tm.tm_hour = atoi(s + 11);
        tm.tm_min = atoi(s + 14);
        tm.tm_sec = atoi(s + 17);
    }
    t = timegm(&tm);
    *out = (long long)t;
    return 0;
}

void sat_time_format(long long t, char out[21])
{
    struct tm tm;
    time_t tt = (time_t)t;

    unsigned y, mo, d, h, mi, s;

    gmtime_r(&tt, &tm);
    y = (unsigned)(tm.tm_year + 1900) % 10000u;
    mo = (unsigned)(tm.tm_mon + 1) % 100u;
    d = (unsigned)tm.tm_mday % 100u;
    h = (unsigned)tm.tm_hour % 100u;
    mi = (unsigned)tm.tm_min % 100u;
    s = (unsigned)tm.tm_sec % 100u;
    snprintf(out, 21, "%04u-%02u-%02uT%02u:%02u:%02uZ", y, mo, d, h, mi, s);
}

