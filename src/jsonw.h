/* jsonw.h - JSON text written straight into a byte buffer, byte for byte
 * as cJSON_PrintUnformatted prints the same values, so the bulk of a
 * document (output.c's entries) needs no cJSON tree built, printed and
 * freed. */
#ifndef TX2JSON_JSONW_H
#define TX2JSON_JSONW_H

#include "internal.h"

#include <stddef.h>
#include <string.h>

/* s[0, n) as it is (tx_sb_add, inlined). */
static inline void tx_jw_raw(tx_strbuf *b, const char *s, size_t n)
{
    tx_sb_add(b, s, n);
}

static inline void tx_jw_char(tx_strbuf *b, char c)
{
    tx_sb_addc(b, c);
}

/* s[0, n) as a JSON string, escaped as cJSON escapes: \" \\ \b \f \n \r
 * \t, other bytes below 0x20 as \u00xx, everything else as it is. */
TXI void tx_jw_str(tx_strbuf *b, const char *s, size_t n);
/* The member name k (NUL-terminated, nothing in it to escape) and its
 * colon, after a comma unless it is the first of its object. */
TXI void tx_jw_key(tx_strbuf *b, const char *k, int first);
/* v in decimal. */
TXI void tx_jw_count(tx_strbuf *b, size_t v);

#endif
