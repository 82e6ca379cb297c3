/* diag.c - the diagnostics of one conversion (see diag.h). */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tx_diag_add(tx_diags *ds, const char *sev, const char *code, long s, long e, const char *fmt,
                 ...)
{
    tx_diag *p = tx_grow(ds->d, &ds->cap, ds->n + 1, sizeof *p);
    if (!p) {
        ds->oom = 1;
        return;
    }
    ds->d = p;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char *m = tx_strndup(buf, strlen(buf));
    if (!m) {
        ds->oom = 1;
        return;
    }
    ds->d[ds->n++] = (tx_diag){sev, code, m, s, e};
}

void tx_diags_free(tx_diags *ds)
{
    for (size_t i = 0; i < ds->n; i++)
        free(ds->d[i].message);
    free(ds->d);
    memset(ds, 0, sizeof *ds);
}
