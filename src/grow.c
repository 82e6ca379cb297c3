/* grow.c - stage 7a': a linked mention's span grown over the words around
 * it that its reference's label also holds.
 *
 * Mention rules and capitalised runs often catch part of a spoken name:
 * "deep seek v" of "deep seek v 三点二", "Mistral" of "Mistral medium
 * three", "coder" of "千问三 coder".  Once a mention is linked, the label
 * of its reference says which neighbours belong to the name: a word that
 * is a word of the label ("medium" in "Mistral Medium 3"), or a number,
 * spoken or written, that the label writes ("三点二", "four point five"
 * for 3.2 and 4.5).  The span takes such words one at a time on each side,
 * up to `param:mention-grow-words` on each (no row: nothing grows), never
 * across punctuation, and a lower-case word of the label of at most
 * `param:mention-grow-joiner` letters ("in" of "Gemini in Chrome") only
 * between two that belong.  A mention of the same entry that the grown
 * span then covers (unlinked, or linked to the same reference) is
 * dropped; one linked elsewhere stops it; an unlinked one whose edge word
 * belongs ("千问三", its "三" a word of "Qwen3-Coder") is taken whole, and
 * growth stops there. */
#include "grow.h"
#include "normalize.h"
#include "numeral.h"
#include "references.h"
#include "signals.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* A label word: the key of a run of letters and digits, or of a part of
 * it split at case and letter/digit changes; `name` when it can be part
 * of a name by itself (it has a capital or a digit, or the label has no
 * capital at all); other words only join two that are. */
typedef struct lword {
    char *key;
    int name;
} lword;

typedef struct lwords {
    lword *w;
    size_t n, cap;
} lwords;

