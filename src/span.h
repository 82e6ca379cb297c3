/* span.h - positions in the decoded text: a line index built once per
 * document, so that every diagnostic's line and column costs a binary
 * search instead of a scan from the start of the text. */
#ifndef TX2JSON_SPAN_H
#define TX2JSON_SPAN_H

#include "internal.h"

typedef struct tx_lineidx {
    size_t *start; /* byte offset of each line's first byte, ascending */
    size_t n;      /* number of lines (at least 1 once built) */
} tx_lineidx;

/* Indexes the line starts of text[0..len).  Returns TX2JSON_OK, or
 * TX2JSON_ENOMEM (li is then empty).  Free with tx_lineidx_free. */
TXI tx2json_status tx_lineidx_build(tx_lineidx *li, const char *text, size_t len);

/* The 1-based line holding byte offset `byte`; *line_start receives the
 * byte offset where that line begins. */
TXI size_t tx_lineidx_line(const tx_lineidx *li, size_t byte, size_t *line_start);

TXI void tx_lineidx_free(tx_lineidx *li);

#endif
