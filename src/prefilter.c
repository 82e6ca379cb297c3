/* prefilter.c - a rule's required literals (prefilter.h).  The reading of
 * the pattern is conservative: any syntax it does not know (inline
 * options, back references, \Q, verbs, conditionals) gives no prefilter,
 * so a rule is only ever skipped where its pattern cannot match. */
#include "prefilter.h"

#include <stdlib.h>
#include <string.h>

#define NONE ((size_t)-1)

/* The most literals a requirement holds (a longer alternation gives none). */
enum { MAX_LITERALS = 64, DECIMAL = 10 };

/* Bytes that are not literal outside a character class. */
static int meta(char c)
{
    return c && strchr("\\^$.[]|()?*+{}", c) != NULL;
}

/* The index of the ']' closing the class that opens at p[i], or NONE. */
static size_t class_end(const char *p, size_t n, size_t i)
{
    size_t j = i + 1;
    if (j < n && p[j] == '^') j++;
    if (j < n && p[j] == ']') j++; /* a leading ']' is literal */
    for (; j < n; j++) {
        if (p[j] == '\\') {
            j++;
        } else if (p[j] == '[' && j + 1 < n && p[j + 1] == ':') {
            const char *e = strstr(p + j, ":]");
            if (!e || (size_t)(e - p) >= n) return NONE;
            j = (size_t)(e - p) + 1;
        } else if (p[j] == ']') {
            return j;
        }
    }
    return NONE;
}

/* The length of the escape at p[i] == '\\' when it is one this reading
 * knows (a character type, an assertion, \p{..}, an escaped punctuation
 * character or control), else 0. */
static size_t escape_len(const char *p, size_t n, size_t i)
{
    if (i + 1 >= n) return 0;
    char c = p[i + 1];
    if (strchr("dDsSwWbBhHvVRXAzZGKtnrefa", c)) return 2;
    if (c == 'p' || c == 'P') {
        if (i + 2 < n && p[i + 2] != '{') return 3;
        const char *e = memchr(p + i, '}', n - i);
        return e ? (size_t)(e - p) - i + 1 : 0;
    }
    if (meta(c) || strchr("-/,:;<>=!#&'\"~`@%_ ", c)) return 2;
    return 0;
}

/* The index of the ')' closing the group that opens at p[i], or NONE. */
static size_t group_end(const char *p, size_t n, size_t i)
{
    int depth = 0;
    for (; i < n; i++) {
        if (p[i] == '\\') {
            if (i + 1 < n && p[i + 1] == 'Q') return NONE;
            i++;
        } else if (p[i] == '[') {
            if ((i = class_end(p, n, i)) == NONE) return NONE;
        } else if (p[i] == '(') {
            depth++;
        } else if (p[i] == ')' && --depth == 0) {
            return i;
        }
    }
    return NONE;
}

/* The length of the quantifier at p[q] (0: none; NONE: a '{' this reading
 * does not know); *opt is 1 when it allows no repetition at all. */
static size_t quantifier(const char *p, size_t n, size_t q, int *opt)
{
    size_t len = 0;
    *opt = 0;
    if (q >= n) return 0;
    if (p[q] == '?' || p[q] == '*') {
        *opt = 1;
        len = 1;
    } else if (p[q] == '+') {
        len = 1;
    } else if (p[q] == '{') {
        size_t j = q + 1, min = 0, digits = 0;
        for (; j < n && p[j] >= '0' && p[j] <= '9'; j++, digits++)
            min = min * DECIMAL + (size_t)(p[j] - '0');
        while (j < n && ((p[j] >= '0' && p[j] <= '9') || p[j] == ','))
            j++;
        if (!digits || j >= n || p[j] != '}') return NONE;
        *opt = min == 0;
        len = j - q + 1;
    } else {
        return 0;
    }
    if (q + len < n && (p[q + len] == '?' || p[q + len] == '+')) len++;
    return len;
}

/* Where the pattern's literals are gathered. */
typedef struct found {
    const char *s[MAX_LITERALS];
    size_t len[MAX_LITERALS];
    size_t n;
} found;

/* Is p[0, n) an alternation of literals of two bytes or more?  Then
 * they go to f. */
static int literal_alternation(const char *p, size_t n, found *f)
{
    size_t start = 0;
    f->n = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && p[i] != '|') {
            if (meta(p[i])) return 0;
            continue;
        }
        if (i - start < 2 || f->n == MAX_LITERALS) return 0;
        f->s[f->n] = p + start, f->len[f->n++] = i - start;
        start = i + 1;
    }
    return f->n > 0;
}

/* Does p[0, n) have an alternation at its top level?  -1: syntax this
 * reading does not know. */
