/*
 * drive_readme.c - the texts of README.txt and key/fingerprint.txt on a drive.
 *
 * The Korean comes first and is written for a reader in North Korea: polite (합니다), calm,
 * short sentences, the northern words first where they differ (콤퓨터, 프로그람, 화일) with
 * the southern ones in brackets once. The English says the same.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "drive_readme.h"
#include "sat_err.h"

#define R64 "reader/linux-x86_64/satchel-read"
#define R32 "reader/linux-x86/satchel-read"

const char *dp_base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s != NULL ? s + 1 : path;
}

int dp_web_dir(const char *name, char *out, size_t cap)
{
    size_t n = strlen(name);
    int w;

    if (n > 8 && strcasecmp(name + n - 8, ".satchel") == 0)
        n -= 8;
    w = snprintf(out, cap, "web/%.*s", (int)n, name);
    return w >= 0 && (size_t)w < cap ? 0 : -1;
}

/* ------------------------------------------------------------------------
 * Texts (\n here; CRLF on the drive)
 * ------------------------------------------------------------------------ */

static const char ko_head[] =
    "이 기억기(USB)에 대하여\n"
    "======================\n"
    "\n"
    "이 기억기에는 소식과 글을 모은 묶음과, 그것을 읽는 프로그람이\n"
    "들어 있습니다. 발행자가 묶음마다 전자서명을 하였으므로, 내용이 도중에\n"
    "바뀌지 않았는지 확인할 수 있습니다. 읽는 프로그람은 서명이 맞지 않는\n"
    "묶음은 열지 않습니다.\n"
    "\n";

static const char ko_first[] = "1. 먼저 여십시오\n\n";
static const char ko_web[] =
    "   열람기(웹 브라우저)로 다음 화일(파일)을 여십시오. 망(인터네트)에\n"
    "   련결하지 않아도 열립니다.\n";
static const char ko_term[] =
    "   말단(터미널) 창에서 이 기억기의 맨 위 폴더로 가서 다음을 실행하십시오.\n";
static const char ko_term_also[] =
    "\n   말단(터미널)에서 읽으려면 이 기억기의 맨 위 폴더에서 다음을 실행하십시오.\n";
static const char ko_32[] =
    "   콤퓨터(컴퓨터)가 32비트이면 " R64 " 대신\n   " R32 " 를 쓰십시오.\n";

#define KO_GENUINE \
    "\n2. 진짜인지 확인하는 방법\n\n" \
    "   발행자 열쇠의 지문은 다음과 같습니다 (key/fingerprint.txt 에도 있습니다).\n\n" \
    "       %s\n\n" \
    "   읽는 프로그람도 묶음을 열 때 서명한 열쇠의 지문을 보여 줍니다.\n" \
    "   이 지문을 발행자가 방송 같은 다른 길로 알린 지문과 다섯 자리 묶음마다\n" \
    "   맞추어 보십시오. 한 묶음이라도 다르면 이 기억기의 내용을 믿지 마십시오.\n"

#define KO_REST \
    "\n3. 읽는 동안\n\n" \
    "   읽는 프로그람은 읽는 동안 콤퓨터에 아무것도 기록하지 않습니다.\n" \
    "   열람기는 열어 본 기록(리력)을 남길 수 있으므로, 열람기로 보았다면\n" \
    "   그 기록을 지우거나 비밀 창(사생활 보호 창)을 쓰십시오.\n" \
    "\n4. 빨리 끝내려면\n\n" \
    "   말단의 읽기 화면에서 F12 (또는 Ctrl-X) 를 누르면 화면이 곧바로 지워지고\n" \
    "   프로그람이 끝납니다. 열람기는 창을 닫으십시오.\n" \
    "\n5. 프로그람이 실행되지 않을 때\n\n" \
    "   FAT 형식의 기억기에서는 화일에 실행 권한이 없어서 프로그람이 실행되지\n" \
    "   않을 수 있습니다. 그럴 때에는 프로그람을 콤퓨터의 /tmp 폴더에 복사하고\n" \
    "   실행 권한을 준 다음 실행하십시오.\n\n" \
    "       cp " R64 " /tmp/satchel-read\n" \
    "       chmod +x /tmp/satchel-read\n" \
    "       /tmp/satchel-read satchel/%s -p key/publisher.pub\n\n" \
    "   이때에는 콤퓨터에 프로그람 사본이 남으므로, 다 읽은 뒤에\n" \
    "   rm /tmp/satchel-read 로 지우십시오.\n" \
    "\n6. 화일이 온전한지 보려면\n\n" \
    "   CHECKSUMS.b2 에 모든 화일의 검사값이 있습니다. 이 기억기의 맨 위 폴더에서\n" \
    "   b2sum -c CHECKSUMS.b2 를 실행하면 화일마다 OK 가 나와야 합니다.\n" \
    "\n\n"

static const char en_head[] =
    "About this drive\n"
    "================\n"
    "\n"
    "This drive holds bundles of news and writing, and a program to read them.\n"
    "The publisher signed each bundle, so you can check that nothing\n"
    "was changed on the way. The reader program does not open a bundle whose\n"
    "signature does not match.\n"
    "\n";

static const char en_first[] = "1. Open this first\n\n";
static const char en_web[] =
    "   Open this file in a web browser. It works without any network.\n";
static const char en_term[] =
    "   In a terminal, go to the top folder of this drive and run:\n";
static const char en_term_also[] =
    "\n   To read in a terminal, run this in the top folder of this drive:\n";
