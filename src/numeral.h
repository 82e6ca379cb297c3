/* numeral.h - spoken numbers, read from the rule set's tables: numeral
 * characters (a digit each, a tens multiplier, a decimal point), measure
 * words that make a numeral a count, and number words (values, multipliers,
 * the point, a dimension word).  The knowledge of which characters and
 * words these are lives in rules/ (tables of kind numerals, measure-words
 * and number-words); the code knows only how such systems combine. */
#ifndef TX2JSON_NUMERAL_H
#define TX2JSON_NUMERAL_H

#include "rules.h"

typedef struct tx_numerals tx_numerals;

/* Reads every numerals, measure-words and number-words table of rs (of
 * any language: names mix them).  The result points into rs's tables, so
 * it lives no longer than rs.  NULL on OOM. */
TXI tx_numerals *tx_numerals_new(const tx_ruleset *rs);
TXI void tx_numerals_free(tx_numerals *nt);
/* Every reader below takes nt NULL as a language without numerals. */

/* The numeral character at s[0..avail): its digit 0-9, TX_NUM_TENS for the
 * tens multiplier, TX_NUM_POINT for the decimal point, TX_NUM_NONE for
 * anything else; *len gets its length in bytes (that of the UTF-8
 * character at s when it is none). */
enum { TX_NUM_TENS = 10, TX_NUM_POINT = -1, TX_NUM_NONE = -2 };
TXI int tx_num_char(const tx_numerals *nt, const char *s, size_t avail, size_t *len);
/* The value of s[0..n), made only of numeral characters: with a tens
 * multiplier read as a compound (三十二 -> 32), else digit by digit; -1
 * when it holds a point or anything else, or is 0. */
TXI long tx_num_value(const tx_numerals *nt, const char *s, size_t n);
/* The digits of the spoken number s[0..n) (numeral characters, maybe with
 * points, which are dropped as in name keys) into out[0..cap); returns
 * their count.  With a tens multiplier the whole part is a compound, the
 * rest digit by digit. */
TXI size_t tx_num_digits(const tx_numerals *nt, const char *s, size_t n, char *out, size_t cap);
/* The length of a measure word at s[0..avail), or 0. */
TXI size_t tx_num_measure(const tx_numerals *nt, const char *s, size_t avail);

/* The value of the first number said in s[0..n): ASCII digits, a run of
 * numeral characters (第二十一期 -> 21) or of number words, with spaces or
 * hyphens between them ("thirty four", "forty-one" -> 34, 41; a
 * multiplier multiplies what came before it).  -1 when s says none, or
 * only 0. */
TXI long tx_num_spoken(const tx_numerals *nt, const char *s, size_t n);

/* Number words.  The role of the lower-case word w[0..n): */
enum { TX_WORD_NONE, TX_WORD_VALUE, TX_WORD_MULT, TX_WORD_POINT, TX_WORD_DIM };
/* ... with its value (TX_WORD_VALUE, TX_WORD_MULT) or the character that
 * writes it (TX_WORD_DIM) in *v. */
TXI int tx_num_word(const tx_numerals *nt, const char *w, size_t n, long *v);
/* 1 when s[0..n) is a number word of any case (not a dimension word). */
TXI int tx_is_number_word(const tx_numerals *nt, const char *s, size_t n);

#endif
