/* segment.h - stage 5, segment: sentences, speaker labels and name candidates. */
#ifndef TX2JSON_SEGMENT_H
#define TX2JSON_SEGMENT_H

#include "conv.h"

typedef struct tx_sentence {
    tx_off start, end;  /* byte offsets into norm, after any speaker label */
    tx_off label;       /* start of the line's speaker label ("HOST: "), else start */
    unsigned char line; /* it opens its line (only a time stamp may stand before it) */
} tx_sentence;

enum { CAND_LATIN = 1, CAND_HAN = 2 };
typedef struct tx_cand {
    tx_off start, end; /* byte offsets into norm */
    int kind;
    int sentence;
} tx_cand;

typedef struct tx_seg {
    tx_sentence *sent;
    size_t nsent;
    tx_cand *cand;
    size_t ncand;
} tx_seg;
/* Splits c->norm[from..to) into sentences and Latin name candidates in
 * c->seg, with the context's ICU sentence and word break iterators (reused
 * across documents; ICU breaks at every line feed, so a subtitle line is
 * a sentence).  Speaker labels that c->rules's speaker rules find at the
 * start of two or more lines are kept out of the sentences and candidates
 * (tx_sentence.label).  TX2JSON_OK, or ENOMEM/EINTERNAL in c->err. */
TXI tx2json_status tx_segment(tx_conv *c, size_t from, size_t to);
TXI void tx_seg_free(tx_seg *s);
/* Frees the candidates alone: no stage after the episode reads them (the
 * sentences live until the document is written). */
TXI void tx_seg_free_cands(tx_seg *s);

#endif
