/* output.h - stage 8, output: the JSON document. */
#ifndef TX2JSON_OUTPUT_H
#define TX2JSON_OUTPUT_H

#include "conv.h"

/* Writes the JSON document of c (indented, or on a single line with
 * c->opts->compact) to *out, NUL-terminated; the caller frees it with
 * free().  When c->sink is set and the output is the document, the bytes
 * go to c->sink in pieces instead and *out is NULL.  TX2JSON_OK, or
 * ENOMEM (EIO: the sink refused a piece) in c->err (*out is then NULL). */
TXI tx2json_status tx_write_json(const tx_conv *c, char **out);

#endif