static int top_alternation(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '|') return 1;
        if (p[i] == '(' && (i = group_end(p, n, i)) == NONE) return -1;
        if (p[i] == '[' && (i = class_end(p, n, i)) == NONE) return -1;
        if (p[i] == '\\' && !escape_len(p, n, i)) return -1;
        if (p[i] == '\\') i += escape_len(p, n, i) - 1;
    }
    return 0;
}

static int scan(const char *p, size_t n, int utf, found *f);

/* The body of a group at p[i] == '(' ending at e, when it consumes text
 * (capturing, non-capturing, named or atomic): its start in *body; 0 for
 * a lookaround, -1 for any other kind. */
static int group_body(const char *p, size_t i, size_t e, size_t *body)
{
    const char *g = p + i + 1;
    if (g[0] == '*') return -1; /* a verb */
    if (g[0] != '?') return *body = i + 1, 1;
    if (g[1] == ':' || g[1] == '>') return *body = i + 3, 1;
    if (g[1] == '=' || g[1] == '!') return 0;
    if (g[1] == '<' && (g[2] == '=' || g[2] == '!')) return 0;
    if (g[1] == '<' || (g[1] == 'P' && g[2] == '<')) {
        const char *close = memchr(g, '>', e - i);
        if (!close) return -1;
        return *body = (size_t)(close - p) + 1, 1;
    }
    return -1;
}

/* A group of the sequence, not optional: its own requirement, if any. */
static int scan_group(const char *p, size_t i, size_t e, int utf, found *f)
{
    size_t body;
    int kind = group_body(p, i, e, &body);
    if (kind <= 0) return kind;
    return scan(p + body, e - body, utf, f);
}

/* Ends a run of literal bytes p[a, b): it is the requirement when it has
 * two bytes or more. */
static int end_run(const char *p, size_t a, size_t b, found *f)
{
    if (b - a < 2) return 0;
    f->s[0] = p + a, f->len[0] = b - a, f->n = 1;
    return 1;
}

/* The length of the item at p[i] (a group, class, escape, '.' or
 * literal character); NONE for syntax this reading does not know. */
static size_t item_len(const char *p, size_t n, size_t i, int utf)
{
    size_t e;
    switch (p[i]) {
    case '(':
        return (e = group_end(p, n, i)) == NONE ? NONE : e - i + 1;
    case '[':
        return (e = class_end(p, n, i)) == NONE ? NONE : e - i + 1;
    case '\\':
        return escape_len(p, n, i) ? escape_len(p, n, i) : NONE;
    case '.':
        return 1;
    default:
        if (meta(p[i])) return NONE;
        e = i + 1;
        while (utf && e < n && ((unsigned char)p[e] & 0xC0) == 0x80)
            e++;
        return e - i;
    }
}

/* The requirement of p[0, n): 1 when found (in f), 0 when none, -1 when
 * the syntax is beyond this reading. */
static int scan(const char *p, size_t n, int utf, found *f)
{
    int alt = top_alternation(p, n);
    if (alt) return alt < 0 ? -1 : literal_alternation(p, n, f);
    size_t run = 0, i = 0;
    while (i < n) {
        if (p[i] == '^' || p[i] == '$') {
            if (end_run(p, run, i, f)) return 1;
            run = ++i;
            continue;
        }
        size_t len = item_len(p, n, i, utf), q;
        int opt;
        if (len == NONE || (q = quantifier(p, n, i + len, &opt)) == NONE) return -1;
        if (!meta(p[i]) && !q) {
            i += len; /* the run goes on */
            continue;
        }
        if (end_run(p, run, i, f)) return 1;
        if (p[i] == '(' && !opt) {
            int r = scan_group(p, i, i + len - 1, utf, f);
            if (r) return r;
        }
        i += len + q;
        run = i;
    }
    return end_run(p, run, n, f);
}

/* The literal character of the item at p[i] (a plain character or an
 * escaped punctuation character): its length in p in *ilen, its bytes
 * from *lit, *llen of them; 0 when the item is anything else. */
