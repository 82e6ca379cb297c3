/* span.c - positions: norm bytes to code points, original slices, lines
 * and columns (see span.h). */
#include "span.h"
#include "container.h"
#include "normalize.h"
#include "read.h"

#include <stdlib.h>
#include <string.h>

tx2json_status tx_lineidx_build(tx_lineidx *li, const char *text, size_t len)
{
    size_t n = 1;
    for (const char *p = text, *e = text + len; p < e && (p = memchr(p, '\n', (size_t)(e - p)));
         p++)
        n++;
    li->n = 0;
    li->start = malloc(n * sizeof *li->start);
    if (!li->start) return TX2JSON_ENOMEM;
    li->start[li->n++] = 0;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n') li->start[li->n++] = i + 1;
    return TX2JSON_OK;
}

static size_t start_at(const void *v, size_t i)
{
    return ((const size_t *)v)[i];
}

size_t tx_lineidx_line(const tx_lineidx *li, size_t byte, size_t *line_start)
{
    /* The last line start <= byte (line 1 starts at 0). */
    size_t k = tx_lower_bound(li->start, li->n, byte + 1, start_at);
    k = k ? k - 1 : 0;
    *line_start = li->n ? li->start[k] : 0;
    return k + 1;
}

void tx_lineidx_free(tx_lineidx *li)
{
    free(li->start);
    li->start = NULL;
    li->n = 0;
}

void tx_span_cp(const tx_conv *c, size_t s, size_t e, size_t *cs, size_t *ce)
{
    *cs = tx_norm_cp(c->norm, s);
    *ce = tx_norm_cp(c->norm, e);
    if (e > s && tx_container_framed(c))
        *ce = tx_container_span_end(c, tx_norm_cp(c->norm, e - 1), *ce);
    if (*ce < *cs) *ce = *cs; /* never a negative length */
}

const char *tx_span_slice(const tx_conv *c, size_t s, size_t e, size_t *len)
{
    size_t cs, ce;
    tx_span_cp(c, s, e, &cs, &ce);
    *len = tx_cp_to_byte(c->doc, ce) - tx_cp_to_byte(c->doc, cs);
    return c->doc->text + tx_cp_to_byte(c->doc, cs);
}

char *tx_span_copy(const tx_conv *c, size_t s, size_t e)
{
    if (tx_container_framed(c)) {
        size_t cs, ce;
        tx_strbuf b = {0};
        tx_span_cp(c, s, e, &cs, &ce);
        if (tx_container_text(c, cs, ce, &b) == 0) return b.s;
        tx_sb_free(&b);
        return NULL;
    }
    size_t len;
    const char *p = tx_span_slice(c, s, e, &len);
    return tx_strndup(p, len);
}

void tx_cp_linecol(const tx_doc *doc, const tx_lineidx *li, size_t cp, size_t *line, size_t *col)
{
    size_t ls;
    *line = tx_lineidx_line(li, tx_cp_to_byte(doc, cp), &ls);
    *col = cp - tx_byte_to_cp(doc, ls) + 1;
}

void tx_span_linecol(const tx_conv *c, const tx_lineidx *li, size_t s, size_t *line, size_t *col)
{
    tx_cp_linecol(c->doc, li, tx_norm_cp(c->norm, s), line, col);
}
