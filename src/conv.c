/* conv.c - lookups over a conversion's state that several stages share:
 * sentence and candidate search by position, the first rule of a kind
 * that matches a span, the stop-name test and the paragraph test. */
#include "conv.h"
#include "normalize.h"
#include "segment.h"

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
