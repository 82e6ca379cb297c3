/* grow.h - stage 7a', grow: a linked mention's span taken over the
 * neighbouring words its reference's label holds.  Seen by tx2json.c. */
#ifndef TX2JSON_GROW_H
#define TX2JSON_GROW_H

#include "conv.h"
#include "episode.h"

/* Grows the span (and key) of every linked mention of c->ep over the
 * words next to it that its reference's label writes, and drops the
 * mentions of the same entry the grown span covers.  With no
 * `param:mention-grow-words` row nothing changes.  TX2JSON_OK, or ENOMEM
 * in c->err. */
TXI tx2json_status tx_grow_mentions(tx_conv *c);

#endif
