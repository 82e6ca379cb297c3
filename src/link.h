/* link.h - stage 7, link: mentions to references. */
#ifndef TX2JSON_LINK_H
#define TX2JSON_LINK_H

#include "conv.h"

/* Scores every (mention, reference) pair of c->ep and c->refs and links
 * them: each reference's owning entry in c->refs, each mention's reference
 * and score in c->ep.  Warnings go to c->diags.  TX2JSON_OK, or ENOMEM in
 * c->err. */
TXI tx2json_status tx_link(tx_conv *c);
/* The assignment solver, exposed for unit tests: maximises the summed
 * score of a rows x cols matrix; writes the column of each row to
 * assign[row] (-1 when none).  Returns 0, or -1 on OOM. */
TXI int tx_assign(const double *score, size_t rows, size_t cols, int *assign);

#endif
