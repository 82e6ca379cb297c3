/* cohesion.h - stage 6a, lexical cohesion: how much the words before each
 * unit's start share with the words after it (TextTiling), for the
 * features of signals.c. */
#ifndef TX2JSON_COHESION_H
#define TX2JSON_COHESION_H

#include "conv.h"
#include "signals.h"

/* For the units of sentences [first, last) sets sim[i] (caller's array of
 * last - first) to the cosine between the content words of the window of
 * text before unit i's start and of the window after it, each word
 * weighed by its rarity among the units (a word every unit has counts
 * nothing); -1 where a side has no word.  Words are Latin runs of at
 * least param:cohesion-latin-min letters or digits, case folded, and
 * pairs of adjacent Han characters.  A window holds param:cohesion-share
 * of the mean item's words (the words over the show notes' references),
 * kept between param:cohesion-window-min and cohesion-window-max.  And
 * dip[i] (caller's array too) is 1 where sim[i] is the lowest of the
 * units starting within a window's words of unit i, and not as high as
 * the highest.  Without param:cohesion-share, or with more words than
 * param:cohesion-max-words, every sim is -1 and no dip is set.  TX2JSON_OK or ENOMEM.  The cost
 * grows linearly with the text. */
TXI tx2json_status tx_cohesion(const tx_conv *c, size_t first, size_t last, double *sim,
                               unsigned char *dip);

#endif
