/*
 * fuzz_charset.c - pack_charset_decode with each kind of file (text, HTML, XML) and a
 * fallback charset chosen by the last byte, then pack_nfc on the result and on the raw
 * bytes; the first line also goes through pack_in_date_norm and pack_in_lang_norm.
 * Oracles: a decode that succeeds gives valid UTF-8 without NUL, not starting with a
 * byte order mark, at most PACK_TEXT_MAX bytes; one that fails leaves a message and the
 * output buffer as it was. NFC succeeds exactly on valid UTF-8 and is idempotent. A
 * normalised date has one of the two stored forms; a normalised language tag is valid
 * and normalises to itself.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "input_common.h"
#include "sat_meta.h"
#include "sat_text.h"

static void check_nfc(const char *s, size_t n, const char *what)
{
    char *a = NULL, *b = NULL;
    size_t an = 0, bn = 0;
    sat_err err;
    int valid = sat_utf8_valid(s, n, NULL);
    int rc = pack_nfc(s, n, &a, &an, &err);

    if (rc == SAT_E_NOMEM)
        return;
    if (valid != (rc == 0))
        fuzz_fail("%s: pack_nfc returned %d on %s UTF-8", what, rc, valid ? "valid" : "invalid");
    if (rc != 0)
        return;
    if (!sat_utf8_valid(a, an, NULL) || a[an] != '\0')
        fuzz_fail("%s: NFC output is not NUL-terminated valid UTF-8", what);
    if (pack_nfc(a, an, &b, &bn, &err) == 0 && (bn != an || memcmp(a, b, an) != 0))
        fuzz_fail("%s: NFC is not idempotent", what);
    free(a);
    free(b);
}

static void check_decode(const char *data, size_t size, pack_cs_kind kind, const char *fallback)
{
    sat_buf out = {0};
    char *note = NULL;
    sat_err err;
    int rc;

    if (sat_buf_puts(&out, "<") != 0)
        return;
    err.msg[0] = '\0';
    rc = pack_charset_decode("fuzz/input", data, size, kind, fallback, &out, &note, &err);
    if (rc != 0) {
        if (err.msg[0] == '\0' || err.code != rc)
            fuzz_fail("decode failed (%d) without a message", rc);
        if (note != NULL)
            fuzz_fail("decode failed but left a note");
        if (out.len != 1 || strcmp(out.data, "<") != 0)
            fuzz_fail("decode failed but changed the output buffer");
        sat_buf_free(&out);
        return;
    }
    if (!sat_utf8_valid(out.data + 1, out.len - 1, NULL))
        fuzz_fail("decode output is not valid UTF-8");
    if (memchr(out.data + 1, '\0', out.len - 1) != NULL)
        fuzz_fail("decode output holds a NUL");
    if (out.len - 1 >= 3 && memcmp(out.data + 1, "\xEF\xBB\xBF", 3) == 0)
        fuzz_fail("decode output starts with a byte order mark");
    if (out.len - 1 > PACK_TEXT_MAX)
        fuzz_fail("decode output is over PACK_TEXT_MAX");
    if (note != NULL && note[0] == '\0')
        fuzz_fail("empty note");
    check_nfc(out.data + 1, out.len - 1, "decoded");
    free(note);
    sat_buf_free(&out);
}

static void check_values(const char *s, size_t n)
{
    char date[21];
    char tag[SAT_LANG_MAX + 1];
    char again[SAT_LANG_MAX + 1];
    const char *nl = memchr(s, '\n', n);

    if (nl != NULL)
        n = (size_t)(nl - s);
    if (pack_in_date_norm(s, n, date) == 0) {
        size_t dl = strlen(date);
        if ((dl != 10 && dl != 20) || date[4] != '-' || date[7] != '-' ||
            (dl == 20 && (date[10] != 'T' || date[19] != 'Z')))
            fuzz_fail("date normalised to '%s'", date);
        if (date[0] >= '2' || (date[0] == '1' && date[1] == '9'))
            if (!sat_date_valid(date, dl))
                fuzz_fail("date normalised to '%s', which sat_date_valid refuses", date);
    }
    if (pack_in_lang_norm(s, n, tag) == 0) {
        if (!sat_lang_valid(tag, strlen(tag)))
            fuzz_fail("lang normalised to invalid '%s'", tag);
        if (pack_in_lang_norm(tag, strlen(tag), again) != 0 || strcmp(tag, again) != 0)
            fuzz_fail("lang '%s' does not normalise to itself", tag);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const fallbacks[] = {NULL,        "euc-kr", "windows-1252", "utf-8",
                                            "shift_jis", "big5",   "iso-2022-kr",  "gb18030"};
    const char *s = (const char *)data;
    const char *fb = size > 0 ? fallbacks[data[size - 1] % 8] : NULL;

    check_decode(s, size, PACK_CS_TEXT, NULL);
    check_decode(s, size, PACK_CS_HTML, fb);
    check_decode(s, size, PACK_CS_XML, fb);
    check_nfc(s, size, "raw");
    check_values(s, size);
    return 0;
}
