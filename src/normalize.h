/* normalize.h - stage 2, normalise: the matching form of the text and name keys. */
#ifndef TX2JSON_NORMALIZE_H
#define TX2JSON_NORMALIZE_H

#include "conv.h"
#include "read.h"
#include "rules.h"

typedef struct tx_numerals tx_numerals;

/* Where the matching form's bytes come from, kept in proportion to what
 * normalisation changed rather than per byte: from byte nb on, a
 * character of the matching form is code point base + its index among
 * the form's characters (flat 0), or every byte is code point base (flat
 * 1: a chunk that became several characters, or several that became one
 * with what followed it).  Most text is one stretch of the first kind. */
typedef struct tx_norm_seg {
    size_t nb;
    int flat;
    long long base;
} tx_norm_seg;

/* The matching form: NFKC applied per normalisation chunk, so full-width
 * forms become half-width; tx_norm_cp gives the code point of the
 * original text where the chunk holding a normalised byte starts. */
typedef struct tx_norm {
    char *s;
    size_t len;
    size_t end_cp;    /* the code point of byte len: doc->ncp */
    tx_norm_seg *seg; /* ascending nb, the first at 0 */
    size_t nseg;
    uint32_t *lead; /* UTF-8 lead bytes of s before byte k * TX_NORM_STRIDE */
} tx_norm;
/* Bytes between two counts of tx_norm.lead: a lookup reads at most this
 * many bytes of s. */
enum { TX_NORM_STRIDE = 64 };
/* Builds c->norm from c->doc.  TX2JSON_OK, or ENOMEM/EINTERNAL in c->err. */
TXI tx2json_status tx_normalize(tx_conv *c);
TXI void tx_norm_free(tx_norm *n);
/* The code point of the decoded text where the chunk holding normalised
 * byte b (0 <= b <= len) starts; doc->ncp for b == len. */
TXI size_t tx_norm_cp(const tx_norm *n, size_t b);
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
