/*
 * gencorpus.c - writes a synthetic newsroom folder for Satchel benchmarks.
 *
 *   gencorpus OUTDIR [N=20000] [SEED=1]
 *
 * Produces N Markdown articles (front matter: title, date, author, lang, section, tags)
 * in OUTDIR/000/, OUTDIR/001/, ... (at most 1000 files per folder), about 60% Korean and
 * 40% English. The output depends only on N and SEED: the program has its own PRNG
 * (splitmix64) and its own exp/log, so it gives the same bytes on every machine.
 *
 * Text model (see bench/README.md):
 *   - Korean vocabulary (24,000 words): ~200 real common words, then generated words of
 *     1-4 Hangul syllables drawn from a Zipf-weighted pool of 900 syllables (about 200
 *     common real syllables first, the rest built from weighted initial/medial/final jamo).
 *   - English vocabulary (24,000 words): ~300 real common words, then pseudo-words built
 *     from onset/vowel/coda patterns with occasional suffixes.
 *   - Words are drawn with a Zipf-Mandelbrot law (s = 1.05 Korean, 1.1 English); 15-22%
 *     of word slots instead take one of 4,000 fixed 2-4 word collocations (Zipf-weighted),
 *     which gives compressors the phrase repeats real news has. Korean nouns take a
 *     particle about 40% of the time (은/는, 이/가, 을/를, 와/과, 으로/로 chosen by the
 *     final consonant);
 *     sentences have 6-20 words and end in 했다/입니다/이다/한다 or a period; paragraphs
 *     have 2-6 sentences; "## " subheadings, short lists, numbers and dates appear now and
 *     then; a fixed set of topic words (평양, 함흥, 문서, 선거, election, market, ...) is
 *     mixed in at a moderate rate, with one or two "focus" topics per article.
 *   - Body lengths are log-normal (median 2,500 bytes Korean, 3,000 English, sigma 0.6)
 *     with a rare long tail, capped at 40 KB.
 *
 * Build: gcc -std=c11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -o gencorpus gencorpus.c
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#define FILES_PER_DIR 1000
#define KO_VOCAB 24000 /* words, including the real core list */
#define EN_VOCAB 24000
#define KO_SYLLABLES 900
#define ZIPF_S 1.05 /* Korean */
#define ZIPF_S_EN 1.1
/* Mandelbrot offsets: Korean space-separated words (word + particle) have a flatter head
 * than English, where "the" alone is ~6% of tokens. */
#define ZIPF_Q_KO 12.0
#define ZIPF_Q_EN 2.0
#define BODY_MAX 40000
#define BODY_MIN 300

/* ------------------------------------------------------------------------
 * PRNG and small math (own implementations: deterministic, no libm)
 * ------------------------------------------------------------------------ */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double rng_unit(void)
{
    return (double)(rng_next() >> 11) * (1.0 / 9007199254740992.0);
}

/* Uniform integer in [lo, hi]. */
static int rng_range(int lo, int hi)
{
    return lo + (int)(rng_next() % (uint64_t)(hi - lo + 1));
}

static int rng_chance(double p)
{
    return rng_unit() < p;
}

/* Natural log for x > 0: reduce to [1, 2), then 2*atanh((m-1)/(m+1)). */
static double my_log(double x)
{
    const double ln2 = 0.69314718055994530942;
    double k = 0.0, t, t2, term, sum;
    int i;

    while (x >= 2.0) {
        x *= 0.5;
        k += 1.0;
    }
    while (x < 1.0) {
        x *= 2.0;
        k -= 1.0;
    }
    t = (x - 1.0) / (x + 1.0);
    t2 = t * t;
    term = t;
    sum = 0.0;
    for (i = 1; i < 40; i += 2) {
        sum += term / i;
        term *= t2;
    }
    return k * ln2 + 2.0 * sum;
}

/* exp(x) for moderate |x|: exp(x/1024) by Taylor series, then squared 10 times. */
static double my_exp(double x)
{
    double y = x / 1024.0, r = 1.0, term = 1.0;
    int i;

    for (i = 1; i < 12; i++) {
        term *= y / i;
        r += term;
    }
    for (i = 0; i < 10; i++)
        r *= r;
    return r;
}

/* Standard normal, approximately (Irwin-Hall: sum of 12 uniforms minus 6). */
static double rng_normal(void)
{
    double s = 0.0;
    int i;

    for (i = 0; i < 12; i++)
        s += rng_unit();
    return s - 6.0;
}

/* ------------------------------------------------------------------------
 * Growable byte buffer
 * ------------------------------------------------------------------------ */

typedef struct {
    char *p;
    size_t len, cap;
} buf;

static void die(const char *msg)
{
    fprintf(stderr, "gencorpus: %s\n", msg);
    exit(1);
}

static void buf_put(buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (b->len + n + 1 > cap)
            cap *= 2;
        b->p = realloc(b->p, cap);
        if (b->p == NULL)
            die("out of memory");
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void buf_puts(buf *b, const char *s)
{
    buf_put(b, s, strlen(s));
}

static void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void buf_printf(buf *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp)
        die("internal: formatted text too long");
    buf_put(b, tmp, (size_t)n);
}

