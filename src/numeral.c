/* numeral.c - spoken numbers from the rule set's tables (see numeral.h). */
#include "numeral.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct numchar {
    const char *s; /* the character (or any string), UTF-8 */
    size_t n;
    int v; /* 0-9, TX_NUM_TENS or TX_NUM_POINT */
} numchar;

typedef struct numword {
    int role;
    long v;
} numword;

struct tx_numerals {
    unsigned char chfirst[256], mfirst[256]; /* first bytes of numerals, measure words */
    numchar *ch;                             /* numeral characters */
    size_t nch;
    const char **measure; /* measure words */
    size_t *mlen, nmeasure;
    tx_nmap words; /* number word -> index into wv */
    numword *wv;
    size_t nwv;
};

/* The role and value of a number-words row's value. */
static numword word_of(const char *v)
{
    if (!strcmp(v, ".")) return (numword){TX_WORD_POINT, 0};
    if (v[0] == '*') return (numword){TX_WORD_MULT, atol(v + 1)};
    if (v[0] >= '0' && v[0] <= '9') return (numword){TX_WORD_VALUE, atol(v)};
    return (numword){TX_WORD_DIM, (unsigned char)v[0]};
}

static int count_rows(const tx_table *t, size_t nt, int kind)
{
    int n = 0;
    for (size_t i = 0; i < nt; i++)
        if (t[i].kind == kind) n += (int)t[i].nrow;
    return n;
}

/* Reads one table into nt.  0, or -1 on OOM. */
static int read_table(tx_numerals *nt, const tx_table *t)
{
    for (size_t r = 0; r < t->nrow; r++) {
        const char *k = t->row[r].key, *v = t->row[r].value;
        if (t->kind == TK_NUMERALS) {
            int d = !strcmp(v, ".") ? TX_NUM_POINT : !strcmp(v, "*10") ? TX_NUM_TENS : v[0] - '0';
            nt->ch[nt->nch++] = (numchar){k, strlen(k), d};
            nt->chfirst[(unsigned char)k[0]] = 1;
        } else if (t->kind == TK_MEASURE_WORDS) {
            nt->mfirst[(unsigned char)k[0]] = 1;
            nt->measure[nt->nmeasure] = k;
            nt->mlen[nt->nmeasure++] = strlen(k);
        } else if (t->kind == TK_NUMBER_WORDS) {
            nt->wv[nt->nwv] = word_of(v);
            if (tx_nmap_put(&nt->words, k, strlen(k), nt->nwv++)) return -1;
        }
    }
    return 0;
}

tx_numerals *tx_numerals_new(const tx_ruleset *rs)
{
    size_t n;
    const tx_table *t = tx_rules_tables(rs, &n);
    tx_numerals *nt = calloc(1, sizeof *nt);
    if (!nt) return NULL;
    int nc = count_rows(t, n, TK_NUMERALS), nm = count_rows(t, n, TK_MEASURE_WORDS),
        nw = count_rows(t, n, TK_NUMBER_WORDS);
    nt->ch = malloc((size_t)(nc + 1) * sizeof *nt->ch);
    nt->measure = malloc((size_t)(nm + 1) * sizeof *nt->measure);
    nt->mlen = malloc((size_t)(nm + 1) * sizeof *nt->mlen);
    nt->wv = malloc((size_t)(nw + 1) * sizeof *nt->wv);
    int bad = !nt->ch || !nt->measure || !nt->mlen || !nt->wv;
    for (size_t i = 0; i < n && !bad; i++)
        if (t[i].kind >= 0) bad = read_table(nt, &t[i]);
    if (bad) {
        tx_numerals_free(nt);
        return NULL;
    }
    return nt;
}

void tx_numerals_free(tx_numerals *nt)
{
    if (!nt) return;
    free(nt->ch);
    free(nt->measure);
    free(nt->mlen);
    free(nt->wv);
    tx_nmap_free(&nt->words);
    free(nt);
}

int tx_num_char(const tx_numerals *nt, const char *s, size_t avail, size_t *len)
{
    /* Most characters are no numeral: their first byte says so. */
    int maybe = nt && avail && nt->chfirst[(unsigned char)s[0]];
    for (size_t k = 0; maybe && k < nt->nch; k++)
        if (nt->ch[k].n <= avail && memcmp(s, nt->ch[k].s, nt->ch[k].n) == 0) {
            *len = nt->ch[k].n;
            return nt->ch[k].v;
        }
    size_t l = 1; /* not a numeral: the length of its UTF-8 character */
    while (l < avail && ((unsigned char)s[l] & 0xC0) == 0x80)
        l++;
    *len = l;
    return TX_NUM_NONE;
}

long tx_num_value(const tx_numerals *nt, const char *s, size_t n)
{
    long v = 0, cur = -1;
    for (size_t i = 0, l; i < n; i += l) {
        int d = tx_num_char(nt, s + i, n - i, &l);
        if (d >= 0 && d < TX_NUM_TENS) {
            if (cur >= 0) return -1; /* two digits in a row */
            cur = d;
        } else if (d == TX_NUM_TENS) {
            v += (cur >= 0 ? cur : 1) * 10;
            cur = -1;
        } else {
            return -1;
        }
    }
    long total = v + (cur >= 0 ? cur : 0);
    return total > 0 ? total : -1;
}

