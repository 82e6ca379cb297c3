/* pinyin_check.c - the generated pinyin table (tools/pinyin-gen.c) against
 * ICU's Han-Latin transliterator, which it replaces: every code point the
 * table holds, alone; every one again inside a generated string of table
 * characters and ASCII letters and digits; every context pair of
 * Han-Latin, alone and inside such strings.  A string the table does not
 * cover must be refused (0), never read differently.  And the table's
 * syllables one at a time (tx_pinyin_syl, which the anchor search joins
 * into a window's pinyin) against the table's reading of the whole
 * string: every character alone, every context pair, random runs.
 *
 *   pinyin_check    prints "pinyin_check: N strings agree" and exits 0,
 *                   or prints each disagreement and exits 1 */
#include "similar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pinyin_table.inc"

enum { MAX_SHOWN = 20, RUN_MAX = 8 };

static unsigned long long rng_state = 88172645463325252ULL;

static unsigned rnd(unsigned n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned)(rng_state % n);
}

static size_t checked, failed;

/* One string: the table must agree with ICU wherever it answers, and
 * must answer when every character is a table or [a-z0-9] one. */
static void check(tx_pinyin *p, const char *s, int covered)
{
    char *t = NULL, *u = tx_pinyin_icu(p, s);
    int got = tx_pinyin_table(s, &t);
    checked++;
    if (!u || got < 0 || (covered && got != 1) || (got == 1 && strcmp(t, u))) {
        if (failed++ < MAX_SHOWN)
            printf("    %s: table %s (%d), ICU %s\n", s, t ? t : "-", got, u ? u : "-");
    }
    free(t);
    free(u);
}

/* The syllables of the n code points cp, each read before the next, must
 * join into what tx_pinyin_table reads for the string they make. */
static void check_syl(const uint32_t *cp, size_t n)
{
    char s[4 * (RUN_MAX + 4) + 1], joined[16 * (RUN_MAX + 4) + 1] = "", *t = NULL;
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        len += tx_u8_put(cp[i], s + len);
        const char *y = tx_pinyin_syl(cp[i], i + 1 < n ? cp[i + 1] : 0);
        if (y) strcat(joined, y);
    }
    s[len] = 0;
    int got = tx_pinyin_table(s, &t);
    checked++;
    if (got != 1 || strcmp(t, joined)) {
        if (failed++ < MAX_SHOWN)
            printf("    %s: table %s (%d), syllables %s\n", s, t ? t : "-", got, joined);
    }
    free(t);
}

static size_t nholds;
static uint32_t *holds; /* every code point of the table */

static void collect(void)
{
    size_t n = 0;
    for (size_t r = 0; r < sizeof tx_py_range / sizeof *tx_py_range; r++)
        n += tx_py_range[r].hi - tx_py_range[r].lo + 1;
    holds = malloc(sizeof *holds * n);
    if (!holds) exit(1);
    for (size_t r = 0; r < sizeof tx_py_range / sizeof *tx_py_range; r++)
        for (uint32_t c = tx_py_range[r].lo; c <= tx_py_range[r].hi; c++)
            if (tx_py_idx[tx_py_range[r].at + (c - tx_py_range[r].lo)] != TX_PY_NONE)
                holds[nholds++] = c;
}

/* Appends one code point of a generated string: mostly table characters,
 * sometimes an ASCII letter or digit. */
static size_t put_random(char *s, size_t n)
{
    static const char ascii[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    if (rnd(4) == 0) {
        s[n] = ascii[rnd(sizeof ascii - 1)];
        return n + 1;
    }
    return n + tx_u8_put(holds[rnd((unsigned)nholds)], s + n);
}

int main(void)
{
    tx_pinyin *p = tx_pinyin_new();
    if (!p) return 1;
    collect();
    char s[4 * (RUN_MAX + 4) + 1];
    for (size_t i = 0; i < nholds; i++) { /* alone, then among others */
        size_t n = tx_u8_put(holds[i], s);
        s[n] = 0;
        check(p, s, 1);
        check_syl(&holds[i], 1);
        uint32_t run[RUN_MAX + 1];
        size_t m = 1 + rnd(RUN_MAX);
        run[0] = holds[i];
        for (size_t k = 1; k < m; k++)
            run[k] = holds[rnd((unsigned)nholds)];
        check_syl(run, m);
        n = put_random(s, 0);
        n += tx_u8_put(holds[i], s + n);
        for (unsigned k = rnd(RUN_MAX); k > 0; k--)
            n = put_random(s, n);
        s[n] = 0;
        check(p, s, 1);
    }
    for (size_t i = 0; tx_py_ctx[i].a; i++) { /* the context pairs */
        uint32_t pair[3] = {tx_py_ctx[i].a, tx_py_ctx[i].b, tx_py_ctx[i].a};
        check_syl(pair, 2);
        check_syl(pair, 3);
        check_syl(pair + 1, 2);
        size_t n = tx_u8_put(tx_py_ctx[i].a, s);
        n += tx_u8_put(tx_py_ctx[i].b, s + n);
        s[n] = 0;
        check(p, s, 1);
        n = put_random(s, 0);
        n += tx_u8_put(tx_py_ctx[i].a, s + n);
        n += tx_u8_put(tx_py_ctx[i].b, s + n);
        n = put_random(s, n);
        s[n] = 0;
        check(p, s, 1);
        n = tx_u8_put(tx_py_ctx[i].b, s);
        n += tx_u8_put(tx_py_ctx[i].a, s + n);
        s[n] = 0;
        check(p, s, 1);
    }
    check(p, "\xe4\xb8\xad \xe6\x96\x87", 0); /* a space: refused or equal */
    check(p, "caf\xc3\xa9\xe4\xb8\xad", 0);   /* a Latin letter with an accent */
    check(p, "\xe3\x81\x82\xe4\xb8\xad", 0);  /* kana */
    tx_pinyin_free(p);
    free(holds);
    if (failed) {
        printf("pinyin_check: %zu of %zu strings disagree\n", failed, checked);
        return 1;
    }
    printf("pinyin_check: %zu strings agree\n", checked);
    return 0;
}
