/* normalize.h - stage 2, normalise: the matching form of the text and name keys. */
#ifndef TX2JSON_NORMALIZE_H
#define TX2JSON_NORMALIZE_H

#include "conv.h"
#include "read.h"
#include "rules.h"

typedef struct tx_numerals tx_numerals;

/* The matching form: NFKC applied per normalisation chunk, so full-width
 * forms become half-width; map[b] is the code point of the original text
 * where the chunk holding normalised byte b starts. */
typedef struct tx_norm {
    char *s;
    size_t len;
    uint32_t *map; /* len+1 entries; map[len] == doc->ncp */
} tx_norm;
/* Builds c->norm from c->doc.  TX2JSON_OK, or ENOMEM/EINTERNAL in c->err. */
TXI tx2json_status tx_normalize(tx_conv *c);
TXI void tx_norm_free(tx_norm *n);
/* Matching key of a name: NFKC, case-folded, letters and digits only, with
 * spoken numbers (nt's number words and numeral characters) turned into
 * digits.  Caller frees; NULL on OOM. */
TXI char *tx_name_key(const tx_numerals *nt, const char *s, size_t n);
TXI int tx_has_han(const char *s, size_t n);
TXI double tx_han_share(const char *s, size_t n);
/* The language of s[0..n) by the rule set's script tables: the first
 * whose every row holds (the share of that script in the words is at least
 * the row's value); else the rule set's first language, or "" when it
 * names none. */
TXI const char *tx_detect_language(const tx_ruleset *rs, const char *s, size_t n);

#endif