static int is_alnum(unsigned char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static int is_digit(unsigned char ch)
{
    return ch >= '0' && ch <= '9';
}

static int is_upper(unsigned char ch)
{
    return ch >= 'A' && ch <= 'Z';
}

static int add_word(const tx_conv *c, lwords *lw, const char *s, size_t n, int name)
{
    char *k = tx_name_key(c->num, s, n);
    if (!k) return -1;
    if (!*k) {
        free(k);
        return 0;
    }
    lword *v = tx_grow(lw->w, &lw->cap, lw->n + 1, sizeof *v);
    if (!v) {
        free(k);
        return -1;
    }
    lw->w = v;
    lw->w[lw->n++] = (lword){k, name};
    return 0;
}

/* The end of the label run at s[i]: letters and digits, with a point
 * between two digits ("3.2"). */
static size_t run_end(const char *s, size_t i, size_t n)
{
    while (i < n && (is_alnum((unsigned char)s[i]) ||
                     (s[i] == '.' && i > 0 && is_digit((unsigned char)s[i - 1]) && i + 1 < n &&
                      is_digit((unsigned char)s[i + 1]))))
        i++;
    return i;
}

/* Is there a part boundary before s[i] (a < i < b): lower to upper case,
 * letter to digit or digit to letter? */
static int part_break(const char *s, size_t i)
{
    unsigned char p = (unsigned char)s[i - 1], q = (unsigned char)s[i];
    if (p == '.' || q == '.') return 0;
    return (!is_upper(p) && !is_digit(p) && is_upper(q)) || (is_digit(p) != is_digit(q));
}

/* Every word of label s[0..n).  -1 on OOM. */
static int label_words(const tx_conv *c, const char *s, lwords *lw)
{
    size_t n = strlen(s);
    int caps = 0;
    for (size_t i = 0; i < n; i++)
        caps |= is_upper((unsigned char)s[i]);
    for (size_t i = 0; i < n;) {
        if (!is_alnum((unsigned char)s[i])) {
            i++;
            continue;
        }
        size_t e = run_end(s, i, n);
        int name = !caps;
        for (size_t k = i; k < e; k++)
            name |= is_upper((unsigned char)s[k]) || is_digit((unsigned char)s[k]);
        if (add_word(c, lw, s + i, e - i, name)) return -1;
        for (size_t a = i, k = i + 1; k <= e; k++)
            if (k == e || part_break(s, k)) {
                if (k - a < e - i && s[a] != '.' && add_word(c, lw, s + a, k - a, name)) return -1;
                a = k;
            }
        i = e;
    }
    return 0;
}

static void lwords_free(lwords *lw)
{
    for (size_t i = 0; i < lw->n; i++)
        free(lw->w[i].key);
    free(lw->w);
    memset(lw, 0, sizeof *lw);
}

/* How key k belongs to the label: 2 a name word, 1 a joiner (a lower-case
 * word of at most joiner bytes), 0 not. */
static int belongs(const lwords *lw, const char *k, size_t joiner)
{
    int best = 0;
    for (size_t i = 0; i < lw->n; i++)
        if (!strcmp(lw->w[i].key, k)) {
            if (lw->w[i].name) return 2;
            if (strlen(k) <= joiner) best = 1;
        }
    return best;
}

/* The number-word role of s[0..n) in any case (TX_WORD_*). */
static int num_role(const tx_conv *c, const char *s, size_t n)
{
    char low[16];
    long v;
    if (n == 0 || n >= sizeof low) return TX_WORD_NONE;
    for (size_t i = 0; i < n; i++)
        low[i] = is_upper((unsigned char)s[i]) ? (char)(s[i] + 32) : s[i];
    return tx_num_word(c->num, low, n, &v);
}

/* The word of the text at t[p..end): a Latin run (inner '.' or '-' before
 * a letter or digit), a spoken number run ("four point five", a run of
 * numeral characters), else nothing.  Its end, or p. */
static size_t word_at(const tx_conv *c, const char *t, size_t p, size_t end)
{
    size_t len, q = p;
    if (p < end && is_alnum((unsigned char)t[p])) {
        while (q < end &&
               (is_alnum((unsigned char)t[q]) || ((t[q] == '.' || t[q] == '-') && q + 1 < end &&
                                                  is_alnum((unsigned char)t[q + 1]) && q > p)))
            q++;
        /* a spoken decimal: "four point five" is one word */
        if (num_role(c, t + p, q - p) == TX_WORD_VALUE) {
            size_t r = q;
            while (r + 1 < end && t[r] == ' ') {
                size_t s = r + 1, e = s;
                while (e < end && is_alnum((unsigned char)t[e]))
                    e++;
                int role = num_role(c, t + s, e - s);
                if (role != TX_WORD_VALUE && role != TX_WORD_POINT) break;
                r = e;
                if (role == TX_WORD_VALUE) q = r;
            }
        }
        return q;
    }
    int digit = 0;
    while (q < end) {
        int d = tx_num_char(c->num, t + q, end - q, &len);
        if (d == TX_NUM_NONE) break;
        digit |= d >= 0;
        q += len;
    }
    return digit ? q : p;
}

/* The start of the word that ends at t[e] (after start, the least it may
 * reach), or e: the word is read forwards from each possible start. */
static size_t word_before(const tx_conv *c, const char *t, size_t lo, size_t e)
{
    size_t best = e;
    for (size_t s = e; s > lo;) {
        s--;
        while (s > lo && ((unsigned char)t[s] & 0xC0) == 0x80)
            s--;
        if (s > lo && is_alnum((unsigned char)t[s - 1]) && is_alnum((unsigned char)t[s]))
            continue; /* not the start of a Latin run */
        if (word_at(c, t, s, e) == e) best = s;
        if (e - s > 64) break;
    }
    return best;
}

/* The key of t[a..b) against the label: 0, 1 or 2 as belongs(); -1 OOM. */
static int word_fits(const tx_conv *c, const lwords *lw, const char *t, size_t a, size_t b,
                     size_t joiner)
{
    if (!is_alnum((unsigned char)t[a])) { /* numeral characters ("三点二"): their digits */
        char d[32];
        size_t n = tx_num_digits(c->num, t + a, b - a, d, sizeof d - 1);
        d[n < sizeof d ? n : sizeof d - 1] = '\0';
        return n && n < sizeof d - 1 ? belongs(lw, d, joiner) : 0;
    }
    char *k = tx_name_key(c->num, t + a, b - a);
    if (!k) return -1;
    int r = *k ? belongs(lw, k, joiner) : 0;
    free(k);
    return r;
}

/* Does word t[a..b) overlap a mention of en other than m that stops
 * growth (linked to another reference), or that the span may not take
 * whole?  An unlinked mention that the word opens (dir +1) or closes
 * (dir -1) is taken whole instead ("千问三" before "Coder"): *a or *b
 * move to its far edge, and 2 is returned (the last word taken). */
static int blocked(const tx_entry *en, size_t m, int dir, size_t *a, size_t *b, size_t na,
                   size_t nb)
{
    for (size_t j = 0; j < en->nmen; j++) {
        const tx_item *o = &en->men[j];
        if (j == m || o->end <= *a || o->start >= *b) continue;
        if (o->reference >= 0 && o->reference != en->men[m].reference) return 1;
        if (o->start >= na && o->end <= nb) continue;
        if (o->reference < 0 && dir > 0 && o->start == *a) return *b = o->end, 2;
        if (o->reference < 0 && dir < 0 && o->end == *b) return *a = o->start, 2;
        return 1;
    }
    return 0;
}

typedef struct grow_params {
    size_t max, joiner; /* words a side; the longest joiner */
} grow_params;

/* Grows mention m of en on side dir (+1 right, -1 left) by at most
 * gp->max words.  -1 on OOM. */
static int grow_side(const tx_conv *c, tx_entry *en, size_t m, const lwords *lw, int dir,
                     const grow_params *gp)
{
    const char *t = c->norm->s;
    tx_item *it = &en->men[m];
    size_t got = 0; /* name words taken; a joiner waits for one */
    size_t edge = dir > 0 ? it->end : it->start, keep = edge;
    for (size_t k = 0; k < gp->max; k++) {
        size_t a, b;
        if (dir > 0) {
            if (edge > 0 && ispunct((unsigned char)t[edge - 1])) break; /* "search." */
            if (edge > 0 && edge < en->end && is_alnum((unsigned char)t[edge - 1]) &&
                is_alnum((unsigned char)t[edge]))
                break; /* the mention ends inside a word */
            a = edge < en->end && t[edge] == ' ' ? edge + 1 : edge;
            b = word_at(c, t, a, en->end);
            if (b == a) break;
        } else {
            if (edge < c->norm->len && ispunct((unsigned char)t[edge])) break;
            if (edge > en->start && edge < c->norm->len && is_alnum((unsigned char)t[edge - 1]) &&
                is_alnum((unsigned char)t[edge]))
                break;
            b = edge > en->start && t[edge - 1] == ' ' ? edge - 1 : edge;
            a = word_before(c, t, en->start, b);
            if (a == b) break;
        }
        int f = word_fits(c, lw, t, a, b, gp->joiner);
        if (f < 0) return -1;
        if (!f) break;
        size_t na = dir > 0 ? it->start : a, nb = dir > 0 ? b : it->end;
        int stop = blocked(en, m, dir, &a, &b, na, nb);
        if (stop == 1 || (stop == 2 && f != 2)) break;
        edge = dir > 0 ? b : a;
        if (f == 2) got++, keep = edge;
        if (stop) break;
    }
    if (!got) return 0;
    if (dir > 0)
        it->end = keep;
    else
        it->start = keep;
    return 0;
}

/* Drops the mentions of en inside mention m's span (the checks of
 * blocked() leave only unlinked ones and m's reference's). */
static void drop_covered(tx_entry *en, size_t *m)
{
    size_t w = 0;
    tx_item *it = &en->men[*m];
    size_t s = it->start, e = it->end;
    for (size_t j = 0; j < en->nmen; j++) {
        tx_item *o = &en->men[j];
        if (j != *m && o->start >= s && o->end <= e) {
            free(o->key);
            continue;
        }
        if (j == *m) *m = w;
        en->men[w++] = *o;
    }
    en->nmen = w;
}

static int grow_mention(const tx_conv *c, tx_entry *en, size_t *m, lwords *cache,
                        const grow_params *gp)
{
    tx_item *it = &en->men[*m];
    lwords *lw = &cache[it->reference];
    if (!lw->w && label_words(c, c->refs->ref[it->reference].label, lw)) return -1;
    size_t s = it->start, e = it->end;
    if (grow_side(c, en, *m, lw, +1, gp) || grow_side(c, en, *m, lw, -1, gp)) return -1;
    it = &en->men[*m];
    if (it->start == s && it->end == e) return 0;
    char *k = tx_name_key(c->num, c->norm->s + it->start, it->end - it->start);
    if (!k) return -1;
    free(it->key);
    it->key = k;
    drop_covered(en, m);
    return 0;
}

tx2json_status tx_grow_mentions(tx_conv *c)
{
    const tx_weights *w = c->weights;
    if (!w || !w->has_param[TXP_MENTION_GROW_WORDS] || !c->refs || !c->refs->nref)
        return TX2JSON_OK;
    grow_params gp = {
        (size_t)w->param[TXP_MENTION_GROW_WORDS],
        w->has_param[TXP_MENTION_GROW_JOINER] ? (size_t)w->param[TXP_MENTION_GROW_JOINER] : 0};
    lwords *cache = calloc(c->refs->nref, sizeof *cache);
    int rc = cache ? 0 : -1;
    for (size_t e = 0; !rc && e < c->ep->nentry; e++) {
        tx_entry *en = &c->ep->entry[e];
        for (size_t m = 0; !rc && m < en->nmen; m++)
            if (en->men[m].reference >= 0 && (size_t)en->men[m].reference < c->refs->nref)
                rc = grow_mention(c, en, &m, cache, &gp);
    }
    for (size_t r = 0; cache && r < c->refs->nref; r++)
        lwords_free(&cache[r]);
    free(cache);
    if (rc) {
        tx_seterr(c->err, TX2JSON_ENOMEM, c->name, 0, 0, (size_t)-1, "out of memory");
        return TX2JSON_ENOMEM;
    }
    return TX2JSON_OK;
}
