/* span.h - positions.  The stages work on byte offsets of the matching
 * form (c->norm); the output speaks of the input as given: code points of
 * the decoded text (c->doc), original slices of it, lines and columns.
 * Every conversion between the two goes through here: the normal form's
 * map to code points, the code points' byte offsets, and a line index
 * built once per document, so a line and column cost a binary search. */
#ifndef TX2JSON_SPAN_H
#define TX2JSON_SPAN_H

#include "conv.h"

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

/* The code points of the decoded text that norm bytes [s, e) come from:
 * *cs <= *ce always. */
TXI void tx_span_cp(const tx_conv *c, size_t s, size_t e, size_t *cs, size_t *ce);
/* The original text of norm bytes [s, e): a pointer into c->doc->text and
 * its length in *len (not NUL-terminated; valid while the doc lives).
 * In a framed text (SRT, WebVTT) the slice holds the framing between the
 * pieces; tx_span_copy gives the spoken text alone. */
TXI const char *tx_span_slice(const tx_conv *c, size_t s, size_t e, size_t *len);
/* A NUL-terminated copy of that text (caller frees), NULL on OOM; in a
 * framed text, the spoken pieces in the span joined by line breaks
 * (tx_container_text). */
TXI char *tx_span_copy(const tx_conv *c, size_t s, size_t e);
/* The 1-based line and column (code points) of code point cp of doc,
 * whose line index li is. */
TXI void tx_cp_linecol(const tx_doc *doc, const tx_lineidx *li, size_t cp, size_t *line,
                       size_t *col);
/* The 1-based line and column (code points) of norm byte s. */
TXI void tx_span_linecol(const tx_conv *c, const tx_lineidx *li, size_t s, size_t *line,
                         size_t *col);

#endif
