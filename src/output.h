/* output.h - stage 8, output: the JSON document. */
#ifndef TX2JSON_OUTPUT_H
#define TX2JSON_OUTPUT_H

#include "diag.h"
#include "episode.h"
#include "references.h"

TXI tx2json_status tx_write_json(const tx_doc *doc, const tx_norm *n, const tx_episode *ep,
                                 const tx_reflist *refs, const tx_diags *diags, int compact,
                                 char **out, tx2json_error *err);

#endif
