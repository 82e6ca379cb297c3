/* jsonw.c - JSON text straight into a byte buffer, as cJSON prints it
 * (jsonw.h). */
#include "jsonw.h"

#include <stdio.h>
#include <string.h>

/* The bytes cJSON writes as an escape: the quote, the backslash and
 * everything below a space. */
static int needs_escape(unsigned char c)
{
    return c < ' ' || c == '"' || c == '\\';
}

/* The one-letter escape of control byte c ('b' for a backspace), or 0
 * when it has none. */
static char named_escape(unsigned char c)
{
    switch (c) {
    case '\b':
        return 'b';
    case '\f':
        return 'f';
    case '\n':
        return 'n';
    case '\r':
        return 'r';
    case '\t':
        return 't';
    default:
        return 0;
    }
}

static void escape(tx_strbuf *b, unsigned char c)
{
    char buf[8] = {'\\', (char)c, 0};
    size_t n = 2;
    if (c != '"' && c != '\\') {
        char k = named_escape(c);
        if (k)
            buf[1] = k;
        else
            n = (size_t)snprintf(buf, sizeof buf, "\\u%04x", c);
    }
    tx_jw_raw(b, buf, n);
}

void tx_jw_str(tx_strbuf *b, const char *s, size_t n)
{
    tx_jw_char(b, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        if (!needs_escape((unsigned char)s[i])) continue;
        tx_jw_raw(b, s + run, i - run);
        escape(b, (unsigned char)s[i]);
        run = i + 1;
    }
    tx_jw_raw(b, s + run, n - run);
    tx_jw_char(b, '"');
}

void tx_jw_key(tx_strbuf *b, const char *k, int first)
{
    if (first)
        tx_jw_char(b, '"');
    else
        tx_jw_raw(b, ",\"", 2);
    tx_jw_raw(b, k, strlen(k));
    tx_jw_raw(b, "\":", 2);
}

void tx_jw_count(tx_strbuf *b, size_t v)
{
    char buf[24], *p = buf + sizeof buf;
    do
        *--p = (char)('0' + v % 10);
    while ((v /= 10) > 0);
    tx_jw_raw(b, p, (size_t)(buf + sizeof buf - p));
}
