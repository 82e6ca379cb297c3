/* diag.c - the diagnostics of one conversion (see diag.h). */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((format(printf, 7, 0))) static void add_v(tx_diags *ds, tx_diag_at at,
                                                        const char *sev, const char *code, long s,
                                                        long e, const char *fmt, va_list ap)
{
    tx_diag *p = tx_grow(ds->d, &ds->cap, ds->n + 1, sizeof *p);
    if (!p) {
        ds->oom = 1;
        return;
    }
    ds->d = p;
    char buf[1024];
    vsnprintf(buf, sizeof buf, fmt, ap);
    char *m = tx_strndup(buf, strlen(buf));
    if (!m) {
        ds->oom = 1;
        return;
    }
    ds->d[ds->n++] = (tx_diag){sev, code, m, s, e, at};
}

void tx_diag_add(tx_diags *ds, const char *sev, const char *code, long s, long e, const char *fmt,
                 ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_v(ds, TX_AT_NORM, sev, code, s, e, fmt, ap);
    va_end(ap);
}

void tx_diag_add_at(tx_diags *ds, tx_diag_at at, const char *sev, const char *code, long s, long e,
                    const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_v(ds, at, sev, code, s, e, fmt, ap);
    va_end(ap);
}

void tx_diags_free(tx_diags *ds)
{
    for (size_t i = 0; i < ds->n; i++)
        free(ds->d[i].message);
    free(ds->d);
    memset(ds, 0, sizeof *ds);
}