static const char en_32[] =
    "   On a 32-bit computer use " R32 " instead of\n   " R64 ".\n";

#define EN_GENUINE \
    "\n2. How to check it is genuine\n\n" \
    "   The fingerprint of the publisher's key is (also in key/fingerprint.txt):\n\n" \
    "       %s\n\n" \
    "   The reader program shows the signer's fingerprint when it opens a bundle.\n" \
    "   Compare it, group by group, with the fingerprint the publisher announces\n" \
    "   another way (for example on the radio). If any group differs, do not trust\n" \
    "   what is on this drive.\n"

#define EN_REST \
    "\n3. While you read\n\n" \
    "   The reader program writes nothing to the computer while you read.\n" \
    "   A web browser may keep a history of the pages opened: clear it afterwards,\n" \
    "   or use a private window.\n" \
    "\n4. To get out quickly\n\n" \
    "   In the terminal reader, press F12 (or Ctrl-X): the screen is cleared and the\n" \
    "   program ends at once. In a browser, close the window.\n" \
    "\n5. If a program will not run\n\n" \
    "   On a FAT drive files may not be allowed to run. Copy the program to /tmp on\n" \
    "   the computer, make it executable, and run it from there:\n\n" \
    "       cp " R64 " /tmp/satchel-read\n" \
    "       chmod +x /tmp/satchel-read\n" \
    "       /tmp/satchel-read satchel/%s -p key/publisher.pub\n\n" \
    "   This leaves a copy of the program on the computer: remove it afterwards\n" \
    "   with rm /tmp/satchel-read.\n" \
    "\n6. To check that every file is whole\n\n" \
    "   CHECKSUMS.b2 lists a checksum for every file. In the top folder of this\n" \
    "   drive, b2sum -c CHECKSUMS.b2 should say OK for each file.\n"

/* ------------------------------------------------------------------------
 * Assembly
 * ------------------------------------------------------------------------ */

/* Appends text to b with CRLF line ends. */
static int put_crlf(sat_buf *b, const char *text, size_t len)
{
    size_t i, start = 0;

    for (i = 0; i < len; i++)
        if (text[i] == '\n') {
            if (sat_buf_append(b, text + start, i - start) != 0 ||
                sat_buf_append(b, "\r\n", 2) != 0)
                return SAT_E_NOMEM;
            start = i + 1;
        }
    return sat_buf_append(b, text + start, len - start);
}

/* The "open first" lines for each bundle. */
static int put_first(sat_buf *t, const dp_readme_facts *f, const char *web, const char *term,
                     const char *term_also, const char *r32)
{
    char dir[300];
    size_t i;
    int rc = 0;

    if (f->web) {
        rc |= sat_buf_puts(t, web);
        for (i = 0; i < f->nbundles; i++)
            if (dp_web_dir(dp_base_name(f->bundles[i]), dir, sizeof dir) == 0)
                rc |= sat_buf_printf(t, "\n       %s/index.html\n", dir);
    }
    if (f->reader64 || !f->reader32) {
        rc |= sat_buf_puts(t, f->web ? term_also : term);
        for (i = 0; i < f->nbundles; i++)
            rc |= sat_buf_printf(t, "\n       " R64 " satchel/%s -p key/publisher.pub\n",
                                 dp_base_name(f->bundles[i]));
        rc |= sat_buf_puts(t, "\n");
    }
    if (f->reader32)
        rc |= sat_buf_puts(t, r32);
    return rc ? SAT_E_NOMEM : 0;
}

int dp_readme_text(sat_buf *b, const dp_readme_facts *f)
{
    sat_buf t = {0};
    const char *first = f->nbundles ? dp_base_name(f->bundles[0]) : "NAME";
    int rc = 0;

    rc |= sat_buf_puts(&t, ko_head);
    rc |= sat_buf_puts(&t, ko_first);
    rc |= put_first(&t, f, ko_web, ko_term, ko_term_also, ko_32);
    rc |= sat_buf_printf(&t, KO_GENUINE, f->fingerprint);
    rc |= sat_buf_printf(&t, KO_REST, first);
    rc |= sat_buf_puts(&t, en_head);
    rc |= sat_buf_puts(&t, en_first);
    rc |= put_first(&t, f, en_web, en_term, en_term_also, en_32);
    rc |= sat_buf_printf(&t, EN_GENUINE, f->fingerprint);
    rc |= sat_buf_printf(&t, EN_REST, first);
    if (rc == 0)
        rc = sat_buf_append(b, "\xEF\xBB\xBF", 3) != 0 ? SAT_E_NOMEM : put_crlf(b, t.data, t.len);
    sat_buf_free(&t);
    return rc ? SAT_E_NOMEM : 0;
}

int dp_readme_fingerprint(sat_buf *b, const char *keyid, const char *fingerprint)
{
    sat_buf t = {0};
    int rc = 0;

    rc |= sat_buf_printf(&t,
                         "발행자 열쇠 / Publisher's key\n\n"
                         "Key id:      %s\n"
                         "Fingerprint: %s\n\n"
                         "이 지문을 발행자가 다른 길로 알린 지문과 다섯 자리씩 맞추어 보십시오.\n"
                         "Compare the fingerprint, group by group, with the one the publisher "
                         "announces.\n",
                         keyid, fingerprint);
    if (rc == 0)
        rc = sat_buf_append(b, "\xEF\xBB\xBF", 3) != 0 ? SAT_E_NOMEM : put_crlf(b, t.data, t.len);
    sat_buf_free(&t);
    return rc ? SAT_E_NOMEM : 0;
}
