/* anchor.h - stage 6a', anchors: where in the body each reference of the
 * show notes is first heard, the references taken in list order. */
#ifndef TX2JSON_ANCHOR_H
#define TX2JSON_ANCHOR_H

#include "conv.h"
#include "episode.h"

/* Fills anchors[i] (sentences [first, last) of c->seg, anchors indexed by
 * sentence) with the number of references first heard in sentence i.  A
 * reference is heard where a name of the sentence (a name candidate, or a
 * name a mention rule captures) matches it at least as well as the
 * weights' anchor-min parameter (its first anchor-occurrences sentences);
 * the anchors kept are the heaviest chain whose sentences rise with the
 * list order (show notes follow the talk), anchor-share the cost of two in
 * one sentence.  Nothing is anchored without the parameter, or with more
 * references than anchor-max-refs.  ref[r] (c->refs->nref of them) gets
 * reference r's anchor: its sentence (SIZE_MAX when none), the name heard
 * there and its similarity.  0, or -1 on OOM. */
TXI int tx_anchors(const tx_conv *c, size_t first, size_t last, int *anchors, tx_anchor *ref);

#endif