/* Number of UTF-8 characters in s[0..n). */
static size_t utf8_chars(const char *s, size_t n)
{
    size_t i, c = 0;

    for (i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            c++;
    return c;
}

static size_t put_utf8(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
}

/* ------------------------------------------------------------------------
 * Weighted choice and Zipf tables
 * ------------------------------------------------------------------------ */

/* Picks an index from weights w[0..n) (not necessarily normalised). */
static int pick_weighted(const double *w, int n)
{
    double total = 0.0, u;
    int i;

    for (i = 0; i < n; i++)
        total += w[i];
    u = rng_unit() * total;
    for (i = 0; i < n - 1; i++) {
        if (u < w[i])
            return i;
        u -= w[i];
    }
    return n - 1;
}

typedef struct {
    double *cum; /* cumulative weights */
    int n;
} zipf;

/* Zipf-Mandelbrot weights 1 / (k + q)^s for ranks k = 1..n. */
static void zipf_init(zipf *z, int n, double s, double q)
{
    double acc = 0.0;
    int k;

    z->cum = malloc((size_t)n * sizeof *z->cum);
    if (z->cum == NULL)
        die("out of memory");
    z->n = n;
    for (k = 0; k < n; k++) {
        acc += my_exp(-s * my_log((double)(k + 1) + q - 1.0));
        z->cum[k] = acc;
    }
}

static int zipf_pick(const zipf *z)
{
    double u = rng_unit() * z->cum[z->n - 1];
    int lo = 0, hi = z->n - 1;

    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (z->cum[mid] > u)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* ------------------------------------------------------------------------
 * Vocabulary: an arena of NUL-terminated words plus a string set for dedup
 * ------------------------------------------------------------------------ */

typedef struct {
    char **word;
    unsigned char *flags; /* VF_* */
    int n, cap;
    char **slot; /* open-addressing hash set */
    size_t nslot;
} vocab;

#define VF_NOUN 1 /* may take a Korean particle */
#define VF_CAP 2  /* keep capitalised (English proper noun) */

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;

    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
    return h;
}

static void vocab_init(vocab *v, int cap)
{
    v->n = 0;
    v->cap = cap;
    v->word = calloc((size_t)cap, sizeof *v->word);
    v->flags = calloc((size_t)cap, 1);
    v->nslot = 1;
    while (v->nslot < (size_t)cap * 3)
        v->nslot <<= 1;
    v->slot = calloc(v->nslot, sizeof *v->slot);
    if (v->word == NULL || v->flags == NULL || v->slot == NULL)
        die("out of memory");
}

/* Adds w if new and there is room; returns 1 if added. */
static int vocab_add(vocab *v, const char *w, unsigned char flags)
{
    size_t i;

    if (v->n >= v->cap)
        return 0;
    i = (size_t)hash_str(w) & (v->nslot - 1);
    while (v->slot[i] != NULL) {
        if (strcmp(v->slot[i], w) == 0)
            return 0;
        i = (i + 1) & (v->nslot - 1);
    }
    v->slot[i] = strdup(w);
    if (v->slot[i] == NULL)
        die("out of memory");
    v->word[v->n] = v->slot[i];
    v->flags[v->n] = flags;
    v->n++;
    return 1;
}

/* ------------------------------------------------------------------------
 * Korean
 * ------------------------------------------------------------------------ */

/* Jamo weights, in Unicode composition order. */
static const double ko_initial_w[19] = {
    /* ㄱ ㄲ ㄴ ㄷ ㄸ ㄹ ㅁ ㅂ ㅃ ㅅ */
    14, 1, 6, 8, 0.5, 5, 6, 6, 0.2, 10,
    /* ㅆ ㅇ ㅈ ㅉ ㅊ ㅋ ㅌ ㅍ ㅎ */
    0.5, 22, 10, 0.3, 4, 1, 2, 2, 9};
static const double ko_medial_w[21] = {
    /* ㅏ ㅐ ㅑ ㅒ ㅓ ㅔ ㅕ ㅖ ㅗ ㅘ ㅙ */
    20, 5, 1, 0.1, 10, 3, 7, 0.5, 10, 3, 0.2,
    /* ㅚ ㅛ ㅜ ㅝ ㅞ ㅟ ㅠ ㅡ ㅢ ㅣ */
    1.5, 2, 8, 1.5, 0.1, 1, 1.5, 9, 1.5, 14};
static const double ko_final_w[28] = {
    /* none ㄱ ㄲ ㄳ ㄴ ㄵ ㄶ ㄷ ㄹ ㄺ */
    50, 6, 0.2, 0, 12, 0, 0.2, 0.3, 8, 0.2,
    /* ㄻ ㄼ ㄽ ㄾ ㄿ ㅀ ㅁ ㅂ ㅄ ㅅ */
    0.1, 0, 0, 0, 0, 0, 4, 2, 0.1, 1.5,
    /* ㅆ ㅇ ㅈ ㅊ ㅋ ㅌ ㅍ ㅎ */
    1, 10, 0.3, 0.3, 0, 0.3, 0.3, 0.3};

/* Real common words, most frequent first. Nouns may take particles. */
static const char *const ko_core_nouns[] = {
    "정부",   "국가",   "경제",   "사회", "시장",   "사람",   "문제", "지역", "생활",   "시간",
    "오늘",   "올해",   "지난해", "정책", "회의",   "주민",   "기업", "농민", "학교",   "병원",
    "전문가", "관계자", "결과",   "계획", "발표",   "조사",   "증가", "감소", "수준",   "대부분",
    "세계",   "나라",   "도시",   "마을", "날씨",   "기온",   "농사", "식량", "건강",   "과학",
    "연구",   "기술",   "전기",   "물",   "쌀",     "옥수수", "돈",   "외화", "교통",   "철도",
    "소식",   "방송",   "신문",   "기록", "역사",   "문화",   "체육", "경기", "선수",   "가족",
    "아이",   "노인",   "여성",   "청년", "공장",   "상인",   "물가", "소금", "연료",   "배터리",
    "겨울",   "여름",   "봄",     "가을", "아침",   "저녁",   "주말", "내년", "지난달", "이번",
    "다음",   "사고",   "안전",   "의사", "약",     "치료",   "예방", "질병", "환자",   "교사",
    "학생",   "책",     "편지",   "사진", "지도",   "국경",   "무역", "수출", "수입",   "곡물",
    "비료",   "가뭄",   "홍수",   "태풍", "강수량", "수확",   "농장", "우주", "탐사",   "발견",
    "원인",   "영향",   "변화",   "방법", "정보",   "목소리", "노래", "영화", "축구",   "마라톤",
    "대회",   "우승",   "기록",   "협상", "합의",   "법",     "권리", "자유", "국제",   "대표",
    "장관",   "대통령", "의회",   "군대", "평화",   "전쟁",   "이웃", "친구", "집",     "방",
    "밥",     "국수",   "채소",   "고기", "생선",   "우유",   "콩",   "감자", "배추",   "김치"};
static const char *const ko_core_other[] = {
    "그러나", "또한",   "특히",   "가장",   "많은",   "크게",   "다시", "함께",   "모두",
    "이미",   "아직",   "처음",   "위해",   "통해",   "대한",   "따라", "있는",   "없는",
    "새로운", "작은",   "큰",     "오래된", "빠르게", "천천히", "최근", "앞으로", "지금",
    "당시",   "이후",   "이전",   "약",     "모든",   "여러",   "다른", "같은",   "매우",
    "조금",   "더",     "덜",     "곧",     "자주",   "흔히",   "결국", "한편",   "반면",
    "그리고", "하지만", "따라서", "이처럼", "그래서"};

/* Topic words for search benchmarks (nouns). */
static const char *const ko_topics[] = {"평양", "함흥", "신의주", "문서",  "선거",
                                        "가격", "쌀값", "라디오", "장마당"};
static const char *const en_topics[] = {"election", "market", "price",   "Pyongyang",
                                        "document", "radio",  "harvest", "Hamhung"};
#define N_KO_TOPICS (int)(sizeof ko_topics / sizeof *ko_topics)
#define N_EN_TOPICS (int)(sizeof en_topics / sizeof *en_topics)

static const char *const ko_surnames[] = {"김", "이", "박", "최", "정", "강", "조", "윤",
                                          "장", "임", "한", "오", "서", "신", "권", "황",
                                          "안", "송", "류", "홍", "리", "문", "배", "전"};

/* The most common Hangul syllables in news prose (written from general knowledge of the
 * language, roughly by frequency); they take the top ranks of the syllable pool. */
static const char ko_common_syl[] =
    "이다는의에하고가을기서지사로자도어한리대정시인니수를아그나전부주있은해상제일들원국"
    "보마구적성여과오면요장라소동무비게거문우경내만것방관신세위연모조계회생공물미드중안화"
    "실개진식강청분야날반결학발치김말속민통선양간러데체영음운명현금교합법단행최입업평함흥"
    "산력심득변재며저터작불차노근품후크살달질람초각목활더때까새손밤눈길농쌀값올년월곳점두"
    "세번알또같없받었였했습니했따라왔갔봄여름겨울추위물건시장가격값돈벌집밥국떡콩감배추";
static uint32_t ko_syl[KO_SYLLABLES];
static zipf ko_syl_zipf;
static vocab ko_vocab;
static zipf ko_zipf;

static uint32_t ko_random_syllable(void)
{
    int i = pick_weighted(ko_initial_w, 19);
    int m = pick_weighted(ko_medial_w, 21);
    int f = pick_weighted(ko_final_w, 28);
    return 0xAC00u + (uint32_t)((i * 21 + m) * 28 + f);
}

static void ko_build(void)
{
    int n = 0, tries = 0;
    size_t i;
    const unsigned char *p = (const unsigned char *)ko_common_syl;

    /* Curated common syllables first (duplicates in the string are skipped). */
    while (*p != 0 && n < KO_SYLLABLES) {
        uint32_t s =
            ((uint32_t)(p[0] & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
        int j, dup = 0;
        p += 3;
        for (j = 0; j < n; j++)
            if (ko_syl[j] == s)
                dup = 1;
        if (!dup)
            ko_syl[n++] = s;
    }
    /* Syllable pool: distinct syllables in order of first draw, so frequent jamo
     * combinations come first and get the highest Zipf weight. */
    while (n < KO_SYLLABLES && tries < 1000000) {
        uint32_t s = ko_random_syllable();
        int j, dup = 0;
        tries++;
        for (j = 0; j < n; j++)
            if (ko_syl[j] == s) {
                dup = 1;
                break;
            }
        if (!dup)
            ko_syl[n++] = s;
    }
    if (n < KO_SYLLABLES)
        die("internal: too few syllables");
    zipf_init(&ko_syl_zipf, KO_SYLLABLES, 1.0, 1.0);

    vocab_init(&ko_vocab, KO_VOCAB);
    /* Interleave the real core words at the top ranks. */
    {
        size_t nn = sizeof ko_core_nouns / sizeof *ko_core_nouns;
        size_t no = sizeof ko_core_other / sizeof *ko_core_other;
        size_t a = 0, b = 0;
        while (a < nn || b < no) {
            if (a < nn)
                vocab_add(&ko_vocab, ko_core_nouns[a++], VF_NOUN);
            if (a < nn)
                vocab_add(&ko_vocab, ko_core_nouns[a++], VF_NOUN);
            if (b < no)
                vocab_add(&ko_vocab, ko_core_other[b++], 0);
        }
    }
    for (i = 0; ko_vocab.n < KO_VOCAB; i++) {
        static const double len_w[4] = {8, 50, 30, 12};
        char w[16];
        size_t wl = 0;
        int k, len = pick_weighted(len_w, 4) + 1;
        for (k = 0; k < len; k++)
            wl += put_utf8(w + wl, ko_syl[zipf_pick(&ko_syl_zipf)]);
        w[wl] = '\0';
        vocab_add(&ko_vocab, w, VF_NOUN);
        if (i > 10u * KO_VOCAB)
            die("internal: cannot build Korean vocabulary");
    }
    zipf_init(&ko_zipf, KO_VOCAB, ZIPF_S, ZIPF_Q_KO);
}

/* Final consonant index (0 = none) of the last syllable of a Hangul word. */
static int ko_final(const char *w)
{
    size_t n = strlen(w);
    const unsigned char *p;
    uint32_t cp;

    if (n < 3)
        return 0;
    p = (const unsigned char *)w + n - 3;
    if ((p[0] & 0xF0) != 0xE0)
        return 0;
    cp = ((uint32_t)(p[0] & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
    if (cp < 0xAC00 || cp > 0xD7A3)
        return 0;
    return (int)((cp - 0xAC00) % 28);
}

/* Appends word w with a particle chosen to agree with its final consonant. */
static void ko_put_particle(buf *b, const char *w)
{
    static const double pw[10] = {10, 12, 14, 5, 8, 12, 8, 12, 5, 2};
    int fin = ko_final(w);
    int has = fin != 0;

    buf_puts(b, w);
    switch (pick_weighted(pw, 10)) {
    case 0:
        buf_puts(b, has ? "은" : "는");
        break;
    case 1:
        buf_puts(b, has ? "이" : "가");
        break;
    case 2:
        buf_puts(b, has ? "을" : "를");
        break;
    case 3:
        buf_puts(b, has ? "과" : "와");
        break;
    case 4:
        buf_puts(b, (has && fin != 8) ? "으로" : "로");
        break;
    case 5:
        buf_puts(b, "에");
        break;
    case 6:
        buf_puts(b, "에서");
        break;
    case 7:
        buf_puts(b, "의");
        break;
    case 8:
        buf_puts(b, "도");
        break;
    default:
        buf_puts(b, "만");
        break;
    }
}

/* ------------------------------------------------------------------------
 * English
 * ------------------------------------------------------------------------ */

/* Real common words, roughly by frequency (function words first). */
static const char *const en_core[] = {
    "the",        "of",          "and",           "to",       "a",
    "in",         "is",          "that",          "for",      "it",
    "was",        "on",          "with",          "as",       "by",
    "he",         "at",          "from",          "his",      "be",
    "are",        "this",        "have",          "said",     "not",
    "but",        "they",        "were",          "had",      "has",
    "an",         "or",          "which",         "their",    "been",
    "will",       "more",        "its",           "who",      "would",
    "one",        "new",         "about",         "after",    "also",
    "two",        "year",        "people",        "than",     "first",
    "up",         "out",         "last",          "over",     "she",
    "we",         "can",         "there",         "her",      "all",
    "other",      "some",        "into",          "years",    "government",
    "could",      "time",        "when",          "no",       "so",
    "what",       "if",          "three",         "them",     "only",
    "most",       "may",         "state",         "because",  "before",
    "between",    "against",     "during",        "under",    "while",
    "where",      "since",       "still",         "such",     "many",
    "much",       "these",       "those",         "should",   "did",
    "do",         "does",        "our",           "you",      "your",
    "him",        "then",        "now",           "just",     "very",
    "even",       "back",        "well",          "here",     "how",
    "through",    "down",        "off",           "both",     "each",
    "few",        "any",         "own",           "same",     "another",
    "around",     "already",     "often",         "never",    "again",
    "later",      "week",        "month",         "day",      "today",
    "country",    "city",        "region",        "village",  "world",
    "nation",     "official",    "officials",     "minister", "president",
    "leader",     "report",      "reports",       "news",     "percent",
    "million",    "billion",     "number",        "group",    "part",
    "place",      "case",        "point",         "water",    "food",
    "rice",       "grain",       "flour",         "fuel",     "oil",
    "power",      "electricity", "winter",        "summer",   "spring",
    "autumn",     "weather",     "rain",          "snow",     "storm",
    "flood",      "farm",        "farmers",       "crop",     "crops",
    "field",      "school",      "children",      "family",   "families",
    "home",       "house",       "health",        "doctor",   "doctors",
    "hospital",   "clinic",      "disease",       "medicine", "science",
    "scientists", "study",       "research",      "space",    "moon",
    "energy",     "money",       "trade",         "border",   "company",
    "companies",  "workers",     "work",          "jobs",     "cost",
    "costs",      "higher",      "lower",         "rise",     "rose",
    "fell",       "fall",        "growth",        "economy",  "economic",
    "bank",       "law",         "court",         "rights",   "police",
    "army",       "peace",       "war",           "talks",    "deal",
    "agreement",  "team",        "game",          "match",    "season",
    "players",    "coach",       "goal",          "history",  "book",
    "books",      "music",       "film",          "culture",  "language",
    "local",      "national",    "international", "public",   "private",
    "small",      "large",       "big",           "long",     "short",
    "old",        "young",       "good",          "better",   "best",
    "high",       "low",         "early",         "late",     "recent",
    "major",      "important",   "possible",      "likely",   "several",
    "whole",      "free",        "open",          "safe",     "clean",
    "make",       "made",        "take",          "took",     "give",
    "gave",       "get",         "got",           "go",       "went",
    "come",       "came",        "see",           "saw",      "know",
    "think",      "say",         "says",          "told",     "use",
    "used",       "find",        "found",         "keep",     "kept",
    "help",       "show",        "showed",        "expected", "according",
    "including",  "added",       "called",        "began",    "became",
    "remain",     "remains",     "reached",       "moved",    "planned"};

static const char *const en_onsets[] = {"b",  "c",  "d",  "f",  "g",   "h",  "j",  "k",  "l",  "m",
                                        "n",  "p",  "r",  "s",  "t",   "v",  "w",  "y",  "z",  "bl",
                                        "br", "ch", "cl", "cr", "dr",  "fl", "fr", "gr", "pl", "pr",
                                        "sh", "sl", "sp", "st", "str", "th", "tr", "wh", "",   ""};
static const double en_onset_w[] = {5,   6, 6, 4,   3,   4,   1,   1, 6, 6, 6, 6, 7,   8,
                                    8,   3, 3, 1,   0.3, 1,   1.5, 2, 1, 1, 1, 1, 1.5, 1.5,
                                    1.5, 3, 2, 0.7, 1,   2.5, 0.8, 3, 2, 1, 6, 6};
static const char *const en_vowels[] = {"a",  "e",  "i",  "o",  "u",  "ai",
                                        "ea", "ee", "ou", "oo", "io", "y"};
static const double en_vowel_w[] = {10, 12, 9, 8, 4, 1.5, 2, 1.5, 2, 1, 1, 0.8};
static const char *const en_codas[] = {"",   "n",  "r",  "s",  "t",  "l",  "d", "m",  "nd", "nt",
                                       "st", "ck", "ng", "rt", "ll", "ss", "x", "ch", "sh"};
static const double en_coda_w[] = {20,  9, 8,   6, 6, 5, 4,   3,   2,  2,
                                   1.5, 1, 1.5, 1, 1, 1, 0.3, 0.7, 0.5};
static const char *const en_suffixes[] = {"ing", "ed",   "tion", "ly",  "er",
                                          "s",   "ment", "al",   "ity", "ness"};

static const char *const en_first[] = {"Anna",   "Daniel", "Mara",   "Tomas", "Priya",  "Leila",
                                       "Oren",   "Grace",  "Samuel", "Ines",  "Kofi",   "Hana",
                                       "Peter",  "Sofia",  "Jonas",  "Amara", "Felix",  "Nadia",
                                       "Victor", "Clara",  "Yusuf",  "Elena", "Marcus", "Ruth"};
static const char *const en_last[] = {"Lindqvist", "Okafor",   "Berg",   "Raman",    "Novak",
                                      "Moreau",    "Castillo", "Haddad", "Kowalski", "Mensah",
                                      "Fischer",   "Tanaka",   "Duarte", "Ivanova",  "Brennan",
                                      "Osei",      "Keller",   "Santos", "Weber",    "Lund"};

static vocab en_vocab;
static zipf en_zipf;

#define NELEM(a) (int)(sizeof(a) / sizeof *(a))

static void en_build(void)
{
    size_t i;
    int k;

    vocab_init(&en_vocab, EN_VOCAB);
    for (k = 0; k < NELEM(en_core); k++)
        vocab_add(&en_vocab, en_core[k], 0);
    for (i = 0; en_vocab.n < EN_VOCAB; i++) {
        static const double len_w[4] = {35, 45, 17, 3};
        char w[64];
        size_t wl = 0;
        int s, len = pick_weighted(len_w, 4) + 1;
        for (s = 0; s < len; s++) {
            const char *o = en_onsets[pick_weighted(en_onset_w, NELEM(en_onset_w))];
            const char *v = en_vowels[pick_weighted(en_vowel_w, NELEM(en_vowel_w))];
            const char *c = en_codas[pick_weighted(en_coda_w, NELEM(en_coda_w))];
            if (s == 0 && *o == '\0' && len == 1)
                o = "b";
            wl += (size_t)snprintf(w + wl, sizeof w - wl, "%s%s%s", o, v, c);
        }
        if (rng_chance(0.2))
            wl += (size_t)snprintf(w + wl, sizeof w - wl, "%s",
                                   en_suffixes[rng_range(0, NELEM(en_suffixes) - 1)]);
        if (wl < 2)
            continue;
        vocab_add(&en_vocab, w, 0);
        if (i > 10u * EN_VOCAB)
            die("internal: cannot build English vocabulary");
    }
    zipf_init(&en_zipf, EN_VOCAB, ZIPF_S_EN, ZIPF_Q_EN);
}

/* ------------------------------------------------------------------------
 * Article text
 * ------------------------------------------------------------------------ */

static const char *const en_months[] = {"January",   "February", "March",    "April",
                                        "May",       "June",     "July",     "August",
                                        "September", "October",  "November", "December"};
static const int month_days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

typedef struct {
    int ko;       /* 1 Korean, 0 English */
    int focus[2]; /* topic words this article is "about" */
    int nfocus;
} article_ctx;

/* Appends one number, date or quantity token. */
static void put_number(buf *b, int ko)
{
    int m = rng_range(1, 12), d = rng_range(1, month_days[m - 1]);

    switch (rng_range(0, 5)) {
    case 0:
        if (ko)
            buf_printf(b, "%d년 %d월 %d일", rng_range(2019, 2026), m, d);
        else
            buf_printf(b, "%s %d", en_months[m - 1], d);
        break;
    case 1:
        buf_printf(b, ko ? "%d퍼센트" : "%d percent", rng_range(1, 95));
        break;
    case 2:
        buf_printf(b, "%d,%03d", rng_range(1, 99), rng_range(0, 999));
        break;
    case 3:
        buf_printf(b, "%d.%d", rng_range(0, 99), rng_range(0, 9));
        break;
    case 4:
        if (ko) {
            static const char *const units[] = {"명", "원", "킬로그램", "톤", "킬로미터", "개"};
            buf_printf(b, "%d%s", rng_range(2, 5000), units[rng_range(0, 5)]);
        } else {
            buf_printf(b, "%d", rng_range(2, 5000));
        }
        break;
    default:
        buf_printf(b, "%d", rng_range(1990, 2026));
        break;
    }
}

/* Collocations: fixed 2-4 word phrases built once from the vocabulary, reused with a
 * Zipf law. Real news repeats word pairs ("said on", "지난해 같은") far more often than
 * independent word draws would, and that is what lets compressors find matches. */
#define N_PHRASES 4000
#define PHRASE_P_KO 0.15
#define PHRASE_P_EN 0.22
static char *phrases[2][N_PHRASES];
static zipf phrase_zipf;

static void put_word(buf *b, const article_ctx *a, int cap, int allow_number);

static void phrases_build(void)
{
    int lang, k, i;
    buf t = {0};

    for (lang = 0; lang < 2; lang++) {
        article_ctx a = {lang, {0, 0}, 0};
        for (k = 0; k < N_PHRASES; k++) {
            int n = rng_range(2, 4);
            t.len = 0;
            for (i = 0; i < n; i++) {
                if (i > 0)
                    buf_put(&t, " ", 1);
                put_word(&t, &a, 0, 0);
            }
            phrases[lang][k] = strdup(t.p);
            if (phrases[lang][k] == NULL)
                die("out of memory");
        }
    }
    free(t.p);
    zipf_init(&phrase_zipf, N_PHRASES, 1.0, 1.0);
}

/* Appends one word (no leading space). cap: capitalise an English word. */
static void put_word(buf *b, const article_ctx *a, int cap, int allow_number)
{
    const vocab *v;
    const char *w;
    int idx, noun;

    if (allow_number && rng_chance(0.02)) {
        put_number(b, a->ko);
        return;
    }
    if (allow_number && phrases[a->ko][0] != NULL &&
        rng_chance(a->ko ? PHRASE_P_KO : PHRASE_P_EN)) {
        w = phrases[a->ko][zipf_pick(&phrase_zipf)];
        if (cap && w[0] >= 'a' && w[0] <= 'z') {
            char c = (char)(w[0] - 'a' + 'A');
            buf_put(b, &c, 1);
            w++;
        }
        buf_puts(b, w);
        return;
    }
    if (a->nfocus > 0 && rng_chance(0.015)) {
        w = a->ko ? ko_topics[a->focus[rng_range(0, a->nfocus - 1)]]
                  : en_topics[a->focus[rng_range(0, a->nfocus - 1)]];
        noun = 1;
    } else if (rng_chance(0.004)) {
        w = a->ko ? ko_topics[rng_range(0, N_KO_TOPICS - 1)]
                  : en_topics[rng_range(0, N_EN_TOPICS - 1)];
        noun = 1;
    } else {
        v = a->ko ? &ko_vocab : &en_vocab;
        idx = zipf_pick(a->ko ? &ko_zipf : &en_zipf);
        w = v->word[idx];
        noun = (v->flags[idx] & VF_NOUN) != 0;
    }
    if (a->ko) {
        if (noun && rng_chance(0.40))
            ko_put_particle(b, w);
        else
            buf_puts(b, w);
    } else if (cap && w[0] >= 'a' && w[0] <= 'z') {
        char c = (char)(w[0] - 'a' + 'A');
        buf_put(b, &c, 1);
        buf_puts(b, w + 1);
    } else {
        buf_puts(b, w);
    }
}

static void put_sentence(buf *b, const article_ctx *a)
{
    static const char *const endings[] = {"했다", "입니다", "이다", "한다", "됐다", "있다"};
    static const double ending_w[] = {30, 8, 15, 20, 8, 12};
    int n = rng_range(6, 12) + rng_range(0, 8), i;

    for (i = 0; i < n; i++) {
        if (i > 0)
            buf_put(b, " ", 1);
        if (a->ko && i == n - 1) {
            /* predicate: a common word stem plus an ending */
            const char *stem = ko_vocab.word[zipf_pick(&ko_zipf) % 3000];
            buf_puts(b, stem);
            buf_puts(b, endings[pick_weighted(ending_w, NELEM(ending_w))]);
        } else {
            put_word(b, a, i == 0, 1);
            if (i < n - 2 && rng_chance(a->ko ? 0.04 : 0.07))
                buf_put(b, ",", 1);
        }
    }
    buf_put(b, ".", 1);
}

static void put_heading(buf *b, const article_ctx *a)
{
    int n = rng_range(2, 5), i;

    buf_puts(b, "## ");
    for (i = 0; i < n; i++) {
        if (i > 0)
            buf_put(b, " ", 1);
        put_word(b, a, i == 0, 0);
    }
    buf_puts(b, "\n\n");
}

static void put_body(buf *b, const article_ctx *a, size_t target)
{
    size_t start = b->len;
    int para = 0;

    while (b->len - start < target) {
        int ns, i;

        if (para > 0 && rng_chance(0.18))
            put_heading(b, a);
        if (para > 0 && rng_chance(0.04)) {
            /* a short list */
            int items = rng_range(3, 5);
            for (i = 0; i < items; i++) {
                buf_puts(b, "- ");
                put_sentence(b, a);
                buf_put(b, "\n", 1);
            }
        } else {
            if (para > 0 && rng_chance(0.03))
                buf_puts(b, "> ");
            ns = rng_range(2, 6);
            for (i = 0; i < ns; i++) {
                if (i > 0)
                    buf_put(b, " ", 1);
                put_sentence(b, a);
                if (b->len - start >= target)
                    break;
            }
            buf_put(b, "\n", 1);
        }
        buf_put(b, "\n", 1);
        para++;
    }
    /* one trailing newline */
    while (b->len > start && b->p[b->len - 1] == '\n' && b->len >= 2 && b->p[b->len - 2] == '\n') {
        b->len--;
        b->p[b->len] = '\0';
    }
}

/* Title of 20..60 characters, no trailing punctuation. */
static void put_title(buf *b, const article_ctx *a)
{
    buf t = {0};

    for (;;) {
        size_t want = (size_t)rng_range(20, 60), chars = 0;
        int first = 1;
        t.len = 0;
        while (chars < want) {
            size_t before = t.len;
            if (!first)
                buf_put(&t, " ", 1);
            put_word(&t, a, first, 1);
            first = 0;
            chars = utf8_chars(t.p, t.len);
            if (chars > 60) {
                t.len = before;
                t.p[t.len] = '\0';
                chars = utf8_chars(t.p, t.len);
                break;
            }
        }
        if (chars >= 20 && chars <= 60 && strchr(t.p, ':') == NULL)
            break;
    }
    buf_put(b, t.p, t.len);
    free(t.p);
}

static size_t body_target(int ko)
{
    double median = ko ? 2500.0 : 3000.0;
    double len = median * my_exp(0.6 * rng_normal());

    if (rng_chance(0.005))
        len *= 3.0 + 5.0 * rng_unit(); /* rare long features */
    if (len < BODY_MIN)
        len = BODY_MIN;
    if (len > BODY_MAX - 2000)
        len = BODY_MAX - 2000; /* the last sentence may overshoot a little */
    return (size_t)len;
}

static void put_author(buf *b, int ko)
{
    if (ko) {
        char w[16];
        size_t wl = 0;
        int k;
        buf_puts(b, ko_surnames[rng_range(0, NELEM(ko_surnames) - 1)]);
        for (k = 0; k < 2; k++)
            wl += put_utf8(w + wl, ko_syl[rng_range(0, 299)]);
        buf_put(b, w, wl);
    } else {
        buf_printf(b, "%s %s", en_first[rng_range(0, NELEM(en_first) - 1)],
                   en_last[rng_range(0, NELEM(en_last) - 1)]);
    }
}

static void put_tags(buf *b, const article_ctx *a)
{
    const char *tags[4];
    int n = rng_range(1, 4), k = 0, i, tries = 0;

    buf_puts(b, "[");
    while (k < n && tries++ < 100) {
        const char *t;
        int dup = 0;
        if (k < a->nfocus)
            t = a->ko ? ko_topics[a->focus[k]] : en_topics[a->focus[k]];
        else
            t = a->ko ? ko_vocab.word[zipf_pick(&ko_zipf) % 2000]
                      : en_vocab.word[200 + zipf_pick(&en_zipf) % 2000];
        for (i = 0; i < k; i++)
            if (strcmp(tags[i], t) == 0)
                dup = 1;
        if (dup)
            continue;
        if (k > 0)
            buf_puts(b, ", ");
        buf_puts(b, t);
        tags[k++] = t;
    }
    buf_puts(b, "]");
}

static void make_dir(const char *path)
{
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "gencorpus: mkdir %s: %s\n", path, strerror(errno));
        exit(1);
    }
}

int main(int argc, char **argv)
{
    static const char *const sections[] = {"world",   "economy", "health",   "science",
                                           "culture", "sport",   "practical"};
    static const double section_w[] = {25, 22, 14, 10, 10, 11, 8};
    const char *outdir;
    unsigned long long n = 20000, seed = 1, i;
    unsigned long long n_ko = 0, total = 0;
    buf b = {0};
    char path[4096], *end;

    if (argc < 2 || argc > 4 || argv[1][0] == '\0') {
        fprintf(stderr, "usage: gencorpus OUTDIR [N=20000] [SEED=1]\n");
        return 2;
    }
    outdir = argv[1];
    if (argc > 2) {
        errno = 0;
        n = strtoull(argv[2], &end, 10);
        if (errno != 0 || *end != '\0' || argv[2][0] == '-' || n == 0 || n > 10000000ULL) {
            fprintf(stderr, "gencorpus: N must be 1..10000000\n");
            return 2;
        }
    }
    if (argc > 3) {
        errno = 0;
        seed = strtoull(argv[3], &end, 10);
        if (errno != 0 || *end != '\0' || argv[3][0] == '-') {
            fprintf(stderr, "gencorpus: SEED must be a non-negative integer\n");
            return 2;
        }
    }

    rng_state = seed * 0x2545F4914F6CDD1DULL + 0x1234567ULL;
    ko_build();
    en_build();
    phrases_build();

    make_dir(outdir);
    for (i = 0; i < n; i++) {
        article_ctx a;
        int month, day, k;
        FILE *f;

        a.ko = rng_chance(0.6);
        a.nfocus = rng_chance(0.7) ? rng_range(1, 2) : 0;
        for (k = 0; k < a.nfocus; k++)
            a.focus[k] = rng_range(0, (a.ko ? N_KO_TOPICS : N_EN_TOPICS) - 1);
        if (a.nfocus == 2 && a.focus[0] == a.focus[1])
            a.nfocus = 1;
        month = rng_range(1, 12);
        day = rng_range(1, month_days[month - 1]);

        b.len = 0;
        buf_puts(&b, "---\ntitle: ");
        put_title(&b, &a);
        buf_printf(&b, "\ndate: 2026-%02d-%02d\nauthor: ", month, day);
        put_author(&b, a.ko);
        buf_printf(&b, "\nlang: %s\nsection: %s\ntags: ", a.ko ? "ko" : "en",
                   sections[pick_weighted(section_w, NELEM(section_w))]);
        put_tags(&b, &a);
        buf_puts(&b, "\n---\n");
        put_body(&b, &a, body_target(a.ko));

        if (i % FILES_PER_DIR == 0) {
            snprintf(path, sizeof path, "%s/%03llu", outdir, i / FILES_PER_DIR);
            make_dir(path);
        }
        snprintf(path, sizeof path, "%s/%03llu/2026-%02d-%02d-%s-%07llu.md", outdir,
                 i / FILES_PER_DIR, month, day, a.ko ? "ko" : "en", i);
        f = fopen(path, "wb");
        if (f == NULL || fwrite(b.p, 1, b.len, f) != b.len || fclose(f) != 0) {
            fprintf(stderr, "gencorpus: %s: %s\n", path, strerror(errno));
            return 1;
        }
        total += b.len;
        n_ko += (unsigned long long)a.ko;
    }
    free(b.p);
    printf("gencorpus: %llu files (%llu ko, %llu en), %llu bytes in %s (seed %llu)\n", n, n_ko,
           n - n_ko, total, outdir, seed);
    return 0;
}
