/* cli_msg.c - the command line's messages: warnings and errors in gcc's
 * form, FILE:LINE:COL: warning|error: MESSAGE [code] (a diagnostic about
 * a whole file, with no position of its own, is at 1:1), "tx2json: "
 * only before messages that name no file; the per-job message buffers
 * the batch prints in input order; the count of warnings per code that
 * --warnings=summary prints. */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The line and column of a diagnostic that has none of its own: the
 * whole file, at its start. */
#define WHOLE_FILE_LINE 1
#define WHOLE_FILE_COLUMN 1

/* The longest message line retained (a longer one is cut). */
#define MSG_MAX 2048

/* The first size of a message buffer and of the code counts. */
#define MSG_INITIAL 256
#define COUNTS_INITIAL 16

void msg_add(msgbuf *m, const char *fmt, ...)
{
    char tmp[MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    size_t len = (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1;
    size_t need = m->len + len + 1;
    if (need > m->cap) {
        size_t nc = m->cap ? m->cap * 2 : MSG_INITIAL;
        while (nc < need)
            nc *= 2;
        char *ns = realloc(m->s, nc);
        if (!ns) return;
        m->s = ns;
        m->cap = nc;
    }
    memcpy(m->s + m->len, tmp, len + 1);
    m->len += len;
}

/* One diagnostic line into m. */
static void diag_line(msgbuf *m, const char *file, size_t line, size_t col, const char *sev,
                      const char *msg, const char *code)
{
    if (!file || !*file) {
        msg_add(m, "tx2json: %s: %s [%s]\n", sev, msg, code);
        return;
    }
    if (!line) line = WHOLE_FILE_LINE, col = WHOLE_FILE_COLUMN;
    msg_add(m, "%s:%zu:%zu: %s: %s [%s]\n", file, line, col ? col : WHOLE_FILE_COLUMN, sev, msg,
            code);
}

void msg_warning(void *user, const char *file, size_t line, size_t col, const char *code,
                 const char *msg)
{
    diag_line(user, file, line, col, "warning", msg, code);
}

/* --warnings=summary: only the code, one per line, counted when the job
 * is emitted (warn_count_text). */
void msg_warning_code(void *user, const char *file, size_t line, size_t col, const char *code,
                      const char *msg)
{
    (void)file, (void)line, (void)col, (void)msg;
    msg_add(user, "%s\n", code);
}

void msg_error(msgbuf *m, const tx2json_error *e)
{
    diag_line(m, e->file, e->line, e->column, "error", e->message, status_code(e->code));
}

void print_error(const tx2json_error *e)
{
    msgbuf m = {0};
    msg_error(&m, e);
    if (m.s) fputs(m.s, stderr);
    free(m.s);
}

int warn_count_text(warn_counts *w, const char *codes)
{
    for (const char *p = codes; p && *p;) {
        size_t n = strcspn(p, "\n"), k = 0;
        while (k < w->n && (strlen(w->v[k].code) != n || strncmp(w->v[k].code, p, n)))
            k++;
        if (k == w->n) {
            if (w->n == w->cap) {
                size_t nc = w->cap ? w->cap * 2 : COUNTS_INITIAL;
                warn_count *nv = realloc(w->v, nc * sizeof *nv);
                if (!nv) return -1;
                w->v = nv;
                w->cap = nc;
            }
            if (!(w->v[k].code = malloc(n + 1))) return -1;
            memcpy(w->v[k].code, p, n);
            w->v[k].code[n] = 0;
            w->v[k].n = 0;
            w->n++;
        }
        w->v[k].n++;
        w->total++;
        p += n + (p[n] == '\n');
    }
    return 0;
}

void warn_counts_print(const warn_counts *w, FILE *f)
{
    if (!w->total) return;
    fprintf(f, "tx2json: %zu warning%s:", w->total, w->total == 1 ? "" : "s");
    for (size_t k = 0; k < w->n; k++)
        fprintf(f, "%s %zu %s", k ? "," : "", w->v[k].n, w->v[k].code);
    fputs(" (--warnings=all shows each)\n", f);
}

void warn_counts_free(warn_counts *w)
{
    for (size_t k = 0; k < w->n; k++)
        free(w->v[k].code);
    free(w->v);
    memset(w, 0, sizeof *w);
}
