/* match.h - how much a spoken name sounds like a reference: the keys of a
 * reference's label and URL, the keys of a name heard in the transcript,
 * and their similarity.  Used by the stages that anchor references in the
 * body and link mentions to them. */
#ifndef TX2JSON_MATCH_H
#define TX2JSON_MATCH_H

#include "conv.h"
#include "episode.h"
#include "references.h"

typedef struct tx_refinfo {
    char *key;
    char *suffix[8]; /* keys of the label's last words ("x2" of FooSeek-X2) */
    size_t nsuffix;
    char *word[8];  /* keys of the label's single words of 5+ letters */
    char *wphon[8]; /* ... their phonetic keys */
    size_t nword;
    char *lword[16]; /* keys of all the label's words of 4+ characters */
    size_t nlword;
    char *phon;
    const char *pinyin; /* owned by the cache */
    char *pyphon;
    char **tok;
    char **tokphon;
    size_t ntok, nhost;
    int han;
    struct tx_refinfo *part; /* a label mixing scripts: its parts, each a label of its own */
    size_t npart;
} tx_refinfo;

/* The pinyin of a Han mention's last 2-4 Han characters (+ tail). */
enum { TX_PY_SUFFIXES = 3 };
typedef struct tx_pysuffixes {
    const char *key[TX_PY_SUFFIXES];
    char *phon[TX_PY_SUFFIXES];
    size_t n;
} tx_pysuffixes;

/* Kept for every mention of a document at once (link.c), so the parts
 * most mentions lack are allocated only when present. */
typedef struct tx_meninfo {
    tx_item *it;
    tx_pysuffixes *py; /* NULL without them */
    char *phon;
    const char *pinyin;
    char *pyphon;
    int han;
    char **mword; /* keys of the mention's words of 4+ characters */
    size_t nmword;
    int sound_only; /* a run of Han text tried as a name: against a label's
                       Latin words and URL only, not its Han words */
} tx_meninfo;

/* Fills ri with the keys of reference rf.  0, or -1 on OOM (ri may then
 * hold part of them: free it all the same). */
TXI int tx_refinfo_init(const tx_conv *c, tx_refinfo *ri, const tx_ref *rf);
TXI void tx_refinfo_free(tx_refinfo *ri);
/* Fills mi with the keys of the name it (its key set, its span in
 * c->norm); pinyin only when want_pinyin (the transliterator is slow to
 * open).  mi keeps a pointer to it.  0, or -1 on OOM. */
TXI int tx_meninfo_init(const tx_conv *c, tx_meninfo *mi, tx_item *it, int want_pinyin);
TXI void tx_meninfo_free(tx_meninfo *mi);
/* Do phonetic keys a and b start alike: their first two sounds (one when
 * either has one)?  A run of Han text tried as a name (sound_only) is
 * compared only with the keys that do.  NULL keys never do. */
TXI int tx_same_start(const char *a, const char *b);
/* The similarity of name m to reference r, 0 to 1, and the signal that
 * decided it in *method (static storage).  k holds the weights' parameters
 * (tx_weights.param, indexed by TXP_*): the match-* weights of each
 * signal; a URL word weight of 0 or less skips those words. */
TXI double tx_similarity(const tx_meninfo *m, const tx_refinfo *r, const double *k,
                         const char **method);
/* The same when it is above floor (0 <= floor < 1), else 0.0 with
 * *method "none": signals that cannot beat floor are not computed, so a
 * caller that needs a least score saves most of the work. */
TXI double tx_similarity_above(const tx_meninfo *m, const tx_refinfo *r, const double *k,
                               double floor, const char **method);

#endif
