/* similar.h - name similarity: edit distance, phonetic keys, cached pinyin. */
#ifndef TX2JSON_SIMILAR_H
#define TX2JSON_SIMILAR_H

#include "internal.h"

typedef struct tx_pinyin tx_pinyin; /* lazy Han-Latin transliterator + cache */
TXI tx_pinyin *tx_pinyin_new(void);
TXI void tx_pinyin_free(tx_pinyin *p);
/* Returns the cached pinyin key (letters only) of s, or NULL on failure;
 * the string belongs to the cache. */
TXI const char *tx_pinyin_key(tx_pinyin *p, const char *s);
/* The pinyin key of s from the generated table (tools/pinyin-gen.c):
 * returns 1 and sets *out (the caller frees it) when the table holds
 * every character of s, 0 (and *out NULL) when it does not, -1 on OOM. */
TXI int tx_pinyin_table(const char *s, char **out);
/* The pinyin of the code point c from the same table, as the syllable
 * tx_pinyin_table gives it before next (0: at the end of the string);
 * NULL when the table has none.  The string is static. */
TXI const char *tx_pinyin_syl(uint32_t c, uint32_t next);
/* The pinyin key of s from ICU's transliterator, opened on first use;
 * the caller frees the result; NULL on failure.  The reference the
 * table is tested against (tests/pinyin_check.c). */
TXI char *tx_pinyin_icu(tx_pinyin *p, const char *s);
/* Edit distance in code points: bit-parallel when a side has at most 64;
 * _table always fills the whole table (the reference for tests). */
TXI size_t tx_levenshtein(const char *a, const char *b);
TXI size_t tx_levenshtein_table(const char *a, const char *b);
/* The code points of each key that tx_edit_sim compares: a longer key
 * is cut there. */
enum { TX_SIM_MAX_CPS = 128 };
TXI double tx_edit_sim(const char *a, const char *b);
TXI char *tx_phonetic_key(const char *key); /* caller frees; NULL on OOM */
/* The same into out, which holds strlen(key) + 1 bytes: a key has at most
 * one code per byte of its input. */
TXI void tx_phonetic_key_to(const char *key, char *out);

#endif