static int literal_item(const char *p, size_t n, size_t i, int utf, size_t *ilen, const char **lit,
                        size_t *llen)
{
    if (p[i] == '\\') {
        char c = i + 1 < n ? p[i + 1] : 0;
        if (escape_len(p, n, i) != 2 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            return 0; /* \d, \b, \n and the like are no literal */
        *ilen = 2, *lit = p + i + 1, *llen = 1;
        return 1;
    }
    if (meta(p[i])) return 0;
    *ilen = *llen = item_len(p, n, i, utf);
    *lit = p + i;
    return 1;
}

/* The head of p: the literal characters a pattern that opens with '^' and
 * has no top-level alternation matches first, up to its first other item
 * (a quantified character ends it before).  Appended to b; its length. */
static size_t head_literal(const char *p, size_t n, int utf, tx_strbuf *b)
{
    if (n == 0 || p[0] != '^' || top_alternation(p, n) != 0) return 0;
    size_t i = 1, ilen, llen;
    const char *lit;
    int opt;
    while (i < n && literal_item(p, n, i, utf, &ilen, &lit, &llen)) {
        size_t q = quantifier(p, n, i + ilen, &opt);
        if (q) break;
        tx_sb_add(b, lit, llen);
        i += ilen;
    }
    return b->len;
}

static unsigned start_hash(const char *s)
{
    unsigned mask = (1u << TX_PF_LOW_BITS) - 1;
    return (((unsigned char)s[0] & mask) << 8) | (unsigned char)s[1];
}

int tx_prefilter_build(const char *p, int utf, tx_prefilter **out)
{
    found f = {.n = 0};
    tx_strbuf head = {0};
    *out = NULL;
    int req = scan(p, strlen(p), utf, &f);
    if (req < 0 || (!head_literal(p, strlen(p), utf, &head) && req != 1)) {
        int oom = head.oom;
        tx_sb_free(&head);
        return oom ? -1 : 0;
    }
    if (req != 1) f.n = 0;
    tx_prefilter *pf = calloc(1, sizeof *pf);
    if (pf) pf->utf = utf, pf->refs = 1, pf->head = head.s, pf->nhead = head.len;
    if (!pf || head.oom || !(pf->lit = calloc(f.n + 1, sizeof *pf->lit)) ||
        !(pf->len = calloc(f.n + 1, sizeof *pf->len)) ||
        (f.n > 1 && !(pf->sets = calloc(1, sizeof *pf->sets)))) {
        if (!pf) tx_sb_free(&head);
        tx_prefilter_free(pf);
        return -1;
    }
    for (size_t k = 0; k < f.n; k++, pf->nlit++) {
        if (!(pf->lit[k] = tx_strndup(f.s[k], f.len[k]))) {
            tx_prefilter_free(pf);
            return -1;
        }
        pf->len[k] = f.len[k];
        if (!pf->sets) continue;
        unsigned h = start_hash(f.s[k]), b = (unsigned char)f.s[k][0];
        pf->sets->starts[h / 64] |= 1ULL << (h % 64);
        pf->sets->first[b] = 1;
    }
    *out = pf;
    return 0;
}

/* Does a literal of pf start at s[0, n) (n >= 2)? */
static int literal_at(const tx_prefilter *pf, const char *s, size_t n)
{
    for (size_t k = 0; k < pf->nlit; k++) {
        const char *l = pf->lit[k];
        if (l[0] == s[0] && l[1] == s[1] && pf->len[k] <= n && memcmp(s, l, pf->len[k]) == 0)
            return 1;
    }
    return 0;
}

/* Does pf's one literal occur in s[0, n)?  Its first byte is found by
 * memchr; a literal starts at a character start, so in UTF-8 that byte
 * is never inside a character. */
static int one_literal_in(const tx_prefilter *pf, const char *s, size_t n)
{
    const char *l = pf->lit[0], *p = s, *end = s + n;
    size_t len = pf->len[0];
    while ((size_t)(end - p) >= len && (p = memchr(p, l[0], (size_t)(end - p) - len + 1))) {
        if (memcmp(p, l, len) == 0) return 1;
        p++;
    }
    return 0;
}

int tx_prefilter_may_match(const tx_prefilter *pf, const char *s, size_t n)
{
    if (pf->nhead && (n < pf->nhead || memcmp(s, pf->head, pf->nhead) != 0)) return 0;
    if (!pf->nlit) return 1;
    if (!pf->sets) return one_literal_in(pf, s, n);
    const unsigned char *u = (const unsigned char *)s;
    const unsigned char *first = pf->sets->first;
    for (size_t i = 0; i + 1 < n; i++) {
        while (!first[u[i]]) /* no literal starts with this byte */
            if (++i + 1 >= n) return 0;
        if (pf->utf && (u[i] & 0xC0) == 0x80) continue; /* inside a character */
        unsigned h = start_hash(s + i);
        if ((pf->sets->starts[h / 64] >> (h % 64) & 1) && literal_at(pf, s + i, n - i)) return 1;
    }
    return 0;
}

tx_prefilter *tx_prefilter_share(tx_prefilter *other, const tx_prefilter *pf)
{
    if (!other || !pf || other->nlit != pf->nlit || other->utf != pf->utf ||
        other->nhead != pf->nhead || (pf->nhead && memcmp(other->head, pf->head, pf->nhead)))
        return NULL;
    for (size_t k = 0; k < pf->nlit; k++)
        if (other->len[k] != pf->len[k] || strcmp(other->lit[k], pf->lit[k])) return NULL;
    other->refs++;
    return other;
}

void tx_prefilter_free(tx_prefilter *pf)
{
    if (!pf || --pf->refs > 0) return;
    for (size_t k = 0; k < pf->nlit; k++)
        free(pf->lit[k]);
    free(pf->lit);
    free(pf->len);
    free(pf->head);
    free(pf->sets);
    free(pf);
}
