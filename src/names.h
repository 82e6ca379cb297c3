/* names.h - stage 7b, names: which mentions left unlinked are project
 * names at all.  Seen by tx2json.c (runs it) and output.c (--features). */
#ifndef TX2JSON_NAMES_H
#define TX2JSON_NAMES_H

#include "conv.h"
#include "episode.h"
#include "signals.h"

/* Drops the unlinked mentions of c->ep whose name score (the weights'
 * `name:FEATURE` rows over tx_name_features) is below `param:name-min`,
 * moving them to c->ep->dropped with their scores; with no `name:` row in
 * the rules nothing is dropped.  TX2JSON_OK, or ENOMEM in c->err. */
TXI tx2json_status tx_filter_names(tx_conv *c);

/* The word context of the body, for tx_name_features: built once per
 * document.  0, or -1 on OOM. */
typedef struct tx_name_ctx {
    const tx_conv *c;
    tx_nmap lower; /* the body's Latin words written in lower case */
    tx_nmap keys;  /* mention key -> index into heard */
    tx_nmap tails; /* last word of a mention of two words or more -> its start */
    struct tx_heard {
        size_t count, entry; /* times heard; the entry first heard in */
        int entries;         /* heard in two entries or more */
    } * heard;
    size_t nheard;
} tx_name_ctx;
TXI int tx_name_ctx_init(tx_name_ctx *x, const tx_conv *c);
TXI void tx_name_ctx_free(tx_name_ctx *x);

/* The features of mention m into f (TXN_N values), and the name-before
 * and name-after rules that match around it into cues (at most
 * TX_NAME_CUES; *ncues their number). */
#define TX_NAME_CUES 8
TXI void tx_name_features(const tx_name_ctx *x, const tx_item *m, double f[TXN_N],
                          const tx_rule *cues[TX_NAME_CUES], size_t *ncues);

#endif
