/* conv.c - lookups over a conversion's state that several stages share:
 * sentence and candidate search by position, the first rule of a kind
 * that matches a span, the names the mention rules capture in a sentence
 * (kept, as the anchor search and the entries' mentions both ask), the
 * stop-name test and the paragraph test. */
#include "conv.h"
#include "normalize.h"
#include "segment.h"

#include <stdlib.h>
#include <string.h>

/* The names of the sentences asked for so far: sentence i's are
 * named[at[i], at[i] + count[i]), count[i] == UNSEEN until asked. */
struct tx_namecache {
    tx_off *at; /* 32 bits, as the sentences' offsets (checked: see below) */
    unsigned *count;
    size_t nsent;
    tx_named *named;
    size_t n, cap;
};
#define UNSEEN ((unsigned)-1)

static size_t cand_start(const void *v, size_t i)
{
    return ((const tx_cand *)v)[i].start;
}

static size_t sent_start(const void *v, size_t i)
{
    return ((const tx_sentence *)v)[i].start;
}

size_t tx_conv_cand_lower(const tx_conv *c, size_t pos)
{
    return tx_lower_bound(c->seg->cand, c->seg->ncand, pos, cand_start);
}

size_t tx_conv_sent_lower(const tx_conv *c, size_t pos)
{
    return tx_lower_bound(c->seg->sent, c->seg->nsent, pos, sent_start);
}

const tx_rule *tx_conv_first_match(const tx_conv *c, int kind, size_t a, size_t b, tx_match *m)
{
    const tx_rule *r;
    for (size_t i = 0; (r = tx_rules_get(c->rules, (rule_kind)kind, c->lang, i)); i++)
        if (tx_rule_match(c->rules, r, c->norm->s + a, b - a, 0, m) == 1) return r;
    return NULL;
}

int tx_conv_names(const tx_conv *c, size_t a, size_t b, tx_named **out, size_t *n)
{
    const tx_rule *r;
    tx_match m;
    tx_pfmemo memo = {.n = 0};
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    for (size_t i = 0; (r = tx_rules_get(c->rules, RK_MENTION, c->lang, i)); i++) {
        size_t gs, ge;
        if (tx_rule_match_memo(c->rules, r, c->norm->s + a, b - a, 0, &m, &memo) != 1 ||
            !tx_match_group(&m, "name", 1, &gs, &ge))
            continue;
        tx_named *p = tx_grow(*out, &cap, *n + 1, sizeof *p);
        if (!p) {
            free(*out);
            *out = NULL;
            return -1;
        }
        *out = p;
        p[(*n)++] = (tx_named){r, gs, ge};
    }
    return 0;
}

int tx_conv_sentence_names(const tx_conv *c, size_t si, const tx_named **out, size_t *n)
{
    tx_namecache *k = c->names;
    if (!k || si >= k->nsent) return -1; /* made for c->seg by tx_conv_names_init */
    if (k->count[si] == UNSEEN) {
        const tx_sentence *s = &c->seg->sent[si];
        tx_named *got;
        size_t ng;
        if (tx_conv_names(c, s->start, s->end, &got, &ng)) return -1;
        if (k->n + ng > UINT32_MAX) { /* at[] holds 32 bits: refused as too much */
            free(got);
            return -1;
        }
        tx_named *p = ng ? tx_grow(k->named, &k->cap, k->n + ng, sizeof *p) : k->named;
        if (ng && !p) {
            free(got);
            return -1;
        }
        k->named = p;
        if (ng) memcpy(k->named + k->n, got, ng * sizeof *got);
        free(got);
        k->at[si] = (tx_off)k->n;
        k->count[si] = (unsigned)ng;
        k->n += ng;
    }
    *out = k->count[si] ? k->named + k->at[si] : NULL;
    *n = k->count[si];
    return 0;
}

int tx_conv_names_init(tx_conv *c)
{
    size_t ns = c->seg->nsent;
    tx_namecache *k = calloc(1, sizeof *k);
    if (!k) return -1;
    k->at = malloc((ns ? ns : 1) * sizeof *k->at);
    k->count = malloc((ns ? ns : 1) * sizeof *k->count);
    if (!k->at || !k->count) {
        free(k->at), free(k->count), free(k);
        return -1;
    }
    for (size_t i = 0; i < ns; i++)
        k->count[i] = UNSEEN;
    k->nsent = ns;
    c->names = k;
    return 0;
}

void tx_conv_names_free(tx_conv *c)
{
    if (!c->names) return;
    free(c->names->at), free(c->names->count), free(c->names->named);
    free(c->names);
    c->names = NULL;
}

int tx_conv_is_stop(const tx_conv *c, size_t s, size_t e)
{
    return tx_rules_any_full(c->rules, RK_STOPNAME, c->lang, c->norm->s + s, e - s);
}

int tx_conv_para_start(const tx_conv *c, size_t at)
{
    const char *t = c->norm->s;
    size_t i = at, nl = 0;
    while (i > 0 && nl < 2) {
        char ch = t[i - 1];
        if (ch == '\n')
            nl++;
        else if (ch != ' ' && ch != '\t')
            break;
        i--;
    }
    return nl >= 2;
}
