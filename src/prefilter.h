/* prefilter.h - a rule's required literals: when every match of a pattern
 * must consume one of a few literal strings, a subject without any of them
 * cannot match, and one pass over its bytes says so faster than the
 * pattern would. */
#ifndef TX2JSON_PREFILTER_H
#define TX2JSON_PREFILTER_H

#include "internal.h"

#include <stddef.h>
#include <stdint.h>

/* The literals' first two bytes, as the low 4 bits of the first and the
 * whole second (a Han character's lead byte differs in its low 4 bits). */
enum { TX_PF_LOW_BITS = 4, TX_PF_BITS = 1 << (TX_PF_LOW_BITS + 8), TX_PF_WORDS = TX_PF_BITS / 64 };

typedef struct tx_prefilter {
    char **lit; /* a match consumes at least one of these (none: only head) */
    size_t *len;
    size_t nlit;
    /* The literal a match of a pattern anchored by '^' starts with
     * ("Start time:" of "^Start time:\s*"), checked before the literals:
     * a subject that does not start with it is skipped at once. */
    char *head;
    size_t nhead;
    int utf;     /* literals start at character starts only */
    size_t refs; /* rules sharing it (tx_prefilter_share) */
    /* With two literals or more, where they start, to skip positions
     * none can start at; NULL with one, which a scan for its first byte
     * finds (the sets cost a rule 768 bytes, most of a rule set's memory
     * when most rules require one word). */
    struct tx_pf_sets {
        unsigned char first[256]; /* 1 for a byte a literal starts with */
        uint64_t starts[TX_PF_WORDS];
    } * sets;
} tx_prefilter;

/* pf itself when it holds the same literals as other (which then gains a
 * user), so that rules with the same requirement share one and a caller
 * that tests several rules on one subject tests it once; else NULL. */
TXI tx_prefilter *tx_prefilter_share(tx_prefilter *other, const tx_prefilter *pf);

/* The required literals of PCRE2 pattern p (compiled case-sensitive,
 * without extended or multiline mode; utf: quantifiers apply to a UTF-8
 * character, else to a byte), found by a conservative reading of its
 * top-level sequence: a literal run, or a group that is an alternation of
 * literals, that is not optional; and, for a pattern that opens with '^',
 * the literal characters right after it.  *out is NULL when the pattern
 * requires none that it can tell (or uses syntax it does not read).  0,
 * or -1 on OOM. */
TXI int tx_prefilter_build(const char *p, int utf, tx_prefilter **out);
/* 0 when s[0, n) does not start with pf's head or holds none of its
 * literals, so the rule cannot match there; else 1. */
TXI int tx_prefilter_may_match(const tx_prefilter *pf, const char *s, size_t n);
TXI void tx_prefilter_free(tx_prefilter *pf);

#endif
