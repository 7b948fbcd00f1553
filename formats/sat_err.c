/* sat_err.c - error messages kept beside return codes. */
#include "sat_err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int sat_err_set(sat_err *err, int code, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL)
        return code;
    err->code = code;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return code;
}

int sat_err_prefix(sat_err *err, const char *fmt, ...)
{
    char prefix[SAT_ERR_MSG_MAX];
    char old[SAT_ERR_MSG_MAX];
    va_list ap;

    if (err == NULL)
        return SAT_E_ARG;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof old);
    snprintf(err->msg, sizeof err->msg, "%.200s: %.300s", prefix, old);
    return err->code;
}

void sat_err_clear(sat_err *err)
{
    if (err == NULL)
        return;
    err->code = SAT_OK;
    err->msg[0] = '\0';
}