size_t tx_num_digits(const tx_numerals *nt, const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0, i = 0, l;
    int tens = 0;
    for (size_t k = 0; k < n; k += l) {
        int d = tx_num_char(nt, s + k, n - k, &l);
        if (d == TX_NUM_POINT) break;
        tens |= d == TX_NUM_TENS;
    }
    if (tens) {
        long v = 0, cur = -1;
        for (; i < n; i += l) {
            int d = tx_num_char(nt, s + i, n - i, &l);
            if (d == TX_NUM_POINT) break;
            if (d == TX_NUM_TENS) {
                v += (cur >= 0 ? cur : 1) * 10;
                cur = -1;
            } else {
                cur = d;
            }
        }
        o = (size_t)snprintf(out, cap, "%ld", v + (cur >= 0 ? cur : 0));
    }
    for (; i < n && o + 2 < cap; i += l) {
        int d = tx_num_char(nt, s + i, n - i, &l);
        if (d >= 0) o += (size_t)snprintf(out + o, cap - o, "%d", d);
    }
    return o;
}

size_t tx_num_measure(const tx_numerals *nt, const char *s, size_t avail)
{
    if (!nt || !avail || !nt->mfirst[(unsigned char)s[0]]) return 0;
    for (size_t k = 0; k < nt->nmeasure; k++)
        if (nt->mlen[k] <= avail && memcmp(s, nt->measure[k], nt->mlen[k]) == 0) return nt->mlen[k];
    return 0;
}

/* Longest value a spoken episode number may have (LONG_MAX / 10): more
 * digits stop the reading. */
#define SPOKEN_MAX (LONG_MAX / 10)
/* Longest number word looked up ("seventeen" and the like). */
#define WORD_MAX 16

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* ASCII digits at s[0..n): their value (-1 past SPOKEN_MAX). */
static long digits_value(const char *s, size_t n)
{
    long v = 0;
    for (size_t i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
        if (v > SPOKEN_MAX) return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Number words from s[0..n) on, a space or hyphen between them: their
 * value, or -1 when the first word is none. */
static long words_value(const tx_numerals *nt, const char *s, size_t n)
{
    long cur = 0;
    int any = 0;
    for (size_t i = 0; i < n;) {
        size_t e = i;
        char low[WORD_MAX];
        while (e < n && is_alpha(s[e]))
            e++;
        if (e == i || e - i >= sizeof low) break;
        for (size_t k = i; k < e; k++)
            low[k - i] = (char)(s[k] >= 'A' && s[k] <= 'Z' ? s[k] + ('a' - 'A') : s[k]);
        long v;
        int role = tx_num_word(nt, low, e - i, &v);
        if (role == TX_WORD_VALUE && cur <= SPOKEN_MAX)
            cur += v;
        else if (role == TX_WORD_MULT && cur <= SPOKEN_MAX / (v > 0 ? v : 1))
            cur = (any ? cur : 1) * v;
        else
            break;
        any = 1;
        i = e;
        while (i < n && (s[i] == ' ' || s[i] == '-'))
            i++;
    }
    return any ? cur : -1;
}

long tx_num_spoken(const tx_numerals *nt, const char *s, size_t n)
{
    for (size_t i = 0, l; i < n; i += l) {
        size_t j = i;
        long v = -1;
        if (s[i] >= '0' && s[i] <= '9') {
            while (j < n && s[j] >= '0' && s[j] <= '9')
                j++;
            v = digits_value(s + i, j - i);
        } else if (is_alpha(s[i]) && (i == 0 || !is_alpha(s[i - 1]))) {
            v = words_value(nt, s + i, n - i);
            while (j < n && is_alpha(s[j]))
                j++;
        } else {
            int d;
            while (j < n && (d = tx_num_char(nt, s + j, n - j, &l)) >= 0)
                j += l;
            if (j > i) v = tx_num_value(nt, s + i, j - i);
        }
        if (v > 0) return v;
        l = j > i ? j - i : 1;
        while (j == i && i + l < n && ((unsigned char)s[i + l] & 0xC0) == 0x80)
            l++;
    }
    return -1;
}

int tx_num_word(const tx_numerals *nt, const char *w, size_t n, long *v)
{
    size_t i;
    if (!nt || !tx_nmap_get(&nt->words, w, n, &i)) return TX_WORD_NONE;
    *v = nt->wv[i].v;
    return nt->wv[i].role;
}

int tx_is_number_word(const tx_numerals *nt, const char *s, size_t n)
{
    char low[16];
    if (n == 0 || n >= sizeof low) return 0;
    for (size_t i = 0; i < n; i++)
        low[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i];
    long v;
    int role = tx_num_word(nt, low, n, &v);
    return role != TX_WORD_NONE && role != TX_WORD_DIM;
}
