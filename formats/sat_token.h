/*
 * sat_token.h - the one tokeniser for full-text search: the packer runs it on documents
 * (gemtext bodies, titles), the reader on queries, so both sides make the same terms.
 *
 * Call sequence: write a sat_token_fn, then sat_token_gemtext(body, len, flags, fn, ctx,
 * err) for a body or sat_token_text(...) for a title or a query. The input is checked
 * as a whole first (invalid UTF-8: SAT_E_FORMAT naming the byte offset, and no call to
 * fn); then fn is called once per token, in input order. No allocation, linear time.
 *
 * What a token is:
 * - Word: a run of letters, marks and digits (Unicode L*, M*, N*) outside the scripts
 *   below; anything else splits (hyphens, apostrophes: "people's" gives "people", "s",
 *   so the bare word finds the possessive; '.' and ',' too: "3.5" gives "3", "5" at
 *   consecutive positions, found by "3" and as a phrase by "3.5"). Letters and digits
 *   stay together ("mp3"); a run of digits only is a SAT_TOKEN_NUMBER. Default-ignorable
 *   format characters (soft hyphen, ZWJ, ZWNJ, word joiner, BOM) inside a token are
 *   dropped and do not split it.
 * - Hangul (syllables, jamo), Han ideographs, Hiragana and Katakana: a run of them gives
 *   overlapping bigrams of consecutive characters (평양에서 -> 평양, 양에, 에서), a run of
 *   one character its unigram (SAT_TOKEN_SINGLE). A character is one code point plus the
 *   marks and Hangul vowel/final jamo after it. With SAT_TOKEN_UNIGRAMS every character
 *   of a longer run also gives its unigram (SAT_TOKEN_UNIGRAM), so an index can answer
 *   one-syllable queries. With SAT_TOKEN_FINALS only the last character of a longer run
 *   does (a character occurs either as the first half of a bigram, or at the end of a run,
 *   or alone: the search index keeps the run-final ones, or link terms standing for them,
 *   so that one-syllable queries find every occurrence; sat_index.h). With
 *   SAT_TOKEN_SPLITS a bigram also says where its first character's term ends.
 * - Term: the token's text as NFKC with full case folding and default ignorables removed
 *   (utf8proc STABLE|COMPOSE|COMPAT|CASEFOLD|IGNORE): "ELECTIONS" -> "elections",
 *   "Ωμέγα" -> "ωμέγα", fullwidth "ＧＤＰ" -> "gdp", a decomposed query equals the
 *   composed document. Accents are kept ("café" is not "cafe"). ASCII, Hangul
 *   syllables, common Han and kana skip utf8proc (they are their own normal form).
 * - Length: a term longer than SAT_TOKEN_MAX bytes is cut at a character boundary to at
 *   most SAT_TOKEN_MAX bytes and marked `cut` (the query side cuts the same way).
 * - Positions: a word or number takes one position; a CJK run of n characters takes n:
 *   the bigram and the unigram starting at its character i have the run's first position
 *   + i. Positions never decrease, so the same positions come out with or without
 *   SAT_TOKEN_UNIGRAMS and phrases compare by differences of positions.
 *
 * Queries use sat_token_text with the same rules (query syntax such as quotes, '-' and
 * '*' is the query parser's business, before this). Not handled: Thai, Lao, Khmer,
 * Myanmar and other scripts written without spaces become long words.
 */
#ifndef SAT_TOKEN_H
#define SAT_TOKEN_H

#include <stddef.h>

#include "sat_err.h"

/* Longest term in bytes; longer terms are cut (sat_token.cut). */
#define SAT_TOKEN_MAX 64

/* Flags for sat_token_text / sat_token_gemtext. */
#define SAT_TOKEN_UNIGRAMS 1u /* also a unigram for every character of a CJK run */
#define SAT_TOKEN_FINALS 2u   /* also a unigram for the last character of a longer CJK run */
#define SAT_TOKEN_SPLITS 4u   /* set sat_token.split on bigrams */

/* Kinds of token. */
enum {
    SAT_TOKEN_WORD = 1,   /* letters (and digits) of a cased or other alphabetic script */
    SAT_TOKEN_NUMBER = 2, /* digits only */
    SAT_TOKEN_BIGRAM = 3, /* two consecutive CJK/Hangul characters */
    SAT_TOKEN_SINGLE = 4, /* a CJK/Hangul run of one character */
    SAT_TOKEN_UNIGRAM = 5 /* one character of a longer run (SAT_TOKEN_UNIGRAMS only) */
};

/* One token, valid during the callback only. */
typedef struct sat_token {
    const char *term; /* normalised term, term_len bytes (1..SAT_TOKEN_MAX), NUL-terminated */
    size_t term_len;
    size_t pos; /* token position, for phrases (see above) */
    size_t off; /* byte offset of the token's source text in the input */
    size_t len; /* its length in bytes in the input */
    int kind;   /* SAT_TOKEN_* */
    int cut;    /* 1 when the term was cut to SAT_TOKEN_MAX bytes */
    size_t split; /* SAT_TOKEN_SPLITS, bigrams: bytes of the first character's term at the
                   * start of term (the second's follow), when term is exactly the two
                   * characters' terms one after the other; else 0 (also without the flag) */
} sat_token;

/* Called once per token. Returns 0 to go on; any other value stops the tokeniser, which
 * returns that value (use a negative SAT_E_* code and set your own message). */
typedef int (*sat_token_fn)(const sat_token *tok, void *ctx);

/* Tokenises plain text s[0..len) (a title, a query). Returns 0, SAT_E_FORMAT (invalid
 * UTF-8, the message names the byte offset; fn was not called), SAT_E_ARG (s NULL with
 * len > 0, or fn NULL), or the first nonzero value fn returned. */
int sat_token_text(const char *s, size_t len, unsigned flags, sat_token_fn fn, void *ctx,
                   sat_err *err);

/* Tokenises a gemtext body (formats/SPEC.md section 7): link lines give only their label
 * (the URL is dropped), "=> attachment:" lines nothing, fence lines ("```...") nothing;
 * heading, list and quote markers are punctuation and never tokens; lines inside a
 * preformatted block are plain text. Offsets are into the whole body; positions run on
 * across lines. Returns as sat_token_text. */
int sat_token_gemtext(const char *s, size_t len, unsigned flags, sat_token_fn fn, void *ctx,
                      sat_err *err);

#endif
