/* read.h - stage 1, read: bytes to UTF-8 text (BOM, encodings, CRLF). */
#ifndef TX2JSON_READ_H
#define TX2JSON_READ_H

#include "conv.h"

/* The decoded input: UTF-8 text with CRLF/CR folded to LF and no BOM, plus
 * the byte offset of every TX_CP_STRIDE-th code point, so spans can be
 * given in code points as Python's str indexing does (tx_cp_to_byte and
 * tx_byte_to_cp read at most that many code points of text). */
typedef struct tx_doc {
    const char *name;
    size_t raw_len;
    char sha256[65];
    char encoding[64];
    char *text;      /* decoded UTF-8 */
    size_t len;      /* bytes */
    size_t ncp;      /* code points */
    uint32_t *cp_at; /* byte offset of code point k * TX_CP_STRIDE, k <= ncp / stride */
} tx_doc;
enum { TX_CP_STRIDE = 32 };

/* Turns data[0..len) (named c->name; c->opts->encoding forces an ICU
 * encoding) into c->doc.  Returns TX2JSON_OK, or an error in c->err:
 * TX2JSON_EDECODE with the byte offset of the bad input, or ENOMEM. */
TXI tx2json_status tx_decode(tx_conv *c, const unsigned char *data, size_t len);
TXI void tx_doc_free(tx_doc *doc);
/* The code point starting at text byte `byte`, or the next one when byte
 * is inside a code point; ncp for byte >= len. */
TXI size_t tx_byte_to_cp(const tx_doc *doc, size_t byte);
/* The text byte where code point cp starts; len for cp >= ncp. */
TXI size_t tx_cp_to_byte(const tx_doc *doc, size_t cp);

#endif
