/* link.h - stage 7, link: mentions to references. */
#ifndef TX2JSON_LINK_H
#define TX2JSON_LINK_H

#include "diag.h"
#include "episode.h"
#include "references.h"
#include "similar.h"

TXI tx2json_status tx_link(const tx_ruleset *rs, tx_pinyin *py, const tx_norm *n, tx_episode *ep,
                           tx_reflist *refs, tx_diags *diags, tx2json_error *err);
/* The assignment solver, exposed for unit tests: maximises the summed
 * score of a rows x cols matrix; writes the column of each row to
 * assign[row] (-1 when none).  Returns 0, or -1 on OOM. */
TXI int tx_assign(const double *score, size_t rows, size_t cols, int *assign);

#endif
