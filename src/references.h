/* references.h - stage 4, references: the reference list at the end of the text. */
#ifndef TX2JSON_REFERENCES_H
#define TX2JSON_REFERENCES_H

#include "conv.h"

/* The longest line read as a reference (or its label), in bytes: a longer
 * one is the transcript.  And the longest URL word compared with URL
 * noise. */
#define TX_MAX_REFLINE 4096
#define TX_MAX_URLWORD 64

typedef struct tx_ref {
    size_t start, end;   /* norm byte span of the whole line */
    size_t lstart, lend; /* label, norm bytes */
    size_t ustart, uend; /* url, norm bytes */
    char *label, *url;   /* copies (original text) */
    const char *rule;
    int entry; /* owning entry or -1 */
    int notes; /* read from the notes file: the spans are the notes' */
} tx_ref;
typedef struct tx_reflist {
    tx_ref *ref;
    size_t nref;
    size_t max_refs;     /* set by the caller; 0 = no limit */
    int over_limit;      /* more reference lines than max_refs */
    size_t region_start; /* norm byte where the list (or its header) starts; == len when none */
} tx_reflist;
/* Reads the reference list at the end of c->norm into c->refs (whose
 * max_refs the caller sets); lines that look like references but have no
 * usable URL, and repeated labels, become warnings.  TX2JSON_OK or
 * ENOMEM. */
TXI tx2json_status tx_find_references(tx_conv *c);
TXI void tx_reflist_free(tx_reflist *r);
/* Splits a URL into lower-case word tokens, dropping rule-listed noise.
 * Returns count; tokens are written to toks (each malloc'd, caller frees);
 * the first *nhost of them come from the host name. */
/* Is the word w[0, n) URL noise ("blog", "paper", "arxiv": a url-noise
 * rule matches it whole, lower-cased)?  Words longer than a buffer's
 * worth are not. */
TXI int tx_url_noise(const tx_ruleset *rs, const char *w, size_t n);
TXI size_t tx_url_tokens(const tx_ruleset *rs, const char *url, char ***toks, size_t *nhost);

#endif
