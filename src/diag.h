/* diag.h - the diagnostics of one conversion: warnings with an optional span of
 * the matching form, in the order stages add them. */
#ifndef TX2JSON_DIAG_H
#define TX2JSON_DIAG_H

#include "internal.h"

/* What a diagnostic's start and end count. */
typedef enum tx_diag_at {
    TX_AT_NORM, /* bytes of the matching form (c->norm) */
    TX_AT_TEXT, /* code points of the decoded text: framing the matching form lacks */
    TX_AT_NOTES /* bytes of the notes' matching form (c->notes_norm) */
} tx_diag_at;

/* Diagnostics of one conversion. */
typedef struct tx_diag {
    const char *severity;
    const char *code;
    char *message;
    long start, end; /* -1 when none */
    tx_diag_at at;   /* what start and end count */
} tx_diag;
typedef struct tx_diags {
    tx_diag *d;
    size_t n, cap;
    int oom; /* a diagnostic was lost to OOM: the conversion fails */
} tx_diags;
/* Appends a diagnostic with a printf-style message (copied).  On OOM it
 * sets ds->oom, which the pipeline turns into TX2JSON_ENOMEM, so no
 * warning is ever dropped silently. */
TXI void tx_diag_add(tx_diags *ds, const char *severity, const char *code, long start, long end,
                     const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* The same, with start and end counting what `at` says. */
TXI void tx_diag_add_at(tx_diags *ds, tx_diag_at at, const char *severity, const char *code,
                        long start, long end, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
/* Frees the messages and the array; ds is empty afterwards. */
TXI void tx_diags_free(tx_diags *ds);

#endif
