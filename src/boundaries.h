/* boundaries.h - stage 6b, boundaries: the entry starts of the episode
 * body, chosen at once over the scored units. */
#ifndef TX2JSON_BOUNDARIES_H
#define TX2JSON_BOUNDARIES_H

#include "signals.h"

/* Chooses the entry starts among units u[0..n): sets start[i] to 1 for
 * each.  Without intro the first unit starts an entry; with it the units
 * before the first start are the intro (each earning the seg-intro-unit
 * weight).  The chosen set maximises
 * the sum of the start scores of its units plus, per entry, the weight of
 * its segment features (an entry in which no reference is first heard, or
 * two or more are); segment features count only when some unit of the
 * body holds an anchor.  tools/train decodes the same way; the cost grows linearly.
 * TX2JSON_OK or ENOMEM. */
TXI tx2json_status tx_choose_starts(const tx_weights *w, const tx_unit *u, size_t n, int intro,
                                    unsigned char *start);

#endif
